//! Real-world-shaped files (fictional people) read end to end.

use chrono::NaiveDate;
use herlead_core::network::{Scope, Sector};
use herlead_import::{Format, ImportError, ImportedContact, Limits, Parsed, TextEncoding, parse};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).expect("fixture exists")
}

fn read(name: &str, format: Format) -> Parsed {
    parse(&fixture(name), format, &Limits::default()).expect("the file parses")
}

fn names(parsed: &Parsed) -> Vec<&str> {
    parsed.rows.iter().map(|row| row.name.as_str()).collect()
}

fn links(row: &ImportedContact) -> Vec<&str> {
    row.links.iter().map(|l| l.as_str()).collect()
}

fn emails(row: &ImportedContact) -> Vec<&str> {
    row.emails.iter().map(|e| e.as_str()).collect()
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

#[test]
fn linkedin_with_a_short_preamble() {
    let parsed = read("linkedin_preamble_short.csv", Format::LinkedIn);
    assert_eq!(parsed.encoding, TextEncoding::Utf8);
    assert_eq!(
        names(&parsed),
        [
            "Begoña Martínez Ruiz",
            "Lucía Fernández",
            "Amara Okafor",
            "Sofía",
            "Ximena Quispe Mamani"
        ]
    );
    let begona = &parsed.rows[0];
    assert_eq!(begona.line, 5);
    assert_eq!(
        links(begona),
        ["https://www.linkedin.com/in/begona-martinez-ruiz"]
    );
    assert_eq!(
        begona.company.as_deref(),
        Some("Universidad Complutense de Madrid")
    );
    assert_eq!(begona.position.as_deref(), Some("Profesora titular"));
    assert_eq!(begona.connected_on, date(2024, 3, 15));
    assert!(begona.emails.is_empty() && begona.warnings.is_empty());
    let lucia = &parsed.rows[1];
    assert_eq!(emails(lucia), ["lucia.fernandez@example.org"]);
    assert_eq!(
        lucia.company.as_deref(),
        Some("Fundación Mujeres Líderes, Sede Bogotá")
    );
    // The row without a name is rejected with its line; the rest still parse.
    assert_eq!(parsed.rejected.len(), 1);
    assert_eq!(
        (parsed.rejected[0].line, parsed.rejected[0].code),
        (9, "NO_NAME")
    );
    // A bad date is dropped with a warning, not a rejection.
    let ximena = &parsed.rows[4];
    assert_eq!(ximena.connected_on, None);
    assert_eq!(ximena.warnings.len(), 1);
    assert_eq!(
        (ximena.warnings[0].field, ximena.warnings[0].code),
        ("connectedOn", "BAD_DATE")
    );
}

#[test]
fn linkedin_with_a_longer_preamble() {
    let parsed = read("linkedin_preamble_long.csv", Format::LinkedIn);
    assert_eq!(
        names(&parsed),
        ["Inés Gómez de la Serna", "María José Pérez"]
    );
    assert_eq!(parsed.rows[0].line, 7);
    assert_eq!(parsed.rows[0].connected_on, date(2024, 4, 3));
    assert_eq!(
        parsed.rows[1].company.as_deref(),
        Some("El Periódico de Aragón")
    );
    assert!(parsed.rejected.is_empty());
}

#[test]
fn linkedin_before_2020_has_no_url_column_and_no_preamble() {
    let parsed = read("linkedin_pre2020.csv", Format::LinkedIn);
    assert_eq!(names(&parsed), ["Carmen Núñez", "Helen Park"]);
    assert!(parsed.rows.iter().all(|row| row.links.is_empty()));
    assert_eq!(emails(&parsed.rows[0]), ["carmen.nunez@example.com"]);
    assert_eq!(parsed.rows[1].company.as_deref(), Some("Park & Lee, LLC"));
    assert_eq!(parsed.rows[1].connected_on, date(2017, 6, 5));
}

#[test]
fn linkedin_saved_as_windows_1252() {
    let parsed = read("linkedin_cp1252.csv", Format::LinkedIn);
    assert_eq!(parsed.encoding, TextEncoding::Windows1252);
    assert_eq!(names(&parsed), ["Begoña Muñoz", "José Ibáñez"]);
    assert_eq!(parsed.rows[1].company.as_deref(), Some("“Café Ñandú” S.L."));
}

#[test]
fn linkedin_with_bom_and_crlf() {
    let parsed = read("linkedin_bom_crlf.csv", Format::LinkedIn);
    assert_eq!(parsed.encoding, TextEncoding::Utf8Bom);
    assert_eq!(names(&parsed), ["Nuria Castaño", "Pilar Ordóñez"]);
    assert_eq!(parsed.rows[0].line, 2);
    assert_eq!(parsed.rows[1].position.as_deref(), Some("Head of Sales"));
    assert_eq!(parsed.rows[1].connected_on, date(2024, 6, 30));
}

#[test]
fn whole_file_errors() {
    let limits = Limits::default();
    let error = parse(
        &fixture("linkedin_wrong_header.csv"),
        Format::LinkedIn,
        &limits,
    )
    .expect_err("no header");
    assert_eq!(error.code(), "MISSING_HEADER");
    assert!(
        error.to_string().contains("First Name, Last Name"),
        "{error}"
    );
    assert_eq!(
        parse(
            &fixture("linkedin_wrong_header.csv"),
            Format::GoogleCsv,
            &limits
        )
        .map_err(|e| e.code())
        .err(),
        Some("MISSING_HEADER")
    );
    for format in Format::ALL {
        assert_eq!(
            parse(&fixture("empty.csv"), *format, &limits).err(),
            Some(ImportError::Empty)
        );
        assert_eq!(
            parse(&fixture("binary.xlsx"), *format, &limits).err(),
            Some(ImportError::Binary)
        );
    }
    let error = parse(
        &fixture("linkedin_preamble_short.csv"),
        Format::VCard,
        &limits,
    )
    .expect_err("no cards");
    assert_eq!(error.code(), "NO_CARDS");
}

#[test]
fn an_unclosed_quote_is_rejected_not_swallowed() {
    let parsed = read("linkedin_unbalanced.csv", Format::LinkedIn);
    assert_eq!(names(&parsed), ["Rosa Villalobos"]);
    assert_eq!(parsed.rejected.len(), 1);
    let rejected = &parsed.rejected[0];
    assert_eq!((rejected.line, rejected.code), (3, "UNBALANCED_QUOTES"));
    assert!(
        rejected.reason.contains("lines 3 to 4"),
        "{}",
        rejected.reason
    );
}

#[test]
fn a_one_megabyte_line_is_rejected() {
    let mut file = String::from("First Name,Last Name,Company,Position,Connected On\n");
    file.push_str("Ana,Torres,Banco Sur,Analyst,1 Jan 2024\n");
    file.push_str(&format!(
        "Eva,{},Banco Sur,Analyst,1 Jan 2024\n",
        "x".repeat(1024 * 1024)
    ));
    file.push_str("Isabel,Mora,Banco Sur,Analyst,1 Jan 2024\n");
    let parsed = parse(file.as_bytes(), Format::LinkedIn, &Limits::default()).expect("parses");
    assert_eq!(names(&parsed), ["Ana Torres", "Isabel Mora"]);
    assert_eq!(
        (parsed.rejected[0].line, parsed.rejected[0].code),
        (3, "FIELD_TOO_LONG")
    );

    let card = format!(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Eva\nNOTE:{}\nTITLE:{}\nEND:VCARD\nBEGIN:VCARD\nFN:Ana\nEND:VCARD\n",
        "n".repeat(1 << 20),
        "t".repeat(1 << 20)
    );
    let parsed = parse(card.as_bytes(), Format::VCard, &Limits::default()).expect("parses");
    assert_eq!(names(&parsed), ["Ana"]);
    assert_eq!(
        (parsed.rejected[0].line, parsed.rejected[0].code),
        (1, "FIELD_TOO_LONG")
    );
}

#[test]
fn limits() {
    let small = Limits {
        max_bytes: 100,
        ..Limits::default()
    };
    let error = parse(
        &fixture("linkedin_preamble_short.csv"),
        Format::LinkedIn,
        &small,
    )
    .expect_err("too large");
    assert_eq!(error.code(), "TOO_LARGE");
    let few = Limits {
        max_rows: 3,
        ..Limits::default()
    };
    let error = parse(
        &fixture("linkedin_preamble_short.csv"),
        Format::LinkedIn,
        &few,
    )
    .expect_err("too many");
    assert_eq!(error, ImportError::TooManyRows { max: 3 });
    let error = parse(
        &fixture("vcard21_android.vcf"),
        Format::VCard,
        &Limits {
            max_rows: 2,
            ..Limits::default()
        },
    )
    .expect_err("too many");
    assert_eq!(error.code(), "TOO_MANY_ROWS");
    // Exactly at the limit is fine.
    let parsed = parse(
        &fixture("vcard21_android.vcf"),
        Format::VCard,
        &Limits {
            max_rows: 3,
            ..Limits::default()
        },
    )
    .expect("fits");
    assert_eq!(parsed.rows.len() + parsed.rejected.len(), 3);
}

#[test]
fn vcard_21_quoted_printable_latin1_with_soft_breaks() {
    let parsed = read("vcard21_qp_latin1.vcf", Format::VCard);
    // Quoted-printable keeps the file ASCII; the bytes it stands for are ISO-8859-1.
    assert_eq!(parsed.encoding, TextEncoding::Utf8);
    assert_eq!(names(&parsed), ["Begoña Muñoz Ibáñez"]);
    let row = &parsed.rows[0];
    assert_eq!(
        row.company.as_deref(),
        Some("Asociación de Mujeres Empresarias de Andalucía y Extremadura")
    );
    assert_eq!(
        row.position.as_deref(),
        Some("Presidenta de la asociación regional")
    );
    assert_eq!(row.phones, ["+34 600 123 456"]);
    assert_eq!(emails(row), ["begona.munoz@example.es"]);
}

#[test]
fn vcard_30_from_apple_contacts() {
    let parsed = read("vcard30_apple.vcf", Format::VCard);
    let row = &parsed.rows[0];
    assert_eq!(row.name.as_str(), "Valentina García Ortega");
    assert_eq!(row.company.as_deref(), Some("Universidad de los Andes"));
    assert_eq!(row.position.as_deref(), Some("Investigadora principal"));
    assert_eq!(
        emails(row),
        ["v.garcia@example.edu.co", "valegarcia@example.com"]
    );
    // The grouped URLs are kept; the LinkedIn profile appears twice and is kept once.
    assert_eq!(
        links(row),
        [
            "https://valentinagarcia.example.co/",
            "https://www.linkedin.com/in/valentinagarcia",
            "https://x.com/valegarciao"
        ]
    );
    assert_eq!(row.tags, ["mentoras", "economía"]);
    assert_eq!(row.warnings.len(), 1, "{:?}", row.warnings);
    assert_eq!(row.warnings[0].code, "UNKNOWN_SERVICE");
}

#[test]
fn vcard_30_from_google_contacts() {
    let parsed = read("vcard30_google.vcf", Format::VCard);
    assert_eq!(names(&parsed), ["Lucía Fernández", "Amara Okafor"]);
    assert_eq!(
        links(&parsed.rows[0]),
        ["https://www.linkedin.com/in/luciafernandez"]
    );
    assert_eq!(parsed.rows[0].tags, ["mentoras"]);
    assert!(parsed.rows[1].tags.is_empty());
    assert_eq!(emails(&parsed.rows[1]), ["amara@example.ng"]);
    assert_eq!(parsed.rows[1].warnings[0].code, "BAD_EMAIL");
    assert_eq!(parsed.rows[1].line, 13);
}

#[test]
fn vcard_21_from_android() {
    let parsed = read("vcard21_android.vcf", Format::VCard);
    assert_eq!(names(&parsed), ["Ximena Quispe Mamani", "Rocío Chávez"]);
    let row = &parsed.rows[0];
    assert_eq!(row.phones, ["+51987654321", "+5114567890"]);
    assert_eq!(
        row.position.as_deref(),
        Some("Asesora de políticas públicas")
    );
    assert_eq!(links(row), ["https://www.example.gob.pe/"]);
    assert_eq!(parsed.rejected.len(), 1);
    assert_eq!(
        (parsed.rejected[0].line, parsed.rejected[0].code),
        (12, "NO_NAME")
    );
    assert_eq!(parsed.rows[1].line, 17);
}

#[test]
fn vcard_40_social_profiles_and_impp() {
    let parsed = read("vcard40_social.vcf", Format::VCard);
    assert_eq!(names(&parsed), ["Helen Park", "Carmen Núñez"]);
    let helen = &parsed.rows[0];
    assert_eq!(
        links(helen),
        [
            "https://www.linkedin.com/in/helenpark",
            "https://github.com/helenpark",
            "https://x.com/helenpark_"
        ]
    );
    let dropped: Vec<&str> = helen.warnings.iter().map(|w| w.value.as_str()).collect();
    assert_eq!(
        dropped,
        ["@helen@mastodon.example", "xmpp:helen@chat.example.com"]
    );
    assert_eq!(helen.company.as_deref(), Some("Park & Lee, LLC"));
    assert_eq!(helen.tags, ["inversión", "board"]);
    assert_eq!(helen.connected_on, date(2017, 6, 5));
    // The card with neither FN nor N is rejected with the line it starts on.
    assert_eq!(
        (parsed.rejected[0].line, parsed.rejected[0].code),
        (17, "NO_NAME")
    );
}

#[test]
fn google_csv_current_layout() {
    let parsed = read("google_current.csv", Format::GoogleCsv);
    assert_eq!(
        names(&parsed),
        ["Valentina García Ortega", "Rocío del Carmen Chávez", "Pili"]
    );
    let valentina = &parsed.rows[0];
    assert_eq!(
        emails(valentina),
        ["v.garcia@example.edu.co", "valegarcia@example.com"]
    );
    assert_eq!(valentina.phones, ["+57 310 555 0101", "+57 1 555 0102"]);
    assert_eq!(valentina.tags, ["mentoras"]);
    assert_eq!(
        links(valentina),
        [
            "https://www.linkedin.com/in/valentinagarcia",
            "https://valentinagarcia.example.co/"
        ]
    );
    assert_eq!(
        valentina.company.as_deref(),
        Some("Universidad de los Andes")
    );
    let rocio = &parsed.rows[1];
    assert_eq!(rocio.tags, ["friends"]);
    assert_eq!(rocio.position.as_deref(), Some("Editora"));
    // A note over two lines does not shift the line numbers after it.
    assert_eq!(parsed.rows[2].line, 5);
    assert_eq!(
        (parsed.rejected[0].line, parsed.rejected[0].code),
        (6, "NO_NAME")
    );
}

#[test]
fn google_csv_older_layout() {
    let parsed = read("google_legacy.csv", Format::GoogleCsv);
    assert_eq!(names(&parsed), ["Carmen Núñez", "Amara Okafor"]);
    let carmen = &parsed.rows[0];
    assert_eq!(carmen.company.as_deref(), Some("Senado de Chile"));
    assert_eq!(carmen.position.as_deref(), Some("Senadora"));
    assert_eq!(carmen.tags, ["política"]);
    assert_eq!(links(carmen).len(), 2);
    assert_eq!(parsed.rows[1].tags, ["coworkers"]);
}

#[test]
fn detection() {
    assert_eq!(
        Format::detect(&fixture("linkedin_preamble_long.csv")),
        Some(Format::LinkedIn)
    );
    assert_eq!(
        Format::detect(&fixture("linkedin_cp1252.csv")),
        Some(Format::LinkedIn)
    );
    assert_eq!(
        Format::detect(&fixture("vcard21_qp_latin1.vcf")),
        Some(Format::VCard)
    );
    assert_eq!(
        Format::detect(&fixture("google_current.csv")),
        Some(Format::GoogleCsv)
    );
    assert_eq!(
        Format::detect(&fixture("google_legacy.csv")),
        Some(Format::GoogleCsv)
    );
    assert_eq!(Format::detect(&fixture("binary.xlsx")), None);
    assert_eq!(Format::parse("GOOGLE_CSV"), Some(Format::GoogleCsv));
    assert_eq!(Format::LinkedIn.as_str(), "LINKEDIN");
    assert_eq!(Format::VCard.as_str(), "VCARD");
}

#[test]
fn ten_thousand_cards_with_one_name() {
    let card =
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana García\r\nEMAIL:ana@example.com\r\nEND:VCARD\r\n";
    let file = card.repeat(10_000);
    let parsed = parse(file.as_bytes(), Format::VCard, &Limits::default()).expect("parses");
    assert_eq!(parsed.rows.len(), 10_000);
    assert_eq!(parsed.rows[9_999].line, 9_999 * 5 + 1);
}

#[test]
fn five_thousand_linkedin_rows() {
    let mut file = String::from(
        "Notes:\n\"A preamble.\"\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n",
    );
    for i in 0..5_000 {
        file.push_str(&format!("Ana{i},Pérez,https://www.linkedin.com/in/ana-{i},,Empresa {i} S.A.,Gerente,15 Mar 2024\n"));
    }
    let parsed = parse(file.as_bytes(), Format::LinkedIn, &Limits::default()).expect("parses");
    assert_eq!(parsed.rows.len(), 5_000);
    assert!(parsed.rejected.is_empty());
    assert_eq!(parsed.rows[4_999].line, 5_004);
}

#[test]
fn linkedin_resaved_by_spanish_excel_with_semicolons() {
    let parsed = read("linkedin_excel_semicolon.csv", Format::LinkedIn);
    assert_eq!(parsed.encoding, TextEncoding::Windows1252);
    assert_eq!(names(&parsed), ["Rocío Chávez"]);
    assert_eq!(
        parsed.rows[0].company.as_deref(),
        Some("Banco Andino; S.A.")
    );
    assert_eq!(parsed.rows[0].connected_on, date(2024, 3, 15));
}

#[test]
fn large_properties_that_are_not_read_are_skipped() {
    let photo: String = (0..40_000)
        .map(|_| " /9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHR\r\n")
        .collect();
    let file = format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Torres\r\nPHOTO;ENCODING=b;TYPE=JPEG:\r\n{photo}NOTE:{}\r\nTITLE:Directora\r\nEND:VCARD\r\n",
        "nota larga ".repeat(100_000)
    );
    assert!(file.len() > 3_000_000);
    let parsed = parse(file.as_bytes(), Format::VCard, &Limits::default()).expect("parses");
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    assert_eq!(names(&parsed), ["Ana Torres"]);
    assert_eq!(parsed.rows[0].position.as_deref(), Some("Directora"));
}

#[test]
fn a_card_without_end_ends_at_the_next_card_or_the_file() {
    let file = "BEGIN:VCARD\nFN:Ana Torres\nBEGIN:VCARD\nFN:Eva Mora\nEMAIL:eva@example.com\n";
    let parsed = parse(file.as_bytes(), Format::VCard, &Limits::default()).expect("parses");
    assert_eq!(names(&parsed), ["Ana Torres", "Eva Mora"]);
    assert_eq!(parsed.rows[1].line, 3);
}

#[test]
fn herlead_classification_is_read_back_and_a_bad_one_is_a_warning() {
    let cards = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ana Pérez\r\nX-HERLEAD-SECTOR:academia\r\nX-HERLEAD-SCOPE:GLOBAL\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:Berta Díaz\r\nX-HERLEAD-SECTOR:ARTS\r\nX-HERLEAD-SCOPE:CITY\r\nEND:VCARD\r\n";
    let parsed = parse(cards.as_bytes(), Format::VCard, &Limits::default()).expect("cards");
    let ana = &parsed.rows[0];
    assert_eq!(
        (ana.sector, ana.scope),
        (Some(Sector::Academia), Some(Scope::Global))
    );
    let berta = &parsed.rows[1];
    assert_eq!((berta.sector, berta.scope), (None, Some(Scope::City)));
    assert_eq!(berta.warnings.len(), 1, "{:?}", berta.warnings);
    assert_eq!(
        (berta.warnings[0].field, berta.warnings[0].code),
        ("sector", "BAD_SECTOR")
    );
    assert_eq!(berta.warnings[0].value, "ARTS");

    let csv = "First Name,Last Name,Labels,HerLead Sector,HerLead Scope\nAna,Pérez,,MEDIA,country\nBerta,Díaz,,,\n";
    let parsed = parse(csv.as_bytes(), Format::GoogleCsv, &Limits::default()).expect("csv");
    assert_eq!(
        (parsed.rows[0].sector, parsed.rows[0].scope),
        (Some(Sector::Media), Some(Scope::Country))
    );
    assert_eq!((parsed.rows[1].sector, parsed.rows[1].scope), (None, None));
    assert!(parsed.rows[1].warnings.is_empty());
}
