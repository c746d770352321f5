//! The names, texts and numbers of the domain, each a type whose `parse` is the only way in,
//! so that the server and the SDK (offline, on the phone) refuse the same input with the same
//! message.

use std::fmt;

use super::{optional_line, single_line};
use crate::error::ValidationError;

/// Defines a one-line text type: Unicode-normalized, trimmed, inner white space folded, no
/// control or invisible formatting characters, 1 to `$max` characters.
macro_rules! line_type {
    ($(#[$doc:meta])* $name:ident, $max_const:ident = $max:expr, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        #[doc = concat!("The longest ", stringify!($name), " accepted, in characters.")]
        pub const $max_const: usize = $max;

        impl $name {
            /// Parses what she typed into the `field` input; blank input is refused.
            pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
                single_line(field, raw, $max_const, $what).map(Self)
            }

            /// Like [`Self::parse`], but blank or absent input means none.
            pub fn parse_optional(
                field: &'static str,
                raw: Option<&str>,
            ) -> Result<Option<Self>, ValidationError> {
                Ok(optional_line(field, raw, $max_const, $what)?.map(Self))
            }

            /// Wraps text read back from storage, which was validated when it was written.
            /// Only the store calls this (the `stored` feature; a test keeps it there).
            #[cfg(feature = "stored")]
            pub fn from_stored(text: String) -> Self {
                Self(text)
            }

            /// The normalized text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The normalized text, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        /// Test data: panics on text `parse` refuses.
        #[cfg(test)]
        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                Self::parse("test", text).expect("valid test text")
            }
        }

        // Read-only access to the text (there is no way to change it but `parse`).
        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }
    };
}

line_type!(
    /// The name of one of her contacts.
    ContactName, CONTACT_NAME_MAX_LEN = 120, "a name"
);
line_type!(
    /// The name of a community she takes part in.
    CommunityName, COMMUNITY_NAME_MAX_LEN = 120, "a name"
);
line_type!(
    /// The name a coach gives a cohort.
    CohortName, COHORT_NAME_MAX_LEN = 120, "a name"
);
line_type!(
    /// The industry a contact or community belongs to, in her words.
    Industry, INDUSTRY_MAX_LEN = 100, "an industry"
);
line_type!(
    /// Where a contact works.
    Company, COMPANY_MAX_LEN = 200, "a company"
);
line_type!(
    /// A contact's job title.
    JobTitle, JOB_TITLE_MAX_LEN = 200, "a job title"
);
line_type!(
    /// A short line about her under her name on a profile.
    Tagline, TAGLINE_MAX_LEN = 200, "a tagline"
);
line_type!(
    /// A coach's description of a cohort.
    CohortDescription, COHORT_DESCRIPTION_MAX_LEN = 2000, "a description"
);
line_type!(
    /// The title of a task a coach gives her cohort.
    CohortTaskTitle, COHORT_TASK_TITLE_MAX_LEN = 120, "a title"
);
line_type!(
    /// How a coach explains a cohort task.
    CohortTaskGuidance, COHORT_TASK_GUIDANCE_MAX_LEN = 2000, "guidance"
);
line_type!(
    /// The text of a coach's nudge.
    NudgeMessage, NUDGE_MESSAGE_MAX_LEN = 1000, "a message"
);
line_type!(
    /// What she searches her contacts for.
    SearchText, SEARCH_MAX_LEN = 120, "a search"
);

/// The longest email signature accepted, in characters.
pub const SIGNATURE_MAX_LEN: usize = 5000;

/// Her email signature: several lines, trimmed, at most [`SIGNATURE_MAX_LEN`] characters,
/// line breaks and tabs allowed but no other control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Signature(String);

impl Signature {
    /// Parses the signature she pasted; blank text means she has none.
    pub fn parse_optional(field: &'static str, raw: &str) -> Result<Option<Self>, ValidationError> {
        let text = raw.trim();
        if text.chars().count() > SIGNATURE_MAX_LEN {
            return Err(ValidationError::new(
                field,
                format!("a signature has at most {SIGNATURE_MAX_LEN} characters"),
            ));
        }
        if text.chars().any(|c| c.is_control() && !c.is_whitespace()) {
            return Err(ValidationError::new(
                field,
                "a signature cannot contain control characters",
            ));
        }
        Ok((!text.is_empty()).then(|| Self(text.to_owned())))
    }

    /// Wraps text read back from storage, which was validated when it was written.
    #[cfg(feature = "stored")]
    pub fn from_stored(text: String) -> Self {
        Self(text)
    }

    /// The signature's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The signature's text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Test data: panics on text `parse_optional` refuses or finds blank.
#[cfg(test)]
impl From<&str> for Signature {
    fn from(text: &str) -> Self {
        Self::parse_optional("test", text)
            .expect("valid test text")
            .expect("not blank")
    }
}

impl std::ops::Deref for Signature {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// Defines a whole number of days within `1..=$max`.
macro_rules! days_type {
    ($(#[$doc:meta])* $name:ident, $max_const:ident = $max:expr, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u32);

        #[doc = concat!("The most days a ", stringify!($name), " may be.")]
        pub const $max_const: u32 = $max;

        impl $name {
            /// Parses the number she entered into the `field` input.
            pub fn parse(field: &'static str, raw: i32) -> Result<Self, ValidationError> {
                u32::try_from(raw)
                    .ok()
                    .filter(|d| (1..=$max_const).contains(d))
                    .map(Self)
                    .ok_or_else(|| {
                        ValidationError::new(
                            field,
                            format!(concat!($what, " 1 to {} days"), $max_const),
                        )
                    })
            }

            /// Wraps a number read back from storage, which was validated when it was
            /// written. Only the store calls this (the `stored` feature).
            #[cfg(feature = "stored")]
            pub fn from_stored(days: u32) -> Self {
                Self(days)
            }

            /// The number of days.
            pub fn get(self) -> u32 {
                self.0
            }
        }
    };
}

days_type!(
    /// How often she wants to be in touch with a contact.
    CadenceDays, CADENCE_MAX_DAYS = 365, "a cadence is"
);
days_type!(
    /// Days without activity after which a cohort member counts as stalled.
    StallDays, STALL_DAYS_MAX = 365, "a stall threshold is"
);
days_type!(
    /// How long a cohort's invite code stays valid.
    InviteDays, INVITE_DAYS_MAX = 90, "an invite code is valid"
);

impl InviteDays {
    /// How long a fresh code stays valid when the coach does not say.
    pub const DEFAULT: InviteDays = InviteDays(14);
}

/// The characters of invite codes: no 0/O or 1/I/L to misread.
pub const INVITE_CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// The length of an invite code.
pub const INVITE_CODE_LEN: usize = 10;

/// A cohort's invite code: [`INVITE_CODE_LEN`] characters of [`INVITE_CODE_ALPHABET`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct InviteCode(String);

impl InviteCode {
    /// Reads a code she typed or pasted: case and surrounding white space do not matter.
    /// `None` when it cannot be a code at all (so it never reaches the database).
    pub fn parse(raw: &str) -> Option<Self> {
        let code = raw.trim().to_uppercase();
        (code.len() == INVITE_CODE_LEN && code.bytes().all(|b| INVITE_CODE_ALPHABET.contains(&b)))
            .then_some(Self(code))
    }

    /// Wraps a code read back from storage, which was generated or parsed when it was
    /// written. Only the store calls this (the `stored` feature).
    #[cfg(feature = "stored")]
    pub fn from_stored(code: String) -> Self {
        Self(code)
    }

    /// A fresh code from [`INVITE_CODE_LEN`] random bytes.
    pub fn from_random(bytes: [u8; INVITE_CODE_LEN]) -> Self {
        Self(
            bytes
                .iter()
                .map(|b| INVITE_CODE_ALPHABET[usize::from(*b) % INVITE_CODE_ALPHABET.len()] as char)
                .collect(),
        )
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for InviteCode {
    // A code is a shared secret of the cohort: logs show its shape, not its value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InviteCode(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_names_are_normalized_and_bounded() {
        let name = ContactName::parse("name", "  Ada \t Lovelace ").expect("valid");
        assert_eq!(name.as_str(), "Ada Lovelace");
        let err =
            ContactName::parse("name", &"x".repeat(CONTACT_NAME_MAX_LEN + 1)).expect_err("refused");
        assert_eq!(err.field, "name");
        assert_eq!(err.message, "a name has at most 120 characters");
        assert_eq!(
            ContactName::parse("name", "  ")
                .expect_err("refused")
                .message,
            "a name is required"
        );
        assert!(CommunityName::parse("name", "Women\u{202E}in Tech").is_err());
        assert_eq!(
            Industry::parse_optional("industry", Some("  ")).expect("blank"),
            None
        );
        assert_eq!(
            NudgeMessage::parse("message", &"m".repeat(1001))
                .expect_err("refused")
                .message,
            "a message has at most 1000 characters"
        );
    }

    #[test]
    fn test_signature_keeps_lines_and_refuses_control_characters() {
        let sig = Signature::parse_optional("emailSignature", " Ada\nada.example.org \n")
            .expect("valid")
            .expect("present");
        assert_eq!(sig.as_str(), "Ada\nada.example.org");
        assert_eq!(
            Signature::parse_optional("emailSignature", "  ").expect("blank"),
            None
        );
        assert!(Signature::parse_optional("emailSignature", "a\u{7}b").is_err());
        assert!(Signature::parse_optional("emailSignature", &"s".repeat(5001)).is_err());
    }

    #[test]
    fn test_days_are_bounded() {
        assert_eq!(
            CadenceDays::parse("cadenceDays", 30).expect("valid").get(),
            30
        );
        for bad in [0, -1, 366] {
            let err = CadenceDays::parse("cadenceDays", bad).expect_err("refused");
            assert_eq!(err.message, "a cadence is 1 to 365 days");
        }
        assert_eq!(
            InviteDays::parse("validDays", 91)
                .expect_err("refused")
                .message,
            "an invite code is valid 1 to 90 days"
        );
        assert_eq!(
            StallDays::parse("stallDays", 365).expect("valid").get(),
            365
        );
    }

    #[test]
    fn test_invite_codes_are_read_forgivingly_and_never_misread() {
        let code = InviteCode::from_random([0, 1, 2, 3, 4, 5, 6, 7, 8, 255]);
        assert_eq!(code.as_str().len(), INVITE_CODE_LEN);
        let typed = format!("  {}  ", code.as_str().to_lowercase());
        assert_eq!(InviteCode::parse(&typed), Some(code.clone()));
        assert_eq!(InviteCode::parse("O0I1L23456"), None);
        assert_eq!(InviteCode::parse("ABC"), None);
        assert!(!format!("{code:?}").contains(code.as_str()));
    }

    /// `from_stored` skips validation, so only the store (which wrote the value) may call it.
    #[test]
    fn test_only_the_store_wraps_stored_values() {
        fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).expect("readable").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    rust_files(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for name in ["api", "server", "sdk"] {
            rust_files(&crates.join(name), &mut files);
        }
        assert!(files.len() > 10, "found the other crates' sources");
        let callers: Vec<_> = files
            .iter()
            .filter(|f| {
                std::fs::read_to_string(f)
                    .expect("utf-8")
                    .contains("from_stored(")
            })
            .collect();
        assert!(
            callers.is_empty(),
            "from_stored called outside the store: {callers:?}"
        );
    }
}
