//! The serializer ([`crate::facts::serializer`]) against the text path it
//! stands in for: serialized values near a schema (right types, wrong
//! types, extra, repeated and missing fields, nulls, deep nesting, floats,
//! big integers, long decimals, dates valid and invalid, and the serde
//! shapes JSON has no plain form for), read both ways under varied limits.
//! Whatever the serializer reads, the text path reads alike (the same
//! value, decimal scales included); whatever the text path reads from a
//! plain value, the serializer reads too; and `load_serialized` gives the
//! text path's result, diagnostics byte for byte.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use proptest::prelude::*;
use serde::ser::{Error as _, SerializeMap, SerializeSeq, SerializeStruct};
use serde::ser::{SerializeStructVariant, SerializeTuple, SerializeTupleStruct};
use serde::ser::{SerializeTupleVariant, Serializer};
use serde::Serialize;

use super::*;
use crate::facts::reading::JSON_NUMBER_TOKEN;
use crate::facts::serializer::{load_serialized, load_text, read};

const SCHEMA: &str = "package diff\n\
    type money = { amount: decimal, currency: one of EUR, USD }\n\
    schema order {\n\
      id: string\n\
      count: int\n\
      price: money\n\
      paid: bool\n\
      day: date\n\
      at: optional datetime\n\
      note: optional string\n\
      tags: list of string\n\
      lines: optional list of { sku: string, qty: int, price: optional decimal }\n\
      nested: optional { inner: optional { deep: optional list of optional int } }\n\
    }\n\
    optional schema extra { flag: optional bool, ratio: optional decimal }\n";

fn test_schema() -> Arc<RecordTy> {
    let policy = crate::Package::from_sources([("diff.policy", SCHEMA)])
        .check()
        .unwrap();
    policy.schema().clone()
}

/// Every field name of [`SCHEMA`], and keys no record has: struct fields
/// are `&'static str`.
const NAMES: &[&str] = &[
    "order", "extra", "id", "count", "price", "amount", "currency", "paid", "day", "at", "note",
    "tags", "lines", "sku", "qty", "nested", "inner", "deep", "flag", "ratio",
];
const UNKNOWN: &[&str] = &["unknown", "Id", "pric", "", "$serde_json::private::Number"];

mod nodes;
use nodes::{Gen, Len, Node, DATES, DECIMAL_TEXTS, STRINGS};

/// Limits for a value whose compact text is `len` bytes long (when it has
/// one): the defaults, or a depth or size limit near what it needs.
fn limits_for(choice: u8, len: Option<usize>) -> Limits {
    let limits = Limits::default();
    match (choice % 6, len) {
        (1, _) => limits.with_max_facts_depth(usize::from(choice / 6) % 12),
        (2, Some(len)) => {
            limits.with_max_facts_bytes((len + usize::from(choice / 6) % 3).saturating_sub(1))
        }
        (3, _) => limits.with_max_facts_bytes(usize::from(choice) * 3),
        _ => limits,
    }
}

/// Reads `value` both ways and holds them to the same result; `plain`
/// values that the text path reads must be read by the serializer too.
fn agree<T: Serialize + std::fmt::Debug + ?Sized>(
    schema: &Arc<RecordTy>,
    value: &T,
    limits: &Limits,
    plain: bool,
) -> Result<(), TestCaseError> {
    let text = load_text(schema, "<facts>", value, limits);
    let direct = read(value, schema, limits);
    let shown = serde_json::to_string(value).unwrap_or_else(|e| format!("({e}) {value:?}"));
    match (&direct, &text) {
        (Some(d), Ok(t)) => {
            prop_assert_eq!(d, t, "{}", shown);
            // Equal decimals of another scale print differently.
            prop_assert_eq!(format!("{d:?}"), format!("{t:?}"), "{}", shown);
        }
        (Some(d), Err(e)) => {
            return Err(TestCaseError::fail(format!(
                "the serializer read {d:?}, the text path refused it ({e}): {shown}"
            )))
        }
        (None, Ok(t)) if plain => {
            return Err(TestCaseError::fail(format!(
                "the serializer left a plain value to the text path, which read {t:?}: {shown}"
            )))
        }
        (None, _) => {}
    }
    let loaded = load_serialized(schema, "<facts>", value, limits);
    match (&loaded, &text) {
        (Ok(l), Ok(t)) => prop_assert_eq!(format!("{l:?}"), format!("{t:?}")),
        (Err(l), Err(t)) => {
            let json = |ds: &Diagnostics| ds.iter().map(Diagnostic::to_json).collect::<Vec<_>>();
            prop_assert_eq!(json(l), json(t), "{}", shown);
        }
        _ => {
            return Err(TestCaseError::fail(format!(
                "load_serialized gave {loaded:?}, the text path {text:?}: {shown}"
            )))
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn serialized_values_are_read_as_their_json_text(
        choices in proptest::collection::vec(any::<u8>(), 0..600),
        limit in any::<u8>(),
    ) {
        let schema = test_schema();
        let mut g = Gen { choices: &choices, at: 0, unsure: false, deep: false, no_value: false };
        let root = g.value(&Ty::Record(schema.clone()), 0);
        let len = serde_json::to_string(&root).ok().map(|t| t.len());
        let limits = limits_for(limit, len);
        agree(&schema, &root, &limits, !g.unsure && !g.deep)?;
        // The same value as a `serde_json::Value`, whose numbers serialize
        // as `serde_json::Number`s.
        if let Some(Ok(json)) = (!g.no_value).then(|| serde_json::to_value(&root)) {
            agree(&schema, &json, &limits, !g.deep)?;
        }
    }
}

// Derived structs, as an integrator writes them: the right types, and
// some wrong ones (`C`, `A`, `D` are the types of the count, the amount
// and the day).

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "UPPERCASE")]
enum Currency {
    Eur,
    Usd,
}

#[derive(Debug, Clone, Serialize)]
struct Money<A> {
    amount: A,
    currency: Currency,
}

#[derive(Debug, Clone, Serialize)]
struct Line {
    sku: String,
    qty: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    price: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize)]
struct Deep {
    deep: Option<Vec<Option<i64>>>,
}

#[derive(Debug, Clone, Serialize)]
struct Nested {
    inner: Option<Deep>,
}

#[derive(Debug, Clone, Serialize)]
struct Order<C, A, D> {
    id: String,
    count: C,
    price: Money<A>,
    paid: bool,
    day: D,
    at: Option<DateTime<FixedOffset>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    tags: Vec<String>,
    lines: Option<Vec<Line>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nested: Option<Nested>,
}

#[derive(Debug, Clone, Serialize)]
struct Extra {
    flag: Option<bool>,
    ratio: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
struct Request<C, A, D> {
    order: Order<C, A, D>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extra: Option<Extra>,
}

fn decimal() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0u32..=28).prop_map(|(m, scale)| Decimal::new(m, scale))
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (-3i32..=10_002, 1u32..=365).prop_filter_map("a day", |(y, d)| {
        let year = match y {
            -3..=-1 => y,
            0..=9_999 => 1990 + y % 60,
            _ => y,
        };
        NaiveDate::from_yo_opt(year, d)
    })
}

fn datetime() -> impl Strategy<Value = DateTime<FixedOffset>> {
    (0i64..4_000_000_000, 0u32..2_000_000_000, -50_000i32..50_000).prop_filter_map(
        "an instant",
        |(secs, nanos, offset)| {
            let offset = FixedOffset::east_opt(offset)?;
            DateTime::from_timestamp(secs, nanos % 1_000_000_000).map(|t| t.with_timezone(&offset))
        },
    )
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9-]{0,12}",
        any::<String>(),
        proptest::sample::select(STRINGS).prop_map(String::from),
    ]
}

fn request<C, A, D>(
    count: impl Strategy<Value = C>,
    amount: impl Strategy<Value = A>,
    day: impl Strategy<Value = D>,
) -> impl Strategy<Value = Request<C, A, D>>
where
    C: std::fmt::Debug + Clone,
    A: std::fmt::Debug + Clone,
    D: std::fmt::Debug + Clone,
{
    let line = (text(), any::<u32>(), proptest::option::of(decimal()))
        .prop_map(|(sku, qty, price)| Line { sku, qty, price });
    let nested = proptest::option::of(proptest::option::of(proptest::option::of(
        proptest::collection::vec(proptest::option::of(any::<i64>()), 0..3),
    )))
    .prop_map(|n| {
        n.map(|inner| Nested {
            inner: inner.map(|deep| Deep { deep }),
        })
    });
    let extra = proptest::option::of((
        proptest::option::of(any::<bool>()),
        proptest::option::of(prop_oneof![any::<f64>(), -1e6f64..1e6]),
    ))
    .prop_map(|e| e.map(|(flag, ratio)| Extra { flag, ratio }));
    (
        (
            text(),
            count,
            amount,
            any::<bool>(),
            prop_oneof![Just(Currency::Eur), Just(Currency::Usd)],
        ),
        (
            day,
            proptest::option::of(datetime()),
            proptest::option::of(text()),
        ),
        proptest::collection::vec(text(), 0..3),
        proptest::option::of(proptest::collection::vec(line, 0..3)),
        nested,
        extra,
    )
        .prop_map(
            |((id, count, amount, paid, currency), (day, at, note), tags, lines, nested, extra)| {
                Request {
                    order: Order {
                        id,
                        count,
                        price: Money { amount, currency },
                        paid,
                        day,
                        at,
                        note,
                        tags,
                        lines,
                        nested,
                    },
                    extra,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn derived_structs_of_the_right_types_are_read_directly(
        r in request(any::<i64>(), decimal(), date()),
        limit in any::<u8>(),
    ) {
        let schema = test_schema();
        let len = serde_json::to_string(&r).ok().map(|t| t.len());
        agree(&schema, &r, &limits_for(limit, len), true)?;
    }

    #[test]
    fn derived_structs_with_floats_big_ints_and_texts_agree(
        r in request(
            prop_oneof![any::<u64>().prop_map(|v| v as f64), any::<f64>(), Just(3.0)],
            prop_oneof![any::<f64>(), -1e9f64..1e9, Just(0.1)],
            proptest::sample::select(DATES).prop_map(String::from),
        ),
        limit in any::<u8>(),
    ) {
        let schema = test_schema();
        let len = serde_json::to_string(&r).ok().map(|t| t.len());
        agree(&schema, &r, &limits_for(limit, len), true)?;
    }

    #[test]
    fn derived_structs_with_128_bit_counts_and_text_amounts_agree(
        r in request(
            prop_oneof![any::<i128>(), Just(i128::from(i64::MAX) + 1), Just(-7)],
            proptest::sample::select(DECIMAL_TEXTS).prop_map(String::from),
            date(),
        ),
    ) {
        let schema = test_schema();
        agree(&schema, &r, &Limits::default(), true)?;
    }
}

/// A value of the test schema with every field given.
fn full() -> serde_json::Value {
    serde_json::json!({
        "order": {
            "id": "o-1", "count": 3, "price": { "amount": "12.50", "currency": "EUR" },
            "paid": true, "day": "2026-03-02", "at": "2026-03-02T10:00:00Z", "note": null,
            "tags": ["a", "b"], "lines": [{ "sku": "s", "qty": 1, "price": 0.1 }],
            "nested": { "inner": { "deep": [1, null, 3] } }
        },
        "extra": { "flag": false, "ratio": 1e-7 }
    })
}

#[test]
fn a_full_value_is_read_directly_and_alike() {
    let schema = test_schema();
    let value = full();
    let direct = read(&value, &schema, &Limits::default()).expect("read directly");
    let text = load_text(&schema, "<facts>", &value, &Limits::default()).unwrap();
    assert_eq!(format!("{direct:?}"), format!("{text:?}"));
    // A float is read from its shortest text: 0.1 is 0.1.
    assert!(format!("{direct:?}").contains("Decimal(0.1)"), "{direct:?}");
    assert!(
        format!("{direct:?}").contains("Decimal(0.0000001)"),
        "{direct:?}"
    );
}

#[test]
fn the_size_limit_is_the_compact_texts_length_to_the_byte() {
    let schema = test_schema();
    let mut value = full();
    value["order"]["note"] = serde_json::json!("quote \" nul \u{0} tab \t é🙂");
    let len = serde_json::to_string(&value).unwrap().len();
    for max in len - 2..=len + 2 {
        let limits = Limits::default().with_max_facts_bytes(max);
        assert_eq!(
            read(&value, &schema, &limits).is_some(),
            max >= len,
            "{max} for {len}"
        );
        let loaded = load_serialized(&schema, "<facts>", &value, &limits);
        if max < len {
            let first = loaded.unwrap_err().first().map(Diagnostic::code_id);
            assert_eq!(first, Some(codes::LIMIT_FACTS_SIZE.id));
        }
    }
}

#[test]
fn the_depth_limit_counts_as_the_reader_does() {
    let schema = test_schema();
    let value = full();
    // order.nested.inner.deep[i]: the deepest value, at 9 (an optional
    // counts twice).
    for depth in 0..=10 {
        let limits = Limits::default().with_max_facts_depth(depth);
        let text = load_text(&schema, "<facts>", &value, &limits);
        assert_eq!(
            read(&value, &schema, &limits).is_some(),
            depth >= 9,
            "{depth}"
        );
        assert_eq!(text.is_ok(), depth >= 9, "{depth}");
        if depth < 9 {
            let first = text.unwrap_err().first().map(Diagnostic::code_id);
            assert_eq!(first, Some(codes::LIMIT_FACTS_DEPTH.id));
        }
    }
}

#[test]
fn lists_nested_past_serde_jsons_limit_are_left_to_the_text_path() {
    let limits = Limits::default().with_max_facts_depth(1024);
    for levels in [98usize, 99, 100, 120, 130] {
        let ty = (0..levels).fold(Ty::Int, |t, _| Ty::List(Box::new(t)));
        let schema = record(vec![field("deep", ty)]);
        let mut inner = serde_json::json!(1);
        for _ in 0..levels {
            inner = serde_json::json!([inner]);
        }
        let value = serde_json::json!({ "deep": inner });
        let direct = read(&value, &schema, &limits);
        // The object and `levels` lists: past 99 containers, refused.
        assert_eq!(direct.is_some(), levels < 99, "{levels}");
        let loaded = load_serialized(&schema, "<facts>", &value, &limits);
        let text = load_text(&schema, "<facts>", &value, &limits);
        assert_eq!(format!("{loaded:?}"), format!("{text:?}"), "{levels}");
        // Past serde_json's own limit (128), the text path refuses it.
        assert_eq!(text.is_ok(), levels <= 120, "{levels}");
    }
}

#[test]
fn refusals_give_the_text_paths_diagnostics() {
    let schema = test_schema();
    let limits = Limits::default();
    // serde_json writes integer keys as strings, but not pairs.
    let mut map_with_pair_keys = BTreeMap::new();
    map_with_pair_keys.insert((1, 2), 3);
    let cases: Vec<Box<dyn erased::Value>> = vec![
        Box::new(serde_json::json!({ "order": { "count": 1.0 } })),
        Box::new(serde_json::json!({ "order": 1 })),
        Box::new(map_with_pair_keys),
        Box::new(Node::Map(
            vec![(Node::Str("order".into()), Node::Bytes(vec![1]))],
            Len::Exact,
        )),
        Box::new(Node::Fail),
        Box::new(Node::Number("12".into(), 1)),
        // Says it is empty, then gives an entry: not JSON.
        Box::new(Node::Map(
            vec![(Node::Str("order".into()), Node::I64(1))],
            Len::Zero,
        )),
    ];
    for case in &cases {
        let loaded = case.load(&schema, &limits, true).unwrap_err();
        let text = case.load(&schema, &limits, false).unwrap_err();
        let json = |ds: &Diagnostics| ds.iter().map(Diagnostic::to_json).collect::<Vec<_>>();
        assert_eq!(json(&loaded), json(&text));
        assert!(loaded.iter().all(|d| !d.message().is_empty()));
    }
    let first = |i: usize| {
        let ds = cases[i].load(&schema, &limits, true).unwrap_err();
        ds.first().cloned().expect("a diagnostic")
    };
    let e = first(2);
    assert_eq!(e.code_id(), codes::FACTS_SYNTAX.id);
    assert!(
        e.message().contains("key must be a string"),
        "{}",
        e.message()
    );
    let e = cases[0].load(&schema, &limits, true).unwrap_err();
    assert!(
        e.iter().any(|d| d.facts_path() == Some("order.count")),
        "{e}"
    );
}

/// Values of different types behind one trait, for a table of cases.
mod erased {
    use super::*;

    pub(super) trait Value {
        fn load(
            &self,
            schema: &Arc<RecordTy>,
            limits: &Limits,
            serialized: bool,
        ) -> Result<crate::value::Value, Diagnostics>;
    }

    impl<T: Serialize> Value for T {
        fn load(
            &self,
            schema: &Arc<RecordTy>,
            limits: &Limits,
            serialized: bool,
        ) -> Result<crate::value::Value, Diagnostics> {
            if serialized {
                load_serialized(schema, "<facts>", self, limits)
            } else {
                load_text(schema, "<facts>", self, limits)
            }
        }
    }
}
