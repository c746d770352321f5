//! Whole-file failures: when one of these is returned, nothing from the file is imported.

/// Why a whole file could not be read. Problems confined to one row or card are not errors:
/// they are reported as [`crate::Rejected`] entries next to the rows that did parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The file is larger than [`crate::Limits::max_bytes`].
    #[error("the file has {size} bytes; at most {max} are accepted")]
    TooLarge {
        /// The size of the file, in bytes.
        size: usize,
        /// The limit it broke.
        max: usize,
    },
    /// The file holds more rows or cards than [`crate::Limits::max_rows`].
    #[error("the file has more than {max} contacts; split it into smaller files")]
    TooManyRows {
        /// The limit it broke.
        max: usize,
    },
    /// The file is empty or holds only white space.
    #[error("the file is empty")]
    Empty,
    /// The file is not text (it has NUL bytes, as images, spreadsheets and archives do).
    #[error(
        "this is not a text file (it looks like a binary file such as a spreadsheet or an image)"
    )]
    Binary,
    /// No header row naming the columns was found in a CSV file.
    #[error(
        "no header row was found; {format} files start with a row naming the columns {required}"
    )]
    MissingHeader {
        /// The format that was expected, as shown to people ("LinkedIn").
        format: &'static str,
        /// The columns a header must name, comma-separated.
        required: &'static str,
    },
    /// A vCard file without a single `BEGIN:VCARD`.
    #[error("no contact cards were found (a vCard file has BEGIN:VCARD … END:VCARD blocks)")]
    NoCards,
}

impl ImportError {
    /// A stable code for clients: `TOO_LARGE`, `TOO_MANY_ROWS`, `EMPTY`, `BINARY`,
    /// `MISSING_HEADER` or `NO_CARDS`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "TOO_LARGE",
            Self::TooManyRows { .. } => "TOO_MANY_ROWS",
            Self::Empty => "EMPTY",
            Self::Binary => "BINARY",
            Self::MissingHeader { .. } => "MISSING_HEADER",
            Self::NoCards => "NO_CARDS",
        }
    }
}
