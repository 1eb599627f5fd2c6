//! `pactum evaluate`: decide every request of a facts file.

use std::io::{Read, Write};
use std::path::Path;

use pactum::batch::{Batch, Explained};
use pactum::{Decision, Diagnostics, Explanation, Outcome, Value};

use super::{render, Exit, Format, MessageFormat};

/// The JSON record of a document that could not be decided.
#[derive(serde::Serialize)]
struct ErrorRecord<'a> {
    id: serde_json::Value,
    #[serde(flatten)]
    errors: render::Errors<'a>,
}

/// The record of a document that was not decided: the JSON error record
/// (`{"id", "error": {"code", "message", "line", "column", "facts_path"},
/// "errors": [...]}`, see [`render::Errors`]) or the human line, naming the
/// request by its identifier when it could be read and by its position
/// (`i`, from 0) otherwise. `evaluate` and `evaluate --explain` both write
/// it.
pub(super) fn failure_record(
    id: &Value,
    i: usize,
    diagnostics: &Diagnostics,
    format: Format,
) -> String {
    match format {
        Format::Json => {
            let record = ErrorRecord {
                id: id.to_json_plain(),
                errors: render::Errors::of(diagnostics),
            };
            serde_json::to_string(&record).unwrap_or_default()
        }
        Format::Human => {
            let who = match id {
                Value::Absent => format!("document {}", i + 1),
                v => v.to_string(),
            };
            format!(
                "{who}: NOT DECIDED ({})\n",
                render::error_summary(diagnostics)
            )
        }
    }
}

/// What a worker thread makes of one document, for the writer.
enum Rendered {
    /// The decision, rendered, with its line end.
    Line(Vec<u8>),
    /// A document that could not be decided: its record, and the
    /// diagnostics for standard error.
    Failed(String, Diagnostics),
}

/// A facts input opened for a batch: its name in diagnostics, its reader,
/// and whether it is a stream that may pause (standard input, a named
/// pipe, a device) rather than a regular file.
pub(super) struct Input {
    pub name: String,
    pub reader: Box<dyn Read + Send>,
    pub stream: bool,
}

/// Opens the facts input `facts` (a path, or `-` for standard input); an
/// input that cannot be opened is reported (`pactum::facts::io`).
pub(super) fn open(facts: &str, messages: MessageFormat) -> Option<Input> {
    if facts == "-" {
        // Unlocked, so that it can be read on a thread of its own.
        return Some(Input {
            name: "<stdin>".to_string(),
            reader: Box::new(std::io::stdin()),
            stream: true,
        });
    }
    match std::fs::File::open(facts) {
        Ok(f) => {
            let regular = f.metadata().is_ok_and(|m| m.is_file());
            Some(Input {
                name: facts.to_string(),
                reader: Box::new(f),
                stream: !regular,
            })
        }
        Err(e) => {
            render::facts_unreadable(facts, &e, messages);
            None
        }
    }
}

/// The exit of a batch command whose run ended with `result`: a closed
/// output ends it quietly, a read that failed is reported
/// (`pactum::facts::io`).
pub(super) fn finish(
    result: std::io::Result<()>,
    name: &str,
    messages: MessageFormat,
    exit: Exit,
) -> Exit {
    match result {
        Ok(()) => exit,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit,
        Err(e) => {
            render::facts_unreadable(name, &e, messages);
            Exit::Failure
        }
    }
}

/// Runs `evaluate` (with `--explain` and `--exit-code` as `switches` says),
/// deciding the documents of a batch on `run.jobs` threads.
pub fn run(policy_dir: &Path, facts: &str, switches: super::Evaluate, run: &super::Run) -> Exit {
    let explain = switches.explain;
    let (format, messages) = (run.format, run.messages);
    let Some(policy) = render::load_policy(policy_dir, messages, run.limits) else {
        return Exit::Failure;
    };
    let Some(input) = open(facts, messages) else {
        return Exit::Failure;
    };
    let style = render::Style::stdout();
    let mut out = super::out::Lines::new();
    let mut exit = Exit::Success;
    // Runs on the worker threads: the decision (and its explanation) is
    // written straight into its line there.
    // The longest JSON line so far: each line's buffer is made that
    // large, so that writing it seldom grows (and copies) it.
    let longest = std::sync::atomic::AtomicUsize::new(1024);
    // Whether some request was denied (`--exit-code`).
    let denied = std::sync::atomic::AtomicBool::new(false);
    let line = |d: &Decision, why: Option<&Explanation>| -> Rendered {
        if !d.is_allowed() {
            denied.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        Rendered::Line(match format {
            Format::Json => {
                use std::sync::atomic::Ordering::Relaxed;
                let mut line = Vec::with_capacity(longest.load(Relaxed));
                match why {
                    Some(why) => d.write_json_explained(why, &mut line),
                    None => d.write_json(&mut line),
                }
                line.push(b'\n');
                if line.len() > longest.load(Relaxed) {
                    // At most 64 KiB: one huge line does not make every
                    // later buffer huge.
                    longest.fetch_max((line.len() + line.len() / 8).min(64 << 10), Relaxed);
                }
                line
            }
            Format::Human => {
                let mut line = render::human(d, &policy, style);
                if let Some(why) = why {
                    line.push_str(&super::trace::tree(why, style));
                }
                line.push('\n');
                line.into_bytes()
            }
        })
    };
    let failed = |i: usize, id: &Value, diagnostics: Diagnostics| {
        let record = failure_record(id, i, &diagnostics, format);
        Rendered::Failed(record, diagnostics)
    };
    let sink = |rendered: Option<Rendered>| match rendered {
        Some(Rendered::Line(line)) => out.line(line),
        Some(Rendered::Failed(record, diagnostics)) => {
            exit = Exit::Failure;
            out.flush()?;
            render::diagnostics(&diagnostics, messages, false);
            writeln!(out, "{record}")?;
            // Out at once, like its diagnostics: a reader waiting on
            // this record (or an input that never ends) sees it now.
            out.flush()
        }
        // The input has nothing more yet: answer what was asked.
        None => out.flush(),
    };
    let batch = Batch::new(&policy, input.name.as_str())
        .jobs(run.jobs)
        .stream(input.stream);
    let result = if explain {
        batch.run_explained(
            input.reader,
            |i, e| match e {
                Explained::Decided(d, why) => line(&d, Some(&why)),
                Explained::Failed { id, diagnostics } => failed(i, &id, diagnostics),
            },
            sink,
        )
    } else {
        batch.run_streaming(
            input.reader,
            |i, o| match o {
                Outcome::Decided(d) => line(&d, None),
                Outcome::Failed { id, diagnostics } => failed(i, &id, diagnostics),
            },
            sink,
        )
    };
    let flushed = out.flush();
    let exit = finish(result.map(drop).and(flushed), &input.name, messages, exit);
    if exit == Exit::Success && switches.exit_code && denied.into_inner() {
        return Exit::Denied;
    }
    exit
}
