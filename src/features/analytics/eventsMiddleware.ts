import type { MiddlewareFn } from 'grammy';
import type { BotContext } from '../../context.ts';
import type { Logger } from '../../logger.ts';
import { conversationChanges } from '../../middleware/conversationLifecycle.ts';
import type { AnalyticsEvent, AnalyticsRecorder } from '../../services/analytics/events.ts';
import type { SessionTracker } from '../../services/analytics/sessions.ts';
import { commandButtonData, type CommandMenu } from '../../telegram/commands.ts';

export interface EventsMiddlewareDeps {
  events: Pick<AnalyticsRecorder, 'record'>;
  sessions: SessionTracker;
  menu: Pick<CommandMenu, 'all'>;
  logger: Logger;
}

type Interaction = Pick<AnalyticsEvent, 'type' | 'name' | 'properties'>;

/** The leading letters of callback data (`ap:buy:12:a` → `ap`): which kind of button, never its ids. */
const BUTTON_PREFIX = /^[a-z_]{1,24}/i;

/**
 * What the update asked for, in words the product chose: the name of a known command (typed, a main-menu
 * button, or an inline `cmd:` button), or a button's callback data prefix. Typed text is never kept: an
 * unknown /word is recorded as 'unknown', and ordinary messages (answers, PINs, documents) as nothing.
 */
function interactionOf(ctx: BotContext, commands: ReadonlySet<string>, buttons: ReadonlyMap<string, string>): Interaction | null {
  const text = ctx.message?.text;
  const command = ctx.message?.entities?.find((entity) => entity.type === 'bot_command' && entity.offset === 0);
  if (text && command) {
    const name = text.slice(1, command.length).split('@')[0]?.toLowerCase() ?? '';
    return { type: 'command', name: commands.has(name) ? name : 'unknown', properties: { via: 'typed' } };
  }
  const fromMenu = text === undefined ? undefined : buttons.get(text);
  if (fromMenu) return { type: 'command', name: fromMenu, properties: { via: 'menu_button' } };
  const data = ctx.callbackQuery?.data;
  if (data === undefined) return null;
  const inline = [...commands].find((name) => data === commandButtonData(name));
  if (inline) return { type: 'command', name: inline, properties: { via: 'inline_button' } };
  return { type: 'button', name: BUTTON_PREFIX.exec(data)?.[0] ?? 'other' };
}

function updateType(ctx: BotContext): string {
  return Object.keys(ctx.update).find((key) => key !== 'update_id') ?? 'unknown';
}

/**
 * Records what users do (commands, taps, conversations started, finished and abandoned, failures) without
 * ever holding up the update: events only go into the recorder's queue, and a fault in recording is logged,
 * never passed on. Runs around the conversations and handlers (TelegramParts.middleware).
 */
export function eventsMiddleware(deps: EventsMiddlewareDeps): MiddlewareFn<BotContext> {
  const commands = new Set(deps.menu.all.map((entry) => entry.command));
  const buttons = new Map(deps.menu.all.flatMap((entry) => (entry.button ? [[entry.button, entry.command] as const] : [])));
  let faultLogged = false;
  const safely = (work: () => void) => {
    try {
      work();
    } catch (error) {
      if (!faultLogged) deps.logger.warn({ err: error }, 'analytics could not record an update');
      faultLogged = true;
    }
  };

  return async (ctx, next) => {
    const common = { chat: ctx.chat?.type === 'private' ? 'private' : ctx.chat ? 'group' : 'none' };
    let identity: Pick<AnalyticsEvent, 'userId' | 'sessionId'> = { userId: null, sessionId: null };
    const record = (event: Interaction) => deps.events.record({ ...identity, ...event, properties: { ...common, ...event.properties } });
    safely(() => {
      identity = { userId: ctx.appUser?.id ?? null, sessionId: ctx.from ? deps.sessions.sessionOf(ctx.from.id) : null };
      const interaction = interactionOf(ctx, commands, buttons);
      if (interaction) record(interaction);
    });
    try {
      await next();
    } catch (error) {
      safely(() => record({ type: 'error', name: 'update_failed', properties: { update: updateType(ctx), error: error instanceof Error ? error.name : typeof error } }));
      throw error;
    } finally {
      safely(() => {
        const changes = conversationChanges(ctx);
        for (const flow of changes.started) record({ type: 'conversation_started', name: flow });
        for (const flow of changes.finished) record({ type: 'conversation_finished', name: flow });
        for (const { flow, reason } of changes.abandoned) record({ type: 'conversation_abandoned', name: flow, properties: { reason } });
      });
    }
  };
}
