//! Validated input types. Parse, don't validate: each type's `parse` is the only way in, so a
//! value that exists is valid.

use std::fmt;

use email_address::EmailAddress;
use unicode_normalization::UnicodeNormalization;

use crate::error::ValidationError;

mod domain;
pub use domain::*;

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
    /// Wraps an address read back from storage (it was parsed on the way in).
    pub fn from_stored(text: String) -> Self {
        Self(text)
    }

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
        single_line(field, raw, DISPLAY_NAME_MAX_LEN, "a name").map(Self)
    }

    /// Like [`DisplayName::parse`], but blank or absent input means none.
    pub fn parse_optional(
        field: &'static str,
        raw: Option<&str>,
    ) -> Result<Option<Self>, ValidationError> {
        Ok(optional_line(field, raw, DISPLAY_NAME_MAX_LEN, "a name")?.map(Self))
    }

    /// Wraps a name read back from storage, which was validated when it was written.
    /// Only the store calls this (the `stored` feature).
    #[cfg(feature = "stored")]
    pub fn from_stored(text: String) -> Self {
        Self(text)
    }

    /// The normalized name, owned.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The normalized name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Test data: panics on text `parse` refuses.
#[cfg(test)]
impl From<&str> for DisplayName {
    fn from(text: &str) -> Self {
        Self::parse("test", text).expect("valid test text")
    }
}

impl std::ops::Deref for DisplayName {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// Normalizes one line of user text: Unicode NFKC, no control characters, trimmed, inner runs
/// of white space folded to one space, 1 to `max` characters. `what` names the value in
/// messages ("a name").
pub fn single_line(
    field: &'static str,
    raw: &str,
    max: usize,
    what: &str,
) -> Result<String, ValidationError> {
    let normalized: String = raw.nfkc().collect();
    if normalized
        .chars()
        .any(|c| c.is_control() && !c.is_whitespace())
    {
        return Err(ValidationError::new(
            field,
            format!("{what} cannot contain control characters"),
        ));
    }
    if normalized.chars().any(is_invisible_format) {
        return Err(ValidationError::new(
            field,
            format!(
                "{what} cannot contain invisible direction or spacing characters (such as U+202E or U+200B): they make text show as something other than what it is"
            ),
        ));
    }
    let folded = normalized.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.is_empty() {
        return Err(ValidationError::new(field, format!("{what} is required")));
    }
    if folded.chars().count() > max {
        return Err(ValidationError::new(
            field,
            format!("{what} has at most {max} characters"),
        ));
    }
    Ok(folded)
}

/// Invisible characters that change how text around them is shown (bidirectional
/// embeddings, overrides and isolates, and marks) or hide in it (zero-width spaces, the word
/// joiner, the byte-order mark): the stuff of names that pass for someone else's. The
/// zero-width joiner and non-joiner stay allowed: Persian, Indic scripts and emoji
/// sequences need them.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{180E}' | '\u{200B}' | '\u{200E}' | '\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}')
}

/// Like [`single_line`], but blank input means "none".
pub fn optional_line(
    field: &'static str,
    raw: Option<&str>,
    max: usize,
    what: &str,
) -> Result<Option<String>, ValidationError> {
    match raw {
        Some(text) if !text.trim().is_empty() => single_line(field, text, max, what).map(Some),
        _ => Ok(None),
    }
}

impl fmt::Display for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The longest URL accepted.
pub const URL_MAX_LEN: usize = 2048;
/// The longest handle accepted, in characters.
pub const HANDLE_MAX_LEN: usize = 100;
/// The longest tag accepted, in characters.
pub const TAG_MAX_LEN: usize = 40;
/// The most tags one item may carry.
pub const TAGS_MAX: usize = 20;

/// Query parameters that only track where a click came from; they never make two links
/// different.
const TRACKING_PARAMS: [&str; 11] = [
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "si", "ref", "ref_src",
    "trk",
];

/// An absolute `http` or `https` URL with a host name. Input without a scheme
/// (`ada.example.org`) is read as `https://`. Credentials in URLs are refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HttpUrl(String);

impl HttpUrl {
    /// Parses what a user typed into the `field` input.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(ValidationError::new(field, "a URL is required"));
        }
        if trimmed.len() > URL_MAX_LEN {
            return Err(ValidationError::new(
                field,
                format!("a URL has at most {URL_MAX_LEN} characters"),
            ));
        }
        let invalid = || {
            ValidationError::new(
                field,
                "this is not a web address (expected https://example.org/…)",
            )
        };
        let has_scheme = trimmed.contains("://");
        let candidate = if has_scheme {
            trimmed.to_owned()
        } else {
            format!("https://{trimmed}")
        };
        let url = url::Url::parse(&candidate).map_err(|_| invalid())?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ValidationError::new(
                field,
                "only http and https links are accepted",
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ValidationError::new(
                field,
                "a link cannot contain a user name or password",
            ));
        }
        match url.host() {
            Some(url::Host::Domain(domain)) if domain.contains('.') && !domain.ends_with('.') => {}
            _ => return Err(invalid()),
        }
        if trimmed.chars().any(char::is_whitespace) {
            return Err(invalid());
        }
        // Percent-encoding can make the stored form longer than what she typed; the limit
        // holds for what is stored, so a stored URL always parses again.
        if url.as_str().len() > URL_MAX_LEN {
            return Err(ValidationError::new(
                field,
                format!("a URL has at most {URL_MAX_LEN} characters once encoded"),
            ));
        }
        Ok(Self(url.into()))
    }

    /// Wraps a URL read back from storage, which was validated when it was written.
    #[cfg(feature = "stored")]
    pub fn from_stored(text: String) -> Self {
        Self(text)
    }

    /// The URL as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The comparison key of this URL; see [`url_key`].
    pub fn key(&self) -> String {
        url_key(&self.0).unwrap_or_else(|| self.0.to_lowercase())
    }
}

impl fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A comparison key under which real-world spellings of one link agree: the scheme, a leading
/// `www.`, the fragment, a trailing slash, tracking parameters (`utm_*`, `fbclid`, …), and
/// case are ignored; remaining query parameters are sorted. `None` if it is not a web link.
pub fn url_key(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    if !trimmed.contains("://") && has_other_scheme(trimmed) {
        return None;
    }
    let candidate = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let url = url::Url::parse(&candidate).ok()?;
    if !matches!(url.scheme(), "http" | "https") || !url.username().is_empty() {
        return None;
    }
    let host = url.host_str()?.to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
    let path = url.path().trim_end_matches('/').to_lowercase();
    let mut params: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| {
            let k = k.to_lowercase();
            !k.starts_with("utm_") && !TRACKING_PARAMS.contains(&k.as_str())
        })
        .map(|(k, v)| (k.to_lowercase(), v.into_owned()))
        .collect();
    params.sort();
    let mut key = format!("{host}{path}");
    if !params.is_empty() {
        let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        key.push('?');
        key.push_str(&query.join("&"));
    }
    Some(key)
}

/// Whether `text` starts with a non-web scheme such as `mailto:` or `tel:` (a colon before any
/// slash, not followed by a port number).
fn has_other_scheme(text: &str) -> bool {
    match text.split_once(':') {
        Some((scheme, rest)) => {
            !scheme.contains('/')
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !rest.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Every web link in a text or HTML fragment (such as an email signature), as written.
pub fn links_in(text: &str) -> Vec<String> {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    finder.url_must_have_scheme(false);
    finder
        .links(text)
        .map(|link| link.as_str().trim_end_matches(['"', '\'', '>']).to_owned())
        .collect()
}

/// A user name on a platform, without the leading `@`: 1 to [`HANDLE_MAX_LEN`] characters,
/// no white space.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Handle(String);

impl Handle {
    /// Parses what a user typed into the `field` input.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let normalized: String = raw.trim().nfkc().collect();
        let handle = normalized.strip_prefix('@').unwrap_or(&normalized);
        if handle.is_empty() {
            return Err(ValidationError::new(field, "a handle is required"));
        }
        if handle.chars().count() > HANDLE_MAX_LEN {
            return Err(ValidationError::new(
                field,
                format!("a handle has at most {HANDLE_MAX_LEN} characters"),
            ));
        }
        if handle.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ValidationError::new(
                field,
                "a handle cannot contain spaces",
            ));
        }
        Ok(Self(handle.to_owned()))
    }

    /// Wraps a handle read back from storage.
    #[cfg(feature = "stored")]
    pub fn from_stored(text: String) -> Self {
        Self(text)
    }

    /// The handle, without `@`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Parses a list of tags (causes, interests): each NFKC-normalized, lower-cased, trimmed, 1 to
/// [`TAG_MAX_LEN`] characters; duplicates dropped, order kept; at most [`TAGS_MAX`].
pub fn parse_tags(field: &'static str, raw: &[String]) -> Result<Vec<String>, ValidationError> {
    let mut tags: Vec<String> = Vec::new();
    for item in raw {
        let tag = single_line(field, item, TAG_MAX_LEN, "a tag")?.to_lowercase();
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > TAGS_MAX {
        return Err(ValidationError::new(
            field,
            format!("at most {TAGS_MAX} tags are accepted"),
        ));
    }
    Ok(tags)
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
    #[cfg(feature = "stored")]
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
    fn test_http_url_accepts_real_links_and_refuses_the_rest() {
        let url = HttpUrl::parse("website", " ada.example.org ").expect("schemeless");
        assert_eq!(url.as_str(), "https://ada.example.org/");
        assert!(HttpUrl::parse("website", "http://ada.example.org/about?x=1").is_ok());
        for bad in [
            "",
            "javascript:alert(1)",
            "ftp://example.org/file",
            "https://localhost/",
            "https://user:pw@example.org/",
            "https://exa mple.org",
            "not a url",
            "https://",
        ] {
            let err = HttpUrl::parse("website", bad).expect_err(bad);
            assert_eq!(err.field, "website");
        }
        assert!(HttpUrl::parse("website", &format!("https://e.org/{}", "a".repeat(2048))).is_err());
    }

    #[test]
    fn test_the_url_limit_holds_for_the_encoded_form_so_a_stored_url_parses_again() {
        // Found by cargo fuzz: 1,000 "é" fit in 2,048 bytes as typed (2 bytes each) but not
        // once percent-encoded (6 bytes each), so the stored form failed its own validation.
        let typed = format!("https://e.org/{}", "é".repeat(1000));
        assert!(typed.len() <= URL_MAX_LEN);
        let err = HttpUrl::parse("website", &typed).expect_err("too long once encoded");
        assert_eq!(err.field, "website");
        assert!(err.message.contains("once encoded"), "{}", err.message);
        // Just under the limit, the stored form parses again to the same URL.
        let fits = format!("https://e.org/{}", "é".repeat(300));
        let url = HttpUrl::parse("website", &fits).expect("fits");
        assert!(url.as_str().len() <= URL_MAX_LEN);
        assert_eq!(HttpUrl::parse("website", url.as_str()).expect("again"), url);
    }

    #[test]
    fn test_url_keys_match_near_duplicates_and_not_real_differences() {
        let same = [
            "https://www.linkedin.com/in/ada-lovelace/",
            "http://linkedin.com/in/Ada-Lovelace",
            "linkedin.com/in/ada-lovelace?utm_source=mail&fbclid=abc",
            "https://LinkedIn.com/in/ada-lovelace#about",
        ];
        let keys: Vec<_> = same.iter().map(|u| url_key(u).expect(u)).collect();
        assert!(keys.iter().all(|k| k == &keys[0]), "{keys:?}");
        assert_ne!(
            url_key("linkedin.com/in/ada"),
            url_key("linkedin.com/in/grace")
        );
        assert_ne!(
            url_key("example.org/?page=1"),
            url_key("example.org/?page=2")
        );
        assert_eq!(url_key("mailto:ada@example.org"), None);
    }

    #[test]
    fn test_links_are_found_in_text_and_html_signatures() {
        let html = r#"Ada Lovelace | <a href="https://www.linkedin.com/in/ada">LinkedIn</a> · x.com/ada_l"#;
        let links = links_in(html);
        assert!(
            links.iter().any(|l| l == "https://www.linkedin.com/in/ada"),
            "{links:?}"
        );
        assert!(links.iter().any(|l| l == "x.com/ada_l"), "{links:?}");
    }

    #[test]
    fn test_handles_and_tags() {
        assert_eq!(
            Handle::parse("handle", " @ada ").expect("ok").as_str(),
            "ada"
        );
        assert!(Handle::parse("handle", "@").is_err());
        assert!(Handle::parse("handle", "ada lovelace").is_err());
        let tags = parse_tags(
            "tags",
            &["Climate ".into(), "climate".into(), "Girls in STEM".into()],
        )
        .expect("tags");
        assert_eq!(tags, ["climate", "girls in stem"]);
        let many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
        assert!(parse_tags("tags", &many).is_err());
        assert!(parse_tags("tags", &["".into()]).is_err());
    }

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
    fn test_names_refuse_bidi_overrides_and_zero_width_spaces_but_keep_joiners() {
        for spoof in [
            "Ada\u{202E}ecalevol",
            "Ad\u{200B}a",
            "\u{2066}Ada\u{2069}",
            "Ada\u{FEFF}",
        ] {
            let err = DisplayName::parse("displayName", spoof).expect_err(spoof);
            assert_eq!(err.field, "displayName");
            assert!(err.message.contains("invisible"), "{}", err.message);
        }
        // Persian with a zero-width non-joiner, and an emoji with a zero-width joiner.
        for fine in ["می\u{200C}خواهم", "Ada \u{1F469}\u{200D}\u{1F4BB}"] {
            assert!(DisplayName::parse("displayName", fine).is_ok(), "{fine}");
        }
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
