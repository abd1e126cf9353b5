-- Agenda templates: a name and ordered, time-boxed items; an item may be the coding one.
CREATE TABLE agenda_templates (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE agenda_template_items (
    id INTEGER PRIMARY KEY,
    template_id BIGINT NOT NULL REFERENCES agenda_templates (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    minutes BIGINT NOT NULL CHECK (minutes > 0),
    guidance TEXT NOT NULL DEFAULT '',
    is_coding INTEGER NOT NULL DEFAULT 0 CHECK (is_coding IN (0, 1))
);
CREATE INDEX agenda_template_items_template ON agenda_template_items (template_id, position);

ALTER TABLE interview_templates ADD COLUMN agenda_template_id BIGINT
    REFERENCES agenda_templates (id) ON DELETE SET NULL;
CREATE INDEX interview_templates_agenda ON interview_templates (agenda_template_id);

-- Each interview's own copy of its agenda; `spent_ms` is the time the live clock spent on
-- the item so far.
CREATE TABLE agenda_items (
    id INTEGER PRIMARY KEY,
    interview_id BIGINT NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    minutes BIGINT NOT NULL CHECK (minutes > 0),
    guidance TEXT NOT NULL DEFAULT '',
    is_coding INTEGER NOT NULL DEFAULT 0 CHECK (is_coding IN (0, 1)),
    spent_ms BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX agenda_items_interview ON agenda_items (interview_id, position);

-- The coding-challenge library.
CREATE TABLE challenges (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    prompt TEXT NOT NULL,
    difficulty BIGINT NOT NULL CHECK (difficulty BETWEEN 1 AND 5),
    expected_minutes BIGINT NOT NULL CHECK (expected_minutes > 0),
    starter_code TEXT NOT NULL DEFAULT '',
    rubric TEXT NOT NULL DEFAULT '',
    hints TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
    author_id BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX challenges_list ON challenges (status, title, id);

CREATE TABLE challenge_skill_areas (
    challenge_id BIGINT NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
    skill_area_id BIGINT NOT NULL REFERENCES skill_areas (id),
    PRIMARY KEY (challenge_id, skill_area_id)
);
CREATE INDEX challenge_skill_areas_skill ON challenge_skill_areas (skill_area_id, challenge_id);

-- Follow-up steps for a candidate who finishes early, in order.
CREATE TABLE challenge_extensions (
    id INTEGER PRIMARY KEY,
    challenge_id BIGINT NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX challenge_extensions_challenge ON challenge_extensions (challenge_id, position);

-- An interviewer's challenge, and how they rated it afterwards.
ALTER TABLE interview_assignments ADD COLUMN challenge_id BIGINT REFERENCES challenges (id);
ALTER TABLE interview_assignments ADD COLUMN challenge_rating BIGINT
    CHECK (challenge_rating BETWEEN 1 AND 5);
ALTER TABLE interview_assignments ADD COLUMN challenge_note TEXT;
ALTER TABLE interview_assignments ADD COLUMN challenge_rated_at BIGINT;
-- A challenge's uses and ratings are counted from this index alone; cancelled interviews
-- (a minority) are left out through the second.
CREATE INDEX interview_assignments_challenge ON interview_assignments
    (challenge_id, interview_id, challenge_rating);
CREATE INDEX interviews_cancelled ON interviews (id) WHERE status = 'cancelled';

-- The live agenda clock of an interview, in server milliseconds: active time is now minus
-- `started_at` minus the paused spans; the current item began at `item_started_elapsed` of
-- active time.
CREATE TABLE interview_clocks (
    interview_id BIGINT PRIMARY KEY REFERENCES interviews (id) ON DELETE CASCADE,
    started_at BIGINT NOT NULL,
    current_position BIGINT NOT NULL,
    item_started_elapsed BIGINT NOT NULL,
    paused_at BIGINT,
    paused_total BIGINT NOT NULL DEFAULT 0,
    finished_at BIGINT,
    updated_at BIGINT NOT NULL
);

-- An interviewer's notes on an agenda item: the draft of their feedback.
CREATE TABLE interview_notes (
    agenda_item_id BIGINT NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (agenda_item_id, user_id)
);

-- Full-text search over titles and prompts (FTS5, kept in step by triggers).
CREATE VIRTUAL TABLE challenges_fts USING fts5 (
    title, prompt, content = 'challenges', content_rowid = 'id', tokenize = 'unicode61'
);
CREATE TRIGGER challenges_fts_insert AFTER INSERT ON challenges BEGIN
    INSERT INTO challenges_fts (rowid, title, prompt) VALUES (new.id, new.title, new.prompt);
END;
CREATE TRIGGER challenges_fts_delete AFTER DELETE ON challenges BEGIN
    INSERT INTO challenges_fts (challenges_fts, rowid, title, prompt)
        VALUES ('delete', old.id, old.title, old.prompt);
END;
CREATE TRIGGER challenges_fts_update AFTER UPDATE OF title, prompt ON challenges BEGIN
    INSERT INTO challenges_fts (challenges_fts, rowid, title, prompt)
        VALUES ('delete', old.id, old.title, old.prompt);
    INSERT INTO challenges_fts (rowid, title, prompt) VALUES (new.id, new.title, new.prompt);
END;
