-- Up Migration
-- One name per request kind everywhere: 'dep' and 'wd' become 'deposit' and 'withdrawal', as in history.

UPDATE admin_audit_log SET subject_kind = 'deposit' WHERE subject_kind = 'dep';
UPDATE admin_audit_log SET subject_kind = 'withdrawal' WHERE subject_kind = 'wd';
UPDATE approval_cards SET request_kind = 'deposit' WHERE request_kind = 'dep';
UPDATE approval_cards SET request_kind = 'withdrawal' WHERE request_kind = 'wd';
UPDATE ledger_entries SET reference_kind = 'deposit' WHERE reference_kind = 'dep';
UPDATE ledger_entries SET reference_kind = 'withdrawal' WHERE reference_kind = 'wd';

-- Down Migration
UPDATE ledger_entries SET reference_kind = 'wd' WHERE reference_kind = 'withdrawal';
UPDATE ledger_entries SET reference_kind = 'dep' WHERE reference_kind = 'deposit';
UPDATE approval_cards SET request_kind = 'wd' WHERE request_kind = 'withdrawal';
UPDATE approval_cards SET request_kind = 'dep' WHERE request_kind = 'deposit';
UPDATE admin_audit_log SET subject_kind = 'wd' WHERE subject_kind = 'withdrawal';
UPDATE admin_audit_log SET subject_kind = 'dep' WHERE subject_kind = 'deposit';
