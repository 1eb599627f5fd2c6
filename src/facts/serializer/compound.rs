//! The compound serializers of [`super`]: lists, records (maps and
//! structs), their keys, and text formatted on the stack.

use std::fmt;

use serde::ser::{self, Impossible, Serialize, Serializer};

use super::*;

/// Text formatted on the stack while it is short.
pub(super) struct ShortText {
    pub(super) short: [u8; 64],
    pub(super) len: usize,
    pub(super) long: Option<String>,
}

impl fmt::Write for ShortText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        match self.short.get_mut(self.len..end) {
            Some(room) if self.long.is_none() => {
                room.copy_from_slice(s.as_bytes());
                self.len = end;
                Ok(())
            }
            _ => self.spill(s),
        }
    }

    fn write_char(&mut self, c: char) -> fmt::Result {
        // Formatters write digits one character at a time.
        match self.short.get_mut(self.len) {
            Some(byte) if c.is_ascii() && self.long.is_none() => {
                *byte = c as u8;
                self.len += 1;
                Ok(())
            }
            _ => self.write_str(c.encode_utf8(&mut [0; 4])),
        }
    }
}

impl ShortText {
    /// `s` appended to the text on the heap, where it moves when the
    /// stack is full.
    fn spill(&mut self, s: &str) -> fmt::Result {
        if self.long.is_none() {
            let so_far = self.short.get(..self.len).unwrap_or_default();
            self.long = Some(String::from(
                std::str::from_utf8(so_far).map_err(|_| fmt::Error)?,
            ));
        }
        if let Some(long) = &mut self.long {
            long.push_str(s);
        }
        Ok(())
    }
}

/// The elements of a list.
pub(super) struct ListSer<'a> {
    pub(super) elem: &'a Ty,
    /// The depth of the list's own value.
    pub(super) depth: usize,
    /// Where its elements start on [`State::stack`].
    pub(super) base: usize,
    /// Whether it was announced with no element (serde_json has closed it
    /// already).
    pub(super) said_empty: bool,
    pub(super) state: &'a mut State,
}

impl ListSer<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Refuse> {
        if self.said_empty {
            return Err(Refuse);
        }
        if self.state.stack.len() > self.base {
            self.state.grow(1)?;
        }
        let ser = ValueSer::child(self.state, self.elem, self.depth + 1)?;
        let value = value.serialize(ser)?;
        self.state.stack.push(value);
        Ok(())
    }

    fn close(self) -> Value {
        self.state.nesting -= 1;
        Value::List(self.state.stack.drain(self.base..).collect())
    }
}

impl ser::SerializeSeq for ListSer<'_> {
    type Ok = Value;
    type Error = Refuse;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Refuse> {
        self.element(value)
    }

    fn end(self) -> Result<Value, Refuse> {
        Ok(self.close())
    }
}

impl ser::SerializeTuple for ListSer<'_> {
    type Ok = Value;
    type Error = Refuse;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Refuse> {
        self.element(value)
    }

    fn end(self) -> Result<Value, Refuse> {
        Ok(self.close())
    }
}

impl ser::SerializeTupleStruct for ListSer<'_> {
    type Ok = Value;
    type Error = Refuse;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Refuse> {
        self.element(value)
    }

    fn end(self) -> Result<Value, Refuse> {
        Ok(self.close())
    }
}

/// The fields of a record, given as a map or a struct.
pub(super) struct RecordSer<'a> {
    pub(super) record: &'a RecordTy,
    /// The depth of the record's own value.
    pub(super) depth: usize,
    /// Where its values start on [`State::stack`], one slot a field in
    /// the record's order: moved into the record when it ends (one
    /// allocation a record).
    pub(super) base: usize,
    pub(super) seen: Seen,
    /// The field whose key was given, waiting for its value.
    pub(super) key: Option<usize>,
    /// The field after the last one given: derived structs give their
    /// fields in the schema's order, so it is tried first.
    pub(super) next: usize,
    pub(super) entries: usize,
    pub(super) said_empty: bool,
    pub(super) state: &'a mut State,
}

impl RecordSer<'_> {
    /// The index of the field called `key`, which must not have been given.
    fn key(&mut self, key: &str) -> Result<usize, Refuse> {
        if self.said_empty || self.key.is_some() {
            return Err(Refuse);
        }
        // `"key":`, after a comma unless it is the first.
        self.state
            .string(key.len(), 1 + usize::from(self.entries > 0))?;
        let fields = &self.record.fields;
        let i = match fields.get(self.next) {
            Some(f) if *f.name == *key => self.next,
            // The reader takes this key for a number's digits.
            _ if key == JSON_NUMBER_TOKEN => return Err(Refuse),
            _ => self.record.field(key).ok_or(Refuse)?.0,
        };
        if self.seen.has(i) {
            return Err(Refuse);
        }
        Ok(i)
    }

    /// The value of field `i`.
    fn value<T: Serialize + ?Sized>(&mut self, i: usize, value: &T) -> Result<(), Refuse> {
        let field = self.record.fields.get(i).ok_or(Refuse)?;
        let ser = ValueSer::child(self.state, &field.ty, self.depth + 1)?;
        let value = value.serialize(ser)?;
        let slot = self.state.stack.get_mut(self.base + i).ok_or(Refuse)?;
        *slot = value;
        self.seen.set(i);
        self.next = i + 1;
        self.entries += 1;
        Ok(())
    }

    /// The record, when every required field was given.
    fn close(self) -> Result<Value, Refuse> {
        if self.key.is_some() {
            return Err(Refuse);
        }
        let complete = self
            .record
            .fields
            .iter()
            .enumerate()
            .all(|(i, f)| self.seen.has(i) || f.ty.is_optional());
        if !complete {
            return Err(Refuse);
        }
        self.state.nesting -= 1;
        Ok(Value::Record(self.state.stack.drain(self.base..).collect()))
    }
}

impl ser::SerializeMap for RecordSer<'_> {
    type Ok = Value;
    type Error = Refuse;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Refuse> {
        let i = key.serialize(KeySer { record: self })?;
        self.key = Some(i);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Refuse> {
        let i = self.key.take().ok_or(Refuse)?;
        self.value(i, value)
    }

    fn end(self) -> Result<Value, Refuse> {
        self.close()
    }
}

/// A struct: a record, or a `serde_json::Number` (with serde_json's
/// `arbitrary_precision`, a struct of one field holding its digits).
pub(super) enum StructSer<'a> {
    Record(RecordSer<'a>),
    Number {
        value: ValueSer<'a>,
        digits: Option<String>,
    },
}

impl ser::SerializeStruct for StructSer<'_> {
    type Ok = Value;
    type Error = Refuse;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Refuse> {
        match self {
            StructSer::Record(record) => {
                let i = record.key(key)?;
                record.value(i, value)
            }
            StructSer::Number { digits, .. } => {
                if key != JSON_NUMBER_TOKEN || digits.is_some() {
                    return Err(Refuse);
                }
                *digits = Some(value.serialize(Digits)?);
                Ok(())
            }
        }
    }

    fn end(self) -> Result<Value, Refuse> {
        match self {
            StructSer::Record(record) => record.close(),
            // serde_json writes the digits as they are: only a well-formed
            // number (white space around it is JSON's) reads back as one.
            StructSer::Number {
                value,
                digits: Some(digits),
            } => {
                let number = digits.trim_matches([' ', '\t', '\n', '\r']);
                if !is_json_number(number) {
                    return Err(Refuse);
                }
                value.number_written(digits.len(), number)
            }
            StructSer::Number { digits: None, .. } => Err(Refuse),
        }
    }
}

/// Defines the methods of a serializer that refuses every value they
/// stand for.
macro_rules! refuse {
    ($($method:ident($($arg:ty),*) -> $ok:ty;)*) => {
        $(
            fn $method(self, $(_: $arg),*) -> Result<$ok, Refuse> {
                Err(Refuse)
            }
        )*
    };
}

/// Reads a key of a record: its field's index. serde_json writes string
/// keys (and unit variants, chars, newtype structs around them) as they
/// are; other keys become text that no field is named, or an error.
pub(super) struct KeySer<'r, 'a> {
    pub(super) record: &'r mut RecordSer<'a>,
}

impl Serializer for KeySer<'_, '_> {
    type Ok = usize;
    type Error = Refuse;
    type SerializeSeq = Impossible<usize, Refuse>;
    type SerializeTuple = Impossible<usize, Refuse>;
    type SerializeTupleStruct = Impossible<usize, Refuse>;
    type SerializeTupleVariant = Impossible<usize, Refuse>;
    type SerializeMap = Impossible<usize, Refuse>;
    type SerializeStruct = Impossible<usize, Refuse>;
    type SerializeStructVariant = Impossible<usize, Refuse>;

    fn serialize_str(self, v: &str) -> Result<usize, Refuse> {
        self.record.key(v)
    }

    fn serialize_char(self, v: char) -> Result<usize, Refuse> {
        self.record.key(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<usize, Refuse> {
        self.record.key(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<usize, Refuse> {
        value.serialize(self)
    }

    refuse! {
        serialize_bool(bool) -> usize;
        serialize_i8(i8) -> usize;
        serialize_i16(i16) -> usize;
        serialize_i32(i32) -> usize;
        serialize_i64(i64) -> usize;
        serialize_i128(i128) -> usize;
        serialize_u8(u8) -> usize;
        serialize_u16(u16) -> usize;
        serialize_u32(u32) -> usize;
        serialize_u64(u64) -> usize;
        serialize_u128(u128) -> usize;
        serialize_f32(f32) -> usize;
        serialize_f64(f64) -> usize;
        serialize_bytes(&[u8]) -> usize;
        serialize_none() -> usize;
        serialize_unit() -> usize;
        serialize_unit_struct(&'static str) -> usize;
        serialize_seq(Option<usize>) -> Impossible<usize, Refuse>;
        serialize_tuple(usize) -> Impossible<usize, Refuse>;
        serialize_tuple_struct(&'static str, usize) -> Impossible<usize, Refuse>;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Impossible<usize, Refuse>;
        serialize_map(Option<usize>) -> Impossible<usize, Refuse>;
        serialize_struct(&'static str, usize) -> Impossible<usize, Refuse>;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Impossible<usize, Refuse>;
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<usize, Refuse> {
        Err(Refuse)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<usize, Refuse> {
        Err(Refuse)
    }
}

/// The digits of a `serde_json::Number`: serde_json takes a string and
/// nothing else.
pub(super) struct Digits;

impl Serializer for Digits {
    type Ok = String;
    type Error = Refuse;
    type SerializeSeq = Impossible<String, Refuse>;
    type SerializeTuple = Impossible<String, Refuse>;
    type SerializeTupleStruct = Impossible<String, Refuse>;
    type SerializeTupleVariant = Impossible<String, Refuse>;
    type SerializeMap = Impossible<String, Refuse>;
    type SerializeStruct = Impossible<String, Refuse>;
    type SerializeStructVariant = Impossible<String, Refuse>;

    fn serialize_str(self, v: &str) -> Result<String, Refuse> {
        Ok(v.to_string())
    }

    refuse! {
        serialize_bool(bool) -> String;
        serialize_i8(i8) -> String;
        serialize_i16(i16) -> String;
        serialize_i32(i32) -> String;
        serialize_i64(i64) -> String;
        serialize_i128(i128) -> String;
        serialize_u8(u8) -> String;
        serialize_u16(u16) -> String;
        serialize_u32(u32) -> String;
        serialize_u64(u64) -> String;
        serialize_u128(u128) -> String;
        serialize_f32(f32) -> String;
        serialize_f64(f64) -> String;
        serialize_char(char) -> String;
        serialize_bytes(&[u8]) -> String;
        serialize_none() -> String;
        serialize_unit() -> String;
        serialize_unit_struct(&'static str) -> String;
        serialize_unit_variant(&'static str, u32, &'static str) -> String;
        serialize_seq(Option<usize>) -> Impossible<String, Refuse>;
        serialize_tuple(usize) -> Impossible<String, Refuse>;
        serialize_tuple_struct(&'static str, usize) -> Impossible<String, Refuse>;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Impossible<String, Refuse>;
        serialize_map(Option<usize>) -> Impossible<String, Refuse>;
        serialize_struct(&'static str, usize) -> Impossible<String, Refuse>;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Impossible<String, Refuse>;
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<String, Refuse> {
        Err(Refuse)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<String, Refuse> {
        Err(Refuse)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, Refuse> {
        Err(Refuse)
    }

    fn collect_str<T: fmt::Display + ?Sized>(self, _: &T) -> Result<String, Refuse> {
        // serde_json's default `collect_str` calls `serialize_str`, which
        // its digits emitter takes; left to the text path all the same.
        Err(Refuse)
    }
}
