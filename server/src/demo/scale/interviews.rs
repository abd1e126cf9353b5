//! Interviews, their interviewers, feedback volume and the final counts.

use super::{
    json, take, AnyConnection, HistoryNote, Interview, Loader, Rng, Table, DAY, EVIDENCE, RATINGS,
    YEAR,
};

impl Loader {
    pub(super) fn pick_interviewer(&mut self, exclude: &[i64], hidden_from: Option<i64>) -> i64 {
        loop {
            let person = if self.chance(0.2) {
                let i = self.rng.gen_range(0..self.busy.len());
                self.busy[i].id
            } else {
                let i = self.rng.gen_range(0..self.interviewers.len());
                self.interviewers[i].id
            };
            if !exclude.contains(&person) && Some(person) != hidden_from {
                return person;
            }
        }
    }

    /// Phone screens and loops for every application that got that far.
    pub(super) async fn interviews(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        let horizon = self.now + 21 * DAY;
        for index in 0..self.applications.len() {
            let (reached, created_at, active, opening, hidden_from) = {
                let a = &self.applications[index];
                (
                    a.reached,
                    a.created_at,
                    a.status == "active",
                    a.opening,
                    self.candidates[a.candidate].manager,
                )
            };
            if reached == 0 {
                continue;
            }
            let mut day = created_at + self.rng.gen_range(2..8) * DAY;
            for stage in 1..=reached.min(2) {
                if active && day > horizon {
                    day = self.now + self.rng.gen_range(1..21) * DAY;
                }
                let mut at = self.working_hour(day);
                let count = self.openings[opening].stages[stage].templates.len();
                for template in 0..count {
                    let minutes = self.openings[opening].stages[stage].templates[template].minutes;
                    let cancelled = self.chance(0.04);
                    self.add_interview(index, stage, template, at, cancelled, hidden_from);
                    if cancelled {
                        // Moved two days later.
                        self.add_interview(
                            index,
                            stage,
                            template,
                            at + 2 * DAY,
                            false,
                            hidden_from,
                        );
                    }
                    at += (minutes + 15) * 60;
                }
                day += self.rng.gen_range(5..14) * DAY;
            }
            if self.interviews.len() >= self.volume.interviews {
                break;
            }
        }
        // Top up with follow-up conversations in loops until the volume is reached.
        let looped: Vec<usize> = (0..self.applications.len())
            .filter(|&i| self.applications[i].reached >= 2)
            .collect();
        while self.interviews.len() < self.volume.interviews && !looped.is_empty() {
            let index = *self.pick(&looped);
            let created_at = self.applications[index].created_at;
            let hidden_from = self.candidates[self.applications[index].candidate].manager;
            let later = created_at + self.rng.gen_range(10..40) * DAY;
            let at = self.working_hour(later);
            let at = at.min(self.now + 20 * DAY);
            self.add_interview(index, 2, 0, at, false, hidden_from);
        }
        self.write_interviews(conn).await
    }

    pub(super) fn add_interview(
        &mut self,
        application: usize,
        stage: usize,
        template: usize,
        starts_at: i64,
        cancelled: bool,
        hidden_from: Option<i64>,
    ) {
        let opening = self.applications[application].opening;
        let skills = self.openings[opening].skills.clone();
        let own_skill = self.openings[opening].stages[stage].templates[template].skill;
        let first = self.pick_interviewer(&[], hidden_from);
        let mut interviewers = vec![(first, own_skill)];
        if self.chance(0.35) {
            let second = self.pick_interviewer(&[first], hidden_from);
            let skill = *self.pick(&skills);
            interviewers.push((second, skill));
        }
        let id = take(&mut self.ids.interview);
        self.interviews.push(Interview {
            id,
            application,
            stage,
            template,
            starts_at,
            cancelled,
            interviewers,
        });
    }

    pub(super) async fn write_interviews(
        &mut self,
        conn: &mut AnyConnection,
    ) -> anyhow::Result<()> {
        let mut interviews = Table::new(
            "interviews",
            &[
                "id",
                "application_id",
                "stage_id",
                "template_id",
                "title",
                "starts_at",
                "duration_minutes",
                "ends_at",
                "location",
                "status",
                "cancel_reason",
                "scheduled_by",
                "created_at",
                "updated_at",
            ],
        );
        let mut assignments = Table::new(
            "interview_assignments",
            &["id", "interview_id", "user_id", "starts_at", "ends_at"],
        );
        let mut skills = Table::new(
            "assignment_skill_areas",
            &["assignment_id", "skill_area_id"],
        );
        let list = std::mem::take(&mut self.interviews);
        let mut assignment_rows = Vec::new();
        for interview in &list {
            let application = &self.applications[interview.application];
            let opening = &self.openings[application.opening];
            let template = &opening.stages[interview.stage].templates[interview.template];
            let ends_at = interview.starts_at + template.minutes * 60;
            let scheduled_at = (interview.starts_at - 3 * DAY).max(application.created_at);
            interviews
                .push(
                    conn,
                    vec![
                        interview.id.into(),
                        application.id.into(),
                        opening.stages[interview.stage].id.into(),
                        template.id.into(),
                        template.name.clone().into(),
                        interview.starts_at.into(),
                        template.minutes.into(),
                        ends_at.into(),
                        "https://meet.hireloop.test/loop".into(),
                        if interview.cancelled {
                            "cancelled"
                        } else {
                            "scheduled"
                        }
                        .into(),
                        interview
                            .cancelled
                            .then(|| "The candidate asked to move it.".to_owned())
                            .into(),
                        opening.manager.into(),
                        scheduled_at.into(),
                        scheduled_at.into(),
                    ],
                )
                .await?;
            for (user, skill) in &interview.interviewers {
                let id = take(&mut self.ids.assignment);
                assignment_rows.push((
                    id,
                    interview.id,
                    *user,
                    *skill,
                    interview.starts_at,
                    ends_at,
                ));
            }
        }
        interviews.finish(conn).await?;
        for (id, interview, user, _, starts_at, ends_at) in &assignment_rows {
            assignments
                .push(
                    conn,
                    vec![
                        (*id).into(),
                        (*interview).into(),
                        (*user).into(),
                        (*starts_at).into(),
                        (*ends_at).into(),
                    ],
                )
                .await?;
        }
        assignments.finish(conn).await?;
        for (id, _, _, skill, _, _) in &assignment_rows {
            skills
                .push(conn, vec![(*id).into(), (*skill).into()])
                .await?;
        }
        skills.finish(conn).await?;
        // History and audit of each booking, as scheduling writes them.
        for interview in &list {
            let application = &self.applications[interview.application];
            let opening = &self.openings[application.opening];
            let template = &opening.stages[interview.stage].templates[interview.template];
            let ends_at = interview.starts_at + template.minutes * 60;
            let scheduled_at = (interview.starts_at - 3 * DAY).max(application.created_at);
            let candidate = &self.candidates[application.candidate];
            let note = HistoryNote::InterviewScheduled {
                title: template.name.clone(),
                starts_at: interview.starts_at,
                ends_at,
            };
            let (app_id, manager, opening_id, candidate_id) =
                (application.id, opening.manager, opening.id, candidate.id);
            let summary = format!("Scheduled {} with {}", template.name, candidate.name);
            let after = json!({
                "title": template.name,
                "starts_at": interview.starts_at,
                "ends_at": ends_at,
                "interviewers": interview.interviewers.iter().map(|(u, _)| u).collect::<Vec<_>>(),
            });
            self.event(
                conn,
                app_id,
                scheduled_at,
                manager,
                (None, None),
                (None, None),
                String::new(),
                Some(serde_json::to_string(&note)?),
            )
            .await?;
            self.audit(
                conn,
                scheduled_at,
                manager,
                "interview",
                interview.id,
                "schedule",
                Some(opening_id),
                Some(candidate_id),
                summary,
                Some(after),
            )
            .await?;
        }
        self.interviews = list;
        Ok(())
    }

    /// Feedback volume (scorecards to come): per past interviewer, a rating per skill area,
    /// an overall recommendation and notes, as history notes; one audit row each.
    pub(super) async fn feedback(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        let names: std::collections::HashMap<i64, String> = self
            .all_people
            .iter()
            .map(|p| (p.id, p.name.clone()))
            .collect();
        let skill_names: std::collections::HashMap<i64, String> =
            sqlx::query_as::<_, (i64, String)>("SELECT id, name FROM skill_areas")
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .collect();
        let mut written = 0;
        let list = std::mem::take(&mut self.interviews);
        let now = self.now;
        'all: for interview in list.iter().filter(|i| !i.cancelled && i.starts_at < now) {
            let application = &self.applications[interview.application];
            let (app_id, opening_id, candidate_id) = (
                application.id,
                self.openings[application.opening].id,
                self.candidates[application.candidate].id,
            );
            let candidate_name = self.candidates[application.candidate].name.clone();
            let at = interview.starts_at + 2 * 3_600;
            for (user, skill) in &interview.interviewers {
                let who = names.get(user).cloned().unwrap_or_default();
                let area = skill_names.get(skill).cloned().unwrap_or_default();
                let rating = *self.pick(RATINGS);
                let overall = *self.pick(RATINGS);
                let notes = [
                    format!(
                        "Feedback from {who} on {area}: {rating}. {}",
                        self.pick(EVIDENCE)
                    ),
                    format!("Overall recommendation from {who}: {overall}."),
                    format!(
                        "{who}: the candidate asked about on-call and how the team plans its work."
                    ),
                ];
                for note in notes {
                    self.event(
                        conn,
                        app_id,
                        at,
                        *user,
                        (None, None),
                        (None, None),
                        note,
                        None,
                    )
                    .await?;
                    written += 1;
                    if written >= self.volume.feedback {
                        break 'all;
                    }
                }
                self.audit(
                    conn,
                    at,
                    *user,
                    "interview",
                    interview.id,
                    "feedback",
                    Some(opening_id),
                    Some(candidate_id),
                    format!("Feedback on {area} for {candidate_name}"),
                    Some(json!({ "rating": rating, "overall": overall })),
                )
                .await?;
            }
        }
        self.interviews = list;
        Ok(())
    }

    /// Fills the audit log up to its volume with candidate edits, then writes what is queued.
    pub(super) async fn finish(
        mut self,
        conn: &mut AnyConnection,
    ) -> anyhow::Result<Vec<(&'static str, u64)>> {
        let written = usize::try_from(self.ids.audit - 1).unwrap_or(0);
        let mut filler = self.volume.audit.saturating_sub(written);
        while filler > 0 && !self.candidates.is_empty() {
            let index = self.rng.gen_range(0..self.candidates.len());
            let (id, name) = (
                self.candidates[index].id,
                self.candidates[index].name.clone(),
            );
            let at = self.now - self.rng.gen_range(DAY..2 * YEAR);
            let actor = self.pick(&self.managers.clone()).id;
            self.audit(
                conn,
                at,
                actor,
                "candidate",
                id,
                "update",
                None,
                Some(id),
                format!("Edited candidate {name}"),
                Some(json!({ "phone": "+49 30 5550100" })),
            )
            .await?;
            filler -= 1;
        }
        let audit = std::mem::replace(&mut self.audit, Table::new("audit_log", &["id"]));
        let events = std::mem::replace(&mut self.events, Table::new("application_events", &["id"]));
        let audit_rows = audit.finish(conn).await?;
        let event_rows = events.finish(conn).await?;
        let assignments: usize = self.interviews.iter().map(|i| i.interviewers.len()).sum();
        Ok(vec![
            ("users", (self.all_people.len()) as u64),
            ("openings", self.openings.len() as u64),
            ("candidates", self.candidates.len() as u64),
            ("applications", self.applications.len() as u64),
            ("interviews", self.interviews.len() as u64),
            ("interview assignments", assignments as u64),
            ("history rows", event_rows),
            ("audit rows", audit_rows),
        ])
    }
}
