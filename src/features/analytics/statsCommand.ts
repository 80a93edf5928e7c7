import { InputFile } from 'grammy';
import type { BotContext } from '../../context.ts';
import type { StatsService } from '../../services/analytics/stats.ts';
import type { ApprovalService } from '../../services/approvals/approvals.ts';
import { Big, formatGhs } from '../../services/common/amounts.ts';
import type { Clock } from '../../services/platform/clock.ts';
import type { CardPublisher } from '../../telegram/cards.ts';
import { formatCalendarDate } from '../../telegram/format.ts';
import { html } from '../../telegram/html.ts';
import { volumeChartPng } from './chart.ts';
import { statsText } from './statsText.ts';
import type { PaystackService } from '../../services/paystack/paystack.ts';
import { startOfDay } from '../../services/common/calendar.ts';
import { paystackDayText } from '../../telegram/paystackReconciliation.ts';

export interface StatsCommandDeps {
  stats: StatsService;
  approvals: Pick<ApprovalService, 'queueSummary'>;
  cards: Pick<CardPublisher, 'view'>;
  clock: Clock;
  asset: string;
  /** Paystack when it is on: today's money through it against the ledger. */
  paystack: Pick<PaystackService, 'reconcileDay'> | null;
}

/** /stats: the figures, then the chart of the last 30 days as a photo whose caption says what it shows. */
export async function showStats(ctx: BotContext, deps: StatsCommandDeps): Promise<void> {
  const now = deps.clock();
  const [snapshot, pending] = await Promise.all([deps.stats.snapshot(now), deps.approvals.queueSummary(0)]);
  const days = snapshot.dailyVolumes;
  await ctx.reply(statsText(snapshot, pending, deps.cards, deps.asset).value);
  if (deps.paystack) await ctx.reply(paystackDayText('Paystack today', await deps.paystack.reconcileDay(startOfDay(now))).value);
  const total = days.reduce((sum, day) => sum.plus(day.total), new Big(0));
  const busiest = days.reduce((best, day) => (new Big(day.total).gt(best.total) ? day : best));
  const peak = total.gt(0) ? html`; the busiest day was ${formatCalendarDate(busiest.day)} with ${formatGhs(busiest.total)}` : html``;
  await ctx.replyWithPhoto(new InputFile(await volumeChartPng(days), 'money-moved-per-day.png'), {
    caption: html`📈 <b>Money moved per day</b>, last ${days.length} days: ${formatGhs(total)} in all${peak}.`.value,
  });
}
