//! The identifier of a document that does not fit the schema, for the error
//! record of a batch.

use std::fmt;
use std::sync::Arc;

use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use super::scan::{flow_too_deep, MAX_FLOW_DEPTH};
use crate::limits::Limits;
use crate::value::Value;

/// The request identifier of a document that could not be read against the
/// schema (`path`: the identifier's field names from the root), when it is
/// there as a scalar at all; `Value::Absent` otherwise.
///
/// Only the mappings along `path` are visited: everything else is skipped
/// without expanding YAML aliases, so that a document refused as an alias
/// bomb or for its size costs nothing more here.
pub(crate) fn loose_id(doc: &str, path: &[Arc<str>], limits: &Limits) -> Value {
    if path.is_empty() || doc.len() > limits.max_facts_bytes {
        return Value::Absent;
    }
    if flow_too_deep(doc, MAX_FLOW_DEPTH).is_some() {
        return Value::Absent;
    }
    PathSeed(path)
        .deserialize(serde_yaml::Deserializer::from_str(doc))
        .unwrap_or(Value::Absent)
}

/// Follows a path of mapping keys down to a scalar.
#[derive(Clone, Copy)]
struct PathSeed<'a>(&'a [Arc<str>]);

impl<'de> DeserializeSeed<'de> for PathSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PathSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping or a scalar")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(if self.0.is_empty() {
            Value::Bool(v)
        } else {
            Value::Absent
        })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(if self.0.is_empty() {
            Value::Str(Arc::from(v))
        } else {
            Value::Absent
        })
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Absent)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Value::Absent)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut found = Value::Absent;
        while let Some(key) = map.next_key::<KeyText>()? {
            match (self.0.split_first(), key.0) {
                (Some((first, rest)), Some(k)) if *k == **first && found == Value::Absent => {
                    found = map.next_value_seed(PathSeed(rest))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
}

/// A mapping key: its text when it is a string, `None` for anything else.
struct KeyText(Option<String>);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<KeyText, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(Some(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<KeyText, E> {
                Ok(KeyText(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<KeyText, E> {
                Ok(KeyText(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<KeyText, E> {
                Ok(KeyText(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<KeyText, E> {
                Ok(KeyText(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<KeyText, E> {
                Ok(KeyText(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeyText, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(KeyText(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyText, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(KeyText(None))
            }
        }
        d.deserialize_any(V)
    }
}
