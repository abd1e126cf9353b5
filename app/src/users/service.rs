//! The rules for managing accounts.

use super::repo::{self, UserRow};
pub use super::repo::{NewUser, UserRow as Account};
use super::{CreatedUser, NewUserInput, PersonRef, ProfileInput, TimezoneInput, UserSummary};
use crate::access::{Admin, Myself, Scope};
use crate::audit::service::{self as audit, NewEntry};
use crate::auth::password::Hasher;
use crate::auth::{links, session_store, CurrentUser};
use crate::db::{begin_write, unique_or, Db};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::values::{Email, Name, NewPassword, Role, TimeZoneName};
use anyhow::Context;
use serde_json::json;
use sqlx::any::AnyExecutor;

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
            role: row.role,
            timezone: row.timezone,
            active: row.active,
            has_password: row.password_hash.is_some(),
        }
    }
}

fn snapshot(name: &str, email: &str, timezone: &str, role: Role) -> serde_json::Value {
    json!({"name": name, "email": email, "timezone": timezone, "role": role.as_str()})
}

/// The signed-in form of an account (`is_hiring_manager` is filled in by the caller).
pub fn current_user(account: Account) -> CurrentUser {
    CurrentUser {
        id: account.id,
        name: account.name,
        email: account.email,
        role: account.role,
        timezone: account.timezone,
        is_hiring_manager: false,
    }
}

/// The signed-in form of an account, with its session epoch and whether it is active, for
/// the user of a request (one statement).
pub async fn session_account(
    db: &crate::db::Db,
    id: i64,
) -> AppResult<Option<(CurrentUser, i64, bool)>> {
    let row = repo::find_for_session(db, id)
        .await
        .context("loading the signed-in account")?;
    Ok(row.map(|row| {
        let epoch = row.account.session_epoch;
        let active = row.account.active;
        let mut user = current_user(row.account);
        user.is_hiring_manager = row.manages_openings;
        (user, epoch, active)
    }))
}

/// An account by id, with its credentials (for signing in and sessions).
pub async fn account<'c>(db: impl AnyExecutor<'c>, id: i64) -> AppResult<Option<Account>> {
    Ok(repo::find_by_id(db, id)
        .await
        .context("loading an account")?)
}

/// An account by its (normalised) email, with its credentials.
pub async fn account_by_email(db: &Db, email: &Email) -> AppResult<Option<Account>> {
    Ok(repo::find_by_email(db, email.as_str())
        .await
        .context("looking up the account")?)
}

/// Inserts an account inside the caller's transaction; a taken email is the user's conflict.
pub async fn insert_account<'c>(
    db: impl AnyExecutor<'c>,
    user: &NewUser<'_>,
    now: i64,
) -> AppResult<i64> {
    unique_or(
        repo::insert(db, user, now).await,
        "creating an account",
        || AppError::invalid("email", "An account with this email already exists."),
    )
}

/// Stores a new password hash; returns the new session epoch (other sessions end).
pub async fn set_password<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
    password_hash: &str,
    now: i64,
) -> AppResult<i64> {
    Ok(repo::set_password(db, id, password_hash, now)
        .await
        .context("storing the new password")?)
}

/// Active accounts, for pickers (names are shown to whoever plans hiring).
pub async fn active_people(db: &Db) -> AppResult<Vec<PersonRef>> {
    Ok(repo::active_people(db)
        .await
        .context("listing people")?
        .into_iter()
        .map(|p| PersonRef {
            id: p.id,
            name: p.name,
        })
        .collect())
}

/// True when `id` is an active account.
pub async fn is_active<'c>(db: impl AnyExecutor<'c>, id: i64) -> AppResult<bool> {
    Ok(account(db, id).await?.is_some_and(|a| a.active))
}

/// A person by id: name and whether the account is active (`None` if there is no such
/// account).
pub async fn person<'c>(db: impl AnyExecutor<'c>, id: i64) -> AppResult<Option<(String, bool)>> {
    Ok(account(db, id).await?.map(|a| (a.name, a.active)))
}

pub async fn list(db: &Db, _admin: &Admin) -> AppResult<Vec<UserSummary>> {
    let rows = repo::list(db).await.context("listing users")?;
    Ok(rows.into_iter().map(UserSummary::from).collect())
}

pub async fn get(db: &Db, _admin: &Admin, id: i64) -> AppResult<UserSummary> {
    repo::find_by_id(db, id)
        .await
        .context("loading a user")?
        .map(UserSummary::from)
        .ok_or(AppError::NotFound)
}

/// How the new user gets their first password.
enum PasswordSetup {
    Initial(NewPassword),
    Link,
}

/// Creates an account; returns the set-password token when a link was asked for.
pub async fn create(
    db: &Db,
    hasher: &Hasher,
    admin: &Admin,
    input: &NewUserInput,
    now: i64,
) -> AppResult<(i64, Option<String>)> {
    let mut errors = FieldErrors::new();
    let name = errors.take("name", Name::parse(&input.name));
    let email = errors.take("email", Email::parse(&input.email));
    let timezone = errors.take("timezone", TimeZoneName::parse(&input.timezone));
    let role = errors.take("role", Role::parse(&input.role));
    let setup = match input.password_mode.as_str() {
        "link" if !input.password.is_empty() => {
            errors.add(
                "password",
                "Leave the password empty when the user sets their own through a link.",
            );
            None
        }
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
        PasswordSetup::Initial(password) => Some(hasher.hash(password).await?),
        PasswordSetup::Link => None,
    };

    let mut tx = begin_write(db).await?;
    let new_user = NewUser {
        name: name.as_str(),
        email: email.as_str(),
        timezone: timezone.as_str(),
        role,
        password_hash: hash.as_deref(),
    };
    let id = insert_account(&mut *tx, &new_user, now).await?;
    let token = match setup {
        PasswordSetup::Link => Some(links::issue(&mut tx, id, admin.actor_id(), now).await?),
        PasswordSetup::Initial(_) => None,
    };
    audit::record(
        &mut *tx,
        NewEntry {
            actor_id: admin.actor_id(),
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
                role,
            )),
        },
        now,
    )
    .await?;
    tx.commit().await.context("committing the new user")?;
    Ok((id, token))
}

/// Updates an account's profile and role. At least one active admin always remains.
pub async fn update(
    db: &Db,
    admin: &Admin,
    id: i64,
    input: &ProfileInput,
    now: i64,
) -> AppResult<()> {
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

    let mut tx = begin_write(db).await?;
    let before = repo::find_by_id(&mut *tx, id)
        .await
        .context("loading the user")?
        .ok_or(AppError::NotFound)?;
    if before.role == Role::Admin && role != Role::Admin && before.active {
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
            role,
            now,
        )
        .await,
        "updating a user",
        || AppError::invalid("email", "An account with this email already exists."),
    )?;
    audit::record(
        &mut *tx,
        NewEntry {
            actor_id: admin.actor_id(),
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
                before.role,
            )),
            after: Some(snapshot(
                name.as_str(),
                email.as_str(),
                timezone.as_str(),
                role,
            )),
        },
        now,
    )
    .await?;
    tx.commit().await.context("committing the user update")?;
    Ok(())
}

/// Deactivates (ending all their sessions at once) or reactivates an account.
pub async fn set_active(db: &Db, admin: &Admin, id: i64, active: bool, now: i64) -> AppResult<()> {
    if id == admin.user().id && !active {
        return Err(AppError::Conflict(
            "You cannot deactivate your own account.".into(),
        ));
    }
    let mut tx = begin_write(db).await?;
    let before = repo::find_by_id(&mut *tx, id)
        .await
        .context("loading the user")?
        .ok_or(AppError::NotFound)?;
    if !active && before.active && before.role == Role::Admin {
        let admins = repo::count_active_admins(&mut *tx)
            .await
            .context("counting admins")?;
        if admins <= 1 {
            return Err(AppError::Conflict(
                "This is the only active admin and cannot be deactivated.".into(),
            ));
        }
    }
    repo::set_active(&mut *tx, id, active, now)
        .await
        .context("storing the active flag")?;
    if !active {
        session_store::end_all_sessions(&mut tx, id)
            .await
            .context("ending the user's sessions")?;
        links::revoke_all(&mut *tx, id, now).await?;
    }
    audit::record(
        &mut *tx,
        NewEntry {
            actor_id: admin.actor_id(),
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
        now,
    )
    .await?;
    tx.commit().await.context("committing (de)activation")?;
    Ok(())
}

/// Issues a new one-time set-password link for an account (older links stop working).
pub async fn new_password_link(db: &Db, admin: &Admin, id: i64, now: i64) -> AppResult<String> {
    let mut tx = begin_write(db).await?;
    let user = repo::find_by_id(&mut *tx, id)
        .await
        .context("loading the user")?
        .ok_or(AppError::NotFound)?;
    if !user.active {
        return Err(AppError::Conflict(
            "Reactivate this account before sending a password link.".into(),
        ));
    }
    let token = links::issue(&mut tx, id, admin.actor_id(), now).await?;
    audit::record(
        &mut *tx,
        NewEntry {
            actor_id: admin.actor_id(),
            entity: "user",
            entity_id: id,
            action: "password_link",
            opening_id: None,
            candidate_id: None,
            summary: format!("Issued a set-password link for {}", user.name),
            before: None,
            after: None,
        },
        now,
    )
    .await?;
    tx.commit().await.context("committing the link")?;
    Ok(token)
}

/// Changes the signed-in user's own time zone.
pub async fn set_own_timezone(
    db: &Db,
    me: &Myself,
    input: &TimezoneInput,
    now: i64,
) -> AppResult<()> {
    let timezone =
        TimeZoneName::parse(&input.timezone).map_err(|m| AppError::invalid("timezone", m))?;
    repo::set_timezone(db, me.user().id, timezone.as_str(), now)
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
