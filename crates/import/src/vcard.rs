//! A lenient vCard reader for the files Apple Contacts, Google Contacts and Android write
//! (versions 2.1, 3.0 and 4.0). See the crate documentation for why it is our own.
//!
//! What it reads: `FN` (else `N`) for the name, `EMAIL`, `TEL`, `URL`, `ORG` (its first
//! component), `TITLE`, `CATEGORIES`, `X-SOCIALPROFILE` (Apple), `SOCIALPROFILE` (RFC 9554),
//! `IMPP`, `X-TWITTER`-style properties, and `X-HERLEAD-CONNECTED-ON`, `X-HERLEAD-SECTOR`
//! and `X-HERLEAD-SCOPE` (what [`crate::to_vcard4`] writes). Group prefixes (`item1.URL`) are ignored, so a grouped URL
//! is kept like any other; its `X-ABLabel` is not read. Everything else is skipped, and
//! binary properties (`PHOTO`, `LOGO`, `SOUND`, `KEY`) are skipped without being decoded
//! whatever their size.
//!
//! How it reads: continuation lines that start with a space or a tab are unfolded;
//! `ENCODING=QUOTED-PRINTABLE` values are decoded, soft line breaks (`=` at the end of a line)
//! joined, and their bytes read in the `CHARSET=` given (UTF-8 when valid, else
//! Windows-1252, when none is); 2.1's bare parameters (`TEL;CELL`) are accepted; backslash
//! escapes (`\,` `\;` `\\` `\n`, and Google's `\:`) are undone. A card without `END:VCARD`
//! ends where the next `BEGIN:VCARD` or the file does.

use crate::contact::{RowBuilder, join_name};
use crate::google::label_tag;
use crate::linkedin::parse_date;
use crate::text::decode_charset;
use crate::{ImportError, ImportedContact, Limits, Rejected};

/// One unfolded property line.
#[derive(Debug)]
struct Line {
    /// The physical line it starts on (1-based).
    number: u64,
    text: String,
    /// The property is binary and was not collected, or the line grew past the limit.
    skipped: bool,
    too_long: bool,
}

/// Reads every card in a file.
pub(crate) fn parse(
    text: &str,
    limits: &Limits,
) -> Result<(Vec<ImportedContact>, Vec<Rejected>), ImportError> {
    // A quoted-printable value takes up to three bytes per byte it stands for.
    let line_cap = limits.max_field_len.saturating_mul(12).saturating_add(1024);
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    let mut card: Option<(u64, Vec<Line>)> = None;
    let mut seen_card = false;
    for line in unfold(text, line_cap) {
        let trimmed = line.text.trim();
        if trimmed.eq_ignore_ascii_case("BEGIN:VCARD") {
            if let Some((start, props)) = card.take() {
                finish(start, &props, limits, &mut rows, &mut rejected);
            }
            if rows.len() + rejected.len() >= limits.max_rows {
                return Err(ImportError::TooManyRows {
                    max: limits.max_rows,
                });
            }
            seen_card = true;
            card = Some((line.number, Vec::new()));
        } else if trimmed.eq_ignore_ascii_case("END:VCARD") {
            if let Some((start, props)) = card.take() {
                finish(start, &props, limits, &mut rows, &mut rejected);
            }
        } else if let Some((_, props)) = card.as_mut()
            && (!line.skipped || line.too_long)
        {
            props.push(line);
        }
    }
    if let Some((start, props)) = card.take() {
        finish(start, &props, limits, &mut rows, &mut rejected);
    }
    if !seen_card {
        return Err(ImportError::NoCards);
    }
    Ok((rows, rejected))
}

/// Joins folded lines (and quoted-printable soft line breaks) into property lines.
fn unfold(text: &str, line_cap: usize) -> impl Iterator<Item = Line> + '_ {
    let mut physical = text
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .zip(1u64..)
        .peekable();
    std::iter::from_fn(move || {
        let (first, number) = physical.next()?;
        let head = first.split([';', ':']).next().unwrap_or("");
        let name = head.rsplit('.').next().unwrap_or(head);
        let skipped = ["PHOTO", "LOGO", "SOUND", "KEY"]
            .iter()
            .any(|binary| name.eq_ignore_ascii_case(binary));
        let params = first.split(':').next().unwrap_or("");
        let qp = params.to_ascii_uppercase().contains("QUOTED-PRINTABLE");
        let mut line = Line {
            number,
            text: if skipped {
                String::new()
            } else {
                first.to_owned()
            },
            skipped,
            too_long: false,
        };
        while let Some(&(next, _)) = physical.peek() {
            let soft_break =
                qp && line.text.ends_with('=') && !next.trim().eq_ignore_ascii_case("END:VCARD");
            let continued = next.starts_with([' ', '\t']);
            if !soft_break && !continued {
                break;
            }
            physical.next();
            if line.skipped {
                continue;
            }
            if soft_break {
                line.text.pop();
            }
            let rest = if continued && !soft_break {
                &next[1..]
            } else {
                next
            };
            if line.text.len() + rest.len() > line_cap {
                line.too_long = true;
                line.skipped = true;
                line.text.truncate(line.text.find(':').unwrap_or(0));
            } else {
                line.text.push_str(rest);
            }
        }
        if !line.skipped && line.text.len() > line_cap {
            line.too_long = true;
        }
        Some(line)
    })
}

/// A property line taken apart.
#[derive(Debug)]
struct Property {
    /// Upper case, without its group.
    name: String,
    /// Names upper case; 2.1's bare parameters are `TYPE` (or `ENCODING`).
    params: Vec<(String, String)>,
    /// Decoded from quoted-printable and its charset, still escaped.
    value: String,
}

impl Property {
    fn parse(line: &str) -> Option<Self> {
        let colon = find_unquoted(line, ':')?;
        let (head, value) = (&line[..colon], &line[colon + 1..]);
        let mut parts = split_unquoted(head, ';');
        let full_name = parts.next()?.trim();
        let name = full_name
            .rsplit('.')
            .next()
            .unwrap_or(full_name)
            .to_ascii_uppercase();
        let mut params = Vec::new();
        for part in parts {
            let (key, val) = match part.split_once('=') {
                Some((key, val)) => (
                    key.trim().to_ascii_uppercase(),
                    val.trim().trim_matches('"'),
                ),
                None => {
                    let bare = part.trim();
                    let key = if ["QUOTED-PRINTABLE", "BASE64", "8BIT"]
                        .iter()
                        .any(|e| bare.eq_ignore_ascii_case(e))
                    {
                        "ENCODING"
                    } else {
                        "TYPE"
                    };
                    (key.to_owned(), bare)
                }
            };
            params.push((key, val.to_owned()));
        }
        let mut property = Self {
            name,
            params,
            value: String::new(),
        };
        let encoding = property.param("ENCODING").map(str::to_ascii_uppercase);
        property.value = match encoding.as_deref() {
            Some("QUOTED-PRINTABLE") => {
                decode_charset(&decode_qp(value), property.param("CHARSET"))
            }
            Some("B" | "BASE64") => return None,
            _ => value.to_owned(),
        };
        Some(property)
    }

    /// The first value of parameter `key` (upper case).
    fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The service a social property names, lower case.
    fn service(&self) -> Option<String> {
        ["SERVICE-TYPE", "X-SERVICE-TYPE", "TYPE"]
            .iter()
            .flat_map(|key| self.params.iter().filter(move |(k, _)| k == key))
            .flat_map(|(_, v)| v.split(','))
            .map(|v| v.trim().to_ascii_lowercase())
            .find(|v| profile_url(v, "x").is_some())
    }
}

/// The properties [`finish`] reads.
const READ: &[&str] = &[
    "FN",
    "N",
    "EMAIL",
    "TEL",
    "URL",
    "ORG",
    "TITLE",
    "CATEGORIES",
    "X-SOCIALPROFILE",
    "SOCIALPROFILE",
    "IMPP",
    "X-TWITTER",
    "X-LINKEDIN",
    "X-INSTAGRAM",
    "X-FACEBOOK",
    "X-GITHUB",
    "X-HERLEAD-CONNECTED-ON",
    "X-HERLEAD-SECTOR",
    "X-HERLEAD-SCOPE",
];

/// Builds one card's contact.
fn finish(
    start: u64,
    lines: &[Line],
    limits: &Limits,
    rows: &mut Vec<ImportedContact>,
    rejected: &mut Vec<Rejected>,
) {
    let mut row = RowBuilder::new(start, limits);
    let mut formatted = None;
    let mut structured = None;
    for line in lines {
        if line.too_long {
            // Only a property that is read rejects the card; a long NOTE is skipped.
            let head = line.text.split([';', ':']).next().unwrap_or("");
            let name = head.rsplit('.').next().unwrap_or(head);
            if READ.iter().any(|read| name.eq_ignore_ascii_case(read)) {
                row.too_long("property");
            }
            continue;
        }
        let Some(property) = Property::parse(&line.text) else {
            continue;
        };
        let value = property.value.as_str();
        match property.name.as_str() {
            "FN" => formatted = Some(unescape(value)),
            "N" => {
                let parts = split_escaped(value, ';');
                let part = |i: usize| parts.get(i).map_or("", String::as_str);
                structured = Some(join_name([part(3), part(1), part(2), part(0), part(4)]));
            }
            "EMAIL" => row.email(&unescape(value)),
            "TEL" => row.phone(&unescape(value)),
            "URL" => row.link(&unescape(value)),
            "ORG" => {
                if let Some(company) = split_escaped(value, ';').first() {
                    row.company(company);
                }
            }
            "TITLE" => row.position(&unescape(value)),
            "CATEGORIES" => {
                for label in split_escaped(value, ',') {
                    if let Some(tag) = label_tag(&label) {
                        row.tag(tag);
                    }
                }
            }
            "X-SOCIALPROFILE" | "SOCIALPROFILE" | "IMPP" => {
                let user = property.param("X-USER").map(str::to_owned);
                social(
                    &mut row,
                    property.service().as_deref(),
                    &unescape(value),
                    user.as_deref(),
                );
            }
            "X-TWITTER" | "X-LINKEDIN" | "X-INSTAGRAM" | "X-FACEBOOK" | "X-GITHUB" => {
                let service = property.name[2..].to_ascii_lowercase();
                social(&mut row, Some(&service), &unescape(value), None);
            }
            "X-HERLEAD-CONNECTED-ON" => {
                let raw = unescape(value);
                match parse_date(raw.trim()) {
                    Some(date) => row.connected_on(date),
                    None => row.warn("connectedOn", "BAD_DATE", &raw),
                }
            }
            "X-HERLEAD-SECTOR" => row.sector(&unescape(value)),
            "X-HERLEAD-SCOPE" => row.scope(&unescape(value)),
            _ => {}
        }
    }
    for name in [formatted, structured].into_iter().flatten() {
        row.name(&name);
    }
    match row.finish() {
        Ok(contact) => rows.push(contact),
        Err(rejection) => rejected.push(rejection),
    }
}

/// Keeps a social profile or messaging address as a web link: as is when it is one, built
/// from the handle when the service is known, else dropped with a warning.
fn social(row: &mut RowBuilder, service: Option<&str>, value: &str, user: Option<&str>) {
    let value = value.trim();
    if value.is_empty() {
        return;
    }
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("http://")
        || lower.starts_with("https://")
        || (!value.contains(':') && value.contains('/'))
    {
        row.link(value);
        return;
    }
    // `x-apple:handle`, `twitter:handle`, `xmpp:user@host`: the part after the scheme.
    let (scheme, rest) = match value.split_once(':') {
        Some((scheme, rest)) => (Some(scheme.to_ascii_lowercase()), rest),
        None => (None, value),
    };
    let service = service
        .map(str::to_owned)
        .or_else(|| scheme.filter(|s| profile_url(s, "x").is_some()));
    let handle = user.unwrap_or(rest).trim().trim_start_matches('/');
    let handle = handle
        .strip_prefix("%40")
        .or_else(|| handle.strip_prefix('@'))
        .unwrap_or(handle);
    let url = service.as_deref().and_then(|service| {
        let valid = !handle.is_empty()
            && !handle.contains(|c: char| c.is_whitespace() || "/?#:@".contains(c));
        valid.then(|| profile_url(service, handle)).flatten()
    });
    match url {
        Some(url) => row.link(&url),
        None => row.warn("link", "UNKNOWN_SERVICE", value),
    }
}

/// The profile URL of `handle` on a known service.
fn profile_url(service: &str, handle: &str) -> Option<String> {
    let base = match service {
        "linkedin" => "https://www.linkedin.com/in/",
        "twitter" | "x" => "https://x.com/",
        "instagram" => "https://www.instagram.com/",
        "facebook" => "https://www.facebook.com/",
        "github" => "https://github.com/",
        "tiktok" => "https://www.tiktok.com/@",
        _ => return None,
    };
    Some(format!("{base}{handle}"))
}

/// Decodes quoted-printable (`=C3=B1`); an `=` not followed by two hex digits is kept.
fn decode_qp(value: &str) -> Vec<u8> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'='
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// Undoes backslash escapes: `\n` is a line break, any other escaped character stands for
/// itself.
fn unescape(value: &str) -> String {
    split_escaped_inner(value, None)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// Splits at unescaped `sep`, undoing escapes in each part.
fn split_escaped(value: &str, sep: char) -> Vec<String> {
    split_escaped_inner(value, Some(sep))
}

fn split_escaped_inner(value: &str, sep: Option<char>) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        let current = parts.last_mut();
        match (c, current) {
            ('\\', Some(part)) => match chars.next() {
                Some('n' | 'N') => part.push('\n'),
                Some(other) => part.push(other),
                None => {}
            },
            (c, _) if Some(c) == sep => parts.push(String::new()),
            (c, Some(part)) => part.push(c),
            (_, None) => {}
        }
    }
    parts
}

/// The byte offset of the first `needle` outside double quotes.
fn find_unquoted(text: &str, needle: char) -> Option<usize> {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c == needle && !quoted => return Some(i),
            _ => {}
        }
    }
    // A stray quote must not hide the value: fall back to the first needle.
    text.find(needle)
}

/// Splits at `sep` outside double quotes.
fn split_unquoted(text: &str, sep: char) -> impl Iterator<Item = &str> {
    let mut quoted = false;
    text.split(move |c: char| {
        if c == '"' {
            quoted = !quoted;
        }
        c == sep && !quoted
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable() {
        assert_eq!(decode_qp("Mu=C3=B1oz"), "Muñoz".as_bytes());
        assert_eq!(decode_qp("a=3Db=\u{20}"), b"a=b= ");
        assert_eq!(decode_qp("=Z1="), b"=Z1=");
    }

    #[test]
    fn escapes() {
        assert_eq!(unescape(r"https\://x.org"), "https://x.org");
        assert_eq!(
            split_escaped(r"Acme\, Inc.;Ventas", ';'),
            vec!["Acme, Inc.", "Ventas"]
        );
        assert_eq!(unescape(r"a\nb\\"), "a\nb\\");
    }

    #[test]
    fn property_lines() {
        let p = Property::parse("item1.X-SOCIALPROFILE;type=linkedin;x-user=ana:x-apple:ana")
            .expect("parses");
        assert_eq!(p.name, "X-SOCIALPROFILE");
        assert_eq!(p.param("X-USER"), Some("ana"));
        assert_eq!(p.service().as_deref(), Some("linkedin"));
        let p = Property::parse("TEL;CELL;ENCODING=QUOTED-PRINTABLE:+34=20600").expect("parses");
        assert_eq!(p.value, "+34 600");
        assert_eq!(p.param("TYPE"), Some("CELL"));
    }
}
