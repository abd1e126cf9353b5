//! Skill areas: the things interviewers evaluate (Back-end, Communication, ...). Admins keep
//! the list; a skill area in use can be archived but not deleted. Owns `skill_areas`.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

/// A skill area by id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillRef {
    pub id: i64,
    pub name: String,
}

/// A skill area as lists and pickers show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillArea {
    pub id: i64,
    pub name: String,
    pub archived: bool,
    /// How many openings, templates and interview assignments refer to it — for admins only:
    /// the count includes interviews of candidacies others may not know about.
    pub uses: Option<i64>,
}

impl SkillArea {
    pub fn as_ref(&self) -> SkillRef {
        SkillRef {
            id: self.id,
            name: self.name.clone(),
        }
    }
}

/// The pickers' choices: active skill areas, plus archived ones already `chosen` (so an
/// edit keeps them).
pub fn choices(areas: &[SkillArea], chosen: &[i64]) -> Vec<SkillRef> {
    areas
        .iter()
        .filter(|a| !a.archived || chosen.contains(&a.id))
        .map(SkillArea::as_ref)
        .collect()
}

/// What the skill-area form sends (add and rename).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SkillAreaInput {
    pub name: String,
}
