import type { BotConversation, ConversationContext } from '../../context.ts';
import type { MoneyAccess } from '../../services/accounts/moneyAccess.ts';
import { invalid, valid } from '../../services/common/validation.ts';
import { formatWhen } from '../../telegram/format.ts';
import { html } from '../../telegram/html.ts';
import { askText } from './ask.ts';

/**
 * Asks for the transaction PIN (the message is deleted as it arrives). True when it is right; false after
 * the fifth wrong PIN, which locks money actions.
 */
export async function askPin(conversation: BotConversation, ctx: ConversationContext, access: MoneyAccess, userId: number): Promise<boolean> {
  const result = await askText(
    conversation,
    ctx,
    html`🔐 Type your transaction PIN to confirm. I delete your message straight away.`,
    async (text) => {
      const check = await conversation.external(() => access.checkPin(userId, text.trim()));
      if (check.status === 'wrong') return invalid(`Wrong PIN. ${check.attemptsLeft} ${check.attemptsLeft === 1 ? 'attempt' : 'attempts'} left before money actions are locked for 15 minutes.`);
      return valid(check.status === 'ok' ? null : check.until);
    },
    { secret: true },
  );
  if (result === null) return true;
  await ctx.reply(`Too many wrong PINs: money actions are locked until ${formatWhen(new Date(result))}. Nothing was done.`);
  return false;
}
