//! # Pactum
//!
//! A small declarative policy language and its interpreter. Policy authors
//! write rules in `.policy` files; Pactum checks them, evaluates them against
//! the facts of a request, and explains every decision with the rule, code
//! and source location behind it.
//!
//! ## Embedding in four steps
//!
//! 1. Load a package: [`Package::from_dir`] or [`Package::from_sources`].
//! 2. Check it once: [`Package::check`] gives a [`Policy`] (the compiled
//!    package, `Send + Sync + 'static`, cheap to clone) or every error as
//!    [`Diagnostics`] (each a [`miette::Diagnostic`] with a stable code).
//! 3. Decide requests, from any thread: [`Policy::evaluate_serde`] on your
//!    own `Serialize` structs, [`Policy::evaluate_json`] on a JSON
//!    document, [`Policy::evaluate_str`] on a YAML or JSON document, or
//!    [`Policy::evaluate`] on [`Facts`] read earlier. Every one of them
//!    (and every `facts_from_*`) fails with [`Diagnostics`], whose
//!    [`Diagnostic::code`] matches the [`codes`] constants.
//! 4. Read the [`Decision`]: its [`Verdict`], the [`Reason`]s and [`Note`]s,
//!    and typed outputs ([`Decision::output_as`] gives a [`Decimal`], a
//!    [`NaiveDate`], or your own struct). It serializes to the same JSON
//!    envelope as `pactum evaluate --format json`.
//!
//! Reference data held by the host, such as a holiday calendar, is
//! registered once with [`Policy::with_reference_data`]. The guide,
//! `docs/embedding.md`, tells the error-handling story and the
//! thread-safety guarantees.
//!
//! ```
//! use pactum::{Decimal, Package};
//!
//! #[derive(serde::Serialize)]
//! struct Basket { id: String, total: Decimal, used: Decimal }
//!
//! #[derive(serde::Serialize)]
//! struct Request { basket: Basket }
//!
//! let policy = Package::from_sources([(
//!     "credits.policy",
//!     r#"
//!     package credits
//!     requests are identified by basket.id
//!     schema basket { id: string, total: decimal, used: decimal }
//!     let left = max(basket.total - basket.used, 0)
//!     rule nothing_left {
//!       deny NOTHING_LEFT when left == 0
//!       message "Basket {basket.id} has no credit left."
//!       help "Nothing to do: the basket is used up."
//!     }
//!     output credit = round(left, 2)
//!     "#,
//! )])
//! .check()
//! .expect("valid package");
//!
//! let request = Request {
//!     basket: Basket { id: "b-1".into(), total: Decimal::new(105, 1), used: Decimal::from(3) },
//! };
//! let d = policy.evaluate_serde(&request).expect("decided");
//! assert!(d.is_allowed());
//! assert_eq!(d.output_as::<Decimal>("credit").unwrap(), Decimal::new(750, 2));
//!
//! // The same request as YAML gives the same decision.
//! let same = policy.evaluate_str("basket: { id: b-1, total: 10.5, used: 3 }").unwrap();
//! assert_eq!(same.to_json(), d.to_json());
//! ```
//!
//! The pipeline, one module a stage:
//!
//! ```text
//! text ──syntax──▶ ast ──check──▶ ir::Program ──eval(facts)──▶ Decision
//! ```
#![forbid(unsafe_code)]
// Input must never reach a panicking index: `get` and friends instead.
// (Tests may index: clippy.toml allows it there.)
#![deny(clippy::indexing_slicing)]
#![deny(missing_docs)]

// pest is built without its `std` feature (see `Cargo.toml`), and the
// parser its derive generates then names `alloc` from the crate root.
extern crate alloc;

// Streaming, parallel batches (documented by its `//!` header, whose
// links resolve inside the module only without an outer doc comment).
pub mod batch;
/// Builtin functions.
mod builtins;
/// Step two: name resolution, types, warnings, compilation to IR.
mod check;
/// The decision envelope.
mod decision;
// Reading input files and walking directories, failing closed
// (documented by its `//!` header, as `batch`).
pub mod files;
// Diagnostics and the error-code index.
pub mod diag;
/// Step three: evaluation.
mod eval;
/// Explanations and coverage of decisions.
mod explain;
/// Reading facts: YAML and JSON documents against the schema.
mod facts;
/// The canonical layout of `.policy` files.
mod format;
/// The compiled form.
mod ir;
mod json_text;
/// Resource limits for hostile input.
mod limits;
/// The one reader of decimals, dates and datetimes written as text.
mod literal;
/// Loading packages and the public pipeline.
mod package;
/// Source files and spans.
mod source;
/// "Did you mean".
mod suggest;
/// Step one: text to syntax tree.
mod syntax;
/// Test files: the tests beside a package, read for `pactum test`.
pub mod test_file;
/// Test oracles (the reference evaluator, syntax shapes) and rewrites for
/// the metamorphic tests (feature `testing`, not part of the supported
/// API).
#[cfg(feature = "testing")]
pub mod testing;
/// Static types.
mod types;
/// Runtime values.
mod value;

pub use decision::{Decision, Located, Note, Reason, Verdict};
pub use diag::{codes, Code, Diagnostic, Diagnostics, Severity};
pub use explain::{
    BranchCoverage, Coverage, CoverageReport, ExplainNode, Explanation, RuleCoverage,
    RuleExplanation,
};
pub use facts::Format;
pub use format::format_source;
pub use limits::Limits;
pub use package::{Facts, Outcome, Package, Policy};
pub use source::SourceFile;
pub use source::Span;
pub use suggest::suggest;
pub use value::Value;

/// Exact decimal numbers: what `decimal` facts and outputs hold (the
/// `rust_decimal` crate's type, re-exported so that versions match).
///
/// ```
/// let amount: pactum::Decimal = "12.50".parse().unwrap();
/// assert_eq!(pactum::Value::Decimal(amount).to_string(), "12.50");
/// ```
pub use rust_decimal::Decimal;

/// Calendar days: what `date` facts and outputs hold (the `chrono` crate's
/// type, with its serde support, re-exported so that versions match).
///
/// ```
/// let day = pactum::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
/// assert_eq!(pactum::Value::Date(day).to_string(), "2026-03-02");
/// ```
pub use chrono::NaiveDate;

/// The `chrono` items that date arithmetic on facts and outputs needs,
/// re-exported so that no dependency on `chrono` is needed: [`Days`] and
/// [`TimeDelta`] to add and subtract, [`Datelike`] for the year, month,
/// day and [`Weekday`] of a [`NaiveDate`], and [`DateTime`]`<`[`FixedOffset`]`>`,
/// what `datetime` facts and outputs hold.
///
/// ```
/// use pactum::{Datelike, Days, NaiveDate, TimeDelta, Weekday};
///
/// let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
/// assert_eq!(day + Days::new(30), NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
/// assert_eq!((day + TimeDelta::days(5)).weekday(), Weekday::Sat);
/// assert_eq!(day.month(), 3);
/// let at: pactum::DateTime<pactum::FixedOffset> = "2026-03-02T10:00:00+01:00".parse().unwrap();
/// assert_eq!(at.date_naive(), day);
/// ```
pub use chrono::{DateTime, Datelike, Days, FixedOffset, TimeDelta, Weekday};

/// The embedding guide, `docs/embedding.md`: compiled here only so that its
/// Rust examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/embedding.md")]
pub struct EmbeddingGuide;

/// Builtin function names and signatures, for documentation and tooling.
///
/// ```
/// let names: Vec<&str> = pactum::builtin_signatures().map(|(name, _)| name).collect();
/// assert!(names.contains(&"round"));
/// ```
pub fn builtin_signatures() -> impl Iterator<Item = (&'static str, &'static str)> {
    builtins::ALL.iter().map(|(n, _, s)| (*n, *s))
}
