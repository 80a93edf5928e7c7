-- Up Migration
-- The admins' queue (/pending, the reminders, /stats, the digest) reads every waiting request's id and time, oldest
-- first, from each request table. The status indexes find them but read each row from the table; these partial
-- indexes hold only the waiting rows, in queue order, so the queue is read from them alone. They stay as small as
-- the queue: a request leaves its index when it is decided. (KYC submissions have theirs already: kyc_submissions_open_idx.)
CREATE INDEX cash_deposits_waiting_idx ON cash_deposits (created_at, id) WHERE status = 'pending';
CREATE INDEX cash_withdrawals_waiting_idx ON cash_withdrawals (created_at, id) WHERE status = 'pending';
CREATE INDEX crypto_transactions_waiting_idx ON crypto_transactions (type, created_at, id) WHERE status = 'pending';
CREATE INDEX gift_card_orders_waiting_idx ON gift_card_orders (created_at, id) WHERE status = 'pending';

-- Down Migration
DROP INDEX gift_card_orders_waiting_idx;
DROP INDEX crypto_transactions_waiting_idx;
DROP INDEX cash_withdrawals_waiting_idx;
DROP INDEX cash_deposits_waiting_idx;
