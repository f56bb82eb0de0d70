// createClient: openapi-fetch over the generated `paths`, answering the success body directly and
// throwing SxError for everything else, plus cursor pagination as an async iterator.
import createFetchClient, { type FetchResponse, type MaybeOptionalInit } from 'openapi-fetch'
import type { HttpMethod, PathsWithMethod, RequiredKeysOf } from 'openapi-typescript-helpers'
import { SxError } from './errors.ts'
import type { paths } from './generated/openapi.ts'
import { retryingFetch, retryOptions, type FetchLike, type RetryOptions } from './retry.ts'
import { uploadFile, type UploadedFile, type UploadFileInput } from './upload.ts'

export type ClientOptions = {
  /** Where sx answers, e.g. `https://pay.example.com` (the `/v1` is part of each path). */
  baseUrl: string
  /** `sx_test_…` (sandbox) or `sx_live_…`. Leave it out in the dashboard, which signs in with a session cookie. */
  apiKey?: string
  /** A signed-in session's `csrf_token` (the dashboard): sent as `X-CSRF-Token` with the same-origin cookie. */
  csrfToken?: string
  /** Another fetch (a test double, an instrumented one); default the runtime's `fetch`. */
  fetch?: FetchLike
  /** Retries on 429/503 and lost connections; a number is the retry count. */
  retries?: number | RetryOptions
  /** Headers sent with every request (e.g. `X-Request-Id` from your own tracing). */
  headers?: Record<string, string>
}

/** openapi-fetch's own rule for whether the options argument may be left out. */
type InitArgs<Init> = RequiredKeysOf<Init> extends never ? [Init?] : [Init]
type Init<P extends keyof paths, M extends HttpMethod> = MaybeOptionalInit<paths[P], M>
/** The success body of one operation. */
export type ResponseData<P extends keyof paths, M extends HttpMethod> = NonNullable<
  FetchResponse<paths[P][M] & Record<string | number, unknown>, object, `${string}/${string}`>['data']
>

type Call<M extends HttpMethod> = <P extends PathsWithMethod<paths, M>, I extends Init<P, M>>(
  path: P,
  ...init: InitArgs<I>
) => Promise<ResponseData<P, M>>

/** GET paths that answer `{ object: 'list', data, has_more, next_cursor }`. */
export type ListPath = {
  [P in PathsWithMethod<paths, 'get'>]: ResponseData<P, 'get'> extends { object: 'list'; data: unknown[] } ? P : never
}[PathsWithMethod<paths, 'get'>]
export type ListItem<P extends ListPath> = ResponseData<P, 'get'> extends { data: (infer T)[] } ? T : never

export type SxClient = {
  GET: Call<'get'>
  POST: Call<'post'>
  PUT: Call<'put'>
  PATCH: Call<'patch'>
  DELETE: Call<'delete'>
  /**
   * Every item of a list, page after page, newest first; `limit` sets the page size.
   * @example for await (const order of sx.paginate('/v1/orders', { params: { query: { status: 'paid' } } })) …
   */
  paginate<P extends ListPath>(path: P, ...init: InitArgs<Init<P, 'get'>>): AsyncGenerator<ListItem<P>, void>
  /**
   * A file_download product's file (`PUT /v1/products/{id}/file`) with upload progress: in a
   * browser through XMLHttpRequest (no retries: a lost upload is the caller's to start again),
   * elsewhere through `PUT`. Errors are `SxError`s, as from every method.
   * @example await sx.uploadFile({ productId, file: input.files[0], onProgress: (sent, total) => bar.value = sent / total })
   */
  uploadFile(input: UploadFileInput): Promise<UploadedFile>
}

type Page = { data: unknown[]; has_more: boolean; next_cursor: string | null }
type LooseInit = { params?: { query?: Record<string, unknown> } & Record<string, unknown> } & Record<string, unknown>

/**
 * @example
 * const sx = createClient({ baseUrl: 'http://127.0.0.1:3000', apiKey: process.env.SX_KEY })
 * const product = await sx.POST('/v1/products', { body: { name: 'Key', type: 'license_key', price_cents: 500, currency: 'USD' } })
 */
export function createClient(options: ClientOptions): SxClient {
  const fetch = options.fetch ?? ((request: Request) => globalThis.fetch(request))
  const headers = {
    ...options.headers,
    ...(options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }),
    // Sent on reads too: harmless there, and one header set keeps the client simple.
    ...(options.csrfToken === undefined ? {} : { 'x-csrf-token': options.csrfToken }),
  }
  const raw = createFetchClient<paths>({
    baseUrl: options.baseUrl,
    headers,
    credentials: 'same-origin',
    fetch: retryingFetch(fetch, retryOptions(options.retries)),
  })
  // The typed signatures above are what callers see; inside, one loose call serves every method.
  const request = raw.request as unknown as (
    method: HttpMethod,
    path: string,
    init?: LooseInit,
  ) => Promise<{ data?: unknown; error?: unknown; response: Response }>
  const send = async (method: HttpMethod, path: string, init?: LooseInit): Promise<unknown> => {
    const { data, error, response } = await request(method, path, init)
    if (!response.ok) throw SxError.fromResponse(response, error)
    return data
  }
  const call = (method: HttpMethod) => ((path: string, init?: LooseInit) => send(method, path, init)) as never

  async function* paginate(path: string, init: LooseInit = {}): AsyncGenerator<unknown, void> {
    let cursor: string | undefined
    do {
      const query = { ...init.params?.query, ...(cursor === undefined ? {} : { cursor }) }
      const page = (await send('get', path, { ...init, params: { ...init.params, query } })) as Page
      yield* page.data
      cursor = page.has_more && page.next_cursor !== null ? page.next_cursor : undefined
    } while (cursor !== undefined)
  }

  return {
    GET: call('get'),
    POST: call('post'),
    PUT: call('put'),
    PATCH: call('patch'),
    DELETE: call('delete'),
    paginate: paginate as SxClient['paginate'],
    uploadFile: (input) =>
      uploadFile(
        {
          baseUrl: options.baseUrl,
          headers,
          put: (id, filename, file, signal) =>
            send('put', '/v1/products/{id}/file', {
              params: { path: { id }, query: { filename } },
              body: file,
              bodySerializer: (body: unknown) => body,
              headers: { 'content-type': 'application/octet-stream' },
              signal,
            }) as Promise<UploadedFile>,
        },
        input,
      ),
  }
}
