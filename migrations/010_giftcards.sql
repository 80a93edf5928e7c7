-- Up Migration
-- Gift card trade-ins: the card's currency, each order's quote (rate, payout), reference, sealed e-code, extra
-- proofs and decision, and the face value limits. A card is offered only with a buying rate.

ALTER TABLE gift_cards
  ADD COLUMN currency VARCHAR(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
  ADD CONSTRAINT gift_cards_active_has_rate CHECK (NOT is_active OR rate_buy > 0);
-- One card per brand, name and currency (ignoring case), so admins cannot add the same card twice.
CREATE UNIQUE INDEX gift_cards_brand_name_currency_key ON gift_cards (lower(brand), lower(name), currency);

ALTER TABLE gift_card_orders
  ADD COLUMN reference VARCHAR(40) NOT NULL UNIQUE,
  ADD COLUMN currency VARCHAR(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- What the order was quoted: GHS per unit of face value, and amount × rate_buy rounded down to pesewas.
  ADD COLUMN rate_buy DECIMAL(10, 2) NOT NULL CHECK (rate_buy > 0),
  ADD COLUMN payout_ghs DECIMAL(20, 2) NOT NULL CHECK (payout_ghs > 0),
  -- The e-code the user typed, AES-256-GCM sealed (purpose 'gift-card-codes'); NULL for a physical card.
  ADD COLUMN card_code BYTEA NULL,
  -- Proofs after the first (proof_image), in the order sent.
  ADD COLUMN more_proof_images VARCHAR(100)[] NOT NULL DEFAULT '{}' CHECK (cardinality(more_proof_images) <= 9),
  ADD COLUMN decline_reason TEXT NULL,
  ADD COLUMN decided_at TIMESTAMPTZ NULL,
  ADD COLUMN completed_at TIMESTAMPTZ NULL,
  ADD CONSTRAINT gift_card_orders_amount_positive CHECK (amount > 0);
CREATE INDEX gift_card_orders_user_id_created_at_idx ON gift_card_orders (user_id, created_at DESC);

ALTER TABLE settings
  ADD COLUMN gift_card_min_face_value DECIMAL(20, 2) NOT NULL DEFAULT 10.00 CHECK (gift_card_min_face_value > 0),
  ADD COLUMN gift_card_max_face_value DECIMAL(20, 2) NOT NULL DEFAULT 2000.00 CHECK (gift_card_max_face_value > 0),
  ADD CONSTRAINT settings_gift_card_face_value_limits CHECK (gift_card_min_face_value <= gift_card_max_face_value);

-- Down Migration
ALTER TABLE settings DROP CONSTRAINT settings_gift_card_face_value_limits, DROP COLUMN gift_card_max_face_value,
  DROP COLUMN gift_card_min_face_value;
DROP INDEX gift_card_orders_user_id_created_at_idx;
ALTER TABLE gift_card_orders DROP CONSTRAINT gift_card_orders_amount_positive, DROP COLUMN completed_at, DROP COLUMN decided_at,
  DROP COLUMN decline_reason, DROP COLUMN more_proof_images, DROP COLUMN card_code, DROP COLUMN payout_ghs, DROP COLUMN rate_buy,
  DROP COLUMN currency, DROP COLUMN reference;
DROP INDEX gift_cards_brand_name_currency_key;
ALTER TABLE gift_cards DROP CONSTRAINT gift_cards_active_has_rate, DROP COLUMN currency;
