//! `hireloop demo-data`: a small, realistic data set to explore the app with.
//! Running it again leaves existing records alone.

use anyhow::Context;
use app::auth::password;
use app::db::{now, Db};
use app::users::repo::{self as users, NewUser};
use app::values::NewPassword;

/// The password of every demo account (printed by the command).
pub const DEMO_PASSWORD: &str = "hireloop-demo";

/// A demo account: name, email, role, time zone, what they do.
pub struct DemoUser {
    pub name: &'static str,
    pub email: &'static str,
    pub role: &'static str,
    pub timezone: &'static str,
    pub does: &'static str,
}

pub const DEMO_USERS: &[DemoUser] = &[
    DemoUser {
        name: "Ada Lovelace",
        email: "ada@hireloop.test",
        role: "admin",
        timezone: "Europe/London",
        does: "admin",
    },
    DemoUser {
        name: "Hannah Kim",
        email: "hannah@hireloop.test",
        role: "member",
        timezone: "America/New_York",
        does: "hiring manager, Backend Engineer",
    },
    DemoUser {
        name: "Quinn Lee",
        email: "quinn@hireloop.test",
        role: "member",
        timezone: "Europe/Berlin",
        does: "hiring manager, QA Engineer",
    },
    DemoUser {
        name: "Ivan Petrov",
        email: "ivan@hireloop.test",
        role: "member",
        timezone: "Europe/Berlin",
        does: "interviewer (back-end)",
    },
    DemoUser {
        name: "Priya Nair",
        email: "priya@hireloop.test",
        role: "member",
        timezone: "Asia/Kolkata",
        does: "interviewer (data modelling)",
    },
    DemoUser {
        name: "Tom Okafor",
        email: "tom@hireloop.test",
        role: "member",
        timezone: "Europe/London",
        does: "interviewer (communication)",
    },
    DemoUser {
        name: "Sam Rivera",
        email: "sam@hireloop.test",
        role: "member",
        timezone: "America/Chicago",
        does: "customer support manager",
    },
];

/// Seeds the demo data set; returns how many accounts were created.
pub async fn seed(db: &Db) -> anyhow::Result<usize> {
    let password = NewPassword::parse(DEMO_PASSWORD).map_err(anyhow::Error::msg)?;
    let hash = password::hash(&password).await?;
    let mut created = 0;
    let mut tx = db.begin().await.context("starting the demo data")?;
    app::auth::repo::mark_initialised(&mut *tx, now())
        .await
        .context("marking the instance as set up")?;
    for user in DEMO_USERS {
        if users::find_by_email(&mut *tx, user.email)
            .await
            .context("checking a demo user")?
            .is_some()
        {
            continue;
        }
        users::insert(
            &mut *tx,
            &NewUser {
                name: user.name,
                email: user.email,
                timezone: user.timezone,
                role: user.role,
                password_hash: Some(&hash),
            },
            now(),
        )
        .await
        .with_context(|| format!("creating demo user {}", user.email))?;
        created += 1;
    }
    tx.commit().await.context("committing the demo data")?;
    Ok(created)
}
