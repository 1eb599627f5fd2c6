//! The `pactum` binary: exit codes, output shapes, colour.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/unsubscription");

fn example(name: &str) -> String {
    format!("{PACK}/examples/{name}")
}

fn pactum(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pactum"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}

fn pactum_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pactum"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("pactum-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn validate_the_shipped_pack_is_clean() {
    let o = pactum(&["validate", "--deny-warnings", PACK]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("ok (0 errors, 0 warnings)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn validate_exits_1_with_diagnostics_and_2_on_usage_errors() {
    let dir = temp_dir("bad");
    std::fs::write(
        dir.join("a.policy"),
        "package a\nschema o { amount: decimal }\noutput x = o.amout\n",
    )
    .unwrap();
    let o = pactum(&["validate", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("pactum::check::unknown_field"), "{err}");
    assert!(err.contains("did you mean `amount`?"), "{err}");
    assert!(err.contains("a.policy:3:14"), "{err}");
    // No colour when not on a terminal.
    assert!(!err.contains('\u{1b}'), "colour codes on a pipe: {err:?}");

    let o = pactum(&["validate", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));
    let o = pactum(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn validate_json_messages_are_one_object_per_line() {
    let dir = temp_dir("json");
    std::fs::write(
        dir.join("a.policy"),
        "package a\nschema o { amount: decimal }\noutput x = o.amout\noutput y = zz\n",
    )
    .unwrap();
    let o = pactum(&[
        "validate",
        "--message-format",
        "json",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{}", stdout(&o));
    assert_eq!(lines[0]["code"], "pactum::check::unknown_field");
    assert_eq!(lines[0]["severity"], "error");
    assert_eq!(lines[0]["line"], 3);
    assert_eq!(lines[0]["column"], 14);
    assert_eq!(lines[0]["help"], "did you mean `amount`?");
    assert_eq!(lines[1]["code"], "pactum::check::unknown_name");
}

#[test]
fn evaluate_prints_the_json_envelope() {
    let o = pactum(&[
        "evaluate",
        "--policy",
        PACK,
        "--facts",
        &example("pay-as-you-go.yaml"),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    // The envelope's fields come in the documented order.
    let at = |k: &str| text.find(&format!("\"{k}\":")).unwrap_or(usize::MAX);
    assert!(
        at("id") < at("decision") && at("decision") < at("reasons"),
        "{text}"
    );
    assert!(
        at("reasons") < at("notes") && at("notes") < at("outputs"),
        "{text}"
    );
    assert!(
        at("refund_amount") < at("refund_currency")
            && at("refund_destination") < at("refund_due_by"),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(v["decision"], "deny");
    assert_eq!(v["reasons"][0]["code"], "PAY_AS_YOU_GO");
    assert_eq!(v["reasons"][0]["rule"], "pay_as_you_go");
    assert!(v["reasons"][0]["message"].is_string());
    assert!(v["reasons"][0]["help"].is_string());
    assert_eq!(v["outputs"]["refund_amount"], "0.00");
    assert!(v["outputs"]["refund_destination"].is_null());
}

#[test]
fn evaluate_human_output_names_rule_and_location() {
    let o = pactum(&[
        "evaluate",
        "--policy",
        PACK,
        "--facts",
        &example("pay-as-you-go.yaml"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("DENY"), "{out}");
    assert!(out.contains("PAY_AS_YOU_GO"), "{out}");
    assert!(out.contains("billing.policy:"), "{out}");
    assert!(out.contains("help:"), "{out}");
    assert!(out.contains("refund_amount"), "{out}");
    assert!(!out.contains('\u{1b}'), "colour codes on a pipe");
}

#[test]
fn a_batch_gives_one_record_per_document_in_order_even_with_a_bad_one() {
    let good = std::fs::read_to_string(example("allowed-with-refund.yaml")).unwrap();
    let bad = good.replace("amount: ", "amout: ");
    let batch = format!("{good}\n---\n{bad}\n---\n{good}\n");
    let o = pactum_stdin(
        &[
            "evaluate", "--policy", PACK, "--facts", "-", "--format", "json",
        ],
        &batch,
    );
    assert_eq!(o.status.code(), Some(1), "one document failed");
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{}", stdout(&o));
    assert_eq!(lines[0]["decision"], "allow");
    assert_eq!(lines[1]["error"]["code"], "pactum::facts::unknown_field");
    assert!(lines[1]["error"]["line"].as_u64().unwrap() > 1);
    assert!(
        lines[1]["id"].is_string(),
        "the id is read loosely from the bad document"
    );
    assert_eq!(lines[2]["decision"], "allow");
    assert!(
        stderr(&o).contains("did you mean `amount`?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn jsonl_batches_are_decided_in_order() {
    let o = pactum(&[
        "evaluate",
        "--policy",
        PACK,
        "--facts",
        &example("batch.jsonl"),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let input_lines = std::fs::read_to_string(example("batch.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count();
    assert_eq!(stdout(&o).lines().count(), input_lines);
}

#[test]
fn evaluate_with_a_broken_policy_exits_1() {
    let dir = temp_dir("broken");
    std::fs::write(dir.join("a.policy"), "package a\nrule r {").unwrap();
    let o = pactum(&[
        "evaluate",
        "--policy",
        dir.to_str().unwrap(),
        "--facts",
        &example("pay-as-you-go.yaml"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("pactum::parse::syntax"));
    let o = pactum(&[
        "evaluate",
        "--policy",
        PACK,
        "--facts",
        "/no/such/file.yaml",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("pactum::facts::io"));
}

#[test]
fn help_has_examples() {
    let o = pactum(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Examples:"));
    let o = pactum(&["evaluate", "--help"]);
    assert!(stdout(&o).contains("--format"));
}

/// `evaluate --explain --format json` stays JSON Lines when a request is
/// not decided: one JSON error record for it, as plain `evaluate` writes,
/// and one record per document in order.
#[test]
fn explain_in_json_writes_json_error_records() {
    let good = std::fs::read_to_string(example("batch.jsonl")).unwrap();
    let first = good.lines().next().unwrap();
    let input = format!("{first}\n{{\"request\": 1}}\n{first}\n");
    for explain in [true, false] {
        let mut args = vec![
            "evaluate", "--policy", PACK, "--facts", "-", "--format", "json",
        ];
        if explain {
            args.push("--explain");
        }
        let o = pactum_stdin(&args, &input);
        assert_eq!(o.status.code(), Some(1));
        let lines: Vec<serde_json::Value> = stdout(&o)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect();
        assert_eq!(lines.len(), 3, "explain {explain}: {lines:?}");
        assert!(lines[0].get("decision").is_some());
        assert_eq!(
            lines[1]["error"]["code"], "pactum::facts::wrong_type",
            "{:?}",
            lines[1]
        );
        assert_eq!(lines[2]["decision"], lines[0]["decision"]);
    }
}
