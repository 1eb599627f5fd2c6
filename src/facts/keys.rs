//! The keys of a record: each read and checked against the record's fields,
//! so that an unknown or repeated key is reported at the key (and reading
//! goes on past it and its value); the YAML
//! merge key `<<` (see [`super::merge`]); and the key under which
//! serde_json hands over a number's digits.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, Visitor};

use super::locate::{excerpt, Detail, Target};
use super::merge::MERGE_KEY;
use super::messages::field_list;
use super::reading::{Ctx, Path, Recovery, Seen, JSON_NUMBER_TOKEN};
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
    /// A key in error (reported): its value is skipped.
    Ignore,
    /// A key in error, in JSON: serde_json places no error inside a key,
    /// so its value is read with [`PlaceAfter`], which places it.
    Unplaced(usize),
}

/// Reads a key of a record and checks it against the record's fields, so
/// that an unknown or repeated key is reported at the key.
#[derive(Clone, Copy)]
pub(super) struct KeySeed<'a> {
    pub(super) record: &'a RecordTy,
    pub(super) seen: &'a Seen,
    /// Set to the field an unknown key is taken for ("did you mean …?"):
    /// that field is not also reported missing.
    pub(super) meant: &'a Cell<Option<usize>>,
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
        let node = ctx.enter();
        if node.pass.is_some() {
            // An earlier reading stopped at this key's error: step over it.
            ctx.pass();
            IgnoredAny::deserialize(d)?;
            return Ok(Key::Ignore);
        }
        let result = d.deserialize_str(Keyed {
            seed: self,
            node: node.id,
        });
        if let Err(e) = &result {
            if ctx.json && ctx.raised_at(node.id) {
                return Ok(Key::Unplaced(node.id));
            }
            if ctx.catch(node.id, e) {
                return Ok(Key::Ignore);
            }
            if !ctx.has_raised() && e.to_string().contains("invalid type: ") {
                // A mapping or a list as a key: serde_yaml read its start
                // only, and a next reading steps over it.
                ctx.raise::<D::Error>(
                    Detail {
                        code: codes::FACTS_WRONG_TYPE,
                        message: format!("{}: a key must be a field name", path.subject()),
                        found: None,
                        label: "not a field name".into(),
                        help: "write keys as plain names, such as `amount: 3`".into(),
                        target: Target::Node,
                        hint: None,
                        path: path.named(),
                    },
                    node.id,
                    Recovery::Skip,
                );
            }
        }
        result
    }
}

/// The visitor of a [`KeySeed`], for the key numbered `node`.
struct Keyed<'a> {
    seed: KeySeed<'a>,
    node: usize,
}

impl Keyed<'_> {
    /// Refuses the key: raises the error `detail` (the key read whole: its
    /// seed catches it, or in JSON the [`PlaceAfter`] of its value), or
    /// only counts it once the report is full (the key and its value are
    /// then skipped).
    fn refuse<E: de::Error>(&self, detail: impl FnOnce() -> Detail) -> Result<Key, E> {
        let ctx = self.seed.ctx;
        if ctx.counted() {
            return Ok(Key::Ignore);
        }
        let mut detail = detail();
        if ctx.json {
            detail.target = Target::KeyBeforeValue;
        }
        Err(ctx.raise(detail, self.node, Recovery::Caught))
    }
}

/// Reads the value of a JSON key in error (see [`Key::Unplaced`]) and
/// fails after it, where serde_json places the error: the key's error is
/// caught there, and located back over the `:` to the key.
pub(super) struct PlaceAfter<'a> {
    pub(super) ctx: &'a Ctx,
    /// The key's node.
    pub(super) node: usize,
}

impl<'de> DeserializeSeed<'de> for PlaceAfter<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        match d.deserialize_any(Refuse) {
            Err(e) if self.ctx.catch(self.node, &e) => Ok(()),
            Err(e) => {
                // A syntax error in the value ends the reading: it is
                // that error that goes up.
                self.ctx.take_raised();
                Err(e)
            }
            Ok(()) => Ok(()),
        }
    }
}

/// Reads any value whole, then fails.
struct Refuse;

impl Refuse {
    fn fail<T, E: de::Error>(self) -> Result<T, E> {
        Err(E::custom("invalid facts"))
    }
}

impl<'de> Visitor<'de> for Refuse {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.fail()
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.fail()
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.fail()
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.fail()
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.fail()
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.fail()
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.fail()
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.fail()
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.fail()
    }
}

impl<'de> Visitor<'de> for Keyed<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        let seed = self.seed;
        if seed.ctx.json && key == JSON_NUMBER_TOKEN {
            return Ok(Key::Number);
        }
        if !seed.ctx.json && key == MERGE_KEY {
            if seed.merged {
                return self.refuse(|| Detail {
                    code: codes::FACTS_SYNTAX,
                    message: format!("{}: the merge key `<<` is given twice", seed.path.subject()),
                    found: None,
                    label: "given again here".into(),
                    help: "keep only one `<<` entry: `<<: [*a, *b]` merges several mappings".into(),
                    target: Target::Node,
                    hint: Some(MERGE_KEY.to_string()),
                    path: seed.path.named(),
                });
            }
            return Ok(Key::Merge);
        }
        // Only errors need these words: build them on the error paths.
        let noun = if seed.path.is_root() { "fact" } else { "field" };
        let place = || {
            if seed.path.is_root() {
                "the document".to_string()
            } else {
                format!("`{}`", seed.path)
            }
        };
        match seed.record.field(key) {
            Some((i, _)) => {
                if seed.seen.has(i) {
                    return self.refuse(|| Detail {
                        code: codes::FACTS_SYNTAX,
                        message: format!("{}: the {noun} `{key}` is given twice", place()),
                        found: None,
                        label: "given again here".into(),
                        help: format!("keep only one `{key}` entry"),
                        target: Target::Node,
                        hint: Some(key.to_string()),
                        path: seed.path.named(),
                    });
                }
                Ok(Key::Field(i))
            }
            None => {
                let names = seed.record.fields.iter().map(|f| &*f.name);
                // `code:X1` in a YAML flow mapping: one key, for want of the
                // space after the colon.
                let glued = key.split_once(':').filter(|(name, value)| {
                    !value.is_empty()
                        && !value.starts_with([' ', '/'])
                        && seed.record.field(name).is_some()
                });
                let help = if let Some((name, value)) = glued {
                    seed.meant.set(seed.record.field(name).map(|(i, _)| i));
                    format!(
                        "write a space after the colon: `{name}: {value}` (without it, `{}` is one key)",
                        excerpt(key)
                    )
                } else if let Some(near) = suggest(key, names) {
                    seed.meant.set(seed.record.field(&near).map(|(i, _)| i));
                    format!("did you mean `{near}`?")
                } else if seed.record.fields.is_empty() {
                    format!("{} has no {noun}s", place())
                } else if seed.path.is_root() {
                    format!("the facts are: {}", field_list(seed.record))
                } else {
                    format!("the fields of {} are: {}", place(), field_list(seed.record))
                };
                let message = if seed.path.is_root() {
                    format!("unknown fact `{}`", excerpt(key))
                } else {
                    format!("{}: unknown field `{}`", place(), excerpt(key))
                };
                self.refuse(|| Detail {
                    code: codes::FACTS_UNKNOWN_FIELD,
                    message,
                    found: None,
                    label: format!("unknown {noun}"),
                    help,
                    target: Target::Node,
                    hint: Some(key.to_string()),
                    path: Some(seed.path.field(&excerpt(key))),
                })
            }
        }
    }
}
