//! The outcome of evaluating a request: the decision envelope.

use std::sync::Arc;

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use crate::types::Ty;
use crate::value::Value;

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// No deny rule applied.
    Allow,
    /// At least one deny rule applied.
    Deny,
}

/// A deny rule that applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The rule's code, such as `PAY_AS_YOU_GO`.
    pub code: String,
    /// The rule's name.
    pub rule: String,
    /// The message, with values filled in.
    pub message: String,
    /// What the user should do, if the rule says.
    pub help: Option<String>,
    /// Where the rule is written.
    #[serde(skip)]
    pub(crate) span: crate::source::Span,
}

/// A note rule that applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// The rule's code.
    pub code: String,
    /// The message, with values filled in.
    pub message: String,
    /// The rule's name (not in the JSON envelope).
    #[serde(skip)]
    pub rule: String,
    /// Where the rule is written.
    #[serde(skip)]
    pub(crate) span: crate::source::Span,
}

/// The decision about one request.
///
/// Serializes to the JSON envelope `{id, decision, reasons, notes, outputs}`,
/// with outputs in declaration order, decimals as exact strings and dates as
/// `YYYY-MM-DD`.
#[derive(Debug, Clone)]
pub struct Decision {
    pub(crate) id: Value,
    pub(crate) verdict: Verdict,
    pub(crate) reasons: Vec<Reason>,
    pub(crate) notes: Vec<Note>,
    pub(crate) outputs: Vec<(Arc<str>, Value, Ty)>,
}

impl Decision {
    /// Allow or deny.
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }

    /// Whether the request is allowed.
    pub fn is_allowed(&self) -> bool {
        self.verdict == Verdict::Allow
    }

    /// The request's identifier, as the package declares it (absent if none).
    pub fn id(&self) -> &Value {
        &self.id
    }

    /// The deny rules that applied, in package order.
    pub fn reasons(&self) -> &[Reason] {
        &self.reasons
    }

    /// The notes that applied, in package order.
    pub fn notes(&self) -> &[Note] {
        &self.notes
    }

    /// The value of output `name`, if the package declares it.
    pub fn output(&self, name: &str) -> Option<&Value> {
        self.outputs
            .iter()
            .find(|(n, _, _)| &**n == name)
            .map(|(_, v, _)| v)
    }

    /// All outputs, in declaration order.
    pub fn outputs(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.outputs.iter().map(|(n, v, _)| (&**n, v))
    }

    /// The decision as the JSON envelope.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

struct Outputs<'a>(&'a [(Arc<str>, Value, Ty)]);

impl Serialize for Outputs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, value, ty) in self.0 {
            map.serialize_entry(&**name, &value.to_json(ty))?;
        }
        map.end()
    }
}

impl Serialize for Decision {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Decision", 5)?;
        st.serialize_field("id", &self.id.to_json(&Ty::Any))?;
        st.serialize_field("decision", &self.verdict)?;
        st.serialize_field("reasons", &self.reasons)?;
        st.serialize_field("notes", &self.notes)?;
        st.serialize_field("outputs", &Outputs(&self.outputs))?;
        st.end()
    }
}

/// Something written at a place in the package (a reason or a note).
pub trait Located {
    /// Where it is written.
    fn span(&self) -> crate::source::Span;
}

impl Located for Reason {
    fn span(&self) -> crate::source::Span {
        self.span
    }
}

impl Located for Note {
    fn span(&self) -> crate::source::Span {
        self.span
    }
}
