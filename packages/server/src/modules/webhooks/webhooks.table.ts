export interface WebhookEndpointsTable {
  id: string
  shop_id: string
  livemode: number
  url: string
  description: string | null
  /** JSON array of event types and patterns (`order.paid`, `product.*`, `*`). */
  events: string
  /** active | disabled */
  status: string
  /** Why sx disabled it (`gone`: the receiver answered 410; `failing`: failures for WEBHOOK_DISABLE_AFTER_SECONDS); null when the merchant did. */
  disabled_reason: string | null
  /** The `whsec_` secret, sealed with SX_SECRET. */
  secret_sealed: string
  /** After a rotation the old secret keeps signing alongside the new one until it expires. */
  previous_secret_sealed: string | null
  previous_secret_expires_at: number | null
  /** Time of the first failure since the last success; null while healthy. */
  failing_since: number | null
  created_at: number
  updated_at: number
  deleted_at: number | null
}

export interface WebhookQueueTable {
  id: string
  endpoint_id: string
  event_id: string
  /** pending | delivered | failed (schedule exhausted) | cancelled (endpoint disabled or deleted) */
  status: string
  /** Automatic attempts made so far. */
  attempts: number
  next_attempt_at: number
  /** Lease of the worker sending it; another worker may take it once this passes. */
  locked_until: number | null
  locked_by: string | null
  created_at: number
}

export interface WebhookDeliveriesTable {
  id: string
  endpoint_id: string
  event_id: string
  event_type: string
  /** The chain this attempt belongs to; null for `ping` tests. */
  queue_id: string | null
  attempt: number
  /** scheduled | manual | test */
  trigger: string
  succeeded: number
  response_code: number | null
  error: string | null
  response_excerpt: string | null
  duration_ms: number
  /** When the chain tries again after this attempt failed; null when it will not. */
  next_retry_at: number | null
  created_at: number
}
