import type { BotConversation, ConversationContext } from '../../context.ts';
import { formatGhs } from '../../services/common/amounts.ts';
import { MAX_ALERTS, type AlertService, type AlertSide, type UnitRates } from '../../services/notifications/alerts.ts';
import { html, type SafeHtml } from '../../telegram/html.ts';
import { askText } from '../ask/ask.ts';
import { currentUser } from '../ask/user.ts';

export const NEW_ALERT = 'alerts';

function question(side: AlertSide, asset: string, rates: UnitRates | null): SafeHtml {
  if (side === 'sell') {
    const now = rates ? html`Right now you can sell at ${formatGhs(rates.sell)}. ` : html``;
    return html`🔴 I'll tell you when you can sell 1 ${asset} for at least this many cedis. ${now}Type the rate, e.g. 16.50`;
  }
  const now = rates ? html`Right now you can buy at ${formatGhs(rates.buy)}. ` : html``;
  return html`🟢 I'll tell you when you can buy 1 ${asset} for this many cedis or less. ${now}Type the rate, e.g. 14.50`;
}

/** A new rate alert: the target rate (re-asked when it is already reached), then it waits for the next rate refreshes. */
export function createNewAlertConversation(deps: { alerts: AlertService; asset: string }) {
  return async function newAlert(conversation: BotConversation, ctx: ConversationContext, side: AlertSide): Promise<void> {
    const user = await currentUser(conversation);
    if (!user) return;
    const rates = await conversation.external(() => deps.alerts.currentRates());
    for (;;) {
      const target = await askText(conversation, ctx, question(side, deps.asset, rates), (text) => deps.alerts.checkTarget(text));
      const result = await conversation.external(() => deps.alerts.create(user.id, side, target));
      if (result.status === 'already_met') {
        const command = side === 'sell' ? '/sell' : '/buy';
        await ctx.reply(
          html`The ${side} rate is ${formatGhs(result.rate)} already, so there is nothing to wait for: send ${command} to ${side} now, or type another rate.`.value,
        );
        continue;
      }
      if (result.status === 'limit') {
        await ctx.reply(`You have ${MAX_ALERTS} rate alerts already, the most. Delete one in /alerts, then set this one.`);
        return;
      }
      const goal = side === 'sell' ? html`sell 1 ${deps.asset} at ${formatGhs(target)} or more` : html`buy 1 ${deps.asset} at ${formatGhs(target)} or less`;
      await ctx.reply(html`✅ Alert set: I'll message you once, as soon as you can ${goal}. Your alerts: /alerts`.value);
      return;
    }
  };
}
