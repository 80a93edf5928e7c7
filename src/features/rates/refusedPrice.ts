import type { BotContext } from '../../context.ts';
import { refusedPriceText } from '../../jobs/refreshRates.ts';
import { formatPrice } from '../../services/common/amounts.ts';
import type { SharedServices } from '../../services/index.ts';
import type { RefusedPriceRow } from '../../services/rates/rates.ts';
import { editQuietly } from '../../telegram/errors.ts';
import { formatWhen } from '../../telegram/format.ts';
import { html, type SafeHtml } from '../../telegram/html.ts';

/**
 * An admin's tap on "Use GHS …" under a refused live price: accepted once (guarded, audited), and the message is
 * edited to say by whom; a tap that comes too late is told why and changes nothing.
 */
export async function acceptRefusedPrice(ctx: BotContext, services: Pick<SharedServices, 'rates' | 'clock'>, id: number): Promise<void> {
  const from = ctx.from;
  if (!from) return;
  const result = await services.rates.acceptRefusedPrice(id, from);
  const now = services.clock();
  const acceptedLine = (refused: RefusedPriceRow) =>
    html`✅ Accepted by ${refused.accepted_by_name ?? ''} at ${formatWhen(refused.accepted_at ?? now, now)}: it is the price now.`;
  let answer: string;
  let outcome: SafeHtml | undefined;
  switch (result.status) {
    case 'not_admin':
      await ctx.answerCallbackQuery({ text: 'Only admins can do this.', show_alert: true });
      return;
    case 'not_found':
      await ctx.answerCallbackQuery({ text: 'That price is no longer known.', show_alert: true });
      return;
    case 'accepted':
      answer = `Done: ${formatPrice(result.refused.price_ghs)} is the price now.`;
      outcome = acceptedLine(result.refused);
      break;
    case 'already_accepted':
      answer = `Already accepted by ${result.refused.accepted_by_name ?? 'another admin'} at ${formatWhen(result.refused.accepted_at ?? now, now)}.`;
      outcome = acceptedLine(result.refused);
      break;
    case 'superseded':
      answer = 'A newer live price came in since, so there is nothing to accept.';
      outcome = html`⏭ Not needed: a newer live price came in since.`;
      break;
  }
  await ctx.answerCallbackQuery({ text: answer, show_alert: result.status !== 'accepted' });
  const message = ctx.callbackQuery?.message;
  if (message) await editQuietly(ctx.api.editMessageText(message.chat.id, message.message_id, refusedPriceText(result.refused, now, outcome).value));
}
