//! The errors of one document: every independent mistake found, located,
//! in document order, at most [`crate::Limits::max_facts_errors`] of them;
//! the last one shown says how many more were found. A syntax error comes
//! first; in JSON it comes alone, in YAML with the mistakes of the lines
//! before it that are not its cascade (see `docs/decisions.md`).

use std::sync::Arc;

use super::locate::Located;
use super::reading::{Earlier, Stop};
use crate::diag::{codes, Diagnostics};
use crate::source::SourceFile;

/// How many bytes a document may be read again, in all, to find the
/// errors after one that stopped a reading (a mapping or a list left half
/// read by serde_yaml: see [`super::reading`]).
const REREAD_BYTES: usize = 8 << 20;

/// How many times a document of `len` bytes may be read again: for each
/// error that stops a reading, up to `max_errors`, when it is up to 400
/// KiB; fewer times when it is larger, so that a hostile document costs at
/// most a few readings more (a document of 4 MiB, the default limit, two).
pub(super) fn rereads(len: usize, max_errors: usize) -> usize {
    (REREAD_BYTES / len.max(1)).min(max_errors)
}

/// The start of the line holding `at`.
fn line_start(doc: &str, at: usize) -> usize {
    let b = doc.as_bytes().get(..at).unwrap_or_default();
    memchr::memrchr(b'\n', b).map_or(0, |i| i + 1)
}

/// The errors found in one document so far.
pub(super) struct Report {
    located: Vec<Located>,
    /// The most errors shown.
    max: usize,
    /// Errors found past `max`: counted, not shown.
    more: usize,
    /// Whether reading went as far as it could: to the end of the
    /// document, or to a mistake that ends reading (a syntax error, a
    /// limit).
    complete: bool,
}

impl Report {
    /// An empty report showing at most `max` errors (at least one).
    pub(super) fn new(max: usize) -> Report {
        Report {
            located: Vec::new(),
            max: max.max(1),
            more: 0,
            complete: true,
        }
    }

    /// How many more errors may be shown.
    pub(super) fn room(&self) -> usize {
        self.max.saturating_sub(self.located.len())
    }

    pub(super) fn is_empty(&self) -> bool {
        self.located.is_empty() && self.more == 0
    }

    /// Adds an error (or counts it, when the report is full).
    pub(super) fn push(&mut self, error: Located) {
        if self.room() > 0 {
            self.located.push(error);
        } else {
            self.more += 1;
        }
    }

    /// Counts `n` errors found past the room.
    pub(super) fn count(&mut self, n: usize) {
        self.more += n;
    }

    /// Whether a syntax error is reported.
    /// Whether the parser's own syntax error is among the errors (a
    /// repeated key is coded as syntax too, but is found before the text
    /// after it is parsed).
    pub(super) fn has_parse_error(&self) -> bool {
        self.located
            .iter()
            .any(|l| l.code == codes::FACTS_SYNTAX && l.message.starts_with("invalid "))
    }

    /// Drops the fields reported missing: in a YAML document that does
    /// not parse, a mapping cut short by the syntax error cannot be judged
    /// complete (the fields after the error may well be written).
    pub(super) fn drop_missing(&mut self) {
        self.located
            .retain(|l| l.code != codes::FACTS_MISSING_FIELD);
    }

    /// Reports `error`, the syntax error of a JSON document, alone. What
    /// the text before it meant depends on the broken text (a `}` left
    /// out moves values into another object, a string closed early leaves
    /// part of it outside), so the mistakes read before it may be
    /// invented.
    pub(super) fn syntax_alone(&mut self, error: Located) {
        self.located.clear();
        self.more = 0;
        self.complete = true;
        self.located.push(error);
    }

    /// Adds `error`, which stopped a reading of `doc` (a JSON one when
    /// `json`); gives the state of a next reading (from `next`, what this
    /// one leaves) when one can find the errors after it, and `rereads`
    /// allows it.
    pub(super) fn stopped(
        &mut self,
        error: Located,
        stop: Stop,
        doc: &str,
        json: bool,
        next: Earlier,
        rereads: &mut usize,
    ) -> Option<Earlier> {
        if stop == Stop::Syntax && json {
            self.syntax_alone(error);
            return None;
        }
        if stop == Stop::Syntax && !json {
            // A YAML syntax error is often found a line late: the value
            // before it was read as more than was meant (a plain scalar
            // folded into the broken line). Its errors are the syntax
            // error's. A string left open is placed at its quote: the
            // value it took in is on that line.
            let from = if error.at_cause {
                line_start(doc, error.start)
            } else {
                line_start(doc, line_start(doc, error.start).saturating_sub(1))
            };
            self.located.retain(|l| l.start < from);
        }
        self.push(error);
        // A mapping or a list that serde_yaml left half read: read again,
        // stepping over it, for the errors after it.
        let Stop::Resume(node, recovery) = stop else {
            return None;
        };
        // (With the report full, the next reading only counts: it reads
        // past such errors, to the end.)
        if *rereads == 0 {
            self.complete = false;
            return None;
        }
        *rereads -= 1;
        let mut next = next;
        next.passed.insert(node, recovery);
        Some(next)
    }

    /// The diagnostics: the syntax error first, then the others in
    /// document order (errors at the same place in the order they were
    /// found), pointing into `file` (the document starts at `base`).
    pub(super) fn into_diagnostics(self, file: &Arc<SourceFile>, base: usize) -> Diagnostics {
        let Report {
            mut located,
            max,
            more,
            complete,
        } = self;
        // A syntax error first: it is the cause, and names the failure.
        located.sort_by_key(|l| (l.code != codes::FACTS_SYNTAX, l.start));
        let note = match (more, complete) {
            (0, true) => None,
            (0, false) => Some(
                "this document was not read to its end: fix these errors, then read it again to find any others"
                    .to_string(),
            ),
            (n, complete) => Some(format!(
                "{}{n} more {} in this document {} not shown: only the first {max} are (`--max-facts-errors` shows more)",
                if complete { "" } else { "at least " },
                if n == 1 { "error" } else { "errors" },
                if n == 1 { "is" } else { "are" },
            )),
        };
        let last = located.len().saturating_sub(1);
        let mut out = Diagnostics::default();
        for (i, l) in located.into_iter().enumerate() {
            let d = l.into_diagnostic(file, base);
            out.push(match &note {
                Some(note) if i == last => d.note(note.clone()),
                _ => d,
            });
        }
        out
    }
}
