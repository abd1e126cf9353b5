//! Feedback at scale: four in five interviewers of past interviews submitted a scorecard (a
//! rating with evidence on their skill area, an overall recommendation, notes), and every
//! application whose loop has happened has a debrief with its interviewers.

use super::{AnyConnection, Loader};
use anyhow::Context;

/// A rating from a number, spread over the scale (SQL): as stored in a column, or as it is
/// written inside a scorecard's JSON (`json`).
fn rating_of(number: &str, json: bool) -> String {
    let [strong_no, no, yes, strong_yes] = if json {
        ["StrongNo", "No", "Yes", "StrongYes"]
    } else {
        ["strong_no", "no", "yes", "strong_yes"]
    };
    format!(
        "CASE ({number}) % 4 WHEN 0 THEN '{strong_no}' WHEN 1 THEN '{no}' WHEN 2 THEN '{yes}' \
         ELSE '{strong_yes}' END"
    )
}

impl Loader {
    pub(super) async fn scorecards(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        // The demo's own interviews have their feedback already.
        let first: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(i.id), 0) + 1 FROM interviews i \
             WHERE EXISTS (SELECT 1 FROM scorecards s JOIN interview_assignments ia \
             ON ia.id = s.assignment_id WHERE ia.interview_id = i.id)",
        )
        .fetch_one(&mut *conn)
        .await
        .context("finding the seeded interviews")?;
        let skill = rating_of("ia.id", true);
        let overall = rating_of("ia.id / 4 + ia.user_id", true);
        let sql = format!(
            "INSERT INTO scorecards (assignment_id, application_id, user_id, status, draft, \
             revision, versions, submitted_at, created_at, updated_at) \
             SELECT ia.id, i.application_id, ia.user_id, 'submitted', \
             '{{\"skills\":[{{\"skill_area_id\":' || CAST(sa.id AS TEXT) || ',\"skill_area\":\"' || sa.name \
             || '\",\"rating\":\"' || {skill} || '\",\"evidence\":\"Walked through a design from their own work, \
             with numbers, and changed it when the load doubled.\"}}],\"overall\":\"' || {overall} \
             || '\",\"candidate_questions\":\"How on-call works.\",\"notes\":\"Clear answers; \
             asked good questions about the team.\"}}', \
             1, 1, i.ends_at + 3600, i.ends_at + 3600, i.ends_at + 3600 \
             FROM interview_assignments ia JOIN interviews i ON i.id = ia.interview_id \
             JOIN skill_areas sa ON sa.id = (SELECT MIN(asa.skill_area_id) FROM assignment_skill_areas asa \
             WHERE asa.assignment_id = ia.id) \
             WHERE i.id >= $1 AND i.ends_at < $2 AND i.status = 'scheduled' AND ia.id % 5 <> 0"
        );
        sqlx::query(&sql)
            .bind(first)
            .bind(self.now)
            .execute(&mut *conn)
            .await
            .context("seeding scorecards")?;
        let overall_of = rating_of("ia.id / 4 + ia.user_id", false);
        sqlx::query(&format!(
            "INSERT INTO scorecard_versions (scorecard_id, version, overall, content, warnings, submitted_at) \
             SELECT s.id, 1, {overall_of}, s.draft, '[]', s.submitted_at FROM scorecards s \
             JOIN interview_assignments ia ON ia.id = s.assignment_id \
             JOIN interviews i ON i.id = ia.interview_id WHERE i.id >= $1"
        ))
        .bind(first)
        .execute(&mut *conn)
        .await
        .context("seeding scorecard versions")?;
        sqlx::query(
            "INSERT INTO debriefs (application_id, stage_id, starts_at, duration_minutes, location, \
             status, decisions, created_at, updated_at) \
             SELECT i.application_id, i.stage_id, MAX(i.ends_at) + 86400, 30, 'Room 1', 'scheduled', 0, \
             MAX(i.ends_at), MAX(i.ends_at) FROM interviews i \
             WHERE i.id >= $1 AND i.ends_at < $2 AND i.status = 'scheduled' \
             AND NOT EXISTS (SELECT 1 FROM debriefs d WHERE d.application_id = i.application_id \
             AND d.stage_id = i.stage_id) \
             GROUP BY i.application_id, i.stage_id",
        )
        .bind(first)
        .bind(self.now)
        .execute(&mut *conn)
        .await
        .context("seeding debriefs")?;
        sqlx::query(
            "INSERT INTO debrief_participants (debrief_id, user_id) \
             SELECT DISTINCT d.id, ia.user_id FROM debriefs d \
             JOIN interviews i ON i.application_id = d.application_id AND i.stage_id = d.stage_id \
             JOIN interview_assignments ia ON ia.interview_id = i.id \
             WHERE i.id >= $1 AND i.status = 'scheduled'",
        )
        .bind(first)
        .execute(&mut *conn)
        .await
        .context("seeding debrief participants")?;
        Ok(())
    }
}
