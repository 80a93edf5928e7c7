-- Up Migration
-- A fresh install has no payment details: the examples it had as defaults were shown to users as where to pay.
-- Deposits and buys by a method are refused until an admin sets its details with /settings.
ALTER TABLE settings ALTER COLUMN momo_payment_details SET DEFAULT '', ALTER COLUMN bank_payment_details SET DEFAULT '';
UPDATE settings SET momo_payment_details = '' WHERE momo_payment_details = 'MTN Mobile Money 024 000 0000, name: Trading Desk Ltd';
UPDATE settings SET bank_payment_details = '' WHERE bank_payment_details = 'GCB Bank, account 1234567890123, name: Trading Desk Ltd';

-- Down Migration
ALTER TABLE settings
  ALTER COLUMN momo_payment_details SET DEFAULT 'MTN Mobile Money 024 000 0000, name: Trading Desk Ltd',
  ALTER COLUMN bank_payment_details SET DEFAULT 'GCB Bank, account 1234567890123, name: Trading Desk Ltd';
