// Files of file_download products: PUT streams the body to disk while hashing it, under the data
// folder, content-addressed (<sha256>), so re-uploading the same file stores it once. A body over
// the limit is cut off with 413 and nothing is kept.
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Services } from '../../services.ts'
import type { RequestContext } from '../../platform/context.ts'
import { AppError, invalidFields } from '../../platform/errors.ts'
import { emitProductEvent, loadProduct } from './products.service.ts'
import * as repo from './catalog.repository.ts'
import { publishCatalogChanges } from './versions.repository.ts'

/** What this file's functions use of the services (callers pass the whole `Services`). */
type Deps = Pick<Services, 'config' | 'db' | 'clock' | 'secretBox'>

export type StoredFile = { name: string; size: number; sha256: string }

const FILENAME = /^[^/\\\x00-\x1f]{1,255}$/

export async function uploadProductFile(
  services: Deps,
  ctx: RequestContext,
  id: string,
  filename: string | undefined,
  body: Readable,
): Promise<{ id: string; file: StoredFile }> {
  const product = await loadProduct(services.db, ctx.auth, id)
  if (product.type !== 'file_download')
    throw invalidFields({ type: [`is ${product.type}; only file_download products take a file`] })
  if (!filename || !FILENAME.test(filename))
    throw invalidFields({
      filename: ['is required (?filename=name.zip), 1-255 characters, no slashes or control characters'],
    })

  const dir = filesDir(services.config.dataDir)
  await mkdir(join(dir, 'tmp'), { recursive: true })
  const temp = join(dir, 'tmp', randomBytes(12).toString('hex'))
  const hash = createHash('sha256')
  let size = 0
  const limit = services.config.delivery.fileBodyLimitBytes
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length
      if (size > limit) return done(new AppError('payload_too_large', `Files are limited to ${limit} bytes.`))
      hash.update(chunk)
      done(null, chunk)
    },
  })
  try {
    await pipeline(body, meter, createWriteStream(temp, { mode: 0o600 }))
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
  if (size === 0) {
    await rm(temp, { force: true })
    throw invalidFields({ body: ["is empty; send the file's bytes as the request body"] })
  }
  const sha256 = hash.digest('hex')
  await rename(temp, join(dir, sha256))
  await publishCatalogChanges(ctx.transact)(async (trx) => {
    const now = services.clock.now()
    await repo.updateProduct(trx, ctx.auth, id, {
      file_name: filename,
      file_size: size,
      file_sha256: sha256,
      updated_at: now,
    })
    await emitProductEvent(trx, services, ctx.auth, id, 'product.updated', now)
  })
  return { id, file: { name: filename, size, sha256 } }
}

/** Opens a stored file for download, or null when it is gone from this machine's disk. */
export async function openProductFile(
  services: Deps,
  sha256: string,
): Promise<{ stream: Readable; size: number } | null> {
  return openStored(filesDir(services.config.dataDir), sha256)
}

/** Stores bytes where an upload of them would land (the demo shop's file, made without a request). */
export async function storeFileBytes(dataDir: string, bytes: Uint8Array): Promise<{ sha256: string; size: number }> {
  return storeBytes(filesDir(dataDir), bytes)
}

/** Writes bytes content-addressed (`<dir>/<sha256>`) through a temporary file, so a reader never sees half of one. */
export async function storeBytes(dir: string, bytes: Uint8Array): Promise<{ sha256: string; size: number }> {
  await mkdir(join(dir, 'tmp'), { recursive: true })
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const temp = join(dir, 'tmp', randomBytes(12).toString('hex'))
  await writeFile(temp, bytes, { mode: 0o600 })
  await rename(temp, join(dir, sha256))
  return { sha256, size: bytes.length }
}

/** Opens `<dir>/<sha256>`, or null when it is not on this machine's disk. */
export async function openStored(dir: string, sha256: string): Promise<{ stream: Readable; size: number } | null> {
  const path = join(dir, sha256)
  const info = await stat(path).catch(() => null)
  return info ? { stream: createReadStream(path), size: info.size } : null
}

function filesDir(dataDir: string): string {
  return join(dataDir, 'files')
}
