/** The outcome of checking what a user typed: the clean value, or the reason to show them. */
export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

export const valid = <T>(value: T): Checked<T> => ({ ok: true, value });
export const invalid = <T = never>(reason: string): Checked<T> => ({ ok: false, reason });
