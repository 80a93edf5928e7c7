import { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.ts';
import { formatCrypto, formatGhs } from '../../services/common/amounts.ts';
import type { WalletService } from '../../services/wallet/wallet.ts';
import { commandButtonData } from '../../telegram/commands.ts';
import { html } from '../../telegram/html.ts';

/** /wallet: available and reserved cedis and crypto, what the crypto is worth, and the money actions. */
export async function showWallet(ctx: BotContext, wallet: WalletService, asset: string): Promise<void> {
  const user = ctx.appUser;
  const summary = user ? await wallet.summary(user.id) : null;
  if (!summary) {
    await ctx.reply('Please register first: send /start. It takes about two minutes.');
    return;
  }
  const value = summary.cryptoValueGhs
    ? html`Your ${asset} is worth about <b>${formatGhs(summary.cryptoValueGhs)}</b> at today's sell rate.`
    : html`The ${asset} price is not available right now.`;
  const keyboard = new InlineKeyboard()
    .text('🟢 Buy', commandButtonData('buy'))
    .text('🔴 Sell', commandButtonData('sell'))
    .row()
    .text('⬇️ Deposit', commandButtonData('deposit'))
    .text('⬆️ Withdraw', commandButtonData('withdraw'))
    .row()
    .text('🧾 History', commandButtonData('history'));
  await ctx.reply(
    html`💰 <b>Your wallet</b>

Cedis: <b>${formatGhs(summary.cedisAvailable)}</b> available · ${formatGhs(summary.cedisReserved)} reserved
${asset}: <b>${formatCrypto(summary.cryptoAvailable, asset)}</b> available · ${formatCrypto(summary.cryptoReserved, asset)} reserved
${value}

Reserved money is held for your requests waiting for our team and for your open market orders (see /orders).`.value,
    { reply_markup: keyboard },
  );
}
