//! Openings and their hiring plans: the busy opening, the other openings, stages and
//! interview templates.

use super::{
    ensure, int, json, take, AnyConnection, Context, Loader, OpeningPlan, Rng, SliceRandom,
    StagePlan, Table, TemplatePlan, Value, DAY, EXPERIENCE, LEVELS, LOCATIONS, PLAN, ROLES, TEAMS,
    YEAR,
};

impl Loader {
    /// The demo's Backend Engineer opening, which gets the busy share of applications.
    pub(super) async fn busy_opening(
        &self,
        conn: &mut AnyConnection,
    ) -> anyhow::Result<OpeningPlan> {
        let (id, title, manager, created_at): (i64, String, i64, i64) = sqlx::query_as(
            "SELECT id, title, hiring_manager_id, created_at FROM openings \
             WHERE title = 'Backend Engineer' ORDER BY id LIMIT 1",
        )
        .fetch_one(&mut *conn)
        .await
        .context("the demo's Backend Engineer opening")?;
        let skills: Vec<i64> = sqlx::query_scalar(
            "SELECT skill_area_id FROM opening_skill_areas WHERE opening_id = $1 \
             ORDER BY skill_area_id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let stage_rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, name FROM stages WHERE opening_id = $1 ORDER BY position, id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let mut stages = Vec::new();
        for (stage_id, name) in stage_rows {
            let templates: Vec<(i64, String, i64, i64)> = sqlx::query_as(
                "SELECT t.id, t.name, t.duration_minutes, \
                 (SELECT MIN(skill_area_id) FROM template_skill_areas WHERE template_id = t.id) \
                 FROM interview_templates t WHERE t.stage_id = $1 ORDER BY t.position, t.id",
            )
            .bind(stage_id)
            .fetch_all(&mut *conn)
            .await?;
            stages.push(StagePlan {
                id: stage_id,
                name,
                templates: templates
                    .into_iter()
                    .map(|(id, name, minutes, skill)| TemplatePlan {
                        id,
                        name,
                        minutes,
                        skill,
                    })
                    .collect(),
            });
        }
        ensure!(
            stages.len() == 5,
            "the demo's Backend Engineer plan has changed"
        );
        Ok(OpeningPlan {
            id,
            title,
            manager,
            status: "open",
            created_at: created_at.min(self.now - 120 * DAY),
            skills,
            stages,
            weight: 0,
        })
    }

    pub(super) async fn openings(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        let busy = self.busy_opening(conn).await?;
        self.openings.push(busy);
        let mut openings = Table::new(
            "openings",
            &[
                "id",
                "title",
                "team",
                "level",
                "location",
                "description",
                "hiring_manager_id",
                "status",
                "created_by",
                "created_at",
                "updated_at",
            ],
        );
        let mut required = Table::new("opening_skill_areas", &["opening_id", "skill_area_id"]);
        let mut required_rows = Vec::new();
        let mut plan_rows = Vec::new();
        for _ in 1..self.volume.openings {
            let id = take(&mut self.ids.opening);
            let role = *self.pick(ROLES);
            let team = *self.pick(TEAMS);
            let level = *self.pick(LEVELS);
            let location = *self.pick(LOCATIONS);
            let manager_index = self.rng.gen_range(0..self.managers.len());
            let manager = self.managers[manager_index].id;
            let status = match self.rng.gen_range(0..100) {
                0..=69 => "closed",
                70..=89 => "open",
                90..=94 => "on_hold",
                _ => "draft",
            };
            let created_at = if status == "closed" {
                self.now - self.rng.gen_range(90 * DAY..3 * YEAR)
            } else {
                self.now - self.rng.gen_range(7 * DAY..120 * DAY)
            };
            let title = format!("{level} {role}");
            let description = format!(
                "Join the **{team}** team as a {role}.\n\n- {}\n- {}\n- Work with a friendly, \
                 distributed team in {location}.",
                self.pick(EXPERIENCE),
                self.pick(EXPERIENCE)
            );
            openings
                .push(
                    conn,
                    vec![
                        id.into(),
                        title.clone().into(),
                        team.into(),
                        level.into(),
                        location.into(),
                        description.into(),
                        manager.into(),
                        status.into(),
                        self.admin.into(),
                        created_at.into(),
                        created_at.into(),
                    ],
                )
                .await?;
            let mut skills: Vec<i64> = self
                .skills
                .choose_multiple(&mut self.rng, 3)
                .copied()
                .collect();
            skills.sort_unstable();
            required_rows.extend(skills.iter().map(|skill| (id, *skill)));
            self.audit(
                conn,
                created_at,
                self.admin,
                "opening",
                id,
                "create",
                Some(id),
                None,
                format!("Opened {title}"),
                Some(json!({ "title": title, "team": team, "status": status })),
            )
            .await?;
            let weight = self.rng.gen_range(1..=30);
            plan_rows.push((id, manager, created_at));
            self.openings.push(OpeningPlan {
                id,
                title,
                manager,
                status,
                created_at,
                skills,
                stages: Vec::new(),
                weight: if status == "draft" { 0 } else { weight },
            });
        }
        openings.finish(conn).await?;
        for (opening, skill) in required_rows {
            required
                .push(conn, vec![opening.into(), skill.into()])
                .await?;
        }
        required.finish(conn).await?;
        self.plans(conn).await
    }

    /// Every new opening gets the standard five-stage plan.
    pub(super) async fn plans(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        let mut stages = Table::new(
            "stages",
            &[
                "id",
                "opening_id",
                "position",
                "name",
                "kind",
                "skip_for_internal",
            ],
        );
        let mut templates = Table::new(
            "interview_templates",
            &["id", "stage_id", "position", "name", "duration_minutes"],
        );
        let mut template_skills =
            Table::new("template_skill_areas", &["template_id", "skill_area_id"]);
        let mut template_rows: Vec<Vec<Value>> = Vec::new();
        for index in 1..self.openings.len() {
            let (opening_id, created_at, skills) = {
                let o = &self.openings[index];
                (o.id, o.created_at, o.skills.clone())
            };
            let mut plan = Vec::new();
            for (position, (name, kind, skip)) in PLAN.iter().enumerate() {
                let stage_id = take(&mut self.ids.stage);
                stages
                    .push(
                        conn,
                        vec![
                            stage_id.into(),
                            opening_id.into(),
                            (int(position) + 1).into(),
                            (*name).into(),
                            (*kind).into(),
                            (*skip).into(),
                        ],
                    )
                    .await?;
                let specs: Vec<(String, i64, i64)> = match position {
                    1 => vec![("Phone screen".into(), 30, skills[0])],
                    2 => skills
                        .iter()
                        .enumerate()
                        .map(|(n, s)| {
                            (
                                format!("Loop interview {}", n + 1),
                                45 + 15 * (int(n) % 2),
                                *s,
                            )
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                let mut stage_templates = Vec::new();
                for (t_position, (t_name, minutes, skill)) in specs.into_iter().enumerate() {
                    let template_id = take(&mut self.ids.template);
                    template_rows.push(vec![
                        template_id.into(),
                        stage_id.into(),
                        (int(t_position) + 1).into(),
                        t_name.clone().into(),
                        minutes.into(),
                    ]);
                    stage_templates.push(TemplatePlan {
                        id: template_id,
                        name: t_name,
                        minutes,
                        skill,
                    });
                }
                self.audit(
                    conn,
                    created_at,
                    self.admin,
                    "stage",
                    stage_id,
                    "create",
                    Some(opening_id),
                    None,
                    format!("Added stage {name}"),
                    Some(json!({ "name": name, "kind": kind })),
                )
                .await?;
                plan.push(StagePlan {
                    id: stage_id,
                    name: (*name).to_owned(),
                    templates: stage_templates,
                });
            }
            self.openings[index].stages = plan;
        }
        stages.finish(conn).await?;
        for row in template_rows {
            templates.push(conn, row).await?;
        }
        templates.finish(conn).await?;
        for opening in &self.openings[1..] {
            for stage in &opening.stages {
                for template in &stage.templates {
                    template_skills
                        .push(conn, vec![template.id.into(), template.skill.into()])
                        .await?;
                }
            }
        }
        template_skills.finish(conn).await?;
        Ok(())
    }
}
