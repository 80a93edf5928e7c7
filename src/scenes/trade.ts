import type { CardPublisher } from '../admin/cards.ts';
import type { BotConversation, ConversationContext } from '../context.ts';
import type { Logger } from '../logger.ts';
import type { Services } from '../services/index.ts';
import { formatCrypto, formatGhs, parseAmount, type AmountInput, Big } from '../services/money.ts';
import type { Quote, QuoteResult, Side } from '../services/quotes.ts';
import { newReference } from '../services/references.ts';
import type { CreateResult } from '../services/trading.ts';
import { invalid, valid, type Checked } from '../services/validation.ts';
import type { FileDownloader } from '../telegram/files.ts';
import { html } from '../ui/html.ts';
import { askText, choose } from './ask.ts';
import { currentAccount, paymentDetails, postCard } from './common.ts';
import { askPin, pausedText, payAndCreate, quoteText, refusalText } from './money.ts';

export const BUY = 'buy';
export const SELL = 'sell';

export interface MoneySceneDeps {
  services: Services;
  download: FileDownloader;
  publisher: CardPublisher;
  logger: Logger;
}

/** The reply for a request that was not created. */
export function notCreatedText(result: Exclude<CreateResult, { status: 'created' }>): string {
  switch (result.status) {
    case 'refused':
      return refusalText(result.refusal);
    case 'insufficient':
      return `Your available balance is no longer enough for this (another request may have reserved it). Nothing was done. Check /wallet and try again.`;
    case 'invalid_image':
      return `${result.reason} Nothing was saved; start again when you have the screenshot.`;
    case 'invalid':
      return `${result.reason} Nothing was saved.`;
    case 'expired':
      return 'Your quote expired before you confirmed. Nothing was done; please start again.';
  }
}

type Priced = { status: 'ok'; quote: Quote } | { status: 'paused'; lastPriceAt: Date | null };

/** Asks for the amount and prices it; an amount outside the limits (or too small) is asked again. */
async function askQuotedAmount(
  conversation: BotConversation,
  ctx: ConversationContext,
  deps: MoneySceneDeps,
  side: Side,
  availableCrypto: string | null,
): Promise<{ input: AmountInput; priced: Priced }> {
  const asset = deps.services.asset;
  const question =
    side === 'buy'
      ? html`How much ${asset} do you want to buy? Type cedis (e.g. 500 or GHS 500) or ${asset} (e.g. 25 ${asset}).`
      : html`You have <b>${formatCrypto(availableCrypto ?? '0', asset)}</b> available. How much do you want to sell? Type ${asset} (e.g. 25) or cedis (e.g. GHS 500).`;
  return askText(conversation, ctx, question, async (text): Promise<Checked<{ input: AmountInput; priced: Priced }>> => {
    const input = parseAmount(text, asset, side === 'buy' ? 'GHS' : 'CRYPTO');
    if (!input.ok) return input;
    const priced = await conversation.external(() => deps.services.quotes.quote(side, input.value));
    if (priced.status === 'invalid') return invalid(priced.reason);
    if (priced.status === 'ok' && availableCrypto !== null && new Big(priced.quote.cryptoAmount).gt(availableCrypto)) {
      return invalid(`That needs ${formatCrypto(priced.quote.cryptoAmount, asset)}, but you have ${formatCrypto(availableCrypto, asset)} available. Type a smaller amount.`);
    }
    return valid({ input: input.value, priced });
  });
}

/** A fresh quote for the same amount, after one expired. */
async function requote(conversation: BotConversation, ctx: ConversationContext, deps: MoneySceneDeps, side: Side, input: AmountInput): Promise<Quote | null> {
  const priced: QuoteResult = await conversation.external(() => deps.services.quotes.quote(side, input));
  if (priced.status === 'ok') {
    await ctx.reply(html`⌛ Your quote expired before you confirmed, so here is a fresh one for the same amount.`.value);
    return priced.quote;
  }
  await ctx.reply(priced.status === 'paused' ? pausedText(priced.lastPriceAt) : html`${priced.reason} Nothing was done.`.value);
  return null;
}

/**
 * /buy: amount (cedis or crypto), the quote, how to pay, the platform's payment details and a reference;
 * a screenshot or "I have paid" makes the request pending for an admin to confirm the payment.
 */
export function createBuyConversation(deps: MoneySceneDeps) {
  return async function buy(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
    const userId = (await currentAccount(conversation))?.id;
    if (!userId) return;
    const asset = deps.services.asset;
    const { priced } = await askQuotedAmount(conversation, ctx, deps, 'buy', null);
    if (priced.status === 'paused') {
      await ctx.reply(pausedText(priced.lastPriceAt));
      return;
    }
    let quote = priced.quote;
    const method = await choose(conversation, ctx, html`🟢 <b>Your quote</b>\n${quoteText(quote)}\n\nHow will you pay?`, [
      [{ label: '📱 Mobile money', value: 'momo' }, { label: '🏦 Bank transfer', value: 'bank' }],
      [{ label: '❌ Cancel', value: 'cancel' }],
    ] as const);
    if (method === 'cancel') {
      await ctx.reply('Cancelled; nothing was saved.');
      return;
    }
    const reference = await conversation.external(() => newReference('BUY'));
    const payTo = await paymentDetails(conversation, deps.services.settings, method);

    for (;;) {
      const result = await payAndCreate(
        conversation,
        ctx,
        { media: deps.services.media, download: deps.download },
        { intro: html`🟢 <b>Buy ${asset}</b>\n${quoteText(quote)}`, amountGhs: quote.cedisAmount, method, payTo, reference, payBefore: quote.expiresAt },
        (proof) => deps.services.trading.createBuy({ userId, quote, method, reference, proof }),
      );
      if (!result) return;
      if (result.status === 'expired') {
        // The user may have paid already: a fresh quote keeps the cedis they were told to pay.
        const fresh = await requote(conversation, ctx, deps, 'buy', { currency: 'GHS', amount: quote.cedisAmount });
        if (!fresh) return;
        quote = fresh;
        continue;
      }
      if (result.status !== 'created') {
        await ctx.reply(notCreatedText(result));
        return;
      }
      await ctx.reply(
        html`✅ Thank you! Your purchase <b>${reference}</b> is waiting for our team to confirm your payment. I'll message you as soon as ${formatCrypto(quote.cryptoAmount, asset)} is in your wallet.`.value,
      );
      await postCard(conversation, deps, 'buy', result.id);
      return;
    }
  };
}

/** /sell: amount, the quote, Confirm, PIN; the crypto is reserved until an admin credits the cedis. */
export function createSellConversation(deps: MoneySceneDeps) {
  return async function sell(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
    const userId = (await currentAccount(conversation))?.id;
    if (!userId) return;
    const asset = deps.services.asset;
    const available = await conversation.external(async () => (await deps.services.wallet.summary(userId))?.cryptoAvailable ?? '0');
    if (new Big(available).lte(0)) {
      await ctx.reply(`You have no ${asset} available to sell. Buy some first with /buy.`);
      return;
    }
    const { input, priced } = await askQuotedAmount(conversation, ctx, deps, 'sell', available);
    if (priced.status === 'paused') {
      await ctx.reply(pausedText(priced.lastPriceAt));
      return;
    }
    let quote = priced.quote;
    const reference = await conversation.external(() => newReference('SELL'));
    for (;;) {
      const decision = await choose(
        conversation,
        ctx,
        html`🔴 <b>Sell ${asset}</b>\n${quoteText(quote)}\n\nThe ${asset} is reserved from your wallet until our team confirms; then the cedis are added to your wallet.`,
        [[{ label: '✅ Confirm', value: 'confirm' }, { label: '❌ Cancel', value: 'cancel' }]],
      );
      if (decision === 'cancel') {
        await ctx.reply('Cancelled; nothing was saved.');
        return;
      }
      if (!(await askPin(conversation, ctx, deps.services.access, userId))) return;
      const result = await conversation.external(() => deps.services.trading.createSell({ userId, quote, reference }));
      if (result.status === 'expired') {
        const fresh = await requote(conversation, ctx, deps, 'sell', input);
        if (!fresh) return;
        quote = fresh;
        continue;
      }
      if (result.status !== 'created') {
        await ctx.reply(notCreatedText(result));
        return;
      }
      await ctx.reply(
        html`✅ Done: ${formatCrypto(quote.cryptoAmount, asset)} is reserved for your sale <b>${reference}</b>. I'll message you when ${formatGhs(quote.cedisAmount)} is in your wallet.`.value,
      );
      await postCard(conversation, deps, 'sell', result.id);
      return;
    }
  };
}
