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
    let slow = pactum::reference_evaluate(policy, &facts)
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
