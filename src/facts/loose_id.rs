//! The identifier of a document that does not fit the schema, for the error
//! record of a batch.

use std::fmt;
use std::sync::Arc;

use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use super::merge::MERGE_KEY;
use super::scan::{flow_too_deep, MAX_FLOW_DEPTH};
use crate::limits::Limits;
use crate::value::Value;

/// The request identifier of a document that could not be read against the
/// schema (`path`: the identifier's field names from the root), when it is
/// there as a scalar at all; `Value::Absent` otherwise.
///
/// Only the mappings along `path` are visited: everything else is skipped
/// without expanding YAML aliases, so that a document refused as an alias
/// bomb or for its size costs nothing more here. In YAML (`merges`), a
/// field along the path may come from a merge key (`<<: *base`), as the
/// facts reader reads it: a field written in the mapping wins, then the
/// merged mappings in order.
pub(crate) fn loose_id(doc: &str, path: &[Arc<str>], limits: &Limits, merges: bool) -> Value {
    if path.is_empty() || doc.len() > limits.max_facts_bytes {
        return Value::Absent;
    }
    if flow_too_deep(doc, MAX_FLOW_DEPTH).is_some() {
        return Value::Absent;
    }
    let id = PathSeed { path, merges }
        .deserialize(serde_yaml::Deserializer::from_str(doc))
        .unwrap_or(Value::Absent);
    // The record names the request as it was written: a value the reader
    // converted (`0x1F` read as 31, `1e3` as 1000) is no name the caller
    // sent, so the record has none rather than a false one.
    match &id {
        Value::Str(text) if !written_in(doc, text) => Value::Absent,
        _ => id,
    }
}

/// Whether `text` stands in `doc` as a whole token (not inside a longer
/// number or word: `5` is not written in `+5`, nor `inf` in `.inf`).
fn written_in(doc: &str, text: &str) -> bool {
    let part = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '.'));
    !text.is_empty()
        && doc.match_indices(text).any(|(i, _)| {
            let before = doc.get(..i).and_then(|b| b.chars().next_back());
            let after = doc.get(i + text.len()..).and_then(|a| a.chars().next());
            !part(before) && !matches!(before, Some('+' | '-')) && !part(after)
        })
}

/// Follows a path of mapping keys down to a scalar.
#[derive(Clone, Copy)]
struct PathSeed<'a> {
    path: &'a [Arc<str>],
    /// Whether `<<` is a merge key (YAML), not a field name (JSON).
    merges: bool,
}

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
        Ok(if self.path.is_empty() {
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
        Ok(if self.path.is_empty() {
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
        let mut merged = Value::Absent;
        while let Some(key) = map.next_key::<KeyText>()? {
            match (self.path.split_first(), key.0) {
                (Some((first, rest)), Some(k)) if *k == **first && found == Value::Absent => {
                    found = map.next_value_seed(PathSeed { path: rest, ..self })?;
                }
                (Some(_), Some(k)) if self.merges && k == MERGE_KEY && merged == Value::Absent => {
                    merged = map.next_value_seed(MergeSeed(self))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(if found == Value::Absent {
            merged
        } else {
            found
        })
    }
}

/// The value of a merge key: a mapping, or a list of mappings of which
/// the first that gives the path wins; the path is followed in it as in the
/// mapping it is merged into.
struct MergeSeed<'a>(PathSeed<'a>);

impl<'de> DeserializeSeed<'de> for MergeSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for MergeSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping or a list of mappings")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        self.0.visit_map(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut found = Value::Absent;
        while let Some(v) = seq.next_element_seed(MergeSeed(self.0))? {
            if found == Value::Absent {
                found = v;
            }
        }
        Ok(found)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Value, E> {
        Ok(Value::Absent)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Value, E> {
        Ok(Value::Absent)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Value, E> {
        Ok(Value::Absent)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Value, E> {
        Ok(Value::Absent)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Value, E> {
        Ok(Value::Absent)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Absent)
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn id(doc: &str, merges: bool) -> Value {
        let path: Vec<Arc<str>> = vec![Arc::from("s"), Arc::from("id")];
        loose_id(doc, &path, &Limits::default(), merges)
    }

    fn text(v: &str) -> Value {
        Value::Str(Arc::from(v))
    }

    #[test]
    fn the_identifier_is_found_where_the_facts_reader_finds_it() {
        assert_eq!(id("s: { id: a, n: x }", true), text("a"));
        // From a merge, the mapping's own field winning whatever the order.
        assert_eq!(id("s: { <<: { id: m }, n: x }", true), text("m"));
        assert_eq!(id("s: { <<: { id: m }, id: own }", true), text("own"));
        assert_eq!(id("s: { id: own, <<: { id: m } }", true), text("own"));
        // Through an alias, and the first of a merge list that gives it.
        assert_eq!(
            id("s: { <<: [{ n: 1 }, { id: one }, { id: two }] }", true),
            text("one")
        );
        assert_eq!(id("s: { <<: [*a] }", true), Value::Absent);
        // Merged mappings nest: the path is followed in each.
        let path: Vec<Arc<str>> = vec![Arc::from("s"), Arc::from("k"), Arc::from("id")];
        assert_eq!(
            loose_id(
                "s: { <<: { k: { <<: { id: deep } } } }",
                &path,
                &Limits::default(),
                true
            ),
            text("deep")
        );
        // JSON has no merge keys.
        assert_eq!(id(r#"{"s": {"<<": {"id": "j"}}}"#, false), Value::Absent);
        // Not a scalar, or not there.
        assert_eq!(id("s: { id: [a] }", true), Value::Absent);
        assert_eq!(id("s: { <<: 3 }", true), Value::Absent);
    }
}
