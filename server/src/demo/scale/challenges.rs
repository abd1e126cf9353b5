//! The coding-challenge library at scale: a few hundred challenges (some retired) on the
//! company's skill areas, given to most interviewers of the seeded interviews, and rated
//! after the past ones, some well and some badly.

use super::{json, AnyConnection, Loader, Rng, Table, YEAR};

/// What a generated challenge is about: a title, the work it relates to, and a follow-up.
const TOPICS: &[(&str, &str, &str)] = &[
    (
        "Rate limiter",
        "limit each API key to a number of requests per minute",
        "allow short bursts",
    ),
    (
        "URL shortener",
        "turn long links into short codes and back",
        "count the clicks per day",
    ),
    (
        "Shopping cart totals",
        "add up a cart with discounts and taxes in cents",
        "support coupons that exclude sale items",
    ),
    (
        "Calendar overlaps",
        "find the free slots of three people in one week",
        "respect each person's time zone",
    ),
    (
        "CSV import",
        "import customers from a CSV file and report bad rows",
        "resume an import that stopped halfway",
    ),
    (
        "Retry with backoff",
        "call a flaky service again with growing pauses",
        "give up after a deadline",
    ),
    (
        "Access log parser",
        "read a web server's access log and find the slowest endpoints",
        "stream a log too large for memory",
    ),
    (
        "Feature flags",
        "turn features on for a percentage of users",
        "keep a user's answer stable across servers",
    ),
    (
        "Inventory reservation",
        "reserve stock while a customer pays",
        "release reservations that expire",
    ),
    (
        "Search suggestions",
        "suggest product names while a user types",
        "rank by popularity",
    ),
    (
        "Invoice numbering",
        "give invoices gap-free numbers per year",
        "number invoices from two servers at once",
    ),
    (
        "Password reset flow",
        "let a user reset a forgotten password by email",
        "stop the link from being used twice",
    ),
    (
        "Leaderboard",
        "keep the top players of a game by score",
        "show a player their own rank",
    ),
    (
        "Bug report triage",
        "sort incoming bug reports by how urgent they are",
        "spot duplicates",
    ),
    (
        "Release checklist",
        "write the checks a release must pass",
        "automate the slowest check",
    ),
    (
        "Explaining an outage",
        "explain yesterday's outage to a customer",
        "write the internal post-mortem",
    ),
];

const VARIANTS: &[&str] = &[
    "",
    " (SQL)",
    " (warm-up)",
    " for juniors",
    " v2",
    " (pairing)",
];

const NOTES: &[&str] = &[
    "Good conversation starter; the extension separated the strong candidates.",
    "Too much time went on the set-up; trim the starter code.",
    "Everyone gets the first step; the second tells us little.",
    "Candidates found the prompt ambiguous about time zones.",
    "Works well remotely; the candidate shared their screen without trouble.",
];

impl Loader {
    /// The library, then challenges for the seeded interviews' interviewers (matching the
    /// skill area they own), then ratings for those in the past.
    pub(super) async fn challenges(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        let count = (self.volume.interviews / 160).max(30);
        let authors: Vec<i64> = std::iter::once(self.admin)
            .chain(self.managers.iter().take(20).map(|p| p.id))
            .collect();
        let mut skills = Table::new("challenge_skill_areas", &["challenge_id", "skill_area_id"]);
        let mut extensions = Table::new(
            "challenge_extensions",
            &["challenge_id", "position", "body"],
        );
        let mut first_id = None;
        for n in 0..count {
            let (topic, work, follow_up) = TOPICS[n % TOPICS.len()];
            let variant = VARIANTS[(n / TOPICS.len()) % VARIANTS.len()];
            let round = n / (TOPICS.len() * VARIANTS.len());
            let title = if round == 0 {
                format!("{topic}{variant}")
            } else {
                format!("{topic}{variant} #{}", round + 1)
            };
            let difficulty = self.rng.gen_range(1..=5_i64);
            let minutes = 5 * self.rng.gen_range(2..=9_i64);
            let status = if self.chance(0.15) {
                "retired"
            } else {
                "active"
            };
            let author = authors[self.rng.gen_range(0..authors.len())];
            let at = self.now - self.rng.gen_range(30 * 86_400..2 * YEAR);
            let prompt = format!(
                "Design and write code to **{work}**. Start with the simplest version that works, then tell us what you would test.\n\nAsk questions: the details are yours to decide."
            );
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO challenges (title, prompt, difficulty, expected_minutes, starter_code, \
                 rubric, hints, status, author_id, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, '', $5, $6, $7, $8, $9, $9) RETURNING id",
            )
            .bind(&title)
            .bind(&prompt)
            .bind(difficulty)
            .bind(minutes)
            .bind("**Good**: a working first version and tests for the edge cases.\n\n**Strong**: names the trade-offs unprompted.")
            .bind("Let them choose the language.")
            .bind(status)
            .bind(author)
            .bind(at)
            .fetch_one(&mut *conn)
            .await?;
            first_id.get_or_insert(id);
            let own = self.skills[n % self.skills.len()];
            let other = self.skills[self.rng.gen_range(0..self.skills.len())];
            for skill in if own == other {
                vec![own]
            } else {
                vec![own, other]
            } {
                skills.push(conn, vec![id.into(), skill.into()]).await?;
            }
            let steps = self.rng.gen_range(0..=3_i64);
            for position in 1..=steps {
                let body = if position == 1 {
                    format!("Now {follow_up}.")
                } else {
                    format!("Step {position}: make it survive ten times the traffic.")
                };
                extensions
                    .push(conn, vec![id.into(), position.into(), body.into()])
                    .await?;
            }
            self.audit(
                conn,
                at,
                author,
                "challenge",
                id,
                "create",
                None,
                None,
                format!("Added coding challenge {title}"),
                Some(json!({ "title": title, "difficulty": difficulty, "status": status })),
            )
            .await?;
        }
        skills.finish(conn).await?;
        extensions.finish(conn).await?;
        let first_interview = self.interviews.iter().map(|i| i.id).min().unwrap_or(0);
        // Four in five assignments get a challenge testing the skill area the interviewer
        // owns (spread over the matching ones).
        sqlx::query(
            "UPDATE interview_assignments SET challenge_id = ( \
                 SELECT cs.challenge_id FROM assignment_skill_areas asa \
                 JOIN challenge_skill_areas cs ON cs.skill_area_id = asa.skill_area_id \
                 WHERE asa.assignment_id = interview_assignments.id AND cs.challenge_id >= $1 \
                 ORDER BY (cs.challenge_id * 7919 + asa.assignment_id * 104729) % 1009, \
                 cs.challenge_id LIMIT 1) \
             WHERE interview_id >= $2 AND id % 5 <> 0",
        )
        .bind(first_id.unwrap_or(0))
        .bind(first_interview)
        .execute(&mut *conn)
        .await?;
        // Seven in ten past ones were rated; a challenge's ratings centre on its own quality
        // (a quarter of them average 2, which suggests retiring them). A third carry a note.
        let note = NOTES
            .iter()
            .enumerate()
            .map(|(i, n)| format!("WHEN {i} THEN '{}'", n.replace('\'', "''")))
            .collect::<Vec<_>>()
            .join(" ");
        sqlx::query(&format!(
            "UPDATE interview_assignments SET \
             challenge_rating = CASE WHEN 1 + challenge_id % 4 + id % 3 > 5 THEN 5 \
                                     ELSE 1 + challenge_id % 4 + id % 3 END, \
             challenge_note = CASE WHEN id % 3 = 0 THEN CASE id % {} {note} END ELSE NULL END, \
             challenge_rated_at = ends_at + 3600 \
             WHERE interview_id >= $1 AND challenge_id IS NOT NULL AND ends_at < $2 AND id % 10 < 7",
            NOTES.len()
        ))
        .bind(first_interview)
        .bind(self.now)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}
