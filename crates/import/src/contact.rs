//! Building one [`ImportedContact`] from the values a row or card holds, whatever the format:
//! every value goes through core's validation, bad optional values become warnings.

use std::collections::HashSet;

use chrono::NaiveDate;
use herlead_core::input::{
    ContactName, Email, HttpUrl, TAG_MAX_LEN, TAGS_MAX, parse_tags, single_line,
};
use herlead_core::network::{Scope, Sector};

use crate::{ImportedContact, Limits, Rejected, RowWarning, TEXT_MAX_LEN};

/// The longest phone number kept, in characters.
const PHONE_MAX_LEN: usize = 40;
/// How much of a bad value a warning repeats.
const WARNING_VALUE_MAX: usize = 200;

/// Collects one row's values.
#[derive(Debug, Default)]
pub(crate) struct RowBuilder {
    line: u64,
    name: Option<String>,
    emails: Vec<Email>,
    email_keys: HashSet<String>,
    links: Vec<HttpUrl>,
    link_keys: HashSet<String>,
    company: Option<String>,
    position: Option<String>,
    connected_on: Option<NaiveDate>,
    tags: Vec<String>,
    phones: Vec<String>,
    sector: Option<Sector>,
    scope: Option<Scope>,
    warnings: Vec<RowWarning>,
    too_long: Option<&'static str>,
    max_field_len: usize,
}

impl RowBuilder {
    /// A row that starts on `line`.
    pub(crate) fn new(line: u64, limits: &Limits) -> Self {
        Self {
            line,
            max_field_len: limits.max_field_len,
            ..Self::default()
        }
    }

    /// Records that a value of `field` is longer than the limit, which rejects the row.
    fn check_len(&mut self, field: &'static str, raw: &str) -> bool {
        if raw.len() > self.max_field_len && raw.chars().count() > self.max_field_len {
            self.too_long.get_or_insert(field);
            return false;
        }
        true
    }

    /// Records that a value of `field` was longer than the limit (the row is rejected).
    pub(crate) fn too_long(&mut self, field: &'static str) {
        self.too_long.get_or_insert(field);
    }

    /// Warns that `value` of `field` was dropped or changed.
    pub(crate) fn warn(&mut self, field: &'static str, code: &'static str, value: &str) {
        self.warnings.push(RowWarning {
            field,
            code,
            value: value.chars().take(WARNING_VALUE_MAX).collect(),
        });
    }

    /// Sets the name, if none was set yet and `raw` is not blank.
    pub(crate) fn name(&mut self, raw: &str) {
        if self.check_len("name", raw) && self.name.is_none() && !raw.trim().is_empty() {
            self.name = Some(raw.to_owned());
        }
    }

    /// Adds an e-mail address (a `mailto:` prefix is dropped).
    pub(crate) fn email(&mut self, raw: &str) {
        let raw = raw.trim();
        let raw = strip_prefix_ci(raw, "mailto:").unwrap_or(raw);
        if raw.is_empty() || !self.check_len("email", raw) {
            return;
        }
        match Email::parse("email", raw) {
            Ok(email) => {
                if self.email_keys.insert(email.as_str().to_owned()) {
                    self.emails.push(email);
                }
            }
            Err(_) => self.warn("email", "BAD_EMAIL", raw),
        }
    }

    /// Adds a web link; a duplicate (same [`herlead_core::input::url_key`]) is skipped.
    pub(crate) fn link(&mut self, raw: &str) {
        let raw = raw.trim();
        if raw.is_empty() || !self.check_len("link", raw) {
            return;
        }
        match HttpUrl::parse("link", raw) {
            Ok(url) => {
                if self.link_keys.insert(url.key()) {
                    self.links.push(url);
                }
            }
            Err(_) => self.warn("link", "BAD_URL", raw),
        }
    }

    /// Sets the company, if none was set yet.
    pub(crate) fn company(&mut self, raw: &str) {
        if self.company.is_none() && self.check_len("company", raw) {
            self.company = self.bounded_text("company", raw);
        }
    }

    /// Sets the position, if none was set yet.
    pub(crate) fn position(&mut self, raw: &str) {
        if self.position.is_none() && self.check_len("position", raw) {
            self.position = self.bounded_text("position", raw);
        }
    }

    /// One line of text, normalized like core's names, cut at [`TEXT_MAX_LEN`] characters.
    fn bounded_text(&mut self, field: &'static str, raw: &str) -> Option<String> {
        if raw.trim().is_empty() {
            return None;
        }
        match single_line(field, raw, usize::MAX, "a text") {
            Ok(text) if text.chars().count() > TEXT_MAX_LEN => {
                self.warn(field, "TRUNCATED", raw);
                Some(
                    text.chars()
                        .take(TEXT_MAX_LEN)
                        .collect::<String>()
                        .trim_end()
                        .to_owned(),
                )
            }
            Ok(text) => Some(text),
            Err(_) => {
                self.warn(field, "BAD_TEXT", raw);
                None
            }
        }
    }

    /// Sets HerLead's sector (a name such as `MEDIA`, any case), if none was set yet; an
    /// unknown one is dropped with a `BAD_SECTOR` warning.
    pub(crate) fn sector(&mut self, raw: &str) {
        self.sector = self.named(self.sector, raw, "sector", "BAD_SECTOR", Sector::parse);
    }

    /// Sets HerLead's scope (`CITY`, `COUNTRY`, `GLOBAL`), like [`RowBuilder::sector`].
    pub(crate) fn scope(&mut self, raw: &str) {
        self.scope = self.named(self.scope, raw, "scope", "BAD_SCOPE", Scope::parse);
    }

    /// `current`, or else the enum value `raw` names (any case); blank keeps `current`, a
    /// name `parse` does not know is a warning `code` on `field`.
    fn named<T>(
        &mut self,
        current: Option<T>,
        raw: &str,
        field: &'static str,
        code: &'static str,
        parse: fn(&str) -> Option<T>,
    ) -> Option<T> {
        let raw = raw.trim();
        if raw.is_empty() || current.is_some() {
            return current;
        }
        let value = parse(&raw.to_ascii_uppercase());
        if value.is_none() {
            self.warn(field, code, raw);
        }
        value
    }

    /// Sets the date of the connection.
    pub(crate) fn connected_on(&mut self, date: NaiveDate) {
        self.connected_on.get_or_insert(date);
    }

    /// Adds a tag by core's rules; an over-long or invalid one is dropped with a warning, and
    /// so is every tag past [`TAGS_MAX`].
    pub(crate) fn tag(&mut self, raw: &str) {
        if raw.trim().is_empty() || !self.check_len("tag", raw) {
            return;
        }
        let text = match single_line("tag", raw, usize::MAX, "a tag") {
            Ok(text) if text.chars().count() > TAG_MAX_LEN => {
                return self.warn("tag", "TAG_TOO_LONG", raw);
            }
            Ok(text) => text,
            Err(_) => return self.warn("tag", "BAD_TAG", raw),
        };
        let Ok(Some(tag)) = parse_tags("tag", &[text]).map(|mut one| one.pop()) else {
            return self.warn("tag", "BAD_TAG", raw);
        };
        if self.tags.contains(&tag) {
            return;
        }
        if self.tags.len() >= TAGS_MAX {
            self.warn("tag", "TOO_MANY_TAGS", raw);
        } else {
            self.tags.push(tag);
        }
    }

    /// Adds a phone number (a `tel:` prefix is dropped).
    pub(crate) fn phone(&mut self, raw: &str) {
        let raw = raw.trim();
        let raw = strip_prefix_ci(raw, "tel:").unwrap_or(raw);
        if raw.is_empty() || !self.check_len("phone", raw) {
            return;
        }
        match single_line("phone", raw, PHONE_MAX_LEN, "a phone number") {
            Ok(phone) if !self.phones.contains(&phone) => self.phones.push(phone),
            Ok(_) => {}
            Err(_) => self.warn("phone", "BAD_PHONE", raw),
        }
    }

    /// The contact, or why the row is rejected.
    pub(crate) fn finish(self) -> Result<ImportedContact, Rejected> {
        let reject = |code, reason: String| Rejected {
            line: self.line,
            code,
            reason,
        };
        if let Some(field) = self.too_long {
            return Err(reject(
                "FIELD_TOO_LONG",
                format!(
                    "a value ({field}) is longer than {} characters",
                    self.max_field_len
                ),
            ));
        }
        let Some(raw_name) = self.name.as_deref() else {
            return Err(reject("NO_NAME", "this contact has no name".to_owned()));
        };
        let name = ContactName::parse("name", raw_name)
            .map_err(|error| reject("BAD_NAME", error.message))?;
        Ok(ImportedContact {
            line: self.line,
            name,
            emails: self.emails,
            links: self.links,
            company: self.company,
            position: self.position,
            connected_on: self.connected_on,
            tags: self.tags,
            phones: self.phones,
            sector: self.sector,
            scope: self.scope,
            warnings: self.warnings,
        })
    }
}

/// `text` without `prefix`, compared without regard to ASCII case.
pub(crate) fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Joins name parts with single spaces, skipping blank ones.
pub(crate) fn join_name<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts
        .into_iter()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
