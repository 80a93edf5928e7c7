-- Up Migration
-- A trade's pair, copied from its incoming order when it is written: the market's figures (last price, the last
-- 24 hours) then read the pair's trades from one index, instead of joining every trade to its order to find the
-- pair. Orders never change pair, so the copy cannot go stale.
ALTER TABLE trades ADD COLUMN currency_pair VARCHAR(20) NULL;
UPDATE trades t SET currency_pair = o.currency_pair FROM orders o WHERE o.id = t.order_id;
ALTER TABLE trades ALTER COLUMN currency_pair SET NOT NULL;
-- Newest first per pair; the figures' columns are in the index, so they never visit the table.
CREATE INDEX trades_pair_created_at_idx ON trades (currency_pair, created_at, id) INCLUDE (price, amount, total);

-- Down Migration
DROP INDEX trades_pair_created_at_idx;
ALTER TABLE trades DROP COLUMN currency_pair;
