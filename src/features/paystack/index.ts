import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { paystackEventsJob, paystackReviewAlertsJob, paystackUnconfirmedJob } from '../../jobs/paystack.ts';
import { chargeOutcome, CHECK_DATA, RETRY_DATA, type ChargeView } from '../../scenes/paystack/chargeText.ts';
import { INSTANT_PAYMENT, payInstantly } from '../../scenes/paystack/instantPayment.ts';
import { currentUser } from '../../scenes/ask/user.ts';
import type { ChargeProgress } from '../../services/paystack/paystack.ts';
import { mayMoveMoney } from '../../telegram/refusals.ts';
import { defineModule } from '../module.ts';

function viewOfCheck(progress: ChargeProgress): ChargeView {
  const { charge } = progress;
  return {
    status: progress.status,
    chargeId: charge.id,
    depositId: charge.deposit_id,
    reference: charge.reference,
    amountPesewas: charge.amount_pesewas,
    network: charge.network,
    phone: charge.phone,
    displayText: null,
    reason: progress.status === 'failed' ? progress.reason : null,
  };
}

/**
 * Paystack (on with PAYSTACK_SECRET_KEY): the buttons of an instant payment (check it, try again), and the jobs that
 * work stored webhooks, verify charges left unconfirmed and alert the admins. The deposit menu offers it
 * (scenes/wallet/deposit.ts); its webhooks arrive over HTTP (src/paystackWebhook.ts).
 */
export const paystackModule = defineModule({
  name: 'paystack',
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
      const outcome = chargeOutcome(viewOfCheck(result));
      await ctx.reply(outcome.text.value, outcome.keyboard ? { reply_markup: outcome.keyboard } : {});
      if (user) await deps.delivery.deliverTo(user.id);
    });
    privateChat.callbackQuery(RETRY_DATA, async (ctx) => {
      await ctx.answerCallbackQuery();
      if (await mayMoveMoney(ctx, deps.kernel.access)) await ctx.conversation.enter(INSTANT_PAYMENT, Number(ctx.match[1]));
    });
    return {
      composer,
      conversations: [
        {
          name: INSTANT_PAYMENT,
          restartCommand: 'deposit',
          builder: async (conversation, ctx, depositId: number) => {
            const user = await currentUser(conversation);
            if (!user) return;
            const deposit = await conversation.external(() => paystack.payableDeposit(user.id, depositId));
            if (!deposit) {
              await ctx.reply(chargeOutcome({ status: 'not_open' }).text.value);
              return;
            }
            await payInstantly(conversation, ctx, paystack, user, deposit);
          },
        },
      ],
    };
  },
  jobs(deps) {
    const paystack = deps.kernel.paystack;
    if (!paystack) return [];
    const jobDeps = { paystack, delivery: deps.delivery, api: deps.api, adminChatId: deps.config.adminChatId };
    return [paystackEventsJob(jobDeps), paystackUnconfirmedJob(jobDeps), paystackReviewAlertsJob(jobDeps)];
  },
});
