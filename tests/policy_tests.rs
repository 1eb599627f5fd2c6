//! `pactum test` never counts a test as passed when it checks nothing or
//! when what it expects differs from the decision as written: outputs are
//! compared as written (a text is never read as a number, a decimal's
//! scale is part of it), an empty or unreadable expectation is malformed,
//! a file of no test is a failure, a facts file that is a device is
//! refused rather than read forever, and no test file is skipped for the
//! case or the spelling of its extension.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const POLICY: &str = "package t
schema o { id: string, amount: decimal, n: int }
rule big { deny BIG when o.n > 9 message \"big\" help \"less\" }
output id = o.id
output amount = o.amount
output n = o.n
";

/// A package directory of its own, with `tests` written into `tests/`.
fn package(name: &str, tests: &[(&str, &str)]) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("pactum-policy-tests-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::write(dir.join("t.policy"), POLICY).unwrap();
    for (file, text) in tests {
        std::fs::write(dir.join("tests").join(file), text).unwrap();
    }
    dir
}

fn run_tests(dir: &Path) -> (Option<i32>, String) {
    let o: Output = Command::new(env!("CARGO_BIN_EXE_pactum"))
        .args(["test", dir.to_str().unwrap()])
        .output()
        .unwrap();
    (
        o.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

/// One test of the package on `o: { id, amount, n }`, expecting `expect`.
fn case(id: &str, amount: &str, expect: &str) -> String {
    format!("- name: case\n  facts: {{ o: {{ id: \"{id}\", amount: \"{amount}\", n: 1 }} }}\n  expect: {expect}\n")
}

#[test]
fn outputs_are_compared_as_written() {
    let failing = [
        case("007", "1", "{ outputs: { id: \"7\" } }"),
        case("1e2", "1", "{ outputs: { id: \"100\" } }"),
        case("+1", "1", "{ outputs: { id: \"1\" } }"),
        case("5", "1", "{ outputs: { id: 5 } }"),
        case("x", "1200.00", "{ outputs: { amount: \"1200.0\" } }"),
        case("x", "1200.00", "{ outputs: { amount: 1200 } }"),
        case("x", "1", "{ outputs: { amount: 1.0000000000000001 } }"),
        case(
            "x",
            "1",
            "{ outputs: { amount: \"1.0000000000000000000000000001\" } }",
        ),
        case("x", "1", "{ outputs: { n: \"1\" } }"),
    ];
    for (i, text) in failing.iter().enumerate() {
        let dir = package(&format!("out{i}"), &[("a.test.yaml", text)]);
        let (code, out) = run_tests(&dir);
        assert_eq!(code, Some(1), "counted as passed:\n{text}\n{out}");
        assert!(out.contains("0 passed, 1 failed"), "{text}\n{out}");
    }
    // As written, they pass.
    let passing = [
        case("007", "1", "{ outputs: { id: \"007\" } }"),
        case("x", "1200.00", "{ outputs: { amount: \"1200.00\", n: 1 } }"),
    ];
    for text in passing {
        let dir = package("out-ok", &[("a.test.yaml", &text)]);
        let (code, out) = run_tests(&dir);
        assert_eq!(code, Some(0), "{text}\n{out}");
    }
}

/// Each mistake in a test's shape is reported at the key or value that
/// is wrong (line and column), with the text under the label, not at the
/// start of the test; a facts file that names no file (`""`, `-`, no value,
/// a number) is malformed, not looked up.
#[test]
fn a_malformed_test_is_reported_where_the_mistake_is() {
    let policy = pactum::Package::from_sources([("t.policy", POLICY)])
        .check()
        .unwrap();
    let facts = "facts: { o: { id: a, amount: \"1\", n: 1 } }\n";
    let cases: &[(&str, (usize, usize), &str)] = &[
        ("expect: { decision: maybe }", (3, 21), "maybe"),
        ("expect: { decision: true }", (3, 21), "true"),
        ("expect: { reasons: 5 }", (3, 20), "5"),
        ("expect: { reasons: [A, {b: 1}] }", (3, 20), "[A, {b: 1}]"),
        ("expect: { outputs: [1] }", (3, 20), "[1]"),
        ("expect: { decison: allow }", (3, 11), "decison"),
        (
            "expect: { decision: allow, decision: deny }",
            (3, 28),
            "decision",
        ),
        ("expect: []", (3, 9), "[]"),
        ("expect: {}", (3, 9), "{}"),
        ("expect:\n  notes: []\n  reasons:\n", (5, 11), ""),
    ];
    for (expect, at, under) in cases {
        let text = format!("name: x\n{facts}{expect}\n");
        let d = pactum::test_file::read(&policy, "a.test.yaml".as_ref(), &text).unwrap_err();
        assert_eq!(d.code_id(), "pactum::test::malformed", "{text}");
        assert_eq!(d.line_col(), Some(*at), "{text}\n{}", d.message());
        assert_eq!(d.underlined().unwrap_or(""), *under, "{text}");
    }
    for (file, at) in [
        ("\"\"", (2, 13)),
        ("\"-\"", (2, 13)),
        ("", (2, 12)),
        ("12", (2, 13)),
        ("[a]", (2, 13)),
    ] {
        let text = format!("name: x\nfacts_file: {file}\nexpect: {{ decision: allow }}\n");
        let d = pactum::test_file::read(&policy, "a.test.yaml".as_ref(), &text).unwrap_err();
        assert_eq!(d.code_id(), "pactum::test::malformed", "{text}");
        assert!(d.message().starts_with("`facts_file`"), "{}", d.message());
        assert_eq!(d.line_col(), Some(at), "{text}\n{}", d.message());
    }
    // A name YAML reads as a number is the name as written.
    let text = format!("name: 42\n{facts}expect: {{ decision: allow }}\n");
    let tests = pactum::test_file::read(&policy, "a.test.yaml".as_ref(), &text).unwrap();
    assert_eq!(tests[0].name, "42");
}

/// Inline facts are bounded as facts files are: a test file is read whole,
/// so it is refused beyond `--max-facts-bytes`, and read within it.
#[test]
fn a_test_file_is_bounded_by_the_facts_limit() {
    let text = format!(
        "name: long\nfacts: {{ o: {{ id: \"{}\", amount: \"1\", n: 1 }} }}\nexpect: {{ decision: allow }}\n",
        "a".repeat(5000)
    );
    let dir = package("bounded", &[("a.test.yaml", &text)]);
    let run = |limit: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_pactum"))
            .args(["test", "--max-facts-bytes", limit, dir.to_str().unwrap()])
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        (o.status.code(), all)
    };
    let (code, out) = run("1000");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("pactum::limit::facts_size"), "{out}");
    assert!(out.contains("0 passed, 1 failed"), "{out}");
    let (code, out) = run("10000");
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn an_expectation_that_checks_nothing_is_malformed() {
    let facts = "  facts: { o: { id: a, amount: \"1\", n: 1 } }\n";
    for expect in [
        "  expect:\n",
        "  expect:\n  # decision: deny\n",
        "  expect: {}\n",
        "  expect: { decision: null }\n",
        "  expect: { reasons: }\n",
        "  expect: { outputs: null }\n",
        "  expect: { decision: maybe }\n",
        "  expect: { decision: Deny }\n",
        "  expect: []\n",
        "  expect: { reason: [BIG] }\n",
    ] {
        let text = format!("- name: nothing\n{facts}{expect}");
        let dir = package("expect", &[("a.test.yaml", &text)]);
        let (code, out) = run_tests(&dir);
        assert_eq!(code, Some(1), "counted as passed:\n{text}\n{out}");
        assert!(out.contains("pactum::test::malformed"), "{text}\n{out}");
    }
    let dir = package(
        "expect-hint",
        &[(
            "a.test.yaml",
            &format!("- name: x\n{facts}  expect: {{ reason: [BIG] }}\n"),
        )],
    );
    assert!(run_tests(&dir).1.contains("did you mean `reasons`"));
}

#[test]
fn a_file_of_no_test_fails_and_no_test_file_is_skipped() {
    let dir = package("empty-list", &[("a.test.yaml", "[]\n")]);
    let (code, out) = run_tests(&dir);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("pactum::test::malformed"), "{out}");
    // `.test.yml` and upper-case names are test files too: a failing test
    // in each fails the run.
    let failing = case("a", "1", "{ decision: deny }");
    for name in ["b.test.yml", "C.TEST.YAML"] {
        let dir = package("names", &[(name, &failing)]);
        let (code, out) = run_tests(&dir);
        assert_eq!(code, Some(1), "{name} skipped: {out}");
        assert!(out.contains("1 failed"), "{name}: {out}");
    }
}

#[cfg(unix)]
#[test]
fn a_facts_file_that_is_a_device_is_refused_not_read_forever() {
    let text = "- name: zero\n  facts_file: /dev/zero\n  expect: { decision: allow }\n\
                - name: fine\n  facts: { o: { id: a, amount: \"1\", n: 1 } }\n  expect: { decision: allow }\n";
    let dir = package("device", &[("a.test.yaml", text)]);
    let (code, out) = run_tests(&dir);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("pactum::facts::io"), "{out}");
    assert!(out.contains("1 passed, 1 failed"), "{out}");
}

#[test]
fn test_names_are_printed_with_their_control_characters_escaped() {
    let text = "- name: \"evil\\nok   forged\\e[32m\"\n  facts: { o: { id: a, amount: \"1\", n: 1 } }\n  expect: { decision: allow }\n";
    let dir = package("names-escaped", &[("a.test.yaml", text)]);
    let (code, out) = run_tests(&dir);
    assert_eq!(code, Some(0), "{out}");
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(!out.lines().any(|l| l.starts_with("ok   forged")), "{out}");
}
