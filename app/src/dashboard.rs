//! The signed-in home page: what needs the user's attention.

use crate::components::loaded;
use crate::error::AppError;
use crate::interviews::MyInterview;
use crate::openings::OpeningSummary;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// What the dashboard shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub name: String,
    pub timezone: String,
    /// The current date and time in the user's time zone.
    pub local_now: String,
    pub is_admin: bool,
    /// The user's next interviews (as interviewer).
    pub upcoming: Vec<MyInterview>,
    /// The first openings the user manages that are not closed (open ones first).
    pub openings: Vec<OpeningSummary>,
    /// More such openings than shown.
    pub more_openings: bool,
}

/// How many openings the dashboard lists.
pub const DASHBOARD_OPENINGS: usize = 8;

#[server(endpoint = "get_dashboard")]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    use crate::access::{self, Scope};
    use crate::auth::guard::require_user;
    crate::endpoint::run(async {
        let user = require_user().await?;
        let state = crate::state::app_state()?;
        let db = &state.db;
        let now = state.now();
        let me = access::myself(user.clone());
        let local_now = chrono::DateTime::from_timestamp(now, 0)
            .unwrap_or_default()
            .with_timezone(&me.timezone())
            .format("%A %-d %B %Y, %H:%M")
            .to_string();
        let upcoming = crate::interviews::service::next_interviews(db, &me, now, 5).await?;
        let openings = crate::openings::service::list(
            db,
            &me,
            true,
            crate::paging::PageNumber::default(),
            DASHBOARD_OPENINGS,
        )
        .await?;
        let more_openings = openings.more;
        let openings = openings.items;
        Ok(Dashboard {
            is_admin: user.is_admin(),
            name: user.name,
            timezone: user.timezone,
            local_now,
            upcoming,
            openings,
            more_openings,
        })
    })
    .await
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| get_dashboard());
    view! {
        <Title text="Dashboard · Hireloop" />
        <section class="page">
            {loaded(
                data,
                |data: Dashboard| {
                    view! {
                        <h1>"Hello, " {data.name.clone()}</h1>
                        <p class="hint">
                            "It is " {data.local_now.clone()} " in " {data.timezone.clone()}
                            ". Times in Hireloop are shown in your time zone."
                        </p>
                        <div class="cards">
                            <article class="card">
                                <h2>"Your next interviews"</h2>
                                {if data.upcoming.is_empty() {
                                    view! { <p class="hint">"Nothing scheduled for you."</p> }.into_any()
                                } else {
                                    view! {
                                        <ul>
                                            {data
                                                .upcoming
                                                .iter()
                                                .map(|i| {
                                                    view! {
                                                        <li>
                                                            <a href=format!("/interviews/{}/kit", i.interview_id)>{format!("{} with {}", i.title, i.candidate_name)}</a>
                                                            <br />
                                                            <span class="hint">{i.when.clone()}</span>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    }
                                        .into_any()
                                }}
                                <a href="/my-interviews">"All my interviews"</a>
                            </article>
                            {(!data.openings.is_empty())
                                .then(|| {
                                    view! {
                                        <article class="card">
                                            <h2>{if data.is_admin { "Openings" } else { "Your openings" }}</h2>
                                            <ul>
                                                {data
                                                    .openings
                                                    .iter()
                                                    .map(|o| {
                                                        view! {
                                                            <li>
                                                                <a href=format!("/openings/{}", o.id)>{o.title.clone()}</a>
                                                                {format!(" — {} active, {}", o.active_candidates, o.status.label().to_lowercase())}
                                                            </li>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </ul>
                                            {data.more_openings.then(|| view! { <a href="/openings">"All openings"</a> })}
                                        </article>
                                    }
                                })}
                            {data
                                .is_admin
                                .then(|| {
                                    view! {
                                        <article class="card">
                                            <h2>"Administration"</h2>
                                            <p>"Add the team, set skill areas, read the audit log."</p>
                                            <a href="/admin">"Go to admin"</a>
                                        </article>
                                    }
                                })}
                            <article class="card">
                                <h2>"Your account"</h2>
                                <p>"Change your password or time zone."</p>
                                <a href="/account">"Account settings"</a>
                            </article>
                        </div>
                    }
                },
            )}
        </section>
    }
}
