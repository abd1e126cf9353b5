//! Markdown written by users (opening descriptions, pasted resumes), rendered to HTML and
//! sanitised with an allow-list before it reaches any page.
//!
//! Besides scripts and event handlers, the allow-list drops images (a remote image tells its
//! owner who opened a candidate and when; an image shows as its description instead) and
//! keeps links from telling their target where they came from. Headings are demoted two
//! levels, below the page's own `h1` and `h2` (a resume that starts with `# Name` does not
//! give the page a second title).

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Two levels down, at most `h6`.
fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Renders `source` as sanitised HTML.
pub fn to_safe_html(source: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut in_image = false;
    let events = Parser::new_ext(source, options).filter_map(|event| match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Some(Event::Start(Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        })),
        Event::End(TagEnd::Heading(level)) => Some(Event::End(TagEnd::Heading(demote(level)))),
        // An image becomes its description: the text inside the image tags.
        Event::Start(Tag::Image { .. }) => {
            in_image = true;
            Some(Event::Text(CowStr::Borrowed("[image: ")))
        }
        Event::End(TagEnd::Image) => {
            in_image = false;
            Some(Event::Text(CowStr::Borrowed("]")))
        }
        other if in_image => match other {
            Event::Text(_) | Event::Code(_) => Some(other),
            _ => None,
        },
        other => Some(other),
    });
    let mut unsafe_html = String::new();
    html::push_html(&mut unsafe_html, events);
    ammonia::Builder::default()
        .rm_tags(["img", "h1", "h2"])
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders_with_headings_below_the_pages_own() {
        let html = to_safe_html("# Role\n\n## Team\n\n- Rust\n- **SQL**\n");
        assert!(html.contains("<h3>Role</h3>"), "{html}");
        assert!(html.contains("<h4>Team</h4>"), "{html}");
        assert!(!html.contains("<h1") && !html.contains("<h2"), "{html}");
        assert!(html.contains("<strong>SQL</strong>"), "{html}");
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        let html = to_safe_html(
            "Before\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[link text](javascript:alert(3))\n\nAfter",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        // What is safe survives: the text around it and the link's words.
        assert!(
            html.contains("<p>Before</p>") && html.contains("<p>After</p>"),
            "{html}"
        );
        assert!(html.contains("link text"), "{html}");
    }

    #[test]
    fn images_never_load_and_links_do_not_tell_where_they_came_from() {
        let html = to_safe_html(
            "![a tracking pixel](https://tracker.example/p.gif)\n\n<img src=\"https://tracker.example/q.gif\">\n\n<h1>Raw heading</h1>\n\n[my site](https://ada.dev)",
        );
        assert!(
            !html.contains("<img") && !html.contains("tracker.example"),
            "{html}"
        );
        assert!(html.contains("[image: a tracking pixel]"), "{html}");
        assert!(
            !html.contains("<h1") && html.contains("Raw heading"),
            "{html}"
        );
        assert!(
            html.contains(
                r#"<a href="https://ada.dev" rel="noopener noreferrer nofollow">my site</a>"#
            ),
            "{html}"
        );
    }
}
