import type { Notice } from '../notifications/outbox.ts';

/** The words of the notifications the accounts domain writes into the outbox. */
export const accountNotices = {
  welcome: (): Notice => ({ type: 'WELCOME', title: 'Welcome', message: 'Your account is ready. Verify your identity with /kyc to start trading.' }),
};
