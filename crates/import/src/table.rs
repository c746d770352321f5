//! What LinkedIn and Google CSV files share: a header found by its content, columns looked
//! up by name, records read with the `csv` crate (rows may have more or fewer cells than the
//! header), and an unclosed quote reported instead of silently eating the rest of the file.

use std::collections::HashMap;

use csv::StringRecord;

use crate::contact::RowBuilder;
use crate::{ImportError, ImportedContact, Limits, Rejected};

/// How many records before the header may be a preamble (LinkedIn's "Notes:" block).
const HEADER_SCAN: usize = 50;

/// The header row: column names, compared trimmed and without regard to ASCII case.
#[derive(Debug)]
pub(crate) struct Header {
    index: HashMap<String, usize>,
    names: Vec<String>,
}

impl Header {
    fn new(record: &StringRecord) -> Self {
        let names: Vec<String> = record
            .iter()
            .map(|cell| cell.trim().to_ascii_lowercase())
            .collect();
        let mut index = HashMap::new();
        for (i, name) in names.iter().enumerate() {
            index.entry(name.clone()).or_insert(i);
        }
        Self { index, names }
    }

    /// The cell under column `name`, or "" when the column or the cell is missing. The `'`
    /// that [`crate::to_csv`] puts before formula-like text is removed.
    pub(crate) fn get<'r>(&self, record: &'r StringRecord, name: &str) -> &'r str {
        let cell = self
            .index
            .get(&name.to_ascii_lowercase())
            .and_then(|&i| record.get(i))
            .unwrap_or("");
        unguard(cell)
    }

    /// Whether the header has a column named `name`.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.index.contains_key(&name.to_ascii_lowercase())
    }

    /// The cells of every column whose (lower-case) name satisfies `pred`, in column order.
    pub(crate) fn matching<'r>(
        &self,
        record: &'r StringRecord,
        pred: impl Fn(&str) -> bool,
    ) -> Vec<&'r str> {
        self.names
            .iter()
            .enumerate()
            .filter(|(_, name)| pred(name))
            .filter_map(|(i, _)| record.get(i))
            .map(unguard)
            .collect()
    }
}

/// `cell` without the `'` that guards formula-like text.
fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if crate::export::needs_guard(rest) => rest,
        _ => cell,
    }
}

/// What a CSV format tells the shared reader.
pub(crate) struct CsvFormat<F> {
    /// The format's name in messages ("LinkedIn").
    pub name: &'static str,
    /// The columns a header must name, for the message when none is found.
    pub required: &'static str,
    /// Whether a record (cells trimmed and lower-cased) is the header.
    pub is_header: fn(&[String]) -> bool,
    /// Fills a row from a record.
    pub row: F,
}

/// Reads every row after the header.
///
/// Cells are separated by commas, or by semicolons or tabs when no header is found with
/// commas: Excel in Spanish (and other languages whose decimal mark is a comma) saves CSV
/// with semicolons.
pub(crate) fn parse<F>(
    text: &str,
    limits: &Limits,
    format: CsvFormat<F>,
) -> Result<(Vec<ImportedContact>, Vec<Rejected>), ImportError>
where
    F: Fn(&Header, &StringRecord, &mut RowBuilder),
{
    let mut result = parse_with(text, limits, &format, b',');
    for delimiter in [b';', b'\t'] {
        if !matches!(result, Err(ImportError::MissingHeader { .. })) {
            break;
        }
        result = parse_with(text, limits, &format, delimiter);
    }
    result
}

fn parse_with<F>(
    text: &str,
    limits: &Limits,
    format: &CsvFormat<F>,
    delimiter: u8,
) -> Result<(Vec<ImportedContact>, Vec<Rejected>), ImportError>
where
    F: Fn(&Header, &StringRecord, &mut RowBuilder),
{
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut record = StringRecord::new();
    let mut header = None;
    let mut scanned = 0;
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    let mut last_start = 0;
    let mut last_line: u64 = 1;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                rejected.push(Rejected {
                    line: error.position().map_or(last_line, |p| p.line()),
                    code: "BAD_CSV",
                    reason: format!("the rest of the file could not be read: {error}"),
                });
                break;
            }
        }
        // The `csv` crate's position of a record in a CRLF file points at the LF that ends
        // the record before it (and so has the line before); count lines ourselves.
        let mut start = record
            .position()
            .map_or(last_start, |p| {
                usize::try_from(p.byte()).unwrap_or(usize::MAX)
            })
            .clamp(last_start, text.len());
        if text.as_bytes().get(start) == Some(&b'\n') {
            start += 1;
        }
        last_line += bytecount_newlines(&text.as_bytes()[last_start..start]);
        last_start = start;
        let line = last_line;
        let Some(header) = header.as_ref() else {
            let cells: Vec<String> = record
                .iter()
                .map(|cell| cell.trim().to_ascii_lowercase())
                .collect();
            if (format.is_header)(&cells) {
                header = Some(Header::new(&record));
            } else {
                scanned += 1;
                if scanned >= HEADER_SCAN {
                    break;
                }
            }
            continue;
        };
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if rows.len() + rejected.len() >= limits.max_rows {
            return Err(ImportError::TooManyRows {
                max: limits.max_rows,
            });
        }
        if record.iter().any(|cell| {
            cell.len() > limits.max_field_len && cell.chars().count() > limits.max_field_len
        }) {
            let unclosed = opens_unclosed_quote(text.get(start..).unwrap_or(""), delimiter);
            rejected.push(if unclosed {
                unbalanced(line, text)
            } else {
                Rejected {
                    line,
                    code: "FIELD_TOO_LONG",
                    reason: format!("a cell is longer than {} characters", limits.max_field_len),
                }
            });
            continue;
        }
        if opens_unclosed_quote(text.get(start..).unwrap_or(""), delimiter) {
            rejected.push(unbalanced(line, text));
            continue;
        }
        let mut row = RowBuilder::new(line, limits);
        (format.row)(header, &record, &mut row);
        match row.finish() {
            Ok(contact) => rows.push(contact),
            Err(rejection) => rejected.push(rejection),
        }
    }
    if header.is_none() {
        return Err(ImportError::MissingHeader {
            format: format.name,
            required: format.required,
        });
    }
    Ok((rows, rejected))
}

/// How many line feeds `bytes` holds.
fn bytecount_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// The rejection of a row whose quote never closes (so the rest of the file was one cell).
fn unbalanced(line: u64, text: &str) -> Rejected {
    let last = text.lines().count();
    Rejected {
        line,
        code: "UNBALANCED_QUOTES",
        reason: format!(
            "a quote opened in the row on line {line} is never closed, so lines {line} to {last} could not be read; check that every \" has its partner"
        ),
    }
}

/// Whether the record that starts `raw` opens a quoted cell that never closes before the
/// end of the text (the `csv` crate then reads the rest of the file as that cell). Only a
/// quote at the start of a cell opens one; `""` inside is an escaped quote.
fn opens_unclosed_quote(raw: &str, delimiter: u8) -> bool {
    let mut bytes = raw.bytes().peekable();
    let mut at_cell_start = true;
    let mut quoted = false;
    while let Some(b) = bytes.next() {
        if quoted {
            if b == b'"' {
                if bytes.peek() == Some(&b'"') {
                    bytes.next();
                } else {
                    quoted = false;
                }
            }
            continue;
        }
        match b {
            b'"' if at_cell_start => quoted = true,
            b if b == delimiter => {
                at_cell_start = true;
                continue;
            }
            // The record ends here with every quote closed.
            b'\n' => return false,
            _ => {}
        }
        at_cell_start = false;
    }
    quoted
}

#[cfg(test)]
mod tests {
    use super::opens_unclosed_quote;

    #[test]
    fn unclosed_quotes() {
        assert!(!opens_unclosed_quote("a,b\nc", b','));
        assert!(!opens_unclosed_quote("\"a,\"\"b\"\"\",c\nd", b','));
        assert!(!opens_unclosed_quote("\"multi\nline\",c\n\"d", b','));
        assert!(!opens_unclosed_quote("Ana \"Nena\" Ruiz,b\n", b','));
        assert!(opens_unclosed_quote("a,\"b\nc,d\n", b','));
        assert!(opens_unclosed_quote("\"a\"\"\n", b','));
    }
}
