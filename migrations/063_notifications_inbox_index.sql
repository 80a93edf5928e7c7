-- Up Migration
-- /notifications lists a user's notifications unread first, newest first. notifications_user_id_read_idx (of the
-- schema document, kept for the unread count) finds them, but every one of the user's unread ones was read from the
-- table and sorted to show five; this index holds them in that order, so a page reads its five rows.
CREATE INDEX notifications_inbox_idx ON notifications (user_id, read, created_at DESC, id DESC);

-- Down Migration
DROP INDEX notifications_inbox_idx;
