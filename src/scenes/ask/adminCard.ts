import type { BotConversation } from '../../context.ts';
import type { CardPublisher } from '../../telegram/cards.ts';

/**
 * After a request's commit, which queued its card: the card queue is kicked (never awaited), so the card reaches
 * the admin chat at the group's pace while the user is answered at once. A step that runs again kicks again, harmlessly.
 */
export async function sendCardOnItsWay(conversation: BotConversation, deps: { cards: Pick<CardPublisher, 'kick'> }): Promise<void> {
  await conversation.external(() => deps.cards.kick());
}
