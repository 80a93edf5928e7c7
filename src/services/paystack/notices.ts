import type { PaymentRequestRow } from '../../db/paymentRequests.ts';
import type { ChargeRow } from '../../db/paystackCharges.ts';
import { formatGhs, fromPesewas } from '../common/amounts.ts';
import type { Notice } from '../notifications/outbox.ts';


type Request = Pick<PaymentRequestRow, 'kind' | 'reference'>;
const NOUN = { deposit: 'deposit', buy: 'purchase' } as const;
const RESTART = { deposit: '/deposit', buy: '/buy' } as const;

/** What Paystack payments tell the payer (a credit itself is told by the request's own approval notice). */
export const paystackNotices = {
  chargeFailed: (charge: ChargeRow, request: Request, reason: string): Notice => ({
    type: 'INSTANT_PAYMENT_FAILED',
    title: 'Payment not completed',
    message:
      `Your mobile money payment of ${formatGhs(fromPesewas(charge.amount_pesewas))} for ${NOUN[request.kind]} ${request.reference} did not go through: ${reason}. ` +
      `No money was taken for it. Tap 🔁 Try again under the payment message, or send ${RESTART[request.kind]} to start again.`,
  }),
  underReview: (charge: ChargeRow, request: Request): Notice => ({
    type: 'INSTANT_PAYMENT_REVIEW',
    title: 'Payment being checked',
    message: `Paystack reported a payment for ${NOUN[request.kind]} ${request.reference} that does not match it, so nothing was credited yet. Our team has been told and will sort it out; quote ${charge.reference} if you contact support.`,
  }),
  buyPaid: (charge: ChargeRow, request: Request): Notice => ({
    type: 'INSTANT_PAYMENT_RECEIVED',
    title: 'Payment received',
    message: `Paystack confirmed your payment of ${formatGhs(fromPesewas(charge.amount_pesewas))} for purchase ${request.reference}. Our team credits your crypto shortly; I'll message you as soon as it is in your wallet.`,
  }),
};
