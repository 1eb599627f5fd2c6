//! The outcome of evaluating a request: the decision envelope.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use crate::ir::OutputDecl;
use crate::types::Ty;
use crate::value::{Typed, Value};

/// Allow or deny: the `decision` of the JSON envelope (`"allow"`, `"deny"`).
///
/// ```
/// use pactum::{Package, Verdict};
///
/// let policy = Package::from_sources([(
///     "a.policy",
///     "package a\nschema order { total: decimal }\n\
///      rule too_big { deny TOO_BIG when order.total > 100\n\
///        message \"Too big.\" help \"Split the order.\" }",
/// )])
/// .check()
/// .unwrap();
/// assert_eq!(policy.evaluate_str("order: { total: 5 }").unwrap().verdict(), Verdict::Allow);
/// assert_eq!(policy.evaluate_str("order: { total: 500 }").unwrap().verdict(), Verdict::Deny);
/// assert_eq!(serde_json::to_string(&Verdict::Deny).unwrap(), r#""deny""#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// No deny rule applied.
    Allow,
    /// At least one deny rule applied.
    Deny,
}

/// A deny rule that applied: one entry of [`Decision::reasons`].
///
/// ```
/// let policy = pactum::Package::from_sources([(
///     "a.policy",
///     "package a\nschema order { total: decimal }\n\
///      rule too_big { deny TOO_BIG when order.total > 100\n\
///        message \"{order.total} is too much.\" help \"Split the order.\" }",
/// )])
/// .check()
/// .unwrap();
/// let decision = policy.evaluate_str("order: { total: 500 }").unwrap();
/// let reason = &decision.reasons()[0];
/// assert_eq!(reason.code, "TOO_BIG");
/// assert_eq!(reason.rule, "too_big");
/// assert_eq!(reason.message, "500 is too much.");
/// assert_eq!(reason.help.as_deref(), Some("Split the order."));
/// assert_eq!(policy.location(reason), "a.policy:3:6");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The rule's code, such as `ORDER_TOO_LARGE`.
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

/// A note rule that applied: one entry of [`Decision::notes`]. Notes inform;
/// they never change the verdict.
///
/// ```
/// let policy = pactum::Package::from_sources([(
///     "a.policy",
///     "package a\nschema order { total: decimal }\n\
///      rule big { note BIG when order.total > 100 message \"A big one.\" }",
/// )])
/// .check()
/// .unwrap();
/// let decision = policy.evaluate_str("order: { total: 500 }").unwrap();
/// assert!(decision.is_allowed());
/// assert_eq!(decision.notes()[0].code, "BIG");
/// assert_eq!(decision.notes()[0].rule, "big");
/// assert_eq!(decision.notes()[0].message, "A big one.");
/// ```
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

/// The decision about one request: its verdict, the deny rules that applied
/// (the reasons), the notes, and the outputs.
///
/// Serializes to the JSON envelope `{id, decision, reasons, notes, outputs}`
/// that `pactum evaluate --format json` prints, with outputs in declaration
/// order, decimals as exact strings and dates as `YYYY-MM-DD`.
///
/// ```
/// use pactum::{Decimal, Package};
///
/// let policy = Package::from_sources([(
///     "a.policy",
///     "package a\nrequests are identified by order.id\n\
///      schema order { id: string, total: decimal }\n\
///      rule too_big { deny TOO_BIG when order.total > 100\n\
///        message \"Too big.\" help \"Split the order.\" }\n\
///      output charged = if allowed then order.total else 0.00",
/// )])
/// .check()
/// .unwrap();
/// let d = policy.evaluate_str("order: { id: o-7, total: 12.5 }").unwrap();
/// assert!(d.is_allowed());
/// assert_eq!(d.id().as_str(), Some("o-7"));
/// assert!(d.reasons().is_empty());
/// let charged: Decimal = d.output_as("charged").unwrap();
/// assert_eq!(charged, Decimal::new(125, 1));
/// assert_eq!(
///     serde_json::to_value(&d).unwrap(),
///     serde_json::json!({
///         "id": "o-7", "decision": "allow", "reasons": [], "notes": [],
///         "outputs": { "charged": "12.5" }
///     })
/// );
/// ```
#[derive(Debug, Clone)]
pub struct Decision {
    pub(crate) id: Value,
    pub(crate) verdict: Verdict,
    pub(crate) reasons: Vec<Reason>,
    pub(crate) notes: Vec<Note>,
    /// The outputs' values, in the order of `output_decls`.
    pub(crate) outputs: Vec<Value>,
    /// The outputs' names and types: the package's, shared by its decisions.
    pub(crate) output_decls: Arc<[OutputDecl]>,
}

impl Decision {
    /// Allow or deny (the envelope's `decision`).
    ///
    /// ```
    /// # let policy = pactum::Package::from_sources([("a.policy", "package a\nschema o { n: int }\nrule r { deny R when o.n > 1 message \"m\" help \"h\" }")]).check().unwrap();
    /// let d = policy.evaluate_str("o: { n: 2 }").unwrap();
    /// assert_eq!(d.verdict(), pactum::Verdict::Deny);
    /// ```
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }

    /// Whether the request is allowed: no deny rule applied.
    ///
    /// ```
    /// # let policy = pactum::Package::from_sources([("a.policy", "package a\nschema o { n: int }\nrule r { deny R when o.n > 1 message \"m\" help \"h\" }")]).check().unwrap();
    /// assert!(policy.evaluate_str("o: { n: 1 }").unwrap().is_allowed());
    /// assert!(!policy.evaluate_str("o: { n: 2 }").unwrap().is_allowed());
    /// ```
    pub fn is_allowed(&self) -> bool {
        self.verdict == Verdict::Allow
    }

    /// The request's identifier, as the package's `requests are identified
    /// by` line says ([`Value::Absent`] if the package has none).
    ///
    /// ```
    /// let policy = pactum::Package::from_sources([(
    ///     "a.policy",
    ///     "package a\nrequests are identified by o.id\nschema o { id: string }",
    /// )])
    /// .check()
    /// .unwrap();
    /// assert_eq!(policy.evaluate_str("o: { id: x-1 }").unwrap().id().as_str(), Some("x-1"));
    /// ```
    pub fn id(&self) -> &Value {
        &self.id
    }

    /// The deny rules that applied, in package order (empty when allowed).
    ///
    /// ```
    /// # let policy = pactum::Package::from_sources([("a.policy", "package a\nschema o { n: int }\nrule r { deny R when o.n > 1 message \"m\" help \"h\" }")]).check().unwrap();
    /// let d = policy.evaluate_str("o: { n: 2 }").unwrap();
    /// let codes: Vec<&str> = d.reasons().iter().map(|r| r.code.as_str()).collect();
    /// assert_eq!(codes, ["R"]);
    /// ```
    pub fn reasons(&self) -> &[Reason] {
        &self.reasons
    }

    /// The notes that applied, in package order.
    ///
    /// ```
    /// # let policy = pactum::Package::from_sources([("a.policy", "package a\nschema o { n: int }\nrule r { note N when o.n > 1 message \"m\" }")]).check().unwrap();
    /// assert_eq!(policy.evaluate_str("o: { n: 2 }").unwrap().notes().len(), 1);
    /// ```
    pub fn notes(&self) -> &[Note] {
        &self.notes
    }

    /// The value of output `name`, or `None` if the package declares no such
    /// output. An optional output that is not there is [`Value::Absent`].
    ///
    /// ```
    /// # let policy = pactum::Package::from_sources([("a.policy", "package a\nschema o { n: int }\noutput twice = o.n * 2")]).check().unwrap();
    /// let d = policy.evaluate_str("o: { n: 2 }").unwrap();
    /// assert_eq!(d.output("twice").and_then(|v| v.as_int()), Some(4));
    /// assert!(d.output("thrice").is_none());
    /// ```
    pub fn output(&self, name: &str) -> Option<&Value> {
        self.typed_output(name).map(|(v, _)| v)
    }

    /// Output `name` with its type.
    fn typed_output(&self, name: &str) -> Option<(&Value, &Ty)> {
        self.output_decls
            .iter()
            .zip(&self.outputs)
            .find(|(d, _)| &*d.name == name)
            .map(|(d, v)| (v, &d.ty))
    }

    /// The outputs with their names and types, in declaration order.
    fn typed_outputs(&self) -> impl Iterator<Item = (&str, &Value, &Ty)> {
        self.output_decls
            .iter()
            .zip(&self.outputs)
            .map(|(d, v)| (&*d.name, v, &d.ty))
    }

    /// All outputs, in declaration order.
    ///
    /// ```
    /// # let policy = pactum::Package::from_sources([("a.policy", "package a\nschema o { n: int }\noutput a = o.n\noutput b = o.n + 1")]).check().unwrap();
    /// let d = policy.evaluate_str("o: { n: 2 }").unwrap();
    /// let names: Vec<&str> = d.outputs().map(|(name, _)| name).collect();
    /// assert_eq!(names, ["a", "b"]);
    /// ```
    pub fn outputs(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.typed_outputs().map(|(n, v, _)| (n, v))
    }

    /// Output `name` as a Rust value of your choice: [`Decimal`](crate::Decimal),
    /// [`NaiveDate`](crate::NaiveDate), `String`, `bool`, `i64`, `Option<T>`
    /// for an optional output, `Vec<T>` for a list, or your own
    /// `#[derive(Deserialize)]` struct for a record. The value goes through
    /// its JSON form (decimals as exact strings), never through a float.
    ///
    /// Fails when the package declares no output `name` or when the value
    /// does not fit `T`.
    ///
    /// ```
    /// use pactum::{Decimal, NaiveDate, Package};
    ///
    /// let policy = Package::from_sources([(
    ///     "a.policy",
    ///     "package a\nschema o { total: decimal, day: date, due: optional date }\n\
    ///      output total = o.total\noutput day = o.day\noutput due = o.due",
    /// )])
    /// .check()
    /// .unwrap();
    /// let d = policy.evaluate_str("o: { total: 9.90, day: 2026-03-02 }").unwrap();
    /// assert_eq!(d.output_as::<Decimal>("total").unwrap(), Decimal::new(990, 2));
    /// assert_eq!(d.output_as::<NaiveDate>("day").unwrap(), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
    /// assert_eq!(d.output_as::<Option<NaiveDate>>("due").unwrap(), None);
    /// assert!(d.output_as::<Decimal>("nope").is_err());
    /// assert!(d.output_as::<NaiveDate>("total").is_err());
    /// ```
    pub fn output_as<T: DeserializeOwned>(&self, name: &str) -> Result<T, serde_json::Error> {
        match self.typed_output(name) {
            Some((value, ty)) => serde_json::from_value(value.to_json(ty)),
            None => Err(serde::de::Error::custom(format_args!(
                "the package declares no output `{name}`"
            ))),
        }
    }

    /// All outputs at once, as your own struct with one field per output
    /// (fields you leave out are ignored, unless you deny unknown fields).
    ///
    /// ```
    /// use pactum::{Decimal, NaiveDate, Package};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Charge {
    ///     amount: Decimal,
    ///     due: Option<NaiveDate>,
    /// }
    ///
    /// let policy = Package::from_sources([(
    ///     "a.policy",
    ///     "package a\nschema o { total: decimal, day: date }\n\
    ///      output amount = o.total\noutput due = o.day",
    /// )])
    /// .check()
    /// .unwrap();
    /// let d = policy.evaluate_str("o: { total: 9.90, day: 2026-03-02 }").unwrap();
    /// let charge: Charge = d.outputs_as().unwrap();
    /// assert_eq!(charge.amount, Decimal::new(990, 2));
    /// assert_eq!(charge.due, NaiveDate::from_ymd_opt(2026, 3, 2));
    /// ```
    pub fn outputs_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        let map: serde_json::Map<String, serde_json::Value> = self
            .typed_outputs()
            .map(|(n, v, ty)| (n.to_string(), v.to_json(ty)))
            .collect();
        serde_json::from_value(serde_json::Value::Object(map))
    }

    /// The decision as the JSON envelope (what serializing it gives).
    ///
    /// ```
    /// # let policy = pactum::Package::from_sources([("a.policy", "package a\nschema o { n: int }\nrule r { deny R when o.n > 1 message \"m\" help \"h\" }")]).check().unwrap();
    /// let d = policy.evaluate_str("o: { n: 2 }").unwrap();
    /// assert_eq!(d.to_json()["decision"], "deny");
    /// assert_eq!(d.to_json()["reasons"][0]["code"], "R");
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Appends the JSON envelope to `out`: the same bytes as
    /// `serde_json::to_writer(out, self)`, written directly (texts without
    /// anything to escape are copied as they are). What `pactum evaluate
    /// --format json` prints, one line a request.
    ///
    /// ```
    /// # let policy = pactum::Package::from_sources([("a.policy", "package a\nschema o { n: int }\nrule r { deny R when o.n > 1 message \"{o.n} is \\\"big\\\"\" }\noutput m = o.n")]).check().unwrap();
    /// let d = policy.evaluate_str("o: { n: 2 }").unwrap();
    /// let mut line = Vec::new();
    /// d.write_json(&mut line);
    /// assert_eq!(line, serde_json::to_vec(&d).unwrap());
    /// assert_eq!(
    ///     String::from_utf8(line).unwrap(),
    ///     r#"{"id":null,"decision":"deny","reasons":[{"code":"R","rule":"r","message":"2 is \"big\"","help":null}],"notes":[],"outputs":{"m":2}}"#
    /// );
    /// ```
    pub fn write_json(&self, out: &mut Vec<u8>) {
        self.write_json_fields(out);
        out.push(b'}');
    }

    /// The fields of the JSON envelope, from its opening brace, without
    /// the closing one.
    pub(crate) fn write_json_fields(&self, out: &mut Vec<u8>) {
        use crate::json_text::write_str;
        out.extend_from_slice(b"{\"id\":");
        crate::value::write_typed(out, &self.id, &Ty::Any);
        out.extend_from_slice(match self.verdict {
            Verdict::Allow => b",\"decision\":\"allow\",\"reasons\":[",
            Verdict::Deny => b",\"decision\":\"deny\",\"reasons\":[",
        });
        for (i, r) in self.reasons.iter().enumerate() {
            out.extend_from_slice(if i == 0 {
                b"{\"code\":"
            } else {
                b",{\"code\":"
            });
            write_str(out, &r.code);
            out.extend_from_slice(b",\"rule\":");
            write_str(out, &r.rule);
            out.extend_from_slice(b",\"message\":");
            write_str(out, &r.message);
            out.extend_from_slice(b",\"help\":");
            match &r.help {
                Some(h) => write_str(out, h),
                None => out.extend_from_slice(b"null"),
            }
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"notes\":[");
        for (i, n) in self.notes.iter().enumerate() {
            out.extend_from_slice(if i == 0 {
                b"{\"code\":"
            } else {
                b",{\"code\":"
            });
            write_str(out, &n.code);
            out.extend_from_slice(b",\"message\":");
            write_str(out, &n.message);
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"outputs\":{");
        for (i, (name, value, ty)) in self.typed_outputs().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_str(out, name);
            out.push(b':');
            crate::value::write_typed(out, value, ty);
        }
        out.push(b'}');
    }
}

/// Two decisions are equal when they have the same identifier, verdict,
/// reasons and notes (codes, rules, messages, help, and where the rules
/// are written) and the same outputs, by name and value, in the same order.
/// Values compare as values: a decimal `2.5` equals `2.50`, although the
/// JSON envelope writes each as it was computed (compare
/// [`Decision::to_json`] for byte-identical envelopes).
///
/// ```
/// let policy = pactum::Package::from_sources([(
///     "a.policy",
///     "package a\nschema o { n: int }\n\
///      rule big { deny BIG when o.n > 1 message \"{o.n} is big.\" help \"h\" }\n\
///      output twice = o.n * 2",
/// )])
/// .check()
/// .unwrap();
/// let yaml = policy.evaluate_str("o: { n: 2 }").unwrap();
/// let json = policy.evaluate_json(r#"{"o": {"n": 2}}"#).unwrap();
/// assert_eq!(yaml, json);
/// assert_eq!(yaml.reasons(), json.reasons());
/// assert_ne!(yaml, policy.evaluate_str("o: { n: 3 }").unwrap());
/// ```
impl PartialEq for Decision {
    fn eq(&self, other: &Decision) -> bool {
        self.id == other.id
            && self.verdict == other.verdict
            && self.reasons == other.reasons
            && self.notes == other.notes
            && self.outputs().eq(other.outputs())
    }
}

struct Outputs<'a>(&'a Decision);

impl Serialize for Outputs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.outputs.len()))?;
        for (name, value, ty) in self.0.typed_outputs() {
            map.serialize_entry(name, &Typed(value, ty))?;
        }
        map.end()
    }
}

impl Serialize for Decision {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Decision", 5)?;
        st.serialize_field("id", &Typed(&self.id, &Ty::Any))?;
        st.serialize_field("decision", &self.verdict)?;
        st.serialize_field("reasons", &self.reasons)?;
        st.serialize_field("notes", &self.notes)?;
        st.serialize_field("outputs", &Outputs(self))?;
        st.end()
    }
}

/// Something written at a place in the package: a [`Reason`] or a [`Note`].
/// [`Policy::location`](crate::Policy::location) turns it into
/// `file:line:column`.
///
/// ```
/// use pactum::Located;
/// # let policy = pactum::Package::from_sources([("a.policy", "package a\nschema o { n: int }\nrule r { deny R when o.n > 1 message \"m\" help \"h\" }")]).check().unwrap();
/// let d = policy.evaluate_str("o: { n: 2 }").unwrap();
/// let span = d.reasons()[0].span();
/// assert_eq!(span.file, 0);
/// assert_eq!(policy.location(&d.reasons()[0]), "a.policy:3:6");
/// ```
pub trait Located {
    /// Where it is written: a byte range in one of the package's files.
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
