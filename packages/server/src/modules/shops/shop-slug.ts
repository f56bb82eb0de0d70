// A shop's slug, the name of its pages (`/s/<slug>`): derived from the name at creation with the
// catalog's rule, kept to 3–40 characters, `-2`, `-3`, … when taken.
import { slugify } from '../catalog/index.ts'

/** `"Acme Keys!"` → `"acme-keys"`; room is left for a `-N` suffix, and a name too short gets `-shop`. */
export function shopSlugBase(name: string): string {
  const base = slugify(name).slice(0, 34).replace(/-+$/, '')
  return base.length >= 3 ? base : `${base}-shop`
}
