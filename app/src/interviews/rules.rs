//! The rules of a sound loop, as plain functions: no double booking, every required skill
//! area owned by someone, no skill area owned twice.

use super::LoopCoverage;
use crate::skills::SkillRef;
use std::collections::BTreeMap;

/// A booked time of one interviewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub user_id: i64,
    pub start: i64,
    pub end: i64,
}

/// True when `[a_start, a_end)` and `[b_start, b_end)` overlap (touching is fine).
pub fn overlaps(a_start: i64, a_end: i64, b_start: i64, b_end: i64) -> bool {
    a_start < b_end && b_start < a_end
}

/// The bookings of `user_id` that clash with `[start, end)`.
pub fn clashes(user_id: i64, start: i64, end: i64, bookings: &[Booking]) -> Vec<Booking> {
    bookings
        .iter()
        .filter(|b| b.user_id == user_id && overlaps(start, end, b.start, b.end))
        .cloned()
        .collect()
}

/// One interviewer's ownership in a loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ownership {
    pub user_id: i64,
    pub name: String,
    pub skills: Vec<SkillRef>,
}

/// How `members` cover `required`: what nobody owns, and what different people both own.
pub fn coverage(required: &[SkillRef], members: &[Ownership]) -> LoopCoverage {
    let mut owners: BTreeMap<i64, (SkillRef, Vec<(i64, String)>)> = BTreeMap::new();
    for member in members {
        for skill in &member.skills {
            let entry = owners
                .entry(skill.id)
                .or_insert_with(|| (skill.clone(), Vec::new()));
            if !entry.1.iter().any(|(id, _)| *id == member.user_id) {
                entry.1.push((member.user_id, member.name.clone()));
            }
        }
    }
    let missing = required
        .iter()
        .filter(|s| !owners.contains_key(&s.id))
        .cloned()
        .collect();
    let duplicated = owners
        .into_values()
        .filter(|(_, people)| people.len() > 1)
        .map(|(skill, people)| (skill, people.into_iter().map(|(_, name)| name).collect()))
        .collect();
    LoopCoverage {
        required: required.to_vec(),
        missing,
        duplicated,
    }
}

/// The required skill areas a stage's loop must cover: those its interview templates
/// cover (a phone screen about communication is not expected to cover back-end), or all of
/// them when the stage has no templates.
pub fn expected_skills(required: &[SkillRef], template_skills: &[SkillRef]) -> Vec<SkillRef> {
    if template_skills.is_empty() {
        return required.to_vec();
    }
    required
        .iter()
        .filter(|r| template_skills.iter().any(|t| t.id == r.id))
        .cloned()
        .collect()
}

/// "A", "A and B", "A, B and C".
pub fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skill(id: i64, name: &str) -> SkillRef {
        SkillRef {
            id,
            name: name.into(),
        }
    }

    fn member(user_id: i64, name: &str, skills: &[SkillRef]) -> Ownership {
        Ownership {
            user_id,
            name: name.into(),
            skills: skills.to_vec(),
        }
    }

    #[test]
    fn overlapping_bookings_clash_and_touching_ones_do_not() {
        let bookings = vec![
            Booking {
                user_id: 1,
                start: 100,
                end: 200,
            },
            Booking {
                user_id: 2,
                start: 100,
                end: 200,
            },
        ];
        assert_eq!(clashes(1, 150, 250, &bookings).len(), 1);
        assert_eq!(clashes(1, 50, 101, &bookings).len(), 1);
        assert_eq!(clashes(1, 90, 210, &bookings).len(), 1, "containing");
        assert!(
            clashes(1, 200, 260, &bookings).is_empty(),
            "back to back is fine"
        );
        assert!(clashes(1, 40, 100, &bookings).is_empty());
        assert!(clashes(3, 100, 200, &bookings).is_empty(), "other people");
    }

    #[test]
    fn coverage_finds_missing_and_doubled_skill_areas() {
        let backend = skill(1, "Back-end");
        let data = skill(2, "Data modelling");
        let comms = skill(3, "Communication");
        let required = vec![backend.clone(), data.clone(), comms.clone()];
        let members = vec![
            member(10, "Ivan", std::slice::from_ref(&backend)),
            member(11, "Priya", &[backend.clone(), data.clone()]),
        ];
        let result = coverage(&required, &members);
        assert_eq!(result.missing, vec![comms.clone()]);
        assert_eq!(
            result.duplicated,
            vec![(backend.clone(), vec!["Ivan".to_owned(), "Priya".to_owned()])]
        );
        assert_eq!(
            result.warnings(),
            vec![
                "Nobody in this loop covers Communication (required for this opening).".to_owned(),
                "Back-end is owned by Ivan and Priya: give each interviewer a different skill area.".to_owned(),
            ]
        );
    }

    #[test]
    fn the_same_person_owning_a_skill_twice_is_not_a_duplicate() {
        let backend = skill(1, "Back-end");
        let members = vec![
            member(10, "Ivan", std::slice::from_ref(&backend)),
            member(10, "Ivan", std::slice::from_ref(&backend)),
        ];
        let result = coverage(&[backend], &members);
        assert!(result.duplicated.is_empty() && result.missing.is_empty());
    }

    #[test]
    fn a_sound_loop_has_no_warnings() {
        let skills = [skill(1, "A"), skill(2, "B"), skill(3, "C")];
        let members = vec![
            member(1, "X", &skills[0..1]),
            member(2, "Y", &skills[1..2]),
            member(3, "Z", &skills[2..3]),
        ];
        assert!(coverage(&skills, &members).warnings().is_empty());
    }

    #[test]
    fn a_stage_is_expected_to_cover_what_its_templates_cover() {
        let required = [skill(1, "A"), skill(2, "B"), skill(3, "C")];
        assert_eq!(
            expected_skills(&required, &[skill(2, "B"), skill(9, "Z")]),
            vec![skill(2, "B")]
        );
        assert_eq!(expected_skills(&required, &[]).len(), 3);
    }

    #[test]
    fn names_are_listed_naturally() {
        assert_eq!(and_list(&["A".into()]), "A");
        assert_eq!(and_list(&["A".into(), "B".into()]), "A and B");
        assert_eq!(
            and_list(&["A".into(), "B".into(), "C".into()]),
            "A, B and C"
        );
    }
}
