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

/// The mistakes of an outside review, each asserted exactly: every
/// diagnostic a policy gets (no follow-on error), with its code, the line
/// and column of its label, the underlined text, the label, its message
/// and its help.
mod reviewed {
    use pactum::{Diagnostic, Package};

    /// The package every case is checked in: `shop`, with one schema.
    const HEAD: &str = "package shop
schema order {
  id: string, total: decimal, items: int, placed: date, kind: one of retail, wholesale
  tags: list of string, coupon: optional { code: string, percent: int }, gift: optional bool
}
output read = [order.id, \"{order.total}{order.items}{order.placed}{order.kind}{order.tags}\"]
output read_optional = [order.coupon is present, order.gift is present]
output read_coupon = if order.coupon is present then \"{order.coupon.code}{order.coupon.percent}\" else \"\"
";

    /// Where a case starts in the file (its first line).
    const FIRST_LINE: usize = 9;

    /// One diagnostic, as asserted.
    #[derive(Debug, PartialEq)]
    struct Seen {
        code: &'static str,
        at: (usize, usize),
        underlined: String,
        label: String,
        message: String,
        help: String,
    }

    fn seen(d: &Diagnostic) -> Seen {
        let label = miette::Diagnostic::labels(d)
            .and_then(|mut l| l.next())
            .and_then(|l| l.label().map(str::to_string))
            .unwrap_or_default();
        Seen {
            code: d.code_id(),
            at: d.line_col().unwrap_or((0, 0)),
            underlined: d.underlined().unwrap_or("").to_string(),
            label,
            message: d.message().to_string(),
            help: d.help_text().unwrap_or("").to_string(),
        }
    }

    /// Every diagnostic of the package with `case` after [`HEAD`].
    fn reported(case: &str) -> Vec<Seen> {
        let src = format!("{HEAD}{case}\n");
        let diags = match Package::from_sources([("shop.policy", src)]).check() {
            Ok(p) => p.warnings().clone(),
            Err(d) => d,
        };
        diags.iter().map(seen).collect()
    }

    /// What a diagnostic at line `line` of the case (from 1), column
    /// `col`, is expected to be.
    fn expect(
        code: &'static str,
        (line, col): (usize, usize),
        underlined: &str,
        label: &str,
        message: &str,
        help: &str,
    ) -> Seen {
        Seen {
            code,
            at: (FIRST_LINE + line - 1, col),
            underlined: underlined.to_string(),
            label: label.to_string(),
            message: message.to_string(),
            help: help.to_string(),
        }
    }

    #[test]
    fn the_head_checks_cleanly() {
        assert_eq!(reported(""), vec![]);
    }

    #[test]
    fn a_value_after_message_on_the_rule_line_asks_for_a_text() {
        assert_eq!(
            reported(r#"rule r1 { deny X when order.items > 5 message order.id help "h" }"#),
            vec![expect(
                "pactum::parse::syntax",
                (1, 47),
                "order.id",
                "not a text",
                "a `message` is a text in double quotes",
                "to show the value, put it in the text: `message \"{order.id}\"`",
            )]
        );
        assert_eq!(
            reported(r#"rule r1 { deny X when order.items > 5 message "m" help Add an item. }"#),
            vec![expect(
                "pactum::parse::syntax",
                (1, 56),
                "Add an item.",
                "not a text",
                "a `help` is a text in double quotes",
                "write `help \"Add an item.\"`",
            )]
        );
    }

    #[test]
    fn every_unknown_escape_is_reported_at_its_backslash() {
        let case = r#"rule r1 { deny BIG when order.total > 100 message "path C:\temp\q" help "at D:\x" }"#;
        let escapes =
            "the escapes of a text are `\\\"`, `\\\\`, `\\n` (a line break) and `\\t` (a tab)";
        assert_eq!(
            reported(case),
            vec![
                expect(
                    "pactum::parse::syntax",
                    (1, 64),
                    "\\q",
                    "not an escape",
                    "`\\q` is not an escape; write `\\\\` for a backslash",
                    &format!("write `\\\\q` for a backslash followed by `q`; {escapes}"),
                ),
                expect(
                    "pactum::parse::syntax",
                    (1, 79),
                    "\\x",
                    "not an escape",
                    "`\\x` is not an escape; write `\\\\` for a backslash",
                    &format!("write `\\\\x` for a backslash followed by `x`; {escapes}"),
                ),
            ]
        );
        // The `\t` of the same text is labelled as the tab it is.
        let src = format!("{HEAD}{case}\n");
        let diags = Package::from_sources([("shop.policy", src)])
            .check()
            .unwrap_err();
        let labels: Vec<String> = miette::Diagnostic::labels(diags.iter().next().unwrap())
            .unwrap()
            .filter_map(|l| l.label().map(str::to_string))
            .collect();
        assert_eq!(labels, ["not an escape", "read as a tab"]);
    }

    #[test]
    fn texts_joined_with_plus_get_one_text() {
        assert_eq!(
            reported(r#"output label = order.id + "-x" + order.kind"#),
            vec![expect(
                "pactum::check::type_mismatch",
                (1, 16),
                "order.id",
                "string",
                "`+` adds numbers; it does not join texts",
                "put the values inside one text: `\"{order.id}-x{order.kind}\"`",
            )]
        );
    }

    #[test]
    fn elif_and_its_kin_are_else_if() {
        let help = "write `else if`; an `if` takes another condition with `else if … then …`";
        for word in ["elif", "elsif", "elseif"] {
            let case = format!(
                "output size = if order.items > 10 then \"big\" else if order.items > 5 then \"mid\" {word} order.items > 2 then \"small\" else \"tiny\""
            );
            assert_eq!(
                reported(&case),
                vec![expect(
                    "pactum::parse::syntax",
                    (1, 81),
                    word,
                    "not a keyword",
                    &format!("`{word}` is not a keyword; did you mean `else if`?"),
                    help,
                )]
            );
        }
        // Short enough, the line is shown rewritten.
        assert_eq!(
            reported("output s = if order.items > 1 then 1 elif order.items > 0 then 2 else 3")[0]
                .help,
            "write `output s = if order.items > 1 then 1 else if order.items > 0 then 2 else 3`"
        );
    }

    #[test]
    fn a_value_left_open_in_a_text_is_reported_at_its_brace() {
        assert_eq!(
            reported(r#"rule r1 { deny BIG when order.total > 100 message "Order {order.id is too big." help "h" }"#),
            vec![expect(
                "pactum::parse::syntax",
                (1, 58),
                "{",
                "the value starts here",
                "the `{` at 9:58 is not closed before the end of the text",
                "add `}` after the value, as in `{order.id}`, or write `{{` for a brace in the text",
            )]
        );
    }

    #[test]
    fn a_let_inside_a_when_block_is_read_all_the_same() {
        let case = "when order.total > 100 {
  let big = true
  rule r1 { deny BIG when big message \"m\" help \"h\" }
}";
        let help = "move the `let` above the block; only rules and `when` blocks go inside one";
        assert_eq!(
            reported(case),
            vec![expect(
                "pactum::parse::syntax",
                (2, 3),
                "let",
                "not inside a `when` block",
                "`let` cannot go inside a `when` block",
                help,
            )]
        );
        // A second one in the same block is reported too.
        let case = "when order.total > 100 {
  let big = true
  output o = 1
  rule r1 { deny BIG when big message \"m\" help \"h\" }
}";
        let seen = reported(case);
        assert_eq!(seen.len(), 2, "{seen:#?}");
        assert_eq!(seen[1].at, (FIRST_LINE + 2, 3));
        assert_eq!(seen[1].message, "`output` cannot go inside a `when` block");
    }

    #[test]
    fn a_fixed_argument_out_of_range_has_its_own_code() {
        assert_eq!(
            reported("output x = round(order.total, 29)"),
            vec![expect(
                "pactum::check::argument_range",
                (1, 31),
                "29",
                "out of range",
                "`round` keeps 0 to 28 decimal places, not 29",
                "money is usually rounded to 2 places: `round(x, 2)`",
            )]
        );
        assert_eq!(
            reported("output d = add_days(order.placed, -2000000)"),
            vec![expect(
                "pactum::check::argument_range",
                (1, 35),
                "-2000000",
                "out of range",
                "`add_days` moves a date by -1000000 to 1000000 days, not -2000000",
                "move the date by fewer days (a negative number moves it back)",
            )]
        );
    }

    #[test]
    fn an_empty_when_block_is_a_warning() {
        let help = "put the rules it is meant for inside its `{ … }`, or remove the block";
        assert_eq!(
            reported("when order.total > 100 {\n}"),
            vec![expect(
                "pactum::warn::empty_block",
                (1, 1),
                "when order.total > 100",
                "guards nothing",
                "this `when` block holds no rule",
                help,
            )]
        );
        // Its condition is checked all the same, once.
        let seen = reported("when order.totl > 100 { when order.items > 1 { } }");
        let codes: Vec<&str> = seen.iter().map(|s| s.code).collect();
        assert_eq!(
            codes,
            ["pactum::warn::empty_block", "pactum::check::unknown_field"]
        );
    }

    #[test]
    fn a_clause_keyword_after_is_not_is_a_missing_variant() {
        assert_eq!(
            reported(r#"rule r1 { deny X when order.kind is not message "m" help "h" }"#),
            vec![expect(
                "pactum::parse::syntax",
                (1, 41),
                "message",
                "no variant before this",
                "expected a variant, `present` or `absent` after `is not`; `message` starts the next clause",
                "write the variant to test for (`order.kind is not …`), or `present`, or `absent`",
            )]
        );
        assert_eq!(
            reported(r#"rule r1 { deny X when order.kind is "retail" message "m" help "h" }"#),
            vec![expect(
                "pactum::parse::syntax",
                (1, 37),
                "\"retail\"",
                "a text",
                "`is` takes a variant, `present` or `absent`, not a text",
                "write the variant without quotes: `order.kind is retail`",
            )]
        );
    }

    #[test]
    fn an_optional_record_as_a_condition_is_one_error_asking_for_its_presence() {
        assert_eq!(
            reported(r#"rule r1 { deny X when order.coupon message "m" help "h" }"#),
            vec![expect(
                "pactum::check::condition_not_bool",
                (1, 23),
                "order.coupon",
                "optional { code, percent }",
                "a condition must be true or false, but this is an optional record `{ code, percent }`",
                "to test whether it is there, write `order.coupon is present`",
            )]
        );
        assert_eq!(
            reported(r#"rule r1 { deny X when not order.coupon message "m" help "h" }"#)[0].help,
            "to test whether it is missing, write `order.coupon is absent`"
        );
    }

    #[test]
    fn contains_and_its_kin_are_in() {
        for word in ["contains", "includes", "has"] {
            let case = format!(
                r#"rule r1 {{ deny BIG when order.tags {word} "vip" message "m" help "h" }}"#
            );
            assert_eq!(
                reported(&case),
                vec![expect(
                    "pactum::parse::syntax",
                    (1, 36),
                    word,
                    "not an operator",
                    &format!("`{word}` is not an operator: membership is written `value in list`"),
                    "write `\"vip\" in order.tags`",
                )]
            );
        }
    }
}
