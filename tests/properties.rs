//! Property tests: generated well-typed policies never panic; exact decimal
//! arithmetic equals `rust_decimal` computed directly; business-day
//! arithmetic equals a naive day-by-day count.
//!
//! Case counts are kept small so that `cargo test` stays fast; raise them
//! with `PROPTEST_CASES=10000 cargo test --test properties` when hunting.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use pactum::{Decimal, Package, Policy};
use proptest::prelude::*;
use rust_decimal::RoundingStrategy;

// ---------------------------------------------------------------------------
// Generated well-typed policies
// ---------------------------------------------------------------------------

/// The schema every generated policy reads.
const SCHEMA: &str = "package gen\n\
    schema s { a: int, b: int, d: decimal, e: decimal, day: date, flag: bool,\n\
               xs: list of int, hs: list of date, maybe: optional int }\n";

/// An expression of a type, written as text, built to a bounded depth.
fn int_expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (-1000i64..1000).prop_map(|i| if i < 0 {
            format!("({i})")
        } else {
            i.to_string()
        }),
        Just("s.a".to_string()),
        Just("s.b".to_string()),
        Just("length(s.xs)".to_string()),
        Just("(s.maybe otherwise 0)".to_string()),
        Just("year(s.day)".to_string()),
        Just("weekday(s.day)".to_string()),
        Just("days_between(s.day, add_days(s.day, 3))".to_string()),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                inner.clone(),
                prop::sample::select(vec!["+", "-", "*"])
            )
                .prop_map(|(a, b, op)| format!("({a} {op} {b})")),
            inner.clone().prop_map(|a| format!("(-{a})")),
            (bool_leaf(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("(if {c} then {a} else {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("max({a}, {b})")),
            inner.clone().prop_map(|a| format!("abs({a})")),
            // Quantifier variables may not shadow: a fresh name each time.
            (0u32..1_000_000).prop_map(|k| format!("(sum v{k} in s.xs of v{k})")),
            (0u32..1_000_000).prop_map(|k| format!("(count v{k} in s.xs where v{k} > 0)")),
        ]
    })
}

fn dec_expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (0u32..100_000, 0u32..4).prop_map(|(m, scale)| {
            let d = Decimal::new(i64::from(m), scale);
            let s = d.to_string();
            if s.contains('.') {
                s
            } else {
                format!("{s}.0")
            }
        }),
        Just("s.d".to_string()),
        Just("s.e".to_string()),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                inner.clone(),
                prop::sample::select(vec!["+", "-", "*", "/"])
            )
                .prop_map(|(a, b, op)| format!("({a} {op} {b})")),
            (inner.clone(), 0u32..6).prop_map(|(a, p)| format!("round({a}, {p})")),
            inner.clone().prop_map(|a| format!("floor({a})")),
            inner.clone().prop_map(|a| format!("ceil({a})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("min({a}, {b})")),
            (int_expr(), inner.clone()).prop_map(|(a, b)| format!("({a} * {b})")),
        ]
    })
}

fn bool_leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("s.flag".to_string()),
        Just("((s.maybe otherwise 0) > 1)".to_string()),
        Just("(s.a > s.b)".to_string()),
        Just("is_business_day(s.day, s.hs)".to_string()),
        Just("(3 in s.xs)".to_string()),
    ]
}

fn bool_expr() -> impl Strategy<Value = String> {
    prop_oneof![
        bool_leaf(),
        (
            int_expr(),
            int_expr(),
            prop::sample::select(vec!["==", "!=", "<", "<=", ">", ">="])
        )
            .prop_map(|(a, b, op)| format!("({a} {op} {b})")),
        (dec_expr(), dec_expr()).prop_map(|(a, b)| format!("({a} > {b})")),
        (date_expr(), date_expr()).prop_map(|(a, b)| format!("({a} <= {b})")),
        (
            bool_leaf(),
            bool_leaf(),
            prop::sample::select(vec!["and", "or"])
        )
            .prop_map(|(a, b, op)| format!("({a} {op} not {b})")),
        (int_expr(), 0u32..1_000_000)
            .prop_map(|(a, k)| format!("(any w{k} in s.xs where w{k} == {a})")),
    ]
}

fn date_expr() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("s.day".to_string()),
        int_expr().prop_map(|n| format!("add_days(s.day, {n})")),
        int_expr().prop_map(|n| format!("add_business_days(s.day, {n}, s.hs)")),
        Just("max(s.day, date(\"2026-01-01\"))".to_string()),
    ]
}

fn facts() -> impl Strategy<Value = String> {
    (
        any::<i64>(),
        -1000i64..1000,
        any::<i64>(),
        0u32..20,
        -100_000i64..100_000,
        0u32..6,
        0u32..3650,
        any::<bool>(),
        prop::collection::vec(-50i64..50, 0..6),
        prop::collection::vec(0u32..60, 0..5),
        prop::option::of(-10i64..10),
    )
        .prop_map(|(a, b, dm, ds, e, es, day, flag, xs, hs, maybe)| {
            // `a` is any int: overflow must be a fault, never a panic.
            let a = if a % 3 == 0 { a } else { a % 1000 };
            let d = Decimal::new(dm % 1_000_000_000_000, ds);
            let e = Decimal::new(e, es);
            let base = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
            let day = base + Days::new(u64::from(day));
            let hs: Vec<String> = hs
                .iter()
                .map(|h| (day + Days::new(u64::from(*h))).to_string())
                .collect();
            let xs: Vec<String> = xs.iter().map(i64::to_string).collect();
            let maybe = maybe.map_or(String::new(), |m| format!(", maybe: {m}"));
            format!(
                "s: {{ a: {a}, b: {b}, d: \"{d}\", e: \"{e}\", day: {day}, flag: {flag}, xs: [{}], hs: [{}]{maybe} }}",
                xs.join(", "),
                hs.join(", ")
            )
        })
}

fn generated(int: &str, dec: &str, cond: &str, date: &str) -> String {
    format!(
        "{SCHEMA}\
         let i = {int}\n\
         output oi = i\n\
         output od = {dec}\n\
         output oday = {date}\n\
         rule r {{ deny GENERATED when {cond} message \"i is {{i}}, d is {{s.d}}\" help \"h\" }}\n"
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generated_policies_check_and_evaluate_without_panics(
        int in int_expr(),
        dec in dec_expr(),
        cond in bool_expr(),
        date in date_expr(),
        docs in prop::collection::vec(facts(), 1..4),
    ) {
        let src = generated(&int, &dec, &cond, &date);
        let policy = match Package::from_sources([("gen.policy", src.as_str())]).check() {
            Ok(p) => p,
            Err(d) => {
                let codes: Vec<_> = d.iter().map(|d| format!("{}: {}", d.code_id(), d.message())).collect();
                panic!("a well-typed policy did not check:\n{src}\n{codes:#?}");
            }
        };
        for doc in &docs {
            match policy.evaluate_str(doc) {
                Ok(d) => {
                    let _ = serde_json::to_string(&d).unwrap();
                }
                Err(faults) => {
                    for f in &faults {
                        prop_assert!(
                            f.code_id().starts_with("pactum::eval::") || f.code_id().starts_with("pactum::limit::"),
                            "{}: {}\n{src}\n{doc}", f.code_id(), f.message()
                        );
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Exact decimals
// ---------------------------------------------------------------------------

fn decimal_policy() -> Policy {
    Package::from_sources([(
        "dec.policy",
        "package dec\nschema n { x: decimal, y: decimal, z: decimal, p: int }\n\
         output total = n.x + n.y\n\
         output difference = n.x - n.y\n\
         output product = n.x * n.y\n\
         output mixed = n.x * n.y + n.z\n\
         output rounded = round(n.x * n.y - n.z, n.p)\n",
    )])
    .check()
    .unwrap()
}

/// A decimal from digits and a scale, any sign, up to 28 places.
fn decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        // Money-like.
        (-10_000_000_000i64..10_000_000_000, 0u32..5).prop_map(|(m, s)| Decimal::new(m, s)),
        // Anything a decimal holds.
        (any::<i64>(), any::<u32>(), 0u32..29).prop_map(|(lo, hi, s)| {
            let m = (i128::from(hi) << 64) | i128::from(lo as u64);
            let m = if lo < 0 { -m } else { m };
            Decimal::from_i128_with_scale(m % (1i128 << 96), s)
        }),
    ]
}

fn output(d: &pactum::Decision, name: &str) -> Decimal {
    Decimal::from_str(&d.output(name).unwrap().to_string()).unwrap()
}

/// The exact-arithmetic oracle: a decimal as a big integer and a scale.
#[derive(Clone, Debug)]
struct Exact(num_bigint::BigInt, u32);

impl Exact {
    fn of(d: Decimal) -> Exact {
        Exact(d.mantissa().into(), d.scale())
    }

    /// The same value at scale `s` (at least its own).
    fn at(&self, s: u32) -> num_bigint::BigInt {
        &self.0 * num_bigint::BigInt::from(10).pow(s - self.1)
    }

    /// Its places, trailing zeros left out.
    fn places(&self) -> u32 {
        let (mut m, mut s) = (self.0.clone(), self.1);
        let ten = num_bigint::BigInt::from(10);
        while s > 0 && (&m % &ten) == 0.into() && m != 0.into() {
            m /= &ten;
            s -= 1;
        }
        if m == 0.into() {
            0
        } else {
            s
        }
    }

    /// The language's rule: `+`/`-` need the larger of the operands'
    /// places, `*` their sum (places without trailing zeros; none when an
    /// operand is zero); the exact result is refused when it cannot be held
    /// with those places in a 96-bit decimal of at most 28 places.
    fn op(a: &Exact, b: &Exact, mul: bool, sub: bool) -> Option<Decimal> {
        let exact = if mul {
            Exact(&a.0 * &b.0, a.1 + b.1)
        } else {
            let s = a.1.max(b.1);
            let b = if sub { -b.at(s) } else { b.at(s) };
            Exact(a.at(s) + b, s)
        };
        let zero = a.0 == 0.into() || b.0 == 0.into();
        let needed = if zero {
            exact.places()
        } else if mul {
            a.places() + b.places()
        } else {
            a.places().max(b.places())
        };
        let needed = needed.max(exact.places());
        if needed > 28 {
            return None;
        }
        // At `needed` places the value is whole (needed >= its own places).
        let m = if needed >= exact.1 {
            exact.at(needed)
        } else {
            &exact.0 / num_bigint::BigInt::from(10).pow(exact.1 - needed)
        };
        let m = i128::try_from(m).ok()?;
        (m.unsigned_abs() < (1u128 << 96)).then(|| Decimal::from_i128_with_scale(m, needed))
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// `+ - *` on decimals are exact: each result equals the exact value
    /// computed with big integers, or (where the exact value cannot be held
    /// with the places the language promises) the request stops with
    /// `pactum::eval::overflow`, never a rounded number.
    #[test]
    fn decimal_arithmetic_is_exact_or_refused(
        x in decimal(),
        y in decimal(),
        z in decimal(),
        p in 0u32..8,
    ) {
        let policy = decimal_policy();
        let facts = format!("n: {{ x: \"{x}\", y: \"{y}\", z: \"{z}\", p: {p} }}");
        let (ex, ey, ez) = (Exact::of(x), Exact::of(y), Exact::of(z));
        let expected_sum = Exact::op(&ex, &ey, false, false);
        let expected_difference = Exact::op(&ex, &ey, false, true);
        let expected_product = Exact::op(&ex, &ey, true, false);
        let expected_mixed = expected_product.and_then(|m| Exact::op(&Exact::of(m), &ez, false, false));
        let expected_rounded = expected_product
            .and_then(|m| Exact::op(&Exact::of(m), &ez, false, true))
            .map(|r| r.round_dp_with_strategy(p, RoundingStrategy::MidpointAwayFromZero))
            // `round` gives exactly `p` places, or stops the request when
            // the number leaves no room for them among a decimal's digits.
            .and_then(|mut r| {
                r.rescale(p);
                (r.scale() == p).then_some(r)
            });
        let all = [expected_sum, expected_difference, expected_product, expected_mixed, expected_rounded];
        let d = policy.evaluate_str(&facts);
        match d {
            Ok(d) => {
                prop_assert!(all.iter().all(Option::is_some), "decided though a result is inexact: {:?}", all);
                prop_assert_eq!(Some(output(&d, "total")), expected_sum);
                prop_assert_eq!(Some(output(&d, "difference")), expected_difference);
                prop_assert_eq!(Some(output(&d, "product")), expected_product);
                prop_assert_eq!(Some(output(&d, "mixed")), expected_mixed);
                let rounded = output(&d, "rounded");
                prop_assert_eq!(Some(rounded), expected_rounded);
                // `round` keeps exactly `p` places.
                prop_assert_eq!(rounded.scale(), p, "{}", rounded);
            }
            Err(faults) => {
                // Only a result that cannot be held exactly stops the request.
                prop_assert!(all.iter().any(Option::is_none), "{:?}", faults.iter().map(|f| f.message()).collect::<Vec<_>>());
                for f in &faults {
                    prop_assert_eq!(f.code_id(), "pactum::eval::overflow");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Business days
// ---------------------------------------------------------------------------

/// The `n`-th business day after `start` (before it for negative `n`), one
/// day at a time.
fn naive_business_days(start: NaiveDate, n: i64, holidays: &[NaiveDate]) -> NaiveDate {
    let business = |d: NaiveDate| {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&d)
    };
    let mut d = start;
    let mut left = n.abs();
    while left > 0 {
        d = if n > 0 {
            d.succ_opt().unwrap()
        } else {
            d.pred_opt().unwrap()
        };
        if business(d) {
            left -= 1;
        }
    }
    d
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn add_business_days_agrees_with_a_naive_count(
        start in 0u32..20_000,
        n in -120i64..120,
        offsets in prop::collection::vec(-200i64..200, 0..40),
    ) {
        let policy = Package::from_sources([(
            "bd.policy",
            "package bd\nschema r { start: date, n: int, holidays: list of date }\n\
             output due = add_business_days(r.start, r.n, r.holidays)\n\
             output open = is_business_day(r.start, r.holidays)\n",
        )])
        .check()
        .unwrap();
        let start = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + Days::new(u64::from(start));
        let holidays: Vec<NaiveDate> = offsets
            .iter()
            .map(|o| {
                if *o >= 0 {
                    start + Days::new(o.unsigned_abs())
                } else {
                    start - Days::new(o.unsigned_abs())
                }
            })
            .collect();
        let list: Vec<String> = holidays.iter().map(NaiveDate::to_string).collect();
        let facts = format!("r: {{ start: {start}, n: {n}, holidays: [{}] }}", list.join(", "));
        let d = policy.evaluate_str(&facts).unwrap();
        let expected = naive_business_days(start, n, &holidays);
        prop_assert_eq!(d.output("due").unwrap().to_string(), expected.to_string());
        let open = !matches!(start.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&start);
        prop_assert_eq!(d.output("open").unwrap().to_string(), open.to_string());
    }
}
