import type { BotConversation, ConversationContext } from '../../context.ts';
import { Big, formatPrice } from '../../services/common/amounts.ts';
import type { RateService } from '../../services/rates/rates.ts';
import { html } from '../../telegram/html.ts';
import { askText, choose } from '../ask/ask.ts';

export const SET_PRICE = 'set-price';
const MANUAL_PRICE_WARNING_PERCENT = 20;

/** An admin sets the price by hand: typed, confirmed, then audited by the rate service. */
export function createSetPriceConversation(deps: { rates: RateService; asset: string }) {
  return async function setPrice(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
    const from = ctx.from;
    if (!from) return;
    const preview = await askText(conversation, ctx, html`Type the price of 1 ${deps.asset} in cedis, e.g. 15.20. Send /cancel to keep the current price.`, (typed) =>
      conversation.external(() => deps.rates.previewManualPrice(typed)),
    );
    const change = preview.changePercent === null ? null : new Big(preview.changePercent);
    // A typo by a factor of ten reprices every trade: say so before the admin confirms.
    const warning = change?.abs().gt(MANUAL_PRICE_WARNING_PERCENT)
      ? html`

⚠️ <b>That is ${change.abs().toString()}% ${change.gt(0) ? 'above' : 'below'} the current price.</b> Check it before you confirm.`
      : html``;
    const confirmed = await choose(
      conversation,
      ctx,
      html`Set the ${deps.asset} price to <b>${formatPrice(preview.price)}</b>? Trades are quoted from it (plus or minus the spread) until the next live update.${warning}`,
      [[{ label: '✅ Confirm', value: 'yes' }, { label: '❌ Cancel', value: 'no' }]],
    );
    if (confirmed === 'no') {
      await ctx.reply('The price was not changed.');
      return;
    }
    const result = await conversation.external(() => deps.rates.setManualPrice(preview.price, from));
    await ctx.reply(result.ok ? html`✅ The ${deps.asset} price is now ${formatPrice(result.value)}.`.value : html`Not saved: ${result.reason}`.value);
  };
}
