//! The history of each application as the board writes it.

use super::{int, json, AnyConnection, Loader, DAY};

/// The history of each application as the board writes it: applied, each move, the outcome.
impl Loader {
    pub(super) async fn history(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        for index in 0..self.applications.len() {
            let (id, opening, reached, status, created_at) = {
                let a = &self.applications[index];
                (a.id, a.opening, a.reached, a.status, a.created_at)
            };
            let manager = self.openings[opening].manager;
            let stages: Vec<(i64, String)> = self.openings[opening]
                .stages
                .iter()
                .map(|s| (s.id, s.name.clone()))
                .collect();
            let title = self.openings[opening].title.clone();
            let candidate = self.candidates[self.applications[index].candidate].id;
            let name = self.candidates[self.applications[index].candidate]
                .name
                .clone();
            self.event(
                conn,
                id,
                created_at,
                manager,
                (None, Some(stages[0].0)),
                (None, Some("active")),
                "Applied".into(),
                None,
            )
            .await?;
            let opening_id = self.openings[opening].id;
            self.audit(
                conn,
                created_at,
                manager,
                "application",
                id,
                "create",
                Some(opening_id),
                Some(candidate),
                format!("{name} applied to {title}"),
                None,
            )
            .await?;
            for step in 1..=reached {
                let at = (created_at + int(step) * 9 * DAY).min(self.now);
                self.event(
                    conn,
                    id,
                    at,
                    manager,
                    (Some(stages[step - 1].0), Some(stages[step].0)),
                    (None, None),
                    String::new(),
                    None,
                )
                .await?;
                self.audit(
                    conn,
                    at,
                    manager,
                    "application",
                    id,
                    "move",
                    Some(opening_id),
                    Some(candidate),
                    format!("Moved {name} to {}", stages[step].1),
                    Some(json!({ "stage": stages[step].1 })),
                )
                .await?;
            }
            if status != "active" {
                let at = (created_at + (int(reached) + 1) * 9 * DAY).min(self.now);
                self.event(
                    conn,
                    id,
                    at,
                    manager,
                    (None, None),
                    (Some("active"), Some(status)),
                    String::new(),
                    None,
                )
                .await?;
                self.audit(
                    conn,
                    at,
                    manager,
                    "application",
                    id,
                    "status",
                    Some(opening_id),
                    Some(candidate),
                    format!("{name}: {status}"),
                    Some(json!({ "status": status })),
                )
                .await?;
            }
        }
        Ok(())
    }
}
