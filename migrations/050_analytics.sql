-- Up Migration
-- Jobs and statistics: when each waiting request was last brought up to the admins, and the indexes behind
-- the deletion of old analytics events and the figures of /stats and the daily digest.

-- One row per request ever reminded about: the reminder job claims a request by moving reminded_at forward,
-- at most once an hour, so several instances never remind twice.
CREATE TABLE approval_reminders (
  request_kind VARCHAR(30) NOT NULL,
  request_id BIGINT NOT NULL,
  reminded_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (request_kind, request_id)
);
CREATE INDEX approval_reminders_reminded_at_idx ON approval_reminders (reminded_at);

-- Events older than 180 days are deleted in batches, oldest first.
CREATE INDEX analytics_events_created_at_idx ON analytics_events (created_at);

-- Money moved per day: approved requests by the time they were decided.
CREATE INDEX crypto_transactions_approved_decided_at_idx ON crypto_transactions (decided_at) WHERE status = 'approved';
CREATE INDEX cash_deposits_approved_decided_at_idx ON cash_deposits (decided_at) WHERE status = 'approved';
CREATE INDEX cash_withdrawals_approved_decided_at_idx ON cash_withdrawals (decided_at) WHERE status = 'approved';
CREATE INDEX gift_card_orders_approved_decided_at_idx ON gift_card_orders (decided_at) WHERE status IN ('approved', 'completed');
CREATE INDEX users_created_at_idx ON users (created_at);

-- Down Migration
DROP INDEX users_created_at_idx;
DROP INDEX gift_card_orders_approved_decided_at_idx;
DROP INDEX cash_withdrawals_approved_decided_at_idx;
DROP INDEX cash_deposits_approved_decided_at_idx;
DROP INDEX crypto_transactions_approved_decided_at_idx;
DROP INDEX analytics_events_created_at_idx;
DROP TABLE approval_reminders;
