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

/// The first YAML tag of `doc` (`!custom 12.50`, `!!binary …`), its text and
/// offset. A tag asks the reader to give a value another meaning, which
/// facts never need: it is refused, not silently dropped. Only a document
/// with a `!` in it is parsed again for this (libyaml tells tags apart
/// from a `!` inside a text).
pub(super) fn yaml_tag(doc: &str) -> Option<(usize, String)> {
    memchr::memchr(b'!', doc.as_bytes())?;
    local_tag(doc).or_else(|| standard_tag(doc))
}

/// A local tag (`!custom`), as libyaml reads it.
fn local_tag(doc: &str) -> Option<(usize, String)> {
    let value: serde_yaml::Value = serde_yaml::from_str(doc).ok()?;
    let mut stack = vec![&value];
    let tag = loop {
        match stack.pop()? {
            serde_yaml::Value::Tagged(t) => break t.tag.to_string(),
            serde_yaml::Value::Sequence(items) => stack.extend(items.iter().rev()),
            serde_yaml::Value::Mapping(m) => {
                let entries: Vec<_> = m.iter().collect();
                for (k, v) in entries.into_iter().rev() {
                    stack.push(v);
                    stack.push(k);
                }
            }
            _ => {}
        }
    };
    // Where it is written: the first place the tag's text starts a token.
    let b = doc.as_bytes();
    let at = doc
        .match_indices(tag.as_str())
        .map(|(i, _)| i)
        .find(|&i| {
            i == 0
                || matches!(
                    b.get(i - 1),
                    Some(b' ' | b'\t' | b'\n' | b':' | b'-' | b'[' | b'{' | b',')
                )
        })
        .or_else(|| memchr::memchr(b'!', b))?;
    Some((at, tag))
}

/// A standard (`!!binary`) or verbatim (`!<tag:…>`) tag, which the YAML
/// reader resolves without telling: one written where a value starts
/// (after `key: `, `- `, `[`, `{` or `,`, or first on its line), outside
/// quotes and comments.
fn standard_tag(doc: &str) -> Option<(usize, String)> {
    value_starts(doc, |rest| {
        if rest.first() != Some(&b'!') || !matches!(rest.get(1), Some(b'!' | b'<')) {
            return None;
        }
        Some(if rest.get(1) == Some(&b'<') {
            rest.iter()
                .position(|c| *c == b'>')
                .map_or(rest.len(), |n| n + 1)
        } else {
            token_len(rest)
        })
    })
}

/// A plain YAML integer written in hexadecimal, octal or binary (`0x1F`,
/// `0o17`, `0b101`), which the YAML reader turns into a number without
/// telling: its text, offset and value. Facts numbers are decimal.
pub(super) fn yaml_radix_number(doc: &str) -> Option<(usize, String, Option<i128>)> {
    memchr::memchr(b'0', doc.as_bytes())?;
    let (at, text) = value_starts(doc, |rest| {
        let len = token_len(rest);
        let t = rest.get(..len)?;
        let digits = t
            .strip_prefix(b"-")
            .or_else(|| t.strip_prefix(b"+"))
            .unwrap_or(t);
        let (radix, body) = match digits.get(..2)? {
            b"0x" | b"0X" => (16, digits.get(2..)?),
            b"0o" | b"0O" => (8, digits.get(2..)?),
            b"0b" | b"0B" => (2, digits.get(2..)?),
            _ => return None,
        };
        let ok = !body.is_empty()
            && body
                .iter()
                .all(|c| *c == b'_' || char::from(*c).is_digit(radix));
        ok.then_some(len)
    })?;
    let negative = text.starts_with('-');
    let body: String = text
        .trim_start_matches(['-', '+'])
        .get(2..)
        .unwrap_or("")
        .chars()
        .filter(|c| *c != '_')
        .collect();
    let radix = match text.trim_start_matches(['-', '+']).as_bytes().get(1) {
        Some(b'x' | b'X') => 16,
        Some(b'o' | b'O') => 8,
        _ => 2,
    };
    let value = i128::from_str_radix(&body, radix)
        .ok()
        .map(|v| if negative { -v } else { v });
    Some((at, text, value))
}

/// The length of the plain token at the start of `rest`.
fn token_len(rest: &[u8]) -> usize {
    rest.iter()
        .position(|c| c.is_ascii_whitespace() || matches!(c, b',' | b']' | b'}' | b'#'))
        .unwrap_or(rest.len())
}

/// The first place where a YAML value starts (first on its line, or after
/// `key: `, `- `, `[`, `{` or `,`), outside quotes and comments, at which
/// `found` recognises something: its offset and text.
fn value_starts(doc: &str, found: impl Fn(&[u8]) -> Option<usize>) -> Option<(usize, String)> {
    let mut offset = 0;
    for line in doc.split_inclusive('\n') {
        let b = line.as_bytes();
        let mut quote = None;
        let mut i = 0;
        while let Some(&c) = b.get(i) {
            match (quote, c) {
                (Some(q), _) if c == q => quote = None,
                (Some(b'"'), b'\\') => i += 1,
                (Some(_), _) => {}
                (None, b'"' | b'\'') if starts_value(b, i) => quote = Some(c),
                (None, b'#') if i == 0 || b.get(i - 1).is_some_and(u8::is_ascii_whitespace) => {
                    break
                }
                (None, _) if starts_value(b, i) && !c.is_ascii_whitespace() => {
                    if let Some(len) = b.get(i..).and_then(&found) {
                        return Some((offset + i, line.get(i..i + len)?.to_string()));
                    }
                }
                _ => {}
            }
            i += 1;
        }
        offset += line.len();
    }
    None
}

/// Whether a node may start at `i` of a line: first on it, or after
/// `key: `, `- `, `[`, `{` or `,`.
fn starts_value(b: &[u8], i: usize) -> bool {
    let mut k = i;
    while k > 0 && matches!(b.get(k - 1), Some(b' ' | b'\t')) {
        k -= 1;
    }
    if k == 0 {
        return true;
    }
    let spaced = k < i;
    match b.get(k - 1) {
        Some(b'[' | b'{' | b',') => true,
        Some(b':' | b'-') => spaced,
        _ => false,
    }
}
