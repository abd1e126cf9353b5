//! The demo's coding-challenge library: four challenges written by Ada (the admin), each
//! relating to real work, starting simple and extending, with a rubric for interviewers.
//! A challenge whose title exists already is left alone.

use super::{app_error, planner, DEMO_SKILL_AREAS};
use app::challenges::{service as challenges, ChallengeInput};
use app::db::Db;
use std::collections::BTreeMap;

struct ChallengeSpec {
    title: &'static str,
    skills: &'static [&'static str],
    difficulty: u8,
    minutes: u16,
    prompt: &'static str,
    starter_code: &'static str,
    extensions: &'static [&'static str],
    rubric: &'static str,
    hints: &'static str,
}

const SIGN_UP_STORAGE: ChallengeSpec = ChallengeSpec {
    title: "Storage for sign-up accounts",
    skills: &["Data modelling", "Back-end"],
    difficulty: 2,
    minutes: 25,
    prompt: "Our sign-up back end needs somewhere to keep **user accounts**. A person signs up with their name, an email address and a password; later they sign in and can change their name.\n\nDesign the storage:\n\n- Which fields does an account have, and of which types?\n- How long may each text be, and what do you validate before storing it?\n- People sign up from all over the world: how do you store names like *José Ñúñez*, *Nguyễn Thị Minh Khai*, *Zoë O'Brien* or a single name like *Suharto*?\n\nWrite it as a table definition (any SQL dialect) or as a type in a language you like, and talk us through your choices.",
    starter_code: "CREATE TABLE accounts (\n    id BIGINT PRIMARY KEY\n    -- your columns here\n);",
    extensions: &[
        "**Email verification.** An account may only sign in once its email address is confirmed through a link we send. What do you add, and how long is a link valid?",
        "**Soft delete and erasure.** A person closes their account: we keep it for 30 days in case they change their mind, then a GDPR erasure request must remove their personal data for good. What changes in the design, and what about invoices that must be kept for ten years?",
        "**Login throttling.** Someone is trying thousands of passwords against one account. Where do you record failed sign-ins, and how do you slow the attacker down without locking the real owner out?",
    ],
    rubric: "**Weak**: one `name` column of `VARCHAR(50)`, email stored as typed, a password column (plain or a fast hash), no uniqueness.\n\n**Good**: a generated id; email trimmed, compared case-insensitively and unique; a password *hash* (argon2, bcrypt or scrypt) with no length cap below 64; timestamps in UTC; a single full-name field in UTF-8 with a generous limit, no assumptions about first/last names.\n\n**Strong**: explains why `first_name`/`last_name` fail for many cultures; normalises Unicode (NFC) before comparing; separates login identity from profile data; thinks about what the erasure extension means for foreign keys and logs.",
    hints: "- If they stall on names: *\"How would you store the name of someone who has only one name?\"*\n- If they store the password: ask what happens when the database leaks.\n- Any dialect is fine; do not let syntax eat the time.",
};

const RATE_LIMITER: ChallengeSpec = ChallengeSpec {
    title: "Rate limiter for a public API",
    skills: &["Back-end"],
    difficulty: 3,
    minutes: 30,
    prompt: "Our public API must refuse clients that send too many requests: at most **100 requests per minute per API key**.\n\nWrite the function that decides whether a request is allowed, given the API key and the current time. Keep the state in memory for now. Talk about what happens at the minute boundary.",
    starter_code: "use std::collections::HashMap;\n\nstruct Limiter {\n    // your state here\n}\n\nimpl Limiter {\n    /// Whether a request from `key` at `now_ms` may proceed.\n    fn allow(&mut self, key: &str, now_ms: u64) -> bool {\n        todo!()\n    }\n}",
    extensions: &[
        "**Bursts.** A client may send up to 20 requests at once, as long as the average stays within the limit (a token bucket). How does your state change?",
        "**Memory.** A million keys each send one request and never come back. How do you keep memory bounded?",
        "**Several servers.** We run four instances behind a load balancer. How do you keep the limit across them, and what do you do when the shared store is unreachable?",
    ],
    rubric: "**Weak**: a counter that is never reset, or a reset that lets 200 requests through around a minute boundary without noticing.\n\n**Good**: a fixed or sliding window per key with the trade-off explained; tests for the boundary; notices the clock is passed in (testable).\n\n**Strong**: token bucket with refill arithmetic done right (no floating-point drift, no overflow); eviction of idle keys; for several servers, a shared store with atomic increments and a clear fail-open or fail-closed decision.",
    hints: "- Suggest writing the test for the boundary first if they dive into code.\n- A `HashMap<String, (u64, u32)>` is a perfectly good start.",
};

const LOG_SUMMARY: ChallengeSpec = ChallengeSpec {
    title: "Summarise a test run's log",
    skills: &["Testing & quality", "Curiosity & learning"],
    difficulty: 2,
    minutes: 20,
    prompt: "The nightly test run writes a log like the one below, thousands of lines long. The QA team wants a **short summary** every morning: how many tests passed, failed and were skipped, and which failures to look at first.\n\nDecide what the summary says, then write the code (or a precise plan) that produces it from the log.",
    starter_code: "2025-03-04T02:00:01Z START checkout::applies_discount\n2025-03-04T02:00:01Z PASS  checkout::applies_discount (120 ms)\n2025-03-04T02:00:02Z START checkout::rejects_expired_card\n2025-03-04T02:00:09Z FAIL  checkout::rejects_expired_card (7012 ms): timeout waiting for payment form\n2025-03-04T02:00:09Z SKIP  search::fuzzy_match (flaky, issue #482)\n2025-03-04T02:00:10Z START search::exact_match\n2025-03-04T02:00:10Z PASS  search::exact_match (35 ms)",
    extensions: &[
        "**Group the failures.** Forty tests failed with the same `timeout waiting for payment form`. Group failures by their cause so that the summary names the cause once.",
        "**Flaky tests.** Given the last seven nights' logs, which tests are flaky (fail some nights, pass others with no change)? How sure can you be?",
        "**For the pull request.** Produce the summary as a Markdown comment a CI job can post on a pull request, with the slowest five tests.",
    ],
    rubric: "**Weak**: counts lines containing `FAIL` (double counts, misses a `START` without an end).\n\n**Good**: parses each line into time, status, test and detail; handles a test that started and never finished (a crash); orders failures sensibly; asks who reads the summary.\n\n**Strong**: questions the format (what if a test name has spaces?), tests the parser on odd lines, and for flakiness talks about evidence rather than a single threshold.",
    hints: "- Ask what the team does with the summary at 9:00; it shapes what goes first.\n- A test with `START` and no result is the interesting case: let them find it.",
};

const CUSTOMER_EMAIL: ChallengeSpec = ChallengeSpec {
    title: "Rewrite a reply to an upset customer",
    skills: &["Communication"],
    difficulty: 1,
    minutes: 15,
    prompt: "A customer was charged **twice** for their March invoice and wrote in, angry. A colleague drafted the reply below (in the starter text). It is accurate but will not calm anyone down.\n\nRewrite it so that the customer knows what happened, what we are doing and what they need to do (nothing), in plain words. Then tell us what you changed and why.",
    starter_code: "Subject: RE: Ticket #88213\n\nHello,\n\nDue to an issue in the payment provider's idempotency handling a duplicate capture was executed on your account. This has been escalated to the billing team as per process. Refunds are processed within 5-10 business days subject to bank processing times.\n\nRegards,\nSupport",
    extensions: &[
        "**The short version.** The customer wrote through the in-app chat instead. Say the same in three sentences or fewer.",
        "**The internal note.** Write the two-line note to the billing team that makes sure the refund actually happens, with what they need to act.",
        "**Bad news.** The refund will take three weeks, not ten days. Tell the customer without losing them.",
    ],
    rubric: "**Weak**: polishes the wording but keeps the jargon (*idempotency*, *capture*) and the passive voice; no apology, no date.\n\n**Good**: apologises once, explains in plain words (*we charged you twice by mistake*), says what happens next with a date, and that the customer needs to do nothing; signs with a name.\n\n**Strong**: anticipates the next question (*will it happen again?*), keeps it short, and explains their choices clearly, which is the point of the exercise.",
    hints: "- Ask them to read their version aloud: it shows quickly what sounds robotic.\n- It is fine to invent a name and a date.",
};

const LIBRARY: [&ChallengeSpec; 4] = [
    &SIGN_UP_STORAGE,
    &RATE_LIMITER,
    &LOG_SUMMARY,
    &CUSTOMER_EMAIL,
];

/// Adds the demo challenges the library does not hold yet, as Ada. The skill areas they
/// test are the demo's own (added here first if this runs before the pipeline's).
pub async fn seed(db: &Db, now: i64) -> anyhow::Result<()> {
    let ada = planner(db, "ada@hireloop.test").await?;
    let skills = demo_skill_areas(db, now).await?;
    for spec in LIBRARY {
        if challenges::exists_titled(db, spec.title)
            .await
            .map_err(app_error("looking for a demo challenge"))?
        {
            continue;
        }
        let input = ChallengeInput {
            title: spec.title.into(),
            prompt: spec.prompt.into(),
            skills: spec
                .skills
                .iter()
                .filter_map(|name| skills.get(*name).copied())
                .collect(),
            difficulty: spec.difficulty.to_string(),
            expected_minutes: spec.minutes.to_string(),
            starter_code: spec.starter_code.into(),
            extensions: spec.extensions.iter().map(|e| (*e).to_owned()).collect(),
            rubric: spec.rubric.into(),
            hints: spec.hints.into(),
            status: "active".into(),
        };
        challenges::create(db, &ada, &input, now)
            .await
            .map_err(app_error("adding a demo challenge"))?;
    }
    Ok(())
}

/// The demo's skill areas by name, adding those missing.
async fn demo_skill_areas(db: &Db, now: i64) -> anyhow::Result<BTreeMap<String, i64>> {
    let existing = |areas: Vec<app::skills::SkillArea>| -> BTreeMap<String, i64> {
        areas.into_iter().map(|s| (s.name, s.id)).collect()
    };
    let mut skills = existing(
        app::skills::service::all(db)
            .await
            .map_err(app_error("listing skill areas"))?,
    );
    let admin = app::access::require_admin(super::demo_user(db, "ada@hireloop.test").await?)
        .map_err(app_error("acting as the admin"))?;
    for name in DEMO_SKILL_AREAS {
        if !skills.contains_key(name) {
            let input = app::skills::SkillAreaInput { name: name.into() };
            let id = app::skills::service::create(db, &admin, &input, now)
                .await
                .map_err(app_error("adding a skill area"))?;
            skills.insert(name.to_owned(), id);
        }
    }
    Ok(skills)
}
