// @sx/sdk: the typed sx API client and the webhook verifier. Browser-safe: nothing here imports
// a Node module (tsconfig.json type-checks src/ without Node's types to hold that).
export {
  createClient,
  type ClientOptions,
  type ListItem,
  type ListPath,
  type ResponseData,
  type SxClient,
} from './client.ts'
export { SxError, type Problem, type ProblemType } from './errors.ts'
export type { UploadedFile, UploadFileInput } from './upload.ts'
export { newIdempotencyKey, type FetchLike, type RetryOptions } from './retry.ts'
export {
  verifyWebhook,
  WebhookVerificationError,
  type VerifyWebhookInput,
  type WebhookErrorCode,
  type WebhookEvent,
  type WebhookHeaders,
} from './webhooks.ts'
export type { components, operations, paths } from './generated/openapi.ts'
export { ABILITIES } from './generated/openapi.ts'
