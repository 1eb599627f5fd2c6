//! Author tooling through the binary: `pactum test` (and coverage),
//! `pactum fmt`, `pactum evaluate --explain`, `pactum diff`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/unsubscription");

fn pactum(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pactum"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A copy of the shipped pack (policies and tests) in a fresh directory.
fn pack_copy(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pactum-tools-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(Path::new(PACK), &dir);
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

#[test]
fn the_pack_tests_pass_with_full_rule_coverage() {
    let o = pactum(&["test", "--coverage", PACK]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("rule coverage: 100%"), "{out}");
    assert!(out.contains("branch coverage: 100%"), "{out}");
    let last = out.lines().last().unwrap();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
    let passed: usize = last.split_whitespace().next().unwrap().parse().unwrap();
    assert!(passed >= 25, "{last}");
}

#[test]
fn a_broken_rule_fails_its_tests_with_a_readable_diff() {
    let dir = pack_copy("broken");
    let file = dir.join("billing.policy");
    let text = std::fs::read_to_string(&file).unwrap();
    // Off by one: unpaid orders only count from two on.
    let broken = text.replace("resource.unpaid_orders > 0", "resource.unpaid_orders > 1");
    assert_ne!(broken, text);
    std::fs::write(&file, broken).unwrap();
    let o = pactum(&["test", "--coverage", dir.to_str().unwrap()]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("FAIL") && out.contains("unpaid orders"),
        "{out}"
    );
    assert!(
        out.contains("reasons: expected [UNPAID_ORDERS], got []"),
        "{out}"
    );
    assert!(out.contains("decision: expected deny, got allow"), "{out}");
    assert!(out.lines().last().unwrap().contains(" failed"), "{out}");
    assert!(!out.lines().last().unwrap().ends_with(" 0 failed"), "{out}");
}

#[test]
fn fmt_check_passes_on_the_repository_and_fails_on_a_messy_file() {
    let o = pactum(&[
        "fmt",
        "--check",
        concat!(env!("CARGO_MANIFEST_DIR"), "/policies"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let dir = pack_copy("fmt");
    let file = dir.join("channels.policy");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("  rule api_not_supported {", "rule    api_not_supported{"),
    )
    .unwrap();
    let o = pactum(&["fmt", "--check", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("channels.policy: not formatted"));
    let o = pactum(&["fmt", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        text,
        "fmt restores the canonical layout"
    );
}

#[test]
fn explain_shows_the_deciding_comparison_of_each_deny() {
    let examples = Path::new(PACK).join("examples");
    for name in [
        "pay-as-you-go.yaml",
        "voucher-paid.yaml",
        "several-denials.yaml",
        "api-channel.yaml",
        "cancellation.yaml",
        "fully-consumed.yaml",
    ] {
        let path = examples.join(name);
        let o = pactum(&[
            "evaluate",
            "--policy",
            PACK,
            "--facts",
            path.to_str().unwrap(),
            "--format",
            "json",
            "--explain",
        ]);
        assert_eq!(o.status.code(), Some(0));
        let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
        let reasons: Vec<&str> = v["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap())
            .collect();
        assert!(!reasons.is_empty(), "{name}");
        for code in reasons {
            let rule = v["explain"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["code"] == code)
                .unwrap();
            assert_eq!(rule["fired"], true, "{name} {code}");
            let conds = rule["conditions"].as_array().unwrap();
            assert!(!conds.is_empty(), "{name} {code}");
            // Every condition of a fired rule was true, and the tree goes
            // down to the facts that decided it.
            for c in conds {
                assert_eq!(c["value"], true, "{name} {code}: {c}");
            }
            let text = serde_json::to_string(rule).unwrap();
            assert!(
                text.contains("\"children\":[{"),
                "{name} {code}: no sub-expression shown: {text}"
            );
        }
    }
    // The human form prints the tree.
    let path = examples.join("pay-as-you-go.yaml");
    let o = pactum(&[
        "evaluate",
        "--policy",
        PACK,
        "--facts",
        path.to_str().unwrap(),
        "--explain",
    ]);
    let out = stdout(&o);
    assert!(
        out.contains("deny PAY_AS_YOU_GO (pay_as_you_go)") && out.contains(": fired"),
        "{out}"
    );
    assert!(
        out.contains("└─ resource.billing_method is pay_as_you_go  = true"),
        "{out}"
    );
}

#[test]
fn diff_finds_exactly_the_requests_a_one_line_change_affects() {
    let dir = pack_copy("diff");
    let file = dir.join("account.policy");
    let text = std::fs::read_to_string(&file).unwrap();
    // The quota now only runs out when it is exceeded, not reached.
    let changed = text.replace(
        "used >= account.ecs_unsubscription_quota.limit",
        "used > account.ecs_unsubscription_quota.limit",
    );
    assert_ne!(changed, text);
    std::fs::write(&file, changed).unwrap();
    // A batch where exactly documents 2 and 4 have used == limit on ECS.
    let base =
        std::fs::read_to_string(Path::new(PACK).join("examples/allowed-with-refund.yaml")).unwrap();
    assert!(
        base.contains("{ limit: 5, used: 2 }"),
        "example changed: update this test"
    );
    let at_limit = base.replace("{ limit: 5, used: 2 }", "{ limit: 5, used: 5 }");
    let over = base.replace("{ limit: 5, used: 2 }", "{ limit: 5, used: 6 }");
    let batch = [
        base.as_str(),
        at_limit.as_str(),
        over.as_str(),
        at_limit.as_str(),
        base.as_str(),
    ]
    .join("\n---\n");
    let facts = dir.join("batch.yaml");
    std::fs::write(&facts, batch).unwrap();
    let o = pactum(&[
        "diff",
        "--policy",
        PACK,
        "--policy",
        dir.to_str().unwrap(),
        "--facts",
        facts.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let changed: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let docs: Vec<u64> = changed
        .iter()
        .map(|c| c["document"].as_u64().unwrap())
        .collect();
    assert_eq!(docs, vec![2, 4]);
    assert!(
        changed[0]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "decision deny -> allow"),
        "{:?}",
        changed[0]
    );
    assert!(changed[0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "reasons -ECS_QUOTA_EXHAUSTED"));
    // Human form with a summary line, and --exit-code.
    let o = pactum(&[
        "diff",
        "-p",
        PACK,
        "-p",
        dir.to_str().unwrap(),
        "-f",
        facts.to_str().unwrap(),
        "--exit-code",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("2 of 5 requests changed"),
        "{}",
        stdout(&o)
    );
}

/// Every expression an explanation shows reads as written: brackets around
/// an operand kept whole (`(a + b) > c`, `not (x)`, `-(x)`), comments of a
/// condition spread over lines left out, texts written with escapes hidden
/// like every literal; and its value is the value of that text.
#[test]
fn explanations_show_expressions_as_written() {
    let policy = pactum::Package::from_sources([(
        "t.policy",
        "package t
schema o { kind: one of k1, k2, a: int, b: int, p: optional int, s: string }
rule r {
  deny R
  when (if o.kind is k2 then o.a else o.b) > 10
    and not (o.p is absent)
    and -(o.b) < 0
    and ((o.a)) > 1 # a comment
    # a comment on its own line
    and (o.a + o.b) * 2 > 0
    and o.s != \"{{lit}} \\\"x\\\"\\t4\"
  message \"m\"
  help \"h\"
}",
    )])
    .check()
    .unwrap();
    let facts = policy
        .facts_from_str("o: { kind: k2, a: 20, b: 3, p: 1, s: y }")
        .unwrap();
    let (decision, why) = policy.explain(&facts).unwrap();
    assert!(!decision.is_allowed());
    let mut texts = Vec::new();
    fn walk(n: &pactum::ExplainNode, out: &mut Vec<String>) {
        out.push(n.expr.clone());
        n.children.iter().for_each(|c| walk(c, out));
    }
    for r in why.rules() {
        r.conditions.iter().for_each(|c| walk(c, &mut texts));
    }
    for t in &texts {
        let opened = t.matches('(').count();
        assert_eq!(opened, t.matches(')').count(), "unbalanced: {t}");
        assert!(!t.contains('#'), "a comment is shown: {t}");
        assert!(!t.starts_with('"'), "a literal is shown: {t}");
    }
    for want in [
        "(if o.kind is k2 then o.a else o.b) > 10",
        "not (o.p is absent)",
        "-(o.b) < 0",
        "((o.a)) > 1",
        "(o.a + o.b) * 2 > 0",
        "o.a + o.b",
    ] {
        assert!(texts.iter().any(|t| t == want), "{want} not in {texts:#?}");
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The pay-as-you-go example written with merge keys: the fields written
/// beside `<<` win, and in a list the first mapping wins.
const MERGED_PAYG: &str = "\
request: { action: unsubscribe, channel: console, date: 2026-05-11 }
account: { <<: [{ id: acc-1002, settlement_currency: USD }, { id: acc-0, ecs_unsubscription_quota: { limit: 5, used: 0 } }] }
resource:
  billing_method: pay_as_you_go
  <<: { id: rm-bp1payg, service: rds, service_supports_unsubscription: true, billing_method: subscription, unpaid_orders: 0, security_risk: false }
order: { <<: { id: ord-2002, purchased_at: 2026-02-01, currency: USD, amount: 86.4, voucher_amount: 0, consumed_amount: 12.35 }, paid_by: acc-1002 }
";

#[test]
fn merge_keys_read_the_same_in_test_and_evaluate() {
    let dir = pack_copy("merges");
    std::fs::write(dir.join("merged.yaml"), MERGED_PAYG).unwrap();
    // `evaluate` reads the merges (it refused `<<` before) and decides as
    // on the example written out.
    let decide = |facts: &Path| {
        let o = pactum(&[
            "evaluate",
            "-p",
            dir.to_str().unwrap(),
            "-f",
            facts.to_str().unwrap(),
            "--format",
            "json",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o)
    };
    let merged = decide(&dir.join("merged.yaml"));
    assert_eq!(merged, decide(&dir.join("examples/pay-as-you-go.yaml")));
    assert!(merged.contains("PAY_AS_YOU_GO"), "{merged}");
    // `test` reads the same file, and inline facts merged across tests,
    // to the same decision.
    std::fs::write(
        dir.join("tests/merges.test.yaml"),
        format!(
            "- name: merged facts file\n  facts_file: ../merged.yaml\n  expect: {{ decision: deny, reasons: [PAY_AS_YOU_GO], notes: [] }}\n\
             - name: the same facts inline\n  facts: &payg\n{}  expect: {{ decision: deny, reasons: [PAY_AS_YOU_GO], notes: [] }}\n\
             - name: merged across tests, the written field wins\n  facts:\n    <<: *payg\n    resource: {{ <<: *res, billing_method: subscription }}\n  expect: {{ decision: allow }}\n",
            MERGED_PAYG
                .replace("resource:\n", "resource: &res\n")
                .lines()
                .map(|l| format!("    {l}\n"))
                .collect::<String>()
        ),
    )
    .unwrap();
    let o = pactum(&["test", dir.to_str().unwrap()]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    for name in [
        "merged facts file",
        "the same facts inline",
        "merged across tests, the written field wins",
    ] {
        let shown = dir.join("tests/merges.test.yaml");
        assert!(
            out.contains(&format!("ok   {}: {name}\n", shown.display())),
            "{out}"
        );
    }
    assert!(out.ends_with(" passed, 0 failed\n"), "{out}");
}

#[test]
fn a_facts_file_is_read_as_evaluate_reads_it() {
    let dir = pack_copy("facts-files");
    let line = r#"{"request": {"action": "unsubscribe", "channel": "console", "date": "2026-05-11"}, "account": {"id": "acc-1002", "settlement_currency": "USD", "ecs_unsubscription_quota": {"limit": 5, "used": 0}}, "resource": {"id": "rm-bp1payg", "service": "rds", "service_supports_unsubscription": true, "billing_method": "pay_as_you_go", "unpaid_orders": 0, "security_risk": false}, "order": {"id": "ord-2002", "purchased_at": "2026-02-01", "currency": "USD", "amount": "86.4", "voucher_amount": "0", "consumed_amount": "12.35", "paid_by": "acc-1002"}}"#;
    std::fs::write(dir.join("one.jsonl"), format!("{line}\n")).unwrap();
    std::fs::write(dir.join("one.json"), line).unwrap();
    std::fs::write(dir.join("two.jsonl"), format!("{line}\n{line}\n")).unwrap();
    std::fs::write(
        dir.join("two.yaml"),
        format!("{MERGED_PAYG}---\n{MERGED_PAYG}"),
    )
    .unwrap();
    let expect = "expect: { decision: deny, reasons: [PAY_AS_YOU_GO] }";
    let tests: String = ["one.jsonl", "one.json", "two.jsonl", "two.yaml"]
        .iter()
        .map(|f| format!("- name: {f}\n  facts_file: ../{f}\n  {expect}\n"))
        .collect();
    std::fs::write(dir.join("tests/files.test.yaml"), tests).unwrap();
    let o = pactum(&["test", dir.to_str().unwrap()]);
    let (out, err) = (stdout(&o), stderr(&o));
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(
        out.contains("ok   ") && out.contains("files.test.yaml: one.jsonl"),
        "{out}"
    );
    assert!(out.contains("files.test.yaml: one.json\n"), "{out}");
    // More than one document: a coded error naming the file, at the start
    // of the second document.
    assert!(
        out.contains("FAIL") && out.contains("files.test.yaml: two.jsonl"),
        "{out}"
    );
    assert!(
        out.contains("not decided: pactum::test::facts_file: the facts file")
            && out.contains("two.jsonl:2:1)"),
        "{out}"
    );
    assert!(out.contains("two.yaml:7:1)"), "{out}");
    assert!(err.contains("pactum::test::facts_file"), "{err}");
    assert!(out.ends_with(" passed, 2 failed\n"), "{out}");
}

#[test]
fn a_malformed_test_file_is_a_coded_error_at_its_line_and_column() {
    for (text, at, says) in [
        (
            "- name: x\n  facts_file: ../examples/pay-as-you-go.yaml\n  expct: { decision: deny }\n",
            ":3:3:",
            "unknown key `expct` in a test",
        ),
        (
            "- name: x\n  facts_file: ../examples/pay-as-you-go.yaml\n",
            ":1:3:",
            "the test `x` has no `expect`",
        ),
        (
            "- name: x\n  facts: {}\n  facts_file: ../examples/pay-as-you-go.yaml\n  expect: {}\n",
            ":3:3:",
            "a test gives both `facts` and `facts_file`",
        ),
        // At the end of the file: just after its last text.
        ("- name: x\n  facts: [\n", ":2:11:", "not a test file: "),
        ("just text\n", ":1:1:", "not a test file: "),
    ] {
        let dir = pack_copy("malformed");
        std::fs::write(dir.join("tests/bad.test.yaml"), text).unwrap();
        let o = pactum(&["test", dir.to_str().unwrap()]);
        let (out, err) = (stdout(&o), stderr(&o));
        assert_eq!(o.status.code(), Some(1), "{text}: {out}");
        let line = out
            .lines()
            .find(|l| l.contains("bad.test.yaml"))
            .unwrap_or_else(|| panic!("{text}: {out}"));
        assert!(line.starts_with("FAIL ") && line.contains(at), "{text}: {line}");
        assert!(line.contains(says) && line.ends_with("(pactum::test::malformed)"), "{text}: {line}");
        assert!(err.contains("pactum::test::malformed") && err.contains("help:"), "{text}: {err}");
        // The other test files still run.
        assert!(out.ends_with(" passed, 1 failed\n"), "{out}");
    }
}

#[test]
fn a_mistake_in_inline_facts_fails_that_test_alone_at_its_line() {
    let dir = pack_copy("inline-mistake");
    std::fs::write(
        dir.join("tests/inline.test.yaml"),
        format!(
            "- name: fine\n  facts:\n{}  expect: {{ decision: deny }}\n\
             - name: a typo\n  facts: {{ request: {{ action: unsubscribe, chanel: console }} }}\n  expect: {{ decision: deny }}\n",
            MERGED_PAYG.lines().map(|l| format!("    {l}\n")).collect::<String>()
        ),
    )
    .unwrap();
    let o = pactum(&["test", dir.to_str().unwrap()]);
    let (out, err) = (stdout(&o), stderr(&o));
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("ok   ") && out.contains("inline.test.yaml: fine"),
        "{out}"
    );
    // Every mistake of the facts, in document order, each at its place.
    let line = out
        .lines()
        .find(|l| l.contains("not decided: "))
        .unwrap_or_else(|| panic!("{out}"));
    let at = |what: &str| line.find(what).unwrap_or_else(|| panic!("{what}: {line}"));
    assert!(
        at("missing required fact `account` (at ") < at("missing required field `date` (at ")
            && at("missing required field `date` (at ")
                < at("pactum::facts::unknown_field: `request`: unknown field `chanel` (at ")
            && line.ends_with("inline.test.yaml:11:44)"),
        "{line}"
    );
    assert!(err.contains("did you mean `channel`?"), "{err}");
    assert!(out.ends_with(" passed, 1 failed\n"), "{out}");
}

#[test]
fn the_library_reads_merge_keys_as_evaluate_does() {
    let policy = pactum::Package::from_dir(PACK).check().unwrap();
    let written =
        std::fs::read_to_string(Path::new(PACK).join("examples/pay-as-you-go.yaml")).unwrap();
    let want = policy.evaluate_str(&written).unwrap().to_json();
    let facts = policy.facts_from_str(MERGED_PAYG).unwrap();
    assert_eq!(policy.evaluate(&facts).unwrap().to_json(), want);
    // A batch: each document's merges, read by the streaming reader.
    let batch = format!("{MERGED_PAYG}---\n{MERGED_PAYG}");
    let outcomes = policy.evaluate_file("batch.yaml", &batch);
    assert_eq!(outcomes.len(), 2);
    for o in outcomes {
        let pactum::Outcome::Decided(d) = o else {
            panic!("not decided: {o:?}")
        };
        assert_eq!(d.to_json(), want);
    }
}

/// A small package in a fresh directory: two denials (in rule order
/// `big`, then `huge`) and a decimal output, with `tests` as its test file.
fn small_package(name: &str, tests: Option<&str>) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pactum-tools-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("p.policy"),
        "package p\nrequests are identified by o.id\nschema o { id: string, n: int, price: decimal }\n\n\
         rule big {\n  deny BIG\n  when o.n > 10\n  message \"big\"\n  help \"smaller\"\n}\n\n\
         rule huge {\n  deny HUGE\n  when o.n > 12\n  message \"huge\"\n  help \"smaller still\"\n}\n\n\
         output total = o.price * 2\n",
    )
    .unwrap();
    if let Some(tests) = tests {
        std::fs::write(dir.join("p.test.yaml"), tests).unwrap();
    }
    dir
}

#[test]
fn test_without_tests_fails() {
    let dir = small_package("no-tests", None);
    let o = pactum(&["test", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no test found"), "{err}");
    assert!(err.contains("pactum::test::no_tests"), "{err}");
}

#[test]
fn test_filter_runs_the_matching_tests_only() {
    let tests = "- name: small even\n  facts: { o: { id: a, n: 2, price: 1 } }\n  expect: { decision: allow }\n\
                 - name: big odd\n  facts: { o: { id: b, n: 11, price: 1 } }\n  expect: { decision: allow }\n";
    let dir = small_package("filter", Some(tests));
    let d = dir.to_str().unwrap();
    let o = pactum(&["test", d, "--filter", "even"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("1 passed, 0 failed, 1 filtered out"),
        "{}",
        stdout(&o)
    );
    assert_eq!(pactum(&["test", d]).status.code(), Some(1));
    // A filter that keeps nothing is a failure, not a silent pass.
    let o = pactum(&["test", d, "--filter", "nothing"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("pactum::test::no_tests"), "{err}");
    assert!(err.contains("no test name contains `nothing`"), "{err}");
}

#[test]
fn test_coverage_threshold_fails_under_it() {
    let tests = "- name: small even\n  facts: { o: { id: a, n: 2, price: 1 } }\n  expect: { decision: allow }\n";
    let dir = small_package("threshold", Some(tests));
    let d = dir.to_str().unwrap();
    // No rule fires: 0 % of rules.
    let o = pactum(&["test", "--coverage", "--threshold", "50", d]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("under the threshold of 50%"), "{err}");
    assert!(err.contains("pactum::test::coverage"), "{err}");
    assert_eq!(
        pactum(&["test", "--coverage", "--threshold", "0", d])
            .status
            .code(),
        Some(0)
    );
    // --threshold needs --coverage; above 100 is refused.
    assert_eq!(
        pactum(&["test", "--threshold", "50", d]).status.code(),
        Some(2)
    );
    assert_eq!(
        pactum(&["test", "--coverage", "--threshold", "101", d])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn test_reasons_in_order_and_decimals_with_their_scale() {
    let facts = "{ o: { id: a, n: 13, price: \"1.50\" } }";
    let case = |name: &str, expect: &str| {
        format!("- name: {name}\n  facts: {facts}\n  expect: {expect}\n")
    };
    let tests = [
        case("in order", "{ reasons_in_order: [BIG, HUGE] }"),
        case("out of order", "{ reasons_in_order: [HUGE, BIG] }"),
        case("as a set", "{ reasons: [HUGE, BIG] }"),
        case("same scale", "{ outputs: { total: \"3.00\" } }"),
        case("other scale", "{ outputs: { total: \"3\" } }"),
        case("by value", "{ outputs: { total: 3 } }"),
    ]
    .concat();
    let dir = small_package("in-order", Some(&tests));
    let o = pactum(&["test", dir.to_str().unwrap()]);
    let out = stdout(&o);
    let verdict = |name: &str| {
        out.lines()
            .find(|l| l.ends_with(&format!(": {name}")))
            .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
            .unwrap_or_default()
    };
    for (name, want) in [
        ("in order", "ok"),
        ("out of order", "FAIL"),
        ("as a set", "ok"),
        ("same scale", "ok"),
        ("other scale", "FAIL"),
        // A decimal is compared as written, quoted with its scale: an
        // unquoted number never matches it.
        ("by value", "FAIL"),
    ] {
        assert_eq!(verdict(name), want, "{name}:\n{out}");
    }
    assert!(
        out.contains("reasons in order: expected [HUGE, BIG], got [BIG, HUGE]"),
        "{out}"
    );
    assert!(
        out.contains("outputs.total: expected \"3\", got \"3.00\""),
        "{out}"
    );
}

#[test]
fn test_names_a_code_no_rule_has_and_an_unknown_output_with_the_nearest() {
    let tests = "- name: misspelt\n  facts: { o: { id: a, n: 11, price: 1 } }\n  \
                 expect: { reasons_include: [BGI], notes: [], outputs: { totl: \"2\" } }\n";
    let dir = small_package("unknown-codes", Some(tests));
    let o = pactum(&["test", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(
            "reasons_include: no rule of the package has the code `BGI` (did you mean `BIG`?)"
        ),
        "{out}"
    );
    assert!(
        out.contains("outputs.totl: the package has no such output (did you mean `total`?)"),
        "{out}"
    );
}

#[test]
fn test_names_a_deny_code_expected_among_the_notes() {
    let tests = "- name: wrong list\n  facts: { o: { id: a, n: 11, price: 1 } }\n  \
                 expect: { notes: [BIG] }\n";
    let dir = small_package("deny-as-note", Some(tests));
    let o = pactum(&["test", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("notes: `BIG` is the code of a deny rule: expect it under `reasons`"),
        "{out}"
    );
}
