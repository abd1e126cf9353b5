//! Reading a scorecard form into a scorecard, and what submitting requires.

use super::{
    AnswerEntry, Question, Rating, ScorecardContent, ScorecardInput, SkillEntry, MAX_EVIDENCE,
    MAX_TEXT,
};
use crate::error::{AppError, FieldErrors};
use crate::values::parse_text;

/// What a scorecard is made of: the skill areas the interviewer owns in the interview and
/// the opening's questions. Forms are read against it, so a post cannot add a row.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    pub skills: Vec<(i64, String)>,
    pub questions: Vec<Question>,
}

impl Frame {
    /// An empty scorecard for this frame.
    pub fn blank(&self) -> ScorecardContent {
        ScorecardContent {
            skills: self
                .skills
                .iter()
                .map(|(id, name)| SkillEntry {
                    skill_area_id: *id,
                    skill_area: name.clone(),
                    ..SkillEntry::default()
                })
                .collect(),
            answers: self
                .questions
                .iter()
                .map(|q| AnswerEntry {
                    question_id: q.id,
                    prompt: q.prompt.clone(),
                    behavioural: q.behavioural,
                    ..AnswerEntry::default()
                })
                .collect(),
            ..ScorecardContent::default()
        }
    }

    /// A saved scorecard laid over this frame: rows for skill areas or questions added
    /// since are blank, rows for ones removed since are dropped.
    pub fn fit(&self, saved: &ScorecardContent) -> ScorecardContent {
        let mut content = self.blank();
        for entry in &mut content.skills {
            if let Some(old) = saved
                .skills
                .iter()
                .find(|s| s.skill_area_id == entry.skill_area_id)
            {
                entry.rating = old.rating;
                entry.evidence.clone_from(&old.evidence);
            }
        }
        for entry in &mut content.answers {
            if let Some(old) = saved
                .answers
                .iter()
                .find(|a| a.question_id == entry.question_id)
            {
                let prompt = std::mem::take(&mut entry.prompt);
                *entry = AnswerEntry {
                    prompt,
                    behavioural: entry.behavioural,
                    ..old.clone()
                };
            }
        }
        content.overall = saved.overall;
        content.resume_gaps.clone_from(&saved.resume_gaps);
        content
            .candidate_questions
            .clone_from(&saved.candidate_questions);
        content.notes.clone_from(&saved.notes);
        content.private_note.clone_from(&saved.private_note);
        content
    }
}

fn text(errors: &mut FieldErrors, field: &str, raw: &str, max: usize, what: &str) -> String {
    errors
        .take(field, parse_text(raw, max, what))
        .unwrap_or_default()
}

fn rating(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<Rating> {
    if raw.trim().is_empty() {
        return None;
    }
    errors.take(field, Rating::parse(raw))
}

/// Reads a form into a scorecard. Anything may be missing (it is a draft), but what is
/// there must be valid: a rating on the scale, texts within their lengths, rows of this
/// scorecard only.
pub fn parse(input: &ScorecardInput, frame: &Frame) -> Result<ScorecardContent, AppError> {
    let mut errors = FieldErrors::new();
    let mut content = frame.blank();
    for row in &input.skills {
        let id = row.skill_area_id.trim().parse::<i64>().ok();
        let Some(index) = id.and_then(|id| frame.skills.iter().position(|(s, _)| *s == id)) else {
            errors.add(
                "skills",
                "A rated skill area is not one of yours in this interview; reload the page.",
            );
            continue;
        };
        let name = frame.skills[index].1.clone();
        let entry = &mut content.skills[index];
        entry.rating = rating(&mut errors, &format!("skills.{index}.rating"), &row.rating);
        entry.evidence = text(
            &mut errors,
            &format!("skills.{index}.evidence"),
            &row.evidence,
            MAX_EVIDENCE,
            &format!("the evidence for {name}"),
        );
    }
    for row in &input.answers {
        let id = row.question_id.trim().parse::<i64>().ok();
        let Some(index) = id.and_then(|id| frame.questions.iter().position(|q| q.id == id)) else {
            errors.add(
                "answers",
                "An answered question is not on this scorecard any more; reload the page.",
            );
            continue;
        };
        let entry = &mut content.answers[index];
        let mut part = |field: &str, raw: &str| {
            text(
                &mut errors,
                &format!("answers.{index}.{field}"),
                raw,
                MAX_EVIDENCE,
                &format!("the {field}"),
            )
        };
        entry.answer = part("answer", &row.answer);
        entry.situation = part("situation", &row.situation);
        entry.task = part("task", &row.task);
        entry.action = part("action", &row.action);
        entry.result = part("result", &row.result);
    }
    content.overall = rating(&mut errors, "overall", &input.overall);
    content.resume_gaps = text(
        &mut errors,
        "resume_gaps",
        &input.resume_gaps,
        MAX_TEXT,
        "what did not add up",
    );
    content.candidate_questions = text(
        &mut errors,
        "candidate_questions",
        &input.candidate_questions,
        MAX_TEXT,
        "the candidate's questions",
    );
    content.notes = text(&mut errors, "notes", &input.notes, MAX_TEXT, "the notes");
    content.private_note = text(
        &mut errors,
        "private_note",
        &input.private_note,
        MAX_TEXT,
        "the note to the hiring manager",
    );
    errors.finish()?;
    Ok(content)
}

/// What submitting requires: every skill area rated, with evidence, and an overall
/// recommendation. Each gap is named next to its field.
pub fn complete(content: &ScorecardContent) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    for (index, entry) in content.skills.iter().enumerate() {
        if entry.rating.is_none() {
            errors.add(
                &format!("skills.{index}.rating"),
                format!("Rate {} before you submit.", entry.skill_area),
            );
        }
        if entry.evidence.trim().is_empty() {
            errors.add(
                &format!("skills.{index}.evidence"),
                format!(
                    "Give the evidence behind your rating of {}: what the candidate said or did.",
                    entry.skill_area
                ),
            );
        }
    }
    if content.overall.is_none() {
        errors.add(
            "overall",
            "Choose your overall recommendation before you submit.",
        );
    }
    errors.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scorecards::{AnswerInput, SkillInput};

    fn frame() -> Frame {
        Frame {
            skills: vec![(3, "Back-end".into()), (5, "Data modelling".into())],
            questions: vec![Question {
                id: 9,
                prompt: "Can they communicate?".into(),
                behavioural: true,
            }],
        }
    }

    fn skill(id: &str, rating: &str, evidence: &str) -> SkillInput {
        SkillInput {
            skill_area_id: id.into(),
            rating: rating.into(),
            evidence: evidence.into(),
        }
    }

    #[test]
    fn a_draft_may_be_partial_but_not_wrong() {
        let input = ScorecardInput {
            skills: vec![skill("5", "yes", "Normalised the schema unprompted.")],
            overall: String::new(),
            ..ScorecardInput::default()
        };
        let content = parse(&input, &frame()).expect("a partial draft is fine");
        assert_eq!(content.skills.len(), 2);
        assert_eq!(content.skills[0].rating, None);
        assert_eq!(content.skills[1].rating, Some(Rating::Yes));
        assert_eq!(content.answers[0].prompt, "Can they communicate?");

        let bad = ScorecardInput {
            skills: vec![skill("3", "maybe", &"x".repeat(MAX_EVIDENCE + 1))],
            overall: "5".into(),
            ..ScorecardInput::default()
        };
        let errors = parse(&bad, &frame()).expect_err("out of scale");
        assert!(errors.field("skills.0.rating").is_some());
        assert!(errors
            .field("skills.0.evidence")
            .is_some_and(|m| m.contains("at most 5000")));
        assert!(errors.field("overall").is_some());

        let foreign = ScorecardInput {
            skills: vec![skill("77", "yes", "x")],
            answers: vec![AnswerInput {
                question_id: "1".into(),
                ..AnswerInput::default()
            }],
            ..ScorecardInput::default()
        };
        let errors = parse(&foreign, &frame()).expect_err("rows of another scorecard");
        assert!(errors.field("skills").is_some());
        assert!(errors.field("answers").is_some());
    }

    #[test]
    fn submitting_needs_every_rating_with_evidence_and_an_overall() {
        let input = ScorecardInput {
            skills: vec![
                skill("3", "strong_yes", "Wrote a clean repository layer."),
                skill("5", "no", ""),
            ],
            ..ScorecardInput::default()
        };
        let content = parse(&input, &frame()).expect("parses");
        let errors = complete(&content).expect_err("incomplete");
        assert!(errors.field("skills.0.rating").is_none());
        assert!(errors.field("skills.1.rating").is_none());
        assert!(errors
            .field("skills.1.evidence")
            .is_some_and(|m| m.contains("Data modelling")));
        assert!(errors.field("overall").is_some());
        let mut done = content.clone();
        done.skills[1].evidence = "Could not say why a join table.".into();
        done.overall = Some(Rating::Yes);
        assert!(complete(&done).is_ok());
    }

    #[test]
    fn saved_content_fits_a_changed_frame() {
        let mut saved = frame().blank();
        saved.skills[0].rating = Some(Rating::No);
        saved.skills[0].evidence = "Struggled.".into();
        saved.answers[0].answer = "Clearly.".into();
        let changed = Frame {
            skills: vec![(3, "Back-end (renamed)".into()), (8, "Testing".into())],
            questions: Vec::new(),
        };
        let fitted = changed.fit(&saved);
        assert_eq!(fitted.skills[0].rating, Some(Rating::No));
        assert_eq!(fitted.skills[0].skill_area, "Back-end (renamed)");
        assert_eq!(fitted.skills[1].rating, None);
        assert!(fitted.answers.is_empty());
    }
}
