import type { ChatMember, User } from 'grammy/types';
import { badRequest } from './errors.ts';
import { int, type MethodHandler } from './methodParams.ts';
import type { World } from './world.ts';

function chatMember(world: World, chatId: number, user: User): ChatMember {
  const group = world.group(chatId);
  if (user.id === world.botInfo.id || (group?.admins.has(user.id) ?? false)) {
    return {
      status: 'administrator',
      user,
      can_be_edited: false,
      is_anonymous: false,
      can_manage_chat: true,
      can_delete_messages: true,
      can_manage_video_chats: false,
      can_restrict_members: true,
      can_promote_members: false,
      can_change_info: false,
      can_invite_users: true,
      can_post_stories: false,
      can_edit_stories: false,
      can_delete_stories: false,
      can_pin_messages: true,
      can_send_welcome_messages: false,
    };
  }
  if (group ? group.members.has(user.id) : chatId === user.id) return { status: 'member', user };
  return { status: 'left', user };
}

/** Methods that read chats and their members. */
export const chatMethods: Record<string, MethodHandler> = {
  getChat: (world, p) => {
    const chat = world.resolveChat(p['chat_id']);
    return { ...chat, accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false, gifts_from_channels: false } };
  },

  getChatMember: (world, p) => {
    const chat = world.resolveChat(p['chat_id']);
    const userId = int(p, 'user_id') ?? 0;
    const user = userId === world.botInfo.id ? world.botUser : world.userState(userId)?.user;
    if (!user) throw badRequest('user not found');
    return chatMember(world, chat.id, user);
  },

  getChatAdministrators: (world, p) => {
    const chat = world.resolveChat(p['chat_id']);
    const group = world.group(chat.id);
    if (!group) throw badRequest('there are no administrators in the private chat');
    const admins = [...group.admins].flatMap((id) => {
      const user = world.userState(id)?.user;
      return user ? [chatMember(world, chat.id, user)] : [];
    });
    return [...admins, chatMember(world, chat.id, world.botUser)];
  },

  getChatMemberCount: (world, p) => {
    const chat = world.resolveChat(p['chat_id']);
    return (world.group(chat.id)?.members.size ?? 1) + 1;
  },
};
