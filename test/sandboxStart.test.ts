import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { startOfDay } from '../src/services/common/calendar.ts';
import { ADMIN_GROUP } from '../src/sandbox/cast.ts';
import { databasesOn } from '../src/sandbox/database.ts';
import { Sandbox } from '../src/sandbox/sandbox.ts';
import { DEMO_PIN } from '../src/sandbox/demo.ts';
import { actions } from '../src/sandbox/web/actions.ts';
import { promptsFor } from '../src/sandbox/web/view.ts';

describe('npm run sandbox', () => {
  it('seeds --demo data as users and admins would make it: a verified user with balances, offered gift cards, resting orders', async () => {
    const name = `sandbox_${randomBytes(6).toString('hex')}`;
    const maintenanceUrl = inject('maintenanceDatabaseUrl');
    const demoDir = await mkdtemp(path.join(tmpdir(), 'tradebot-sandbox-demo-'));
    const demo = await Sandbox.start({ dataDir: demoDir, databases: databasesOn(maintenanceUrl, name), logger: createLogger('warn'), demo: true });
    const url = new URL(maintenanceUrl);
    url.pathname = `/${name}`;
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    try {
      const session = demo.session;
      if (!session) throw new Error('no session');
      const { tg, users } = session;
      for (const notice of ['Your identity is verified', 'Your deposit', 'is now in your wallet']) await tg.waitForMessage(users.kofi.id, notice);
      await users.kofi.send('/wallet');
      const wallet = await tg.waitForMessage(users.kofi.id, 'Your wallet');
      expect(wallet.text).toContain('Cedis: GHS 4,404.00 available · GHS 596.00 reserved');
      expect(wallet.text).toContain('USDT: 115.00000000 USDT available · 35.00000000 USDT reserved');
      // Every balance is the sum of its ledger rows.
      const unexplained = await db.query(`
        SELECT w.id FROM wallets w
         WHERE w.balance_cedis + w.escrow_balance <> (SELECT coalesce(sum(amount), 0) FROM ledger_entries l WHERE l.wallet_id = w.id AND l.account LIKE 'cedis%')
            OR w.balance_crypto + w.escrow_crypto <> (SELECT coalesce(sum(amount), 0) FROM ledger_entries l WHERE l.wallet_id = w.id AND l.account LIKE 'crypto%')`);
      expect(unexplained.rows).toEqual([]);
      const offered = await db.query<{ name: string }>('SELECT name FROM gift_cards WHERE is_active ORDER BY name');
      expect(offered.rows.map((row) => row.name)).toEqual(['Amazon (USA)', 'Apple / iTunes (USA)', 'Google Play (USA)', 'Steam Wallet (USA)']);
      const book = await db.query("SELECT order_type AS side, amount, price FROM orders WHERE status = 'PENDING' ORDER BY price");
      expect(book.rows).toEqual([
        { side: 'BUY', amount: '40.00000000', price: '14.90000000' },
        { side: 'SELL', amount: '25.00000000', price: '15.80000000' },
        { side: 'SELL', amount: '10.00000000', price: '16.20000000' },
      ]);
      const tutorials = await db.query('SELECT count(*)::int AS count FROM tutorials WHERE is_published');
      expect(tutorials.rows[0]).toEqual({ count: 17 });
      const networks = await db.query('SELECT network, enabled, withdrawal_fee, min_withdrawal FROM crypto_networks');
      expect(networks.rows).toEqual([{ network: 'tron', enabled: true, withdrawal_fee: '1.00000000', min_withdrawal: '5.00000000' }]);
      const kofi = await db.query<{ kyc_status: string }>('SELECT kyc_status FROM users WHERE telegram_id = $1', [users.kofi.id]);
      expect(kofi.rows).toEqual([{ kyc_status: 'approved' }]);
      expect(tg.rejectedCalls.filter((call) => !call.superseded)).toEqual([]);
    } finally {
      await db.end();
      await demo.stop();
      await rm(demoDir, { recursive: true, force: true });
    }
  });

  it('fast forwards every job as the scheduler would: the moved time claims new slots, a day whose digest went out is not sent again', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'tradebot-sandbox-forward-'));
    const sandbox = await Sandbox.start({ dataDir, databases: databasesOn(inject('maintenanceDatabaseUrl'), `sandbox_${randomBytes(6).toString('hex')}`), logger: createLogger('warn'), demo: false });
    try {
      const tg = sandbox.session?.tg;
      if (!tg) throw new Error('no session');
      const digests = () => tg.messages(ADMIN_GROUP.id).filter((message) => message.text?.includes('Daily digest for'));
      const dayOf = () => startOfDay(sandbox.clock.now()).getTime();

      const aDayLater = await sandbox.fastForward(24 * 60 * 60_000);
      expect(aDayLater.failed).toEqual([]);
      for (const job of ['daily-digest', 'reconcile-user-metrics', 'remind-pending-requests', 'expire-unpaid-buys', 'deliver-notifications']) expect(aDayLater.ran).toContain(job);
      await tg.waitForMessage(ADMIN_GROUP.id, 'Daily digest for');

      const before = dayOf();
      const aMinuteLater = await sandbox.fastForward(60_000);
      expect(aMinuteLater.failed).toEqual([]);
      // The daily jobs' slot is the day in Accra: unless that minute crossed midnight, this day's digest already went out.
      const sameDay = dayOf() === before;
      expect(sameDay ? aMinuteLater.skipped : aMinuteLater.ran).toContain('daily-digest');
      await tg.settle();
      expect(digests()).toHaveLength(sameDay ? 1 : 2);
      expect(tg.rejectedCalls).toEqual([]);
    } finally {
      await sandbox.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('plays Paystack in the panes: a prompt the payer approves credits the deposit; a transfer the admin pane completes pays the withdrawal', async () => {
    const name = `sandbox_${randomBytes(6).toString('hex')}`;
    const demoDir = await mkdtemp(path.join(tmpdir(), 'tradebot-sandbox-paystack-'));
    const sandbox = await Sandbox.start({ dataDir: demoDir, databases: databasesOn(inject('maintenanceDatabaseUrl'), name), logger: createLogger('warn'), demo: true });
    try {
      const session = sandbox.session;
      if (!session) throw new Error('no session');
      const { tg, users } = session;
      const [kofiPane, amaPane] = sandbox.panes;
      if (!kofiPane || !amaPane) throw new Error('no panes');
      await tg.waitForMessage(users.kofi.id, 'is now in your wallet');
      await users.kofi.send('/deposit');
      await users.kofi.tap(await tg.waitForMessage(users.kofi.id, 'How will you send the cedis?'), '⚡ Mobile money (instant)');
      await tg.waitForMessage(users.kofi.id, 'How much will you deposit?');
      await users.kofi.send('100');
      await users.kofi.tap(await tg.waitForMessage(users.kofi.id, 'Which network is your wallet on?'), 'MTN');
      await users.kofi.tap(await tg.waitForMessage(users.kofi.id, 'Which MTN number will pay?'), 'Use 0241000001');
      await tg.waitForMessage(users.kofi.id, 'Approve the prompt on your phone');
      const [prompt] = promptsFor(session.paystack, kofiPane);
      expect(prompt).toMatchObject({ canAnswer: true, otp: null });
      expect(prompt?.text).toContain('pay GHS 100.00 to Trading Desk');
      expect(promptsFor(session.paystack, amaPane)).toEqual([]);
      await actions.prompt(session, kofiPane, { reference: prompt?.reference, approve: true });
      await tg.waitForMessage(users.kofi.id, 'of GHS 100.00 is now in your wallet');
      expect(promptsFor(session.paystack, kofiPane)).toEqual([]);

      // A payout sent with Paystack: the admin pane shows its transfer, and completes it as Paystack would.
      const adminPane = sandbox.panes.find((pane) => pane.key === 'admin');
      if (!adminPane) throw new Error('no admin pane');
      await users.kofi.send('/withdraw');
      await users.kofi.tap(await tg.waitForMessage(users.kofi.id, 'Where should the money go?'), '📱 Mobile money');
      await users.kofi.tap(await tg.waitForMessage(users.kofi.id, 'Which mobile money network?'), 'MTN');
      await users.kofi.tap(await tg.waitForMessage(users.kofi.id, 'Which MTN number'), 'Use 0241000001');
      await users.kofi.tap(await tg.waitForMessage(users.kofi.id, 'What is the name on the account'), /Mensah$/);
      await tg.waitForMessage(users.kofi.id, 'How much do you want to withdraw?');
      await users.kofi.send('60');
      await users.kofi.tap(await tg.waitForMessage(users.kofi.id, 'Withdraw GHS'), '✅ Confirm');
      await tg.waitForMessage(users.kofi.id, 'Type your transaction PIN');
      await users.kofi.send(DEMO_PIN);
      const reserved = await tg.waitForMessage(users.kofi.id, 'is reserved for your withdrawal');
      const withdrawal = /WD-[0-9A-Z]{8}/.exec(reserved.text ?? '')?.[0] ?? '';
      const card = await tg.waitForMessage(ADMIN_GROUP.id, (message) => (message.text ?? '').includes(withdrawal) && Boolean(message.reply_markup));
      await users.esi.tapAndAwaitAnswer(card, '📤 Send with Paystack', { chatId: ADMIN_GROUP.id });
      const [transfer] = promptsFor(session.paystack, adminPane);
      expect(transfer).toMatchObject({ canAnswer: true, approveLabel: '✅ Completes' });
      await actions.prompt(session, adminPane, { reference: transfer?.reference, approve: true });
      await tg.waitForMessage(users.kofi.id, 'of GHS 60.00 has been paid to MTN mobile money 0241000001');
    } finally {
      await sandbox.stop();
      await rm(demoDir, { recursive: true, force: true });
    }
  });

  it('refuses to start, in one line, while BOT_TOKEN holds a real-looking token', async () => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('../src/sandbox/main.ts', import.meta.url))], {
      env: { PATH: process.env.PATH ?? '', BOT_TOKEN: '7123456789:AAHk3nF0-5xQe2Lr9TzWm4Bv8Yc1Ud6Sg0p' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^The sandbox refuses to start while BOT_TOKEN holds a real-looking token: .*unset BOT_TOKEN.*\n$/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
