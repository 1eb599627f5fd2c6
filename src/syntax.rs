//! Step one: text to syntax tree.
//!
//! [`parse`] reads one `.policy` file into an [`ast::File`], recovering after
//! each syntax error so that every independent error of the file is reported
//! in one run.
//!
//! `grammar/pactum.pest` is the one definition of the syntax, read by pest
//! ([`grammar`]); the words and operators it spells are listed once for the
//! Rust side in [`lexicon`]. Modules depend one way only: `parser` →
//! `lower`, `parser` → `nesting`, `parser` → `errors` → `slips` → `scan`,
//! `errors` → `grammar`, `ast` → `lexicon` (which imports nothing: the
//! operators and scalar type names are defined there).

pub mod ast;
/// Syntax errors in an author's words.
mod errors;
/// The pest parser generated from the grammar.
mod grammar;
/// Keywords, item starts, scalar type names and operators, defined once.
pub(crate) mod lexicon;
/// pest output to syntax tree, one function per grammar rule.
mod lower;
/// How deep an item nests, measured before pest reads it.
mod nesting;
/// The parser: pest one item at a time, with error recovery.
mod parser;
/// Reading the raw text around a syntax error: brackets, lines, words.
mod scan;
/// Slips recognised by their shape, each worded with its own fix.
mod slips;

pub(crate) use parser::{parse, Parsed};

#[cfg(test)]
mod tests;
