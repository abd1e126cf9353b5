//! Accounts: admins create, edit and deactivate users; everyone manages their own time zone.
//! Owns the `users` table.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod service;

use crate::values::Role;
use serde::{Deserialize, Serialize};

/// A person who can be picked (hiring manager, interviewer, current manager), or any other
/// record shown by id and name in a picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRef {
    pub id: i64,
    pub name: String,
}

/// An account as admins see it in lists and forms (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub timezone: String,
    pub active: bool,
    pub has_password: bool,
}

/// The result of creating a user: where to find them, and the set-password link if one was
/// asked for (shown once to the admin, who passes it on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedUser {
    pub id: i64,
    pub password_link: Option<String>,
}

/// What the edit-user page needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserEditData {
    pub user: UserSummary,
    pub is_self: bool,
    pub timezones: Vec<String>,
}

/// What the account page needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountData {
    pub name: String,
    pub email: String,
    pub timezone: String,
    pub timezones: Vec<String>,
}

/// What the new-user form needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUserFormData {
    pub default_timezone: String,
    pub timezones: Vec<String>,
}

/// What the new-user form sends.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewUserInput {
    pub name: String,
    pub email: String,
    /// An IANA name such as `Europe/Berlin`.
    pub timezone: String,
    /// `admin` or `member`.
    pub role: String,
    /// `password`: the admin types an initial password; `link`: a one-time link.
    pub password_mode: String,
    pub password: String,
}

impl std::fmt::Debug for NewUserInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUserInput")
            .field("name", &self.name)
            .field("email", &self.email)
            .field("timezone", &self.timezone)
            .field("role", &self.role)
            .field("password_mode", &self.password_mode)
            .field("password", &"**redacted**")
            .finish()
    }
}

/// What the edit-user form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProfileInput {
    pub name: String,
    pub email: String,
    pub timezone: String,
    pub role: String,
}

/// What the time-zone form on the account page sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimezoneInput {
    pub timezone: String,
}
