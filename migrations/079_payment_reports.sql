-- Up Migration
-- A buy or deposit is stored the moment the user is shown where to pay (DESIGN §6), before they say they paid:
-- reported_paid_at is when they did ("I have paid", a screenshot, later from /history or a reply). Until then it is
-- no admin card, not in the admins' queue, and expires after 24 hours. Requests made before this migration were
-- all reported when they were made. Sells pay nothing outside: theirs stays NULL.
ALTER TABLE cash_deposits ADD COLUMN reported_paid_at TIMESTAMPTZ NULL;
ALTER TABLE crypto_transactions ADD COLUMN reported_paid_at TIMESTAMPTZ NULL;
UPDATE cash_deposits SET reported_paid_at = created_at;
UPDATE crypto_transactions SET reported_paid_at = created_at WHERE type = 'buy';
-- Nothing is credited for a payment nobody said was made.
ALTER TABLE cash_deposits ADD CONSTRAINT cash_deposits_approved_when_reported CHECK (status <> 'approved' OR reported_paid_at IS NOT NULL);
ALTER TABLE crypto_transactions ADD CONSTRAINT crypto_transactions_buy_approved_when_reported
  CHECK (type <> 'buy' OR status <> 'approved' OR reported_paid_at IS NOT NULL);
-- A reported buy left unconfirmed for 24 hours is flagged to the admins once (never declined by itself).
ALTER TABLE crypto_transactions ADD COLUMN overdue_flagged_at TIMESTAMPTZ NULL;

-- The admins' queue holds reported requests only, in the order they were reported.
DROP INDEX cash_deposits_waiting_idx;
CREATE INDEX cash_deposits_waiting_idx ON cash_deposits (reported_paid_at, id) WHERE status = 'pending' AND reported_paid_at IS NOT NULL;
DROP INDEX crypto_transactions_waiting_idx;
CREATE INDEX crypto_transactions_waiting_idx ON crypto_transactions (type, created_at, id) WHERE status = 'pending' AND type = 'sell';
CREATE INDEX crypto_transactions_waiting_buys_idx ON crypto_transactions (reported_paid_at, id)
  WHERE status = 'pending' AND type = 'buy' AND reported_paid_at IS NOT NULL;
-- Requests awaiting the user's payment: counted by /pending, expired after 24 hours.
CREATE INDEX cash_deposits_awaiting_payment_idx ON cash_deposits (created_at) WHERE status = 'pending' AND reported_paid_at IS NULL;
CREATE INDEX crypto_transactions_awaiting_payment_idx ON crypto_transactions (created_at)
  WHERE status = 'pending' AND type = 'buy' AND reported_paid_at IS NULL;

-- Down Migration
DROP INDEX crypto_transactions_awaiting_payment_idx;
DROP INDEX cash_deposits_awaiting_payment_idx;
DROP INDEX crypto_transactions_waiting_buys_idx;
DROP INDEX crypto_transactions_waiting_idx;
CREATE INDEX crypto_transactions_waiting_idx ON crypto_transactions (type, created_at, id) WHERE status = 'pending';
DROP INDEX cash_deposits_waiting_idx;
CREATE INDEX cash_deposits_waiting_idx ON cash_deposits (created_at, id) WHERE status = 'pending';
ALTER TABLE crypto_transactions DROP COLUMN overdue_flagged_at;
ALTER TABLE crypto_transactions DROP CONSTRAINT crypto_transactions_buy_approved_when_reported;
ALTER TABLE cash_deposits DROP CONSTRAINT cash_deposits_approved_when_reported;
ALTER TABLE crypto_transactions DROP COLUMN reported_paid_at;
ALTER TABLE cash_deposits DROP COLUMN reported_paid_at;
