// Benchmark 4: 2,000 notifications to 2,000 chats through a fake Bot API that enforces Telegram's limits (30 messages
// a second in all, 1 a second per chat, answering 429 with retry_after over them), sent by the product's delivery
// with the sending limits it uses in production.
import { Api } from 'grammy';
import { fileURLToPath } from 'node:url';
import { sql } from 'slonik';
import { telegramNotificationSender } from '../src/features/notifications/sender.ts';
import { notifyUser } from '../src/services/notifications/outbox.ts';
import { createNotificationDelivery } from '../src/services/notifications/delivery.ts';
import { createLogger } from '../src/logger.ts';
import { createApiPlugins, TELEGRAM_SENDING_LIMITS } from '../src/telegram/apiPlugins.ts';
import { FakeTelegram, TELEGRAM_RATE_LIMITS } from '../test/support/fakeTelegram/index.ts';
import { startBenchDatabase } from './support/database.ts';

const CHATS = 2000;
const FIRST_ID = 8_000_000;
const ALLOWED_PER_SECOND = 30;

export interface DeliveryFigures {
  delivered: number;
  lost: number;
  seconds: number;
  achievedPerSecond: number;
  allowedPerSecond: number;
  rateLimited: number;
  rateLimitedAfterFirstSecond: number;
}

export async function benchDelivery(log: (line: string) => void): Promise<DeliveryFigures> {
  const bench = await startBenchDatabase();
  const tg = await FakeTelegram.start({ rateLimits: { ...TELEGRAM_RATE_LIMITS, bulkPerSecond: ALLOWED_PER_SECOND } });
  try {
    const { pool, services } = bench;
    for (let index = 0; index < CHATS; index += 1) tg.createUser({ id: FIRST_ID + index, first_name: `Reader${index}` });
    await pool.query(sql.unsafe`
      INSERT INTO users (telegram_id, username, email, password, first_name, last_name, date_joined, created_at, updated_at)
      SELECT t, 'reader' || t, 'reader' || t || '@example.com', 'not-a-pin-hash', 'Reader', 'Bench', now(), now(), now()
        FROM generate_series(${FIRST_ID}::bigint, ${FIRST_ID + CHATS - 1}::bigint) AS t`);
    const userIds = await pool.anyFirst(sql.unsafe`SELECT id FROM users WHERE telegram_id >= ${FIRST_ID} ORDER BY id`);
    await pool.transaction(async (tx) => {
      for (const userId of userIds) await notifyUser(tx, Number(userId), { type: 'BENCH', title: 'Rates update', message: 'USDT is GHS 15.20 today.' });
    });
    log(`${CHATS} notifications in the outbox`);

    const api = new Api(tg.token, { apiRoot: tg.apiRoot });
    createApiPlugins(TELEGRAM_SENDING_LIMITS).installForNotifications(api);
    const delivery = createNotificationDelivery({ pool, send: telegramNotificationSender(api, services.media), logger: createLogger('warn') });
    const started = Date.now();
    const delivered = await delivery.deliverDue();
    const seconds = (Date.now() - started) / 1000;
    await delivery.stop();

    const received = new Set(tg.callsTo('sendMessage').filter((call) => call.ok).map((call) => Number(call.params.chat_id)));
    const limited = tg.rateLimitedCalls;
    const figures = {
      delivered,
      lost: CHATS - received.size,
      seconds,
      achievedPerSecond: delivered / seconds,
      allowedPerSecond: ALLOWED_PER_SECOND,
      rateLimited: limited.length,
      rateLimitedAfterFirstSecond: limited.filter((call) => call.time > started + 1000).length,
    };
    log(`${delivered} delivered in ${seconds.toFixed(1)} s: ${figures.achievedPerSecond.toFixed(1)}/s of ${ALLOWED_PER_SECOND} allowed, ${limited.length} answered 429`);
    return figures;
  } finally {
    await tg.stop();
    await bench.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(await benchDelivery((line) => process.stdout.write(`${line}\n`)), null, 2)}\n`);
}
