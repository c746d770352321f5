//! LinkedIn's `Connections.csv`.
//!
//! Current exports start with a "Notes:" preamble of a few lines (its length has changed over
//! the years), then the header `First Name,Last Name,URL,Email Address,Company,Position,
//! Connected On`. Exports from before 2020 have no preamble and no `URL` column. The header is
//! found by its content: the first record naming `First Name` and `Last Name` and at least one
//! of `Company`, `Position`, `Connected On`, `Email Address` or `URL`. Columns are mapped by
//! name, so their order does not matter.

use chrono::{Datelike, NaiveDate};

use crate::contact::{RowBuilder, join_name};
use crate::table::{self, CsvFormat};
use crate::{ImportError, ImportedContact, Limits, Rejected};

/// Reads a LinkedIn connections file.
pub(crate) fn parse(
    text: &str,
    limits: &Limits,
) -> Result<(Vec<ImportedContact>, Vec<Rejected>), ImportError> {
    table::parse(
        text,
        limits,
        CsvFormat {
            name: "LinkedIn",
            required: "First Name, Last Name, Company, Position, Connected On",
            is_header,
            row: |header: &table::Header, record: &csv::StringRecord, row: &mut RowBuilder| {
                row.name(&join_name([
                    header.get(record, "First Name"),
                    header.get(record, "Last Name"),
                ]));
                row.link(header.get(record, "URL"));
                row.email(header.get(record, "Email Address"));
                row.company(header.get(record, "Company"));
                row.position(header.get(record, "Position"));
                let date = header.get(record, "Connected On").trim();
                if !date.is_empty() {
                    match parse_date(date) {
                        Some(date) => row.connected_on(date),
                        None => row.warn("connectedOn", "BAD_DATE", date),
                    }
                }
            },
        },
    )
}

fn is_header(cells: &[String]) -> bool {
    let has = |name: &str| cells.iter().any(|cell| cell == name);
    has("first name")
        && has("last name")
        && [
            "company",
            "position",
            "connected on",
            "email address",
            "url",
        ]
        .iter()
        .any(|name| has(name))
}

/// LinkedIn's dates: `15 Mar 2024` today; `15-Mar-24` and `3/15/24` where Excel re-saved
/// the file; ISO `2024-03-15` as a courtesy.
pub(crate) fn parse_date(raw: &str) -> Option<NaiveDate> {
    [
        "%d %b %Y",
        "%d-%b-%y",
        "%d-%b-%Y",
        "%Y-%m-%d",
        "%m/%d/%y",
        "%m/%d/%Y",
        "%d %B %Y",
        "%b %d, %Y",
    ]
    .iter()
    .find_map(|format| NaiveDate::parse_from_str(raw, format).ok())
    .filter(|date| (1900..=2100).contains(&date.year()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 15);
        assert_eq!(parse_date("15 Mar 2024"), day);
        assert_eq!(parse_date("15-Mar-24"), day);
        assert_eq!(parse_date("2024-03-15"), day);
        assert_eq!(parse_date("3/15/2024"), day);
        assert_eq!(parse_date("Mar 15, 2024"), day);
        assert_eq!(parse_date("yesterday"), None);
        assert_eq!(parse_date("31 Feb 2024"), None);
        assert_eq!(parse_date("15 Mar 24"), None);
        assert_eq!(parse_date("0024-03-15"), None);
    }
}
