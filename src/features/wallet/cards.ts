import { formatGhs } from '../../services/common/amounts.ts';
import type { DepositFacts, WithdrawalFacts } from '../../services/wallet/approvalKinds.ts';
import { describePayout } from '../../services/wallet/payouts.ts';
import type { CardView } from '../../telegram/cards.ts';

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
      : ['Action', "Tap I'm paying this, pay the amount, then tap Paid and type the payout reference"],
  ],
  pendingSummary: ({ id, details: row }) => `Withdrawal #${id}: ${formatGhs(row.amount)} to ${row.method === 'momo' ? row.momo_network : row.bank_name}`,
};
