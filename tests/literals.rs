//! One reader of literal text: a decimal, a date or a datetime written as
//! text is accepted or refused alike, with the same value, whether it is a
//! literal in a policy (`decimal("…")`, `date("…")`, `datetime("…")`,
//! folded when the package is checked) or a value in the facts (a JSON
//! string or number, a YAML quoted or plain scalar).
//!
//! A table of tricky texts, then generated ones (scales, leading zeros,
//! signs, exponent forms, 29-digit numbers, dates out of range, Feb 29,
//! datetimes with offsets and fractional seconds).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use pactum::{Outcome, Package, Policy};
use proptest::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Decimal,
    Date,
    DateTime,
}

impl Kind {
    /// The builtin that reads the text in a policy, and the type of the
    /// fact.
    fn name(self) -> &'static str {
        match self {
            Kind::Decimal => "decimal",
            Kind::Date => "date",
            Kind::DateTime => "datetime",
        }
    }
}

/// What a reader made of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Read {
    /// The value, printed with its places or offset (`Value`'s debug form).
    Value(String),
    /// Not a decimal / date / datetime.
    NotOne,
    /// One, but not held exactly (too many digits or places, too large).
    Inexact,
}

/// The text as a literal in a policy: checked (and folded) with the
/// package, then its value as an output.
fn as_literal(kind: Kind, text: &str) -> Read {
    let source = format!("package t\noutput v = {}(\"{text}\")\n", kind.name());
    read_policy(&source, text)
}

/// The text as a bare decimal literal (`12.50`) in a policy.
fn as_bare_literal(text: &str) -> Read {
    read_policy(&format!("package t\noutput v = {text}\n"), text)
}

fn read_policy(source: &str, text: &str) -> Read {
    match Package::from_sources([("t.policy", source)]).check() {
        Ok(policy) => {
            let decision = policy.evaluate_str("{}").expect("decided");
            Read::Value(format!("{:?}", decision.output("v").expect("output v")))
        }
        Err(diagnostics) => {
            let first = diagnostics.iter().next().expect("a diagnostic");
            assert_eq!(
                first.code_id(),
                "pactum::parse::bad_literal",
                "{text:?}: {}",
                first.message()
            );
            if first.message().contains("cannot be held exactly") {
                Read::Inexact
            } else {
                Read::NotOne
            }
        }
    }
}

/// The policy that reads a fact of `kind` and outputs it.
fn fact_policy(kind: Kind) -> &'static Policy {
    static POLICIES: OnceLock<[Policy; 3]> = OnceLock::new();
    let all = POLICIES.get_or_init(|| {
        [Kind::Decimal, Kind::Date, Kind::DateTime].map(|k| {
            Package::from_sources([(
                "f.policy",
                format!(
                    "package f\nschema r {{ v: {} }}\noutput v = r.v\n",
                    k.name()
                ),
            )])
            .check()
            .expect("valid")
        })
    });
    match kind {
        Kind::Decimal => &all[0],
        Kind::Date => &all[1],
        Kind::DateTime => &all[2],
    }
}

/// One facts document, read from a file called `name`.
fn read_fact(kind: Kind, name: &str, doc: &str) -> Read {
    let outcomes = fact_policy(kind).evaluate_file(name, doc);
    assert_eq!(outcomes.len(), 1, "{doc:?}");
    match outcomes.into_iter().next().expect("one outcome") {
        Outcome::Decided(d) => Read::Value(format!("{:?}", d.output("v").expect("output v"))),
        Outcome::Failed { diagnostics, .. } => {
            let first = diagnostics.iter().next().expect("a diagnostic");
            match first.code_id() {
                "pactum::facts::inexact_number" => Read::Inexact,
                "pactum::facts::wrong_type" | "pactum::facts::syntax" => Read::NotOne,
                other => panic!("{doc:?}: unexpected {other}: {}", first.message()),
            }
        }
    }
}

/// Whether `text` is a number in JSON's grammar.
fn json_number(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| v.is_number())
}

/// Whether `text` can stand as a plain YAML scalar after `v: ` and read as
/// written: no spaces around it, nothing YAML gives a meaning to.
fn yaml_plain(text: &str) -> bool {
    let first_ok = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || matches!(c, '+' | '.'));
    first_ok
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | ':'))
}

/// The text as a value in the facts, in every way it can be written; all
/// of them must agree, and the one answer is returned.
fn as_fact(kind: Kind, text: &str) -> Read {
    let quoted = serde_json::to_string(text).expect("a JSON string");
    let mut reads = vec![
        (
            "JSON string",
            read_fact(kind, "f.json", &format!("{{\"r\": {{\"v\": {quoted}}}}}")),
        ),
        (
            "JSON lines string",
            read_fact(
                kind,
                "f.jsonl",
                &format!("{{\"r\": {{\"v\": {quoted}}}}}\n"),
            ),
        ),
        (
            "YAML quoted",
            read_fact(kind, "f.yaml", &format!("r:\n  v: {quoted}\n")),
        ),
    ];
    if kind == Kind::Decimal && json_number(text) {
        reads.push((
            "JSON number",
            read_fact(kind, "f.json", &format!("{{\"r\": {{\"v\": {text}}}}}")),
        ));
    }
    if yaml_plain(text) {
        reads.push((
            "YAML plain",
            read_fact(kind, "f.yaml", &format!("r:\n  v: {text}\n")),
        ));
    }
    let (_, first) = reads.first().cloned().expect("a read");
    for (how, read) in &reads {
        assert_eq!(
            read, &first,
            "{text:?} as a {how} fact, against a JSON string"
        );
    }
    first
}

/// The text read both ways must give the same answer; `want` is that
/// answer's kind, when the case says it.
fn agree(kind: Kind, text: &str) -> Read {
    let literal = as_literal(kind, text);
    let fact = as_fact(kind, text);
    assert_eq!(literal, fact, "{kind:?} {text:?}: policy literal vs fact");
    literal
}

/// Ok: read, with this value (`Value`'s debug form); Err(true): refused as
/// inexact; Err(false): refused as not one.
type Want = Result<&'static str, bool>;

fn check_table(kind: Kind, table: &[(&str, Want)]) {
    for &(text, want) in table {
        let got = agree(kind, text);
        let want = match want {
            Ok(v) => Read::Value(v.to_string()),
            Err(true) => Read::Inexact,
            Err(false) => Read::NotOne,
        };
        assert_eq!(got, want, "{kind:?} {text:?}");
    }
}

const DECIMALS: &[(&str, Want)] = &[
    ("0", Ok("Decimal(0)")),
    ("12", Ok("Decimal(12)")),
    ("12.50", Ok("Decimal(12.50)")),
    ("-12.50", Ok("Decimal(-12.50)")),
    ("+12.50", Ok("Decimal(12.50)")),
    (" 12.50 ", Ok("Decimal(12.50)")),
    ("007.50", Ok("Decimal(7.50)")),
    ("-0.00", Ok("Decimal(0.00)")),
    (".5", Ok("Decimal(0.5)")),
    ("5.", Ok("Decimal(5)")),
    ("1e3", Ok("Decimal(1000)")),
    ("1E+3", Ok("Decimal(1000)")),
    ("2.50e1", Ok("Decimal(25.0)")),
    ("1.5e-3", Ok("Decimal(0.0015)")),
    ("0.00e-1", Ok("Decimal(0.000)")),
    ("1e28", Ok("Decimal(10000000000000000000000000000)")),
    ("1e-28", Ok("Decimal(0.0000000000000000000000000001)")),
    ("1e29", Err(true)),
    ("1e-29", Err(true)),
    ("1e999999999999999999", Err(true)),
    (
        "79228162514264337593543950335",
        Ok("Decimal(79228162514264337593543950335)"),
    ),
    (
        "-79228162514264337593543950335",
        Ok("Decimal(-79228162514264337593543950335)"),
    ),
    ("79228162514264337593543950336", Err(true)),
    ("99999999999999999999999999999", Err(true)),
    (
        "12345678901234567890123456789",
        Ok("Decimal(12345678901234567890123456789)"),
    ),
    (
        "1234567890123456789012345678.9",
        Ok("Decimal(1234567890123456789012345678.9)"),
    ),
    (
        "7922816251426433759354395033.5",
        Ok("Decimal(7922816251426433759354395033.5)"),
    ),
    (
        "1.0000000000000000000000000000",
        Ok("Decimal(1.0000000000000000000000000000)"),
    ),
    (
        "1.00000000000000000000000000000",
        Ok("Decimal(1.0000000000000000000000000000)"),
    ),
    ("0.1000000000000000000000000000001", Err(true)),
    (
        "1.2345678901234567890123456789",
        Ok("Decimal(1.2345678901234567890123456789)"),
    ),
    ("9.9999999999999999999999999999", Err(true)),
    ("", Err(false)),
    (" ", Err(false)),
    ("-", Err(false)),
    ("+", Err(false)),
    (".", Err(false)),
    ("1.2.3", Err(false)),
    ("1_000", Err(false)),
    ("1,5", Err(false)),
    ("0x10", Err(false)),
    ("e5", Err(false)),
    ("1e", Err(false)),
    ("1ee1", Err(false)),
    ("1e1.5", Err(false)),
    ("NaN", Err(false)),
    ("inf", Err(false)),
    ("--1", Err(false)),
    ("1 000", Err(false)),
    ("١٢", Err(false)),
];

const DATES: &[(&str, Want)] = &[
    ("2026-03-02", Ok("Date(2026-03-02)")),
    (" 2026-03-02 ", Ok("Date(2026-03-02)")),
    ("2024-02-29", Ok("Date(2024-02-29)")),
    ("2000-02-29", Ok("Date(2000-02-29)")),
    ("0000-02-29", Ok("Date(0000-02-29)")),
    ("2023-02-29", Err(false)),
    ("1900-02-29", Err(false)),
    ("2026-04-31", Err(false)),
    ("2026-13-01", Err(false)),
    ("2026-00-01", Err(false)),
    ("2026-01-00", Err(false)),
    ("0000-01-01", Ok("Date(0000-01-01)")),
    ("9999-12-31", Ok("Date(9999-12-31)")),
    ("10000-01-01", Err(false)),
    ("+2026-01-01", Err(false)),
    ("-0001-01-01", Err(false)),
    ("2026-1-1", Err(false)),
    ("26-01-01", Err(false)),
    ("2026/01/01", Err(false)),
    ("20260101", Err(false)),
    ("2026-01-01T00:00:00Z", Err(false)),
    ("", Err(false)),
];

const DATETIMES: &[(&str, Want)] = &[
    (
        "2026-03-02T10:00:00Z",
        Ok("DateTime(2026-03-02T10:00:00+00:00)"),
    ),
    (
        "2026-03-02t10:00:00z",
        Ok("DateTime(2026-03-02T10:00:00+00:00)"),
    ),
    (
        " 2026-03-02T10:00:00Z ",
        Ok("DateTime(2026-03-02T10:00:00+00:00)"),
    ),
    (
        "2026-03-02T10:00:00+08:00",
        Ok("DateTime(2026-03-02T10:00:00+08:00)"),
    ),
    (
        "2026-03-02T10:00:00-00:00",
        Ok("DateTime(2026-03-02T10:00:00+00:00)"),
    ),
    (
        "2026-03-02T10:00:00+23:59",
        Ok("DateTime(2026-03-02T10:00:00+23:59)"),
    ),
    ("2026-03-02T10:00:00+24:00", Err(false)),
    ("2026-03-02T10:00:00+08", Err(false)),
    ("2026-03-02T10:00:00", Err(false)),
    ("2026-03-02T24:00:00Z", Err(false)),
    ("2026-03-02T10:60:00Z", Err(false)),
    (
        "2026-03-02T10:00:00.5Z",
        Ok("DateTime(2026-03-02T10:00:00.500+00:00)"),
    ),
    (
        "2026-03-02T10:00:00.123456789+01:00",
        Ok("DateTime(2026-03-02T10:00:00.123456789+01:00)"),
    ),
    ("2026-03-02T10:00:00.1234567890Z", Err(true)),
    ("2026-03-02T10:00:00.1000000000Z", Err(true)),
    ("2026-03-02T10:00:00.Z", Err(false)),
    (
        "2024-02-29T12:00:00Z",
        Ok("DateTime(2024-02-29T12:00:00+00:00)"),
    ),
    ("2023-02-29T12:00:00Z", Err(false)),
    ("2026-03-02", Err(false)),
    ("", Err(false)),
];

#[test]
fn tricky_decimals_read_alike_in_policies_and_facts() {
    check_table(Kind::Decimal, DECIMALS);
}

#[test]
fn tricky_dates_read_alike_in_policies_and_facts() {
    check_table(Kind::Date, DATES);
}

#[test]
fn tricky_datetimes_read_alike_in_policies_and_facts() {
    check_table(Kind::DateTime, DATETIMES);
}

/// Whether a decimal literal (`digits.digits`) is written without an extra
/// leading zero, as a policy wants it.
fn canonical_literal(text: &str) -> bool {
    !(text.len() > 1 && text.starts_with('0') && !text.starts_with("0."))
}

/// A bare decimal literal (`12.50`) is read as the same text in the facts
/// is, once it has the literal's shape (digits on both sides of the point,
/// no extra leading zero; others are refused by the grammar or the
/// leading-zero rule).
#[test]
fn bare_decimal_literals_read_as_facts_read_them() {
    let shaped = DECIMALS.iter().map(|(t, _)| *t).filter(|t| {
        t.split_once('.').is_some_and(|(a, b)| {
            !a.is_empty() && !b.is_empty() && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
        })
    });
    for text in shaped.chain(["0.00000000000000000000000000000", "1.10", "0.0"]) {
        let bare = as_bare_literal(text);
        if canonical_literal(text) {
            assert_eq!(bare, as_fact(Kind::Decimal, text), "{text:?}");
        } else {
            assert_eq!(bare, Read::NotOne, "{text:?}");
        }
    }
}

fn decimal_text() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["", "", "-", "+", " "]),
        prop::sample::select(vec!["", "", "0", "00"]),
        "[0-9]{0,30}",
        prop::option::of("[0-9]{0,30}"),
        prop::option::of((
            "[eE]",
            prop::sample::select(vec!["", "+", "-"]),
            "[0-9]{1,3}",
        )),
        prop::sample::select(vec!["", "", " "]),
    )
        .prop_map(|(sign, zeros, int, frac, exp, tail)| {
            let mut t = format!("{sign}{zeros}{int}");
            if let Some(f) = frac {
                t.push('.');
                t.push_str(&f);
            }
            if let Some((e, s, d)) = exp {
                t.push_str(&format!("{e}{s}{d}"));
            }
            t.push_str(tail);
            t
        })
}

fn date_text() -> impl Strategy<Value = String> {
    prop_oneof![
        // Mostly well-formed: every year, Feb 29, the ends of months.
        (0u32..10_001, 0u32..14, 0u32..33).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        (
            prop::sample::select(vec![1900u32, 2000, 2023, 2024, 2100, 0, 4, 9996]),
            Just(2u32),
            28u32..31
        )
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        // Loosely shaped.
        (
            prop::sample::select(vec!["", " ", "+", "-"]),
            "[0-9]{1,5}",
            prop::sample::select(vec!["-", "/", ""]),
            "[0-9]{1,3}",
            "-",
            "[0-9]{1,3}",
            prop::sample::select(vec!["", " ", "T00:00:00Z"]),
        )
            .prop_map(|(a, y, s, m, s2, d, z)| format!("{a}{y}{s}{m}{s2}{d}{z}")),
    ]
}

fn datetime_text() -> impl Strategy<Value = String> {
    (
        date_text(),
        prop::sample::select(vec!["T", "t", " ", "_"]),
        0u32..26,
        0u32..62,
        0u32..62,
        prop::option::of("[0-9]{0,12}"),
        prop_oneof![
            Just("Z".to_string()),
            Just("z".to_string()),
            Just(String::new()),
            (prop::sample::select(vec!["+", "-"]), 0u32..26, 0u32..62)
                .prop_map(|(s, h, m)| format!("{s}{h:02}:{m:02}")),
            (prop::sample::select(vec!["+", "-"]), 0u32..26)
                .prop_map(|(s, h)| format!("{s}{h:02}")),
        ],
    )
        .prop_map(|(date, sep, h, m, s, frac, offset)| {
            let date = date.trim().to_string();
            let frac = frac.map(|f| format!(".{f}")).unwrap_or_default();
            format!("{date}{sep}{h:02}:{m:02}:{s:02}{frac}{offset}")
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_decimals_read_alike(text in decimal_text()) {
        agree(Kind::Decimal, &text);
    }

    #[test]
    fn generated_dates_read_alike(text in date_text()) {
        agree(Kind::Date, &text);
    }

    #[test]
    fn generated_datetimes_read_alike(text in datetime_text()) {
        agree(Kind::DateTime, &text);
    }

    #[test]
    fn generated_bare_decimal_literals_read_as_facts_read_them(
        text in "[1-9][0-9]{0,30}\\.[0-9]{1,31}|0\\.[0-9]{1,31}"
    ) {
        prop_assert_eq!(as_bare_literal(&text), as_fact(Kind::Decimal, &text), "{:?}", text);
    }
}
