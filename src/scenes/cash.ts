import type { BotConversation, ConversationContext } from '../context.ts';
import {
  checkAccountName,
  checkBankAccountNumber,
  checkBankName,
  checkMomoNumber,
  GHANA_BANKS,
  MOMO_NETWORKS,
  type PayoutDetails,
} from '../services/cash.ts';
import { Big, formatGhs } from '../services/money.ts';
import { newReference } from '../services/references.ts';
import { invalid, valid } from '../services/validation.ts';
import { html } from '../ui/html.ts';
import { ask, askText, choose } from './ask.ts';
import { askPin, payAndCreate } from './money.ts';
import { currentAccount, paymentDetails, postCard, type Account } from './common.ts';
import { notCreatedText, type MoneySceneDeps } from './trade.ts';

export const DEPOSIT = 'deposit';
export const WITHDRAW = 'withdraw';

async function chooseMethod(conversation: BotConversation, ctx: ConversationContext, question: string): Promise<'momo' | 'bank' | 'cancel'> {
  return choose(conversation, ctx, html`${question}`, [
    [{ label: '📱 Mobile money', value: 'momo' }, { label: '🏦 Bank', value: 'bank' }],
    [{ label: '❌ Cancel', value: 'cancel' }],
  ] as const);
}

/** /deposit: method, amount, where to pay with a reference; a screenshot or "I have paid" makes it pending. */
export function createDepositConversation(deps: MoneySceneDeps) {
  return async function deposit(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
    const account = await currentAccount(conversation);
    if (!account) return;
    const method = await chooseMethod(conversation, ctx, '⬇️ How will you send the cedis?');
    if (method === 'cancel') {
      await ctx.reply('Cancelled; nothing was saved.');
      return;
    }
    const amount = await askText(conversation, ctx, html`How much will you deposit? Type the amount in cedis, e.g. 250.`, (text) =>
      conversation.external(() => deps.services.cash.checkAmount(text)),
    );
    const reference = await conversation.external(() => newReference('DEP'));
    const payTo = await paymentDetails(conversation, deps.services.settings, method);
    const result = await payAndCreate(
      conversation,
      ctx,
      { media: deps.services.media, download: deps.download },
      { intro: html`⬇️ <b>Deposit ${formatGhs(amount)}</b>`, amountGhs: amount, method, payTo, reference },
      (proof) => deps.services.cash.createDeposit({ userId: account.id, amount, method, reference, proof }),
    );
    if (!result) return;
    if (result.status !== 'created') {
      await ctx.reply(notCreatedText(result));
      return;
    }
    await ctx.reply(
      html`✅ Thank you! Your deposit <b>${reference}</b> is waiting for our team to see the payment. I'll message you as soon as ${formatGhs(amount)} is in your wallet.`.value,
    );
    await postCard(conversation, deps, 'dep', result.id);
  };
}

/** Where the cedis go: a momo wallet (network, number, name) or a bank account (bank, number, name). */
async function askPayout(conversation: BotConversation, ctx: ConversationContext, method: 'momo' | 'bank', account: Account): Promise<PayoutDetails> {
  const ownNumber = account.phone ? checkMomoNumber(account.phone) : undefined;
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
  const ownName = checkAccountName(account.fullName);
  const accountName = await ask(conversation, ctx, {
    text: html`What is the name on the account, exactly as the ${method === 'momo' ? 'network' : 'bank'} shows it?`,
    choices: ownName.ok ? [[{ label: ownName.value, value: ownName.value }]] : undefined,
    acceptsText: true,
    check: (answer) => (answer.kind === 'button' ? valid(answer.value) : checkAccountName(answer.kind === 'text' ? answer.text : '')),
  });
  return { method, momoNetwork, bankName, accountNumber, accountName };
}

function payoutText(payout: PayoutDetails): string {
  return payout.method === 'momo'
    ? `${payout.momoNetwork ?? ''} mobile money ${payout.accountNumber} (${payout.accountName})`
    : `${payout.bankName ?? ''} account ${payout.accountNumber} (${payout.accountName})`;
}

/** /withdraw: where to, how much (up to the available cedis), a summary, PIN; the cedis are reserved. */
export function createWithdrawConversation(deps: MoneySceneDeps) {
  return async function withdraw(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
    const account = await currentAccount(conversation);
    if (!account) return;
    const available = await conversation.external(async () => (await deps.services.wallet.summary(account.id))?.cedisAvailable ?? '0');
    if (new Big(available).lte(0)) {
      await ctx.reply(`Your available cedi balance is ${formatGhs(available)}, so there is nothing to withdraw. Add cedis with /deposit or sell with /sell.`);
      return;
    }
    const method = await chooseMethod(conversation, ctx, `⬆️ You have ${formatGhs(available)} available. Where should the money go?`);
    if (method === 'cancel') {
      await ctx.reply('Cancelled; nothing was saved.');
      return;
    }
    const payout = await askPayout(conversation, ctx, method, account);
    const amount = await askText(conversation, ctx, html`How much do you want to withdraw? Type cedis, e.g. 250. You have ${formatGhs(available)} available.`, async (text) => {
      const checked = await conversation.external(() => deps.services.cash.checkAmount(text));
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
    if (!(await askPin(conversation, ctx, deps.services.access, account.id))) return;
    const result = await conversation.external(() => deps.services.cash.createWithdrawal({ userId: account.id, amount, payout, reference }));
    if (result.status !== 'created') {
      await ctx.reply(notCreatedText(result));
      return;
    }
    await ctx.reply(html`✅ Done: ${formatGhs(amount)} is reserved for your withdrawal <b>${reference}</b>. I'll message you as soon as it has been paid.`.value);
    await postCard(conversation, deps, 'wd', result.id);
  };
}
