//! The one error type every server function returns, and how it maps to HTTP.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Messages for individual form fields, keyed by the field's `name`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `message` for `field` (the first message for a field wins).
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.0.push((field.to_owned(), message.into()));
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, message)| message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(f, m)| (f.as_str(), m.as_str()))
    }

    /// Keeps the parsed value, or records the parser's message under `field`.
    pub fn take<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }

    /// `Ok(())` when nothing was recorded, otherwise the collected messages as an error.
    pub fn finish(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self))
        }
    }

    /// A single-field error, ready to return.
    pub fn single(field: &str, message: impl Into<String>) -> AppError {
        let mut errors = Self::new();
        errors.add(field, message);
        AppError::Invalid(errors)
    }
}

/// What went wrong, in terms a user (and an HTTP client) can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("You do not have access to this.")]
    Forbidden,
    #[error("This page or record does not exist.")]
    NotFound,
    #[error("Please correct the highlighted fields.")]
    Invalid(FieldErrors),
    #[error("{0}")]
    Conflict(String),
    /// Saving needs the user to confirm these warnings first.
    #[error("Please read the warnings, then confirm to save anyway.")]
    NeedsConfirmation(Vec<String>),
    #[error("Too many attempts. Try again in {0} s.")]
    RateLimited(u64),
    /// The server is at capacity for this kind of work (password hashing).
    #[error("The server is busy. Please try again in a moment.")]
    Busy,
    /// The cause was logged on the server; the user sees a generic message.
    #[error("Something went wrong on our side. Please try again.")]
    Unexpected,
    /// The request never got a proper answer (network, encoding).
    #[error("Could not reach the server ({0}). Please try again.")]
    Transport(String),
}

impl AppError {
    /// The HTTP status for this error: the one place the mapping lives.
    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthenticated => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Invalid(_) => 422,
            Self::Conflict(_) | Self::NeedsConfirmation(_) => 409,
            Self::RateLimited(_) => 429,
            Self::Busy => 503,
            Self::Unexpected | Self::Transport(_) => 500,
        }
    }

    /// The message for one form field, if this error carries one.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            Self::Invalid(errors) => errors.get(name).map(ToOwned::to_owned),
            _ => None,
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        FieldErrors::single(field, message)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // A form that posts malformed arguments is bad input, not a server fault.
            ServerFnErrorErr::Args(message) => {
                FieldErrors::single("form", format!("The form could not be read: {message}"))
            }
            other => Self::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<anyhow::Error> for AppError {
    /// Logs the whole cause chain; the user only learns that something failed.
    fn from(error: anyhow::Error) -> Self {
        tracing::error!(error = format!("{error:#}"), "unexpected error");
        Self::Unexpected
    }
}

/// Shorthand for results of server functions and services.
pub type AppResult<T> = Result<T, AppError>;
