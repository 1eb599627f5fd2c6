//! `pactum evaluate`: decide every request of a facts file.

use std::io::{IsTerminal, Read, Write};
use std::path::Path;

use pactum::batch::Batch;
use pactum::{Diagnostics, Outcome, Value};

use super::out::errln;
use super::{render, Exit, Format, MessageFormat};

/// The JSON record of a document that could not be decided.
#[derive(serde::Serialize)]
struct ErrorRecord<'a> {
    id: serde_json::Value,
    error: ErrorBody<'a>,
}

#[derive(serde::Serialize)]
struct ErrorBody<'a> {
    code: Option<&'a str>,
    message: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
}

/// The record of a document that was not decided: the JSON error record
/// (`{"id", "error": {"code", "message", "line", "column"}}`) or the human
/// line, naming the request by its identifier when it could be read and by
/// its position (`i`, from 0) otherwise. `evaluate` and `evaluate
/// --explain` both write it.
pub(super) fn failure_record(
    id: &Value,
    i: usize,
    first: Option<&pactum::Diagnostic>,
    format: Format,
) -> String {
    match format {
        Format::Json => {
            let (line, column) = first.and_then(|d| d.line_col()).unzip();
            let record = ErrorRecord {
                id: id.to_json_plain(),
                error: ErrorBody {
                    code: first.map(|d| d.code_id()),
                    message: first.map(|d| d.message()),
                    line,
                    column,
                },
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
                first.map_or("error", |d| d.code_id())
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

/// Runs `evaluate`, deciding the documents of a batch on `jobs` threads.
pub fn run(
    policy_dir: &Path,
    facts: &str,
    format: Format,
    messages: MessageFormat,
    jobs: usize,
) -> Exit {
    let policy = match super::load_package(policy_dir).check() {
        Ok(p) => p,
        Err(diags) => {
            render::diagnostics(&diags, messages, false);
            if messages == MessageFormat::Human {
                errln!(
                    "{}: check failed ({})",
                    policy_dir.display(),
                    render::summary(&diags)
                );
            }
            return Exit::Failure;
        }
    };
    let stdin = std::io::stdin();
    // A stream (standard input, a named pipe, a device) may pause: it is
    // read on a thread of its own; a regular file between writes.
    let (name, input, stream): (String, Box<dyn Read + Send>, bool) = if facts == "-" {
        // Unlocked, so that it can be read on a thread of its own.
        ("<stdin>".to_string(), Box::new(stdin), true)
    } else {
        match std::fs::File::open(facts) {
            Ok(f) => {
                let regular = f.metadata().is_ok_and(|m| m.is_file());
                // Read in large pieces by the batch reader itself.
                (facts.to_string(), Box::new(f), !regular)
            }
            Err(_) => {
                render::facts_unreadable(&policy, facts, messages);
                return Exit::Failure;
            }
        }
    };
    let colour = render::colour(std::io::stdout().is_terminal());
    let mut out = std::io::BufWriter::with_capacity(256 * 1024, super::out::stdout());
    let mut exit = Exit::Success;
    let render_one = |i: usize, outcome: Outcome| match outcome {
        Outcome::Decided(d) => Rendered::Line(match format {
            Format::Json => {
                // Written straight into a buffer sized for a typical
                // envelope, on the worker thread.
                let mut line = Vec::with_capacity(1024);
                d.write_json(&mut line);
                line.push(b'\n');
                line
            }
            Format::Human => {
                let mut line = render::human(&d, &policy, colour).into_bytes();
                line.push(b'\n');
                line
            }
        }),
        Outcome::Failed { id, diagnostics } => {
            let record = failure_record(&id, i, diagnostics.iter().next(), format);
            Rendered::Failed(record, diagnostics)
        }
    };
    let result = Batch::new(&policy, name.as_str())
        .jobs(jobs)
        .stream(stream)
        .run_streaming(input, render_one, |rendered| match rendered {
            Some(Rendered::Line(line)) => out.write_all(&line),
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
        });
    let flushed = out.flush();
    match result.and(flushed) {
        Ok(_) => exit,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit,
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            errln!("error[pactum::facts::io]: cannot read {name}: {e}");
            errln!("  help: give the path of a YAML, JSON or JSON Lines file, or `-` for standard input");
            Exit::Failure
        }
        Err(e) => {
            errln!("error[pactum::facts::io]: cannot read {name} or write the decisions: {e}");
            Exit::Failure
        }
    }
}
