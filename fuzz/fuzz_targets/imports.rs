//! The contact file readers on arbitrary bytes, in all three formats: none may panic, every
//! row they accept keeps its promises, and what the exports write reads back the same.
//!
//! One target for the three formats: they share decoding, the CSV reader and row building,
//! so one corpus of mixed files exercises all of them, and CI builds and runs one binary.

#![no_main]

use herlead_core::input::HttpUrl;
use herlead_import::{ExportContact, Format, Limits, Parsed, parse, to_csv, to_vcard4};
use libfuzzer_sys::fuzz_target;

const LIMITS: Limits = Limits {
    max_bytes: 64 * 1024,
    max_rows: 50,
    max_field_len: 200,
};

/// What must survive an export and a new import: links are compared by their keys (core
/// promises a re-parsed URL has the same key, not the same spelling).
fn comparable(contacts: Vec<ExportContact>) -> Vec<(ExportContact, Vec<String>)> {
    contacts
        .into_iter()
        .map(|mut c| {
            let keys = c.links.iter().map(HttpUrl::key).collect();
            c.links.clear();
            (c, keys)
        })
        .collect()
}

fn reimport(text: &str, format: Format) -> Vec<ExportContact> {
    let parsed = parse(text.as_bytes(), format, &Limits::default())
        .unwrap_or_else(|e| panic!("an export of {format:?} does not parse: {e}\n{text}"));
    assert!(parsed.rejected.is_empty(), "{:?}\n{text}", parsed.rejected);
    parsed.rows.into_iter().map(ExportContact::from).collect()
}

/// Whether the CSV layout can carry the row: Google's ` ::: ` has no escape, and a leading
/// `*` marks a system label.
fn csv_safe(c: &ExportContact) -> bool {
    let texts = c
        .company
        .iter()
        .chain(&c.position)
        .chain(&c.tags)
        .chain(&c.phones);
    !texts.clone().any(|t| t.contains(":::")) && !c.tags.iter().any(|t| t.starts_with('*'))
}

fn check(parsed: &Parsed) {
    assert!(parsed.rows.len() + parsed.rejected.len() <= LIMITS.max_rows);
    for row in &parsed.rows {
        assert!(!row.name.as_str().trim().is_empty());
        assert!(row.line >= 1);
    }
    if parsed.rows.is_empty() {
        return;
    }
    let exported: Vec<ExportContact> = parsed
        .rows
        .iter()
        .cloned()
        .map(ExportContact::from)
        .collect();
    let vcard = to_vcard4(&exported);
    assert_eq!(
        comparable(reimport(&vcard, Format::VCard)),
        comparable(exported.clone()),
        "{vcard}"
    );
    let csv_rows: Vec<ExportContact> = exported.into_iter().filter(csv_safe).collect();
    if !csv_rows.is_empty() {
        let csv = to_csv(&csv_rows);
        assert_eq!(
            comparable(reimport(&csv, Format::GoogleCsv)),
            comparable(csv_rows),
            "{csv}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = Format::detect(data);
    for format in Format::ALL {
        if let Ok(parsed) = parse(data, *format, &LIMITS) {
            check(&parsed);
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let mut lines = text.lines();
        let _ = herlead_import::suggest(lines.next(), lines.next());
    }
});
