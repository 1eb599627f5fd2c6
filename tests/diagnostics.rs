//! The corpus of mistakes: every file under `tests/diagnostics/` is a small
//! broken policy or facts file, and its full rendered diagnostics (no
//! colour, width 80) are kept in a reviewed golden file beside it.
//!
//! - `NAME.policy`: a one-file package, checked.
//! - `NAME.pkg/`: a directory package, checked (`NAME.pkg.out`).
//! - `NAME.facts.yaml|json|jsonl`: facts, evaluated against `NAME.policy`'s
//!   sibling package when there is one (`NAME.facts.policy`), else against the
//!   shipped unsubscription pack.
//! - `NAME.test.yaml`: a test file of `pactum test`, read for the shipped
//!   pack: the diagnostic of a malformed file, or those of its tests'
//!   facts.
//!
//! Regenerate the golden files after a deliberate change with
//! `PACTUM_BLESS=1 cargo test --test diagnostics`, then review the diff.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use pactum::{Diagnostic, Limits, Outcome, Package};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/diagnostics");
const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/unsubscription");

fn render(diags: &[Diagnostic]) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(80);
    let mut out = String::new();
    for d in diags {
        let mut s = String::new();
        handler.render_report(&mut s, d).unwrap();
        out.push_str(&s);
        out.push('\n');
    }
    out
}

/// Paths relative to the crate root, so that golden files do not depend on
/// where the repository is checked out.
fn rel(p: &Path) -> String {
    p.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(p)
        .display()
        .to_string()
}

fn cases(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if p.is_dir() && (name.ends_with(".pkg") || name.contains(".facts.")) {
            out.push(p);
        } else if p.is_dir() {
            cases(&p, out);
        } else if name.ends_with(".facts.policy")
            || name.ends_with(".out")
            || name.ends_with(".limits.yaml")
        {
            continue;
        } else if name.ends_with(".policy")
            || name.contains(".facts.")
            || name.ends_with(".test.yaml")
        {
            out.push(p);
        }
    }
}

/// The limits of a case: the defaults, or those of a sibling
/// `NAME.limits.yaml` (`max_policy_bytes: 100`, …).
fn limits_of(case: &Path) -> Limits {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let stem = name.split('.').next().unwrap_or("");
    let file = case.with_file_name(format!("{stem}.limits.yaml"));
    let mut limits = Limits::default();
    let Ok(text) = std::fs::read_to_string(&file) else {
        return limits;
    };
    let map: std::collections::BTreeMap<String, usize> = serde_yaml::from_str(&text).unwrap();
    for (k, v) in map {
        match k.as_str() {
            "max_policy_bytes" => limits.max_policy_bytes = v,
            "max_expr_depth" => limits.max_expr_depth = v,
            "max_facts_bytes" => limits.max_facts_bytes = v,
            "max_facts_depth" => limits.max_facts_depth = v,
            "max_facts_errors" => limits.max_facts_errors = v,
            "max_steps" => limits.max_steps = v as u64,
            "max_output_bytes" => limits.max_output_bytes = v,
            other => panic!("{}: unknown limit {other}", file.display()),
        }
    }
    limits
}

fn run_case(case: &Path) -> Vec<Diagnostic> {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let limits = limits_of(case);
    if name.ends_with(".pkg") {
        // A relative path, so that file names in the messages do not depend
        // on where the repository is checked out (tests run in the crate root).
        return match Package::from_dir_with_limits(rel(case), limits).check() {
            Ok(p) => p.warnings().iter().cloned().collect(),
            Err(d) => d.into_iter().collect(),
        };
    }
    if let Some(stem) = name
        .split(".facts.")
        .next()
        .filter(|_| name.contains(".facts."))
    {
        let own = case.with_file_name(format!("{stem}.facts.policy"));
        let package = if own.exists() {
            Package::from_sources_with_limits(
                [(rel(&own), std::fs::read_to_string(&own).unwrap())],
                limits,
            )
        } else {
            Package::from_dir_with_limits(PACK, limits)
        };
        let policy = package.check().expect("the case's policy checks");
        let mut diags = Vec::new();
        for outcome in policy.evaluate_path(rel(case)) {
            if let Outcome::Failed { diagnostics, .. } = outcome {
                diags.extend(diagnostics);
            }
        }
        return diags;
    }
    if name.ends_with(".test.yaml") {
        let policy = Package::from_dir_with_limits(PACK, limits).check().unwrap();
        let text = std::fs::read_to_string(case).unwrap();
        return match pactum::test_file::read(&policy, Path::new(&rel(case)), &text) {
            Ok(tests) => tests
                .into_iter()
                .filter_map(|t| t.facts.err())
                .flatten()
                .collect(),
            Err(d) => vec![d],
        };
    }
    let text = std::fs::read_to_string(case).unwrap();
    match Package::from_sources_with_limits([(rel(case), text)], limits).check() {
        Ok(p) => p.warnings().iter().cloned().collect(),
        Err(d) => d.into_iter().collect(),
    }
}

#[test]
fn every_case_matches_its_golden_file_and_every_code_has_a_case() {
    let mut all = Vec::new();
    cases(Path::new(ROOT), &mut all);
    let bless = std::env::var_os("PACTUM_BLESS").is_some();
    let mut seen: BTreeSet<&'static str> = BTreeSet::new();
    let mut failures = Vec::new();
    for case in &all {
        let diags = run_case(case);
        assert!(
            !diags.is_empty(),
            "{}: no diagnostic at all (a silent pass)",
            rel(case)
        );
        for d in &diags {
            seen.insert(d.code_id());
            assert!(
                d.help_text().is_some_and(|h| !h.is_empty()),
                "{}: {} has no help",
                rel(case),
                d.code_id()
            );
        }
        let rendered = format!(
            "# {}\n# codes: {}\n\n{}",
            rel(case),
            diags
                .iter()
                .map(|d| d.code_id())
                .collect::<Vec<_>>()
                .join(", "),
            render(&diags)
        );
        let golden = PathBuf::from(format!("{}.out", case.display()));
        if bless {
            std::fs::write(&golden, &rendered).unwrap();
            continue;
        }
        match std::fs::read_to_string(&golden) {
            Ok(want) if want == rendered => {}
            Ok(want) => failures.push(format!(
                "{}: output changed\n--- want\n{want}\n--- got\n{rendered}",
                rel(case)
            )),
            Err(_) => failures.push(format!(
                "{}: no golden file (run with PACTUM_BLESS=1)\n{rendered}",
                rel(case)
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // Codes only the `pactum` binary gives (about a whole run, not a file):
    // their cases are the Wrong scenarios of their pages, which
    // `tests/error_pages.rs` runs, and `tests/cli.rs` / `tests/author_tools.rs`.
    let by_the_binary = [
        pactum::codes::TEST_NO_TESTS.id,
        pactum::codes::TEST_COVERAGE.id,
        pactum::codes::CLI_UNKNOWN_CODE.id,
    ];
    let missing: Vec<&str> = pactum::diag::codes::ALL
        .iter()
        .map(|c| c.id)
        .filter(|id| !seen.contains(id) && !by_the_binary.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a case in tests/diagnostics: {missing:?}"
    );
    assert!(all.len() >= 60, "only {} cases", all.len());
}

#[test]
fn every_code_has_an_explanation_page_with_a_wrong_and_a_right_example() {
    for c in pactum::diag::codes::ALL {
        assert!(
            c.explanation.starts_with(&format!("# `{}`", c.id)),
            "{}: page title",
            c.id
        );
        assert!(
            c.explanation.contains("```"),
            "{}: page has no example",
            c.id
        );
    }
}
