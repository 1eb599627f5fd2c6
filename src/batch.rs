//! Streaming batches: documents read incrementally, decided in parallel,
//! handed back in input order.
//!
//! A batch (a YAML stream or JSON Lines) is never held whole in memory.
//! [`Chunks`] reads it and cuts it into chunks of whole documents, a few
//! tens of kilobytes each, only where [`facts::split`] would start a new
//! document anyway, so each chunk splits exactly as the same bytes would
//! inside the whole file. [`Batch::run`] decides the chunks on a pool of
//! worker threads (at most a small window of chunks in flight), and hands
//! every document's result to a sink in input order. Memory is flat in the
//! length of the batch: it holds at most `4 × jobs` chunks at a time.
//!
//! Memory is bounded by the facts size limit too: a document larger than
//! [`crate::Limits::max_facts_bytes`] (a JSON line, a YAML document, a whole
//! JSON file) is not buffered. Once it is known to be too large, the rest
//! of it is skipped as it is read (its lines counted, so that later line
//! numbers stay right), and it gives one `pactum::limit::facts_size` record
//! in its place. At most about the limit (or 64 KiB, for sniffing the
//! format of an unnamed input) is held of one line.
//!
//! Every document gives exactly one result, as [`Policy::evaluate_file`]
//! does: a decision, or one [`Outcome::Failed`] in its place; an input
//! without any document gives one `pactum::facts::empty` result. Facts
//! errors point at the line, column and byte offset of the document in the
//! whole input: each chunk knows where it starts.
//!
//! Streams are decided as they are read: when the input has no complete
//! line left and its last read was short (it had nothing more to give at
//! that moment, as a pipe written line by line), the complete documents
//! read so far are decided and the sink is told to flush (see
//! [`Batch::run_streaming`]) before waiting for more. A JSON line is
//! complete with its line break; a YAML document when the `---` line of the
//! next one arrives, or the input ends. With more than one job, the input
//! is read on a thread of its own.
//!
//! When the format comes from sniffing (standard input, or a name without a
//! known extension), it is decided on the first non-blank line, as
//! [`Format::detect`] does.

mod chunks;

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::path::Path;

pub use chunks::{Chunk, Chunks, DEFAULT_CHUNK_BYTES};

use crate::decision::Decision;
use crate::diag::Diagnostics;
use crate::explain::Explanation;
use crate::package::{Outcome, Policy};
use crate::value::Value;

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
    stream: bool,
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
            stream: false,
        }
    }

    /// How many threads decide documents (at least 1; 1 runs everything on
    /// the calling thread; at most [`MAX_JOBS`]).
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.jobs = jobs.clamp(1, MAX_JOBS);
        self
    }

    /// Whether the input is a stream that may pause (a pipe, a terminal):
    /// with more than one job it is then read on a thread of its own, so
    /// that every result is written as soon as it is decided, even while a
    /// read waits. Off by default: files are read between writes, on the
    /// calling thread, which costs less. Either way a waiting input has
    /// every document read so far decided and sunk first.
    pub fn stream(mut self, stream: bool) -> Self {
        self.stream = stream;
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
        R: Read + Send,
        T: Send,
        M: Fn(usize, Outcome) -> T + Sync,
        S: FnMut(T) -> io::Result<()>,
    {
        self.run_streaming(input, map, |t| match t {
            Some(t) => sink(t),
            None => Ok(()),
        })
    }

    /// [`Batch::run`] for streams: `sink` also receives `None` when every
    /// document read so far has been sunk and the input has nothing more
    /// to give yet (see [`Chunks::waiting`]): the moment to flush the
    /// output, so that a request written on a pipe is answered before the
    /// next one arrives.
    pub fn run_streaming<R, T, M, S>(&self, input: R, map: M, sink: S) -> io::Result<usize>
    where
        R: Read + Send,
        T: Send,
        M: Fn(usize, Outcome) -> T + Sync,
        S: FnMut(Option<T>) -> io::Result<()>,
    {
        self.drive(input, |chunk| self.decide(chunk, &map), sink)
    }

    /// [`Batch::run_streaming`] with explanations: each document is decided
    /// and explained once, on a worker thread, and `map` turns the result
    /// into a `T` there (write the explanation out there).
    pub fn run_explained<R, T, M, S>(&self, input: R, map: M, sink: S) -> io::Result<usize>
    where
        R: Read + Send,
        T: Send,
        M: Fn(usize, Explained) -> T + Sync,
        S: FnMut(Option<T>) -> io::Result<()>,
    {
        let explain = |chunk: &Chunk| {
            let results = self.split(self.policy, chunk, |v| self.policy.explain_value(v));
            results
                .into_iter()
                .enumerate()
                .map(|(i, r)| {
                    map(
                        chunk.first_doc + i,
                        match r {
                            Ok((decision, why)) => Explained::Decided(decision, why),
                            Err((id, diagnostics)) => Explained::Failed { id, diagnostics },
                        },
                    )
                })
                .collect()
        };
        self.drive(input, explain, sink)
    }

    /// [`Batch::run_streaming`] under two policies: each document is
    /// decided by this batch's policy and by `other` (as `pactum diff`
    /// compares two versions of a package), and `map` turns the pair into
    /// a `T` on a worker thread.
    pub fn run_compared<R, T, M, S>(
        &self,
        other: &Policy,
        input: R,
        map: M,
        sink: S,
    ) -> io::Result<usize>
    where
        R: Read + Send,
        T: Send,
        M: Fn(usize, Outcome, Outcome) -> T + Sync,
        S: FnMut(Option<T>) -> io::Result<()>,
    {
        let compare = |chunk: &Chunk| {
            let before = self.outcomes(self.policy, chunk);
            let after = self.outcomes(other, chunk);
            before
                .into_iter()
                .zip(after)
                .enumerate()
                .map(|(i, (a, b))| map(chunk.first_doc + i, a, b))
                .collect()
        };
        self.drive(input, compare, sink)
    }

    /// Reads `input` in chunks and hands each to `work` on the pool,
    /// sinking what it gives in input order (see [`Batch::run_streaming`]).
    fn drive<R, T, W, S>(&self, input: R, work: W, mut sink: S) -> io::Result<usize>
    where
        R: Read + Send,
        T: Send,
        W: Fn(&Chunk) -> Vec<T> + Sync,
        S: FnMut(Option<T>) -> io::Result<()>,
    {
        let mut chunks = Chunks::new(input, &self.name, self.chunk_bytes)
            .max_doc_bytes(self.policy.limits().max_facts_bytes);
        let mut count = 0usize;
        if self.jobs <= 1 {
            while let Some(chunk) = chunks.next() {
                let chunk = chunk?;
                count += chunk.docs();
                for t in work(&chunk) {
                    sink(Some(t))?;
                }
                if chunks.waiting() {
                    sink(None)?;
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
        if !self.stream {
            // Read on the calling thread, between writes: for files, whose
            // reads never wait (a short read is only the last one).
            let (tx, rx) = std::sync::mpsc::channel::<(usize, Vec<T>)>();
            let work = &work;
            pool.in_place_scope(|scope| {
                let mut result = Ok(());
                let (mut sent, mut written) = (0usize, 0usize);
                let mut ready: BTreeMap<usize, Vec<T>> = BTreeMap::new();
                let mut reading = true;
                // The input is waiting: write everything before reading on.
                let mut paused = false;
                loop {
                    while reading && !paused && result.is_ok() && sent - written < window {
                        match chunks.next() {
                            Some(Ok(chunk)) => {
                                count += chunk.docs();
                                let tx = tx.clone();
                                let seq = sent;
                                scope.spawn(move |_| {
                                    let out = work(&chunk);
                                    let _ = tx.send((seq, out));
                                });
                                sent += 1;
                                paused = chunks.waiting();
                            }
                            Some(Err(e)) => {
                                result = Err(e);
                                reading = false;
                            }
                            None => reading = false,
                        }
                    }
                    if written == sent {
                        if paused && reading && result.is_ok() {
                            paused = false;
                            result = sink(None);
                            continue;
                        }
                        break;
                    }
                    let Ok((seq, out)) = rx.recv() else { break };
                    ready.insert(seq, out);
                    while sink_next(&mut ready, &mut written, &mut result, &mut sink) {
                        reading &= result.is_ok();
                    }
                }
                result
            })?;
            return Ok(count);
        }
        // The input is read on a thread of its own, so that the calling
        // thread writes each result as soon as it is decided, even while a
        // read waits for a stream; `tokens` bounds the chunks in flight.
        let (events, inbox) = std::sync::mpsc::channel::<Event<T>>();
        let (give, take) = std::sync::mpsc::sync_channel::<()>(window);
        for _ in 0..window {
            let _ = give.send(());
        }
        let work = &work;
        let result = std::thread::scope(|threads| {
            let reader_events = events.clone();
            threads.spawn(move || {
                let mut seq = 0usize;
                while take.recv().is_ok() {
                    match chunks.next() {
                        Some(Ok(chunk)) => {
                            if reader_events.send(Event::Chunk(seq, chunk)).is_err() {
                                return;
                            }
                            seq += 1;
                            if chunks.waiting() && reader_events.send(Event::Waiting(seq)).is_err()
                            {
                                return;
                            }
                        }
                        Some(Err(e)) => {
                            let _ = reader_events.send(Event::End(Err(e)));
                            return;
                        }
                        None => break,
                    }
                }
                let _ = reader_events.send(Event::End(Ok(())));
            });
            pool.in_place_scope(|scope| {
                let mut result = Ok(());
                let (mut sent, mut written) = (0usize, 0usize);
                let mut ready: BTreeMap<usize, Vec<T>> = BTreeMap::new();
                let mut read_all = false;
                // Flush once every chunk before this one is written.
                let mut flush_at: Option<usize> = None;
                let mut give = Some(give);
                while !(read_all && written == sent) {
                    let Ok(event) = inbox.recv() else { break };
                    match event {
                        Event::Chunk(seq, chunk) => {
                            count += chunk.docs();
                            let events = events.clone();
                            scope.spawn(move |_| {
                                let out = work(&chunk);
                                let _ = events.send(Event::Done(seq, out));
                            });
                            sent += 1;
                        }
                        Event::Waiting(seq) => flush_at = Some(seq),
                        Event::Done(seq, out) => {
                            ready.insert(seq, out);
                            while sink_next(&mut ready, &mut written, &mut result, &mut sink) {
                                if result.is_ok() {
                                    if let Some(g) = &give {
                                        let _ = g.try_send(());
                                    }
                                } else {
                                    // Stop the reader at its next chunk.
                                    give = None;
                                }
                            }
                        }
                        Event::End(end) => {
                            read_all = true;
                            if result.is_ok() {
                                result = end;
                            }
                            give = None;
                        }
                    }
                    if flush_at.is_some_and(|at| written >= at) && result.is_ok() {
                        flush_at = None;
                        result = sink(None);
                    }
                }
                drop(give);
                result
            })
        });
        result?;
        Ok(count)
    }

    /// Decides one chunk: one `T` a document, in order.
    fn decide<T, M: Fn(usize, Outcome) -> T>(&self, chunk: &Chunk, map: &M) -> Vec<T> {
        self.outcomes(self.policy, chunk)
            .into_iter()
            .enumerate()
            .map(|(i, o)| map(chunk.first_doc + i, o))
            .collect()
    }

    /// Decides one chunk under `policy`: one outcome a document, in order.
    fn outcomes(&self, policy: &Policy, chunk: &Chunk) -> Vec<Outcome> {
        self.split(policy, chunk, |v| policy.decide(v))
            .into_iter()
            .map(|r| match r {
                Ok(d) => Outcome::Decided(d),
                Err((id, diagnostics)) => Outcome::Failed { id, diagnostics },
            })
            .collect()
    }

    /// Reads every document of one chunk under `policy` and hands it to
    /// `decide`: one result a document, in order (a document too large to
    /// read fails alone).
    fn split<T>(
        &self,
        policy: &Policy,
        chunk: &Chunk,
        decide: impl Fn(&Value) -> Result<T, Diagnostics>,
    ) -> Vec<Result<T, (Value, Diagnostics)>> {
        if chunk.oversized {
            let mut diagnostics = Diagnostics::default();
            diagnostics.push(chunk.too_large(policy, &self.name));
            return vec![Err((Value::Absent, diagnostics))];
        }
        policy.split_with(
            &self.name,
            &chunk.text,
            chunk.format,
            chunk.ranges.clone(),
            chunk.origin(),
            decide,
        )
    }
}

/// One document of a batch decided with its explanation
/// ([`Batch::run_explained`]).
#[derive(Debug)]
pub enum Explained {
    /// The request was decided: the decision, and how it came about.
    Decided(Decision, Explanation),
    /// The document could not be read, or the policy failed on it.
    Failed {
        /// The request identifier, when it could still be read.
        id: Value,
        /// What went wrong (at least one).
        diagnostics: Diagnostics,
    },
}

/// What the calling thread of a parallel batch hears of.
enum Event<T> {
    /// A chunk read (its sequence number).
    Chunk(usize, Chunk),
    /// The reader waits for the input after this many chunks.
    Waiting(usize),
    /// A chunk decided.
    Done(usize, Vec<T>),
    /// The input is read (or failed).
    End(io::Result<()>),
}

/// The diagnostic of a facts input that cannot be opened or read
/// (`pactum::facts::io`): a missing file, a directory, a read that failed.
/// `name` names the input (a path, or `<stdin>`).
///
/// ```
/// let e = std::io::Error::new(std::io::ErrorKind::NotFound, "not found");
/// let d = pactum::batch::unreadable("in.yaml", &e);
/// assert_eq!(d.code_id(), "pactum::facts::io");
/// assert_eq!(d.file_name(), Some("in.yaml"));
/// ```
pub fn unreadable(name: &str, error: &dyn std::fmt::Display) -> crate::Diagnostic {
    crate::Diagnostic::new(
        crate::diag::codes::FACTS_IO,
        format!("cannot read the facts file {name}: {error}"),
    )
    .about_path(std::path::Path::new(name))
    .help("give the path of a YAML, JSON or JSON Lines file saved as UTF-8, or `-` for standard input")
}

/// The number of cores, or 1 when it cannot be known.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// Sinks the results of chunk `written` if it has been decided (chunks are
/// decided out of order and written in input order), stopping at the
/// first error of `sink`; whether there was such a chunk.
fn sink_next<T, S>(
    ready: &mut BTreeMap<usize, Vec<T>>,
    written: &mut usize,
    result: &mut io::Result<()>,
    sink: &mut S,
) -> bool
where
    S: FnMut(Option<T>) -> io::Result<()>,
{
    let Some(out) = ready.remove(written) else {
        return false;
    };
    *written += 1;
    for t in out {
        if result.is_ok() {
            *result = sink(Some(t));
        }
    }
    true
}

#[cfg(test)]
mod tests;

/// Whole facts files, streamed through a [`Batch`].
impl Policy {
    /// Reads a facts file and evaluates every document of it, as
    /// [`Policy::evaluate_file`], streamed as [`Batch`] reads
    /// it (a document larger than the facts size limit is refused unread, with
    /// `pactum::limit::facts_size`).
    /// A file that cannot be read (missing, a directory) gives one failed
    /// outcome with `pactum::facts::io`, after the documents read before
    /// the error; bytes that are not UTF-8 fail the document holding them
    /// (`pactum::facts::syntax`).
    ///
    /// ```
    /// let policy = pactum::Package::from_sources([("a.policy", "package a\nschema s { n: int }")])
    ///     .check()
    ///     .unwrap();
    /// let outcomes = policy.evaluate_path("no/such/file.yaml");
    /// let pactum::Outcome::Failed { diagnostics, .. } = &outcomes[0] else { panic!() };
    /// assert_eq!(diagnostics.iter().next().unwrap().code_id(), "pactum::facts::io");
    /// ```
    pub fn evaluate_path(&self, path: impl AsRef<Path>) -> Vec<Outcome> {
        let path = path.as_ref();
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) => return vec![io_failure(path, &e.to_string())],
        };
        // Read as a stream, as `pactum evaluate` reads it: memory bounded by
        // the facts size limit, whatever the file holds.
        let mut outcomes = Vec::new();
        let read = Batch::new(self, path.display().to_string()).jobs(1).run(
            file,
            |_, o| o,
            |o| {
                outcomes.push(o);
                Ok(())
            },
        );
        match read {
            Ok(_) => outcomes,
            Err(e) => {
                outcomes.push(io_failure(path, &e.to_string()));
                outcomes
            }
        }
    }
}

/// The outcome of a facts file that cannot be read.
fn io_failure(path: &Path, why: &str) -> Outcome {
    let mut diagnostics = Diagnostics::default();
    diagnostics.push(unreadable(&path.display().to_string(), &why));
    Outcome::Failed {
        id: Value::Absent,
        diagnostics,
    }
}
