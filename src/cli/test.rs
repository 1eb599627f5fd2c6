//! `pactum test`: the policy tests that live beside a package.
//!
//! A test file `*.test.yaml` (in the package directory or below it) holds one
//! test or a list of tests; [`pactum::test_file`] reads it, its facts
//! through the one facts reader (inline, or a `facts_file` read as
//! `evaluate` reads facts):
//!
//! ```yaml
//! - name: an order over the limit is refused
//!   facts_file: examples/big-order.yaml       # or `facts:` with the facts inline
//!   expect:
//!     decision: deny
//!     reasons: [ORDER_TOO_LARGE]               # exactly these codes
//!     reasons_in_order: [ORDER_TOO_LARGE]      # exactly these, in this order
//!     notes_include: []                        # at least these codes
//!     outputs: { total: "0.00" }               # only the outputs listed
//! ```
//!
//! An output written as a string compares as text (a decimal's scale
//! counts: `"0.00"` is not `"0"`); a number written unquoted compares by
//! value.

use std::collections::BTreeSet;
use std::path::Path;

use pactum::test_file::Expect;
use pactum::{codes, Coverage, Decision, Diagnostic};

use super::out::outln;
use super::{render, Exit, MessageFormat};

/// Whether a path names a test file (`*.test.yaml` or `*.test.yml`, in
/// any case: a test file is never skipped for the case of its name).
fn is_test(path: &Path) -> bool {
    path.file_name().is_some_and(|n| {
        let n = n.to_string_lossy().to_ascii_lowercase();
        n.ends_with(".test.yaml") || n.ends_with(".test.yml")
    })
}

/// The codes of a package's rules: its deny rules' and its note rules'.
#[derive(Debug, Default)]
struct Known {
    denies: BTreeSet<String>,
    notes: BTreeSet<String>,
}

/// Compares what a test expects with a decision; the differences, if any.
/// A code expected that no rule has, or a note's code expected among the
/// reasons (or the reverse), is named as such, since no decision can ever
/// give it there.
fn compare(expect: &Expect, d: &Decision, known: &Known) -> Vec<String> {
    let mut diffs = Vec::new();
    let expected = [
        ("reasons", &expect.reasons, false),
        ("reasons_include", &expect.reasons_include, false),
        ("reasons_in_order", &expect.reasons_in_order, false),
        ("notes", &expect.notes, true),
        ("notes_include", &expect.notes_include, true),
    ];
    for (key, list, note) in expected {
        let (own, other) = if note {
            (&known.notes, &known.denies)
        } else {
            (&known.denies, &known.notes)
        };
        for code in list.iter().flatten() {
            if own.contains(code) {
                continue;
            }
            if other.contains(code) {
                let (is, under) = if note {
                    ("a deny rule", "`reasons`")
                } else {
                    ("a note rule", "`notes`")
                };
                diffs.push(format!(
                    "{key}: `{code}` is the code of {is}: expect it under {under}"
                ));
                continue;
            }
            let near = pactum::suggest(code, own.iter().map(String::as_str))
                .map_or(String::new(), |n| format!(" (did you mean `{n}`?)"));
            diffs.push(format!(
                "{key}: no rule of the package has the code `{code}`{near}"
            ));
        }
    }
    let json = d.to_json();
    let decision = json.get("decision").and_then(|v| v.as_str()).unwrap_or("");
    if let Some(want) = &expect.decision {
        if want != decision {
            diffs.push(format!("decision: expected {want}, got {decision}"));
        }
    }
    let reasons: BTreeSet<String> = d.reasons().iter().map(|r| r.code.clone()).collect();
    let notes: BTreeSet<String> = d.notes().iter().map(|n| n.code.clone()).collect();
    if let Some(want) = &expect.reasons_in_order {
        let got: Vec<&str> = d.reasons().iter().map(|r| r.code.as_str()).collect();
        if *want != got {
            diffs.push(format!(
                "reasons in order: expected [{}], got [{}]",
                want.join(", "),
                got.join(", ")
            ));
        }
    }
    codes(
        "reasons",
        expect.reasons.as_ref(),
        expect.reasons_include.as_ref(),
        &reasons,
        &mut diffs,
    );
    codes(
        "notes",
        expect.notes.as_ref(),
        expect.notes_include.as_ref(),
        &notes,
        &mut diffs,
    );
    if let Some(outputs) = &expect.outputs {
        for (name, want) in outputs {
            let got = json.get("outputs").and_then(|o| o.get(name.as_str()));
            let Some(got) = got else {
                let names = json
                    .get("outputs")
                    .and_then(|o| o.as_object())
                    .map(|o| o.keys().map(String::as_str).collect::<Vec<_>>())
                    .unwrap_or_default();
                let near = pactum::suggest(name, names)
                    .map_or(String::new(), |n| format!(" (did you mean `{n}`?)"));
                diffs.push(format!(
                    "outputs.{name}: the package has no such output{near}"
                ));
                continue;
            };
            if want != got {
                // Compared as written: a text is never read as a number,
                // and a decimal's scale is part of its value.
                let hint = match (want, got) {
                    (serde_json::Value::Number(_), serde_json::Value::String(g)) => format!(
                        " (outputs are compared as written: a decimal with its scale, quoted: \"{g}\")"
                    ),
                    (serde_json::Value::String(_), serde_json::Value::Number(_)) => {
                        " (a text is not a number: write the number unquoted)".to_string()
                    }
                    _ => String::new(),
                };
                diffs.push(format!("outputs.{name}: expected {want}, got {got}{hint}"));
            }
        }
    }
    diffs
}

fn codes(
    what: &str,
    exact: Option<&Vec<String>>,
    include: Option<&Vec<String>>,
    got: &BTreeSet<String>,
    diffs: &mut Vec<String>,
) {
    let show =
        |s: &BTreeSet<String>| format!("[{}]", s.iter().cloned().collect::<Vec<_>>().join(", "));
    if let Some(want) = exact {
        let want: BTreeSet<String> = want.iter().cloned().collect();
        if &want != got {
            let missing: BTreeSet<String> = want.difference(got).cloned().collect();
            let extra: BTreeSet<String> = got.difference(&want).cloned().collect();
            let mut why = Vec::new();
            if !missing.is_empty() {
                why.push(format!("missing {}", show(&missing)));
            }
            if !extra.is_empty() {
                why.push(format!("unexpected {}", show(&extra)));
            }
            diffs.push(format!(
                "{what}: expected {}, got {} ({})",
                show(&want),
                show(got),
                why.join(", ")
            ));
        }
    }
    if let Some(want) = include {
        let missing: BTreeSet<String> =
            want.iter().filter(|c| !got.contains(*c)).cloned().collect();
        if !missing.is_empty() {
            diffs.push(format!(
                "{what}: expected to include {}, got {}",
                show(&missing),
                show(got)
            ));
        }
    }
}

/// The switches of `pactum test`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--coverage`: report the rules and branches no test reaches.
    pub coverage: bool,
    /// `--threshold N`: fail under N % of rule or branch coverage.
    pub threshold: Option<u8>,
    /// `--filter NAME`: only the tests whose name contains NAME.
    pub filter: Option<String>,
}

/// Runs every test of the package at `dir` (those `options.filter`
/// selects).
pub fn run(dir: &Path, options: &Options, messages: MessageFormat, limits: pactum::Limits) -> Exit {
    let Some(policy) = render::load_policy(dir, messages, limits) else {
        return Exit::Failure;
    };
    let style = render::Style::stdout();
    let paint = |code: &str, text: &str| style.paint(code, text);
    // The walk of `pactum fmt`; an entry it cannot read fails the run.
    let walk = pactum::files::walk(&[dir.to_path_buf()], is_test);
    let files = walk.files;
    render::diagnostics(&walk.errors, messages, false);
    let mut cov: Coverage = policy.coverage();
    let mut known = Known::default();
    for r in cov.report(&policy).rules {
        if r.note {
            known.notes.insert(r.code);
        } else {
            known.denies.insert(r.code);
        }
    }
    let (mut passed, mut failed) = (0usize, walk.errors.len());
    let mut filtered = 0usize;
    for file in &files {
        let shown = file.display().to_string();
        // A test file is read whole, its inline facts with it: it is
        // bounded as a facts file is.
        let text = match pactum::files::read_text_within(
            file,
            policy.limits().max_facts_bytes,
            pactum::diag::codes::LIMIT_FACTS_SIZE,
        ) {
            Ok(t) => t,
            Err(d) => {
                render::diagnostics([&d], messages, false);
                outln!(
                    "{} {shown}: cannot read ({})",
                    paint("31", "FAIL"),
                    d.code_id()
                );
                failed += 1;
                continue;
            }
        };
        let cases = match pactum::test_file::read(&policy, file, &text) {
            Ok(cases) => cases,
            Err(d) => {
                render::diagnostics([&d], messages, false);
                let at = d
                    .line_col()
                    .map_or(String::new(), |(l, c)| format!(":{l}:{c}"));
                outln!(
                    "{} {shown}{at}: {} ({})",
                    paint("31", "FAIL"),
                    d.message(),
                    d.code_id()
                );
                failed += 1;
                continue;
            }
        };
        for case in cases {
            if let Some(filter) = &options.filter {
                if !case.name.contains(filter.as_str()) {
                    filtered += 1;
                    continue;
                }
            }
            // A name from the test file: its control characters escaped.
            let label = format!("{shown}: {}", render::untrusted(&case.name));
            let result = match &case.facts {
                Ok(facts) => policy.evaluate_covered(facts, &mut cov).map_err(|ds| {
                    ds.iter()
                        .map(|d| format!("{}: {}", d.code_id(), d.message()))
                        .collect::<Vec<_>>()
                        .join("; ")
                }),
                Err(ds) => {
                    // The facts' diagnostics, each with its line and column.
                    render::diagnostics(ds, messages, false);
                    Err(ds
                        .iter()
                        .map(|d| {
                            let at = match (d.file_name(), d.line_col()) {
                                (Some(f), Some((l, c))) => format!(" (at {f}:{l}:{c})"),
                                _ => String::new(),
                            };
                            format!("{}: {}{at}", d.code_id(), d.message())
                        })
                        .collect::<Vec<_>>()
                        .join("; "))
                }
            };
            let diffs = match result {
                Ok(d) => compare(&case.expect, &d, &known),
                Err(e) => vec![format!("not decided: {e}")],
            };
            if diffs.is_empty() {
                passed += 1;
                outln!("{} {label}", paint("32", "ok  "));
            } else {
                failed += 1;
                outln!("{} {label}", paint("31", "FAIL"));
                for d in diffs {
                    outln!("    {d}");
                }
            }
        }
    }
    let mut below = false;
    if options.coverage {
        let report = cov.report(&policy);
        outln!(
            "\nrule coverage: {:.0}% ({} of {} rules fired)",
            report.rule_percent(),
            report.rules.iter().filter(|r| r.fired).count(),
            report.rules.len()
        );
        for r in report.rules.iter().filter(|r| !r.fired) {
            outln!("  never fired: {} ({}) at {}", r.rule, r.code, r.location);
        }
        outln!(
            "branch coverage: {:.0}% of `if` branches taken",
            report.branch_percent()
        );
        for b in &report.branches {
            if !(b.then_taken && b.else_taken) {
                let missing = match (b.then_taken, b.else_taken) {
                    (false, false) => "no branch taken",
                    (true, _) => "the `else` branch never taken",
                    _ => "the `then` branch never taken",
                };
                outln!("  `if` at {}: {missing}", b.location);
            }
        }
        if let Some(n) = options.threshold {
            let least = report.rule_percent().min(report.branch_percent());
            if least < f64::from(n) {
                below = true;
                let d = Diagnostic::unlocated(
                    codes::TEST_COVERAGE,
                    format!("coverage {least:.0}% is under the threshold of {n}%"),
                    "add tests that make the rules listed above fire and take the branches listed above, or lower `--threshold`",
                );
                render::diagnostics([&d], messages, false);
            }
        }
    }
    if filtered > 0 {
        outln!("{passed} passed, {failed} failed, {filtered} filtered out");
    } else {
        outln!("{passed} passed, {failed} failed");
    }
    if passed + failed == 0 {
        let d = match &options.filter {
            Some(f) if filtered > 0 => Diagnostic::unlocated(
                codes::TEST_NO_TESTS,
                format!("no test name contains `{f}`"),
                "`--filter` keeps the tests whose name contains its text (case-sensitive)",
            ),
            _ => Diagnostic::unlocated(
                codes::TEST_NO_TESTS,
                format!(
                    "no test found: no *.test.yaml (or *.test.yml) file under {}",
                    dir.display()
                ),
                "write tests beside the package, such as `tests/basics.test.yaml` (docs/tutorial.md)",
            ),
        };
        render::diagnostics([&d], messages, false);
        return Exit::Failure;
    }
    if failed > 0 || below {
        Exit::Failure
    } else {
        Exit::Success
    }
}
