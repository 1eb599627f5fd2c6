//! The checked package and its evaluation: [`Policy`] reads facts (text,
//! serde values, whole files of requests) and decides them; [`Facts`] are
//! one request's facts, [`Outcome`] one document's result in a file.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::decision::Decision;
use crate::diag::{codes, Diagnostic, Diagnostics};
use crate::facts::{self, Format};
use crate::ir::Program;
use crate::limits::Limits;
use crate::source::{Origin, SourceFile};
use crate::types::{FieldTy, RecordTy};
use crate::value::Value;

/// A checked, compiled package: the engine that decides requests.
///
/// Immutable, `Send + Sync + 'static`, and cheap to clone (a few reference
/// counts): share it behind an `Arc` or clone it into each thread, and
/// evaluate it from as many threads as you like, without locks. Each
/// evaluation is independent: facts in, [`Decision`] (or the faults that
/// kept it from being made) out.
///
/// Facts come in three forms:
///
/// - any [`serde::Serialize`] value, such as your own structs:
///   [`Policy::evaluate_serde`] (or [`Policy::facts_from_serde`]);
/// - a JSON document: [`Policy::evaluate_json`] (or
///   [`Policy::facts_from_json`]);
/// - a YAML or JSON document: [`Policy::evaluate_str`] (or
///   [`Policy::facts_from_str`]);
/// - [`Facts`] read earlier: [`Policy::evaluate`].
///
/// Every one of these fails with [`Diagnostics`]: facts that do not fit
/// give every independent mistake in them, in document order (codes
/// `pactum::facts::*` or `pactum::limit::facts_*`, each with its own
/// location and [`Diagnostic::facts_path`]; a syntax error or a limit ends
/// the reading; at most [`crate::Limits::max_facts_errors`]), an
/// evaluation failure every fault found (`pactum::eval::*`,
/// `pactum::limit::*`). The batch entry points
/// ([`Policy::evaluate_file`], [`Policy::facts_documents`]) give one result
/// a document instead.
///
/// ```
/// use pactum::{Decimal, Package};
///
/// #[derive(serde::Serialize)]
/// struct Basket { items: u32, total: Decimal }
///
/// #[derive(serde::Serialize)]
/// struct Request { basket: Basket }
///
/// let policy = Package::from_sources([(
///     "shop.policy",
///     "package shop\nschema basket { items: int, total: decimal }\n\
///      rule empty { deny EMPTY when basket.items == 0\n\
///        message \"The basket is empty.\" help \"Add something first.\" }\n\
///      output average = if basket.items > 0 then round(basket.total / basket.items, 2) else 0.00",
/// )])
/// .check()
/// .expect("a clean package");
///
/// let basket = Basket { items: 3, total: Decimal::new(1000, 2) };
/// let d = policy.evaluate_serde(&Request { basket }).unwrap();
/// assert!(d.is_allowed());
/// assert_eq!(d.output_as::<Decimal>("average").unwrap(), Decimal::new(333, 2));
///
/// let basket = Basket { items: 0, total: Decimal::ZERO };
/// let d = policy.evaluate_serde(&Request { basket }).unwrap();
/// assert_eq!(d.reasons()[0].code, "EMPTY");
/// ```
#[derive(Debug, Clone)]
pub struct Policy {
    program: Arc<Program>,
    warnings: Arc<Diagnostics>,
    /// Values registered by the host for optional fact roots, one slot per
    /// root in schema order (`Absent`: none); empty when none is registered.
    reference: Arc<[Value]>,
}

impl Policy {
    /// The policy a successful check gives, with its warnings and no
    /// reference data.
    pub(super) fn new(program: Program, warnings: Diagnostics) -> Policy {
        Policy {
            program: Arc::new(program),
            warnings: Arc::new(warnings),
            reference: Arc::from([]),
        }
    }

    /// The schema of the facts (for the facts reader's tests).
    #[cfg(test)]
    pub(crate) fn schema(&self) -> &Arc<crate::types::RecordTy> {
        &self.program.schema
    }

    /// The compiled program (crate-internal).
    pub(crate) fn program(&self) -> &Program {
        &self.program
    }

    /// The compiled program, shared.
    pub(crate) fn program_arc(&self) -> &Arc<Program> {
        &self.program
    }
}

/// The facts of one request, read and checked against a policy's schema:
/// read once, evaluate as often as needed ([`Policy::evaluate`]).
///
/// Facts belong to the policy that read them (and its clones): evaluating
/// them with a policy compiled separately, even from the same files, fails
/// with `pactum::facts::wrong_type` rather than guess.
///
/// ```
/// let policy = pactum::Package::from_sources([(
///     "shop.policy",
///     "package shop\nschema basket { items: int }\n\
///      rule empty { deny EMPTY when basket.items == 0 message \"Empty.\" help \"Add one.\" }",
/// )])
/// .check()
/// .unwrap();
/// let facts: pactum::Facts = policy.facts_from_str("basket: { items: 0 }").unwrap();
/// assert!(!policy.evaluate(&facts).unwrap().is_allowed());
/// ```
#[derive(Debug, Clone)]
pub struct Facts {
    value: Value,
    schema: Arc<RecordTy>,
}

impl Facts {
    /// The typed facts (crate-internal).
    pub(crate) fn value(&self) -> &Value {
        &self.value
    }

    /// Wraps facts already checked against the schema (crate-internal).
    pub(crate) fn from_value(value: Value, schema: Arc<RecordTy>) -> Self {
        Facts { value, schema }
    }
}

/// The result of one document of a batch ([`Policy::evaluate_file`]).
///
/// ```
/// use pactum::Outcome;
///
/// let policy = pactum::Package::from_sources([(
///     "shop.policy",
///     "package shop\nrequests are identified by basket.id\nschema basket { id: string, items: int }",
/// )])
/// .check()
/// .unwrap();
/// let batch = "{\"basket\": {\"id\": \"b-1\", \"items\": 2}}\n{\"basket\": {\"id\": \"b-2\", \"items\": \"two\"}}\n";
/// let outcomes = policy.evaluate_file("batch.jsonl", batch);
/// assert!(matches!(&outcomes[0], Outcome::Decided(d) if d.is_allowed()));
/// match &outcomes[1] {
///     Outcome::Failed { id, diagnostics } => {
///         assert_eq!(id.as_str(), Some("b-2"));
///         assert_eq!(diagnostics.iter().next().unwrap().code_id(), "pactum::facts::wrong_type");
///     }
///     other => panic!("expected a failure, got {other:?}"),
/// }
/// ```
#[derive(Debug)]
pub enum Outcome {
    /// The request was decided.
    Decided(Decision),
    /// The document could not be read, or the policy failed on it.
    Failed {
        /// The request identifier, when it could still be read.
        id: Value,
        /// What went wrong (at least one).
        diagnostics: Diagnostics,
    },
}

impl Policy {
    /// The package name.
    ///
    /// ```
    /// let policy = pactum::Package::from_sources([("a.policy", "package shop")]).check().unwrap();
    /// assert_eq!(policy.name(), "shop");
    /// ```
    pub fn name(&self) -> &str {
        &self.program.name
    }

    /// The limits this policy was loaded with, and evaluates under.
    ///
    /// ```
    /// let limits = pactum::Limits::default().with_max_steps(10);
    /// let policy = pactum::Package::from_sources_with_limits([("a.policy", "package shop")], limits)
    ///     .check()
    ///     .unwrap();
    /// assert_eq!(policy.limits().max_steps, 10);
    /// ```
    pub fn limits(&self) -> Limits {
        self.program.limits
    }

    /// Where a rule that applied (a [`Reason`](crate::Reason) or a
    /// [`Note`](crate::Note)) is written, as `file:line:column`.
    ///
    /// ```
    /// let policy = pactum::Package::from_sources([(
    ///     "shop.policy",
    ///     "package shop\nschema basket { items: int }\n\
    ///      rule empty { deny EMPTY when basket.items == 0 message \"Empty.\" help \"Add one.\" }",
    /// )])
    /// .check()
    /// .unwrap();
    /// let d = policy.evaluate_str("basket: { items: 0 }").unwrap();
    /// assert_eq!(policy.location(&d.reasons()[0]), "shop.policy:3:6");
    /// ```
    pub fn location(&self, span_of: &impl crate::decision::Located) -> String {
        let span = span_of.span();
        match self.program.sources.get(span.file) {
            Some(f) => {
                let (line, col) = f.line_col(span.start as usize);
                format!("{}:{line}:{col}", f.name())
            }
            None => String::from("?"),
        }
    }

    /// The warnings found while checking (the package still compiled).
    ///
    /// ```
    /// let policy = pactum::Package::from_sources([(
    ///     "shop.policy",
    ///     "package shop\nschema basket { items: int }\nlet unused = 1",
    /// )])
    /// .check()
    /// .unwrap();
    /// let codes: Vec<&str> = policy.warnings().iter().map(|w| w.code_id()).collect();
    /// assert!(codes.contains(&"pactum::warn::unused_let"));
    /// ```
    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
    }

    /// Registers reference data supplied by the host, such as a holiday
    /// calendar: the value of the optional fact root `root`, used for every
    /// request whose facts leave that root out (or give it as `null`). A
    /// request that gives the root uses its own value.
    ///
    /// `value` is any [`serde::Serialize`] value, read against the schema
    /// exactly like facts (see [`Policy::facts_from_serde`]); errors point
    /// at the offending field. The root must be declared `optional schema
    /// root { … }` in the package, so that requests may leave it out.
    ///
    /// Returns a new policy; clones share the compiled package, so one
    /// compiled package can serve several calendars. Registering the same
    /// root again replaces its value.
    ///
    /// ```
    /// use pactum::{NaiveDate, Package};
    ///
    /// #[derive(serde::Serialize)]
    /// struct Closures { days: Vec<NaiveDate> }
    ///
    /// let policy = Package::from_sources([(
    ///     "shop.policy",
    ///     "package shop\n\
    ///      schema order { placed_on: date }\n\
    ///      optional schema closures { days: list of date }\n\
    ///      let closed_days = closures.days otherwise []\n\
    ///      rule closed { deny CLOSED when order.placed_on in closed_days\n\
    ///        message \"The shop is closed that day.\" help \"Order on another day.\" }",
    /// )])
    /// .check()
    /// .unwrap();
    /// let new_year = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    /// let with_closures = policy
    ///     .clone()
    ///     .with_reference_data("closures", &Closures { days: vec![new_year] })
    ///     .expect("fits the schema");
    ///
    /// let request = "order: { placed_on: 2026-01-01 }";
    /// assert!(policy.evaluate_str(request).unwrap().is_allowed());
    /// assert!(!with_closures.evaluate_str(request).unwrap().is_allowed());
    /// // A request that brings its own root wins.
    /// let own = "order: { placed_on: 2026-01-01 }\nclosures: { days: [] }";
    /// assert!(with_closures.evaluate_str(own).unwrap().is_allowed());
    ///
    /// // Checked against the schema like facts:
    /// let bad = policy.clone().with_reference_data("closures", &serde_json::json!({ "days": ["soon"] }));
    /// assert_eq!(bad.unwrap_err().first().unwrap().code_id(), "pactum::facts::wrong_type");
    /// let unknown = policy.with_reference_data("closure", &Closures { days: vec![] });
    /// assert_eq!(unknown.unwrap_err().first().unwrap().code_id(), "pactum::facts::unknown_field");
    /// ```
    pub fn with_reference_data<T: Serialize + ?Sized>(
        self,
        root: &str,
        value: &T,
    ) -> Result<Policy, Diagnostics> {
        let schema = &self.program.schema;
        let Some((index, field)) = schema.field(root) else {
            let names = schema.fields.iter().map(|f| &*f.name);
            let help = match crate::suggest::suggest(root, names) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("the fact roots are: {}", root_list(schema)),
            };
            return Err(one(Diagnostic::new(
                codes::FACTS_UNKNOWN_FIELD,
                format!("the package declares no fact root `{root}`"),
            )
            .help(help)));
        };
        if !field.ty.is_optional() {
            return Err(one(Diagnostic::new(
                codes::FACTS_WRONG_TYPE,
                format!("`{root}` is a required fact: every request gives it, so reference data for it would never be used"),
            )
            .help(format!("declare it `optional schema {root} {{ … }}` in the package so that requests may leave it out"))));
        }
        // Read `{root: value}` against a schema holding only that root,
        // required, so that errors name `root.field` as in facts.
        let only = Arc::new(RecordTy {
            fields: vec![FieldTy {
                name: field.name.clone(),
                ty: field.ty.required().clone(),
                span: field.span,
            }],
        });
        let wrapped: BTreeMap<&str, &T> = BTreeMap::from([(root, value)]);
        let read =
            facts::load_serialized(&only, "<reference data>", &wrapped, &self.program.limits)?;
        let value = match read {
            Value::Record(fields) => fields.first().cloned().unwrap_or(Value::Absent),
            _ => Value::Absent,
        };
        let mut slots: Vec<Value> = if self.reference.is_empty() {
            vec![Value::Absent; schema.fields.len()]
        } else {
            self.reference.to_vec()
        };
        if let Some(slot) = slots.get_mut(index) {
            *slot = value;
        }
        Ok(Policy {
            reference: slots.into(),
            ..self
        })
    }

    /// Reads every document of a facts file (a YAML stream, JSON Lines or
    /// one JSON document; `name` picks the format by extension) against the
    /// schema, without evaluating: one result per document, in order (its
    /// facts, or all its errors, as [`Policy::facts_from_str`] gives them).
    pub fn facts_documents(&self, name: &str, text: &str) -> Vec<Result<Facts, Diagnostics>> {
        let format = crate::facts::Format::detect(name, text);
        let file = std::sync::Arc::new(crate::source::SourceFile::new(name, text));
        // Newlines before `counted.0`, for errors' lines (see
        // `Diagnostic::windowed`).
        let mut counted = (0usize, 0usize);
        crate::facts::split(text, format)
            .into_iter()
            .map(|range| {
                let start = range.start;
                self.read_facts(&file, range, format).map_err(|d| {
                    if counted.0 <= start {
                        let skipped = text.as_bytes().get(counted.0..start).unwrap_or_default();
                        counted = (
                            start,
                            counted.1 + memchr::memchr_iter(b'\n', skipped).count(),
                        );
                    }
                    d.windowed(counted)
                })
            })
            .collect()
    }

    /// Reads the document at `range` of `file` against the schema.
    pub(crate) fn read_facts(
        &self,
        file: &std::sync::Arc<crate::source::SourceFile>,
        range: std::ops::Range<usize>,
        format: crate::facts::Format,
    ) -> Result<Facts, Diagnostics> {
        crate::facts::load_with_limits(
            &self.program().schema,
            file,
            range,
            format,
            &self.program().limits,
        )
        .map(|v| Facts::from_value(v, self.program().schema.clone()))
    }

    /// Reads one facts document (YAML or JSON) against the schema. Facts
    /// that do not fit give [`Diagnostics`] (the error of every
    /// single-request entry point): every independent mistake, in document
    /// order, each pointing at the offending value in `text`. A document
    /// that opens with `{` is read as JSON, and as YAML
    /// (a flow mapping such as `{basket: {items: 2}}`) when it is not JSON;
    /// when it is neither and looks like JSON (`{"…` or `{}`), the JSON
    /// error is given. [`Policy::facts_from_json`] reads JSON only.
    ///
    /// ```
    /// let policy = pactum::Package::from_sources([(
    ///     "shop.policy",
    ///     "package shop\nschema basket { items: int }",
    /// )])
    /// .check()
    /// .unwrap();
    /// assert!(policy.facts_from_str(r#"{"basket": {"items": 2}}"#).is_ok());
    /// let errors = policy.facts_from_str("basket: { items: two }").unwrap_err();
    /// let error = errors.first().unwrap();
    /// assert_eq!(error.code_id(), "pactum::facts::wrong_type");
    /// assert_eq!(error.underlined(), Some("two"));
    /// assert_eq!(error.facts_path(), Some("basket.items"));
    /// ```
    pub fn facts_from_str(&self, text: &str) -> Result<Facts, Diagnostics> {
        let file = Arc::new(SourceFile::new("<facts>", text));
        // One document: JSON when it looks like a JSON object (faster and
        // exact), else YAML (which also reads JSON).
        let value = if text.trim_start().starts_with('{') {
            match self.load(&file, Format::Json) {
                // A YAML flow mapping (`{a: 1}`) is not JSON: read it as YAML,
                // but keep the JSON errors for what was meant as JSON.
                Err(json) if json.iter().any(|d| d.code() == codes::FACTS_SYNTAX) => {
                    match self.load(&file, Format::Yaml) {
                        Err(_) if looks_like_json(text) => Err(json),
                        yaml => yaml,
                    }
                }
                other => other,
            }
        } else {
            self.load(&file, Format::Yaml)
        };
        value
            .map(|value| self.facts(value))
            .map_err(|ds| ds.windowed((0, 0)))
    }

    /// Reads one JSON document (an object of fact roots) against the
    /// schema: [`Policy::facts_from_str`] without YAML, so that a body that
    /// is not JSON gets JSON's error and help. The errors are those of
    /// [`Policy::facts_from_str`].
    ///
    /// ```
    /// let policy = pactum::Package::from_sources([(
    ///     "shop.policy",
    ///     "package shop\nschema basket { items: int }",
    /// )])
    /// .check()
    /// .unwrap();
    /// assert!(policy.facts_from_json(r#"{"basket": {"items": 2}}"#).is_ok());
    /// // YAML is not JSON here.
    /// let errors = policy.facts_from_json("basket: { items: 2 }").unwrap_err();
    /// assert_eq!(errors.first().unwrap().code(), pactum::codes::FACTS_SYNTAX);
    /// assert!(errors.first().unwrap().message().starts_with("invalid JSON"));
    /// ```
    pub fn facts_from_json(&self, text: &str) -> Result<Facts, Diagnostics> {
        let file = Arc::new(SourceFile::new("<facts>", text));
        self.load(&file, Format::Json)
            .map(|value| self.facts(value))
            .map_err(|ds| ds.windowed((0, 0)))
    }

    /// Reads the whole of `file` as one document in `format`.
    fn load(&self, file: &Arc<SourceFile>, format: Format) -> Result<Value, Diagnostics> {
        facts::load_with_limits(
            &self.program.schema,
            file,
            0..file.text().len(),
            format,
            &self.program.limits,
        )
    }

    /// Reads the facts of one request from any [`serde::Serialize`] value,
    /// such as your own structs, against the schema: the value must
    /// serialize to a map of fact roots, each shaped as the schema says.
    /// Field names are matched exactly (use `#[serde(rename_all = …)]` when
    /// yours differ); unknown fields are errors; `Option::None` is a fact
    /// left out. [`Decimal`](crate::Decimal)s, integers and floats become
    /// exact decimals through their decimal text (a float `0.1` is 0.1),
    /// [`NaiveDate`](crate::NaiveDate)s become dates, and unit enum variants
    /// become enum values by name.
    ///
    /// The value means what its JSON text (`serde_json::to_string`) means
    /// as a JSON document, so the same checks apply. It is read straight
    /// from its serializer, without writing the text, whenever it fits the
    /// schema; a value that does not is written as JSON and read as such,
    /// so that the errors are exactly the JSON document's: each mistake a
    /// diagnostic whose message names the field (`` `order.total`: expected
    /// … ``, and [`Diagnostic::facts_path`] gives it) and whose label points
    /// into the JSON text of the value.
    ///
    /// ```
    /// use pactum::{Decimal, NaiveDate};
    ///
    /// #[derive(serde::Serialize)]
    /// #[serde(rename_all = "snake_case")]
    /// enum Channel { Web, Phone }
    ///
    /// #[derive(serde::Serialize)]
    /// struct Order { total: Decimal, placed_on: NaiveDate, channel: Channel, coupon: Option<String> }
    ///
    /// #[derive(serde::Serialize)]
    /// struct Request { order: Order }
    ///
    /// let policy = pactum::Package::from_sources([(
    ///     "shop.policy",
    ///     "package shop\n\
    ///      schema order { total: decimal, placed_on: date, channel: one of web, phone, coupon: optional string }",
    /// )])
    /// .check()
    /// .unwrap();
    /// let order = Order {
    ///     total: Decimal::new(1999, 2),
    ///     placed_on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
    ///     channel: Channel::Phone,
    ///     coupon: None,
    /// };
    /// let facts = policy.facts_from_serde(&Request { order }).expect("fits the schema");
    /// assert!(policy.evaluate(&facts).is_ok());
    ///
    /// let errors = policy.facts_from_serde(&serde_json::json!({ "order": { "total": 1 } })).unwrap_err();
    /// let error = errors.first().unwrap();
    /// assert_eq!(error.code_id(), "pactum::facts::missing_field");
    /// assert_eq!(error.message(), "`order`: missing required field `placed_on`");
    /// assert_eq!(error.facts_path(), Some("order.placed_on"));
    /// ```
    pub fn facts_from_serde<T: Serialize + ?Sized>(&self, facts: &T) -> Result<Facts, Diagnostics> {
        facts::load_serialized(&self.program.schema, "<facts>", facts, &self.program.limits)
            .map(|value| self.facts(value))
    }

    /// Evaluates the policy on facts read earlier: the decision, or, when a
    /// rule cannot be evaluated on these facts (a division by zero, an
    /// overflow), every such fault and no decision ("fail closed").
    ///
    /// ```
    /// let policy = pactum::Package::from_sources([(
    ///     "shop.policy",
    ///     "package shop\nschema basket { items: int, total: decimal }\n\
    ///      output average = basket.total / basket.items",
    /// )])
    /// .check()
    /// .unwrap();
    /// let facts = policy.facts_from_str("basket: { items: 4, total: 10 }").unwrap();
    /// assert_eq!(policy.evaluate(&facts).unwrap().output("average").unwrap().to_string(), "2.50");
    ///
    /// let facts = policy.facts_from_str("basket: { items: 0, total: 10 }").unwrap();
    /// let faults = policy.evaluate(&facts).unwrap_err();
    /// assert_eq!(faults.iter().next().unwrap().code_id(), "pactum::eval::division_by_zero");
    /// ```
    pub fn evaluate(&self, facts: &Facts) -> Result<Decision, Diagnostics> {
        if !Arc::ptr_eq(&facts.schema, &self.program.schema) {
            return Err(one(Diagnostic::new(
                codes::FACTS_WRONG_TYPE,
                format!(
                    "these facts were read by another compiled package than `{}`",
                    self.program.name
                ),
            )
            .help("read the facts with the policy that evaluates them (or a clone of it): `facts_from_str`, `facts_from_serde`")));
        }
        self.decide(&facts.value)
    }

    /// Reads one facts document (YAML or JSON) and evaluates it: a facts
    /// error, or the evaluation's result (see [`Policy::evaluate`]).
    ///
    /// ```
    /// let policy = pactum::Package::from_sources([(
    ///     "shop.policy",
    ///     "package shop\nschema basket { items: int }\n\
    ///      rule empty { deny EMPTY when basket.items == 0 message \"Empty.\" help \"Add one.\" }",
    /// )])
    /// .check()
    /// .unwrap();
    /// assert!(policy.evaluate_str("basket: { items: 1 }").unwrap().is_allowed());
    /// let errors = policy.evaluate_str("basket: {}").unwrap_err();
    /// assert_eq!(errors.iter().next().unwrap().code_id(), "pactum::facts::missing_field");
    /// ```
    pub fn evaluate_str(&self, text: &str) -> Result<Decision, Diagnostics> {
        self.decide(&self.facts_from_str(text)?.value)
    }

    /// Reads one JSON document (see [`Policy::facts_from_json`]) and
    /// evaluates it (see [`Policy::evaluate`]): for request bodies that
    /// must be JSON, with JSON's wording in errors.
    ///
    /// ```
    /// let policy = pactum::Package::from_sources([(
    ///     "shop.policy",
    ///     "package shop\nschema basket { items: int }\n\
    ///      rule empty { deny EMPTY when basket.items == 0 message \"Empty.\" help \"Add one.\" }",
    /// )])
    /// .check()
    /// .unwrap();
    /// let d = policy.evaluate_json(r#"{"basket": {"items": 0}}"#).unwrap();
    /// assert_eq!(d.reasons()[0].code, "EMPTY");
    ///
    /// let errors = policy.evaluate_json(r#"{"basket": {"items": 1,}}"#).unwrap_err();
    /// let error = errors.first().unwrap();
    /// assert_eq!(error.code(), pactum::codes::FACTS_SYNTAX);
    /// assert!(error.message().starts_with("invalid JSON"), "{}", error.message());
    /// ```
    pub fn evaluate_json(&self, text: &str) -> Result<Decision, Diagnostics> {
        self.decide(&self.facts_from_json(text)?.value)
    }

    /// Reads the facts of one request from any [`serde::Serialize`] value
    /// (see [`Policy::facts_from_serde`]) and evaluates them (see
    /// [`Policy::evaluate`]).
    ///
    /// ```
    /// #[derive(serde::Serialize)]
    /// struct Basket { items: u32 }
    /// #[derive(serde::Serialize)]
    /// struct Request { basket: Basket }
    ///
    /// let policy = pactum::Package::from_sources([(
    ///     "shop.policy",
    ///     "package shop\nschema basket { items: int }\n\
    ///      rule empty { deny EMPTY when basket.items == 0 message \"Empty.\" help \"Add one.\" }",
    /// )])
    /// .check()
    /// .unwrap();
    /// let d = policy.evaluate_serde(&Request { basket: Basket { items: 0 } }).unwrap();
    /// assert_eq!(d.reasons()[0].code, "EMPTY");
    /// ```
    pub fn evaluate_serde<T: Serialize + ?Sized>(
        &self,
        facts: &T,
    ) -> Result<Decision, Diagnostics> {
        self.decide(&self.facts_from_serde(facts)?.value)
    }

    /// Evaluates every document of a facts file (a YAML stream, JSON Lines or
    /// one JSON document), in order: one outcome per document, so that one
    /// bad document never hides the others. `name` picks the format by
    /// extension (`.yaml`, `.json`, `.jsonl`; otherwise it is sniffed) and
    /// appears in diagnostics.
    ///
    /// ```
    /// let policy = pactum::Package::from_sources([(
    ///     "shop.policy",
    ///     "package shop\nschema basket { items: int }",
    /// )])
    /// .check()
    /// .unwrap();
    /// let outcomes = policy.evaluate_file("batch.yaml", "basket: { items: 1 }\n---\nbasket: { items: 2 }\n");
    /// assert_eq!(outcomes.len(), 2);
    /// ```
    pub fn evaluate_file(&self, name: &str, text: &str) -> Vec<Outcome> {
        let format = Format::detect(name, text);
        self.evaluate_split(
            name,
            text,
            format,
            facts::split(text, format),
            Origin::default(),
        )
    }

    /// [`Policy::evaluate_file`] on a text already split into documents
    /// (`ranges`, as [`facts::split`] gives them in `format`). The text is a
    /// piece of the file `name` starting at `origin` (a chunk of a batch):
    /// facts errors give lines, columns and byte offsets in the whole file,
    /// and keep only a short window of the text around the error. The cost
    /// of locating them is linear in the text, whatever their number.
    pub(crate) fn evaluate_split(
        &self,
        name: &str,
        text: &str,
        format: Format,
        ranges: Vec<std::ops::Range<usize>>,
        origin: Origin,
    ) -> Vec<Outcome> {
        self.split_with(name, text, format, ranges, origin, |v| self.decide(v))
            .into_iter()
            .map(|r| match r {
                Ok(d) => Outcome::Decided(d),
                Err((id, diagnostics)) => Outcome::Failed { id, diagnostics },
            })
            .collect()
    }

    /// [`Policy::evaluate_split`] with `decide` in place of evaluating:
    /// what it makes of each document read, or the document's identifier
    /// (when it can be read) and diagnostics.
    pub(crate) fn split_with<T>(
        &self,
        name: &str,
        text: &str,
        format: Format,
        ranges: Vec<std::ops::Range<usize>>,
        origin: Origin,
        decide: impl Fn(&Value) -> Result<T, Diagnostics>,
    ) -> Vec<Result<T, (Value, Diagnostics)>> {
        let file = Arc::new(SourceFile::piece(name, text, origin));
        // Lines counted so far: the newlines before `counted.0`.
        let mut counted = (0usize, 0usize);
        ranges
            .into_iter()
            .map(|range| {
                let doc = text.get(range.clone()).unwrap_or("");
                let limits = &self.program.limits;
                match facts::load_with_limits(
                    &self.program.schema,
                    &file,
                    range.clone(),
                    format,
                    limits,
                ) {
                    Ok(value) => decide(&value).map_err(|ds| (self.id_of(&value), ds)),
                    Err(ds) => {
                        let start = range.start.min(text.len());
                        if counted.0 <= start {
                            let skipped = text.as_bytes().get(counted.0..start).unwrap_or_default();
                            counted = (
                                start,
                                counted.1 + memchr::memchr_iter(b'\n', skipped).count(),
                            );
                        }
                        Err((self.loose_id(doc, format), ds.windowed(counted)))
                    }
                }
            })
            .collect()
    }

    fn id_of(&self, facts: &Value) -> Value {
        crate::eval::identify(&self.program, facts)
    }

    /// Facts read by this policy.
    fn facts(&self, value: Value) -> Facts {
        Facts {
            value,
            schema: self.program.schema.clone(),
        }
    }

    /// Evaluates facts read against the schema, with the reference data
    /// standing in for the optional roots they leave out.
    pub(crate) fn decide(&self, facts: &Value) -> Result<Decision, Diagnostics> {
        crate::eval::evaluate(&self.program, &self.with_reference(facts))
    }

    /// `facts` with the registered reference data in the roots it leaves
    /// out (borrowed as it is when there is nothing to fill in). Evaluate
    /// this, not the facts alone.
    pub(crate) fn with_reference<'a>(&self, facts: &'a Value) -> Cow<'a, Value> {
        let Value::Record(roots) = facts else {
            return Cow::Borrowed(facts);
        };
        let fills = |(given, default): (&Value, &Value)| given.is_absent() && !default.is_absent();
        if !roots.iter().zip(self.reference.iter()).any(fills) {
            return Cow::Borrowed(facts);
        }
        let filled: Vec<Value> = roots
            .iter()
            .zip(self.reference.iter())
            .map(|(given, default)| {
                if given.is_absent() {
                    default.clone()
                } else {
                    given.clone()
                }
            })
            .collect();
        Cow::Owned(Value::Record(filled.into()))
    }

    /// The identifier of a document that does not fit the schema, read
    /// loosely, when it can be found at all.
    fn loose_id(&self, doc: &str, format: Format) -> Value {
        // Walks the identifier's path only, skipping everything else
        // without expanding YAML aliases: an alias bomb costs nothing here.
        facts::loose_id(
            doc,
            &self.program.identifier_path,
            &self.program.limits,
            format == Format::Yaml,
        )
    }
}

/// One diagnostic as a list.
fn one(d: Diagnostic) -> Diagnostics {
    let mut ds = Diagnostics::default();
    ds.push(d);
    ds
}

/// Whether a document that is neither JSON nor YAML was meant as JSON: an
/// object whose first key is quoted, or an empty one.
fn looks_like_json(text: &str) -> bool {
    let inside = text.trim_start().strip_prefix('{').unwrap_or("");
    matches!(inside.trim_start().chars().next(), Some('"' | '}'))
}

/// The names of the fact roots, for help lines.
fn root_list(schema: &RecordTy) -> String {
    let names: Vec<String> = schema
        .fields
        .iter()
        .map(|f| format!("`{}`", f.name))
        .collect();
    names.join(", ")
}
