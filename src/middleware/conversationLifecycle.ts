import type { Context, MiddlewareFn } from 'grammy';
import type { BotContext } from '../context.ts';

/** How a conversation ended without finishing: /cancel, another command or tap closed it, or 30 idle minutes. */
export type AbandonReason = 'cancelled' | 'interrupted' | 'expired';

/** What happened to conversations during one update, for middleware that reports on them (analytics). */
export interface ConversationChanges {
  started: readonly string[];
  /** Ran to their end (whatever the user chose in them). */
  finished: readonly string[];
  abandoned: readonly { flow: string; reason: AbandonReason }[];
}

interface Trace {
  /** Active when the conversations plugin read the chat's state; unset when the update never got that far. */
  before?: ReadonlySet<string>;
  entered: Set<string>;
  /** Left by `ctx.conversation.exit…` or `conversation.halt` (not by returning). */
  exited: Set<string>;
  expired: string[];
}

const traces = new WeakMap<Context, Trace>();

function traceOf(ctx: Context): Trace {
  let trace = traces.get(ctx);
  if (!trace) {
    trace = { entered: new Set(), exited: new Set(), expired: [] };
    traces.set(ctx, trace);
  }
  return trace;
}

function activeFlows(ctx: BotContext): Set<string> {
  return new Set(Object.entries(ctx.conversation.active()).flatMap(([flow, count]) => (count > 0 ? [flow] : [])));
}

/** For the conversations plugin's `onEnter` and `onExit`. */
export const noteConversationEntered = (flow: string, ctx: Context): void => void traceOf(ctx).entered.add(flow);
export const noteConversationExited = (flow: string, ctx: Context): void => void traceOf(ctx).exited.add(flow);

/** The expiry notice tells the user these flows were closed for being idle. */
export function noteConversationsExpired(ctx: Context, flows: readonly string[]): void {
  traceOf(ctx).expired.push(...flows);
}

/** Installed right after the conversations plugin: which conversations were active when the update came. */
export const traceActiveConversations: MiddlewareFn<BotContext> = async (ctx, next) => {
  traceOf(ctx).before = activeFlows(ctx);
  await next();
};

/** What the update did to conversations; call it once the rest of the middleware has run. */
export function conversationChanges(ctx: BotContext): ConversationChanges {
  const trace = traces.get(ctx);
  if (!trace) return { started: [], finished: [], abandoned: [] };
  const expired = trace.expired.map((flow) => ({ flow, reason: 'expired' as const }));
  if (!trace.before) return { started: [], finished: [], abandoned: expired };
  const after = activeFlows(ctx);
  const ended = [...new Set([...trace.before, ...trace.entered])].filter((flow) => !after.has(flow));
  const reason: AbandonReason = ctx.hasCommand('cancel') ? 'cancelled' : 'interrupted';
  return {
    started: [...trace.entered],
    finished: ended.filter((flow) => !trace.exited.has(flow)),
    abandoned: [...expired, ...ended.filter((flow) => trace.exited.has(flow)).map((flow) => ({ flow, reason }))],
  };
}
