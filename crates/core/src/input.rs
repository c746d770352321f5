//! Validated input types. Parse, don't validate: each type's `parse` is the only way in, so a
//! value that exists is valid.

use std::fmt;

use email_address::EmailAddress;
use unicode_normalization::UnicodeNormalization;

use crate::error::ValidationError;

/// The longest email address accepted (RFC 5321's path limit).
pub const EMAIL_MAX_LEN: usize = 254;
/// The shortest password accepted, in characters.
pub const PASSWORD_MIN_LEN: usize = 8;
/// The longest password accepted, in characters; longer input is refused before hashing.
pub const PASSWORD_MAX_LEN: usize = 128;
/// The longest display name accepted, in characters.
pub const DISPLAY_NAME_MAX_LEN: usize = 80;
/// The longest note accepted on a task, in characters.
pub const NOTE_MAX_LEN: usize = 2000;

/// A syntactically valid email address, trimmed and lower-cased so that one person cannot
/// register twice by changing case.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Parses what a user typed into the `field` input.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let candidate = raw.trim().to_lowercase();
        if candidate.is_empty() {
            return Err(ValidationError::new(field, "an email address is required"));
        }
        if candidate.chars().count() > EMAIL_MAX_LEN {
            return Err(ValidationError::new(
                field,
                format!("an email address has at most {EMAIL_MAX_LEN} characters"),
            ));
        }
        let invalid = || ValidationError::new(field, "this is not a valid email address");
        let parsed: EmailAddress = candidate.parse().map_err(|_| invalid())?;
        let domain = parsed.domain();
        // Addresses people actually receive mail at have a dotted host name, not an IP literal.
        if !domain.contains('.') || domain.starts_with('[') || parsed.local_part().starts_with('"')
        {
            return Err(invalid());
        }
        Ok(Self(candidate))
    }

    /// The normalized address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Email").field(&self.0).finish()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password that satisfies the length policy. Its `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Checks the length policy: [`PASSWORD_MIN_LEN`] to [`PASSWORD_MAX_LEN`] characters.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let len = raw.chars().count();
        if len < PASSWORD_MIN_LEN {
            return Err(ValidationError::new(
                field,
                format!("a password has at least {PASSWORD_MIN_LEN} characters"),
            ));
        }
        if len > PASSWORD_MAX_LEN {
            return Err(ValidationError::new(
                field,
                format!("a password has at most {PASSWORD_MAX_LEN} characters"),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The secret, for hashing or verifying.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A person's name as shown in the app: Unicode-normalized (NFKC), trimmed, inner runs of
/// white space folded, 1 to [`DISPLAY_NAME_MAX_LEN`] characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DisplayName(String);

impl DisplayName {
    /// Parses what a user typed into the `field` input.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let normalized: String = raw.nfkc().collect();
        if normalized
            .chars()
            .any(|c| c.is_control() && !c.is_whitespace())
        {
            return Err(ValidationError::new(
                field,
                "a name cannot contain control characters",
            ));
        }
        let folded = normalized.split_whitespace().collect::<Vec<_>>().join(" ");
        if folded.is_empty() {
            return Err(ValidationError::new(field, "a name is required"));
        }
        if folded.chars().count() > DISPLAY_NAME_MAX_LEN {
            return Err(ValidationError::new(
                field,
                format!("a name has at most {DISPLAY_NAME_MAX_LEN} characters"),
            ));
        }
        Ok(Self(folded))
    }

    /// The normalized name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Free text a user attaches to her work (at most [`NOTE_MAX_LEN`] characters, trimmed; line
/// breaks and tabs allowed, other control characters not). Empty input means no note.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Note(String);

impl Note {
    /// Parses optional note text; blank text becomes `None`.
    pub fn parse_optional(
        field: &'static str,
        raw: Option<&str>,
    ) -> Result<Option<Self>, ValidationError> {
        let Some(raw) = raw else { return Ok(None) };
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        if trimmed
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
        {
            return Err(ValidationError::new(
                field,
                "a note cannot contain control characters",
            ));
        }
        if trimmed.chars().count() > NOTE_MAX_LEN {
            return Err(ValidationError::new(
                field,
                format!("a note has at most {NOTE_MAX_LEN} characters"),
            ));
        }
        Ok(Some(Self(trimmed.to_owned())))
    }

    /// The note's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Wraps text read back from storage, which was validated when it was written.
    pub fn from_stored(text: String) -> Self {
        Self(text)
    }

    /// The note's text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_email_is_trimmed_and_lowercased() {
        let email = Email::parse("email", "  Ada.Lovelace@Example.ORG ").expect("valid");
        assert_eq!(email.as_str(), "ada.lovelace@example.org");
    }

    #[test]
    fn test_email_rejects_malformed_addresses() {
        for bad in [
            "",
            "   ",
            "plainaddress",
            "@example.org",
            "ada@",
            "ada@localhost",
            "ada@[127.0.0.1]",
            "ada lovelace@example.org",
            "ada@@example.org",
        ] {
            let err = Email::parse("email", bad).expect_err(bad);
            assert_eq!(err.field, "email", "{bad}");
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert!(
            Email::parse("email", &long)
                .expect_err("too long")
                .message
                .contains("254")
        );
    }

    #[test]
    fn test_password_length_policy_counts_characters() {
        assert!(Password::parse("password", "short").is_err());
        assert!(Password::parse("password", "exactly8").is_ok());
        // Eight multi-byte characters are eight characters, not 24 bytes.
        assert!(Password::parse("password", "ñññññññ").is_err());
        assert!(Password::parse("password", "ññññññññ").is_ok());
        assert!(Password::parse("password", &"x".repeat(128)).is_ok());
        let err = Password::parse("password", &"x".repeat(129)).expect_err("too long");
        assert!(err.message.contains("128"));
    }

    #[test]
    fn test_password_debug_hides_the_secret() {
        let password = Password::parse("password", "correct horse").expect("valid");
        assert!(!format!("{password:?}").contains("horse"));
    }

    #[test]
    fn test_display_name_is_normalized() {
        let name = DisplayName::parse("displayName", "  Ｋａｒｌａ \t  Ruiz ").expect("valid");
        assert_eq!(name.as_str(), "Karla Ruiz");
        assert!(DisplayName::parse("displayName", "   ").is_err());
        assert!(DisplayName::parse("displayName", "Ada\u{0007}").is_err());
        assert!(DisplayName::parse("displayName", &"a".repeat(81)).is_err());
    }

    #[test]
    fn test_note_is_optional_and_bounded() {
        assert_eq!(Note::parse_optional("note", None), Ok(None));
        assert_eq!(Note::parse_optional("note", Some("  ")), Ok(None));
        let note = Note::parse_optional("note", Some(" line one\nline two "))
            .expect("valid")
            .expect("some");
        assert_eq!(note.as_str(), "line one\nline two");
        assert!(Note::parse_optional("note", Some(&"n".repeat(2001))).is_err());
        assert!(Note::parse_optional("note", Some("bell\u{0007}")).is_err());
    }
}
