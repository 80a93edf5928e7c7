import { badRequest } from './errors.ts';
import { chatMethods } from './chatMethods.ts';
import { editingMethods } from './editingMethods.ts';
import { bool, int, str, type MethodHandler } from './methodParams.ts';
import { sendingMethods } from './sendingMethods.ts';
import type { Params } from './validation.ts';

function commandsKey(p: Params): string {
  return `${JSON.stringify(p['scope'] ?? { type: 'default' })}|${str(p, 'language_code') ?? ''}`;
}

/** Every simulated method (getUpdates excepted): the bot's own settings, callback answers, files, and the rest by concern. */
export const methods: Record<string, MethodHandler> = {
  getMe: (world) => world.botInfo,

  logOut: () => true,
  close: () => true,

  setWebhook: (world, p) => {
    const url = str(p, 'url') ?? '';
    if (url === '') {
      world.webhook = undefined;
      return true;
    }
    if (!/^https:\/\//i.test(url)) throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    world.webhook = {
      url,
      has_secret: str(p, 'secret_token') !== undefined,
      ...(Array.isArray(p['allowed_updates']) ? { allowed_updates: p['allowed_updates'] as string[] } : {}),
      ...(int(p, 'max_connections') !== undefined ? { max_connections: int(p, 'max_connections') } : {}),
    };
    world.webhookSecret = str(p, 'secret_token');
    world.updates.setAllowedUpdates(p['allowed_updates']);
    if (bool(p, 'drop_pending_updates')) world.updates.dropPending();
    world.webhookDelivery?.pump();
    return true;
  },

  deleteWebhook: (world, p) => {
    world.webhook = undefined;
    world.webhookSecret = undefined;
    if (bool(p, 'drop_pending_updates')) world.updates.dropPending();
    return true;
  },

  getWebhookInfo: (world) => ({
    url: world.webhook?.url ?? '',
    has_custom_certificate: false,
    pending_update_count: world.updates.pending.length,
    ...(world.webhook?.max_connections !== undefined ? { max_connections: world.webhook.max_connections } : {}),
    ...(world.webhook?.allowed_updates ? { allowed_updates: world.webhook.allowed_updates } : {}),
  }),

  setMyCommands: (world, p) => {
    const commands = Array.isArray(p['commands']) ? (p['commands'] as Array<{ command: string; description: string }>) : [];
    if (commands.length > 100) throw badRequest('too many commands');
    for (const { command, description } of commands) {
      if (!/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest(`BOT_COMMAND_INVALID (command "${command}")`);
      const length = [...description].length;
      if (length < 1 || length > 256) throw badRequest(`command description must be 1-256 characters (command "${command}")`);
    }
    world.commands.set(commandsKey(p), commands);
    return true;
  },
  getMyCommands: (world, p) => world.commands.get(commandsKey(p)) ?? [],
  deleteMyCommands: (world, p) => {
    world.commands.delete(commandsKey(p));
    return true;
  },

  getFile: (world, p) => world.files.getFile(str(p, 'file_id') ?? ''),

  answerCallbackQuery: (world, p) => {
    const id = str(p, 'callback_query_id') ?? '';
    if (!world.callbackQueries.has(id) || world.callbackAnswers.has(id)) {
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    const text = str(p, 'text');
    if (text !== undefined && [...text].length > 200) throw badRequest('MESSAGE_TOO_LONG (callback answer text is limited to 200 characters)');
    world.callbackAnswers.set(id, {
      callback_query_id: id,
      ...(text !== undefined ? { text } : {}),
      ...(bool(p, 'show_alert') !== undefined ? { show_alert: bool(p, 'show_alert') } : {}),
      ...(str(p, 'url') !== undefined ? { url: str(p, 'url') } : {}),
      ...(int(p, 'cache_time') !== undefined ? { cache_time: int(p, 'cache_time') } : {}),
      time: Date.now(),
    });
    world.changed();
    return true;
  },

  ...sendingMethods,
  ...editingMethods,
  ...chatMethods,
};

/** getUpdates parameters with Telegram's defaults and bounds (the long poll itself lives in the server). */
export function getUpdatesOptions(p: Params): { offset: number; limit: number; timeout: number } {
  const limit = int(p, 'limit') ?? 100;
  return { offset: int(p, 'offset') ?? 0, limit: Math.min(Math.max(limit, 1), 100), timeout: Math.max(int(p, 'timeout') ?? 0, 0) };
}
