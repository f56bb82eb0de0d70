// API keys: minting (secret shown once, stored hashed), listing, revocation.
export { keysRoutes } from './keys.routes.ts'
export { mintApiKey } from './keys.service.ts'
export { createKeyUsage, type KeyUsage } from './key-usage.ts'
export { createKeyLookup } from './keys.repository.ts'
