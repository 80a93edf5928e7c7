import { formatCrypto, formatGhs, formatPrice } from '../../services/common/amounts.ts';
import type { TradeFacts } from '../../services/trading/approvalKinds.ts';
import type { CardView } from '../../telegram/cards.ts';
import { formatDateTime, formatTime } from '../../telegram/format.ts';

const METHOD = { momo: 'mobile money', bank: 'bank transfer', crypto: 'in-app wallet' } as const;

function tradeFields(type: 'buy' | 'sell', row: TradeFacts): [string, string][] {
  const crypto = formatCrypto(row.crypto_amount, row.asset);
  const cedis = formatGhs(row.cedis_amount);
  const sides: [string, string][] =
    type === 'buy'
      ? [
          ['Pays', `${cedis} by ${METHOD[row.payment_method]} with reference ${row.reference}`],
          ['Receives', crypto],
        ]
      : [
          ['Sells', `${crypto} (reserved from the wallet)`],
          ['Receives', `${cedis} in the wallet`],
        ];
  return [
    ...sides,
    ['Rate', `${formatGhs(row.rate)} per ${row.asset} (market ${formatPrice(row.market_price ?? row.rate)}, spread ${row.spread_percent ?? '0'}%)`],
    ['Payment proof', paymentProof(type, row)],
    ...buyFlags(row),
  ];
}

function paymentProof(type: 'buy' | 'sell', row: TradeFacts): string {
  const paystack = row.paidByPaystack;
  if (paystack) return `✅ paid, verified by Paystack (${paystack.reference}${paystack.transactionId === null ? '' : `, transaction ${paystack.transactionId}`})`;
  if (row.payment_proof) return 'screenshot attached';
  return type === 'buy' ? 'none sent: check the account' : 'not needed';
}

/** What changed since a buy was quoted (it is recorded at its quote all the same), and a buy left unconfirmed too long. */
function buyFlags(row: TradeFacts): [string, string][] {
  const flags: [string, string][] = [];
  if (row.changes?.reportedAfterQuote && row.quote_expires_at) {
    flags.push(['⚠️ Quote', `reported paid after it expired at ${formatTime(row.quote_expires_at)}; approving records the quoted rate`]);
  }
  if (row.changes?.outsideLimits) {
    const { min, max } = row.changes.outsideLimits;
    flags.push(['⚠️ Limits', `now ${formatGhs(min)} to ${formatGhs(max)}; the buy was within them when it was made`]);
  }
  const moved = row.changes?.priceMoved;
  if (moved) {
    const now = moved.rate === null ? 'no current price' : `now ${formatGhs(moved.rate)}${moved.since ? ` (a stale price, from ${formatDateTime(moved.since)})` : ''}`;
    flags.push(['⚠️ Price', `${now} vs quoted ${formatGhs(row.rate)} per ${row.asset}; approving records the quoted rate`]);
  }
  if (row.overdue_flagged_at && row.status === 'pending') flags.push(['⚠️ Overdue', 'reported paid over 24 hours ago and not confirmed: check the payment']);
  return flags;
}

/** How a buy or a sell reads on its admin card. */
function tradeCardView(type: 'buy' | 'sell'): CardView<TradeFacts> {
  const label = type === 'buy' ? 'Buy' : 'Sell';
  return {
    kind: type,
    label,
    approveLabel: 'Approve',
    approvedLabel: 'Approved',
    declineLabel: 'Decline',
    declinedLabel: 'Declined',
    declineReasons:
      type === 'buy'
        ? ['Payment not received', 'The amount paid does not match', 'The reference is missing from the payment', 'Suspected fraud']
        : ['The price moved too far', 'Suspected fraud', 'Account under review'],
    title: ({ id, details }) => `${label} #${id} · ${details.reference}`,
    fields: ({ details }) => tradeFields(type, details),
    pendingSummary: ({ id, details: row }) =>
      `${label} #${id}: ${formatGhs(row.cedis_amount)} ${type === 'buy' ? '→' : '←'} ${formatCrypto(row.crypto_amount, row.asset)}`,
  };
}

export const buyCardView = tradeCardView('buy');
export const sellCardView = tradeCardView('sell');
