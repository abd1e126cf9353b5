//! Signing in and out, sessions, the first-admin set-up, password changes and one-time
//! set-password links. Owns the `instance`, `sessions` and `password_links` tables.

pub mod api;
#[cfg(feature = "ssr")]
pub mod guard;
#[cfg(feature = "ssr")]
pub mod links;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod rate_limit;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod session_store;

use crate::values::Role;
use serde::{Deserialize, Serialize};

/// The signed-in user, as the UI and the services see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub timezone: String,
    /// Hiring manager of at least one opening.
    pub is_hiring_manager: bool,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// Writes a `Debug` for a form input that shows its ordinary fields and hides its secrets.
macro_rules! redacted_debug {
    ($ty:ident { $($shown:ident),* ; $($secret:ident),+ }) => {
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($ty))
                    $(.field(stringify!($shown), &self.$shown))*
                    $(.field(stringify!($secret), &"**redacted**"))+
                    .finish()
            }
        }
    };
}

/// What the sign-in form sends.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoginInput {
    pub email: String,
    pub password: String,
    /// Where to go afterwards: a path on this site.
    pub next: String,
}
redacted_debug!(LoginInput { email, next; password });

/// What the first-admin form (and `hireloop create-admin`) supplies.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AdminInput {
    pub name: String,
    pub email: String,
    pub timezone: String,
    pub password: String,
    pub password_confirm: String,
}
redacted_debug!(AdminInput { name, email, timezone; password, password_confirm });

/// What the change-password form sends.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordChangeInput {
    pub current_password: String,
    pub new_password: String,
    pub new_password_confirm: String,
}
redacted_debug!(PasswordChangeInput { ; current_password, new_password, new_password_confirm });

/// What the set-password page (a one-time link) sends.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewPasswordInput {
    pub new_password: String,
    pub new_password_confirm: String,
}
redacted_debug!(NewPasswordInput { ; new_password, new_password_confirm });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_holding_passwords_never_print_them() {
        let secret = "hunter2 is my password";
        let shown = [
            format!(
                "{:?}",
                LoginInput {
                    email: "ada@example.com".into(),
                    password: secret.into(),
                    next: "/".into(),
                }
            ),
            format!(
                "{:?}",
                PasswordChangeInput {
                    current_password: secret.into(),
                    new_password: secret.into(),
                    new_password_confirm: secret.into(),
                }
            ),
            format!(
                "{:?}",
                NewPasswordInput {
                    new_password: secret.into(),
                    new_password_confirm: secret.into(),
                }
            ),
            format!(
                "{:?}",
                crate::users::NewUserInput {
                    password: secret.into(),
                    ..Default::default()
                }
            ),
        ];
        for text in shown {
            assert!(
                !text.contains("hunter2") && text.contains("redacted"),
                "{text}"
            );
        }
        assert!(format!("{:?}", LoginInput::default()).contains("email"));
    }
}
