import Big from 'big.js';
import { formatCrypto, formatGhs } from '../../services/common/amounts.ts';
import type { CryptoDepositFacts, CryptoWithdrawalFacts } from '../../services/wallet/cryptoApprovalKinds.ts';
import { addressLink, isCryptoNetwork, networkName, transactionLink } from '../../services/wallet/cryptoNetworks.ts';
import type { CardView } from '../../telegram/cards.ts';
import { formatDateTime } from '../../telegram/format.ts';

const nameOf = (network: string) => (isCryptoNetwork(network) ? networkName(network) : network);

const STATUS = { pending: 'waiting', approved: 'sent', declined: 'declined' } as const;
const STATUS_OF_DEPOSIT = { pending: 'waiting', approved: 'credited', declined: 'declined' } as const;

/** How a crypto withdrawal reads on its admin card: where to send what, and the user's recent withdrawals. */
export const cryptoWithdrawalCardView: CardView<CryptoWithdrawalFacts> = {
  kind: 'crypto_withdrawal',
  label: 'Crypto withdrawal',
  approveLabel: 'Paid',
  approvedLabel: 'Paid',
  declineLabel: 'Decline',
  declinedLabel: 'Declined',
  declineReasons: ['The address looks wrong', 'The network is not available now', 'Suspected fraud'],
  payoutReference: { noun: 'the transaction hash', placeholder: 'Transaction hash (txid)' },
  title: ({ id, details }) => `Crypto withdrawal #${id} · ${details.reference}`,
  fields: ({ details: row }) => [
    ['Network', nameOf(row.network)],
    ['Send to', row.address, 'code'],
    // The address's page: whether it is in use on this network, before coins are sent to it.
    ...(isCryptoNetwork(row.network) ? [['Address on the explorer', addressLink(row.network, row.address)] as const] : []),
    ...(row.memo ? [['Memo', row.memo, 'code'] as const] : []),
    ['Amount to send', formatCrypto(row.amount, row.asset), 'code'],
    ['Fee (kept by the desk)', formatCrypto(row.fee, row.asset)],
    // Valued when asked, at the price then; 0 when there was none (never "worth GHS 0.00").
    ['Reserved from the wallet', `${formatCrypto(new Big(row.amount).plus(row.fee), row.asset)} (${new Big(row.value_ghs).gt(0) ? `worth ${formatGhs(row.value_ghs)} when asked` : 'no price when asked'})`],
    ['Reference', row.reference],
    [
      'Recent withdrawals',
      row.recent.length === 0
        ? 'none before this one'
        : row.recent.map((earlier) => `${formatDateTime(earlier.created_at)} ${formatCrypto(earlier.amount, earlier.asset)} on ${nameOf(earlier.network)}, ${STATUS[earlier.status]}`).join('; '),
    ],
    row.tx_hash !== null && isCryptoNetwork(row.network)
      ? ['Transaction', transactionLink(row.network, row.tx_hash)]
      : ['Action', "Tap I'm paying this, send the amount to the address on this network, then tap Paid and type the transaction hash"],
  ],
  pendingSummary: ({ id, details: row }) => `Crypto withdrawal #${id}: ${formatCrypto(row.amount, row.asset)} on ${nameOf(row.network)}`,
};

/** How a crypto deposit reads on its admin card: the transaction to look up, and whether another deposit recorded it. */
export const cryptoDepositCardView: CardView<CryptoDepositFacts> = {
  kind: 'crypto_deposit',
  label: 'Crypto deposit',
  approveLabel: 'Approve',
  approvedLabel: 'Approved',
  declineLabel: 'Decline',
  declinedLabel: 'Declined',
  declineReasons: ['Not found on the network', 'Sent to another address', 'Sent on another network or another coin'],
  title: ({ id, details }) => `Crypto deposit #${id} · ${details.reference}`,
  fields: ({ details: row }) => [
    ['Network', nameOf(row.network)],
    ['The user says they sent', formatCrypto(row.amount, row.asset)],
    ...(row.credited_amount !== null ? [['Credited', formatCrypto(row.credited_amount, row.asset)] as const] : []),
    ['To the desk address', row.deposit_address, 'code'],
    ...(row.memo ? [['With the memo', row.memo, 'code'] as const] : []),
    ['Transaction', row.tx_hash, 'code'],
    ['Explorer', isCryptoNetwork(row.network) ? transactionLink(row.network, row.tx_hash) : row.tx_hash],
    ...(row.sharedWith.length > 0
      ? [['⚠️ Same transaction', `also reported by ${row.sharedWith.map((other) => `${other.reference} (${STATUS_OF_DEPOSIT[other.status]})`).join(', ')}: credit it again only for a batch`] as const]
      : []),
    ...(row.batch_confirmed ? [['Batch', 'confirmed: one transaction paid several users'] as const] : []),
    row.status === 'pending'
      ? ['Action', 'Open the explorer link, check the coin, the network, the address (and memo) and the amount, then Approve and type the amount that arrived']
      : ['Reference', row.reference],
  ],
  pendingSummary: ({ id, details: row }) => `Crypto deposit #${id}: ${formatCrypto(row.amount, row.asset)} on ${nameOf(row.network)}`,
};
