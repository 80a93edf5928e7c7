-- Up Migration
-- Paystack transfer recipients for bank accounts too (issue 24): a recipient is a mobile-money wallet (network) or a
-- Ghanaian bank account (Paystack's bank_code, a `ghipss` recipient), exactly one. A recipient Paystack stopped
-- accepting is marked refused (its transfers keep pointing at it) and the next send makes a new one for the
-- destination: uniqueness holds among the recipients still in use.
ALTER TABLE paystack_recipients
  ALTER COLUMN network DROP NOT NULL,
  ADD COLUMN bank_code VARCHAR(20) NULL,
  ADD COLUMN refused_at TIMESTAMPTZ NULL,
  ADD CONSTRAINT paystack_recipients_one_destination_check CHECK ((network IS NULL) <> (bank_code IS NULL)),
  DROP CONSTRAINT paystack_recipients_network_account_number_account_name_key,
  DROP CONSTRAINT paystack_recipients_recipient_code_key;
CREATE UNIQUE INDEX paystack_recipients_wallet_idx ON paystack_recipients (network, account_number, account_name)
  WHERE network IS NOT NULL AND refused_at IS NULL;
CREATE UNIQUE INDEX paystack_recipients_bank_account_idx ON paystack_recipients (bank_code, account_number, account_name)
  WHERE bank_code IS NOT NULL AND refused_at IS NULL;
CREATE UNIQUE INDEX paystack_recipients_code_in_use_idx ON paystack_recipients (recipient_code) WHERE refused_at IS NULL;

-- Down Migration
DROP INDEX paystack_recipients_code_in_use_idx;
DROP INDEX paystack_recipients_bank_account_idx;
DROP INDEX paystack_recipients_wallet_idx;
ALTER TABLE paystack_recipients
  DROP CONSTRAINT paystack_recipients_one_destination_check,
  DROP COLUMN refused_at,
  DROP COLUMN bank_code,
  ALTER COLUMN network SET NOT NULL,
  ADD CONSTRAINT paystack_recipients_network_account_number_account_name_key UNIQUE (network, account_number, account_name),
  ADD CONSTRAINT paystack_recipients_recipient_code_key UNIQUE (recipient_code);
