//! Validated values shared by every feature: once you hold one, it is valid.
//!
//! Each constructor returns the message a user should see next to the field.

use serde::{Deserialize, Serialize};
use std::fmt;

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

/// An account's role: admins manage the instance, members take part in hiring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Member,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Admin, Role::Member];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Member => "Member",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim() {
            "admin" => Ok(Role::Admin),
            "member" => Ok(Role::Member),
            _ => Err("Choose a role: admin or member.".into()),
        }
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
            assert_eq!(Role::parse(role.as_str()), Ok(role));
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
