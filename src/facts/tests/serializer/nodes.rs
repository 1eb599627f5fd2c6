//! The values the serializer's tests are made of: any call of serde's data
//! model ([`Node`]), drawn near the test schema by [`Gen`].

use super::*;

/// Any call of serde's data model, so that a test can make every shape a
/// `Serialize` implementation can.
#[derive(Debug, Clone)]
pub(super) enum Node {
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
pub(super) enum Len {
    Exact,
    Unknown,
    /// Zero, whatever follows.
    Zero,
    /// One more than follows.
    More,
}

impl Len {
    pub(super) fn of(self, n: usize) -> Option<usize> {
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
pub(super) struct Chars<'a>(&'a str);

impl std::fmt::Display for Chars<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write as _;
        self.0.chars().try_for_each(|c| f.write_char(c))
    }
}

/// Builds serialized values near a type from a string of choices (a byte
/// each; past the end every choice is 0): shrinking the choices simplifies
/// the value, towards the right value of the simplest shape.
pub(super) struct Gen<'a> {
    pub(super) choices: &'a [u8],
    pub(super) at: usize,
    /// Whether a shape the serializer leaves to the text path was made.
    pub(super) unsure: bool,
    /// Whether lists were nested past the serializer's own limit.
    pub(super) deep: bool,
    /// Whether the value must not go through `serde_json::to_value`.
    pub(super) no_value: bool,
}

pub(super) const DECIMAL_TEXTS: &[&str] = &[
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
pub(super) const NUMBER_DIGITS: &[&str] = &[
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
pub(super) const FLOATS: &[f64] = &[
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
pub(super) const STRINGS: &[&str] = &[
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
pub(super) const DATES: &[&str] = &[
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
pub(super) const DATETIMES: &[&str] = &[
    "2026-11-26T07:51:43Z",
    "2026-11-26T07:51:43+08:00",
    "2026-11-26T07:51:43.123456789Z",
    "2026-11-26T07:51:43.1234567891Z",
    "2026-11-26 07:51:43Z",
    "2026-13-01T00:00:00Z",
    "2026-11-26",
];

impl Gen<'_> {
    pub(super) fn pick(&mut self, n: usize) -> usize {
        let b = self.choices.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        usize::from(b) % n.max(1)
    }

    /// An event of about `percent` in a hundred, never past the choices.
    pub(super) fn rare(&mut self, percent: usize) -> bool {
        self.pick(100) >= 100 - percent
    }

    pub(super) fn of<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.pick(items.len())]
    }

    pub(super) fn len(&mut self) -> Len {
        match self.pick(12) {
            0..=7 => Len::Exact,
            8 | 9 => Len::Unknown,
            10 => Len::More,
            _ => Len::Zero,
        }
    }

    pub(super) fn decimal(&mut self) -> Decimal {
        let mantissa = [0i64, 1, -1, 1250, 1_000_000, i64::MAX, i64::MIN][self.pick(7)];
        Decimal::new(mantissa, self.pick(29) as u32)
    }

    pub(super) fn date(&mut self) -> NaiveDate {
        let year = [2026, 2024, 0, 9999, -1, 10_000][self.pick(6)];
        NaiveDate::from_yo_opt(year, 1 + self.pick(365) as u32).unwrap()
    }

    pub(super) fn datetime(&mut self) -> DateTime<FixedOffset> {
        let offset = FixedOffset::east_opt([0, 3600, -19_800][self.pick(3)]).unwrap();
        let at = offset
            .with_ymd_and_hms(2026, 1 + self.pick(12) as u32, 1, 7, 51, 43)
            .unwrap();
        at + chrono::Duration::nanoseconds([0, 1, 500_000_000][self.pick(3)])
    }

    /// A value for `ty`: mostly one of the right type.
    pub(super) fn value(&mut self, ty: &Ty, depth: usize) -> Node {
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
    pub(super) fn wrong(&mut self) -> Node {
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
    pub(super) fn nested_lists(&mut self) -> Node {
        let levels = [2, 10, 70, 99, 100, 101, 130][self.pick(7)];
        if levels >= 90 {
            self.deep = true;
        }
        (0..levels).fold(Node::I64(1), |inner, _| Node::Seq(vec![inner], Len::Exact))
    }

    /// A shape that the serializer leaves to the text path.
    pub(super) fn unsure(&mut self, ty: &Ty, depth: usize) -> Node {
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

    pub(super) fn right(&mut self, ty: &Ty, depth: usize) -> Node {
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

    pub(super) fn record(&mut self, r: &RecordTy, depth: usize) -> Node {
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
    pub(super) fn lied_about(self, g: &mut Gen<'_>) -> Node {
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
