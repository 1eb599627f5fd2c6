//! The keys of a record: each read and checked against the record's fields,
//! so that an unknown or repeated key is reported at the key; the YAML
//! merge key `<<` (see [`super::merge`]); and the key under which
//! serde_json hands over a number's digits.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};

use super::locate::{excerpt, Detail, Target};
use super::merge::MERGE_KEY;
use super::messages::field_list;
use super::reading::{Ctx, Path, Seen, JSON_NUMBER_TOKEN};
use crate::diag::codes;
use crate::suggest::suggest;
use crate::types::RecordTy;

/// Reads a JSON object's key and tells whether it is the token serde_json
/// hands a number's digits under, without copying the key.
pub(super) struct IsNumberToken;

impl<'de> DeserializeSeed<'de> for IsNumberToken {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for IsNumberToken {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == JSON_NUMBER_TOKEN)
    }
}

/// A key of a record: the index of its field.
pub(super) enum Key {
    Field(usize),
    /// The YAML merge key `<<`: its value is merged into the mapping.
    Merge,
    /// The key serde_json uses to hand over a number's digits.
    Number,
}

/// Reads a key of a record and checks it against the record's fields, so
/// that an unknown or repeated key is reported at the key.
pub(super) struct KeySeed<'a> {
    pub(super) record: &'a RecordTy,
    pub(super) seen: &'a Seen,
    /// Whether the mapping already gave a merge key `<<`.
    pub(super) merged: bool,
    pub(super) path: &'a Path<'a>,
    pub(super) ctx: &'a Ctx,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        let ctx = self.ctx;
        let path = self.path;
        let result = d.deserialize_str(self);
        if let Err(e) = &result {
            if !ctx.has_detail() && e.to_string().contains("invalid type: ") {
                ctx.fail::<D::Error>(Detail {
                    code: codes::FACTS_WRONG_TYPE,
                    message: format!("{}: a key must be a field name", path.subject()),
                    found: None,
                    label: "not a field name".into(),
                    help: "write keys as plain names, such as `amount: 3`".into(),
                    target: Target::Node,
                    hint: None,
                    path: path.named(),
                });
            }
        }
        result
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        if self.ctx.json && key == JSON_NUMBER_TOKEN {
            return Ok(Key::Number);
        }
        if !self.ctx.json && key == MERGE_KEY {
            if self.merged {
                return Err(self.ctx.fail(Detail {
                    code: codes::FACTS_SYNTAX,
                    message: format!("{}: the merge key `<<` is given twice", self.path.subject()),
                    found: None,
                    label: "given again here".into(),
                    help: "keep only one `<<` entry: `<<: [*a, *b]` merges several mappings".into(),
                    target: Target::Node,
                    hint: Some(MERGE_KEY.to_string()),
                    path: self.path.named(),
                }));
            }
            return Ok(Key::Merge);
        }
        // Only errors need these words: build them on the error paths.
        let noun = if self.path.is_root() { "fact" } else { "field" };
        let place = || {
            if self.path.is_root() {
                "the document".to_string()
            } else {
                format!("`{}`", self.path)
            }
        };
        match self.record.field(key) {
            Some((i, _)) => {
                if self.seen.has(i) {
                    return Err(self.ctx.fail(Detail {
                        code: codes::FACTS_SYNTAX,
                        message: format!("{}: the {noun} `{key}` is given twice", place()),
                        found: None,
                        label: "given again here".into(),
                        help: format!("keep only one `{key}` entry"),
                        target: Target::Node,
                        hint: Some(key.to_string()),
                        path: self.path.named(),
                    }));
                }
                Ok(Key::Field(i))
            }
            None => {
                let names = self.record.fields.iter().map(|f| &*f.name);
                let help = if let Some(near) = suggest(key, names) {
                    format!("did you mean `{near}`?")
                } else if self.record.fields.is_empty() {
                    format!("{} has no {noun}s", place())
                } else if self.path.is_root() {
                    format!("the facts are: {}", field_list(self.record))
                } else {
                    format!("the fields of {} are: {}", place(), field_list(self.record))
                };
                let message = if self.path.is_root() {
                    format!("unknown fact `{}`", excerpt(key))
                } else {
                    format!("{}: unknown field `{}`", place(), excerpt(key))
                };
                Err(self.ctx.fail(Detail {
                    code: codes::FACTS_UNKNOWN_FIELD,
                    message,
                    found: None,
                    label: format!("unknown {noun}"),
                    help,
                    target: Target::Node,
                    hint: Some(key.to_string()),
                    path: Some(self.path.field(&excerpt(key))),
                }))
            }
        }
    }
}
