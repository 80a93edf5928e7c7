import type { ChargeRow } from '../../db/paystackCharges.ts';
import { Big, formatGhs } from '../common/amounts.ts';
import type { Notice } from '../notifications/outbox.ts';

/** The amount of a charge in cedis, from its whole pesewas. */
export function chargeCedis(charge: Pick<ChargeRow, 'amount_pesewas'>): string {
  return new Big(charge.amount_pesewas).div(100).toFixed(2);
}

/** What Paystack payments tell the payer (the credit itself is told by the deposit's own approval notice). */
export const paystackNotices = {
  chargeFailed: (charge: ChargeRow, depositReference: string, reason: string): Notice => ({
    type: 'INSTANT_PAYMENT_FAILED',
    title: 'Payment not completed',
    message:
      `Your mobile money payment of ${formatGhs(chargeCedis(charge))} for deposit ${depositReference} did not go through: ${reason}. ` +
      'No money was taken for it. Tap 🔁 Try again under the payment message, or send /deposit to start again.',
  }),
  underReview: (charge: ChargeRow, depositReference: string): Notice => ({
    type: 'INSTANT_PAYMENT_REVIEW',
    title: 'Payment being checked',
    message: `Paystack reported a payment for deposit ${depositReference} that does not match it, so nothing was credited yet. Our team has been told and will sort it out; quote ${charge.reference} if you contact support.`,
  }),
};
