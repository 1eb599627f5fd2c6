//! Test oracles, and rewrites of packages that must not change any
//! decision. Compiled only with the `testing` feature (off by default,
//! turned on for the crate's own tests by their dev-dependency on the
//! crate), so none of this is part of the supported API:
//!
//! - [`reference_evaluate`]: the reference evaluator, the simplest walk of
//!   the compiled program (the oracle of `tests/differential.rs`);
//! - [`syntax_shape`]: a file's syntax tree without spans (the oracle of the
//!   formatter's tests);
//! - [`explain_without_replay`]: explanations without their shortcut (the
//!   oracle of `tests/differential.rs` for explanations);
//! - the rewrites below: the metamorphic relations of `tests/metamorphic.rs`.
//!
//! Each rewrite reads the files with the one parser, changes the syntax
//! tree, and prints it back with the formatter's printer (comments are not
//! kept). A rewrite returns `None` when a file does not parse.

use std::collections::HashSet;
use std::sync::Arc;

use crate::format;
use crate::source::{SourceFile, Sources, Span};
use crate::syntax::ast::{BinOp, Expr, ExprKind, File, Item, TemplatePart};

pub use crate::eval::reference::evaluate as reference_evaluate;
pub use crate::format::shape as syntax_shape;

/// [`crate::Policy::explain`] evaluating every `when` block condition and
/// computed value again wherever it is read, instead of showing the steps
/// recorded where it was first evaluated: the oracle of that shortcut.
pub fn explain_without_replay(
    policy: &crate::Policy,
    facts: &crate::Facts,
) -> Result<(crate::Decision, crate::Explanation), crate::Diagnostics> {
    policy.explain_observed(facts.value(), true)
}

/// A package's files: `(name, text)` pairs, in package order.
pub type Files = Vec<(String, String)>;

/// Parses every file; `None` if one has a syntax error.
fn parse_all(files: &[(String, String)]) -> Option<Vec<File>> {
    files
        .iter()
        .map(|(name, text)| {
            let mut sources = Sources::default();
            let id = sources.add(SourceFile::new(name.as_str(), text.as_str()));
            let parsed = crate::syntax::parse(&sources, id, &crate::Limits::default());
            (!parsed.diagnostics.has_errors()).then_some(parsed.file)
        })
        .collect()
}

/// Prints parsed files back under their names.
fn print_all(files: &[(String, String)], parsed: &[File]) -> Files {
    files
        .iter()
        .zip(parsed)
        .map(|((name, _), file)| (name.clone(), format::print(file)))
        .collect()
}

/// Every expression of an item that the evaluator may run, mutably.
fn item_exprs(item: &mut Item, f: &mut dyn FnMut(&mut Expr)) {
    match item {
        Item::Let(_, e) | Item::Output(_, e) => f(e),
        Item::Rule(r) => {
            r.guards.iter_mut().for_each(&mut *f);
            if let Some(w) = r.when.as_mut() {
                f(w);
            }
            for t in [r.message.as_mut(), r.help.as_mut()].into_iter().flatten() {
                for part in &mut t.parts {
                    if let TemplatePart::Expr(e) = part {
                        f(e);
                    }
                }
            }
        }
        Item::Package(_) | Item::Identify(..) | Item::Type(..) | Item::Schema { .. } => {}
    }
}

/// The direct sub-expressions of `e`, mutably.
fn children(e: &mut Expr) -> Vec<&mut Expr> {
    match &mut e.kind {
        ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Decimal(_)
        | ExprKind::None
        | ExprKind::Name(_) => vec![],
        ExprKind::Str(t) => t
            .parts
            .iter_mut()
            .filter_map(|p| match p {
                TemplatePart::Expr(e) => Some(e),
                TemplatePart::Text(_) => None,
            })
            .collect(),
        ExprKind::Field(inner, _) | ExprKind::Unary(_, inner) => vec![&mut **inner],
        ExprKind::Is { subject, .. } => vec![&mut **subject],
        ExprKind::Call(_, args) | ExprKind::List(args) => args.iter_mut().collect(),
        ExprKind::Binary(_, a, b) => vec![&mut **a, &mut **b],
        ExprKind::If(c, t, f) => vec![&mut **c, &mut **t, &mut **f],
        ExprKind::Quant { list, body, .. } => {
            let mut v = vec![&mut **list];
            if let Some(b) = body.as_mut() {
                v.push(&mut **b);
            }
            v
        }
    }
}

/// Visits `e` and every sub-expression, parents first.
fn visit(e: &mut Expr, f: &mut dyn FnMut(&mut Expr)) {
    f(e);
    for c in children(e) {
        visit(c, f);
    }
}

/// Where the package's `and`/`or` operators stand, in package order, each
/// once (the rules of a `when` block share their guard's operators).
fn and_or_spans(parsed: &mut [File]) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut seen = HashSet::new();
    for file in parsed {
        for item in &mut file.items {
            item_exprs(item, &mut |e| {
                visit(e, &mut |x| {
                    if let ExprKind::Binary(BinOp::And | BinOp::Or, ..) = x.kind {
                        if seen.insert((x.span.file, x.span.start, x.span.end)) {
                            spans.push(x.span);
                        }
                    }
                })
            });
        }
    }
    spans
}

/// How many `and`/`or` operators the package holds (the sites
/// [`swap_and_or`] can swap one at a time); `None` if a file does not parse.
pub fn and_or_sites(files: &[(String, String)]) -> Option<usize> {
    let mut parsed = parse_all(files)?;
    Some(and_or_spans(&mut parsed).len())
}

/// Swaps the operands of the `and`/`or` at `site` (an index below
/// [`and_or_sites`]), or of every `and`/`or` when `site` is `None`.
pub fn swap_and_or(files: &[(String, String)], site: Option<usize>) -> Option<Files> {
    let mut parsed = parse_all(files)?;
    let spans = and_or_spans(&mut parsed);
    let target = match site {
        Some(i) => Some(*spans.get(i)?),
        None => None,
    };
    for file in &mut parsed {
        for item in &mut file.items {
            item_exprs(item, &mut |e| {
                visit(e, &mut |x| {
                    if target.is_none_or(|t| t == x.span) {
                        if let ExprKind::Binary(BinOp::And | BinOp::Or, a, b) = &mut x.kind {
                            std::mem::swap(a, b);
                        }
                    }
                })
            });
        }
    }
    Some(print_all(files, &parsed))
}

/// Renames every computed value (`let`) of the package with `rename`,
/// where it is declared and wherever it is read (a quantifier variable of
/// the same name hides it in its body, as in the language).
pub fn rename_lets(files: &[(String, String)], rename: &dyn Fn(&str) -> String) -> Option<Files> {
    let mut parsed = parse_all(files)?;
    let lets: HashSet<Arc<str>> = parsed
        .iter()
        .flat_map(|f| &f.items)
        .filter_map(|i| match i {
            Item::Let(name, _) => Some(name.node.clone()),
            _ => None,
        })
        .collect();
    fn go(
        e: &mut Expr,
        lets: &HashSet<Arc<str>>,
        bound: &mut Vec<Arc<str>>,
        rename: &dyn Fn(&str) -> String,
    ) {
        match &mut e.kind {
            ExprKind::Name(n) if lets.contains(n) && !bound.contains(n) => {
                *n = Arc::from(rename(n));
            }
            ExprKind::Quant {
                var, list, body, ..
            } => {
                go(list, lets, bound, rename);
                if let Some(b) = body.as_mut() {
                    bound.push(var.node.clone());
                    go(b, lets, bound, rename);
                    bound.pop();
                }
            }
            _ => {
                for c in children(e) {
                    go(c, lets, bound, rename);
                }
            }
        }
    }
    for file in &mut parsed {
        for item in &mut file.items {
            if let Item::Let(name, _) = item {
                name.node = Arc::from(rename(&name.node));
            }
            item_exprs(item, &mut |e| go(e, &lets, &mut Vec::new(), rename));
        }
    }
    Some(print_all(files, &parsed))
}

/// The package with its files in the opposite order and, in each file, the
/// declarations after `package` in the opposite order (a `when` block's
/// rules stay together).
pub fn reverse_items(files: &[(String, String)]) -> Option<Files> {
    let mut parsed = parse_all(files)?;
    for file in &mut parsed {
        let split = usize::from(matches!(file.items.first(), Some(Item::Package(_))));
        if let Some(rest) = file.items.get_mut(split..) {
            rest.reverse();
        }
    }
    let mut out = print_all(files, &parsed);
    out.reverse();
    Some(out)
}

/// The package split into one file a declaration, each starting with the
/// package's `package` line, the files in an order drawn from `seed`.
pub fn one_item_per_file(files: &[(String, String)], seed: u64) -> Option<Files> {
    let parsed = parse_all(files)?;
    let package = parsed.iter().flat_map(|f| &f.items).find_map(|i| match i {
        Item::Package(n) => Some(n.clone()),
        _ => None,
    })?;
    let mut out: Files = Vec::new();
    for file in &parsed {
        for item in &file.items {
            if matches!(item, Item::Package(_)) {
                continue;
            }
            let single = File {
                file: file.file,
                items: vec![Item::Package(package.clone()), item.clone()],
                unparsed_names: Vec::new(),
                unparsed_package: false,
                incomplete_rules: Vec::new(),
                empty_blocks: Vec::new(),
            };
            out.push((String::new(), format::print(&single)));
        }
    }
    // A small linear congruential shuffle: reproducible from the seed.
    let mut state = seed | 1;
    for i in (1..out.len()).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        out.swap(i, (state >> 33) as usize % (i + 1));
    }
    for (i, (name, _)) in out.iter_mut().enumerate() {
        *name = format!("part{i:04}.policy");
    }
    Some(out)
}
