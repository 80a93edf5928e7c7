import type { BotConversation, ConversationContext } from '../../context.ts';
import { Big, formatCrypto, formatGhs, parseAmount, type AmountInput } from '../../services/common/amounts.ts';
import { invalid, valid, type Checked } from '../../services/common/validation.ts';
import type { Quote, QuoteResult, QuoteService, Side } from '../../services/trading/quotes.ts';
import { formatTime, formatWhen } from '../../telegram/format.ts';
import { html, type SafeHtml } from '../../telegram/html.ts';
import { askText } from '../ask/ask.ts';

/** `lastPriceAt` may have come out of conversation.external, where a Date is stored as a string. */
export function pausedText(lastPriceAt: Date | string | null): string {
  const since = lastPriceAt ? ` since ${formatWhen(new Date(lastPriceAt))}` : '';
  return `⏸ Buying and selling are paused: our price has not updated${since}. Your money is safe; please try again in a few minutes.`;
}

/** The quote as the user sees it: rate, what they pay, what they receive, until when. */
export function quoteText(quote: Quote): SafeHtml {
  const crypto = formatCrypto(quote.cryptoAmount, quote.asset);
  const cedis = formatGhs(quote.cedisAmount);
  // Buying, the user pays cedis; selling, they give crypto from their wallet and are paid cedis.
  const gives = quote.side === 'buy' ? html`You pay: <b>${cedis}</b>` : html`You sell: <b>${crypto}</b>`;
  const gets = quote.side === 'buy' ? crypto : cedis;
  return html`Rate: ${formatGhs(quote.rate)} per ${quote.asset}
${gives}
You receive: <b>${gets}</b>
Valid until ${formatTime(new Date(quote.expiresAt))} (10 minutes)`;
}

type Priced = { status: 'ok'; quote: Quote } | { status: 'paused'; lastPriceAt: Date | null };

/** Asks for the amount and prices it; an amount outside the limits (or too small, or above what is available) is asked again. */
export async function askQuotedAmount(
  conversation: BotConversation,
  ctx: ConversationContext,
  deps: { asset: string; quotes: QuoteService },
  side: Side,
  availableCrypto: string | null,
): Promise<{ input: AmountInput; priced: Priced }> {
  const { asset } = deps;
  const question =
    side === 'buy'
      ? html`How much ${asset} do you want to buy? Type cedis (e.g. 500 or GHS 500) or ${asset} (e.g. 25 ${asset}).`
      : html`You have <b>${formatCrypto(availableCrypto ?? '0', asset)}</b> available. How much do you want to sell? Type ${asset} (e.g. 25) or cedis (e.g. GHS 500).`;
  return askText(conversation, ctx, question, async (text): Promise<Checked<{ input: AmountInput; priced: Priced }>> => {
    const input = parseAmount(text, asset, side === 'buy' ? 'GHS' : 'CRYPTO');
    if (!input.ok) return input;
    const priced = await conversation.external(() => deps.quotes.quote(side, input.value));
    if (priced.status === 'invalid') return invalid(priced.reason);
    if (priced.status === 'ok' && availableCrypto !== null && new Big(priced.quote.cryptoAmount).gt(availableCrypto)) {
      return invalid(`That needs ${formatCrypto(priced.quote.cryptoAmount, asset)}, but you have ${formatCrypto(availableCrypto, asset)} available. Type a smaller amount.`);
    }
    return valid({ input: input.value, priced });
  });
}

/** A fresh quote for the same amount, after one expired; null (the user is told why) when there is none. */
export async function requote(conversation: BotConversation, ctx: ConversationContext, quotes: QuoteService, side: Side, input: AmountInput): Promise<Quote | null> {
  const priced: QuoteResult = await conversation.external(() => quotes.quote(side, input));
  if (priced.status === 'ok') {
    const fresh = priced.quote;
    // A buyer may have paid already: the cedis stay the same, only what they receive may change.
    const text =
      side === 'buy'
        ? html`⌛ Your quote expired, so here is a fresh one for the same ${formatGhs(fresh.cedisAmount)}: you now receive <b>${formatCrypto(fresh.cryptoAmount, fresh.asset)}</b>. If you already paid, do not pay again: just send the screenshot or tap I have paid.`
        : html`⌛ Your quote expired before you confirmed, so here is a fresh one for the same amount.`;
    await ctx.reply(text.value);
    return fresh;
  }
  await ctx.reply(priced.status === 'paused' ? pausedText(priced.lastPriceAt) : html`${priced.reason} Nothing was done.`.value);
  return null;
}
