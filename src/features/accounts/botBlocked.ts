import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import type { UserService } from '../../services/accounts/users.ts';

/** Telegram tells the bot when a user blocks or unblocks it; deliveries skip blocked users. */
export function botBlockedFeature(users: UserService): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.chatType('private').on('my_chat_member', async (ctx) => {
    await users.setBotBlocked(ctx.myChatMember.from.id, ctx.myChatMember.new_chat_member.status === 'kicked');
  });
  return feature;
}
