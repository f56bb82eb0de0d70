export interface JobsTable {
  id: string
  /** What to do (`order.deliver`); handlers are looked up by it. */
  kind: string
  /** The id the job works on; (kind, ref) is unique, so enqueueing twice is one job. */
  ref: string
  run_at: number
  attempts: number
  /** Set while a worker holds the job; after it passes, another worker may take it over. */
  locked_until: number | null
  last_error: string | null
  created_at: number
}
