import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createSealer } from '../../src/services/platform/sealing.ts';

const BASE = { BOT_TOKEN: '123456:ABC-secret', ADMIN_CHAT_ID: '-100123' };

describe('STATE_SECRET', () => {
  it('is used when set, and refused when too short', () => {
    const secret = 'a'.repeat(40);
    expect(loadConfig({ ...BASE, STATE_SECRET: secret })).toMatchObject({ stateSecret: secret, stateSecretDerived: false });
    expect(() => loadConfig({ ...BASE, STATE_SECRET: 'short' })).toThrow(/^Configuration error: STATE_SECRET must be at least 32 characters/);
  });

  it('defaults to a secret derived from BOT_TOKEN: stable, and not the token', () => {
    const first = loadConfig(BASE);
    expect(first.stateSecretDerived).toBe(true);
    expect(first.stateSecret).toBe(loadConfig(BASE).stateSecret);
    expect(first.stateSecret).not.toContain('ABC-secret');
    expect(loadConfig({ ...BASE, BOT_TOKEN: '123456:OTHER' }).stateSecret).not.toBe(first.stateSecret);
  });
});

describe('sealing', () => {
  it('opens only what was sealed with the same secret and purpose, and never stores the plain text', () => {
    const sealer = createSealer('s'.repeat(32), 'gift-card-codes');
    const sealed = sealer.seal('ABCD-1234-EFGH');
    expect(sealed.toString('utf8')).not.toContain('ABCD');
    expect(sealer.open(sealed)).toBe('ABCD-1234-EFGH');
    expect(sealer.seal('ABCD-1234-EFGH').equals(sealed)).toBe(false);
    expect(() => createSealer('t'.repeat(32), 'gift-card-codes').open(sealed)).toThrow();
    expect(() => createSealer('s'.repeat(32), 'conversation-state').open(sealed)).toThrow();
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 1;
    expect(() => sealer.open(altered)).toThrow();
  });
});
