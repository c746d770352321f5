//! Turning the bytes of an uploaded file into text.
//!
//! UTF-8 is read as is (a leading byte-order mark is dropped). UTF-16 with a byte-order mark
//! (what Excel's "Unicode text" writes) is decoded. Anything else that is not valid UTF-8 is
//! read as Windows-1252, the code page of Western European and Latin American Windows
//! machines: LinkedIn and Outlook exports opened and saved in Excel come out that way, and
//! every byte sequence is valid Windows-1252, so this never fails.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::error::ImportError;

/// How the file's bytes were decoded.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TextEncoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark (dropped).
    Utf8Bom,
    /// UTF-16 (little or big endian) with a byte-order mark.
    Utf16,
    /// Not valid UTF-8, so read as Windows-1252 (a superset of ISO-8859-1's letters).
    Windows1252,
}

impl TextEncoding {
    /// The stable name (`UTF8`, `UTF8_BOM`, `UTF16`, `WINDOWS1252`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Decodes a whole file. Refuses empty files and files with NUL bytes (outside UTF-16).
pub(crate) fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, TextEncoding), ImportError> {
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        (decode_8bit(rest), TextEncoding::Utf8Bom)
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (text, _, _) = encoding_rs::UTF_16LE.decode(bytes);
        (text, TextEncoding::Utf16)
    } else {
        let text = decode_8bit(bytes);
        let encoding = match text {
            Cow::Borrowed(_) => TextEncoding::Utf8,
            Cow::Owned(_) => TextEncoding::Windows1252,
        };
        (text, encoding)
    };
    if text.contains('\0') {
        return Err(ImportError::Binary);
    }
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    Ok((text, encoding))
}

/// UTF-8 if it is valid UTF-8, else Windows-1252 (borrowed only in the UTF-8 case).
fn decode_8bit(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Cow::Owned(text.into_owned())
        }
    }
}

/// Decodes bytes named by a vCard `CHARSET=` parameter; unknown labels fall back to UTF-8
/// when the bytes are valid UTF-8 and to Windows-1252 otherwise.
pub(crate) fn decode_charset(bytes: &[u8], charset: Option<&str>) -> String {
    let encoding = charset.and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()));
    match encoding {
        Some(encoding) => encoding.decode_without_bom_handling(bytes).0.into_owned(),
        None => decode_8bit(bytes).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(
            decode(b"Ana").map(|(t, e)| (t.into_owned(), e)),
            Ok(("Ana".into(), TextEncoding::Utf8))
        );
        assert_eq!(
            decode(b"\xEF\xBB\xBFBego\xC3\xB1a").map(|(t, e)| (t.into_owned(), e)),
            Ok(("Begoña".into(), TextEncoding::Utf8Bom))
        );
    }

    #[test]
    fn windows_1252_fallback() {
        let (text, encoding) = decode(b"Bego\xF1a \x93Ana\x94").expect("decodes");
        assert_eq!(text, "Begoña “Ana”");
        assert_eq!(encoding, TextEncoding::Windows1252);
    }

    #[test]
    fn utf16_with_bom() {
        let bytes: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Iñés".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let (text, encoding) = decode(&bytes).expect("decodes");
        assert_eq!((text.as_ref(), encoding), ("Iñés", TextEncoding::Utf16));
    }

    #[test]
    fn nul_bytes_and_blank_files_are_refused() {
        assert_eq!(decode(b"PK\x03\x04\0\0").err(), Some(ImportError::Binary));
        assert_eq!(decode(b" \r\n\t").err(), Some(ImportError::Empty));
        assert_eq!(decode(b"").err(), Some(ImportError::Empty));
    }

    #[test]
    fn charset_labels() {
        assert_eq!(decode_charset(b"Mu\xF1oz", Some("ISO-8859-1")), "Muñoz");
        assert_eq!(decode_charset("Muñoz".as_bytes(), Some("UTF-8")), "Muñoz");
        assert_eq!(decode_charset(b"Mu\xF1oz", Some("nonsense")), "Muñoz");
    }
}
