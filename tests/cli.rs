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
    // Written from another thread: the binary streams, so it may stop
    // reading its input until its output is read.
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_owned();
    let writer = std::thread::spawn(move || {
        // A run that exits early closes its input: not this helper's error.
        let _ = stdin.write_all(input.as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
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
        // `request` is not a mapping, and the other facts are missing:
        // every error, the first also as `error`.
        let codes: Vec<&str> = lines[1]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].as_str().unwrap())
            .collect();
        assert_eq!(
            codes,
            ["pactum::facts::missing_field", "pactum::facts::wrong_type"],
            "{:?}",
            lines[1]
        );
        assert_eq!(lines[1]["error"], lines[1]["errors"][0]);
        assert_eq!(lines[1]["errors"][1]["facts_path"], "request");
        assert_eq!(lines[2]["decision"], lines[0]["decision"]);
    }
}

/// The JSON objects of standard output, one a line.
fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// `--jobs` is honoured under `--explain`: the same records, in order,
/// on one thread and on several.
#[test]
fn explain_honours_jobs() {
    let good = std::fs::read_to_string(example("batch.jsonl")).unwrap();
    let input = good.repeat(50);
    let runs: Vec<String> = ["1", "3"]
        .iter()
        .map(|j| {
            let o = pactum_stdin(
                &[
                    "evaluate",
                    "-p",
                    PACK,
                    "-f",
                    "-",
                    "--format",
                    "json",
                    "--explain",
                    "--jobs",
                    j,
                ],
                &input,
            );
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            stdout(&o)
        })
        .collect();
    assert_eq!(runs[0], runs[1]);
    assert_eq!(runs[0].lines().count(), input.lines().count());
}

/// A document that is not UTF-8 fails alone, under `evaluate`,
/// `--explain` and `diff`.
#[test]
fn a_document_that_is_not_utf8_fails_alone() {
    let good = std::fs::read_to_string(example("batch.jsonl")).unwrap();
    let first = good.lines().next().unwrap();
    let dir = temp_dir("not-utf8");
    let file = dir.join("b.jsonl");
    let mut bytes = format!("{first}\n").into_bytes();
    bytes.extend_from_slice(b"{\"a\": \"\xff\"}\n");
    bytes.extend_from_slice(format!("{first}\n").as_bytes());
    std::fs::write(&file, bytes).unwrap();
    let f = file.to_str().unwrap();
    for extra in [&[][..], &["--explain"][..]] {
        let mut args = vec!["evaluate", "-p", PACK, "-f", f, "--format", "json"];
        args.extend_from_slice(extra);
        let o = pactum(&args);
        assert_eq!(o.status.code(), Some(1));
        let lines = json_lines(&o);
        assert_eq!(lines.len(), 3, "{extra:?}: {lines:?}");
        assert!(lines[0].get("decision").is_some());
        assert!(lines[1].get("error").is_some());
        assert!(lines[2].get("decision").is_some());
    }
    let o = pactum(&["diff", "-p", PACK, "-p", PACK, "-f", f]);
    assert!(
        stdout(&o).contains("0 of 3 requests changed, 1 not decided"),
        "{}",
        stdout(&o)
    );
}

/// `diff -f -` reads standard input; under `--format json` standard output
/// is JSON only, and a document not decided is a JSON record too.
#[test]
fn diff_reads_standard_input_and_its_json_is_pure() {
    let good = std::fs::read_to_string(example("batch.jsonl")).unwrap();
    let input = format!("{good}{{\"request\": 1}}\n");
    let o = pactum_stdin(&["diff", "-p", PACK, "-p", PACK, "-f", "-"], &input);
    let n = good.lines().count() + 1;
    assert!(
        stdout(&o).contains(&format!("0 of {n} requests changed, 1 not decided")),
        "{}",
        stdout(&o)
    );
    let o = pactum_stdin(
        &[
            "diff", "-p", PACK, "-p", PACK, "-f", "-", "--format", "json",
        ],
        &input,
    );
    assert_eq!(o.status.code(), Some(1));
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["document"], n);
    assert_eq!(
        lines[0]["before"]["errors"][1]["code"],
        "pactum::facts::wrong_type"
    );
    assert_eq!(lines[0]["before"]["error"], lines[0]["before"]["errors"][0]);
    assert!(stderr(&o).contains("1 not decided"));
}

/// A deny that becomes a fault (not decided) is a change, and counted.
#[test]
fn diff_counts_a_deny_that_becomes_a_fault() {
    let dir = temp_dir("diff-fault");
    let (old, new) = (dir.join("old"), dir.join("new"));
    std::fs::create_dir_all(&old).unwrap();
    std::fs::create_dir_all(&new).unwrap();
    std::fs::write(
        old.join("a.policy"),
        "package a\nschema o { n: int, d: int }\nrule r { deny R when o.n > 1 message \"m\" help \"h\" }",
    )
    .unwrap();
    std::fs::write(
        new.join("a.policy"),
        "package a\nschema o { n: int, d: int }\nrule r { deny R when o.n / o.d > 1 message \"m\" help \"h\" }",
    )
    .unwrap();
    let input = "{\"o\": {\"n\": 5, \"d\": 0}}\n";
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let o = pactum_stdin(&["diff", "-p", old, "-p", new, "-f", "-"], input);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("decision deny -> not decided"), "{out}");
    assert!(
        out.contains("1 of 1 requests changed, 1 not decided"),
        "{out}"
    );
    let o = pactum_stdin(
        &["diff", "-p", old, "-p", new, "-f", "-", "--format", "json"],
        input,
    );
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0]["after"]["error"]["code"].is_string(), "{lines:?}");
}

/// An unreadable facts file is one coded diagnostic, in JSON under
/// `--message-format json`, with and without `--explain`.
#[test]
fn an_unreadable_facts_file_honours_message_format_json() {
    for extra in [&[][..], &["--explain"][..]] {
        let mut args = vec![
            "evaluate",
            "-p",
            PACK,
            "-f",
            "/no/such/file.yaml",
            "--message-format",
            "json",
        ];
        args.extend_from_slice(extra);
        let o = pactum(&args);
        assert_eq!(o.status.code(), Some(1));
        let err = stderr(&o);
        let records: Vec<serde_json::Value> = err
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect();
        assert_eq!(records.len(), 1, "{err}");
        assert!(err.contains("pactum::facts::io"), "{err}");
    }
}

/// `--explain --format json` error records carry the document's id when
/// it can be read.
#[test]
fn explain_error_records_carry_the_id() {
    let good = std::fs::read_to_string(example("batch.jsonl")).unwrap();
    let first: serde_json::Value = serde_json::from_str(good.lines().next().unwrap()).unwrap();
    let mut bad = first.clone();
    bad["order"]["amount"] = serde_json::json!("lots");
    let input = format!("{bad}\n");
    let plain = pactum_stdin(
        &["evaluate", "-p", PACK, "-f", "-", "--format", "json"],
        &input,
    );
    let explained = pactum_stdin(
        &[
            "evaluate",
            "-p",
            PACK,
            "-f",
            "-",
            "--format",
            "json",
            "--explain",
        ],
        &input,
    );
    let (a, b) = (json_lines(&plain), json_lines(&explained));
    assert_eq!(a, b);
    assert!(!b[0]["id"].is_null(), "{b:?}");
}

/// Text from a request is shown with its control characters escaped: an
/// id holding a newline cannot forge an `ALLOW` line in human output.
#[test]
fn human_output_escapes_control_characters_from_requests() {
    let good = std::fs::read_to_string(example("batch.jsonl")).unwrap();
    let denied = good
        .lines()
        .map(|l| l.to_string())
        .find(|l| {
            let o = pactum_stdin(
                &["evaluate", "-p", PACK, "-f", "-", "--format", "json"],
                &format!("{l}\n"),
            );
            stdout(&o).contains("\"decision\":\"deny\"")
        })
        .expect("the example batch has a denied request");
    let v: serde_json::Value = serde_json::from_str(&denied).unwrap();
    // The shipped pack's requests are identified by `resource.id`.
    let id = v.pointer("/resource/id").and_then(|i| i.as_str()).unwrap();
    let forged = denied.replacen(
        &format!("\"{id}\""),
        "\"x: ALLOW\\n\\nspoof\\u001b[31m\\r\"",
        1,
    );
    assert_ne!(forged, denied);
    let o = pactum_stdin(&["evaluate", "-p", PACK, "-f", "-"], &format!("{forged}\n"));
    let out = stdout(&o);
    assert!(out.contains("DENY"), "{out}");
    assert!(!out.lines().any(|l| l.trim_end() == "x: ALLOW"), "{out}");
    assert!(!out.contains('\u{1b}') && !out.contains('\r'), "{out:?}");
    assert!(out.contains("\\n") && out.contains("\\u{1b}"), "{out}");
    // The explanation tree shows values from the request too.
    let o = pactum_stdin(
        &["evaluate", "-p", PACK, "-f", "-", "--explain"],
        &format!("{forged}\n"),
    );
    let out = stdout(&o);
    assert!(out.contains("explanation"), "{out}");
    assert!(!out.contains('\u{1b}') && !out.contains('\r'), "{out:?}");
}

/// A byte-order mark opens a file, not a document: a YAML file saved with
/// one is decided as the same file without it (with or without `---`).
#[test]
fn a_byte_order_mark_before_a_yaml_document_is_skipped() {
    let yaml = std::fs::read_to_string(example("allowed-with-refund.yaml")).unwrap();
    let dir = temp_dir("bom-yaml");
    let plain = pactum(&[
        "evaluate",
        "-p",
        PACK,
        "-f",
        &example("allowed-with-refund.yaml"),
        "--format",
        "json",
    ]);
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    for (name, text) in [
        ("bom.yaml", format!("\u{feff}{yaml}")),
        ("bom-marker.yaml", format!("\u{feff}---\n{yaml}")),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, text).unwrap();
        let o = pactum(&[
            "evaluate",
            "-p",
            PACK,
            "-f",
            file.to_str().unwrap(),
            "--format",
            "json",
        ]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert_eq!(stdout(&o), stdout(&plain), "{name}");
    }
}

#[test]
fn explain_lists_every_code_a_short_name_matches() {
    let o = pactum(&["explain", "unknown_field"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("pactum::check::unknown_field"), "{out}");
    assert!(out.contains("pactum::facts::unknown_field"), "{out}");
    // A unique short name prints the page, without the test markers.
    let o = pactum(&["explain", "cycle"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("# `pactum::check::cycle`"));
    assert!(!stdout(&o).contains("<!--"), "{}", stdout(&o));
}

#[test]
fn explain_of_an_unknown_code_suggests_one_and_is_a_usage_error() {
    for (asked, near) in [
        ("unknwn_field", "unknown_field"),
        (
            "pactum::check::unknown_fild",
            "pactum::check::unknown_field",
        ),
    ] {
        let o = pactum(&["explain", asked]);
        assert_eq!(o.status.code(), Some(2), "{asked}");
        assert!(
            stderr(&o).contains("pactum::cli::unknown_code"),
            "{}",
            stderr(&o)
        );
        assert!(
            stderr(&o).contains(&format!("did you mean `{near}`?")),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn diff_with_one_policy_is_a_usage_error() {
    let o = pactum(&[
        "diff",
        "--policy",
        "policies/unsubscription",
        "--facts",
        "policies/unsubscription/examples/batch.jsonl",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("takes exactly two --policy") && stderr(&o).contains("1 given"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("Usage: pactum diff"), "{}", stderr(&o));
}

#[test]
fn completions_and_the_man_page_are_generated() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = pactum(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        assert!(stdout(&o).contains("evaluate"), "{shell}");
    }
    // The top level offers no limit flag; `evaluate` offers them.
    let bash = stdout(&pactum(&["completions", "bash"]));
    let top = bash
        .lines()
        .find(|l| l.contains("opts=\"-h -V --color"))
        .unwrap();
    assert!(!top.contains("--max-"), "{top}");
    assert!(bash.contains("--max-steps"));
    let o = pactum(&["man"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains(".TH pactum 1"), "{}", stdout(&o));
    // The hidden limit flags of the top level are not offered.
    assert!(!stdout(&o).contains("max\\-steps"), "{}", stdout(&o));
}

#[test]
fn help_names_a_subcommand_and_limit_flags_only_where_they_apply() {
    let o = pactum(&["help", "evaluate"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("--max-steps"), "{}", stdout(&o));
    // `help SUBCOMMAND --help` is the same page.
    let again = pactum(&["help", "evaluate", "--help"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(stdout(&again), stdout(&o));
    let o = pactum(&["validate", "--help"]);
    assert!(stdout(&o).contains("--max-depth"));
    assert!(!stdout(&o).contains("--max-steps"), "{}", stdout(&o));
    for sub in ["fmt", "explain", "completions"] {
        let o = pactum(&["help", sub]);
        assert_eq!(o.status.code(), Some(0), "{sub}");
        assert!(!stdout(&o).contains("--max-"), "{sub}: {}", stdout(&o));
    }
    let o = pactum(&["--help"]);
    assert!(!stdout(&o).contains("--max-"), "{}", stdout(&o));
    // Given where it means nothing, a limit flag is a usage error.
    let o = pactum(&["validate", "--max-steps", "5", PACK]);
    assert_eq!(o.status.code(), Some(2));
    // Before the subcommand, as earlier versions took them, still accepted.
    let o = pactum(&["--max-depth", "1024", "validate", PACK]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn color_always_never_and_auto() {
    let facts = example("several-denials.yaml");
    let args = |c: &'static str| {
        ["--color", c, "evaluate", "-p", PACK, "-f", facts.as_str()].map(String::from)
    };
    let run = |c: &'static str, no_color: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pactum"));
        cmd.args(args(c));
        if no_color {
            cmd.env("NO_COLOR", "1");
        } else {
            cmd.env_remove("NO_COLOR");
        }
        cmd.output().unwrap()
    };
    // Not a terminal: auto and never are plain, always is coloured (even
    // under NO_COLOR: the command line wins).
    assert!(!stdout(&run("auto", false)).contains('\x1b'));
    assert!(!stdout(&run("never", false)).contains('\x1b'));
    assert!(stdout(&run("always", false)).contains('\x1b'));
    assert!(stdout(&run("always", true)).contains('\x1b'));
    // The diagnostics on standard error follow it too.
    let o = pactum(&["--color", "always", "validate", "/nonexistent-pactum-dir"]);
    assert!(stderr(&o).contains('\x1b'), "{}", stderr(&o));
    let o = pactum(&["validate", "--color", "never", "/nonexistent-pactum-dir"]);
    assert!(!stderr(&o).contains('\x1b'), "{}", stderr(&o));
}

#[test]
fn fmt_reads_standard_input_and_shows_a_diff() {
    let messy = "package a\nschema o {x:int}\noutput  y=o.x\n";
    let o = pactum_stdin(&["fmt", "-"], messy);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let formatted = stdout(&o);
    assert!(formatted.contains("output y = o.x\n"), "{formatted}");
    // Formatted text is left as it is.
    let o = pactum_stdin(&["fmt", "--check", "-"], &formatted);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = pactum_stdin(&["fmt", "--check", "--diff", "-"], messy);
    assert_eq!(o.status.code(), Some(1));
    let diff = stdout(&o);
    assert!(
        diff.contains("--- <stdin>\n+++ <stdin> (formatted)\n@@ -1,3 +1,5 @@"),
        "{diff}"
    );
    assert!(diff.contains("\n-output  y=o.x\n"), "{diff}");
    assert!(diff.contains("\n+output y = o.x\n"), "{diff}");
    // On files: the diff, and the file left unchanged.
    let dir = temp_dir("fmt-diff");
    let file = dir.join("a.policy");
    std::fs::write(&file, messy).unwrap();
    let o = pactum(&["fmt", "--check", "--diff", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("+output y = o.x"), "{}", stdout(&o));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), messy);
    // --diff means nothing without --check.
    assert_eq!(
        pactum(&["fmt", "--diff", dir.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
    // Text that does not parse is reported, and nothing is printed.
    let o = pactum_stdin(&["fmt", "-"], "package a\noutput y = \n");
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).is_empty());
    assert!(
        stderr(&o).contains("pactum::parse::syntax"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn evaluate_exit_code_is_3_when_a_request_is_denied() {
    let denied = example("several-denials.yaml");
    let allowed = example("allowed-with-refund.yaml");
    let code = |facts: &str, flag: bool| {
        let mut args = vec!["evaluate", "-p", PACK, "-f", facts];
        if flag {
            args.push("--exit-code");
        }
        pactum(&args).status.code()
    };
    assert_eq!(code(&denied, false), Some(0));
    assert_eq!(code(&denied, true), Some(3));
    assert_eq!(code(&allowed, true), Some(0));
    // A request not decided is still 1, whatever was denied.
    let o = pactum_stdin(
        &["evaluate", "-p", PACK, "-f", "-", "--exit-code"],
        "{\"nonsense\": 1}\n",
    );
    assert_eq!(o.status.code(), Some(1));
}

/// A document with several independent mistakes: every one is on
/// standard error, the human line counts them, and the JSON record keeps
/// `error` (the first) and lists them all in `errors`, each with its line,
/// column and facts path; the other documents are still decided.
#[test]
fn every_mistake_of_a_document_is_in_its_record() {
    let dir = temp_dir("all-errors");
    std::fs::write(
        dir.join("p.policy"),
        "package p\nrequests are identified by o.id\n\
         schema o { id: string, n: int, day: date, tags: list of string }\n",
    )
    .unwrap();
    let good = r#"{"o": {"id": "a", "n": 1, "day": "2026-01-02", "tags": []}}"#;
    let bad = r#"{"o": {"id": "b", "n": "one", "colour": "red", "tags": ["x", 7]}}"#;
    let input = format!("{good}\n{bad}\n{good}\n");
    let policy = dir.to_str().unwrap();
    let o = pactum_stdin(
        &["evaluate", "-p", policy, "-f", "-", "--format", "json"],
        &input,
    );
    assert_eq!(o.status.code(), Some(1));
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0]["decision"], "allow");
    assert_eq!(lines[2]["decision"], "allow");
    let record = &lines[1];
    assert_eq!(record["id"], "b");
    let errors: Vec<(String, String, u64, u64)> = record["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["code"].as_str().unwrap().to_string(),
                e["facts_path"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap(),
                e["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let code = |c: &str| format!("pactum::facts::{c}");
    // The column of each offending value (or key), in the line.
    let at = |text: &str| bad.find(text).unwrap() as u64 + 1;
    assert_eq!(
        errors,
        [
            (code("missing_field"), "o.day".into(), 2, at("{\"id\"")),
            (code("wrong_type"), "o.n".into(), 2, at("\"one\"")),
            (
                code("unknown_field"),
                "o.colour".into(),
                2,
                at("\"colour\"")
            ),
            (code("wrong_type"), "o.tags[1]".into(), 2, at("7]")),
        ]
    );
    assert_eq!(record["error"], record["errors"][0]);
    assert_eq!(
        stderr(&o).matches("pactum::facts::").count(),
        4,
        "{}",
        stderr(&o)
    );
    // People: the line names the first and counts the rest.
    let o = pactum_stdin(&["evaluate", "-p", policy, "-f", "-"], &input);
    assert!(
        stdout(&o).contains("b: NOT DECIDED (pactum::facts::missing_field and 3 more errors)"),
        "{}",
        stdout(&o)
    );
    // Editors and CI: one JSON diagnostic a mistake, with its facts path.
    let o = pactum_stdin(
        &[
            "evaluate",
            "-p",
            policy,
            "-f",
            "-",
            "--message-format",
            "json",
        ],
        &input,
    );
    let paths: Vec<serde_json::Value> = stderr(&o)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["facts_path"].clone())
        .collect();
    assert_eq!(paths, ["o.day", "o.n", "o.colour", "o.tags[1]"]);
    // At most --max-facts-errors of them, the last noting the others.
    let o = pactum_stdin(
        &[
            "evaluate",
            "-p",
            policy,
            "-f",
            "-",
            "--format",
            "json",
            "--max-facts-errors",
            "2",
            "--message-format",
            "json",
        ],
        &input,
    );
    let lines = json_lines(&o);
    assert_eq!(lines[1]["errors"].as_array().unwrap().len(), 2);
    let notes: Vec<serde_json::Value> = stderr(&o)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["notes"].clone())
        .collect();
    assert_eq!(notes[0], serde_json::json!([]));
    assert!(
        notes[1][0]
            .as_str()
            .unwrap()
            .starts_with("2 more errors in this document are not shown"),
        "{notes:?}"
    );
}

/// A line of a JSON Lines batch cut inside a string: its record points at
/// the quote that opens the string.
#[test]
fn an_unclosed_quote_in_a_batch_is_reported_at_the_quote() {
    let good = std::fs::read_to_string(example("batch.jsonl")).unwrap();
    let first = good.lines().next().unwrap();
    let cut = first.find("\"i-").unwrap();
    let input = format!("{first}\n{}\n{first}\n", &first[..cut + 4]);
    let o = pactum_stdin(
        &[
            "evaluate", "--policy", PACK, "--facts", "-", "--format", "json",
        ],
        &input,
    );
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["error"]["code"], "pactum::facts::syntax");
    assert_eq!(lines[1]["error"]["line"], 2);
    assert_eq!(lines[1]["error"]["column"], cut + 1);
    assert!(
        stderr(&o).contains("this quote is never closed"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn explain_lists_a_stage_and_finds_a_code_by_stage_and_name() {
    for stage in ["pactum::facts", "facts", "facts::"] {
        let o = pactum(&["explain", stage]);
        assert_eq!(o.status.code(), Some(0), "{stage}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains("pactum::facts::wrong_type"), "{stage}: {out}");
        assert!(!out.contains("pactum::check::"), "{stage}: {out}");
    }
    let o = pactum(&["explain", "check::cycle"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).starts_with("# `pactum::check::cycle`"),
        "{}",
        stdout(&o)
    );
    let o = pactum(&["explain", "check::unknwn_field"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `check::unknown_field`?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn fmt_of_empty_input_is_empty_and_formatted() {
    for input in ["", "\n\n  \n"] {
        let o = pactum_stdin(&["fmt", "-"], input);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o), "", "{input:?}");
    }
    let o = pactum_stdin(&["fmt", "--check", "-"], "");
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn a_missing_path_gets_help_about_the_path() {
    let o = pactum(&["fmt", "--check", "no/such/file.policy"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("pactum::load::io"), "{err}");
    assert!(err.contains("check the path: nothing is there"), "{err}");
    assert!(!err.contains("move it out of the directory"), "{err}");
}

#[test]
fn limits_of_zero_are_usage_errors() {
    for flag in [
        "--max-steps",
        "--max-output-bytes",
        "--max-facts-bytes",
        "--max-policy-bytes",
        "--max-depth",
        "--max-facts-depth",
        "--max-facts-errors",
    ] {
        let o = pactum(&[
            "evaluate",
            "--policy",
            "policies/unsubscription",
            "--facts",
            &example("allowed-with-refund.yaml"),
            flag,
            "0",
        ]);
        assert_eq!(o.status.code(), Some(2), "{flag}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("invalid value '0'"),
            "{flag}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn negative_counts_are_invalid_values_not_unknown_arguments() {
    for flag in ["--jobs", "--max-steps", "--max-facts-bytes", "--max-depth"] {
        let o = pactum(&[
            "evaluate",
            "--policy",
            "policies/unsubscription",
            "--facts",
            &example("allowed-with-refund.yaml"),
            flag,
            "-1",
        ]);
        assert_eq!(o.status.code(), Some(2), "{flag}");
        assert!(
            stderr(&o).contains("invalid value '-1'"),
            "{flag}: {}",
            stderr(&o)
        );
    }
}
