//! Streaming batches: documents read incrementally, decided in parallel,
//! handed back in input order.
//!
//! A batch (a YAML stream or JSON Lines) is never held whole in memory.
//! [`Chunks`] reads it line by line and cuts it into chunks of whole
//! documents, a few tens of kilobytes each, only where [`facts::split`] would
//! start a new document anyway, so each chunk splits exactly as the same
//! bytes would inside the whole file. [`Batch::run`] decides the chunks on a
//! pool of worker threads (at most a small window of chunks in flight), and
//! hands every document's result to a sink in input order. Memory is flat in
//! the length of the batch: it holds at most `4 × jobs` chunks at a time.
//!
//! Every document gives exactly one result, as [`Policy::evaluate_file`]
//! does: a decision, or one [`Outcome::Failed`] in its place. Facts errors
//! point at the line and column of the document in the whole input (the
//! chunk is re-read behind blank lines standing in for the text before it).
//! Their byte offsets (`byte_start` in JSON diagnostics) are not those of the
//! whole input, but of that stand-in text.
//!
//! When the format comes from sniffing (standard input, or a name without a
//! known extension), it is decided on the first 64 KiB of the input rather
//! than the whole: the two only differ on inputs that are invalid either way.

use std::collections::{BTreeMap, VecDeque};
use std::io::{self, BufRead};
use std::ops::Range;

use crate::facts::{self, Format};
use crate::package::{Outcome, Policy};

/// How much text is read ahead to sniff the format of an unnamed input.
const SNIFF_BYTES: usize = 64 * 1024;

/// The default size of a chunk, in bytes: large enough that a chunk's fixed
/// costs vanish, small enough that a few per thread stay in the caches.
pub const DEFAULT_CHUNK_BYTES: usize = 32 * 1024;

/// A run of whole documents of a batch, in input order.
#[derive(Debug, Clone)]
pub struct Chunk {
    text: String,
    first_line: usize,
    first_doc: usize,
    /// The format the chunk was split in, and its documents' byte ranges
    /// (as [`facts::split`] gives them).
    format: Format,
    ranges: Vec<Range<usize>>,
}

impl Chunk {
    /// The text of the chunk: whole lines of the input.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// How many lines of the input come before the chunk.
    pub fn first_line(&self) -> usize {
        self.first_line
    }

    /// How many documents of the input come before the chunk.
    pub fn first_doc(&self) -> usize {
        self.first_doc
    }

    /// How many documents the chunk holds.
    pub fn docs(&self) -> usize {
        self.ranges.len()
    }
}

/// Splits a batch read from `reader` into [`Chunk`]s of whole documents,
/// reading as it goes.
///
/// ```
/// use pactum::batch::Chunks;
/// use pactum::facts::Format;
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
    /// Lines read ahead and not yet put in a chunk.
    pending: VecDeque<Vec<u8>>,
    /// Line buffers already copied into a chunk, for reuse.
    spare: Vec<Vec<u8>>,
    /// Whether the reader is exhausted.
    eof: bool,
    /// Lines put in chunks so far.
    line: usize,
    /// Documents put in chunks so far.
    doc: usize,
    /// Whether the next line is the first of the input.
    at_start: bool,
    /// YAML: whether the pending document has content, and whether it was
    /// opened by a `---` line (as in [`facts::split`]).
    content: bool,
    opened: bool,
    failed: bool,
}

impl<R: BufRead> Chunks<R> {
    /// Reads `reader`, a facts input called `name` (its extension picks the
    /// format, as in [`Format::detect`]), in chunks of about `target` bytes.
    pub fn new(reader: R, name: &str, target: usize) -> Self {
        Chunks {
            reader,
            name: name.to_string(),
            format: None,
            target: target.max(1),
            pending: VecDeque::new(),
            spare: Vec::new(),
            eof: false,
            line: 0,
            doc: 0,
            at_start: true,
            content: false,
            opened: false,
            failed: false,
        }
    }

    /// The format of the input, once the first chunk has been read.
    pub fn format(&self) -> Option<Format> {
        self.format
    }

    /// Reads one more line into `pending`; false at the end of the input.
    fn read_line(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        let mut line = self.spare.pop().unwrap_or_default();
        // `read_until(b'\n')`, with the SIMD search of `memchr`.
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            match memchr::memchr(b'\n', buf) {
                Some(at) => {
                    line.extend_from_slice(buf.get(..=at).unwrap_or_default());
                    self.reader.consume(at + 1);
                    break;
                }
                None if buf.is_empty() => break,
                None => {
                    let n = buf.len();
                    line.extend_from_slice(buf);
                    self.reader.consume(n);
                }
            }
        }
        if line.is_empty() {
            self.eof = true;
            return Ok(false);
        }
        self.pending.push_back(line);
        Ok(true)
    }

    /// Decides the format from the name, or from the first lines.
    fn detect(&mut self) -> io::Result<Format> {
        if let Some(f) = self.format {
            return Ok(f);
        }
        let by_name = Format::detect(&self.name, "");
        let known = std::path::Path::new(&self.name)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .is_some_and(|e| matches!(e.as_str(), "yaml" | "yml" | "json" | "jsonl" | "ndjson"));
        let format = if known {
            by_name
        } else {
            let mut read = 0usize;
            while read < SNIFF_BYTES && self.read_line()? {
                read += self.pending.back().map_or(0, Vec::len);
            }
            let window: Vec<u8> = self.pending.iter().flatten().copied().collect();
            Format::detect(&self.name, &String::from_utf8_lossy(&window))
        };
        self.format = Some(format);
        Ok(format)
    }

    /// The next line, from what was read ahead or from the reader.
    fn next_line(&mut self) -> io::Result<Option<Vec<u8>>> {
        if self.pending.is_empty() && !self.read_line()? {
            return Ok(None);
        }
        Ok(self.pending.pop_front())
    }

    /// Whether the input may be cut just before `line`.
    fn may_cut_before(&mut self, line: &[u8], format: Format, docs: usize) -> io::Result<bool> {
        match format {
            Format::Json => Ok(false),
            Format::Yaml => Ok(self.content && is_marker(trim_eol(line), b"---")),
            Format::JsonLines => {
                if docs < 2 || line.starts_with(b"\xEF\xBB\xBF") || is_blank(line) {
                    return Ok(false);
                }
                // Keep at least two documents on each side of a cut, so that
                // every chunk sniffs as JSON Lines as the whole input did.
                let mut ahead = self.pending.iter().filter(|l| !is_blank(l)).count();
                while ahead < 1 && self.read_line()? {
                    ahead += self.pending.back().map_or(0, |l| usize::from(!is_blank(l)));
                }
                Ok(ahead >= 1)
            }
        }
    }

    /// Tracks the YAML document state of [`facts::split`] over one line.
    fn track(&mut self, line: &[u8]) {
        let mut body = trim_eol(line);
        if self.at_start {
            body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
        }
        if is_marker(body, b"---") {
            self.opened = true;
            self.content = has_content(body.get(3..).unwrap_or(b""));
        } else if is_marker(body, b"...") {
            self.content = false;
            self.opened = false;
        } else if has_content(body) && (self.content || self.opened || !body.starts_with(b"%")) {
            self.content = true;
        }
    }

    fn read_chunk(&mut self) -> io::Result<Option<Chunk>> {
        let format = self.detect()?;
        // The target and one more line, without growing (up to a size that
        // any target set by hand cannot turn into a huge allocation).
        let mut buf: Vec<u8> = Vec::with_capacity(self.target.min(1 << 20) + 4096);
        let (mut lines, mut nonblank) = (0usize, 0usize);
        while let Some(line) = self.next_line()? {
            if buf.len() >= self.target && self.may_cut_before(&line, format, nonblank)? {
                self.pending.push_front(line);
                // A new text starts here, as far as splitting goes.
                self.content = false;
                self.opened = false;
                break;
            }
            if format == Format::Yaml {
                self.track(&line);
            }
            self.at_start = false;
            nonblank += usize::from(!is_blank(&line));
            buf.extend_from_slice(&line);
            lines += 1;
            if self.spare.len() < 16 {
                let mut line = line;
                line.clear();
                self.spare.push(line);
            }
        }
        if buf.is_empty() {
            return Ok(None);
        }
        // Bytes that are not UTF-8 fail the document holding them, alone.
        let text = facts::text_from_bytes(buf);
        let ranges = facts::split(&text, format);
        let docs = ranges.len();
        let chunk = Chunk {
            text,
            first_line: self.line,
            first_doc: self.doc,
            format,
            ranges,
        };
        self.line += lines;
        self.doc += docs;
        Ok(Some(chunk))
    }
}

impl<R: BufRead> Iterator for Chunks<R> {
    type Item = io::Result<Chunk>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        loop {
            match self.read_chunk() {
                Ok(Some(c)) if c.ranges.is_empty() => continue,
                Ok(Some(c)) => return Some(Ok(c)),
                Ok(None) => return None,
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

/// The most worker threads a batch uses (`--jobs`): each thread holds up to
/// four chunks in flight and a stack, so thousands of threads cost
/// gigabytes and gain nothing on any machine Pactum runs on.
pub const MAX_JOBS: usize = 256;

/// Decides a streamed batch on several threads, in input order.
///
/// ```
/// use pactum::{batch::Batch, Outcome, Package};
///
/// let policy = Package::from_sources([(
///     "a.policy",
///     "package a\nschema basket { total: decimal }\n\
///      rule big { deny BIG when basket.total > 100 message \"big\" help \"Split it.\" }",
/// )])
/// .check()
/// .unwrap();
/// let input = "{\"basket\": {\"total\": 150}}\n{\"basket\": {\"total\": 5}}\n{\"basket\": {}}\n";
/// let mut seen = Vec::new();
/// Batch::new(&policy, "in.jsonl")
///     .jobs(2)
///     .run(
///         input.as_bytes(),
///         // Runs on the worker threads.
///         |_index, outcome| match outcome {
///             Outcome::Decided(d) => if d.is_allowed() { "allow" } else { "deny" },
///             Outcome::Failed { .. } => "error",
///         },
///         // Runs on the calling thread, in input order.
///         |answer| {
///             seen.push(answer);
///             Ok(())
///         },
///     )
///     .unwrap();
/// assert_eq!(seen, ["deny", "allow", "error"]);
/// ```
#[derive(Debug, Clone)]
pub struct Batch<'p> {
    policy: &'p Policy,
    name: String,
    jobs: usize,
    chunk_bytes: usize,
}

impl<'p> Batch<'p> {
    /// A batch for `policy`, reading an input called `name` (its extension
    /// picks the format; it names the input in diagnostics). Uses every core
    /// unless told otherwise with [`Batch::jobs`].
    pub fn new(policy: &'p Policy, name: impl Into<String>) -> Self {
        Batch {
            policy,
            name: name.into(),
            jobs: default_jobs(),
            chunk_bytes: DEFAULT_CHUNK_BYTES,
        }
    }

    /// How many threads decide documents (at least 1; 1 runs everything on
    /// the calling thread; at most [`MAX_JOBS`]).
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.jobs = jobs.clamp(1, MAX_JOBS);
        self
    }

    /// The size of a chunk, in bytes.
    pub fn chunk_bytes(mut self, bytes: usize) -> Self {
        self.chunk_bytes = bytes.max(1);
        self
    }

    /// Decides every document of `input`: `map` turns each outcome into a
    /// `T` on a worker thread (render it there), and `sink` receives the
    /// `T`s on the calling thread in input order. Returns the number of
    /// documents. Stops at the first read error (after sinking every
    /// document before it) or the first error of `sink`.
    pub fn run<R, T, M, S>(&self, input: R, map: M, mut sink: S) -> io::Result<usize>
    where
        R: BufRead,
        T: Send,
        M: Fn(usize, Outcome) -> T + Sync,
        S: FnMut(T) -> io::Result<()>,
    {
        let mut chunks = Chunks::new(input, &self.name, self.chunk_bytes);
        let mut count = 0usize;
        if self.jobs <= 1 {
            for chunk in chunks {
                let chunk = chunk?;
                count += chunk.docs();
                for t in self.decide(&chunk, &map) {
                    sink(t)?;
                }
            }
            return Ok(count);
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.jobs)
            .thread_name(|i| format!("pactum-batch-{i}"))
            .stack_size(self.policy.limits().stack_bytes())
            .build()
            .map_err(io::Error::other)?;
        let window = self.jobs * 4;
        let (tx, rx) = std::sync::mpsc::channel::<(usize, Vec<T>)>();
        let map = &map;
        pool.in_place_scope(|scope| {
            let mut result = Ok(());
            let (mut sent, mut written) = (0usize, 0usize);
            let mut ready: BTreeMap<usize, Vec<T>> = BTreeMap::new();
            let mut reading = true;
            loop {
                while reading && result.is_ok() && sent - written < window {
                    match chunks.next() {
                        Some(Ok(chunk)) => {
                            count += chunk.docs();
                            let tx = tx.clone();
                            let seq = sent;
                            scope.spawn(move |_| {
                                let out = self.decide(&chunk, map);
                                let _ = tx.send((seq, out));
                            });
                            sent += 1;
                        }
                        Some(Err(e)) => {
                            result = Err(e);
                            reading = false;
                        }
                        None => reading = false,
                    }
                }
                if written == sent {
                    break;
                }
                let Ok((seq, out)) = rx.recv() else { break };
                ready.insert(seq, out);
                while let Some(out) = ready.remove(&written) {
                    written += 1;
                    for t in out {
                        if result.is_ok() {
                            if let Err(e) = sink(t) {
                                result = Err(e);
                                reading = false;
                            }
                        }
                    }
                }
            }
            result
        })?;
        Ok(count)
    }

    /// Decides one chunk: one `T` a document, in order.
    fn decide<T, M: Fn(usize, Outcome) -> T>(&self, chunk: &Chunk, map: &M) -> Vec<T> {
        // The chunk's documents as already split (the whole file's format is
        // the chunk's, as `Chunks` keeps it).
        let mut outcomes = if Format::detect(&self.name, &chunk.text) == chunk.format {
            self.policy
                .evaluate_split(&self.name, &chunk.text, chunk.format, chunk.ranges.clone())
        } else {
            self.policy.evaluate_file(&self.name, &chunk.text)
        };
        let misplaced = |o: &Outcome| match o {
            Outcome::Failed { diagnostics, .. } => diagnostics
                .iter()
                .any(|d| d.file_name() == Some(self.name.as_str())),
            Outcome::Decided(_) => false,
        };
        if chunk.first_line > 0 && outcomes.iter().any(misplaced) {
            // Re-read behind blank lines, so that facts errors point at the
            // right line of the whole input.
            let mut padded = "\n".repeat(chunk.first_line);
            padded.push_str(&chunk.text);
            let again = self.policy.evaluate_file(&self.name, &padded);
            if again.len() == outcomes.len() {
                for (o, a) in outcomes.iter_mut().zip(again) {
                    if misplaced(o) {
                        *o = a;
                    }
                }
            }
        }
        outcomes
            .into_iter()
            .enumerate()
            .map(|(i, o)| map(chunk.first_doc + i, o))
            .collect()
    }
}

/// The number of cores, or 1 when it cannot be known.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn pieces(text: &str, name: &str, target: usize) -> Vec<String> {
        Chunks::new(text.as_bytes(), name, target)
            .map(|c| c.unwrap().text)
            .collect()
    }

    /// Every document of every chunk, as `facts::split` reads it.
    fn docs(text: &str, name: &str, target: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut chunks = Chunks::new(text.as_bytes(), name, target);
        let mut all = Vec::new();
        for c in chunks.by_ref() {
            all.push(c.unwrap());
        }
        let format = chunks.format().unwrap();
        for c in all {
            for r in facts::split(&c.text, format) {
                out.push(c.text[r].trim().to_string());
            }
        }
        out
    }

    fn whole(text: &str, name: &str) -> Vec<String> {
        let format = Format::detect(name, text);
        facts::split(text, format)
            .into_iter()
            .map(|r| text[r].trim().to_string())
            .collect()
    }

    #[test]
    fn chunks_split_like_the_whole_text() {
        let yaml = "# lead\n%YAML 1.2\n---\na: 1\n---\n---\nb: 2\n...\n# c\n---\nc: 3\n--- {d: 4}\n---\n# only a comment\n---\ne: 5\n";
        let jsonl = "\u{feff}{\"a\":1}\n\n  {\"b\":2}\r\n{\"c\":3}\n{\"d\":4}\n  \n";
        for target in [1, 2, 5, 10, 1000] {
            for (text, name) in [
                (yaml, "x.yaml"),
                (yaml, "-"),
                (jsonl, "x.jsonl"),
                (jsonl, "-"),
            ] {
                assert_eq!(
                    docs(text, name, target),
                    whole(text, name),
                    "{name} {target}"
                );
                assert_eq!(pieces(text, name, target).concat(), text);
            }
        }
    }

    #[test]
    fn unnamed_json_lines_keep_two_documents_a_chunk() {
        let text = "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n";
        for c in Chunks::new(text.as_bytes(), "-", 1) {
            let c = c.unwrap();
            assert_eq!(Format::detect("-", &c.text), Format::JsonLines, "{c:?}");
        }
    }

    /// What a test compares of an outcome.
    fn summary(o: &Outcome) -> String {
        match o {
            Outcome::Decided(d) => format!("{} {:?}", d.id(), d.verdict()),
            Outcome::Failed { id, diagnostics } => {
                let d = diagnostics.iter().next().unwrap();
                format!(
                    "{id} {} {:?} {:?}",
                    d.code_id(),
                    d.line_col(),
                    d.underlined()
                )
            }
        }
    }

    #[test]
    fn batches_decide_like_the_whole_file_on_any_chunking() {
        let policy = crate::Package::from_sources([(
            "a.policy",
            "package a\nrequests are identified by order.id\n\
             schema order { id: string, amount: decimal, items: int }\n\
             let each = order.amount / order.items\n\
             rule big { deny BIG when each > 100 message \"big\" help \"Split it.\" }",
        )])
        .check()
        .unwrap();
        let mut yaml = String::new();
        let mut jsonl = String::new();
        for i in 0..40 {
            let (amount, items) = match i % 5 {
                0 => ("500".to_string(), "2".to_string()),
                1 => ("five".to_string(), "1".to_string()),
                2 => ("5".to_string(), "0".to_string()),
                _ => (format!("{i}"), "1".to_string()),
            };
            yaml.push_str(&format!(
                "---\n# doc {i}\norder:\n  id: o-{i}\n  amount: {amount}\n  items: {items}\n"
            ));
            jsonl.push_str(&format!(
                "  {{\"order\": {{\"id\": \"o-{i}\", \"amount\": \"{amount}\", \"items\": {items}}}}}\n"
            ));
        }
        for (name, text) in [("b.yaml", &yaml), ("b.jsonl", &jsonl), ("-", &jsonl)] {
            let whole: Vec<String> = policy
                .evaluate_file(name, text)
                .iter()
                .map(summary)
                .collect();
            assert_eq!(whole.len(), 40);
            for jobs in [1, 2] {
                for bytes in [1, 100, 1 << 20] {
                    let mut got = Vec::new();
                    Batch::new(&policy, name)
                        .jobs(jobs)
                        .chunk_bytes(bytes)
                        .run(
                            text.as_bytes(),
                            |_, o| summary(&o),
                            |s| {
                                got.push(s);
                                Ok(())
                            },
                        )
                        .unwrap();
                    assert_eq!(got, whole, "{name} jobs {jobs} chunk {bytes}");
                }
            }
        }
    }

    #[test]
    fn invalid_utf8_fails_only_its_own_document() {
        // The bad byte becomes a NUL, which the loader refuses for that
        // document alone (`facts::text_from_bytes`).
        let chunks: Vec<Chunk> = Chunks::new(
            &b"{\"a\":1}\n{\"b\":2}\n\xff\n{\"c\":3}\n"[..],
            "x.jsonl",
            1,
        )
        .collect::<Result<_, _>>()
        .unwrap();
        assert_eq!(chunks.iter().map(Chunk::docs).sum::<usize>(), 4);
        assert!(chunks.iter().any(|c| c.text().contains('\0')));
    }
}
