-- Up Migration
-- Additions for a Telegram product (DESIGN §5): who a user is on Telegram, and durable conversation state.

ALTER TABLE users
  ADD COLUMN telegram_id BIGINT UNIQUE,
  ADD COLUMN language_code VARCHAR(10) NULL;

-- E-mail addresses are unique ignoring case.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

-- grammY conversations, stored encrypted (they hold what users typed, PINs included) so a restart loses nothing.
CREATE TABLE conversation_states (
  key VARCHAR(255) PRIMARY KEY,
  state BYTEA NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE conversation_states;
DROP INDEX users_email_lower_key;
ALTER TABLE users DROP COLUMN language_code, DROP COLUMN telegram_id;
