//! The rules for signing in, first set-up, password changes and set-password links.

use super::{password, repo, CurrentUser};
use crate::audit::repo::{self as audit, NewEntry};
use crate::db::{now, unique_or, Db};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::users::repo::{self as users, NewUser, UserRow};
use crate::values::{Email, Name, NewPassword, Role, TimeZoneName};
use anyhow::Context;
use sha2::{Digest, Sha256};
use std::net::IpAddr;

/// How long a one-time set-password link works.
pub const PASSWORD_LINK_HOURS: i64 = 72;

/// The one message for every failed sign-in, so it reveals nothing about accounts.
pub const BAD_CREDENTIALS: &str = "That email and password do not match an active account.";

impl TryFrom<UserRow> for CurrentUser {
    type Error = AppError;

    fn try_from(row: UserRow) -> AppResult<Self> {
        let role = Role::parse(&row.role)
            .map_err(|_| anyhow::anyhow!("user {} has an unknown role {:?}", row.id, row.role))?;
        Ok(Self {
            id: row.id,
            name: row.name,
            email: row.email,
            role,
            timezone: row.timezone,
            is_hiring_manager: false,
        })
    }
}

/// The user a session belongs to, if the account is still active and the session's epoch
/// is current (a password change or deactivation bumps the epoch).
pub async fn session_user(db: &Db, user_id: i64, epoch: i64) -> AppResult<Option<CurrentUser>> {
    let row = users::find_by_id(db, user_id)
        .await
        .context("loading the session's user")?;
    match row {
        Some(row) if row.active && row.session_epoch == epoch => {
            let mut user: CurrentUser = row.try_into()?;
            user.is_hiring_manager = crate::access::repo::manages_any_opening(db, user.id)
                .await
                .context("checking hiring-manager role")?;
            Ok(Some(user))
        }
        _ => Ok(None),
    }
}

/// A user who just proved who they are; the caller starts a fresh session with these.
#[derive(Debug)]
pub struct Authenticated {
    pub user: CurrentUser,
    pub session_epoch: i64,
}

/// Checks a sign-in attempt. Every failure looks the same and costs the same time.
pub async fn login(
    db: &Db,
    limiter: &super::rate_limit::LoginLimiter,
    ip: IpAddr,
    email: &str,
    password: &str,
) -> AppResult<Authenticated> {
    let mut errors = FieldErrors::new();
    let email = errors.take("email", Email::parse(email));
    if password.is_empty() {
        errors.add("password", "Enter your password.");
    }
    errors.finish()?;
    let Some(email) = email else {
        return Err(AppError::Unexpected);
    };
    limiter
        .check(ip, email.as_str())
        .map_err(AppError::RateLimited)?;

    let row = users::find_by_email(db, email.as_str())
        .await
        .context("looking up the account")?;
    let stored_hash = row
        .as_ref()
        .filter(|r| r.active)
        .and_then(|r| r.password_hash.clone());
    let verified = password::verify(password.to_owned(), stored_hash).await?;
    match row {
        Some(row) if verified => {
            let session_epoch = row.session_epoch;
            Ok(Authenticated {
                user: row.try_into()?,
                session_epoch,
            })
        }
        _ => Err(AppError::invalid("form", BAD_CREDENTIALS)),
    }
}

/// What the first-admin form (and `hireloop create-admin`) supplies.
#[derive(Debug, Clone)]
pub struct AdminInput {
    pub name: String,
    pub email: String,
    pub timezone: String,
    pub password: String,
    pub password_confirm: String,
}

struct ValidAdmin {
    name: Name,
    email: Email,
    timezone: TimeZoneName,
    password: NewPassword,
}

fn validate_admin(input: &AdminInput) -> AppResult<ValidAdmin> {
    let mut errors = FieldErrors::new();
    let name = errors.take("name", Name::parse(&input.name));
    let email = errors.take("email", Email::parse(&input.email));
    let timezone = errors.take("timezone", TimeZoneName::parse(&input.timezone));
    let password = errors.take(
        "password",
        NewPassword::parse_confirmed(&input.password, &input.password_confirm),
    );
    errors.finish()?;
    match (name, email, timezone, password) {
        (Some(name), Some(email), Some(timezone), Some(password)) => Ok(ValidAdmin {
            name,
            email,
            timezone,
            password,
        }),
        _ => Err(AppError::Unexpected),
    }
}

/// Creates the very first admin. Works exactly once per instance: afterwards it is a
/// conflict, also when two browsers try at the same moment.
pub async fn setup_first_admin(db: &Db, input: &AdminInput) -> AppResult<Authenticated> {
    let admin = validate_admin(input)?;
    let hash = password::hash(&admin.password).await?;
    let mut tx = db.begin().await.context("starting the set-up")?;
    let first = repo::mark_initialised(&mut *tx, now())
        .await
        .context("marking the instance as set up")?;
    if !first {
        return Err(AppError::Conflict(
            "Hireloop is already set up. Sign in instead.".into(),
        ));
    }
    let id = insert_admin(&mut tx, &admin, &hash, None).await?;
    tx.commit().await.context("committing the set-up")?;
    let row = users::find_by_id(db, id)
        .await
        .context("loading the new admin")?
        .ok_or(AppError::Unexpected)?;
    let session_epoch = row.session_epoch;
    Ok(Authenticated {
        user: row.try_into()?,
        session_epoch,
    })
}

/// Creates an admin from the command line (any time; also marks the instance as set up).
pub async fn create_admin(db: &Db, input: &AdminInput) -> AppResult<i64> {
    let admin = validate_admin(input)?;
    let hash = password::hash(&admin.password).await?;
    let mut tx = db.begin().await.context("starting create-admin")?;
    repo::mark_initialised(&mut *tx, now())
        .await
        .context("marking the instance as set up")?;
    let id = insert_admin(&mut tx, &admin, &hash, None).await?;
    tx.commit().await.context("committing create-admin")?;
    Ok(id)
}

async fn insert_admin(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    admin: &ValidAdmin,
    hash: &str,
    actor: Option<i64>,
) -> AppResult<i64> {
    let new_user = NewUser {
        name: admin.name.as_str(),
        email: admin.email.as_str(),
        timezone: admin.timezone.as_str(),
        role: Role::Admin.as_str(),
        password_hash: Some(hash),
    };
    let id = unique_or(
        users::insert(&mut **tx, &new_user, now()).await,
        "creating the admin",
        || AppError::invalid("email", "An account with this email already exists."),
    )?;
    audit::record(
        &mut **tx,
        NewEntry {
            actor_id: actor.or(Some(id)),
            entity: "user",
            entity_id: id,
            action: "create",
            opening_id: None,
            candidate_id: None,
            summary: format!("Created admin {} <{}>", admin.name, admin.email),
            before: None,
            after: Some(serde_json::json!({"name": admin.name.as_str(), "email": admin.email.as_str(), "role": "admin", "timezone": admin.timezone.as_str()})),
        },
        now(),
    )
    .await
    .context("auditing the new admin")?;
    Ok(id)
}

/// Whether the first-admin page should still be offered.
pub async fn needs_setup(db: &Db) -> AppResult<bool> {
    Ok(!repo::is_initialised(db)
        .await
        .context("checking the set-up state")?)
}

/// Changes the signed-in user's own password; returns the new session epoch (their other
/// sessions end, this one is kept by the caller).
pub async fn change_password(
    db: &Db,
    actor: &CurrentUser,
    current: &str,
    new: &str,
    confirm: &str,
) -> AppResult<i64> {
    let mut errors = FieldErrors::new();
    if current.is_empty() {
        errors.add("current_password", "Enter your current password.");
    }
    let password = errors.take("new_password", NewPassword::parse_confirmed(new, confirm));
    errors.finish()?;
    let password = password.ok_or(AppError::Unexpected)?;
    let row = users::find_by_id(db, actor.id)
        .await
        .context("loading the account")?
        .ok_or(AppError::Unauthenticated)?;
    if !password::verify(current.to_owned(), row.password_hash).await? {
        return Err(AppError::invalid(
            "current_password",
            "That is not your current password.",
        ));
    }
    let hash = password::hash(&password).await?;
    let mut tx = db.begin().await.context("starting the password change")?;
    let epoch = users::set_password(&mut *tx, actor.id, &hash, now())
        .await
        .context("storing the new password")?;
    audit::record(
        &mut *tx,
        NewEntry {
            actor_id: Some(actor.id),
            entity: "user",
            entity_id: actor.id,
            action: "change_password",
            opening_id: None,
            candidate_id: None,
            summary: format!("{} changed their password", actor.name),
            before: None,
            after: None,
        },
        now(),
    )
    .await
    .context("auditing the password change")?;
    tx.commit()
        .await
        .context("committing the password change")?;
    Ok(epoch)
}

/// A fresh random token and the hash that is stored for it.
pub fn new_token() -> (String, String) {
    let bytes: [u8; 32] = rand::random();
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// Links are stored only as SHA-256 hashes: a database leak does not reveal usable links.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Issues a one-time set-password link for `user_id` inside `tx` (older links are revoked).
/// Returns the token to put in the URL.
pub async fn issue_password_link(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: i64,
    created_by: Option<i64>,
) -> AppResult<String> {
    let (token, hash) = new_token();
    let now = now();
    repo::revoke_links_of(&mut **tx, user_id, now)
        .await
        .context("revoking older links")?;
    repo::insert_password_link(
        &mut **tx,
        &hash,
        user_id,
        created_by,
        now,
        now + PASSWORD_LINK_HOURS * 3600,
    )
    .await
    .context("storing the password link")?;
    Ok(token)
}

/// The name of the person a valid link is for (the set-password page greets them).
pub async fn password_link_owner(db: &Db, token: &str) -> AppResult<Option<String>> {
    let Some(user_id) = repo::find_valid_link(db, &token_hash(token), now())
        .await
        .context("checking a password link")?
    else {
        return Ok(None);
    };
    let row = users::find_by_id(db, user_id)
        .await
        .context("loading the link's user")?;
    Ok(row.filter(|r| r.active).map(|r| r.name))
}

/// Sets a password through a one-time link; the link is used up in the same transaction.
pub async fn redeem_password_link(db: &Db, token: &str, new: &str, confirm: &str) -> AppResult<()> {
    let mut errors = FieldErrors::new();
    let password = errors.take("new_password", NewPassword::parse_confirmed(new, confirm));
    errors.finish()?;
    let password = password.ok_or(AppError::Unexpected)?;
    let hash = password::hash(&password).await?;
    let mut tx = db.begin().await.context("starting the password reset")?;
    let Some(user_id) = repo::consume_link(&mut *tx, &token_hash(token), now())
        .await
        .context("using up the link")?
    else {
        return Err(AppError::Conflict(
            "This link has expired or was already used. Ask an admin for a new one.".into(),
        ));
    };
    let active = users::find_by_id(&mut *tx, user_id)
        .await
        .context("loading the link's user")?
        .is_some_and(|r| r.active);
    if !active {
        return Err(AppError::Conflict(
            "This account is deactivated. Ask an admin to reactivate it.".into(),
        ));
    }
    users::set_password(&mut *tx, user_id, &hash, now())
        .await
        .context("storing the password")?;
    audit::record(
        &mut *tx,
        NewEntry {
            actor_id: Some(user_id),
            entity: "user",
            entity_id: user_id,
            action: "set_password",
            opening_id: None,
            candidate_id: None,
            summary: "Set a password through a one-time link".into(),
            before: None,
            after: None,
        },
        now(),
    )
    .await
    .context("auditing the password reset")?;
    tx.commit().await.context("committing the password reset")?;
    Ok(())
}

/// Only same-site paths are followed after sign-in (no open redirects).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.contains("://") =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_paths_stay_on_this_site() {
        assert_eq!(safe_next(Some("/admin/users")), "/admin/users");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, hash_a) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_a, token_hash(&a));
        assert_ne!(hash_a, a);
    }

    #[test]
    fn admin_input_is_validated_field_by_field() {
        let input = AdminInput {
            name: String::new(),
            email: "nope".into(),
            timezone: "Nowhere/Special".into(),
            password: "short".into(),
            password_confirm: "short".into(),
        };
        let Err(AppError::Invalid(errors)) = validate_admin(&input) else {
            panic!("expected field errors");
        };
        for field in ["name", "email", "timezone", "password"] {
            assert!(errors.get(field).is_some(), "{field} should have a message");
        }
    }
}
