//! # Pactum
//!
//! A small declarative policy language and its interpreter. Policy authors
//! write rules in `.policy` files; Pactum checks them, evaluates them against
//! the facts of a request, and explains every decision with the rule, code
//! and source location behind it.
//!
//! The pipeline, one module a stage:
//!
//! ```text
//! text ──syntax──▶ ast ──check──▶ ir::Program ──eval(facts)──▶ Decision
//! ```
//!
//! ```
//! use pactum::Package;
//!
//! let policy = Package::from_sources([(
//!     "refunds.policy",
//!     r#"
//!     package refunds
//!     requests are identified by order.id
//!     schema order { id: string, amount: decimal, consumed: decimal }
//!     let refundable = max(order.amount - order.consumed, 0)
//!     rule nothing_left {
//!       deny NOTHING_LEFT when refundable == 0
//!       message "Order {order.id} has nothing left to refund."
//!       help "Nothing to do: the order is used up."
//!     }
//!     output refund = round(refundable, 2)
//!     "#,
//! )])
//! .check()
//! .expect("valid package");
//!
//! let d = policy.evaluate_str("order: { id: o-1, amount: 10.5, consumed: 3 }").unwrap();
//! assert!(d.is_allowed());
//! assert_eq!(d.output("refund").unwrap().to_string(), "7.50");
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// Builtin functions.
mod builtins;
/// Step two: name resolution, types, warnings, compilation to IR.
mod check;
/// The decision envelope.
mod decision;
/// Diagnostics and the error-code index.
pub mod diag;
/// Step three: evaluation.
mod eval;
/// Facts loading.
pub mod facts;
/// The compiled form.
mod ir;
/// Loading packages and the public pipeline.
mod package;
/// Source files and spans.
mod source;
/// "Did you mean".
mod suggest;
/// Step one: text to syntax tree.
mod syntax;
/// Static types.
mod types;
/// Runtime values.
mod value;

pub use decision::{Decision, Located, Note, Reason, Verdict};
pub use diag::{Diagnostic, Diagnostics, Severity};
pub use package::{Facts, Outcome, Package, Policy};
pub use source::SourceFile;
pub use source::Span;
pub use suggest::suggest;
pub use value::Value;

/// Builtin function names and signatures, for documentation and tooling.
pub fn builtin_signatures() -> impl Iterator<Item = (&'static str, &'static str)> {
    builtins::ALL.iter().map(|(n, _, s)| (*n, *s))
}
