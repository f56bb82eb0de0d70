// The image types a product image may have (judged by magic bytes) and the image's public URL;
// pure, shared by the upload service and the product mapper.

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** The image types taken, by their magic bytes, with the extension their URL ends in. */
export const IMAGE_TYPES = [
  { type: 'image/png', ext: 'png', matches: (b: Buffer) => b.subarray(0, 8).equals(PNG) },
  {
    type: 'image/jpeg',
    ext: 'jpg',
    matches: (b: Buffer) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  },
  {
    type: 'image/webp',
    ext: 'webp',
    matches: (b: Buffer) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP',
  },
] as const

/** `<sha256>.<ext>`: what the public route takes. */
export const IMAGE_NAME = '^[0-9a-f]{64}\\.(png|jpg|webp)$'

/** The public URL of a product's image, or null: `<PUBLIC_URL>/img/<sha256>.<ext>`. */
export function productImageUrl(
  publicUrl: string,
  row: { image_sha256: string | null; image_type: string | null },
): string | null {
  const kind = IMAGE_TYPES.find((candidate) => candidate.type === row.image_type)
  return row.image_sha256 && kind ? `${publicUrl}/img/${row.image_sha256}.${kind.ext}` : null
}
