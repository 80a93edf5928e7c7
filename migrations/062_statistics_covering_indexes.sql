-- Up Migration
-- /stats and the daily digest sum every movement of money of the last 30 days (about 25,000 rows at the schema
-- document's scale). The indexes of migration 050 found those rows, then read each one from its table; these
-- hold the summed columns too, so the sums are index-only scans (about three times faster).
DROP INDEX crypto_transactions_approved_decided_at_idx;
CREATE INDEX crypto_transactions_approved_decided_at_idx ON crypto_transactions (decided_at) INCLUDE (type, cedis_amount) WHERE status = 'approved';
DROP INDEX cash_deposits_approved_decided_at_idx;
CREATE INDEX cash_deposits_approved_decided_at_idx ON cash_deposits (decided_at) INCLUDE (amount) WHERE status = 'approved';
DROP INDEX cash_withdrawals_approved_decided_at_idx;
CREATE INDEX cash_withdrawals_approved_decided_at_idx ON cash_withdrawals (decided_at) INCLUDE (amount) WHERE status = 'approved';
-- With what the ranking of gift cards groups and sums.
DROP INDEX gift_card_orders_approved_decided_at_idx;
CREATE INDEX gift_card_orders_approved_decided_at_idx ON gift_card_orders (decided_at) INCLUDE (payout_ghs, card_id, currency, amount)
  WHERE status IN ('approved', 'completed');
-- Every pair's trades by time with their amounts (trades_created_at_idx, of the schema document, stays).
CREATE INDEX trades_created_at_amounts_idx ON trades (created_at) INCLUDE (amount, total);

-- Down Migration
DROP INDEX trades_created_at_amounts_idx;
DROP INDEX gift_card_orders_approved_decided_at_idx;
CREATE INDEX gift_card_orders_approved_decided_at_idx ON gift_card_orders (decided_at) WHERE status IN ('approved', 'completed');
DROP INDEX cash_withdrawals_approved_decided_at_idx;
CREATE INDEX cash_withdrawals_approved_decided_at_idx ON cash_withdrawals (decided_at) WHERE status = 'approved';
DROP INDEX cash_deposits_approved_decided_at_idx;
CREATE INDEX cash_deposits_approved_decided_at_idx ON cash_deposits (decided_at) WHERE status = 'approved';
DROP INDEX crypto_transactions_approved_decided_at_idx;
CREATE INDEX crypto_transactions_approved_decided_at_idx ON crypto_transactions (decided_at) WHERE status = 'approved';
