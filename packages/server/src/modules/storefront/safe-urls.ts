// Escaping stops attribute break-out but not `javascript:` links, so every href is checked here first.

/** The URL if it is absolute http(s) or a same-site path, else null. */
export function httpUrlOrNull(url: string | undefined): string | null {
  if (!url) return null
  if (url.startsWith('/') && !url.startsWith('//')) return url
  try {
    const { protocol } = new URL(url)
    return protocol === 'https:' || protocol === 'http:' ? url : null
  } catch {
    return null
  }
}

/** `url` resolved against `base` if the result is http(s), else null; emails need absolute links. */
export function absoluteHttpUrlOrNull(url: string | undefined, base: string): string | null {
  if (!url) return null
  try {
    const resolved = new URL(url, base)
    return resolved.protocol === 'https:' || resolved.protocol === 'http:' ? resolved.href : null
  } catch {
    return null
  }
}

// Wallet URIs use one scheme per chain (bitcoin:, ethereum:, tron:, …), too many to list; refuse the ones a browser runs.
const SCRIPTABLE_SCHEMES = new Set(['javascript', 'data', 'vbscript', 'file', 'blob'])

/** A payment URI (`tron:T…?amount=25`) if its scheme cannot run script, else null. */
export function walletUriOrNull(uri: string): string | null {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri.trim())?.[1]?.toLowerCase()
  return scheme && !SCRIPTABLE_SCHEMES.has(scheme) ? uri : null
}
