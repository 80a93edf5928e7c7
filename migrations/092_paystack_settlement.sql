-- Up Migration
-- Paystack's outcomes that come late or not at all (issue 24). Every open charge and transfer is checked in turn by
-- the 5-minute job (`verified_at`: the last check, the longest unchecked first, so rows that cannot be settled never
-- starve newer ones). A transfer Paystack reverses after it paid is `reversed` (its withdrawal pending again, the
-- cedis reserved again); one whose record is not the payout's, or that Paystack paid after it was settled failed, is
-- `needs_review`; both are told to the admins once (`admins_alerted_at`).
ALTER TABLE paystack_charges ADD COLUMN verified_at TIMESTAMPTZ NULL;
DROP INDEX paystack_charges_open_created_at_idx;
CREATE INDEX paystack_charges_open_check_idx ON paystack_charges (verified_at NULLS FIRST, created_at)
  WHERE status IN ('started', 'send_otp', 'pay_offline');

ALTER TABLE paystack_transfers
  DROP CONSTRAINT paystack_transfers_status_check,
  DROP CONSTRAINT paystack_transfers_check,
  ADD COLUMN verified_at TIMESTAMPTZ NULL,
  ADD COLUMN reversed_at TIMESTAMPTZ NULL,
  ADD COLUMN admins_alerted_at TIMESTAMPTZ NULL,
  ADD CONSTRAINT paystack_transfers_status_check
    CHECK (status IN ('started', 'pending', 'otp', 'succeeded', 'failed', 'reversed', 'needs_review')),
  ADD CONSTRAINT paystack_transfers_settled_check CHECK ((status IN ('started', 'pending', 'otp')) = (settled_at IS NULL)),
  ADD CONSTRAINT paystack_transfers_reversed_check CHECK ((status = 'reversed') = (reversed_at IS NOT NULL));
CREATE INDEX paystack_transfers_open_check_idx ON paystack_transfers (verified_at NULLS FIRST, created_at)
  WHERE status IN ('started', 'pending', 'otp');
CREATE INDEX paystack_transfers_unalerted_idx ON paystack_transfers (id)
  WHERE status IN ('reversed', 'needs_review') AND admins_alerted_at IS NULL;

-- Down Migration
DROP INDEX paystack_transfers_unalerted_idx;
DROP INDEX paystack_transfers_open_check_idx;
ALTER TABLE paystack_transfers
  DROP CONSTRAINT paystack_transfers_reversed_check,
  DROP CONSTRAINT paystack_transfers_settled_check,
  DROP CONSTRAINT paystack_transfers_status_check,
  DROP COLUMN admins_alerted_at,
  DROP COLUMN reversed_at,
  DROP COLUMN verified_at,
  ADD CONSTRAINT paystack_transfers_status_check CHECK (status IN ('started', 'pending', 'otp', 'succeeded', 'failed')),
  ADD CONSTRAINT paystack_transfers_check CHECK ((status IN ('succeeded', 'failed')) = (settled_at IS NOT NULL));
DROP INDEX paystack_charges_open_check_idx;
CREATE INDEX paystack_charges_open_created_at_idx ON paystack_charges (created_at) WHERE status IN ('started', 'send_otp', 'pay_offline');
ALTER TABLE paystack_charges DROP COLUMN verified_at;
