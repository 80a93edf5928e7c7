import type { Notice } from '../notifications/outbox.ts';

/** The words of the notifications the KYC domain writes into the outbox. */
export const kycNotices = {
  approved: (): Notice => ({
    type: 'KYC_APPROVED',
    title: 'Identity verified',
    message: 'Your identity is verified. You can now buy and sell: open the menu to start.',
  }),
  rejected: (reason: string): Notice => ({
    type: 'KYC_REJECTED',
    title: 'Identity not verified',
    message: `We could not verify your identity. Reason: ${reason}. Send /kyc to submit your documents again.`,
  }),
  underReview: (): Notice => ({
    type: 'KYC_UNDER_REVIEW',
    title: 'Documents in review',
    message: 'An admin is reviewing your documents now. You will hear from us as soon as it is done.',
  }),
};
