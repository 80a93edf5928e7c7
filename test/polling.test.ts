import { Api } from 'grammy';
import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { MOST_HELD, PolledUpdates } from '../src/telegram/polling.ts';
import { FakeTelegram } from './support/fakeTelegram/index.ts';

const updates = (...ids: number[]): Update[] => ids.map((update_id) => ({ update_id }));
const ids = (list: readonly Update[]) => list.map((update) => update.update_id);

describe('the polling offset', () => {
  it('stays at the lowest update not handled while later ones finish first', () => {
    const polled = new PolledUpdates();
    expect(polled.offset).toBe(0);
    expect(ids(polled.take(updates(10, 11, 12, 13)))).toEqual([10, 11, 12, 13]);
    expect(polled.offset).toBe(10);

    polled.finished(12);
    polled.finished(11);
    expect(polled.offset).toBe(10);
    polled.finished(10);
    // 11 and 12 are done too: the offset moves to the first one still in flight.
    expect(polled.offset).toBe(13);
    polled.finished(13);
    expect(polled.offset).toBe(14);
    expect(polled.heldCount).toBe(0);
  });

  it('takes as new only the updates above the newest fetched: those in flight come back and are not handled twice', () => {
    const polled = new PolledUpdates();
    polled.take(updates(20, 21, 22));
    polled.finished(21);
    // Telegram returns everything from the offset on, the ones in flight and the one handled among them included.
    expect(ids(polled.take(updates(20, 21, 22, 23)))).toEqual([23]);
    expect(ids(polled.take(updates(20, 21, 22, 23)))).toEqual([]);
    expect(polled.heldCount).toBe(4);
    expect(polled.unhandled).toBe(3);
    polled.finished(20);
    expect(polled.offset).toBe(22);
    expect(polled.heldCount).toBe(2);
  });

  it('wakes a waiting poll when the offset moves, not when a later update finishes', async () => {
    const polled = new PolledUpdates();
    polled.take(updates(30, 31));
    let woken = false;
    const waiting = polled.whenMoved(10_000, new AbortController().signal).then(() => (woken = true));
    polled.finished(31);
    await new Promise((resolve) => setImmediate(resolve));
    expect(woken).toBe(false);
    polled.finished(30);
    await waiting;
    expect(polled.offset).toBe(32);
  });

  /** MOST_HELD updates from 100 on, all handled but the first two and the slow one, then two more fetched. */
  function heldBack(): { polled: PolledUpdates; first: number; slow: number; next: number } {
    const polled = new PolledUpdates();
    const first = 100;
    const slow = first + Math.floor(MOST_HELD / 2);
    polled.take(updates(...Array.from({ length: MOST_HELD }, (_, index) => first + index)));
    for (let id = first + 2; id < first + MOST_HELD; id += 1) if (id !== slow) polled.finished(id);
    expect(polled.toPark()).toEqual([]);
    const next = first + MOST_HELD;
    polled.take(updates(next, next + 1));
    return { polled, first, slow, next };
  }

  it('parks the updates holding the offset once more than MOST_HELD fetched updates wait from them on', () => {
    const { polled, first, slow, next } = heldBack();
    // The first holds MOST_HELD + 2 updates back and the second MOST_HELD + 1: both go; the slow one holds fewer.
    expect(ids(polled.toPark())).toEqual([first, first + 1]);
    expect(polled.parked(updates(first, first + 1))).toEqual([]);
    expect(polled.offset).toBe(slow);
    expect(polled.toPark()).toEqual([]);
    // A parked update finishing does not move the offset back; its stored copy is to be dropped.
    expect(polled.finished(first)).toBe(true);
    expect(polled.finished(slow)).toBe(false);
    expect(polled.offset).toBe(next);
  });

  it('has the stored copies dropped of updates handled while they were being parked', () => {
    const { polled, first, slow } = heldBack();
    expect(ids(polled.toPark())).toEqual([first, first + 1]);
    // Both are handled while they are being stored, the first moving the offset past both.
    expect(polled.finished(first + 1)).toBe(false);
    expect(polled.finished(first)).toBe(false);
    expect(polled.offset).toBe(slow);
    expect(polled.parked(updates(first, first + 1))).toEqual([first, first + 1]);
    expect(polled.finished(first)).toBe(false);
  });
});

describe('the fake Bot API, as Telegram', () => {
  it('returns updates until an offset above them confirms them, at once while any is unconfirmed', async () => {
    const tg = await FakeTelegram.start();
    try {
      const api = new Api(tg.token, { apiRoot: tg.apiRoot });
      const ama = tg.createUser({ id: 72001, first_name: 'Ama' });
      await ama.send('one');
      await ama.send('two');
      await ama.send('three');
      const [first, second, third] = await api.getUpdates({ timeout: 0 });
      const [firstId = 0, secondId = 0, thirdId = 0] = [first, second, third].map((update) => update?.update_id);
      expect([secondId - firstId, thirdId - secondId]).toEqual([1, 1]);
      // Not confirmed: they come again, from the offset on; a long poll answers at once.
      const started = Date.now();
      expect((await api.getUpdates({ offset: secondId, timeout: 30 })).map((update) => update.update_id)).toEqual([secondId, thirdId]);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(tg.pendingUpdates.map((update) => update.update_id)).toEqual([secondId, thirdId]);
      expect(await api.getUpdates({ offset: thirdId + 1, timeout: 0 })).toEqual([]);
      expect(tg.pendingUpdates).toEqual([]);
    } finally {
      await tg.stop();
    }
  });
});
