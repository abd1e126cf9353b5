//! Building blocks shared by every page: labelled form fields that show their own error,
//! hooks for route ids and saved forms, skill-area checkboxes, and loading / error states.

mod fields;
mod hooks;
mod page;
mod skills;

pub use fields::*;
pub use hooks::*;
pub use page::*;
pub use skills::SkillChecks;

use crate::auth::CurrentUser;
use crate::error::AppError;
use leptos::prelude::Resource;

/// The signed-in user (or `None`), loaded once per page and shared through the context.
pub type UserResource = Resource<Result<Option<CurrentUser>, AppError>>;
