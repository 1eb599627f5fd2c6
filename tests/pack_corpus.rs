//! Checks the `policies/unsubscription` pack, run by the real `pactum`
//! binary, against the independent oracle in `support/unsubscription.rs`:
//! first every example facts file (and the expectation written in its first
//! comment line), then thousands of generated requests.
//!
//! Only what the contract fixes is compared: the id, the decision, the sets
//! of reason and note codes, and the four outputs. Messages, help texts and
//! rule names are the pack author's.
//!
//! `PACTUM_CORPUS_SEEDS=1,2,3` and `PACTUM_CORPUS_N=10000` change the
//! generated corpus.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/unsubscription.rs"]
mod unsubscription;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use unsubscription::{codes, decide, generate, load_facts_file, Facts};

const PACK: &str = "policies/unsubscription";
const EXAMPLES: &str = "policies/unsubscription/examples";
const REQUIRED_EXAMPLES: [&str; 9] = [
    "allowed-with-refund.yaml",
    "pay-as-you-go.yaml",
    "voucher-paid.yaml",
    "fully-consumed.yaml",
    "several-denials.yaml",
    "api-channel.yaml",
    "cancellation.yaml",
    "batch.yaml",
    "batch.jsonl",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `pactum evaluate --format json` on a facts file (relative to the
/// crate root, or absolute) and returns one envelope per document.
fn evaluate(facts: &Path) -> Vec<Value> {
    let output = Command::new(env!("CARGO_BIN_EXE_pactum"))
        .current_dir(root())
        .args(["evaluate", "--policy", PACK, "--facts"])
        .arg(facts)
        .args(["--format", "json"])
        .output()
        .expect("could not run pactum");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "pactum evaluate --facts {} exited with {}\n--- stderr:\n{}\n--- stdout (start):\n{}",
        facts.display(),
        output.status,
        truncate(&stderr, 4000),
        truncate(&stdout, 2000),
    );
    stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("pactum printed a line that is not JSON ({e}): {l}"))
        })
        .collect()
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn show_set(s: &BTreeSet<String>) -> String {
    s.iter().cloned().collect::<Vec<_>>().join(", ")
}

/// The differences between the oracle's envelope and the binary's, if any,
/// each tagged with what differs (for the summary).
fn differences(expected: &Value, actual: &Value) -> Vec<(&'static str, String)> {
    let (ed, er, en, eo) = codes(expected);
    let (ad, ar, an, ao) = codes(actual);
    let mut out = Vec::new();
    if expected.get("id") != actual.get("id") {
        out.push((
            "id",
            format!(
                "id: expected {}, got {:?}",
                expected["id"],
                actual.get("id")
            ),
        ));
    }
    if ed != ad {
        out.push(("decision", format!("decision: expected {ed}, got {ad}")));
    }
    let mut sets = |what: &'static str, e: &BTreeSet<String>, a: &BTreeSet<String>| {
        if e != a {
            let missing: BTreeSet<_> = e.difference(a).cloned().collect();
            let extra: BTreeSet<_> = a.difference(e).cloned().collect();
            out.push((
                what,
                format!(
                    "{what}: expected [{}], got [{}] (missing [{}], extra [{}])",
                    show_set(e),
                    show_set(a),
                    show_set(&missing),
                    show_set(&extra)
                ),
            ));
        }
    };
    sets("reasons", &er, &ar);
    sets("notes", &en, &an);
    for (name, tag) in [
        ("refund_amount", "refund_amount"),
        ("refund_currency", "refund_currency"),
        ("refund_destination", "refund_destination"),
        ("refund_due_by", "refund_due_by"),
    ] {
        if eo.get(name) != ao.get(name) {
            let got = ao
                .get(name)
                .map_or("<missing>".to_string(), Value::to_string);
            out.push((tag, format!("{name}: expected {}, got {got}", eo[name])));
        }
    }
    out
}

/// What an example's comment line says it shows.
#[derive(Debug)]
struct Expectation {
    line: String,
    decision: String,
    reasons: BTreeSet<String>,
    notes: BTreeSet<String>,
    outputs: Value,
}

/// Parses `... Expect: deny; reasons: A, B; notes: none; refund: 0.00 USD`
/// (an allowed one ends `refund: 700.00 USD to acc-1001 by 2026-04-14`).
fn parse_expectation(line: &str) -> Expectation {
    let at = line
        .find("Expect:")
        .unwrap_or_else(|| panic!("no `Expect:` in {line:?}"));
    let mut fields = line[at + "Expect:".len()..].split(';').map(str::trim);
    let decision = fields.next().unwrap_or_default().to_string();
    let code_set = |s: &str| -> BTreeSet<String> {
        if s == "none" {
            BTreeSet::new()
        } else {
            s.split(',').map(|c| c.trim().to_string()).collect()
        }
    };
    let (mut reasons, mut notes, mut outputs) = (None, None, None);
    for field in fields {
        let (key, value) = field
            .split_once(':')
            .unwrap_or_else(|| panic!("bad field {field:?} in {line:?}"));
        let value = value.trim();
        match key.trim() {
            "reasons" => reasons = Some(code_set(value)),
            "notes" => notes = Some(code_set(value)),
            "refund" => {
                let words: Vec<&str> = value.split_whitespace().collect();
                let (dest, due) = match words.as_slice() {
                    [_, _] => (Value::Null, Value::Null),
                    [_, _, "to", dest, "by", due] => (json!(dest), json!(due)),
                    _ => panic!("bad refund {value:?} in {line:?}"),
                };
                outputs = Some(json!({
                    "refund_amount": words[0],
                    "refund_currency": words[1],
                    "refund_destination": dest,
                    "refund_due_by": due,
                }));
            }
            other => panic!("unknown field {other:?} in {line:?}"),
        }
    }
    Expectation {
        line: line.to_string(),
        decision,
        reasons: reasons.unwrap_or_else(|| panic!("no reasons in {line:?}")),
        notes: notes.unwrap_or_else(|| panic!("no notes in {line:?}")),
        outputs: outputs.unwrap_or_else(|| panic!("no refund in {line:?}")),
    }
}

/// The expectation of each document of a YAML file: the first `Expect:`
/// comment line of each document (a part holding more than comments).
fn yaml_expectations(text: &str) -> Vec<Expectation> {
    let mut parts: Vec<Vec<&str>> = vec![Vec::new()];
    for line in text.lines() {
        if line.starts_with("---") {
            parts.push(Vec::new());
        } else if let Some(last) = parts.last_mut() {
            last.push(line);
        }
    }
    parts
        .into_iter()
        .filter(|p| {
            p.iter().any(|l| {
                let t = l.trim();
                !t.is_empty() && !t.starts_with('#')
            })
        })
        .map(|p| {
            let line = p
                .iter()
                .find(|l| l.trim_start().starts_with('#') && l.contains("Expect:"))
                .unwrap_or_else(|| {
                    panic!(
                        "a document without an `# ... Expect:` line:\n{}",
                        p.join("\n")
                    )
                });
            parse_expectation(line)
        })
        .collect()
}

#[test]
fn examples_say_what_they_show() {
    let dir = root().join(EXAMPLES);
    for name in REQUIRED_EXAMPLES {
        assert!(
            dir.join(name).is_file(),
            "missing example {EXAMPLES}/{name}"
        );
    }
    for path in example_files() {
        let docs = load_facts_file(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("batch") {
            assert!(docs.len() >= 4, "{name}: a batch needs 4+ documents");
        } else {
            assert_eq!(docs.len(), 1, "{name}: one request per example");
        }
        if path.extension().is_some_and(|e| e == "jsonl") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with('#') && text.lines().next().unwrap().len() > 20,
            "{name} must start with a comment line saying what it shows"
        );
        let expectations = yaml_expectations(&text);
        assert_eq!(
            expectations.len(),
            docs.len(),
            "{name}: one `Expect:` line per document"
        );
        for (i, (f, e)) in docs.iter().zip(&expectations).enumerate() {
            let (d, r, n, o) = codes(&decide(f));
            assert_eq!(
                (&d, &r, &n, &o),
                (&e.decision, &e.reasons, &e.notes, &e.outputs),
                "{name} document {}: the oracle disagrees with {:?}",
                i + 1,
                e.line
            );
        }
    }
}

fn example_files() -> Vec<PathBuf> {
    let dir = root().join(EXAMPLES);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "yaml" | "yml" | "json" | "jsonl"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn examples_match_the_oracle() {
    let mut report = String::new();
    let mut checked = 0;
    for path in example_files() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let docs = load_facts_file(&path).unwrap();
        let actual = evaluate(Path::new(EXAMPLES).join(&name).as_path());
        if actual.len() != docs.len() {
            let _ = writeln!(
                report,
                "{name}: {} documents but {} results",
                docs.len(),
                actual.len()
            );
            continue;
        }
        for (i, (f, a)) in docs.iter().zip(&actual).enumerate() {
            checked += 1;
            let diffs = differences(&decide(f), a);
            if !diffs.is_empty() {
                let _ = writeln!(report, "{name} document {} ({}):", i + 1, f.resource.id);
                for (_, d) in diffs {
                    let _ = writeln!(report, "    {d}");
                }
                let _ = writeln!(report, "    pactum said: {a}");
            }
        }
    }
    assert!(
        report.is_empty(),
        "the pack disagrees with the oracle:\n{report}"
    );
    assert!(checked >= 16, "only {checked} example documents");
}

/// A temporary file removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(stem: &str, ext: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        TempFile(std::env::temp_dir().join(format!(
            "pactum-{stem}-{}-{nanos}.{ext}",
            std::process::id()
        )))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn env_list(name: &str, default: &[u64]) -> Vec<u64> {
    match std::env::var(name) {
        Ok(s) if !s.trim().is_empty() => s
            .split(',')
            .map(|x| {
                x.trim()
                    .parse()
                    .unwrap_or_else(|e| panic!("{name}={s}: {e}"))
            })
            .collect(),
        _ => default.to_vec(),
    }
}

#[test]
fn generated_requests_match_the_oracle() {
    let seeds = env_list("PACTUM_CORPUS_SEEDS", &[1, 20_260_302]);
    let n = env_list("PACTUM_CORPUS_N", &[3000])[0] as usize;
    let mut lines = Vec::new();
    for &seed in &seeds {
        lines.extend(generate(seed, n));
    }
    let file = TempFile::new("unsubscription-corpus", "jsonl");
    std::fs::write(&file.0, lines.join("\n") + "\n").unwrap();

    let actual = evaluate(&file.0);
    assert_eq!(
        actual.len(),
        lines.len(),
        "pactum gave {} results for {} generated requests (seeds {seeds:?})",
        actual.len(),
        lines.len()
    );

    let mut mismatches = 0;
    let mut by_kind = std::collections::BTreeMap::<&str, usize>::new();
    let mut report = String::new();
    for (line, a) in lines.iter().zip(&actual) {
        let f: Facts = line.parse().unwrap();
        let diffs = differences(&decide(&f), a);
        if diffs.is_empty() {
            continue;
        }
        mismatches += 1;
        for (kind, _) in &diffs {
            *by_kind.entry(kind).or_default() += 1;
        }
        if mismatches <= 5 {
            let _ = writeln!(report, "--- mismatch {mismatches} ({}):", f.resource.id);
            let _ = writeln!(report, "input:  {line}");
            for (_, d) in &diffs {
                let _ = writeln!(report, "    {d}");
            }
            let _ = writeln!(report, "pactum: {a}");
        }
    }
    assert_eq!(
        mismatches,
        0,
        "{mismatches} of {} generated requests (seeds {seeds:?}, {n} each) disagree with the oracle; \
         by what differs: {by_kind:?}\n{report}",
        lines.len()
    );
}
