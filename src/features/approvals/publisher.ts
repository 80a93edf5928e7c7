import { InputFile, InputMediaBuilder, type Api } from 'grammy';
import type { Logger } from '../../logger.ts';
import type { ApprovalService } from '../../services/approvals/approvals.ts';
import type { MediaStore } from '../../services/platform/mediaStore.ts';
import type { CardPublisher, CardView } from '../../telegram/cards.ts';
import { isUnchangedOrGone } from '../../telegram/errors.ts';
import { cardKeyboard, renderCardText } from './cardText.ts';

/** Posts and refreshes approval cards; every kind of every module must come with its card view. */
export function createCardPublisher(deps: {
  approvals: ApprovalService;
  media: MediaStore;
  views: readonly CardView<unknown>[];
  adminChatId: number;
  logger: Logger;
}): CardPublisher {
  const { approvals, media, logger } = deps;
  const views = new Map(deps.views.map((view) => [view.kind, view]));

  async function load(kind: string, id: number) {
    const rules = approvals.kind(kind);
    const view = views.get(kind);
    const card = rules && view ? await approvals.card(kind, id) : null;
    return card && rules && view ? { card, view, canStartReview: rules.canStartReview } : undefined;
  }

  async function post(api: Api, kind: string, id: number, chatId = deps.adminChatId): Promise<void> {
    const loaded = await load(kind, id);
    if (!loaded) throw new Error(`no ${kind} request ${id}`);
    const { card, view, canStartReview } = loaded;
    const photos = card.photos.map((path) => new InputFile(media.absolutePath(path)));
    let replyTo: number | undefined;
    if (photos.length === 1 && photos[0]) replyTo = (await api.sendPhoto(chatId, photos[0])).message_id;
    if (photos.length > 1) replyTo = (await api.sendMediaGroup(chatId, photos.map((photo) => InputMediaBuilder.photo(photo))))[0]?.message_id;
    const keyboard = cardKeyboard(card, view, canStartReview);
    const message = await api.sendMessage(chatId, renderCardText(card, view).value, {
      ...(keyboard ? { reply_markup: keyboard } : {}),
      ...(replyTo ? { reply_parameters: { message_id: replyTo } } : {}),
    });
    await approvals.recordCardMessage(kind, id, chatId, message.message_id);
  }

  return {
    view: (kind) => views.get(kind),
    post,

    async postIfNew(api, kind, id) {
      if ((await approvals.cardMessages(kind, id)).length === 0) await post(api, kind, id);
    },

    async refresh(api, kind, id) {
      const loaded = await load(kind, id);
      if (!loaded) return;
      const text = renderCardText(loaded.card, loaded.view).value;
      const keyboard = cardKeyboard(loaded.card, loaded.view, loaded.canStartReview);
      for (const message of await approvals.cardMessages(kind, id)) {
        await api
          .editMessageText(message.chat_id, message.message_id, text, keyboard ? { reply_markup: keyboard } : {})
          .catch((error: unknown) => {
            if (!isUnchangedOrGone(error)) logger.warn({ err: error, kind, id, chat_id: message.chat_id }, 'could not update an approval card');
          });
      }
    },
  };
}
