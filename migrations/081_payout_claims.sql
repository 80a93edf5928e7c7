-- Up Migration
-- A payout (a cash withdrawal the admins pay out by momo or bank) is claimed by one admin before it is paid: only
-- the claimer marks it paid (with the payout reference the user receives) or releases it, and a decline needs it
-- unclaimed. Every change is one guarded UPDATE of the row (… WHERE claimed_by_telegram_id IS NULL …).
ALTER TABLE cash_withdrawals
  ADD COLUMN claimed_by_telegram_id BIGINT NULL,
  ADD COLUMN claimed_by_name VARCHAR(150) NULL,
  ADD COLUMN claimed_at TIMESTAMPTZ NULL,
  -- When the claimer was last reminded of a claim left open (a job, every 30 minutes of it).
  ADD COLUMN claim_reminded_at TIMESTAMPTZ NULL,
  -- The MoMo transaction id or bank reference of the payout, typed by the claimer with Paid.
  ADD COLUMN payout_reference VARCHAR(64) NULL,
  ADD CONSTRAINT cash_withdrawals_claim_whole CHECK (
    (claimed_by_telegram_id IS NULL) = (claimed_at IS NULL) AND (claimed_by_telegram_id IS NULL) = (claimed_by_name IS NULL)
  ),
  ADD CONSTRAINT cash_withdrawals_declined_unclaimed CHECK (status <> 'declined' OR claimed_by_telegram_id IS NULL);
CREATE INDEX cash_withdrawals_open_claims_idx ON cash_withdrawals (claimed_at) WHERE status = 'pending' AND claimed_at IS NOT NULL;

-- Down Migration
DROP INDEX cash_withdrawals_open_claims_idx;
ALTER TABLE cash_withdrawals DROP CONSTRAINT cash_withdrawals_declined_unclaimed, DROP CONSTRAINT cash_withdrawals_claim_whole,
  DROP COLUMN payout_reference, DROP COLUMN claim_reminded_at, DROP COLUMN claimed_at, DROP COLUMN claimed_by_name,
  DROP COLUMN claimed_by_telegram_id;
