import { createHash } from 'node:crypto';
import { InputFile, InputMediaBuilder, type Api } from 'grammy';
import type { DatabasePool } from 'slonik';
import type { Logger } from '../../logger.ts';
import { createCardDeliverer, type CardDeliverer, type CardPost } from '../../services/approvals/cardDelivery.ts';
import type { ApprovalService } from '../../services/approvals/approvals.ts';
import type { MediaStore } from '../../services/platform/mediaStore.ts';
import type { CardPublisher, CardView } from '../../telegram/cards.ts';
import { isUnchangedOrGone } from '../../telegram/errors.ts';
import { cardKeyboard, cardSteps, renderCardText } from './cardText.ts';

/** What a copy of a card shows, to skip an edit that would change nothing. */
function shownDigest(text: string, keyboard: unknown): string {
  return createHash('sha256').update(JSON.stringify([text, keyboard ?? null])).digest('base64url');
}

/**
 * Approval cards: every kind of every module must come with its card view. The admin chat's cards go out from the
 * queue (services/approvals/cardDelivery.ts) through `bulkApi`, the paced api of what the bot sends on its own;
 * a card an admin asks for in their own chat is posted at once, as the answer to their tap.
 */
export function createCards(deps: {
  pool: DatabasePool;
  approvals: ApprovalService;
  media: MediaStore;
  views: readonly CardView<unknown>[];
  adminChatId: number;
  bulkApi: Api;
  logger: Logger;
}): { cards: CardPublisher; deliverer: CardDeliverer } {
  const { approvals, media, bulkApi } = deps;
  const views = new Map(deps.views.map((view) => [view.kind, view]));

  async function load(kind: string, id: number) {
    const rules = approvals.kind(kind);
    const view = views.get(kind);
    const card = rules && view ? await approvals.card(kind, id) : null;
    return card && rules && view ? { card, view, steps: cardSteps(rules) } : undefined;
  }

  /** Photos first (one album for several), then the details with the buttons in reply to them; the card is remembered. */
  async function post(api: Api, chatId: number, { kind, id, photosMessageId, photosSent }: CardPost): Promise<void> {
    const loaded = await load(kind, id);
    if (!loaded) throw new Error(`no ${kind} request ${id}`);
    const { card, view, steps } = loaded;
    let replyTo = photosMessageId ?? undefined;
    if (replyTo === undefined && card.photos.length > 0) {
      const photos = card.photos.map((path) => new InputFile(media.absolutePath(path)));
      const [first] = photos;
      replyTo = photos.length === 1 && first ? (await api.sendPhoto(chatId, first)).message_id : (await api.sendMediaGroup(chatId, photos.map((photo) => InputMediaBuilder.photo(photo))))[0]?.message_id;
      if (replyTo !== undefined) await photosSent(replyTo);
    }
    const keyboard = cardKeyboard(card, view, steps);
    const text = renderCardText(card, view).value;
    const message = await api.sendMessage(chatId, text, {
      ...(keyboard ? { reply_markup: keyboard } : {}),
      ...(replyTo ? { reply_parameters: { message_id: replyTo } } : {}),
    });
    await approvals.recordCardMessage(kind, id, chatId, message.message_id, shownDigest(text, keyboard));
  }

  async function refresh(kind: string, id: number): Promise<void> {
    const loaded = await load(kind, id);
    if (!loaded) return;
    const text = renderCardText(loaded.card, loaded.view).value;
    const keyboard = cardKeyboard(loaded.card, loaded.view, loaded.steps);
    const digest = shownDigest(text, keyboard);
    const failures: unknown[] = [];
    for (const message of await approvals.cardMessages(kind, id)) {
      if (message.shown_digest === digest) continue;
      const edited = await bulkApi.editMessageText(message.chat_id, message.message_id, text, keyboard ? { reply_markup: keyboard } : {}).then(
        () => true,
        (error: unknown) => {
          if (!isUnchangedOrGone(error)) failures.push(error);
          return isUnchangedOrGone(error);
        },
      );
      if (edited) await approvals.recordCardShown(message.chat_id, message.message_id, digest);
    }
    // A retry edits only the copies not yet showing the current state.
    if (failures.length > 0) throw failures[0];
  }

  const deliverer = createCardDeliverer({
    pool: deps.pool,
    adminChatId: deps.adminChatId,
    logger: deps.logger,
    send: { post: (queued) => post(bulkApi, deps.adminChatId, queued), refresh },
  });

  return {
    deliverer,
    cards: {
      view: (kind) => views.get(kind),
      postTo: (api, kind, id, chatId) => post(api, chatId, { kind, id, photosMessageId: null, photosSent: () => Promise.resolve() }),
      kick: () => deliverer.kick(),
      deliverDue: () => deliverer.deliverDue(),
    },
  };
}
