-- Email: every message is a row of the outbox, written in the same transaction as the change
-- that causes it. The delivery worker claims due rows with a lease, sends them and marks them;
-- the idempotency key makes queueing the same reminder twice impossible.

CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('prep', 'short', 'moved', 'cancelled', 'overdue', 'debrief', 'stage_complete', 'test')),
    recipient_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    -- The address, copied from the account when the message is written out.
    recipient TEXT NOT NULL DEFAULT '',
    interview_id BIGINT REFERENCES interviews (id) ON DELETE CASCADE,
    assignment_id BIGINT REFERENCES interview_assignments (id) ON DELETE CASCADE,
    debrief_id BIGINT REFERENCES debriefs (id) ON DELETE CASCADE,
    application_id BIGINT REFERENCES applications (id) ON DELETE CASCADE,
    stage_id BIGINT,
    -- The interview's calendar sequence the message belongs to, and which overdue nudge.
    sequence BIGINT NOT NULL DEFAULT 0,
    nudge BIGINT NOT NULL DEFAULT 0,
    -- Written out on the first delivery attempt (so reminders carry the interview as it is
    -- then), kept as sent.
    subject TEXT NOT NULL DEFAULT '',
    body_text TEXT NOT NULL DEFAULT '',
    body_html TEXT NOT NULL DEFAULT '',
    attachment_name TEXT,
    attachment TEXT,
    message_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    due_at BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until BIGINT,
    last_error TEXT,
    -- Why a message was not sent (cancelled interview, scorecard submitted, switched off).
    outcome TEXT,
    sent_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
CREATE INDEX mail_outbox_interview ON mail_outbox (interview_id, status);
CREATE INDEX mail_outbox_assignment ON mail_outbox (assignment_id, kind, status);
CREATE INDEX mail_outbox_debrief ON mail_outbox (debrief_id, status);

-- When reminders go out; one row, edited by admins.
CREATE TABLE mail_settings (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    prep_lead_hours TEXT NOT NULL,
    short_lead_minutes BIGINT NOT NULL,
    overdue_after_hours BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO mail_settings (id, prep_lead_hours, short_lead_minutes, overdue_after_hours, updated_at)
VALUES (1, '24', 60, 2, 0);

-- Grows with every reschedule and the cancel: calendar clients apply the invite with the
-- highest SEQUENCE for an event's UID.
ALTER TABLE interviews ADD COLUMN calendar_sequence BIGINT NOT NULL DEFAULT 0;

ALTER TABLE users ADD COLUMN short_reminders INTEGER NOT NULL DEFAULT 1 CHECK (short_reminders IN (0, 1));
-- The SHA-256 of the secret in the user's private calendar feed URL (none until they ask).
ALTER TABLE users ADD COLUMN calendar_token_hash TEXT;
CREATE UNIQUE INDEX users_calendar_token ON users (calendar_token_hash);
