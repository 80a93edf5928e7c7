import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../context.ts';
import type { AdminService } from '../services/admins.ts';
import type { ApprovalService } from '../services/approvals.ts';
import { formatWhen } from '../ui/format.ts';
import { html, joinHtml } from '../ui/html.ts';
import type { CardPublisher } from './cards.ts';
import { asAdmin } from './guard.ts';

const SHOWN = 20;
const SHOW_CARD = /^pc:([a-z]+):(\d+)$/;

export interface PendingDeps {
  admins: AdminService;
  approvals: ApprovalService;
  publisher: CardPublisher;
  adminChatId: number;
}

/** The waiting requests of every kind, oldest first, each with a button that posts its card again here. */
export async function showPending(ctx: BotContext, deps: PendingDeps): Promise<void> {
  const pending = await deps.approvals.listPending();
  if (pending.length === 0) {
    await ctx.reply('✅ Nothing is waiting for a decision.');
    return;
  }
  const shown = pending.slice(0, SHOWN);
  const lines = shown.map((request, index) => html`${index + 1}. ${request.summary} · ${formatWhen(request.submittedAt)}`);
  const more = pending.length > SHOWN ? html`\n…and ${pending.length - SHOWN} more; decide these first.` : html``;
  const keyboard = new InlineKeyboard();
  shown.forEach((request, index) => {
    keyboard.text(`${index + 1}. Show #${request.id}`, `pc:${request.kind}:${request.id}`);
    if (index % 2 === 1) keyboard.row();
  });
  await ctx.reply(html`📋 <b>Waiting requests</b> (${pending.length}, oldest first)\n\n${joinHtml(lines)}${more}`.value, {
    reply_markup: keyboard,
  });
}

export function pendingFeature(deps: PendingDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('pending', (ctx) => asAdmin(ctx, deps, () => showPending(ctx, deps)));
  feature.callbackQuery(SHOW_CARD, (ctx) =>
    asAdmin(ctx, deps, async () => {
      await ctx.answerCallbackQuery();
      await deps.publisher.post(ctx.api, ctx.match[1] ?? '', Number(ctx.match[2]), ctx.chat?.id);
    }),
  );
  return feature;
}
