import type { DepositRow } from '../../db/cashDeposits.ts';
import type { WithdrawalRow } from '../../db/cashWithdrawals.ts';
import { formatGhs } from '../common/amounts.ts';
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
  withdrawalDeclined: (row: WithdrawalRow, reason: string): Notice => ({
    type: 'WITHDRAWAL_DECLINED',
    title: 'Withdrawal declined',
    message: `Your withdrawal ${row.reference} was declined. Reason: ${reason}. ${formatGhs(row.amount)} is available again in your wallet.`,
  }),
};
