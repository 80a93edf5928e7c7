import type { CryptoTransactionRow } from '../../db/cryptoTransactions.ts';
import { formatCrypto, formatGhs } from '../common/amounts.ts';
import type { Notice } from '../notifications/outbox.ts';

/** The words of the notifications the trading domain (buys, sells) writes into the outbox. */
export const tradingNotices = {
  buyApproved: (row: CryptoTransactionRow, asset: string): Notice => ({
    type: 'BUY_APPROVED',
    title: 'Purchase complete',
    message: `Your purchase ${row.reference} is complete: ${formatCrypto(row.crypto_amount, asset)} is now in your wallet.`,
  }),
  sellApproved: (row: CryptoTransactionRow): Notice => ({
    type: 'SELL_APPROVED',
    title: 'Sale complete',
    message: `Your sale ${row.reference} is complete: ${formatGhs(row.cedis_amount)} is now in your wallet.`,
  }),
  buyDeclined: (row: CryptoTransactionRow, reason: string): Notice => ({
    type: 'BUY_DECLINED',
    title: 'Purchase declined',
    message: `Your purchase ${row.reference} was declined. Reason: ${reason}. If you have paid, contact support with the reference.`,
  }),
  sellDeclined: (row: CryptoTransactionRow, reason: string, asset: string): Notice => ({
    type: 'SELL_DECLINED',
    title: 'Sale declined',
    message: `Your sale ${row.reference} was declined. Reason: ${reason}. Your ${formatCrypto(row.crypto_amount, asset)} is available again.`,
  }),
};
