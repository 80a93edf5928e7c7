import type { Api } from 'grammy';
import type { BotConversation, ConversationContext } from '../../context.ts';
import type { AuthoringResult, AuthoringService } from '../../services/tutorials/authoring.ts';
import { CATEGORY_LABELS, isTutorialCategory } from '../../services/tutorials/categories.ts';
import { checkExcerpt, checkVideoUrl } from '../../services/tutorials/fields.ts';
import { html } from '../../telegram/html.ts';
import { choose } from '../ask/ask.ts';
import { fetchOptionalPhoto, type PhotoDeps } from '../ask/photos.ts';
import { askContent, askOptional, askOrder, askPicture, askTitle, chooseCategory } from './questions.ts';

export const CREATE_TUTORIAL = 'tutorial-create';

export interface AuthoringSceneDeps extends PhotoDeps {
  authoring: AuthoringService;
  /** Shows a tutorial's admin card in a chat (worded by the tutorials feature). */
  showCard(api: Api, chatId: number, id: number): Promise<void>;
}

/** Why a save did not happen, for the author. */
export function notSavedText(result: Exclude<AuthoringResult, { status: 'saved' }>): string {
  switch (result.status) {
    case 'invalid':
      return `Not saved: ${result.reason}`;
    case 'not_admin':
      return 'Not saved: only admins can write tutorials.';
    case 'not_found':
      return 'Not saved: that tutorial was deleted meanwhile.';
  }
}

/**
 * A new tutorial: title, category, content, summary, video link, picture, display order, then a summary with
 * Publish now or Save as draft. Nothing is saved before that choice; /cancel leaves at any question.
 */
export function createTutorialCreateConversation(deps: AuthoringSceneDeps) {
  return async function createTutorial(conversation: BotConversation, ctx: ConversationContext, presetCategory?: string): Promise<void> {
    const from = ctx.from;
    const chatId = ctx.chat?.id;
    if (!from || chatId === undefined) return;
    await ctx.reply('✍️ <b>New tutorial</b>\nI will ask for seven things, one at a time. Nothing is saved until you choose to publish or keep it as a draft; /cancel stops.');
    const title = await askTitle(conversation, ctx, html`1/7 <b>Title</b>: what is it called? e.g. How to buy USDT with MTN MoMo`);
    const category = presetCategory && isTutorialCategory(presetCategory) ? presetCategory : await chooseCategory(conversation, ctx, html`2/7 Which <b>category</b>?`);
    const content = await askContent(conversation, ctx, html`3/7 Send the <b>content</b> of “${title}”.`);
    const excerpt = await askOptional(conversation, ctx, html`4/7 A one-line <b>summary</b> for the list (up to 200 characters), e.g. Pay by MoMo with your reference and send the screenshot.`, checkExcerpt, { removable: false });
    const videoUrl = await askOptional(conversation, ctx, html`5/7 A <b>video link</b>, e.g. https://www.youtube.com/watch?v=abc123`, checkVideoUrl, { removable: false });
    const picture = await askPicture(conversation, ctx, deps, html`6/7 A <b>picture</b> shown above the tutorial: send a photo (at least 320 pixels on its shorter side).`, { removable: false });
    const order = await askOrder(conversation, ctx, deps.authoring, category, null);

    const decision = await choose(
      conversation,
      ctx,
      html`<b>Please check the new tutorial</b>

Title: ${title}
Category: ${CATEGORY_LABELS[category]}
Summary: ${excerpt ?? 'none'}
Video: ${videoUrl ?? 'none'}
Picture: ${picture ? 'yes' : 'none'}
Place: ${order === null ? 'at the end' : String(order)}
Content: ${content.length.toLocaleString('en-GB')} characters

Publish it for every user now, or keep it as a draft only admins see?`,
      [[{ label: '📢 Publish now', value: 'publish' }, { label: '📝 Save as draft', value: 'draft' }], [{ label: '❌ Cancel', value: 'cancel' }]],
    );
    if (decision === 'cancel') {
      await ctx.reply('Cancelled; nothing was saved.');
      return;
    }
    const result = await conversation.external(async (outer) => {
      const bytes = await fetchOptionalPhoto(outer.api, deps.download, picture);
      if (!bytes.ok) return { status: 'invalid', reason: bytes.reason } as const;
      const created = await deps.authoring.create({ title, category, content, excerpt, videoUrl, order, publish: decision === 'publish' }, bytes.value, from);
      return created.status === 'saved' ? { status: 'saved', id: created.tutorial.id, slug: created.tutorial.slug } as const : created;
    });
    if (result.status !== 'saved') {
      await ctx.reply(html`${notSavedText(result)} Send /tutorial_admin to try again.`.value);
      return;
    }
    const state = decision === 'publish' ? 'Published: users see it now in /tutorials.' : 'Saved as a draft: only admins see it until you publish it.';
    await ctx.reply(html`✅ ${state}\nIts slug is <code>${result.slug}</code>.`.value);
    await conversation.external((outer) => deps.showCard(outer.api, chatId, result.id));
  };
}
