// The activity around the requests: broadcasts and each user's notices, analytics events, and the wallets' balances
// (with the reservations of what is open, and ledger rows that add up to them).
import { sql, type FragmentSqlToken } from 'slonik';
import { ANALYTICS_DAYS, grown, SCALE, type Step } from './scaleShape.ts';

/** Any user's row g (notifications, events), drawn as `owner` is but among all users. */
const anyUser = (count: FragmentSqlToken) => sql.fragment`
  (SELECT g, r_time, random() AS r1, random() AS r2,
          CASE WHEN g % 20 = 0 THEN 1 + (g / 20) % ${SCALE.heavyUsers}::int ELSE 1 + floor(r_time * power(random(), 1.5) * ${SCALE.users}::int)::int END AS uid
     FROM (SELECT g, random() AS r_time FROM generate_series(1, ${count}) g) drawn) x
  JOIN users u ON u.id = x.uid`;

const NOTICES = sql.fragment`(VALUES
  (0, 'DEPOSIT_APPROVED', 'Deposit approved', 'Your deposit of GHS %s was approved and added to your wallet. See it with /wallet.'),
  (1, 'BUY_APPROVED', 'Purchase approved', 'Your purchase of USDT for GHS %s was approved. The USDT is in your wallet: see /wallet.'),
  (2, 'SELL_APPROVED', 'Sale approved', 'Your sale of USDT was approved: GHS %s is in your wallet. Withdraw it with /withdraw.'),
  (3, 'WITHDRAWAL_PAID', 'Withdrawal paid', 'Your withdrawal of GHS %s was paid to your account. Check your mobile money or bank.'),
  (4, 'GIFT_CARD_COMPLETED', 'Gift card paid', 'Your gift card trade-in is complete: GHS %s is in your wallet. See /wallet.'),
  (5, 'MARKET_ORDER_EXPIRED', 'Order expired', 'Your market order for GHS %s has expired and its reservation is back in your wallet. Place a new one with /market.'),
  (6, 'KYC_APPROVED', 'Identity verified', 'Your identity is verified (reference GHS %s). You can now buy, sell and trade.'),
  (7, 'DEPOSIT_DECLINED', 'Deposit declined', 'Your deposit of GHS %s was declined: the payment was not received. Contact /support if you paid.')
) n(k, type, title, message)`;

const EVENTS = sql.fragment`(VALUES
  (0, 'command', 'start', '{"via":"typed"}'), (1, 'command', 'wallet', '{"via":"menu_button"}'), (2, 'command', 'buy', '{"via":"menu_button"}'),
  (3, 'command', 'sell', '{"via":"menu_button"}'), (4, 'command', 'market', '{"via":"menu_button"}'), (5, 'command', 'history', '{"via":"inline_button"}'),
  (6, 'command', 'giftcards', '{"via":"menu_button"}'), (7, 'command', 'tutorials', '{"via":"typed"}'), (8, 'button', 'mk', '{}'),
  (9, 'button', 'hist', '{}'), (10, 'button', 'tut', '{}'), (11, 'button', 'gc', '{}'), (12, 'button', 'wal', '{}'), (13, 'button', 'ord', '{}'),
  (14, 'conversation_started', 'buy', '{}'), (15, 'conversation_finished', 'buy', '{}'), (16, 'conversation_started', 'deposit', '{}'),
  (17, 'conversation_finished', 'deposit', '{}'), (18, 'conversation_abandoned', 'market_order', '{}'), (19, 'error', 'handler', '{}')
) e(k, type, name, props)`;

export const activity: readonly Step[] = [
  // A monthly broadcast over the last year, to everyone registered then (bulk priority, checked HTML).
  ['broadcasts', sql.unsafe`
    WITH sent AS (
      INSERT INTO broadcasts (request_key, message, admin_telegram_id, admin_name, queued_up_to_user_id, queued_at, finished_at, created_at)
      SELECT md5('broadcast' || m)::uuid, 'Desk news: <b>new gift cards</b> and a lower spread this month. See /giftcards.', 990001, 'Desk admin',
             ${SCALE.users}::int, at + interval '1 minute', at + interval '10 minutes', at
        FROM generate_series(1, 12) m CROSS JOIN LATERAL (SELECT now() - interval '30 days' * m + interval '3 hours' AS at) t
      RETURNING id, message, created_at
    )
    INSERT INTO notifications (user_id, message, read, notification_type, title, created_at, sent_at, attempts, last_error, next_attempt_at,
                               priority, format, broadcast_id)
    SELECT u.id, b.message, reached AND random() < 0.9, 'BROADCAST', 'From the desk', b.created_at, CASE WHEN reached THEN b.created_at + interval '1 second' * (u.id % 600) END,
           1, CASE WHEN NOT reached THEN 'Forbidden: bot was blocked by the user' END, NULL, 0, 'html', b.id
      FROM sent b JOIN users u ON u.created_at < b.created_at
      CROSS JOIN LATERAL (SELECT u.bot_blocked_at IS NULL OR u.bot_blocked_at > b.created_at AS reached) r`],
  // The rest are each user's own notices: delivered and (when older than three days) almost all read; a few hundred
  // still retrying; those of users who blocked the bot given up.
  ['notifications', sql.unsafe`
    INSERT INTO notifications (user_id, message, read, notification_type, title, created_at, sent_at, attempts, last_error, next_attempt_at)
    SELECT u.id, format(n.message, round((50 * power(200, r1))::numeric, 2)), state = 'delivered' AND r2 < CASE WHEN at < now() - interval '3 days' THEN 0.98 ELSE 0.4 END,
           n.type, n.title, at, CASE WHEN state = 'delivered' THEN least(now(), at + interval '2 seconds') END,
           CASE WHEN state = 'retrying' THEN 1 + g % 3 ELSE 1 END,
           CASE state WHEN 'retrying' THEN 'Request timed out' WHEN 'given_up' THEN 'Forbidden: bot was blocked by the user' END,
           CASE WHEN state = 'retrying' THEN at + interval '30 seconds' * power(2, g % 3) END
      FROM ${anyUser(sql.fragment`${SCALE.notifications}::int - (SELECT count(*) FROM notifications)::int`)}
      JOIN ${NOTICES} ON n.k = g % 8
      CROSS JOIN LATERAL (SELECT g <= 300 AS retrying) r
      CROSS JOIN LATERAL (SELECT CASE WHEN retrying THEN now() - interval '10 minutes' * r_time ELSE greatest(u.created_at, ${grown(sql.fragment`r_time`)}) END AS at) t
      CROSS JOIN LATERAL (SELECT CASE WHEN retrying THEN 'retrying' WHEN u.bot_blocked_at < at THEN 'given_up' ELSE 'delivered' END AS state) s`],
  // Kept 180 days (the retention job deletes older ones); one in twelve from people who have not registered.
  ['analytics events', sql.unsafe`
    INSERT INTO analytics_events (user_id, event_type, event_name, properties, session_id, created_at)
    SELECT CASE WHEN r1 < 0.08 THEN NULL ELSE u.id END, e.type, e.name, e.props::jsonb, 's' || u.id || '-' || floor(extract(epoch FROM at) / 1800)::bigint, at
      FROM ${anyUser(sql.fragment`${SCALE.analyticsEvents}::int`)}
      JOIN ${EVENTS} ON e.k = floor(r2 * 20)::int
      CROSS JOIN LATERAL (SELECT greatest(u.created_at, now() - interval '1 day' * ${ANALYTICS_DAYS}::int) AS since) s
      CROSS JOIN LATERAL (SELECT since + (now() - since) * sqrt(r_time) AS at) t`],
  // Balances, the reservations of open orders, pending sells and withdrawals, and ledger rows that add up to them.
  ['wallet balances', sql.unsafe`
    UPDATE wallets w SET balance_cedis = round((power(random(), 3) * 20000)::numeric, 2), balance_crypto = round((power(random(), 3) * 800)::numeric, 8)
      FROM bench_verified v WHERE v.id = w.user_id`],
  ['wallet reservations', sql.unsafe`
    UPDATE wallets w SET escrow_balance = r.cedis, escrow_crypto = r.crypto
      FROM (SELECT user_id, sum(cedis) AS cedis, sum(crypto) AS crypto FROM (
              SELECT user_id, reserved_cedis AS cedis, reserved_crypto AS crypto FROM orders WHERE status IN ('PENDING', 'PROCESSING')
              UNION ALL SELECT user_id, amount, 0 FROM cash_withdrawals WHERE status = 'pending'
              UNION ALL SELECT user_id, 0, crypto_amount FROM crypto_transactions WHERE type = 'sell' AND status = 'pending') reservations
             GROUP BY user_id) r
     WHERE w.user_id = r.user_id`],
  ['ledger', sql.unsafe`
    INSERT INTO ledger_entries (wallet_id, account, amount, balance_after, reason, reference_kind, reference_id, created_at)
    SELECT w.id, a.account, a.amount, a.amount, 'bench_opening_balance', 'bench', w.id, w.updated_at
      FROM wallets w CROSS JOIN LATERAL (VALUES ('cedis_available', w.balance_cedis), ('cedis_reserved', w.escrow_balance),
                                                ('crypto_available', w.balance_crypto), ('crypto_reserved', w.escrow_crypto)) a(account, amount)
     WHERE a.amount <> 0`],
  ['id sequences', sql.unsafe`
    SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users)),
           setval(pg_get_serial_sequence('gift_cards', 'id'), (SELECT max(id) FROM gift_cards)),
           setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders))`],
];

