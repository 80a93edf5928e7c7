// Fills a fresh database to the size estimates of the schema document (10k users, 100k crypto transactions, 50k gift
// card orders, 200k market orders, 150k trades, 500k notifications, 1M analytics events), in bulk statements, with
// the shapes a two-year-old desk would have: most rows old and decided, a few hundred waiting for an admin, a few
// very active users, mostly read notifications, and an open book of a few thousand orders at varied prices.
import { sql, type FragmentSqlToken } from 'slonik';
import type { DatabasePool } from '../../src/db/setup/pool.ts';
import { activity } from './scaleActivity.ts';
import { grown, HISTORY_DAYS, SCALE, type Step } from './scaleShape.ts';

/**
 * Rows fall on the desk's two years as a business growing steadily would make them (twice as many a day now as a
 * year ago): at = start + 730 days × √r_time. Users joined the same way (users.id in order), so row g's owner, a row
 * number of bench_verified, is drawn among those who had joined by then, earlier users more often; and one row in
 * twenty belongs to a heavy user.
 */
const owner = sql.fragment`CASE WHEN g % 20 = 0 THEN 1 + (g / 20) % ${SCALE.heavyUsers}::int
  ELSE 1 + floor(r_time * power(random(), 1.5) * (SELECT count(*) FROM bench_verified))::int END`;
const inOwnersLife = sql.fragment`greatest(v.created_at, ${grown(sql.fragment`x.r_time`)})`;
/** A reference like the product's (BUY-7K3M9QX2): g scrambled bijectively into 8 hex digits, so unique. */
const code = sql.fragment`lpad(upper(to_hex((g * 2654435761) % 4294967296)), 8, '0')`;
/** Rows g > last - pending wait for an admin. */
const waiting = (count: number, pending: number) => sql.fragment`g > ${count - pending}::int`;
/** The USDT price in cedis at a time: from about 11 two years ago to about 15.20 now, with a wobble. */
const priceAt = (at: FragmentSqlToken) => sql.fragment`
  round((11 + 4.2 * (1 - extract(epoch FROM now() - ${at}) / ${HISTORY_DAYS * 86_400}::float8) + 0.3 * sin(extract(epoch FROM ${at}) / 86400 / 9))::numeric, 2)`;

const people: readonly Step[] = [
  ['users', sql.unsafe`
    INSERT INTO users (id, telegram_id, username, email, phone, password, role, kyc_status, first_name, last_name, language_code,
                       is_active, date_joined, created_at, updated_at, bot_blocked_at)
    SELECT g, 700000000 + g * 13, 'user' || (700000000 + g * 13), 'user' || g || '@example.com',
           '+23324' || lpad((g * 7919 % 10000000)::text, 7, '0'), 'bench-no-pin', 'user',
           CASE WHEN g % 97 = 0 THEN 'rejected' WHEN g > ${SCALE.heavyUsers}::int AND (g % 13 = 0 OR g > ${SCALE.users - 300}::int) THEN 'pending' ELSE 'approved' END,
           (ARRAY['Kwame', 'Ama', 'Kofi', 'Akosua', 'Yaw', 'Abena', 'Kwesi', 'Efua', 'Kojo', 'Adwoa'])[1 + g % 10],
           (ARRAY['Mensah', 'Owusu', 'Boateng', 'Asante', 'Osei', 'Agyeman', 'Appiah', 'Danso'])[1 + g % 8],
           'en', g % 211 <> 0, joined, joined, joined, CASE WHEN g % 53 = 0 THEN joined + (now() - joined) * 0.8 END
      FROM (SELECT g, ${grown(sql.fragment`g::float8 / ${SCALE.users}::int`)} AS joined
              FROM generate_series(1, ${SCALE.users}::int) g) u`],
  ['KYC submissions', sql.unsafe`
    INSERT INTO kyc_submissions (user_id, status, document_type, document_number, first_name, last_name, date_of_birth, address,
                                 document_front, document_back, selfie, rejection_reason, submitted_at, reviewed_at)
    SELECT id, CASE kyc_status WHEN 'approved' THEN 'APPROVED' WHEN 'rejected' THEN 'REJECTED' WHEN 'pending' THEN
                 CASE WHEN id % 3 = 0 THEN 'UNDER_REVIEW' ELSE 'PENDING' END END,
           (ARRAY['PASSPORT', 'DRIVER_LICENSE', 'NATIONAL_ID'])[1 + id % 3], 'GHA-' || lpad(id::text, 9, '0') || '-' || id % 10,
           first_name, last_name, date '1970-01-01' + (id * 37 % 12000)::int, 'House ' || id % 200 || ', Accra',
           'kyc/' || md5('front' || id)::uuid || '.jpg', CASE WHEN id % 3 <> 0 THEN 'kyc/' || md5('back' || id)::uuid || '.jpg' END,
           'kyc/' || md5('selfie' || id)::uuid || '.jpg', CASE WHEN kyc_status = 'rejected' THEN 'The document photo is blurred' END,
           CASE WHEN kyc_status = 'pending' THEN greatest(created_at, now() - interval '1 hour' * (id % 48)) ELSE created_at + interval '20 minutes' END,
           CASE WHEN kyc_status <> 'pending' THEN created_at + interval '3 hours' END
      FROM users WHERE kyc_status <> 'pending' OR (id > ${SCALE.users - 300}::int AND id % 7 = 0)`],
  ['KYC verifications', sql.unsafe`
    INSERT INTO kyc_verifications (user_id, status, document_type, document_number, first_name, last_name, date_of_birth, address,
                                   document_front, document_back, selfie, rejection_reason, submitted_at, reviewed_at, submission_id)
    SELECT user_id, status, document_type, document_number, first_name, last_name, date_of_birth, address,
           document_front, document_back, selfie, rejection_reason, submitted_at, reviewed_at, id FROM kyc_submissions`],
  ['wallets and metrics', sql.unsafe`
    WITH wallets AS (INSERT INTO wallets (user_id, updated_at) SELECT id, created_at FROM users)
    INSERT INTO user_metrics (user_id, updated_at) SELECT id, created_at FROM users`],
  ['verified users', sql.unsafe`
    CREATE TEMP TABLE bench_verified ON COMMIT DROP AS
      SELECT row_number() OVER (ORDER BY id)::int AS n, id, created_at FROM users WHERE kyc_status = 'approved' AND is_active`],
  ['verified users index', sql.unsafe`CREATE UNIQUE INDEX ON bench_verified (n)`],
  ['gift cards', sql.unsafe`
    INSERT INTO gift_cards (id, name, brand, currency, rate_buy, rate_sell, image, is_active, created_at, updated_at)
    SELECT g, brand || ' ' || region, brand, currency, rate, rate + 0.50, 'giftcards/' || md5('card' || g)::uuid || '.jpg', g % 17 <> 0,
           now() - interval '1 day' * ${HISTORY_DAYS}::int, now() - interval '1 day' * (g % 60)
      FROM (SELECT g, (ARRAY['Amazon', 'Apple', 'Google Play', 'Steam', 'Sephora', 'Walmart', 'eBay', 'Nike', 'Target', 'Best Buy',
                             'Xbox', 'PlayStation', 'Netflix', 'Spotify', 'Visa', 'Razer Gold', 'Nordstrom', 'Macy''s', 'Home Depot', 'Vanilla'])[1 + (g - 1) / 5] AS brand,
                   (ARRAY['USA', 'UK', 'Canada', 'Australia', 'Euro'])[1 + (g - 1) % 5] AS region,
                   (ARRAY['USD', 'GBP', 'CAD', 'AUD', 'EUR'])[1 + (g - 1) % 5] AS currency,
                   round((6 + (g * 37 % 60) / 10.0)::numeric, 2) AS rate
              FROM generate_series(1, ${SCALE.giftCards}::int) g) c`],
];

/** g, a few uniform draws, the owner's row number; joined to the owner as v. */
const draws = (count: number) => sql.fragment`
  (SELECT g, r_time, random() AS r1, random() AS r2, random() AS r3, ${owner} AS n
     FROM (SELECT g, random() AS r_time FROM generate_series(1, ${count}::int) g) drawn) x
  JOIN bench_verified v ON v.n = x.n`;

const requests: readonly Step[] = [
  ['crypto transactions', sql.unsafe`
    INSERT INTO crypto_transactions (user_id, type, cedis_amount, crypto_amount, rate, status, payment_method, reference, created_at,
                                     market_price, spread_percent, quoted_at, quote_expires_at, payment_proof, decline_reason, decided_at)
    SELECT v.id, kind, cedis, round(cedis / rate, 8), rate, status, CASE WHEN kind = 'sell' THEN 'crypto' WHEN r3 < 0.7 THEN 'momo' ELSE 'bank' END,
           upper(kind) || '-' || ${code}, at, market, 2.00, at - interval '40 seconds', at + interval '9 minutes 20 seconds',
           CASE WHEN kind = 'buy' THEN 'proofs/' || md5('ct' || g)::uuid || '.jpg' END,
           CASE WHEN status = 'declined' THEN 'The payment was not received' END,
           CASE WHEN status <> 'pending' THEN at + interval '4 minutes' + interval '6 hours' * r3 END
      FROM ${draws(SCALE.cryptoTransactions)}
      CROSS JOIN LATERAL (SELECT CASE WHEN g > ${SCALE.cryptoTransactions - SCALE.pending.buy}::int THEN 'buy'
                                      WHEN g > ${SCALE.cryptoTransactions - SCALE.pending.buy - SCALE.pending.sell}::int OR r1 >= 0.6 THEN 'sell' ELSE 'buy' END AS kind,
                                 CASE WHEN ${waiting(SCALE.cryptoTransactions, SCALE.pending.buy + SCALE.pending.sell)} THEN 'pending'
                                      WHEN r2 < 0.1 THEN 'declined' ELSE 'approved' END AS status) k
      CROSS JOIN LATERAL (SELECT CASE WHEN status = 'pending' THEN now() - interval '20 hours' * r_time ELSE ${inOwnersLife} END AS at) t
      CROSS JOIN LATERAL (SELECT ${priceAt(sql.fragment`at`)} AS market, round((50 * power(200, r2))::numeric, 2) AS cedis) m
      CROSS JOIN LATERAL (SELECT round(market * CASE WHEN kind = 'buy' THEN 1.02 ELSE 0.98 END, 2) AS rate) r`],
  ['cash deposits', sql.unsafe`
    INSERT INTO cash_deposits (user_id, amount, method, reference, payment_proof, status, decline_reason, created_at, decided_at)
    SELECT v.id, round((50 * power(200, r1))::numeric, 2), CASE WHEN r3 < 0.75 THEN 'momo' ELSE 'bank' END, 'DEP-' || ${code},
           'proofs/' || md5('dep' || g)::uuid || '.jpg', status, CASE WHEN status = 'declined' THEN 'The payment was not received' END,
           at, CASE WHEN status <> 'pending' THEN at + interval '3 minutes' + interval '4 hours' * r3 END
      FROM ${draws(SCALE.deposits)}
      CROSS JOIN LATERAL (SELECT CASE WHEN ${waiting(SCALE.deposits, SCALE.pending.deposit)} THEN 'pending' WHEN r2 < 0.08 THEN 'declined' ELSE 'approved' END AS status) k
      CROSS JOIN LATERAL (SELECT CASE WHEN status = 'pending' THEN now() - interval '30 hours' * r_time ELSE ${inOwnersLife} END AS at) t`],
  ['cash withdrawals', sql.unsafe`
    INSERT INTO cash_withdrawals (user_id, amount, method, momo_network, bank_name, account_number, account_name, reference, status,
                                  decline_reason, created_at, decided_at)
    SELECT v.id, round((50 * power(100, r1))::numeric, 2), method,
           CASE WHEN method = 'momo' THEN (ARRAY['MTN', 'Telecel', 'AirtelTigo'])[1 + g % 3] END,
           CASE WHEN method = 'bank' THEN (ARRAY['GCB Bank', 'Ecobank', 'Stanbic', 'Fidelity'])[1 + g % 4] END,
           CASE WHEN method = 'momo' THEN '024' || lpad((v.id * 7919 % 10000000)::text, 7, '0') ELSE lpad((v.id * 104729)::text, 13, '0') END,
           'Account holder ' || v.id, 'WD-' || ${code}, status, CASE WHEN status = 'declined' THEN 'The account name does not match' END,
           at, CASE WHEN status <> 'pending' THEN at + interval '10 minutes' + interval '5 hours' * r3 END
      FROM ${draws(SCALE.withdrawals)}
      CROSS JOIN LATERAL (SELECT CASE WHEN r3 < 0.8 THEN 'momo' ELSE 'bank' END AS method,
                                 CASE WHEN ${waiting(SCALE.withdrawals, SCALE.pending.withdrawal)} THEN 'pending' WHEN r2 < 0.05 THEN 'declined' ELSE 'approved' END AS status) k
      CROSS JOIN LATERAL (SELECT CASE WHEN status = 'pending' THEN now() - interval '30 hours' * r_time ELSE ${inOwnersLife} END AS at) t`],
  ['gift card orders', sql.unsafe`
    INSERT INTO gift_card_orders (user_id, card_id, amount, currency, rate_buy, payout_ghs, reference, status, proof_image, decline_reason,
                                  created_at, updated_at, decided_at, completed_at)
    SELECT v.id, c.id, amount, c.currency, c.rate_buy, floor(amount * c.rate_buy * 100) / 100, 'GC-' || ${code}, status,
           'proofs/' || md5('gc' || g)::uuid || '.jpg', CASE WHEN status = 'declined' THEN 'The card was already redeemed' END,
           at, coalesce(decided, at), decided, CASE WHEN status = 'completed' THEN decided + interval '20 minutes' END
      FROM ${draws(SCALE.giftCardOrders)}
      JOIN gift_cards c ON c.id = 1 + floor(power(x.r1, 2) * ${SCALE.giftCards}::int)::int
      CROSS JOIN LATERAL (SELECT (ARRAY[25, 50, 50, 100, 100, 100, 200, 500])[1 + floor(r3 * 8)::int]::numeric AS amount,
                                 CASE WHEN ${waiting(SCALE.giftCardOrders, SCALE.pending.giftCard)} THEN 'pending'
                                      WHEN r2 < 0.17 THEN 'declined' WHEN r2 < 0.2 THEN 'approved' ELSE 'completed' END AS status) k
      CROSS JOIN LATERAL (SELECT CASE WHEN status = 'pending' THEN now() - interval '30 hours' * r_time ELSE ${inOwnersLife} END AS at) t
      CROSS JOIN LATERAL (SELECT CASE WHEN status <> 'pending' THEN at + interval '15 minutes' + interval '3 hours' * r3 END AS decided) d`],
];

/** Open orders (the last rows) rest at 15.21 and up (asks) or 15.19 and down (bids), most near the middle. */
const market: readonly Step[] = [
  ['market orders', sql.unsafe`
    INSERT INTO orders (id, user_id, order_type, currency_pair, amount, price, total, status, created_at, updated_at, completed_at, reference,
                        filled_amount, reserved_cedis, reserved_crypto, fee_percent, expires_at, close_reason)
    SELECT g, v.id, side, 'USDT/GHS', amount, price, amount * price, status, at, coalesce(completed, at), completed, 'MKT-' || ${code},
           filled, CASE WHEN open AND side = 'BUY' THEN ceil((amount - filled) * price * 100) / 100 ELSE 0 END,
           CASE WHEN open AND side = 'SELL' THEN amount - filled ELSE 0 END, 2.00, at + interval '7 days',
           CASE status WHEN 'CANCELLED' THEN CASE WHEN r3 < 0.6 THEN 'cancelled' ELSE 'expired' END WHEN 'FAILED' THEN 'not_allowed' END
      FROM ${draws(SCALE.orders)}
      CROSS JOIN LATERAL (SELECT g > ${SCALE.orders - SCALE.openOrders}::int AS open, CASE WHEN r1 < 0.5 THEN 'BUY' ELSE 'SELL' END AS side) o
      CROSS JOIN LATERAL (SELECT CASE WHEN open THEN now() - interval '7 days' * r_time ELSE ${inOwnersLife} END AS at,
                                 CASE WHEN open THEN CASE WHEN r2 < 0.25 THEN 'PROCESSING' ELSE 'PENDING' END
                                      WHEN r2 < 0.7 THEN 'COMPLETED' WHEN r2 < 0.97 THEN 'CANCELLED' ELSE 'FAILED' END AS status) t
      CROSS JOIN LATERAL (SELECT round((power(CASE WHEN open THEN 300 ELSE 1000 END, r3))::numeric, 2) AS amount,
                                 CASE WHEN NOT open THEN round(${priceAt(sql.fragment`at`)} * (0.98 + 0.04 * r1)::numeric, 2)
                                      WHEN side = 'BUY' THEN 15.19 - floor(power(random(), 2) * 250)::numeric / 100
                                      ELSE 15.21 + floor(power(random(), 2) * 250)::numeric / 100 END AS price) a
      CROSS JOIN LATERAL (SELECT CASE status WHEN 'COMPLETED' THEN amount WHEN 'PROCESSING' THEN round(amount * (0.2 + 0.6 * r1)::numeric, 2)
                                             WHEN 'CANCELLED' THEN CASE WHEN r1 < 0.3 THEN round(amount / 2, 2) ELSE 0 END ELSE 0 END AS filled,
                                 CASE WHEN status = 'COMPLETED' THEN least(now(), at + interval '2 hours' * r3) END AS completed) f`],
  ['trades', sql.unsafe`
    WITH buys AS (SELECT row_number() OVER (ORDER BY created_at, id) AS n, id, user_id, amount, price, created_at FROM orders WHERE status = 'COMPLETED' AND order_type = 'BUY'),
         sells AS (SELECT row_number() OVER (ORDER BY created_at, id) AS n, id, user_id, amount, price, created_at FROM orders WHERE status = 'COMPLETED' AND order_type = 'SELL'),
         sizes AS (SELECT (SELECT count(*) FROM buys) AS nb, (SELECT count(*) FROM sells) AS ns)
    INSERT INTO trades (currency_pair, order_id, resting_order_id, buyer_id, seller_id, amount, price, total, fee_ghs, created_at)
    SELECT 'USDT/GHS', t.incoming, t.resting, b.user_id, s.user_id, t.amount, t.price, round(t.amount * t.price, 2), round(round(t.amount * t.price, 2) * 0.02, 2), t.at
      FROM generate_series(0, ${Math.round(SCALE.trades * 1.05)}::int) k CROSS JOIN sizes
      JOIN buys b ON b.n = 1 + k % nb
      JOIN sells s ON s.n = 1 + (k + k / nb * 97) % ns
      CROSS JOIN LATERAL (SELECT b.created_at >= s.created_at AS buyer_took) w
      CROSS JOIN LATERAL (SELECT CASE WHEN buyer_took THEN b.id ELSE s.id END AS incoming, CASE WHEN buyer_took THEN s.id ELSE b.id END AS resting,
                                 least(b.amount, s.amount) AS amount, CASE WHEN buyer_took THEN s.price ELSE b.price END AS price,
                                 least(now(), greatest(b.created_at, s.created_at) + interval '1 second') AS at) t
     WHERE b.user_id <> s.user_id
     LIMIT ${SCALE.trades}::int`],
  ['trading metrics', sql.unsafe`
    UPDATE user_metrics m SET total_trades = t.trades, total_volume = t.volume, last_trade_at = t.last_at
      FROM (SELECT user_id, count(*)::int AS trades, sum(total) AS volume, max(created_at) AS last_at
              FROM (SELECT buyer_id AS user_id, total, created_at FROM trades UNION ALL SELECT seller_id, total, created_at FROM trades) p
             GROUP BY user_id) t
     WHERE m.user_id = t.user_id`],
];

/** Fills the database (one transaction), then VACUUM ANALYZE: the visibility map and statistics autovacuum keeps. */
export async function seedAtScale(pool: DatabasePool, log: (line: string) => void): Promise<void> {
  await pool.transaction(async (tx) => {
    for (const [name, statement] of [...people, ...requests, ...market, ...activity]) {
      const started = performance.now();
      const result = await tx.query(statement);
      log(`seeded ${name}: ${result.rowCount.toLocaleString('en-US')} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  });
  const started = performance.now();
  await pool.query(sql.unsafe`VACUUM (ANALYZE)`);
  log(`VACUUM ANALYZE in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
