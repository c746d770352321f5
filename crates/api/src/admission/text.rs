//! The query text, before parsing: length, tokens and bracket nesting, in one pass.

use super::{AdmissionConfig, Refusal};

/// Checks the query text before it is parsed: its length, its tokens (parsing costs about
/// the same per token) and how deep its brackets nest (the parser recurses once per level).
/// One pass; strings and comments are skipped.
pub(super) fn text_refusal(query: &str, config: &AdmissionConfig) -> Option<Refusal> {
    let bytes = query.len();
    if bytes > config.max_query_bytes {
        return Some(Refusal::over(
            format!(
                "the query is {bytes} bytes long; at most {} are accepted",
                config.max_query_bytes
            ),
            bytes,
            config.max_query_bytes,
        ));
    }
    let Scan { nesting, tokens } = scan(query.as_bytes());
    if tokens > config.max_tokens {
        return Some(Refusal::over(
            format!(
                "the query has {tokens} tokens; at most {} are accepted",
                config.max_tokens
            ),
            tokens,
            config.max_tokens,
        ));
    }
    if nesting > config.max_nesting {
        return Some(Refusal::over(
            format!(
                "the query nests {nesting} brackets deep; at most {} are accepted",
                config.max_nesting
            ),
            nesting,
            config.max_nesting,
        ));
    }
    None
}

/// What one pass over the query text finds.
pub(super) struct Scan {
    /// The deepest nesting of `{`, `[` and `(` outside strings and comments.
    pub(super) nesting: usize,
    /// Names, numbers, strings and punctuation marks (`...` counts once).
    pub(super) tokens: usize,
}

pub(super) fn scan(text: &[u8]) -> Scan {
    let (mut depth, mut deepest, mut tokens, mut i) = (0usize, 0usize, 0usize, 0usize);
    let word =
        |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.' || b >= 0x80;
    while i < text.len() {
        let b = text[i];
        if !b.is_ascii_whitespace() && b != b',' && b != b'#' {
            tokens += 1;
        }
        match b {
            b'#' => {
                while i < text.len() && text[i] != b'\n' && text[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if text[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < text.len() && !text[i..].starts_with(b"\"\"\"") {
                    // An escaped triple quote does not end a block string.
                    i += if text[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < text.len() && text[i] != b'"' && text[i] != b'\n' {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            // A name, number or `...`: one token however long.
            _ if word(b) => {
                while i + 1 < text.len() && word(text[i + 1]) {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    Scan {
        nesting: deepest,
        tokens,
    }
}
