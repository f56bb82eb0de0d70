export interface CustomersTable {
  id: string
  shop_id: string
  livemode: number
  /** Lower-cased; one customer per shop, mode and email. */
  email: string
  created_at: number
}
