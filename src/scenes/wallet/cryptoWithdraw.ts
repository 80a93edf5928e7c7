import type { BotConversation, ConversationContext } from '../../context.ts';
import { formatCrypto } from '../../services/common/amounts.ts';
import { newReference } from '../../services/common/references.ts';
import { invalid, valid } from '../../services/common/validation.ts';
import type { NetworkSettings } from '../../services/wallet/cryptoNetworkSettings.ts';
import { checkAddress, checkMemo, NETWORKS } from '../../services/wallet/cryptoNetworks.ts';
import { html } from '../../telegram/html.ts';
import { notCreatedText } from '../../telegram/refusals.ts';
import { sendCardOnItsWay } from '../ask/adminCard.ts';
import { ask, choose } from '../ask/ask.ts';
import { askPin } from '../ask/pin.ts';
import type { ConversationUser } from '../ask/user.ts';
import type { WalletSceneDeps } from './deps.ts';

/** A network, chosen from those that are on (by its buttons); null when the user cancels. */
export async function chooseNetwork(
  conversation: BotConversation,
  ctx: ConversationContext,
  question: string,
  networks: readonly NetworkSettings[],
): Promise<NetworkSettings | null> {
  const picked = await choose(conversation, ctx, html`${question}`, [
    ...networks.map((network) => [{ label: network.name, value: network.network }]),
    [{ label: '❌ Cancel', value: 'cancel' }],
  ]);
  return networks.find((network) => network.network === picked) ?? null;
}

const shortAddress = (address: string) => (address.length > 16 ? `${address.slice(0, 8)}…${address.slice(-6)}` : address);

/** Where the crypto goes: a saved address (the last used first) or a new one, checked by the network's rules, and a memo where the network uses one. */
async function askDestination(
  conversation: BotConversation,
  ctx: ConversationContext,
  deps: WalletSceneDeps,
  user: ConversationUser,
  network: NetworkSettings,
  onOffer: readonly NetworkSettings[],
): Promise<{ address: string; memo: string | null; saved: boolean }> {
  const saved = await conversation.external(() => deps.crypto.savedAddresses(user.id, network.network));
  const info = NETWORKS[network.network];
  const picked = await ask(conversation, ctx, {
    text: html`Paste the ${network.name} address to send to (an address ${info.addressShape}).${saved.length > 0 ? ' Or tap one you saved.' : ''}\n\n⚠️ The receiving wallet or exchange must accept ${deps.asset} on ${network.name}: coins sent on another network are lost.`,
    choices: saved.length > 0 ? saved.map((entry) => [{ label: `${entry.label} · ${shortAddress(entry.address)}${entry.memo ? ` · memo ${entry.memo}` : ''}`, value: String(entry.id) }]) : undefined,
    acceptsText: true,
    check: (answer) => {
      if (answer.kind === 'button') {
        const entry = saved.find((candidate) => String(candidate.id) === answer.value);
        return entry ? valid({ address: entry.address, memo: entry.memo, saved: true }) : invalid('Please tap one of the buttons or paste an address.');
      }
      const checked = checkAddress(network.network, answer.kind === 'text' ? answer.text : '', { asset: deps.asset, networks: onOffer.map((other) => other.network) });
      return checked.ok ? valid({ address: checked.value, memo: null as string | null, saved: false }) : checked;
    },
  });
  if (picked.saved || !info.usesMemo) return picked;
  const memo = await ask(conversation, ctx, {
    text: html`Does the receiver need a memo (also called comment or tag)? Exchanges do: without it they cannot tell the coins are yours. Type it exactly as they show it, or tap No memo for your own wallet.`,
    choices: [[{ label: 'No memo', value: 'none' }]],
    acceptsText: true,
    check: (answer) => (answer.kind === 'button' ? valid(null) : checkMemo(answer.kind === 'text' ? answer.text : '')),
  });
  return { ...picked, memo };
}

/** A name to save a new address under, or null to not save it. */
async function askLabel(conversation: BotConversation, ctx: ConversationContext): Promise<string | null> {
  return ask(conversation, ctx, {
    text: html`Save this address for next time? Type a name for it (e.g. My Binance), or tap Don't save.`,
    choices: [[{ label: "Don't save", value: 'no' }]],
    acceptsText: true,
    check: (answer) => {
      if (answer.kind === 'button') return valid(null);
      const label = (answer.kind === 'text' ? answer.text : '').trim().replace(/\s+/g, ' ');
      return label.length >= 1 && label.length <= 40 ? valid(label) : invalid('Type a name of 1 to 40 characters, e.g. My Binance.');
    },
  });
}

/**
 * Sending the asset to the user's own wallet: network, address (saved ones first), memo on TON, amount ("all" is
 * the balance less the fee), a summary of fee and what arrives, Confirm, PIN; amount + fee are reserved.
 */
export async function withdrawCrypto(
  conversation: BotConversation,
  ctx: ConversationContext,
  deps: WalletSceneDeps,
  user: ConversationUser,
  networks: readonly NetworkSettings[],
  available: string,
): Promise<void> {
  const { asset } = deps;
  const network = await chooseNetwork(conversation, ctx, `🪙 You have ${formatCrypto(available, asset)} available. On which network should it go? It must be the network your receiving wallet or exchange uses for ${asset}.`, networks);
  if (!network) {
    await ctx.reply('Cancelled; nothing was saved.');
    return;
  }
  const destination = await askDestination(conversation, ctx, deps, user, network, networks);
  const fee = network.withdrawalFee ?? '0';
  const amount = await ask(conversation, ctx, {
    text: html`How much ${asset} should arrive? Type an amount, or tap All.\nFee: ${formatCrypto(fee, asset)} · smallest: ${formatCrypto(network.minWithdrawal ?? '0', asset)} · you have ${formatCrypto(available, asset)}.`,
    choices: [[{ label: 'All (less the fee)', value: 'all' }]],
    acceptsText: true,
    check: (answer) =>
      conversation.external(() => deps.crypto.checkWithdrawalAmount(user.id, network, answer.kind === 'button' ? 'all' : answer.kind === 'text' ? answer.text : '')),
  });
  const label = destination.saved ? null : await askLabel(conversation, ctx);
  const reference = await conversation.external(() => newReference('CWD'));
  const decision = await choose(
    conversation,
    ctx,
    html`⬆️ <b>Send ${formatCrypto(amount.amount, asset)} on ${network.name}</b>\n\nTo: <code>${destination.address}</code>${destination.memo ? html`\nMemo: <code>${destination.memo}</code>` : html``}\nFee: ${formatCrypto(amount.fee, asset)}\nLeaves your wallet: ${formatCrypto(amount.total, asset)}\nArrives: ${formatCrypto(amount.amount, asset)}\nReference: ${reference}\n\n⚠️ Check the address and the network: coins sent to a wrong address or on another network cannot be got back. The amount and fee are reserved until our team has sent it.`,
    [[{ label: '✅ Confirm', value: 'confirm' }, { label: '❌ Cancel', value: 'cancel' }]],
  );
  if (decision === 'cancel') {
    await ctx.reply('Cancelled; nothing was saved.');
    return;
  }
  if (!(await askPin(conversation, ctx, deps.access, user.id))) return;
  const result = await conversation.external(() =>
    deps.crypto.createWithdrawal({
      userId: user.id,
      network: network.network,
      address: destination.address,
      memo: destination.memo,
      amount: amount.amount,
      fee: amount.fee,
      reference,
      label,
    }),
  );
  if (result.status !== 'created') {
    await ctx.reply(notCreatedText(result));
    return;
  }
  await ctx.reply(
    html`✅ Done: ${formatCrypto(amount.total, asset)} is reserved for your withdrawal <b>${reference}</b>. I'll message you with the transaction hash as soon as our team has sent it.`.value,
  );
  await sendCardOnItsWay(conversation, deps);
}
