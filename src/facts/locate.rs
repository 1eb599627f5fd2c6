//! Locating errors: from the position serde_yaml or serde_json attaches to
//! an error to the exact bytes of the offending value (or key) in the
//! document, and the message, label and help that go with them.
//!
//! serde_yaml and serde_json attach a position to the errors a visitor
//! raises with `de::Error::custom`, but their text carries path and
//! position noise. The details of the error therefore travel in a side
//! channel (`reading::Ctx::detail`, as a [`Detail`]) and the serde error is only
//! used for where it happened:
//!
//! - serde_yaml reports the mark of the start of the node (a scalar, the
//!   first key of a block mapping, the `{` of a flow mapping); its
//!   `Location::index()` counts bytes (unsafe-libyaml advances the index by
//!   the UTF-8 width of each character, a leading BOM included), so it is a
//!   byte offset into the document.
//! - serde_json reports the line and byte column just past the input it had
//!   consumed when the error surfaced: the end of the offending value (or
//!   key, plus any whitespace after it). The value is found by scanning back
//!   from there.

use std::sync::Arc;

use super::reading::Caught;
use super::scan::{double_quoted_end, flow_end, single_quoted_end};
use super::{json_slips, quotes, yaml_slips};
use crate::diag::{codes, Code, Diagnostic};
use crate::source::SourceFile;

/// Stands in a message for the offending value as written in the file.
pub(super) const SHOWN: &str = "\u{1}";

/// Brackets, in a help, text shown quoted as the offending value is
/// written: in its quotes when it is a quoted string, else bare (see
/// [`as_written`]).
const AS_WRITTEN: char = '\u{2}';

/// `text`, to be shown in a help quoted as the offending value is written.
pub(super) fn as_written(text: &str) -> String {
    format!("{AS_WRITTEN}{text}{AS_WRITTEN}")
}

/// `help` with each text marked by [`as_written`] in the quotes of
/// `snippet`, the offending value as written.
fn quoted_as(help: &str, snippet: &str) -> String {
    if !help.contains(AS_WRITTEN) {
        return help.to_string();
    }
    let quote = match snippet.chars().next() {
        Some(q @ ('"' | '\'')) if snippet.len() > 1 && snippet.ends_with(q) => Some(q),
        _ => None,
    };
    let mut out = String::with_capacity(help.len() + 2);
    for (i, part) in help.split(AS_WRITTEN).enumerate() {
        let marked = i % 2 == 1;
        if let (true, Some(q)) = (marked, quote) {
            out.push(q);
            out.push_str(part);
            out.push(q);
        } else {
            out.push_str(part);
        }
    }
    out
}

/// What was found where a value of another type was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Found {
    /// A scalar: shown as written in the file.
    Text,
    /// A mapping / object.
    Map,
    /// A sequence / array.
    Seq,
}

/// What the error's position designates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    /// The offending value or key.
    Node,
    /// The mapping that lacks a field.
    Mapping,
    /// A JSON key, placed by serde_json after its value.
    KeyBeforeValue,
}

/// The real error, kept aside while serde carries a placeholder to the top
/// and attaches the position.
#[derive(Debug)]
pub(super) struct Detail {
    pub(super) code: Code,
    /// The message, without the `, found …` tail that `found` adds.
    pub(super) message: String,
    pub(super) found: Option<Found>,
    pub(super) label: String,
    pub(super) help: String,
    pub(super) target: Target,
    /// The scalar's text when the visitor read it as text: for a plain YAML
    /// scalar that is the text as written, which measures its span exactly.
    pub(super) hint: Option<String>,
    /// Where in the facts the mistake is ([`Diagnostic::facts_path`]):
    /// the value's path, or the missing or unknown field's; `None` for
    /// the document as a whole.
    pub(super) path: Option<String>,
}

/// An error with its place in the document.
pub(super) struct Located {
    pub(super) code: Code,
    pub(super) message: String,
    pub(super) label: String,
    pub(super) help: String,
    pub(super) start: usize,
    pub(super) len: usize,
    /// See [`Detail::path`].
    pub(super) path: Option<String>,
    /// A syntax error placed at its cause (a string left open), not where
    /// the parser gave up: the errors before its line are not its
    /// cascade (see [`super::report::Report::stopped`]).
    pub(super) at_cause: bool,
    /// Secondary labels: start, length and text.
    pub(super) also: Vec<(usize, usize, String)>,
}

impl Located {
    pub(super) fn into_diagnostic(self, file: &Arc<SourceFile>, base: usize) -> Diagnostic {
        let mut d = Diagnostic::new(self.code, self.message)
            .at_file(file.clone(), base + self.start, self.len, self.label)
            .help(self.help)
            .with_facts_path(self.path);
        for (start, len, label) in self.also {
            d = d.also_at(base + start, len, label);
        }
        d
    }

    /// A syntax error at `start..start + len`, not placed at a cause.
    pub(super) fn syntax(
        message: String,
        label: impl Into<String>,
        help: impl Into<String>,
        start: usize,
        len: usize,
    ) -> Located {
        Located {
            code: codes::FACTS_SYNTAX,
            message,
            label: label.into(),
            help: help.into(),
            start,
            len,
            path: None,
            at_cause: false,
            also: Vec::new(),
        }
    }

    /// With a secondary label at `start..start + len`.
    pub(super) fn also(mut self, start: usize, len: usize, label: impl Into<String>) -> Located {
        self.also.push((start, len, label.into()));
        self
    }

    fn from_detail(detail: Detail, doc: &str, start: usize, len: usize, json: bool) -> Located {
        let snippet = doc.get(start..start + len).unwrap_or("");
        let help = quoted_as(&detail.help, snippet);
        let shown = shown(snippet, detail.hint.as_deref(), json);
        let mut message = detail.message.replace(SHOWN, &shown);
        if let Some(found) = detail.found {
            message.push_str(", found ");
            match found {
                Found::Map if json => message.push_str("an object"),
                Found::Map => message.push_str("a mapping"),
                Found::Seq if json => message.push_str("an array"),
                Found::Seq => message.push_str("a list"),
                Found::Text => {
                    let text = shown;
                    if text.is_empty() {
                        message.push_str("nothing");
                    } else {
                        message.push('`');
                        message.push_str(&text);
                        message.push('`');
                    }
                }
            }
        }
        Located {
            code: detail.code,
            message,
            label: detail.label,
            help,
            start,
            len,
            path: detail.path,
            at_cause: false,
            also: Vec::new(),
        }
    }
}

/// The offending value for messages: the text under the label, unless the
/// visitor read a YAML scalar whose text differs (a plain scalar folded over
/// several lines, a quoted one with escapes).
fn shown(snippet: &str, hint: Option<&str>, json: bool) -> String {
    let unquoted = snippet
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| {
            snippet
                .strip_prefix('\'')
                .and_then(|s| s.strip_suffix('\''))
        })
        .unwrap_or(snippet);
    match hint {
        Some(h) if snippet.is_empty() || (!json && unquoted != h) => excerpt(h),
        _ => excerpt(snippet),
    }
}

/// The first line of `text`, shortened to 40 characters.
pub(super) fn excerpt(text: &str) -> String {
    let first = text.lines().next().unwrap_or("").trim_end();
    let multi = first.len() < text.trim_end().len();
    let mut out: String = first.chars().take(40).collect();
    if multi || first.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// The largest char boundary of `text` at or before `i`.
pub(super) fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The byte length of the character at `i`, or 0 at the end.
pub(super) fn char_len_at(text: &str, i: usize) -> usize {
    text.get(i..)
        .and_then(|s| s.chars().next())
        .map_or(0, char::len_utf8)
}

/// Drops every " at line N column M" and " at position N" from a parser's
/// message, and the trailing period-less noise that leaves.
pub(super) fn clean_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(" at ") {
        let (before, after) = rest.split_at(i);
        out.push_str(before);
        let tail = after.get(4..).unwrap_or("");
        if let Some(skip) = position_len(tail) {
            rest = tail.get(skip..).unwrap_or("");
        } else {
            out.push_str(" at ");
            rest = tail;
        }
    }
    out.push_str(rest);
    // The parsers' messages may quote the input: a short excerpt only.
    crate::diag::capped(out.trim(), 200)
}

/// The length of "line N column M" or "position N" at the start of `s`.
fn position_len(s: &str) -> Option<usize> {
    fn digits(s: &str) -> usize {
        s.bytes().take_while(u8::is_ascii_digit).count()
    }
    if let Some(r) = s.strip_prefix("line ") {
        let n = digits(r);
        let r2 = r.get(n..)?.strip_prefix(" column ")?;
        let m = digits(r2);
        if n == 0 || m == 0 {
            return None;
        }
        return Some(5 + n + 8 + m);
    }
    if let Some(r) = s.strip_prefix("position ") {
        let n = digits(r);
        return (n > 0).then_some(9 + n);
    }
    None
}

/// Where serde placed an error, read from the end of its text: the
/// one-based line and column of `… at line L column C` (serde_json and
/// serde_yaml both end their messages so). `None` when it gives none: the
/// start of the document.
pub(super) fn place_of(text: &str) -> Option<(usize, usize)> {
    let (head, column) = text.rsplit_once(" column ")?;
    let column = column.parse().ok()?;
    let (_, line) = head.rsplit_once(" at line ")?;
    Some((line.parse().ok()?, column))
}

/// Where a parser's error text says its context starts: the line and
/// column of `… {context} at line L column C`.
fn context_place(text: &str, context: &str) -> Option<(usize, usize)> {
    let rest = text.split_once(context)?.1.strip_prefix(" at line ")?;
    let (line, rest) = rest.split_once(" column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.parse().ok()?, column.parse().ok()?))
}

/// An error caught while reading (see [`super::reading::Ctx::catch`]),
/// located.
pub(super) fn caught(caught: Caught, doc: &str, json: bool) -> Located {
    if json {
        // serde_json's line counts `\n`s; its column, bytes.
        let end = caught.place.map_or(0, |(line, column)| {
            floor_boundary(doc, line_start(doc, line).saturating_add(column))
        });
        json_detail(caught.detail, end, doc)
    } else {
        let at = caught
            .place
            .map_or(0, |(line, column)| yaml_offset(doc, line, column));
        yaml_detail(caught.detail, at, doc)
    }
}

/// The byte offset of libyaml's one-based `line` and `column` (in
/// characters) in `doc`: the same as the byte index serde_yaml gives with
/// an error it returns, for those it only gives as text. libyaml breaks
/// lines at `\r\n`, `\r`, `\n`, NEL, LS and PS.
pub(super) fn yaml_offset(doc: &str, line: usize, column: usize) -> usize {
    let (mut l, mut c) = (1usize, 1usize);
    let mut chars = doc.char_indices().peekable();
    while let Some((i, ch)) = chars.next() {
        if l > line || (l == line && c >= column) {
            return i;
        }
        match ch {
            '\r' => {
                if chars.peek().is_some_and(|(_, n)| *n == '\n') {
                    chars.next();
                }
                l += 1;
                c = 1;
            }
            '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                l += 1;
                c = 1;
            }
            _ => c += 1,
        }
    }
    doc.len()
}

/// A YAML error's detail at the node whose mark is `at`.
fn yaml_detail(detail: Detail, at: usize, doc: &str) -> Located {
    let (start, len) = yaml_span(doc, at, &detail);
    Located::from_detail(detail, doc, start, len, false)
}

/// A JSON error's detail at the value (or key) that ends at `end`.
fn json_detail(detail: Detail, end: usize, doc: &str) -> Located {
    let (start, len) = if detail.target == Target::KeyBeforeValue {
        // Back from the value over the `:` to the key.
        let (value, _) = json_span(doc, end);
        let b = doc.as_bytes();
        let mut k = value;
        while k > 0 && b.get(k - 1).is_some_and(u8::is_ascii_whitespace) {
            k -= 1;
        }
        if k > 0 && b.get(k - 1) == Some(&b':') {
            k -= 1;
        }
        json_span(doc, k)
    } else {
        json_span(doc, end)
    };
    Located::from_detail(detail, doc, start, len, true)
}

/// A YAML error as a located error.
pub(super) fn yaml_error(e: &serde_yaml::Error, detail: Option<Detail>, doc: &str) -> Located {
    // unsafe-libyaml counts `index` in bytes (a leading BOM included).
    let at = e.location().map_or(0, |l| floor_boundary(doc, l.index()));
    match detail {
        Some(detail) => yaml_detail(detail, at, doc),
        None => {
            let text = e.to_string();
            let opened_at = context_place(&text, "while scanning a quoted scalar")
                .map(|(line, column)| yaml_offset(doc, line, column));
            if let Some(left_open) = quotes::yaml(doc, &text, at, opened_at) {
                return left_open;
            }
            if let Some(slip) = yaml_slips::yaml(doc, &clean_message(&text), at) {
                return slip;
            }
            // At the end of the document: just after its last text (not on
            // the next document's `---` line).
            let at = at.min(doc.trim_end().len());
            let help = if text.contains("repetition limit exceeded") {
                "YAML aliases (`*name`) repeat the node they name; write the values out instead of repeating large nodes"
            } else if text.contains("recursion limit exceeded") {
                "the document nests too deeply"
            } else if text.contains("unknown anchor") {
                "define the anchor (`&name`) before the alias (`*name`) that repeats it, in the same document: anchors do not carry across `---`"
            } else if text.contains("more than one document") {
                "separate the documents of a batch with lines holding only `---`"
            } else {
                "fix the YAML here: check the indentation, the space after each `:` and the quotes"
            };
            Located {
                code: codes::FACTS_SYNTAX,
                message: format!("invalid YAML: {}", clean_message(&text)),
                label: "here".into(),
                help: help.into(),
                start: at,
                len: char_len_at(doc, at),
                path: None,
                at_cause: false,
                also: Vec::new(),
            }
        }
    }
}

/// A JSON error as a located error.
pub(super) fn json_error(e: &serde_json::Error, detail: Option<Detail>, doc: &str) -> Located {
    // serde_json's column counts bytes from the line's start to the position
    // after the input it had consumed.
    let end = if e.line() == 0 {
        0
    } else {
        floor_boundary(doc, line_start(doc, e.line()).saturating_add(e.column()))
    };
    match detail {
        Some(detail) => json_detail(detail, end, doc),
        None => {
            let text = e.to_string();
            if let Some(left_open) = quotes::json(doc, &text, end) {
                return left_open;
            }
            let eof = e.classify() == serde_json::error::Category::Eof;
            let at = if eof {
                end
            } else {
                floor_boundary(doc, end.saturating_sub(1))
            };
            if let Some(slip) = json_slips::json(doc, &clean_message(&text), at, eof) {
                return slip;
            }
            let (start, len) = if eof || end == 0 {
                (end, 0)
            } else {
                let at = floor_boundary(doc, end - 1);
                (at, char_len_at(doc, at))
            };
            Located {
                code: codes::FACTS_SYNTAX,
                message: format!("invalid JSON: {}", clean_message(&text)),
                label: "here".into(),
                help:
                    "fix the JSON here: check for a missing or extra comma, brace, bracket or quote"
                        .into(),
                start,
                len,
                path: None,
                at_cause: false,
                also: Vec::new(),
            }
        }
    }
}

/// Byte offset of the start of 1-based line `line`.
fn line_start(doc: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    doc.match_indices('\n')
        .nth(line - 2)
        .map_or(doc.len(), |(i, _)| i + 1)
}

/// Whether the bytes `from..to` stay on one line.
fn one_line(b: &[u8], from: usize, to: usize) -> bool {
    b.get(from..to).is_some_and(|s| !s.contains(&b'\n'))
}

/// The start of the JSON string whose closing quote is at `close`.
fn json_string_start(b: &[u8], close: usize) -> usize {
    let mut i = close;
    while i > 0 {
        i -= 1;
        if b.get(i) == Some(&b'"') {
            let mut slashes = 0;
            while i > slashes && b.get(i - slashes - 1) == Some(&b'\\') {
                slashes += 1;
            }
            if slashes % 2 == 0 {
                return i;
            }
        }
    }
    0
}

/// The span of the JSON value (or key) that ends at `end`, skipping the
/// whitespace before `end`. An opening bracket there (serde_json stops just
/// inside an object or array when the visitor rejects it at once) is the
/// start of the value.
fn json_span(doc: &str, end: usize) -> (usize, usize) {
    let b = doc.as_bytes();
    let mut e = end.min(b.len());
    while e > 0 && b.get(e - 1).is_some_and(u8::is_ascii_whitespace) {
        e -= 1;
    }
    let Some(&last) = e.checked_sub(1).and_then(|i| b.get(i)) else {
        return (0, char_len_at(doc, 0));
    };
    let start = match last {
        b'"' => json_string_start(b, e - 1),
        b'}' | b']' => {
            let mut depth = 0usize;
            let mut i = e;
            let mut open = 0;
            while i > 0 {
                i -= 1;
                match b.get(i) {
                    Some(b'}' | b']') => depth += 1,
                    Some(b'{' | b'[') => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            open = i;
                            break;
                        }
                    }
                    Some(b'"') => i = json_string_start(b, i),
                    _ => {}
                }
            }
            return if one_line(b, open, e) {
                (open, e - open)
            } else {
                (open, 1)
            };
        }
        b'{' | b'[' => {
            let open = e - 1;
            return match flow_end(b, open, false) {
                Some(close) => (open, close - open),
                None => (open, 1),
            };
        }
        _ => {
            let mut s = e;
            while s > 0
                && b.get(s - 1)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'+' | b'-'))
            {
                s -= 1;
            }
            if s == e {
                s = floor_boundary(doc, e - 1);
            }
            s
        }
    };
    (start, e - start)
}

/// The span of the YAML node (or key) that starts at `at`.
fn yaml_span(doc: &str, at: usize, detail: &Detail) -> (usize, usize) {
    let b = doc.as_bytes();
    let mut s = at;
    // Skip the node's properties: `&anchor`, `!tag`.
    while matches!(b.get(s), Some(b'&' | b'!')) {
        while b.get(s).is_some_and(|c| !c.is_ascii_whitespace()) {
            s += 1;
        }
        while matches!(b.get(s), Some(b' ' | b'\t')) {
            s += 1;
        }
    }
    if s > at {
        // Properties alone on their line (`facts: &base`): the node starts
        // on a line below.
        loop {
            match b.get(s) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => s += 1,
                Some(b'#') => {
                    while b.get(s).is_some_and(|c| *c != b'\n') {
                        s += 1;
                    }
                }
                _ => break,
            }
        }
    }
    let line_end = b
        .get(s..)
        .and_then(|r| r.iter().position(|&c| c == b'\n'))
        .map_or(b.len(), |i| s + i);
    let end = match b.get(s) {
        None => s,
        Some(b'"') => double_quoted_end(b, s).unwrap_or(line_end),
        Some(b'\'') => single_quoted_end(b, s).unwrap_or(line_end),
        Some(b'[' | b'{') => flow_end(b, s, true).unwrap_or(s + 1),
        Some(b'|' | b'>') => line_end,
        Some(_) => {
            let whole_line = detail.target == Target::Node
                && matches!(detail.found, Some(Found::Map | Found::Seq));
            match detail.hint.as_deref() {
                Some(h) if !h.is_empty() && doc.get(s..).is_some_and(|r| r.starts_with(h)) => {
                    s + h.len()
                }
                _ => plain_end(doc, s, line_end, !whole_line),
            }
        }
    };
    let end = floor_boundary(doc, end.max(s));
    let text = doc.get(s..end).unwrap_or("");
    (s, text.trim_end().len())
}

/// The end of the plain scalar starting at `s`: the end of the line, before
/// a comment, before `: ` when `key_stop`, and before `,`, `]` or `}` inside
/// a flow collection.
fn plain_end(doc: &str, s: usize, line_end: usize, key_stop: bool) -> usize {
    let b = doc.as_bytes();
    let line_start = b
        .get(..s)
        .and_then(|r| r.iter().rposition(|&c| c == b'\n'))
        .map_or(0, |i| i + 1);
    // Inside a flow collection opened earlier on the line?
    let mut depth = 0i64;
    for &c in b.get(line_start..s).unwrap_or(&[]) {
        match c {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth -= 1,
            _ => {}
        }
    }
    let flow = depth > 0;
    let mut i = s;
    while i < line_end {
        let c = b.get(i).copied().unwrap_or(b'\n');
        let next = b.get(i + 1).copied().unwrap_or(b'\n');
        let blank_next = matches!(next, b' ' | b'\t' | b'\n' | b'\r');
        if c == b'#' && i > s && b.get(i - 1).is_some_and(|p| *p == b' ' || *p == b'\t') {
            break;
        }
        if key_stop && c == b':' && blank_next {
            break;
        }
        if flow && (matches!(c, b',' | b']' | b'}') || (c == b':' && (blank_next || next == b',')))
        {
            break;
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_cleaned() {
        assert_eq!(
            clean_message("did not find expected key at line 3 column 1, while parsing a block mapping at line 1 column 1"),
            "did not find expected key, while parsing a block mapping"
        );
        assert_eq!(clean_message("x at position 12"), "x");
        assert_eq!(clean_message("look at this"), "look at this");
    }
}
