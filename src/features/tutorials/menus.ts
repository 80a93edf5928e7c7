import { Menu, type MenuFlavor } from '@grammyjs/menu';
import type { Context, Filter } from 'grammy';
import type { BotContext } from '../../context.ts';
import type { Logger } from '../../logger.ts';
import type { ListedTutorial } from '../../db/readModels/tutorialListings.ts';
import type { MediaStore } from '../../services/platform/mediaStore.ts';
import { CATEGORY_LABELS, isTutorialCategory, type TutorialCategory } from '../../services/tutorials/categories.ts';
import type { CategorySummary, TutorialService, TutorialView, Unavailable } from '../../services/tutorials/tutorials.ts';
import { editQuietly } from '../../telegram/errors.ts';
import { categoryText, congratulationText, progressLabel, REGISTER_FIRST, rootText, tutorialButtonLabel, UNAVAILABLE } from './screens.ts';
import { sendTutorial } from '../../scenes/tutorials/viewer.ts';

type MenuContext = Filter<BotContext, 'callback_query:data'> & MenuFlavor;
/** A tap on a button, of a menu or not (the welcome's "first tutorial" button). */
type Tap = Filter<BotContext, 'callback_query'>;

export interface TutorialMenuDeps {
  reader: TutorialService;
  media: MediaStore;
  logger: Logger;
}

/** What this update is showing, loaded once and used for both a message's text and its buttons. */
interface Shown {
  summaries?: readonly CategorySummary[];
  list?: { category: TutorialCategory; tutorials: readonly ListedTutorial[] };
  tutorial?: TutorialView | Unavailable;
}

function isView(tutorial: TutorialView | Unavailable | undefined): tutorial is TutorialView {
  return tutorial !== undefined && !('status' in tutorial);
}

/** A category list's buttons carry `<category>` or `<category>:<tutorial id>`; a tutorial's carry its id. */
function listPayload(match: BotContext['match']): { category: TutorialCategory | null; tutorialId: number | null } {
  const [category = '', id] = (typeof match === 'string' ? match : '').split(':');
  return { category: isTutorialCategory(category) ? category : null, tutorialId: id && /^\d+$/.test(id) ? Number(id) : null };
}

function tutorialPayload(match: BotContext['match']): number | null {
  return typeof match === 'string' && /^\d+$/.test(match) ? Number(match) : null;
}

/**
 * /tutorials as @grammyjs/menu menus: categories with progress → a category's tutorials (✓ when finished) →
 * a tutorial with Mark as completed, Previous, Next, the video and Back. Every button is checked again on the
 * server: a menu drawn before something changed is redrawn ("outdated"), and an unpublished tutorial is
 * refused however its button was kept.
 */
export function createTutorialMenus(deps: TutorialMenuDeps) {
  const { reader } = deps;
  const shown = new WeakMap<Context, Shown>();
  const remember = (ctx: Context, patch: Shown) => shown.set(ctx, { ...shown.get(ctx), ...patch });

  async function summariesFor(ctx: BotContext): Promise<readonly CategorySummary[]> {
    const cached = shown.get(ctx)?.summaries;
    if (cached || !ctx.appUser) return cached ?? [];
    const summaries = await reader.categories(ctx.appUser.id);
    remember(ctx, { summaries });
    return summaries;
  }

  async function listFor(ctx: BotContext, category: TutorialCategory): Promise<readonly ListedTutorial[]> {
    const cached = shown.get(ctx)?.list;
    if (cached?.category === category || !ctx.appUser) return cached?.tutorials ?? [];
    const tutorials = await reader.list(ctx.appUser.id, category);
    remember(ctx, { list: { category, tutorials } });
    return tutorials;
  }

  async function tutorialFor(ctx: BotContext, id: number | null): Promise<TutorialView | Unavailable> {
    const cached = shown.get(ctx)?.tutorial;
    if (cached) return cached;
    const tutorial = id !== null && ctx.appUser ? await reader.view(ctx.appUser.id, id) : { status: 'unavailable' as const, category: null };
    remember(ctx, { tutorial });
    return tutorial;
  }

  const root = new Menu<BotContext>('tut', { autoAnswer: false, onMenuOutdated: (ctx) => redrawRoot(ctx, 'The list has changed; here it is again.') });
  const category = new Menu<BotContext>('tut-c', { autoAnswer: false, onMenuOutdated: (ctx) => redrawList(ctx) });
  const tutorial = new Menu<BotContext>('tut-t', { autoAnswer: false, onMenuOutdated: (ctx) => redrawTutorial(ctx) });

  async function redrawRoot(ctx: MenuContext, notice?: string): Promise<void> {
    await ctx.answerCallbackQuery(notice ? { text: notice } : {});
    await editQuietly(ctx.editMessageText(rootText(await summariesFor(ctx)).value, { reply_markup: root }));
  }

  async function showList(ctx: MenuContext, which: TutorialCategory, how: 'edit' | 'send'): Promise<void> {
    const text = categoryText(which, await listFor(ctx, which)).value;
    if (how === 'edit') await editQuietly(ctx.editMessageText(text, { reply_markup: category }));
    else await ctx.reply(text, { reply_markup: category });
  }

  /** An old category list: redrawn, saying so clearly when the tutorial tapped is no longer there. */
  async function redrawList(ctx: MenuContext): Promise<void> {
    const { category: which, tutorialId } = listPayload(ctx.match);
    if (!which) return redrawRoot(ctx, 'The list has changed; here it is again.');
    const gone = tutorialId !== null && !(await listFor(ctx, which)).some((item) => item.id === tutorialId);
    await ctx.answerCallbackQuery(gone ? { text: UNAVAILABLE, show_alert: true } : { text: 'The list has changed; here it is again.' });
    await showList(ctx, which, 'edit');
  }

  async function redrawTutorial(ctx: MenuContext): Promise<void> {
    const current = await tutorialFor(ctx, tutorialPayload(ctx.match));
    await ctx.answerCallbackQuery(isView(current) ? { text: 'Updated. Tap again if you still want to.' } : { text: UNAVAILABLE, show_alert: true });
    await editQuietly(ctx.editMessageReplyMarkup({ reply_markup: tutorial }));
  }

  /** Opens a tutorial from the message whose button was tapped (that message and tutorial count one view). */
  async function open(ctx: Tap, id: number): Promise<'shown' | 'unavailable' | 'repeat' | 'refused'> {
    const user = ctx.appUser;
    const messageId = ctx.callbackQuery.message?.message_id;
    if (!user || messageId === undefined) {
      await ctx.answerCallbackQuery({ text: REGISTER_FIRST, show_alert: true });
      return 'refused';
    }
    const result = await reader.open(user.id, id, messageId);
    if (result.status === 'unavailable') {
      await ctx.answerCallbackQuery({ text: UNAVAILABLE, show_alert: true });
      return 'unavailable';
    }
    if (result.status === 'repeat') {
      await ctx.answerCallbackQuery({ text: 'It is open just below ⬇️' });
      return 'repeat';
    }
    await ctx.answerCallbackQuery();
    remember(ctx, { tutorial: result.view });
    const { view } = result;
    await sendTutorial(ctx, { ...view, place: `${view.position} of ${view.count}` }, tutorial, deps);
    return 'shown';
  }

  root.dynamic(async (ctx, range) => {
    for (const summary of await summariesFor(ctx)) {
      range
        .text({ text: progressLabel(summary), payload: summary.category }, async (tapped) => {
          await tapped.answerCallbackQuery();
          await showList(tapped, summary.category, 'edit');
        })
        .row();
    }
  });

  category.dynamic(async (ctx, range) => {
    const which = shown.get(ctx)?.list?.category ?? listPayload(ctx.match).category;
    if (!which) return;
    for (const item of await listFor(ctx, which)) {
      range
        .text({ text: tutorialButtonLabel(item), payload: `${which}:${item.id}` }, async (tapped) => {
          if ((await open(tapped, item.id)) === 'unavailable') await showList(tapped, which, 'edit');
        })
        .row();
    }
    range.text({ text: '⬅️ All categories', payload: which }, (tapped) => redrawRoot(tapped));
  });

  tutorial.dynamic(async (ctx, range) => {
    const current = await tutorialFor(ctx, tutorialPayload(ctx.match));
    if (!isView(current)) {
      range.text({ text: '⬅️ All categories', payload: String(tutorialPayload(ctx.match) ?? 0) }, async (tapped) => {
        await tapped.answerCallbackQuery();
        await tapped.reply(rootText(await summariesFor(tapped)).value, { reply_markup: root });
      });
      return;
    }
    const payload = String(current.id);
    range.text({ text: current.completed ? 'Completed ✓' : '✅ Mark as completed', payload }, (tapped) => toggle(tapped, current)).row();
    if (current.previousId !== null) range.text({ text: '◀️ Previous', payload }, (tapped) => step(tapped, current.previousId));
    if (current.nextId !== null) range.text({ text: 'Next ▶️', payload }, (tapped) => step(tapped, current.nextId));
    range.row();
    if (current.videoUrl) range.url('🎬 Watch the video', current.videoUrl).row();
    range.text({ text: `⬅️ Back to ${CATEGORY_LABELS[current.category]}`, payload }, async (tapped) => {
      await tapped.answerCallbackQuery();
      await showList(tapped, current.category, 'send');
    });
  });

  async function toggle(ctx: MenuContext, current: TutorialView): Promise<void> {
    const user = ctx.appUser;
    if (!user) return void (await ctx.answerCallbackQuery({ text: REGISTER_FIRST, show_alert: true }));
    const result = await reader.setCompleted(user.id, current.id, !current.completed);
    if (result.status === 'unavailable') {
      remember(ctx, { tutorial: result });
      await ctx.answerCallbackQuery({ text: UNAVAILABLE, show_alert: true });
    } else {
      remember(ctx, { tutorial: result.view });
      await ctx.answerCallbackQuery({ text: result.view.completed ? 'Marked as completed ✓' : 'Marked as not completed' });
    }
    await editQuietly(ctx.editMessageReplyMarkup({ reply_markup: tutorial }));
    if (result.status === 'ok' && result.finishedCategory) {
      const next = (await reader.categories(user.id)).find((summary) => summary.done < summary.total);
      await ctx.reply(congratulationText(result.finishedCategory, next).value);
    }
  }

  async function step(ctx: MenuContext, id: number | null): Promise<void> {
    if (id === null || (await open(ctx, id)) !== 'unavailable') return;
    // The neighbour went away since this message was drawn: show its buttons as they are now.
    shown.delete(ctx);
    await editQuietly(ctx.editMessageReplyMarkup({ reply_markup: tutorial }));
  }

  /** /tutorials: the categories with the user's progress. */
  async function showCategories(ctx: BotContext): Promise<void> {
    if (!ctx.appUser) return void (await ctx.reply(REGISTER_FIRST));
    await ctx.reply(rootText(await summariesFor(ctx)).value, { reply_markup: root });
  }

  /** The newcomers' button (after registration, while KYC is reviewed): the first tutorial, or the categories. */
  async function openFirst(ctx: Tap): Promise<void> {
    const first = await reader.first();
    if (first === null) {
      await ctx.answerCallbackQuery();
      return showCategories(ctx);
    }
    if ((await open(ctx, first)) === 'unavailable') await showCategories(ctx);
  }

  root.register([category, tutorial]);
  /** `menu` is the middleware of every menu's buttons, which also draws menus into replies. */
  return { menu: root, showCategories, openFirst };
}
