//! The package's items, in the order that lets any item refer to any
//! other: package name, types, schema, computed values, outputs, request
//! identifier (rules are in [`super::rules`]).

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use super::lowering::{Identifier, Lowered};
use super::{ir, Checker, Env, Flags, LetState, LetStatus};
use crate::diag::codes;
use crate::ir::ExprKind as K;
use crate::source::Span;
use crate::syntax::ast::{self, Item};
use crate::types::{FieldTy, RecordTy, Ty};
use crate::value::Value;

impl<'a> Checker<'a> {
    /// Checks the package's items, kind by kind in an order that lets any
    /// item refer to any other, and gives back their compiled parts.
    pub(super) fn run(&mut self, files: &'a [ast::File]) -> Lowered {
        let items: Vec<&'a Item> = files.iter().flat_map(|f| f.items.iter()).collect();
        self.names.unparsed = files
            .iter()
            .flat_map(|f| f.unparsed_names.iter().cloned())
            .collect();
        self.names.unparsed_package = files.iter().any(|f| f.unparsed_package);
        self.names.incomplete_rules = files
            .iter()
            .flat_map(|f| f.incomplete_rules.iter().cloned())
            .collect();
        for item in &items {
            if let Item::Output(n, _) = item {
                self.names.outputs.entry(n.node.clone()).or_insert(n.span);
            }
        }
        let name = self.package_name(&items);
        self.declare_types(&items);
        self.declare_schema(&items);
        self.declare_lets(&items);
        let outputs = self.outputs(&items);
        let identifier = self.identify(&items);
        let rules = self.rules(&items);
        self.empty_blocks(files);
        self.unused_warnings();
        Lowered {
            name,
            schema: self.names.roots.clone(),
            identifier,
            lets: self.lowered_lets(),
            denies: rules.denies,
            notes: rules.notes,
            outputs,
        }
    }

    /// The package name, which every file that gives one must agree on.
    fn package_name(&mut self, items: &[&'a Item]) -> Arc<str> {
        let mut package: Option<&'a ast::Ident> = None;
        for item in items {
            if let Item::Package(n) = item {
                match package {
                    None => package = Some(n),
                    Some(first) if first.node != n.node => {
                        let d = self
                            .diag(
                                codes::CHECK_PACKAGE_NAME,
                                format!(
                                    "this file says `package {}`, another says `package {}`",
                                    n.node, first.node
                                ),
                                n.span,
                                "a different name",
                            )
                            .label(self.report.sources, first.span, "first named here")
                            .help("all files of a package must use the same `package` name");
                        self.error(d);
                    }
                    Some(_) => {}
                }
            }
        }
        if package.is_none() && !self.names.unparsed_package {
            let d = self
                .diag(
                    codes::CHECK_PACKAGE_NAME,
                    "no file of the package says which package it is",
                    Span::new(0, 0, 0),
                    "",
                )
                .help("add a line `package my_package` at the top of one file");
            self.error(d);
        }
        package.map_or_else(|| Arc::from(""), |p| p.node.clone())
    }

    /// Registers the named types, then lowers each one.
    fn declare_types(&mut self, items: &[&'a Item]) {
        let mut type_spans: HashMap<Arc<str>, Span> = HashMap::default();
        for item in items {
            if let Item::Type(n, t) = item {
                if let Some(first) = type_spans.get(&n.node).copied() {
                    self.duplicate("type", n, first);
                } else {
                    type_spans.insert(n.node.clone(), n.span);
                    self.types.decls.insert(n.node.clone(), t);
                }
            }
        }
        let mut type_names: Vec<&'a ast::Ident> = items
            .iter()
            .filter_map(|i| {
                if let Item::Type(n, _) = i {
                    Some(n)
                } else {
                    None
                }
            })
            .collect();
        type_names.dedup_by(|a, b| a.node == b.node);
        for n in type_names {
            self.named_type(n);
        }
    }

    /// Lowers the schema roots into one record, the facts' type.
    fn declare_schema(&mut self, items: &[&'a Item]) {
        let mut root_fields: Vec<FieldTy> = Vec::new();
        for item in items {
            if let Item::Schema { name, optional, ty } = item {
                self.reserved(name);
                if let Some(first) = root_fields.iter().find(|f| f.name == name.node) {
                    let first = first.span;
                    self.duplicate("schema", name, first);
                    continue;
                }
                let mut t = self.lower_type(ty);
                if *optional {
                    t = t.optional();
                }
                root_fields.push(FieldTy {
                    name: name.node.clone(),
                    ty: t,
                    span: name.span,
                });
            }
        }
        self.names.roots = Arc::new(RecordTy {
            fields: root_fields,
        });
    }

    /// Registers the computed values (names first, so that any order
    /// works), then checks each one.
    fn declare_lets(&mut self, items: &[&'a Item]) {
        for item in items {
            if let Item::Let(n, e) = item {
                self.reserved(n);
                if let Some(&i) = self.names.let_index.get(&n.node) {
                    let first = self.names.lets.get(i).map_or(n.span, |l| l.name.span);
                    self.duplicate("computed value", n, first);
                    continue;
                }
                if let Some((_, f)) = self.names.roots.field(&n.node) {
                    let first = f.span;
                    let d = self
                        .diag(
                            codes::CHECK_DUPLICATE,
                            format!("`{}` is already the name of a schema", n.node),
                            n.span,
                            "this name",
                        )
                        .label(self.report.sources, first, "the schema")
                        .help("give the computed value another name");
                    self.error(d);
                    self.echoes.unchecked = true;
                    continue;
                }
                self.names
                    .let_index
                    .insert(n.node.clone(), self.names.lets.len());
                self.names.lets.push(LetState {
                    name: n,
                    expr: e,
                    status: LetStatus::Pending,
                    ir: None,
                    used: false,
                });
            }
        }
        for i in 0..self.names.lets.len() {
            self.let_type(i, None);
        }
    }

    /// Checks and compiles the outputs.
    fn outputs(&mut self, items: &[&'a Item]) -> Vec<ir::Output> {
        let mut output_spans: HashMap<Arc<str>, Span> = HashMap::default();
        let mut outputs = Vec::new();
        for item in items {
            if let Item::Output(n, e) = item {
                if let Some(first) = output_spans.get(&n.node).copied() {
                    self.duplicate("output", n, first);
                    continue;
                }
                output_spans.insert(n.node.clone(), n.span);
                let (x, ty) = self.expr(e, &Env::default());
                outputs.push(ir::Output {
                    name: n.node.clone(),
                    ty,
                    expr: x,
                });
            }
        }
        outputs
    }

    /// Checks and compiles the one `requests are identified by …` line.
    fn identify(&mut self, items: &[&'a Item]) -> Identifier {
        let mut identifier = Identifier::default();
        let mut seen_identify: Option<Span> = None;
        for item in items {
            if let Item::Identify(parts, span) = item {
                if let Some(first) = seen_identify {
                    let d = self
                        .diag(
                            codes::CHECK_DUPLICATE,
                            "the request identifier is declared twice",
                            *span,
                            "declared again here",
                        )
                        .label(self.report.sources, first, "first declared here")
                        .help("keep one `requests are identified by …` line");
                    self.error(d);
                    self.echoes.unchecked = true;
                    continue;
                }
                seen_identify = Some(*span);
                identifier = Identifier {
                    expr: self.identifier(parts, *span),
                    path: parts.iter().map(|p| p.node.clone()).collect(),
                };
            }
        }
        identifier
    }

    /// The compiled computed values, by index; one that did not check is
    /// absent.
    fn lowered_lets(&mut self) -> Vec<ir::Let> {
        self.names
            .lets
            .iter_mut()
            .map(|l| ir::Let {
                expr: l
                    .ir
                    .take()
                    .unwrap_or(self.exprs.ir(K::Const(Value::Absent), l.name.span)),
            })
            .collect()
    }

    pub(super) fn let_type(&mut self, i: usize, used_at: Option<Span>) -> Ty {
        let Some(state) = self.names.lets.get_mut(i) else {
            return Ty::Any;
        };
        if used_at.is_some() {
            state.used = true;
        }
        match &state.status {
            LetStatus::Done { ty, flags } => {
                let (ty, flags) = (ty.clone(), *flags);
                // Evaluating it here recurses as deep as checking it did.
                let reach =
                    self.nesting.expr + self.nesting.let_heights.get(&i).copied().unwrap_or(0);
                self.nesting.max_seen = self.nesting.max_seen.max(reach);
                if reach > self.nesting.max {
                    if let Some(at) = used_at {
                        self.depth_exceeded(at);
                    }
                }
                self.merge(flags, used_at);
                ty
            }
            LetStatus::InProgress => {
                let (name, span) = (state.name.node.clone(), state.name.span);
                // The circle: from `name` through the values being checked.
                let from = self
                    .names
                    .let_stack
                    .iter()
                    .position(|&j| j == i)
                    .unwrap_or(0);
                let mut chain: Vec<String> = self
                    .names
                    .let_stack
                    .get(from..)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|&j| self.names.lets.get(j).map(|l| l.name.node.to_string()))
                    .collect();
                let message = if chain.len() <= 1 {
                    format!("`{name}` depends on itself")
                } else {
                    let names: Vec<String> = chain.iter().map(|n| format!("`{n}`")).collect();
                    chain.push(name.to_string());
                    format!(
                        "{} depend on each other: {}",
                        names.join(" and "),
                        chain.join(" → ")
                    )
                };
                let mut d = self.diag(codes::CHECK_CYCLE, message, span, "defined here");
                if let Some(at) = used_at {
                    d = d.label(
                        self.report.sources,
                        at,
                        "…and used again here, inside its own definition",
                    );
                }
                let d = d.help("break the circle: compute one of the values from facts only");
                self.error(d);
                Ty::Any
            }
            LetStatus::Pending => {
                state.status = LetStatus::InProgress;
                let expr = state.expr;
                let saved = std::mem::take(&mut self.reads.flags);
                self.names.let_stack.push(i);
                let (start, seen) = (self.nesting.expr, self.nesting.max_seen);
                self.nesting.max_seen = start;
                let (x, ty) = self.expr(expr, &Env::default());
                self.nesting
                    .let_heights
                    .insert(i, self.nesting.max_seen - start);
                self.nesting.max_seen = self.nesting.max_seen.max(seen);
                self.names.let_stack.pop();
                let flags = std::mem::replace(&mut self.reads.flags, saved);
                if let Some(state) = self.names.lets.get_mut(i) {
                    state.status = LetStatus::Done {
                        ty: ty.clone(),
                        flags,
                    };
                    state.ir = Some(x);
                }
                self.merge(flags, used_at);
                ty
            }
        }
    }

    pub(super) fn merge(&mut self, flags: Flags, used_at: Option<Span>) {
        self.reads.flags.facts |= flags.facts;
        if self.reads.flags.allowed.is_none() && flags.allowed.is_some() {
            self.reads.flags.allowed = used_at.or(flags.allowed);
        }
    }

    pub(super) fn identifier(&mut self, parts: &[ast::Ident], span: Span) -> Option<ir::Expr> {
        let (first, rest) = parts.split_first()?;
        if self.names.unparsed.contains(&first.node) {
            // Declared by an item with a syntax error, already reported.
            return None;
        }
        let Some((idx, root)) = self.names.roots.field(&first.node) else {
            self.echoes.unknown.push(first.node.clone());
            let help = self.did_you_mean(
                &first.node,
                self.names.roots.fields.iter().map(|f| &*f.name).collect(),
            );
            let d = self
                .diag(
                    codes::CHECK_UNKNOWN_NAME,
                    format!("no schema is called `{}`", first.node),
                    first.span,
                    "unknown",
                )
                .help(help);
            self.error(d);
            return None;
        };
        let roots_key = Arc::as_ptr(&self.names.roots) as usize;
        self.reads.fields.insert((roots_key, idx));
        let mut ty = root.ty.clone();
        let mut x = self.exprs.ir(K::Root(idx), first.span);
        for f in rest {
            let Ty::Record(r) = ty.required().clone() else {
                break;
            };
            let Some((fi, field)) = r.field(&f.node) else {
                self.echoes.unknown.push(f.node.clone());
                let help = self.did_you_mean(&f.node, r.fields.iter().map(|f| &*f.name).collect());
                let d = self
                    .diag(
                        codes::CHECK_UNKNOWN_FIELD,
                        format!(
                            "`{}` has no field `{}`",
                            parts
                                .iter()
                                .take_while(|p| !std::ptr::eq(*p, f))
                                .map(|p| &*p.node)
                                .collect::<Vec<_>>()
                                .join("."),
                            f.node
                        ),
                        f.span,
                        "unknown field",
                    )
                    .help(help);
                self.error(d);
                return None;
            };
            self.reads.fields.insert((Arc::as_ptr(&r) as usize, fi));
            ty = if ty.is_optional() {
                field.ty.clone().optional()
            } else {
                field.ty.clone()
            };
            x = self
                .exprs
                .ir(K::Field(Box::new(x), fi), first.span.to(f.span));
        }
        if ty.is_optional() || matches!(ty, Ty::List(_) | Ty::Record(_)) {
            let help = match self.identifier_example() {
                Some(example) => format!("identify requests by a required string, number or date field, such as `{example}`"),
                None => "identify requests by a required string, number or date field: add one, such as `id: string`, to a schema".to_string(),
            };
            let d = self
                .diag(
                    codes::CHECK_BAD_IDENTIFIER,
                    format!("requests cannot be identified by {ty:#}"),
                    span,
                    "not a plain required value",
                )
                .help(help);
            self.error(d);
            return None;
        }
        Some(x)
    }

    /// A field of the schema that could identify requests (required all
    /// the way, a string, number or date): one called `id` first, then
    /// one ending in `_id`, then the first; the shallowest of those.
    fn identifier_example(&self) -> Option<String> {
        fn walk(
            record: &RecordTy,
            prefix: &str,
            depth: usize,
            found: &mut Vec<(u8, usize, String)>,
        ) {
            for f in &record.fields {
                let path = if prefix.is_empty() {
                    f.name.to_string()
                } else {
                    format!("{prefix}.{}", f.name)
                };
                match &f.ty {
                    Ty::Str | Ty::Int | Ty::Decimal | Ty::Date if depth > 0 => {
                        let rank = if &*f.name == "id" {
                            0
                        } else if f.name.ends_with("_id") {
                            1
                        } else {
                            2
                        };
                        found.push((rank, depth, path));
                    }
                    Ty::Record(r) if depth < 4 => walk(r, &path, depth + 1, found),
                    _ => {}
                }
            }
        }
        let mut found = Vec::new();
        walk(&self.names.roots, "", 0, &mut found);
        found.sort_by_key(|(rank, depth, _)| (*rank, *depth));
        found.into_iter().next().map(|(_, _, path)| path)
    }
}
