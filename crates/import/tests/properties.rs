//! Property tests: no input makes `parse` panic or break its promises, and what the exports
//! write reads back as the same contacts.

use chrono::NaiveDate;
use herlead_core::input::{ContactName, Email, HttpUrl, TAGS_MAX};
use herlead_core::network::{Scope, Sector};
use herlead_import::{ExportContact, Format, Limits, Parsed, parse, to_csv, to_vcard4};
use proptest::prelude::*;

/// The promises every successful parse keeps.
fn check(parsed: &Parsed, limits: &Limits) {
    assert!(parsed.rows.len() + parsed.rejected.len() <= limits.max_rows);
    for row in &parsed.rows {
        assert!(!row.name.as_str().trim().is_empty());
        assert!(row.tags.len() <= TAGS_MAX);
        assert!(row.line >= 1);
        let mut keys: Vec<String> = row.links.iter().map(HttpUrl::key).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), row.links.len(), "links are deduplicated");
    }
}

/// Lines real files are made of, to reach deeper than random bytes do.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("BEGIN:VCARD".to_owned()),
        Just("END:VCARD".to_owned()),
        Just("VERSION:2.1".to_owned()),
        Just("FN:Ana Pérez".to_owned()),
        Just("N;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:P=C3=A9rez;Ana=".to_owned()),
        Just(" folded".to_owned()),
        Just("item1.X-SOCIALPROFILE;type=twitter:x-apple:ana".to_owned()),
        Just("IMPP;X-SERVICE-TYPE=github:github:ana".to_owned()),
        Just("First Name,Last Name,URL,Email Address,Company,Position,Connected On".to_owned()),
        Just("First Name,Middle Name,Last Name,Labels,E-mail 1 - Value".to_owned()),
        Just("Ana,Pérez,https://x.org,a@b.co,Acme S.A.,CEO,15 Mar 2024".to_owned()),
        Just("\"Ana,\"\"x\"\" ::: * myContacts,".to_owned()),
        "[ -~ñé\"=;:,\\\\]{0,40}",
    ]
}

fn file() -> impl Strategy<Value = Vec<u8>> {
    (prop::collection::vec(piece(), 0..30), prop::bool::ANY)
        .prop_map(|(lines, crlf)| lines.join(if crlf { "\r\n" } else { "\n" }).into_bytes())
}

fn name() -> impl Strategy<Value = ContactName> {
    "[A-Za-zÁÉÍÓÚÑáéíóúñü'-]{1,12}( [A-Za-zñé,]{1,12}){0,3}"
        .prop_filter_map("a valid name", |raw| ContactName::parse("name", &raw).ok())
}

fn text() -> impl Strategy<Value = Option<String>> {
    prop::option::of("[A-Za-zñó&.,;\\\\()=@+'-]{1,15}( [A-Za-zñó&.,;]{1,12}){0,4}")
}

fn contact() -> impl Strategy<Value = ExportContact> {
    (
        name(),
        prop::collection::vec("[a-z][a-z0-9.]{0,8}@[a-z]{1,8}\\.(com|org|es)", 0..3),
        prop::collection::vec(
            "https://(www\\.)?[a-z]{1,8}\\.(com|org)(/[a-z0-9_-]{1,8}){0,2}",
            0..4,
        ),
        text(),
        text(),
        prop::collection::vec("[a-zñó]{1,12}( [a-z]{1,8})?", 0..5),
        prop::collection::vec("\\+[0-9]{2,3}( [0-9]{2,4}){1,3}", 0..3),
        prop::option::of((1990i32..2030, 1u32..13, 1u32..29)),
        prop::option::of(prop::sample::select(vec![
            Sector::Public,
            Sector::Private,
            Sector::Academia,
            Sector::Nonprofit,
            Sector::Media,
        ])),
        prop::option::of(prop::sample::select(vec![
            Scope::City,
            Scope::Country,
            Scope::Global,
        ])),
    )
        .prop_map(
            |(name, emails, links, company, position, tags, phones, date, sector, scope)| {
                let mut emails: Vec<Email> = emails
                    .iter()
                    .filter_map(|e| Email::parse("e", e).ok())
                    .collect();
                emails.dedup();
                let mut seen = std::collections::HashSet::new();
                let links = links
                    .iter()
                    .filter_map(|l| HttpUrl::parse("l", l).ok())
                    .filter(|l| seen.insert(l.key()))
                    .collect();
                let mut tags: Vec<String> =
                    tags.into_iter().filter(|t| t != "mycontacts").collect();
                tags.sort();
                tags.dedup();
                let mut phones = phones;
                phones.sort();
                phones.dedup();
                ExportContact {
                    name,
                    emails,
                    links,
                    company,
                    position,
                    tags,
                    phones,
                    connected_on: date.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
                    sector,
                    scope,
                }
            },
        )
}

fn round_trip(written: &str, format: Format) -> Vec<ExportContact> {
    let parsed = parse(written.as_bytes(), format, &Limits::default()).expect("an export parses");
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    for row in &parsed.rows {
        assert!(row.warnings.is_empty(), "{:?}", row.warnings);
    }
    parsed.rows.into_iter().map(ExportContact::from).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parse_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let limits = Limits { max_rows: 5, ..Limits::default() };
        for format in Format::ALL {
            if let Ok(parsed) = parse(&bytes, *format, &limits) {
                check(&parsed, &limits);
            }
        }
        let _ = Format::detect(&bytes);
    }

    #[test]
    fn parse_never_panics_on_file_like_text(bytes in file()) {
        let limits = Limits { max_rows: 5, max_field_len: 30, ..Limits::default() };
        for format in Format::ALL {
            if let Ok(parsed) = parse(&bytes, *format, &limits) {
                check(&parsed, &limits);
            }
        }
    }

    #[test]
    fn vcard_export_reads_back(contacts in prop::collection::vec(contact(), 1..5)) {
        prop_assert_eq!(round_trip(&to_vcard4(&contacts), Format::VCard), contacts);
    }

    #[test]
    fn csv_export_reads_back(contacts in prop::collection::vec(contact(), 1..5)) {
        prop_assert_eq!(round_trip(&to_csv(&contacts), Format::GoogleCsv), contacts);
    }

    #[test]
    fn suggest_never_panics(company in prop::option::of("\\PC{0,40}"), position in prop::option::of("\\PC{0,40}")) {
        if let Some(s) = herlead_import::suggest(company.as_deref(), position.as_deref()) {
            let field = if s.because.field == "company" { company } else { position };
            prop_assert!(field.unwrap_or_default().contains(&s.because.matched));
        }
    }
}

#[test]
fn crlf_and_lf_give_the_same_lines() {
    for name in [
        "google_current.csv",
        "linkedin_unbalanced.csv",
        "linkedin_preamble_short.csv",
    ] {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        let lf = std::fs::read_to_string(&path).expect("fixture");
        let crlf = lf.replace('\n', "\r\n");
        let format = if name.starts_with("google") {
            Format::GoogleCsv
        } else {
            Format::LinkedIn
        };
        let a = parse(lf.as_bytes(), format, &Limits::default()).expect("parses");
        let b = parse(crlf.as_bytes(), format, &Limits::default()).expect("parses");
        let lines = |p: &Parsed| {
            (
                p.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
                p.rejected
                    .iter()
                    .map(|r| (r.line, r.code))
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(lines(&a), lines(&b), "{name}");
    }
}

#[test]
fn formula_like_text_survives_a_csv_round_trip() {
    let contact = ExportContact {
        name: ContactName::parse("name", "=HYPERLINK(\"http://x.example\")").expect("valid"),
        emails: vec![],
        links: vec![],
        company: Some("'=quoted".to_owned()),
        position: Some("-Directora".to_owned()),
        tags: vec!["@mención".to_owned()],
        phones: vec!["+34 600 123 456".to_owned()],
        connected_on: None,
        sector: None,
        scope: None,
    };
    let csv = to_csv(std::slice::from_ref(&contact));
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(csv.contains(",+34 600 123 456,"), "{csv}");
    assert_eq!(round_trip(&csv, Format::GoogleCsv), [contact]);
}
