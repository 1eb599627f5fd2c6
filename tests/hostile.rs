//! Hostile input: policies and facts built to crash, hang or exhaust the
//! interpreter. Every case must end in coded diagnostics, quickly, and a
//! batch must give one outcome per document, in order.
//!
//! The crash inputs found by the fuzzers (`fuzz/`) are kept here too, each
//! in a test named after the target that found it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use pactum::{Diagnostics, Limits, Outcome, Package, Policy};

const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/unsubscription");
const EXAMPLE: &str = include_str!("../policies/unsubscription/examples/allowed-with-refund.yaml");

fn pack() -> Policy {
    Package::from_dir(PACK)
        .check()
        .expect("the shipped pack checks")
}

/// Checks `src` (with `package t` prepended) and returns the codes of its
/// diagnostics; it must finish within a few seconds.
fn codes(src: &str) -> Vec<&'static str> {
    codes_with(src, Limits::default())
}

fn codes_with(src: &str, limits: Limits) -> Vec<&'static str> {
    let start = Instant::now();
    let result =
        Package::from_sources_with_limits([("t.policy", format!("package t\n{src}"))], limits)
            .check();
    let took = start.elapsed();
    assert!(took < Duration::from_secs(20), "checking took {took:?}");
    match result {
        Ok(p) => p.warnings().iter().map(|d| d.code_id()).collect(),
        Err(d) => d.iter().map(|d| d.code_id()).collect(),
    }
}

fn has(codes: &[&str], code: &str) -> bool {
    codes.contains(&code)
}

fn first_code(d: &Diagnostics) -> &'static str {
    d.iter().next().map_or("", |d| d.code_id())
}

// ---------------------------------------------------------------------------
// Deep and long policies: no stack overflow, a coded error
// ---------------------------------------------------------------------------

/// The analysis behind the contradiction and constant-condition warnings
/// is bounded: conditions of many tests, long `in` lists and many rules
/// whose tests combine into thousands of cases check quickly; what is
/// beyond the bounds is not judged (no warning), never guessed.
#[test]
fn judging_conditions_is_bounded() {
    let bools: Vec<String> = (0..10).map(|i| format!("b{i}: bool")).collect();
    let mut src = format!("schema s {{ {}, n: int }}\n", bools.join(", "));
    // Ten values of two cases each, a number of three: 3,072 cases a rule,
    // and a contradiction to narrow down at the end of each.
    for r in 0..400 {
        let parts: Vec<String> = (0..10)
            .map(|i| format!("(s.b{i} or s.b{} or not s.b{})", (i + 1) % 10, (i + 2) % 10))
            .collect();
        src.push_str(&format!(
            "rule r{r} {{ note N{r} when {} and s.n > {r} and s.n < {r} message \"m\" }}\n",
            parts.join(" and ")
        ));
    }
    // A list of 5,000 values, and a condition of 200 tests.
    let list: Vec<String> = (0..5000).map(|i| i.to_string()).collect();
    src.push_str(&format!(
        "rule long_list {{ note LONG_LIST when s.n in [{}] and s.n == -1 message \"m\" }}\n",
        list.join(", ")
    ));
    let many: Vec<String> = (0..200).map(|i| format!("s.n != {i}")).collect();
    src.push_str(&format!(
        "rule many_tests {{ note MANY_TESTS when {} and s.n > 0 and s.n < 0 message \"m\" }}\n",
        many.join(" and ")
    ));
    let codes = codes(&src);
    assert!(has(&codes, "pactum::warn::contradiction"), "{codes:?}");
    assert!(!has(&codes, "pactum::check::type_mismatch"), "{codes:?}");
}

#[test]
fn long_operator_chains_are_refused_not_overflowed() {
    for n in [200, 5_000, 40_000] {
        let c = codes(&format!("let x = 1{}\noutput o = x", " + 1".repeat(n)));
        assert!(has(&c, "pactum::limit::depth"), "{n}: {c:?}");
    }
    // Within the limit, the chain is fine.
    let c = codes(&format!("let x = 1{}\noutput o = x", " + 1".repeat(100)));
    assert!(c.iter().all(|c| c.starts_with("pactum::warn::")), "{c:?}");
}

#[test]
fn long_prefix_and_postfix_chains_are_refused() {
    let cases = [
        format!("let x = {}true\noutput o = x", "not ".repeat(50_000)),
        format!("let x = {}1\noutput o = x", "- ".repeat(50_000)),
        format!(
            "schema a {{ a: int }}\nlet x = a{}\noutput o = x",
            ".a".repeat(50_000)
        ),
        format!(
            "schema a {{ a: optional int }}\nlet x = a.a{}\noutput o = x",
            " is present".repeat(50_000)
        ),
        format!("let x = {}1\noutput o = x", "-".repeat(50_000)),
    ];
    for src in &cases {
        let c = codes(src);
        assert!(has(&c, "pactum::limit::depth"), "{}: {c:?}", &src[..40]);
    }
}

#[test]
fn nesting_without_brackets_is_refused() {
    let cases = [
        format!(
            "let x = {}1\noutput o = x",
            "if true then 1 else ".repeat(20_000)
        ),
        format!(
            "let x = {}true\noutput o = x",
            "any y in [1] where ".repeat(20_000)
        ),
        format!("type t = {}int", "list of ".repeat(50_000)),
        format!(
            "let x = {}1{}\noutput o = x",
            "(".repeat(100_000),
            ")".repeat(100_000)
        ),
        format!(
            "let x = {}\"\"{}\noutput o = x",
            "\"{".repeat(50_000),
            "}\"".repeat(50_000)
        ),
        format!(
            "let x = {}1{}\noutput o = x",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
        format!(
            "{}rule r {{ deny X when true message \"m\" }}{}",
            "when true {\n".repeat(10_000),
            "}".repeat(10_000)
        ),
    ];
    for src in &cases {
        let c = codes(src);
        assert!(
            has(&c, "pactum::parse::syntax") || has(&c, "pactum::limit::depth"),
            "{}: {c:?}",
            &src[..40]
        );
    }
}

/// Nesting just under the limit, of every kind, is read on a small
/// thread stack without overflowing: the parser's nesting limit (not a
/// stack probe inside pest, which is built without it) is what bounds the
/// recursion, so it must leave room at the limit, in a debug build too.
#[test]
fn nesting_at_the_limit_fits_a_small_stack() {
    let n = 60;
    let cases = [
        format!("let x = {}1{}\noutput o = x", "(".repeat(n), ")".repeat(n)),
        format!("let x = {}1{}\noutput o = x", "[".repeat(n), "]".repeat(n)),
        format!(
            "let x = {}1\noutput o = x",
            "if true then 1 else ".repeat(n)
        ),
        format!(
            "let x = {}true\noutput o = x",
            (0..n)
                .map(|i| format!("any y{i} in [1] where "))
                .collect::<String>()
        ),
        format!(
            "let x = {}\"\"{}\noutput o = x",
            "\"{".repeat(n / 2),
            "}\"".repeat(n / 2)
        ),
        format!("type t = {}int", "list of ".repeat(n)),
        format!(
            "schema s {{ a: int }}\n{}rule r {{ deny X when s.a > 1 message \"m\" }}{}",
            "when true {\n".repeat(n),
            "}".repeat(n)
        ),
    ];
    for src in cases {
        let c = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || codes(&src))
            .unwrap()
            .join()
            .expect("no stack overflow at the nesting limit");
        assert!(c.iter().all(|c| c.starts_with("pactum::warn")), "{c:?}");
    }
}

#[test]
fn chains_of_computed_values_are_refused_not_overflowed() {
    let mut src = String::from("let a0 = 1\n");
    for i in 1..3000 {
        src.push_str(&format!("let a{i} = a{} + 1\n", i - 1));
    }
    src.push_str("output o = a2999\n");
    let c = codes(&src);
    assert!(has(&c, "pactum::limit::depth"), "{c:?}");
    // The same chain, 40 long, is fine.
    let mut src = String::from("let a0 = 1\n");
    for i in 1..40 {
        src.push_str(&format!("let a{i} = a{} + 1\n", i - 1));
    }
    src.push_str("output o = a39\n");
    let c = codes(&src);
    assert!(!c.iter().any(|c| c.starts_with("pactum::limit")), "{c:?}");
}

/// Named types, each a list (or record, or optional) of the next: the
/// type nests one level a declaration, past any bracket limit.
fn type_chain(n: usize, shape: &str) -> String {
    let mut src = String::from("package p\nschema r { v: t0 }\n");
    for i in 0..n {
        src.push_str(&format!(
            "type t{i} = {}\n",
            shape.replace('#', &format!("t{}", i + 1))
        ));
    }
    src.push_str(&format!("type t{n} = int\noutput o = r.v\n"));
    src
}

#[test]
fn chains_of_named_types_are_refused_not_overflowed() {
    for shape in [
        "list of #",
        "optional #",
        "{ x: # }",
        "list of { x: optional # }",
    ] {
        let c = codes(&type_chain(20_000, shape));
        assert!(has(&c, "pactum::limit::depth"), "{shape}: {c:?}");
        // Short chains are fine.
        let c = codes(&type_chain(20, shape));
        assert!(
            !c.iter().any(|c| c.starts_with("pactum::limit")),
            "{shape}: {c:?}"
        );
    }
}

/// `when` blocks nested in `when` blocks, written without indentation so
/// that every line starts with an item keyword: the nesting limit still
/// holds (it once did not, and 8,000 levels took gigabytes).
#[test]
fn nested_when_blocks_are_refused_beyond_the_nesting_limit() {
    let nested = |n: usize, indent: bool| {
        let pad = if indent { "  " } else { "" };
        format!(
            "schema r {{ a: int }}\n{}rule x {{ deny X when r.a > 1 message \"m\" help \"h\" }}\n{}",
            format!("{pad}when r.a > 0 {{\n").repeat(n),
            "}\n".repeat(n)
        )
    };
    for indent in [false, true] {
        for n in [100, 8000] {
            let start = Instant::now();
            let text = format!("package t\n{}", nested(n, indent));
            let diags = Package::from_sources([("t.policy", text)])
                .check()
                .unwrap_err();
            assert!(
                diags.iter().any(|d| d.code_id() == "pactum::parse::syntax"
                    && d.message().contains("nested")
                    && d.message().contains("at most 64")),
                "{n}: {:?}",
                diags.iter().map(|d| d.message()).collect::<Vec<_>>()
            );
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{:?}",
                start.elapsed()
            );
        }
        let c = codes(&nested(30, indent));
        assert!(c.is_empty(), "{c:?}");
    }
}

#[test]
fn many_items_parse_in_linear_time() {
    let src: String = (0..2_000)
        .map(|i| format!("let x{i} = if true then {i} else 0\n"))
        .collect();
    let start = Instant::now();
    let c = codes(&src);
    assert!(start.elapsed() < Duration::from_secs(20));
    assert!(
        c.iter().all(|c| c.starts_with("pactum::warn::")),
        "{:?}",
        &c[..3]
    );
}

#[test]
fn the_depth_limit_can_be_changed() {
    let src = format!("let x = 1{}\noutput o = x", " + 1".repeat(20));
    let tight = Limits::default().with_max_expr_depth(10);
    assert!(has(&codes_with(&src, tight), "pactum::limit::depth"));
    assert!(!has(&codes(&src), "pactum::limit::depth"));
}

#[test]
fn policy_files_over_the_size_limit_are_refused_before_parsing() {
    let src = format!("let x = 1\noutput o = x\n{}", "# padding\n".repeat(200));
    let small = Limits::default().with_max_policy_bytes(1000);
    let c = codes_with(&src, small);
    assert_eq!(c.first(), Some(&"pactum::limit::policy_size"), "{c:?}");
    assert!(!has(&codes(&src), "pactum::limit::policy_size"));
}

// ---------------------------------------------------------------------------
// Evaluation steps
// ---------------------------------------------------------------------------

const NESTED_SUMS: &str = "schema l { xs: list of int }\n\
    output total = sum a in l.xs of sum b in l.xs of sum c in l.xs of sum d in l.xs of a + b + c + d\n";

#[test]
fn evaluation_steps_are_bounded() {
    let policy = Package::from_sources([("t.policy", format!("package t\n{NESTED_SUMS}"))])
        .check()
        .unwrap();
    // 40^4 = 2,560,000 innermost sums: over the default million steps.
    let xs: Vec<String> = (0..40).map(|i| i.to_string()).collect();
    let facts = format!("l: {{ xs: [{}] }}", xs.join(", "));
    let start = Instant::now();
    let faults = policy.evaluate_str(&facts).unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(20));
    assert_eq!(first_code(&faults), "pactum::limit::steps");
    assert_eq!(faults.len(), 1, "one fault, not one per step");
    // A short list is decided.
    assert!(policy.evaluate_str("l: { xs: [1, 2, 3] }").is_ok());
}

/// Work that one step would hide is counted by the size it reads:
/// searching a list with `in`, comparing long texts, handing a long list to
/// a builtin, each inside a quantifier. Every request stops at
/// `pactum::limit::steps` in well under a second (once `in` over 1.5
/// million elements, 100,000 times, ran for minutes).
#[test]
fn searching_and_comparing_inside_quantifiers_is_bounded_by_the_step_limit() {
    let policy = |cond: &str| {
        Package::from_sources([(
            "t.policy",
            format!(
                "package t\nschema r {{ l: list of int, l2: list of int, s: string, t: string, d: date, h: list of date }}\n\
                 rule q {{ deny Q when (count a in r.l where {cond}) > 5 message \"m\" help \"h\" }}\n"
            ),
        )])
        .check()
        .unwrap()
    };
    let big = |n: usize, v: &str| vec![v; n].join(",");
    let long = "x".repeat(1_500_000);
    let facts = format!(
        "{{\"r\": {{\"l\": [{}], \"l2\": [{}], \"s\": \"{long}\", \"t\": \"{long}\", \"d\": \"2026-01-05\", \"h\": [{}]}}}}",
        big(20_000, "1"),
        big(300_000, "0"),
        big(20_000, "\"2026-01-01\"")
    );
    for cond in ["a in r.l2", "r.s == r.t", "is_business_day(r.d, r.h)"] {
        let start = Instant::now();
        let faults = policy(cond).evaluate_str(&facts).unwrap_err();
        let codes: Vec<&str> = faults.iter().map(|d| d.code_id()).collect();
        assert_eq!(codes, ["pactum::limit::steps"], "{cond}");
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{cond}: {:?}",
            start.elapsed()
        );
    }
    // The same shapes on small facts are decided as before.
    let small =
        r#"{"r": {"l": [1, 2], "l2": [2], "s": "a", "t": "a", "d": "2026-01-05", "h": []}}"#;
    for cond in ["a in r.l2", "r.s == r.t", "is_business_day(r.d, r.h)"] {
        assert!(policy(cond).evaluate_str(small).is_ok(), "{cond}");
    }
}

#[test]
fn the_step_limit_can_be_changed() {
    let limits = Limits::default().with_max_steps(50);
    let policy = Package::from_sources_with_limits(
        [("t.policy", format!("package t\n{NESTED_SUMS}"))],
        limits,
    )
    .check()
    .unwrap();
    let faults = policy.evaluate_str("l: { xs: [1, 2, 3] }").unwrap_err();
    assert_eq!(first_code(&faults), "pactum::limit::steps");
}

// ---------------------------------------------------------------------------
// Rendered text
// ---------------------------------------------------------------------------

/// `let a1 = "{a0}{a0}"`, `let a2 = "{a1}{a1}"`, …: `n` doublings of the
/// seed, read by a message.
fn doubling(n: usize) -> String {
    let mut src =
        String::from("package t\nschema s { seed: string, go: bool }\nlet a0 = \"{s.seed}\"\n");
    for i in 1..=n {
        src.push_str(&format!("let a{i} = \"{{a{p}}}{{a{p}}}\"\n", p = i - 1));
    }
    src.push_str(&format!(
        "rule big {{ deny BIG when s.go message \"{{a{n}}}\" help \"shorter\" }}\n"
    ));
    src
}

/// The fast and the reference evaluators' answers, as comparable text.
fn both(policy: &Policy, doc: &str) -> (Result<String, Vec<String>>, Result<String, Vec<String>>) {
    let facts = policy.facts_from_str(doc).unwrap();
    let fast = match policy.evaluate(&facts) {
        Ok(d) => Ok(serde_json::to_string(&d).unwrap()),
        Err(d) => {
            let mut c: Vec<String> = d.iter().map(|d| d.code_id().to_string()).collect();
            c.sort();
            c.dedup();
            Err(c)
        }
    };
    let slow = match pactum::testing::reference_evaluate(policy, &facts) {
        Ok(d) => Ok(serde_json::to_string(&d).unwrap()),
        Err(codes) => {
            let mut c: Vec<String> = codes.into_iter().map(String::from).collect();
            c.sort();
            c.dedup();
            Err(c)
        }
    };
    (fast, slow)
}

#[test]
fn doubling_texts_stop_at_the_output_limit() {
    // 40 doublings of 10 bytes would be 10 TiB of text.
    let policy = Package::from_sources([("t.policy", doubling(40))])
        .check()
        .unwrap();
    let doc = "s: { seed: \"0123456789\", go: true }";
    let start = Instant::now();
    let (fast, slow) = both(&policy, doc);
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(fast, Err(vec!["pactum::limit::output".to_string()]));
    assert_eq!(fast, slow);
    let faults = policy.evaluate_str(doc).unwrap_err();
    assert_eq!(faults.len(), 1, "one fault, not one per text");
    assert!(faults.iter().next().unwrap().help_text().is_some());
    // 16 doublings of 10 bytes (640 KiB, 1.25 MiB with the texts it is
    // built from) are over the default 1 MiB; 15 are within it.
    let over = Package::from_sources([("t.policy", doubling(16))])
        .check()
        .unwrap();
    assert_eq!(
        first_code(&over.evaluate_str(doc).unwrap_err()),
        "pactum::limit::output"
    );
    let within = Package::from_sources([("t.policy", doubling(15))])
        .check()
        .unwrap();
    let d = within.evaluate_str(doc).unwrap();
    assert_eq!(d.reasons()[0].message.len(), 10 << 15);
    let (fast, slow) = both(&within, doc);
    assert!(fast.is_ok());
    assert_eq!(fast, slow);
    // A text never rendered (the rule does not apply) costs nothing.
    assert!(policy.evaluate_str("s: { seed: x, go: false }").is_ok());
}

#[test]
fn a_message_over_a_long_list_stops_at_the_output_limit() {
    let src = "package t\nschema s { items: list of string }\n\
               rule r { note LONG when length(s.items) > 0 message \"items: {s.items}\" }";
    let limits = Limits::default().with_max_output_bytes(10_000);
    let policy = Package::from_sources_with_limits([("t.policy", src)], limits)
        .check()
        .unwrap();
    let items: Vec<String> = (0..5_000).map(|i| format!("item-{i}")).collect();
    let doc = format!("s: {{ items: [{}] }}", items.join(", "));
    let (fast, slow) = both(&policy, &doc);
    assert_eq!(fast, Err(vec!["pactum::limit::output".to_string()]));
    assert_eq!(fast, slow);
    let (fast, slow) = both(&policy, "s: { items: [a, b] }");
    assert!(fast.as_ref().unwrap().contains("items: [a, b]"), "{fast:?}");
    assert_eq!(fast, slow);
}

#[test]
fn lists_of_lists_stop_at_the_output_limit() {
    // `levels` levels of ten copies: 10^levels strings, as an output and in
    // a text.
    let source = |levels: usize, name: &str, expr: &str| {
        let mut src = String::from("package t\nschema s { x: string }\nlet l0 = [s.x]\n");
        for i in 1..=levels {
            let p = i - 1;
            src.push_str(&format!(
                "let l{i} = [{}]\n",
                vec![format!("l{p}"); 10].join(", ")
            ));
        }
        src.push_str(&format!(
            "output {name} = {}\n",
            expr.replace('N', &levels.to_string())
        ));
        src
    };
    for (name, expr) in [("out", "lN"), ("text", "\"{lN}\"")] {
        // 10^10 strings: the fast evaluator stops at the default limit.
        let policy = Package::from_sources([("t.policy", source(10, name, expr))])
            .check()
            .unwrap();
        let start = Instant::now();
        let faults = policy.evaluate_str("s: { x: abc }").unwrap_err();
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{name}: {:?}",
            start.elapsed()
        );
        assert_eq!(first_code(&faults), "pactum::limit::output", "{name}");
        // 10^5 strings (the reference recomputes every copy): both stop at
        // a tighter limit, and agree.
        let limits = Limits::default().with_max_output_bytes(100_000);
        let policy =
            Package::from_sources_with_limits([("t.policy", source(5, name, expr))], limits)
                .check()
                .unwrap();
        let (fast, slow) = both(&policy, "s: { x: abc }");
        assert_eq!(
            fast,
            Err(vec!["pactum::limit::output".to_string()]),
            "{name}"
        );
        assert_eq!(fast, slow, "{name}");
    }
}

/// Every byte of the budget, on a policy whose texts are read through
/// computed values read twice, `when` blocks and quantifiers: the fast
/// evaluator, the reference and an explanation agree on where the limit
/// falls (a computed value's and a block condition's texts count once).
#[test]
fn the_output_limit_falls_at_the_same_byte_for_every_evaluator() {
    let src = "package t
schema s { id: string, n: int, tags: list of string }
let a = \"{s.id}-{s.id}\"
let b = \"{a}/{a}\"
when \"{a}\" != \"\" or s.n > 0 {
  rule r1 { deny R1 when b != \"\" message \"{b} {s.tags}\" help \"try {a}\" }
  rule r2 { note N2 when any t in s.tags where \"{t}{a}\" == \"y{a}\" message \"n {a} {s.n}\" }
}
rule r3 { note N3 when not allowed message \"denied\" }
output o = [b, a, \"{s.n}\"]
output p = count t in s.tags where \"{t}!\" != \"x!\"
";
    let doc = "s: { id: abc, n: 4, tags: [x, y, z] }";
    let mut outcomes = Vec::new();
    for max in 0..400 {
        let limits = Limits::default().with_max_output_bytes(max);
        let policy = Package::from_sources_with_limits([("t.policy", src)], limits)
            .check()
            .unwrap();
        let (fast, slow) = both(&policy, doc);
        assert_eq!(fast, slow, "limit {max}");
        let facts = policy.facts_from_str(doc).unwrap();
        let explained = policy
            .explain(&facts)
            .map(|(d, _)| serde_json::to_string(&d).unwrap());
        assert_eq!(explained.is_ok(), fast.is_ok(), "limit {max}");
        if let Ok(e) = &explained {
            assert_eq!(Some(e), fast.as_ref().ok(), "limit {max}");
        }
        outcomes.push(fast.is_ok());
    }
    // Refused up to some size, decided from there on.
    let first_ok = outcomes
        .iter()
        .position(|ok| *ok)
        .expect("decided within 400 bytes");
    assert!(first_ok > 50, "{first_ok}");
    assert!(outcomes[first_ok..].iter().all(|ok| *ok));
}

// ---------------------------------------------------------------------------
// Facts
// ---------------------------------------------------------------------------

/// A YAML "billion laughs": nine levels of ten aliases each.
fn alias_bomb() -> String {
    let mut s = String::from("a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        let items = [prev.as_str(); 10].join(", ");
        s.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    s
}

#[test]
fn alias_bombs_are_refused_quickly() {
    let policy = pack();
    // As unknown facts at the root, and as the value of a known list field.
    let bomb = alias_bomb();
    let in_field = EXAMPLE.replace(
        "calendar:\n  holidays: [2026-04-03, 2026-01-01]",
        &format!(
            "calendar:\n  holidays: *a9\nx:\n{}",
            bomb.lines().map(|l| format!("  {l}\n")).collect::<String>()
        ),
    );
    let anchored_first = format!("{bomb}{EXAMPLE}");
    for doc in [bomb.clone(), in_field, anchored_first] {
        let start = Instant::now();
        let outcomes = policy.evaluate_file("bomb.yaml", &doc);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(outcomes.len(), 1);
        assert!(matches!(outcomes.first(), Some(Outcome::Failed { .. })));
    }
    // A bomb that the schema reads: holidays repeated a billion times.
    let holidays = format!(
        "h0: &h0 [2026-01-01, 2026-01-02, 2026-01-05, 2026-01-06, 2026-01-07, 2026-01-08, 2026-01-09, 2026-01-12, 2026-01-13, 2026-01-14]\n{}",
        (1..10)
            .map(|i| format!("h{i}: &h{i} [{}]\n", vec![format!("*h{}", i - 1); 10].join(", ")))
            .collect::<String>()
    );
    let doc = EXAMPLE.replace(
        "calendar:\n  holidays: [2026-04-03, 2026-01-01]",
        "calendar:\n  holidays: *h9\n",
    );
    // Anchors must come first: put the definitions under a comment-free key
    // the schema does not know, which fails fast too.
    let doc = format!("{holidays}{doc}");
    let start = Instant::now();
    let outcomes = policy.evaluate_file("bomb.yaml", &doc);
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(outcomes.len(), 1);
}

/// A document with a great many mistakes reports the first
/// `Limits::max_facts_errors` of them and counts the others, in time
/// linear in the document: an error past the first ones is neither
/// located nor even made (serde_json works out an error's line from the
/// start of the document).
#[test]
fn a_document_with_a_great_many_mistakes_is_read_in_linear_time() {
    let policy = Package::from_sources([(
        "a.policy",
        "package a\nschema o { days: list of date, lines: list of { n: int } }",
    )])
    .check()
    .unwrap();
    let n = 100_000;
    let json = format!(
        r#"{{"o": {{"days": [{}], "lines": [{}]}}}}"#,
        vec!["\"x\""; n].join(","),
        vec!["{}"; n].join(",")
    );
    let yaml = format!(
        "o:\n  days: [{}]\n  lines:\n{}",
        vec!["x"; n].join(", "),
        "  - {}\n".repeat(n)
    );
    for doc in [json, yaml] {
        let start = Instant::now();
        let errors = policy.facts_from_str(&doc).unwrap_err();
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(errors.len(), 20);
        let paths: Vec<&str> = errors.iter().filter_map(|e| e.facts_path()).collect();
        assert_eq!(paths.first(), Some(&"o.days[0]"));
        assert_eq!(paths.last(), Some(&"o.days[19]"));
        let last = errors.iter().last().unwrap().to_json();
        assert_eq!(
            last["notes"][0].as_str().unwrap(),
            "199980 more errors in this document are not shown: only the first 20 are (`--max-facts-errors` shows more)"
        );
    }
}

/// Mistakes that stop a YAML reading (a mapping that lacks a field) make
/// the document be read again past them, a bounded number of times: the
/// errors found in that budget, and a note that the document was not read
/// to its end.
#[test]
fn rereading_past_yaml_mistakes_is_bounded() {
    let policy = Package::from_sources([(
        "a.policy",
        "package a\nschema o { lines: list of { n: int } }",
    )])
    .check()
    .unwrap();
    // About 2 MiB, each element lacking `n`: read again a few times.
    let doc = format!("o:\n  lines:\n{}", "  - {}\n".repeat(300_000));
    let start = Instant::now();
    let errors = policy.facts_from_str(&doc).unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
    let paths: Vec<&str> = errors.iter().filter_map(|e| e.facts_path()).collect();
    assert!(paths.len() > 1 && paths.len() < 20, "{paths:?}");
    assert_eq!(paths[..2], ["o.lines[0].n", "o.lines[1].n"]);
    let last = errors.iter().last().unwrap().to_json();
    assert!(
        last["notes"][0]
            .as_str()
            .unwrap()
            .starts_with("this document was not read to its end"),
        "{last}"
    );
    // A small document is read again for each, up to the most shown.
    let doc = format!("o:\n  lines:\n{}", "  - {}\n".repeat(25));
    let errors = policy.facts_from_str(&doc).unwrap_err();
    assert_eq!(errors.len(), 20);
    let last = errors.iter().last().unwrap().to_json();
    assert_eq!(
        last["notes"][0].as_str().unwrap(),
        "5 more errors in this document are not shown: only the first 20 are (`--max-facts-errors` shows more)"
    );
}

#[test]
fn facts_documents_over_the_size_limit_are_refused_alone() {
    let limits = Limits::default().with_max_facts_bytes(2000);
    let policy = Package::from_dir_with_limits(PACK, limits).check().unwrap();
    let big = format!("{EXAMPLE}\n{}", "# padding\n".repeat(300));
    let batch = format!("{EXAMPLE}\n---\n{big}\n---\n{EXAMPLE}");
    let outcomes = policy.evaluate_file("batch.yaml", &batch);
    assert_eq!(outcomes.len(), 3);
    assert!(matches!(outcomes.first(), Some(Outcome::Decided(_))));
    match outcomes.get(1) {
        Some(Outcome::Failed { diagnostics, .. }) => {
            assert_eq!(first_code(diagnostics), "pactum::limit::facts_size")
        }
        _ => panic!("the large document must fail"),
    }
    assert!(matches!(outcomes.get(2), Some(Outcome::Decided(_))));
}

#[test]
fn facts_depth_is_bounded() {
    let src = "package t\nschema a { b: list of list of list of list of list of int }\noutput o = length(a.b)";
    let limits = Limits::default().with_max_facts_depth(3);
    let policy = Package::from_sources_with_limits([("t.policy", src)], limits)
        .check()
        .unwrap();
    let faults = policy.evaluate_str("a: { b: [[[[[1]]]]] }").unwrap_err();
    assert_eq!(first_code(&faults), "pactum::limit::facts_depth");
    assert!(policy.evaluate_str("a: { b: [[]] }").is_ok());
    // Deep JSON and YAML for a shallow schema: the parsers' own limits.
    let policy = pack();
    for doc in [
        format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000)),
        format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000)),
        format!("{}1", "- ".repeat(100_000)),
        "a:\n".to_string()
            + &(1..5000)
                .map(|i| format!("{}a:\n", " ".repeat(i)))
                .collect::<String>(),
    ] {
        for name in ["deep.json", "deep.yaml"] {
            let outcomes = policy.evaluate_file(name, &doc);
            assert_eq!(outcomes.len(), 1, "{name}");
        }
    }
}

#[test]
fn huge_numbers_in_facts_are_refused_with_codes() {
    let policy = pack();
    for (from, to) in [
        ("amount: \"1200.00\"", "amount: 1e999999999999"),
        (
            "amount: \"1200.00\"",
            "amount: 99999999999999999999999999999999999999",
        ),
        (
            "amount: \"1200.00\"",
            "amount: 0.00000000000000000000000000000000001",
        ),
        ("unpaid_orders: 0", "unpaid_orders: 99999999999999999999999"),
        ("unpaid_orders: 0", "unpaid_orders: -9223372036854775809"),
        ("date: 2026-03-02", "date: 99999-03-02"),
    ] {
        assert!(EXAMPLE.contains(from), "{from}");
        let doc = EXAMPLE.replace(from, to);
        let faults = policy.evaluate_str(&doc).unwrap_err();
        assert!(first_code(&faults).starts_with("pactum::facts::"), "{to}");
    }
    // Extreme but valid values: decided, or an evaluation fault.
    for (from, to) in [
        ("unpaid_orders: 0", "unpaid_orders: 9223372036854775807"),
        (
            "limit: 5, used: 2",
            "limit: -9223372036854775808, used: 9223372036854775807",
        ),
        (
            "amount: \"1200.00\"",
            "amount: 79228162514264337593543950335",
        ),
        (
            "consumed_amount: \"300.00\"",
            "consumed_amount: -79228162514264337593543950335",
        ),
        ("date: 2026-03-02", "date: 9999-12-31"),
        ("date: 2026-03-02", "date: 0000-01-01"),
    ] {
        let doc = EXAMPLE.replace(from, to);
        if let Err(faults) = policy.evaluate_str(&doc) {
            assert!(
                first_code(&faults).starts_with("pactum::eval::"),
                "{to}: {}",
                first_code(&faults)
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Batches lose nothing
// ---------------------------------------------------------------------------

fn one_line(doc: &str) -> String {
    let v: serde_json::Value = serde_yaml::from_str(doc).unwrap();
    serde_json::to_string(&v).unwrap()
}

fn record(o: &Outcome) -> String {
    match o {
        Outcome::Decided(d) => serde_json::to_string(d).unwrap(),
        Outcome::Failed { id, diagnostics } => format!(
            "{}: {}",
            id,
            diagnostics
                .iter()
                .map(|d| d.code_id())
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

#[test]
fn a_bad_document_in_a_batch_of_thousands_fails_alone() {
    let policy = pack();
    let line = one_line(EXAMPLE);
    let bad = [
        "{\"request\": ",                                    // truncated
        "\u{1}\u{2}garbage\u{7f}",                           // random bytes
        "[1, 2, 3]",                                         // not a mapping
        "{\"request\": {\"action\": \"nope\"}}",             // invalid
        "{}",                                                // empty
        "{\"a\": [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]}", // deep, unknown
    ];
    let n = 3000;
    let mut lines = Vec::with_capacity(n);
    for i in 0..n {
        let l = if i % 500 == 250 {
            bad[(i / 500) % bad.len()].to_string()
        } else {
            line.replace("i-bp1allowed", &format!("i-{i}"))
        };
        lines.push(l);
    }
    let text = lines.join("\n") + "\n";
    let outcomes = policy.evaluate_file("batch.jsonl", &text);
    assert_eq!(outcomes.len(), n, "one outcome per document");
    for (i, o) in outcomes.iter().enumerate() {
        match o {
            Outcome::Decided(d) => {
                assert_ne!(i % 500, 250, "document {i} is bad");
                assert_eq!(d.id().to_string(), format!("i-{i}"), "in order");
            }
            Outcome::Failed { .. } => assert_eq!(i % 500, 250, "document {i} is good"),
        }
    }
}

/// How many documents `text` holds, as the streaming batch reader cuts it
/// (one for a text without any).
fn documents(name: &str, text: &str) -> usize {
    pactum::batch::Chunks::new(text.as_bytes(), name, 1)
        .map(|chunk| chunk.map_or(0, |c| c.docs()))
        .sum()
}

#[test]
fn truncations_of_a_batch_never_lose_a_document() {
    let policy = pack();
    let yaml = std::fs::read_to_string(format!("{PACK}/examples/batch.yaml")).unwrap();
    let jsonl = std::fs::read_to_string(format!("{PACK}/examples/batch.jsonl")).unwrap();
    for (name, text) in [("b.yaml", &yaml), ("b.jsonl", &jsonl)] {
        let mut cut = 0;
        while cut <= text.len() {
            if text.is_char_boundary(cut) {
                let part = &text[..cut];
                let docs = documents(name, part);
                let outcomes = policy.evaluate_file(name, part);
                assert_eq!(outcomes.len(), docs, "{name} cut at {cut}");
            }
            cut += 7;
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let policy = pack();
    // A small deterministic generator: no dependency, same bytes every run.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet = b"{}[]:,-\"' \n\t#&*!|>?%@`abc019.eE+_\\\x00\xff";
    for round in 0..300 {
        let len = (next() % 400) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        let text = String::from_utf8_lossy(&bytes);
        for name in ["r.yaml", "r.json", "r.jsonl", "-"] {
            let docs = documents(name, &text);
            let outcomes = policy.evaluate_file(name, &text);
            assert_eq!(outcomes.len(), docs, "round {round} {name}");
        }
        // And as a policy.
        let _ = Package::from_sources([("r.policy", text.to_string())]).check();
    }
}

// ---------------------------------------------------------------------------
// Determinism
// ---------------------------------------------------------------------------

#[test]
fn the_same_batch_gives_byte_identical_results() {
    let yaml = std::fs::read_to_string(format!("{PACK}/examples/batch.yaml")).unwrap();
    let run = || {
        let policy = pack();
        policy
            .evaluate_file("batch.yaml", &yaml)
            .iter()
            .map(record)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let first = run();
    for _ in 0..3 {
        assert_eq!(run(), first);
    }
    // From several threads at once, the same bytes.
    let policy = pack();
    let outs: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    policy
                        .evaluate_file("batch.yaml", &yaml)
                        .iter()
                        .map(record)
                        .collect::<Vec<_>>()
                        .join("\n")
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for o in outs {
        assert_eq!(o, first);
    }
}

// ---------------------------------------------------------------------------
// Crash inputs found by the fuzzers
// ---------------------------------------------------------------------------
//
// None yet: parse_check, facts and evaluate ran 12 minutes each (see
// docs/security.md) without a crash. Add each future crash input here as a
// test named after the target that found it.

// ---------------------------------------------------------------------------
// The binary: one record per document, exit code, determinism
// ---------------------------------------------------------------------------

/// Runs `pactum evaluate --format json` on `facts` (written to a file named
/// `name`) with extra arguments; stdout lines and the exit code.
fn evaluate_cli(name: &str, facts: &[u8], args: &[&str]) -> (Vec<String>, i32) {
    let dir = std::env::temp_dir().join(format!(
        "pactum-hostile-{}-{}",
        std::process::id(),
        name.replace('.', "-")
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, facts).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pactum"))
        .args(["evaluate", "--policy", PACK, "--format", "json", "--facts"])
        .arg(&path)
        .args(args)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    (
        stdout.lines().map(str::to_string).collect(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn invalid_utf8_fails_only_its_own_document() {
    let line = one_line(EXAMPLE);
    let mut jsonl = Vec::new();
    for i in 0..5 {
        if i == 2 {
            jsonl.extend_from_slice(b"{\"request\": \"\xff\xfe\"}\n");
        } else {
            jsonl.extend_from_slice(line.replace("i-bp1allowed", &format!("i-{i}")).as_bytes());
            jsonl.push(b'\n');
        }
    }
    let (records, code) = evaluate_cli("utf8.jsonl", &jsonl, &[]);
    assert_eq!(records.len(), 5, "{records:#?}");
    assert_eq!(code, 1, "an error record makes the exit code 1");
    for (i, r) in records.iter().enumerate() {
        let v: serde_json::Value = serde_json::from_str(r).unwrap();
        if i == 2 {
            assert_eq!(v["error"]["code"], "pactum::facts::syntax", "{r}");
            assert_eq!(v["error"]["line"], 3, "{r}");
        } else {
            assert_eq!(v["id"], format!("i-{i}"), "{r}");
        }
    }
    // YAML: the same, document by document.
    let mut yaml = EXAMPLE.as_bytes().to_vec();
    yaml.extend_from_slice(b"---\nrequest: \xc3\x28\n---\n");
    yaml.extend_from_slice(EXAMPLE.as_bytes());
    let (records, code) = evaluate_cli("utf8.yaml", &yaml, &[]);
    assert_eq!(records.len(), 3, "{records:#?}");
    assert_eq!(code, 1);
    assert!(
        records[1].contains("pactum::facts::syntax"),
        "{}",
        records[1]
    );
    // All good: exit code 0.
    let (records, code) = evaluate_cli("good.yaml", EXAMPLE.as_bytes(), &[]);
    assert_eq!((records.len(), code), (1, 0));
}

#[test]
fn the_binary_gives_one_record_per_document_in_order_and_the_same_bytes_for_any_jobs() {
    let line = one_line(EXAMPLE);
    let n = 2000;
    let mut text = String::new();
    for i in 0..n {
        if i % 400 == 7 {
            text.push_str("{\"request\": [1, 2\n"); // truncated
        } else {
            text.push_str(&line.replace("i-bp1allowed", &format!("i-{i}")));
            text.push('\n');
        }
    }
    let (one, code) = evaluate_cli("many.jsonl", text.as_bytes(), &["--jobs", "1"]);
    assert_eq!(one.len(), n);
    assert_eq!(code, 1);
    for (i, r) in one.iter().enumerate() {
        if i % 400 == 7 {
            assert!(r.contains("\"error\""), "{i}: {r}");
        } else {
            assert!(r.starts_with(&format!("{{\"id\":\"i-{i}\"")), "{i}: {r}");
        }
    }
    let (four, _) = evaluate_cli("many.jsonl", text.as_bytes(), &["--jobs", "4"]);
    assert_eq!(one, four, "byte-identical across thread counts");
    let (again, _) = evaluate_cli("many.jsonl", text.as_bytes(), &["--jobs", "3"]);
    assert_eq!(one, again);
}

#[test]
fn limits_are_flags_of_the_binary() {
    let (records, code) = evaluate_cli(
        "small.yaml",
        EXAMPLE.as_bytes(),
        &["--max-facts-bytes", "100"],
    );
    assert_eq!(code, 1);
    assert!(
        records[0].contains("pactum::limit::facts_size"),
        "{}",
        records[0]
    );
    let (records, code) = evaluate_cli("steps.yaml", EXAMPLE.as_bytes(), &["--max-steps", "5"]);
    assert_eq!(code, 1);
    assert!(
        records[0].contains("pactum::limit::steps"),
        "{}",
        records[0]
    );
    let (records, code) = evaluate_cli(
        "output.yaml",
        EXAMPLE.as_bytes(),
        &["--max-output-bytes", "10"],
    );
    assert_eq!(code, 1);
    assert!(
        records[0].contains("pactum::limit::output"),
        "{}",
        records[0]
    );
    let (records, code) = evaluate_cli(
        "enough.yaml",
        EXAMPLE.as_bytes(),
        &["--max-output-bytes", "100000"],
    );
    assert_eq!(code, 0, "{records:?}");
}

// ---------------------------------------------------------------------------
// Reading bounded by the limits, streams, empty documents
// ---------------------------------------------------------------------------

/// A reader of `head`, then `len` bytes of `fill` generated as they are
/// read (never held), then `tail`; it counts the largest read asked.
struct Generated {
    head: Vec<u8>,
    fill: u8,
    len: usize,
    tail: Vec<u8>,
    at: usize,
}

impl std::io::Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let total = self.head.len() + self.len + self.tail.len();
        let mut n = 0;
        while n < buf.len() && self.at < total {
            let b = if self.at < self.head.len() {
                self.head[self.at]
            } else if self.at < self.head.len() + self.len {
                self.fill
            } else {
                self.tail[self.at - self.head.len() - self.len]
            };
            buf[n] = b;
            n += 1;
            self.at += 1;
        }
        Ok(n)
    }
}

#[test]
fn an_oversized_line_is_skipped_unbuffered_and_later_lines_keep_their_numbers() {
    let limits = Limits::default().with_max_facts_bytes(4096);
    let policy = Package::from_dir_with_limits(PACK, limits).check().unwrap();
    let good = one_line(EXAMPLE);
    // 64 MiB in one line, between good lines; the line after it is broken.
    let input = Generated {
        head: format!("{good}\n{{\"request\": \"").into_bytes(),
        fill: b'x',
        len: 64 << 20,
        tail: format!("\"}}\n{good}\n{{\"request\": [\n\n{good}\n").into_bytes(),
        at: 0,
    };
    let start = Instant::now();
    let mut chunks = pactum::batch::Chunks::new(input, "big.jsonl", 1024).max_doc_bytes(4096);
    let mut kept = 0usize;
    for c in chunks.by_ref() {
        kept = kept.max(c.unwrap().text().len());
    }
    // Nothing near the line's size was ever held.
    assert!(kept <= 8192, "a chunk of {kept} bytes");
    let input = Generated {
        head: format!("{good}\n{{\"request\": \"").into_bytes(),
        fill: b'x',
        len: 64 << 20,
        tail: format!("\"}}\n{good}\n{{\"request\": [\n\n{good}\n").into_bytes(),
        at: 0,
    };
    let mut got = Vec::new();
    pactum::batch::Batch::new(&policy, "big.jsonl")
        .jobs(2)
        .run(
            input,
            |_, o| match o {
                Outcome::Decided(_) => ("decided".to_string(), None, 0),
                Outcome::Failed { diagnostics, .. } => {
                    let d = diagnostics.iter().next().unwrap();
                    // A short window of the text, never the line.
                    let json = d.to_json().to_string();
                    (d.code_id().to_string(), d.line_col(), json.len())
                }
            },
            |r| {
                got.push(r);
                Ok(())
            },
        )
        .unwrap();
    assert!(start.elapsed() < Duration::from_secs(60));
    let codes: Vec<&str> = got.iter().map(|(c, _, _)| c.as_str()).collect();
    assert_eq!(
        codes,
        [
            "decided",
            "pactum::limit::facts_size",
            "decided",
            // `{"request": [`: a list for a record, but first a line cut
            // short (reading stops at the syntax error).
            "pactum::facts::syntax",
            "decided"
        ]
    );
    assert_eq!(got[1].1, Some((2, 1)));
    assert_eq!(got[3].1.map(|(l, _)| l), Some(4));
    assert!(got.iter().all(|(_, _, len)| *len < 2000), "{got:?}");
}

#[test]
fn an_oversized_yaml_document_or_json_file_is_skipped_to_its_end() {
    let limits = Limits::default().with_max_facts_bytes(2000);
    let policy = Package::from_dir_with_limits(PACK, limits).check().unwrap();
    // A YAML document of 8 MiB in one plain scalar over many lines.
    let padding = "  xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n".repeat(8 << 20 >> 6);
    let batch = format!("{EXAMPLE}---\nrequest: >\n{padding}---\nrequest: [\n---\n{EXAMPLE}");
    let lines_before_last = batch[..batch.rfind("---").unwrap()].matches('\n').count();
    let mut got = Vec::new();
    pactum::batch::Batch::new(&policy, "b.yaml")
        .jobs(1)
        .chunk_bytes(512)
        .run(
            batch.as_bytes(),
            |_, o| record(&o),
            |r| {
                got.push(r);
                Ok(())
            },
        )
        .unwrap();
    assert_eq!(got.len(), 4, "{got:?}");
    assert!(got[1].ends_with("pactum::limit::facts_size"), "{got:?}");
    // `request: [` never closed: the syntax error (the list where a record
    // belongs, on its line, is part of it).
    assert!(got[2].ends_with("pactum::facts::syntax"), "{got:?}");
    assert!(!got[3].contains("pactum::"), "{got:?}");
    // Line numbers after the skipped document are those of the file.
    let outcomes = policy.evaluate_path({
        let p = std::env::temp_dir().join(format!("pactum-big-{}.yaml", std::process::id()));
        std::fs::write(&p, &batch).unwrap();
        p
    });
    assert_eq!(outcomes.len(), 4);
    if let Some(Outcome::Failed { diagnostics, .. }) = outcomes.get(2) {
        let (line, _) = diagnostics.iter().next().unwrap().line_col().unwrap();
        assert!(
            line > lines_before_last - 3 && line <= lines_before_last,
            "{line}"
        );
    } else {
        panic!("the broken document must fail");
    }
    // A single JSON document: the whole file.
    let (lines, code) = evaluate_cli(
        "one.json",
        format!("{{\"request\": \"{}\"}}", "x".repeat(1 << 20)).as_bytes(),
        &["--max-facts-bytes", "1000"],
    );
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("pactum::limit::facts_size"), "{lines:?}");
}

#[test]
fn an_endless_line_gives_its_record_at_once() {
    // `/dev/zero` is one line that never ends: the record comes out as soon
    // as it is known too large, and memory stays bounded while the rest is
    // skipped (the run is then stopped here).
    if !std::path::Path::new("/dev/zero").exists() {
        return;
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pactum"))
        .args([
            "evaluate",
            "--policy",
            PACK,
            "--format",
            "json",
            "--facts",
            "/dev/zero",
        ])
        .args(["--max-facts-bytes", "100000"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(Duration::from_secs(30));
    child.kill().ok();
    child.wait().ok();
    let line = line.expect("no record within 30 s");
    assert!(line.contains("pactum::limit::facts_size"), "{line}");
}

/// `pactum evaluate --facts -` on the shipped pack with `--jobs jobs`, on a
/// live pipe: the child, its standard input, and its output lines as they
/// come.
fn live_evaluate(
    jobs: &str,
) -> (
    std::process::Child,
    std::process::ChildStdin,
    std::sync::mpsc::Receiver<String>,
) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pactum"))
        .args([
            "evaluate", "--policy", PACK, "--format", "json", "--facts", "-",
        ])
        .args(["--jobs", jobs])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    (child, stdin, rx)
}

#[test]
fn a_line_on_standard_input_is_answered_before_the_next_arrives() {
    use std::io::Write;
    let good = one_line(EXAMPLE);
    for jobs in ["1", "2"] {
        let (mut child, mut stdin, rx) = live_evaluate(jobs);
        let wait = Duration::from_secs(20);
        writeln!(stdin, "{good}").unwrap();
        stdin.flush().unwrap();
        let first = rx.recv_timeout(wait);
        if first.is_err() {
            child.kill().ok();
        }
        let first = first.expect("no answer to the first line while stdin is open");
        assert!(first.contains("\"decision\""), "{first}");
        writeln!(stdin, "{{\"request\": [").unwrap();
        stdin.flush().unwrap();
        let second = rx.recv_timeout(wait);
        if second.is_err() {
            child.kill().ok();
        }
        let second = second.expect("no answer to the second line");
        assert!(second.contains("pactum::facts::syntax"), "{second}");
        writeln!(stdin, "{good}").unwrap();
        drop(stdin);
        let third = rx.recv_timeout(wait).expect("no answer to the last line");
        assert_eq!(third, first);
        assert_eq!(child.wait().unwrap().code(), Some(1));
    }
}

#[test]
fn a_yaml_document_on_standard_input_is_answered_at_its_separator() {
    use std::io::Write;
    let doc = EXAMPLE.trim_end();
    // The document is complete at its `---` or `...` line; the next one
    // comes only after its answer.
    for jobs in ["1", "2"] {
        for end in ["---", "...", "...\n---"] {
            let (mut child, mut stdin, rx) = live_evaluate(jobs);
            let wait = Duration::from_secs(20);
            write!(stdin, "{doc}\n{end}\n").unwrap();
            stdin.flush().unwrap();
            let first = rx.recv_timeout(wait);
            if first.is_err() {
                child.kill().ok();
            }
            let first = first.unwrap_or_else(|_| {
                panic!(
                    "--jobs {jobs}, `{end}`: no answer to the first document while stdin is open"
                )
            });
            assert!(first.contains("\"decision\":\"allow\""), "{first}");
            writeln!(stdin, "{doc}").unwrap();
            drop(stdin);
            let second = rx.recv_timeout(wait);
            if second.is_err() {
                child.kill().ok();
            }
            let second = second.expect("no answer to the last document");
            assert_eq!(second, first, "--jobs {jobs}, `{end}`");
            assert!(
                rx.recv_timeout(wait).is_err(),
                "--jobs {jobs}, `{end}`: one answer too many"
            );
            assert_eq!(child.wait().unwrap().code(), Some(0));
        }
    }
}

const STAMPS: &str = "package stamps
requests are identified by order.id
schema order {
  id: string
  at: datetime
  text: optional string
}

rule late {
  deny LATE
  message \"late\"
  help \"be early\"
  when order.at >= datetime(\"2026-01-01T00:00:00.000000001Z\")
}

rule computed {
  deny BEFORE
  message \"before\"
  help \"later\"
  when order.text is present and datetime(order.text) > order.at
}
";

/// `allow`, `deny`, or the codes of a failed outcome.
fn verdict(o: &Outcome) -> String {
    match o {
        Outcome::Decided(d) => {
            let json = serde_json::to_string(d).unwrap();
            if json.contains("\"decision\":\"deny\"") {
                "deny".into()
            } else {
                "allow".into()
            }
        }
        Outcome::Failed { diagnostics, .. } => diagnostics
            .iter()
            .map(|d| d.code_id())
            .collect::<Vec<_>>()
            .join(","),
    }
}

#[test]
fn datetimes_finer_than_nanoseconds_are_refused_by_every_reader() {
    let policy = Package::from_sources([("stamps.policy", STAMPS)])
        .check()
        .unwrap();
    // `2026-01-01T00:00:00` and a fraction of `digits` digits ending in 1:
    // 0 to 9 digits are read exactly (1 ns or more is late), 10 or more
    // would be cut to nanoseconds, and are refused.
    let at = |digits: usize| match digits {
        0 => "2026-01-01T00:00:00Z".to_string(),
        n => format!("2026-01-01T00:00:00.{}1Z", "0".repeat(n - 1)),
    };
    let want: Vec<&str> = (0..=12)
        .map(|n| match n {
            0 => "allow",
            1..=9 => "deny",
            _ => "pactum::facts::inexact_number",
        })
        .collect();
    let yaml: Vec<String> = (0..=12)
        .map(|n| format!("order:\n  id: d{n}\n  at: {}\n", at(n)))
        .collect();
    let json: Vec<String> = (0..=12)
        .map(|n| format!("{{\"order\": {{\"id\": \"d{n}\", \"at\": \"{}\"}}}}", at(n)))
        .collect();
    let files = [("t.yaml", yaml.join("---\n")), ("t.jsonl", json.join("\n"))];
    let dir = std::env::temp_dir().join(format!("pactum-stamps-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("stamps.policy"), STAMPS).unwrap();
    for (name, text) in &files {
        // The whole-text reader, and the streamed batch on one and two
        // threads.
        let whole: Vec<String> = policy
            .evaluate_file(name, text)
            .iter()
            .map(verdict)
            .collect();
        assert_eq!(whole, want, "{name}");
        for jobs in [1, 2] {
            let mut got = Vec::new();
            pactum::batch::Batch::new(&policy, *name)
                .jobs(jobs)
                .chunk_bytes(1)
                .run(
                    text.as_bytes(),
                    |_, o| verdict(&o),
                    |r| {
                        got.push(r);
                        Ok(())
                    },
                )
                .unwrap();
            assert_eq!(got, want, "{name}, {jobs} jobs");
        }
        // The binary.
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pactum"))
            .args(["evaluate", "--policy"])
            .arg(&dir)
            .args(["--format", "json", "--facts"])
            .arg(&path)
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), want.len(), "{name}: {stdout}");
        for (line, want) in lines.iter().zip(&want) {
            assert!(line.contains(want), "{name}: {line} is not {want}");
        }
        assert_eq!(out.status.code(), Some(1), "{name}");
    }
    // One JSON document a file: the fast path, then the serde path.
    for (n, doc) in json.iter().enumerate() {
        let got: Vec<String> = policy
            .evaluate_file("t.json", doc)
            .iter()
            .map(verdict)
            .collect();
        assert_eq!(got, [want[n]], "{doc}");
    }
    std::fs::remove_dir_all(&dir).ok();
    // `datetime(…)` in a policy: a literal is refused when the package is
    // checked, a computed text when the request is decided.
    for n in 0..=12 {
        let src = STAMPS.replace("2026-01-01T00:00:00.000000001Z", &at(n));
        let checked = Package::from_sources([("stamps.policy", src)]).check();
        match checked {
            Ok(_) => assert!(n <= 9, "{}", at(n)),
            Err(d) => {
                assert!(n >= 10, "{}: {}", at(n), first_code(&d));
                assert_eq!(first_code(&d), "pactum::parse::bad_literal");
            }
        }
        let facts = format!(
            "order:\n  id: a\n  at: 2026-01-01T00:00:00.000000001Z\n  text: \"{}\"\n",
            at(n)
        );
        let got: Vec<String> = policy
            .evaluate_file("t.yaml", &facts)
            .iter()
            .map(verdict)
            .collect();
        // `at` is 1 ns: `late` denies whenever the text is read.
        let want = if n <= 9 {
            "deny"
        } else {
            "pactum::eval::invalid_value"
        };
        assert_eq!(got, [want], "{}", at(n));
    }
}

/// The codes of every outcome of `text` (named `name`), by each way of
/// reading a facts file: the library's whole-text reader, the streamed
/// batch (one and two threads, tiny chunks), the explain/diff reader, and
/// the binary; all must agree.
fn every_reader(name: &str, text: &str) -> Vec<String> {
    let policy = pack();
    let whole: Vec<String> = policy
        .evaluate_file(name, text)
        .iter()
        .map(record)
        .collect();
    for jobs in [1, 2] {
        let mut got = Vec::new();
        pactum::batch::Batch::new(&policy, name)
            .jobs(jobs)
            .chunk_bytes(1)
            .run(
                text.as_bytes(),
                |_, o| record(&o),
                |r| {
                    got.push(r);
                    Ok(())
                },
            )
            .unwrap();
        assert_eq!(got, whole, "batch, {jobs} jobs: {text:?}");
    }
    let docs: Vec<String> = policy
        .facts_documents(name, text)
        .iter()
        .map(|r| match r {
            Ok(f) => record(&match policy.evaluate(f) {
                Ok(d) => Outcome::Decided(d),
                Err(diagnostics) => Outcome::Failed {
                    id: pactum::Value::Absent,
                    diagnostics,
                },
            }),
            Err(ds) => format!("none: {}", ds.first().map_or("", |d| d.code_id())),
        })
        .collect();
    assert_eq!(docs.len(), whole.len(), "facts_documents: {text:?}");
    let (lines, code) = evaluate_cli(name, text.as_bytes(), &[]);
    assert_eq!(lines.len(), whole.len(), "binary: {text:?}: {lines:?}");
    let failed = whole.iter().any(|r| r.contains("pactum::"));
    assert_eq!(code, i32::from(failed), "{text:?}");
    // `evaluate --explain`: one decision or one NOT DECIDED a document.
    let (lines, code) = evaluate_cli(name, text.as_bytes(), &["--explain"]);
    let records = lines
        .iter()
        .filter(|l| l.starts_with("{\"id\"") || l.contains("NOT DECIDED"))
        .count();
    assert_eq!(records, whole.len(), "explain: {text:?}: {lines:?}");
    assert_eq!(code, i32::from(failed), "explain: {text:?}");
    // `diff` counts the same documents.
    let dir = std::env::temp_dir().join(format!("pactum-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pactum"))
        .args(["diff", "--policy", PACK, "--policy", PACK, "--facts"])
        .arg(&path)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let failures = whole.iter().filter(|r| r.contains("pactum::")).count();
    assert!(
        stdout.contains(&format!(
            "0 of {} requests changed, {failures} not decided",
            whole.len()
        )),
        "diff: {text:?}: {stdout}"
    );
    whole
}

#[test]
fn every_document_is_counted_empty_ones_too() {
    let empty = "none: pactum::facts::empty";
    let good = EXAMPLE.trim_end();
    for (name, text, want) in [
        ("e.yaml", "", vec![empty]),
        ("e.jsonl", "", vec![empty]),
        ("e.json", "", vec![empty]),
        ("e.yaml", "# only a comment\n", vec![empty]),
        ("e.jsonl", "\n  \n\t\n", vec![empty]),
        ("e.yaml", "---\n---\n", vec![empty, empty]),
        ("e.yaml", "---\n# a comment\n...\n", vec![empty]),
    ] {
        let got = every_reader(name, text);
        assert_eq!(got, want, "{name} {text:?}");
    }
    // A trailing `---` opens an empty document; a `...` ends the last one.
    let got = every_reader("t.yaml", &format!("{good}\n---\n"));
    assert_eq!(got.len(), 2);
    assert_eq!(got[1], empty);
    assert_eq!(
        every_reader("t.yaml", &format!("{good}\n...\n# end\n")).len(),
        1
    );
    let got = every_reader("t.yaml", &format!("{good}\n---\n---\n{good}\n"));
    assert_eq!(got.len(), 3);
    assert_eq!(got[1], empty);
    assert_eq!(got[0], got[2]);
    // Blank lines (and lines of only spaces) between JSON Lines are
    // separators, not documents.
    let line = one_line(EXAMPLE);
    let got = every_reader("t.jsonl", &format!("\n{line}\n\n   \n{line}\n\n"));
    assert_eq!(got.len(), 2);
    // The library's one-document readers agree.
    let policy = pack();
    for text in ["", "  \n", "# c\n", "---\n"] {
        let e = policy.evaluate_str(text).unwrap_err();
        assert_eq!(first_code(&e), "pactum::facts::empty", "{text:?}");
    }
}

#[test]
fn diagnostics_show_only_an_excerpt_of_a_huge_value() {
    let policy = Package::from_sources([(
        "t.policy",
        "package t\nschema s { text: string, n: int }\noutput d = date(s.text)\noutput m = s.n",
    )])
    .check()
    .unwrap();
    let big = "x".repeat(1 << 20);
    // A fault while deciding that shows the value.
    let e = policy
        .evaluate_str(&format!("s: {{ text: \"{big}\", n: 1 }}"))
        .unwrap_err();
    let d = e.iter().next().unwrap();
    assert_eq!(d.code_id(), "pactum::eval::invalid_value");
    assert!(d.message().len() < 1000, "{}", d.message().len());
    assert!(d.to_json().to_string().len() < 4000);
    // A facts error after a huge value, on one line: a window of the text,
    // at the right column of the whole line.
    let doc = format!("{{\"s\": {{\"text\": \"{big}\", \"n\": \"{big}\"}}}}");
    let e = policy.evaluate_str(&doc).unwrap_err();
    let d = e.iter().next().unwrap();
    assert_eq!(d.code_id(), "pactum::facts::wrong_type");
    let at = doc.rfind("\"x").unwrap();
    assert_eq!(d.line_col(), Some((1, at + 1)));
    assert!(d.message().len() < 1000, "{}", d.message().len());
    let json = d.to_json();
    assert_eq!(json["byte_start"].as_u64(), Some(at as u64));
    assert!(json.to_string().len() < 4000);
    assert!(d.underlined().is_some_and(|u| u.len() <= 512));
}

/// A map that says it has no entries, then gives one: serde_json writes
/// text that is not JSON (`{},"o":1}`), and its pretty printer, used to
/// point an error at a readable line, loses count of its indentation.
struct LyingMap;

impl serde::Serialize for LyingMap {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(0))?;
        map.serialize_entry("o", &serde_json::json!({ "n": 1 }))?;
        map.end()
    }
}

#[test]
fn a_serialize_implementation_that_lies_about_its_length_is_refused() {
    let policy = Package::from_sources([("a.policy", "package a\nschema o { n: int }")])
        .check()
        .unwrap();
    for errors in [
        policy.facts_from_serde(&LyingMap).map(drop),
        policy.evaluate_serde(&LyingMap).map(drop),
        policy.clone().with_reference_data("o", &LyingMap).map(drop),
    ] {
        let errors = errors.unwrap_err();
        // What the reader made of the text before its end: `{}`, an empty
        // mapping (the missing fact), and the text after it.
        assert!(!errors.is_empty() && errors.len() <= 2, "{errors}");
        assert!(
            errors.iter().all(|d| d.code().stage() == "facts"),
            "{errors}"
        );
    }
}
