-- Up Migration
-- /stats and the daily digest summed every movement of money of the last 30 days on each call (about 26,000 rows at
-- the schema document's scale). What a closed calendar day (Accra) did never changes: requests are decided once, by a
-- guarded status UPDATE that stamps decided_at with the time of the decision, trades and users are written once. So
-- each closed day's totals are kept here, written the first time a statistic needs that day once it has settled
-- (see src/services/analytics/dailyTotals.ts); only the days since are summed from the tables.

-- One row per closed day rolled up: its presence says the day's rows in the other two tables are complete.
CREATE TABLE daily_totals (
  day DATE PRIMARY KEY,
  users_joined INTEGER NOT NULL CHECK (users_joined >= 0),
  kyc_approved INTEGER NOT NULL CHECK (kyc_approved >= 0),
  kyc_rejected INTEGER NOT NULL CHECK (kyc_rejected >= 0),
  -- Crypto traded on the market (the sum of the trades' amounts).
  crypto_traded NUMERIC NOT NULL CHECK (crypto_traded >= 0),
  rolled_up_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Money moved on a day by kind (the kinds of src/db/readModels/businessStats.ts); kinds without any have no row.
-- NUMERIC without a scale: the exact sum, rounded only when shown.
CREATE TABLE daily_money_totals (
  day DATE NOT NULL REFERENCES daily_totals (day) ON DELETE CASCADE,
  kind VARCHAR(20) NOT NULL CHECK (kind IN ('buy', 'sell', 'deposit', 'withdrawal', 'gift_card', 'market')),
  movements INTEGER NOT NULL CHECK (movements > 0),
  ghs NUMERIC NOT NULL CHECK (ghs >= 0),
  PRIMARY KEY (day, kind)
);

-- Approved gift card trade-ins of a day by card and face value currency.
CREATE TABLE daily_gift_card_totals (
  day DATE NOT NULL REFERENCES daily_totals (day) ON DELETE CASCADE,
  card_id BIGINT NOT NULL REFERENCES gift_cards (id) ON DELETE RESTRICT,
  currency VARCHAR(3) NOT NULL,
  trade_ins INTEGER NOT NULL CHECK (trade_ins > 0),
  face_value NUMERIC NOT NULL CHECK (face_value >= 0),
  payout_ghs NUMERIC NOT NULL CHECK (payout_ghs >= 0),
  PRIMARY KEY (day, card_id, currency)
);
CREATE INDEX daily_gift_card_totals_card_id_idx ON daily_gift_card_totals (card_id);

-- The KYC funnel counts users by status now (not per day): by status and, for those still pending, their ids (the
-- ones who never sent documents are those without a verification), from this index alone.
CREATE INDEX users_kyc_status_idx ON users (kyc_status, id);
-- A day's KYC decisions (rolling a day up, the digest's yesterday while it is summed live).
CREATE INDEX kyc_submissions_reviewed_at_idx ON kyc_submissions (reviewed_at) INCLUDE (status) WHERE reviewed_at IS NOT NULL;

-- Down Migration
DROP INDEX kyc_submissions_reviewed_at_idx;
DROP INDEX users_kyc_status_idx;
DROP TABLE daily_gift_card_totals;
DROP TABLE daily_money_totals;
DROP TABLE daily_totals;
