-- Up Migration
-- Conversations expire after 30 minutes without an answer: the state (which replays what the user typed) is
-- deleted, and a marker tells the user who comes back that the flow expired and nothing was saved.
ALTER TABLE conversation_states ADD COLUMN flows TEXT[] NOT NULL DEFAULT '{}';
CREATE INDEX conversation_states_updated_at_idx ON conversation_states (updated_at);

CREATE TABLE expired_conversations (
  key VARCHAR(255) PRIMARY KEY,
  flows TEXT[] NOT NULL,
  expired_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX expired_conversations_expired_at_idx ON expired_conversations (expired_at);

-- Down Migration
DROP TABLE expired_conversations;
DROP INDEX conversation_states_updated_at_idx;
ALTER TABLE conversation_states DROP COLUMN flows;
