//! Validated values shared by every feature: once you hold one, it is valid.
//!
//! Each constructor returns the message a user should see next to the field.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A closed set of named states or choices, stored as text and shown with a label.
///
/// `as_str` is the stored (and submitted) form, `label` what people read, `parse` turns a
/// submitted value back into the enum with the message a user sees next to the field. On the
/// server, [`crate::db::text_enum_column!`] lets rows decode straight into the enum, so an
/// unknown value in the database is an error rather than a silent default.
pub trait Choice: Sized + Copy + PartialEq + 'static {
    /// Every value, in the order pickers show them.
    const ALL: &'static [Self];
    /// What the values are, for messages ("application status").
    const WHAT: &'static str;
    fn as_str(self) -> &'static str;
    fn label(self) -> &'static str;
    /// The value whose stored form is `raw` (surrounding blanks ignored).
    fn from_stored(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        Self::ALL.iter().copied().find(|v| v.as_str() == raw)
    }
}

/// Declares an enum whose variants each have a stored name and a label, and implements
/// [`Choice`] for it, plus `parse` with the given message for a value that is not one of them.
#[macro_export]
macro_rules! choice_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($what:literal, $invalid:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $stored:literal / $label:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $crate::values::Choice for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            const WHAT: &'static str = $what;
            fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $stored),+ }
            }
            fn label(self) -> &'static str {
                match self { $(Self::$variant => $label),+ }
            }
        }

        impl $name {
            pub const ALL: &'static [Self] = <Self as $crate::values::Choice>::ALL;

            pub fn as_str(self) -> &'static str {
                $crate::values::Choice::as_str(self)
            }

            pub fn label(self) -> &'static str {
                $crate::values::Choice::label(self)
            }

            /// Reads a submitted value; the error is the message for the form field.
            pub fn parse(raw: &str) -> Result<Self, String> {
                <Self as $crate::values::Choice>::from_stored(raw).ok_or_else(|| $invalid.to_owned())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

/// An email address, trimmed and lower-cased (addresses are compared case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err("Enter an email address.".into());
        }
        if value.chars().count() > 254 {
            return Err("An email address can be at most 254 characters.".into());
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err("Enter an email address like name@example.com.".into());
        };
        let valid = !local.is_empty()
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@')
            && value
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && c != ',' && c != ';');
        if valid {
            Ok(Self(value))
        } else {
            Err("Enter an email address like name@example.com.".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A short, required, single-line text such as a person's name or a title.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Name(String);

impl Name {
    pub const MAX: usize = 120;

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::parse_labelled(raw, "a name")
    }

    /// Like [`Name::parse`], with the thing being named in the message ("a title", "a team").
    pub fn parse_labelled(raw: &str, what: &str) -> Result<Self, String> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(format!("Enter {what}."));
        }
        if value.chars().count() > Self::MAX {
            return Err(format!(
                "That is too long: at most {} characters.",
                Self::MAX
            ));
        }
        if value.chars().any(char::is_control) {
            return Err("Use a single line of text.".into());
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Multi-line text as typed (a description, a resume, a reason): trimmed, at most `max`
/// characters, and free of control characters other than line breaks and tabs (a NUL byte,
/// for one, cannot even be stored). `what` names the text in the message ("the description").
pub fn parse_text(raw: &str, max: usize, what: &str) -> Result<String, String> {
    let text = raw.trim();
    if text.chars().count() > max {
        return Err(format!(
            "{} can be at most {max} characters.",
            capitalise(what)
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(format!(
            "{} contains invisible control characters; please retype it.",
            capitalise(what)
        ));
    }
    Ok(text.to_owned())
}

/// The text with its first letter in upper case.
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A new password that meets the length rules (NIST SP 800-63B: length over composition).
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN: usize = 10;
    pub const MAX: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let length = raw.chars().count();
        if length < Self::MIN {
            return Err(format!(
                "Use at least {} characters for the password.",
                Self::MIN
            ));
        }
        if length > Self::MAX {
            return Err(format!(
                "Use at most {} characters for the password.",
                Self::MAX
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// Parses the password and checks it was typed the same way twice.
    pub fn parse_confirmed(raw: &str, confirmation: &str) -> Result<Self, String> {
        let password = Self::parse(raw)?;
        if raw == confirmation {
            Ok(password)
        } else {
            Err("The two passwords do not match.".into())
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(**redacted**)")
    }
}

crate::choice_enum! {
    /// An account's role: admins manage the instance, members take part in hiring.
    pub enum Role("role", "Choose a role: admin or member.") {
        Admin = "admin" / "Admin",
        Member = "member" / "Member",
    }
}

/// A checkbox in a form: ticked when the browser sends the field at all (browsers send
/// `name=on` for a ticked box and nothing for an unticked one).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Checkbox(pub bool);

impl Checkbox {
    pub fn is_checked(self) -> bool {
        self.0
    }
}

impl From<bool> for Checkbox {
    fn from(value: bool) -> Self {
        Self(value)
    }
}

impl Serialize for Checkbox {
    /// Ticked boxes are sent as `on`; unticked ones as nothing at all.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0 {
            serializer.serialize_some("on")
        } else {
            serializer.serialize_none()
        }
    }
}

impl<'de> Deserialize<'de> for Checkbox {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Whatever the box's value, its presence means "ticked".
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| Self(true))
    }
}

/// An IANA time zone name such as `Europe/Berlin`, checked against the tz database.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimeZoneName(String);

impl TimeZoneName {
    #[cfg(feature = "ssr")]
    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim();
        if value.is_empty() {
            return Err("Choose a time zone.".into());
        }
        value
            .parse::<chrono_tz::Tz>()
            .map(|tz| Self(tz.name().to_owned()))
            .map_err(|_| format!("\u{201c}{value}\u{201d} is not a known time zone."))
    }

    #[cfg(feature = "ssr")]
    pub fn tz(&self) -> chrono_tz::Tz {
        // Only constructed from a successful parse (or a stored value that was parsed before).
        self.0.parse().unwrap_or(chrono_tz::UTC)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TimeZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Ada.Lovelace@Example.COM ").map(|e| e.0),
            Ok("ada.lovelace@example.com".to_owned())
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "ada@@example.com",
            "a da@example.com",
            "ada@.example.com",
            "ada@example..com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn names_are_trimmed_single_line_and_bounded() {
        assert_eq!(
            Name::parse("  Grace Hopper ").map(Name::into_string),
            Ok("Grace Hopper".into())
        );
        assert_eq!(Name::parse("   "), Err("Enter a name.".into()));
        assert!(Name::parse(&"x".repeat(Name::MAX + 1)).is_err());
        assert!(Name::parse(&"x".repeat(Name::MAX)).is_ok());
        assert!(Name::parse("two\nlines").is_err());
        assert_eq!(
            Name::parse_labelled("", "a team"),
            Err("Enter a team.".into())
        );
    }

    #[test]
    fn multi_line_text_keeps_line_breaks_and_refuses_control_characters() {
        assert_eq!(
            parse_text("  a\n\tb  ", 10, "the reason"),
            Ok("a\n\tb".into())
        );
        assert_eq!(
            parse_text("x\u{0}y", 10, "the reason"),
            Err("The reason contains invisible control characters; please retype it.".into())
        );
        assert_eq!(
            parse_text("abcdef", 3, "the reason"),
            Err("The reason can be at most 3 characters.".into())
        );
    }

    #[test]
    fn passwords_need_length_and_matching_confirmation() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse(&"x".repeat(NewPassword::MAX + 1)).is_err());
        assert!(NewPassword::parse("long enough pass").is_ok());
        assert_eq!(
            NewPassword::parse_confirmed("long enough pass", "long enough pasS").err(),
            Some("The two passwords do not match.".to_owned())
        );
        assert_eq!(
            format!("{:?}", NewPassword::parse("long enough pass")),
            "Ok(NewPassword(**redacted**))"
        );
    }

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(*role));
        }
        assert!(Role::parse("owner").is_err());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn time_zones_come_from_the_tz_database() {
        assert_eq!(
            TimeZoneName::parse("Europe/Berlin").map(|t| t.0),
            Ok("Europe/Berlin".to_owned())
        );
        assert!(TimeZoneName::parse("Mars/Olympus_Mons").is_err());
        assert!(TimeZoneName::parse("").is_err());
    }
}
