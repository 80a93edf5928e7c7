import type { BotConversation, ConversationContext } from '../../context.ts';
import { Big, formatCrypto, formatGhs } from '../../services/common/amounts.ts';
import { newReference } from '../../services/common/references.ts';
import { invalid } from '../../services/common/validation.ts';
import { html } from '../../telegram/html.ts';
import { notCreatedText } from '../../telegram/refusals.ts';
import { sendCardOnItsWay } from '../ask/adminCard.ts';
import { askText, choose } from '../ask/ask.ts';
import { askPin } from '../ask/pin.ts';
import { currentUser } from '../ask/user.ts';
import { withdrawCrypto } from './cryptoWithdraw.ts';
import type { WalletSceneDeps } from './deps.ts';
import { askPayout, payoutText } from './payoutDetails.ts';

export const WITHDRAW = 'withdraw';

/** /withdraw: cedis to momo or bank, or the asset to the user's own wallet (scenes/wallet/cryptoWithdraw.ts); a summary, PIN; the money is reserved. */
export function createWithdrawConversation(deps: WalletSceneDeps) {
  return async function withdraw(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
    const user = await currentUser(conversation);
    if (!user) return;
    const { available, smallest, crypto, networks } = await conversation.external(async () => ({
      available: (await deps.wallet.summary(user.id))?.cedisAvailable ?? '0',
      smallest: (await deps.settings.current()).min_amount_ghs,
      crypto: (await deps.wallet.summary(user.id))?.cryptoAvailable ?? '0',
      networks: await deps.networks.enabled(),
    }));
    const { asset } = deps;
    const cryptoOut = networks.length > 0 && new Big(crypto).gt(0);
    // Said when sending the asset to a wallet is not offered, so the user knows why.
    const cryptoNote = networks.length === 0 ? ` Sending ${asset} to your own wallet is not open yet.` : '';
    const cashOut = new Big(available).gte(smallest) && new Big(available).gt(0);
    if (!cashOut && !cryptoOut) {
      const why = new Big(available).lte(0) ? 'so there is nothing to withdraw' : `below the smallest withdrawal of ${formatGhs(smallest)}, so you cannot withdraw yet`;
      await ctx.reply(`Your available balance is ${formatGhs(available)}, ${why}. Add cedis with /deposit or sell with /sell.${cryptoNote}`);
      return;
    }
    const method = await choose<'momo' | 'bank' | 'crypto' | 'cancel'>(
      conversation,
      ctx,
      html`⬆️ You have ${formatGhs(available)} available${cryptoOut ? ` and ${formatCrypto(crypto, asset)}` : ''}. Where should the money go?${cryptoNote}`,
      [
        ...(cashOut ? [[{ label: '📱 Mobile money', value: 'momo' as const }, { label: '🏦 Bank', value: 'bank' as const }]] : []),
        ...(cryptoOut ? [[{ label: `🪙 ${asset} to a wallet`, value: 'crypto' as const }]] : []),
        [{ label: '❌ Cancel', value: 'cancel' }],
      ],
    );
    if (method === 'cancel') {
      await ctx.reply('Cancelled; nothing was saved.');
      return;
    }
    if (method === 'crypto') {
      await withdrawCrypto(conversation, ctx, deps, user, networks, crypto);
      return;
    }
    const payout = await askPayout(conversation, ctx, method, user);
    const amount = await askText(conversation, ctx, html`How much do you want to withdraw? Type cedis, e.g. 250. You have ${formatGhs(available)} available.`, async (text) => {
      const checked = await conversation.external(() => deps.wallet.checkAmount(text));
      if (checked.ok && new Big(checked.value).gt(available)) return invalid(`You have ${formatGhs(available)} available. Type a smaller amount.`);
      return checked;
    });
    const reference = await conversation.external(() => newReference('WD'));
    const decision = await choose(
      conversation,
      ctx,
      html`⬆️ <b>Withdraw ${formatGhs(amount)}</b>\n\nTo: ${payoutText(payout)}\nReference: ${reference}\n\nThe amount is reserved from your wallet until our team has paid it.`,
      [[{ label: '✅ Confirm', value: 'confirm' }, { label: '❌ Cancel', value: 'cancel' }]],
    );
    if (decision === 'cancel') {
      await ctx.reply('Cancelled; nothing was saved.');
      return;
    }
    if (!(await askPin(conversation, ctx, deps.access, user.id))) return;
    const result = await conversation.external(() => deps.wallet.createWithdrawal({ userId: user.id, amount, payout, reference }));
    if (result.status !== 'created') {
      await ctx.reply(notCreatedText(result));
      return;
    }
    await ctx.reply(html`✅ Done: ${formatGhs(amount)} is reserved for your withdrawal <b>${reference}</b>. I'll message you as soon as it has been paid.`.value);
    await sendCardOnItsWay(conversation, deps);
  };
}
