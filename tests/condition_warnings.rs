//! The contradiction and constant-condition warnings claim nothing false.
//!
//! Random rule conditions over a few int, decimal, enum, bool and optional
//! fields, computed values and `allowed` (optionally inside a `when`
//! block) are checked, and each warning
//! is held against the evaluator on a grid of facts that takes every
//! constant of the conditions, the values around it (±1 for whole
//! numbers, ±0.5 for decimals), every variant, and absent:
//!
//! - a rule (or every rule of a `when` block) can never fire: it fires for no
//!   facts of the grid;
//! - a part that always holds (or never does): the rule with that part
//!   replaced by `true` (or `false`) fires for exactly the same facts.
//!
//! Then named cases: the warnings that must be given, and those that must
//! not (a decimal between 2 and 3 exists, an optional enum may be absent).
//!
//! Case counts are kept small so that `cargo test` stays fast; raise them
//! with `PROPTEST_CASES=2000 cargo test --test condition_warnings`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::codes_of;
use pactum::{Diagnostic, Package, Policy};
use proptest::prelude::*;
use proptest::sample::select;

/// The schema of every generated package.
const SCHEMA: &str = "package gen\n\
    schema s {\n  i: int\n  d: decimal\n  e: one of a, b, c\n  f: bool\n  \
    oi: optional int\n  oe: optional one of a, b, c\n  od: optional decimal\n}\n\
    let twice = s.i * 2\n\
    let has_oi = s.oi is present\n\
    let dd = s.od otherwise 0.5\n";

/// The computed values of [`SCHEMA`], and the field each reads.
const LETS: [(&str, &str); 3] = [("twice", "i"), ("has_oi", "oi"), ("dd", "od")];

/// A field of the schema, in facts (JSON values; `None`: absent).
struct Field {
    name: &'static str,
    /// The values the grid gives it.
    grid: &'static [Option<&'static str>],
    /// Its value when the conditions do not read it.
    fixed: Option<&'static str>,
}

/// Shorthand for the table below.
const fn field(
    name: &'static str,
    grid: &'static [Option<&'static str>],
    fixed: Option<&'static str>,
) -> Field {
    Field { name, grid, fixed }
}

/// The fields of [`SCHEMA`].
const FIELDS: [Field; 7] = [
    field(
        "i",
        &[
            Some("-2"),
            Some("-1"),
            Some("0"),
            Some("1"),
            Some("2"),
            Some("3"),
            Some("4"),
            Some("5"),
            Some("6"),
        ],
        Some("0"),
    ),
    field(
        "d",
        &[
            Some("\"-1.5\""),
            Some("\"-1\""),
            Some("\"-0.5\""),
            Some("\"0\""),
            Some("\"0.5\""),
            Some("\"1\""),
            Some("\"1.5\""),
            Some("\"2\""),
            Some("\"2.5\""),
            Some("\"3\""),
            Some("\"3.5\""),
            Some("\"4.5\""),
            Some("\"5\""),
            Some("\"5.5\""),
        ],
        Some("\"0\""),
    ),
    field(
        "e",
        &[Some("\"a\""), Some("\"b\""), Some("\"c\"")],
        Some("\"a\""),
    ),
    field("f", &[Some("true"), Some("false")], Some("false")),
    field(
        "oi",
        &[
            None,
            Some("-2"),
            Some("-1"),
            Some("0"),
            Some("1"),
            Some("2"),
            Some("3"),
            Some("4"),
            Some("5"),
            Some("6"),
        ],
        None,
    ),
    field(
        "oe",
        &[None, Some("\"a\""), Some("\"b\""), Some("\"c\"")],
        None,
    ),
    field(
        "od",
        &[
            None,
            Some("\"-1\""),
            Some("\"-0.5\""),
            Some("\"0\""),
            Some("\"0.5\""),
            Some("\"1\""),
            Some("\"1.5\""),
            Some("\"2\""),
            Some("\"2.5\""),
            Some("\"3\""),
            Some("\"3.5\""),
            Some("\"5\""),
            Some("\"5.5\""),
        ],
        None,
    ),
];

fn op() -> impl Strategy<Value = &'static str> {
    select(vec!["<", "<=", ">", ">=", "==", "!="])
}

fn int_k() -> impl Strategy<Value = &'static str> {
    select(vec!["0", "1", "2", "3", "5", "(-1)"])
}

fn dec_k() -> impl Strategy<Value = &'static str> {
    select(vec!["0", "1", "2.5", "3", "5", "2.0", "0.5", "(-0.5)"])
}

fn variant() -> impl Strategy<Value = &'static str> {
    select(vec!["a", "b", "c"])
}

/// A test of field `FIELDS[field]` (some read another field too).
fn atom(field: usize) -> BoxedStrategy<String> {
    match field {
        0 => prop_oneof![
            (op(), int_k()).prop_map(|(o, k)| format!("s.i {o} {k}")),
            (int_k(), op()).prop_map(|(k, o)| format!("{k} {o} s.i")),
            (op(), select(vec!["2.5", "0.5"])).prop_map(|(o, k)| format!("s.i {o} {k}")),
            (int_k(), int_k()).prop_map(|(a, b)| format!("s.i in [{a}, {b}]")),
            Just("s.i * 2 > 3".to_string()),
            Just("s.i + 1 > s.d".to_string()),
            (op(), int_k()).prop_map(|(o, k)| format!("twice {o} {k}")),
        ]
        .boxed(),
        1 => prop_oneof![
            (op(), dec_k()).prop_map(|(o, k)| format!("s.d {o} {k}")),
            (dec_k(), op()).prop_map(|(k, o)| format!("{k} {o} s.d")),
            (dec_k(), dec_k()).prop_map(|(a, b)| format!("s.d in [{a}, {b}]")),
            Just("abs(s.d) > 1".to_string()),
        ]
        .boxed(),
        2 => prop_oneof![
            variant().prop_map(|v| format!("s.e is {v}")),
            variant().prop_map(|v| format!("s.e is not {v}")),
            variant().prop_map(|v| format!("s.e == {v}")),
            variant().prop_map(|v| format!("s.e != {v}")),
            (variant(), variant()).prop_map(|(v, w)| format!("s.e in [{v}, {w}]")),
        ]
        .boxed(),
        3 => select(vec![
            "s.f",
            "s.f == true",
            "s.f != false",
            "s.f == false",
            "allowed",
        ])
        .prop_map(str::to_string)
        .boxed(),
        4 => prop_oneof![
            Just("s.oi is present".to_string()),
            Just("s.oi is absent".to_string()),
            Just("s.oi is not absent".to_string()),
            (op(), int_k()).prop_map(|(o, k)| format!("(s.oi is present and s.oi {o} {k})")),
            (op(), int_k()).prop_map(|(o, k)| format!("(s.oi is absent or s.oi {o} {k})")),
            (op(), int_k()).prop_map(|(o, k)| format!("(s.oi otherwise 0) {o} {k}")),
            Just("has_oi".to_string()),
            (op(), int_k()).prop_map(|(o, k)| format!("(has_oi and s.oi {o} {k})")),
        ]
        .boxed(),
        5 => prop_oneof![
            variant().prop_map(|v| format!("s.oe is {v}")),
            variant().prop_map(|v| format!("s.oe is not {v}")),
            Just("s.oe is present".to_string()),
            Just("s.oe is absent".to_string()),
            variant().prop_map(|v| format!("(s.oe is present and s.oe != {v})")),
        ]
        .boxed(),
        _ => prop_oneof![
            Just("s.od is absent".to_string()),
            (op(), dec_k()).prop_map(|(o, k)| format!("(s.od is present and s.od {o} {k})")),
            (op(), dec_k()).prop_map(|(o, k)| format!("(s.od otherwise 1.5) {o} {k}")),
            (op(), dec_k()).prop_map(|(o, k)| format!("dd {o} {k}")),
        ]
        .boxed(),
    }
}

/// A condition over the fields `fields`, every compound in parentheses.
fn condition(fields: Vec<usize>) -> BoxedStrategy<String> {
    let leaf = select(fields).prop_flat_map(atom);
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} and {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} or {b})")),
            inner.clone().prop_map(|a| format!("not ({a})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("(if {c} then {a} else {b})")),
        ]
    })
    .boxed()
}

/// A rule's `when` block condition (if any) and its own condition, over
/// one or two fields (few fields make contradictions likely).
fn case() -> impl Strategy<Value = (Option<String>, String)> {
    prop::sample::subsequence((0..FIELDS.len()).collect::<Vec<_>>(), 1..=2).prop_flat_map(
        |fields| {
            (
                prop::option::weighted(0.3, condition(fields.clone())),
                condition(fields),
            )
        },
    )
}

/// Rule `r0` (note `R0`) with `when`, inside a block of `guard` if any.
fn rule_text(guard: Option<&str>, when: &str) -> String {
    match guard {
        Some(g) => format!(
            "when {g} {{\n  rule r0 {{\n    note R0\n    when {when}\n    message \"m\"\n  }}\n}}\n"
        ),
        None => format!("rule r0 {{\n  note R0\n  when {when}\n  message \"m\"\n}}\n"),
    }
}

/// The byte range of each label of `d`, primary first.
fn label_ranges(d: &Diagnostic) -> Vec<(usize, usize)> {
    let j = d.to_json();
    let mut out = vec![(
        j["byte_start"].as_u64().unwrap() as usize,
        j["byte_end"].as_u64().unwrap() as usize,
    )];
    for l in j["labels"].as_array().into_iter().flatten() {
        if let (Some(s), Some(e)) = (l["byte_start"].as_u64(), l["byte_end"].as_u64()) {
            let r = (s as usize, e as usize);
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }
    out
}

/// The part a warning is about: its one label, or the smallest
/// parenthesised expression holding all its labels (every compound of a
/// generated condition is in parentheses).
fn warned_part(text: &str, labels: &[(usize, usize)]) -> Option<(usize, usize)> {
    let start = labels.iter().map(|l| l.0).min()?;
    let end = labels.iter().map(|l| l.1).max()?;
    if labels.len() == 1 {
        return Some((start, end));
    }
    let mut open = Vec::new();
    let mut best: Option<(usize, usize)> = None;
    for (i, c) in text.char_indices() {
        match c {
            '(' => open.push(i),
            ')' => {
                let p = open.pop()?;
                if p <= start && i + 1 >= end && best.is_none_or(|(s, e)| i + 1 - p < e - s) {
                    best = Some((p, i + 1));
                }
            }
            _ => {}
        }
    }
    best
}

/// Every facts document of the grid over the fields `text` reads.
fn grid(text: &str) -> Vec<String> {
    let word = |pat: &str| {
        text.match_indices(pat).any(|(i, _)| {
            let before = text[..i].chars().next_back();
            let after = text[i + pat.len()..].chars().next();
            let part = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            !part(after) && (pat.starts_with("s.") || !part(before))
        })
    };
    let reads =
        |name: &str| word(&format!("s.{name}")) || LETS.iter().any(|(l, f)| *f == name && word(l));
    let mut docs: Vec<Vec<(&str, Option<&str>)>> = vec![Vec::new()];
    for Field { name, grid, fixed } in FIELDS {
        let choices: Vec<Option<&str>> = if reads(name) {
            grid.to_vec()
        } else {
            vec![fixed]
        };
        docs = docs
            .into_iter()
            .flat_map(|d| {
                choices.iter().map(move |c| {
                    let mut d = d.clone();
                    d.push((name, *c));
                    d
                })
            })
            .collect();
    }
    docs.into_iter()
        .map(|d| {
            let fields: Vec<String> = d
                .iter()
                .filter_map(|(n, v)| v.map(|v| format!("\"{n}\": {v}")))
                .collect();
            format!("{{\"s\": {{{}}}}}", fields.join(", "))
        })
        .collect()
}

/// The notes `policy` gives for `doc`; `None` when it cannot decide.
fn fired(policy: &Policy, doc: &str) -> Option<Vec<String>> {
    let d = policy.evaluate_json(doc).ok()?;
    Some(d.notes().iter().map(|n| n.code.clone()).collect())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(512),
        ..ProptestConfig::default()
    })]

    #[test]
    fn warnings_about_conditions_hold_for_every_request((guard, when) in case()) {
        let rule = rule_text(guard.as_deref(), &when);
        let src = format!("{SCHEMA}{rule}");
        let Ok(policy) = Package::from_sources([("gen.policy", src.as_str())]).check() else {
            // Not a well-typed condition (an optional compared unchecked).
            return Ok(());
        };
        // The rule as it is, and one copy for each part warned about,
        // that part replaced by what the warning says it always is.
        let mut never_fires = false;
        let mut variants = Vec::new();
        for d in policy.warnings().iter() {
            let constant = d.code_id() == "pactum::warn::constant_condition";
            if !constant && d.code_id() != "pactum::warn::contradiction" {
                continue;
            }
            if d.message().contains("can never fire") || d.message().contains("block can fire") {
                never_fires = true;
                continue;
            }
            let labels: Vec<(usize, usize)> = label_ranges(d)
                .into_iter()
                .map(|(s, e)| (s - SCHEMA.len(), e - SCHEMA.len()))
                .collect();
            let (s, e) = warned_part(&rule, &labels)
                .unwrap_or_else(|| panic!("no part for {labels:?} in\n{rule}"));
            let k = variants.len() + 1;
            let by = if constant { "(true)" } else { "(false)" };
            let text = format!("{}{by}{}", &rule[..s], &rule[e..])
                .replace("rule r0 {", &format!("rule r{k} {{"))
                .replace("note R0\n", &format!("note R{k}\n"));
            variants.push((text, d.message().to_string(), rule[s..e].to_string()));
        }
        if !never_fires && variants.is_empty() {
            return Ok(());
        }
        let all: String = std::iter::once(rule.clone()).chain(variants.iter().map(|v| v.0.clone())).collect();
        let both = format!("{SCHEMA}{all}");
        let compared = match Package::from_sources([("gen.policy", both.as_str())]).check() {
            Ok(p) => p,
            Err(diags) => panic!("the rule with the part replaced does not check:\n{both}\n{}", common::render(diags.iter())),
        };
        for doc in grid(&rule) {
            let Some(notes) = fired(&compared, &doc) else {
                continue;
            };
            let original = notes.iter().any(|n| n == "R0");
            prop_assert!(
                !(never_fires && original),
                "warned that the rule can never fire, but it fires for\n{doc}\n{src}"
            );
            for (k, (_, message, part)) in variants.iter().enumerate() {
                let replaced = notes.iter().any(|n| *n == format!("R{}", k + 1));
                prop_assert_eq!(
                    original, replaced,
                    "{} (`{}`), but replacing it changes the rule for\n{}\n{}", message, part, doc, src
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Named cases
// ---------------------------------------------------------------------------

const NAMED_SCHEMA: &str = "schema s { i: int, d: decimal, e: one of a, b, c, f: bool,\n\
    oi: optional int, oe: optional one of a, b, c, day: date }\n";

/// The contradiction and constant-condition warnings of a rule `when cond`.
fn warned(cond: &str) -> Vec<&'static str> {
    let src = format!("{NAMED_SCHEMA}rule r {{ note R when {cond} message \"m\" }}");
    codes_of(&src)
        .into_iter()
        .filter(|c| *c == "pactum::warn::contradiction" || *c == "pactum::warn::constant_condition")
        .collect()
}

const NEVER: &[&str] = &["pactum::warn::contradiction"];
const ALWAYS: &[&str] = &["pactum::warn::constant_condition"];

#[test]
fn numeric_contradictions_mind_whole_numbers() {
    assert_eq!(warned("s.i > 5 and s.i < 3"), NEVER);
    assert_eq!(warned("s.d > 5 and s.d < 3"), NEVER);
    assert_eq!(warned("s.i > 2 and s.i < 3"), NEVER);
    assert_eq!(warned("s.i > 2.5 and s.i < 3"), NEVER);
    assert_eq!(warned("s.i >= 3 and not (s.i >= 3)"), NEVER);
    assert_eq!(warned("s.i == 2 and s.i in [1, 3]"), NEVER);
    assert!(warned("s.d > 2 and s.d < 3").is_empty());
    assert!(warned("s.i > 2 and s.i <= 3").is_empty());
    assert!(warned("s.i >= 3 and s.i <= 3").is_empty());
    assert_eq!(
        warned("s.day > date(\"2026-01-01\") and s.day < date(\"2026-01-02\")"),
        NEVER
    );
}

#[test]
fn variants_and_presence() {
    assert_eq!(warned("s.e is a and s.e is not a"), NEVER);
    assert_eq!(warned("s.e is a and s.e == b"), NEVER);
    assert_eq!(warned("s.e is a or s.e is b or s.e is c"), ALWAYS);
    assert_eq!(warned("s.e in [a, b] or s.e == c"), ALWAYS);
    assert!(warned("s.e is a or s.e is b").is_empty());
    // An optional enum may be absent: no variant covers that.
    assert!(warned("s.oe is a or s.oe is b or s.oe is c").is_empty());
    // …but `is not` holds for an absent value.
    assert_eq!(warned("s.oe is not a or s.oe is a"), ALWAYS);
    assert_eq!(warned("s.oi is absent or s.oi is present"), ALWAYS);
    assert_eq!(warned("s.oi is absent and s.oi is present"), NEVER);
    assert!(warned("s.oi is absent or s.oi > 3").is_empty());
    // `otherwise` gives the value tested when the fact is absent.
    assert_eq!(warned("s.oi is absent and (s.oi otherwise 0) > 5"), NEVER);
    assert!(warned("s.oi is absent and (s.oi otherwise 9) > 5").is_empty());
}

#[test]
fn truth_values_and_opaque_tests() {
    assert_eq!(warned("s.f or not s.f"), ALWAYS);
    assert_eq!(warned("s.f and s.f == false"), NEVER);
    assert_eq!(warned("s.i * 2 > 3 or not (s.i * 2 > 3)"), ALWAYS);
    // Two tests the analysis does not look into may be anything.
    assert!(warned("s.i * 2 > 3 and s.i * 2 <= 3").is_empty());
    assert!(warned("s.i > s.d and s.d > s.i").is_empty());
}

#[test]
fn parts_of_a_condition() {
    assert_eq!(warned("s.f and (s.i > 5 or s.i < 10)"), ALWAYS);
    assert_eq!(warned("s.f and (s.e is a or not (s.e is a))"), ALWAYS);
    assert_eq!(warned("s.f or (s.d > 5 and s.d < 3)"), NEVER);
    // A literal says what it means.
    assert!(warned("s.f and true").is_empty());
}

#[test]
fn a_when_block_is_warned_about_once() {
    let src = format!(
        "{NAMED_SCHEMA}when s.i > 5 and s.i < 3 {{\n\
         rule a {{ note A message \"a\" }}\n\
         rule b {{ note B when s.f message \"b\" }}\n}}\n\
         when s.d > 1 or s.d <= 1 {{\n\
         rule c {{ note C when s.f message \"c\" }}\n\
         rule d {{ note D when not s.f message \"d\" }}\n}}\n\
         when s.e is a {{\n\
         rule e {{ note E when s.e is b message \"e\" }}\n}}\n"
    );
    let codes = codes_of(&src);
    let count = |c: &str| codes.iter().filter(|x| **x == c).count();
    // The first block's condition once; rule `e` against its block.
    assert_eq!(count("pactum::warn::contradiction"), 2, "{codes:?}");
    assert_eq!(count("pactum::warn::constant_condition"), 1, "{codes:?}");
}

#[test]
fn a_condition_with_an_error_is_not_judged() {
    let codes = warned("s.e is a and s.e is zz");
    assert!(codes.is_empty(), "{codes:?}");
}
