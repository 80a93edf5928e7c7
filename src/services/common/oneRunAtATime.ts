/** A queue's delivery as one process runs it: one run at a time, started by whoever calls first. */
export interface OneRunAtATime {
  /**
   * Starts a run, or joins the one in progress and makes it go round once more (what was queued meanwhile is never
   * missed); resolves with how many the run delivered. 0 at once when stopped.
   */
  run(): Promise<number>;
  /** The run in progress, if any. */
  current(): Promise<number> | undefined;
}

/**
 * Runs `round` (deliver what is due; returns how many) again and again while calls came during it and `stopped()` is
 * false, then `afterwards` (e.g. look when the next is due).
 */
export function oneRunAtATime(round: () => Promise<number>, stopped: () => boolean, afterwards: () => Promise<void> = () => Promise.resolve()): OneRunAtATime {
  let running: Promise<number> | undefined;
  let again = false;
  const rounds = async () => {
    let delivered = 0;
    do {
      again = false;
      delivered += await round();
      // A call that came during `afterwards` found this run and returned it: it must not be left undone.
      if (!again) await afterwards();
    } while (again && !stopped());
    return delivered;
  };
  return {
    run() {
      if (stopped()) return Promise.resolve(0);
      if (running) {
        again = true;
        return running;
      }
      running = rounds().finally(() => (running = undefined));
      return running;
    },
    current: () => running,
  };
}
