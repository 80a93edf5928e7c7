import { Composer, InlineKeyboard, type Api } from 'grammy';
import type { BotContext } from '../../context.ts';
import type { Logger } from '../../logger.ts';
import { CREATE_TUTORIAL } from '../../scenes/tutorials/create.ts';
import { EDIT_TUTORIAL } from '../../scenes/tutorials/edit.ts';
import { sendTutorial } from '../../scenes/tutorials/viewer.ts';
import type { MediaStore } from '../../services/platform/mediaStore.ts';
import type { AuthoringService, PublishResult } from '../../services/tutorials/authoring.ts';
import { isTutorialCategory } from '../../services/tutorials/categories.ts';
import { asAdmin, type AdminGuardDeps } from '../../telegram/adminGuard.ts';
import { editQuietly } from '../../telegram/errors.ts';
import { html } from '../../telegram/html.ts';
import { alreadyShows } from './unchanged.ts';
import { AUTHORING_DATA, authoringData, cardScreen, categoryScreen, deleteScreen, fieldsKeyboard, homeScreen, type Screen } from './adminScreens.ts';

export interface AuthoringDeps {
  authoring: AuthoringService;
  admin: AdminGuardDeps;
  media: MediaStore;
  logger: Logger;
}

const GONE = 'That tutorial no longer exists.';

function publishOutcome(result: PublishResult, published: boolean): { text: string; alert: boolean } {
  switch (result.status) {
    case 'saved':
      return { text: published ? 'Published: users see it now.' : 'Unpublished: users no longer see it.', alert: false };
    case 'unchanged':
      return { text: published ? 'It was already published.' : 'It was already a draft.', alert: true };
    case 'not_found':
      return { text: GONE, alert: true };
    case 'not_admin':
      return { text: 'Only admins can do this.', alert: true };
    case 'invalid':
      return { text: result.reason, alert: true };
  }
}

/** The admin card of a tutorial, sent as a new message (after a conversation saved something). */
export async function sendCard(api: Api, chatId: number, authoring: AuthoringService, id: number): Promise<void> {
  const row = await authoring.get(id);
  if (!row) return;
  const { text, keyboard } = cardScreen(row);
  await api.sendMessage(chatId, text.value, { reply_markup: keyboard, link_preview_options: { is_disabled: true } });
}

/** /tutorial_admin's screens and every authoring button; each tap is checked again (an admin, in an admin place). */
export function authoringButtons(deps: AuthoringDeps): Composer<BotContext> {
  const { authoring } = deps;
  const composer = new Composer<BotContext>();
  const show = async (ctx: BotContext, screen: Screen) => {
    if (alreadyShows(ctx, screen.text, screen.keyboard.inline_keyboard.flat().map((button) => button.text))) return;
    await editQuietly(ctx.editMessageText(screen.text.value, { reply_markup: screen.keyboard, link_preview_options: { is_disabled: true } }));
  };

  composer.callbackQuery(AUTHORING_DATA, (ctx) =>
    asAdmin(ctx, deps.admin, async () => {
      const [, action, name = '', idText] = ctx.match;
      const id = Number(idText);
      if (action === 'new') {
        await ctx.answerCallbackQuery();
        await ctx.conversation.enter(CREATE_TUTORIAL, isTutorialCategory(name) ? name : undefined);
        return;
      }
      if (action === 'field') {
        await ctx.answerCallbackQuery();
        await ctx.conversation.enter(EDIT_TUTORIAL, id, name);
        return;
      }
      if (action === 'home') {
        await ctx.answerCallbackQuery();
        await show(ctx, await homeScreen(authoring));
        return;
      }
      if (action === 'cat') {
        await ctx.answerCallbackQuery();
        if (isTutorialCategory(name)) await show(ctx, await categoryScreen(authoring, name));
        return;
      }
      if (action === 'pub' || action === 'unpub') {
        const published = action === 'pub';
        const outcome = publishOutcome(await authoring.setPublished(id, published, ctx.from), published);
        await ctx.answerCallbackQuery({ text: outcome.text, show_alert: outcome.alert });
      } else if (action === 'delok') {
        const result = await authoring.remove(id, ctx.from);
        await ctx.answerCallbackQuery({ text: result.status === 'saved' ? 'Deleted.' : GONE, show_alert: result.status !== 'saved' });
        if (result.status === 'saved') {
          await show(ctx, { ...(await categoryScreen(authoring, result.tutorial.category)), text: html`🗑 Deleted “${result.tutorial.title}”.` });
          return;
        }
      } else {
        await ctx.answerCallbackQuery();
      }
      const row = await authoring.get(id);
      if (!row) {
        await show(ctx, { text: html`${GONE}`, keyboard: new InlineKeyboard().text('⬅️ All categories', authoringData.home()) });
      } else if (action === 'view') {
        // The preview as users see it, then the card again below it, with its buttons at hand.
        await sendTutorial(ctx, { ...row, place: row.is_published ? 'preview' : 'draft preview' }, undefined, deps);
        await sendCard(ctx.api, ctx.chat?.id ?? deps.admin.adminChatId, authoring, row.id);
      } else if (action === 'edit') {
        await show(ctx, { text: html`${cardScreen(row).text}\n\n✏️ <b>What would you like to change?</b>`, keyboard: fieldsKeyboard(row) });
      } else if (action === 'del') {
        await show(ctx, deleteScreen(row));
      } else {
        await show(ctx, cardScreen(row));
      }
    }),
  );
  return composer;
}
