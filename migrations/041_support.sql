-- Up Migration

-- A user's conversation with support: their messages and the admins' answers (signed "Support" to the user).
CREATE TABLE support_messages (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  author VARCHAR(7) NOT NULL CHECK (author IN ('user', 'support')),
  body TEXT NULL,
  photo VARCHAR(100) NULL,
  -- The Telegram message it came from, so an update handled twice stores it once.
  source_chat_id BIGINT NOT NULL,
  source_message_id BIGINT NOT NULL,
  admin_telegram_id BIGINT NULL,
  admin_name VARCHAR(255) NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (source_chat_id, source_message_id),
  CHECK (body IS NOT NULL OR photo IS NOT NULL),
  CHECK ((author = 'support') = (admin_name IS NOT NULL))
);
CREATE INDEX support_messages_user_id_idx ON support_messages (user_id, created_at DESC, id DESC);

-- Messages the bot posted in the admin chat about a user's thread: an admin's reply to one answers that user.
CREATE TABLE support_relays (
  chat_id BIGINT NOT NULL,
  message_id BIGINT NOT NULL,
  support_message_id BIGINT NOT NULL REFERENCES support_messages (id) ON DELETE CASCADE,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX support_relays_support_message_id_idx ON support_relays (support_message_id);

-- Down Migration
DROP TABLE support_relays;
DROP TABLE support_messages;
