//! Writing contacts out: vCard 4.0 (RFC 6350) and CSV in Google Contacts' current layout.
//!
//! Both re-import with [`crate::parse`] (as [`crate::Format::VCard`] and
//! [`crate::Format::GoogleCsv`]) to the same name, e-mails, links, company, position, tags,
//! phones, connection date, sector and scope.
//!
//! CSV columns, in order: `First Name`, `Middle Name`, `Last Name`, `Organization Name`,
//! `Organization Title`, `Labels`, `E-mail 1 - Value`, `Phone 1 - Value`, `Website 1 - Value`,
//! `HerLead Connected On`, `HerLead Sector`, `HerLead Scope`. Several values share a cell, separated by ` ::: ` as Google does;
//! the name is split at its last space (first name(s), last name); the date is ISO
//! (`2024-03-15`). Google Contacts imports this file (it ignores the last three columns). A tag that
//! itself contains ` ::: ` comes back as two tags: the one thing that does not round-trip.
//!
//! A cell that a spreadsheet would run as a formula (one starting with `=`, `+`, `-`, `@`, a
//! tab or a carriage return, other than a phone number such as `+34 600 123 456`) is written
//! with a leading `'`, which spreadsheets hide and the Google CSV reader removes again. So a
//! contact named `=HYPERLINK(…)` stays text when she opens her export in Excel.

use chrono::NaiveDate;
use herlead_core::input::{ContactName, Email, HttpUrl};
use herlead_core::network::{Scope, Sector};

use crate::ImportedContact;
use crate::google::MULTI;

/// What an export writes about one contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportContact {
    /// Her name.
    pub name: ContactName,
    /// Her e-mail addresses.
    pub emails: Vec<Email>,
    /// Her links and profiles.
    pub links: Vec<HttpUrl>,
    /// Where she works.
    pub company: Option<String>,
    /// Her position.
    pub position: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Phone numbers.
    pub phones: Vec<String>,
    /// When the connection was made.
    pub connected_on: Option<NaiveDate>,
    /// How she classified them.
    pub sector: Option<Sector>,
    /// How far their influence reaches.
    pub scope: Option<Scope>,
}

impl From<ImportedContact> for ExportContact {
    fn from(contact: ImportedContact) -> Self {
        Self {
            name: contact.name,
            emails: contact.emails,
            links: contact.links,
            company: contact.company,
            position: contact.position,
            tags: contact.tags,
            phones: contact.phones,
            connected_on: contact.connected_on,
            sector: contact.sector,
            scope: contact.scope,
        }
    }
}

/// The longest content line, in octets, before folding (RFC 6350 §3.2).
const FOLD_AT: usize = 75;

/// Writes contacts as vCard 4.0: CRLF line ends, lines folded at 75 octets (never inside a
/// character), `,` `;` `\` and line breaks escaped. Properties: `FN`, `N` (the name split at
/// its last space), `EMAIL`, `TEL`, `URL`, `ORG`, `TITLE`, `CATEGORIES`, and
/// `X-HERLEAD-CONNECTED-ON` (an ISO date; `ANNIVERSARY` means a wedding or similar in
/// RFC 6350, so it is not used), `X-HERLEAD-SECTOR` and `X-HERLEAD-SCOPE` (`MEDIA`, `CITY`).
pub fn to_vcard4(contacts: &[ExportContact]) -> String {
    let mut out = String::new();
    for contact in contacts {
        let (given, family) = split_name(contact.name.as_str());
        let mut put = |line: String| fold_into(&mut out, &line);
        put("BEGIN:VCARD".into());
        put("VERSION:4.0".into());
        put(format!("FN:{}", escape(contact.name.as_str())));
        put(format!("N:{};{};;;", escape(family), escape(given)));
        for email in &contact.emails {
            put(format!("EMAIL:{}", escape(email.as_str())));
        }
        for phone in &contact.phones {
            put(format!("TEL;VALUE=text:{}", escape(phone)));
        }
        for link in &contact.links {
            put(format!("URL:{}", escape(link.as_str())));
        }
        if let Some(company) = &contact.company {
            put(format!("ORG:{}", escape(company)));
        }
        if let Some(position) = &contact.position {
            put(format!("TITLE:{}", escape(position)));
        }
        if !contact.tags.is_empty() {
            let tags: Vec<String> = contact.tags.iter().map(|t| escape(t)).collect();
            put(format!("CATEGORIES:{}", tags.join(",")));
        }
        if let Some(date) = contact.connected_on {
            put(format!(
                "X-HERLEAD-CONNECTED-ON:{}",
                date.format("%Y-%m-%d")
            ));
        }
        if let Some(sector) = contact.sector {
            put(format!("X-HERLEAD-SECTOR:{}", sector.as_str()));
        }
        if let Some(scope) = contact.scope {
            put(format!("X-HERLEAD-SCOPE:{}", scope.as_str()));
        }
        put("END:VCARD".into());
    }
    out
}

/// Escapes a text value (RFC 6350 §3.4).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` with CRLF, folded so that no line exceeds [`FOLD_AT`] octets.
fn fold_into(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > FOLD_AT {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// (first names, last name): the name split at its last space.
fn split_name(name: &str) -> (&str, &str) {
    name.rsplit_once(' ').unwrap_or((name, ""))
}

/// The CSV columns [`to_csv`] writes.
pub const CSV_COLUMNS: [&str; 12] = [
    "First Name",
    "Middle Name",
    "Last Name",
    "Organization Name",
    "Organization Title",
    "Labels",
    "E-mail 1 - Value",
    "Phone 1 - Value",
    "Website 1 - Value",
    "HerLead Connected On",
    "HerLead Sector",
    "HerLead Scope",
];

/// Writes contacts as CSV in Google Contacts' layout (see the module documentation).
pub fn to_csv(contacts: &[ExportContact]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut rows: Vec<Vec<String>> = vec![CSV_COLUMNS.iter().map(|c| (*c).to_owned()).collect()];
    for contact in contacts {
        let (given, family) = split_name(contact.name.as_str());
        let join = |values: Vec<&str>| values.join(MULTI);
        rows.push(vec![
            given.to_owned(),
            String::new(),
            family.to_owned(),
            contact.company.clone().unwrap_or_default(),
            contact.position.clone().unwrap_or_default(),
            join(contact.tags.iter().map(String::as_str).collect()),
            join(contact.emails.iter().map(Email::as_str).collect()),
            join(contact.phones.iter().map(String::as_str).collect()),
            join(contact.links.iter().map(HttpUrl::as_str).collect()),
            contact
                .connected_on
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            contact
                .sector
                .map(|s| s.as_str())
                .unwrap_or_default()
                .to_owned(),
            contact
                .scope
                .map(|s| s.as_str())
                .unwrap_or_default()
                .to_owned(),
        ]);
    }
    for row in &mut rows[1..] {
        for cell in row.iter_mut() {
            if needs_guard(cell) {
                cell.insert(0, '\'');
            }
        }
    }
    for row in rows {
        // Writing to memory cannot fail.
        let _ = writer.write_record(&row);
    }
    let _ = writer.flush();
    String::from_utf8_lossy(writer.get_ref()).into_owned()
}

/// Whether a spreadsheet would read `cell` as a formula (or it starts with `'` before such
/// text, so that removing one `'` on import is exact).
pub(crate) fn needs_guard(cell: &str) -> bool {
    let phone_like = |text: &str| {
        text.chars()
            .all(|c| c.is_ascii_digit() || " +-()./".contains(c))
    };
    match cell.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !phone_like(cell),
        Some('\'') => needs_guard(&cell[1..]),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_characters_whole() {
        let mut out = String::new();
        fold_into(&mut out, &format!("NOTE:{}", "ñ".repeat(60)));
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= FOLD_AT, "{line:?} is {} octets", line.len());
        }
        let unfolded: String = out.trim_end().replace("\r\n ", "");
        assert_eq!(unfolded, format!("NOTE:{}", "ñ".repeat(60)));
    }

    #[test]
    fn formula_guard() {
        assert!(needs_guard("=HYPERLINK(\"x\")"));
        assert!(needs_guard("@SUM(A1)"));
        assert!(needs_guard("-cmd"));
        assert!(needs_guard("'=x"));
        assert!(!needs_guard("+34 600 123 456"));
        assert!(!needs_guard("'quoted"));
        assert!(!needs_guard("Ana"));
    }

    #[test]
    fn escaping() {
        assert_eq!(escape("Acme, Inc.; a\\b\nc"), "Acme\\, Inc.\\; a\\\\b\\nc");
    }
}
