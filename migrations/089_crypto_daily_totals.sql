-- Up Migration
-- Crypto sent to and received from users' own wallets are money kinds of /stats and the digest too (issue 23): each
-- closed day's count and GHS value (a withdrawal at the sell rate when it was asked, a deposit at the buy rate when it
-- was credited). Days rolled up before had none of either.
ALTER TABLE daily_totals
  ADD COLUMN crypto_deposit_movements INTEGER NOT NULL DEFAULT 0 CHECK (crypto_deposit_movements >= 0),
  ADD COLUMN crypto_deposit_ghs NUMERIC NOT NULL DEFAULT 0 CHECK (crypto_deposit_ghs >= 0),
  ADD COLUMN crypto_withdrawal_movements INTEGER NOT NULL DEFAULT 0 CHECK (crypto_withdrawal_movements >= 0),
  ADD COLUMN crypto_withdrawal_ghs NUMERIC NOT NULL DEFAULT 0 CHECK (crypto_withdrawal_ghs >= 0);

-- /stats and the digest sum the last days of each kind from these (index-only, as migration 062 does for the others).
DROP INDEX crypto_deposits_approved_decided_at_idx;
CREATE INDEX crypto_deposits_approved_decided_at_idx ON crypto_deposits (decided_at) INCLUDE (credited_value_ghs) WHERE status = 'approved';
DROP INDEX crypto_withdrawals_approved_decided_at_idx;
CREATE INDEX crypto_withdrawals_approved_decided_at_idx ON crypto_withdrawals (decided_at) INCLUDE (value_ghs) WHERE status = 'approved';

-- Down Migration
DROP INDEX crypto_withdrawals_approved_decided_at_idx;
CREATE INDEX crypto_withdrawals_approved_decided_at_idx ON crypto_withdrawals (decided_at) WHERE status = 'approved';
DROP INDEX crypto_deposits_approved_decided_at_idx;
CREATE INDEX crypto_deposits_approved_decided_at_idx ON crypto_deposits (decided_at) WHERE status = 'approved';
ALTER TABLE daily_totals DROP COLUMN crypto_withdrawal_ghs, DROP COLUMN crypto_withdrawal_movements, DROP COLUMN crypto_deposit_ghs,
  DROP COLUMN crypto_deposit_movements;
