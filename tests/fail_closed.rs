//! Issue 12, "fail closed, always", beyond the loader: a closed standard
//! output, the caps on `--jobs` and the depth limits, and the byte-order
//! mark. Every run of the binary is under a watchdog (`run.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/run.rs"]
mod run;

use std::process::{Command, Stdio};

use pactum::{Limits, Package};
use run::{pactum, pactum_command, run_guarded, stderr, stdout, temp_dir};

const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/unsubscription");

fn example(name: &str) -> String {
    format!("{PACK}/examples/{name}")
}

#[cfg(unix)]
/// Standard output for a child: a pipe whose read end is already closed
/// (its only reader, `true`, has exited), so the first write fails with
/// EPIPE, deterministically.
fn closed_pipe() -> Stdio {
    let mut reader = Command::new("true")
        .stdin(Stdio::piped())
        .spawn()
        .expect("`true` runs");
    let write_end = reader.stdin.take().unwrap();
    reader.wait().unwrap();
    Stdio::from(write_end)
}

#[cfg(unix)]
/// Runs the binary with its standard output on a closed pipe.
fn into_closed_pipe(args: &[&str]) -> std::process::Output {
    let mut cmd = pactum_command(args);
    cmd.stdout(closed_pipe());
    run_guarded(cmd, false)
}

#[cfg(unix)]
#[test]
fn every_subcommand_stops_quietly_on_a_closed_stdout() {
    // A package with errors, for the diagnostics that `validate` writes to
    // standard output in JSON; and one unformatted file for `fmt --check`.
    let bad = temp_dir("pipe-bad");
    std::fs::write(bad.join("a.policy"), "package a\nlet x = y\n").unwrap();
    let loose = temp_dir("pipe-loose");
    std::fs::write(loose.join("a.policy"), "package   a\n").unwrap();
    let batch = example("batch.yaml");
    let (bad, loose) = (bad.to_str().unwrap(), loose.to_str().unwrap());
    // Each of these writes to standard output: it must end with 141.
    let writers: Vec<Vec<&str>> = vec![
        vec!["explain"],
        vec!["explain", "pactum::load::io"],
        vec!["test", PACK],
        vec!["test", "--coverage", PACK],
        vec!["fmt", "--check", loose],
        vec!["evaluate", "-p", PACK, "-f", &batch],
        vec!["evaluate", "-p", PACK, "-f", &batch, "--format", "json"],
        vec!["evaluate", "-p", PACK, "-f", &batch, "--jobs", "2"],
        vec!["evaluate", "-p", PACK, "-f", &batch, "--explain"],
        vec!["diff", "-p", PACK, "-p", PACK, "-f", &batch],
        vec!["validate", "--message-format", "json", bad],
    ];
    for args in &writers {
        let o = into_closed_pipe(args);
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
        assert_eq!(o.status.code(), Some(141), "{args:?}: {err}");
    }
    // These print nothing to standard output, or print through clap, which
    // ignores the error: they keep their own exit code.
    for (args, code) in [
        (vec!["validate", PACK], 0),
        (vec!["validate", bad], 1),
        (vec!["--help"], 0),
        (vec!["--version"], 0),
        (vec!["evaluate", "--help"], 0),
    ] {
        let o = into_closed_pipe(&args);
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
    }
}

/// Standard error on a pipe whose reader has gone (`pactum validate 2>&1
/// | head -1`): every subcommand that writes diagnostics or summaries there
/// ends quietly with 141, never a panic.
#[cfg(unix)]
#[test]
fn every_subcommand_stops_quietly_on_a_closed_stderr() {
    let bad = temp_dir("pipe-err-bad");
    let mut text = String::from("package a\n");
    for i in 0..50 {
        text.push_str(&format!("let x{i} = y{i}\n"));
    }
    std::fs::write(bad.join("a.policy"), text).unwrap();
    let loose = temp_dir("pipe-err-loose");
    std::fs::write(loose.join("a.policy"), "package   a\n").unwrap();
    let broken = temp_dir("pipe-err-facts").join("broken.jsonl");
    std::fs::write(&broken, "{\"x\": 1}\n".repeat(500)).unwrap();
    let (bad, loose, broken) = (
        bad.to_str().unwrap(),
        loose.to_str().unwrap(),
        broken.to_str().unwrap(),
    );
    for args in [
        vec!["validate", bad],
        vec!["validate", PACK],
        vec!["fmt", "--check", loose],
        vec!["explain", "pactum::no_such_code"],
        vec!["evaluate", "-p", bad, "-f", broken],
        vec!["evaluate", "-p", PACK, "-f", broken],
        vec!["evaluate", "-p", PACK, "-f", "/nowhere/facts.yaml"],
    ] {
        let mut child = pactum_command(&args)
            .stderr(closed_pipe())
            .stdout(Stdio::null())
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let start = std::time::Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if start.elapsed() > run::WATCHDOG {
                let _ = child.kill();
                panic!("{args:?} hung with a closed standard error");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        // 101 is a panic; no code at all is a signal (an abort).
        assert!(
            matches!(status.code(), Some(0 | 1 | 141)),
            "{args:?}: {status:?}"
        );
    }
}

#[test]
fn jobs_is_capped_at_256() {
    let facts = example("batch.yaml");
    for bad in ["257", "3000", "0"] {
        let o = pactum(&["evaluate", "-p", PACK, "-f", &facts, "--jobs", bad]);
        assert_eq!(o.status.code(), Some(2), "--jobs {bad}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("{bad} is not in 1..=256")),
            "{}",
            stderr(&o)
        );
    }
    let o = pactum(&["evaluate", "-p", PACK, "-f", &facts, "--jobs", "256"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let one = pactum(&["evaluate", "-p", PACK, "-f", &facts, "--jobs", "1"]);
    assert_eq!(stdout(&o), stdout(&one), "same decisions with 256 threads");
}

#[test]
fn depth_flags_are_capped_with_a_clear_message() {
    for (flag, max) in [("--max-depth", 1024), ("--max-facts-depth", 1024)] {
        for bad in [max + 1, 40_000, 1_000_000] {
            let o = pactum(&[flag, &bad.to_string(), "validate", PACK]);
            assert_eq!(o.status.code(), Some(2), "{flag} {bad}: {}", stderr(&o));
            assert!(
                stderr(&o).contains(&format!("{bad} is not in 1..={max}")),
                "{}",
                stderr(&o)
            );
        }
        let o = pactum(&[flag, &max.to_string(), "validate", PACK]);
        assert_eq!(o.status.code(), Some(0), "{flag} {max}: {}", stderr(&o));
    }
}

/// A package whose one output is `s.a + s.a + …` with `operands` operands,
/// and a batch of three requests.
fn deep_package(name: &str, body: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = temp_dir(name);
    std::fs::write(
        dir.join("p.policy"),
        format!("package p\nschema s {{ a: int }}\n{body}"),
    )
    .unwrap();
    let facts = dir.join("batch.yaml");
    std::fs::write(&facts, "s: { a: 1 }\n---\ns: { a: 2 }\n---\ns: { a: 3 }\n").unwrap();
    (dir, facts)
}

#[test]
fn the_deepest_policy_the_largest_depth_allows_does_not_crash() {
    // Each shape at (or just under) the largest depth the flag accepts:
    // an operator chain, prefix operators, and chained computed values.
    let chain = vec!["s.a"; 1000].join(" + ");
    let neg = format!("{}s.a", "-".repeat(1000));
    let lets: String = (1..500)
        .map(|i| format!("let a{i} = a{} + 1\n", i - 1))
        .collect();
    let shapes = [
        ("deep-chain", format!("output o = {chain}\n")),
        ("deep-neg", format!("output o = {neg}\n")),
        (
            "deep-lets",
            format!("let a0 = s.a\n{lets}output o = a499\n"),
        ),
    ];
    for (name, body) in shapes {
        let (dir, facts) = deep_package(name, &body);
        let (d, f) = (dir.to_str().unwrap(), facts.to_str().unwrap());
        // `validate` on the command's own thread, `evaluate` on one thread
        // and on worker threads.
        for args in [
            vec!["--max-depth", "1024", "validate", d],
            vec![
                "--max-depth",
                "1024",
                "evaluate",
                "-p",
                d,
                "-f",
                f,
                "-j",
                "1",
            ],
            vec![
                "--max-depth",
                "1024",
                "evaluate",
                "-p",
                d,
                "-f",
                f,
                "-j",
                "2",
            ],
        ] {
            let o = pactum(&args);
            assert_eq!(o.status.code(), Some(0), "{name} {args:?}: {}", stderr(&o));
        }
        // One level less than needed is refused with the limit's code.
        let o = pactum(&["--max-depth", "100", "validate", d]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("pactum::limit::depth"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn the_library_refuses_depth_limits_above_the_cap() {
    let text = format!(
        "package p\nschema s {{ a: int }}\noutput o = {}\n",
        vec!["s.a"; 3000].join(" + ")
    );
    let limits = Limits::default().with_max_expr_depth(40_000);
    let diags = Package::from_sources_with_limits([("p.policy", text.as_str())], limits)
        .check()
        .map(|_| ())
        .unwrap_err();
    let codes: Vec<_> = diags.iter().map(|d| d.code_id()).collect();
    assert!(codes.contains(&"pactum::limit::depth"), "{codes:?}");
    assert!(diags
        .iter()
        .any(|d| d.message().contains("40000; at most 1024 is supported")));
    // The chain is refused against the cap, not parsed 3,000 deep.
    assert!(diags.iter().any(|d| d.message().contains("more than 1024")));

    let limits = Limits::default().with_max_facts_depth(1_000_000);
    let diags = Package::from_sources_with_limits([("p.policy", "package p\n")], limits)
        .check()
        .map(|_| ())
        .unwrap_err();
    let d = diags.iter().next().unwrap();
    assert_eq!(d.code_id(), "pactum::limit::facts_depth");
    assert!(d.help_text().is_some());

    let limits = Limits::default()
        .with_max_expr_depth(Limits::MAX_EXPR_DEPTH)
        .with_max_facts_depth(Limits::MAX_FACTS_DEPTH);
    assert!(
        Package::from_sources_with_limits([("p.policy", "package p\n")], limits)
            .check()
            .is_ok()
    );
}

#[test]
fn a_byte_order_mark_is_accepted_and_columns_stay_right() {
    let text = "package p\nschema s { a: int }\noutput o = s.b\n";
    let with_bom = format!("\u{feff}{text}");
    let locate = |t: &str| {
        let diags = Package::from_sources([("p.policy", t)])
            .check()
            .map(|_| ())
            .unwrap_err();
        let d = diags.iter().next().unwrap().clone();
        (
            d.code_id(),
            d.line_col(),
            d.underlined().map(str::to_string),
        )
    };
    let plain = locate(text);
    assert_eq!(
        plain,
        (
            "pactum::check::unknown_field",
            Some((3, 14)),
            Some("b".to_string())
        )
    );
    assert_eq!(locate(&with_bom), plain);
    // An error on the first line, where the mark is: same column.
    let first = "pakage p\n";
    let at = |t: &str| {
        let diags = Package::from_sources([("p.policy", t)])
            .check()
            .map(|_| ())
            .unwrap_err();
        let d = diags.iter().next().unwrap().clone();
        (d.code_id(), d.line_col())
    };
    assert_eq!(at(&format!("\u{feff}{first}")), at(first));
    assert_eq!(at(first).1, Some((1, 1)));

    // A clean package with a mark validates, through the binary too, and
    // `fmt --check` accepts a formatted file with a mark (and keeps it).
    let dir = temp_dir("bom");
    let clean = "\u{feff}package p\n\nschema s {\n  a: int\n}\n\noutput o = s.a\n";
    std::fs::write(dir.join("p.policy"), clean).unwrap();
    let d = dir.to_str().unwrap();
    let o = pactum(&["validate", d]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = pactum(&["fmt", "--check", d]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(pactum::format_source("p.policy", clean).unwrap(), clean);
    // Through the binary, the column of an error is the editor's.
    std::fs::write(dir.join("p.policy"), &with_bom).unwrap();
    let o = pactum(&["validate", d]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("p.policy:3:14"), "{}", stderr(&o));
}

/// A limit passed once is reported once, not again for every text after it
/// at the same place (a rule's message, then its help).
#[test]
fn an_output_limit_passed_is_one_error() {
    let limits = pactum::Limits::default().with_max_output_bytes(1);
    let policy = pactum::Package::from_sources_with_limits(
        [(
            "a.policy",
            "package a\nschema o { n: int }\n\
             rule r {\n  deny R\n  when o.n > 1\n  message \"{o.n} is big.\"\n  help \"Make it smaller.\"\n}\n",
        )],
        limits,
    )
    .check()
    .unwrap();
    let errors = policy.evaluate_str("o: { n: 2 }").unwrap_err();
    assert_eq!(errors.len(), 1, "{errors}");
    assert_eq!(errors.first().unwrap().code(), pactum::codes::LIMIT_OUTPUT);
}

/// `round` gives exactly the places asked, or stops the request: a decimal
/// too large for them is never rounded to fewer places silently.
#[test]
fn round_to_more_places_than_fit_stops_the_request() {
    let policy = pactum::Package::from_sources([(
        "a.policy",
        "package a\nschema o { x: decimal }\noutput r = round(o.x, 28)\n",
    )])
    .check()
    .unwrap();
    let errors = policy.evaluate_str("o: { x: \"120.00\" }").unwrap_err();
    assert_eq!(errors.first().unwrap().code(), pactum::codes::EVAL_OVERFLOW);
    let d = policy.evaluate_str("o: { x: \"0.5\" }").unwrap();
    assert_eq!(
        d.output("r").unwrap().to_string(),
        format!("0.5{}", "0".repeat(27))
    );
}

/// Every reserved word of the language (docs/language.md, "Names"), as an
/// enum variant, is either refused by the checker or tested as that
/// variant by `is`: never read as something else, which could turn a deny
/// into an allow (a variant `absent` read as a presence test did).
#[test]
fn a_variant_named_like_a_keyword_is_refused_or_tested_as_itself() {
    let page = include_str!("../docs/language.md");
    let start = page
        .find("package requests schema")
        .expect("the list of reserved words");
    let words: Vec<&str> = page[start..]
        .lines()
        .take_while(|l| !l.starts_with("```"))
        .flat_map(str::split_whitespace)
        .collect();
    assert!(words.len() > 30, "{words:?}");
    for w in words {
        let text = format!(
            "package k\nrequests are identified by s.id\nschema s {{ id: string, k: one of {w}, other }}\n\
             rule r {{\n  deny HIT\n  when s.k is {w}\n  message \"m\"\n  help \"h\"\n}}\n"
        );
        let Ok(policy) = pactum::Package::from_sources([("k.policy", text.as_str())]).check()
        else {
            continue; // refused: fine
        };
        let hit = policy
            .evaluate_str(&format!("s: {{ id: a, k: \"{w}\" }}"))
            .unwrap_or_else(|e| panic!("{w}: {e}"));
        assert!(!hit.is_allowed(), "`is {w}` did not test the variant `{w}`");
        let other = policy.evaluate_str("s: { id: a, k: other }").unwrap();
        assert!(other.is_allowed(), "`is {w}` held for the variant `other`");
    }
}
