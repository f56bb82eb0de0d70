// The database's shape, assembled from the tables each module owns.
import type { Kysely, Transaction } from 'kysely'
import type { ShopsTable, OwnersTable } from '../modules/shops/shops.table.ts'
import type { ApiKeysTable } from '../modules/keys/keys.table.ts'
import type { OwnerSessionsTable, PasswordResetsTable } from '../modules/sessions/sessions.table.ts'
import type {
  CatalogVersionsTable,
  ProductsTable,
  StockItemsTable,
  StockMovementsTable,
} from '../modules/catalog/catalog.table.ts'
import type { CouponsTable } from '../modules/coupons/coupons.table.ts'
import type { EventsTable } from '../platform/outbox/outbox.table.ts'
import type { IdempotencyKeysTable } from '../platform/http/idempotency.table.ts'
import type { JobsTable } from '../platform/jobs/jobs.table.ts'
import type { MailsTable } from '../platform/mail/mails.table.ts'
import type { DownloadsTable } from '../modules/delivery/downloads.table.ts'
import type { CustomersTable } from '../modules/customers/customers.table.ts'
import type { OrderLinesTable, OrderPaymentsTable, OrdersTable } from '../modules/orders/orders.table.ts'
import type {
  WebhookDeliveriesTable,
  WebhookEndpointsTable,
  WebhookQueueTable,
} from '../modules/webhooks/webhooks.table.ts'
import type { LedgerAccountsTable, LedgerEntriesTable } from '../modules/ledger/ledger.table.ts'
import type { RefundsTable } from '../modules/refunds/refunds.table.ts'
import type { PayoutsTable } from '../modules/payouts/payouts.table.ts'
import type { SandboxTransfersTable } from '../modules/payments/sandbox-transfers.table.ts'
import type { WalletAddressesTable, WalletCountersTable, WalletTable } from '../modules/wallet/wallet.table.ts'
import type { ChainNoncesTable, ChainTransactionsTable } from '../modules/treasury/treasury.table.ts'
import type { ChainPaymentsTable, WatchAddressesTable, WatchCursorsTable } from '../modules/watcher/watcher.table.ts'

export interface Database {
  shops: ShopsTable
  owners: OwnersTable
  api_keys: ApiKeysTable
  owner_sessions: OwnerSessionsTable
  password_resets: PasswordResetsTable
  products: ProductsTable
  stock_items: StockItemsTable
  stock_movements: StockMovementsTable
  catalog_versions: CatalogVersionsTable
  coupons: CouponsTable
  events: EventsTable
  idempotency_keys: IdempotencyKeysTable
  jobs: JobsTable
  mails: MailsTable
  downloads: DownloadsTable
  customers: CustomersTable
  orders: OrdersTable
  order_lines: OrderLinesTable
  order_payments: OrderPaymentsTable
  webhook_endpoints: WebhookEndpointsTable
  webhook_queue: WebhookQueueTable
  webhook_deliveries: WebhookDeliveriesTable
  ledger_accounts: LedgerAccountsTable
  ledger_entries: LedgerEntriesTable
  refunds: RefundsTable
  payouts: PayoutsTable
  sandbox_transfers: SandboxTransfersTable
  wallet: WalletTable
  wallet_counters: WalletCountersTable
  wallet_addresses: WalletAddressesTable
  chain_nonces: ChainNoncesTable
  chain_transactions: ChainTransactionsTable
  watch_cursors: WatchCursorsTable
  watch_addresses: WatchAddressesTable
  chain_payments: ChainPaymentsTable
}

export type Db = Kysely<Database>
/** What repositories take: the database or an open transaction. */
export type DbOrTrx = Kysely<Database> | Transaction<Database>
export type Dialect = 'sqlite' | 'postgres'
