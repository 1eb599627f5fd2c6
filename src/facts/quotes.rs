//! Strings left open: a syntax error caused by a quote that is never
//! closed is reported at that quote, where the string opens, not where
//! the parser gave up (the end of the document, or a later line).
//!
//! - JSON: serde_json stops inside the string, at the end of the document
//!   or at the line break JSON strings cannot hold; every byte before that
//!   was valid JSON, so the string's opening quote is found exactly.
//! - YAML: a quoted scalar may run over lines, so a quote left open takes
//!   in the lines after it. When nothing closes it, libyaml says so ("while
//!   scanning a quoted scalar", with where it opens). When a later quote
//!   closes it (`id: "o-1` then `amount: "12.50"`), libyaml fails just
//!   after that quote: the string that opens on an earlier line and closes
//!   on the line of the error is the one left open. The strings are found
//!   by [`yaml_strings`].

use super::locate::{char_len_at, Located};
use super::scan::{double_quoted_end, single_quoted_end};
use crate::diag::codes;

/// The syntax error of a JSON string left open, if serde_json's error
/// (`message`, at `end`) is one: the end of the document inside a string,
/// or a line break inside one.
pub(super) fn json(doc: &str, message: &str, end: usize) -> Option<Located> {
    let b = doc.as_bytes();
    let at_break = message.starts_with("control character")
        && matches!(b.get(end.checked_sub(1)?), Some(b'\n' | b'\r'));
    if !(message.starts_with("EOF while parsing a string") || at_break) {
        return None;
    }
    let open = json_open_string(b, end)?;
    Some(left_open(
        doc,
        open,
        if at_break { Reach::LineEnd } else { Reach::End },
        "JSON",
    ))
}

/// The quote that opens the JSON string that `end` is inside, when the
/// document before `end` is valid JSON.
fn json_open_string(b: &[u8], end: usize) -> Option<usize> {
    let mut open = None;
    let mut i = 0;
    while i < end {
        match (open, b.get(i)?) {
            (None, b'"') => open = Some(i),
            (Some(_), b'\\') => i += 1,
            (Some(_), b'"') => open = None,
            _ => {}
        }
        i += 1;
    }
    open
}

/// The syntax error of a YAML string left open, if libyaml's error
/// (`message`, at `at`) is one: `opened_at`, where libyaml says a quoted
/// scalar opens that the document's end found open; else a string that
/// runs over lines to a quote on the line of the error.
pub(super) fn yaml(
    doc: &str,
    message: &str,
    at: usize,
    opened_at: Option<usize>,
) -> Option<Located> {
    if message.contains("while scanning a quoted scalar") {
        let open = opened_at.filter(|o| matches!(doc.as_bytes().get(*o), Some(b'"' | b'\'')))?;
        return Some(left_open(doc, open, Reach::End, "YAML"));
    }
    let b = doc.as_bytes();
    yaml_strings(b, at).into_iter().find_map(|(open, close)| {
        let close = close?;
        let runs_over = b.get(open..close)?.contains(&b'\n');
        let on_error_line = close <= at + 1 && !b.get(close..at)?.contains(&b'\n');
        (runs_over && on_error_line).then(|| {
            let line = 1 + b.get(..close)?.iter().filter(|c| **c == b'\n').count();
            Some(left_open(doc, open, Reach::Line(line), "YAML"))
        })?
    })
}

/// How far a string left open runs.
#[derive(Clone, Copy)]
enum Reach {
    /// To the end of the document.
    End,
    /// To the end of its line (a JSON string cannot hold a line break).
    LineEnd,
    /// To a quote on this line (one-based), meant to open another string.
    Line(usize),
}

/// The error of the string opening at `open`, left open.
fn left_open(doc: &str, open: usize, reach: Reach, syntax: &str) -> Located {
    let quote = if doc.as_bytes().get(open) == Some(&b'\'') {
        '\''
    } else {
        '"'
    };
    let (message, label) = match reach {
        Reach::End => (
            format!("invalid {syntax}: a quoted string is never closed"),
            "this quote is never closed".to_string(),
        ),
        Reach::LineEnd => (
            format!("invalid {syntax}: a quoted string is not closed on its line"),
            "this quote is never closed".to_string(),
        ),
        Reach::Line(line) => (
            format!(
                "invalid {syntax}: a quoted string is not closed on its line, and runs on to a quote on line {line}"
            ),
            "this quote is not closed on its line".to_string(),
        ),
    };
    Located {
        code: codes::FACTS_SYNTAX,
        message,
        label,
        help: format!(
            "close the string with a `{quote}` where its text ends, on the line where it opens"
        ),
        start: open,
        len: char_len_at(doc, open),
        path: None,
        at_cause: true,
        also: Vec::new(),
    }
}

/// The quoted scalars of a YAML document that open before `before`, in
/// order: where each opens and just past where it closes (`None`: never).
///
/// A quote opens a scalar where a node starts: first on its line (after
/// the indentation and any `- ` or `? ` entries), after a `: `, inside a
/// flow collection after `[`, `{` or `,`, and after a node's properties
/// (`&anchor`, `!tag`). Comments and the lines of block scalars (`|`,
/// `>`) are skipped. This is YAML's grammar approximately, enough to find
/// a string left open once the parser has found the document broken.
pub(super) fn yaml_strings(b: &[u8], before: usize) -> Vec<(usize, Option<usize>)> {
    let mut out = Vec::new();
    let mut i = 0;
    // Whether the next character that is not a blank starts a node.
    let mut node = true;
    let mut flow = 0usize;
    // The indentation of the line holding a block scalar's indicator: the
    // lines more indented than it are the scalar's text.
    let mut block: Option<usize> = None;
    let mut line_start = true;
    while i < before {
        if line_start {
            line_start = false;
            let indent = b
                .get(i..)
                .map_or(0, |r| r.iter().take_while(|c| **c == b' ').count());
            let blank = matches!(b.get(i + indent), None | Some(b'\n' | b'\r'));
            if let Some(n) = block {
                if blank || indent > n {
                    i = line_end(b, i);
                    continue;
                }
                block = None;
            }
            if flow == 0 {
                node = true;
            }
        }
        let Some(&c) = b.get(i) else { break };
        let next_blank = matches!(b.get(i + 1), None | Some(b' ' | b'\t' | b'\n' | b'\r'));
        let after_blank = i == 0 || matches!(b.get(i - 1), Some(b' ' | b'\t' | b'\n' | b'\r'));
        match c {
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {}
            b'#' if after_blank => {
                i = line_end(b, i);
                continue;
            }
            b'"' | b'\'' if node => {
                let close = if c == b'"' {
                    double_quoted_end(b, i)
                } else {
                    single_quoted_end(b, i)
                };
                out.push((i, close));
                let Some(close) = close else { break };
                // Scanning goes on after the string, on the line it ends.
                i = close;
                node = false;
                continue;
            }
            b'-' | b'?' if node && next_blank => {}
            b':' if next_blank
                || (flow > 0 && matches!(b.get(i + 1), Some(b',' | b']' | b'}'))) =>
            {
                node = true;
            }
            b'[' | b'{' if node => flow += 1,
            b',' if flow > 0 => node = true,
            b']' | b'}' if flow > 0 => {
                flow -= 1;
                node = false;
            }
            b'&' | b'!' if node => {
                while b.get(i).is_some_and(|c| !c.is_ascii_whitespace()) {
                    i += 1;
                }
                continue;
            }
            b'|' | b'>' if node && flow == 0 => {
                let indent = line_indent(b, i);
                block = Some(indent);
                i = line_end(b, i);
                continue;
            }
            _ => node = false,
        }
        i += 1;
    }
    out
}

/// The offset of the line break that ends the line holding `i` (or the
/// end of `b`).
fn line_end(b: &[u8], i: usize) -> usize {
    b.get(i..)
        .and_then(|r| memchr::memchr(b'\n', r))
        .map_or(b.len(), |n| i + n)
}

/// The indentation (in spaces) of the line holding `i`.
fn line_indent(b: &[u8], i: usize) -> usize {
    let start = b
        .get(..i)
        .and_then(|r| memchr::memrchr(b'\n', r))
        .map_or(0, |n| n + 1);
    b.get(start..)
        .map_or(0, |r| r.iter().take_while(|c| **c == b' ').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(doc: &str) -> Vec<(usize, Option<usize>)> {
        yaml_strings(doc.as_bytes(), doc.len())
    }

    #[test]
    fn yaml_strings_open_where_nodes_start() {
        assert_eq!(strings("a: \"x\"\n"), [(3, Some(6))]);
        assert_eq!(strings("- 'x'\n- \"y\"\n"), [(2, Some(5)), (8, Some(11))]);
        assert_eq!(
            strings("\"k\": [a, 'b', {c: \"d\"}]\n"),
            [(0, Some(3)), (9, Some(12)), (18, Some(21))]
        );
        assert_eq!(strings("a: &x !t \"v\"\n"), [(9, Some(12))]);
        // Inside plain scalars, comments and block scalars: no string.
        assert_eq!(strings("a: say \"hi\"\nb: it's\n"), []);
        assert_eq!(
            strings("a: 1 # \"x\nb: |\n  \"text\n  more\nc: 'y'\n"),
            [(33, Some(36))]
        );
        // Never closed; closed on a later line.
        assert_eq!(strings("a: \"x\nb: 1\n"), [(3, None)]);
        assert_eq!(strings("a: \"x\nb: \"y\"\n"), [(3, Some(10))]);
    }

    #[test]
    fn json_strings_open_where_the_quote_is() {
        let doc = r#"{"a": "x\"y", "b": "z"#;
        assert_eq!(json_open_string(doc.as_bytes(), doc.len()), Some(19));
        assert_eq!(json_open_string(doc.as_bytes(), 12), None);
    }
}
