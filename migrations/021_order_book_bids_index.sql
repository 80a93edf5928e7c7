-- Up Migration
-- Bids are matched highest price first but oldest first at a price: an index on (price, created_at) cannot be
-- read in that order in either direction, so every match sorted all open bids. This one can.
CREATE INDEX orders_bids_idx ON orders (currency_pair, price DESC, created_at, id) WHERE order_type = 'BUY' AND status IN ('PENDING', 'PROCESSING');

-- Down Migration
DROP INDEX orders_bids_idx;
