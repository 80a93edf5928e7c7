-- Up Migration

-- An admin's message to every reachable user. Its progress is counted from its outbox rows; the status message
-- in the admin chat is edited as they go out, and the summary posted once none is left.
CREATE TABLE broadcasts (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The admin's Confirm, so a repeated tap or a replayed update makes one broadcast.
  request_key UUID NOT NULL UNIQUE,
  message TEXT NOT NULL,
  admin_telegram_id BIGINT NOT NULL,
  admin_user_id BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
  admin_name VARCHAR(255) NOT NULL,
  -- Recipients are written in batches of users by id; a crash resumes after the last batch written.
  queued_up_to_user_id BIGINT NOT NULL DEFAULT 0,
  queued_at TIMESTAMPTZ NULL,
  status_chat_id BIGINT NULL,
  status_message_id BIGINT NULL,
  status_text TEXT NULL,
  -- When the status message was last edited: at most every few seconds, whichever instance does it.
  status_edited_at TIMESTAMPTZ NULL,
  finished_at TIMESTAMPTZ NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX broadcasts_unfinished_idx ON broadcasts (id) WHERE finished_at IS NULL;

-- priority: decisions, alerts and support answers (1) go out before broadcast rows (0).
-- format: 'text' is escaped when sent, 'html' is checked Telegram HTML (broadcasts). photo: a media store path.
ALTER TABLE notifications
  ADD COLUMN priority SMALLINT NOT NULL DEFAULT 1 CHECK (priority IN (0, 1)),
  ADD COLUMN format VARCHAR(4) NOT NULL DEFAULT 'text' CHECK (format IN ('text', 'html')),
  ADD COLUMN photo VARCHAR(100) NULL,
  ADD COLUMN broadcast_id BIGINT NULL REFERENCES broadcasts (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX notifications_broadcast_user_key ON notifications (broadcast_id, user_id) WHERE broadcast_id IS NOT NULL;
DROP INDEX notifications_due_idx;
CREATE INDEX notifications_due_idx ON notifications (priority DESC, next_attempt_at, id) WHERE next_attempt_at IS NOT NULL;

-- "Tell me when I can sell at GHS X or more / buy at GHS Y or less": one push when crossed, then done.
CREATE TABLE rate_alerts (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  asset VARCHAR(10) NOT NULL,
  side VARCHAR(4) NOT NULL CHECK (side IN ('buy', 'sell')),
  target_rate DECIMAL(20,2) NOT NULL CHECK (target_rate > 0),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  triggered_at TIMESTAMPTZ NULL,
  triggered_rate DECIMAL(20,2) NULL,
  CHECK ((triggered_at IS NULL) = (triggered_rate IS NULL))
);
CREATE INDEX rate_alerts_user_id_idx ON rate_alerts (user_id, created_at) WHERE triggered_at IS NULL;
CREATE INDEX rate_alerts_waiting_idx ON rate_alerts (asset, side, target_rate) WHERE triggered_at IS NULL;

-- Down Migration
DROP TABLE rate_alerts;
DROP INDEX notifications_due_idx;
CREATE INDEX notifications_due_idx ON notifications (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
DROP INDEX notifications_broadcast_user_key;
ALTER TABLE notifications DROP COLUMN broadcast_id, DROP COLUMN photo, DROP COLUMN format, DROP COLUMN priority;
DROP TABLE broadcasts;
