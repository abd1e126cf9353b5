//! Mail at scale: every interviewer of a past interview got its prep reminder, so the outbox
//! holds a company's years of sent mail for *Admin → Sent mail* and the delivery worker's
//! claim (which must find the few due rows among them quickly).

use super::{AnyConnection, Loader};
use anyhow::Context;

impl Loader {
    pub(super) async fn mail(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        // The demo's own interviews queued theirs when they were scheduled.
        let sql = "INSERT INTO mail_outbox (idempotency_key, kind, recipient_id, recipient, \
             interview_id, assignment_id, application_id, stage_id, sequence, nudge, subject, \
             body_text, body_html, message_id, status, due_at, next_attempt_at, attempts, sent_at, \
             created_at, updated_at) \
             SELECT 'scale-prep:' || CAST(ia.id AS TEXT), 'prep', ia.user_id, u.email, i.id, ia.id, \
             i.application_id, i.stage_id, 0, 0, 'Prepare: interview with ' || c.name, \
             'Hello ' || u.name || ',', '', 'scale' || CAST(ia.id AS TEXT), 'sent', \
             i.starts_at - 86400, i.starts_at - 86400, 1, i.starts_at - 86400, i.created_at, \
             i.created_at \
             FROM interview_assignments ia JOIN interviews i ON i.id = ia.interview_id \
             JOIN users u ON u.id = ia.user_id JOIN applications a ON a.id = i.application_id \
             JOIN candidates c ON c.id = a.candidate_id \
             WHERE i.status = 'scheduled' AND i.ends_at < $1 AND NOT EXISTS \
             (SELECT 1 FROM mail_outbox m WHERE m.assignment_id = ia.id)";
        sqlx::query(sql)
            .bind(self.now)
            .execute(&mut *conn)
            .await
            .context("seeding the outbox")?;
        Ok(())
    }
}
