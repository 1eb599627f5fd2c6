//! Step one: text to syntax tree.
//!
//! [`parse`] reads one `.policy` file into an [`ast::File`], recovering after
//! each syntax error so that every independent error of the file is reported
//! in one run.

pub mod ast;
/// A hand-written reader of one item, tried before pest (same result, less
/// work).
mod fast;
/// pest output to syntax tree, one function per grammar rule.
mod lower;
/// The pest parser, error recovery and readable syntax errors.
mod parser;

pub(crate) use parser::parse;
