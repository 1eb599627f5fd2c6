//! JSON written as people write JavaScript, YAML or numbers: a syntax
//! error that serde_json reports by what it expected ("key must be a
//! string", "expected value") is worded by the shape of the text at the
//! error, with what JSON requires and the text to write instead.
//!
//! serde_json stops at the first byte that is not JSON, and every byte
//! before it is JSON: so the brackets and strings open there are known
//! exactly ([`scan`]), and the slips are told by the byte at the error and
//! the text around it:
//!
//! - a string or key in single quotes, a key or a text value without
//!   quotes, `True` or `None` for `true` or `null`;
//! - a comment (`//`, `/* */`, `#`);
//! - a comma before `}` or `]`, a comma missing between entries;
//! - a bracket never closed (labelled at the one that opens), or closed by
//!   the other kind;
//! - text after the closing quote of a string (a `"` inside it, not
//!   written `\"`);
//! - a number written as people write it (`4,750.00`, `$48`), read by
//!   [`crate::literal::number_slip`].
//!
//! This runs only once a document has failed to parse.

use super::locate::{char_len_at, excerpt, floor_boundary, Located};
use super::messages::number_slip_help;
use crate::literal;

/// The longest text a help quotes back (longer ones are not repeated).
const QUOTED_CHARS: usize = 60;

/// The syntax error of a JSON document that serde_json refused with
/// `message` (its text, without the position), when the text's shape tells
/// the slip. `at` is the offset of the offending byte, or the end of the
/// document when `eof`.
pub(super) fn json(doc: &str, message: &str, at: usize, eof: bool) -> Option<Located> {
    if eof {
        return unclosed(doc);
    }
    let b = doc.as_bytes();
    let c = *b.get(at)?;
    match c {
        b'\'' => return Some(single_quoted(doc, at)),
        b'/' if matches!(b.get(at + 1), Some(b'/' | b'*')) => return Some(comment(doc, at)),
        b'#' => return Some(comment(doc, at)),
        _ => {}
    }
    if message == "trailing comma" {
        return trailing_comma(doc, at, c);
    }
    let expects_comma = message.starts_with("expected `,` or");
    if expects_comma && matches!(c, b'}' | b']') {
        if let Some(l) = mismatched(doc, at, c) {
            return Some(l);
        }
    }
    if message == "trailing characters" && matches!(c, b'{' | b'[') {
        // On the line of the first: two documents on one line of JSON
        // Lines, or of a `.json` file.
        let same_line = !doc.get(..at).is_some_and(|d| d.contains('\n'));
        let help = if same_line {
            "put each document on a line of its own, in a `.jsonl` file (JSON Lines)"
        } else {
            "for several requests, write one document a line in a `.jsonl` file (JSON Lines; `jq -c . FILE` writes them so), or a YAML stream with `---` between the documents"
        };
        return Some(Located::syntax(
            "invalid JSON: a second document starts here; a JSON file, or a line of JSON Lines, holds one document".into(),
            "a second document",
            help.to_string(),
            at,
            1,
        ));
    }
    if message.contains("hex escape") || message.contains("surrogate") {
        // The `\u` escape the error is in, or just after.
        let from = at.saturating_sub(12);
        let escape = doc
            .get(from..=at.min(doc.len().saturating_sub(1)))
            .and_then(|w| w.rfind("\\u"))
            .map_or(at, |i| from + i);
        let len = doc
            .get(escape..)
            .map_or(1, |r| r.char_indices().nth(6).map_or(r.len(), |(i, _)| i));
        return Some(Located::syntax(
            format!("invalid JSON: {message}"),
            "not a whole character",
            "a `\\u` escape takes four hex digits, and a character beyond `\\uFFFF` is written as a pair (`\\ud83d\\ude00`): write the whole pair, or the character itself".to_string(),
            escape,
            len,
        ));
    }
    if let Some(l) = after_quote(doc, message, at) {
        return Some(l);
    }
    if let Some(l) = key_without_value(doc, message, at) {
        return Some(l);
    }
    if let Some(l) = loose_value(doc, message, at) {
        return Some(l);
    }
    if expects_comma {
        return missing_comma(doc, at);
    }
    None
}

/// The brackets open just before `until` (their offsets, outermost
/// first), and the quote of the string open there, if any.
fn scan(b: &[u8], until: usize) -> (Vec<usize>, Option<usize>) {
    let mut stack = Vec::new();
    let mut string = None;
    let mut i = 0;
    let until = until.min(b.len());
    while i < until {
        let Some(&c) = b.get(i) else { break };
        if string.is_some() {
            match c {
                b'\\' => i += 1,
                b'"' => string = None,
                _ => {}
            }
        } else {
            match c {
                b'"' => string = Some(i),
                b'{' | b'[' => stack.push(i),
                b'}' | b']' => {
                    stack.pop();
                }
                _ => {}
            }
        }
        i += 1;
    }
    (stack, string)
}

/// The offset of the line break ending the line of `i` (or the end).
fn line_end(b: &[u8], i: usize) -> usize {
    b.get(i..)
        .and_then(|r| memchr::memchr(b'\n', r))
        .map_or(b.len(), |n| i + n)
}

/// The closing bracket of `open`, and what it closes.
fn closer(open: u8) -> (char, &'static str) {
    if open == b'{' {
        ('}', "object")
    } else {
        (']', "array")
    }
}

/// `text` as a JSON string: in double quotes, each `"` in it not yet
/// escaped written `\"`; `None` when it is too long to quote back.
fn double_quoted(text: &str) -> Option<String> {
    if text.chars().count() > QUOTED_CHARS || text.contains('\n') {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut backslashes = 0usize;
    for c in text.chars() {
        if c == '"' && backslashes % 2 == 0 {
            out.push('\\');
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
        out.push(c);
    }
    out.push('"');
    Some(out)
}

/// A string or key in single quotes, opening at `open`.
fn single_quoted(doc: &str, open: usize) -> Located {
    let b = doc.as_bytes();
    let end = line_end(b, open);
    let mut i = open + 1;
    let mut close = None;
    while i < end {
        match b.get(i) {
            Some(b'\\') => i += 2,
            Some(b'\'') => {
                close = Some(i);
                break;
            }
            _ => i += 1,
        }
    }
    let written = close
        .and_then(|close| doc.get(open + 1..close))
        .and_then(|inner| double_quoted(&inner.replace("\\'", "'")));
    let len = close.map_or(1, |close| close + 1 - open);
    let help = match written {
        Some(w) => format!("JSON strings and keys take double quotes: write {w}"),
        None => "JSON strings and keys take double quotes (`\"`), not single quotes".to_string(),
    };
    Located::syntax(
        "invalid JSON: a string in single quotes".into(),
        "single quotes",
        help,
        open,
        len,
    )
}

/// A comment opening at `at`: `//`, `/*` or `#`.
fn comment(doc: &str, at: usize) -> Located {
    let b = doc.as_bytes();
    let end_of_line = line_end(b, at);
    let end = if b.get(at..at + 2) == Some(b"/*") {
        b.get(at + 2..end_of_line)
            .and_then(|r| memchr::memmem::find(r, b"*/"))
            .map_or(end_of_line, |n| at + 2 + n + 2)
    } else {
        end_of_line
    };
    let text = doc.get(at..end).unwrap_or("").trim_end();
    Located::syntax(
        "invalid JSON: a comment".into(),
        "JSON has no comments",
        "JSON has no comments: remove it, or write the facts as YAML, where `#` starts a comment",
        at,
        text.len().max(1),
    )
}

/// A comma before the `}` or `]` at `at`.
fn trailing_comma(doc: &str, at: usize, close: u8) -> Option<Located> {
    let b = doc.as_bytes();
    let mut k = at;
    while k > 0 && b.get(k - 1).is_some_and(u8::is_ascii_whitespace) {
        k -= 1;
    }
    if k == 0 || b.get(k - 1) != Some(&b',') {
        return None;
    }
    let close = char::from(close);
    Some(Located::syntax(
        format!("invalid JSON: a comma before `{close}`"),
        format!("no comma before `{close}`"),
        format!("remove this comma: JSON allows no comma before `{close}`"),
        k - 1,
        1,
    ))
}

/// A `}` or `]` at `at` that does not close the bracket open there.
fn mismatched(doc: &str, at: usize, close: u8) -> Option<Located> {
    let b = doc.as_bytes();
    let (stack, _) = scan(b, at);
    let open = *stack.last()?;
    let opener = *b.get(open)?;
    let (want, kind) = closer(opener);
    if u8::try_from(want).ok() == Some(close) {
        return None;
    }
    let (opener, close) = (char::from(opener), char::from(close));
    Some(
        Located::syntax(
            format!("invalid JSON: a `{opener}` is not closed before this `{close}`"),
            format!("expected `{want}` before this `{close}`"),
            format!(
                "close the `{opener}` with `{want}` where its {kind} ends, before this `{close}`"
            ),
            at,
            1,
        )
        .also(open, 1, format!("this `{opener}` is not closed")),
    )
}

/// The brackets still open at the end of the document, labelled at the
/// innermost (the others too, up to three).
fn unclosed(doc: &str) -> Option<Located> {
    let b = doc.as_bytes();
    let (stack, string) = scan(b, b.len());
    if string.is_some() {
        return None;
    }
    let inner = *stack.last()?;
    let opener = *b.get(inner)?;
    let (close, kind) = closer(opener);
    let opener = char::from(opener);
    let (message, help) = if stack.len() == 1 {
        (
            format!("invalid JSON: a `{opener}` is never closed"),
            format!("close it with a `{close}` where its {kind} ends"),
        )
    } else {
        let closers: String = stack
            .iter()
            .rev()
            .filter_map(|o| b.get(*o))
            .map(|o| closer(*o).0)
            .collect();
        (
            format!("invalid JSON: {} brackets are never closed", stack.len()),
            format!(
                "close each where it ends, the innermost first (`{closers}` at the end); or was the document cut short?"
            ),
        )
    };
    let mut located = Located::syntax(
        message,
        format!("this `{opener}` is never closed"),
        help,
        inner,
        1,
    );
    for o in stack.iter().rev().skip(1).take(3) {
        if let Some(c) = b.get(*o) {
            located = located.also(*o, 1, format!("nor this `{}`", char::from(*c)));
        }
    }
    Some(located)
}

/// Text right after the closing quote of a string: a `"` inside the
/// string, not written `\"`, ended it early.
fn after_quote(doc: &str, message: &str, at: usize) -> Option<Located> {
    if !(message.starts_with("expected `,` or")
        || message == "expected `:`"
        || message == "trailing characters")
    {
        return None;
    }
    let b = doc.as_bytes();
    // A string opens and closes there: the quote closes it.
    let (open, close) = string_before(b, at, false)?;
    let k = close + 1;
    if k < at && b.get(at) == Some(&b'"') {
        // `"a" "b"`: two strings, a comma missing between them.
        return None;
    }
    if matches!(b.get(at), Some(b',' | b'}' | b']' | b':') | None) {
        // A delimiter follows the string: it ended where it was meant to
        // (a key without its value, say), no text follows it.
        return None;
    }
    // Where the string was meant to end: the next `"` on the line that a
    // `,`, `}`, `]`, `:` or the line's end follows.
    let end_of_line = line_end(b, at);
    let mut meant = None;
    let mut i = at;
    while i < end_of_line {
        match b.get(i) {
            Some(b'\\') => i += 2,
            Some(b'"') => {
                let mut j = i + 1;
                while matches!(b.get(j), Some(b' ' | b'\t' | b'\r')) {
                    j += 1;
                }
                if j >= end_of_line || matches!(b.get(j), Some(b',' | b'}' | b']' | b':')) {
                    meant = Some(i);
                    break;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    let text_end = meant.unwrap_or_else(|| {
        let line = doc.get(at..end_of_line).unwrap_or("");
        at + line.trim_end().len()
    });
    let written = meant
        .and_then(|m| doc.get(open + 1..m))
        .and_then(double_quoted);
    let help = match written {
        Some(w) => format!("a `\"` inside a string is written `\\\"`: {w}"),
        None => "remove the text after the closing quote; a `\"` inside a string is written `\\\"`"
            .to_string(),
    };
    Some(
        Located::syntax(
            "invalid JSON: text follows the closing quote of a string".into(),
            "text after the closing quote",
            help,
            at,
            text_end.saturating_sub(at).max(char_len_at(doc, at)),
        )
        .also(close, 1, "the string ends here"),
    )
}

/// `i` moved back over the spaces and tabs before it (and line breaks,
/// with `lines`).
fn back_over_space(b: &[u8], mut i: usize, lines: bool) -> usize {
    while i > 0
        && b.get(i - 1)
            .is_some_and(|c| matches!(c, b' ' | b'\t') || lines && matches!(c, b'\r' | b'\n'))
    {
        i -= 1;
    }
    i
}

/// The string that ends just before `at` (spaces between, and line
/// breaks with `lines`): the offsets of its opening and closing quotes.
fn string_before(b: &[u8], at: usize, lines: bool) -> Option<(usize, usize)> {
    let k = back_over_space(b, at, lines);
    if k == 0 || b.get(k - 1) != Some(&b'"') {
        return None;
    }
    let close = k - 1;
    let (_, open) = scan(b, close);
    Some((open?, close))
}

/// A string in a key's place that is not followed by `:` (serde_json
/// wanted one at `at`): a key without its value, or a value left in an
/// object because a `]` closed its list too early.
fn key_without_value(doc: &str, message: &str, at: usize) -> Option<Located> {
    if message != "expected `:`" {
        return None;
    }
    let b = doc.as_bytes();
    let (open, close) = string_before(b, at, true)?;
    let key = doc.get(open + 1..close)?;
    // What stands before the key: a `]` then a `,` means the list before
    // it may have been closed too early.
    let p = back_over_space(b, open, true);
    let after_list = p > 0 && b.get(p - 1) == Some(&b',') && {
        let q = back_over_space(b, p - 1, true);
        q > 0 && b.get(q - 1) == Some(&b']')
    };
    let help = if after_list {
        format!(
            "a string in an object is a key, and takes `: value`; if `\"{key}\"` belongs to the list before it, a `]` there closes that list too early (count the brackets)"
        )
    } else {
        format!("give the key its value (`\"{key}\": …`), or remove it")
    };
    Some(Located::syntax(
        format!("invalid JSON: the key `{key}` has no `:` and value"),
        "a key without a value",
        help,
        open,
        close + 1 - open,
    ))
}

/// A value or key written without quotes, or a number written as people
/// write it, where serde_json failed at `at`.
fn loose_value(doc: &str, message: &str, at: usize) -> Option<Located> {
    let key = message == "key must be a string";
    if !(key
        || message == "expected value"
        || message == "expected ident"
        || message == "invalid number"
        || message.starts_with("expected `,` or"))
    {
        return None;
    }
    let b = doc.as_bytes();
    // The text between the delimiters around `at`, commas included (a
    // thousands separator is one).
    let stop = |c: &u8| matches!(c, b':' | b'[' | b'{' | b'}' | b']' | b'"' | b'\n');
    let mut s = at.min(b.len());
    while s > 0 && !b.get(s - 1).is_some_and(stop) {
        s -= 1;
    }
    if s > 0 && !matches!(b.get(s - 1), Some(b':' | b'[' | b'{')) {
        // After a string or a closed bracket: only what follows a comma.
        let comma = b.get(s..at).and_then(|r| memchr::memchr(b',', r))?;
        s += comma + 1;
    }
    let mut e = at;
    while e < b.len() && !b.get(e).is_some_and(stop) {
        e += 1;
    }
    let trimmed = |from: usize, to: usize| -> Option<(usize, &str)> {
        let raw = doc.get(from..to)?;
        let lead = raw.len() - raw.trim_start().len();
        let text = raw.trim().trim_end_matches(',').trim_end();
        (!text.is_empty()).then_some((from + lead, text))
    };
    // After a `:`, a value: a number with a thousands separator makes
    // serde_json look for a key after the comma.
    let value = !key || (s > 0 && b.get(s - 1) == Some(&b':'));
    if value {
        if let Some((start, text)) = trimmed(s, e) {
            if let Some(l) = number(start, text) {
                return Some(l);
            }
        }
    }
    // The piece holding `at`, between commas.
    let ps = b
        .get(s..at)
        .and_then(|r| memchr::memrchr(b',', r))
        .map_or(s, |n| s + n + 1);
    let pe = b
        .get(at..e)
        .and_then(|r| memchr::memchr(b',', r))
        .map_or(e, |n| at + n);
    let (start, text) = trimmed(ps, pe)?;
    if !key {
        if let Some(l) = number(start, text) {
            return Some(l);
        }
    }
    if text.contains(['\'', '"', '/', '#'])
        || serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
    {
        return None;
    }
    let len = text.len();
    if key {
        let help = match double_quoted(text) {
            Some(w) => format!("JSON keys take double quotes: write {w}"),
            None => "JSON keys take double quotes".to_string(),
        };
        return Some(Located::syntax(
            "invalid JSON: a key without quotes".into(),
            "not in double quotes",
            help,
            start,
            len,
        ));
    }
    if let Ok(d) = literal::decimal(text) {
        // `.5`, `+1`, `01`: a number JSON writes otherwise.
        return Some(Located::syntax(
            format!(
                "invalid JSON: `{}` is not written as a JSON number",
                excerpt(text)
            ),
            "not a JSON number",
            format!("write it as JSON writes numbers: {d}"),
            start,
            len,
        ));
    }
    // `0x1F`, `0o17`, `0b101`: a number in another base.
    let unsigned = text.trim_start_matches(['-', '+']);
    let radix = match unsigned.get(..2) {
        Some("0x" | "0X") => Some(16),
        Some("0o" | "0O") => Some(8),
        Some("0b" | "0B") => Some(2),
        _ => None,
    };
    if let Some(radix) = radix {
        let digits: String = unsigned
            .get(2..)
            .unwrap_or("")
            .chars()
            .filter(|c| *c != '_')
            .collect();
        if let Ok(v) = i128::from_str_radix(&digits, radix) {
            let v = if text.starts_with('-') { -v } else { v };
            return Some(Located::syntax(
                format!(
                    "invalid JSON: `{}` is not a JSON number: JSON numbers are decimal",
                    excerpt(text)
                ),
                "not a JSON number",
                format!(
                    "write the number in decimal (`{v}`), or quote it (`\"{text}\"`) for a text"
                ),
                start,
                len,
            ));
        }
    }
    let lower = text.to_ascii_lowercase();
    let word = ["true", "false", "null"]
        .into_iter()
        .find(|w| *w == lower || (lower.len() >= 2 && w.starts_with(&lower)))
        .or(matches!(lower.as_str(), "none" | "nil" | "undefined").then_some("null"));
    let help = match (word, double_quoted(text)) {
        (Some(w), _) => {
            format!("write `{w}`: JSON's words are true, false and null, in lower case")
        }
        (None, Some(q)) => format!("JSON strings take double quotes: write {q}"),
        (None, None) => "JSON strings take double quotes".to_string(),
    };
    Some(Located::syntax(
        format!("invalid JSON: `{}` is not a JSON value", excerpt(text)),
        "not a JSON value",
        help,
        start,
        len,
    ))
}

/// A number written as people write it (`4,750.00`, `$48`), at `start`.
fn number(start: usize, text: &str) -> Option<Located> {
    let slip = literal::number_slip(text)?;
    let help = number_slip_help(&slip, false, false)?;
    Some(Located::syntax(
        format!("invalid JSON: `{}` is not a JSON number", excerpt(text)),
        "not a JSON number",
        help,
        start,
        text.len(),
    ))
}

/// A comma missing before the value or key at `at`.
fn missing_comma(doc: &str, at: usize) -> Option<Located> {
    let b = doc.as_bytes();
    let c = *b.get(at)?;
    if !(matches!(c, b'"' | b'{' | b'[' | b'-') || c.is_ascii_alphanumeric()) {
        return None;
    }
    let mut k = at;
    while k > 0 && b.get(k - 1).is_some_and(u8::is_ascii_whitespace) {
        k -= 1;
    }
    let before = *b.get(k.checked_sub(1)?)?;
    if !(matches!(before, b'"' | b'}' | b']') || before.is_ascii_alphanumeric()) {
        return None;
    }
    let (stack, _) = scan(b, at);
    let what = match stack.last().and_then(|o| b.get(*o)) {
        Some(b'{') => "the entries of an object",
        Some(b'[') => "the elements of an array",
        _ => return None,
    };
    let at = floor_boundary(doc, at);
    Some(Located::syntax(
        "invalid JSON: a comma is missing".into(),
        "expected `,` before this",
        format!("put a `,` between {what}"),
        at,
        char_len_at(doc, at),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slip(doc: &str, message: &str, at: usize) -> (String, String, String) {
        let l = json(doc, message, at, false).expect("a slip");
        let shown = doc.get(l.start..l.start + l.len).unwrap_or("").to_string();
        (l.message, shown, l.help)
    }

    #[test]
    fn slips_are_told_by_their_shape() {
        let (_, shown, help) = slip("{'box': 1}", "key must be a string", 1);
        assert_eq!(shown, "'box'");
        assert_eq!(
            help,
            "JSON strings and keys take double quotes: write \"box\""
        );
        let (_, shown, help) = slip("{box: 1}", "key must be a string", 1);
        assert_eq!(shown, "box");
        assert_eq!(help, "JSON keys take double quotes: write \"box\"");
        let (_, shown, _) = slip("{\"a\": 1, // c\n\"b\": 2}", "key must be a string", 9);
        assert_eq!(shown, "// c");
        let (_, shown, _) = slip("{\"a\": /* c */ 1}", "expected value", 6);
        assert_eq!(shown, "/* c */");
        let (_, shown, help) = slip("{\"a\": 1,}", "trailing comma", 8);
        assert_eq!(
            (shown.as_str(), help.as_str()),
            (",", "remove this comma: JSON allows no comma before `}`")
        );
        let (_, shown, help) = slip("{\"a\": 4,750.00}", "key must be a string", 8);
        assert_eq!(shown, "4,750.00");
        assert_eq!(help, "drop the thousands separator (`,`): 4750.00");
        let (_, shown, help) = slip("{\"a\": \"wi\"de\", \"b\": 1}", "expected `,` or `}`", 10);
        assert_eq!(shown, "de");
        assert_eq!(
            help,
            "a `\"` inside a string is written `\\\"`: \"wi\\\"de\""
        );
        let (_, shown, help) = slip("{\"a\": True}", "expected value", 6);
        assert_eq!(
            (shown.as_str(), help.as_str()),
            (
                "True",
                "write `true`: JSON's words are true, false and null, in lower case"
            )
        );
        let (_, shown, help) = slip("{\"a\": wide}", "expected value", 6);
        assert_eq!(
            (shown.as_str(), help.as_str()),
            ("wide", "JSON strings take double quotes: write \"wide\"")
        );
        let (message, shown, _) = slip("{\"a\": [1, 2}", "expected `,` or `]`", 11);
        assert_eq!(
            (message.as_str(), shown.as_str()),
            ("invalid JSON: a `[` is not closed before this `}`", "}")
        );
        let (message, shown, _) = slip("{\"a\": \"x\"\n \"b\": 1}", "expected `,` or `}`", 11);
        assert_eq!(
            (message.as_str(), shown.as_str()),
            ("invalid JSON: a comma is missing", "\"")
        );
    }

    #[test]
    fn an_unclosed_bracket_is_labelled_where_it_opens() {
        let doc = "{\"box\": {\"kind\": \"x\"}\n";
        let l = json(doc, "EOF while parsing an object", doc.len(), true).expect("a slip");
        assert_eq!(
            (l.start, l.len, l.label.as_str()),
            (0, 1, "this `{` is never closed")
        );
        let doc = "{\"box\":{\"kind\":\"x\",";
        let l = json(doc, "EOF while parsing a value", doc.len(), true).expect("a slip");
        assert_eq!((l.start, l.also.len()), (7, 1));
        assert!(l.help.contains("`}}`"), "{}", l.help);
    }
}
