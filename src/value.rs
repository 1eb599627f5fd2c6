//! Runtime values. Cloning is O(1): lists, records and strings sit behind
//! `Arc`.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;

use crate::types::Ty;

/// A value in facts, computed values and outputs.
///
/// Read it with the typed accessors ([`Value::as_decimal`],
/// [`Value::as_date`], [`Value::as_str`], …), which return `None` when the
/// value is of another kind, or print it with `{}` (the text used in
/// messages). Cloning is O(1).
///
/// ```
/// use pactum::{Decimal, NaiveDate, Package};
///
/// let policy = Package::from_sources([(
///     "shop.policy",
///     "package shop\n\
///      schema basket { total: decimal, placed_on: date }\n\
///      output total = basket.total\n\
///      output placed_on = basket.placed_on",
/// )])
/// .check()
/// .unwrap();
/// let d = policy.evaluate_str("basket: { total: 12.50, placed_on: 2026-03-02 }").unwrap();
/// let total = d.output("total").unwrap();
/// assert_eq!(total.as_decimal(), Some(Decimal::new(1250, 2)));
/// assert_eq!(total.to_string(), "12.50");
/// assert_eq!(total.as_date(), None);
/// assert_eq!(
///     d.output("placed_on").unwrap().as_date(),
///     NaiveDate::from_ymd_opt(2026, 3, 2)
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An optional value that is not there.
    Absent,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// An exact decimal.
    Decimal(Decimal),
    /// Text.
    Str(Arc<str>),
    /// A calendar day.
    Date(NaiveDate),
    /// An instant with its UTC offset.
    DateTime(DateTime<FixedOffset>),
    /// An enum variant, by name.
    Enum(Arc<str>),
    /// A list.
    List(Arc<[Value]>),
    /// A record: field values in the order of the record type's fields.
    Record(Arc<[Value]>),
}

impl Value {
    /// Whether it is an optional value that is not there (`none`).
    ///
    /// ```
    /// assert!(pactum::Value::Absent.is_absent());
    /// assert!(!pactum::Value::Bool(false).is_absent());
    /// ```
    pub fn is_absent(&self) -> bool {
        matches!(self, Value::Absent)
    }

    /// The value as a boolean, when it is one.
    ///
    /// ```
    /// assert_eq!(pactum::Value::Bool(true).as_bool(), Some(true));
    /// assert_eq!(pactum::Value::Int(1).as_bool(), None);
    /// ```
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The value as a whole number, when it is an `int`.
    ///
    /// ```
    /// assert_eq!(pactum::Value::Int(3).as_int(), Some(3));
    /// assert_eq!(pactum::Value::Decimal(pactum::Decimal::new(3, 0)).as_int(), None);
    /// ```
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The value as an exact decimal, when it is a number (an `int` or a
    /// `decimal`). Never goes through a float.
    ///
    /// ```
    /// use pactum::{Decimal, Value};
    /// assert_eq!(Value::Decimal(Decimal::new(750, 2)).as_decimal(), Some(Decimal::new(750, 2)));
    /// assert_eq!(Value::Int(2).as_decimal(), Some(Decimal::from(2)));
    /// assert_eq!(Value::Absent.as_decimal(), None);
    /// ```
    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Value::Int(i) => Some(Decimal::from(*i)),
            Value::Decimal(d) => Some(*d),
            _ => None,
        }
    }

    /// The text of a string, or the name of an enum variant.
    ///
    /// ```
    /// use pactum::Value;
    /// assert_eq!(Value::Str("EUR".into()).as_str(), Some("EUR"));
    /// assert_eq!(Value::Enum("monthly".into()).as_str(), Some("monthly"));
    /// assert_eq!(Value::Int(1).as_str(), None);
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) | Value::Enum(s) => Some(s),
            _ => None,
        }
    }

    /// The value as a calendar day, when it is a `date`.
    ///
    /// ```
    /// use pactum::{NaiveDate, Value};
    /// let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    /// assert_eq!(Value::Date(day).as_date(), Some(day));
    /// assert_eq!(Value::Str("2026-03-02".into()).as_date(), None);
    /// ```
    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    /// The value as an instant with its UTC offset, when it is a `datetime`.
    ///
    /// ```
    /// let at = chrono::DateTime::parse_from_rfc3339("2026-03-02T10:00:00Z").unwrap();
    /// assert_eq!(pactum::Value::DateTime(at).as_datetime(), Some(at));
    /// ```
    pub fn as_datetime(&self) -> Option<DateTime<FixedOffset>> {
        match self {
            Value::DateTime(d) => Some(*d),
            _ => None,
        }
    }

    /// The elements, when it is a list.
    ///
    /// ```
    /// use pactum::Value;
    /// let list = Value::List(vec![Value::Int(1), Value::Int(2)].into());
    /// assert_eq!(list.as_list().map(<[Value]>::len), Some(2));
    /// assert_eq!(Value::Int(1).as_list(), None);
    /// ```
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// Renders a scalar or list as JSON: decimals as strings holding the
    /// exact number, dates as `YYYY-MM-DD`, absent as `null`. (A record
    /// renders as an empty object: its field names come from the package;
    /// read records through [`Decision::output_as`](crate::Decision::output_as).)
    ///
    /// ```
    /// use pactum::{Decimal, Value};
    /// assert_eq!(Value::Decimal(Decimal::new(750, 2)).to_json_plain(), serde_json::json!("7.50"));
    /// assert_eq!(Value::Absent.to_json_plain(), serde_json::Value::Null);
    /// ```
    pub fn to_json_plain(&self) -> serde_json::Value {
        self.to_json(&Ty::Any)
    }

    /// Renders the value as JSON, using its static type for record field
    /// names. Decimals become strings holding the exact number; dates
    /// `YYYY-MM-DD`. (The JSON form of [`Typed`].)
    pub(crate) fn to_json(&self, ty: &Ty) -> serde_json::Value {
        serde_json::to_value(Typed(self, ty)).unwrap_or(serde_json::Value::Null)
    }
}

/// A value with its static type, serialized as its JSON form: decimals as
/// strings holding the exact number (an `int` where the type says decimal
/// too), dates `YYYY-MM-DD`, absent as `null`, records as objects named by
/// the type's fields in name order (empty without a record type). Written
/// straight to the serializer, without building a JSON tree first.
pub(crate) struct Typed<'a>(pub &'a Value, pub &'a Ty);

impl serde::Serialize for Typed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        let Typed(value, ty) = *self;
        match value {
            Value::Absent => s.serialize_none(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) if matches!(ty.required(), Ty::Decimal) => s.collect_str(i),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Decimal(d) => s.collect_str(d),
            Value::Str(t) | Value::Enum(t) => s.serialize_str(t),
            Value::Date(d) => s.collect_str(&Day(*d)),
            Value::DateTime(d) => s.serialize_str(&d.to_rfc3339()),
            Value::List(items) => {
                let elem = match ty.required() {
                    Ty::List(t) => &**t,
                    _ => &Ty::Any,
                };
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for v in items.iter() {
                    seq.serialize_element(&Typed(v, elem))?;
                }
                seq.end()
            }
            Value::Record(fields) => match ty.required() {
                Ty::Record(r) => {
                    // Fields by name, as a JSON object map orders them.
                    let mut named: Vec<_> = r.fields.iter().zip(fields.iter()).collect();
                    named.sort_unstable_by(|(a, _), (b, _)| a.name.cmp(&b.name));
                    let mut map = s.serialize_map(Some(named.len()))?;
                    for (f, v) in named {
                        map.serialize_entry(&*f.name, &Typed(v, &f.ty))?;
                    }
                    map.end()
                }
                _ => s.serialize_map(Some(0))?.end(),
            },
        }
    }
}

/// Appends the JSON form of `value` (as [`Typed`] serializes it) to `out`:
/// the scalars written directly, lists, records and instants through
/// [`Typed`].
pub(crate) fn write_typed(out: &mut Vec<u8>, value: &Value, ty: &Ty) {
    use std::io::Write as _;
    // Writing into a Vec cannot fail.
    let _ = match value {
        Value::Absent => {
            out.extend_from_slice(b"null");
            Ok(())
        }
        Value::Bool(b) => {
            out.extend_from_slice(if *b { b"true" } else { b"false" });
            Ok(())
        }
        Value::Int(i) if matches!(ty.required(), Ty::Decimal) => write!(out, "\"{i}\""),
        Value::Int(i) => write!(out, "{i}"),
        // Digits, a sign and a point: nothing to escape.
        Value::Decimal(d) => {
            out.push(b'"');
            write_decimal(out, d);
            out.push(b'"');
            Ok(())
        }
        Value::Date(d) => write!(out, "\"{}\"", Day(*d)),
        Value::Str(t) | Value::Enum(t) => {
            crate::json_text::write_str(out, t);
            Ok(())
        }
        Value::DateTime(_) | Value::List(_) | Value::Record(_) => {
            serde_json::to_writer(&mut *out, &Typed(value, ty)).map_err(std::io::Error::other)
        }
    };
}

/// Appends `d` as its `Display` writes it (every digit of its scale, a
/// `-` when its sign is negative, zero included), without the formatting
/// machinery: the digits of the mantissa, then the point put in.
pub(crate) fn write_decimal(out: &mut Vec<u8>, d: &Decimal) {
    // 28 digits at most (a 96-bit mantissa), and as many zeros of scale.
    let mut digits = [b'0'; 64];
    let mut n = 0;
    let mut m = d.mantissa().unsigned_abs();
    // The 128-bit division only while the rest does not fit 64 bits.
    while m > u128::from(u64::MAX) {
        n += 1;
        if let Some(slot) = digits.len().checked_sub(n).and_then(|i| digits.get_mut(i)) {
            *slot = b'0' + (m % 10) as u8;
        }
        m /= 10;
    }
    let mut small = m as u64;
    while small > 0 {
        n += 1;
        if let Some(slot) = digits.len().checked_sub(n).and_then(|i| digits.get_mut(i)) {
            *slot = b'0' + (small % 10) as u8;
        }
        small /= 10;
    }
    let scale = d.scale() as usize;
    // Zeros before the first digit, up to the scale (already in place).
    let n = n.max(scale).min(digits.len());
    let text = digits.get(digits.len() - n..).unwrap_or_default();
    if d.is_sign_negative() {
        out.push(b'-');
    }
    let (whole, fraction) = text.split_at(n - scale);
    if whole.is_empty() {
        out.push(b'0');
    } else {
        out.extend_from_slice(whole);
    }
    if scale > 0 {
        out.push(b'.');
        out.extend_from_slice(fraction);
    }
}

/// A calendar day written `YYYY-MM-DD` (the form facts are read in);
/// years outside 0–9999 carry a sign, as `%Y` gives them.
///
/// The common case is written digit by digit: chrono's `format` parses its
/// format string on every call, which showed in profiles of batches.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Day(pub NaiveDate);

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use chrono::Datelike;
        let d = self.0;
        if let Ok(year) = u32::try_from(d.year()) {
            if year <= 9999 {
                // Ten ASCII digits and dashes, filled in place.
                let digit = |n: u32| b'0' + (n % 10) as u8;
                let (m, day) = (d.month(), d.day());
                let text = [
                    digit(year / 1000),
                    digit(year / 100),
                    digit(year / 10),
                    digit(year),
                    b'-',
                    digit(m / 10),
                    digit(m),
                    b'-',
                    digit(day / 10),
                    digit(day),
                ];
                return f.write_str(std::str::from_utf8(&text).unwrap_or_default());
            }
        }
        {
            write!(f, "{}", d.format("%Y-%m-%d"))
        }
    }
}

/// A decimal without a negative zero (`-0.00` becomes `0.00`).
pub(crate) fn normalize(mut d: Decimal) -> Decimal {
    if d.is_zero() {
        d.set_sign_positive(true);
    }
    d
}

/// A text that may grow by at most `room` more bytes: writing past that
/// fails at once, so an oversized text is never built in full.
struct Capped<'a> {
    text: &'a mut String,
    room: usize,
}

impl fmt::Write for Capped<'_> {
    fn write_str(&mut self, piece: &str) -> fmt::Result {
        match self.room.checked_sub(piece.len()) {
            Some(left) => {
                self.room = left;
                self.text.push_str(piece);
                Ok(())
            }
            None => Err(fmt::Error),
        }
    }
}

impl Value {
    /// Appends the text of [`Value`]'s `Display` to `s` if it takes at most
    /// `room` bytes: `Some(bytes written)`, or `None` (with `s` cut short
    /// anywhere) as soon as it would take more.
    pub(crate) fn push_text_within(&self, s: &mut String, room: usize) -> Option<usize> {
        match self {
            Value::Str(t) | Value::Enum(t) => {
                if t.len() > room {
                    return None;
                }
                s.push_str(t);
                Some(t.len())
            }
            v => {
                use fmt::Write as _;
                let mut w = Capped { text: s, room };
                write!(w, "{v}").ok()?;
                Some(room - w.room)
            }
        }
    }

    /// The size an output value counts against the output budget (see
    /// [`crate::Limits::max_output_bytes`]): a string or variant its bytes,
    /// any other value one byte, a list or record one byte plus its
    /// elements. `None` as soon as it is over `room`, without walking the
    /// rest.
    pub(crate) fn output_size_within(&self, room: usize) -> Option<usize> {
        fn walk(v: &Value, room: &mut usize) -> Option<()> {
            let own = match v {
                Value::Str(t) | Value::Enum(t) => t.len().max(1),
                _ => 1,
            };
            *room = room.checked_sub(own)?;
            if let Value::List(items) | Value::Record(items) = v {
                for item in items.iter() {
                    walk(item, room)?;
                }
            }
            Some(())
        }
        let mut left = room;
        walk(self, &mut left)?;
        Some(room - left)
    }
}

impl fmt::Display for Value {
    /// The text used in interpolated messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Absent => f.write_str("none"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Decimal(d) => write!(f, "{d}"),
            Value::Str(s) | Value::Enum(s) => f.write_str(s),
            Value::Date(d) => Day(*d).fmt(f),
            Value::DateTime(d) => f.write_str(&d.to_rfc3339()),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Record(_) => f.write_str("{…}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{FieldTy, RecordTy};

    /// The decimal writer gives the bytes `Display` gives: every scale,
    /// both signs, zero, the largest mantissas, and 20,000 seeded ones of
    /// every length.
    #[test]
    fn decimals_are_written_as_display_writes_them() {
        let mut cases = vec![
            Decimal::ZERO,
            Decimal::MAX,
            Decimal::MIN,
            Decimal::new(-0, 2),
            Decimal::from_parts(0, 0, 0, true, 3),
            Decimal::from_parts(0, 0, 0, true, 0),
        ];
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for i in 0..20_000u32 {
            let (a, b) = (next(), next());
            // Mantissas of 0 to 96 bits.
            let bits = i % 97;
            let wide = (u128::from(a) << 64 | u128::from(b)) >> (128 - bits.max(1));
            let wide = if bits == 0 { 0 } else { wide };
            let (lo, mid, hi) = (wide as u32, (wide >> 32) as u32, (wide >> 64) as u32);
            cases.push(Decimal::from_parts(
                lo,
                mid,
                hi,
                a % 2 == 0,
                (b % 29) as u32,
            ));
        }
        for d in cases {
            let mut out = Vec::new();
            write_decimal(&mut out, &d);
            assert_eq!(String::from_utf8(out).unwrap(), d.to_string(), "{d:?}");
        }
    }

    /// Each kind of value as the envelope writes it, type by type.
    #[test]
    fn values_serialize_as_their_json_form() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let at = DateTime::parse_from_rfc3339("2026-03-02T10:00:00+02:00").unwrap();
        let money = Ty::Record(Arc::new(RecordTy {
            fields: vec![
                FieldTy {
                    name: "value".into(),
                    ty: Ty::Decimal,
                    span: Default::default(),
                },
                FieldTy {
                    name: "due".into(),
                    ty: Ty::Optional(Box::new(Ty::Date)),
                    span: Default::default(),
                },
            ],
        }));
        let record = Value::Record(vec![Value::Int(5), Value::Date(day)].into());
        let cases = [
            (Value::Absent, Ty::Optional(Box::new(Ty::Date)), "null"),
            (Value::Bool(true), Ty::Bool, "true"),
            (Value::Int(-7), Ty::Int, "-7"),
            (Value::Int(3), Ty::Decimal, "\"3\""),
            (Value::Int(3), Ty::Optional(Box::new(Ty::Decimal)), "\"3\""),
            (
                Value::Decimal(Decimal::new(-1050, 2)),
                Ty::Decimal,
                "\"-10.50\"",
            ),
            (
                Value::Str("a \"q\" \\ t\n".into()),
                Ty::Str,
                r#""a \"q\" \\ t\n""#,
            ),
            (Value::Enum("monthly".into()), Ty::Any, "\"monthly\""),
            (Value::Date(day), Ty::Date, "\"2026-03-02\""),
            (
                Value::DateTime(at),
                Ty::DateTime,
                "\"2026-03-02T10:00:00+02:00\"",
            ),
            (
                Value::List(vec![Value::Int(1), Value::Int(2)].into()),
                Ty::List(Box::new(Ty::Decimal)),
                r#"["1","2"]"#,
            ),
            (record.clone(), money, r#"{"due":"2026-03-02","value":"5"}"#),
            (record, Ty::Any, "{}"),
        ];
        for (v, ty, json) in cases {
            assert_eq!(
                serde_json::to_string(&Typed(&v, &ty)).unwrap(),
                json,
                "{v:?} as {ty:?}"
            );
            assert_eq!(v.to_json(&ty).to_string(), json, "{v:?} as {ty:?}");
        }
    }

    #[test]
    fn days_print_as_chrono_formats_them() {
        for (y, m, d) in [
            (2026, 3, 2),
            (0, 1, 1),
            (9999, 12, 31),
            (10000, 1, 1),
            (-1, 6, 15),
            (262_142, 12, 31),
            (-262_143, 1, 1),
            (7, 10, 9),
        ] {
            let day = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(Day(day).to_string(), day.format("%Y-%m-%d").to_string());
            assert_eq!(Value::Date(day).to_string(), Day(day).to_string());
        }
    }
}
