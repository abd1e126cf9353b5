//! The feedback check run before a scorecard is submitted: topics that are a legal no-go in
//! interviews, and ratings that contradict themselves. It warns; the interviewer may edit
//! or submit anyway, and the warnings are shown at the debrief.

use super::{Rating, ScorecardContent, Topic};

/// The most topics, and terms per topic, the check keeps.
pub const MAX_TOPICS: usize = 40;
pub const MAX_TERMS: usize = 80;

/// Evidence shorter than this many words is flagged as too thin to be evidence.
const THIN_EVIDENCE_WORDS: usize = 4;

/// Reads the topics form: one topic per line, `Name: term, term, …`. A term ending in `*`
/// matches any word it begins; a term of several words matches them in a row.
pub fn parse_topics(raw: &str) -> Result<Vec<Topic>, String> {
    let mut topics = Vec::new();
    for (n, line) in raw.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((name, terms)) = line.split_once(':') else {
            return Err(format!(
                "Line {} has no colon: write the topic, a colon, then its terms separated by commas.",
                n + 1
            ));
        };
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(format!(
                "Line {}: the topic's name must be 1 to 80 characters.",
                n + 1
            ));
        }
        let terms: Vec<String> = terms
            .split(',')
            .map(|t| {
                t.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase()
            })
            .filter(|t| !t.is_empty())
            .collect();
        if terms.is_empty() {
            return Err(format!("Line {} ({name}) has no terms.", n + 1));
        }
        if terms.len() > MAX_TERMS {
            return Err(format!(
                "Line {} ({name}) has more than {MAX_TERMS} terms.",
                n + 1
            ));
        }
        if let Some(bad) = terms.iter().find(|t| {
            t.chars().count() > 60 || t == &"*" || t.strip_suffix('*').unwrap_or(t).contains('*')
        }) {
            return Err(format!(
                "Line {} ({name}): “{bad}” is not a term (at most 60 characters, * only at the end).",
                n + 1
            ));
        }
        topics.push(Topic {
            name: name.to_owned(),
            terms,
        });
    }
    if topics.len() > MAX_TOPICS {
        return Err(format!("At most {MAX_TOPICS} topics."));
    }
    Ok(topics)
}

/// The topics as the form shows them.
pub fn format_topics(topics: &[Topic]) -> String {
    topics
        .iter()
        .map(|t| format!("{}: {}", t.name, t.terms.join(", ")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The lower-cased words of a text.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\'').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

fn word_matches(word: &str, term: &str) -> bool {
    match term.strip_suffix('*') {
        Some(stem) => word.starts_with(stem),
        None => word == term || word.strip_suffix("'s") == Some(term),
    }
}

/// The first term of `terms` that `text` (its words) mentions.
fn mention<'t>(text: &[String], terms: &'t [String]) -> Option<&'t str> {
    terms.iter().map(String::as_str).find(|term| {
        let parts: Vec<&str> = term.split_whitespace().collect();
        !parts.is_empty()
            && text.windows(parts.len()).any(|window| {
                window
                    .iter()
                    .zip(&parts)
                    .all(|(word, part)| word_matches(word, part))
            })
    })
}

/// Every text of a scorecard with what it is, for messages.
fn texts(content: &ScorecardContent) -> Vec<(String, &str)> {
    let mut all: Vec<(String, &str)> = content
        .skills
        .iter()
        .map(|s| {
            (
                format!("The evidence for {}", s.skill_area),
                s.evidence.as_str(),
            )
        })
        .collect();
    for answer in &content.answers {
        for (part, text) in answer.parts() {
            let what = if part == "answer" {
                format!("The answer to “{}”", answer.prompt)
            } else {
                format!("The {part} for “{}”", answer.prompt)
            };
            all.push((what, text));
        }
    }
    all.push((
        "What did not add up in the resume".into(),
        &content.resume_gaps,
    ));
    all.push((
        "The candidate's questions".into(),
        &content.candidate_questions,
    ));
    all.push(("The notes".into(), &content.notes));
    all.push((
        "The note to the hiring manager".into(),
        &content.private_note,
    ));
    all
}

/// What the check finds in a scorecard, one message per finding.
pub fn warnings(content: &ScorecardContent, topics: &[Topic]) -> Vec<String> {
    let mut found = Vec::new();
    for (what, text) in texts(content) {
        if text.trim().is_empty() {
            continue;
        }
        let text = words(text);
        for topic in topics {
            if let Some(term) = mention(&text, &topic.terms) {
                found.push(format!(
                    "{what} mentions “{term}” ({}): a legal no-go in interviews. Leave it out unless the candidate raised it and it bears on the job.",
                    topic.name
                ));
            }
        }
    }
    found.extend(contradictions(content));
    found
}

/// Ratings that contradict themselves or stand on nothing.
pub fn contradictions(content: &ScorecardContent) -> Vec<String> {
    let mut found = Vec::new();
    let rated: Vec<(&str, Rating)> = content
        .skills
        .iter()
        .filter_map(|s| s.rating.map(|r| (s.skill_area.as_str(), r)))
        .collect();
    if let Some(overall) = content.overall {
        let all_rated = !rated.is_empty() && rated.len() == content.skills.len();
        if all_rated && overall.is_positive() && rated.iter().all(|(_, r)| !r.is_positive()) {
            found.push(format!(
                "Your overall recommendation is {}, but every skill area is rated No or Strong no.",
                overall.label()
            ));
        }
        if all_rated && !overall.is_positive() && rated.iter().all(|(_, r)| r.is_positive()) {
            found.push(format!(
                "Your overall recommendation is {}, but every skill area is rated Yes or Strong yes.",
                overall.label()
            ));
        }
        let opposite = match overall {
            Rating::StrongYes => Some(Rating::StrongNo),
            Rating::StrongNo => Some(Rating::StrongYes),
            _ => None,
        };
        for (skill, rating) in &rated {
            if Some(*rating) == opposite {
                found.push(format!(
                    "Your overall recommendation is {}, but {skill} is rated {}.",
                    overall.label(),
                    rating.label()
                ));
            }
        }
    }
    for skill in &content.skills {
        let Some(rating) = skill.rating else { continue };
        let words = words(&skill.evidence).len();
        if words == 0 {
            found.push(format!(
                "{} is rated {} with no evidence.",
                skill.skill_area,
                rating.label()
            ));
        } else if words < THIN_EVIDENCE_WORDS {
            found.push(format!(
                "The evidence for {} is only {words} word{}: say what the candidate said or did.",
                skill.skill_area,
                if words == 1 { "" } else { "s" }
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scorecards::SkillEntry;

    fn topics() -> Vec<Topic> {
        parse_topics(
            "Family and children: children, kids, family plans\n\
             Pregnancy: pregnan*\n\n\
             Marital status: married, wife, husband",
        )
        .expect("parses")
    }

    fn skill(name: &str, rating: Option<Rating>, evidence: &str) -> SkillEntry {
        SkillEntry {
            skill_area_id: 1,
            skill_area: name.into(),
            rating,
            evidence: evidence.into(),
        }
    }

    #[test]
    fn topics_parse_and_print_back() {
        let parsed = topics();
        assert_eq!(parsed.len(), 3);
        assert_eq!(parsed[1].terms, vec!["pregnan*".to_owned()]);
        assert_eq!(parse_topics(&format_topics(&parsed)), Ok(parsed));
        assert!(parse_topics("No colon here").is_err());
        assert!(parse_topics("Empty:  , ,").is_err());
        assert!(parse_topics("Bad: pre*gnant").is_err());
        assert_eq!(parse_topics("  \n "), Ok(Vec::new()));
    }

    #[test]
    fn no_go_topics_are_found_as_words_and_stems() {
        let content = ScorecardContent {
            skills: vec![skill(
                "Communication",
                Some(Rating::Yes),
                "She mentioned she is pregnant and explained the design clearly.",
            )],
            notes: "Asked whether he has kids. Family Plans came up.".into(),
            resume_gaps: "Childrens' book project? No: a marriage of two systems.".into(),
            ..ScorecardContent::default()
        };
        let found = warnings(&content, &topics());
        assert!(
            found
                .iter()
                .any(|w| w
                    .starts_with("The evidence for Communication mentions “pregnan*” (Pregnancy)")),
            "{found:?}"
        );
        // One warning per topic and text: the first term found.
        assert!(
            found
                .iter()
                .any(|w| w.starts_with("The notes mentions “kids” (Family and children)")),
            "{found:?}"
        );
        // Whole words only: "Childrens'" and "marriage" are not "children" and "married".
        assert!(
            !found.iter().any(|w| w.starts_with("What did not add up")),
            "{found:?}"
        );
    }

    #[test]
    fn contradictions_and_missing_evidence_are_flagged() {
        let all_no = ScorecardContent {
            skills: vec![
                skill("Back-end", Some(Rating::No), "Could not write a loop."),
                skill(
                    "Data",
                    Some(Rating::StrongNo),
                    "No idea what a key is, said so.",
                ),
            ],
            overall: Some(Rating::StrongYes),
            ..ScorecardContent::default()
        };
        let found = contradictions(&all_no);
        assert!(found
            .iter()
            .any(|w| w.contains("Strong yes, but every skill area is rated No")));
        assert!(found
            .iter()
            .any(|w| w.contains("but Data is rated Strong no")));

        let all_yes = ScorecardContent {
            skills: vec![skill("Back-end", Some(Rating::Yes), "Good")],
            overall: Some(Rating::No),
            ..ScorecardContent::default()
        };
        let found = contradictions(&all_yes);
        assert!(found
            .iter()
            .any(|w| w.contains("No, but every skill area is rated Yes")));
        assert!(found.iter().any(|w| w.contains("only 1 word")));

        let bare = ScorecardContent {
            skills: vec![skill("Back-end", Some(Rating::Yes), " ")],
            ..ScorecardContent::default()
        };
        assert_eq!(
            contradictions(&bare),
            vec!["Back-end is rated Yes with no evidence.".to_owned()]
        );

        let consistent = ScorecardContent {
            skills: vec![
                skill(
                    "Back-end",
                    Some(Rating::Yes),
                    "Wrote the storage layer with tests.",
                ),
                skill("Data", Some(Rating::No), "Mixed up keys and indexes twice."),
            ],
            overall: Some(Rating::Yes),
            ..ScorecardContent::default()
        };
        assert!(contradictions(&consistent).is_empty());
        assert!(warnings(&consistent, &topics()).is_empty());
    }
}
