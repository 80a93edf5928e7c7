import type { BotConversation } from '../../context.ts';

/** The registered user in the conversation, as plain values (they are stored with the conversation). */
export interface ConversationUser {
  id: number;
  firstName: string | null;
  lastName: string | null;
  fullName: string;
  phone: string | null;
}

export async function currentUser(conversation: BotConversation): Promise<ConversationUser | null> {
  return conversation.external((outer) => {
    const user = outer.appUser;
    if (!user) return null;
    const fullName = [user.first_name, user.last_name].filter(Boolean).join(' ');
    return { id: user.id, firstName: user.first_name, lastName: user.last_name, fullName, phone: user.phone };
  });
}
