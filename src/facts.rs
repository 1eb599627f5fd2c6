//! Facts: YAML and JSON documents read against the schema into typed values.
//!
//! A facts file holds one document (JSON, or a single YAML document) or a
//! batch of them (a YAML stream separated by `---` lines, or JSON lines).
//! [`split`] finds the documents of a batch by their byte ranges and [`load`]
//! reads one of them against the package's schema.
//!
//! Reading is driven by the schema: a [`DeserializeSeed`] that carries the
//! expected [`Ty`] and the schema path walks the serde_yaml or serde_json
//! deserializer and builds [`Value`]s directly. The first mistake in a
//! document stops it and becomes one [`Diagnostic`] that points at the exact
//! bytes of the offending value (or key) in the file.
//!
//! Locating errors: serde_yaml and serde_json attach a position to the errors
//! a visitor raises with [`de::Error::custom`], but their text carries path
//! and position noise. The details of the error therefore travel in a side
//! channel (`Ctx::detail`) and the serde error is only used for where it
//! happened:
//!
//! - serde_yaml reports the mark of the start of the node (a scalar, the
//!   first key of a block mapping, the `{` of a flow mapping); its
//!   `Location::index()` counts bytes (unsafe-libyaml advances the index by
//!   the UTF-8 width of each character, a leading BOM included), so it is a
//!   byte offset into the document.
//! - serde_json reports the line and byte column just past the input it had
//!   consumed when the error surfaced: the end of the offending value (or key,
//!   plus any whitespace after it). The value is found by scanning back from
//!   there.
//!
//! Numbers are exact: decimals are read from their digits (YAML hands the raw
//! scalar text to `deserialize_str`; serde_json's `arbitrary_precision`
//! hands the digits of every number), never through `f64`.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

// The one reader of dates in text, shared with `date(…)` in policies.
use crate::value::{parse_date, parse_datetime, DateTimeError};
use rust_decimal::Decimal;
use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use crate::diag::{codes, Code, Diagnostic};
use crate::limits::Limits;
use crate::source::SourceFile;
use crate::suggest::suggest;
use crate::types::{FieldTy, RecordTy, Ty};
use crate::value::Value;

mod fast;

/// The key under which serde_json (with `arbitrary_precision`) hands over the
/// digits of a number, as a one-entry map.
const JSON_NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// How many values one document may produce: enough for any document written
/// out by hand, small enough that YAML aliases repeating large nodes (an
/// "alias bomb") cannot exhaust memory.
fn value_budget(doc_len: usize) -> usize {
    doc_len.saturating_mul(4).saturating_add(100_000)
}

/// How deep YAML flow collections (`[`, `{`) may nest. libyaml's scanner
/// takes time quadratic in the depth, so deeper documents are refused before
/// parsing (serde_yaml refuses more than 128 levels of values anyway).
const MAX_FLOW_DEPTH: usize = 1000;

/// The offset of the first `[` or `{` that opens more than `limit` levels,
/// outside quotes and comments. Brackets inside plain scalars count too, so
/// this overestimates, which only matters far beyond any real depth.
fn flow_too_deep(doc: &str, limit: usize) -> Option<usize> {
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

/// Text from bytes that may not be UTF-8, byte for byte: every byte of an
/// invalid sequence becomes a NUL, which neither YAML nor JSON accepts, so
/// the document holding it fails alone (with `pactum::facts::syntax`, at
/// that byte), while documents, lines and offsets stay where they were.
///
/// ```
/// let text = pactum::facts::text_from_bytes(b"a: 1\n---\na: \xff\n".to_vec());
/// assert_eq!(text, "a: 1\n---\na: \0\n");
/// ```
pub fn text_from_bytes(bytes: Vec<u8>) -> String {
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

/// The syntax of a facts file.
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
/// else Yaml.
fn sniff(text: &str) -> Format {
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if !first.starts_with('{') {
        return Format::Yaml;
    }
    if first.len() > SNIFF_LINE_BYTES || serde_json::from_str::<IgnoredAny>(first).is_ok() {
        Format::JsonLines
    } else {
        Format::Yaml
    }
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
pub fn split(text: &str, format: Format) -> Vec<Range<usize>> {
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

/// One range per non-blank line, trimmed.
fn split_lines(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    // Lines as `split_inclusive('\n')` cuts them, found by SIMD search.
    let mut next = 0usize;
    while next < text.len() {
        let start = next;
        next = memchr::memchr(b'\n', text.as_bytes().get(start..).unwrap_or_default())
            .map_or(text.len(), |at| start + at + 1);
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
fn is_marker(line: &str, marker: &str) -> bool {
    match line.strip_prefix(marker) {
        Some(rest) => rest.is_empty() || rest.starts_with([' ', '\t']),
        None => false,
    }
}

/// Whether a piece of a line holds more than whitespace and a comment.
fn has_content(text: &str) -> bool {
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
fn is_empty_document(doc: &str, json: bool) -> bool {
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

/// Reads one document (the byte range of `file`'s text) against `schema`
/// (the record type whose fields are the package's fact roots; a root may be
/// `Ty::Optional(Record)`).
///
/// Returns a `Value::Record` with one value per schema field, in the schema's
/// field order (`Value::Absent` for optional facts left out or null). The
/// error's labels are byte offsets into the whole file (`range.start` plus
/// the offset inside the document).
// One `Diagnostic` a document is this module's contract with its callers.
#[allow(clippy::result_large_err)]
pub fn load(
    schema: &Arc<RecordTy>,
    file: &Arc<SourceFile>,
    range: Range<usize>,
    format: Format,
) -> Result<Value, Diagnostic> {
    load_with_limits(schema, file, range, format, &Limits::default())
}

/// [`load`] under `limits`: a document larger than
/// [`Limits::max_facts_bytes`] is refused before it is parsed
/// (`pactum::limit::facts_size`), and one whose lists and mappings nest
/// deeper than [`Limits::max_facts_depth`] when it is read
/// (`pactum::limit::facts_depth`).
// One `Diagnostic` a document is this module's contract with its callers.
#[allow(clippy::result_large_err)]
pub fn load_with_limits(
    schema: &Arc<RecordTy>,
    file: &Arc<SourceFile>,
    range: Range<usize>,
    format: Format,
    limits: &Limits,
) -> Result<Value, Diagnostic> {
    if format != Format::Yaml && range.len() <= limits.max_facts_bytes {
        let fast = file
            .text()
            .get(range.clone())
            .and_then(|doc| fast::read(doc, schema, limits.facts_depth()));
        if let Some(value) = fast {
            return Ok(value);
        }
    }
    load_serde(schema, file, range, format, limits)
}

/// The diagnostic of a document larger than `max` bytes, starting at `at`
/// in `file`; `len` is its size when it was measured (a streamed batch
/// stops reading a document as soon as it is too large).
pub(crate) fn too_large(
    file: Arc<SourceFile>,
    at: usize,
    len: Option<usize>,
    max: usize,
) -> Diagnostic {
    let message = match len {
        Some(len) => {
            format!("this facts document is {len} bytes; documents are limited to {max} bytes")
        }
        None => {
            format!("this facts document is larger than {max} bytes, the limit; it was not read")
        }
    };
    Diagnostic::new(codes::LIMIT_FACTS_SIZE, message)
        .at_file(file, at, 0, "this document")
        .help("send one request per document, or raise the limit (`--max-facts-bytes`) for facts you trust")
}

/// [`load_with_limits`] without the JSON fast path: every document read by
/// serde. The fast path's differential tests compare the two.
// One `Diagnostic` a document is this module's contract with its callers.
#[allow(clippy::result_large_err)]
pub(crate) fn load_serde(
    schema: &Arc<RecordTy>,
    file: &Arc<SourceFile>,
    range: Range<usize>,
    format: Format,
    limits: &Limits,
) -> Result<Value, Diagnostic> {
    if range.len() > limits.max_facts_bytes {
        return Err(too_large(
            file.clone(),
            range.start.min(file.text().len()),
            Some(range.len()),
            limits.max_facts_bytes,
        ));
    }
    if let Some(at) = file
        .text()
        .get(range.clone())
        .and_then(|doc| doc.find('\0'))
    {
        return Err(Diagnostic::new(
            codes::FACTS_SYNTAX,
            "the document is not valid UTF-8 text (or holds a NUL byte)",
        )
        .at_file(file.clone(), range.start + at, 1, "not UTF-8 text")
        .help("facts are UTF-8 text: re-encode the file (for example with `iconv -t UTF-8`); the other documents are still decided"));
    }
    let Some(doc) = file.text().get(range.clone()) else {
        return Err(Diagnostic::new(
            codes::FACTS_SYNTAX,
            "the document's byte range is outside the file",
        )
        .at_file(file.clone(), 0, 0, ""));
    };
    let json = format != Format::Yaml;
    if is_empty_document(doc, json) {
        return Err(Diagnostic::new(codes::FACTS_EMPTY, "this facts document is empty")
            .at_file(file.clone(), range.start, 0, "no facts here")
            .help("give the facts of the request here, or remove the empty document (a doubled or trailing `---`, or an empty file): every document of a batch gives one result"));
    }
    let root_ty = Ty::Record(schema.clone());
    let root = Path::Root;
    let ctx = Ctx {
        json,
        detail: RefCell::new(None),
        budget: Cell::new(value_budget(doc.len())),
        depth: Cell::new(0),
        max_depth: limits.facts_depth(),
    };
    let seed = Seed {
        ty: &root_ty,
        path: &root,
        ctx: &ctx,
    };
    if !json {
        if let Some(at) = flow_too_deep(doc, MAX_FLOW_DEPTH) {
            return Err(Diagnostic::new(
                codes::FACTS_SYNTAX,
                format!("invalid YAML: brackets nest more than {MAX_FLOW_DEPTH} levels deep"),
            )
            .at_file(file.clone(), range.start + at, 1, "too deep")
            .help("facts never need this much nesting; flatten the data"));
        }
    }
    let result = if json {
        let mut de = serde_json::Deserializer::from_str(doc);
        seed.deserialize(&mut de)
            .and_then(|v| de.end().map(|()| v))
            .map_err(|e| json_error(&e, &ctx, doc))
    } else {
        seed.deserialize(serde_yaml::Deserializer::from_str(doc))
            .map_err(|e| yaml_error(&e, &ctx, doc))
    };
    result.map_err(|found| found.into_diagnostic(file, range.start))
}

// ---------------------------------------------------------------------------
// Error details
// ---------------------------------------------------------------------------

/// Stands in a message for the offending value as written in the file.
const SHOWN: &str = "\u{1}";

/// What was found where a value of another type was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    /// A scalar: shown as written in the file.
    Text,
    /// A mapping / object.
    Map,
    /// A sequence / array.
    Seq,
}

/// What the error's position designates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// The offending value or key.
    Node,
    /// The mapping that lacks a field.
    Mapping,
    /// A JSON object rejected after reading its first key: serde_json's
    /// position is after that key.
    ObjectAfterKey,
}

/// The real error, kept aside while serde carries a placeholder to the top
/// and attaches the position.
#[derive(Debug)]
struct Detail {
    code: Code,
    /// The message, without the `, found …` tail that `found` adds.
    message: String,
    found: Option<Found>,
    label: String,
    help: String,
    target: Target,
    /// The scalar's text when the visitor read it as text: for a plain YAML
    /// scalar that is the text as written, which measures its span exactly.
    hint: Option<String>,
}

/// An error with its place in the document.
struct Located {
    code: Code,
    message: String,
    label: String,
    help: String,
    start: usize,
    len: usize,
}

impl Located {
    fn into_diagnostic(self, file: &Arc<SourceFile>, base: usize) -> Diagnostic {
        Diagnostic::new(self.code, self.message)
            .at_file(file.clone(), base + self.start, self.len, self.label)
            .help(self.help)
    }

    fn from_detail(detail: Detail, doc: &str, start: usize, len: usize, json: bool) -> Located {
        let shown = shown(
            doc.get(start..start + len).unwrap_or(""),
            detail.hint.as_deref(),
            json,
        );
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
            help: detail.help,
            start,
            len,
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
fn excerpt(text: &str) -> String {
    let first = text.lines().next().unwrap_or("").trim_end();
    let multi = first.len() < text.trim_end().len();
    let mut out: String = first.chars().take(40).collect();
    if multi || first.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// Shared by all the seeds of one document.
struct Ctx {
    json: bool,
    detail: RefCell<Option<Detail>>,
    budget: Cell<usize>,
    /// How many values enclose the one being read.
    depth: Cell<usize>,
    max_depth: usize,
}

impl Ctx {
    /// Records `detail` (unless an earlier error is recorded) and returns the
    /// placeholder error that carries the position.
    fn fail<E: de::Error>(&self, detail: Detail) -> E {
        if let Ok(mut slot) = self.detail.try_borrow_mut() {
            if slot.is_none() {
                *slot = Some(detail);
            }
        }
        E::custom("invalid facts")
    }

    fn has_detail(&self) -> bool {
        self.detail
            .try_borrow()
            .map(|d| d.is_some())
            .unwrap_or(true)
    }

    fn take_detail(&self) -> Option<Detail> {
        self.detail.try_borrow_mut().ok().and_then(|mut d| d.take())
    }

    /// Errors that serde raised for a node without asking the visitor (a
    /// YAML mapping where a string is read, a YAML tag) become wrong-type
    /// details.
    fn fallback(&self, error: &dyn fmt::Display, expect: &Expect<'_>) {
        if self.has_detail() {
            return;
        }
        let text = error.to_string();
        let found = if text.contains("invalid type: map") {
            Found::Map
        } else if text.contains("invalid type: sequence") {
            Found::Seq
        } else if text.contains("invalid type: ") || text.contains("invalid value: ") {
            Found::Text
        } else {
            return;
        };
        let detail = expect.wrong(found, None, None);
        if let Ok(mut slot) = self.detail.try_borrow_mut() {
            *slot = Some(detail);
        }
    }
}

// ---------------------------------------------------------------------------
// Schema paths
// ---------------------------------------------------------------------------

/// Where a value sits in the facts: `order.items[2].sku`.
#[derive(Debug, Clone, Copy)]
enum Path<'a> {
    Root,
    Field(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Field(Path::Root, name) => f.write_str(name),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

impl Path<'_> {
    fn is_root(&self) -> bool {
        matches!(self, Path::Root)
    }

    /// How messages name it: "`basket.total`", or "the document".
    fn subject(&self) -> String {
        if self.is_root() {
            "the document".to_string()
        } else {
            format!("`{self}`")
        }
    }
}

// ---------------------------------------------------------------------------
// Seeds and visitors
// ---------------------------------------------------------------------------

/// Reads one value of type `ty` at `path`.
#[derive(Clone, Copy)]
struct Seed<'a> {
    ty: &'a Ty,
    path: &'a Path<'a>,
    ctx: &'a Ctx,
}

/// The visitor of a [`Seed`].
#[derive(Clone, Copy)]
struct Expect<'a> {
    ty: &'a Ty,
    path: &'a Path<'a>,
    ctx: &'a Ctx,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        let expect = Expect {
            ty: self.ty,
            path: self.path,
            ctx: self.ctx,
        };
        let left = self.ctx.budget.get();
        if left == 0 {
            return Err(self.ctx.fail(too_many_values()));
        }
        self.ctx.budget.set(left - 1);
        let depth = self.ctx.depth.get();
        if depth > self.ctx.max_depth {
            return Err(self.ctx.fail(too_deep(self.ctx.max_depth)));
        }
        self.ctx.depth.set(depth + 1);
        let result = self.read(d, expect);
        self.ctx.depth.set(depth);
        result
    }
}

impl Seed<'_> {
    fn read<'de, D: Deserializer<'de>>(self, d: D, expect: Expect<'_>) -> Result<Value, D::Error> {
        let yaml = !self.ctx.json;
        let result = match self.ty {
            Ty::Optional(_) => d.deserialize_option(expect),
            Ty::Any => IgnoredAny::deserialize(d).map(|_| Value::Absent),
            // YAML hands the scalar's text as written: exact decimals, and
            // enum variants whatever they look like.
            Ty::Decimal | Ty::Enum(_) if yaml => d.deserialize_str(expect),
            _ => d.deserialize_any(expect),
        };
        if let Err(e) = &result {
            self.ctx.fallback(e, &expect);
        }
        result
    }
}

fn too_deep(max: usize) -> Detail {
    Detail {
        code: codes::LIMIT_FACTS_DEPTH,
        message: format!("the document nests lists and mappings more than {max} levels deep"),
        found: None,
        label: "nested too deeply".into(),
        help: "flatten the facts, or raise the limit (`--max-facts-depth`) for facts you trust"
            .into(),
        target: Target::Node,
        hint: None,
    }
}

fn too_many_values() -> Detail {
    Detail {
        code: codes::FACTS_SYNTAX,
        message: "the document expands to too many values".into(),
        found: None,
        label: "here".into(),
        help: "YAML aliases (`*name`) repeat the node they name; write the values out instead of repeating large nodes".into(),
        target: Target::Node,
        hint: None,
    }
}

/// Names the fields of a record, for help lines.
fn field_list(r: &RecordTy) -> String {
    let names: Vec<String> = r.fields.iter().map(|f| format!("`{}`", f.name)).collect();
    names.join(", ")
}

/// The variants of an enum, for messages.
fn variant_list(variants: &[Arc<str>]) -> String {
    let names: Vec<&str> = variants.iter().map(|v| &**v).collect();
    names.join(", ")
}

impl Expect<'_> {
    fn seed<'b>(&'b self, ty: &'b Ty, path: &'b Path<'b>) -> Seed<'b> {
        Seed {
            ty,
            path,
            ctx: self.ctx,
        }
    }

    /// What a value of the type looks like, for "expected …".
    fn expected(&self) -> String {
        match self.ty.required() {
            Ty::Bool => "true or false".into(),
            Ty::Int => "a whole number such as 3".into(),
            Ty::Decimal => "a decimal such as \"12.50\"".into(),
            Ty::Str => "a string such as \"text\"".into(),
            Ty::Date => "a date such as 2026-03-02".into(),
            Ty::DateTime => "a date and time such as 2026-03-02T10:00:00Z".into(),
            Ty::Enum(e) => format!("one of {}", variant_list(&e.variants)),
            Ty::List(t) => format!("a list such as [{}]", t.example()),
            Ty::Record(r) if self.path.is_root() => {
                let names: Vec<&str> = r.fields.iter().map(|f| &*f.name).collect();
                format!("a mapping of facts ({})", names.join(", "))
            }
            Ty::Record(r) => {
                let mut names: Vec<&str> = r.fields.iter().take(4).map(|f| &*f.name).collect();
                if r.fields.len() > 4 {
                    names.push("…");
                }
                if names.is_empty() {
                    "an empty mapping".into()
                } else {
                    format!("a mapping with the fields {}", names.join(", "))
                }
            }
            Ty::Optional(_) | Ty::Any => "a value".into(),
        }
    }

    /// The label under a value of the wrong type.
    fn label(&self) -> String {
        let what = match self.ty.required() {
            Ty::Bool => "true or false".to_string(),
            Ty::Int => "a whole number".into(),
            Ty::Decimal => "a decimal".into(),
            Ty::Str => "a string".into(),
            Ty::Date => "a date".into(),
            Ty::DateTime => "a date and time".into(),
            Ty::Enum(e) => format!("one of {}", variant_list(&e.variants)),
            Ty::List(_) => "a list".into(),
            Ty::Record(_) => "a mapping".into(),
            Ty::Optional(_) | Ty::Any => "a value".into(),
        };
        format!("expected {what}")
    }

    /// How to write a value of the type.
    fn default_help(&self) -> String {
        match self.ty.required() {
            Ty::Bool => "write true or false, without quotes".into(),
            Ty::Int => "write a whole number such as 3, without quotes or a decimal point".into(),
            Ty::Decimal => "write a number such as 12.50, or put it in quotes: \"12.50\"".into(),
            Ty::Str => "write the text, in quotes if it looks like a number or a boolean".into(),
            Ty::Date => "write a date as YYYY-MM-DD, such as 2026-03-02".into(),
            Ty::DateTime => {
                "write an RFC 3339 date and time with its UTC offset, such as 2026-03-02T10:00:00Z"
                    .into()
            }
            Ty::Enum(e) => format!("use one of: {}", variant_list(&e.variants)),
            Ty::List(t) if self.ctx.json => format!("write a JSON array such as [{}]", t.example()),
            Ty::List(t) => format!(
                "write a list such as [{}], or one `- item` line per element",
                t.example()
            ),
            Ty::Record(r) if r.fields.is_empty() => "write an empty mapping: {}".into(),
            Ty::Record(r) if self.path.is_root() => format!(
                "a facts document maps fact names to their values; the facts are: {}",
                field_list(r)
            ),
            Ty::Record(r) if self.ctx.json => {
                format!("write a JSON object with the fields {}", field_list(r))
            }
            Ty::Record(r) => format!(
                "write the fields as `name: value` entries; the fields are: {}",
                field_list(r)
            ),
            Ty::Optional(_) | Ty::Any => "write a value".into(),
        }
    }

    /// A wrong-type error; the message is completed with what was found.
    fn wrong(&self, found: Found, help: Option<String>, hint: Option<String>) -> Detail {
        Detail {
            code: codes::FACTS_WRONG_TYPE,
            message: format!("{}: expected {}", self.path.subject(), self.expected()),
            found: Some(found),
            label: self.label(),
            help: help.unwrap_or_else(|| self.default_help()),
            target: Target::Node,
            hint,
        }
    }

    fn fail<E: de::Error>(&self, detail: Detail) -> E {
        self.ctx.fail(detail)
    }

    /// A scalar that is not a string: a number or a boolean, as text.
    fn non_string<E: de::Error>(&self, text: String) -> E {
        let help = match self.ty.required() {
            Ty::Str => Some(format!(
                "put the value in quotes to make it a string: \"{text}\""
            )),
            _ => None,
        };
        self.fail(self.wrong(Found::Text, help, None))
    }

    /// An int that does not fit in 64 bits.
    fn int_out_of_range<E: de::Error>(&self, text: String) -> E {
        self.fail(Detail {
            code: codes::FACTS_WRONG_TYPE,
            message: format!(
                "{}: `{SHOWN}` is out of range for an int",
                self.path.subject()
            ),
            found: None,
            label: "out of range".into(),
            help: format!("ints hold whole numbers from {} to {}", i64::MIN, i64::MAX),
            target: Target::Node,
            hint: Some(text),
        })
    }

    /// A whole number read by YAML.
    fn int<E: de::Error>(&self, v: i128) -> Result<Value, E> {
        match self.ty.required() {
            Ty::Int => i64::try_from(v)
                .map(Value::Int)
                .map_err(|_| self.int_out_of_range(v.to_string())),
            Ty::Decimal => self.decimal(&v.to_string(), false),
            _ => Err(self.non_string(v.to_string())),
        }
    }

    fn uint<E: de::Error>(&self, v: u128) -> Result<Value, E> {
        match i128::try_from(v) {
            Ok(v) => self.int(v),
            Err(_) => match self.ty.required() {
                Ty::Int => Err(self.int_out_of_range(v.to_string())),
                Ty::Decimal => self.decimal(&v.to_string(), false),
                _ => Err(self.non_string(v.to_string())),
            },
        }
    }

    /// The digits of a JSON number (or a YAML number read as text).
    fn number<E: de::Error>(&self, text: &str) -> Result<Value, E> {
        match self.ty.required() {
            Ty::Int => {
                let digits = text.strip_prefix('-').unwrap_or(text);
                if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                    text.parse::<i64>()
                        .map(Value::Int)
                        .map_err(|_| self.int_out_of_range(text.to_string()))
                } else {
                    Err(self.fail(self.wrong(
                        Found::Text,
                        Some("an int is a whole number: write it without a decimal point or exponent".into()),
                        None,
                    )))
                }
            }
            Ty::Decimal => self.decimal(text, false),
            _ => Err(self.non_string(text.to_string())),
        }
    }

    /// Reads an exact decimal from its text (`is_text`: read from a string,
    /// not from a number's digits).
    fn decimal<E: de::Error>(&self, text: &str, is_text: bool) -> Result<Value, E> {
        let hint = is_text.then(|| text.to_string());
        match parse_decimal(text) {
            Ok(d) => Ok(Value::Decimal(d)),
            Err(DecimalError::Syntax) => Err(self.fail(self.wrong(Found::Text, None, hint))),
            Err(DecimalError::TooLarge) => Err(self.fail(Detail {
                code: codes::FACTS_INEXACT_NUMBER,
                message: format!("{}: `{SHOWN}` is too large for a decimal", self.path.subject()),
                found: None,
                label: "too large".into(),
                help: format!("decimals hold numbers up to {} in size", Decimal::MAX),
                target: Target::Node,
                hint: hint.clone(),
            })),
            Err(DecimalError::Inexact) => Err(self.fail(Detail {
                code: codes::FACTS_INEXACT_NUMBER,
                message: format!(
                    "{}: `{SHOWN}` has more digits than a decimal holds exactly",
                    self.path.subject()
                ),
                found: None,
                label: "cannot be held exactly".into(),
                help: "decimals hold at most 28 digits after the point and 28 or 29 significant digits; round the number so that nothing is lost silently".into(),
                target: Target::Node,
                hint: hint.clone(),
            })),
        }
    }

    /// A string value.
    fn string<E: de::Error>(&self, s: &str) -> Result<Value, E> {
        match self.ty.required() {
            Ty::Str => Ok(Value::Str(Arc::from(s))),
            Ty::Decimal => self.decimal(s, true),
            Ty::Date => parse_date(s).map(Value::Date).ok_or_else(|| {
                let help = if s.len() == 10 && s.as_bytes().get(4) == Some(&b'-') {
                    Some(
                        "that day does not exist: write a real calendar day as YYYY-MM-DD"
                            .to_string(),
                    )
                } else {
                    None
                };
                self.fail(self.wrong(Found::Text, help, Some(s.to_string())))
            }),
            Ty::DateTime => match parse_datetime(s.trim()) {
                Ok(at) => Ok(Value::DateTime(at)),
                Err(DateTimeError::Syntax) => {
                    Err(self.fail(self.wrong(Found::Text, None, Some(s.to_string()))))
                }
                Err(DateTimeError::Inexact) => Err(self.fail(Detail {
                    code: codes::FACTS_INEXACT_NUMBER,
                    message: format!(
                        "{}: `{SHOWN}` has more digits after the seconds' point than a datetime holds exactly",
                        self.path.subject()
                    ),
                    found: None,
                    label: "cannot be held exactly".into(),
                    help: "datetimes hold at most nanoseconds: 9 digits after the seconds' point; round the time so that nothing is lost silently".into(),
                    target: Target::Node,
                    hint: Some(s.to_string()),
                })),
            },
            Ty::Enum(e) => match e.variants.iter().find(|v| &***v == s) {
                Some(v) => Ok(Value::Enum(v.clone())),
                None if s.trim().is_empty() => Err(self.fail(self.wrong(Found::Text, None, None))),
                None => {
                    let list = variant_list(&e.variants);
                    let help = match suggest(s, e.variants.iter().map(|v| &**v)) {
                        Some(near) => format!("did you mean `{near}`? The variants are: {list}"),
                        None => format!("use one of: {list}"),
                    };
                    Err(self.fail(Detail {
                        code: codes::FACTS_UNKNOWN_VARIANT,
                        message: format!(
                            "{}: `{}` is not one of {list}",
                            self.path.subject(),
                            excerpt(s)
                        ),
                        found: None,
                        label: "not a variant".into(),
                        help,
                        target: Target::Node,
                        hint: Some(s.to_string()),
                    }))
                }
            },
            Ty::Int if s.trim().parse::<i64>().is_ok() => Err(self.fail(self.wrong(
                Found::Text,
                Some(format!("remove the quotes: {}", s.trim())),
                Some(s.to_string()),
            ))),
            Ty::Bool if matches!(s.trim(), "true" | "false") => Err(self.fail(self.wrong(
                Found::Text,
                Some(format!("remove the quotes: {}", s.trim())),
                Some(s.to_string()),
            ))),
            _ => Err(self.fail(self.wrong(Found::Text, None, Some(s.to_string())))),
        }
    }

    /// `null`, `~` or nothing where a value is required.
    fn nothing<E: de::Error>(&self) -> Result<Value, E> {
        if self.ty.is_optional() || matches!(self.ty, Ty::Any) {
            return Ok(Value::Absent);
        }
        if matches!(self.ty, Ty::Record(_)) {
            return Err(self.fail(self.wrong(Found::Text, None, None)));
        }
        let help = format!(
            "{} is required: give it a value such as {}",
            self.path.subject(),
            self.ty.example()
        );
        Err(self.fail(self.wrong(Found::Text, Some(help), None)))
    }

    fn record<'de, A: MapAccess<'de>>(&self, r: &RecordTy, mut map: A) -> Result<Value, A::Error> {
        // The record is filled in place: one allocation, no copy.
        let mut values: Arc<[Value]> = std::iter::repeat_n(Value::Absent, r.fields.len()).collect();
        let mut seen = Seen::new(r.fields.len());
        loop {
            let key = map.next_key_seed(KeySeed {
                record: r,
                seen: &seen,
                path: self.path,
                ctx: self.ctx,
            })?;
            match key {
                None => break,
                Some(Key::Number) => {
                    let digits: String = map.next_value()?;
                    return self.number(&digits);
                }
                Some(Key::Field(i)) => {
                    let Some(field) = r.fields.get(i) else {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    };
                    let path = Path::Field(self.path, &field.name);
                    let value = map.next_value_seed(self.seed(&field.ty, &path))?;
                    if let Some(slot) = Arc::get_mut(&mut values).and_then(|v| v.get_mut(i)) {
                        *slot = value;
                    }
                    seen.set(i);
                }
            }
        }
        let missing: Vec<&FieldTy> = r
            .fields
            .iter()
            .enumerate()
            .filter(|(i, field)| !seen.has(*i) && !field.ty.is_optional())
            .map(|(_, field)| field)
            .collect();
        if let Some(first) = missing.first() {
            let (noun, place) = if self.path.is_root() {
                ("fact", "the document".to_string())
            } else {
                ("field", format!("`{}`", self.path))
            };
            let message = if self.path.is_root() {
                format!("missing required fact `{}`", first.name)
            } else {
                format!("`{}`: missing required field `{}`", self.path, first.name)
            };
            let entry = if self.ctx.json {
                format!("\"{}\": {}", first.name, json_example(&first.ty))
            } else {
                format!("{}: {}", first.name, first.ty.example())
            };
            let mut help = format!("add `{entry}` to {place}");
            if missing.len() > 1 {
                let rest: Vec<String> = missing
                    .iter()
                    .skip(1)
                    .map(|f| format!("`{}`", f.name))
                    .collect();
                help.push_str(&format!(" (also missing: {})", rest.join(", ")));
            }
            return Err(self.fail(Detail {
                code: codes::FACTS_MISSING_FIELD,
                message,
                found: None,
                label: format!("this mapping has no {noun} `{}`", first.name),
                help,
                target: Target::Mapping,
                hint: None,
            }));
        }
        Ok(Value::Record(values))
    }
}

/// Which fields of a record a document gave: a bit set, on the heap only
/// for records of more than 64 fields.
struct Seen {
    small: u64,
    big: Vec<bool>,
}

impl Seen {
    fn new(fields: usize) -> Seen {
        Seen {
            small: 0,
            big: if fields > 64 {
                vec![false; fields]
            } else {
                Vec::new()
            },
        }
    }

    fn has(&self, i: usize) -> bool {
        if self.big.is_empty() {
            i < 64 && self.small & (1 << i) != 0
        } else {
            self.big.get(i).copied().unwrap_or(false)
        }
    }

    fn set(&mut self, i: usize) {
        if self.big.is_empty() {
            if i < 64 {
                self.small |= 1 << i;
            }
        } else if let Some(b) = self.big.get_mut(i) {
            *b = true;
        }
    }
}

/// An example value in JSON syntax.
fn json_example(ty: &Ty) -> String {
    match ty.required() {
        Ty::Date | Ty::DateTime | Ty::Enum(_) => format!("\"{}\"", ty.example()),
        Ty::List(t) => format!("[{}]", json_example(t)),
        Ty::Record(_) => "{ … }".into(),
        _ => ty.example(),
    }
}

impl<'de> Visitor<'de> for Expect<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.expected())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        match self.ty.required() {
            Ty::Bool => Ok(Value::Bool(v)),
            _ => Err(self.non_string(v.to_string())),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.int(i128::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.int(i128::from(v))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        self.int(v)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        self.uint(v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        // Only YAML floats for non-decimal fields get here (decimals are read
        // as text): a wrong type whatever the value.
        let text = v.to_string();
        match self.ty.required() {
            Ty::Int => Err(self.fail(self.wrong(
                Found::Text,
                Some(
                    "an int is a whole number: write it without a decimal point or exponent".into(),
                ),
                None,
            ))),
            Ty::Decimal => self.decimal(&text, false),
            _ => Err(self.non_string(text)),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.string(v)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.nothing()
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.nothing()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        // `required()` is never optional, so this does not come back here.
        self.seed(self.ty.required(), self.path).deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let Ty::List(elem) = self.ty.required() else {
            return Err(self.fail(self.wrong(Found::Seq, None, None)));
        };
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        loop {
            let path = Path::Index(self.path, items.len());
            match seq.next_element_seed(self.seed(elem, &path))? {
                Some(v) => items.push(v),
                None => break,
            }
        }
        Ok(Value::List(items.into()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if let Ty::Record(r) = self.ty.required() {
            return self.record(r, map);
        }
        if self.ctx.json {
            // With `arbitrary_precision`, a JSON number arrives as a
            // one-entry map holding its digits.
            if let Some(is_number) = map.next_key_seed(IsNumberToken)? {
                if is_number {
                    let digits: String = map.next_value()?;
                    return self.number(&digits);
                }
                let mut detail = self.wrong(Found::Map, None, None);
                detail.target = Target::ObjectAfterKey;
                return Err(self.fail(detail));
            }
        }
        Err(self.fail(self.wrong(Found::Map, None, None)))
    }
}

/// Reads a JSON object's key and tells whether it is the token serde_json
/// hands a number's digits under, without copying the key.
struct IsNumberToken;

impl<'de> DeserializeSeed<'de> for IsNumberToken {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for IsNumberToken {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == JSON_NUMBER_TOKEN)
    }
}

/// A key of a record: the index of its field.
enum Key {
    Field(usize),
    /// The key serde_json uses to hand over a number's digits.
    Number,
}

/// Reads a key of a record and checks it against the record's fields, so
/// that an unknown or repeated key is reported at the key.
struct KeySeed<'a> {
    record: &'a RecordTy,
    seen: &'a Seen,
    path: &'a Path<'a>,
    ctx: &'a Ctx,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        let ctx = self.ctx;
        let path = self.path;
        let result = d.deserialize_str(self);
        if let Err(e) = &result {
            if !ctx.has_detail() && e.to_string().contains("invalid type: ") {
                ctx.fail::<D::Error>(Detail {
                    code: codes::FACTS_WRONG_TYPE,
                    message: format!("{}: a key must be a field name", path.subject()),
                    found: None,
                    label: "not a field name".into(),
                    help: "write keys as plain names, such as `amount: 3`".into(),
                    target: Target::Node,
                    hint: None,
                });
            }
        }
        result
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        if self.ctx.json && key == JSON_NUMBER_TOKEN {
            return Ok(Key::Number);
        }
        // Only errors need these words: build them on the error paths.
        let noun = if self.path.is_root() { "fact" } else { "field" };
        let place = || {
            if self.path.is_root() {
                "the document".to_string()
            } else {
                format!("`{}`", self.path)
            }
        };
        match self.record.field(key) {
            Some((i, _)) => {
                if self.seen.has(i) {
                    return Err(self.ctx.fail(Detail {
                        code: codes::FACTS_SYNTAX,
                        message: format!("{}: the {noun} `{key}` is given twice", place()),
                        found: None,
                        label: "given again here".into(),
                        help: format!("keep only one `{key}` entry"),
                        target: Target::Node,
                        hint: Some(key.to_string()),
                    }));
                }
                Ok(Key::Field(i))
            }
            None => {
                let names = self.record.fields.iter().map(|f| &*f.name);
                let help = if key == "<<" {
                    "YAML merge keys (`<<`) are not supported in facts: write the fields out"
                        .to_string()
                } else if let Some(near) = suggest(key, names) {
                    format!("did you mean `{near}`?")
                } else if self.record.fields.is_empty() {
                    format!("{} has no {noun}s", place())
                } else if self.path.is_root() {
                    format!("the facts are: {}", field_list(self.record))
                } else {
                    format!("the fields of {} are: {}", place(), field_list(self.record))
                };
                let message = if self.path.is_root() {
                    format!("unknown fact `{}`", excerpt(key))
                } else {
                    format!("{}: unknown field `{}`", place(), excerpt(key))
                };
                Err(self.ctx.fail(Detail {
                    code: codes::FACTS_UNKNOWN_FIELD,
                    message,
                    found: None,
                    label: format!("unknown {noun}"),
                    help,
                    target: Target::Node,
                    hint: Some(key.to_string()),
                }))
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The identifier of a document that does not fit the schema
// ---------------------------------------------------------------------------

/// The request identifier of a document that could not be read against the
/// schema (`path`: the identifier's field names from the root), when it is
/// there as a scalar at all; `Value::Absent` otherwise.
///
/// Only the mappings along `path` are visited: everything else is skipped
/// without expanding YAML aliases, so that a document refused as an alias
/// bomb or for its size costs nothing more here.
pub fn loose_id(doc: &str, path: &[Arc<str>], limits: &Limits) -> Value {
    if path.is_empty() || doc.len() > limits.max_facts_bytes {
        return Value::Absent;
    }
    if flow_too_deep(doc, MAX_FLOW_DEPTH).is_some() {
        return Value::Absent;
    }
    PathSeed(path)
        .deserialize(serde_yaml::Deserializer::from_str(doc))
        .unwrap_or(Value::Absent)
}

/// Follows a path of mapping keys down to a scalar.
#[derive(Clone, Copy)]
struct PathSeed<'a>(&'a [Arc<str>]);

impl<'de> DeserializeSeed<'de> for PathSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PathSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping or a scalar")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(if self.0.is_empty() {
            Value::Bool(v)
        } else {
            Value::Absent
        })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(if self.0.is_empty() {
            Value::Str(Arc::from(v))
        } else {
            Value::Absent
        })
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Absent)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Value::Absent)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut found = Value::Absent;
        while let Some(key) = map.next_key::<KeyText>()? {
            match (self.0.split_first(), key.0) {
                (Some((first, rest)), Some(k)) if *k == **first && found == Value::Absent => {
                    found = map.next_value_seed(PathSeed(rest))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
}

/// A mapping key: its text when it is a string, `None` for anything else.
struct KeyText(Option<String>);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<KeyText, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(Some(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<KeyText, E> {
                Ok(KeyText(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<KeyText, E> {
                Ok(KeyText(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<KeyText, E> {
                Ok(KeyText(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<KeyText, E> {
                Ok(KeyText(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<KeyText, E> {
                Ok(KeyText(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeyText, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(KeyText(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyText, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(KeyText(None))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------

/// Why a text is not an exact decimal.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum DecimalError {
    /// Not a number.
    Syntax,
    /// Larger than the largest decimal.
    TooLarge,
    /// More digits than a decimal holds.
    Inexact,
}

/// Reads `[+-]digits[.digits][(e|E)[+-]digits]` exactly, keeping the scale
/// as written (`1200.50` has scale 2). Never rounds: a number that a
/// `Decimal` cannot hold exactly is an error.
pub(crate) fn parse_decimal(text: &str) -> Result<Decimal, DecimalError> {
    match plain_decimal(text.trim()) {
        Some(d) => Ok(d),
        None => parse_decimal_general(text),
    }
}

/// The common case read directly: an optional sign, then at most 18 digits
/// with at most one point, no exponent. `None` for anything else.
fn plain_decimal(t: &str) -> Option<Decimal> {
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..)?),
        Some(b'+') => (false, t.get(1..)?),
        _ => (false, t),
    };
    let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
    let digits = int_part.len() + frac_part.len();
    if digits == 0
        || digits > 18
        || (body.contains('.') && (int_part.is_empty() || frac_part.is_empty()))
    {
        return None;
    }
    let mut m: i64 = 0;
    for b in int_part.bytes().chain(frac_part.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        m = m * 10 + i64::from(b - b'0');
    }
    let scale = u32::try_from(frac_part.len()).ok()?;
    Some(Decimal::new(if negative { -m } else { m }, scale))
}

/// Any decimal text: exponents, many digits, and the exactness checks.
fn parse_decimal_general(text: &str) -> Result<Decimal, DecimalError> {
    let t = text.trim();
    let (negative, t) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..).unwrap_or("")),
        Some(b'+') => (false, t.get(1..).unwrap_or("")),
        _ => (false, t),
    };
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (t.get(..i).unwrap_or(""), Some(t.get(i + 1..).unwrap_or(""))),
        None => (t, None),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((a, b)) => (a, b),
        None => (mantissa, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty())
        || !all_digits(int_part)
        || !all_digits(frac_part)
    {
        return Err(DecimalError::Syntax);
    }
    // The exponent, saturated: beyond ±10^9 only its sign matters.
    let exponent: i64 = match exponent {
        None => 0,
        Some(e) => {
            let (neg, digits) = match e.as_bytes().first() {
                Some(b'-') => (true, e.get(1..).unwrap_or("")),
                Some(b'+') => (false, e.get(1..).unwrap_or("")),
                _ => (false, e),
            };
            if digits.is_empty() || !all_digits(digits) {
                return Err(DecimalError::Syntax);
            }
            let digits = digits.trim_start_matches('0');
            // `e0`, `e-00`: no significant digit, a zero exponent.
            let magnitude: i64 = if digits.is_empty() {
                0
            } else if digits.len() > 10 {
                1_000_000_000_000
            } else {
                digits.parse().unwrap_or(1_000_000_000_000)
            };
            if neg {
                -magnitude
            } else {
                magnitude
            }
        }
    };
    // value = digits × 10^power
    let mut digits: String = format!("{int_part}{frac_part}");
    let frac_len = i64::try_from(frac_part.len()).unwrap_or(i64::MAX);
    let mut power = exponent.saturating_sub(frac_len);
    let significant = digits.trim_start_matches('0');
    if significant.is_empty() {
        // Zero: keep the written scale when a decimal can hold it.
        let scale = u32::try_from(power.saturating_neg().clamp(0, 28)).unwrap_or(0);
        return Decimal::try_from_i128_with_scale(0, scale).map_err(|_| DecimalError::Syntax);
    }
    digits = significant.to_string();
    // Integer digits beyond 29 cannot fit, whatever follows.
    let int_digits = i64::try_from(digits.len())
        .unwrap_or(i64::MAX)
        .saturating_add(power);
    if int_digits > 29 {
        return Err(DecimalError::TooLarge);
    }
    if power >= 0 {
        // A whole number: digits followed by `power` zeros.
        let mut m: i128 = digits.parse().map_err(|_| DecimalError::TooLarge)?;
        for _ in 0..power {
            m = m.checked_mul(10).ok_or(DecimalError::TooLarge)?;
        }
        if negative {
            m = -m;
        }
        return Decimal::try_from_i128_with_scale(m, 0).map_err(|_| DecimalError::TooLarge);
    }
    // A fraction: drop trailing zeros only as far as needed to fit.
    while (power < -28 || digits.len() > 29) && digits.ends_with('0') {
        digits.pop();
        power += 1;
    }
    if power < -28 || digits.len() > 29 {
        return Err(DecimalError::Inexact);
    }
    let mut m: i128 = digits.parse().map_err(|_| DecimalError::Inexact)?;
    if negative {
        m = -m;
    }
    let scale = u32::try_from(-power).map_err(|_| DecimalError::Inexact)?;
    let d = Decimal::try_from_i128_with_scale(m, scale).map_err(|_| {
        if int_digits >= 29 {
            DecimalError::TooLarge
        } else {
            DecimalError::Inexact
        }
    })?;
    // Belt and braces: the decimal holds exactly the digits written.
    if d.mantissa() != m || d.scale() != scale {
        return Err(DecimalError::Inexact);
    }
    Ok(d)
}

// ---------------------------------------------------------------------------
// Locating errors
// ---------------------------------------------------------------------------

/// The largest char boundary of `text` at or before `i`.
fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The byte length of the character at `i`, or 0 at the end.
fn char_len_at(text: &str, i: usize) -> usize {
    text.get(i..)
        .and_then(|s| s.chars().next())
        .map_or(0, char::len_utf8)
}

/// Drops every " at line N column M" and " at position N" from a parser's
/// message, and the trailing period-less noise that leaves.
fn clean_message(message: &str) -> String {
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

/// A YAML error as a located error.
fn yaml_error(e: &serde_yaml::Error, ctx: &Ctx, doc: &str) -> Located {
    // unsafe-libyaml counts `index` in bytes (a leading BOM included).
    let at = e.location().map_or(0, |l| floor_boundary(doc, l.index()));
    match ctx.take_detail() {
        Some(detail) => {
            let (start, len) = yaml_span(doc, at, &detail);
            Located::from_detail(detail, doc, start, len, false)
        }
        None => {
            let text = e.to_string();
            let help = if text.contains("repetition limit exceeded") {
                "YAML aliases (`*name`) repeat the node they name; write the values out instead of repeating large nodes"
            } else if text.contains("recursion limit exceeded") {
                "the document nests too deeply"
            } else if text.contains("unknown anchor") {
                "define the anchor (`&name`) before the alias (`*name`) that repeats it"
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
            }
        }
    }
}

/// A JSON error as a located error.
fn json_error(e: &serde_json::Error, ctx: &Ctx, doc: &str) -> Located {
    // serde_json's column counts bytes from the line's start to the position
    // after the input it had consumed.
    let end = if e.line() == 0 {
        0
    } else {
        floor_boundary(doc, line_start(doc, e.line()).saturating_add(e.column()))
    };
    match ctx.take_detail() {
        Some(detail) => {
            let (start, len) = if detail.target == Target::ObjectAfterKey {
                // Back over the key and the whitespace to the `{`.
                let (key, _) = json_span(doc, end);
                let b = doc.as_bytes();
                let mut open = key;
                while open > 0 && b.get(open - 1).is_some_and(u8::is_ascii_whitespace) {
                    open -= 1;
                }
                json_span(doc, open)
            } else {
                json_span(doc, end)
            };
            Located::from_detail(detail, doc, start, len, true)
        }
        None => {
            let (start, len) = if e.classify() == serde_json::error::Category::Eof || end == 0 {
                (end, 0)
            } else {
                let at = floor_boundary(doc, end - 1);
                (at, char_len_at(doc, at))
            };
            Located {
                code: codes::FACTS_SYNTAX,
                message: format!("invalid JSON: {}", clean_message(&e.to_string())),
                label: "here".into(),
                help:
                    "fix the JSON here: check for a missing or extra comma, brace, bracket or quote"
                        .into(),
                start,
                len,
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

/// The end (just past the closing bracket) of the flow collection opening at
/// `open`, if it closes on the same line.
fn flow_end(b: &[u8], open: usize, yaml: bool) -> Option<usize> {
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
fn double_quoted_end(b: &[u8], open: usize) -> Option<usize> {
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
fn single_quoted_end(b: &[u8], open: usize) -> Option<usize> {
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
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;
    use crate::source::Span;
    use crate::types::EnumTy;
    use chrono::NaiveDate;

    fn field(name: &str, ty: Ty) -> FieldTy {
        FieldTy {
            name: Arc::from(name),
            ty,
            span: Span::default(),
        }
    }

    fn record(fields: Vec<FieldTy>) -> Arc<RecordTy> {
        Arc::new(RecordTy { fields })
    }

    /// order: { amount: decimal, count: int, currency: one of EUR, USD,
    /// note: optional string, day: date, at: optional datetime,
    /// tags: list of string, paid: bool },
    /// coupon: optional { code: string }
    fn schema() -> Arc<RecordTy> {
        let currency = Arc::new(EnumTy {
            variants: vec![Arc::from("EUR"), Arc::from("USD")],
        });
        let order = record(vec![
            field("amount", Ty::Decimal),
            field("count", Ty::Int),
            field("currency", Ty::Enum(currency)),
            field("note", Ty::Optional(Box::new(Ty::Str))),
            field("day", Ty::Optional(Box::new(Ty::Date))),
            field("at", Ty::Optional(Box::new(Ty::DateTime))),
            field("tags", Ty::Optional(Box::new(Ty::List(Box::new(Ty::Str))))),
            field("paid", Ty::Optional(Box::new(Ty::Bool))),
        ]);
        let coupon = record(vec![field("code", Ty::Str)]);
        record(vec![
            field("order", Ty::Record(order)),
            field("coupon", Ty::Optional(Box::new(Ty::Record(coupon)))),
        ])
    }

    fn file(text: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile::new("facts", text))
    }

    fn load_all(text: &str, format: Format) -> (Arc<SourceFile>, Vec<Result<Value, Diagnostic>>) {
        let f = file(text);
        let s = schema();
        let out = split(text, format)
            .into_iter()
            .map(|r| load(&s, &f, r, format))
            .collect();
        (f, out)
    }

    fn one(text: &str, format: Format) -> Result<Value, Diagnostic> {
        let f = file(text);
        let s = schema();
        let ranges = split(text, format);
        assert_eq!(ranges.len(), 1, "{ranges:?}");
        load(&s, &f, ranges[0].clone(), format)
    }

    fn order(v: &Value) -> Vec<Value> {
        match v {
            Value::Record(root) => match &root[0] {
                Value::Record(o) => o.to_vec(),
                other => panic!("order is {other:?}"),
            },
            other => panic!("root is {other:?}"),
        }
    }

    fn dec(v: &Value) -> Decimal {
        match v {
            Value::Decimal(d) => *d,
            other => panic!("not a decimal: {other:?}"),
        }
    }

    fn err(text: &str, format: Format) -> Diagnostic {
        match one(text, format) {
            Ok(v) => panic!("loaded {v:?}"),
            Err(d) => d,
        }
    }

    trait Start {
        fn json_start(&self) -> usize;
    }

    impl Start for Diagnostic {
        fn json_start(&self) -> usize {
            self.to_json()["byte_start"]
                .as_u64()
                .map_or(usize::MAX, |v| v as usize)
        }
    }

    const YAML_OK: &str = "order:\n  amount: 1200.5\n  count: 3\n  currency: EUR\n";

    #[test]
    fn exact_decimals_from_yaml_numbers_and_strings() {
        let v = one(YAML_OK, Format::Yaml).unwrap();
        let o = order(&v);
        let d = dec(&o[0]);
        assert_eq!(d.to_string(), "1200.5");
        assert_eq!(d.scale(), 1);
        assert_eq!(o[1], Value::Int(3));
        assert_eq!(o[2], Value::Enum(Arc::from("EUR")));
        for (text, want) in [
            ("\"12.50\"", "12.50"),
            ("'0.1'", "0.1"),
            ("0.1", "0.1"),
            ("12", "12"),
            ("-3.000", "-3.000"),
            ("1e3", "1000"),
            ("1.5E-3", "0.0015"),
            (
                "1234567890123456789012345678.9",
                "1234567890123456789012345678.9",
            ),
            (
                "0.1000000000000000000000000000",
                "0.1000000000000000000000000000",
            ),
        ] {
            let doc = format!("order: {{amount: {text}, count: 1, currency: USD}}\n");
            let v = one(&doc, Format::Yaml).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert_eq!(dec(&order(&v)[0]).to_string(), want, "{text}");
        }
    }

    #[test]
    fn exact_decimals_from_json_numbers_and_strings() {
        for (text, want) in [
            ("1200.5", "1200.5"),
            ("\"12.50\"", "12.50"),
            ("0.1", "0.1"),
            ("-7", "-7"),
            ("12.50e3", "12500"),
            (
                "79228162514264337593543950335",
                "79228162514264337593543950335",
            ),
        ] {
            let doc = format!(
                "{{\"order\": {{\"amount\": {text}, \"count\": 1, \"currency\": \"EUR\"}}}}"
            );
            let v = one(&doc, Format::Json).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert_eq!(dec(&order(&v)[0]).to_string(), want, "{text}");
        }
        let d = dec(&order(
            &one(
                "{\"order\": {\"amount\": 1200.5, \"count\": 1, \"currency\": \"EUR\"}}",
                Format::Json,
            )
            .unwrap(),
        )[0]);
        assert_eq!(d.scale(), 1);
    }

    #[test]
    fn decimal_parser_is_exact() {
        assert_eq!(
            parse_decimal("0.1000000000000000000000000000001"),
            Err(DecimalError::Inexact)
        );
        assert_eq!(
            parse_decimal("79228162514264337593543950336"),
            Err(DecimalError::TooLarge)
        );
        assert_eq!(parse_decimal("1e29"), Err(DecimalError::TooLarge));
        assert_eq!(
            parse_decimal("1e999999999999999999999"),
            Err(DecimalError::TooLarge)
        );
        assert_eq!(
            parse_decimal("1e-999999999999999999999"),
            Err(DecimalError::Inexact)
        );
        assert_eq!(
            parse_decimal("0e-999999999999999999999").map(|d| d.is_zero()),
            Ok(true)
        );
        assert_eq!(
            parse_decimal("1.0000000000000000000000000000000").map(|d| d.to_string()),
            Ok("1.0000000000000000000000000000".into())
        );
        for bad in [
            "", "-", ".", "1.2.3", "twelve", "0x10", "1_000", "nan", ".inf", "1e", "e5", "1,5",
        ] {
            assert_eq!(parse_decimal(bad), Err(DecimalError::Syntax), "{bad}");
        }
        assert_eq!(parse_decimal(".5").map(|d| d.to_string()), Ok("0.5".into()));
        assert_eq!(
            parse_decimal("-0.00").map(|d| d.to_string()),
            Ok("0.00".into())
        );
    }

    /// Exponent forms: each text's exact value (as `Decimal`'s text), or
    /// the error it must give.
    const EXPONENTS: &[(&str, Result<&str, DecimalError>)] = &[
        ("1e0", Ok("1")),
        ("1E0", Ok("1")),
        ("1e+0", Ok("1")),
        ("1E+0", Ok("1")),
        ("1e-0", Ok("1")),
        ("1e00", Ok("1")),
        ("1e-000", Ok("1")),
        ("0e0", Ok("0")),
        ("-0e0", Ok("0")),
        ("1.5e0", Ok("1.5")),
        ("1.50e0", Ok("1.50")),
        ("-1.5E+0", Ok("-1.5")),
        ("2.5e1", Ok("25")),
        ("2.5e+1", Ok("25")),
        ("25e-1", Ok("2.5")),
        ("1e3", Ok("1000")),
        ("1E3", Ok("1000")),
        ("-1e3", Ok("-1000")),
        ("1e-3", Ok("0.001")),
        ("1.25e-2", Ok("0.0125")),
        ("0.0e5", Ok("0")),
        ("0.00e-1", Ok("0.000")),
        ("123.456e3", Ok("123456")),
        ("1e28", Ok("10000000000000000000000000000")),
        ("1e-28", Ok("0.0000000000000000000000000001")),
        ("1e29", Err(DecimalError::TooLarge)),
        ("1e-29", Err(DecimalError::Inexact)),
        ("1e9999999999", Err(DecimalError::TooLarge)),
        ("1e-9999999999", Err(DecimalError::Inexact)),
        ("1e", Err(DecimalError::Syntax)),
        ("1e+", Err(DecimalError::Syntax)),
        ("1e1.5", Err(DecimalError::Syntax)),
        ("1ee1", Err(DecimalError::Syntax)),
        ("e0", Err(DecimalError::Syntax)),
    ];

    #[test]
    fn exponents_are_read_exactly() {
        for (text, want) in EXPONENTS {
            let got = parse_decimal(text).map(|d| d.to_string());
            let want = want.as_ref().map(|s| s.to_string());
            match (&got, &want) {
                (Ok(g), Ok(w)) => assert_eq!(g, w, "{text}"),
                (Err(g), Err(w)) => assert_eq!(g, *w, "{text}"),
                _ => panic!("{text}: got {got:?}, want {want:?}"),
            }
        }
    }

    /// Every reader of decimals (the fast JSON path, serde_json, YAML plain
    /// scalars, JSON and YAML strings) gives the same value or a coded error
    /// for the same text.
    #[test]
    fn every_decimal_reader_agrees_on_exponents() {
        let s = schema();
        for (text, want) in EXPONENTS {
            // The JSON number grammar allows what serde_json reads; other
            // texts are only tried as strings and YAML.
            let json_number = !text.starts_with('e')
                && !text.ends_with(['e', '+'])
                && !text.contains("ee")
                && !text.contains("e1.");
            let mut docs = vec![
                (format!("order: {{amount: {text}, count: 1, currency: EUR}}\n"), Format::Yaml),
                (format!("order: {{amount: \"{text}\", count: 1, currency: EUR}}\n"), Format::Yaml),
                (format!("{{\"order\": {{\"amount\": \"{text}\", \"count\": 1, \"currency\": \"EUR\"}}}}"), Format::Json),
            ];
            if json_number {
                docs.push((format!("{{\"order\": {{\"amount\": {text}, \"count\": 1, \"currency\": \"EUR\"}}}}"), Format::Json));
            }
            for (doc, format) in docs {
                let f = file(&doc);
                let range = 0..doc.len();
                let mut readers = vec![
                    ("load", load(&s, &f, range.clone(), format)),
                    (
                        "serde",
                        load_serde(&s, &f, range.clone(), format, &Limits::default()),
                    ),
                ];
                if format == Format::Json {
                    let fast = fast::read(&doc, &s, 64).ok_or_else(|| {
                        Diagnostic::new(codes::FACTS_SYNTAX, "fast path stepped aside")
                    });
                    if want.is_ok() {
                        readers.push(("fast", fast));
                    } else {
                        assert!(fast.is_err(), "the fast path read {doc}");
                    }
                }
                for (reader, got) in readers {
                    match (want, got) {
                        (Ok(w), Ok(v)) => {
                            assert_eq!(dec(&order(&v)[0]).to_string(), *w, "{reader}: {doc}")
                        }
                        (Err(DecimalError::Syntax), Err(d)) => assert!(
                            d.code_id() == codes::FACTS_WRONG_TYPE.id
                                || d.code_id() == codes::FACTS_SYNTAX.id,
                            "{reader}: {doc}: {}",
                            d.code_id()
                        ),
                        (Err(_), Err(d)) => assert_eq!(
                            d.code_id(),
                            codes::FACTS_INEXACT_NUMBER.id,
                            "{reader}: {doc}"
                        ),
                        (w, g) => panic!("{reader}: {doc}: want {w:?}, got {g:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn wrong_type_points_at_the_value() {
        let text = "order:\n  amount: twelve\n  count: 3\n  currency: EUR\n";
        let d = err(text, Format::Yaml);
        assert_eq!(d.code_id(), codes::FACTS_WRONG_TYPE.id);
        assert_eq!(
            d.message(),
            "`order.amount`: expected a decimal such as \"12.50\", found `twelve`"
        );
        assert_eq!(d.line_col(), Some((2, 11)));
        assert_eq!(d.underlined(), Some("twelve"));
        assert!(d.help_text().is_some_and(|h| h.contains("12.50")));

        let json =
            "{\"order\": {\n  \"amount\": \"1\",\n  \"count\": \"3\",\n  \"currency\": \"EUR\"}}";
        let d = err(json, Format::Json);
        assert_eq!(d.code_id(), codes::FACTS_WRONG_TYPE.id);
        assert_eq!(d.line_col(), Some((3, 12)));
        assert_eq!(d.underlined(), Some("\"3\""));
        assert_eq!(d.help_text(), Some("remove the quotes: 3"));

        // A bare number for a string field: quote it.
        let d = err(
            "order: {amount: 1, count: 1, currency: EUR, note: 42}\n",
            Format::Yaml,
        );
        assert_eq!(d.underlined(), Some("42"));
        assert!(
            d.help_text().is_some_and(|h| h.contains("\"42\"")),
            "{:?}",
            d.help_text()
        );

        // Fractions and overflow for ints.
        let d = err(
            "order: {amount: 1, count: 1.5, currency: EUR}\n",
            Format::Yaml,
        );
        assert_eq!(
            (d.code_id(), d.underlined()),
            (codes::FACTS_WRONG_TYPE.id, Some("1.5"))
        );
        let d = err(
            "{\"order\": {\"amount\": 1, \"count\": 99999999999999999999, \"currency\": \"EUR\"}}",
            Format::Json,
        );
        assert_eq!(
            (d.code_id(), d.underlined()),
            (codes::FACTS_WRONG_TYPE.id, Some("99999999999999999999"))
        );
        let d = err(
            "order: {amount: 1, count: 99999999999999999999, currency: EUR}\n",
            Format::Yaml,
        );
        assert_eq!(
            (d.code_id(), d.underlined()),
            (codes::FACTS_WRONG_TYPE.id, Some("99999999999999999999"))
        );

        // A mapping where a string is expected (serde_yaml raises this itself).
        let d = err(
            "order:\n  amount: 1\n  count: 1\n  currency:\n    code: EUR\n",
            Format::Yaml,
        );
        assert_eq!(d.code_id(), codes::FACTS_WRONG_TYPE.id);
        assert!(d.message().ends_with("found a mapping"), "{}", d.message());
        assert_eq!(d.line_col(), Some((5, 5)));

        // An object where a list is expected (serde_json stops after its
        // first key), and a plain scalar folded over two lines.
        let d = err("{\"order\": {\"amount\": 1, \"count\": 1, \"currency\": \"EUR\", \"tags\": {\"a\": 1}}}", Format::Json);
        assert_eq!(
            (d.underlined(), d.message().ends_with("found an object")),
            (Some("{\"a\": 1}"), true)
        );
        let d = err("order:\n  amount: 1\n   count: 2\n", Format::Yaml);
        assert_eq!(d.underlined(), Some("1"));
        assert!(d.message().ends_with("found `1 count`"), "{}", d.message());

        // The whole document is not a mapping.
        let d = err("- 1\n- 2\n", Format::Yaml);
        assert_eq!(
            (d.code_id(), d.line_col()),
            (codes::FACTS_WRONG_TYPE.id, Some((1, 1)))
        );
        let d = err("  [1, 2]", Format::Json);
        assert_eq!(
            (d.code_id(), d.line_col(), d.underlined()),
            (codes::FACTS_WRONG_TYPE.id, Some((1, 3)), Some("[1, 2]"))
        );
    }

    #[test]
    fn multibyte_text_before_the_error() {
        let text = "# café ünïcödé\norder: {amount: 1, count: 1, currency: EUR, note: \"é\", day: 2026-02-30}\n";
        let d = err(text, Format::Yaml);
        assert_eq!(d.underlined(), Some("2026-02-30"));
        assert_eq!(d.line_col(), Some((2, 61)));
        let text = "{\"order\": {\"note\": \"ü€\", \"amount\": 1, \"count\": 1, \"currency\": \"EUR\", \"day\": \"2026-13-01\"}}";
        let d = err(text, Format::Json);
        assert_eq!(d.underlined(), Some("\"2026-13-01\""));
    }

    #[test]
    fn unknown_field_with_suggestion() {
        let text = "order:\n  amout: 1\n  count: 3\n  currency: EUR\n";
        let d = err(text, Format::Yaml);
        assert_eq!(d.code_id(), codes::FACTS_UNKNOWN_FIELD.id);
        assert_eq!(d.message(), "`order`: unknown field `amout`");
        assert_eq!(d.line_col(), Some((2, 3)));
        assert_eq!(d.underlined(), Some("amout"));
        assert_eq!(d.help_text(), Some("did you mean `amount`?"));

        let json = "{\"order\": {\"count\": 3, \"amout\" : 1}}";
        let d = err(json, Format::Json);
        assert_eq!(d.code_id(), codes::FACTS_UNKNOWN_FIELD.id);
        assert_eq!(d.underlined(), Some("\"amout\""));
        assert_eq!(d.help_text(), Some("did you mean `amount`?"));

        let d = err("zzz: 1\n", Format::Yaml);
        assert_eq!(d.message(), "unknown fact `zzz`");
        assert_eq!(d.help_text(), Some("the facts are: `order`, `coupon`"));
    }

    #[test]
    fn unknown_keys_with_deep_nesting_do_not_overflow() {
        let deep = format!(
            "order: {{amount: 1, count: 1, currency: EUR}}\nextra: {}{}\n",
            "[".repeat(900),
            "]".repeat(900)
        );
        assert_eq!(
            err(&deep, Format::Yaml).code_id(),
            codes::FACTS_UNKNOWN_FIELD.id
        );
        let deep = format!("order:\n{}x\n", "- ".repeat(50_000));
        assert_eq!(
            err(&deep, Format::Yaml).code_id(),
            codes::FACTS_WRONG_TYPE.id
        );
        let deep = format!(
            "{{\"extra\": {}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(
            err(&deep, Format::Json).code_id(),
            codes::FACTS_UNKNOWN_FIELD.id
        );
        let deep = "[".repeat(100_000);
        assert!(one(&deep, Format::Json).is_err());
        assert!(one(&deep, Format::Yaml).is_err());
        let deep = "{a: ".repeat(100_000);
        assert!(one(&deep, Format::Yaml).is_err());
        let deep = "a:\n".repeat(5000) + "  b";
        assert!(one(&deep, Format::Yaml).is_err());
    }

    #[test]
    fn flow_depth_is_limited() {
        let deep = format!("order: 1\nextra: {}", "[".repeat(MAX_FLOW_DEPTH + 1));
        let d = err(&deep, Format::Yaml);
        assert_eq!(d.code_id(), codes::FACTS_SYNTAX.id);
        assert_eq!(d.json_start(), 16 + MAX_FLOW_DEPTH);
        let quoted = format!(
            "x: \"{}\" # {}\ny: '{}'",
            "[".repeat(2000),
            "{".repeat(2000),
            "[".repeat(2000)
        );
        assert_eq!(flow_too_deep(&quoted, MAX_FLOW_DEPTH), None);
    }

    #[test]
    fn alias_bomb_is_stopped() {
        let s = record(vec![field(
            "m",
            Ty::List(Box::new(Ty::List(Box::new(Ty::List(Box::new(Ty::Int)))))),
        )]);
        let mut text = String::from("m:\n  - &b [&a [");
        text.push_str(&vec!["1"; 1000].join(","));
        text.push_str("], ");
        text.push_str(&vec!["*a"; 1000].join(","));
        text.push_str("]\n");
        for _ in 0..1000 {
            text.push_str("  - *b\n");
        }
        let f = file(&text);
        let d = match load(&s, &f, 0..text.len(), Format::Yaml) {
            Ok(_) => panic!("the bomb loaded"),
            Err(d) => d,
        };
        assert_eq!(d.code_id(), codes::FACTS_SYNTAX.id);
    }

    #[test]
    fn missing_field_points_at_the_mapping() {
        let text = "order:\n  count: 3\n  currency: EUR\n";
        let d = err(text, Format::Yaml);
        assert_eq!(d.code_id(), codes::FACTS_MISSING_FIELD.id);
        assert_eq!(d.message(), "`order`: missing required field `amount`");
        assert_eq!(d.line_col(), Some((2, 3)));
        assert_eq!(d.help_text(), Some("add `amount: \"12.50\"` to `order`"));

        let d = err("coupon: {code: X}\n", Format::Yaml);
        assert_eq!(d.message(), "missing required fact `order`");
        assert_eq!(d.line_col(), Some((1, 1)));

        let json = "{\"order\":\n  {\"count\": 3}}";
        let d = err(json, Format::Json);
        assert_eq!(d.code_id(), codes::FACTS_MISSING_FIELD.id);
        assert_eq!(d.line_col(), Some((2, 3)));
        assert_eq!(d.underlined(), Some("{\"count\": 3}"));
        assert!(d
            .help_text()
            .is_some_and(|h| h.contains("also missing: `currency`")));
    }

    #[test]
    fn unknown_variant_lists_the_variants() {
        let d = err(
            "order: {amount: 1, count: 1, currency: eur}\n",
            Format::Yaml,
        );
        assert_eq!(d.code_id(), codes::FACTS_UNKNOWN_VARIANT.id);
        assert_eq!(
            d.message(),
            "`order.currency`: `eur` is not one of EUR, USD"
        );
        assert_eq!(d.underlined(), Some("eur"));
        assert_eq!(d.line_col(), Some((1, 40)));
        assert!(d
            .help_text()
            .is_some_and(|h| h.contains("did you mean `EUR`?")));
        let d = err(
            "{\"order\": {\"amount\": 1, \"count\": 1, \"currency\": \"GBP\"}}",
            Format::Json,
        );
        assert_eq!(d.code_id(), codes::FACTS_UNKNOWN_VARIANT.id);
        assert_eq!(d.underlined(), Some("\"GBP\""));
        assert_eq!(d.help_text(), Some("use one of: EUR, USD"));
    }

    #[test]
    fn inexact_number_is_refused() {
        let text =
            "order:\n  amount: 0.1000000000000000000000000000001\n  count: 1\n  currency: EUR\n";
        let d = err(text, Format::Yaml);
        assert_eq!(d.code_id(), codes::FACTS_INEXACT_NUMBER.id);
        assert_eq!(d.line_col(), Some((2, 11)));
        assert_eq!(d.underlined(), Some("0.1000000000000000000000000000001"));
        let json = "{\"order\": {\"amount\": 123456789012345678901234567890123, \"count\": 1, \"currency\": \"EUR\"}}";
        let d = err(json, Format::Json);
        assert_eq!(d.code_id(), codes::FACTS_INEXACT_NUMBER.id);
        assert_eq!(d.underlined(), Some("123456789012345678901234567890123"));
    }

    #[test]
    fn stream_with_a_broken_middle_document() {
        let text = "order: {amount: 1, count: 1, currency: EUR}\n---\norder:\n  amount: \"2\n  count: 1\n---\norder: {amount: 3, count: 1, currency: USD}\n";
        let ranges = split(text, Format::Yaml);
        assert_eq!(ranges.len(), 3);
        let (_, results) = load_all(text, Format::Yaml);
        assert_eq!(
            dec(&order(results[0].as_ref().unwrap())[0]).to_string(),
            "1"
        );
        assert_eq!(
            dec(&order(results[2].as_ref().unwrap())[0]).to_string(),
            "3"
        );
        let d = results[1].as_ref().unwrap_err();
        assert_eq!(d.code_id(), codes::FACTS_SYNTAX.id);
        assert!(!d.message().contains(" at line "), "{}", d.message());
        let json = d.to_json();
        let at = json["byte_start"].as_u64().unwrap() as usize;
        assert!(
            ranges[1].contains(&at) || at == ranges[1].end,
            "{at} not in {:?}",
            ranges[1]
        );
    }

    #[test]
    fn yaml_split_rules() {
        // No document at all: one empty document, refused when read.
        assert_eq!(split("", Format::Yaml), vec![0..0]);
        assert_eq!(split_piece("", Format::Yaml), Vec::<Range<usize>>::new());
        assert_eq!(split("# only a comment\n\n", Format::Yaml), vec![0..0]);
        assert_eq!(split("", Format::JsonLines), vec![0..0]);
        assert_eq!(split(" \n\t\n", Format::JsonLines), vec![0..0]);
        // Every `---` opens a document, empty or not.
        assert_eq!(
            split("---\n# c\n---\n...\n", Format::Yaml),
            vec![0..8, 8..16]
        );
        assert_eq!(split("---\n---\n", Format::Yaml), vec![0..4, 4..8]);
        assert_eq!(split("a: 1\n---\n", Format::Yaml), vec![0..5, 5..9]);
        assert_eq!(split("a: 1\n...\n# end\n", Format::Yaml), vec![0..9]);
        let text = "# lead\n%YAML 1.2\n---\na: 1\n--- # two\nb: 2\n...\n---\n  \n---   \nc: 3";
        let r = split(text, Format::Yaml);
        assert_eq!(r.len(), 4);
        assert_eq!(&text[r[0].clone()], "# lead\n%YAML 1.2\n---\na: 1\n");
        assert_eq!(&text[r[1].clone()], "--- # two\nb: 2\n...\n");
        assert_eq!(&text[r[2].clone()], "---\n  \n");
        assert_eq!(&text[r[3].clone()], "---   \nc: 3");
        for empty in [
            "",
            "  \n",
            "# c\n",
            "---\n",
            "--- # c\n...\n",
            "%YAML 1.2\n---\n",
        ] {
            assert!(is_empty_document(empty, false), "{empty:?}");
            let d = err(empty, Format::Yaml);
            assert_eq!(d.code_id(), codes::FACTS_EMPTY.id, "{empty:?}");
            assert_eq!(d.line_col(), Some((1, 1)));
        }
        for not_empty in ["~", "null", "--- {}", "a: 1"] {
            assert!(!is_empty_document(not_empty, false), "{not_empty:?}");
        }
        assert_eq!(err(" \n", Format::Json).code_id(), codes::FACTS_EMPTY.id);
        // `---` inside a value is not a separator; `----` is not a marker.
        assert_eq!(split("a: |\n  ---\n----\n", Format::Yaml).len(), 1);
        assert_eq!(split("{\"a\": 1}", Format::Json), vec![0..8]);
    }

    #[test]
    fn json_lines_offsets() {
        let text = "{\"order\": {\"amount\": 1, \"count\": 1, \"currency\": \"EUR\"}}\r\n\n  {\"order\": {\"amount\": 2, \"count\": true, \"currency\": \"EUR\"}}\n{\"order\": {\"amount\": \"3\", \"count\": 1, \"currency\": \"USD\"}}";
        let ranges = split(text, Format::JsonLines);
        assert_eq!(ranges.len(), 3);
        assert!(text[ranges[1].clone()].starts_with('{') && text[ranges[1].clone()].ends_with('}'));
        let (_, results) = load_all(text, Format::JsonLines);
        assert!(results[0].is_ok());
        assert!(results[2].is_ok());
        let d = results[1].as_ref().unwrap_err();
        assert_eq!(d.line_col(), Some((3, 36)));
        assert_eq!(d.underlined(), Some("true"));
        let d = one("{\"order\": {\"amount\": x}}", Format::Json).unwrap_err();
        assert_eq!(
            (d.code_id(), d.underlined()),
            (codes::FACTS_SYNTAX.id, Some("x"))
        );
        assert_eq!(d.message(), "invalid JSON: expected value");
    }

    #[test]
    fn optional_handling() {
        let v = one(YAML_OK, Format::Yaml).unwrap();
        let Value::Record(root) = &v else { panic!() };
        assert_eq!(root[1], Value::Absent);
        let o = order(&v);
        assert!(o[3..].iter().all(|v| *v == Value::Absent));

        let text = "order:\n  amount: 1\n  count: 1\n  currency: EUR\n  note: ~\n  day: null\n  at:\n  tags: [a, 'b']\n  paid: true\ncoupon: null\n";
        let v = one(text, Format::Yaml).unwrap();
        let o = order(&v);
        assert_eq!(&o[3..6], &[Value::Absent, Value::Absent, Value::Absent]);
        assert_eq!(
            o[6],
            Value::List(vec![Value::Str(Arc::from("a")), Value::Str(Arc::from("b"))].into())
        );
        assert_eq!(o[7], Value::Bool(true));

        let text = "{\"order\": {\"amount\": 1, \"count\": 1, \"currency\": \"EUR\", \"note\": null, \"day\": \"2026-03-02\", \"at\": \"2026-03-02T10:00:00+01:00\"}, \"coupon\": {\"code\": \"X\"}}";
        let v = one(text, Format::Json).unwrap();
        let o = order(&v);
        assert_eq!(o[3], Value::Absent);
        assert_eq!(
            o[4],
            Value::Date(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())
        );
        assert!(matches!(o[5], Value::DateTime(_)));
        let Value::Record(root) = &v else { panic!() };
        assert_eq!(
            root[1],
            Value::Record(vec![Value::Str(Arc::from("X"))].into())
        );

        // A required value given as null.
        let d = err(
            "order: {amount: 1, count: ~, currency: EUR}\n",
            Format::Yaml,
        );
        assert_eq!(d.code_id(), codes::FACTS_WRONG_TYPE.id);
        assert!(d.message().ends_with("found `~`"), "{}", d.message());
        let d = err(
            "order:\n  amount: 1\n  count:\n  currency: EUR\n",
            Format::Yaml,
        );
        assert!(d.message().ends_with("found nothing"), "{}", d.message());
        assert_eq!(d.line_col(), Some((3, 9)));
        let d = err("order: {amount: 1, count: 1, currency: }\n", Format::Yaml);
        assert_eq!(d.code_id(), codes::FACTS_WRONG_TYPE.id);
        assert!(
            d.message()
                .ends_with("expected one of EUR, USD, found nothing"),
            "{}",
            d.message()
        );
    }

    #[test]
    fn duplicates_and_odd_keys() {
        let d = err(
            "order: {amount: 1, count: 1, currency: EUR, count: 2}\n",
            Format::Yaml,
        );
        assert_eq!(d.code_id(), codes::FACTS_SYNTAX.id);
        assert_eq!(d.line_col(), Some((1, 45)));
        let d = err("order: {? [a]: 1}\n", Format::Yaml);
        assert_eq!(d.code_id(), codes::FACTS_WRONG_TYPE.id);
        let d = err("order: {<<: {a: 1}}\n", Format::Yaml);
        assert!(d.help_text().is_some_and(|h| h.contains("merge keys")));
        let d = err("order: !money {amount: 1}\n", Format::Yaml);
        assert_eq!(d.code_id(), codes::FACTS_WRONG_TYPE.id);
    }

    /// Input that a lenient reader would take silently (the last of two
    /// keys, a float's special values, a binary tag): each is refused with
    /// a code, by the fast JSON path and by serde alike.
    #[test]
    fn duplicates_and_special_values_are_refused_by_every_reader() {
        let s = schema();
        let json = [
            (
                r#"{"order": {"amount": 1, "count": 1, "currency": "EUR", "count": 2}}"#,
                codes::FACTS_SYNTAX,
            ),
            (
                r#"{"order": {"amount": 1, "count": 1, "currency": "EUR", "note": null, "note": "x"}}"#,
                codes::FACTS_SYNTAX,
            ),
            (
                r#"{"order": {"amount": 1, "count": 1, "currency": "EUR", "c\u006funt": 2}}"#,
                codes::FACTS_SYNTAX,
            ),
            (
                r#"{"order": {"amount": 1, "count": 1, "currency": "EUR"}, "order": {"amount": 2, "count": 1, "currency": "EUR"}}"#,
                codes::FACTS_SYNTAX,
            ),
            (
                r#"{"order": {"amount": NaN, "count": 1, "currency": "EUR"}}"#,
                codes::FACTS_SYNTAX,
            ),
            (
                r#"{"order": {"amount": Infinity, "count": 1, "currency": "EUR"}}"#,
                codes::FACTS_SYNTAX,
            ),
            (
                r#"{"order": {"amount": "NaN", "count": 1, "currency": "EUR"}}"#,
                codes::FACTS_WRONG_TYPE,
            ),
            (
                r#"{"order": {"amount": "-Infinity", "count": 1, "currency": "EUR"}}"#,
                codes::FACTS_WRONG_TYPE,
            ),
        ];
        for (doc, code) in json {
            assert!(
                fast::read(doc, &s, 64).is_none(),
                "the fast path read {doc}"
            );
            for format in [Format::Json, Format::JsonLines] {
                let d = err(doc, format);
                assert_eq!(d.code_id(), code.id, "{format:?} {doc}: {}", d.message());
            }
            // YAML reads `NaN` as a plain word: a wrong type there.
            let d = err(doc, Format::Yaml);
            assert!(
                [codes::FACTS_SYNTAX.id, codes::FACTS_WRONG_TYPE.id].contains(&d.code_id()),
                "{doc}: {}",
                d.code_id()
            );
        }
        let yaml = [
            ("order: {amount: 1, count: 1, currency: EUR, count: 2}", codes::FACTS_SYNTAX),
            ("order: {amount: 1, count: 1, currency: EUR}\norder: {amount: 2, count: 1, currency: EUR}", codes::FACTS_SYNTAX),
            ("order: {amount: .inf, count: 1, currency: EUR}", codes::FACTS_WRONG_TYPE),
            ("order: {amount: -.Inf, count: 1, currency: EUR}", codes::FACTS_WRONG_TYPE),
            ("order: {amount: .nan, count: 1, currency: EUR}", codes::FACTS_WRONG_TYPE),
            ("order: {amount: !!binary MTI=, count: 1, currency: EUR}", codes::FACTS_WRONG_TYPE),
            ("order: {amount: 1, count: 1, currency: EUR, 1: 2}", codes::FACTS_UNKNOWN_FIELD),
            ("order: {amount: 1, count: 1, currency: EUR, [a]: 2}", codes::FACTS_WRONG_TYPE),
            ("order: {amount: 1, count: 1, currency: EUR, null: 2}", codes::FACTS_UNKNOWN_FIELD),
        ];
        for (doc, code) in yaml {
            let d = err(doc, Format::Yaml);
            assert_eq!(d.code_id(), code.id, "{doc}: {}", d.message());
        }
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
    }

    #[test]
    fn messages_are_cleaned() {
        assert_eq!(
            clean_message("did not find expected key at line 3 column 1, while parsing a block mapping at line 1 column 1"),
            "did not find expected key, while parsing a block mapping"
        );
        assert_eq!(clean_message("x at position 12"), "x");
        assert_eq!(clean_message("look at this"), "look at this");
    }

    #[test]
    fn garbage_never_panics() {
        let s = schema();
        let inputs = [
            "",
            "\u{feff}",
            "\u{feff}order: 1",
            "---",
            "...",
            ":",
            "[",
            "{",
            "}",
            "\"",
            "'",
            "&a",
            "*a",
            "!",
            "? ",
            "order: &a {amount: 1, count: 1, currency: EUR}\ncoupon: *a\n",
            "order: [*a]",
            "%YAML 1.2",
            "\t- x",
            "{\"order\": {\"amount\": \"\\\"\"}}",
            "{\"order\": 1e99999}",
            "{\"order\": {\"amount\": -}}",
            "order: {amount: 1e}",
            "null",
            "~",
            "42",
            "\"s\"",
            "[]",
            "{}",
            "order:\n  amount: \"12.5\" # c\n  count: 0x10\n  currency: USD\n",
        ];
        for text in inputs {
            for format in [Format::Yaml, Format::Json, Format::JsonLines] {
                let f = file(text);
                for r in split(text, format) {
                    let _ = load(&s, &f, r, format);
                }
                let _ = load(&s, &f, 0..text.len(), format);
                let _ = load(&s, &f, 0..text.len() + 5, format);
            }
        }
        // Every prefix of a real document.
        let doc = "order:\n  amount: \"1.5\"\n  count: 2\n  currency: EUR\n  tags: [x, \"y\", 'z']\n  at: 2026-03-02T10:00:00Z\n";
        let json = "{\"order\": {\"amount\": 1.5, \"count\": 2, \"currency\": \"EUR\", \"tags\": [\"x\", \"y\\\"\"]}}";
        for text in [doc, json] {
            for (i, _) in text.char_indices() {
                let f = file(text);
                let _ = load(&s, &f, 0..i, Format::Yaml);
                let _ = load(&s, &f, 0..i, Format::Json);
            }
        }
    }

    #[test]
    fn dates_read_as_chrono_reads_them() {
        let mut cases: Vec<String> = [
            "2026-03-02",
            "2024-02-29",
            "2023-02-29",
            "2026-02-30",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "0000-01-01",
            "9999-12-31",
            " 2026-03-02 ",
            "2026-3-02",
            "20260302",
            "2026/03/02",
            "2026-03-0x",
            "+2026-03-02",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for m in 0..=13 {
            for d in [0, 1, 28, 29, 30, 31, 32] {
                cases.push(format!("2025-{m:02}-{d:02}"));
            }
        }
        for case in cases {
            let chrono = NaiveDate::parse_from_str(case.trim(), "%Y-%m-%d")
                .ok()
                .filter(|_| case.trim().len() == 10 && !case.trim().starts_with('+'));
            assert_eq!(parse_date(&case), chrono, "{case:?}");
        }
    }

    /// Records wider than the 64 fields the bit set holds inline.
    #[test]
    fn wide_records_track_every_field() {
        let fields = (0..70)
            .map(|i| {
                field(
                    &format!("f{i}"),
                    if i == 69 {
                        Ty::Int
                    } else {
                        Ty::Optional(Box::new(Ty::Int))
                    },
                )
            })
            .collect();
        let schema = record(vec![field("wide", Ty::Record(record(fields)))]);
        let read = |body: &str| {
            let text = format!("{{\"wide\": {{{body}}}}}");
            let f = file(&text);
            load(&schema, &f, 0..text.len(), Format::Json)
        };
        let all: Vec<String> = (0..70).map(|i| format!("\"f{i}\": {i}")).collect();
        let Value::Record(root) = read(&all.join(", ")).unwrap() else {
            panic!()
        };
        let Some(Value::Record(wide)) = root.first() else {
            panic!()
        };
        assert_eq!(wide.get(68), Some(&Value::Int(68)));
        assert_eq!(wide.len(), 70);
        // Given twice, past the 64th field.
        let twice = format!("{}, \"f68\": 1", all.join(", "));
        assert!(read(&twice)
            .unwrap_err()
            .to_string()
            .contains("given twice"));
        // Missing, past the 64th field; the optional ones may be left out.
        let missing = read("\"f3\": 1").unwrap_err().to_string();
        assert!(
            missing.contains("missing required field `f69`"),
            "{missing}"
        );
        let Value::Record(root) = read("\"f69\": 9").unwrap() else {
            panic!()
        };
        let Some(Value::Record(wide)) = root.first() else {
            panic!()
        };
        assert_eq!(wide.first(), Some(&Value::Absent));
        assert_eq!(wide.get(69), Some(&Value::Int(9)));
    }

    /// The direct reading of plain decimals gives what the general one does.
    #[test]
    fn plain_decimals_read_as_the_general_reader_reads_them() {
        let mut cases: Vec<String> = [
            "0",
            "-0",
            "+0",
            "0.00",
            "-0.00",
            "007.50",
            "5921",
            "32.92",
            "-1.5",
            "+2.25",
            "999999999999999999",
            "0.000000000000000001",
            "123456789.123456789",
            "1.",
            ".5",
            "-",
            "+",
            "",
            "1.2.3",
            "1e3",
            "12a",
            " 4.20 ",
            "-.5",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut seed: u64 = 7;
        for _ in 0..20_000 {
            let mut t = String::new();
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            match seed >> 62 {
                0 => t.push('-'),
                1 => t.push('+'),
                _ => {}
            }
            let len = (seed >> 40) % 22;
            for k in 0..len {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                if k > 0 && (seed >> 59) == 0 {
                    t.push('.');
                } else {
                    t.push(char::from(b'0' + ((seed >> 33) % 10) as u8));
                }
            }
            cases.push(t);
        }
        let mut plain = 0;
        for case in &cases {
            if let Some(d) = plain_decimal(case.trim()) {
                plain += 1;
                let general = parse_decimal_general(case).unwrap();
                assert_eq!(
                    (d.mantissa(), d.scale(), d.is_sign_negative()),
                    (
                        general.mantissa(),
                        general.scale(),
                        general.is_sign_negative()
                    ),
                    "{case:?}"
                );
            }
            assert_eq!(parse_decimal(case), parse_decimal_general(case), "{case:?}");
        }
        assert!(plain > 10_000, "the direct path read only {plain} cases");
    }
}
