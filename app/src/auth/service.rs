//! The rules for signing in, first set-up, password changes and set-password links.

use super::password::Hasher;
use super::PasswordChangeInput;
use super::{links, repo, AdminInput, CurrentUser, LoginInput, NewPasswordInput};
use crate::access::{Myself, Scope};
use crate::audit::service::{self as audit, NewEntry};
use crate::db::{begin_write, Db};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::users::service::{self as users, Account, NewUser};
use crate::values::{Email, Name, NewPassword, Role, TimeZoneName};
use anyhow::Context;
use std::net::IpAddr;

/// The one message for every failed sign-in, so it reveals nothing about accounts.
pub const BAD_CREDENTIALS: &str = "That email and password do not match an active account.";

/// The user a session belongs to, if the account is still active and the session's epoch
/// is current (a password change or deactivation bumps the epoch).
pub async fn session_user(db: &Db, user_id: i64, epoch: i64) -> AppResult<Option<CurrentUser>> {
    match users::session_account(db, user_id).await? {
        Some((user, session_epoch, active)) if active && session_epoch == epoch => Ok(Some(user)),
        _ => Ok(None),
    }
}

/// The signed-in form of the active account with this email, for command-line tasks that
/// act as a user (the demo data); `None` if there is no such active account.
pub async fn user_by_email(db: &Db, email: &str) -> AppResult<Option<CurrentUser>> {
    let Ok(email) = Email::parse(email) else {
        return Ok(None);
    };
    match users::account_by_email(db, &email).await? {
        Some(account) if account.active => {
            session_user(db, account.id, account.session_epoch).await
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

impl From<Account> for Authenticated {
    fn from(account: Account) -> Self {
        let session_epoch = account.session_epoch;
        Self {
            user: users::current_user(account),
            session_epoch,
        }
    }
}

/// Checks a sign-in attempt. Every failure looks the same and costs the same time.
pub async fn login(
    db: &Db,
    hasher: &Hasher,
    limiter: &super::rate_limit::LoginLimiter,
    ip: IpAddr,
    input: &LoginInput,
) -> AppResult<Authenticated> {
    let mut errors = FieldErrors::new();
    let email = errors.take("email", Email::parse(&input.email));
    if input.password.is_empty() {
        errors.add("password", "Enter your password.");
    }
    errors.finish()?;
    let Some(email) = email else {
        return Err(AppError::Unexpected);
    };
    limiter
        .check(ip, email.as_str())
        .map_err(AppError::RateLimited)?;

    let account = users::account_by_email(db, &email).await?;
    let stored_hash = account
        .as_ref()
        .filter(|a| a.active)
        .and_then(|a| a.password_hash.clone());
    let verified = hasher.verify(input.password.clone(), stored_hash).await?;
    match account {
        Some(account) if verified => Ok(account.into()),
        _ => Err(AppError::invalid("form", BAD_CREDENTIALS)),
    }
}

/// The first admin's (or a command-line admin's) details once parsed.
struct ValidAdmin {
    name: Name,
    email: Email,
    timezone: TimeZoneName,
    password: NewPassword,
}

impl TryFrom<&AdminInput> for ValidAdmin {
    type Error = FieldErrors;

    fn try_from(input: &AdminInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.take("name", Name::parse(&input.name));
        let email = errors.take("email", Email::parse(&input.email));
        let timezone = errors.take("timezone", TimeZoneName::parse(&input.timezone));
        let password = errors.take(
            "password",
            NewPassword::parse_confirmed(&input.password, &input.password_confirm),
        );
        match (name, email, timezone, password) {
            (Some(name), Some(email), Some(timezone), Some(password)) => Ok(Self {
                name,
                email,
                timezone,
                password,
            }),
            _ => Err(errors),
        }
    }
}

/// Creates the very first admin. Works exactly once per instance: afterwards it is a
/// conflict, also when two browsers try at the same moment.
pub async fn setup_first_admin(
    db: &Db,
    hasher: &Hasher,
    input: &AdminInput,
    now: i64,
) -> AppResult<Authenticated> {
    let admin = ValidAdmin::try_from(input).map_err(AppError::Invalid)?;
    // The cheap check first: once set up, nobody gets to make the server hash anything here.
    if !needs_setup(db).await? {
        return Err(already_set_up());
    }
    let hash = hasher.hash(&admin.password).await?;
    let mut tx = begin_write(db).await?;
    let first = repo::mark_initialised(&mut *tx, now)
        .await
        .context("marking the instance as set up")?;
    if !first {
        return Err(already_set_up());
    }
    let id = insert_admin(&mut tx, &admin, &hash, now).await?;
    tx.commit().await.context("committing the set-up")?;
    let account = users::account(db, id).await?.ok_or(AppError::Unexpected)?;
    Ok(account.into())
}

fn already_set_up() -> AppError {
    AppError::Conflict("Hireloop is already set up. Sign in instead.".into())
}

/// Creates an admin from the command line (any time; also marks the instance as set up).
pub async fn create_admin(db: &Db, input: &AdminInput, now: i64) -> AppResult<i64> {
    let admin = ValidAdmin::try_from(input).map_err(AppError::Invalid)?;
    let hash = Hasher::default().hash(&admin.password).await?;
    let mut tx = begin_write(db).await?;
    repo::mark_initialised(&mut *tx, now)
        .await
        .context("marking the instance as set up")?;
    let id = insert_admin(&mut tx, &admin, &hash, now).await?;
    tx.commit().await.context("committing create-admin")?;
    Ok(id)
}

/// Marks the instance as set up (the first-admin page is then gone); for accounts created
/// outside the set-up page, such as demo data and tests.
pub async fn mark_initialised(db: &Db, now: i64) -> AppResult<()> {
    repo::mark_initialised(db, now)
        .await
        .context("marking the instance as set up")?;
    Ok(())
}

async fn insert_admin(
    conn: &mut sqlx::AnyConnection,
    admin: &ValidAdmin,
    hash: &str,
    now: i64,
) -> AppResult<i64> {
    let new_user = NewUser {
        name: admin.name.as_str(),
        email: admin.email.as_str(),
        timezone: admin.timezone.as_str(),
        role: Role::Admin,
        password_hash: Some(hash),
    };
    let id = users::insert_account(&mut *conn, &new_user, now).await?;
    audit::record(
        &mut *conn,
        NewEntry::new(
            Some(id),
            "user",
            id,
            "create",
            format!("Created admin {} <{}>", admin.name, admin.email),
        )
        .after(serde_json::json!({"name": admin.name.as_str(), "email": admin.email.as_str(), "role": "admin", "timezone": admin.timezone.as_str()})),
        now,
    )
    .await?;
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
    hasher: &Hasher,
    me: &Myself,
    input: &PasswordChangeInput,
    now: i64,
) -> AppResult<i64> {
    let mut errors = FieldErrors::new();
    if input.current_password.is_empty() {
        errors.add("current_password", "Enter your current password.");
    }
    let password = errors.take(
        "new_password",
        NewPassword::parse_confirmed(&input.new_password, &input.new_password_confirm),
    );
    errors.finish()?;
    let password = password.ok_or(AppError::Unexpected)?;
    let user = me.user();
    let account = users::account(db, user.id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if !hasher
        .verify(input.current_password.clone(), account.password_hash)
        .await?
    {
        return Err(AppError::invalid(
            "current_password",
            "That is not your current password.",
        ));
    }
    let hash = hasher.hash(&password).await?;
    let mut tx = begin_write(db).await?;
    let epoch = users::set_password(&mut *tx, user.id, &hash, now).await?;
    // A set-password link still out there would let someone else choose the password now.
    links::revoke_all(&mut *tx, user.id, now).await?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            me.actor_id(),
            "user",
            user.id,
            "change_password",
            format!("{} changed their password", user.name),
        ),
        now,
    )
    .await?;
    tx.commit()
        .await
        .context("committing the password change")?;
    Ok(epoch)
}

/// The name of the person a valid link is for (the set-password page greets them).
pub async fn password_link_owner(db: &Db, token: &str, now: i64) -> AppResult<Option<String>> {
    let Some(user_id) = links::owner(db, token, now).await? else {
        return Ok(None);
    };
    Ok(users::person(db, user_id)
        .await?
        .filter(|(_, active)| *active)
        .map(|(name, _)| name))
}

fn dead_link() -> AppError {
    AppError::Conflict(
        "This link has expired or was already used. Ask an admin for a new one.".into(),
    )
}

/// Sets a password through a one-time link; the link is used up in the same transaction.
pub async fn redeem_password_link(
    db: &Db,
    hasher: &Hasher,
    token: &str,
    input: &NewPasswordInput,
    now: i64,
) -> AppResult<()> {
    let password = NewPassword::parse_confirmed(&input.new_password, &input.new_password_confirm)
        .map_err(|m| AppError::invalid("new_password", m))?;
    // The cheap check first: a dead link never costs a hash.
    if links::owner(db, token, now).await?.is_none() {
        return Err(dead_link());
    }
    let hash = hasher.hash(&password).await?;
    let mut tx = begin_write(db).await?;
    let Some(user_id) = links::consume(&mut *tx, token, now).await? else {
        return Err(dead_link());
    };
    if !users::is_active(&mut *tx, user_id).await? {
        return Err(AppError::Conflict(
            "This account is deactivated. Ask an admin to reactivate it.".into(),
        ));
    }
    users::set_password(&mut *tx, user_id, &hash, now).await?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            Some(user_id),
            "user",
            user_id,
            "set_password",
            "Set a password through a one-time link",
        ),
        now,
    )
    .await?;
    tx.commit().await.context("committing the password reset")?;
    Ok(())
}

/// A secret shared by every server instance of this database (created on first use): 32
/// random bytes, hex-encoded.
pub async fn instance_secret(db: &Db, name: &str) -> AppResult<String> {
    let fresh = hex::encode(rand::random::<[u8; 32]>());
    Ok(repo::instance_secret(db, name, &fresh)
        .await
        .context("loading an instance secret")?)
}

/// Where to go after signing in: `next` when, read as an address relative to this site, it
/// stays on this site (same scheme, host and port); otherwise the dashboard. Browsers ignore
/// tabs and newlines inside addresses and read `/\\host` as `//host`, so anything with
/// control characters or that does not resolve to this origin is refused.
pub fn safe_next(next: Option<&str>, public_base_url: &str) -> String {
    let fallback = || "/".to_owned();
    let Some(next) = next.map(str::trim).filter(|n| !n.is_empty()) else {
        return fallback();
    };
    if !next.starts_with('/') || next.chars().any(|c| c.is_control() || c == '\\') {
        return fallback();
    }
    let Ok(base) = url::Url::parse(public_base_url) else {
        return fallback();
    };
    match base.join(next) {
        Ok(target) if target.origin() == base.origin() => {
            let mut path = target.path().to_owned();
            if let Some(query) = target.query() {
                path.push('?');
                path.push_str(query);
            }
            path
        }
        _ => fallback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_paths_stay_on_this_site() {
        let base = "https://hire.example.com";
        let next = |n: &str| safe_next(Some(n), base);
        assert_eq!(next("/admin/users"), "/admin/users");
        assert_eq!(next("/candidates?q=ada%20b"), "/candidates?q=ada%20b");
        for evil in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "\t//evil.example",
            "javascript:alert(1)",
            "evil.example",
            "/%09/evil.example/..",
            "///evil.example",
        ] {
            let target = next(evil);
            assert!(
                target == "/" || (target.starts_with('/') && !target.starts_with("//")),
                "{evil:?} -> {target:?}"
            );
        }
        assert_eq!(next("\u{0}"), "/");
        assert_eq!(safe_next(None, base), "/");
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
        let Err(errors) = ValidAdmin::try_from(&input) else {
            panic!("expected field errors");
        };
        for field in ["name", "email", "timezone", "password"] {
            assert!(errors.get(field).is_some(), "{field} should have a message");
        }
        assert!(
            !format!("{input:?}").contains("short"),
            "passwords are redacted"
        );
    }
}
