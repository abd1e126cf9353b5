//! The debrief's rules as pure functions: where ratings disagree, which required skill
//! areas have no evidence, and reading a decision.

use super::{Decision, DecisionInput, MAX_RATIONALE};
use crate::error::{AppError, FieldErrors};
use crate::scorecards::Rating;
use crate::values::parse_text;

/// Ratings this many steps apart (or more) are a disagreement worth the debrief's time.
pub const DISAGREEMENT_STEPS: i64 = 2;

/// How far apart the ratings are, when that is a disagreement.
pub fn spread(ratings: &[Rating]) -> Option<i64> {
    let steps = ratings.iter().map(|r| r.step());
    let (min, max) = (steps.clone().min()?, steps.max()?);
    (max - min >= DISAGREEMENT_STEPS).then_some(max - min)
}

/// "Disagreement: No and Strong yes, 2 steps apart." — or nothing.
pub fn disagreement(ratings: &[Rating]) -> Option<String> {
    let steps = spread(ratings)?;
    let low = ratings.iter().min_by_key(|r| r.step())?;
    let high = ratings.iter().max_by_key(|r| r.step())?;
    Some(format!(
        "Disagreement: {} and {}, {steps} steps apart.",
        low.label(),
        high.label()
    ))
}

/// The required skill areas (in order) that no submitted scorecard gives evidence on.
pub fn coverage_gaps<'a>(required: &'a [(i64, String)], evidenced: &[i64]) -> Vec<&'a str> {
    required
        .iter()
        .filter(|(id, _)| !evidenced.contains(id))
        .map(|(_, name)| name.as_str())
        .collect()
}

/// A decision as read from the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDecision {
    pub seen: i64,
    pub decision: Decision,
    /// For an advance: the stage id chosen.
    pub to_stage: Option<i64>,
    pub rationale: String,
    pub override_reason: Option<String>,
}

/// Reads the decision form. `gaps` are the coverage gaps (a decision over them needs an
/// override reason); `stages` the stages an advance may go to.
pub fn parse_decision(
    input: &DecisionInput,
    gaps: &[&str],
    stages: &[i64],
) -> Result<NewDecision, AppError> {
    let mut errors = FieldErrors::new();
    let seen = input.seen.trim().parse::<i64>().ok().filter(|n| *n >= 0);
    if seen.is_none() {
        errors.add("form", "The form is out of date; reload the page.");
    }
    let decision = errors.take("decision", Decision::parse(&input.decision));
    let rationale = errors
        .take(
            "rationale",
            parse_text(&input.rationale, MAX_RATIONALE, "the rationale"),
        )
        .unwrap_or_default();
    if rationale.is_empty() && errors.get("rationale").is_none() {
        errors.add(
            "rationale",
            "Write the rationale for the decision: what the team weighed and why.",
        );
    }
    let override_reason = errors
        .take(
            "override_reason",
            parse_text(&input.override_reason, MAX_RATIONALE, "the reason"),
        )
        .unwrap_or_default();
    if !gaps.is_empty() && override_reason.is_empty() && errors.get("override_reason").is_none() {
        errors.add(
            "override_reason",
            format!(
                "{} {} no submitted evidence. Wait for the scorecards, or give the reason to decide without it.",
                gaps.join(", "),
                if gaps.len() == 1 { "has" } else { "have" }
            ),
        );
    }
    // A stage may be chosen whatever the decision (the form keeps the picker), but only one
    // of the later stages, and an advance needs one.
    let chosen = match input.to_stage_id.trim() {
        "" => None,
        raw => {
            let id = raw.parse::<i64>().ok().filter(|id| stages.contains(id));
            if id.is_none() {
                errors.add("to_stage_id", "Choose one of the later stages of the plan.");
            }
            id
        }
    };
    let mut to_stage = None;
    if decision == Some(Decision::Advance) {
        match chosen {
            Some(id) => to_stage = Some(id),
            None if stages.is_empty() => errors.add(
                "to_stage_id",
                "There is no later stage in this opening's plan; choose hire, no hire or hold.",
            ),
            None => errors.add("to_stage_id", "Choose the stage to advance to."),
        }
    }
    errors.finish()?;
    let (Some(seen), Some(decision)) = (seen, decision) else {
        return Err(AppError::invalid("decision", "Choose a decision."));
    };
    Ok(NewDecision {
        seen,
        decision,
        to_stage,
        rationale,
        override_reason: (!override_reason.is_empty()).then_some(override_reason),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Rating::{No, StrongNo, StrongYes, Yes};

    #[test]
    fn disagreement_is_two_steps_or_more() {
        assert_eq!(spread(&[Yes, StrongYes]), None);
        assert_eq!(spread(&[No, Yes]), None);
        assert_eq!(spread(&[No, StrongYes]), Some(2));
        assert_eq!(spread(&[StrongNo, Yes, StrongYes]), Some(3));
        assert_eq!(spread(&[Yes]), None);
        assert_eq!(spread(&[]), None);
        assert_eq!(
            disagreement(&[StrongYes, No, Yes]).as_deref(),
            Some("Disagreement: No and Strong yes, 2 steps apart.")
        );
    }

    #[test]
    fn coverage_names_required_areas_without_evidence() {
        let required = vec![
            (1, "Back-end".to_owned()),
            (2, "Communication".to_owned()),
            (3, "Data modelling".to_owned()),
        ];
        assert_eq!(
            coverage_gaps(&required, &[2]),
            vec!["Back-end", "Data modelling"]
        );
        assert!(coverage_gaps(&required, &[3, 1, 2, 9]).is_empty());
        assert!(coverage_gaps(&[], &[]).is_empty());
    }

    fn input(decision: &str, rationale: &str, override_reason: &str) -> DecisionInput {
        DecisionInput {
            seen: "0".into(),
            decision: decision.into(),
            to_stage_id: String::new(),
            rationale: rationale.into(),
            override_reason: override_reason.into(),
        }
    }

    #[test]
    fn a_decision_needs_a_rationale_and_coverage_or_an_override() {
        let err = parse_decision(&input("hire", " ", ""), &[], &[]).expect_err("no rationale");
        assert!(err.field("rationale").is_some());
        let err = parse_decision(&input("hire", "Strong loop.", ""), &["Back-end"], &[])
            .expect_err("gap");
        assert_eq!(
            err.field("override_reason").as_deref(),
            Some("Back-end has no submitted evidence. Wait for the scorecards, or give the reason to decide without it.")
        );
        let ok = parse_decision(
            &input("hire", "Strong loop.", "Covered in the take-home."),
            &["Back-end"],
            &[],
        )
        .expect("overridden");
        assert_eq!(
            ok.override_reason.as_deref(),
            Some("Covered in the take-home.")
        );
        assert!(parse_decision(&input("maybe", "x", ""), &[], &[])
            .expect_err("not a decision")
            .field("decision")
            .is_some());
        let mut advance = input("advance", "Good.", "");
        assert!(parse_decision(&advance, &[], &[7])
            .expect_err("no stage")
            .field("to_stage_id")
            .is_some());
        advance.to_stage_id = "7".into();
        assert_eq!(
            parse_decision(&advance, &[], &[7]).map(|d| d.to_stage),
            Ok(Some(7))
        );
        advance.to_stage_id = "8".into();
        assert!(parse_decision(&advance, &[], &[7]).is_err());
        // A stray stage with another decision must still be one of the later stages.
        let mut hold = input("hold", "Wait.", "");
        hold.to_stage_id = "x".repeat(500);
        assert!(parse_decision(&hold, &[], &[7])
            .expect_err("not a stage")
            .field("to_stage_id")
            .is_some());
        hold.to_stage_id = "7".into();
        assert_eq!(
            parse_decision(&hold, &[], &[7]).map(|d| d.to_stage),
            Ok(None)
        );
        let mut stale = input("hold", "Wait.", "");
        stale.seen = "x".into();
        assert!(parse_decision(&stale, &[], &[]).is_err());
    }
}
