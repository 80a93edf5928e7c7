import { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.ts';
import { formatCrypto } from '../../services/common/amounts.ts';
import type { CryptoNetworkService, NetworkField, NetworkSettings } from '../../services/wallet/cryptoNetworkSettings.ts';
import { html, joinHtml, type SafeHtml } from '../../telegram/html.ts';

/** Callback data of the networks screen: `nw:<network>` opens one, `nw:<network>:on|off` turns it, `nw:<network>:e:<field>` edits a field, `nw:all` lists. */
export const NETWORK_CALLBACK = /^nw:([a-z]+)(?::(on|off|e)(?::([a-z_]+))?)?$/;

export const FIELD_LABELS: Readonly<Record<NetworkField, string>> = {
  deposit_address: 'Deposit address',
  withdrawal_fee: 'Withdrawal fee',
  min_withdrawal: 'Minimum withdrawal',
};

function networkLines(network: NetworkSettings, asset: string): SafeHtml {
  const amount = (value: string | null) => (value === null ? 'not set' : formatCrypto(value, asset));
  return joinHtml([
    html`<b>${network.name}</b>: ${network.enabled ? '✅ on' : '⛔ off'}`,
    network.depositAddress === null ? html`Deposit address: not set` : html`Deposit address: <code>${network.depositAddress}</code>`,
    html`Withdrawal fee: ${amount(network.withdrawalFee)} · minimum withdrawal: ${amount(network.minWithdrawal)}`,
  ]);
}

/** /networks (and "🔗 Crypto networks" in /settings): every network of the asset, with a button to open each. */
export async function showNetworks(ctx: BotContext, networks: CryptoNetworkService, asset: string): Promise<void> {
  const all = await networks.all();
  if (all.length === 0) {
    await ctx.reply(html`🔗 ${asset} has no networks this bot knows: users can only buy and sell it here.`.value);
    return;
  }
  const keyboard = InlineKeyboard.from(all.map((network) => [InlineKeyboard.text(network.name, `nw:${network.network}`)]));
  const anyOn = all.some((network) => network.enabled);
  await ctx.reply(
    html`🔗 <b>Crypto networks for ${asset}</b>\n\n${joinHtml(all.map((network) => networkLines(network, asset)), "\n\n")}\n\n${anyOn ? '' : 'No network is on: users cannot send or receive crypto yet. '}Tap a network to change it.`.value,
    { reply_markup: keyboard },
  );
}

/** One network, with its buttons: on or off, and each field to change. */
export async function showNetwork(ctx: BotContext, network: NetworkSettings, asset: string): Promise<void> {
  const keyboard = new InlineKeyboard()
    .text(network.enabled ? '⛔ Turn off' : '✅ Turn on', `nw:${network.network}:${network.enabled ? 'off' : 'on'}`)
    .row();
  for (const [field, label] of Object.entries(FIELD_LABELS)) keyboard.text(`✏️ ${label}`, `nw:${network.network}:e:${field}`).row();
  keyboard.text('⬅️ All networks', 'nw:all');
  const text = html`${networkLines(network, asset)}\n\nUsers see a network only while it is on; it can be on only with its deposit address, fee and minimum set.`;
  if (ctx.callbackQuery?.message) await ctx.editMessageText(text.value, { reply_markup: keyboard });
  else await ctx.reply(text.value, { reply_markup: keyboard });
}
