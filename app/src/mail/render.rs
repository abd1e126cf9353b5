//! A message described once, as blocks, and rendered twice: a plain-text part and a simple
//! HTML part (escaped, inline styles only where mail clients need them).

use std::fmt::Write as _;

/// A message's content, once, for both parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Para(String),
    Heading(String),
    Items(Vec<String>),
    Facts(Vec<(String, String)>),
    Link(String, String),
}

/// The plain-text part.
pub fn text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Para(p) => out.push_str(p),
            Block::Heading(h) => {
                out.push_str(h);
                out.push('\n');
                out.push_str(&"-".repeat(h.chars().count()));
            }
            Block::Items(items) => {
                let lines: Vec<String> = items.iter().map(|i| format!("- {i}")).collect();
                out.push_str(&lines.join("\n"));
            }
            Block::Facts(facts) => {
                let lines: Vec<String> = facts.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                out.push_str(&lines.join("\n"));
            }
            Block::Link(label, url) => {
                let _ = write!(out, "{label}: {url}");
            }
        }
        out.push_str("\n\n");
    }
    out.trim_end().to_owned() + "\n"
}

fn esc(s: &str) -> String {
    html_escape::encode_text(s).into_owned()
}

/// The HTML part: plain markup, inline styles only where mail clients need them.
pub fn html(blocks: &[Block]) -> String {
    let mut out = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head>\
         <body style=\"font-family: sans-serif; line-height: 1.5; color: #1f2328;\">",
    );
    for block in blocks {
        match block {
            Block::Para(p) => {
                let _ = write!(out, "<p>{}</p>", esc(p));
            }
            Block::Heading(h) => {
                let _ = write!(out, "<h2 style=\"font-size: 1.1em;\">{}</h2>", esc(h));
            }
            Block::Items(items) => {
                out.push_str("<ul>");
                for item in items {
                    let _ = write!(out, "<li>{}</li>", esc(item));
                }
                out.push_str("</ul>");
            }
            Block::Facts(facts) => {
                out.push_str("<table role=\"presentation\">");
                for (k, v) in facts {
                    let _ = write!(
                        out,
                        "<tr><th style=\"text-align: left; padding-right: 1em;\">{}</th><td>{}</td></tr>",
                        esc(k),
                        esc(v)
                    );
                }
                out.push_str("</table>");
            }
            Block::Link(label, url) => {
                let _ = write!(
                    out,
                    "<p><a href=\"{}\">{}</a></p>",
                    html_escape::encode_double_quoted_attribute(url),
                    esc(label)
                );
            }
        }
    }
    out.push_str("</body></html>");
    out
}

pub fn minutes(n: i64) -> String {
    if n == 1 {
        "1 minute".to_owned()
    } else if n % 60 == 0 && n >= 60 {
        let hours = n / 60;
        if hours == 1 {
            "1 hour".to_owned()
        } else {
            format!("{hours} hours")
        }
    } else {
        format!("{n} minutes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_parts_say_the_same_and_html_is_escaped() {
        let blocks = vec![
            Block::Para("Hello <Ivan> & co,".into()),
            Block::Heading("Agenda (45 minutes)".into()),
            Block::Items(vec!["5 minutes — Intro".into()]),
            Block::Facts(vec![(
                "When".into(),
                "Tue 24 Nov 2026, 10:00–10:45 CET (Europe/Berlin)".into(),
            )]),
            Block::Link(
                "Open the interview kit".into(),
                "https://h.example/interviews/1/kit?a=1&b=2".into(),
            ),
        ];
        let plain = text(&blocks);
        assert!(plain.contains("Hello <Ivan> & co,"));
        assert!(plain.contains("Agenda (45 minutes)\n-------------------"));
        assert!(plain.contains("- 5 minutes — Intro"));
        assert!(plain.contains("When: Tue 24 Nov 2026"));
        assert!(
            plain.contains("Open the interview kit: https://h.example/interviews/1/kit?a=1&b=2")
        );
        let markup = html(&blocks);
        assert!(markup.contains("Hello &lt;Ivan&gt; &amp; co,"));
        assert!(markup.contains("<li>5 minutes — Intro</li>"));
        assert!(markup.contains("href=\"https://h.example/interviews/1/kit?a=1&amp;b=2\""));
        assert!(!markup.contains("<Ivan>"));
    }

    #[test]
    fn durations_read_as_words() {
        assert_eq!(minutes(1), "1 minute");
        assert_eq!(minutes(45), "45 minutes");
        assert_eq!(minutes(60), "1 hour");
        assert_eq!(minutes(120), "2 hours");
        assert_eq!(minutes(90), "90 minutes");
    }
}
