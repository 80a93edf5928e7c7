import { formatGhs } from '../../services/common/amounts.ts';
import type { DepositFacts, WithdrawalFacts } from '../../services/wallet/approvalKinds.ts';
import { describePayout } from '../../services/wallet/payouts.ts';
import type { CardView } from '../../telegram/cards.ts';
import { sendWithPaystackData } from '../paystack/payoutButton.ts';

const METHOD = { momo: 'mobile money', bank: 'bank transfer' } as const;

/** How a deposit reads on its admin card: the payment to look for. */
export const depositCardView: CardView<DepositFacts> = {
  kind: 'deposit',
  label: 'Deposit',
  approveLabel: 'Approve',
  approvedLabel: 'Approved',
  declineLabel: 'Decline',
  declinedLabel: 'Declined',
  declineReasons: ['Payment not received', 'The amount paid does not match', 'The reference is missing from the payment'],
  title: ({ id, details }) => `Deposit #${id} · ${details.reference}`,
  fields: ({ details: row }) => [
    ['Amount', `${formatGhs(row.amount)} by ${METHOD[row.method]}`],
    ['Reference', row.reference],
    ['Payment proof', row.payment_proof ? 'screenshot attached' : 'none sent: check the account'],
  ],
  pendingSummary: ({ id, details: row }) => `Deposit #${id}: ${formatGhs(row.amount)} by ${row.method}`,
};

const TRANSFER_STATE = {
  started: 'sent, waiting for Paystack to answer',
  pending: 'sent, waiting for Paystack to confirm',
  otp: 'waiting for an OTP: finalise it in the Paystack dashboard, or Release to stop it (nothing was sent); then turn OTP finalisation off',
  succeeded: 'paid',
  failed: 'failed',
  reversed: 'paid, then reversed by Paystack (the cedis are reserved again)',
  needs_review: '⚠️ needs a look in the Paystack dashboard',
} as const;

/** The withdrawal's latest transfer with Paystack, and why it failed, was reversed or needs a look. */
function paystackTransferLine(row: WithdrawalFacts): [string, string][] {
  const transfer = row.paystack?.transfer;
  if (!transfer) return [];
  const reason = transfer.status !== 'succeeded' && transfer.failure_reason ? `: ${transfer.failure_reason}` : '';
  return [['📤 Paystack', `${transfer.reference} by ${transfer.sent_by_name}: ${TRANSFER_STATE[transfer.status]}${reason}`]];
}

/** How a withdrawal reads on its admin card: the payout to make before tapping Paid. */
export const withdrawalCardView: CardView<WithdrawalFacts> = {
  kind: 'withdrawal',
  label: 'Withdrawal',
  approveLabel: 'Paid',
  approvedLabel: 'Paid',
  declineLabel: 'Decline',
  declinedLabel: 'Declined',
  declineReasons: ['The payout details are wrong', 'The account name does not match the user', 'Suspected fraud'],
  title: ({ id, details }) => `Withdrawal #${id} · ${details.reference}`,
  fields: ({ details: row }) => [
    ['Amount', `${formatGhs(row.amount)} (reserved from the wallet)`],
    ['Pay to', describePayout(row)],
    ['Reference', row.reference],
    row.payout_reference !== null
      ? ['Payout reference', row.payout_reference]
      : ['Action', row.paystack ? "Tap Send with Paystack, or I'm paying this, pay the amount, then tap Paid and type the payout reference" : "Tap I'm paying this, pay the amount, then tap Paid and type the payout reference"],
    ...paystackTransferLine(row),
  ],
  payoutButton: ({ id, details }) => (details.paystack ? { label: '📤 Send with Paystack', data: sendWithPaystackData(id) } : undefined),
  pendingSummary: ({ id, details: row }) => `Withdrawal #${id}: ${formatGhs(row.amount)} to ${row.method === 'momo' ? row.momo_network : row.bank_name}`,
};
