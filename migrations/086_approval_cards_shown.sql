-- Up Migration
-- What each copy of a card last showed (a digest of its text and buttons): a refresh that would change nothing sends
-- nothing. Telegram refuses such an edit ("message is not modified"), and in the admin group it would spend one of
-- the group's 20 messages a minute. NULL: not known (a copy recorded from a tap), so the next refresh edits it.
ALTER TABLE approval_cards ADD COLUMN shown_digest TEXT NULL;

-- Down Migration
ALTER TABLE approval_cards DROP COLUMN shown_digest;
