//! Skill areas: the things interviewers evaluate (Back-end, Communication, ...). Admins keep
//! the list; a skill area in use can be archived but not deleted. Owns `skill_areas`.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

/// A skill area as lists and pickers show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillArea {
    pub id: i64,
    pub name: String,
    pub archived: bool,
    /// How many openings, templates and interview assignments refer to it.
    pub uses: i64,
}
