// File uploads with progress (PUT /v1/products/{id}/file). fetch reports no upload progress, so in
// a browser the body goes through XMLHttpRequest, whose `upload.onprogress` does; elsewhere (Node)
// through the client's own typed PUT, reporting progress once, when the answer arrives.
import { SxError } from './errors.ts'
import type { ResponseData } from './client.ts'

export type UploadFileInput = {
  /** The file_download product the file belongs to. */
  productId: string
  /** The file's bytes: a `File` from an `<input type="file">`, or any `Blob`. */
  file: Blob
  /** The name buyers download it as; default the `File`'s own name. */
  filename?: string
  /** Bytes sent so far and the total, as the upload advances. */
  onProgress?: (loaded: number, total: number) => void
  /** Aborts the upload (the promise rejects with an `AbortError`). */
  signal?: AbortSignal
}

export type UploadedFile = ResponseData<'/v1/products/{id}/file', 'put'>

/** What an upload needs of the client that makes it. */
export type UploadContext = {
  baseUrl: string
  headers: Record<string, string>
  /** The client's typed PUT, used where there is no XMLHttpRequest. */
  put: (id: string, filename: string, file: Blob, signal?: AbortSignal) => Promise<UploadedFile>
}

export function uploadFile(context: UploadContext, input: UploadFileInput): Promise<UploadedFile> {
  const filename = input.filename ?? (input.file as Partial<File>).name ?? 'file'
  if (typeof XMLHttpRequest === 'undefined')
    return context.put(input.productId, filename, input.file, input.signal).then((answer) => {
      input.onProgress?.(input.file.size, input.file.size)
      return answer
    })
  const url = new URL(`${context.baseUrl.replace(/\/$/, '')}/v1/products/${encodeURIComponent(input.productId)}/file`)
  url.searchParams.set('filename', filename)
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('PUT', url)
    for (const [name, value] of Object.entries(context.headers)) xhr.setRequestHeader(name, value)
    xhr.setRequestHeader('content-type', 'application/octet-stream')
    xhr.upload.onprogress = (event) =>
      input.onProgress?.(event.loaded, event.lengthComputable ? event.total : input.file.size)
    xhr.onload = () => {
      const response = toResponse(xhr)
      const body = parseBody(xhr.responseText)
      if (response.ok) resolve(body as UploadedFile)
      else reject(SxError.fromResponse(response, body))
    }
    xhr.onerror = () => reject(new TypeError(`upload to ${url.pathname} failed: the connection was lost`))
    xhr.onabort = () => reject(new DOMException('The upload was aborted.', 'AbortError'))
    input.signal?.addEventListener('abort', () => xhr.abort(), { once: true })
    if (input.signal?.aborted) return xhr.abort()
    xhr.send(input.file)
  })
}

/** The XHR's answer as a fetch Response, so errors are made exactly as the client makes them. */
function toResponse(xhr: XMLHttpRequest): Response {
  const headers = new Headers()
  for (const line of xhr.getAllResponseHeaders().trim().split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
  }
  return new Response(null, { status: xhr.status, statusText: xhr.statusText, headers })
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
