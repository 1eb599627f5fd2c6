//! Reading a batch: [`Chunks`] cuts an input into [`Chunk`]s of whole
//! documents as it reads, where [`facts::split`] would start a new
//! document anyway; a document larger than the limit is skipped unread.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::ops::Range;
use std::sync::Arc;

use crate::diag::{Diagnostic, Diagnostics};
use crate::facts::{self, Format};
use crate::package::{Facts, Policy};
use crate::source::{Origin, SourceFile};

/// How much is asked of the reader at a time.
const READ_BYTES: usize = 256 * 1024;

/// How many bytes of a document too large to read are kept, to show where
/// it starts.
const EXCERPT_BYTES: usize = 100;

/// The default size of a chunk, in bytes: large enough that a chunk's fixed
/// costs vanish, small enough that a few per thread stay in the caches.
pub const DEFAULT_CHUNK_BYTES: usize = 32 * 1024;

/// A run of whole documents of a batch, in input order; or one document
/// too large to be read.
#[derive(Debug, Clone)]
pub struct Chunk {
    pub(super) text: String,
    first_line: usize,
    first_byte: usize,
    pub(super) first_doc: usize,
    /// The format the chunk was split in, and its documents' byte ranges
    /// (as [`facts::split`] gives them).
    pub(super) format: Format,
    pub(super) ranges: Vec<Range<usize>>,
    /// A document larger than the limit: `text` is only its first bytes.
    pub(super) oversized: bool,
}

impl Chunk {
    /// The text of the chunk: whole lines of the input (for a document too
    /// large to read, only the start of its first line).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// How many lines of the input come before the chunk.
    pub fn first_line(&self) -> usize {
        self.first_line
    }

    /// How many bytes of the input come before the chunk.
    pub fn first_byte(&self) -> usize {
        self.first_byte
    }

    /// How many documents of the input come before the chunk.
    pub fn first_doc(&self) -> usize {
        self.first_doc
    }

    /// How many documents the chunk holds.
    pub fn docs(&self) -> usize {
        if self.oversized {
            1
        } else {
            self.ranges.len()
        }
    }

    /// Whether the chunk stands for one document larger than the limit,
    /// which was skipped rather than read.
    pub fn is_oversized(&self) -> bool {
        self.oversized
    }

    /// Reads every document of the chunk against `policy`'s schema,
    /// without evaluating: one result a document, in order, as
    /// [`Policy::facts_documents`] gives them for a whole text (`name`
    /// names the input in diagnostics, whose lines and columns are those of
    /// the whole input).
    pub fn facts(&self, policy: &Policy, name: &str) -> Vec<Result<Facts, Diagnostics>> {
        if self.oversized {
            let mut one = Diagnostics::default();
            one.push(self.too_large(policy, name));
            return vec![Err(one)];
        }
        let file = Arc::new(SourceFile::piece(name, self.text.as_str(), self.origin()));
        let mut counted = (0usize, 0usize);
        self.ranges
            .iter()
            .map(|range| {
                let start = range.start;
                policy
                    .read_facts(&file, range.clone(), self.format)
                    .map_err(|d| {
                        if counted.0 <= start {
                            let skipped = self
                                .text
                                .as_bytes()
                                .get(counted.0..start)
                                .unwrap_or_default();
                            counted = (
                                start,
                                counted.1 + memchr::memchr_iter(b'\n', skipped).count(),
                            );
                        }
                        d.windowed(counted)
                    })
            })
            .collect()
    }

    /// The diagnostic of an oversized chunk's document.
    pub(super) fn too_large(&self, policy: &Policy, name: &str) -> Diagnostic {
        let file = Arc::new(SourceFile::piece(name, self.text.as_str(), self.origin()));
        facts::too_large(file, 0, None, policy.limits().max_facts_bytes)
    }

    pub(super) fn origin(&self) -> Origin {
        Origin {
            lines: self.first_line,
            bytes: self.first_byte,
            columns: 0,
        }
    }
}

/// One line read: its bytes (with the line break), and whether it was cut
/// at the line cap (the rest of it is still unread).
#[derive(Debug)]
struct Line {
    bytes: Vec<u8>,
    cut: bool,
}

/// How much of a document too large to read is left to skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Skip {
    /// The rest of its last line (JSON Lines).
    Line,
    /// Up to the next `---` line, or past a `...` line (YAML).
    Yaml,
    /// The rest of the input (one JSON document).
    All,
}

/// A document found too large, waiting to be handed out.
#[derive(Debug)]
struct Oversized {
    excerpt: String,
    /// Its bytes and line breaks read so far.
    bytes: usize,
    lines: usize,
    skip: Skip,
    /// Whether its last line read was cut (its rest is unread).
    cut: bool,
}

/// Splits a batch read from `reader` into [`Chunk`]s of whole documents,
/// reading as it goes.
///
/// ```
/// use pactum::batch::Chunks;
/// use pactum::Format;
///
/// let text = "{\"a\": 1}\n{\"a\": 2}\n\n{\"a\": 3}\n";
/// // Chunks of at least 1 byte: cut wherever a document may start.
/// let chunks: Vec<_> = Chunks::new(text.as_bytes(), "in.jsonl", 1)
///     .collect::<Result<_, _>>()
///     .unwrap();
/// let docs: usize = chunks.iter().map(|c| c.docs()).sum();
/// assert_eq!(docs, 3);
/// assert_eq!(chunks[0].first_doc(), 0);
/// assert!(chunks.iter().all(|c| c.docs() >= 1));
/// # let _ = Format::JsonLines;
/// ```
#[derive(Debug)]
pub struct Chunks<R> {
    reader: R,
    name: String,
    format: Option<Format>,
    target: usize,
    /// The largest document, in bytes ([`crate::Limits::max_facts_bytes`]).
    max_doc: usize,
    /// Bytes read and not yet cut into lines: `input[pos..]`.
    input: Vec<u8>,
    pos: usize,
    /// Whether the last read gave less than was asked (the reader had no
    /// more at that moment), and whether the reader is exhausted.
    short: bool,
    eof: bool,
    /// Lines read ahead and not yet put in a chunk.
    pending: VecDeque<Line>,
    /// Line buffers already copied into a chunk, for reuse.
    spare: Vec<Vec<u8>>,
    /// Lines, bytes and documents handed out (or skipped) so far.
    line: usize,
    byte: usize,
    doc: usize,
    /// Whether the next line is the first of the input.
    at_start: bool,
    /// YAML: whether the pending document has content, and whether it was
    /// opened by a `---` line (as in [`facts::split`]).
    content: bool,
    opened: bool,
    /// YAML: whether the last line was `...`: a `---` line right after it
    /// starts the next document (and may end a chunk) where `facts::split`
    /// starts it too.
    ended: bool,
    /// JSON Lines: how many lines after the current one belong to its
    /// document, spread over lines (as in [`facts::split`]).
    spread: usize,
    /// A document found too large, handed out next; then the rest of it to
    /// skip.
    oversized: Option<Oversized>,
    skipping: Option<(Skip, bool)>,
    failed: bool,
    /// Whether the input is read to its end.
    done: bool,
}

impl<R: Read> Chunks<R> {
    /// Reads `reader`, a facts input called `name` (its extension picks the
    /// format, as in [`Format::detect`]), in chunks of about `target` bytes.
    /// Documents larger than the default facts size limit (4 MiB) are not
    /// read (see [`Chunks::max_doc_bytes`]).
    pub fn new(reader: R, name: &str, target: usize) -> Self {
        Chunks {
            reader,
            name: name.to_string(),
            format: None,
            target: target.max(1),
            max_doc: crate::Limits::default().max_facts_bytes,
            input: Vec::new(),
            pos: 0,
            short: false,
            eof: false,
            pending: VecDeque::new(),
            spare: Vec::new(),
            line: 0,
            byte: 0,
            doc: 0,
            at_start: true,
            content: false,
            opened: false,
            ended: false,
            spread: 0,
            oversized: None,
            skipping: None,
            failed: false,
            done: false,
        }
    }

    /// The largest document read, in bytes: a larger one is skipped and
    /// handed out as an oversized chunk ([`Chunk::is_oversized`]).
    pub fn max_doc_bytes(mut self, bytes: usize) -> Self {
        self.max_doc = bytes;
        self
    }

    /// The format of the input, once the first chunk has been read.
    pub fn format(&self) -> Option<Format> {
        self.format
    }

    /// Whether reading on would wait for the reader: no complete line is
    /// left in hand, and the last read was short. A stream is then decided
    /// up to here. In YAML, a `---` line held back to open the next chunk
    /// does not count: that chunk cannot end without reading on.
    pub fn waiting(&self) -> bool {
        let held = match self.format {
            Some(Format::Yaml) => self.pending.len() <= 1,
            _ => self.pending.is_empty(),
        };
        !self.eof
            && self.short
            && held
            && memchr::memchr(b'\n', self.input.get(self.pos..).unwrap_or_default()).is_none()
    }

    /// The longest line kept: a longer one is cut there (its document is
    /// too large anyway), and the rest of it skipped.
    fn line_cap(&self) -> usize {
        self.max_doc.max(facts::SNIFF_LINE_BYTES).saturating_add(1)
    }

    /// Makes sure some input is in hand; false at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.pos < self.input.len() {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        self.input.clear();
        self.input.resize(READ_BYTES, 0);
        self.pos = 0;
        let n = loop {
            match self.reader.read(&mut self.input) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.input.clear();
                    return Err(e);
                }
            }
        };
        self.input.truncate(n);
        self.short = n < READ_BYTES;
        self.eof = n == 0;
        Ok(n > 0)
    }

    /// Reads one more line into `pending` (cut at the line cap); false at
    /// the end of the input.
    fn read_line(&mut self) -> io::Result<bool> {
        let cap = self.line_cap();
        let mut bytes = self.spare.pop().unwrap_or_default();
        let mut cut = false;
        while self.fill()? {
            let avail = self.input.get(self.pos..).unwrap_or_default();
            let room = cap.saturating_sub(bytes.len());
            match memchr::memchr(b'\n', avail) {
                Some(at) if at < room => {
                    bytes.extend_from_slice(avail.get(..=at).unwrap_or_default());
                    self.pos += at + 1;
                    break;
                }
                _ => {
                    let take = avail.len().min(room);
                    bytes.extend_from_slice(avail.get(..take).unwrap_or_default());
                    self.pos += take;
                    if bytes.len() >= cap {
                        cut = true;
                        break;
                    }
                }
            }
        }
        if bytes.is_empty() {
            return Ok(false);
        }
        self.pending.push_back(Line { bytes, cut });
        Ok(true)
    }

    /// Skips the rest of a cut line, its line break included: its bytes
    /// and line breaks.
    fn skip_rest_of_line(&mut self) -> io::Result<(usize, usize)> {
        let mut bytes = 0usize;
        while self.fill()? {
            let avail = self.input.get(self.pos..).unwrap_or_default();
            match memchr::memchr(b'\n', avail) {
                Some(at) => {
                    self.pos += at + 1;
                    return Ok((bytes + at + 1, 1));
                }
                None => {
                    bytes += avail.len();
                    self.pos += avail.len();
                }
            }
        }
        Ok((bytes, 0))
    }

    /// Decides the format from the name, or from the first non-blank line.
    fn detect(&mut self) -> io::Result<Format> {
        if let Some(f) = self.format {
            return Ok(f);
        }
        let known = std::path::Path::new(&self.name)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .is_some_and(|e| matches!(e.as_str(), "yaml" | "yml" | "json" | "jsonl" | "ndjson"));
        let format = if known {
            Format::detect(&self.name, "")
        } else {
            let mut read = 0usize;
            loop {
                let first_found = self.pending.iter().enumerate().any(|(i, l)| {
                    let b = if i == 0 {
                        l.bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&l.bytes)
                    } else {
                        &l.bytes
                    };
                    !is_blank(b) || l.cut
                });
                if first_found || read > facts::SNIFF_LINE_BYTES || !self.read_line()? {
                    break;
                }
                read += self.pending.back().map_or(0, |l| l.bytes.len());
            }
            // A first line that looks like JSON but is not an object on
            // its own: the next non-blank line decides (see `sniff`).
            if self.first_needs_second() {
                loop {
                    let non_blank = self
                        .pending
                        .iter()
                        .filter(|l| !is_blank(&l.bytes) || l.cut)
                        .count();
                    if non_blank >= 2 || read > 2 * facts::SNIFF_LINE_BYTES || !self.read_line()? {
                        break;
                    }
                    read += self.pending.back().map_or(0, |l| l.bytes.len());
                }
            }
            let window: Vec<u8> = self
                .pending
                .iter()
                .flat_map(|l| l.bytes.iter())
                .copied()
                .collect();
            Format::detect(&self.name, &String::from_utf8_lossy(&window))
        };
        self.format = Some(format);
        Ok(format)
    }

    /// Whether the first non-blank line read ahead looks like JSON without
    /// being an object on its own (the format then waits for the next).
    fn first_needs_second(&self) -> bool {
        let Some(first) = self.pending.iter().find(|l| !is_blank(&l.bytes) || l.cut) else {
            return false;
        };
        let text = String::from_utf8_lossy(&first.bytes);
        let line = text.trim_start_matches('\u{feff}').trim();
        facts::first_looks_like_json(line)
            && !(line.starts_with('{')
                && (first.cut || serde_json::from_str::<serde::de::IgnoredAny>(line).is_ok()))
    }

    /// The next line, from what was read ahead or from the reader.
    fn next_line(&mut self) -> io::Result<Option<Line>> {
        if self.pending.is_empty() && !self.read_line()? {
            return Ok(None);
        }
        Ok(self.pending.pop_front())
    }

    /// Whether a new document starts at `line` (in `format`), given the
    /// state of the one before it.
    fn starts_document(&self, line: &[u8], format: Format) -> bool {
        match format {
            Format::Json => false,
            Format::Yaml => {
                (self.content || self.opened || self.ended) && is_marker(trim_eol(line), b"---")
            }
            Format::JsonLines => {
                self.spread == 0 && !is_blank(line) && !line.starts_with(b"\xEF\xBB\xBF")
            }
        }
    }

    /// JSON Lines: how many of the lines after `line` belong to the
    /// document it opens, spread over lines, read ahead as far as needed
    /// (0: none, it is a line alone), as [`facts::split`] finds them.
    fn spread_after(&mut self, line: &[u8]) -> io::Result<usize> {
        let first = if self.at_start {
            line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
        } else {
            line
        };
        let Some(mut spread) = facts::Spread::open(first) else {
            return Ok(0);
        };
        let mut i = 0;
        // The lines taken when the document is cut short (the input ends,
        // or a line that is not its own comes): as `facts::split` finds.
        let cut = |spread: &facts::Spread, taken: usize| match spread.end() {
            facts::SpreadStep::Cut => taken,
            _ => 0,
        };
        loop {
            if i >= self.pending.len() && !self.read_line()? {
                return Ok(cut(&spread, i));
            }
            let Some(next) = self.pending.get(i) else {
                return Ok(cut(&spread, i));
            };
            i += 1;
            match spread.step(&next.bytes) {
                facts::SpreadStep::More => {}
                facts::SpreadStep::Closed => return Ok(i),
                facts::SpreadStep::Cut => return Ok(i - 1),
                facts::SpreadStep::Not => return Ok(0),
            }
        }
    }

    /// Tracks the YAML document state of [`facts::split`] over one line.
    fn track(&mut self, line: &[u8]) {
        let mut body = trim_eol(line);
        if self.at_start {
            body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
        }
        self.ended = false;
        if is_marker(body, b"---") {
            self.opened = true;
            self.content = has_content(body.get(3..).unwrap_or(b""));
        } else if is_marker(body, b"...") {
            self.content = false;
            self.opened = false;
            self.ended = true;
        } else if has_content(body) && (self.content || self.opened || !body.starts_with(b"%")) {
            self.content = true;
        }
    }

    /// Skips the rest of a document too large to read.
    fn skip(&mut self, skip: Skip, cut: bool) -> io::Result<()> {
        let (mut bytes, mut lines) = (0usize, 0usize);
        if cut {
            let (b, l) = self.skip_rest_of_line()?;
            bytes += b;
            lines += l;
        }
        if skip != Skip::Line {
            while let Some(line) = self.next_line()? {
                let body = trim_eol(&line.bytes);
                if skip == Skip::Yaml && is_marker(body, b"---") {
                    self.pending.push_front(line);
                    break;
                }
                let end = skip == Skip::Yaml && is_marker(body, b"...");
                bytes += line.bytes.len();
                lines += usize::from(line.bytes.ends_with(b"\n"));
                if line.cut {
                    let (b, l) = self.skip_rest_of_line()?;
                    bytes += b;
                    lines += l;
                }
                self.recycle(line.bytes);
                if end {
                    break;
                }
            }
        }
        self.byte += bytes;
        self.line += lines;
        self.content = false;
        self.opened = false;
        self.ended = false;
        self.at_start = false;
        Ok(())
    }

    fn recycle(&mut self, mut line: Vec<u8>) {
        if self.spare.len() < 16 && line.capacity() <= 64 * 1024 {
            line.clear();
            self.spare.push(line);
        }
    }

    fn read_chunk(&mut self) -> io::Result<Option<Chunk>> {
        if let Some((skip, cut)) = self.skipping.take() {
            self.skip(skip, cut)?;
        }
        let format = self.detect()?;
        if let Some(o) = self.oversized.take() {
            let chunk = Chunk {
                text: o.excerpt,
                first_line: self.line,
                first_byte: self.byte,
                first_doc: self.doc,
                format,
                ranges: Vec::new(),
                oversized: true,
            };
            self.line += o.lines;
            self.byte += o.bytes;
            self.doc += 1;
            self.skipping = Some((o.skip, o.cut));
            return Ok(Some(chunk));
        }
        // The target and one more line, without growing (up to a size that
        // any target set by hand cannot turn into a huge allocation).
        let mut buf: Vec<u8> = Vec::with_capacity(self.target.min(1 << 20) + 4096);
        let (mut lines, mut nonblank) = (0usize, 0usize);
        // Where the current document starts in `buf`, and the lines before.
        let (mut doc_start, mut doc_line) = (0usize, 0usize);
        // YAML: whether the last non-blank line put in `buf` is a `...`.
        let mut after_end = false;
        loop {
            // A stream that has nothing more to give yet: decide what is
            // complete rather than wait (a JSON line is complete with its
            // line break, a YAML document with its `...` line, or with the
            // next `---` line, below).
            let complete = match format {
                Format::JsonLines => nonblank > 0 && self.spread == 0,
                Format::Yaml => after_end,
                Format::Json => false,
            };
            if complete && self.waiting() {
                break;
            }
            let Some(line) = self.next_line()? else {
                break;
            };
            let starts = self.starts_document(&line.bytes, format);
            if starts
                && nonblank > 0
                && (buf.len() >= self.target || (format == Format::Yaml && self.waiting()))
            {
                self.pending.push_front(line);
                // A new text starts here, as far as splitting goes.
                self.content = false;
                self.opened = false;
                self.ended = false;
                break;
            }
            // A line of a JSON document spread over lines: it and the
            // lines after it are one document, never cut, and at most
            // `facts::SPREAD_BYTES` (it is refused unread).
            let in_spread = format == Format::JsonLines && self.spread > 0;
            let opens_spread = starts && format == Format::JsonLines && {
                self.spread = self.spread_after(&line.bytes)?;
                self.spread > 0
            };
            if in_spread {
                self.spread -= 1;
            } else if starts || format == Format::JsonLines {
                doc_start = buf.len();
                doc_line = lines;
            }
            // The document's size as `facts::split` will measure it: a JSON
            // line without the space around it.
            let size = match format {
                Format::JsonLines => line.bytes.trim_ascii().len(),
                _ => buf.len() - doc_start + line.bytes.len(),
            };
            if !(in_spread || opens_spread) && (line.cut || size > self.max_doc) {
                // Too large: the document is cut out of this chunk and
                // handed out on its own; the rest of it is skipped.
                let removed = buf.get(doc_start..).unwrap_or_default();
                let mut head: Vec<u8> = removed
                    .iter()
                    .chain(&line.bytes)
                    .take(EXCERPT_BYTES)
                    .copied()
                    .collect();
                if let Some(at) = memchr::memchr(b'\n', &head) {
                    head.truncate(at);
                }
                let excerpt = facts::text_from_bytes(head);
                let skip = match format {
                    Format::JsonLines => Skip::Line,
                    Format::Yaml => Skip::Yaml,
                    Format::Json => Skip::All,
                };
                self.oversized = Some(Oversized {
                    excerpt,
                    bytes: removed.len() + line.bytes.len(),
                    lines: memchr::memchr_iter(b'\n', removed).count()
                        + usize::from(line.bytes.ends_with(b"\n")),
                    skip,
                    cut: line.cut,
                });
                buf.truncate(doc_start);
                lines = doc_line;
                self.recycle(line.bytes);
                break;
            }
            if format == Format::Yaml {
                self.track(&line.bytes);
                if is_marker(trim_eol(&line.bytes), b"...") {
                    // The next document starts after this line.
                    doc_start = buf.len() + line.bytes.len();
                    doc_line = lines + 1;
                }
            }
            self.at_start = false;
            if !is_blank(&line.bytes) {
                after_end = format == Format::Yaml && is_marker(trim_eol(&line.bytes), b"...");
            }
            nonblank += usize::from(!is_blank(&line.bytes));
            buf.extend_from_slice(&line.bytes);
            lines += 1;
            self.recycle(line.bytes);
        }
        if buf.is_empty() {
            if self.oversized.is_some() {
                return self.read_chunk();
            }
            return Ok(None);
        }
        // Bytes that are not UTF-8 fail the document holding them, alone.
        let len = buf.len();
        let text = facts::text_from_bytes(buf);
        let ranges = facts::split_piece(&text, format);
        let docs = ranges.len();
        let chunk = Chunk {
            text,
            first_line: self.line,
            first_byte: self.byte,
            first_doc: self.doc,
            format,
            ranges,
            oversized: false,
        };
        self.line += lines;
        self.byte += len;
        self.doc += docs;
        Ok(Some(chunk))
    }
}

impl<R: Read> Iterator for Chunks<R> {
    type Item = io::Result<Chunk>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.done {
            return None;
        }
        loop {
            match self.read_chunk() {
                Ok(Some(c)) if c.docs() == 0 => continue,
                Ok(Some(c)) => return Some(Ok(c)),
                Ok(None) => {
                    self.done = true;
                    if self.doc > 0 {
                        return None;
                    }
                    // No document at all: one empty document, refused when
                    // it is read (`pactum::facts::empty`), so that every
                    // input gives at least one result.
                    let format = self.format.unwrap_or(Format::Yaml);
                    self.doc = 1;
                    return Some(Ok(Chunk {
                        text: String::new(),
                        first_line: 0,
                        first_byte: 0,
                        first_doc: 0,
                        format,
                        ranges: facts::split("", format),
                        oversized: false,
                    }));
                }
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
    }
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let mut l = line;
    while let Some((last, rest)) = l.split_last() {
        if *last == b'\n' || *last == b'\r' {
            l = rest;
        } else {
            break;
        }
    }
    l
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// `---` or `...` at column 0, then nothing, a space or a tab.
fn is_marker(line: &[u8], marker: &[u8]) -> bool {
    match line.strip_prefix(marker) {
        Some(rest) => rest.is_empty() || rest.starts_with(b" ") || rest.starts_with(b"\t"),
        None => false,
    }
}

/// More than whitespace and a comment.
fn has_content(text: &[u8]) -> bool {
    let t = text.trim_ascii();
    !t.is_empty() && !t.starts_with(b"#")
}
