import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParamsSchema, ListSchema, withProblems } from '../../platform/http/schemas.ts'
import {
  CreateProductBodySchema,
  DeletedProductSchema,
  ImportStockBodySchema,
  ImportStockResultSchema,
  ListProductsQuerySchema,
  ProductSchema,
  UpdateProductBodySchema,
  UpdatedProductSchema,
} from './catalog.schemas.ts'
import { archiveProduct, createProduct, getProduct, listProducts, updateProduct } from './products.service.ts'
import { importStock } from './stock.service.ts'
import { catalogVersionOfKey } from './versions.repository.ts'
import { uploadProductFile } from './files.service.ts'
import { deleteProductImage, uploadProductImage } from './images.service.ts'
import { Type } from 'typebox'
import type { Readable } from 'node:stream'

const tags = ['Products']

export const catalogRoutes: FastifyPluginAsyncTypebox<{ http: { importBodyLimitBytes: number } }> = async (
  app,
  { http },
) => {
  app.get(
    '/products',
    {
      config: { ability: 'products:read', versionedBy: catalogVersionOfKey },
      schema: {
        operationId: 'listProducts',
        tags,
        summary: 'List products',
        description: 'Newest first, with cursor pagination; filter by `status` and `type`.',
        querystring: ListProductsQuerySchema,
        response: withProblems({ 200: ListSchema(ProductSchema) }),
      },
    },
    (request) => listProducts(app.services, request.ctx, request.query),
  )

  app.post(
    '/products',
    {
      config: { ability: 'products:write', successStatus: 201, shownOnce: ['signing_secret'] },
      schema: {
        operationId: 'createProduct',
        tags,
        summary: 'Create a product',
        description:
          "Emits `product.created`. The `slug` is derived from the name and unique per shop and mode. A `dynamic` product's `signing_secret` is shown this once: a replay with the same `Idempotency-Key` leaves it out and says `secret_omitted: true`.",
        body: CreateProductBodySchema,
        response: withProblems({ 201: ProductSchema }),
      },
    },
    (request) => createProduct(app.services, request.ctx, request.body),
  )

  app.get(
    '/products/:id',
    {
      config: { ability: 'products:read', versionedBy: catalogVersionOfKey },
      schema: {
        operationId: 'getProduct',
        tags,
        summary: 'Retrieve a product',
        params: IdParamsSchema,
        response: withProblems({ 200: ProductSchema }),
      },
    },
    (request) => getProduct(app.services, request.ctx, request.params.id),
  )

  app.patch(
    '/products/:id',
    {
      config: { ability: 'products:write' },
      schema: {
        operationId: 'updateProduct',
        tags,
        summary: 'Update a product',
        description:
          'Answers with the id, the fields sent and `updated_at`. Emits `product.updated`. `stock` can be set on counter-based types only.',
        params: IdParamsSchema,
        body: UpdateProductBodySchema,
        response: withProblems({ 200: UpdatedProductSchema }),
      },
    },
    (request) => updateProduct(app.services, request.ctx, request.params.id, request.body),
  )

  app.delete(
    '/products/:id',
    {
      config: { ability: 'products:write' },
      schema: {
        operationId: 'deleteProduct',
        tags,
        summary: 'Archive a product',
        description:
          'Archives the product (it stays readable with `status: archived`); emits `product.deleted`. Repeating it changes nothing.',
        params: IdParamsSchema,
        response: withProblems({ 200: DeletedProductSchema }),
      },
    },
    (request) => archiveProduct(app.services, request.ctx, request.params.id),
  )

  app.post(
    '/products/:id/stock',
    {
      bodyLimit: http.importBodyLimitBytes,
      config: { ability: 'products:write', successStatus: 201, largeBody: true },
      schema: {
        operationId: 'importStock',
        tags,
        summary: 'Import stock items',
        description:
          "Adds up to 100,000 items to a license_key or account product's pool in one transaction. Items already in the pool (sold or not) or repeated in the request count as `duplicates`.",
        params: IdParamsSchema,
        body: ImportStockBodySchema,
        response: withProblems({ 201: ImportStockResultSchema }),
      },
    },
    (request) => importStock(app.services, request.ctx, request.params.id, request.body),
  )

  // The file and image routes take the raw body, whatever its content type, as a stream.
  const rawBodyRoutes: FastifyPluginAsyncTypebox = async (raw) => {
    raw.removeAllContentTypeParsers()
    raw.addContentTypeParser('*', (_request, payload, done) => done(null, payload))
    raw.put(
      '/products/:id/file',
      {
        config: { ability: 'products:write', largeBody: true },
        schema: {
          operationId: 'uploadProductFile',
          tags,
          summary: 'Upload the file of a file_download product',
          description:
            "The request body is the file's bytes (any content type), `?filename=` its name. Buyers get a download link that expires (7 days, 5 downloads by default). Up to FILE_BODY_LIMIT_BYTES (512 MiB by default).",
          params: IdParamsSchema,
          querystring: Type.Object(
            { filename: Type.Optional(Type.String({ maxLength: 255 })) },
            { additionalProperties: false },
          ),
          response: withProblems({
            200: Type.Object({
              id: Type.String(),
              file: Type.Object({ name: Type.String(), size: Type.Integer(), sha256: Type.String() }),
            }),
          }),
        },
      },
      (request) =>
        uploadProductFile(
          app.services,
          request.ctx,
          request.params.id,
          request.query.filename,
          request.body as Readable,
        ),
    )
    raw.put(
      '/products/:id/image',
      {
        config: { ability: 'products:write' },
        schema: {
          operationId: 'uploadProductImage',
          tags,
          summary: "Upload a product's image",
          description:
            "The request body is the image's bytes: PNG, JPEG or WebP, judged by its content (the Content-Type header is ignored; anything else is 415), up to PRODUCT_IMAGE_LIMIT_BYTES (5 MiB by default; more is 413). Sets `image_url`, a public content-hashed URL, and emits `product.updated`.",
          params: IdParamsSchema,
          response: withProblems({ 200: ProductSchema }),
        },
      },
      (request) => uploadProductImage(app.services, request.ctx, request.params.id, request.body as Readable),
    )
  }
  await app.register(rawBodyRoutes)

  app.delete(
    '/products/:id/image',
    {
      config: { ability: 'products:write' },
      schema: {
        operationId: 'deleteProductImage',
        tags,
        summary: "Remove a product's image",
        description: 'Sets `image_url` to null; emits `product.updated`. Repeating it changes nothing.',
        params: IdParamsSchema,
        response: withProblems({ 200: ProductSchema }),
      },
    },
    (request) => deleteProductImage(app.services, request.ctx, request.params.id),
  )
}
