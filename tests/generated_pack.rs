//! The generated package of the `validate` benchmark parses and checks
//! cleanly, every rule of it compiled (a benchmark of a failing check, or
//! of a parse that dropped rules, would measure nothing).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../benches/support/genpack.rs"]
mod genpack;

#[test]
fn a_generated_package_of_2000_rules_checks_with_every_rule_compiled() {
    let files = genpack::package(2_000);
    let written = files
        .iter()
        .map(|(_, text)| {
            text.lines()
                .filter(|l| l.trim_start().starts_with("rule "))
                .count()
        })
        .sum::<usize>();
    assert_eq!(written, 2_000);
    let policy = pactum::Package::from_sources(files).check().unwrap();
    let rules = policy.coverage().report(&policy).rules.len();
    // Every generated rule, plus none lost or invented by the parser.
    assert_eq!(rules, written);
}
