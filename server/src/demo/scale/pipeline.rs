//! Candidates (with resumes) and their applications.

use super::*;

impl Loader {
    pub(super) fn resume(&mut self, name: &str) -> String {
        let mut text = format!("# {name}\n\n{}\n\n## Experience\n\n", self.pick(SUMMARIES));
        for _ in 0..self.rng.gen_range(2..5) {
            let employer = *self.pick(EMPLOYERS);
            let from = self.rng.gen_range(2008..2023);
            let to = from + self.rng.gen_range(1..4);
            let _ = write!(text, "### {employer} ({from}–{to})\n\n");
            for _ in 0..self.rng.gen_range(2..5) {
                let _ = writeln!(text, "- {}", self.pick(EXPERIENCE));
            }
            text.push('\n');
        }
        text
    }

    /// A PDF-sized blob (the content is not looked at when reading a candidate).
    pub(super) fn pdf(&mut self) -> Vec<u8> {
        let size = self.rng.gen_range(40_000..120_000);
        let mut bytes = b"%PDF-1.4\n".to_vec();
        bytes.extend((0..size).map(|_| self.rng.gen::<u8>()));
        bytes.extend_from_slice(b"\n%%EOF\n");
        bytes
    }

    pub(super) async fn candidates(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        let mut table = Table::new(
            "candidates",
            &[
                "id",
                "name",
                "email",
                "phone",
                "source",
                "links",
                "resume_text",
                "resume_pdf_name",
                "resume_pdf_size",
                "is_internal",
                "current_title",
                "current_team",
                "current_manager_id",
                "start_date",
                "created_by",
                "created_at",
                "updated_at",
            ],
        );
        let mut files = Vec::new();
        for n in 0..self.volume.candidates {
            let id = take(&mut self.ids.candidate);
            let name = self.person_name();
            let slug: String = name
                .to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '.' })
                .collect();
            let internal = self.chance(0.03);
            let manager = internal.then(|| self.pick(&self.all_people.clone()).id);
            let (email, source) = if internal {
                (format!("{slug}.{n}@{DOMAIN}"), "internal")
            } else {
                let source = *self.pick(&["referral", "job_board", "sourced", "agency"]);
                (format!("{slug}.{n}@example.net"), source)
            };
            let created_at = self.now - self.rng.gen_range(DAY..3 * YEAR);
            let resume = self.resume(&name);
            let pdf = self.chance(0.05).then(|| self.pdf());
            let pdf_size = pdf.as_ref().map(|p| int(p.len()));
            let creator = self.pick(&self.managers.clone()).id;
            table
                .push(
                    conn,
                    vec![
                        id.into(),
                        name.clone().into(),
                        email.into(),
                        format!("+49 30 {:07}", self.rng.gen_range(0..10_000_000)).into(),
                        source.into(),
                        format!("https://example.net/{slug}").into(),
                        resume.into(),
                        pdf_size.map(|_| format!("{slug}-resume.pdf")).into(),
                        pdf_size.into(),
                        internal.into(),
                        internal
                            .then(|| "Customer support specialist".to_owned())
                            .into(),
                        internal.then(|| "Customer Support".to_owned()).into(),
                        manager.into(),
                        internal.then(|| "2022-04-04".to_owned()).into(),
                        creator.into(),
                        created_at.into(),
                        created_at.into(),
                    ],
                )
                .await?;
            self.audit(
                conn,
                created_at,
                creator,
                "candidate",
                id,
                "create",
                None,
                Some(id),
                format!("Added candidate {name}"),
                Some(json!({ "name": name, "source": source })),
            )
            .await?;
            if let Some(pdf) = pdf {
                files.push((id, pdf));
            }
            self.candidates.push(Candidate { id, name, manager });
        }
        table.finish(conn).await?;
        let mut table = Table::new("resume_files", &["candidate_id", "content"]).batch(20);
        for (id, pdf) in files {
            table.push(conn, vec![id.into(), Value::Blob(pdf)]).await?;
        }
        table.finish(conn).await?;
        Ok(())
    }

    /// How far an application got and how it ended, by the state of its opening.
    pub(super) fn outcome(&mut self, opening_status: &str, busy: bool) -> (usize, &'static str) {
        let active = opening_status != "closed" && self.chance(if busy { 0.6 } else { 0.5 });
        if active {
            let weights = if busy {
                [25, 20, 40, 10, 5]
            } else {
                [30, 25, 30, 10, 5]
            };
            let reached = WeightedIndex::new(weights).map_or(0, |w| w.sample(&mut self.rng));
            return (reached, "active");
        }
        match self.rng.gen_range(0..100) {
            0..=79 => {
                let reached =
                    WeightedIndex::new([40, 30, 25, 5, 0]).map_or(0, |w| w.sample(&mut self.rng));
                (reached, "rejected")
            }
            80..=94 => {
                let reached =
                    WeightedIndex::new([30, 30, 30, 10, 0]).map_or(0, |w| w.sample(&mut self.rng));
                (reached, "withdrawn")
            }
            _ => (4, "hired"),
        }
    }

    pub(super) async fn applications(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        let existing: Vec<(i64, i64)> =
            sqlx::query_as("SELECT candidate_id, opening_id FROM applications")
                .fetch_all(&mut *conn)
                .await?;
        let mut taken: HashSet<(i64, i64)> = existing.into_iter().collect();
        let weights: Vec<u32> = self.openings.iter().map(|o| o.weight).collect();
        let spread = WeightedIndex::new(&weights).context("opening weights")?;
        let others = self
            .volume
            .applications
            .saturating_sub(self.volume.busy_applications);
        let mut table = Table::new(
            "applications",
            &[
                "id",
                "candidate_id",
                "opening_id",
                "stage_id",
                "status",
                "status_reason",
                "stage_entered_at",
                "created_by",
                "created_at",
                "updated_at",
            ],
        );
        for n in 0..self.volume.busy_applications + others {
            let opening = if n < self.volume.busy_applications {
                0
            } else {
                spread.sample(&mut self.rng)
            };
            let candidate = loop {
                let c = self.rng.gen_range(0..self.candidates.len());
                if taken.insert((self.candidates[c].id, self.openings[opening].id)) {
                    break c;
                }
            };
            let (reached, status) = self.outcome(self.openings[opening].status, opening == 0);
            let o = &self.openings[opening];
            let created_at = if status == "active" {
                (self.now - self.rng.gen_range(DAY..60 * DAY)).max(o.created_at)
            } else if o.status == "closed" {
                o.created_at + self.rng.gen_range(0..60 * DAY)
            } else {
                o.created_at + self.rng.gen_range(0..(self.now - o.created_at).max(DAY))
            };
            let entered = created_at + int(reached) * 9 * DAY;
            let reason = match status {
                "rejected" => Some((*self.pick(REJECTION_REASONS)).to_owned()),
                "withdrawn" => Some((*self.pick(WITHDRAWAL_REASONS)).to_owned()),
                _ => None,
            };
            let id = take(&mut self.ids.application);
            let o = &self.openings[opening];
            table
                .push(
                    conn,
                    vec![
                        id.into(),
                        self.candidates[candidate].id.into(),
                        o.id.into(),
                        o.stages[reached].id.into(),
                        status.into(),
                        reason.into(),
                        entered.min(self.now).into(),
                        o.manager.into(),
                        created_at.into(),
                        entered.min(self.now).into(),
                    ],
                )
                .await?;
            self.applications.push(Application {
                id,
                candidate,
                opening,
                reached,
                status,
                created_at,
            });
        }
        table.finish(conn).await?;
        self.history(conn).await
    }
}
