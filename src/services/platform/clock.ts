/** The time, injected so tests can move it (quotes expire, prices go stale, PIN locks end). */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
