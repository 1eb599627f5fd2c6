//! JSON Lines holds one document a line. A JSON document written over
//! several lines in a JSON Lines file (pretty-printed, as `jq .` or an
//! editor writes it) would fail line by line, each line with errors of its
//! own that say nothing of the cause. Instead its lines are found to be one
//! document ([`Spread`], used by [`super::split`] and by the batch's chunk
//! reader alike, so that a batch is cut the same way whatever its chunks),
//! and that document is refused as one, with one error record
//! ([`spread_error`]); the lines after it are read on as usual.
//!
//! A document is taken to spread over lines when its first line is `{`
//! (or `[`) alone (indented or not): the first line of JSON as `jq .`,
//! `json.dumps(…, indent=2)` or `JSON.stringify(…, null, 2)` write it,
//! and never a document on its own. The lines after it belong to it while
//! its brackets stay open, up to the line that closes them. A blank line,
//! a line that starts with `{` in its first column (the next document) or
//! the end of the input before that line cut the document short: the lines
//! taken so far are then one document, refused as one (and the first line
//! alone is a document when none was taken). A bracket closed that was
//! never opened, or more than [`SPREAD_BYTES`], end the search, and the
//! first line is then a document alone. The first line
//! alone decides whether to look further, so a line that is cut short or
//! broken otherwise (`{"items": [`) is still a document of its own,
//! answered on a live stream before the next line arrives.

use std::ops::Range;
use std::sync::Arc;

use crate::diag::{codes, Diagnostic};
use crate::source::SourceFile;

/// The most bytes a document spread over lines may take to be read as
/// one: beyond, its lines are documents each (and fail each).
pub(crate) const SPREAD_BYTES: usize = 64 * 1024;

/// A JSON document spread over lines, being followed line by line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spread {
    /// Brackets open at the end of the lines so far.
    depth: usize,
    /// Bytes of the lines so far.
    bytes: usize,
    /// Lines taken after the first.
    taken: usize,
}

/// What a line does to a [`Spread`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// It belongs to the document, which goes on.
    More,
    /// It belongs to the document, and closes it.
    Closed,
    /// It does not belong to it: the first line is a document alone.
    Not,
    /// It does not belong to it, but the lines before it do: the document
    /// was cut short (the next one starts, a blank line, the end of the
    /// input), and those lines are one document, refused as one.
    Cut,
}

impl Spread {
    /// The document that `line` (a line of JSON Lines, a byte-order mark
    /// left out) opens, if it is the first line of a document spread over
    /// lines.
    pub(crate) fn open(line: &[u8]) -> Option<Spread> {
        if !matches!(line.trim_ascii(), b"{" | b"[") {
            return None;
        }
        Some(Spread {
            depth: 1,
            bytes: line.len(),
            taken: 0,
        })
    }

    /// The next line (with or without its line break).
    pub(crate) fn step(&mut self, line: &[u8]) -> Step {
        if line.trim_ascii().is_empty() || line.first() == Some(&b'{') {
            return self.end();
        }
        let step = self.step_over(line);
        if step == Step::More {
            self.taken += 1;
        }
        step
    }

    /// The input ends (or the next document starts) before the document
    /// closes: [`Step::Cut`] when lines were taken after the first, else
    /// [`Step::Not`].
    pub(crate) fn end(&self) -> Step {
        if self.taken > 0 {
            Step::Cut
        } else {
            Step::Not
        }
    }

    fn step_over(&mut self, line: &[u8]) -> Step {
        self.bytes = self.bytes.saturating_add(line.len());
        if self.bytes > SPREAD_BYTES {
            return Step::Not;
        }
        // JSON strings do not run over lines.
        let mut string = false;
        let mut escaped = false;
        for &c in line {
            if string {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => string = false,
                    _ => {}
                }
                continue;
            }
            match c {
                b'"' => string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => match self.depth.checked_sub(1) {
                    Some(d) => self.depth = d,
                    None => return Step::Not,
                },
                _ => {}
            }
        }
        if self.depth == 0 {
            Step::Closed
        } else {
            Step::More
        }
    }
}

/// The error of a document of a JSON Lines file spread over several lines
/// (`range` of `file`, holding a line break).
pub(crate) fn spread_error(file: &Arc<SourceFile>, range: Range<usize>) -> Diagnostic {
    let text = file.text();
    let doc = text.get(range.clone()).unwrap_or("");
    let first = doc.lines().next().unwrap_or("").trim_end();
    let last = doc.lines().last().unwrap_or("").trim();
    let (from, _) = file.line_col(range.start);
    let (to, _) = file.line_col(range.end);
    let name = file.name();
    let jq = if name == "-" {
        "`jq -c .`".to_string()
    } else {
        format!("`jq -c . {name}`")
    };
    Diagnostic::new(
        codes::FACTS_SYNTAX,
        format!(
            "invalid JSON Lines: this document spans lines {from}–{to}; JSON Lines holds one document per line"
        ),
        )
        .at_file(
            file.clone(),
            range.start,
            first.len(),
            format!("this document spans lines {from}–{to}"),
        )
        .also_at(range.end - last.len(), last.len(), "it ends here")
        .help(format!(
            "write each document on one line ({jq} does), or, for a single document, name the file `.json`"
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How many lines after the first a document spread over `lines`
    /// takes, or `None`.
    fn spread(lines: &[&str]) -> Option<usize> {
        let (first, rest) = lines.split_first()?;
        let mut s = Spread::open(first.as_bytes())?;
        for (i, line) in rest.iter().enumerate() {
            match s.step(line.as_bytes()) {
                Step::More => {}
                Step::Closed => return Some(i + 1),
                Step::Cut => return Some(i),
                Step::Not => return None,
            }
        }
        match s.end() {
            Step::Cut => Some(rest.len()),
            _ => None,
        }
    }

    #[test]
    fn a_pretty_printed_document_is_one() {
        assert_eq!(
            spread(&["{\n", "  \"a\": {\"b\": \"}\"},\n", "  \"c\": [1]\n", "}\n"]),
            Some(3)
        );
        assert_eq!(spread(&["[\r\n", "  {\"a\": 1}\r\n", "]"]), Some(2));
        // A line on its own, or cut short before the next document; only
        // `{` alone opens a document over lines.
        assert_eq!(spread(&["{\"a\": 1,", " \"b\": 2}"]), None);
        assert_eq!(spread(&["{", "{\"a\": 1}"]), None);
        assert_eq!(spread(&["{", "", "}"]), None);
        assert_eq!(spread(&["{", "]}"]), None);
        // Indented (as some tools write a document inside another), it is
        // still one.
        assert_eq!(spread(&[" {", "}"]), Some(1));
        assert_eq!(spread(&["\t[", "\t  1", "\t]"]), Some(2));
        // Cut short by the next document, a blank line or the end: the
        // lines taken are still one document.
        assert_eq!(spread(&["{", "  \"a\": 1"]), Some(1));
        assert_eq!(spread(&["{", "  \"a\": 1", "{\"b\": 2}"]), Some(1));
        assert_eq!(spread(&["{", "  \"a\": 1", ""]), Some(1));
    }
}
