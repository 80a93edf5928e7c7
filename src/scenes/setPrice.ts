import type { BotConversation, ConversationContext } from '../context.ts';
import { checkPrice, type RateService } from '../services/rates.ts';
import { formatGhs } from '../services/money.ts';
import { html } from '../ui/html.ts';
import { askText, choose } from './ask.ts';

export const SET_PRICE = 'set-price';

/** An admin sets the price by hand: typed, confirmed, then audited by the rate service. */
export function createSetPriceConversation(deps: { rates: RateService; asset: string }) {
  return async function setPrice(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
    const from = ctx.from;
    if (!from) return;
    const text = await askText(conversation, ctx, html`Type the price of 1 ${deps.asset} in cedis, e.g. 15.20. Send /cancel to keep the current price.`, (typed) =>
      checkPrice(typed, deps.asset),
    );
    const confirmed = await choose(
      conversation,
      ctx,
      html`Set the ${deps.asset} price to <b>GHS ${text}</b>? Trades are quoted from it (plus or minus the spread) until the next live update.`,
      [[{ label: '✅ Confirm', value: 'yes' }, { label: '❌ Cancel', value: 'no' }]],
    );
    if (confirmed === 'no') {
      await ctx.reply('The price was not changed.');
      return;
    }
    const result = await conversation.external(() => deps.rates.setManualPrice(text, from));
    await ctx.reply(result.ok ? html`✅ The ${deps.asset} price is now ${formatGhs(result.value)}.`.value : html`Not saved: ${result.reason}`.value);
  };
}
