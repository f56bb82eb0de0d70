// Ledger: append-only money entries per shop, mode and currency; balances are their sums.
export { balanceRoutes } from './balance.routes.ts'
export {
  creditPayment,
  holdFunds,
  mainCurrency,
  releaseFunds,
  settleFunds,
  type Movement,
  type TransferKind,
} from './ledger.service.ts'
export { balanceFigures, type BalanceFigure } from './figures.repository.ts'
export { CurrencySchema } from './ledger.schemas.ts'
