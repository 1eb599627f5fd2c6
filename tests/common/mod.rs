//! Test helpers named for the claim they make.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use pactum::{Decision, Diagnostic, Package, Policy};

/// A package of one file, `test.policy`, with `package test` prepended.
pub fn package(src: &str) -> Package {
    Package::from_sources([("test.policy", format!("package test\n{src}"))])
}

/// Asserts that `src` checks cleanly (no errors, no warnings but unused
/// schema fields) and returns it.
pub fn checks(src: &str) -> Policy {
    match package(src).check() {
        Ok(p) => {
            let w: Vec<_> = p
                .warnings()
                .iter()
                .map(|d| d.code_id())
                .filter(|c| *c != "pactum::warn::unused_field")
                .collect();
            assert!(w.is_empty(), "unexpected warnings: {w:?}");
            p
        }
        Err(d) => panic!("expected a clean check, got:\n{}", render(d.iter())),
    }
}

/// Asserts that checking `src` reports `code` and returns that diagnostic.
pub fn fails_check(src: &str, code: &str) -> Diagnostic {
    let diags = match package(src).check() {
        Ok(p) => p.warnings().clone(),
        Err(d) => d,
    };
    diags
        .iter()
        .find(|d| d.code_id() == code)
        .cloned()
        .unwrap_or_else(|| panic!("expected {code}, got:\n{}", render(diags.iter())))
}

/// All diagnostic codes of checking `src`, in order.
pub fn codes_of(src: &str) -> Vec<&'static str> {
    match package(src).check() {
        Ok(p) => p.warnings().iter().map(|d| d.code_id()).collect(),
        Err(d) => d.iter().map(|d| d.code_id()).collect(),
    }
}

/// Evaluates one YAML document.
pub fn decide(policy: &Policy, facts: &str) -> Decision {
    policy
        .evaluate_str(facts)
        .unwrap_or_else(|d| panic!("expected a decision, got:\n{}", render(d.iter())))
}

/// Renders diagnostics without colour, for failure messages.
pub fn render<'a>(diags: impl Iterator<Item = &'a Diagnostic>) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    let mut s = String::new();
    for d in diags {
        let _ = handler.render_report(&mut s, d);
        s.push('\n');
    }
    s
}
