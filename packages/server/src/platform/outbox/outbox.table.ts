export interface EventsTable {
  id: string
  shop_id: string
  livemode: number
  type: string
  /** JSON of the object the event carries, sealed with SX_SECRET (secret-box). */
  data: string
  created_at: number
  /** When the webhook relay fanned it out to the endpoints subscribed then; null until it has. */
  dispatched_at: number | null
}
