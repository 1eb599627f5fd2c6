//! YAML merge keys (YAML 1.1): `<<: *base` in a mapping of facts adds the
//! fields of the mapping anchored `&base` that the mapping does not give
//! itself; `<<: [*a, *b]` merges several mappings, the earlier one winning
//! a field both give. Fields written in the mapping win whatever their
//! order relative to `<<`, and the merge is shallow: a merged field's value
//! is taken whole.
//!
//! A merged mapping is read against the same record type as the mapping
//! it is merged into, by the same reader: an unknown or mistyped field in
//! it is the same error as anywhere else, pointing where it is written
//! (serde_yaml replays an alias with the positions of the anchored node).
//! JSON has no merge keys: there `"<<"` is an unknown field.

use std::fmt;
use std::sync::Arc;

use serde::de::{
    Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use super::locate::{Detail, Found, Target};
use super::messages::too_many_values;
use super::reading::{Expect, Recovery, Seen};
use crate::diag::codes;
use crate::types::RecordTy;
use crate::value::Value;

/// The merge key.
pub(super) const MERGE_KEY: &str = "<<";

/// The fields one mapping gives (its merges included): a value a field of
/// the record, and which of them were given.
pub(super) struct Given {
    pub(super) values: Arc<[Value]>,
    pub(super) seen: Seen,
    /// The fields that unknown keys were taken for (see
    /// [`super::keys::KeySeed::meant`]).
    pub(super) meant: Seen,
    /// Not a mapping at all (a JSON number where a record is expected),
    /// its error raised or counted: the record reads as absent.
    pub(super) refused: bool,
}

impl Given {
    /// A value refused where a mapping of `record` is expected.
    pub(super) fn refused(record: &RecordTy) -> Given {
        Given {
            values: std::iter::repeat_n(Value::Absent, record.fields.len()).collect(),
            seen: Seen::new(record.fields.len()),
            meant: Seen::new(record.fields.len()),
            refused: true,
        }
    }

    /// Takes from `other` the fields this mapping does not give.
    pub(super) fn fill_from(&mut self, other: &Given) {
        let Some(values) = Arc::get_mut(&mut self.values) else {
            return;
        };
        for (i, slot) in values.iter_mut().enumerate() {
            if other.meant.has(i) {
                self.meant.set(i);
            }
            if !self.seen.has(i) && other.seen.has(i) {
                if let Some(v) = other.values.get(i) {
                    *slot = v.clone();
                }
                self.seen.set(i);
            }
        }
    }
}

/// Reads the value of a merge key: a mapping, or (at the top, not inside
/// a list) a list of mappings, each read against `record`.
pub(super) struct MergeSeed<'a> {
    pub(super) expect: Expect<'a>,
    pub(super) record: &'a RecordTy,
    pub(super) in_list: bool,
    /// The node of the value read (set when reading starts).
    pub(super) node: usize,
}

impl<'de> DeserializeSeed<'de> for MergeSeed<'_> {
    type Value = Given;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Given, D::Error> {
        let ctx = self.expect.ctx;
        let node = ctx.enter();
        let left = ctx.budget.get();
        if left == 0 {
            return Err(ctx.raise(too_many_values(), node.id, Recovery::Fatal));
        }
        ctx.budget.set(left - 1);
        if node.pass.is_some() {
            // An earlier reading stopped at this value's error: step over
            // it, merging nothing.
            ctx.pass();
            IgnoredAny::deserialize(d)?;
            return Ok(self.nothing());
        }
        let expect = self.expect;
        let result = d.deserialize_any(MergeSeed {
            node: node.id,
            ..self
        });
        if let Err(e) = &result {
            // A scalar (or a list inside the list): serde's own error. A
            // next reading steps over the value.
            let text = e.to_string();
            if !ctx.has_raised() && text.contains("invalid type: ") {
                let found = if text.contains("invalid type: sequence") {
                    Found::Seq
                } else {
                    Found::Text
                };
                ctx.raise::<D::Error>(not_mergeable(&expect, found), node.id, Recovery::Skip);
            }
        }
        result
    }
}

impl<'de> Visitor<'de> for MergeSeed<'_> {
    type Value = Given;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping to merge")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Given, A::Error> {
        self.expect.given(self.record, map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Given, A::Error> {
        if self.in_list {
            return Err(self.expect.ctx.raise(
                not_mergeable(&self.expect, Found::Seq),
                self.node,
                Recovery::Skip,
            ));
        }
        let mut merged: Option<Given> = None;
        while let Some(next) = seq.next_element_seed(MergeSeed {
            in_list: true,
            ..self
        })? {
            // The earlier mappings win.
            match &mut merged {
                None => merged = Some(next),
                Some(m) => m.fill_from(&next),
            }
        }
        Ok(merged.unwrap_or_else(|| self.nothing()))
    }
}

impl MergeSeed<'_> {
    /// No field merged.
    fn nothing(&self) -> Given {
        Given {
            values: std::iter::repeat_n(Value::Absent, self.record.fields.len()).collect(),
            seen: Seen::new(self.record.fields.len()),
            meant: Seen::new(self.record.fields.len()),
            refused: false,
        }
    }
}

/// The value of a merge key is not a mapping (or a list of mappings).
fn not_mergeable(expect: &Expect<'_>, found: Found) -> Detail {
    Detail {
        code: codes::FACTS_WRONG_TYPE,
        message: format!(
            "{}: the merge key `<<` takes a mapping or a list of mappings",
            expect.path.subject()
        ),
        found: Some(found),
        label: "not a mapping to merge".into(),
        help: "`<<: *name` merges the mapping anchored `&name` (the fields written beside `<<` win); `<<: [*a, *b]` merges several, the first winning".into(),
        target: Target::Node,
        hint: None,
        path: expect.path.named(),
    }
}
