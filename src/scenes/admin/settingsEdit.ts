import type { BotConversation, ConversationContext } from '../../context.ts';
import type { SettingsService } from '../../services/admin/settings.ts';
import { valid } from '../../services/common/validation.ts';
import { html } from '../../telegram/html.ts';
import { ask, choose } from '../ask/ask.ts';

export const SETTINGS_EDIT = 'settings-edit';

/** Changes one setting: the new value (checked), a summary of old and new, then Confirm. */
export function createSettingsEditConversation(settings: SettingsService) {
  return async function settingsEdit(conversation: BotConversation, ctx: ConversationContext, fieldKey: string): Promise<void> {
    const field = settings.fields().find((candidate) => candidate.key === fieldKey);
    const from = ctx.from;
    if (!field || !from) return;
    const currentValue = await conversation.external(async () => field.format(await settings.current()));

    const text = await ask(conversation, ctx, {
      text: html`<b>${field.label}</b> is now: ${currentValue}\n\n${field.prompt}\nSend /cancel to keep it.`,
      choices: field.choices?.map((choice) => [{ label: choice, value: choice }]),
      check: (answer) => {
        const value = answer.kind === 'button' ? answer.value : answer.kind === 'text' ? answer.text : '';
        const parsed = field.parse(value);
        return parsed.ok ? valid(value) : parsed;
      },
    });
    const confirmed = await choose(conversation, ctx, html`Change <b>${field.label}</b>?\n\nFrom: ${currentValue}\nTo: ${text}`, [
      [{ label: '✅ Confirm', value: 'yes' }, { label: '❌ Cancel', value: 'no' }],
    ]);
    if (confirmed === 'no') {
      await ctx.reply('Nothing changed.');
      return;
    }
    const result = await conversation.external(async () => {
      const updated = await settings.update(field.key, text, from);
      return updated.ok ? valid(field.format(updated.value)) : updated;
    });
    await ctx.reply(result.ok ? html`✅ Saved. ${field.label} is now: ${result.value}`.value : html`Not saved: ${result.reason}`.value);
  };
}
