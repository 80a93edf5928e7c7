import type { Notice } from '../notifications/outbox.ts';

/** The words of what the support domain sends users: an admin's answer, signed "Support" (never the admin's name). */
export const supportNotices = {
  answer: (body: string | null): Notice => ({
    type: 'SUPPORT_ANSWER',
    title: '💬 Support',
    message: `${body ?? 'We sent you this picture.'}\n\n— Support\nTo answer, send /support and tap ✍️ Write to support.`,
  }),
};
