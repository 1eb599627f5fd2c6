//! Facts from any [`Serialize`] value, without JSON text: a
//! [`Serializer`] that walks the caller's value against the schema and
//! builds the [`Value`] that reading the value's JSON text would give.
//!
//! The meaning of a serialized value is its JSON text: what serde_json
//! writes for it ([`serde_json::to_string`]), read by the JSON facts reader
//! ([`super::load_with_limits`]). [`load_text`] does exactly that, and
//! stays the definition and the source of every diagnostic. The serializer
//! ([`read`]) is a shortcut for the values that fit: it follows serde_json's
//! writing rules (a `None`, a unit or a non-finite float is `null`, a
//! newtype struct is its content, a unit variant its name, a float the
//! shortest text that reads back to it, a `serde_json::Number` its digits)
//! and the reader's (types, unknown, repeated and missing fields, the depth
//! and size limits), and builds the value directly. On anything that would
//! be refused, or that it is unsure of (bytes, enum variants with data,
//! maps whose keys are not strings, serde_json's raw values, a container
//! that says it is empty and then is not, a `Serialize` implementation that
//! fails), it gives up, and [`load_serialized`] reads the value's text
//! instead; so errors are those of the text path, byte for byte. The unit
//! tests in `facts/tests/serializer.rs` hold the two to the same results
//! on generated values.

use std::fmt::{self, Write as _};
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::ser::{self, Impossible, Serialize, Serializer};

use super::reading::{Seen, JSON_NUMBER_TOKEN};
use super::{load_with_limits, Format};
use crate::diag::{codes, Diagnostic, Diagnostics};
use crate::limits::Limits;
use crate::literal;
use crate::source::SourceFile;
use crate::types::{RecordTy, Ty};
use crate::value::Value;

/// Lists and objects nested deeper than this are left to the text path,
/// where serde_json's own limit (128) applies.
const MAX_NESTING: usize = 100;

/// The prefix of the struct names serde_json gives a special meaning
/// (`serde_json::Number` with `arbitrary_precision`, `RawValue`).
const SERDE_JSON_PRIVATE: &str = "$serde_json::private::";

/// Reads `value` against `schema` as its JSON text would be read: by the
/// serializer when it can, else through the text ([`load_text`]), which
/// gives the diagnostics. `name` names the text in diagnostics.
pub(crate) fn load_serialized<T: Serialize + ?Sized>(
    schema: &Arc<RecordTy>,
    name: &str,
    value: &T,
    limits: &Limits,
) -> Result<Value, Diagnostics> {
    match read(value, schema, limits) {
        Some(value) => Ok(value),
        None => load_text(schema, name, value, limits),
    }
}

/// Reads a serializable value against `schema` through its JSON text: the
/// definition of what a serialized value means, and the oracle of
/// [`read`]. The compact text is read first; when it does not fit, the
/// value is read again from indented text so that the diagnostics point at
/// readable lines.
pub(super) fn load_text<T: Serialize + ?Sized>(
    schema: &Arc<RecordTy>,
    name: &str,
    value: &T,
    limits: &Limits,
) -> Result<Value, Diagnostics> {
    let not_serializable = |e: serde_json::Error| {
        let mut ds = Diagnostics::default();
        ds.push(
            Diagnostic::new(
                codes::FACTS_SYNTAX,
                format!("the facts cannot be serialized: {e}"),
            )
            .help("facts serialize to a map of fact roots: use structs, and maps with string keys"),
        );
        ds
    };
    let text = serde_json::to_string(value).map_err(not_serializable)?;
    let file = Arc::new(SourceFile::new(name, text));
    let first = match load_with_limits(schema, &file, 0..file.text().len(), Format::Json, limits) {
        Ok(v) => return Ok(v),
        Err(d) => d,
    };
    // A `Serialize` implementation that breaks serde's rules (a map that
    // says it is empty, then gives entries) makes text that is not JSON,
    // and serde_json's pretty printer loses count of its indentation on it
    // (a panic, or an endless indent in a release build): such text is not
    // printed again.
    if serde_json::from_str::<serde::de::IgnoredAny>(file.text()).is_err() {
        return Err(first);
    }
    let Ok(pretty) = serde_json::to_string_pretty(value) else {
        return Err(first);
    };
    let file = Arc::new(SourceFile::new(name, pretty));
    match load_with_limits(schema, &file, 0..file.text().len(), Format::Json, limits) {
        Ok(_) => Err(first.windowed((0, 0))),
        Err(d) => Err(d.windowed((0, 0))),
    }
}

/// Reads `value` as a record of `schema` straight from its serializer:
/// the value its JSON text would be read as, or `None` when the text path
/// must read it (see the module documentation).
pub(super) fn read<T: Serialize + ?Sized>(
    value: &T,
    schema: &Arc<RecordTy>,
    limits: &Limits,
) -> Option<Value> {
    let mut state = State {
        size: 0,
        text: 0,
        max_bytes: limits.max_facts_bytes,
        max_depth: limits.facts_depth(),
        nesting: 0,
        // Room for the values of the records and lists open together in
        // most requests, in one small allocation.
        stack: Vec::with_capacity(32),
    };
    let root = Ty::Record(schema.clone());
    let read = value
        .serialize(ValueSer {
            ty: &root,
            depth: 0,
            state: &mut state,
        })
        .ok()?;
    // The size counted strings without their escape sequences, each at
    // most 6 bytes a byte: when that could pass the limit, the text's
    // length is measured.
    let most = state.size.saturating_add(state.text.saturating_mul(5));
    if most > state.max_bytes {
        let mut counted = Counted(0);
        serde_json::to_writer(&mut counted, value).ok()?;
        if counted.0 > state.max_bytes {
            return None;
        }
    }
    Some(read)
}

/// Counts the bytes written to it.
struct Counted(usize);

impl std::io::Write for Counted {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Why the serializer gave up: the value is read through its text instead.
#[derive(Debug)]
pub(super) struct Refuse;

impl fmt::Display for Refuse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("read through the JSON text instead")
    }
}

impl std::error::Error for Refuse {}

impl ser::Error for Refuse {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Refuse
    }
}

/// Shared by the serializers of one value.
struct State {
    /// The bytes of serde_json's compact text of the value so far, with
    /// strings counted as if nothing in them were escaped.
    size: usize,
    /// The bytes of the strings (keys included) so far, as they are.
    text: usize,
    /// [`Limits::max_facts_bytes`]: a longer text is refused.
    max_bytes: usize,
    /// [`Limits::max_facts_depth`], as the reader counts depth.
    max_depth: usize,
    /// Lists and objects open around the value being serialized.
    nesting: usize,
    /// The values of the records and lists being serialized, innermost
    /// last: moved into each when it ends (one allocation a record or
    /// list).
    stack: Vec<Value>,
}

impl State {
    /// `bytes` more of the text.
    fn grow(&mut self, bytes: usize) -> Result<(), Refuse> {
        self.size = self.size.saturating_add(bytes);
        if self.size > self.max_bytes {
            return Err(Refuse);
        }
        Ok(())
    }

    /// A string of `len` bytes in the text: `"…"`, and what follows it
    /// (`extra` bytes).
    fn string(&mut self, len: usize, extra: usize) -> Result<(), Refuse> {
        self.text = self.text.saturating_add(len);
        self.grow(len.saturating_add(2 + extra))
    }

    /// A list or an object opens (its brackets counted).
    fn open(&mut self) -> Result<(), Refuse> {
        self.grow(2)?;
        self.nesting += 1;
        if self.nesting >= MAX_NESTING {
            return Err(Refuse);
        }
        Ok(())
    }
}

/// The length of a whole number's digits, with its sign.
fn int_len(negative: bool, magnitude: u128) -> usize {
    let digits = magnitude.checked_ilog10().map_or(1, |l| l as usize + 1);
    digits + usize::from(negative)
}

/// Whether `text` is a JSON number: `-? (0 | [1-9][0-9]*) (. [0-9]+)?
/// ([eE] [+-]? [0-9]+)?`.
fn is_json_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut at = usize::from(b.first() == Some(&b'-'));
    let digits = |at: &mut usize| {
        let start = *at;
        while b.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        *at > start
    };
    match b.get(at) {
        Some(b'0') => at += 1,
        Some(b'1'..=b'9') => {
            digits(&mut at);
        }
        _ => return false,
    }
    if b.get(at) == Some(&b'.') {
        at += 1;
        if !digits(&mut at) {
            return false;
        }
    }
    if let Some(b'e' | b'E') = b.get(at) {
        at += 1;
        if let Some(b'+' | b'-') = b.get(at) {
            at += 1;
        }
        if !digits(&mut at) {
            return false;
        }
    }
    at == b.len()
}

/// Serializes one value of type `ty` (a field's, an element's or the
/// root's) at `depth`, counted as the reader counts it.
struct ValueSer<'a> {
    ty: &'a Ty,
    depth: usize,
    state: &'a mut State,
}

impl<'a> ValueSer<'a> {
    /// The serializer of a field's or an element's value at `depth`,
    /// within the depth limit.
    fn child(state: &'a mut State, ty: &'a Ty, depth: usize) -> Result<Self, Refuse> {
        if depth > state.max_depth {
            return Err(Refuse);
        }
        Ok(ValueSer { ty, depth, state })
    }

    /// The type and depth of a value that is there (not `null`): an
    /// optional's value is read one level deeper.
    fn present(&self) -> Result<(&'a Ty, usize), Refuse> {
        match self.ty {
            Ty::Optional(inner) => {
                let depth = self.depth + 1;
                if depth > self.state.max_depth {
                    return Err(Refuse);
                }
                Ok((inner.required(), depth))
            }
            ty => Ok((ty, self.depth)),
        }
    }

    /// `null`: an optional value left out.
    fn null(self) -> Result<Value, Refuse> {
        self.state.grow(4)?;
        if self.ty.is_optional() {
            Ok(Value::Absent)
        } else {
            Err(Refuse)
        }
    }

    /// A number, from its JSON text, as the reader reads its digits.
    fn number(self, text: &str) -> Result<Value, Refuse> {
        self.number_written(text.len(), text)
    }

    /// A number whose text is `written` bytes long with the white space
    /// around `text`, its digits.
    fn number_written(self, written: usize, text: &str) -> Result<Value, Refuse> {
        self.state.grow(written)?;
        let value = match self.present()?.0 {
            Ty::Int => {
                let digits = text.strip_prefix('-').unwrap_or(text);
                if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                    text.parse::<i64>().ok().map(Value::Int)
                } else {
                    None
                }
            }
            Ty::Decimal => literal::decimal(text).ok().map(Value::Decimal),
            _ => None,
        };
        value.ok_or(Refuse)
    }

    /// A whole number that fits in 64 bits.
    fn int(self, negative: bool, magnitude: u64, value: i128) -> Result<Value, Refuse> {
        self.state.grow(int_len(negative, u128::from(magnitude)))?;
        match self.present()?.0 {
            Ty::Int => i64::try_from(value).map(Value::Int).map_err(|_| Refuse),
            // Exactly what the reader makes of the digits: scale 0.
            Ty::Decimal => Decimal::try_from_i128_with_scale(value, 0)
                .map(Value::Decimal)
                .map_err(|_| Refuse),
            _ => Err(Refuse),
        }
    }

    /// A float, written as serde_json writes it (`null` when it is not
    /// finite), then read from that text.
    fn float<F: Serialize>(self, value: F) -> Result<Value, Refuse> {
        let text = serde_json::to_string(&value).map_err(|_| Refuse)?;
        if text == "null" {
            self.null()
        } else {
            self.number(&text)
        }
    }

    /// A string.
    fn string(self, s: &str) -> Result<Value, Refuse> {
        self.state.string(s.len(), 0)?;
        let value = match self.present()?.0 {
            Ty::Str => Some(Value::Str(Arc::from(s))),
            Ty::Decimal => literal::decimal(s).ok().map(Value::Decimal),
            Ty::Date => literal::date(s).map(Value::Date),
            Ty::DateTime => literal::datetime(s).ok().map(Value::DateTime),
            Ty::Enum(e) => e
                .variants
                .iter()
                .find(|v| ***v == *s)
                .map(|v| Value::Enum(v.clone())),
            _ => None,
        };
        value.ok_or(Refuse)
    }

    /// A list opens.
    fn list(self, len: Option<usize>) -> Result<ListSer<'a>, Refuse> {
        let (Ty::List(elem), depth) = self.present()? else {
            return Err(Refuse);
        };
        self.state.open()?;
        self.state.stack.reserve(len.unwrap_or(0).min(1024));
        Ok(ListSer {
            elem,
            depth,
            base: self.state.stack.len(),
            said_empty: len == Some(0),
            state: self.state,
        })
    }

    /// An object opens, read as a record.
    fn record(self, len: Option<usize>) -> Result<RecordSer<'a>, Refuse> {
        let (Ty::Record(record), depth) = self.present()? else {
            return Err(Refuse);
        };
        self.state.open()?;
        let base = self.state.stack.len();
        self.state
            .stack
            .resize(base + record.fields.len(), Value::Absent);
        Ok(RecordSer {
            record,
            depth,
            base,
            seen: Seen::new(record.fields.len()),
            key: None,
            next: 0,
            entries: 0,
            said_empty: len == Some(0),
            state: self.state,
        })
    }
}

impl<'a> Serializer for ValueSer<'a> {
    type Ok = Value;
    type Error = Refuse;
    type SerializeSeq = ListSer<'a>;
    type SerializeTuple = ListSer<'a>;
    type SerializeTupleStruct = ListSer<'a>;
    type SerializeTupleVariant = Impossible<Value, Refuse>;
    type SerializeMap = RecordSer<'a>;
    type SerializeStruct = StructSer<'a>;
    type SerializeStructVariant = Impossible<Value, Refuse>;

    fn serialize_bool(self, v: bool) -> Result<Value, Refuse> {
        self.state.grow(if v { 4 } else { 5 })?;
        match self.present()?.0 {
            Ty::Bool => Ok(Value::Bool(v)),
            _ => Err(Refuse),
        }
    }

    fn serialize_i8(self, v: i8) -> Result<Value, Refuse> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i16(self, v: i16) -> Result<Value, Refuse> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i32(self, v: i32) -> Result<Value, Refuse> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i64(self, v: i64) -> Result<Value, Refuse> {
        self.int(v < 0, v.unsigned_abs(), i128::from(v))
    }

    fn serialize_i128(self, v: i128) -> Result<Value, Refuse> {
        match u64::try_from(v.unsigned_abs()) {
            Ok(magnitude) => self.int(v < 0, magnitude, v),
            Err(_) => self.number(&v.to_string()),
        }
    }

    fn serialize_u8(self, v: u8) -> Result<Value, Refuse> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u16(self, v: u16) -> Result<Value, Refuse> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u32(self, v: u32) -> Result<Value, Refuse> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u64(self, v: u64) -> Result<Value, Refuse> {
        self.int(false, v, i128::from(v))
    }

    fn serialize_u128(self, v: u128) -> Result<Value, Refuse> {
        match u64::try_from(v) {
            Ok(v) => self.serialize_u64(v),
            Err(_) => self.number(&v.to_string()),
        }
    }

    fn serialize_f32(self, v: f32) -> Result<Value, Refuse> {
        self.float(v)
    }

    fn serialize_f64(self, v: f64) -> Result<Value, Refuse> {
        self.float(v)
    }

    fn serialize_char(self, v: char) -> Result<Value, Refuse> {
        self.string(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<Value, Refuse> {
        self.string(v)
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<Value, Refuse> {
        Err(Refuse)
    }

    fn serialize_none(self) -> Result<Value, Refuse> {
        self.null()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, Refuse> {
        // JSON has no mark for `Some`: the value alone.
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Value, Refuse> {
        self.null()
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<Value, Refuse> {
        self.null()
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Value, Refuse> {
        self.string(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Value, Refuse> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Value, Refuse> {
        Err(Refuse)
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<ListSer<'a>, Refuse> {
        self.list(len)
    }

    fn serialize_tuple(self, len: usize) -> Result<ListSer<'a>, Refuse> {
        self.list(Some(len))
    }

    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<ListSer<'a>, Refuse> {
        self.list(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Impossible<Value, Refuse>, Refuse> {
        Err(Refuse)
    }

    fn serialize_map(self, len: Option<usize>) -> Result<RecordSer<'a>, Refuse> {
        self.record(len)
    }

    fn serialize_struct(self, name: &'static str, len: usize) -> Result<StructSer<'a>, Refuse> {
        if name == JSON_NUMBER_TOKEN {
            return Ok(StructSer::Number {
                value: self,
                digits: None,
            });
        }
        if name.starts_with(SERDE_JSON_PRIVATE) {
            return Err(Refuse);
        }
        self.record(Some(len)).map(StructSer::Record)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Impossible<Value, Refuse>, Refuse> {
        Err(Refuse)
    }

    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result<Value, Refuse> {
        // Dates and times are written this way: short, so formatted on the
        // stack.
        let mut text = ShortText {
            short: [0; 64],
            len: 0,
            long: None,
        };
        write!(text, "{value}").map_err(|_| Refuse)?;
        match &text.long {
            Some(long) => self.string(long),
            None => {
                let short = text.short.get(..text.len).ok_or(Refuse)?;
                // A date (chrono writes `YYYY-MM-DD`) is read from the
                // bytes: only ASCII digits and dashes pass, and with a
                // digit at each end there is nothing to trim.
                let digit_ends = |b: &[u8]| {
                    b.first().is_some_and(u8::is_ascii_digit)
                        && b.last().is_some_and(u8::is_ascii_digit)
                };
                if matches!(self.present()?.0, Ty::Date) && digit_ends(short) {
                    self.state.string(short.len(), 0)?;
                    return literal::date_bytes(short).map(Value::Date).ok_or(Refuse);
                }
                self.string(std::str::from_utf8(short).map_err(|_| Refuse)?)
            }
        }
    }
}

mod compound;

use compound::{ListSer, RecordSer, ShortText, StructSer};
