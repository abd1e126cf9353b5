//! Agendas at scale: every seeded interview runs on the standard 45-minute agenda, and the
//! interviewers of past ones left notes on its items.

use super::{AnyConnection, Loader};
use anyhow::Context;

/// The standard agenda's items: `(title, minutes, coding)`.
const ITEMS: &[(&str, i64, bool)] = &[
    ("Welcome and a break offer", 2, false),
    ("The role and the team", 5, false),
    ("Resume deep-dive", 18, false),
    ("Coding challenge", 15, true),
    ("Candidate's questions", 5, false),
];

impl Loader {
    /// Gives each seeded interview its agenda, and the past ones their interviewers' notes
    /// on the resume item.
    pub(super) async fn agendas(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        // The demo's own interviews have their agendas already.
        let first: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(interview_id), 0) + 1 FROM agenda_items")
                .fetch_one(&mut *conn)
                .await
                .context("finding the seeded interviews")?;
        for (position, (title, minutes, coding)) in (1_i64..).zip(ITEMS) {
            sqlx::query(
                "INSERT INTO agenda_items (interview_id, position, title, minutes, guidance, is_coding) \
                 SELECT id, $1, $2, $3, '', $4 FROM interviews WHERE id >= $5",
            )
            .bind(position)
            .bind(*title)
            .bind(*minutes)
            .bind(*coding)
            .bind(first)
            .execute(&mut *conn)
            .await
            .context("seeding agenda items")?;
        }
        sqlx::query(
            "INSERT INTO interview_notes (agenda_item_id, user_id, body, updated_at) \
             SELECT ai.id, ia.user_id, 'Walked through their last project; clear on trade-offs.', i.ends_at \
             FROM interviews i JOIN interview_assignments ia ON ia.interview_id = i.id \
             JOIN agenda_items ai ON ai.interview_id = i.id AND ai.position = 3 \
             WHERE i.id >= $1 AND i.ends_at < $2",
        )
        .bind(first)
        .bind(self.now)
        .execute(&mut *conn)
        .await
        .context("seeding interview notes")?;
        Ok(())
    }
}
