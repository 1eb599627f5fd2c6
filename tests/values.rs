//! Values at their edges, in both evaluators: dates read by one reader
//! (policy literals, computed texts and facts alike) and kept to the years
//! facts can hold; decimals keeping the places the language reference
//! promises.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pactum::{Package, Policy};

fn policy(src: &str) -> Policy {
    Package::from_sources([("t.policy", format!("package t\n{src}"))])
        .check()
        .unwrap_or_else(|d| {
            panic!(
                "{src}: {:?}",
                d.iter()
                    .map(|d| d.message().to_string())
                    .collect::<Vec<_>>()
            )
        })
}

/// The decision as JSON from both evaluators (which must agree), or the
/// fault codes.
fn decide(policy: &Policy, doc: &str) -> Result<serde_json::Value, Vec<String>> {
    let facts = policy.facts_from_str(doc).unwrap();
    let fast = policy
        .evaluate(&facts)
        .map(|d| serde_json::to_value(&d).unwrap())
        .map_err(|d| {
            let mut c: Vec<String> = d.iter().map(|d| d.code_id().to_string()).collect();
            c.sort();
            c.dedup();
            c
        });
    let slow = pactum::testing::reference_evaluate(policy, &facts)
        .map(|d| serde_json::to_value(&d).unwrap())
        .map_err(|codes| {
            let mut c: Vec<String> = codes.into_iter().map(String::from).collect();
            c.sort();
            c.dedup();
            c
        });
    assert_eq!(fast, slow, "the evaluators disagree on {doc}");
    fast
}

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

/// Texts of dates, and whether they are one.
const DATE_TEXTS: &[(&str, bool)] = &[
    ("2026-01-01", true),
    ("2024-02-29", true),
    ("0000-01-01", true),
    ("9999-12-31", true),
    (" 2026-01-01", true),
    ("2026-01-01 ", true),
    ("2026-02-29", false),
    ("2026-02-30", false),
    ("2026-13-01", false),
    ("2026-00-10", false),
    ("2026-01-00", false),
    ("26-1-1", false),
    ("2026-1-1", false),
    ("2026-01-1", false),
    ("+2026-01-01", false),
    ("-2026-01-01", false),
    ("10000-01-01", false),
    ("+10000-01-01", false),
    ("02026-01-01", false),
    ("2026-01-01T00:00", false),
    ("2026-01-01T00:00:00Z", false),
    ("2026/01/01", false),
    ("20260101", false),
    ("2026-01-0x", false),
    ("", false),
];

#[test]
fn dates_in_text_are_read_alike_in_policies_and_facts() {
    let computed = policy("schema s { t: string }\noutput d = date(s.t)");
    let fact = policy("schema s { d: date }\noutput d = s.d");
    for &(text, valid) in DATE_TEXTS {
        // A literal in a policy: checked with the package.
        let literal = Package::from_sources([(
            "t.policy",
            format!("package t\noutput d = date(\"{text}\")"),
        )])
        .check();
        // A computed text: read while deciding.
        let doc = serde_json::json!({ "s": { "t": text } }).to_string();
        let from_text = decide(&computed, &doc);
        // A fact.
        let doc = serde_json::json!({ "s": { "d": text } }).to_string();
        let from_facts = fact.facts_from_str(&doc);
        assert_eq!(literal.is_ok(), valid, "{text:?} as a policy literal");
        assert_eq!(from_text.is_ok(), valid, "{text:?} as a computed text");
        assert_eq!(from_facts.is_ok(), valid, "{text:?} as a fact");
        // YAML facts (unquoted, as people write them) too.
        let yaml = fact.facts_from_str(&format!("s: {{ d: \"{text}\" }}"));
        assert_eq!(yaml.is_ok(), valid, "{text:?} as a YAML fact");
        if valid {
            let want = serde_json::json!(text.trim());
            let from_literal = literal.unwrap().evaluate_str("{}").unwrap();
            assert_eq!(
                serde_json::to_value(&from_literal).unwrap()["outputs"]["d"],
                want
            );
            assert_eq!(from_text.unwrap()["outputs"]["d"], want, "{text:?}");
            let d = fact.evaluate(&from_facts.unwrap()).unwrap();
            assert_eq!(serde_json::to_value(&d).unwrap()["outputs"]["d"], want);
        } else {
            let diags = literal.unwrap_err();
            let first = diags.iter().next().unwrap();
            assert_eq!(first.code_id(), "pactum::parse::bad_literal", "{text:?}");
            assert_eq!(
                from_text,
                Err(vec!["pactum::eval::invalid_value".to_string()])
            );
        }
    }
}

#[test]
fn computed_dates_stay_within_the_years_facts_hold() {
    let plain = policy("schema s { d: date, n: int }\noutput o = add_days(s.d, s.n)");
    let business =
        policy("schema s { d: date, n: int }\noutput o = add_business_days(s.d, s.n, [date(\"9999-12-30\")])");
    let overflow = Err(vec!["pactum::eval::overflow".to_string()]);
    // 0000-01-01 is a Saturday, 9999-12-31 a Friday (9999-12-30, the
    // Thursday, is a holiday for `business`).
    for (p, day, n, want) in [
        (&plain, "9999-12-30", 1, Some("9999-12-31")),
        (&plain, "9999-12-31", 1, None),
        (&plain, "0000-01-01", -1, None),
        (&plain, "0000-01-02", -1, Some("0000-01-01")),
        (&plain, "9000-01-01", 1_000_000, None),
        (&plain, "2026-03-02", -1_000_000, None), // in 0712 BC
        (&business, "9999-12-29", 1, Some("9999-12-31")),
        (&business, "9999-12-29", 2, None),
        (&business, "9999-12-31", 1, None),
        (&business, "0000-01-04", -1, Some("0000-01-03")),
        (&business, "0000-01-03", -1, None),
        (&business, "2026-03-02", 30, Some("2026-04-13")),
    ] {
        let doc = format!("s: {{ d: {day}, n: {n} }}");
        let r = decide(p, &doc);
        match want {
            Some(w) => assert_eq!(r.unwrap()["outputs"]["o"], w, "{doc}"),
            None => assert_eq!(r, overflow, "{doc}"),
        }
    }
    // A literal computation out of range is refused with the package.
    let folded = Package::from_sources([(
        "t.policy",
        "package t\noutput o = add_days(date(\"9999-12-31\"), 1)",
    )])
    .check()
    .unwrap_err();
    assert_eq!(
        folded.iter().next().unwrap().code_id(),
        "pactum::parse::bad_literal"
    );
}

// ---------------------------------------------------------------------------
// Decimal places
// ---------------------------------------------------------------------------

/// `a OP b` on decimals read from facts (written as given, places kept), and
/// the exact text of the result.
const ARITHMETIC: &[(&str, &str, &str, &str)] = &[
    ("0.00", "+", "0", "0.00"),
    ("0", "+", "0.00", "0.00"),
    ("5", "+", "0.00", "5.00"),
    ("1.5", "-", "0.00", "1.50"),
    ("0.00", "-", "1.5", "-1.50"),
    ("1.10", "-", "0.1", "1.00"),
    ("1.50", "+", "1", "2.50"),
    ("0.1", "+", "0.2", "0.3"),
    ("-0.50", "+", "0.5", "0.00"),
    ("12.50", "*", "12.50", "156.2500"),
    ("0.00", "*", "1.5", "0.000"),
    ("1.5", "*", "0", "0.0"),
    ("-1.5", "*", "0.0", "0.00"),
    ("2", "*", "1.25", "2.50"),
    ("1", "/", "4", "0.25"),
    // A quotient's places are not fixed (see the language reference).
    ("7", "/", "2", "3.50"),
];

#[test]
fn arithmetic_keeps_the_promised_places() {
    for &(a, op, b, want) in ARITHMETIC {
        let p = policy(&format!("schema s {{ a: decimal, b: decimal }}\noutput o = s.a {op} s.b\noutput m = \"{{s.a {op} s.b}}\""));
        let doc = format!("s: {{ a: \"{a}\", b: \"{b}\" }}");
        let d = decide(&p, &doc).unwrap();
        assert_eq!(d["outputs"]["o"], want, "{a} {op} {b}");
        assert_eq!(d["outputs"]["m"], want, "{a} {op} {b} in a text");
        // Written in the policy, the same.
        let lit = |x: &str| match x.strip_prefix('-') {
            Some(abs) => format!("(-{abs})"),
            None => x.to_string(),
        };
        let p = policy(&format!("output o = {} {op} {}", lit(a), lit(b)));
        let d = decide(&p, "{}").unwrap();
        assert_eq!(d["outputs"]["o"], want, "{a} {op} {b} as literals");
    }
}

#[test]
fn sums_and_functions_keep_the_promised_places() {
    let p = policy(
        "schema s { xs: list of decimal, ns: list of int }\n\
         output total = sum x in s.xs\n\
         output doubled = sum x in s.xs of x * 2\n\
         output whole = sum n in s.ns\n\
         output text = \"{sum x in s.xs}\"",
    );
    for (xs, total, doubled, text) in [
        // An empty sum is the whole number 0: it has no places.
        ("[]", "0", "0", "0"),
        ("[\"1.50\", \"2.5\"]", "4.00", "8.00", "4.00"),
        ("[\"0.00\"]", "0.00", "0.00", "0.00"),
        ("[\"0.00\", \"1.5\"]", "1.50", "3.00", "1.50"),
        ("[\"-1.25\", \"1.25\"]", "0.00", "0.00", "0.00"),
        ("[3, \"0.0\"]", "3.0", "6.0", "3.0"),
    ] {
        let d = decide(&p, &format!("s: {{ xs: {xs}, ns: [] }}")).unwrap();
        assert_eq!(d["outputs"]["total"], total, "{xs}");
        assert_eq!(d["outputs"]["doubled"], doubled, "{xs}");
        assert_eq!(d["outputs"]["text"], text, "{xs}");
        assert_eq!(d["outputs"]["whole"], 0, "{xs}");
    }
    for (expr, want) in [
        ("round(2.5, 0)", "3"),
        ("round(-2.5, 0)", "-3"),
        ("round(3, 2)", "3.00"),
        ("round(0.001, 2)", "0.00"),
        ("round(-0.001, 2)", "0.00"),
        ("round(10.005, 2)", "10.01"),
        ("min(1.50, 2)", "1.50"),
        ("max(1.50, 2)", "2"),
        ("max(2.0, 2)", "2.0"),
        ("max(2, 2.0)", "2"),
        ("min(0.10, 0.1)", "0.10"),
        ("floor(1.50)", "1"),
        ("floor(-0.5)", "-1"),
        ("ceil(-0.5)", "0"),
        ("ceil(1.50)", "2"),
        ("abs(-1.50)", "1.50"),
        ("-(0.00)", "0.00"),
        ("decimal(\"1.50\") + 0", "1.50"),
    ] {
        let p = policy(&format!("output o = {expr}"));
        let d = decide(&p, "{}").unwrap();
        assert_eq!(d["outputs"]["o"], want, "{expr}");
    }
    // `round` refuses places outside 0 to 28, from facts too.
    let p = policy("schema s { n: int }\noutput o = round(1.5, s.n)");
    for n in [29, -1, i64::MAX, i64::MIN] {
        assert_eq!(
            decide(&p, &format!("s: {{ n: {n} }}")),
            Err(vec!["pactum::eval::invalid_value".to_string()]),
            "{n}"
        );
    }
}

#[test]
fn decimal_texts_are_read_alike_in_policies_and_facts() {
    let computed = policy("schema s { t: string }\noutput d = decimal(s.t)");
    let fact = policy("schema s { d: decimal }\noutput d = s.d");
    for (text, want) in [
        ("12.50", Some("12.50")),
        (" 1.5 ", Some("1.5")),
        ("-0.10", Some("-0.10")),
        ("1_000", None),
        ("0.123456789012345678901234567891", None),
        ("1.2.3", None),
        ("abc", None),
        ("", None),
    ] {
        let literal = Package::from_sources([(
            "t.policy",
            format!("package t\noutput d = decimal(\"{text}\")"),
        )])
        .check();
        let from_text = decide(
            &computed,
            &serde_json::json!({ "s": { "t": text } }).to_string(),
        );
        let from_facts =
            fact.facts_from_str(&serde_json::json!({ "s": { "d": text } }).to_string());
        assert_eq!(
            literal.is_ok(),
            want.is_some(),
            "{text:?} as a policy literal"
        );
        assert_eq!(from_facts.is_ok(), want.is_some(), "{text:?} as a fact");
        match want {
            Some(w) => assert_eq!(from_text.unwrap()["outputs"]["d"], w, "{text:?}"),
            None => assert_eq!(
                from_text,
                Err(vec!["pactum::eval::invalid_value".to_string()]),
                "{text:?}"
            ),
        }
    }
}

/// Decimal arithmetic is exact or refused: a sum, difference or product
/// that needs more than 28 significant digits is `pactum::eval::overflow`,
/// never silently rounded; trailing zeros the library drops are no loss.
#[test]
fn decimal_arithmetic_is_exact_or_refused() {
    let cases = [
        ("0.000000000000001 * 0.000000000000001", None),
        // 1e-28 has one significant digit: the places past 28 were zeros.
        (
            "0.00000000000001 * 0.000000000000010",
            Some("0.0000000000000000000000000001"),
        ),
        ("79228162514264337593543950335 + 0.5", None),
        ("1234567890123456.789 * 1234567890123456.789", None),
        ("12.50 * 12.50", Some("156.2500")),
        ("0.2 * 0.5", Some("0.10")),
        ("1.5 - 0.00", Some("1.50")),
    ];
    for (expr, want) in cases {
        let (a, rest) = expr.split_once(' ').unwrap();
        let (op, b) = rest.split_once(' ').unwrap();
        let text =
            format!("package p\nschema r {{ a: decimal, b: decimal }}\noutput o = r.a {op} r.b\n");
        let policy = pactum::Package::from_sources([("p.policy", text.as_str())])
            .check()
            .unwrap_or_else(|d| panic!("{expr}: {d}"));
        let facts = policy
            .facts_from_str(&format!("r: {{ a: \"{a}\", b: \"{b}\" }}"))
            .unwrap();
        let fast = policy.evaluate(&facts);
        let slow = pactum::testing::reference_evaluate(&policy, &facts);
        match want {
            Some(w) => {
                assert_eq!(fast.unwrap().output("o").unwrap().to_string(), w, "{expr}");
                assert_eq!(slow.unwrap().output("o").unwrap().to_string(), w, "{expr}");
            }
            None => {
                let codes: Vec<String> = fast
                    .unwrap_err()
                    .iter()
                    .map(|d| d.code_id().to_string())
                    .collect();
                assert_eq!(codes, ["pactum::eval::overflow"], "{expr}");
                assert_eq!(slow.unwrap_err(), ["pactum::eval::overflow"], "{expr}");
            }
        }
    }
}
