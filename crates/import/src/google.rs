//! Google Contacts CSV, in both layouts Google has written.
//!
//! - Current: `First Name,Middle Name,Last Name,…,Organization Name,Organization Title,…,
//!   Labels,E-mail 1 - Label,E-mail 1 - Value,…,Phone 1 - Value,…,Website 1 - Value`.
//! - Older (and Outlook-compatible "Google CSV"): `Name,Given Name,Additional Name,Family
//!   Name,…,Group Membership,E-mail 1 - Type,E-mail 1 - Value,…,Organization 1 - Name,
//!   Organization 1 - Title,…,Website 1 - Value`.
//!
//! One cell may hold several values separated by ` ::: `. Labels (`Labels` or `Group
//! Membership`) become tags: the system labels `* myContacts` / `* My Contacts` and
//! `* starred` / `* Starred` are dropped, other labels lose any leading `*` and spaces (`* Friends` →
//! `friends`), the contact's own labels are kept as they are. An extra column
//! `HerLead Connected On` (ISO date), which [`crate::to_csv`] writes, is read back, and so are
//! `HerLead Sector` and `HerLead Scope`.

use crate::contact::{RowBuilder, join_name};
use crate::linkedin::parse_date;
use crate::table::{self, CsvFormat};
use crate::{ImportError, ImportedContact, Limits, Rejected};

/// The separator of several values in one cell.
pub(crate) const MULTI: &str = " ::: ";

/// Reads a Google Contacts CSV file.
pub(crate) fn parse(
    text: &str,
    limits: &Limits,
) -> Result<(Vec<ImportedContact>, Vec<Rejected>), ImportError> {
    table::parse(
        text,
        limits,
        CsvFormat {
            name: "Google Contacts",
            required: "First Name, Last Name (or Name, Given Name, Family Name) and E-mail 1 - Value, Labels or Group Membership",
            is_header,
            row: |header: &table::Header, record: &csv::StringRecord, row: &mut RowBuilder| {
                fill(header, record, row);
            },
        },
    )
}

fn is_header(cells: &[String]) -> bool {
    let has = |name: &str| cells.iter().any(|cell| cell == name);
    let names = (has("first name") && has("last name"))
        || has("given name")
        || has("family name")
        || has("name");
    let google = has("e-mail 1 - value")
        || has("labels")
        || has("group membership")
        || has("organization name")
        || has("organization 1 - name");
    names && google
}

fn fill(header: &table::Header, record: &csv::StringRecord, row: &mut RowBuilder) {
    let get = |name: &str| header.get(record, name);
    if header.has("first name") || header.has("last name") {
        row.name(&join_name([
            get("First Name"),
            get("Middle Name"),
            get("Last Name"),
        ]));
    }
    row.name(get("Name"));
    row.name(&join_name([
        get("Given Name"),
        get("Additional Name"),
        get("Family Name"),
    ]));
    row.name(get("Nickname"));
    row.name(get("File As"));

    for cell in header.matching(record, |n| {
        n.starts_with("e-mail ") && n.ends_with(" - value")
    }) {
        values(cell).for_each(|value| row.email(value));
    }
    for cell in header.matching(record, |n| {
        n.starts_with("phone ") && n.ends_with(" - value")
    }) {
        values(cell).for_each(|value| row.phone(value));
    }
    for cell in header.matching(record, |n| {
        n.starts_with("website ") && n.ends_with(" - value")
    }) {
        values(cell).for_each(|value| row.link(value));
    }
    for company in [get("Organization Name"), get("Organization 1 - Name")] {
        if let Some(first) = values(company).next() {
            row.company(first);
        }
    }
    for position in [get("Organization Title"), get("Organization 1 - Title")] {
        if let Some(first) = values(position).next() {
            row.position(first);
        }
    }
    for cell in [get("Labels"), get("Group Membership")] {
        for label in values(cell) {
            if let Some(tag) = label_tag(label) {
                row.tag(tag);
            }
        }
    }
    row.sector(get("HerLead Sector"));
    row.scope(get("HerLead Scope"));
    let date = get("HerLead Connected On").trim();
    if !date.is_empty() {
        match parse_date(date) {
            Some(date) => row.connected_on(date),
            None => row.warn("connectedOn", "BAD_DATE", date),
        }
    }
}

/// The non-blank values of a cell, split at ` ::: `.
fn values(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(MULTI)
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

/// The tag a Google label becomes, if any (see the module documentation).
pub(crate) fn label_tag(label: &str) -> Option<&str> {
    let label = label.trim();
    let name = label.trim_start_matches(|c: char| c == '*' || c.is_whitespace());
    let system = name.len() != label.len();
    let lower = name.to_lowercase();
    let dropped = matches!(lower.as_str(), "mycontacts" | "my contacts" | "starred");
    if name.is_empty() || (dropped && (system || lower == "mycontacts")) {
        return None;
    }
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::label_tag;

    #[test]
    fn labels() {
        assert_eq!(label_tag("* myContacts"), None);
        assert_eq!(label_tag("* My Contacts"), None);
        assert_eq!(label_tag("* starred"), None);
        assert_eq!(label_tag("myContacts"), None);
        assert_eq!(label_tag("* Friends"), Some("Friends"));
        assert_eq!(label_tag("Mentoras"), Some("Mentoras"));
        assert_eq!(label_tag("starred"), Some("starred"));
        assert_eq!(label_tag(" * "), None);
        assert_eq!(label_tag("** Family"), Some("Family"));
    }
}
