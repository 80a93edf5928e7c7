import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.ts';
import { NEW_ALERT } from '../../scenes/notifications/newAlert.ts';
import { formatGhs } from '../../services/common/amounts.ts';
import { MAX_ALERTS, type AlertService, type RateAlertRow } from '../../services/notifications/alerts.ts';
import type { Clock } from '../../services/platform/clock.ts';
import { editQuietly } from '../../telegram/errors.ts';
import { formatWhen } from '../../telegram/format.ts';
import { html, joinHtml, type SafeHtml } from '../../telegram/html.ts';
import { tappedByRegistered } from '../../telegram/refusals.ts';

/** `al:n:sell` / `al:n:buy` a new alert, `al:d:<id>` delete one. */
const ALERT_CALLBACK = /^al:(?:n:(sell|buy)|d:(\d+))$/;

export interface AlertsDeps {
  alerts: AlertService;
  asset: string;
  clock: Clock;
}

function alertLine(alert: RateAlertRow, index: number, now: Date): SafeHtml {
  const goal = alert.side === 'sell' ? html`🔴 Sell at ${formatGhs(alert.target_rate)} or more` : html`🟢 Buy at ${formatGhs(alert.target_rate)} or less`;
  return html`${index + 1}. ${goal} (set ${formatWhen(alert.created_at, now)})`;
}

async function alertsScreen(deps: AlertsDeps, userId: number): Promise<{ text: SafeHtml; keyboard: InlineKeyboard }> {
  const [alerts, rates] = await Promise.all([deps.alerts.waiting(userId), deps.alerts.currentRates()]);
  const now = deps.clock();
  const market = rates
    ? html`Now 1 ${deps.asset}: you buy at ${formatGhs(rates.buy)}, you sell at ${formatGhs(rates.sell)}.`
    : html`The rates are not available right now; alerts wait for the next fresh price.`;
  const list = alerts.length > 0 ? joinHtml(alerts.map((alert, index) => alertLine(alert, index, now))) : html`You have no rate alerts.`;
  const keyboard = new InlineKeyboard();
  if (alerts.length < MAX_ALERTS) keyboard.text('🔴 Alert me to sell', 'al:n:sell').text('🟢 Alert me to buy', 'al:n:buy');
  alerts.forEach((alert, index) => {
    if (index % 3 === 0) keyboard.row();
    keyboard.text(`🗑 Delete ${index + 1}`, `al:d:${alert.id}`);
  });
  const room = alerts.length < MAX_ALERTS ? html`` : html` You have the most; delete one to set another.`;
  return {
    text: html`⏰ <b>Rate alerts</b>\n${market}\n\n${list}\n\nI message you once when a rate gets there; then the alert is done. Up to ${MAX_ALERTS} at a time.${room}`,
    keyboard,
  };
}

/** /alerts: the waiting alerts with a Delete button each, and buttons for a new sell or buy alert. */
export async function showAlerts(ctx: BotContext, deps: AlertsDeps): Promise<void> {
  if (!ctx.appUser) {
    await ctx.reply('Please register first: send /start.');
    return;
  }
  const { text, keyboard } = await alertsScreen(deps, ctx.appUser.id);
  await ctx.reply(text.value, { reply_markup: keyboard });
}

export function alertButtons(deps: AlertsDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.chatType('private').callbackQuery(ALERT_CALLBACK, async (ctx) => {
    const user = await tappedByRegistered(ctx);
    if (!user) return;
    const [, side, id] = ctx.match;
    if (side) {
      if ((await deps.alerts.waiting(user.id)).length >= MAX_ALERTS) {
        await ctx.answerCallbackQuery({ text: `You have ${MAX_ALERTS} alerts, the most. Delete one first.`, show_alert: true });
        return;
      }
      await ctx.answerCallbackQuery();
      await ctx.conversation.enter(NEW_ALERT, side);
      return;
    }
    const removed = await deps.alerts.remove(user.id, Number(id));
    await ctx.answerCallbackQuery({ text: removed ? 'Alert deleted.' : 'That alert is gone already (it fired, or was deleted). Send /alerts for the current list.' });
    if (!removed) return;
    const { text, keyboard } = await alertsScreen(deps, user.id);
    await editQuietly(ctx.editMessageText(text.value, { reply_markup: keyboard }));
  });
  return feature;
}
