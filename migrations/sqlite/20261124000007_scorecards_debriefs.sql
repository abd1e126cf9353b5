-- Structured feedback and the debrief: per-opening scorecard questions, one scorecard per
-- interviewer per interview (a draft, then every submitted version kept), the topics the
-- feedback check warns about, and debriefs with their participants and decisions.

CREATE TABLE scorecard_questions (
    id INTEGER PRIMARY KEY,
    opening_id BIGINT NOT NULL REFERENCES openings (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    prompt TEXT NOT NULL,
    behavioural INTEGER NOT NULL DEFAULT 0 CHECK (behavioural IN (0, 1))
);
CREATE INDEX scorecard_questions_opening ON scorecard_questions (opening_id, position);

-- `draft` is the interviewer's working copy (JSON); `revision` grows with every save, so a
-- save from an older copy (another tab) is refused instead of overwriting a newer one.
CREATE TABLE scorecards (
    id INTEGER PRIMARY KEY,
    assignment_id BIGINT NOT NULL UNIQUE REFERENCES interview_assignments (id) ON DELETE CASCADE,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'amended')),
    draft TEXT NOT NULL,
    revision BIGINT NOT NULL,
    versions BIGINT NOT NULL DEFAULT 0,
    submitted_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX scorecards_application ON scorecards (application_id, user_id, status);
CREATE INDEX scorecards_user ON scorecards (user_id, status);

-- Every submitted version, as submitted, with the feedback check's warnings at the time.
CREATE TABLE scorecard_versions (
    id INTEGER PRIMARY KEY,
    scorecard_id BIGINT NOT NULL REFERENCES scorecards (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    overall TEXT NOT NULL CHECK (overall IN ('strong_no', 'no', 'yes', 'strong_yes')),
    content TEXT NOT NULL,
    warnings TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    UNIQUE (scorecard_id, version)
);

-- Topics that are a legal no-go in interviews: the feedback check warns when feedback
-- mentions one of the terms (a term ending in * matches any word it starts).
CREATE TABLE feedback_topics (
    id INTEGER PRIMARY KEY,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    terms TEXT NOT NULL
);
INSERT INTO feedback_topics (position, name, terms) VALUES
    (1, 'Family and children', 'children, child, kids, kid, daughter*, son, sons, babysit*, childcare, family plans, start a family, maternity, paternity, parental leave'),
    (2, 'Pregnancy', 'pregnan*, expecting a baby, due date, trying for a baby'),
    (3, 'Marital status', 'married, marriage, wife, husband, spouse, divorce*, single mother, single father, fiance*, girlfriend, boyfriend, partner''s job'),
    (4, 'Age', 'age, aged, how old, years old, too old, too young, young, elderly, retire*, date of birth, born in, generation, millennial*, boomer*'),
    (5, 'Religion', 'religio*, church, mosque, synagogue, temple, pray*, christian*, muslim*, jewish, hindu*, buddhis*, atheis*, ramadan, sabbath'),
    (6, 'Nationality or origin', 'nationality, national origin, ethnic*, race, racial, accent, native speaker, immigra*, foreigner, citizenship, where are you from, where he is from, where she is from, country of origin'),
    (7, 'Health and disability', 'disab*, health, illness, sick*, medical, medication, diagnos*, pregnan*, mental health, depress*, anxiety, therapy, wheelchair, handicap*, surgery'),
    (8, 'Sexual orientation and gender identity', 'gay, lesbian, bisexual, transgender, sexual orientation, gender identity'),
    (9, 'Politics and union membership', 'political, politics, union member*, trade union, voted, voting');

CREATE TABLE debriefs (
    id INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    stage_id BIGINT NOT NULL REFERENCES stages (id),
    starts_at BIGINT NOT NULL,
    duration_minutes BIGINT NOT NULL CHECK (duration_minutes > 0),
    location TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'held')),
    decisions BIGINT NOT NULL DEFAULT 0,
    scheduled_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (application_id, stage_id)
);

CREATE TABLE debrief_participants (
    debrief_id BIGINT NOT NULL REFERENCES debriefs (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (debrief_id, user_id)
);
CREATE INDEX debrief_participants_user ON debrief_participants (user_id);

-- Every decision recorded at a debrief; the one with the highest number stands. The unique
-- number makes two simultaneous decisions conflict instead of one silently overwriting.
CREATE TABLE debrief_decisions (
    id INTEGER PRIMARY KEY,
    debrief_id BIGINT NOT NULL REFERENCES debriefs (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('advance', 'hire', 'no_hire', 'hold')),
    to_stage_id BIGINT REFERENCES stages (id),
    rationale TEXT NOT NULL,
    override_reason TEXT,
    decided_by BIGINT REFERENCES users (id),
    decided_at BIGINT NOT NULL,
    UNIQUE (debrief_id, number)
);
