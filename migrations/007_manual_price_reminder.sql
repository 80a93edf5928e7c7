-- Up Migration
-- In manual mode the price does not go stale by age; the admins are reminded once a day while it is over 24 hours old.
ALTER TABLE settings ADD COLUMN manual_price_reminded_at TIMESTAMPTZ NULL;

-- Down Migration
ALTER TABLE settings DROP COLUMN manual_price_reminded_at;
