//! `pactum evaluate`: decide every request of a facts file.

use std::io::{IsTerminal, Read, Write};
use std::path::Path;

use pactum::{Outcome, Package, Value};

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

/// Runs `evaluate`.
pub fn run(policy_dir: &Path, facts: &str, format: Format, messages: MessageFormat) -> Exit {
    let policy = match Package::from_dir(policy_dir).check() {
        Ok(p) => p,
        Err(diags) => {
            render::diagnostics(&diags, messages, false);
            if messages == MessageFormat::Human {
                eprintln!(
                    "{}: check failed ({})",
                    policy_dir.display(),
                    render::summary(&diags)
                );
            }
            return Exit::Failure;
        }
    };
    let (name, text) = if facts == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            eprintln!("error: cannot read standard input: {e}");
            return Exit::Failure;
        }
        ("<stdin>".to_string(), s)
    } else {
        match std::fs::read_to_string(facts) {
            Ok(s) => (facts.to_string(), s),
            Err(e) => {
                eprintln!("error[pactum::facts::io]: cannot read {facts}: {e}");
                eprintln!("  help: give the path of a YAML, JSON or JSON Lines file, or `-` for standard input");
                return Exit::Failure;
            }
        }
    };
    let stdout = std::io::stdout();
    let colour = render::colour(stdout.is_terminal());
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut exit = Exit::Success;
    for (i, outcome) in policy.evaluate_file(&name, &text).into_iter().enumerate() {
        match outcome {
            Outcome::Decided(d) => {
                let _ = match format {
                    Format::Json => {
                        writeln!(out, "{}", serde_json::to_string(&d).unwrap_or_default())
                    }
                    Format::Human => writeln!(out, "{}", render::human(&d, &policy, colour)),
                };
            }
            Outcome::Failed { id, diagnostics } => {
                exit = Exit::Failure;
                let _ = out.flush();
                render::diagnostics(&diagnostics, messages, false);
                let first = diagnostics.iter().next();
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
                        let record = serde_json::to_string(&record).unwrap_or_default();
                        let _ = writeln!(out, "{record}");
                    }
                    Format::Human => {
                        let who = match &id {
                            Value::Absent => format!("document {}", i + 1),
                            v => v.to_string(),
                        };
                        let _ = writeln!(
                            out,
                            "{who}: NOT DECIDED ({})\n",
                            first.map_or("error", |d| d.code_id())
                        );
                    }
                }
            }
        }
    }
    let _ = out.flush();
    exit
}
