import type { Api } from 'grammy';
import type { BotConversation, ConversationContext } from '../../context.ts';
import type { Logger } from '../../logger.ts';
import { invalid, valid } from '../../services/common/validation.ts';
import type { SupportService } from '../../services/support/support.ts';
import { html } from '../../telegram/html.ts';
import { ask } from '../ask/ask.ts';
import { checkPhoto, fetchOptionalPhoto, type PhotoDeps, type PhotoRef } from '../ask/photos.ts';
import { currentUser } from '../ask/user.ts';

export const WRITE_TO_SUPPORT = 'support';

export interface SupportSceneDeps extends PhotoDeps {
  support: SupportService;
  /** Posts a user's support message in the admin chat, with who sent it, their open requests and the last messages. */
  relay(api: Api, supportMessageId: number): Promise<void>;
  logger: Logger;
}

interface Draft {
  text: string | null;
  photo: PhotoRef | null;
  messageId: number;
}

const ASK = html`✍️ Write your message to our support team, in one message. If it is about a request, include its reference, e.g. BUY-7K3M9QX2.

You can also send a photo (a screenshot), with a caption if you like. Send /cancel to stop.`;

/** "Write to support": one message (text, or a photo with a caption) relayed to the admin chat; the answer comes here. */
export function createWriteToSupportConversation(deps: SupportSceneDeps) {
  return async function writeToSupport(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
    const user = await currentUser(conversation);
    const chatId = ctx.chat?.id;
    if (!user || chatId === undefined) {
      await ctx.reply('Please register first: send /start. Until then, the contacts in /support reach our team.');
      return;
    }
    const draft = await ask<Draft>(conversation, ctx, {
      text: ASK,
      acceptsText: true,
      acceptsFile: true,
      check: async (answer) => {
        if (answer.kind === 'text') {
          const text = deps.support.checkUserText(answer.text);
          return text.ok ? valid({ text: text.value, photo: null, messageId: answer.messageId }) : text;
        }
        if (answer.kind !== 'file') return invalid('Please type your message, or send a photo.');
        const caption = answer.caption === undefined ? valid(null) : deps.support.checkUserText(answer.caption);
        if (!caption.ok) return caption;
        const photo = await checkPhoto(conversation, deps, { fileId: answer.fileId, fileSize: answer.fileSize }, 'support');
        return photo.ok ? valid({ text: caption.value, photo: photo.value, messageId: answer.messageId }) : photo;
      },
    });
    const outcome = await conversation.external(async (outer) => {
      const bytes = await fetchOptionalPhoto(outer.api, deps.download, draft.photo);
      if (!bytes.ok) return { status: 'invalid', reason: bytes.reason } as const;
      const submitted = await deps.support.submit(user.id, { text: draft.text, photo: bytes.value, source: { chatId, messageId: draft.messageId } });
      if (!submitted.ok) return { status: 'invalid', reason: submitted.reason } as const;
      if (submitted.value.relayed) return { status: 'relayed' } as const;
      try {
        await deps.relay(outer.api, submitted.value.message.id);
        return { status: 'relayed' } as const;
      } catch (error) {
        deps.logger.error({ err: error, support_message_id: submitted.value.message.id }, 'could not relay a support message to the admin chat');
        return { status: 'saved' } as const;
      }
    });
    if (outcome.status === 'invalid') await ctx.reply(html`${outcome.reason} Nothing was sent; send /support to try again.`.value);
    else if (outcome.status === 'saved') {
      await ctx.reply('⚠️ I saved your message but could not pass it to our team just now. Please send it again in a few minutes, or use the contacts in /support.');
    } else await ctx.reply('✅ Sent to our support team. We answer here in this chat; the whole conversation is in /support.');
  };
}
