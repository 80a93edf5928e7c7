import type { BotConversation, ConversationContext } from '../../context.ts';
import { valid } from '../../services/common/validation.ts';
import {
  checkAccountName,
  checkBankAccountNumber,
  checkBankName,
  checkMomoNumber,
  GHANA_BANKS,
  MOMO_NETWORKS,
  type PayoutDetails,
} from '../../services/wallet/payouts.ts';
import { html } from '../../telegram/html.ts';
import { ask, askText, choose } from '../ask/ask.ts';
import type { ConversationUser } from '../ask/user.ts';

/** Where the cedis go: a momo wallet (network, number, name) or a bank account (bank, number, name). */
export async function askPayout(conversation: BotConversation, ctx: ConversationContext, method: 'momo' | 'bank', user: ConversationUser): Promise<PayoutDetails> {
  const ownNumber = user.phone ? checkMomoNumber(user.phone) : undefined;
  let momoNetwork: PayoutDetails['momoNetwork'] = null;
  let bankName: string | null = null;
  let accountNumber: string;
  if (method === 'momo') {
    momoNetwork = await choose(conversation, ctx, html`Which mobile money network?`, [MOMO_NETWORKS.map((network) => ({ label: network, value: network }))]);
    accountNumber = await ask(conversation, ctx, {
      text: html`Which ${momoNetwork} number should receive the money? e.g. 024 123 4567`,
      choices: ownNumber?.ok ? [[{ label: `Use ${ownNumber.value}`, value: ownNumber.value }]] : undefined,
      acceptsText: true,
      check: (answer) => (answer.kind === 'button' ? valid(answer.value) : checkMomoNumber(answer.kind === 'text' ? answer.text : '')),
    });
  } else {
    bankName = await ask(conversation, ctx, {
      text: html`Which bank? Tap it, or type its name if it is not listed.`,
      choices: [0, 2, 4, 6].map((start) => GHANA_BANKS.slice(start, start + 2).map((bank) => ({ label: bank, value: bank }))),
      acceptsText: true,
      check: (answer) => (answer.kind === 'button' ? valid(answer.value) : checkBankName(answer.kind === 'text' ? answer.text : '')),
    });
    accountNumber = await askText(conversation, ctx, html`What is the account number? e.g. 1234567890123`, checkBankAccountNumber);
  }
  const ownName = checkAccountName(user.fullName);
  const accountName = await ask(conversation, ctx, {
    text: html`What is the name on the account, exactly as the ${method === 'momo' ? 'network' : 'bank'} shows it?`,
    choices: ownName.ok ? [[{ label: ownName.value, value: ownName.value }]] : undefined,
    acceptsText: true,
    check: (answer) => (answer.kind === 'button' ? valid(answer.value) : checkAccountName(answer.kind === 'text' ? answer.text : '')),
  });
  return { method, momoNetwork, bankName, accountNumber, accountName };
}

/** Where a withdrawal goes, for its summary. */
export function payoutText(payout: PayoutDetails): string {
  return payout.method === 'momo'
    ? `${payout.momoNetwork ?? ''} mobile money ${payout.accountNumber} (${payout.accountName})`
    : `${payout.bankName ?? ''} account ${payout.accountNumber} (${payout.accountName})`;
}
