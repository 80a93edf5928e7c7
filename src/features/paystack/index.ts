import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { paystackEventsJob, paystackReviewAlertsJob, paystackUnconfirmedJob, reconcilePaystackJob } from '../../jobs/paystack.ts';
import { chargeOutcome, chargeView, CHECK_DATA, RETRY_DATA } from '../../scenes/paystack/chargeText.ts';
import { INSTANT_PAYMENT, payInstantly } from '../../scenes/paystack/instantPayment.ts';
import { currentUser } from '../../scenes/ask/user.ts';
import type { PaymentKind } from '../../services/wallet/payments.ts';
import { PAYSTACK_AUTO_BUY_FIELD } from '../../services/paystack/settingFields.ts';
import { mayMoveMoney } from '../../telegram/refusals.ts';
import { defineModule } from '../module.ts';
import type { PayoutProgress } from '../../services/paystack/payouts.ts';
import { asAdmin } from '../../telegram/adminGuard.ts';
import { shorten } from '../../telegram/format.ts';
import { claimText } from '../approvals/decisions.ts';
import { SEND_WITH_PAYSTACK } from './payoutButton.ts';
import { afterPaystackWork } from '../../paystackWebhook.ts';

/** Telegram takes at most 200 characters in a callback's answer; Paystack's reasons are cut to fit. */
const CALLBACK_ANSWER_CHARACTERS = 200;

/** What the admin who tapped Send with Paystack is told. */
function payoutProgressText(progress: PayoutProgress): string {
  switch (progress.status) {
    case 'succeeded':
      return 'Paystack paid it: the user has been told, with the transfer reference.';
    case 'pending':
    case 'started':
      return `Sent with Paystack (${progress.transfer.reference}). The card shows when Paystack confirms it; do not pay it another way.`;
    case 'otp':
      return 'Paystack waits for an OTP for this transfer (OTP finalisation is on). Finalise it in the dashboard, or tap Release to stop it: nothing was sent.';
    case 'reversed':
      return 'Paystack paid it, then reversed it: the withdrawal is claimable again, its cedis reserved. Check the destination before paying again.';
    case 'needs_review':
      return "Paystack's record of this transfer needs a look: see the card and the Paystack dashboard. You still hold the claim.";
    case 'failed': {
      const after = progress.transfer ? 'The card is claimable again.' : 'You still hold the claim: release it, or pay it by hand.';
      const before = 'Paystack did not send it: ';
      return `${before}${shorten(progress.reason, CALLBACK_ANSWER_CHARACTERS - before.length - after.length - '. …'.length)}. ${after}`;
    }
    case 'bank_unknown':
      // A callback answer holds 200 characters; a bank name 100.
      return `Paystack lists ${progress.several ? 'several banks' : 'no bank'} named "${progress.bankName}": pay this one by hand. You hold it: pay it, then tap Paid.`;
    case 'not_claimed':
      return 'This payout is no longer yours to send: see its card.';
  }
}

/**
 * Paystack (on with PAYSTACK_SECRET_KEY): the buttons of an instant payment (check it, try again), and the jobs that
 * work stored webhooks, verify charges left unconfirmed and alert the admins. The deposit menu offers it
 * (scenes/wallet/deposit.ts); its webhooks arrive over HTTP (src/paystackWebhook.ts).
 */
export const paystackModule = defineModule({
  name: 'paystack',
  settingFields: [PAYSTACK_AUTO_BUY_FIELD],
  telegram(deps) {
    const paystack = deps.kernel.paystack;
    const composer = new Composer<BotContext>();
    if (!paystack) return { composer };
    const privateChat = composer.chatType('private');
    privateChat.callbackQuery(CHECK_DATA, async (ctx) => {
      const user = ctx.appUser;
      const result = user ? await paystack.check(user.id, Number(ctx.match[1])) : ({ status: 'not_found' } as const);
      if (result.status === 'not_found') {
        await ctx.answerCallbackQuery({ text: 'That payment is not yours, or no longer exists.' });
        return;
      }
      await ctx.answerCallbackQuery();
      const outcome = chargeOutcome(chargeView(result));
      await ctx.reply(outcome.text.value, outcome.keyboard ? { reply_markup: outcome.keyboard } : {});
      if (user) await deps.delivery.deliverTo(user.id);
      deps.cards.kick();
    });
    privateChat.callbackQuery(RETRY_DATA, async (ctx) => {
      await ctx.answerCallbackQuery();
      if (await mayMoveMoney(ctx, deps.kernel.access)) await ctx.conversation.enter(INSTANT_PAYMENT, ctx.match[1], Number(ctx.match[2]));
    });
    const admin = { admins: deps.kernel.admins, adminChatId: deps.config.adminChatId };
    composer.callbackQuery(SEND_WITH_PAYSTACK, (ctx) =>
      asAdmin(ctx, admin, async () => {
        const from = ctx.from;
        const id = Number(ctx.match[1]);
        // The claim first: one admin, one way of paying, after the approvals it needs.
        const claimed = await deps.kernel.approvals.claim({ kind: 'withdrawal', id, from });
        const mine = claimed.outcome === 'applied' || (claimed.outcome === 'held' && claimed.claim.adminTelegramId === from.id);
        if (!mine) {
          const refusal = claimText(claimed, deps.cards.view('withdrawal'), 'claim', from.id);
          await ctx.answerCallbackQuery({ text: refusal.text, show_alert: true });
          deps.cards.kick();
          return;
        }
        const sent = await paystack.sendPayout(id, { telegramId: from.id });
        await ctx.answerCallbackQuery({ text: payoutProgressText(sent), show_alert: sent.status === 'failed' || sent.status === 'otp' || sent.status === 'bank_unknown' });
        deps.cards.kick();
        await deps.delivery.deliverDue();
      }),
    );
    return {
      composer,
      conversations: [
        {
          name: INSTANT_PAYMENT,
          restartCommand: 'deposit',
          builder: async (conversation, ctx, kind: PaymentKind, id: number) => {
            const user = await currentUser(conversation);
            if (!user) return;
            const payable = await conversation.external(() => paystack.payableRequest(user.id, { kind, id }));
            if (!payable) {
              await ctx.reply(chargeOutcome({ status: 'not_open' }).text.value);
              return;
            }
            await payInstantly(conversation, ctx, paystack, user, payable);
          },
        },
      ],
    };
  },
  jobs(deps) {
    const paystack = deps.kernel.paystack;
    if (!paystack) return [];
    const jobDeps = { paystack, afterWork: afterPaystackWork(deps.delivery, deps.cards), api: deps.api, adminChatId: deps.config.adminChatId };
    return [paystackEventsJob(jobDeps), paystackUnconfirmedJob(jobDeps), paystackReviewAlertsJob(jobDeps), reconcilePaystackJob({ ...jobDeps, logger: deps.logger })];
  },
});
