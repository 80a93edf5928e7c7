import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CHAT_ID } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram } from './support/fakeTelegram/index.ts';
import { startBotProcess, unusedPort } from './support/process.ts';
import { databaseAddress, startTcpProxy, type TcpProxy } from './support/tcpProxy.ts';

let db: TestDatabase;
let tg: FakeTelegram;
let proxy: TcpProxy;
let databaseUrl: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tg = await FakeTelegram.start();
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins' });
  proxy = await startTcpProxy(databaseAddress(db.url));
  const throughProxy = new URL(db.url);
  throughProxy.hostname = '127.0.0.1';
  throughProxy.port = String(proxy.port);
  databaseUrl = throughProxy.toString();
});
afterAll(async () => {
  await proxy.stop();
  await tg.stop();
  await db.drop();
});

const baseEnv = () => ({ BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, ADMIN_CHAT_ID: String(ADMIN_CHAT_ID), DATABASE_URL: databaseUrl });

async function health(port: number): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: response.status, body: await response.json() };
}

describe('GET /healthz', () => {
  it('answers 503 while the database is unreachable and 200 once it is back, in webhook mode', async () => {
    const port = await unusedPort();
    const bot = startBotProcess({ ...baseEnv(), WEBHOOK_URL: 'https://bot.example.com/telegram', WEBHOOK_SECRET: 'health-check-secret-1', PORT: String(port) });
    await bot.waitForLog('"msg":"bot started"');
    expect(await health(port)).toEqual({ status: 200, body: { status: 'ok', database: 'reachable' } });

    proxy.cut();
    expect(await health(port)).toEqual({ status: 503, body: { status: 'unavailable', database: 'unreachable' } });
    expect(await health(port)).toMatchObject({ status: 503 });

    proxy.mend();
    await expect.poll(async () => (await health(port)).status, { timeout: 10_000 }).toBe(200);
    // The bot lived through it and handles updates again.
    tg.deliverWebhook({ targets: [`http://127.0.0.1:${port}/telegram`] });
    const efua = tg.createUser({ id: 63001, first_name: 'Efua' });
    await efua.send('/help');
    await tg.waitForMessage(efua.id, 'What I can do');
    expect(bot.child.exitCode).toBeNull();
    expect(await bot.stop()).toBe(0);
  });

  it('is served in long-polling mode when PORT is set, and not otherwise', async () => {
    const port = await unusedPort();
    const bot = startBotProcess({ ...baseEnv(), PORT: String(port) });
    await bot.waitForLog('"msg":"bot started"');
    expect(await health(port)).toEqual({ status: 200, body: { status: 'ok', database: 'reachable' } });
    expect((await fetch(`http://127.0.0.1:${port}/telegram`, { method: 'POST' })).status).toBe(404);
    expect(await bot.stop()).toBe(0);

    const quiet = startBotProcess(baseEnv());
    await quiet.waitForLog('"msg":"bot started"');
    expect(quiet.stdout()).not.toContain('health check listening');
    expect(await quiet.stop()).toBe(0);
  });
});
