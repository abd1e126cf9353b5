//! The rules for managing accounts.

use super::repo::{self, NewUser, UserRow};
use super::{CreatedUser, UserSummary};
use crate::audit::repo::{self as audit, NewEntry};
use crate::auth::{password, service as auth, session_store, CurrentUser};
use crate::db::{now, unique_or, Db};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::values::{Email, Name, NewPassword, Role, TimeZoneName};
use anyhow::Context;
use serde_json::json;

/// Every IANA time zone name, for pickers.
pub fn timezone_names() -> Vec<String> {
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name().to_owned())
        .collect()
}

impl From<UserRow> for UserSummary {
    fn from(row: UserRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            email: row.email,
            role: Role::parse(&row.role).unwrap_or(Role::Member),
            timezone: row.timezone,
            active: row.active,
            has_password: row.password_hash.is_some(),
        }
    }
}

fn snapshot(name: &str, email: &str, timezone: &str, role: &str) -> serde_json::Value {
    json!({"name": name, "email": email, "timezone": timezone, "role": role})
}

pub async fn list(db: &Db) -> AppResult<Vec<UserSummary>> {
    let rows = repo::list(db).await.context("listing users")?;
    Ok(rows.into_iter().map(UserSummary::from).collect())
}

pub async fn get(db: &Db, id: i64) -> AppResult<UserSummary> {
    repo::find_by_id(db, id)
        .await
        .context("loading a user")?
        .map(UserSummary::from)
        .ok_or(AppError::NotFound)
}

/// What the new-user form sends.
#[derive(Debug, Clone, Default)]
pub struct NewUserInput {
    pub name: String,
    pub email: String,
    pub timezone: String,
    pub role: String,
    /// `"password"`: the admin types an initial password; `"link"`: a one-time link.
    pub password_mode: String,
    pub password: String,
}

/// How the new user gets their first password.
enum PasswordSetup {
    Initial(NewPassword),
    Link,
}

/// Creates an account; returns the set-password token when a link was asked for.
pub async fn create(
    db: &Db,
    actor: &CurrentUser,
    input: &NewUserInput,
) -> AppResult<(i64, Option<String>)> {
    let mut errors = FieldErrors::new();
    let name = errors.take("name", Name::parse(&input.name));
    let email = errors.take("email", Email::parse(&input.email));
    let timezone = errors.take("timezone", TimeZoneName::parse(&input.timezone));
    let role = errors.take("role", Role::parse(&input.role));
    let setup = match input.password_mode.as_str() {
        "link" => Some(PasswordSetup::Link),
        "password" => errors
            .take("password", NewPassword::parse(&input.password))
            .map(PasswordSetup::Initial),
        _ => {
            errors.add(
                "password_mode",
                "Choose how the user gets their first password.",
            );
            None
        }
    };
    errors.finish()?;
    let (Some(name), Some(email), Some(timezone), Some(role), Some(setup)) =
        (name, email, timezone, role, setup)
    else {
        return Err(AppError::Unexpected);
    };
    let hash = match &setup {
        PasswordSetup::Initial(password) => Some(password::hash(password).await?),
        PasswordSetup::Link => None,
    };

    let mut tx = db.begin().await.context("starting to create a user")?;
    let new_user = NewUser {
        name: name.as_str(),
        email: email.as_str(),
        timezone: timezone.as_str(),
        role: role.as_str(),
        password_hash: hash.as_deref(),
    };
    let id = unique_or(
        repo::insert(&mut *tx, &new_user, now()).await,
        "creating a user",
        || AppError::invalid("email", "An account with this email already exists."),
    )?;
    let token = match setup {
        PasswordSetup::Link => Some(auth::issue_password_link(&mut tx, id, Some(actor.id)).await?),
        PasswordSetup::Initial(_) => None,
    };
    audit::record(
        &mut *tx,
        NewEntry {
            actor_id: Some(actor.id),
            entity: "user",
            entity_id: id,
            action: "create",
            opening_id: None,
            candidate_id: None,
            summary: format!("Created {} <{}> as {}", name, email, role.label()),
            before: None,
            after: Some(snapshot(
                name.as_str(),
                email.as_str(),
                timezone.as_str(),
                role.as_str(),
            )),
        },
        now(),
    )
    .await
    .context("auditing the new user")?;
    tx.commit().await.context("committing the new user")?;
    Ok((id, token))
}

/// What the edit-user form sends.
#[derive(Debug, Clone, Default)]
pub struct ProfileInput {
    pub name: String,
    pub email: String,
    pub timezone: String,
    pub role: String,
}

/// Updates an account's profile and role. At least one active admin always remains.
pub async fn update(db: &Db, actor: &CurrentUser, id: i64, input: &ProfileInput) -> AppResult<()> {
    let mut errors = FieldErrors::new();
    let name = errors.take("name", Name::parse(&input.name));
    let email = errors.take("email", Email::parse(&input.email));
    let timezone = errors.take("timezone", TimeZoneName::parse(&input.timezone));
    let role = errors.take("role", Role::parse(&input.role));
    errors.finish()?;
    let (Some(name), Some(email), Some(timezone), Some(role)) = (name, email, timezone, role)
    else {
        return Err(AppError::Unexpected);
    };

    let mut tx = db.begin().await.context("starting a user update")?;
    let before = repo::find_by_id(&mut *tx, id)
        .await
        .context("loading the user")?
        .ok_or(AppError::NotFound)?;
    if before.role == Role::Admin.as_str() && role != Role::Admin && before.active {
        let admins = repo::count_active_admins(&mut *tx)
            .await
            .context("counting admins")?;
        if admins <= 1 {
            return Err(AppError::invalid(
                "role",
                "This is the only active admin. Make someone else an admin first.",
            ));
        }
    }
    unique_or(
        repo::update_profile(
            &mut *tx,
            id,
            name.as_str(),
            email.as_str(),
            timezone.as_str(),
            role.as_str(),
            now(),
        )
        .await,
        "updating a user",
        || AppError::invalid("email", "An account with this email already exists."),
    )?;
    audit::record(
        &mut *tx,
        NewEntry {
            actor_id: Some(actor.id),
            entity: "user",
            entity_id: id,
            action: "update",
            opening_id: None,
            candidate_id: None,
            summary: format!("Updated {name}"),
            before: Some(snapshot(
                &before.name,
                &before.email,
                &before.timezone,
                &before.role,
            )),
            after: Some(snapshot(
                name.as_str(),
                email.as_str(),
                timezone.as_str(),
                role.as_str(),
            )),
        },
        now(),
    )
    .await
    .context("auditing the user update")?;
    tx.commit().await.context("committing the user update")?;
    Ok(())
}

/// Deactivates (ending all their sessions at once) or reactivates an account.
pub async fn set_active(db: &Db, actor: &CurrentUser, id: i64, active: bool) -> AppResult<()> {
    if id == actor.id && !active {
        return Err(AppError::Conflict(
            "You cannot deactivate your own account.".into(),
        ));
    }
    let mut tx = db.begin().await.context("starting (de)activation")?;
    let before = repo::find_by_id(&mut *tx, id)
        .await
        .context("loading the user")?
        .ok_or(AppError::NotFound)?;
    if !active && before.active && before.role == Role::Admin.as_str() {
        let admins = repo::count_active_admins(&mut *tx)
            .await
            .context("counting admins")?;
        if admins <= 1 {
            return Err(AppError::Conflict(
                "This is the only active admin and cannot be deactivated.".into(),
            ));
        }
    }
    repo::set_active(&mut *tx, id, active, now())
        .await
        .context("storing the active flag")?;
    if !active {
        session_store::end_all_sessions(&mut tx, id)
            .await
            .context("ending the user's sessions")?;
    }
    audit::record(
        &mut *tx,
        NewEntry {
            actor_id: Some(actor.id),
            entity: "user",
            entity_id: id,
            action: if active { "reactivate" } else { "deactivate" },
            opening_id: None,
            candidate_id: None,
            summary: format!(
                "{} {}",
                if active { "Reactivated" } else { "Deactivated" },
                before.name
            ),
            before: Some(json!({"active": before.active})),
            after: Some(json!({"active": active})),
        },
        now(),
    )
    .await
    .context("auditing (de)activation")?;
    tx.commit().await.context("committing (de)activation")?;
    Ok(())
}

/// Issues a new one-time set-password link for an account (older links stop working).
pub async fn new_password_link(db: &Db, actor: &CurrentUser, id: i64) -> AppResult<String> {
    let mut tx = db.begin().await.context("starting to issue a link")?;
    let user = repo::find_by_id(&mut *tx, id)
        .await
        .context("loading the user")?
        .ok_or(AppError::NotFound)?;
    if !user.active {
        return Err(AppError::Conflict(
            "Reactivate this account before sending a password link.".into(),
        ));
    }
    let token = auth::issue_password_link(&mut tx, id, Some(actor.id)).await?;
    audit::record(
        &mut *tx,
        NewEntry {
            actor_id: Some(actor.id),
            entity: "user",
            entity_id: id,
            action: "password_link",
            opening_id: None,
            candidate_id: None,
            summary: format!("Issued a set-password link for {}", user.name),
            before: None,
            after: None,
        },
        now(),
    )
    .await
    .context("auditing the link")?;
    tx.commit().await.context("committing the link")?;
    Ok(token)
}

/// Changes the signed-in user's own time zone.
pub async fn set_own_timezone(db: &Db, actor: &CurrentUser, timezone: &str) -> AppResult<()> {
    let timezone = TimeZoneName::parse(timezone).map_err(|m| AppError::invalid("timezone", m))?;
    repo::set_timezone(db, actor.id, timezone.as_str(), now())
        .await
        .context("storing the time zone")?;
    Ok(())
}

/// The link an admin hands to a user.
pub fn password_link_url(base_url: &str, token: &str) -> String {
    format!("{}/set-password/{token}", base_url.trim_end_matches('/'))
}

impl CreatedUser {
    pub fn new(id: i64, base_url: &str, token: Option<&str>) -> Self {
        Self {
            id,
            password_link: token.map(|t| password_link_url(base_url, t)),
        }
    }
}
