//! Byte scanners over YAML and JSON text, for what the parsers do not
//! tell: how deep flow collections nest before libyaml is given a document,
//! and where a quoted string or a one-line flow collection ends.

/// How deep YAML flow collections (`[`, `{`) may nest. libyaml's scanner
/// takes time quadratic in the depth, so deeper documents are refused before
/// parsing (serde_yaml refuses more than 128 levels of values anyway).
pub(super) const MAX_FLOW_DEPTH: usize = 1000;

/// The offset of the first `[` or `{` that opens more than `limit` levels,
/// outside quotes and comments. Brackets inside plain scalars count too, so
/// this overestimates, which only matters far beyond any real depth.
pub(super) fn flow_too_deep(doc: &str, limit: usize) -> Option<usize> {
    let b = doc.as_bytes();
    let mut depth = 0usize;
    let mut prev = b'\n';
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let opens_token = prev.is_ascii_whitespace() || matches!(prev, b'[' | b'{' | b',' | b':');
        match c {
            b'#' if prev.is_ascii_whitespace() => {
                i += b
                    .get(i..)
                    .and_then(|r| r.iter().position(|&c| c == b'\n'))
                    .unwrap_or(b.len() - i);
                prev = b'\n';
                continue;
            }
            b'"' if opens_token => {
                i = double_quoted_end(b, i).unwrap_or(b.len());
                prev = b'"';
                continue;
            }
            b'\'' if opens_token => {
                i = single_quoted_end(b, i).unwrap_or(b.len());
                prev = b'\'';
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        prev = c;
        i += 1;
    }
    None
}

/// The end (just past the closing bracket) of the flow collection opening at
/// `open`, if it closes on the same line.
pub(super) fn flow_end(b: &[u8], open: usize, yaml: bool) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while let Some(&c) = b.get(i) {
        match c {
            b'\n' => return None,
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'"' => {
                i = double_quoted_end(b, i)?;
                continue;
            }
            b'\'' if yaml && i > 0 && b.get(i - 1).is_some_and(|p| b"[{, :\t".contains(p)) => {
                i = single_quoted_end(b, i)?;
                continue;
            }
            b'#' if yaml
                && b.get(i.wrapping_sub(1))
                    .is_some_and(|p| *p == b' ' || *p == b'\t') =>
            {
                return None;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Just past the closing quote of the double-quoted string opening at `open`.
pub(super) fn double_quoted_end(b: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Just past the closing quote of the single-quoted string opening at `open`
/// (`''` is an escaped quote).
pub(super) fn single_quoted_end(b: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    while let Some(&c) = b.get(i) {
        if c == b'\'' {
            if b.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}
