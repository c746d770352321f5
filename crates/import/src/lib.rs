//! Contact files in, contact exports out.
//!
//! [`parse`] reads the contact files women bring when they start on HerLead: LinkedIn's
//! `Connections.csv`, vCard files (2.1, 3.0 and 4.0, as Apple Contacts, Google Contacts and
//! Android write them) and Google Contacts CSV (both the current and the older column
//! layout). [`export`] writes contacts back out as vCard 4.0 or as CSV, and [`classify`]
//! suggests a [`herlead_core::network::Sector`] from a contact's company and position.
//!
//! Like `herlead-core`, this crate is pure: no I/O, no async, no network. Input is the bytes
//! of a file, output is data; every name, address and link goes through core's validated
//! types ([`ContactName`], [`Email`], [`HttpUrl`], [`herlead_core::input::parse_tags`]).
//!
//! A problem with the whole file (too large, not text, no header) is an [`ImportError`] and
//! nothing is imported. A problem with one row or card rejects that row only
//! ([`Rejected`], with the line it starts on); an invalid optional value (an e-mail address
//! that is not one, a link that is not a web link) is dropped from its row with a
//! [`RowWarning`].
//!
//! # Why a small vCard reader of our own
//!
//! Three crates were weighed against what real files contain: vCard 2.1 quoted-printable
//! with soft line breaks and `CHARSET=`, grouped properties (`item1.URL` with
//! `item1.X-ABLabel`), unknown `X-` properties, broken files, upkeep and weight.
//!
//! - `vcard4` 0.7.3 is strict RFC 6350: its lexer only accepts `VERSION:3.0` or `4.0`, so
//!   every Android 2.1 export fails, and it refuses cards that real clients write.
//! - `ical` 0.11.0 is light and lenient at the line level (unfolding, parameters, groups), but
//!   decodes neither quoted-printable nor charsets, depends on `thiserror` 1, and has seen
//!   little upkeep.
//! - `calcard` 0.3.14 (Stalwart) handles everything on the list: 2.1 quoted-printable,
//!   charsets, groups, `X-` properties, lenient by default. It is also a full iCalendar,
//!   JSCalendar and JSContact library and pulls in `chrono-tz` (the time zone database),
//!   `mail-parser`, `mail-builder`, `ahash` and a proc-macro crate for an import that reads
//!   a dozen properties. Its parser exposes no line numbers, so reporting the line a bad
//!   card starts on would still mean splitting the file into cards ourselves.
//!
//! Once the file is split into cards (needed for line numbers anyway), what remains is
//! unfolding, splitting `group.NAME;params:value`, quoted-printable and a charset: about two
//! hundred lines in the `vcard` module, fuzzed with the rest of the crate, with limits we control (a
//! 1 MB line is rejected, a 10 MB photo is skipped without being decoded). So this crate
//! uses its own lenient reader and no vCard dependency.

pub mod classify;
mod contact;
mod error;
pub mod export;
mod google;
mod linkedin;
pub mod plan;
mod table;
mod text;
mod vcard;

use chrono::NaiveDate;
use herlead_core::input::{ContactName, Email, HttpUrl};
use herlead_core::network::{Scope, Sector};
use serde::{Deserialize, Serialize};

pub use classify::{Reason, Suggestion, suggest};
pub use error::ImportError;
pub use export::{ExportContact, to_csv, to_vcard4};
pub use plan::{MatchKey, Planned, PlannedRow, plan};
pub use text::TextEncoding;

/// The kinds of contact file [`parse`] reads.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Format {
    /// LinkedIn's `Connections.csv` (Settings → Data privacy → Get a copy of your data).
    #[strum(serialize = "LINKEDIN")]
    #[serde(rename = "LINKEDIN")]
    LinkedIn,
    /// vCard 2.1, 3.0 or 4.0 (`.vcf`), one or more cards.
    #[strum(serialize = "VCARD")]
    #[serde(rename = "VCARD")]
    VCard,
    /// Google Contacts' CSV export, current or older layout.
    GoogleCsv,
}

impl Format {
    /// Every format, in declaration order.
    pub const ALL: &'static [Format] = <Format as strum::VariantArray>::VARIANTS;

    /// The stable name: `LINKEDIN`, `VCARD` or `GOOGLE_CSV`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Option<Format> {
        s.parse().ok()
    }

    /// Guesses the format of a file from its first kilobytes: a `BEGIN:VCARD` line means
    /// vCard, a CSV header naming `Connected On` means LinkedIn, one naming `E-mail 1 -
    /// Value`, `Labels` or `Group Membership` means Google. `None` when it is none of these.
    pub fn detect(bytes: &[u8]) -> Option<Format> {
        let head = &bytes[..bytes.len().min(16 * 1024)];
        let (text, _) = text::decode(head).ok()?;
        if text
            .lines()
            .any(|line| line.trim().eq_ignore_ascii_case("BEGIN:VCARD"))
        {
            return Some(Format::VCard);
        }
        if text.contains("Connected On") {
            return Some(Format::LinkedIn);
        }
        if text.contains("E-mail 1 - Value")
            || text.contains("Group Membership")
            || text.contains("Organization Name")
            || text.contains("Labels")
        {
            return Some(Format::GoogleCsv);
        }
        None
    }
}

/// What every format checks before reading a row: the size bound, and that the bytes are
/// text at all (an empty or binary file fails here). For a file whose format is unknown, this
/// tells "nobody could read this" from "name its format".
pub fn check(bytes: &[u8], limits: &Limits) -> Result<(), ImportError> {
    check_size(bytes, limits)?;
    text::decode(bytes).map(drop)
}

fn check_size(bytes: &[u8], limits: &Limits) -> Result<(), ImportError> {
    if bytes.len() > limits.max_bytes {
        return Err(ImportError::TooLarge {
            size: bytes.len(),
            max: limits.max_bytes,
        });
    }
    Ok(())
}

/// Bounds on what one file may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// The largest file accepted, in bytes (default 8 MiB).
    pub max_bytes: usize,
    /// The most rows (CSV) or cards (vCard) accepted, counting rejected ones (default 10,000).
    pub max_rows: usize,
    /// The longest value accepted in a cell or a vCard property that is read, in characters
    /// (default 8,192); a row or card with a longer one is rejected with `FIELD_TOO_LONG`.
    /// Properties that are not read (such as a card's photo) are skipped whatever their size.
    pub max_field_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 8 * 1024 * 1024,
            max_rows: 10_000,
            max_field_len: 8 * 1024,
        }
    }
}

/// What a file held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The format it was read as.
    pub format: Format,
    /// How its bytes were decoded.
    pub encoding: TextEncoding,
    /// The contacts read, in file order.
    pub rows: Vec<ImportedContact>,
    /// The rows or cards that could not be read, in file order.
    pub rejected: Vec<Rejected>,
}

/// A row or card that was not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    /// The line of the file the row or card starts on (1-based).
    pub line: u64,
    /// A stable code: `NO_NAME`, `BAD_NAME` (a name core refuses), `FIELD_TOO_LONG`,
    /// `UNBALANCED_QUOTES`, `BAD_CSV` (the reader gave up on the rest of the file).
    pub code: &'static str,
    /// What is wrong, in words fit for the person who uploaded the file.
    pub reason: String,
}

/// An optional value that was dropped from (or shortened in) an imported row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowWarning {
    /// Which value: `email`, `link`, `company`, `position`, `connectedOn`, `tag`, `phone`.
    pub field: &'static str,
    /// A stable code: `BAD_EMAIL`, `BAD_URL`, `UNKNOWN_SERVICE`, `TRUNCATED`, `BAD_TEXT`,
    /// `BAD_DATE`, `TAG_TOO_LONG`, `BAD_TAG`, `TOO_MANY_TAGS`, `BAD_PHONE`.
    pub code: &'static str,
    /// The value as found in the file (at most 200 characters of it).
    pub value: String,
}

/// One contact read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedContact {
    /// The line of the file the row or card starts on (1-based).
    pub line: u64,
    /// Her name: First + Middle + Last (CSV) or `FN`, else `N` (vCard).
    pub name: ContactName,
    /// Every valid e-mail address, without duplicates, in file order.
    pub emails: Vec<Email>,
    /// Every web link and social profile, without two with the same
    /// [`herlead_core::input::url_key`], in file order.
    pub links: Vec<HttpUrl>,
    /// Where she works, trimmed, white space folded, at most [`TEXT_MAX_LEN`] characters
    /// (longer text is cut there, with a `TRUNCATED` warning).
    pub company: Option<String>,
    /// Her position, bounded like `company`.
    pub position: Option<String>,
    /// When the connection was made (LinkedIn's `Connected On`).
    pub connected_on: Option<NaiveDate>,
    /// Labels and groups, by core's tag rules: lower case, at most
    /// [`herlead_core::input::TAG_MAX_LEN`] characters each (longer ones dropped with a
    /// warning), at most [`herlead_core::input::TAGS_MAX`] (the rest dropped with a warning).
    pub tags: Vec<String>,
    /// Phone numbers as written, trimmed, without duplicates, at most 40 characters each.
    pub phones: Vec<String>,
    /// HerLead's own sector, as its exports write it (`X-HERLEAD-SECTOR`, `HerLead Sector`),
    /// so that her export comes back classified; other apps write none.
    pub sector: Option<Sector>,
    /// HerLead's own scope (`X-HERLEAD-SCOPE`, `HerLead Scope`).
    pub scope: Option<Scope>,
    /// What was dropped or shortened.
    pub warnings: Vec<RowWarning>,
}

/// The longest company or position kept, in characters.
pub const TEXT_MAX_LEN: usize = 200;

/// Reads a contact file of the given format.
///
/// The whole file fails ([`ImportError`]) when it is larger than `limits.max_bytes`, not text,
/// empty, has more than `limits.max_rows` rows, or (CSV) has no header naming the needed
/// columns, (vCard) no card. Otherwise every row is either in `rows` or in `rejected`.
pub fn parse(bytes: &[u8], format: Format, limits: &Limits) -> Result<Parsed, ImportError> {
    check_size(bytes, limits)?;
    let (text, encoding) = text::decode(bytes)?;
    let (rows, rejected) = match format {
        Format::LinkedIn => linkedin::parse(&text, limits)?,
        Format::GoogleCsv => google::parse(&text, limits)?,
        Format::VCard => vcard::parse(&text, limits)?,
    };
    Ok(Parsed {
        format,
        encoding,
        rows,
        rejected,
    })
}
