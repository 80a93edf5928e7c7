import { randomUUID } from 'node:crypto';
import type { Api } from 'grammy';
import type { BotConversation, ConversationContext } from '../../context.ts';
import type { Logger } from '../../logger.ts';
import { invalid } from '../../services/common/validation.ts';
import type { BroadcastRow, BroadcastService } from '../../services/notifications/broadcasts.ts';
import type { NotificationDelivery } from '../../services/notifications/delivery.ts';
import { BROADCAST_TITLE } from '../../services/notifications/notices.ts';
import { html } from '../../telegram/html.ts';
import { notificationText } from '../../telegram/notificationText.ts';
import { ask, choose } from '../ask/ask.ts';

export const BROADCAST = 'broadcast';

export interface BroadcastSceneDeps {
  broadcasts: BroadcastService;
  delivery: NotificationDelivery;
  /** Posts the broadcast's status message in the admin chat (then a job edits it as the messages go out). */
  report(api: Api, broadcast: BroadcastRow): Promise<void>;
  logger: Logger;
}

const ASK_MESSAGE = html`📣 <b>Broadcast</b>: type the message for every user, in one message.

Format it with Telegram's own tools (bold, italic, links …) or type HTML: &lt;b&gt;bold&lt;/b&gt;, &lt;i&gt;italic&lt;/i&gt;, &lt;u&gt;, &lt;s&gt;, &lt;code&gt;, &lt;pre&gt;, &lt;blockquote&gt;, &lt;tg-spoiler&gt; and &lt;a href="https://…"&gt;a link&lt;/a&gt;. Write a literal &lt; as &amp;lt; and &amp; as &amp;amp;.

Nothing is sent before you have seen the preview and confirmed. Send /cancel to stop.`;

/** /broadcast: the text (checked Telegram HTML), a preview exactly as users will see it, Confirm; then it goes out. */
export function createBroadcastConversation(deps: BroadcastSceneDeps) {
  return async function broadcast(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
    const from = ctx.from;
    if (!from) return;
    for (;;) {
      const message = await ask(conversation, ctx, {
        text: ASK_MESSAGE,
        placeholder: 'The message for every user',
        check: (answer) => (answer.kind === 'text' ? deps.broadcasts.prepare(answer.text, answer.entities) : invalid('Please type the message as text.')),
      });
      // Made with the preview and saved with the question: a Confirm that comes again (the same update after a
      // crash before the conversation was saved, or a second tap) finds the same key, so it starts nothing new.
      const requestKey = await conversation.external(() => randomUUID());
      const audience = await conversation.external(() => deps.broadcasts.audience());
      await ctx.reply(notificationText({ title: BROADCAST_TITLE, message, format: 'html' }).value);
      const users = `${audience.toLocaleString('en-GB')} user${audience === 1 ? '' : 's'}`;
      const decision = await choose(
        conversation,
        ctx,
        html`👆 That is exactly how it will look. Send it to ${users} (everyone active who has not blocked the bot)? It cannot be taken back.`,
        [[{ label: `✅ Send to ${users}`, value: 'send' }], [{ label: '✏️ Change the text', value: 'change' }, { label: '❌ Cancel', value: 'cancel' }]],
      );
      if (decision === 'change') continue;
      if (decision === 'cancel') {
        await ctx.reply('Cancelled; nothing was sent.');
        return;
      }
      const outcome = await conversation.external(async (outer) => {
        const started = await deps.broadcasts.start({ requestKey, message, from: { id: from.id, first_name: from.first_name, last_name: from.last_name } });
        if (started.status !== 'started') return { started: false, id: 0, recipients: 0 };
        const failed = (what: string) => (error: unknown) => deps.logger.error({ err: error, broadcast_id: started.broadcast.id }, what);
        void deps.delivery.deliverDue().catch(failed('notification delivery failed'));
        await deps.report(outer.api, started.broadcast).catch(failed('could not post the broadcast status'));
        return { started: true, id: started.broadcast.id, recipients: started.recipients };
      });
      if (!outcome.started) {
        await ctx.reply('Only admins can send a broadcast. Nothing was sent.');
        return;
      }
      await ctx.reply(
        html`📣 Broadcast #${outcome.id} is on its way to ${outcome.recipients.toLocaleString('en-GB')} users. Its progress is in the admin chat, where I post a summary when it is done.`.value,
      );
      return;
    }
  };
}
