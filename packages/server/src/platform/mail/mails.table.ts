/** The stored mail outbox: every message sx sends (or logs, without SMTP_URL). */
export interface MailsTable {
  id: string
  shop_id: string
  livemode: number
  order_id: string | null
  /** confirmation | delivery | resend | renewal */
  kind: string
  recipient: string
  /** Filled in when the message is rendered, at send time. */
  subject: string
  /** Sealed with SX_SECRET (secret-box), like body_html: a delivery mail carries the goods. */
  body_text: string
  body_html: string | null
  /** queued | sent | failed */
  status: string
  /** smtp | log */
  transport: string | null
  error: string | null
  created_at: number
  sent_at: number | null
}
