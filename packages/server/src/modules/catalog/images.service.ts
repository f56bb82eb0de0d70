// Product images: PUT /v1/products/{id}/image takes the raw body (up to PRODUCT_IMAGE_LIMIT_BYTES),
// decides the type from its first bytes (never from the Content-Type header or a file name), and
// stores it content-addressed under the data folder's images/ — a folder of its own, so the public
// image route can serve nothing but images (never a product's paid file). The URL names the hash, so
// a new image is a new URL and browsers may keep an image for ever.
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import type { Services } from '../../services.ts'
import type { RequestContext } from '../../platform/context.ts'
import { AppError, invalidFields } from '../../platform/errors.ts'
import type { Product } from './catalog.schemas.ts'
import * as repo from './catalog.repository.ts'
import { openStored, storeBytes } from './files.service.ts'
import { IMAGE_TYPES } from './images.ts'
import { emitProductEvent, loadProduct } from './products.service.ts'
import { publishCatalogChanges } from './versions.repository.ts'

type Deps = Pick<Services, 'config' | 'db' | 'clock' | 'secretBox'>

export async function uploadProductImage(
  services: Deps,
  ctx: RequestContext,
  id: string,
  body: Readable,
): Promise<Product> {
  await loadProduct(services.db, ctx.auth, id)
  const bytes = await readAll(body, services.config.delivery.imageBodyLimitBytes)
  if (bytes.length === 0) throw invalidFields({ body: ["is empty; send the image's bytes as the request body"] })
  const kind = IMAGE_TYPES.find((candidate) => candidate.matches(bytes))
  if (!kind)
    throw new AppError('unsupported_media_type', 'The body is not a PNG, JPEG or WebP image (judged by its content).')
  const { sha256 } = await storeBytes(imagesDir(services.config.dataDir), bytes)
  return setImage(services, ctx, id, { image_sha256: sha256, image_type: kind.type })
}

export async function deleteProductImage(services: Deps, ctx: RequestContext, id: string): Promise<Product> {
  await loadProduct(services.db, ctx.auth, id)
  return setImage(services, ctx, id, { image_sha256: null, image_type: null })
}

function setImage(
  services: Deps,
  ctx: RequestContext,
  id: string,
  image: { image_sha256: string | null; image_type: string | null },
): Promise<Product> {
  return publishCatalogChanges(ctx.transact)(async (trx) => {
    const now = services.clock.now()
    await repo.updateProduct(trx, ctx.auth, id, { ...image, updated_at: now })
    return emitProductEvent(trx, services, ctx.auth, id, 'product.updated', now)
  })
}

/** A stored image by its public name, with its type, or null. */
export async function openProductImage(services: Pick<Services, 'config'>, name: string) {
  const [sha256 = '', ext] = name.split('.')
  const kind = IMAGE_TYPES.find((candidate) => candidate.ext === ext)
  const file = kind ? await openStored(imagesDir(services.config.dataDir), sha256) : null
  return file && kind ? { ...file, type: kind.type } : null
}

/** The body, refused with 413 as soon as it passes `limit` bytes. */
async function readAll(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += (chunk as Buffer).length
    if (size > limit) {
      body.destroy()
      throw new AppError('payload_too_large', `Images are limited to ${limit} bytes.`)
    }
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

function imagesDir(dataDir: string): string {
  return join(dataDir, 'images')
}
