import type { BotConversation } from '../../context.ts';
import type { Logger } from '../../logger.ts';
import type { CardPublisher } from '../../telegram/cards.ts';

/**
 * Posts a new request's card to the admin chat, once (a step that runs again finds it posted); the request is
 * saved either way, and listed by /pending.
 */
export async function postCard(
  conversation: BotConversation,
  deps: { cards: CardPublisher; logger: Logger },
  kind: string,
  id: number,
): Promise<void> {
  await conversation.external(async (outer) => {
    await deps.cards.postIfNew(outer.api, kind, id).catch((error: unknown) => {
      deps.logger.error({ err: error, kind, id }, 'could not post a request card to the admin chat');
    });
  });
}
