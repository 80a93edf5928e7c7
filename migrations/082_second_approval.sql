-- Up Migration
-- Four eyes: an approval that moves at least settings.second_approval_above_ghs (0 = off) needs two different admins.
-- Each admin's approval of a request is one row (the same admin twice is one); the second applies the decision, or,
-- for a payout, lets it be claimed.
ALTER TABLE settings
  ADD COLUMN second_approval_above_ghs DECIMAL(20, 2) NOT NULL DEFAULT 0 CHECK (second_approval_above_ghs >= 0);

CREATE TABLE approval_signoffs (
  request_kind VARCHAR(30) NOT NULL,
  request_id BIGINT NOT NULL,
  admin_telegram_id BIGINT NOT NULL,
  admin_name VARCHAR(150) NOT NULL,
  signed_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (request_kind, request_id, admin_telegram_id)
);

-- Down Migration
DROP TABLE approval_signoffs;
ALTER TABLE settings DROP COLUMN second_approval_above_ghs;
