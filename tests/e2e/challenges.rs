//! The coding-challenge library over HTTP: validation that names each field and saves
//! nothing, editing, retiring and restoring, sanitised Markdown, who may use the library at
//! all, and the demo's library. (Filters and search: `challenges_search`; statistics:
//! `challenges_stats`.)

use crate::cases;
use anyhow::{ensure, Context};
use app::challenges::api::{
    ChallengeForm, CreateChallenge, GetChallengePage, ListChallenges, SetChallengeStatus,
    UpdateChallenge,
};
use app::challenges::{ChallengeInput, ChallengePageData, ChallengeQuery, ChallengeStatus};
use app::error::AppError;
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestApp, TestResult};
use reqwest::{Client, StatusCode};

cases! {
    http: [
        challenges_with_bad_input_name_each_field_and_save_nothing,
        challenges_are_edited_retired_and_restored,
        challenges_markdown_is_kept_as_typed_and_shown_without_scripts,
        challenges_are_only_for_admins_and_hiring_managers,
        challenges_of_the_demo_are_seeded_once,
    ],
    browser: [],
}

/// A valid challenge form.
pub(crate) fn input(title: &str, prompt: &str, skills: &[i64], difficulty: i64) -> ChallengeInput {
    ChallengeInput {
        title: title.into(),
        prompt: prompt.into(),
        skills: skills.to_vec(),
        difficulty: difficulty.to_string(),
        expected_minutes: "20".into(),
        ..ChallengeInput::default()
    }
}

pub(crate) async fn create(
    app: &TestApp,
    client: &Client,
    input: ChallengeInput,
) -> anyhow::Result<i64> {
    app.call(client, CreateChallenge { input })
        .await?
        .ok()
        .context("creating a challenge")
}

pub(crate) async fn page(
    app: &TestApp,
    client: &Client,
    id: i64,
) -> anyhow::Result<ChallengePageData> {
    app.call(client, GetChallengePage { id })
        .await?
        .ok()
        .context("loading a challenge's page")
}

/// A library query from `key=value` pairs.
pub(crate) fn query(pairs: &[(&str, &str)]) -> ChallengeQuery {
    let mut query = ChallengeQuery::default();
    for (key, value) in pairs {
        let value = (*value).to_owned();
        match *key {
            "q" => query.q = value,
            "skill" => query.skill = value,
            "difficulty" => query.difficulty = value,
            "status" => query.status = value,
            _ => query.page = value,
        }
    }
    query
}

/// The titles the library lists for `pairs`.
pub(crate) async fn titles(
    app: &TestApp,
    client: &Client,
    pairs: &[(&str, &str)],
) -> anyhow::Result<Vec<String>> {
    let data = app
        .call(
            client,
            ListChallenges {
                query: query(pairs),
            },
        )
        .await?
        .ok()
        .with_context(|| format!("listing with {pairs:?}"))?;
    Ok(data
        .challenges
        .items
        .into_iter()
        .map(|l| l.summary.title)
        .collect())
}

async fn status_of(app: &TestApp, client: &Client, id: i64) -> anyhow::Result<ChallengeStatus> {
    Ok(page(app, client, id).await?.challenge.summary.status)
}

pub(crate) async fn count(app: &TestApp, table: &str) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&app.db)
        .await?)
}

async fn challenges_with_bad_input_name_each_field_and_save_nothing(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let before = app.digest().await?;
    let bad = ChallengeInput {
        title: "   ".into(),
        prompt: String::new(),
        skills: vec![],
        difficulty: "7".into(),
        expected_minutes: "0".into(),
        starter_code: "fn main() {}\u{0}".into(),
        extensions: vec!["Fine".into(), String::new(), "Bell\u{7}".into()],
        rubric: "r".repeat(20_001),
        hints: String::new(),
        status: "archived".into(),
    };
    let fields = app
        .call(&hm, CreateChallenge { input: bad })
        .await?
        .invalid()?;
    let expect = |field: &str, text: &str| -> anyhow::Result<()> {
        let message = fields
            .get(field)
            .with_context(|| format!("no message for {field}: {fields:?}"))?;
        ensure!(message.contains(text), "{field}: {message}");
        Ok(())
    };
    expect("title", "Enter a title for the challenge.")?;
    expect("prompt", "Enter the prompt")?;
    expect("skills", "Choose at least one skill area")?;
    expect(
        "difficulty",
        "Choose a difficulty from 1 (warm-up) to 5 (hardest).",
    )?;
    expect("expected_minutes", "between 1 and 240 minutes")?;
    expect("starter_code", "control characters")?;
    expect(
        "extensions.2",
        "Extension 3 contains invisible control characters",
    )?;
    expect("rubric", "at most 20000 characters")?;
    expect("status", "Choose a status: active or retired.")?;
    ensure!(
        fields.get("extensions.0").is_none() && fields.get("extensions.1").is_none(),
        "good and empty rows are fine: {fields:?}"
    );
    app.ensure_unchanged(&before, "a refused challenge").await?;
    // Minutes as words, and skill areas that are archived or do not exist.
    let words = ChallengeInput {
        expected_minutes: "twenty".into(),
        ..input("Words", "Count words.", &[fx.skills.backend], 2)
    };
    let fields = app
        .call(&hm, CreateChallenge { input: words })
        .await?
        .invalid()?;
    ensure!(
        fields.get("expected_minutes")
            == Some("Enter the expected time in whole minutes, e.g. 20."),
        "{fields:?}"
    );
    let admin = app.login(&fx.people.admin).await?;
    app.call(
        &admin,
        app::skills::api::SetSkillAreaArchived {
            id: fx.skills.scratch,
            archived: true,
        },
    )
    .await?
    .ok()?;
    let before = app.digest().await?;
    for skills in [vec![fx.skills.scratch], vec![fx.skills.backend, 987_654]] {
        let fields = app
            .call(
                &hm,
                CreateChallenge {
                    input: input("Archived", "P", &skills, 2),
                },
            )
            .await?
            .invalid()?;
        ensure!(
            fields
                .get("skills")
                .is_some_and(|m| m.contains("archived ones cannot be used")),
            "{fields:?}"
        );
    }
    app.ensure_unchanged(&before, "challenges with unusable skill areas")
        .await?;

    // A good one: everything stored, in one piece, by its author, with an audit entry.
    let good = ChallengeInput {
        starter_code: "\n    def allow(key):\n        pass\n\n".into(),
        extensions: vec![
            "Bursts".into(),
            "  ".into(),
            "Several servers".into(),
            String::new(),
        ],
        rubric: "**Strong**: explains the boundary.".into(),
        hints: "Start with a test.".into(),
        ..input(
            "Rate limiter",
            "Limit each key to 100 requests a minute.",
            &[fx.skills.data, fx.skills.backend, fx.skills.backend],
            3,
        )
    };
    let id = create(&app, &hm, good).await?;
    let p = page(&app, &hm, id).await?;
    let c = &p.challenge;
    ensure!(c.summary.title == "Rate limiter" && c.summary.difficulty == 3);
    ensure!(c.summary.expected_minutes == 20 && c.summary.status == ChallengeStatus::Active);
    let skills: Vec<&str> = c
        .summary
        .skill_areas
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    ensure!(skills == ["Back-end", "Data modelling"], "{skills:?}");
    ensure!(
        c.extensions == ["Bursts", "Several servers"],
        "{:?}",
        c.extensions
    );
    ensure!(
        c.starter_code == "    def allow(key):\n        pass",
        "{:?}",
        c.starter_code
    );
    ensure!(
        c.rubric_html.contains("<strong>Strong</strong>"),
        "{}",
        c.rubric_html
    );
    ensure!(
        c.author.as_deref() == Some("Hannah Manager"),
        "{:?}",
        c.author
    );
    ensure!(count(&app, "challenge_extensions").await? == 2);
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'challenge' AND entity_id = $1 \
         AND action = 'create' AND actor_id = $2",
    )
    .bind(id)
    .bind(fx.people.hiring_manager.id)
    .fetch_one(&app.db)
    .await?;
    ensure!(audited == 1, "the creation is audited");
    // A browser without JavaScript is sent on to the new challenge.
    let (status, location) = app
        .post_form(
            &hm,
            CreateChallenge {
                input: input("Plain form", "No script.", &[fx.skills.testing], 1),
            },
            "/challenges/new",
        )
        .await?;
    ensure!(status.is_redirection(), "{status}");
    let location = location.context("a redirect")?;
    ensure!(
        location.starts_with("/challenges/")
            && location
                .trim_start_matches("/challenges/")
                .parse::<i64>()
                .is_ok(),
        "{location}"
    );
    // The form offers three extension rows, more when asked, and one beyond those filled.
    let form = |id, rows| ChallengeForm { id, rows };
    ensure!(app.call(&hm, form(0, 0)).await?.ok()?.rows == 3);
    ensure!(app.call(&hm, form(0, 5)).await?.ok()?.rows == 5);
    ensure!(app.call(&hm, form(0, 500)).await?.ok()?.rows == app::challenges::MAX_EXTENSIONS);
    let edit = app.call(&hm, form(id, 0)).await?.ok()?;
    ensure!(edit.rows == 3 && edit.challenge.is_some_and(|c| c.summary.id == id));
    app.call(&hm, form(999_999, 0))
        .await?
        .refused(StatusCode::NOT_FOUND)?;
    app.stop().await;
    Ok(())
}

async fn challenges_are_edited_retired_and_restored(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let admin = app.login(&fx.people.admin).await?;
    let original = ChallengeInput {
        extensions: vec!["One".into(), "Two".into(), "Three".into()],
        ..input(
            "Log summary",
            "Summarise the nightly log.",
            &[fx.skills.testing],
            2,
        )
    };
    let id = create(&app, &hm, original.clone()).await?;
    // Edited by someone else (any planner may), with fewer extensions and other skills;
    // an empty status keeps the current one.
    let edited = ChallengeInput {
        title: "Log summary for QA".into(),
        skills: vec![fx.skills.testing, fx.skills.communication],
        extensions: vec![String::new(), "Group failures".into()],
        expected_minutes: "35".into(),
        ..original.clone()
    };
    app.call(
        &admin,
        UpdateChallenge {
            id,
            input: edited.clone(),
        },
    )
    .await?
    .ok()?;
    let c = page(&app, &hm, id).await?.challenge;
    ensure!(c.summary.title == "Log summary for QA" && c.summary.expected_minutes == 35);
    ensure!(c.extensions == ["Group failures"], "{:?}", c.extensions);
    ensure!(c.summary.skill_areas.len() == 2 && c.summary.status == ChallengeStatus::Active);
    ensure!(
        c.author.as_deref() == Some("Hannah Manager"),
        "the author stays"
    );
    // Bad input changes nothing; an unknown challenge is not found.
    let before = app.digest().await?;
    let fields = app
        .call(
            &hm,
            UpdateChallenge {
                id,
                input: ChallengeInput {
                    difficulty: "0".into(),
                    ..edited.clone()
                },
            },
        )
        .await?
        .invalid()?;
    ensure!(fields.get("difficulty").is_some(), "{fields:?}");
    app.call(
        &hm,
        UpdateChallenge {
            id: 999_999,
            input: edited.clone(),
        },
    )
    .await?
    .refused(StatusCode::NOT_FOUND)?;
    app.call(
        &hm,
        SetChallengeStatus {
            id: 999_999,
            status: "retired".into(),
        },
    )
    .await?
    .refused(StatusCode::NOT_FOUND)?;
    let fields = app
        .call(
            &hm,
            SetChallengeStatus {
                id,
                status: "deleted".into(),
            },
        )
        .await?
        .invalid()?;
    ensure!(fields.get("status").is_some(), "{fields:?}");
    app.ensure_unchanged(&before, "refused edits").await?;
    // Retired with the button, restored with the form, retired with the form.
    app.call(
        &hm,
        SetChallengeStatus {
            id,
            status: "retired".into(),
        },
    )
    .await?
    .ok()?;
    ensure!(status_of(&app, &hm, id).await? == ChallengeStatus::Retired);
    let update = |status: &str| UpdateChallenge {
        id,
        input: ChallengeInput {
            status: status.into(),
            ..edited.clone()
        },
    };
    app.call(&hm, update("")).await?.ok()?;
    ensure!(
        status_of(&app, &hm, id).await? == ChallengeStatus::Retired,
        "an empty status keeps it"
    );
    app.call(
        &hm,
        SetChallengeStatus {
            id,
            status: "active".into(),
        },
    )
    .await?
    .ok()?;
    ensure!(status_of(&app, &hm, id).await? == ChallengeStatus::Active);
    app.call(&hm, update("retired")).await?.ok()?;
    ensure!(status_of(&app, &hm, id).await? == ChallengeStatus::Retired);
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE entity = 'challenge' AND entity_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&app.db)
    .await?;
    ensure!(
        actions == ["create", "update", "retire", "update", "restore", "update"],
        "{actions:?}"
    );
    // Retired challenges are not offered for new interviews.
    let offered = app::challenges::service::matching_active(&app.db, &[fx.skills.testing])
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    ensure!(
        offered.iter().all(|c| c.id != id),
        "a retired challenge is not offered"
    );
    app.call(
        &hm,
        SetChallengeStatus {
            id,
            status: "active".into(),
        },
    )
    .await?
    .ok()?;
    let offered =
        app::challenges::service::matching_active(&app.db, &[fx.skills.testing, fx.skills.product])
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    ensure!(
        offered
            .iter()
            .any(|c| c.id == id && c.skill_areas.len() == 2),
        "offered again"
    );
    ensure!(
        app::challenges::service::matching_active(&app.db, &[fx.skills.product])
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?
            .is_empty(),
        "nothing tests product sense"
    );
    app.stop().await;
    Ok(())
}

async fn challenges_markdown_is_kept_as_typed_and_shown_without_scripts(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let nasty = "Do **this**.\n\n<script>alert('prompt')</script>\n\n<img src=x onerror=alert(1)>\n\n<a href=\"javascript:alert(2)\" onclick=\"alert(3)\">click</a>";
    let id = create(
        &app,
        &hm,
        ChallengeInput {
            extensions: vec![nasty.into()],
            rubric: nasty.into(),
            hints: nasty.into(),
            starter_code: "<script>alert('code')</script>".into(),
            ..input("Nasty", nasty, &[fx.skills.backend], 2)
        },
    )
    .await?;
    let c = page(&app, &hm, id).await?.challenge;
    ensure!(
        c.prompt == nasty && c.rubric == nasty && c.extensions == [nasty],
        "stored as typed"
    );
    for html in [
        &c.prompt_html,
        &c.extensions_html[0],
        &c.rubric_html,
        &c.hints_html,
    ] {
        ensure!(
            !html.contains("<script")
                && !html.contains("onerror")
                && !html.contains("onclick")
                && !html.contains("javascript:"),
            "{html}"
        );
        ensure!(
            html.contains("<strong>this</strong>") && html.contains("click"),
            "{html}"
        );
    }
    let (status, html) = app.page(&hm, &format!("/challenges/{id}")).await?;
    ensure!(status == StatusCode::OK);
    ensure!(
        !html.contains("<script>alert")
            && !html.contains("onerror=")
            && !html.contains("javascript:alert"),
        "the page runs none of it"
    );
    ensure!(html.contains("Interviewers only"), "the rubric is marked");
    ensure!(
        html.contains("&lt;script&gt;alert('code')&lt;/script&gt;")
            || html.contains("&lt;script>alert('code')&lt;/script>"),
        "the starter code is shown as text"
    );
    let (status, html) = app.page(&hm, &format!("/challenges/{id}/edit")).await?;
    ensure!(
        status == StatusCode::OK && !html.contains("<script>alert"),
        "the form shows it as text"
    );
    // Text that closes the field itself stays inside it.
    let breakout = create(
        &app,
        &hm,
        input(
            "Breakout",
            "x</textarea><b id=\"injected\">y</b>",
            &[fx.skills.backend],
            2,
        ),
    )
    .await?;
    let (_, html) = app
        .page(&hm, &format!("/challenges/{breakout}/edit"))
        .await?;
    ensure!(
        !html.contains("<b id=\"injected\">")
            && html.contains("x&lt;/textarea&gt;&lt;b id=\"injected\"&gt;y&lt;/b&gt;"),
        "the stored text is escaped inside its field"
    );
    app.stop().await;
    Ok(())
}

async fn challenges_are_only_for_admins_and_hiring_managers(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let id = create(
        &app,
        &hm,
        input("Rate limiter", "Limit it.", &[fx.skills.backend], 3),
    )
    .await?;
    // Sam manages the Support Lead opening: a hiring manager too.
    let sam = app.login(&fx.people.manager).await?;
    ensure!(titles(&app, &sam, &[]).await? == ["Rate limiter"]);
    let before = app.digest().await?;
    for (who, client, status) in [
        (
            "an interviewer",
            app.login(&fx.people.interviewer).await?,
            StatusCode::FORBIDDEN,
        ),
        (
            "a member",
            app.login(&fx.people.member).await?,
            StatusCode::FORBIDDEN,
        ),
        (
            "nobody signed in",
            TestApp::client(),
            StatusCode::UNAUTHORIZED,
        ),
    ] {
        let refused = |e: AppError| e.status() == status.as_u16();
        let list = app
            .call(
                &client,
                ListChallenges {
                    query: ChallengeQuery::default(),
                },
            )
            .await?;
        ensure!(
            list.status == status && list.result.is_err_and(refused),
            "{who} listed"
        );
        let read = app.call(&client, GetChallengePage { id }).await?;
        ensure!(
            read.status == status && !read.body.contains("Limit it"),
            "{who} read: {}",
            read.body
        );
        app.call(&client, ChallengeForm { id, rows: 0 })
            .await?
            .refused(status)?;
        app.call(
            &client,
            CreateChallenge {
                input: input("Mine", "P", &[fx.skills.backend], 1),
            },
        )
        .await?
        .refused(status)?;
        app.call(
            &client,
            UpdateChallenge {
                id,
                input: input("Mine", "P", &[fx.skills.backend], 1),
            },
        )
        .await?
        .refused(status)?;
        app.call(
            &client,
            SetChallengeStatus {
                id,
                status: "retired".into(),
            },
        )
        .await?
        .refused(status)?;
        if status == StatusCode::FORBIDDEN {
            let (page_status, html) = app.page(&client, "/challenges").await?;
            ensure!(
                page_status == StatusCode::FORBIDDEN && html.contains("No access"),
                "{who}: {page_status}"
            );
            let (page_status, html) = app.page(&client, &format!("/challenges/{id}")).await?;
            ensure!(
                page_status == StatusCode::FORBIDDEN && !html.contains("Limit it"),
                "{who}: {page_status}"
            );
            ensure!(
                !html.contains("href=\"/challenges\""),
                "{who} has no library link"
            );
        }
    }
    app.ensure_unchanged(&before, "refused library calls")
        .await?;
    app.stop().await;
    Ok(())
}

async fn challenges_of_the_demo_are_seeded_once(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    hireloop::demo::seed(&app.db).await?;
    hireloop::demo::seed(&app.db).await?;
    let (titles, authors): (Vec<String>, Vec<String>) = sqlx::query_as::<_, (String, String)>(
        "SELECT c.title, u.email FROM challenges c JOIN users u ON u.id = c.author_id ORDER BY c.title",
    )
    .fetch_all(&app.db)
    .await?
    .into_iter()
    .unzip();
    ensure!(titles.len() == 4, "{titles:?}");
    ensure!(
        titles.iter().any(|t| t == "Storage for sign-up accounts"),
        "{titles:?}"
    );
    ensure!(
        authors.iter().all(|a| a == "ada@hireloop.test"),
        "{authors:?}"
    );
    ensure!(count(&app, "challenge_extensions").await? == 12);
    let unskilled: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM challenges c WHERE NOT EXISTS \
         (SELECT 1 FROM challenge_skill_areas cs WHERE cs.challenge_id = c.id)",
    )
    .fetch_one(&app.db)
    .await?;
    ensure!(unskilled == 0, "every demo challenge tests a skill area");
    let skill_areas = count(&app, "skill_areas").await?;
    ensure!(
        skill_areas == 7,
        "the demo's own skill areas, once: {skill_areas}"
    );
    app.stop().await;
    Ok(())
}
