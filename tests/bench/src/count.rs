//! The sequential pass: one client, one request at a time, against a server started with
//! `count_queries`, to count the SQL statements and HTML bytes of each page and write.

use crate::pages::{Page, Targets, Write, WriterState, PASSWORD};
use anyhow::{bail, Context};
use rand::SeedableRng;

/// Statements and bytes of one page or write.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counted {
    /// SQL statements per request (the fewest of three requests).
    pub statements: u64,
    /// Size of the uncompressed answer, in bytes.
    pub bytes: usize,
    /// Size of the answer as a browser receives it (gzip), in bytes.
    pub gzip_bytes: usize,
}

pub struct Counter {
    base: String,
    plain: reqwest::Client,
}

fn client() -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .cookie_store(true)
        // Sizes are read as sent: uncompressed unless a request asks for gzip itself.
        .no_gzip()
        .build()
        .context("building an HTTP client")
}

impl Counter {
    pub fn new(base: &str) -> anyhow::Result<Self> {
        Ok(Self {
            base: base.to_owned(),
            plain: client()?,
        })
    }

    async fn statements(&self) -> anyhow::Result<u64> {
        let text = self
            .plain
            .get(format!("{}/debug/statements", self.base))
            .send()
            .await?
            .text()
            .await?;
        text.trim()
            .parse()
            .with_context(|| format!("reading the statement count: {text}"))
    }

    async fn signed_in(&self, email: &str) -> anyhow::Result<reqwest::Client> {
        let client = client()?;
        if email.is_empty() {
            return Ok(client);
        }
        let body = serde_qs::to_string(&app::auth::api::Login {
            input: app::auth::LoginInput {
                email: email.into(),
                password: PASSWORD.into(),
                next: "/".into(),
            },
        })?;
        let path = <app::auth::api::Login as leptos::server_fn::ServerFn>::PATH;
        let response = self.post(&client, path, body).await?;
        if response.0 != 200 {
            bail!("signing in as {email}: {} {}", response.0, response.1);
        }
        Ok(client)
    }

    async fn post(
        &self,
        client: &reqwest::Client,
        path: &str,
        body: String,
    ) -> anyhow::Result<(u16, String)> {
        let response = client
            .post(format!("{}{path}", self.base))
            .header("Origin", &self.base)
            .header("Accept", "application/json")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await?;
        Ok((response.status().as_u16(), response.text().await?))
    }

    /// Loads the page three times (after one warm-up load).
    pub async fn page(&self, page: &Page, targets: &Targets) -> anyhow::Result<Counted> {
        let client = self.signed_in(page.user).await?;
        let url = format!("{}{}", self.base, (page.path)(targets));
        client
            .get(&url)
            .header("Accept", "text/html")
            .send()
            .await?
            .bytes()
            .await?;
        let mut counted = Counted {
            statements: u64::MAX,
            ..Counted::default()
        };
        for _ in 0..3 {
            let before = self.statements().await?;
            let response = client
                .get(&url)
                .header("Accept", "text/html")
                .send()
                .await?;
            let status = response.status();
            let landed = response.url().to_string();
            let body = response.bytes().await?;
            let after = self.statements().await?;
            if !status.is_success() {
                bail!("{} answered {status}", page.name);
            }
            if landed != url {
                bail!("{} was answered by another page: {landed}", page.name);
            }
            counted.statements = counted.statements.min(after - before);
            counted.bytes = body.len();
        }
        counted.gzip_bytes = self.gzip_size(&client, &url).await?;
        Ok(counted)
    }

    async fn gzip_size(&self, client: &reqwest::Client, url: &str) -> anyhow::Result<usize> {
        let response = client
            .get(url)
            .header("Accept", "text/html")
            .header("Accept-Encoding", "gzip")
            .send()
            .await?;
        Ok(response.bytes().await?.len())
    }

    /// Makes the write three times.
    pub async fn write(&self, write: &Write, targets: &Targets) -> anyhow::Result<Counted> {
        let client = self.signed_in(write.user).await?;
        // The counting run books its own slots (run 3; the load runs are 1 and 2).
        let mut state = WriterState {
            index: 0,
            run: 3,
            rng: rand::rngs::StdRng::seed_from_u64(7),
            calls: 0,
        };
        let mut counted = Counted {
            statements: u64::MAX,
            ..Counted::default()
        };
        for _ in 0..3 {
            let (path, body) = (write.call)(targets, &mut state)?;
            state.calls += 1;
            let before = self.statements().await?;
            let (status, text) = self.post(&client, &path, body).await?;
            let after = self.statements().await?;
            if status != 200 {
                bail!("{} answered {status}: {text}", write.name);
            }
            counted.statements = counted.statements.min(after - before);
            counted.bytes = text.len();
        }
        Ok(counted)
    }
}

/// Checks that must hold with two instances on one database; returns what was seen.
pub async fn cross_instance_checks(
    a: &str,
    b: &str,
    targets: &Targets,
) -> anyhow::Result<Vec<String>> {
    let on_a = Counter::new(a)?;
    let on_b = Counter::new(b)?;
    let mut seen = Vec::new();

    // A session started on one instance is valid on the other (cookies are not per port).
    let ivan = on_a.signed_in(crate::pages::IVAN).await?;
    let response = ivan
        .get(format!("{b}/my-interviews"))
        .header("Accept", "text/html")
        .send()
        .await?;
    let landed = response.url().path().to_owned();
    let body = response.text().await?;
    let shared = landed == "/my-interviews" && body.contains("Ivan Petrov");
    seen.push(format!(
        "Sessions: signed in on instance A, My interviews on instance B: {}.",
        if shared {
            "served (shared session store)"
        } else {
            "NOT served"
        }
    ));
    let logout = <app::auth::api::Logout as leptos::server_fn::ServerFn>::PATH;
    on_b.post(&ivan, logout, String::new()).await?;
    let after = ivan
        .get(format!("{a}/my-interviews"))
        .header("Accept", "text/html")
        .send()
        .await?;
    let ended = after.url().path().starts_with("/login");
    seen.push(format!(
        "Signing out on B ends the session on A: {}.",
        if ended { "yes" } else { "NO" }
    ));

    // Two managers book the same interviewer for the same slot at the same moment, one
    // through each instance: exactly one booking may succeed.
    let hannah_a = on_a.signed_in(crate::pages::HANNAH).await?;
    let hannah_b = on_b.signed_in(crate::pages::HANNAH).await?;
    let rounds = 10;
    let mut exactly_one = 0;
    let mut refusal = String::new();
    for round in 0..rounds {
        let day = chrono::Utc::now().date_naive() + chrono::Days::new(200 + round);
        let body = |application: i64| {
            serde_qs::to_string(&app::interviews::api::ScheduleInterview {
                application_id: application,
                input: app::interviews::ScheduleInput {
                    template_id: targets.loop_template.to_string(),
                    title: "Back-end deep dive".into(),
                    date: day.format("%Y-%m-%d").to_string(),
                    start_time: "10:00".into(),
                    end_time: "11:00".into(),
                    timezone: "Europe/Berlin".into(),
                    location: "https://meet.hireloop.test/lock".into(),
                    interviewers: vec![app::interviews::InterviewerInput {
                        user_id: targets.ivan.to_string(),
                        skills: vec![targets.loop_skill],
                    }],
                    confirm: app::values::Checkbox(true),
                },
            })
        };
        let path = <app::interviews::api::ScheduleInterview as leptos::server_fn::ServerFn>::PATH;
        let (first, second) = tokio::join!(
            on_a.post(&hannah_a, path, body(targets.schedulable[0])?),
            on_b.post(&hannah_b, path, body(targets.schedulable[1])?),
        );
        let answers = [first?, second?];
        let successes = answers.iter().filter(|(status, _)| *status == 200).count();
        if successes == 1 {
            exactly_one += 1;
            if refusal.is_empty() {
                refusal = answers
                    .iter()
                    .find(|(status, _)| *status != 200)
                    .map(|(status, text)| format!("{status} {text}"))
                    .unwrap_or_default();
            }
        }
    }
    seen.push(format!(
        "Scheduling lock: {rounds} rounds of two simultaneous bookings of one interviewer for one slot, one per instance: exactly one booked in {exactly_one} of {rounds} (the other was refused: `{}`).",
        refusal.chars().take(160).collect::<String>()
    ));
    Ok(seen)
}
