import { formatGhs, formatMoney } from '../../services/common/amounts.ts';
import type { GiftCardFacts } from '../../services/giftcards/approvalKind.ts';
import { describeRate, GIFT_CARD_KIND } from '../../services/giftcards/rules.ts';
import type { CardView } from '../../telegram/cards.ts';

function codeField(facts: GiftCardFacts): string {
  if (facts.codeUnreadable) return 'stored, but it cannot be opened (was STATE_SECRET changed?): ask the user for it';
  return facts.code ?? 'none typed: read it from the photos';
}

/** How a gift card trade-in reads on its admin card: the card to check, its code, and the payout approval credits. */
export const giftCardCardView: CardView<GiftCardFacts> = {
  kind: GIFT_CARD_KIND,
  label: 'Gift card',
  approveLabel: 'Approve',
  approvedLabel: 'Approved',
  declineLabel: 'Decline',
  declinedLabel: 'Declined',
  declineReasons: ['Already redeemed', 'Invalid code', 'Unreadable photo', 'Wrong card type'],
  title: ({ id, details }) => `Gift card #${id} · ${details.reference}`,
  fields: ({ details: order }) => [
    ['Card', `${order.card_name} (${order.card_brand})`],
    ['Face value', formatMoney(order.amount, order.currency)],
    ['Currency', order.currency],
    ['Rate', describeRate(order.rate_buy, order.currency)],
    ['Payout', `${formatGhs(order.payout_ghs)} to the wallet on approval`],
    ['E-code', codeField(order)],
    ['Proofs', `${1 + order.more_proof_images.length} photo${order.more_proof_images.length > 0 ? 's' : ''} above`],
    ['Action', 'Redeem or check the card first, then Approve'],
  ],
  pendingSummary: ({ id, details: order }) => `Gift card #${id}: ${order.card_name} ${formatMoney(order.amount, order.currency)} → ${formatGhs(order.payout_ghs)}`,
  followUp: { buttonLabel: 'Mark completed', doneLabel: 'Completed', hint: 'tap Mark completed once the card is resold or used' },
};
