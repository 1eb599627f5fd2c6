//! The pest parser generated from `grammar/pactum.pest`, the one
//! definition of the syntax.

// The generated `Rule` enum has a variant per grammar rule, documented in
// the grammar.
#![allow(missing_docs)]

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/pactum.pest"]
pub(crate) struct PactumParser;

use std::sync::LazyLock;

/// What lowering makes of a pair of each rule, read once from the names of
/// the generated rules: `kw_*` tokens carry nothing, `op_*` are operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// A keyword token (`kw_*`): its parent rule says it all.
    Keyword,
    /// A binary operator (`op_*` but `op_not`, `op_neg`); its text is its
    /// symbol in [`super::lexicon::BINARY_OPS`].
    Infix,
    /// Anything else.
    Other,
}

/// The class of a rule (see [`Class`]).
pub(crate) fn class(rule: Rule) -> Class {
    static CLASSES: LazyLock<Vec<Class>> = LazyLock::new(|| {
        let rules = Rule::all_rules();
        let mut classes =
            vec![Class::Other; rules.iter().map(|&r| r as usize + 1).max().unwrap_or(0)];
        for &r in rules {
            let name = format!("{r:?}");
            let class = if name.starts_with("kw_") {
                Class::Keyword
            } else if name.starts_with("op_") && name != "op_not" && name != "op_neg" {
                Class::Infix
            } else {
                Class::Other
            };
            if let Some(slot) = classes.get_mut(r as usize) {
                *slot = class;
            }
        }
        classes
    });
    CLASSES.get(rule as usize).copied().unwrap_or(Class::Other)
}
