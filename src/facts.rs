//! Facts: YAML and JSON documents read against the schema into typed values.
//!
//! This stage owns everything between the text of a facts file and the
//! [`Value`]s of a request:
//!
//! - [`detect`]: which syntax a file is written in ([`Format::detect`]) and
//!   where its documents are ([`split`]). A facts file holds one document
//!   (JSON, or a single YAML document) or a batch of them (a YAML stream
//!   separated by `---` lines, or JSON lines).
//! - [`load_with_limits`]: one document read against the
//!   package's schema, by the fast JSON path ([`fast`]) when it can, else
//!   by the serde reader ([`serde_reader`], the reader of record, on the
//!   state of [`reading`], with
//!   [`keys`], [`merge`] for YAML merge keys (`<<: *base`), and
//!   [`messages`]). Every independent mistake of the document becomes a
//!   [`Diagnostic`] located by [`locate`] at the exact bytes of the
//!   offending value (or key), and [`report`] gives them in document
//!   order, at most [`Limits::max_facts_errors`] of them. A string left
//!   open is reported at its opening quote ([`quotes`]).
//! - [`load_serialized`]: a [`serde::Serialize`] value read as its JSON
//!   text would be, by a serializer walking the schema ([`serializer`])
//!   without writing the text, or through the text when the serializer
//!   leaves it (every refusal: the text path gives the diagnostic).
//! - [`loose_id`]: the request identifier of a document that does not fit.
//! - [`embedded`]: facts written inside a larger YAML document (the inline
//!   `facts:` of test files), read by the same seed from that document's
//!   deserializer.
//!
//! Decimals, dates and datetimes written as text are read by
//! [`crate::literal`], as they are in a policy. The public API shows only
//! [`Format`] (as `pactum::Format`); the rest is for the crate.

use std::ops::Range;
use std::sync::Arc;

use crate::diag::{codes, Diagnostic, Diagnostics};
use crate::limits::Limits;
use crate::source::SourceFile;
use crate::types::RecordTy;
use crate::value::Value;

mod detect;
mod embedded;
mod fast;
mod json_slips;
mod keys;
mod lines;
mod locate;
mod loose_id;
mod merge;
mod messages;
mod quotes;
mod reading;
mod report;
mod scan;
mod serde_reader;
mod serializer;
#[cfg(test)]
mod tests;
mod yaml_slips;

pub use detect::Format;
pub(crate) use detect::{
    first_looks_like_json, split, split_piece, text_from_bytes, SNIFF_LINE_BYTES,
};
pub(crate) use embedded::{read_embedded, Around, Embedded, Problem};
pub(crate) use lines::{Spread, Step as SpreadStep};
pub(crate) use loose_id::loose_id;
use serde_reader::load_serde;
pub(crate) use serializer::load_serialized;

/// How many values one document may produce: enough for any document written
/// out by hand, small enough that YAML aliases repeating large nodes (an
/// "alias bomb") cannot exhaust memory.
fn value_budget(doc_len: usize) -> usize {
    doc_len.saturating_mul(4).saturating_add(100_000)
}

/// Reads one document (the byte range of `file`'s text) against `schema`
/// (the record type whose fields are the package's fact roots; a root may be
/// `Ty::Optional(Record)`), under `limits`.
///
/// Returns a `Value::Record` with one value per schema field, in the schema's
/// field order (`Value::Absent` for optional facts left out or null); or
/// every independent mistake of the document, in document order. The
/// errors' labels are byte offsets into the whole file (`range.start` plus
/// the offset inside the document). A document larger than
/// [`Limits::max_facts_bytes`] is refused before it is parsed
/// (`pactum::limit::facts_size`), and one whose lists and mappings nest
/// deeper than [`Limits::max_facts_depth`] when it is read
/// (`pactum::limit::facts_depth`).
pub(crate) fn load_with_limits(
    schema: &Arc<RecordTy>,
    file: &Arc<SourceFile>,
    range: Range<usize>,
    format: Format,
    limits: &Limits,
) -> Result<Value, Diagnostics> {
    // A byte-order mark opens a file, not a document: the YAML and JSON
    // readers would take it for text (a key `\u{feff}request`).
    let mut range = range;
    if file
        .text()
        .get(range.clone())
        .is_some_and(|doc| doc.starts_with('\u{feff}'))
    {
        range.start += '\u{feff}'.len_utf8();
    }
    if format != Format::Yaml && range.len() <= limits.max_facts_bytes {
        // A line of JSON Lines is read on its line only: a document
        // spread over lines is refused by the serde path.
        let one_line = format == Format::JsonLines;
        let fast = file
            .text()
            .get(range.clone())
            .and_then(|doc| fast::read_in(doc, schema, limits.facts_depth(), one_line));
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
