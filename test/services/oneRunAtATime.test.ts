import { describe, expect, it } from 'vitest';
import { oneRunAtATime } from '../../src/services/common/oneRunAtATime.ts';

/** A queue of due items that a round delivers all of; `afterwards` is a hook the test holds open. */
function queueWithHeldAfterwards() {
  let due = 0;
  let releaseAfterwards: (() => void) | undefined;
  let afterwardsStarted: (() => void) | undefined;
  const afterwardsReached = new Promise<void>((resolve) => (afterwardsStarted = resolve));
  let holdNext = true;
  const runner = oneRunAtATime(
    () => {
      const delivered = due;
      due = 0;
      return Promise.resolve(delivered);
    },
    () => false,
    () => {
      if (!holdNext) return Promise.resolve();
      holdNext = false;
      afterwardsStarted?.();
      return new Promise<void>((resolve) => (releaseAfterwards = resolve));
    },
  );
  return {
    runner,
    makeDue: (n: number) => (due += n),
    afterwardsReached,
    releaseAfterwards: () => releaseAfterwards?.(),
    remaining: () => due,
  };
}

describe('one run at a time', () => {
  it('delivers what was made due by a call that arrived while the run did its afterwards step', async () => {
    const queue = queueWithHeldAfterwards();
    queue.makeDue(1);
    const first = queue.runner.run();
    await queue.afterwardsReached;
    queue.makeDue(2);
    const second = queue.runner.run();
    queue.releaseAfterwards();
    expect(await second).toBe(3);
    expect(await first).toBe(3);
    expect(queue.remaining()).toBe(0);
  });

  it('joins a run in progress instead of starting a second one', async () => {
    let rounds = 0;
    let releaseRound: (() => void) | undefined;
    const runner = oneRunAtATime(
      () => {
        rounds++;
        return rounds === 1 ? new Promise<number>((resolve) => (releaseRound = () => resolve(1))) : Promise.resolve(0);
      },
      () => false,
    );
    const first = runner.run();
    const second = runner.run();
    expect(second).toBe(first);
    releaseRound?.();
    await first;
    expect(rounds).toBe(2);
    expect(runner.current()).toBeUndefined();
  });
});
