import type { BotConversation, ConversationContext } from '../../context.ts';
import { valid } from '../../services/common/validation.ts';
import type { CryptoNetworkService, NetworkField } from '../../services/wallet/cryptoNetworkSettings.ts';
import { html } from '../../telegram/html.ts';
import { ask, choose } from '../ask/ask.ts';

export const NETWORK_EDIT = 'network-edit';

const PROMPTS: Readonly<Record<NetworkField, (network: string, asset: string) => string>> = {
  deposit_address: (network) => `Paste the desk's ${network} deposit address: users send to it, so it is checked by the network's rules.`,
  withdrawal_fee: (network, asset) => `Type the fee users pay for a withdrawal on ${network}, in ${asset}, e.g. 1.5 (0 for none). It should cover what the network charges the desk.`,
  min_withdrawal: (network, asset) => `Type the smallest withdrawal on ${network}, in ${asset}, e.g. 10.`,
};

/** Changes one field of a network: the value (checked), old and new, then Confirm; audited. */
export function createNetworkEditConversation(deps: { networks: CryptoNetworkService; asset: string; labels: Readonly<Record<NetworkField, string>> }) {
  return async function networkEdit(conversation: BotConversation, ctx: ConversationContext, networkName: string, field: NetworkField): Promise<void> {
    const from = ctx.from;
    const network = await conversation.external(() => deps.networks.find(networkName));
    if (!network || !from || !(field in PROMPTS)) return;
    const label = `${network.name} ${deps.labels[field].toLowerCase()}`;
    const current = { deposit_address: network.depositAddress, withdrawal_fee: network.withdrawalFee, min_withdrawal: network.minWithdrawal }[field] ?? 'not set';
    const value = await ask(conversation, ctx, {
      text: html`<b>${label}</b> is now: ${current}\n\n${PROMPTS[field](network.name, deps.asset)}\nSend /cancel to keep it.`,
      placeholder: deps.labels[field],
      check: (answer) => {
        const checked = deps.networks.check(network.network, field, answer.kind === 'text' ? answer.text : '');
        return checked.ok ? valid(checked.value) : checked;
      },
    });
    const confirmed = await choose(conversation, ctx, html`Change <b>${label}</b>?\n\nFrom: ${current}\nTo: ${value}`, [
      [{ label: '✅ Confirm', value: 'yes' }, { label: '❌ Cancel', value: 'no' }],
    ]);
    if (confirmed === 'no') {
      await ctx.reply('Nothing changed.');
      return;
    }
    const saved = await conversation.external(() => deps.networks.update(network.network, field, value, from));
    await ctx.reply(saved.ok ? html`✅ Saved. ${label} is now: ${value}. Send /networks to see every network.`.value : html`Not saved: ${saved.reason}`.value);
  };
}
