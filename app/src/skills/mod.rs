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
    /// What refers to it — for admins only: it counts interviews of candidacies others may
    /// not know about.
    pub uses: Option<SkillUse>,
}

/// What refers to a skill area: openings requiring it, interviews in plans covering it, and
/// whether any interviewer was ever assigned it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillUse {
    pub openings: i64,
    pub plan_interviews: i64,
    pub interviewed: bool,
}

impl SkillUse {
    pub fn in_use(&self) -> bool {
        self.openings > 0 || self.plan_interviews > 0 || self.interviewed
    }

    /// "3 openings, 5 plan interviews, used in interviews", or "Not in use".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        let count =
            |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        if self.openings > 0 {
            parts.push(count(self.openings, "opening", "openings"));
        }
        if self.plan_interviews > 0 {
            parts.push(count(
                self.plan_interviews,
                "plan interview",
                "plan interviews",
            ));
        }
        if self.interviewed {
            parts.push("used in interviews".to_owned());
        }
        if parts.is_empty() {
            "Not in use".to_owned()
        } else {
            parts.join(", ")
        }
    }
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
