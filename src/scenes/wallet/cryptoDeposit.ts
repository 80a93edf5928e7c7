import { InputFile } from 'grammy';
import type { BotConversation, ConversationContext } from '../../context.ts';
import { formatCrypto } from '../../services/common/amounts.ts';
import { newReference } from '../../services/common/references.ts';
import type { NetworkSettings } from '../../services/wallet/cryptoNetworkSettings.ts';
import { html } from '../../telegram/html.ts';
import { notCreatedText } from '../../telegram/refusals.ts';
import { sendCardOnItsWay } from '../ask/adminCard.ts';
import { askText } from '../ask/ask.ts';
import type { ConversationUser } from '../ask/user.ts';
import { chooseNetwork } from './cryptoWithdraw.ts';
import type { WalletSceneDeps } from './deps.ts';

/**
 * Receiving the asset from the user's own wallet: the network, the desk's address there as copyable code and as a QR
 * code (with the user's memo on TON) and the warning; then what they sent and the transaction hash, stored for an
 * admin to check on the explorer.
 */
export async function depositCrypto(
  conversation: BotConversation,
  ctx: ConversationContext,
  deps: WalletSceneDeps,
  user: ConversationUser,
  networks: readonly NetworkSettings[],
): Promise<void> {
  const { asset } = deps;
  const network = await chooseNetwork(conversation, ctx, `🪙 On which network will you send ${asset}? Choose the one your sending wallet or exchange uses.`, networks);
  if (!network) {
    await ctx.reply('Cancelled; nothing was saved.');
    return;
  }
  const destination = deps.crypto.depositDestination(user.id, network);
  if (!destination) {
    await ctx.reply(`Deposits on ${network.name} are paused now. Please choose another network later with /deposit.`);
    return;
  }
  const qr = await conversation.external(async () => (await deps.crypto.addressQrCode(destination.address)).toString('base64'));
  await ctx.replyWithPhoto(new InputFile(Buffer.from(qr, 'base64'), 'address.png'), {
    caption: html`QR code of the desk's ${network.name} address`.value,
  });
  const memoLine = destination.memo
    ? html`\n\nMemo (comment): <code>${destination.memo}</code>\n<b>Send it with the coins</b>: the address is shared, and the memo tells us they are yours.`
    : html``;
  await ctx.reply(
    html`⬇️ <b>Send only ${asset} on ${network.name}</b> to this address:\n\n<code>${destination.address}</code>${memoLine}\n\n⚠️ Send only ${asset}, only on ${network.name}. Another coin, or ${asset} on another network, cannot be credited and is lost.`.value,
  );
  const amount = await askText(conversation, ctx, html`Once you have sent it, type how much ${asset} you sent, e.g. 25.5. Send /cancel if you have not sent anything.`, (text) =>
    deps.crypto.checkDepositAmount(text),
  );
  const txHash = await askText(conversation, ctx, html`Now paste the transaction hash (also called TxID) from your wallet or exchange.`, (text) =>
    conversation.external(() => deps.crypto.checkDepositHash(network.network, text)),
  );
  const reference = await conversation.external(() => newReference('CDP'));
  const result = await conversation.external(() => deps.crypto.createDeposit({ userId: user.id, network: network.network, amount, txHash, reference }));
  if (result.status === 'reported_before') {
    await ctx.reply(html`You reported this transaction already: it is your deposit <b>${result.reference}</b>. See where it stands in /history.`.value);
    return;
  }
  if (result.status !== 'created') {
    await ctx.reply(notCreatedText(result));
    return;
  }
  await ctx.reply(
    html`✅ Thank you! Your deposit <b>${result.reference}</b> of ${formatCrypto(amount, asset)} is waiting for our team to see it on the network. I'll message you as soon as it is in your wallet.`.value,
  );
  await sendCardOnItsWay(conversation, deps);
}
