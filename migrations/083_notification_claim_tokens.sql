-- Up Migration
-- The fencing token of a notification's current claim: a delivery sends and records only under the token it
-- claimed with, so one whose lease ran out and was taken over by another stops instead of sending again.
ALTER TABLE notifications ADD COLUMN claim_token UUID NULL;

-- Down Migration
ALTER TABLE notifications DROP COLUMN claim_token;
