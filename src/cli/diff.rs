//! `pactum diff`: which requests of a batch a package change affects.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use pactum::Decision;

use super::out::errln;
use super::{render, Exit, Format, MessageFormat};

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

/// Compares the decisions of `facts` under two package versions.
pub fn run(
    old: &Path,
    new: &Path,
    facts: &str,
    format: Format,
    exit_code: bool,
    messages: MessageFormat,
) -> Exit {
    let (Some(a), Some(b)) = (
        render::load_policy(old, messages),
        render::load_policy(new, messages),
    ) else {
        return Exit::Failure;
    };
    let Some((name, input)) = super::open_facts(facts) else {
        render::facts_unreadable(&a, facts, messages);
        return Exit::Failure;
    };
    let mut out = std::io::BufWriter::new(super::out::stdout());
    let (mut changed, mut failed, mut total) = (0usize, 0usize, 0usize);
    // Read as a stream, chunk by chunk, as `pactum evaluate` reads it.
    for chunk in super::facts_chunks(&name, input) {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                let _ = out.flush();
                super::facts_read_failed(&name, &e);
                return Exit::Failure;
            }
        };
        let pairs = chunk
            .facts(&a, &name)
            .into_iter()
            .zip(chunk.facts(&b, &name))
            .enumerate()
            .map(|(j, d)| (chunk.first_doc() + j, d));
        for (i, (da, db)) in pairs {
            total += 1;
            let ra = da
                .map_err(|_| ())
                .and_then(|f| a.evaluate(&f).map_err(|_| ()));
            let rb = db
                .map_err(|_| ())
                .and_then(|f| b.evaluate(&f).map_err(|_| ()));
            let (da, db) = match (ra, rb) {
                (Ok(x), Ok(y)) => (x, y),
                _ => {
                    failed += 1;
                    let _ = writeln!(out, "document {}: not decided under one of the versions (run `pactum evaluate` for the errors)", i + 1);
                    continue;
                }
            };
            let (ga, gb) = (gist(&da), gist(&db));
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
                    let show = |v: Option<&serde_json::Value>| {
                        v.map_or("(none)".to_string(), |v| v.to_string())
                    };
                    changes.push(format!("outputs.{k} {} -> {}", show(x), show(y)));
                }
            }
            if changes.is_empty() {
                continue;
            }
            changed += 1;
            let id = da.id().to_json_plain();
            let _ = match format {
                Format::Json => writeln!(
                    out,
                    "{}",
                    serde_json::json!({"document": i + 1, "id": id, "changes": changes, "before": da.to_json(), "after": db.to_json()})
                ),
                Format::Human => {
                    let who = if id.is_null() {
                        format!("document {}", i + 1)
                    } else {
                        da.id().to_string()
                    };
                    writeln!(out, "{who}:\n  {}", changes.join("\n  "))
                }
            };
        }
    }
    let summary = format!("{changed} of {total} requests changed, {failed} not decided");
    match format {
        Format::Human => {
            let _ = writeln!(out, "{summary}");
        }
        Format::Json => errln!("{summary}"),
    }
    let _ = out.flush();
    if failed > 0 || (exit_code && changed > 0) {
        Exit::Failure
    } else {
        Exit::Success
    }
}
