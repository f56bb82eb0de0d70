export interface EventsTable {
  id: string
  shop_id: string
  livemode: number
  type: string
  /** JSON of the object the event carries, sealed with SX_SECRET (secret-box). */
  data: string
  /** The id of the object the event carries (`data.id`), for `GET /v1/events?object_id=`; null on events from before it was kept. */
  object_id: string | null
  created_at: number
  /** When the webhook relay fanned it out to the endpoints subscribed then; null until it has. */
  dispatched_at: number | null
}
