-- Up Migration
-- Updates Telegram may deliver again (a webhook POST that got no 200, a poll whose offset was not confirmed):
-- the ids handled in the last day, so a redelivered one is skipped.
CREATE TABLE handled_updates (
  update_id BIGINT PRIMARY KEY,
  handled_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX handled_updates_handled_at_idx ON handled_updates (handled_at);

-- Polled updates a stopping bot could not finish (Telegram already had them confirmed): the next start handles them.
CREATE TABLE unfinished_updates (
  update_id BIGINT PRIMARY KEY,
  update JSONB NOT NULL,
  stored_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE unfinished_updates;
DROP TABLE handled_updates;
