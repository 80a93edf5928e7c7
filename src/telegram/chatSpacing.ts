import { setTimeout as sleep } from 'node:timers/promises';
import type { RawApi, Transformer } from 'grammy';

/**
 * One chat's calls one after another, each sent at least `intervalMs` after the previous one to that chat was
 * answered (so after Telegram received it). Installed above the bulk lane's pace (on the notifications' Api): a
 * per-chat limit counted when a call joins the pace's queue would let a call that waited there
 * reach Telegram right before the chat's next one.
 */
export function chatSpacing(intervalMs: number): Transformer<RawApi> {
  // Per chat: when its next call may go. Only chats with a call in the last `intervalMs` are kept.
  const nextTurn = new Map<string, Promise<void>>();
  return (prev, method, payload, signal) => {
    const chatId = intervalMs > 0 && payload !== undefined && 'chat_id' in payload ? String(payload.chat_id) : undefined;
    if (chatId === undefined) return prev(method, payload, signal);
    const call = (nextTurn.get(chatId) ?? Promise.resolve()).then(() => prev(method, payload, signal));
    const turn = call.then(
      () => sleep(intervalMs, undefined, { ref: false }),
      () => sleep(intervalMs, undefined, { ref: false }),
    );
    nextTurn.set(chatId, turn);
    void turn.then(() => {
      if (nextTurn.get(chatId) === turn) nextTurn.delete(chatId);
    });
    return call;
  };
}
