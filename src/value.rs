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
    /// `YYYY-MM-DD`.
    pub(crate) fn to_json(&self, ty: &Ty) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Absent => J::Null,
            Value::Bool(b) => J::Bool(*b),
            // An int where the type says decimal (`if c then 1.50 else 0`)
            // is still an amount: a string.
            Value::Int(i) if matches!(ty.required(), Ty::Decimal) => J::String(i.to_string()),
            Value::Int(i) => J::from(*i),
            Value::Decimal(d) => J::String(d.to_string()),
            Value::Str(s) | Value::Enum(s) => J::String(s.to_string()),
            Value::Date(d) => J::String(Day(*d).to_string()),
            Value::DateTime(d) => J::String(d.to_rfc3339()),
            Value::List(items) => {
                let elem = match ty.required() {
                    Ty::List(t) => (**t).clone(),
                    _ => Ty::Any,
                };
                J::Array(items.iter().map(|v| v.to_json(&elem)).collect())
            }
            Value::Record(fields) => {
                let mut map = serde_json::Map::new();
                if let Ty::Record(r) = ty.required() {
                    for (f, v) in r.fields.iter().zip(fields.iter()) {
                        map.insert(f.name.to_string(), v.to_json(&f.ty));
                    }
                }
                J::Object(map)
            }
        }
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
        if (0..=9999).contains(&d.year()) {
            write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
        } else {
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
