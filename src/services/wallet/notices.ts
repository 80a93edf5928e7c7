import type { DepositRow } from '../../db/cashDeposits.ts';
import type { PaymentRequestRow } from '../../db/paymentRequests.ts';
import type { WithdrawalRow } from '../../db/cashWithdrawals.ts';
import type { CryptoDepositRow } from '../../db/cryptoDeposits.ts';
import type { CryptoWithdrawalRow } from '../../db/cryptoWithdrawals.ts';
import { Big, formatCrypto, formatGhs } from '../common/amounts.ts';
import { networkName, transactionLink, type CryptoNetwork } from './cryptoNetworks.ts';
import type { Notice } from '../notifications/outbox.ts';
import { describePayout } from './payouts.ts';

/** The words of the notifications the wallet domain (deposits, withdrawals) writes into the outbox. */
export const walletNotices = {
  depositApproved: (row: DepositRow): Notice => ({
    type: 'DEPOSIT_APPROVED',
    title: 'Deposit received',
    message: `Your deposit ${row.reference} of ${formatGhs(row.amount)} is now in your wallet.`,
  }),
  depositDeclined: (row: DepositRow, reason: string): Notice => ({
    type: 'DEPOSIT_DECLINED',
    title: 'Deposit declined',
    message: `Your deposit ${row.reference} of ${formatGhs(row.amount)} was declined. Reason: ${reason}. If you have paid, contact support with the reference.`,
  }),
  withdrawalPaid: (row: WithdrawalRow): Notice => ({
    type: 'WITHDRAWAL_PAID',
    title: 'Withdrawal paid',
    message: `Your withdrawal ${row.reference} of ${formatGhs(row.amount)} has been paid to ${describePayout(row)}.${row.payout_reference ? ` Payout reference: ${row.payout_reference} (quote it if you need to ask your bank or network about it).` : ''}`,
  }),
  withdrawalReturned: (row: WithdrawalRow, reason: string): Notice => ({
    type: 'WITHDRAWAL_RETURNED',
    title: 'Withdrawal returned',
    message: `The payout of your withdrawal ${row.reference} (${formatGhs(row.amount)} to ${describePayout(row)}) came back to us: ${reason}. Nothing is lost: the ${formatGhs(row.amount)} stays reserved for it, and our team sends it again. If the account details are wrong, contact support with the reference.`,
  }),
  withdrawalDeclined: (row: WithdrawalRow, reason: string): Notice => ({
    type: 'WITHDRAWAL_DECLINED',
    title: 'Withdrawal declined',
    message: `Your withdrawal ${row.reference} was declined. Reason: ${reason}. ${formatGhs(row.amount)} is available again in your wallet.`,
  }),
};

const REQUEST_NOUN = { buy: 'purchase', deposit: 'deposit' } as const;

/** What a buy or deposit the user pays for outside the bot tells them as it expires or is re-opened. */
export const paymentNotices = {
  expiredUnreported: (row: Pick<PaymentRequestRow, 'kind' | 'reference' | 'cedis_amount'>): Notice => ({
    type: 'PAYMENT_REQUEST_EXPIRED',
    title: 'Request closed',
    message:
      `Your ${REQUEST_NOUN[row.kind]} ${row.reference} of ${formatGhs(row.cedis_amount)} was closed: no payment was reported for it within 24 hours. ` +
      `Do not pay for it now. If you already paid, contact support with the reference ${row.reference}: our team can re-open it.`,
  }),
  reopened: (row: Pick<PaymentRequestRow, 'kind' | 'reference'>, reason: string): Notice => ({
    type: 'REQUEST_REOPENED',
    title: 'Request re-opened',
    message: `Your ${REQUEST_NOUN[row.kind]} ${row.reference} was re-opened by our team (${reason}). It is waiting for a decision again, and I'll message you when it is decided.`,
  }),
};

/** What the user's crypto withdrawals and deposits tell them. */
export const cryptoNotices = {
  withdrawalSent: (row: CryptoWithdrawalRow, network: CryptoNetwork): Notice => ({
    type: 'CRYPTO_WITHDRAWAL_SENT',
    title: 'Crypto sent',
    message:
      `Your withdrawal ${row.reference} of ${formatCrypto(row.amount, row.asset)} was sent on ${networkName(network)} to ${row.address}` +
      `${row.memo ? ` (memo ${row.memo})` : ''}. Transaction hash: ${row.tx_hash ?? ''}. See it on the explorer: ${transactionLink(network, row.tx_hash ?? '')}`,
  }),
  depositCredited: (row: CryptoDepositRow): Notice => ({
    type: 'CRYPTO_DEPOSIT_CREDITED',
    title: 'Crypto received',
    message:
      `Your deposit ${row.reference} is in your wallet: ${formatCrypto(row.credited_amount ?? row.amount, row.asset)}` +
      `${row.credited_amount !== null && !new Big(row.credited_amount).eq(row.amount) ? ` (you said ${formatCrypto(row.amount, row.asset)}; this is what arrived)` : ''}.`,
  }),
  depositDeclined: (row: CryptoDepositRow, reason: string): Notice => ({
    type: 'CRYPTO_DEPOSIT_DECLINED',
    title: 'Deposit declined',
    message: `Your deposit ${row.reference} of ${formatCrypto(row.amount, row.asset)} was declined. Reason: ${reason}. If you did send it, contact support with the reference and the transaction hash.`,
  }),
  withdrawalDeclined: (row: CryptoWithdrawalRow, reason: string): Notice => ({
    type: 'CRYPTO_WITHDRAWAL_DECLINED',
    title: 'Withdrawal declined',
    message: `Your withdrawal ${row.reference} was declined. Reason: ${reason}. ${formatCrypto(new Big(row.amount).plus(row.fee), row.asset)} (the amount and its fee) is available again in your wallet.`,
  }),
};
