//! The signed-in home page: what needs the user's attention.

use crate::components::loaded;
use crate::error::AppError;
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
}

#[server(endpoint = "get_dashboard")]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    use crate::auth::guard::require_user;
    crate::endpoint::run(async {
        let user = require_user().await?;
        let tz =
            crate::values::TimeZoneName::parse(&user.timezone).map_or(chrono_tz::UTC, |t| t.tz());
        let local_now = chrono::Utc::now()
            .with_timezone(&tz)
            .format("%A %-d %B %Y, %H:%M")
            .to_string();
        Ok(Dashboard {
            is_admin: user.is_admin(),
            name: user.name,
            timezone: user.timezone,
            local_now,
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
                            {data
                                .is_admin
                                .then(|| {
                                    view! {
                                        <article class="card">
                                            <h2>"Administration"</h2>
                                            <p>"Add the team, set their roles and time zones."</p>
                                            <a href="/admin/users">"Manage users"</a>
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
