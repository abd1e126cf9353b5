//! Accounts: admins create, edit and deactivate users; everyone manages their own time zone.
//! Owns the `users` table.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;

use crate::values::Role;
use serde::{Deserialize, Serialize};

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
