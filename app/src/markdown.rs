//! Markdown written by users (opening descriptions, pasted resumes), rendered to HTML and
//! sanitised with an allow-list before it reaches any page.

use pulldown_cmark::{html, Options, Parser};

/// Renders `source` as sanitised HTML: no scripts, no event handlers, no `javascript:` links.
pub fn to_safe_html(source: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut unsafe_html = String::new();
    html::push_html(&mut unsafe_html, Parser::new_ext(source, options));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders() {
        let html = to_safe_html("# Role\n\n- Rust\n- **SQL**\n");
        assert!(html.contains("<h1>Role</h1>"), "{html}");
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
}
