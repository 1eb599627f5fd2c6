//! Runtime values. Cloning is O(1): lists, records and strings sit behind
//! `Arc`.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;

use crate::types::Ty;

/// A value in facts, computed values and outputs.
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
    /// The value as a decimal, when it is a number.
    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Value::Int(i) => Some(Decimal::from(*i)),
            Value::Decimal(d) => Some(*d),
            _ => None,
        }
    }

    /// Renders a scalar or list as JSON (records without field names).
    pub fn to_json_plain(&self) -> serde_json::Value {
        self.to_json(&Ty::Any)
    }

    /// Renders the value as JSON, using its static type for record field
    /// names. Decimals become strings holding the exact number; dates
    /// `YYYY-MM-DD`.
    pub fn to_json(&self, ty: &Ty) -> serde_json::Value {
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
            Value::Date(d) => J::String(d.format("%Y-%m-%d").to_string()),
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
            Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
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
