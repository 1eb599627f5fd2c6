//! Format detection and splitting: which syntax a facts file is written in
//! ([`Format::detect`]), where its documents are ([`split`]), and text from
//! bytes that may not be UTF-8 ([`text_from_bytes`]).

use std::ops::Range;

use serde::de::IgnoredAny;

use super::lines::{Spread, Step};

/// Text from bytes that may not be UTF-8, byte for byte: every byte of an
/// invalid sequence becomes a NUL, which neither YAML nor JSON accepts, so
/// the document holding it fails alone (with `pactum::facts::syntax`, at
/// that byte), while documents, lines and offsets stay where they were.
pub(crate) fn text_from_bytes(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let mut bytes = e.into_bytes();
            let mut at = 0;
            while let Some(rest) = bytes.get(at..) {
                match std::str::from_utf8(rest) {
                    Ok(_) => break,
                    Err(e) => {
                        let bad_start = at + e.valid_up_to();
                        let bad_len = e.error_len().unwrap_or(rest.len() - e.valid_up_to());
                        for b in bytes.iter_mut().skip(bad_start).take(bad_len) {
                            *b = 0;
                        }
                        at = bad_start + bad_len.max(1);
                    }
                }
            }
            String::from_utf8(bytes).unwrap_or_default()
        }
    }
}

/// The syntax of a facts file: what [`Format::detect`] tells from a file's
/// name (or, for standard input and other names, its first line), and what
/// [`crate::batch::Chunks::format`] reports for a batch.
///
/// ```
/// use pactum::Format;
///
/// assert_eq!(Format::detect("requests.yaml", ""), Format::Yaml);
/// assert_eq!(Format::detect("requests.ndjson", ""), Format::JsonLines);
/// // Standard input: a JSON object alone on the first line is JSON lines,
/// // anything else is read as YAML (which also reads JSON over many lines).
/// assert_eq!(Format::detect("-", "{\"id\": 1}\n{\"id\": 2}\n"), Format::JsonLines);
/// assert_eq!(Format::detect("-", "id: 1\n---\nid: 2\n"), Format::Yaml);
///
/// // Each document of a batch gives one outcome, in either format.
/// let policy = pactum::Package::from_sources([(
///     "p.policy",
///     "package p\nrequests are identified by req.id\nschema req { id: string }\n",
/// )])
/// .check()
/// .unwrap();
/// assert_eq!(policy.evaluate_file("-", "{\"req\": {\"id\": \"a\"}}\n{\"req\": {\"id\": \"b\"}}\n").len(), 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// YAML: one document, or a stream of documents separated by `---`.
    Yaml,
    /// One JSON document.
    Json,
    /// JSON lines: one JSON document per non-blank line.
    JsonLines,
}

impl Format {
    /// From the file name's extension (.yaml/.yml -> Yaml, .json -> Json,
    /// .jsonl/.ndjson -> JsonLines); for other names or "-" (stdin), sniff
    /// the first non-blank line alone (so that a stream is sniffed as soon
    /// as its first line is read): JsonLines when it is a whole JSON object
    /// on one line (or a line longer than 64 KiB starting with `{`);
    /// otherwise Yaml (YAML also reads a JSON document written over several
    /// lines, and flow mappings such as `{a: 1}`).
    pub fn detect(name: &str, text: &str) -> Format {
        let ext = std::path::Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("yaml" | "yml") => Format::Yaml,
            Some("json") => Format::Json,
            Some("jsonl" | "ndjson") => Format::JsonLines,
            _ => sniff(text),
        }
    }
}

/// How long a first line may be for [`sniff`] to read it as JSON; a longer
/// one that starts with `{` is taken for JSON Lines unread.
pub(crate) const SNIFF_LINE_BYTES: usize = 64 * 1024;

/// JsonLines when the first non-blank line is a JSON object on its own,
/// or when it only looks like JSON (`{` or `[` first, or bytes that are not
/// UTF-8) but is broken and the next non-blank line is a JSON object on its
/// own (a batch whose first line is broken: each line still fails or is
/// decided alone); else Yaml.
fn sniff(text: &str) -> Format {
    let mut lines = text
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("");
    let object = |l: &str| {
        l.starts_with('{')
            && (l.len() > SNIFF_LINE_BYTES || serde_json::from_str::<IgnoredAny>(l).is_ok())
    };
    if object(first) {
        return Format::JsonLines;
    }
    if first_looks_like_json(first) && lines.next().is_some_and(object) {
        return Format::JsonLines;
    }
    Format::Yaml
}

/// Whether a first line that is not a JSON object on its own still looks
/// like a line of JSON (then [`sniff`] reads the next line to decide).
pub(crate) fn first_looks_like_json(line: &str) -> bool {
    line.starts_with(['{', '[']) || line.contains('\u{fffd}')
}

/// Byte ranges of the documents of a batch: YAML stream split at lines that
/// start with `---` at column 0 (then space/EOL) — do the split on text
/// yourself, do not rely on serde_yaml's multi-doc iterator, so that a
/// syntax error in one document does not stop the others. A document opened
/// by `---` is a document even when nothing follows it (an empty document,
/// which the loader refuses with `pactum::facts::empty`); text before the
/// first `---` or after a `...` that is only whitespace, comments or
/// directives is not. JsonLines: one document per non-blank line (blank
/// lines, or lines of only whitespace, separate documents and are skipped).
/// Json: the whole text is one document.
///
/// A text that holds no document at all (empty, blank lines, comments) is
/// one empty document, so that every facts file gives at least one result.
///
/// A YAML document's range starts at its `---` line (or at the start of the
/// text, so that leading comments and `%` directives stay with the first
/// document) and ends where the next document's `---` line starts, or just
/// after a `...` line that ends it. A JSON line's range excludes its line
/// break and surrounding whitespace. A leading byte-order mark is left out of
/// JSON ranges (serde_json rejects it) and kept in YAML ones.
pub(crate) fn split(text: &str, format: Format) -> Vec<Range<usize>> {
    let ranges = split_piece(text, format);
    if ranges.is_empty() {
        return std::iter::once(0..0).collect();
    }
    ranges
}

/// [`split`] of a piece of a batch: no document when there is none.
pub(crate) fn split_piece(text: &str, format: Format) -> Vec<Range<usize>> {
    match format {
        Format::Json => {
            let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
            let whole = start..text.len();
            vec![whole]
        }
        Format::JsonLines => split_lines(text),
        Format::Yaml => split_yaml(text),
    }
}

/// One range per non-blank line, trimmed; a document spread over lines
/// (see [`super::lines`]) is one range, from its first line to its last.
fn split_lines(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    // Lines as `split_inclusive('\n')` cuts them, found by SIMD search.
    let after = |start: usize| {
        memchr::memchr(b'\n', text.as_bytes().get(start..).unwrap_or_default())
            .map_or(text.len(), |at| start + at + 1)
    };
    let mut next = 0usize;
    while next < text.len() {
        let start = next;
        next = after(start);
        let Some(line) = text.get(start..next) else {
            break;
        };
        let mut body = line;
        let mut lead = 0usize;
        if start == 0 {
            if let Some(rest) = body.strip_prefix('\u{feff}') {
                body = rest;
                lead = 3;
            }
        }
        if let Some(mut spread) = Spread::open(body.as_bytes()) {
            let mut end = next;
            let mut closed = None;
            let mut step = Step::More;
            while end < text.len() {
                let from = end;
                end = after(from);
                step = spread.step(text.as_bytes().get(from..end).unwrap_or_default());
                match step {
                    Step::More => {}
                    Step::Closed => {
                        closed = Some(end);
                        break;
                    }
                    Step::Cut => {
                        closed = Some(from);
                        break;
                    }
                    Step::Not => break,
                }
            }
            if step == Step::More && end >= text.len() && spread.end() == Step::Cut {
                // The input ends inside the document.
                closed = Some(end);
            }
            if let Some(end) = closed {
                let doc = text.get(start + lead..end).unwrap_or("").trim_end();
                out.push(start + lead..start + lead + doc.len());
                next = end;
                continue;
            }
        }
        let trimmed_start = body.trim_start();
        lead += body.len() - trimmed_start.len();
        let content = trimmed_start.trim_end();
        if !content.is_empty() {
            out.push(start + lead..start + lead + content.len());
        }
    }
    out
}

/// Whether `line` is the marker `---` or `...` at column 0, followed by
/// nothing, a space or a tab.
pub(super) fn is_marker(line: &str, marker: &str) -> bool {
    match line.strip_prefix(marker) {
        Some(rest) => rest.is_empty() || rest.starts_with([' ', '\t']),
        None => false,
    }
}

/// Whether a piece of a line holds more than whitespace and a comment.
pub(super) fn has_content(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty() && !t.starts_with('#')
}

fn split_yaml(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    // Start of the pending chunk, whether it holds content, and whether it
    // was opened by a `---` line.
    let mut start = 0usize;
    let mut content = false;
    let mut opened = false;
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let mut body = line.trim_end_matches(['\n', '\r']);
        if line_start == 0 {
            body = body.trim_start_matches('\u{feff}');
        }
        if is_marker(body, "---") {
            if content || opened {
                out.push(start..line_start);
            }
            // A chunk of only comments or directives before the first marker
            // stays with the document that follows; an empty explicit
            // document is a document (refused when it is read).
            if content || opened {
                start = line_start;
            }
            opened = true;
            content = has_content(body.get(3..).unwrap_or(""));
            continue;
        }
        if is_marker(body, "...") {
            if content || opened {
                out.push(start..offset);
            }
            start = offset;
            content = false;
            opened = false;
            continue;
        }
        if !has_content(body) {
            continue;
        }
        if !content && !opened && body.starts_with('%') {
            // A directive (`%YAML 1.2`) belongs to the next document.
            continue;
        }
        content = true;
    }
    if content || opened {
        out.push(start..text.len());
    }
    out
}

/// Whether a document holds nothing: only whitespace (JSON), or only
/// whitespace, comments, `---`/`...` markers and directives (YAML).
pub(super) fn is_empty_document(doc: &str, json: bool) -> bool {
    if json {
        return doc.trim_start_matches('\u{feff}').trim().is_empty();
    }
    doc.trim_start_matches('\u{feff}').lines().all(|line| {
        let body = line.trim_end_matches('\r');
        if is_marker(body, "---") {
            !has_content(body.get(3..).unwrap_or(""))
        } else {
            is_marker(body, "...") || body.starts_with('%') || !has_content(body)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_becomes_nul_bytes_in_place() {
        let text = text_from_bytes(b"a: 1\n---\na: \xff\n".to_vec());
        assert_eq!(text, "a: 1\n---\na: \0\n");
        let text = text_from_bytes(b"\xe2\x82x\xf0".to_vec());
        assert_eq!(text, "\0\0x\0");
    }

    #[test]
    fn detect_formats() {
        assert_eq!(Format::detect("a.YAML", "{}\n{}"), Format::Yaml);
        assert_eq!(Format::detect("a.yml", ""), Format::Yaml);
        assert_eq!(Format::detect("a.json", ""), Format::Json);
        assert_eq!(Format::detect("a.jsonl", ""), Format::JsonLines);
        assert_eq!(Format::detect("a.ndjson", ""), Format::JsonLines);
        assert_eq!(
            Format::detect("-", "{\"a\": 1}\n\n{\"a\": 2}\n"),
            Format::JsonLines
        );
        // The first non-blank line decides: a JSON object on one line.
        assert_eq!(Format::detect("-", "{\"a\": 1}\n"), Format::JsonLines);
        assert_eq!(
            Format::detect("-", "\u{feff}\n {\"a\": 1} \nb: 2"),
            Format::JsonLines
        );
        assert_eq!(Format::detect("-", "{a: 1}\n"), Format::Yaml);
        assert_eq!(Format::detect("-", "{\n  \"a\": 1\n}\n"), Format::Yaml);
        assert_eq!(Format::detect("-", "# c\n{\"a\": 1}\n"), Format::Yaml);
        let long = format!("{{\"a\": \"{}\"", "x".repeat(SNIFF_LINE_BYTES));
        assert_eq!(Format::detect("-", &long), Format::JsonLines);
        assert_eq!(Format::detect("facts.txt", "a: 1\n"), Format::Yaml);
        // A broken first line of JSON Lines: the next line decides.
        for first in [
            "{\"o\": {\"id\": \"broken\",",
            "[\"x\"]",
            "{\"a\": \"\u{fffd}",
        ] {
            let text = format!("{first}\n\n{{\"a\": 1}}\n{{\"a\": 2}}\n");
            assert_eq!(Format::detect("-", &text), Format::JsonLines, "{first}");
        }
        // A JSON document over several lines, a YAML flow mapping, a YAML
        // stream: not JSON Lines.
        assert_eq!(
            Format::detect("-", "{\"a\": 1,\n \"b\": 2}\n"),
            Format::Yaml
        );
        assert_eq!(Format::detect("-", "{a: 1,\n b: 2}\n"), Format::Yaml);
        assert_eq!(Format::detect("-", "---\n{\"a\": 1}\n"), Format::Yaml);
        assert_eq!(Format::detect("-", "a: [1,\n{\"b\": 1}\n"), Format::Yaml);
    }
}
