import type { ApiCall, FakeTelegram, TestUser } from '../../test/support/fakeTelegram/index.ts';

/** One thing a user does, and which of the bot's calls completes it. */
export interface Step {
  /** Sends the update; a tap returns its callback query id. */
  act(user: TestUser, tg: FakeTelegram): Promise<string | undefined>;
  done(call: ApiCall): boolean;
}

export interface LoadResult {
  updates: number;
  elapsedMs: number;
  /** Per update: from the moment it is available to the bot to the bot's first call answering it. */
  latenciesMs: number[];
  /** The same, by the step's position (which of the users' steps was slow). */
  latenciesByStep: number[][];
}

interface Pending {
  sentAt: number;
  answeredAt: number | undefined;
  queryId: string | undefined;
  step: Step;
  resolve: () => void;
}

/**
 * Every user does every step in order, each step after the previous one is complete. Without a rate, all
 * users go as fast as the bot answers (the throughput); with one, updates are sent at that overall rate
 * (the latency at a given load).
 */
export async function driveUsers(tg: FakeTelegram, users: readonly TestUser[], steps: readonly Step[], ratePerSecond?: number): Promise<LoadResult> {
  const pending = new Map<number, Pending>();
  const byQuery = new Map<string, number>();
  const latenciesMs: number[] = [];
  const latenciesByStep: number[][] = steps.map(() => []);
  const stopListening = tg.onCall((call) => {
    const chatId = typeof call.params.chat_id === 'number' ? call.params.chat_id : Number(call.params.chat_id);
    const userId = pending.has(chatId) ? chatId : byQuery.get(String(call.params.callback_query_id));
    const entry = userId === undefined ? undefined : pending.get(userId);
    if (!entry || call.time < entry.sentAt) return;
    entry.answeredAt ??= call.time;
    if (entry.step.done(call)) entry.resolve();
  });
  const started = Date.now();
  try {
    await Promise.all(
      users.map(async (user, index) => {
        for (const [position, step] of steps.entries()) {
          if (ratePerSecond) {
            const due = started + ((position * users.length + index) / ratePerSecond) * 1000;
            const wait = due - Date.now();
            if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          }
          const completed = new Promise<void>((resolve) => {
            pending.set(user.id, { sentAt: Date.now(), answeredAt: undefined, queryId: undefined, step, resolve });
          });
          const entry = pending.get(user.id);
          const queryId = await step.act(user, tg);
          if (queryId && entry) {
            entry.queryId = queryId;
            byQuery.set(queryId, user.id);
          }
          await completed;
          if (entry?.answeredAt !== undefined) {
            latenciesMs.push(entry.answeredAt - entry.sentAt);
            latenciesByStep[position]?.push(entry.answeredAt - entry.sentAt);
          }
          if (queryId) byQuery.delete(queryId);
        }
        pending.delete(user.id);
      }),
    );
  } finally {
    stopListening();
  }
  return { updates: users.length * steps.length, elapsedMs: Date.now() - started, latenciesMs, latenciesByStep };
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** The text of a bot call that sends or edits a message, with its buttons' labels. */
export function callText(call: ApiCall): string {
  const raw = call.params.text ?? call.params.caption;
  const text = typeof raw === 'string' ? raw : '';
  const markup = call.params.reply_markup;
  const parsed: unknown = typeof markup === 'string' ? JSON.parse(markup) : markup;
  const buttons = parsed && typeof parsed === 'object' && 'inline_keyboard' in parsed ? JSON.stringify(parsed.inline_keyboard) : '';
  return `${text}\n${buttons}`;
}
