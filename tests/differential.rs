//! Differential tests: the fast evaluator against the reference evaluator
//! (`src/eval/reference.rs`, the simplest direct walk of the compiled tree), on
//! generated policies and facts, and on the shipped pack with the generated
//! request corpus. Both must give the same decision envelope (id, verdict,
//! reasons with their messages and help, notes, outputs), or both fail with
//! the same set of fault codes.
//!
//! `PROPTEST_CASES` changes the number of generated policies (64 by default).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/unsubscription.rs"]
mod unsubscription;

#[path = "../benches/support/genpack.rs"]
mod genpack;

use std::collections::BTreeSet;

use pactum::{Facts, Package, Policy};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// The two evaluators' answers, comparable.
fn answers(
    policy: &Policy,
    facts: &Facts,
) -> (
    Result<String, BTreeSet<String>>,
    Result<String, BTreeSet<String>>,
) {
    let fast = match policy.evaluate(facts) {
        Ok(d) => Ok(serde_json::to_string(&d).unwrap()),
        Err(diags) => Err(diags.iter().map(|d| d.code_id().to_string()).collect()),
    };
    let slow = match pactum::testing::reference_evaluate(policy, facts) {
        Ok(d) => Ok(serde_json::to_string(&d).unwrap()),
        Err(codes) => Err(codes.into_iter().map(String::from).collect()),
    };
    (fast, slow)
}

const SCHEMA: &str = "package diff
requests are identified by r.id
schema r {
  id:    string
  a:     int
  b:     int
  x:     decimal
  y:     decimal
  s:     string
  k:     one of p, q
  flag:  bool
  opt:   optional int
  od:    optional decimal
  items: list of int
  day:   date
}
";

/// Integer expressions, as text.
fn int_expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("r.a".to_string()),
        Just("r.b".to_string()),
        Just("l0".to_string()),
        Just("length(r.items)".to_string()),
        (0i64..5).prop_map(|n| n.to_string()),
        Just("(sum i in r.items of i)".to_string()),
    ];
    leaf.prop_recursive(3, 24, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                inner.clone(),
                prop_oneof![Just("+"), Just("-"), Just("*")]
            )
                .prop_map(|(a, b, op)| format!("({a} {op} {b})")),
            inner.clone().prop_map(|a| format!("(r.opt otherwise {a})")),
            inner.clone().prop_map(|a| format!("(-{a})")),
            (bool_leaf(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("(if {c} then {a} else {b})")),
            // Quantifier bodies hold no quantifier (a variable may not shadow another).
            (inner, plain_int())
                .prop_map(|(a, n)| format!("({a} + count i in r.items where i > {n})")),
            plain_int().prop_map(|n| format!("(sum i in r.items of i * {n})")),
        ]
    })
}

/// Integer expressions without quantifiers.
fn plain_int() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("r.a".to_string()),
        Just("(r.opt otherwise r.b)".to_string()),
        Just("l0".to_string()),
        (0i64..5).prop_map(|n| n.to_string()),
    ]
}

/// Decimal expressions, as text.
fn dec_expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("r.x".to_string()),
        Just("r.y".to_string()),
        Just("l1".to_string()),
        Just("1.5".to_string()),
        Just("0.005".to_string()),
        Just("(r.od otherwise 0.0)".to_string()),
    ];
    leaf.prop_recursive(3, 24, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                inner.clone(),
                prop_oneof![Just("+"), Just("-"), Just("*"), Just("/")]
            )
                .prop_map(|(a, b, op)| format!("({a} {op} {b})")),
            inner.clone().prop_map(|a| format!("round({a}, 2)")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("max({a}, {b})")),
            (inner.clone(), int_expr()).prop_map(|(a, b)| format!("min({a}, {b})")),
            (bool_leaf(), inner.clone(), inner)
                .prop_map(|(c, a, b)| format!("(if {c} then {a} else {b})")),
        ]
    })
}

fn bool_leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("r.flag".to_string()),
        Just("r.k is p".to_string()),
        Just("r.s == \"x\"".to_string()),
        Just("l2".to_string()),
        (0i64..4).prop_map(|n| format!("r.a in [{n}, {}]", n + 2)),
        (0i64..4).prop_map(|n| format!("(any i in r.items where i > {n})")),
        (0i64..4).prop_map(|n| format!("(all i in r.items where i != {n})")),
    ]
}

fn cmp_op() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("<"),
        Just("<="),
        Just("=="),
        Just("!="),
        Just(">"),
        Just(">=")
    ]
}

/// Boolean expressions, as text.
fn bool_expr() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        bool_leaf(),
        (int_expr(), cmp_op(), int_expr()).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
        (dec_expr(), cmp_op(), dec_expr()).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
        (dec_expr(), cmp_op(), int_expr()).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
    ];
    atom.prop_recursive(2, 8, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} and {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} or {b})")),
            inner.prop_map(|a| format!("(not {a})")),
        ]
    })
}

/// A policy: three computed values, deny rules, notes (some reading
/// `allowed`) and outputs.
fn policy_text() -> impl Strategy<Value = String> {
    (
        int_expr(),
        dec_expr(),
        prop::collection::vec(bool_expr(), 1..5),
        prop::collection::vec(bool_expr(), 0..3),
        int_expr(),
        dec_expr(),
    )
        .prop_map(|(l0, l1, denies, notes, o0, o1)| {
            // l0 and l1 may not read themselves: replace them with fields.
            let l0 = l0.replace("l0", "r.b");
            let l1 = l1.replace("l1", "r.y").replace("l0", "r.a");
            let mut t = format!("{SCHEMA}let l0 = {l0}\nlet l1 = {l1}\nlet l2 = r.flag and r.a > 1\n");
            for (i, c) in denies.iter().enumerate() {
                t.push_str(&format!(
                    "rule d{i} {{ deny D{i} when {c} message \"d{i} {{r.id}} {{l1}}\" help \"h{i} {{r.a}}\" }}\n"
                ));
            }
            for (i, c) in notes.iter().enumerate() {
                t.push_str(&format!(
                    "rule n{i} {{ note N{i} when allowed or {c} message \"n{i} {{l0}}\" }}\n"
                ));
            }
            // Presence tests narrow optional values, so they stay out of the
            // generated conditions (where `otherwise` may follow them).
            t.push_str("rule p0 { note P0 when r.opt is present and r.opt > l0 message \"p {r.opt} {r.od otherwise 1.0}\" }\n");
            t.push_str("rule p1 { note P1 when r.od is absent or r.od > l1 message \"q\" }\n");
            t.push_str(&format!("output o0 = {o0}\noutput o1 = if allowed then {o1} else 0.0\n"));
            t
        })
}

fn int_value() -> impl Strategy<Value = i64> {
    prop_oneof![8 => -3i64..10, 1 => Just(i64::MAX / 2), 1 => Just(i64::MIN / 3)]
}

fn dec_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_string()),
        Just("1.5".to_string()),
        Just("-2.25".to_string()),
        Just("0.001".to_string()),
        Just("3".to_string()),
        Just("10.005".to_string()),
        Just("79228162514264337593543950335".to_string()),
    ]
}

fn facts_text() -> impl Strategy<Value = String> {
    (
        (int_value(), int_value(), dec_value(), dec_value()),
        (any::<bool>(), any::<bool>(), any::<bool>()),
        (prop::option::of(int_value()), prop::option::of(dec_value())),
        prop::collection::vec(-2i64..6, 0..5),
    )
        .prop_map(|((a, b, x, y), (s, k, flag), (opt, od), items)| {
            let mut r = serde_json::json!({
                "id": "req-1", "a": a, "b": b, "x": x, "y": y,
                "s": if s { "x" } else { "y" }, "k": if k { "p" } else { "q" },
                "flag": flag, "items": items, "day": "2026-03-02",
            });
            if let Some(o) = opt {
                r["opt"] = o.into();
            }
            if let Some(d) = od {
                r["od"] = d.into();
            }
            serde_json::json!({ "r": r }).to_string()
        })
}

proptest! {
    #![proptest_config(Config { cases: 64, ..Config::default() })]

    #[test]
    fn the_fast_evaluator_agrees_with_the_reference(
        text in policy_text(),
        docs in prop::collection::vec(facts_text(), 1..8),
    ) {
        let policy = match Package::from_sources([("diff.policy", text.as_str())]).check() {
            Ok(p) => p,
            Err(d) => panic!("the generated policy does not check:\n{text}\n{:?}",
                d.iter().map(|d| format!("{}: {}", d.code_id(), d.message())).collect::<Vec<_>>()),
        };
        for doc in &docs {
            let facts = policy.facts_from_str(doc).unwrap();
            let (fast, slow) = answers(&policy, &facts);
            prop_assert_eq!(fast, slow, "policy:\n{}\nfacts: {}", text, doc);
            if let Ok(d) = policy.evaluate(&facts) {
                prop_assert_eq!(envelope(&d), serde_json::to_string(&d).unwrap());
            }
        }
    }

    /// Under an output budget tight enough to fall inside the messages and
    /// outputs, both evaluators stop at the same byte: the same decision,
    /// or both `pactum::limit::output` (with the same other faults).
    #[test]
    fn the_evaluators_agree_under_a_tight_output_limit(
        text in policy_text(),
        max in 0usize..160,
        docs in prop::collection::vec(facts_text(), 1..4),
    ) {
        let limits = pactum::Limits::default().with_max_output_bytes(max);
        let Ok(policy) = Package::from_sources_with_limits([("diff.policy", text.as_str())], limits).check() else {
            panic!("the generated policy does not check:\n{text}");
        };
        for doc in &docs {
            let facts = policy.facts_from_str(doc).unwrap();
            let (fast, slow) = answers(&policy, &facts);
            prop_assert_eq!(fast, slow, "limit {}, policy:\n{}\nfacts: {}", max, text, doc);
        }
    }
}

/// The shipped pack, checked.
fn shipped_pack() -> Policy {
    Package::from_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/policies/unsubscription"
    ))
    .check()
    .unwrap()
}

#[test]
fn the_fast_evaluator_agrees_with_the_reference_on_the_shipped_pack() {
    let policy = shipped_pack();
    for doc in unsubscription::generate(7, 500) {
        let facts = policy.facts_from_str(&doc).unwrap();
        let (fast, slow) = answers(&policy, &facts);
        assert!(fast.is_ok(), "{doc}");
        assert_eq!(fast, slow, "{doc}");
    }
}

/// The envelope as `pactum evaluate --format json` writes it.
fn envelope(d: &pactum::Decision) -> String {
    let mut line = Vec::new();
    d.write_json(&mut line);
    String::from_utf8(line).unwrap()
}

#[test]
fn the_envelope_writer_gives_serde_jsons_bytes_on_the_shipped_pack() {
    let policy = shipped_pack();
    let mut escaped = 0;
    for doc in unsubscription::generate(11, 2000) {
        let d = policy.evaluate_str(&doc).unwrap();
        let written = envelope(&d);
        assert_eq!(written, serde_json::to_string(&d).unwrap(), "{doc}");
        escaped += usize::from(written.contains("\\\""));
    }
    // Promotion names with quotes reach the messages.
    assert!(escaped > 0);
}

#[test]
fn the_generated_benchmark_package_checks() {
    let policy = Package::from_sources(genpack::package(300)).check();
    assert!(
        policy.is_ok(),
        "{:?}",
        policy.err().map(|d| d
            .iter()
            .map(|d| d.message().to_string())
            .collect::<Vec<_>>())
    );
}

#[path = "support/genpolicy.rs"]
mod genpolicy;

/// How many generated packages the scope tests try (`PACTUM_GEN_CASES`).
fn gen_cases() -> u64 {
    std::env::var("PACTUM_GEN_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

/// Nested quantifiers, computed values holding quantifiers read from inside
/// other quantifiers and from several rules, optional values: the fast
/// evaluator, its explaining and covering runs, and the reference must give
/// the same answer, and (no generated request can fault) decide every one.
#[test]
fn evaluators_agree_on_nested_scopes_and_computed_values() {
    let mut decided = 0;
    let mut denied = 0;
    for seed in 0..gen_cases() {
        let text = genpolicy::package(seed);
        let policy = match Package::from_sources([("gen.policy", text.as_str())]).check() {
            Ok(p) => p,
            Err(d) => panic!(
                "seed {seed}: the generated package does not check:\n{text}\n{:?}",
                d.iter()
                    .map(|d| format!("{}: {}", d.code_id(), d.message()))
                    .collect::<Vec<_>>()
            ),
        };
        for doc in (0..12).map(|i| genpolicy::facts(seed * 1000 + i)) {
            let facts = policy.facts_from_str(&doc).unwrap();
            let (fast, slow) = answers(&policy, &facts);
            assert_eq!(fast, slow, "seed {seed}\npolicy:\n{text}\nfacts: {doc}");
            let Ok(plain) = fast else {
                panic!("seed {seed}: a generated request was not decided: {fast:?}\npolicy:\n{text}\nfacts: {doc}");
            };
            let (explained, explanation) = policy.explain(&facts).unwrap();
            assert_eq!(
                serde_json::to_string(&explained).unwrap(),
                plain,
                "seed {seed}: --explain"
            );
            let rules = explanation.rules();
            let fired: Vec<&str> = rules
                .iter()
                .filter(|r| r.fired && r.effect == "deny")
                .map(|r| r.code.as_str())
                .collect();
            let reasons: Vec<&str> = explained
                .reasons()
                .iter()
                .map(|r| r.code.as_str())
                .collect();
            assert_eq!(fired, reasons, "seed {seed}: explanation and reasons");
            let mut coverage = policy.coverage();
            let covered = policy.evaluate_covered(&facts, &mut coverage).unwrap();
            assert_eq!(
                serde_json::to_string(&covered).unwrap(),
                plain,
                "seed {seed}: coverage"
            );
            decided += 1;
            denied += usize::from(!explained.is_allowed());
        }
    }
    // The generator must reach both verdicts often, or it tests little.
    assert!(
        denied > decided / 10 && denied < decided * 9 / 10,
        "{denied} of {decided} denied"
    );
}

/// What an explanation must say, checked against the explanation made
/// without its shortcut (every `when` block condition and computed value
/// evaluated again where it is read, instead of its recorded steps shown
/// again): the same rules, conditions, sub-expressions and values; the
/// JSON written straight from the recorded steps is `serde_json`'s of the
/// rules; a rule that fired shows conditions that all held, one that did
/// not shows the one condition that stopped it.
fn explanation_holds(policy: &Policy, facts: &Facts, what: &str) {
    let (decision, why) = policy.explain(facts).unwrap();
    let (_, oracle) = pactum::testing::explain_without_replay(policy, facts).unwrap();
    let rules = serde_json::to_value(why.rules()).unwrap();
    assert_eq!(
        rules,
        serde_json::to_value(oracle.rules()).unwrap(),
        "{what}: explanation and its oracle"
    );
    let mut line = Vec::new();
    decision.write_json_explained(&why, &mut line);
    let json: serde_json::Value = serde_json::from_slice(&line).unwrap();
    assert_eq!(json["explain"], rules, "{what}: written explanation");
    assert_eq!(
        serde_json::to_value(&why).unwrap()["rules"],
        rules,
        "{what}: serialized explanation"
    );
    for r in why.rules() {
        let values: Vec<String> = r.conditions.iter().map(|c| c.value.to_string()).collect();
        if r.fired {
            assert!(values.iter().all(|v| v == "true"), "{what}: {r:?}");
        } else {
            assert!(r.conditions.len() <= 1, "{what}: {r:?}");
        }
    }
}

#[test]
fn explanations_agree_with_their_oracle_on_generated_packages() {
    for seed in 0..gen_cases() {
        let text = genpolicy::package(seed);
        let policy = Package::from_sources([("gen.policy", text.as_str())])
            .check()
            .unwrap();
        for doc in (0..6).map(|i| genpolicy::facts(seed * 1000 + i)) {
            let facts = policy.facts_from_str(&doc).unwrap();
            explanation_holds(&policy, &facts, &format!("seed {seed}\n{text}\n{doc}"));
        }
    }
}

#[test]
fn explanations_agree_with_their_oracle_on_the_shipped_pack() {
    let policy = shipped_pack();
    for doc in unsubscription::generate(11, 400) {
        let facts = policy.facts_from_str(&doc).unwrap();
        explanation_holds(&policy, &facts, &doc);
    }
}

/// What evaluating, explaining and covering give on `facts`: the decision
/// as JSON, or the codes of the faults.
fn outcomes(policy: &Policy, facts: &Facts) -> [Result<String, BTreeSet<String>>; 3] {
    let codes = |d: pactum::Diagnostics| d.iter().map(|d| d.code_id().to_string()).collect();
    let json = |d: pactum::Decision| serde_json::to_string(&d).unwrap();
    let mut coverage = policy.coverage();
    [
        policy.evaluate(facts).map(json).map_err(codes),
        policy.explain(facts).map(|(d, _)| json(d)).map_err(codes),
        policy
            .evaluate_covered(facts, &mut coverage)
            .map(json)
            .map_err(codes),
    ]
}

/// Explaining or measuring coverage never changes the outcome, whatever
/// the limits: at every step limit from 1 up, and at small output limits,
/// the decision (or the fault) is the plain evaluation's. (A computed value
/// first rendered in a message and then shown under a condition is
/// evaluated again to be shown: those steps are not counted twice.)
#[test]
fn explaining_never_changes_the_outcome_at_any_limit() {
    // A computed value rendered in a message before a condition reads it.
    let text = "package t
schema o { id: string, a: int, xs: list of int }
let label = \"{o.id}-{o.a}\"
let heavy = count i in o.xs where (count j in o.xs where j > i) > 0
rule d { deny D when o.a > 0 message \"d {label} {heavy}\" help \"h\" }
rule n { note N when label == \"x-1\" and heavy >= 0 message \"n\" }
";
    let facts = "o: { id: x, a: 1, xs: [3, 1, 4, 1, 5, 9, 2, 6] }";
    let mut cases: Vec<(String, Vec<String>)> = vec![(text.to_string(), vec![facts.to_string()])];
    for seed in 0..16 {
        let docs = (0..2).map(|i| genpolicy::facts(seed * 1000 + i)).collect();
        cases.push((genpolicy::package(seed), docs));
    }
    for (text, docs) in &cases {
        for steps in (1..60).chain([80, 120, 200, 400, 1000]) {
            for output in [usize::MAX, 64] {
                let limits = pactum::Limits::default()
                    .with_max_steps(steps)
                    .with_max_output_bytes(output);
                let policy =
                    Package::from_sources_with_limits([("t.policy", text.as_str())], limits)
                        .check()
                        .unwrap();
                for doc in docs {
                    let facts = policy.facts_from_str(doc).unwrap();
                    let [plain, explained, covered] = outcomes(&policy, &facts);
                    assert_eq!(
                        plain, explained,
                        "steps {steps}, output {output}\n{text}\n{doc}"
                    );
                    assert_eq!(
                        plain, covered,
                        "steps {steps}, output {output}\n{text}\n{doc}"
                    );
                }
            }
        }
    }
}
