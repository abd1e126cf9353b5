-- Indexes for the foreign keys that queries, stage and template deletes and skill-area
-- checks follow, and for the audit log's time order; resume PDFs move to their own table.

CREATE INDEX audit_log_time ON audit_log (at, id);
CREATE INDEX opening_skill_areas_skill ON opening_skill_areas (skill_area_id);
CREATE INDEX template_skill_areas_skill ON template_skill_areas (skill_area_id);
CREATE INDEX assignment_skill_areas_skill ON assignment_skill_areas (skill_area_id);
CREATE INDEX applications_stage ON applications (stage_id);
-- The board: an opening's applications by status and stage, longest in the stage first,
-- with the candidate's id, so that its cards and counts are read from the index alone.
CREATE INDEX applications_board ON applications
    (opening_id, status, stage_id, stage_entered_at, id, candidate_id);
DROP INDEX applications_opening;
CREATE INDEX application_events_from_stage ON application_events (from_stage_id);
CREATE INDEX application_events_to_stage ON application_events (to_stage_id);
CREATE INDEX interviews_stage ON interviews (stage_id);
CREATE INDEX interviews_template ON interviews (template_id);
-- The openings list: open ones first, then by title (the same expression as its ORDER BY).
CREATE INDEX openings_list ON openings
    ((CASE status WHEN 'open' THEN 0 WHEN 'draft' THEN 1 WHEN 'on_hold' THEN 2 ELSE 3 END), title, id);
-- The candidates list is ordered by name.
CREATE INDEX candidates_name ON candidates (lower(name), id);

-- "My interviews" and the booking check read one interviewer's interviews in time order.
-- Each assignment keeps a copy of its interview's times (written with the interview and
-- updated when it is rescheduled), so that an index walks them in order and stops early.
ALTER TABLE interview_assignments ADD COLUMN starts_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE interview_assignments ADD COLUMN ends_at BIGINT NOT NULL DEFAULT 0;
UPDATE interview_assignments SET
    starts_at = (SELECT i.starts_at FROM interviews i WHERE i.id = interview_assignments.interview_id),
    ends_at = (SELECT i.ends_at FROM interviews i WHERE i.id = interview_assignments.interview_id);
CREATE INDEX interview_assignments_user_time ON interview_assignments (user_id, starts_at);
DROP INDEX interview_assignments_user;

-- A PDF stored in the middle of a candidate's row made every read of the columns after it
-- walk the PDF's overflow pages. The file's name and size stay with the candidate.
CREATE TABLE resume_files (
    candidate_id BIGINT PRIMARY KEY REFERENCES candidates (id) ON DELETE CASCADE,
    content BLOB NOT NULL
);
INSERT INTO resume_files (candidate_id, content)
    SELECT id, resume_pdf FROM candidates WHERE resume_pdf IS NOT NULL;
ALTER TABLE candidates DROP COLUMN resume_pdf;
