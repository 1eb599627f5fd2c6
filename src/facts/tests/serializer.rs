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

/// Any call of serde's data model, so that a test can make every shape a
/// `Serialize` implementation can.
#[derive(Debug, Clone)]
enum Node {
    Bool(bool),
    I64(i64),
    U64(u64),
    I128(i128),
    U128(u128),
    F32(f32),
    F64(f64),
    Char(char),
    Str(String),
    Collect(String),
    /// `collect_str` of a `Display` that writes one character at a time,
    /// as formatters of numbers and dates do.
    CollectChars(String),
    Bytes(Vec<u8>),
    None,
    Some(Box<Node>),
    Unit,
    UnitStruct,
    UnitVariant(&'static str),
    Newtype(Box<Node>),
    NewtypeVariant(Box<Node>),
    Seq(Vec<Node>, Len),
    Tuple(Vec<Node>),
    TupleStruct(Vec<Node>),
    TupleVariant(Vec<Node>),
    Map(Vec<(Node, Node)>, Len),
    Struct(Vec<(&'static str, Option<Node>)>, Len),
    StructVariant(Vec<(&'static str, Node)>),
    /// A `serde_json::Number` as serde_json serializes it: a struct of one
    /// field, holding its digits (which may be anything here), given
    /// `count` times.
    Number(String, usize),
    Decimal(Decimal),
    Date(NaiveDate),
    DateTime(DateTime<FixedOffset>),
    /// A `Serialize` implementation that fails.
    Fail,
}

/// The length a container announces.
#[derive(Debug, Clone, Copy)]
enum Len {
    Exact,
    Unknown,
    /// Zero, whatever follows.
    Zero,
    /// One more than follows.
    More,
}

impl Len {
    fn of(self, n: usize) -> Option<usize> {
        match self {
            Len::Exact => Some(n),
            Len::Unknown => None,
            Len::Zero => Some(0),
            Len::More => Some(n + 1),
        }
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Bool(v) => s.serialize_bool(*v),
            Node::I64(v) => s.serialize_i64(*v),
            Node::U64(v) => s.serialize_u64(*v),
            Node::I128(v) => s.serialize_i128(*v),
            Node::U128(v) => s.serialize_u128(*v),
            Node::F32(v) => s.serialize_f32(*v),
            Node::F64(v) => s.serialize_f64(*v),
            Node::Char(v) => s.serialize_char(*v),
            Node::Str(v) => s.serialize_str(v),
            Node::Collect(v) => s.collect_str(v),
            Node::CollectChars(v) => s.collect_str(&Chars(v)),
            Node::Bytes(v) => s.serialize_bytes(v),
            Node::None => s.serialize_none(),
            Node::Some(v) => s.serialize_some(v),
            Node::Unit => s.serialize_unit(),
            Node::UnitStruct => s.serialize_unit_struct("Unit"),
            Node::UnitVariant(v) => s.serialize_unit_variant("E", 0, v),
            Node::Newtype(v) => s.serialize_newtype_struct("Newtype", v),
            Node::NewtypeVariant(v) => s.serialize_newtype_variant("E", 1, "amount", v),
            Node::Seq(items, len) => {
                let mut seq = s.serialize_seq(len.of(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Node::Tuple(items) => {
                let mut seq = s.serialize_tuple(items.len())?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Node::TupleStruct(items) => {
                let mut seq = s.serialize_tuple_struct("T", items.len())?;
                for item in items {
                    seq.serialize_field(item)?;
                }
                seq.end()
            }
            Node::TupleVariant(items) => {
                let mut seq = s.serialize_tuple_variant("E", 2, "tags", items.len())?;
                for item in items {
                    seq.serialize_field(item)?;
                }
                seq.end()
            }
            Node::Map(entries, len) => {
                let mut map = s.serialize_map(len.of(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            Node::Struct(fields, len) => {
                let given = fields.iter().filter(|(_, v)| v.is_some()).count();
                let mut st = s.serialize_struct("S", len.of(given).unwrap_or(given))?;
                for (k, v) in fields {
                    match v {
                        Some(v) => st.serialize_field(k, v)?,
                        None => st.skip_field(k)?,
                    }
                }
                st.end()
            }
            Node::StructVariant(fields) => {
                let mut st = s.serialize_struct_variant("E", 3, "price", fields.len())?;
                for (k, v) in fields {
                    st.serialize_field(k, v)?;
                }
                st.end()
            }
            Node::Number(digits, count) => {
                let mut st = s.serialize_struct(JSON_NUMBER_TOKEN, 1)?;
                for _ in 0..*count {
                    st.serialize_field(JSON_NUMBER_TOKEN, digits)?;
                }
                st.end()
            }
            Node::Decimal(v) => Serialize::serialize(v, s),
            Node::Date(v) => v.serialize(s),
            Node::DateTime(v) => v.serialize(s),
            Node::Fail => Err(S::Error::custom("this value refuses to be serialized")),
        }
    }
}

/// Displays its text one character at a time.
struct Chars<'a>(&'a str);

impl std::fmt::Display for Chars<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write as _;
        self.0.chars().try_for_each(|c| f.write_char(c))
    }
}

/// Builds serialized values near a type from a string of choices (a byte
/// each; past the end every choice is 0): shrinking the choices simplifies
/// the value, towards the right value of the simplest shape.
struct Gen<'a> {
    choices: &'a [u8],
    at: usize,
    /// Whether a shape the serializer leaves to the text path was made.
    unsure: bool,
    /// Whether lists were nested past the serializer's own limit.
    deep: bool,
    /// Whether the value must not go through `serde_json::to_value`.
    no_value: bool,
}

const DECIMAL_TEXTS: &[&str] = &[
    "12.50",
    "0",
    "-3.2",
    "1e3",
    "2.5E-2",
    " 7.25 ",
    "-0",
    "0.0",
    "+4",
    "0.1234567890123456789012345678",
    "0.12345678901234567890123456789",
    "123456789012345678901234567890",
    "79228162514264337593543950335",
    "79228162514264337593543950336",
    "1e-28",
    "1e-29",
    "1.",
    ".5",
    "abc",
    "",
    "1e400",
];
const NUMBER_DIGITS: &[&str] = &[
    "12",
    "-0",
    "0",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "18446744073709551616",
    "12.50",
    "1.0",
    "1e3",
    "1E+3",
    "2.5e-2",
    "0.1234567890123456789012345678",
    "123456789012345678901234567890",
    " 1",
    "\t-2.5e3\n ",
    " ",
    "01",
    "1.",
    "-",
    "12abc",
    "",
    "NaN",
];
const FLOATS: &[f64] = &[
    0.0,
    -0.0,
    0.1,
    1.0,
    2.5,
    -12.75,
    1e20,
    1e21,
    1e-7,
    123_456_789.123_456_79,
    f64::MAX,
    f64::MIN_POSITIVE,
    5e-324,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
];
const STRINGS: &[&str] = &[
    "a",
    "",
    "ord-1",
    "quote \" and backslash \\",
    "line\nbreak\ttab\r\u{8}\u{c}",
    "nul \u{0} and \u{1f} and \u{7f}",
    "é中🙂",
    "  padded  ",
    "EUR",
    "12",
    "true",
    "2024-02-29",
    "a long text, longer than sixty-four bytes, with é, 🙂 and \n in it, to its end",
    "sixty-three bytes and then an e with an accent: xxxxxxxxxxxxxxxé",
];
const DATES: &[&str] = &[
    "2024-02-29",
    "2026-11-26",
    " 2025-01-01 ",
    "2023-02-29",
    "2024-1-1",
    "0000-01-01",
    "9999-12-31",
    "+10000-01-01",
    "2024-02-29T00:00:00Z",
    "today",
];
const DATETIMES: &[&str] = &[
    "2026-11-26T07:51:43Z",
    "2026-11-26T07:51:43+08:00",
    "2026-11-26T07:51:43.123456789Z",
    "2026-11-26T07:51:43.1234567891Z",
    "2026-11-26 07:51:43Z",
    "2026-13-01T00:00:00Z",
    "2026-11-26",
];

impl Gen<'_> {
    fn pick(&mut self, n: usize) -> usize {
        let b = self.choices.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        usize::from(b) % n.max(1)
    }

    /// An event of about `percent` in a hundred, never past the choices.
    fn rare(&mut self, percent: usize) -> bool {
        self.pick(100) >= 100 - percent
    }

    fn of<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.pick(items.len())]
    }

    fn len(&mut self) -> Len {
        match self.pick(12) {
            0..=7 => Len::Exact,
            8 | 9 => Len::Unknown,
            10 => Len::More,
            _ => Len::Zero,
        }
    }

    fn decimal(&mut self) -> Decimal {
        let mantissa = [0i64, 1, -1, 1250, 1_000_000, i64::MAX, i64::MIN][self.pick(7)];
        Decimal::new(mantissa, self.pick(29) as u32)
    }

    fn date(&mut self) -> NaiveDate {
        let year = [2026, 2024, 0, 9999, -1, 10_000][self.pick(6)];
        NaiveDate::from_yo_opt(year, 1 + self.pick(365) as u32).unwrap()
    }

    fn datetime(&mut self) -> DateTime<FixedOffset> {
        let offset = FixedOffset::east_opt([0, 3600, -19_800][self.pick(3)]).unwrap();
        let at = offset
            .with_ymd_and_hms(2026, 1 + self.pick(12) as u32, 1, 7, 51, 43)
            .unwrap();
        at + chrono::Duration::nanoseconds([0, 1, 500_000_000][self.pick(3)])
    }

    /// A value for `ty`: mostly one of the right type.
    fn value(&mut self, ty: &Ty, depth: usize) -> Node {
        match self.pick(24) {
            0..=17 => self.right(ty, depth),
            18 => match self.pick(3) {
                0 => Node::None,
                1 => Node::Unit,
                _ => Node::UnitStruct,
            },
            19 => self.wrong(),
            20 => Node::Some(Box::new(self.value(ty, depth))),
            21 => Node::Newtype(Box::new(self.value(ty, depth))),
            22 => self.nested_lists(),
            _ => self.unsure(ty, depth),
        }
    }

    /// A value of a type that may well be another one.
    fn wrong(&mut self) -> Node {
        match self.pick(9) {
            0 => Node::Str(self.of(STRINGS).into()),
            1 => Node::I64([0, 1, -7, i64::MAX][self.pick(4)]),
            2 => Node::F64(self.of(FLOATS)),
            3 => Node::Bool(self.pick(2) == 1),
            4 => Node::Seq(vec![Node::I64(1)], Len::Exact),
            5 => Node::Map(vec![(Node::Str("amount".into()), Node::I64(1))], Len::Exact),
            6 => Node::Number(self.of(NUMBER_DIGITS).into(), 1),
            7 => Node::UnitVariant(self.of(&["EUR", "GBP", "true"])),
            _ => Node::Date(self.date()),
        }
    }

    /// Lists in lists, up to past serde_json's nesting limit.
    fn nested_lists(&mut self) -> Node {
        let levels = [2, 10, 70, 99, 100, 101, 130][self.pick(7)];
        if levels >= 90 {
            self.deep = true;
        }
        (0..levels).fold(Node::I64(1), |inner, _| Node::Seq(vec![inner], Len::Exact))
    }

    /// A shape that the serializer leaves to the text path.
    fn unsure(&mut self, ty: &Ty, depth: usize) -> Node {
        self.unsure = true;
        match self.pick(8) {
            0 => Node::Bytes(vec![1, 2, 3]),
            1 => Node::NewtypeVariant(Box::new(self.value(ty, depth))),
            2 => Node::TupleVariant(vec![Node::Str("a".into())]),
            3 => Node::StructVariant(vec![("currency", Node::Str("EUR".into()))]),
            4 => Node::Fail,
            5 => {
                let count = self.of(&[0, 2]);
                // serde_json's own `to_value` panics on a number without
                // digits.
                self.no_value |= count == 0;
                Node::Number(self.of(NUMBER_DIGITS).into(), count)
            }
            6 => Node::Map(vec![(Node::I64(1), Node::I64(1))], Len::Exact),
            _ => Node::Seq(vec![self.value(ty, depth)], Len::Zero),
        }
    }

    fn right(&mut self, ty: &Ty, depth: usize) -> Node {
        match ty {
            Ty::Optional(inner) => match self.pick(5) {
                0 | 1 => self.right(inner, depth),
                2 => Node::Some(Box::new(self.value(inner, depth))),
                3 => Node::None,
                _ => Node::Unit,
            },
            Ty::Bool => Node::Bool(self.pick(2) == 1),
            Ty::Int => match self.pick(10) {
                0..=2 => Node::I64([3, 0, -12, i64::MIN, i64::MAX][self.pick(5)]),
                3 => Node::U64([7, 1 << 63, u64::MAX][self.pick(3)]),
                4 => Node::I128([5, -(1 << 63) - 1, i128::MAX][self.pick(3)]),
                5 => Node::U128([9, u128::MAX][self.pick(2)]),
                6 => Node::Number(self.of(NUMBER_DIGITS).into(), 1),
                7 => Node::F64(self.of(FLOATS)),
                8 => Node::F32([1.0f32, 0.1, f32::NAN][self.pick(3)]),
                _ => Node::Str("3".into()),
            },
            Ty::Decimal => match self.pick(10) {
                0 | 1 => Node::Decimal(self.decimal()),
                2 | 3 => Node::Str(self.of(DECIMAL_TEXTS).into()),
                4 => Node::Collect(self.of(DECIMAL_TEXTS).into()),
                5 => Node::Number(self.of(NUMBER_DIGITS).into(), 1),
                6 => Node::F64(self.of(FLOATS)),
                7 => Node::F32([0.1f32, 16_777_217.0, 1e-7, f32::INFINITY][self.pick(4)]),
                8 => Node::I64([0, -1, i64::MIN][self.pick(3)]),
                _ => match self.pick(3) {
                    0 => Node::U64(u64::MAX),
                    1 => Node::I128(79_228_162_514_264_337_593_543_950_336),
                    _ => Node::U128(u128::MAX),
                },
            },
            Ty::Str => match self.pick(6) {
                0..=2 => Node::Str(self.of(STRINGS).into()),
                3 => Node::Char(self.of(&['x', '"', '\n', '\u{0}', '🙂'])),
                4 => match self.pick(2) {
                    0 => Node::Collect(self.of(STRINGS).into()),
                    _ => Node::CollectChars(self.of(STRINGS).into()),
                },
                _ => Node::UnitVariant("EUR"),
            },
            Ty::Date => match self.pick(4) {
                0 | 1 => Node::Date(self.date()),
                2 => Node::Str(self.of(DATES).into()),
                _ => match self.pick(2) {
                    0 => Node::Collect(self.of(DATES).into()),
                    _ => Node::CollectChars(self.of(DATES).into()),
                },
            },
            Ty::DateTime => match self.pick(3) {
                0 | 1 => Node::DateTime(self.datetime()),
                _ => Node::Str(self.of(DATETIMES).into()),
            },
            Ty::Enum(_) => match self.pick(5) {
                0 | 1 => Node::UnitVariant(self.of(&["EUR", "USD", "eur", "GBP"])),
                2 | 3 => Node::Str(self.of(&["USD", "EUR", "", " EUR"]).into()),
                _ => Node::Char('E'),
            },
            Ty::List(elem) => {
                let items: Vec<Node> = (0..self.pick(4))
                    .map(|_| self.value(elem, depth + 1))
                    .collect();
                match self.pick(8) {
                    0..=4 => Node::Seq(items, self.len()).lied_about(self),
                    5 => Node::Tuple(items),
                    6 => Node::TupleStruct(items),
                    _ => Node::Seq(items, Len::Unknown),
                }
            }
            Ty::Record(r) => self.record(r, depth),
            Ty::Any => Node::Unit,
        }
    }

    fn record(&mut self, r: &RecordTy, depth: usize) -> Node {
        let mut fields: Vec<(&'static str, Option<Node>)> = Vec::new();
        for f in &r.fields {
            let name = NAMES.iter().find(|n| ***n == *f.name).copied().unwrap();
            if f.ty.is_optional() && self.pick(4) == 3 {
                // Left out, or skipped by a derived struct.
                if self.pick(2) == 0 {
                    fields.push((name, None));
                }
                continue;
            }
            if self.rare(3) {
                continue;
            }
            fields.push((name, Some(self.value(&f.ty, depth + 1))));
        }
        if self.rare(5) {
            let by = self.pick(fields.len().max(1));
            fields.rotate_left(by);
        }
        if self.rare(4) {
            let at = self.pick(fields.len() + 1);
            fields.insert(at, (self.of(UNKNOWN), Some(self.wrong())));
        }
        if self.rare(3) && !fields.is_empty() {
            let twice = fields[self.pick(fields.len())].clone();
            fields.push(twice);
        }
        match self.pick(8) {
            0..=4 => Node::Struct(fields, self.len()).lied_about(self),
            5 | 6 => {
                let entries = fields
                    .into_iter()
                    .filter_map(|(k, v)| Some((Node::Str(k.into()), v?)))
                    .collect();
                Node::Map(entries, self.len()).lied_about(self)
            }
            _ => {
                // Keys of other string shapes.
                let entries = fields
                    .into_iter()
                    .filter_map(|(k, v)| {
                        let key = match self.pick(4) {
                            0 => Node::UnitVariant(k),
                            1 => Node::Newtype(Box::new(Node::Str(k.into()))),
                            2 if k.chars().count() == 1 => Node::Char(k.chars().next()?),
                            _ => Node::Collect(k.into()),
                        };
                        Some((key, v?))
                    })
                    .collect();
                Node::Map(entries, Len::Exact)
            }
        }
    }
}

impl Node {
    /// Notes a container that says it is empty and is not.
    fn lied_about(self, g: &mut Gen<'_>) -> Node {
        let lies = match &self {
            Node::Seq(items, Len::Zero) => !items.is_empty(),
            Node::Map(entries, Len::Zero) => !entries.is_empty(),
            Node::Struct(fields, Len::Zero) => fields.iter().any(|(_, v)| v.is_some()),
            _ => false,
        };
        g.unsure |= lies;
        self
    }
}

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
