-- The hiring pipeline: skill areas, openings and their interview plans, candidates,
-- applications with stage history, and scheduled interviews with skill-area assignments.
-- Timestamps are UTC Unix seconds; flags are INTEGER 0/1.

CREATE TABLE skill_areas (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX skill_areas_name ON skill_areas (lower(name));

CREATE TABLE openings (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    team TEXT NOT NULL,
    level TEXT NOT NULL,
    location TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    hiring_manager_id BIGINT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'on_hold', 'closed')),
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX openings_manager ON openings (hiring_manager_id);

CREATE TABLE opening_skill_areas (
    opening_id BIGINT NOT NULL REFERENCES openings (id) ON DELETE CASCADE,
    skill_area_id BIGINT NOT NULL REFERENCES skill_areas (id),
    PRIMARY KEY (opening_id, skill_area_id)
);

CREATE TABLE stages (
    id INTEGER PRIMARY KEY,
    opening_id BIGINT NOT NULL REFERENCES openings (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('review', 'interview', 'debrief', 'offer')),
    skip_for_internal INTEGER NOT NULL DEFAULT 0 CHECK (skip_for_internal IN (0, 1))
);
CREATE INDEX stages_opening ON stages (opening_id, position);

CREATE TABLE interview_templates (
    id INTEGER PRIMARY KEY,
    stage_id BIGINT NOT NULL REFERENCES stages (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    duration_minutes BIGINT NOT NULL CHECK (duration_minutes > 0)
);
CREATE INDEX interview_templates_stage ON interview_templates (stage_id, position);

CREATE TABLE template_skill_areas (
    template_id BIGINT NOT NULL REFERENCES interview_templates (id) ON DELETE CASCADE,
    skill_area_id BIGINT NOT NULL REFERENCES skill_areas (id),
    PRIMARY KEY (template_id, skill_area_id)
);

CREATE TABLE candidates (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL CHECK (source IN ('referral', 'job_board', 'sourced', 'agency', 'internal')),
    links TEXT NOT NULL DEFAULT '',
    resume_text TEXT NOT NULL DEFAULT '',
    resume_pdf BLOB,
    resume_pdf_name TEXT,
    resume_pdf_size BIGINT,
    is_internal INTEGER NOT NULL DEFAULT 0 CHECK (is_internal IN (0, 1)),
    current_title TEXT,
    current_team TEXT,
    current_manager_id BIGINT REFERENCES users (id),
    start_date TEXT,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- External candidates are unique by email. Internal ones are de-duplicated by the service
-- among the records the person adding them may see, so a duplicate never reveals a
-- confidential internal candidate.
CREATE UNIQUE INDEX candidates_external_email ON candidates (email) WHERE is_internal = 0;
CREATE INDEX candidates_email ON candidates (email);
CREATE INDEX candidates_manager ON candidates (current_manager_id);

CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    candidate_id BIGINT NOT NULL REFERENCES candidates (id),
    opening_id BIGINT NOT NULL REFERENCES openings (id),
    stage_id BIGINT NOT NULL REFERENCES stages (id),
    status TEXT NOT NULL CHECK (status IN ('active', 'rejected', 'withdrawn', 'hired')),
    status_reason TEXT,
    stage_entered_at BIGINT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (candidate_id, opening_id)
);
CREATE INDEX applications_opening ON applications (opening_id, status);

CREATE TABLE application_events (
    id INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    actor_id BIGINT REFERENCES users (id),
    from_stage_id BIGINT REFERENCES stages (id),
    to_stage_id BIGINT REFERENCES stages (id),
    from_status TEXT,
    to_status TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX application_events_application ON application_events (application_id, at);

CREATE TABLE interviews (
    id INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    stage_id BIGINT NOT NULL REFERENCES stages (id),
    template_id BIGINT REFERENCES interview_templates (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    duration_minutes BIGINT NOT NULL CHECK (duration_minutes > 0),
    ends_at BIGINT NOT NULL,
    location TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
    cancel_reason TEXT,
    scheduled_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX interviews_application ON interviews (application_id, starts_at);
CREATE INDEX interviews_time ON interviews (starts_at, ends_at);

CREATE TABLE interview_assignments (
    id INTEGER PRIMARY KEY,
    interview_id BIGINT NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    UNIQUE (interview_id, user_id)
);
CREATE INDEX interview_assignments_user ON interview_assignments (user_id);

CREATE TABLE assignment_skill_areas (
    assignment_id BIGINT NOT NULL REFERENCES interview_assignments (id) ON DELETE CASCADE,
    skill_area_id BIGINT NOT NULL REFERENCES skill_areas (id),
    PRIMARY KEY (assignment_id, skill_area_id)
);

-- Audit entries about a candidate can be hidden from that candidate's current manager.
ALTER TABLE audit_log ADD COLUMN candidate_id BIGINT;
