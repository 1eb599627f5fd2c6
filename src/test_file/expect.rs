//! What a test expects (`expect:`), read so that an expectation that
//! would check nothing or could never be met is refused at the key or value
//! that is wrong.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::Reader;
use crate::diag::codes;
use crate::facts::Problem;
use crate::suggest::suggest;

/// What a test expects of the decision. Each part left out is not checked.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// `allow` or `deny`.
    pub decision: Option<String>,
    /// Exactly these deny codes.
    pub reasons: Option<Vec<String>>,
    /// At least these deny codes.
    pub reasons_include: Option<Vec<String>>,
    /// Exactly these deny codes, in this order (the order of the rules).
    pub reasons_in_order: Option<Vec<String>>,
    /// Exactly these note codes.
    pub notes: Option<Vec<String>>,
    /// At least these note codes.
    pub notes_include: Option<Vec<String>>,
    /// These outputs have these values (the others are not compared),
    /// compared as the JSON decision writes them: a decimal is a quoted
    /// text with its scale (`"0.00"` is not `"0"`, and an unquoted `0`
    /// matches neither), an integer a number, a text a text.
    pub outputs: Option<BTreeMap<String, serde_json::Value>>,
}

/// The keys of `expect`.
const EXPECT_KEYS: [&str; 7] = [
    "decision",
    "reasons",
    "reasons_in_order",
    "reasons_include",
    "notes",
    "notes_include",
    "outputs",
];

/// What `expect` may hold, for help lines.
const EXPECT_SHAPES: &str = "`decision` is `allow` or `deny`; `reasons`, `reasons_in_order`, `reasons_include`, `notes`, `notes_include` are lists of codes; `outputs` maps output names to values";

/// A `pactum::test::malformed` problem.
pub(super) fn malformed(
    message: String,
    label: &str,
    help: String,
    hint: Option<String>,
) -> Problem {
    Problem {
        code: codes::TEST_MALFORMED,
        message,
        label: label.to_string(),
        help,
        hint,
    }
}

/// Reads `expect:`, refusing, at the place of the mistake, an `expect`
/// that would check nothing or could never be met: not a mapping, empty,
/// an unknown or repeated key, a key without a value (`reasons:` alone), a
/// decision other than `allow` or `deny`, a value of the wrong shape.
pub(super) struct ExpectSeed<'a>(pub(super) &'a Reader<'a>);

impl ExpectSeed<'_> {
    fn not_a_mapping<E: de::Error>(&self, hint: Option<String>) -> E {
        self.0.fail(malformed(
            "`expect` is not a mapping of what the decision must be".into(),
            "not a mapping",
            format!(
                "write `expect:` with at least one of {}, such as `expect: {{ decision: allow }}`",
                EXPECT_KEYS.join(", ")
            ),
            hint,
        ))
    }
}

impl<'de> DeserializeSeed<'de> for ExpectSeed<'_> {
    type Value = Expect;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Expect, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ExpectSeed<'_> {
    type Value = Expect;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping of what the decision must be")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Expect, A::Error> {
        let reader = self.0;
        let mut fields = serde_json::Map::new();
        while let Some(key) = map.next_key_seed(ExpectKeySeed {
            reader,
            given: &fields,
        })? {
            let value = map.next_value_seed(ExpectValueSeed { reader, key })?;
            fields.insert(key.to_string(), value);
        }
        if fields.is_empty() {
            return Err(reader.fail(malformed(
                "`expect` is empty: the test would check nothing".into(),
                "nothing expected",
                "say what the decision must be, such as `expect: { decision: allow }`".into(),
                None,
            )));
        }
        serde_json::from_value(serde_json::Value::Object(fields)).map_err(|e| {
            reader.fail(malformed(
                format!("`expect` cannot be read: {e}"),
                "here",
                EXPECT_SHAPES.into(),
                None,
            ))
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Expect, A::Error> {
        Err(self.not_a_mapping(None))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Expect, E> {
        Err(self.not_a_mapping(Some(v.to_string())))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Expect, E> {
        Err(self.not_a_mapping(Some(v.to_string())))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Expect, E> {
        Err(self.not_a_mapping(Some(v.to_string())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Expect, E> {
        Err(self.not_a_mapping(Some(v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Expect, E> {
        Err(self.not_a_mapping(None))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Expect, E> {
        Err(self.0.fail(malformed(
            "`expect` has no value: the test would check nothing".into(),
            "no value",
            "say what the decision must be, such as `expect: { decision: allow }`".into(),
            None,
        )))
    }

    fn visit_none<E: de::Error>(self) -> Result<Expect, E> {
        self.visit_unit()
    }
}

/// Reads a key of `expect`: one of [`EXPECT_KEYS`], given once.
struct ExpectKeySeed<'a> {
    reader: &'a Reader<'a>,
    given: &'a serde_json::Map<String, serde_json::Value>,
}

impl<'de> DeserializeSeed<'de> for ExpectKeySeed<'_> {
    type Value = &'static str;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<&'static str, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for ExpectKeySeed<'_> {
    type Value = &'static str;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "one of {}", EXPECT_KEYS.join(", "))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<&'static str, E> {
        let Some(known) = EXPECT_KEYS.iter().find(|k| **k == key) else {
            let help = match suggest(key, EXPECT_KEYS) {
                Some(near) => format!(
                    "did you mean `{near}`? `expect` takes {}",
                    EXPECT_KEYS.join(", ")
                ),
                None => format!("`expect` takes {}", EXPECT_KEYS.join(", ")),
            };
            return Err(self.reader.fail(malformed(
                format!("unknown key `{key}` in `expect`"),
                "unknown key",
                help,
                Some(key.to_string()),
            )));
        };
        if self.given.contains_key(key) {
            return Err(self.reader.fail(malformed(
                format!("the key `{key}` is given twice in `expect`"),
                "given again here",
                format!("keep only one `{key}` entry"),
                Some(key.to_string()),
            )));
        }
        Ok(known)
    }
}

/// Reads the value of the key `key` of `expect`, refusing a missing value,
/// a decision other than `allow` or `deny`, and a value of the wrong shape
/// at the value.
struct ExpectValueSeed<'a> {
    reader: &'a Reader<'a>,
    key: &'static str,
}

impl ExpectValueSeed<'_> {
    /// `value`, when it has the shape `key` takes.
    fn checked<E: de::Error>(
        &self,
        value: serde_json::Value,
        hint: Option<String>,
    ) -> Result<serde_json::Value, E> {
        let key = self.key;
        if key == "decision" && !matches!(value.as_str(), Some("allow" | "deny")) {
            return Err(self.reader.fail(malformed(
                format!("`expect.decision` is {value}: a decision is `allow` or `deny`"),
                "not a decision",
                "write `decision: allow` or `decision: deny`".into(),
                hint,
            )));
        }
        // An inclusion of nothing, or no output to compare, checks nothing
        // (`reasons: []` does check: that there is no reason).
        let empty = match &value {
            serde_json::Value::Array(a) => a.is_empty() && key.ends_with("_include"),
            serde_json::Value::Object(o) => o.is_empty() && key == "outputs",
            _ => false,
        };
        if empty {
            let help = if key == "outputs" {
                "name the outputs to compare, such as `outputs: { total: \"0.00\" }`, or remove the line".to_string()
            } else {
                format!("list the codes that must be among them, or remove the line (`{}: []` checks that there are none)", key.trim_end_matches("_include"))
            };
            return Err(self.reader.fail(malformed(
                format!("`expect.{key}` is empty: the test would not check it"),
                "nothing to check",
                help,
                hint,
            )));
        }
        let mut one = serde_json::Map::new();
        one.insert(key.to_string(), value.clone());
        if serde_json::from_value::<Expect>(serde_json::Value::Object(one)).is_err() {
            let (takes, example) = if key == "outputs" {
                (
                    "a mapping of output names to values",
                    "`outputs: { total: \"0.00\" }`".to_string(),
                )
            } else {
                (
                    "a list of codes",
                    format!("`{key}: [CODE_A, CODE_B]` (`[]` for none)"),
                )
            };
            return Err(self.reader.fail(malformed(
                format!("`expect.{key}` is not {takes}"),
                "not what this key takes",
                format!("write `{key}` as {takes}, such as {example}"),
                hint,
            )));
        }
        Ok(value)
    }
}

impl<'de> DeserializeSeed<'de> for ExpectValueSeed<'_> {
    type Value = serde_json::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<serde_json::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ExpectValueSeed<'_> {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECT_SHAPES)
    }

    fn visit_unit<E: de::Error>(self) -> Result<serde_json::Value, E> {
        let key = self.key;
        Err(self.reader.fail(malformed(
            format!("`expect.{key}` has no value: the test would not check it"),
            "no value",
            format!("give `{key}` a value (`[]` for no codes), or remove the line"),
            None,
        )))
    }

    fn visit_none<E: de::Error>(self) -> Result<serde_json::Value, E> {
        self.visit_unit()
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<serde_json::Value, E> {
        self.checked(v.into(), Some(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<serde_json::Value, E> {
        self.checked(v.into(), Some(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<serde_json::Value, E> {
        self.checked(v.into(), Some(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<serde_json::Value, E> {
        self.checked(v.into(), None)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<serde_json::Value, E> {
        self.checked(v.into(), Some(v.to_string()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<serde_json::Value, A::Error> {
        let value = <serde_json::Value as serde::Deserialize>::deserialize(
            de::value::SeqAccessDeserializer::new(seq),
        )?;
        self.checked(value, None)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<serde_json::Value, A::Error> {
        let value = <serde_json::Value as serde::Deserialize>::deserialize(
            de::value::MapAccessDeserializer::new(map),
        )?;
        self.checked(value, None)
    }
}
