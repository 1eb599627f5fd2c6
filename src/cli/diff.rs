//! `pactum diff`: which requests of a batch a package change affects.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use pactum::batch::Batch;
use pactum::{Decision, Outcome};

use super::out::errln;
use super::{render, Exit, Format};

/// What a decision amounts to, for comparison: verdict, codes, outputs.
struct Gist {
    decision: String,
    reasons: BTreeSet<String>,
    notes: BTreeSet<String>,
    outputs: serde_json::Map<String, serde_json::Value>,
}

fn gist(d: &Decision) -> Gist {
    let json = d.to_json();
    Gist {
        decision: json
            .get("decision")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string(),
        reasons: d.reasons().iter().map(|r| r.code.clone()).collect(),
        notes: d.notes().iter().map(|n| n.code.clone()).collect(),
        outputs: json
            .get("outputs")
            .and_then(|v| v.as_object())
            .cloned()
            .unwrap_or_default(),
    }
}

fn set_change(
    what: &str,
    old: &BTreeSet<String>,
    new: &BTreeSet<String>,
    changes: &mut Vec<String>,
) {
    let added: Vec<&str> = new.difference(old).map(String::as_str).collect();
    let removed: Vec<&str> = old.difference(new).map(String::as_str).collect();
    if !added.is_empty() || !removed.is_empty() {
        let mut parts: Vec<String> = added.iter().map(|c| format!("+{c}")).collect();
        parts.extend(removed.iter().map(|c| format!("-{c}")));
        changes.push(format!("{what} {}", parts.join(" ")));
    }
}

/// What a worker thread makes of one document, for the writer.
enum Compared {
    /// Decided the same way under both versions.
    Same,
    /// Decided differently (a decision and a fault count as different):
    /// the record, with its line end; whether it was not decided under
    /// one of the versions.
    Changed(Vec<u8>, bool),
    /// Not decided under either version: the record, with its line end.
    Undecided(Vec<u8>),
}

/// A side of a comparison, in a JSON record: the envelope, or the error
/// record of a document not decided.
fn side_json(o: &Outcome) -> serde_json::Value {
    match o {
        Outcome::Decided(d) => d.to_json(),
        Outcome::Failed { diagnostics, .. } => {
            serde_json::to_value(render::Errors::of(diagnostics)).unwrap_or_default()
        }
    }
}

/// A decision as a change shows it: `allow`, `deny`, or `not decided
/// (code)`.
fn verdict(o: &Outcome) -> String {
    match o {
        Outcome::Decided(d) => gist(d).decision,
        Outcome::Failed { diagnostics, .. } => format!(
            "not decided ({})",
            diagnostics.iter().next().map_or("error", |d| d.code_id())
        ),
    }
}

/// What changed between the decisions `a` and `b` of one request.
fn changes(a: &Decision, b: &Decision) -> Vec<String> {
    let (ga, gb) = (gist(a), gist(b));
    let mut changes = Vec::new();
    if ga.decision != gb.decision {
        changes.push(format!("decision {} -> {}", ga.decision, gb.decision));
    }
    set_change("reasons", &ga.reasons, &gb.reasons, &mut changes);
    set_change("notes", &ga.notes, &gb.notes, &mut changes);
    let keys: BTreeSet<&String> = ga.outputs.keys().chain(gb.outputs.keys()).collect();
    for k in keys {
        let (x, y) = (ga.outputs.get(k), gb.outputs.get(k));
        if x != y {
            let show =
                |v: Option<&serde_json::Value>| v.map_or("(none)".to_string(), |v| v.to_string());
            changes.push(format!("outputs.{k} {} -> {}", show(x), show(y)));
        }
    }
    changes
}

/// Compares one document under the two versions (`i` its position, from
/// 0), on a worker thread.
fn compare(i: usize, a: &Outcome, b: &Outcome, format: Format) -> Compared {
    let (changes, undecided) = match (a, b) {
        (Outcome::Decided(x), Outcome::Decided(y)) => (changes(x, y), false),
        (Outcome::Failed { .. }, Outcome::Failed { .. }) => (Vec::new(), true),
        _ => (
            vec![format!("decision {} -> {}", verdict(a), verdict(b))],
            true,
        ),
    };
    if changes.is_empty() && !undecided {
        return Compared::Same;
    }
    let id = match (a, b) {
        (Outcome::Decided(d), _) | (_, Outcome::Decided(d)) => d.id().clone(),
        (Outcome::Failed { id, .. }, _) => id.clone(),
    };
    let mut record = match format {
        Format::Json => serde_json::json!({
            "document": i + 1,
            "id": id.to_json_plain(),
            "changes": changes,
            "before": side_json(a),
            "after": side_json(b),
        })
        .to_string(),
        Format::Human => {
            let who = match &id {
                pactum::Value::Absent => format!("document {}", i + 1),
                v => render::untrusted(&v.to_string()).into_owned(),
            };
            if changes.is_empty() {
                let code = match a {
                    Outcome::Failed { diagnostics, .. } => {
                        diagnostics.iter().next().map_or("error", |d| d.code_id())
                    }
                    Outcome::Decided(_) => "error",
                };
                format!(
                    "{who}: not decided under either version ({code}; run `pactum evaluate` for the errors)"
                )
            } else {
                format!("{who}:\n  {}", changes.join("\n  "))
            }
        }
    };
    record.push('\n');
    if changes.is_empty() {
        Compared::Undecided(record.into_bytes())
    } else {
        Compared::Changed(record.into_bytes(), undecided)
    }
}

/// Compares the decisions of `facts` under two package versions, reading
/// it through the streaming batch reader on `run.jobs` threads.
pub fn run(old: &Path, new: &Path, facts: &str, exit_code: bool, run: &super::Run) -> Exit {
    let (format, messages) = (run.format, run.messages);
    let (Some(a), Some(b)) = (
        render::load_policy(old, messages, run.limits),
        render::load_policy(new, messages, run.limits),
    ) else {
        return Exit::Failure;
    };
    let Some(input) = super::evaluate::open(facts, messages) else {
        return Exit::Failure;
    };
    let mut out = std::io::BufWriter::with_capacity(256 * 1024, super::out::stdout());
    let (mut changed, mut failed) = (0usize, 0usize);
    let result = Batch::new(&a, input.name.as_str())
        .jobs(run.jobs)
        .stream(input.stream)
        .run_compared(
            &b,
            input.reader,
            |i, x, y| compare(i, &x, &y, format),
            |c| match c {
                Some(Compared::Same) => Ok(()),
                Some(Compared::Changed(record, undecided)) => {
                    changed += 1;
                    failed += usize::from(undecided);
                    out.write_all(&record)
                }
                Some(Compared::Undecided(record)) => {
                    failed += 1;
                    out.write_all(&record)
                }
                None => out.flush(),
            },
        );
    let total = result.as_ref().map_or(0, |n| *n);
    if result.is_ok() {
        let summary = format!("{changed} of {total} requests changed, {failed} not decided");
        match format {
            Format::Human => {
                let _ = writeln!(out, "{summary}");
            }
            // Standard output stays JSON Lines.
            Format::Json => errln!("{summary}"),
        }
    }
    let flushed = out.flush();
    let exit = if failed > 0 || (exit_code && changed > 0) {
        Exit::Failure
    } else {
        Exit::Success
    };
    super::evaluate::finish(result.map(drop).and(flushed), &input.name, messages, exit)
}
