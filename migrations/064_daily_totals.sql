-- Up Migration
-- /stats and the daily digest summed every movement of money of the last 30 days on each call (about 26,000 rows at
-- the schema document's scale). What a closed calendar day (Accra) did never changes: requests are decided once, by a
-- guarded status UPDATE that stamps decided_at with the time of the decision, trades and users are written once. So
-- each closed day's totals are kept here, written the first time a statistic needs that day once it has settled
-- (see src/services/analytics/dailyTotals.ts); only the days since are summed from the tables.

-- One row per closed day rolled up: what it added up to. NUMERIC without a scale holds the exact sums, rounded only
-- when shown. Money moved by kind (the kinds of src/db/readModels/businessStats.ts): approved requests by decision
-- time, market trades by fill; how many and their GHS.
CREATE TABLE daily_totals (
  day DATE PRIMARY KEY,
  users_joined INTEGER NOT NULL CHECK (users_joined >= 0),
  kyc_approved INTEGER NOT NULL CHECK (kyc_approved >= 0),
  kyc_rejected INTEGER NOT NULL CHECK (kyc_rejected >= 0),
  -- Crypto traded on the market (the sum of the trades' amounts).
  crypto_traded NUMERIC NOT NULL CHECK (crypto_traded >= 0),
  buy_movements INTEGER NOT NULL CHECK (buy_movements >= 0),
  buy_ghs NUMERIC NOT NULL CHECK (buy_ghs >= 0),
  sell_movements INTEGER NOT NULL CHECK (sell_movements >= 0),
  sell_ghs NUMERIC NOT NULL CHECK (sell_ghs >= 0),
  deposit_movements INTEGER NOT NULL CHECK (deposit_movements >= 0),
  deposit_ghs NUMERIC NOT NULL CHECK (deposit_ghs >= 0),
  withdrawal_movements INTEGER NOT NULL CHECK (withdrawal_movements >= 0),
  withdrawal_ghs NUMERIC NOT NULL CHECK (withdrawal_ghs >= 0),
  gift_card_movements INTEGER NOT NULL CHECK (gift_card_movements >= 0),
  gift_card_ghs NUMERIC NOT NULL CHECK (gift_card_ghs >= 0),
  market_movements INTEGER NOT NULL CHECK (market_movements >= 0),
  market_ghs NUMERIC NOT NULL CHECK (market_ghs >= 0),
  rolled_up_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Approved gift card trade-ins of a rolled-up day by card and face value currency (written with its daily_totals row).
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
DROP TABLE daily_totals;
