//! Metamorphic tests: rewrites of a package that must not change what it
//! decides. Run on generated packages (`tests/support/genpolicy.rs`) and on
//! every pack under `policies/`, each with a corpus of requests:
//!
//! | rewrite | what must stay the same |
//! | --- | --- |
//! | `pactum fmt` | everything, byte for byte |
//! | every computed value renamed | everything, byte for byte |
//! | the operands of `and`/`or` swapped (all at once, and one at a time) | every decision reached both ways, byte for byte |
//! | the files, and the declarations of each file, in the opposite order | decision, reasons, notes, outputs (reasons and notes come in package order, so they are compared as sets) |
//! | one file a declaration, the files shuffled | likewise |
//!
//! A computed value read first from inside a quantifier once made a deny an
//! allow depending on which side of an `and` read it first: each of these
//! rewrites changes the order in which things are first computed.
//!
//! `PACTUM_GEN_CASES` sets how many generated packages are tried (200).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/genpolicy.rs"]
mod genpolicy;
#[path = "support/unsubscription.rs"]
mod unsubscription;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use pactum::testing::{self, Files};
use pactum::Package;
use serde_json::Value as Json;

/// What a package decided on one document: the envelope, or the fault codes.
type Answer = Result<Json, BTreeSet<String>>;

/// Checks `files` and decides every document; `None` if the package does
/// not check.
fn decide(files: &Files, docs: &[String]) -> Option<Vec<Answer>> {
    let policy = Package::from_sources(files.iter().map(|(n, t)| (n.clone(), t.clone())))
        .check()
        .ok()?;
    Some(
        docs.iter()
            .map(|doc| {
                let facts = policy
                    .facts_from_str(doc)
                    .unwrap_or_else(|e| panic!("{doc}: {e}"));
                match policy.evaluate(&facts) {
                    Ok(d) => Ok(serde_json::to_value(&d).unwrap()),
                    Err(diags) => Err(diags.iter().map(|d| d.code_id().to_string()).collect()),
                }
            })
            .collect(),
    )
}

/// The answer with its reasons and notes sorted (for rewrites that reorder
/// rules, which the language says set their order).
fn unordered(a: &Answer) -> Answer {
    let mut a = a.clone();
    if let Ok(j) = &mut a {
        for key in ["reasons", "notes"] {
            if let Some(Json::Array(xs)) = j.get_mut(key) {
                xs.sort_by_key(|x| x.to_string());
            }
        }
    }
    a
}

#[derive(Clone, Copy, PartialEq)]
enum Compare {
    /// Byte for byte, faults included.
    Exact,
    /// Wherever both decided, byte for byte (swapping `and` operands may
    /// move a fault that short-circuiting hid).
    WhereBothDecide,
    /// Reasons and notes as sets, faults included.
    AnyOrder,
}

/// Compares the answers of a rewrite with the original's; the number of
/// documents both decided.
fn same(
    what: &str,
    compare: Compare,
    original: &[Answer],
    rewritten: &[Answer],
    docs: &[String],
    text: &dyn Fn() -> String,
) -> usize {
    let mut decided = 0;
    for ((a, b), doc) in original.iter().zip(rewritten).zip(docs) {
        let equal = match compare {
            Compare::Exact => a == b,
            Compare::WhereBothDecide => a.is_err() || b.is_err() || a == b,
            Compare::AnyOrder => unordered(a) == unordered(b),
        };
        assert!(
            equal,
            "{what} changed a decision\nfacts: {doc}\nbefore: {a:?}\nafter:  {b:?}\nrewritten package:\n{}",
            text()
        );
        decided += usize::from(a.is_ok() && b.is_ok());
    }
    decided
}

fn show(files: &Files) -> String {
    files
        .iter()
        .map(|(n, t)| format!("# --- {n}\n{t}"))
        .collect::<Vec<_>>()
        .join("")
}

/// Every relation on one package and corpus; with `never_faults`, every
/// rewrite must decide every document the original decided (generated
/// packages never fault: a fault there is a finding). Returns how many
/// rewritten packages were compared.
fn relations(files: &Files, docs: &[String], never_faults: bool) -> usize {
    let original =
        decide(files, docs).unwrap_or_else(|| panic!("does not check:\n{}", show(files)));
    if never_faults {
        for (a, doc) in original.iter().zip(docs) {
            assert!(
                a.is_ok(),
                "not decided: {a:?}\nfacts: {doc}\npackage:\n{}",
                show(files)
            );
        }
    }
    let mut compared = 0;
    let mut run = |what: &str, rewritten: Option<Files>, compare: Compare, must_check: bool| {
        let rewritten = rewritten.unwrap_or_else(|| panic!("{what}: a file does not parse"));
        match decide(&rewritten, docs) {
            Some(answers) => {
                same(what, compare, &original, &answers, docs, &|| {
                    show(&rewritten)
                });
                compared += 1;
            }
            None if must_check => panic!(
                "{what}: the rewritten package does not check:\n{}",
                show(&rewritten)
            ),
            None => {}
        }
    };
    let formatted: Files = files
        .iter()
        .map(|(n, t)| (n.clone(), pactum::format_source(n, t).unwrap()))
        .collect();
    run("fmt", Some(formatted), Compare::Exact, true);
    run(
        "renaming computed values",
        testing::rename_lets(files, &|n| format!("{n}_renamed")),
        Compare::Exact,
        true,
    );
    run(
        "reversing files and declarations",
        testing::reverse_items(files),
        Compare::AnyOrder,
        true,
    );
    for seed in [1, 2, 3] {
        run(
            "one file a declaration",
            testing::one_item_per_file(files, seed),
            Compare::AnyOrder,
            true,
        );
    }
    // A swap can move a presence test after the use it guards: such a
    // package is refused by the checker, and only the others are compared.
    let swaps = if never_faults {
        Compare::Exact
    } else {
        Compare::WhereBothDecide
    };
    run(
        "swapping every and/or",
        testing::swap_and_or(files, None),
        swaps,
        false,
    );
    let sites = testing::and_or_sites(files).unwrap();
    for site in 0..sites {
        run(
            &format!("swapping and/or #{site}"),
            testing::swap_and_or(files, Some(site)),
            swaps,
            false,
        );
    }
    compared
}

#[test]
fn rewrites_of_generated_packages_decide_the_same() {
    let cases: u64 = std::env::var("PACTUM_GEN_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let mut compared = 0;
    for seed in 0..cases {
        let files: Files = vec![("gen.policy".into(), genpolicy::package(seed))];
        let docs: Vec<String> = (0..10).map(|i| genpolicy::facts(seed * 1000 + i)).collect();
        compared += relations(&files, &docs, true);
    }
    assert!(
        compared as u64 >= cases * 6,
        "only {compared} rewritten packages compared"
    );
    eprintln!("{cases} generated packages: {compared} rewrites, each deciding 10 requests");
}

/// Every pack directory under `policies/`.
fn packs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    dirs
}

fn pack_files(dir: &Path) -> Files {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "policy"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

/// Every facts document of a pack: its examples (YAML streams, JSON, JSON
/// Lines) and the facts of its tests.
fn pack_documents(dir: &Path) -> Vec<Json> {
    let mut docs = Vec::new();
    let mut files: Vec<PathBuf> = Vec::new();
    for sub in ["examples", "tests"] {
        if let Ok(entries) = std::fs::read_dir(dir.join(sub)) {
            files.extend(entries.map(|e| e.unwrap().path()));
        }
    }
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        if name.ends_with(".jsonl") {
            docs.extend(
                text.lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| serde_json::from_str(l).unwrap()),
            );
        } else if name.ends_with(".json") {
            docs.push(serde_json::from_str(&text).unwrap());
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            for doc in serde_yaml::Deserializer::from_str(&text) {
                let mut v = <serde_yaml::Value as serde::Deserialize>::deserialize(doc).unwrap();
                v.apply_merge().unwrap();
                if name.ends_with(".test.yaml") {
                    let tests = v.as_sequence().cloned().unwrap_or_default();
                    for mut t in tests {
                        t.apply_merge().unwrap();
                        if let Some(f) = t.get("facts") {
                            let mut f = f.clone();
                            f.apply_merge().unwrap();
                            docs.push(serde_json::to_value(f).unwrap());
                        }
                    }
                } else {
                    docs.push(serde_json::to_value(v).unwrap());
                }
            }
        }
    }
    docs
}

/// Every leaf of a JSON document, with its path.
fn leaves(v: &Json, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, Json)>) {
    match v {
        Json::Object(m) => {
            for (k, x) in m {
                path.push(k.clone());
                leaves(x, path, out);
                path.pop();
            }
        }
        _ => out.push((path.clone(), v.clone())),
    }
}

fn set_at(v: &mut Json, path: &[String], to: Option<Json>) {
    let Some((last, init)) = path.split_last() else {
        return;
    };
    let mut at = v;
    for k in init {
        at = &mut at[k.as_str()];
    }
    if let Json::Object(m) = at {
        match to {
            Some(x) => {
                m.insert(last.clone(), x);
            }
            None => {
                m.remove(last);
            }
        }
    }
}

/// The documents, and variants of them: each leaf flipped (truth values),
/// moved (numbers), replaced by what another document holds there, or
/// left out. Variants the schema refuses are dropped by the caller.
fn mutations(docs: &[Json], limit: usize) -> Vec<Json> {
    let mut seen_at: std::collections::BTreeMap<Vec<String>, Vec<Json>> = Default::default();
    for d in docs {
        let mut ls = Vec::new();
        leaves(d, &mut Vec::new(), &mut ls);
        for (p, v) in ls {
            let vs = seen_at.entry(p).or_default();
            if !vs.contains(&v) {
                vs.push(v);
            }
        }
    }
    let mut out = docs.to_vec();
    let mut rng = genpolicy::Rng::new(20261203);
    while out.len() < limit && !docs.is_empty() {
        let mut d = docs[rng.below(docs.len())].clone();
        let mut ls = Vec::new();
        leaves(&d, &mut Vec::new(), &mut ls);
        for _ in 0..1 + rng.below(3) {
            let (path, v) = &ls[rng.below(ls.len())];
            let to = match v {
                Json::Bool(b) => Some(Json::Bool(!b)),
                Json::Number(n) => n.as_i64().map(|i| Json::from(i + rng.below(5) as i64 - 2)),
                _ if rng.chance(15) => None,
                _ => {
                    let others = &seen_at[path];
                    Some(others[rng.below(others.len())].clone())
                }
            };
            set_at(&mut d, path, to);
        }
        out.push(d);
    }
    out
}

#[test]
fn rewrites_of_every_shipped_pack_decide_the_same() {
    for dir in packs() {
        let files = pack_files(&dir);
        let policy = Package::from_dir(&dir).check().unwrap();
        let mut docs: Vec<String> = mutations(&pack_documents(&dir), 400)
            .iter()
            .map(|d| d.to_string())
            .filter(|d| policy.facts_from_str(d).is_ok())
            .collect();
        if dir.ends_with("unsubscription") {
            docs.extend(unsubscription::generate(20261203, 300));
        }
        let decided = docs
            .iter()
            .filter(|d| policy.evaluate_str(d).is_ok())
            .count();
        let denied = docs
            .iter()
            .filter(|d| policy.evaluate_str(d).is_ok_and(|x| !x.is_allowed()))
            .count();
        assert!(
            docs.len() >= 100 && denied > 0 && denied < decided,
            "{}: a corpus of {} documents, {decided} decided, {denied} denied, tests too little",
            dir.display(),
            docs.len()
        );
        let compared = relations(&files, &docs, false);
        eprintln!(
            "{}: {compared} rewrites, each deciding {} requests",
            dir.display(),
            docs.len()
        );
        assert!(
            compared >= 7,
            "{}: only {compared} rewrites compared",
            dir.display()
        );
    }
}

/// The relations find a scope bug of the kind that once failed open: a
/// computed value holding a quantifier, read first from inside another
/// quantifier. Here on the example the bug was reported with, as a fixed
/// regression test of the evaluator.
#[test]
fn a_computed_value_first_read_inside_a_quantifier_keeps_the_quantifier_variable() {
    let text = "package t
requests are identified by order.id
schema order { id: string, lines: list of { price: decimal, status: one of blocked, open } }
let total = sum other in order.lines of other.price
rule blocked_line {
  deny BLOCKED
  when any line in order.lines where line.price <= total and line.status is blocked
  message \"line of {line_total} blocked\"
  help \"unblock it\"
}
let line_total = sum l in order.lines of l.price
output t = total
output biggest = any line in order.lines where line.price >= total
";
    let facts = r#"{"order": {"id": "o1", "lines": [{"price": "5.00", "status": "blocked"}]}}"#;
    let files: Files = vec![("t.policy".into(), text.into())];
    let d = Package::from_sources([("t.policy", text)])
        .check()
        .unwrap()
        .evaluate_str(facts)
        .unwrap();
    assert!(!d.is_allowed());
    assert_eq!(d.reasons()[0].code, "BLOCKED");
    assert_eq!(d.output("t").unwrap().to_string(), "5.00");
    assert_eq!(d.output("biggest").unwrap().to_string(), "true");
    assert!(relations(&files, &[facts.to_string()], true) >= 7);
}
