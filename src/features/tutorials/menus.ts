import { Menu } from '@grammyjs/menu';
import type { Context, Filter } from 'grammy';
import type { BotContext } from '../../context.ts';
import type { ListedTutorial } from '../../db/readModels/tutorialListings.ts';
import type { Logger } from '../../logger.ts';
import { sendTutorial } from '../../scenes/tutorials/viewer.ts';
import type { MediaStore } from '../../services/platform/mediaStore.ts';
import { CATEGORY_LABELS, type TutorialCategory } from '../../services/tutorials/categories.ts';
import { isView, type CategorySummary, type ListRead, type TutorialService, type TutorialView, type Unavailable } from '../../services/tutorials/tutorials.ts';
import { draw, labels, listPayload, tutorialPayload, type Button, type MenuContext } from './menuRows.ts';
import { alreadyShows } from './unchanged.ts';
import { categoryText, congratulationText, progressLabel, REGISTER_FIRST, rootText, tutorialButtonLabel, UNAVAILABLE } from './screens.ts';

/** A tap on a button, of a menu or not (the newcomers' "first tutorial" button). */
type Tap = Filter<BotContext, 'callback_query'>;

export interface TutorialMenuDeps {
  reader: TutorialService;
  media: MediaStore;
  logger: Logger;
}

/** What this update is showing, loaded once and used for both a message's text and its buttons. */
interface Shown {
  summaries?: readonly CategorySummary[];
  list?: ListRead;
  tutorial?: TutorialView | Unavailable;
}

const CHANGED = 'The list has changed; here it is again.';

/**
 * /tutorials as @grammyjs/menu menus: categories with progress → a category's tutorials (✓ when finished) →
 * a tutorial with Mark as completed, Previous, Next, its video and Back. Every button is checked again on the
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

  const root = new Menu<BotContext>('tut', { autoAnswer: false, onMenuOutdated: (ctx) => redrawRoot(ctx, CHANGED) });
  const category = new Menu<BotContext>('tut-c', { autoAnswer: false, onMenuOutdated: (ctx) => redrawList(ctx) });
  const tutorial = new Menu<BotContext>('tut-t', { autoAnswer: false, onMenuOutdated: (ctx) => redrawTutorial(ctx) });

  const rootRows = (summaries: readonly CategorySummary[]): Button[][] =>
    summaries.map((summary) => [
      {
        text: progressLabel(summary),
        payload: summary.category,
        run: async (ctx) => {
          await ctx.answerCallbackQuery();
          await showList(ctx, summary.category, 'edit');
        },
      },
    ]);

  const listRows = (which: TutorialCategory, tutorials: readonly ListedTutorial[]): Button[][] => [
    ...tutorials.map((item) => [
      {
        text: tutorialButtonLabel(item),
        payload: `${which}:${item.id}`,
        run: async (ctx: MenuContext) => {
          if ((await open(ctx, item.id)) === 'unavailable') await showList(ctx, which, 'edit');
        },
      },
    ]),
    [{ text: '⬅️ All categories', payload: which, run: (ctx: MenuContext) => redrawRoot(ctx) }],
  ];

  function tutorialRows(current: TutorialView | Unavailable, payloadId: number | null): Button[][] {
    if (!isView(current)) {
      const toCategories = async (ctx: MenuContext) => {
        await ctx.answerCallbackQuery();
        await showCategories(ctx);
      };
      return [[{ text: '⬅️ All categories', payload: String(payloadId ?? 0), run: toCategories }]];
    }
    const payload = String(current.id);
    const steps: Button[] = [];
    if (current.previousId !== null) steps.push({ text: '◀️ Previous', payload, run: (ctx) => step(ctx, current.previousId) });
    if (current.nextId !== null) steps.push({ text: 'Next ▶️', payload, run: (ctx) => step(ctx, current.nextId) });
    const back = async (ctx: MenuContext) => {
      await ctx.answerCallbackQuery();
      await showList(ctx, current.category, 'send');
    };
    const rows: Button[][] = [
      [{ text: current.completed ? 'Completed ✓' : '✅ Mark as completed', payload, run: (ctx) => toggle(ctx, current) }],
      steps,
      current.videoUrl ? [{ text: '🎬 Watch the video', url: current.videoUrl }] : [],
      [{ text: `⬅️ Back to ${CATEGORY_LABELS[current.category]}`, payload, run: back }],
    ];
    return rows.filter((row) => row.length > 0);
  }

  async function redrawRoot(ctx: MenuContext, notice?: string): Promise<void> {
    await ctx.answerCallbackQuery(notice ? { text: notice } : {});
    const summaries = await summariesFor(ctx);
    const text = rootText(summaries);
    if (!alreadyShows(ctx, text, labels(rootRows(summaries)))) await ctx.editMessageText(text.value, { reply_markup: root });
  }

  async function showList(ctx: MenuContext, which: TutorialCategory, how: 'edit' | 'send'): Promise<void> {
    const tutorials = await listFor(ctx, which);
    const text = categoryText(which, tutorials);
    if (how === 'send') await ctx.reply(text.value, { reply_markup: category });
    else if (!alreadyShows(ctx, text, labels(listRows(which, tutorials)))) await ctx.editMessageText(text.value, { reply_markup: category });
  }

  /** An old category list: redrawn, saying so clearly when the tutorial tapped is no longer there. */
  async function redrawList(ctx: MenuContext): Promise<void> {
    const { category: which, tutorialId } = listPayload(ctx.match);
    if (!which) return redrawRoot(ctx, CHANGED);
    const gone = tutorialId !== null && !(await listFor(ctx, which)).some((item) => item.id === tutorialId);
    await ctx.answerCallbackQuery(gone ? { text: UNAVAILABLE, show_alert: true } : { text: CHANGED });
    await showList(ctx, which, 'edit');
  }

  async function redrawTutorial(ctx: MenuContext): Promise<void> {
    const id = tutorialPayload(ctx.match);
    const current = await tutorialFor(ctx, id);
    await ctx.answerCallbackQuery(isView(current) ? { text: 'Updated. Tap again if you still want to.' } : { text: UNAVAILABLE, show_alert: true });
    await redrawTutorialButtons(ctx, current, id);
  }

  async function redrawTutorialButtons(ctx: MenuContext, current: TutorialView | Unavailable, id: number | null): Promise<void> {
    if (!alreadyShows(ctx, undefined, labels(tutorialRows(current, id)))) await ctx.editMessageReplyMarkup({ reply_markup: tutorial });
  }

  /** Opens a tutorial from the message whose button was tapped (that message and tutorial count one view). */
  async function open(ctx: Tap, id: number): Promise<'shown' | 'unavailable' | 'repeat' | 'refused'> {
    const user = ctx.appUser;
    const messageId = ctx.callbackQuery.message?.message_id;
    if (!user || messageId === undefined) {
      await ctx.answerCallbackQuery({ text: REGISTER_FIRST, show_alert: true });
      return 'refused';
    }
    // The category list this update drew the tapped button from, if any: its tutorial's neighbours.
    const result = await reader.open(user.id, id, messageId, shown.get(ctx)?.list);
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

  async function toggle(ctx: MenuContext, current: TutorialView): Promise<void> {
    const user = ctx.appUser;
    if (!user) return void (await ctx.answerCallbackQuery({ text: REGISTER_FIRST, show_alert: true }));
    const result = await reader.setCompleted(user.id, current.id, !current.completed);
    const after = result.status === 'ok' ? result.view : result;
    remember(ctx, { tutorial: after });
    await ctx.answerCallbackQuery(
      !isView(after) ? { text: UNAVAILABLE, show_alert: true } : { text: after.completed ? 'Marked as completed ✓' : 'Marked as not completed' },
    );
    await redrawTutorialButtons(ctx, after, current.id);
    if (result.status === 'ok' && result.finishedCategory) {
      const next = (await reader.categories(user.id)).find((summary) => summary.done < summary.total);
      await ctx.reply(congratulationText(result.finishedCategory, next).value);
    }
  }

  async function step(ctx: MenuContext, id: number | null): Promise<void> {
    if (id === null || (await open(ctx, id)) !== 'unavailable') return;
    // The neighbour went away since this message was drawn: show this tutorial's buttons as they are now.
    shown.delete(ctx);
    const currentId = tutorialPayload(ctx.match);
    await redrawTutorialButtons(ctx, await tutorialFor(ctx, currentId), currentId);
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

  root.dynamic(async (ctx, range) => draw(range, rootRows(await summariesFor(ctx))));
  category.dynamic(async (ctx, range) => {
    const which = shown.get(ctx)?.list?.category ?? listPayload(ctx.match).category;
    if (which) draw(range, listRows(which, await listFor(ctx, which)));
  });
  tutorial.dynamic(async (ctx, range) => {
    const id = tutorialPayload(ctx.match);
    draw(range, tutorialRows(await tutorialFor(ctx, id), id));
  });
  root.register([category, tutorial]);
  /** `menu` is the middleware of every menu's buttons, which also draws menus into replies. */
  return { menu: root, showCategories, openFirst };
}
