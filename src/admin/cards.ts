import { InlineKeyboard, InputFile, InputMediaBuilder, type Api } from 'grammy';
import { isUnchangedOrGone } from '../telegram/errors.ts';
import type { ApprovalKind, ApprovalService, RequestCard } from '../services/approvals.ts';
import type { MediaStore } from '../services/mediaStore.ts';
import type { Logger } from '../logger.ts';
import { formatDateTime, formatWhen } from '../ui/format.ts';
import { html, joinHtml, type SafeHtml } from '../ui/html.ts';

/** Callback data of card buttons: `ap:<kind>:<id>:<verb>`, ids only (well under Telegram's 64 bytes). */
export const CARD_CALLBACK = /^ap:([a-z]+):(\d+):([a-z])(\d*)$/;
export type CardVerb = 'a' | 'd' | 'r' | 'x' | 'o' | 'b';

export function cardData(kind: string, id: number, verb: CardVerb, index?: number): string {
  return `ap:${kind}:${id}:${verb}${index ?? ''}`;
}

function statusLine(card: RequestCard, kind: ApprovalKind): string {
  if (card.status === 'pending') return '⏳ Waiting for a decision';
  if (card.status === 'under_review') return '🔎 In review';
  return card.status === 'approved' ? `✅ ${kind.approvedLabel}` : `❌ ${kind.declinedLabel}`;
}

function decisionLine(card: RequestCard, kind: ApprovalKind): SafeHtml | undefined {
  const decision = card.decision;
  if (!decision) return undefined;
  const when = formatDateTime(decision.at);
  if (card.status === 'under_review') return html`🔎 <b>Under review by ${decision.by}</b> since ${when}`;
  if (card.status === 'approved') return html`✅ <b>${kind.approvedLabel} by ${decision.by}</b> at ${when}`;
  if (card.status === 'declined') {
    return html`❌ <b>${kind.declinedLabel} by ${decision.by}</b> at ${when}\nReason: ${decision.reason ?? 'none given'}`;
  }
  return undefined;
}

export function renderCardText(card: RequestCard, kind: ApprovalKind): SafeHtml {
  const fields = card.fields.map(([label, value]) => html`<b>${label}:</b> ${value}`);
  const decision = decisionLine(card, kind);
  return joinHtml([
    html`<b>${card.title}</b>`,
    html`Status: ${statusLine(card, kind)} · submitted ${formatDateTime(card.submittedAt)}`,
    html``,
    joinHtml(fields),
    ...(decision ? [html``, decision] : []),
  ]);
}

/** The buttons a card offers in its state: none once decided. */
export function cardKeyboard(card: RequestCard, kind: ApprovalKind): InlineKeyboard | undefined {
  if (card.status !== 'pending' && card.status !== 'under_review') return undefined;
  const keyboard = new InlineKeyboard()
    .text(`✅ ${kind.approveLabel}`, cardData(card.kind, card.id, 'a'))
    .text(`❌ ${kind.declineLabel}`, cardData(card.kind, card.id, 'd'));
  if (kind.canStartReview && card.status === 'pending') keyboard.row().text('🔎 Start review', cardData(card.kind, card.id, 'r'));
  return keyboard;
}

export function declineReasonKeyboard(card: RequestCard, kind: ApprovalKind): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  kind.declineReasons.forEach((reason, index) => keyboard.text(reason, cardData(card.kind, card.id, 'x', index)).row());
  return keyboard.text('✏️ Other reason', cardData(card.kind, card.id, 'o')).text('↩️ Back', cardData(card.kind, card.id, 'b'));
}

export interface CardPublisher {
  /** Posts a request's card (photos first, then the details with the buttons) and remembers it. */
  post(api: Api, kind: string, id: number, chatId?: number): Promise<void>;
  /** Edits every posted copy of the card to its current state, for every admin to see. */
  refresh(api: Api, kind: string, id: number): Promise<void>;
}

export function createCardPublisher(deps: {
  approvals: ApprovalService;
  media: MediaStore;
  adminChatId: number;
  logger: Logger;
}): CardPublisher {
  const { approvals, media, logger } = deps;

  async function load(kind: string, id: number) {
    const implementation = approvals.kind(kind);
    const card = implementation ? await approvals.card(kind, id) : null;
    return card && implementation ? { card, implementation } : undefined;
  }

  return {
    async post(api, kind, id, chatId = deps.adminChatId) {
      const loaded = await load(kind, id);
      if (!loaded) throw new Error(`no ${kind} request ${id}`);
      const { card, implementation } = loaded;
      const photos = card.photos.map((path) => new InputFile(media.absolutePath(path)));
      let replyTo: number | undefined;
      if (photos.length === 1 && photos[0]) replyTo = (await api.sendPhoto(chatId, photos[0])).message_id;
      if (photos.length > 1) replyTo = (await api.sendMediaGroup(chatId, photos.map((photo) => InputMediaBuilder.photo(photo))))[0]?.message_id;
      const keyboard = cardKeyboard(card, implementation);
      const message = await api.sendMessage(chatId, renderCardText(card, implementation).value, {
        ...(keyboard ? { reply_markup: keyboard } : {}),
        ...(replyTo ? { reply_parameters: { message_id: replyTo } } : {}),
      });
      await approvals.recordCardMessage(kind, id, chatId, message.message_id);
    },

    async refresh(api, kind, id) {
      const loaded = await load(kind, id);
      if (!loaded) return;
      const text = renderCardText(loaded.card, loaded.implementation).value;
      const keyboard = cardKeyboard(loaded.card, loaded.implementation);
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

/** "Already approved by Ama at 14:02" and friends, for a tap that came too late. */
export function alreadyDecidedText(card: RequestCard, kind: ApprovalKind): string {
  const decision = card.decision;
  if (!decision) return 'This request is no longer waiting for a decision.';
  const when = formatWhen(decision.at);
  if (card.status === 'under_review') return `Already under review by ${decision.by} since ${when}.`;
  const verb = card.status === 'approved' ? kind.approvedLabel : kind.declinedLabel;
  return `Already ${verb.toLowerCase()} by ${decision.by} at ${when}.`;
}
