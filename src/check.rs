//! Step two: the checker. Resolves names, types every expression, finds
//! every static problem of a package (errors and warnings), and compiles the
//! package into its [`ir::Program`].

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::builtins::{self, Builtin};
use crate::diag::{codes, Code, Diagnostic, Diagnostics};
use crate::ir::{self, Arith, Cmp, ExprKind as K};
use crate::limits::Limits;
use crate::source::{Sources, Span};
use crate::suggest::suggest;
use crate::syntax::ast::{self, BinOp, Effect, ExprKind, IsTest, Item, Quant, UnOp};
use crate::syntax::lexicon;
use crate::types::{EnumTy, FieldTy, RecordTy, Ty};
use crate::value::Value;

/// Checks parsed files and compiles them. Diagnostics (errors and warnings)
/// go to `diags`; the program is returned only when there is no error.
pub(crate) fn check(
    sources: Sources,
    files: &[ast::File],
    diags: &mut Diagnostics,
    limits: Limits,
) -> Option<ir::Program> {
    let mut c = Checker::new(&sources);
    c.max_depth = limits.expr_depth();
    let program = c.run(files);
    let had_errors = c.diags.has_errors() || diags.has_errors();
    if had_errors {
        // Unread values and constant conditions are usually the echo of an
        // error (a misspelled name); report them once the errors are fixed.
        c.diags.retain(|d| {
            ![
                codes::WARN_UNUSED_LET.id,
                codes::WARN_UNUSED_FIELD.id,
                codes::WARN_CONSTANT_CONDITION.id,
            ]
            .contains(&d.code_id())
        });
    }
    diags.extend(c.diags);
    if had_errors {
        return None;
    }
    let (name, schema, (identifier, identifier_path), lets, denies, notes, outputs) = program?;
    let guard_count = c.guard_slots.len();
    let output_decls = outputs
        .iter()
        .map(|o| crate::decision::OutputDecl {
            name: o.name.clone(),
            ty: o.ty.clone(),
        })
        .collect();
    Some(ir::Program {
        sources,
        name,
        schema,
        identifier,
        identifier_path,
        lets,
        denies,
        notes,
        outputs,
        output_decls,
        guard_count,
        limits,
    })
}

type Parts = (
    Arc<str>,
    Arc<RecordTy>,
    (Option<ir::Expr>, Vec<Arc<str>>),
    Vec<ir::Let>,
    Vec<ir::Rule>,
    Vec<ir::Rule>,
    Vec<ir::Output>,
);

/// What an expression depends on, gathered while checking it.
#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    /// Where it first reads `allowed` (directly or through a let).
    allowed: Option<Span>,
    /// Whether it reads any fact.
    facts: bool,
}

enum LetStatus {
    Pending,
    InProgress,
    Done { ty: Ty, flags: Flags },
}

struct LetState<'a> {
    name: &'a ast::Ident,
    expr: &'a ast::Expr,
    status: LetStatus,
    ir: Option<ir::Expr>,
    used: bool,
}

/// The typing environment of an expression.
#[derive(Clone, Default)]
struct Env {
    /// Quantifier variables, innermost last.
    locals: Vec<(Arc<str>, Ty)>,
    /// Access paths known to be present here (`order.coupon`).
    present: Vec<String>,
}

impl Env {
    fn with_present(&self, paths: Vec<String>) -> Env {
        let mut e = self.clone();
        e.present.extend(paths);
        e
    }
}

struct Checker<'a> {
    sources: &'a Sources,
    diags: Diagnostics,
    type_decls: HashMap<Arc<str>, &'a ast::TypeExpr>,
    resolved_types: HashMap<Arc<str>, Ty>,
    resolving: Vec<Arc<str>>,
    /// How deep the type being lowered nests (inline and through named
    /// types), against the depth limit: a chain of named types each one
    /// `list of` the next would otherwise nest without bound.
    type_depth: usize,
    roots: Arc<RecordTy>,
    lets: Vec<LetState<'a>>,
    let_index: HashMap<Arc<str>, usize>,
    used_fields: HashSet<(usize, usize)>,
    flags: Flags,
    /// How deep the expression being checked is, computed values it reads
    /// included (the recursion depth of [`Checker::expr`]).
    depth: usize,
    max_depth: usize,
    /// The deepest `depth` reached so far, counting the heights of the
    /// computed values read (see `let_heights`).
    max_seen: usize,
    /// For each checked computed value, how deep evaluating it recurses.
    let_heights: HashMap<usize, usize>,
    /// Whether the depth limit was reported (once a package).
    too_deep: bool,
    /// Names declared by items that did not parse.
    unparsed: HashSet<Arc<str>>,
    /// Computed values being checked, outermost first (for cycles).
    let_stack: Vec<usize>,
    /// The memo slot of each `when` block's condition, by its span: the
    /// rules of a block share one evaluation of it.
    guard_slots: HashMap<Span, usize>,
}

fn ir(kind: K, span: Span) -> ir::Expr {
    ir::Expr { kind, span }
}

/// The access path of an expression (`order.coupon`), if it is one.
fn path(e: &ast::Expr) -> Option<String> {
    fn write(e: &ast::Expr, out: &mut String) -> bool {
        match &e.kind {
            ExprKind::Name(n) => {
                out.push_str(n);
                true
            }
            ExprKind::Field(inner, f) => {
                let ok = write(inner, out);
                out.push('.');
                out.push_str(&f.node);
                ok
            }
            _ => false,
        }
    }
    let mut out = String::with_capacity(32);
    write(e, &mut out).then_some(out)
}

impl<'a> Checker<'a> {
    fn new(sources: &'a Sources) -> Self {
        Checker {
            sources,
            diags: Diagnostics::default(),
            type_decls: HashMap::default(),
            resolved_types: HashMap::default(),
            resolving: Vec::new(),
            type_depth: 0,
            roots: Arc::new(RecordTy { fields: Vec::new() }),
            lets: Vec::new(),
            let_index: HashMap::default(),
            used_fields: HashSet::default(),
            flags: Flags::default(),
            depth: 0,
            max_depth: Limits::default().max_expr_depth,
            max_seen: 0,
            let_heights: HashMap::default(),
            too_deep: false,
            unparsed: HashSet::default(),
            let_stack: Vec::new(),
            guard_slots: HashMap::default(),
        }
    }

    /// Paths known present when `e` evaluates to `when`. Looks through
    /// computed values (`let reassociated = x is present and …`).
    fn presence(&self, e: &ast::Expr, when: bool) -> Vec<String> {
        self.presence_at(e, when, 0)
    }

    fn presence_at(&self, e: &ast::Expr, when: bool, depth: usize) -> Vec<String> {
        if depth > 32 {
            return Vec::new();
        }
        match &e.kind {
            ExprKind::Is {
                subject,
                negated,
                test: IsTest::Present,
            } if when != *negated => path(subject).into_iter().collect(),
            ExprKind::Is {
                subject,
                negated,
                test: IsTest::Absent,
            } if when == *negated => path(subject).into_iter().collect(),
            // `x is some_variant` is only true when x is there.
            ExprKind::Is {
                subject,
                negated: false,
                test: IsTest::Variant(_),
            } if when => path(subject).into_iter().collect(),
            ExprKind::Unary(UnOp::Not, inner) => self.presence_at(inner, !when, depth + 1),
            ExprKind::Binary(BinOp::And, a, b) if when => {
                let mut v = self.presence_at(a, true, depth + 1);
                v.extend(self.presence_at(b, true, depth + 1));
                v
            }
            ExprKind::Binary(BinOp::Or, a, b) if !when => {
                let mut v = self.presence_at(a, false, depth + 1);
                v.extend(self.presence_at(b, false, depth + 1));
                v
            }
            ExprKind::Name(n) => match self.let_index.get(n).and_then(|&i| self.lets.get(i)) {
                Some(l) => self.presence_at(l.expr, when, depth + 1),
                None => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    fn src(&self, span: Span) -> &str {
        self.sources.slice(span)
    }

    fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn diag(
        &self,
        code: Code,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(code, message).at(self.sources, span, label)
    }

    fn duplicate(&mut self, what: &str, name: &ast::Ident, first: Span) {
        let d = self
            .diag(
                codes::CHECK_DUPLICATE,
                format!("{what} `{}` is declared twice", name.node),
                name.span,
                "declared again here",
            )
            .label(self.sources, first, "first declared here")
            .help(format!(
                "rename one of them, or remove the second `{}`",
                name.node
            ));
        self.error(d);
    }

    /// Reports a declaration named `allowed`, which is built in.
    fn reserved(&mut self, n: &ast::Ident) {
        if &*n.node == "allowed" {
            let d = self
                .diag(
                    codes::CHECK_DUPLICATE,
                    "`allowed` is built in: it says whether no deny rule applied",
                    n.span,
                    "built-in name",
                )
                .help("choose another name");
            self.error(d);
        }
    }

    fn run(&mut self, files: &'a [ast::File]) -> Option<Parts> {
        let items: Vec<&'a Item> = files.iter().flat_map(|f| f.items.iter()).collect();
        self.unparsed = files
            .iter()
            .flat_map(|f| f.unparsed_names.iter().cloned())
            .collect();

        // Package name.
        let mut package: Option<&'a ast::Ident> = None;
        for item in &items {
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
                            .label(self.sources, first.span, "first named here")
                            .help("all files of a package must use the same `package` name");
                        self.error(d);
                    }
                    Some(_) => {}
                }
            }
        }
        if package.is_none() {
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

        // Types.
        let mut type_spans: HashMap<Arc<str>, Span> = HashMap::default();
        for item in &items {
            if let Item::Type(n, t) = item {
                if let Some(first) = type_spans.get(&n.node).copied() {
                    self.duplicate("type", n, first);
                } else {
                    type_spans.insert(n.node.clone(), n.span);
                    self.type_decls.insert(n.node.clone(), t);
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

        // Schema roots.
        let mut root_fields: Vec<FieldTy> = Vec::new();
        for item in &items {
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
        self.roots = Arc::new(RecordTy {
            fields: root_fields,
        });

        // Lets, outputs: names first, so that any order works.
        let mut output_spans: HashMap<Arc<str>, Span> = HashMap::default();
        for item in &items {
            if let Item::Let(n, e) = item {
                self.reserved(n);
                if let Some(&i) = self.let_index.get(&n.node) {
                    let first = self.lets.get(i).map_or(n.span, |l| l.name.span);
                    self.duplicate("computed value", n, first);
                    continue;
                }
                if let Some((_, f)) = self.roots.field(&n.node) {
                    let first = f.span;
                    let d = self
                        .diag(
                            codes::CHECK_DUPLICATE,
                            format!("`{}` is already the name of a schema", n.node),
                            n.span,
                            "this name",
                        )
                        .label(self.sources, first, "the schema")
                        .help("give the computed value another name");
                    self.error(d);
                    continue;
                }
                self.let_index.insert(n.node.clone(), self.lets.len());
                self.lets.push(LetState {
                    name: n,
                    expr: e,
                    status: LetStatus::Pending,
                    ir: None,
                    used: false,
                });
            }
        }
        for i in 0..self.lets.len() {
            self.let_type(i, None);
        }

        let mut outputs = Vec::new();
        for item in &items {
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

        // Identifier.
        let mut identifier = None;
        let mut identifier_path = Vec::new();
        let mut seen_identify: Option<Span> = None;
        for item in &items {
            if let Item::Identify(parts, span) = item {
                if let Some(first) = seen_identify {
                    let d = self
                        .diag(
                            codes::CHECK_DUPLICATE,
                            "the request identifier is declared twice",
                            *span,
                            "declared again here",
                        )
                        .label(self.sources, first, "first declared here")
                        .help("keep one `requests are identified by …` line");
                    self.error(d);
                    continue;
                }
                seen_identify = Some(*span);
                identifier = self.identifier(parts, *span);
                identifier_path = parts.iter().map(|p| p.node.clone()).collect();
            }
        }

        // Rules.
        let mut denies = Vec::new();
        let mut notes = Vec::new();
        let mut rule_spans: HashMap<Arc<str>, Span> = HashMap::default();
        let mut code_rules: HashMap<Arc<str>, (Arc<str>, Span)> = HashMap::default();
        for item in &items {
            if let Item::Rule(r) = item {
                if let Some(first) = rule_spans.get(&r.name.node).copied() {
                    self.duplicate("rule", &r.name, first);
                    continue;
                }
                rule_spans.insert(r.name.node.clone(), r.name.span);
                if let Some((_, code)) = &r.effect {
                    if let Some((other, first)) = code_rules.get(&code.node).cloned() {
                        let d = self
                            .diag(codes::CHECK_DUPLICATE, format!("code `{}` is already used by rule `{other}`", code.node), code.span, "used again here")
                            .label(self.sources, first, "first used here")
                            .help("give each rule its own code, so that a decision says exactly which rule applied");
                        self.error(d);
                    } else {
                        code_rules.insert(code.node.clone(), (r.name.node.clone(), code.span));
                    }
                }
                if let Some((effect, rule)) = self.rule(r) {
                    match effect {
                        Effect::Deny => denies.push(rule),
                        Effect::Note => notes.push(rule),
                    }
                }
            }
        }

        self.unused_warnings();
        let lets = self
            .lets
            .iter_mut()
            .map(|l| ir::Let {
                expr: l
                    .ir
                    .take()
                    .unwrap_or(ir(K::Const(Value::Absent), l.name.span)),
            })
            .collect();
        let name = package.map_or_else(|| Arc::from(""), |p| p.node.clone());
        Some((
            name,
            self.roots.clone(),
            (identifier, identifier_path),
            lets,
            denies,
            notes,
            outputs,
        ))
    }

    fn unused_warnings(&mut self) {
        for i in 0..self.lets.len() {
            let Some(l) = self.lets.get(i) else { continue };
            if !l.used {
                let (name, span) = (l.name.node.clone(), l.name.span);
                let d = self
                    .diag(
                        codes::WARN_UNUSED_LET,
                        format!("`{name}` is computed but nothing reads it"),
                        span,
                        "never read",
                    )
                    .help("use it in a rule or an output, turn it into an `output`, or remove it");
                self.error(d);
            }
        }
        let roots = self.roots.clone();
        self.unused_fields(&roots, "");
    }

    fn unused_fields(&mut self, record: &Arc<RecordTy>, prefix: &str) {
        let key = Arc::as_ptr(record) as usize;
        for (i, f) in record.fields.iter().enumerate() {
            let path = if prefix.is_empty() {
                f.name.to_string()
            } else {
                format!("{prefix}.{}", f.name)
            };
            if !self.used_fields.contains(&(key, i)) {
                let d = self
                    .diag(codes::WARN_UNUSED_FIELD, format!("the schema declares `{path}`, but nothing reads it"), f.span, "never read")
                    .help("read it in a rule, a message or an output, or remove it from the schema (facts that carry it will then be rejected)");
                self.error(d);
                continue;
            }
            let mut t = &f.ty;
            while let Ty::Optional(inner) | Ty::List(inner) = t {
                t = inner;
            }
            if let Ty::Record(r) = t {
                self.unused_fields(r, &path);
            }
        }
    }

    // ----- types -----

    fn named_type(&mut self, n: &ast::Ident) -> Ty {
        if let Some(t) = self.resolved_types.get(&n.node) {
            return t.clone();
        }
        let Some(decl) = self.type_decls.get(&n.node).copied() else {
            let mut candidates: Vec<&str> = self.type_decls.keys().map(|k| &**k).collect();
            candidates.extend(lexicon::PRIM_TYPES.iter().map(|(w, _)| *w));
            let help = match suggest(&n.node, candidates) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "use {}, or declare it with `type name = …`",
                    lexicon::prim_list()
                ),
            };
            let d = self
                .diag(
                    codes::CHECK_UNKNOWN_TYPE,
                    format!("unknown type `{}`", n.node),
                    n.span,
                    "not a type",
                )
                .help(help);
            self.error(d);
            return Ty::Any;
        };
        if self.resolving.contains(&n.node) {
            let d = self
                .diag(
                    codes::CHECK_RECURSIVE_TYPE,
                    format!("type `{}` is defined in terms of itself", n.node),
                    n.span,
                    "refers back to itself",
                )
                .help("a type cannot contain itself; describe the data without the loop");
            self.error(d);
            return Ty::Any;
        }
        self.resolving.push(n.node.clone());
        let t = self.lower_type(decl);
        self.resolving.pop();
        self.resolved_types.insert(n.node.clone(), t.clone());
        t
    }

    fn lower_type(&mut self, t: &ast::TypeExpr) -> Ty {
        if self.type_depth >= self.max_depth {
            if !self.too_deep {
                self.too_deep = true;
                let d = self
                    .diag(
                        codes::LIMIT_DEPTH,
                        format!(
                            "this type nests more than {} levels deep, counting the named types it uses",
                            self.max_depth
                        ),
                        t.span(),
                        "nested too deeply",
                    )
                    .help("describe the data with fewer levels of lists, records and named types, or raise the limit (`--max-depth`) for a package you trust");
                self.error(d);
            }
            return Ty::Any;
        }
        self.type_depth += 1;
        let ty = self.lower_type_node(t);
        self.type_depth -= 1;
        ty
    }

    fn lower_type_node(&mut self, t: &ast::TypeExpr) -> Ty {
        match t {
            ast::TypeExpr::Prim(p) => match p.node {
                ast::Prim::Bool => Ty::Bool,
                ast::Prim::Int => Ty::Int,
                ast::Prim::Decimal => Ty::Decimal,
                ast::Prim::String => Ty::Str,
                ast::Prim::Date => Ty::Date,
                ast::Prim::DateTime => Ty::DateTime,
            },
            ast::TypeExpr::Optional(inner, _) => self.lower_type(inner).optional(),
            ast::TypeExpr::List(inner, _) => Ty::List(Box::new(self.lower_type(inner))),
            ast::TypeExpr::Enum(variants, _) => {
                let mut names: Vec<Arc<str>> = Vec::new();
                for v in variants {
                    if let Some(i) = names.iter().position(|n| *n == v.node) {
                        let first = variants.get(i).map_or(v.span, |f| f.span);
                        self.duplicate("variant", v, first);
                    } else {
                        names.push(v.node.clone());
                    }
                }
                Ty::Enum(Arc::new(EnumTy { variants: names }))
            }
            ast::TypeExpr::Record(fields, _) => {
                let mut out: Vec<FieldTy> = Vec::new();
                for (n, ft) in fields {
                    if let Some(first) = out.iter().find(|f| f.name == n.node).map(|f| f.span) {
                        self.duplicate("field", n, first);
                        continue;
                    }
                    let ty = self.lower_type(ft);
                    out.push(FieldTy {
                        name: n.node.clone(),
                        ty,
                        span: n.span,
                    });
                }
                Ty::Record(Arc::new(RecordTy { fields: out }))
            }
            ast::TypeExpr::Named(n) => self.named_type(n),
        }
    }

    // ----- declarations -----

    fn let_type(&mut self, i: usize, used_at: Option<Span>) -> Ty {
        let Some(state) = self.lets.get_mut(i) else {
            return Ty::Any;
        };
        if used_at.is_some() {
            state.used = true;
        }
        match &state.status {
            LetStatus::Done { ty, flags } => {
                let (ty, flags) = (ty.clone(), *flags);
                // Evaluating it here recurses as deep as checking it did.
                let reach = self.depth + self.let_heights.get(&i).copied().unwrap_or(0);
                self.max_seen = self.max_seen.max(reach);
                if reach > self.max_depth {
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
                let from = self.let_stack.iter().position(|&j| j == i).unwrap_or(0);
                let mut chain: Vec<String> = self
                    .let_stack
                    .get(from..)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|&j| self.lets.get(j).map(|l| l.name.node.to_string()))
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
                        self.sources,
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
                let saved = std::mem::take(&mut self.flags);
                self.let_stack.push(i);
                let (start, seen) = (self.depth, self.max_seen);
                self.max_seen = start;
                let (x, ty) = self.expr(expr, &Env::default());
                self.let_heights.insert(i, self.max_seen - start);
                self.max_seen = self.max_seen.max(seen);
                self.let_stack.pop();
                let flags = std::mem::replace(&mut self.flags, saved);
                if let Some(state) = self.lets.get_mut(i) {
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

    fn merge(&mut self, flags: Flags, used_at: Option<Span>) {
        self.flags.facts |= flags.facts;
        if self.flags.allowed.is_none() && flags.allowed.is_some() {
            self.flags.allowed = used_at.or(flags.allowed);
        }
    }

    fn identifier(&mut self, parts: &[ast::Ident], span: Span) -> Option<ir::Expr> {
        let (first, rest) = parts.split_first()?;
        let Some((idx, root)) = self.roots.field(&first.node) else {
            let help = self.did_you_mean(
                &first.node,
                self.roots.fields.iter().map(|f| &*f.name).collect(),
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
        let roots_key = Arc::as_ptr(&self.roots) as usize;
        self.used_fields.insert((roots_key, idx));
        let mut ty = root.ty.clone();
        let mut x = ir(K::Root(idx), first.span);
        for f in rest {
            let Ty::Record(r) = ty.required().clone() else {
                break;
            };
            let Some((fi, field)) = r.field(&f.node) else {
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
            self.used_fields.insert((Arc::as_ptr(&r) as usize, fi));
            ty = if ty.is_optional() {
                field.ty.clone().optional()
            } else {
                field.ty.clone()
            };
            x = ir(K::Field(Box::new(x), fi), first.span.to(f.span));
        }
        if ty.is_optional() || matches!(ty, Ty::List(_) | Ty::Record(_)) {
            let d = self
                .diag(codes::CHECK_BAD_IDENTIFIER, format!("requests cannot be identified by {ty:#}"), span, "not a plain required value")
                .help("identify requests by a required string, number or date field, such as `basket.id`");
            self.error(d);
            return None;
        }
        Some(x)
    }

    fn rule(&mut self, r: &ast::Rule) -> Option<(Effect, ir::Rule)> {
        for s in &r.repeated {
            let d = self
                .diag(codes::CHECK_RULE_SHAPE, format!("rule `{}` has this clause twice", r.name.node), *s, "repeated clause")
                .help("a rule has one `deny`/`note`, one `when`, one `message` and one `help`; join the conditions with `and`");
            self.error(d);
        }
        let Some((effect, code)) = &r.effect else {
            let d = self
                .diag(
                    codes::CHECK_RULE_SHAPE,
                    format!("rule `{}` neither denies nor notes anything", r.name.node),
                    r.name.span,
                    "no effect",
                )
                .help("add `deny CODE` (the request is refused) or `note CODE` (informational)");
            self.error(d);
            return None;
        };
        if let (Effect::Note, Some(h)) = (effect.node, &r.help) {
            let d = self
                .diag(
                    codes::CHECK_RULE_SHAPE,
                    format!(
                        "note `{}` has a `help`, but notes are information only",
                        r.name.node
                    ),
                    h.span,
                    "not shown anywhere",
                )
                .help("put the text in the note's `message`, or make the rule a `deny`");
            self.error(d);
        }
        if r.when.is_none() && r.guards.is_empty() {
            let d = self
                .diag(codes::CHECK_RULE_SHAPE, format!("rule `{}` never says when it applies", r.name.node), r.name.span, "no `when`")
                .help("add `when condition` to the rule, or put the rule inside a `when condition { … }` block");
            self.error(d);
        }
        let Some(message) = &r.message else {
            let d = self
                .diag(
                    codes::CHECK_RULE_SHAPE,
                    format!("rule `{}` has no message", r.name.node),
                    r.name.span,
                    "no `message`",
                )
                .help("add `message \"…\"` telling the user what happened");
            self.error(d);
            return None;
        };
        self.flags = Flags::default();
        let mut env = Env::default();
        let mut conditions = Vec::new();
        let mut guard_slots = Vec::with_capacity(r.guards.len());
        for g in &r.guards {
            let fresh = self.guard_slots.len();
            guard_slots.push(*self.guard_slots.entry(g.span).or_insert(fresh));
        }
        for c in r.guards.iter().chain(r.when.iter()) {
            let (x, ty) = self.expr(c, &env);
            let ty = self.need(&ty, c);
            self.condition(&ty, c);
            env = env.with_present(self.presence(c, true));
            conditions.push(x);
        }
        let cond_flags = self.flags;
        let message_ir = self.template(message, &env);
        let help_ir = r.help.as_ref().map(|h| self.template(h, &env));
        if effect.node == Effect::Deny {
            if let Some(at) = self.flags.allowed {
                let d = self
                    .diag(codes::CHECK_ALLOWED_MISUSE, format!("deny rule `{}` depends on whether the request is allowed", r.name.node), at, "reads `allowed`")
                    .label(self.sources, effect.span, "in this deny rule")
                    .help("`allowed` is known only after every deny rule has run; use it in notes and outputs only");
                self.error(d);
            }
            if r.help.is_none() {
                let d = self
                    .diag(
                        codes::WARN_DENY_WITHOUT_HELP,
                        format!(
                            "deny rule `{}` does not tell the user what to do",
                            r.name.node
                        ),
                        r.name.span,
                        "no `help`",
                    )
                    .help("add `help \"…\"` with the next step for the user");
                self.error(d);
            }
        }
        if !cond_flags.facts && cond_flags.allowed.is_none() && !conditions.is_empty() {
            let d = self
                .diag(
                    codes::WARN_CONSTANT_CONDITION,
                    format!(
                        "the condition of rule `{}` does not depend on the request",
                        r.name.node
                    ),
                    r.when
                        .as_ref()
                        .or(r.guards.last())
                        .map_or(r.name.span, |c| c.span),
                    "same result for every request",
                )
                .help("compare a fact in the condition, or remove the rule if it is not needed");
            self.error(d);
        }
        self.contradictions(r);
        Some((
            effect.node,
            ir::Rule {
                name: r.name.node.clone(),
                code: code.node.clone(),
                conditions,
                guard_slots,
                message: message_ir,
                help: help_ir,
                span: r.name.span,
            },
        ))
    }

    /// Warns about a rule whose conditions cannot all hold: the same value
    /// tested against two different variants, or as both present and absent.
    fn contradictions(&mut self, r: &ast::Rule) {
        let mut tests: Vec<(String, Option<Arc<str>>, bool, Span)> = Vec::new();
        fn collect(e: &ast::Expr, out: &mut Vec<(String, Option<Arc<str>>, bool, Span)>) {
            match &e.kind {
                ExprKind::Binary(BinOp::And, a, b) => {
                    collect(a, out);
                    collect(b, out);
                }
                ExprKind::Is {
                    subject,
                    negated: false,
                    test: IsTest::Variant(v),
                } => {
                    if let Some(p) = path(subject) {
                        out.push((p, Some(v.node.clone()), true, e.span));
                    }
                }
                ExprKind::Is {
                    subject,
                    negated,
                    test,
                } if !matches!(test, IsTest::Variant(_)) => {
                    if let Some(p) = path(subject) {
                        let present = matches!(test, IsTest::Present) != *negated;
                        out.push((p, None, present, e.span));
                    }
                }
                _ => {}
            }
        }
        for c in r.guards.iter().chain(r.when.iter()) {
            collect(c, &mut tests);
        }
        for (i, a) in tests.iter().enumerate() {
            for b in tests.iter().skip(i + 1) {
                let clash = a.0 == b.0
                    && match (&a.1, &b.1) {
                        (Some(x), Some(y)) => x != y,
                        (None, None) => a.2 != b.2,
                        _ => false,
                    };
                if clash {
                    let d = self
                        .diag(
                            codes::WARN_CONTRADICTION,
                            format!("rule `{}` can never fire", r.name.node),
                            b.3,
                            "this test…",
                        )
                        .label(self.sources, a.3, "…contradicts this one")
                        .help("the two tests cannot both be true; did you mean `or`?");
                    self.diags.push(d);
                    return;
                }
            }
        }
    }

    fn condition(&mut self, ty: &Ty, e: &ast::Expr) {
        match ty {
            Ty::Bool | Ty::Any => {}
            Ty::Optional(inner) if matches!(**inner, Ty::Bool) => {}
            other => {
                let d = self
                    .diag(
                        codes::CHECK_NOT_BOOL,
                        format!("a condition must be true or false, but this is {other:#}"),
                        e.span,
                        format!("{other}"),
                    )
                    .help({
                        let src = self.src(e.span).to_string();
                        match other {
                            Ty::Int | Ty::Decimal => format!("compare it, for example `{src} > 0`"),
                            Ty::Enum(en) => format!(
                                "test a variant, for example `{src} is {}`",
                                en.variants.first().map_or("x", |v| v)
                            ),
                            Ty::Str => format!("compare it, for example `{src} == \"…\"`"),
                            _ => {
                                format!("write a comparison such as `{src} == …`, or an `is` test")
                            }
                        }
                    });
                self.error(d);
            }
        }
    }

    fn template(&mut self, t: &ast::Template, env: &Env) -> ir::Template {
        let mut parts = Vec::new();
        for p in &t.parts {
            match p {
                ast::TemplatePart::Text(s) => parts.push(ir::Part::Text(Arc::from(s.as_str()))),
                ast::TemplatePart::Expr(e) => {
                    let (x, ty) = self.expr(e, env);
                    self.need(&ty, e);
                    parts.push(ir::Part::Expr(x));
                }
            }
        }
        ir::Template { parts }
    }

    fn did_you_mean(&self, name: &str, candidates: Vec<&str>) -> String {
        match suggest(name, candidates.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if candidates.is_empty() => "declare it first".to_string(),
            None => {
                let mut c = candidates;
                c.sort_unstable();
                let list: Vec<String> = c.iter().take(8).map(|s| format!("`{s}`")).collect();
                format!(
                    "known here: {}{}",
                    list.join(", "),
                    if c.len() > 8 { ", …" } else { "" }
                )
            }
        }
    }

    // ----- expressions -----

    /// Requires a present value: reports an optional used unchecked.
    fn need(&mut self, ty: &Ty, e: &ast::Expr) -> Ty {
        if let Ty::Optional(inner) = ty {
            if matches!(**inner, Ty::Any) {
                let d = self
                    .diag(codes::CHECK_OPTIONAL_UNCHECKED, "`none` stands for a missing value and cannot be used here", e.span, "no value")
                    .help("to test whether a value is missing, write `x is absent`; `none` is for the branch of an `if` or an output that has no value");
                self.error(d);
            } else {
                let src = self.src(e.span).to_string();
                let d = self
                    .diag(codes::CHECK_OPTIONAL_UNCHECKED, format!("`{src}` may be absent, and is used here as if it were always there"), e.span, format!("{ty}"))
                    .help(format!("test it first (`{src} is present and …`) or give a default (`{src} otherwise …`)"));
                self.error(d);
            }
            return (**inner).clone();
        }
        ty.clone()
    }

    fn mismatch(&mut self, message: String, span: Span, label: String, help: &str) -> Ty {
        let d = self
            .diag(codes::CHECK_TYPE_MISMATCH, message, span, label)
            .help(help.to_string());
        self.error(d);
        Ty::Any
    }

    /// Reports the depth limit (once a package) at `span`.
    fn depth_exceeded(&mut self, span: Span) {
        if !self.too_deep {
            self.too_deep = true;
            let d = self
                    .diag(
                        codes::LIMIT_DEPTH,
                        format!(
                            "this expression nests more than {} levels deep, counting the computed values it reads",
                            self.max_depth
                        ),
                        span,
                        "nested too deeply",
                    )
                    .help("compute the value in fewer steps, or raise the limit (`--max-depth`) for a package you trust");
            self.error(d);
        }
    }

    fn expr(&mut self, e: &ast::Expr, env: &Env) -> (ir::Expr, Ty) {
        if self.depth >= self.max_depth {
            // Computed values that read computed values: each alone is
            // shallow, the chain is not. Refuse rather than overflow.
            self.depth_exceeded(e.span);
            return (ir(K::Const(Value::Absent), e.span), Ty::Any);
        }
        self.depth += 1;
        self.max_seen = self.max_seen.max(self.depth);
        let r = self.expr_unguarded(e, env);
        self.depth -= 1;
        r
    }

    fn expr_unguarded(&mut self, e: &ast::Expr, env: &Env) -> (ir::Expr, Ty) {
        let span = e.span;
        let (kind, ty) = match &e.kind {
            ExprKind::Bool(b) => (K::Const(Value::Bool(*b)), Ty::Bool),
            ExprKind::Int(text) => match text.parse::<i64>() {
                Ok(i) => (K::Const(Value::Int(i)), Ty::Int),
                Err(_) => {
                    let d = self
                        .diag(codes::PARSE_BAD_LITERAL, format!("`{text}` is too large for a whole number"), span, "too large")
                        .help("whole numbers go up to 9223372036854775807; write a decimal such as `1.0` for larger values");
                    self.error(d);
                    (K::Const(Value::Absent), Ty::Any)
                }
            },
            ExprKind::Decimal(text) => match text.parse::<Decimal>() {
                Ok(d) if d.to_string() == **text => (K::Const(Value::Decimal(d)), Ty::Decimal),
                _ => {
                    let leading_zero =
                        text.len() > 1 && text.starts_with('0') && !text.starts_with("0.");
                    let d = if leading_zero {
                        let fixed = text.trim_start_matches('0');
                        let fixed = if fixed.starts_with('.') {
                            format!("0{fixed}")
                        } else {
                            fixed.to_string()
                        };
                        self.diag(
                            codes::PARSE_BAD_LITERAL,
                            format!("`{text}` has a leading zero"),
                            span,
                            "leading zero",
                        )
                        .help(format!("write `{fixed}`"))
                    } else {
                        self.diag(
                            codes::PARSE_BAD_LITERAL,
                            format!("`{text}` cannot be held exactly as a decimal"),
                            span,
                            "too many digits",
                        )
                        .help("decimals hold up to 28 significant digits; shorten the number")
                    };
                    self.error(d);
                    (K::Const(Value::Absent), Ty::Any)
                }
            },
            ExprKind::Str(t) => {
                let tmpl = self.template(t, env);
                match tmpl.parts.as_slice() {
                    [] => (K::Const(Value::Str(Arc::from(""))), Ty::Str),
                    [ir::Part::Text(s)] => (K::Const(Value::Str(s.clone())), Ty::Str),
                    _ => (K::Interp(tmpl), Ty::Str),
                }
            }
            ExprKind::None => (K::Const(Value::Absent), Ty::Any.optional()),
            ExprKind::Name(n) => self.name(e, n, span, env),
            ExprKind::Field(inner, f) => self.field(e, inner, f, env),
            ExprKind::Call(name, args) => self.call(name, args, span, env),
            ExprKind::List(items) => {
                let mut xs = Vec::new();
                let mut ty = Ty::Any;
                for item in items {
                    let (x, t) = self.expr(item, env);
                    let t = self.need(&t, item);
                    match ty.unify(&t) {
                        Some(u) => ty = u,
                        None => {
                            self.mismatch(format!("a list holds values of one type, but this is {t:#} among values of type {ty}"), item.span, format!("{t}"), "make every element the same type");
                        }
                    }
                    xs.push(x);
                }
                // `[]` is a constant: built once, not at every evaluation.
                let kind = if xs.is_empty() {
                    K::Const(Value::List(Arc::from(Vec::new())))
                } else {
                    K::List(xs)
                };
                (kind, Ty::List(Box::new(ty)))
            }
            ExprKind::Unary(op, inner) => {
                let (x, t) = self.expr(inner, env);
                let t = self.need(&t, inner);
                match op {
                    UnOp::Not => {
                        if !matches!(t, Ty::Bool | Ty::Any) {
                            self.mismatch(
                                format!("`not` needs true or false, but this is {t:#}"),
                                inner.span,
                                format!("{t}"),
                                "compare the value first, for example `not (x > 0)`",
                            );
                        }
                        (K::Not(Box::new(x)), Ty::Bool)
                    }
                    UnOp::Neg => {
                        if !t.is_number() {
                            self.mismatch(
                                format!("`-` needs a number, but this is {t:#}"),
                                inner.span,
                                format!("{t}"),
                                "only numbers can be negated",
                            );
                        }
                        (K::Neg(Box::new(x)), t)
                    }
                }
            }
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, env),
            ExprKind::Is {
                subject,
                negated,
                test,
            } => self.is(subject, *negated, test, env),
            ExprKind::If(c, t, f) => {
                let (cx, cty) = self.expr(c, env);
                let cty = self.need(&cty, c);
                self.condition(&cty, c);
                let (tx, tty) = self.expr(t, &env.with_present(self.presence(c, true)));
                let (fx, fty) = self.expr(f, &env.with_present(self.presence(c, false)));
                let ty = match tty.unify(&fty) {
                    Some(u) => u,
                    None => {
                        let d = self
                            .diag(codes::CHECK_TYPE_MISMATCH, format!("the two branches of `if` give different types: {tty} and {fty}"), t.span, format!("{tty}"))
                            .label(self.sources, f.span, format!("{fty}"))
                            .help("make both branches give the same type of value");
                        self.error(d);
                        Ty::Any
                    }
                };
                (K::If(Box::new(cx), Box::new(tx), Box::new(fx)), ty)
            }
            ExprKind::Quant {
                kind,
                var,
                list,
                body,
            } => self.quant(*kind, var, list, body.as_deref(), env),
        };
        (ir(kind, span), ty)
    }

    fn visible_names(&self, env: &Env) -> Vec<String> {
        let mut v: Vec<String> = env.locals.iter().map(|(n, _)| n.to_string()).collect();
        v.extend(self.let_index.keys().map(|k| k.to_string()));
        v.extend(self.roots.fields.iter().map(|f| f.name.to_string()));
        // The value being defined is no candidate for its own use.
        if let Some(&current) = self.let_stack.last() {
            if let Some(l) = self.lets.get(current) {
                let own = l.name.node.to_string();
                v.retain(|n| *n != own);
            }
        }
        v
    }

    /// `ty` without its `optional` where `e` is known to be present. The
    /// access path is spelled out only for an optional value.
    fn narrow(&self, ty: Ty, e: &ast::Expr, env: &Env) -> Ty {
        if !ty.is_optional() || env.present.is_empty() {
            return ty;
        }
        match path(e) {
            Some(p) if env.present.contains(&p) => ty.required().clone(),
            _ => ty,
        }
    }

    fn name(&mut self, whole: &ast::Expr, n: &Arc<str>, span: Span, env: &Env) -> (K, Ty) {
        if let Some(slot) = env.locals.iter().rposition(|(l, _)| l == n) {
            let ty = env.locals.get(slot).map_or(Ty::Any, |(_, t)| t.clone());
            return (K::Local(slot), self.narrow(ty, whole, env));
        }
        if &**n == "allowed" {
            if self.flags.allowed.is_none() {
                self.flags.allowed = Some(span);
            }
            return (K::Allowed, Ty::Bool);
        }
        if let Some(&i) = self.let_index.get(n) {
            let ty = self.let_type(i, Some(span));
            return (K::Let(i), self.narrow(ty, whole, env));
        }
        if let Some((i, root)) = self.roots.field(n) {
            let ty = root.ty.clone();
            self.used_fields
                .insert((Arc::as_ptr(&self.roots) as usize, i));
            self.flags.facts = true;
            return (K::Root(i), self.narrow(ty, whole, env));
        }
        if self.unparsed.contains(n) {
            // Declared by an item with a syntax error, already reported.
            return (K::Const(Value::Absent), Ty::Any);
        }
        let names = self.visible_names(env);
        let help = self.did_you_mean(n, names.iter().map(String::as_str).collect());
        let d = self
            .diag(
                codes::CHECK_UNKNOWN_NAME,
                format!("unknown name `{n}`"),
                span,
                "not declared",
            )
            .help(help);
        self.error(d);
        (K::Const(Value::Absent), Ty::Any)
    }

    fn field(
        &mut self,
        whole: &ast::Expr,
        inner: &ast::Expr,
        f: &ast::Ident,
        env: &Env,
    ) -> (K, Ty) {
        let (x, ty) = self.expr(inner, env);
        let optional = ty.is_optional();
        let result = match ty.required() {
            Ty::Record(r) => match r.field(&f.node) {
                Some((i, field)) => {
                    self.used_fields.insert((Arc::as_ptr(r) as usize, i));
                    let t = if optional {
                        field.ty.clone().optional()
                    } else {
                        field.ty.clone()
                    };
                    return (K::Field(Box::new(x), i), self.narrow(t, whole, env));
                }
                None => {
                    let help =
                        self.did_you_mean(&f.node, r.fields.iter().map(|f| &*f.name).collect());
                    let owner = self.src(inner.span).to_string();
                    let d = self
                        .diag(
                            codes::CHECK_UNKNOWN_FIELD,
                            format!("`{owner}` has no field `{}`", f.node),
                            f.span,
                            "unknown field",
                        )
                        .help(help);
                    self.error(d);
                    Ty::Any
                }
            },
            Ty::Any => Ty::Any,
            other => {
                let owner = self.src(inner.span).to_string();
                self.mismatch(
                    format!("`{owner}` is {other:#}, which has no fields"),
                    f.span,
                    "no such field".into(),
                    "only records (schemas and `{ … }` types) have fields",
                )
            }
        };
        (K::Const(Value::Absent), result)
    }

    /// `x is VARIANT` on an enum, or a bare variant name in `==`/`in`.
    fn variant(&mut self, ty: &Ty, v: &ast::Ident) -> Option<Value> {
        match ty {
            Ty::Enum(en) => match en.variants.iter().find(|x| ***x == *v.node) {
                Some(x) => Some(Value::Enum(x.clone())),
                None => {
                    let help =
                        self.did_you_mean(&v.node, en.variants.iter().map(|x| &**x).collect());
                    let d = self
                        .diag(
                            codes::CHECK_UNKNOWN_VARIANT,
                            format!("`{}` is not a variant of `{ty}`", v.node),
                            v.span,
                            "unknown variant",
                        )
                        .help(help);
                    self.error(d);
                    None
                }
            },
            _ => None,
        }
    }

    fn is(&mut self, subject: &ast::Expr, negated: bool, test: &IsTest, env: &Env) -> (K, Ty) {
        let (x, ty) = self.expr(subject, env);
        match test {
            IsTest::Present | IsTest::Absent => {
                let present = matches!(test, IsTest::Present) != negated;
                (K::IsPresent(Box::new(x), present), Ty::Bool)
            }
            IsTest::Variant(v) => {
                // An optional enum may be tested directly: absent is no variant.
                let t = ty.required().clone();
                let value = match &t {
                    Ty::Enum(_) => self.variant(&t, v),
                    Ty::Any => None,
                    other => {
                        let src = self.src(subject.span).to_string();
                        self.mismatch(
                            format!("`is {}` tests an enum, but `{src}` is {other:#}", v.node),
                            subject.span,
                            format!("{other}"),
                            "use `==` to compare other values",
                        );
                        None
                    }
                };
                (
                    K::IsVariant(Box::new(x), value.unwrap_or(Value::Absent), negated),
                    Ty::Bool,
                )
            }
        }
    }

    /// Whether a bare name resolves to something other than an enum variant.
    fn resolves(&self, n: &str, env: &Env) -> bool {
        env.locals.iter().any(|(l, _)| &**l == n)
            || n == "allowed"
            || self.let_index.contains_key(n)
            || self.roots.field(n).is_some()
    }

    /// Checks `e` where an enum of type `want` is expected: bare variant names
    /// are accepted as values.
    fn expr_expecting(&mut self, e: &ast::Expr, want: &Ty, env: &Env) -> (ir::Expr, Ty) {
        if let (ExprKind::Name(n), Ty::Enum(_)) = (&e.kind, want) {
            if !self.resolves(n, env) {
                let ident = ast::Ident::new(n.clone(), e.span);
                let v = self.variant(want, &ident).unwrap_or(Value::Absent);
                return (ir(K::Const(v), e.span), want.clone());
            }
        }
        if let (ExprKind::List(items), Ty::Enum(_)) = (&e.kind, want) {
            let mut xs = Vec::new();
            for item in items {
                let (x, t) = self.expr_expecting(item, want, env);
                let t = self.need(&t, item);
                if t.unify(want).is_none() {
                    self.mismatch(
                        format!("this list holds values of `{want}`, but this is {t:#}"),
                        item.span,
                        format!("{t}"),
                        "make every element the same type",
                    );
                }
                xs.push(x);
            }
            return (ir(K::List(xs), e.span), Ty::List(Box::new(want.clone())));
        }
        self.expr(e, env)
    }

    fn binary(&mut self, op: BinOp, a: &ast::Expr, b: &ast::Expr, env: &Env) -> (K, Ty) {
        match op {
            BinOp::And | BinOp::Or => {
                let (ax, at) = self.expr(a, env);
                let at = self.need(&at, a);
                let env2 = env.with_present(self.presence(a, op == BinOp::And));
                let (bx, bt) = self.expr(b, &env2);
                let bt = self.need(&bt, b);
                for (t, side) in [(&at, a), (&bt, b)] {
                    if !matches!(t, Ty::Bool | Ty::Any) {
                        self.mismatch(
                            format!("`{}` joins conditions, but this is {t:#}", op.symbol()),
                            side.span,
                            format!("{t}"),
                            "compare the value to get true or false, for example `x > 0`",
                        );
                    }
                }
                let kind = if op == BinOp::And {
                    K::And(Box::new(ax), Box::new(bx))
                } else {
                    K::Or(Box::new(ax), Box::new(bx))
                };
                (kind, Ty::Bool)
            }
            BinOp::Otherwise => {
                let (ax, at) = self.expr(a, env);
                let (bx, bt) = self.expr_expecting(b, at.required(), env);
                if !at.is_optional() {
                    let src = self.src(a.span).to_string();
                    let d = self
                        .diag(
                            codes::CHECK_TYPE_MISMATCH,
                            format!("`{src}` is never absent, so `otherwise` has no effect"),
                            a.span,
                            format!("{at}"),
                        )
                        .help("remove `otherwise …`, or apply it to an optional value");
                    self.error(d);
                }
                let ty = match at.required().unify(&bt) {
                    Some(t) => t,
                    None => {
                        let d = self
                            .diag(
                                codes::CHECK_TYPE_MISMATCH,
                                format!(
                                    "the default must have the value's type: {} and {bt}",
                                    at.required()
                                ),
                                b.span,
                                format!("{bt}"),
                            )
                            .label(self.sources, a.span, format!("{at}"))
                            .help(format!(
                                "give a default such as {}",
                                at.required().policy_example()
                            ));
                        self.error(d);
                        Ty::Any
                    }
                };
                (K::Otherwise(Box::new(ax), Box::new(bx)), ty)
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let (ax, at) = self.expr(a, env);
                let at = self.need(&at, a);
                let (bx, bt) = self.expr(b, env);
                let bt = self.need(&bt, b);
                let ty = if at.is_number() && bt.is_number() {
                    match (&at, &bt, op) {
                        (_, _, BinOp::Div) => Ty::Decimal,
                        (Ty::Int, Ty::Int, _) => Ty::Int,
                        (Ty::Any, Ty::Any, _) => Ty::Any,
                        _ => Ty::Decimal,
                    }
                } else {
                    let help = if matches!(at, Ty::Date) || matches!(bt, Ty::Date) {
                        "dates are moved with `add_days(date, n)` or `add_business_days(date, n, holidays)`, and compared with `days_between(a, b)`"
                    } else {
                        "arithmetic works on `int` and `decimal` values"
                    };
                    let d = self
                        .diag(
                            codes::CHECK_TYPE_MISMATCH,
                            format!("`{}` cannot combine {at:#} and {bt:#}", op.symbol()),
                            a.span,
                            format!("{at}"),
                        )
                        .label(self.sources, b.span, format!("{bt}"))
                        .help(help);
                    self.error(d);
                    Ty::Any
                };
                let arith = match op {
                    BinOp::Add => Arith::Add,
                    BinOp::Sub => Arith::Sub,
                    BinOp::Mul => Arith::Mul,
                    _ => Arith::Div,
                };
                (K::Arith(arith, Box::new(ax), Box::new(bx)), ty)
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let (ax, at) = self.expr(a, env);
                let at = self.need(&at, a);
                let (bx, bt) = self.expr_expecting(b, &at, env);
                let bt = self.need(&bt, b);
                let ordered = |t: &Ty| {
                    t.is_number() || matches!(t, Ty::Date | Ty::DateTime | Ty::Str | Ty::Any)
                };
                let ok = match at.unify(&bt) {
                    Some(u) => matches!(op, BinOp::Eq | BinOp::Ne) || ordered(&u),
                    None => false,
                };
                if !ok {
                    let chained = matches!(
                        &a.kind,
                        ExprKind::Binary(
                            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge,
                            _,
                            _
                        )
                    );
                    let same_enum =
                        matches!((&at, &bt), (Ty::Enum(_), Ty::Enum(_))) && at.unify(&bt).is_some();
                    let help = match (&at, &bt) {
                        _ if chained => {
                            let middle = match &a.kind {
                                ExprKind::Binary(_, _, m) => self.src(m.span).to_string(),
                                _ => String::from("x"),
                            };
                            format!(
                                "comparisons do not chain: write `{} and {middle} {} {}`",
                                self.src(a.span),
                                op.symbol(),
                                self.src(b.span)
                            )
                        }
                        _ if same_enum => format!(
                            "enum values have no order; test them with `{} is …` or `{} in [a, b]`",
                            self.src(a.span),
                            self.src(a.span)
                        ),
                        (Ty::Enum(en), _) => format!("compare it with one of its variants: {}", en.variants.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")),
                        _ if matches!(op, BinOp::Eq | BinOp::Ne) => "compare values of the same type".to_string(),
                        _ => "`<`, `<=`, `>`, `>=` compare numbers, dates or strings of the same kind".to_string(),
                    };
                    let message = if same_enum {
                        format!("`{}` cannot order enum values", op.symbol())
                    } else {
                        format!("`{}` cannot compare {at:#} with {bt:#}", op.symbol())
                    };
                    let d = self
                        .diag(codes::CHECK_TYPE_MISMATCH, message, a.span, format!("{at}"))
                        .label(self.sources, b.span, format!("{bt}"))
                        .help(help);
                    self.error(d);
                }
                let cmp = match op {
                    BinOp::Eq => Cmp::Eq,
                    BinOp::Ne => Cmp::Ne,
                    BinOp::Lt => Cmp::Lt,
                    BinOp::Le => Cmp::Le,
                    BinOp::Gt => Cmp::Gt,
                    _ => Cmp::Ge,
                };
                (K::Cmp(cmp, Box::new(ax), Box::new(bx)), Ty::Bool)
            }
            BinOp::In => {
                let (ax, at) = self.expr(a, env);
                let at = self.need(&at, a);
                let (bx, bt) = self.expr_expecting(b, &at, env);
                let bt = self.need(&bt, b);
                match &bt {
                    Ty::List(elem) if elem.unify(&at).is_some() => {}
                    Ty::Any => {}
                    _ => {
                        let d = self
                            .diag(
                                codes::CHECK_TYPE_MISMATCH,
                                match &bt {
                                    Ty::List(elem) => format!("`{}` is {at:#}, but the list holds values of type {elem}", self.src(a.span)),
                                    _ => format!("`in` looks for a value in a list, but this is {bt:#}"),
                                },
                                b.span,
                                format!("{bt}"),
                            )
                            .label(self.sources, a.span, format!("{at}"))
                            .help(match &bt {
                                Ty::List(_) => format!("compare with a list of the same type, for example `{} in [{}]`", self.src(a.span), at.policy_example()),
                                _ => "write the list in brackets, for example `x in [\"a\", \"b\"]`".to_string(),
                            });
                        self.error(d);
                    }
                }
                (K::In(Box::new(ax), Box::new(bx)), Ty::Bool)
            }
        }
    }

    fn call(&mut self, name: &ast::Ident, args: &[ast::Expr], span: Span, env: &Env) -> (K, Ty) {
        let Some(b) = Builtin::by_name(&name.node) else {
            let help = self.did_you_mean(
                &name.node,
                builtins::ALL.iter().map(|(n, _, _)| *n).collect(),
            );
            let d = self
                .diag(
                    codes::CHECK_UNKNOWN_FUNCTION,
                    format!("unknown function `{}`", name.node),
                    name.span,
                    "no such function",
                )
                .help(help);
            self.error(d);
            for a in args {
                self.expr(a, env);
            }
            return (K::Const(Value::Absent), Ty::Any);
        };
        let (min, max) = b.arity();
        if args.len() < min || args.len() > max {
            let want = if min == max {
                format!("{min}")
            } else if max == usize::MAX {
                format!("at least {min}")
            } else {
                format!("{min} or {max}")
            };
            let d = self
                .diag(
                    codes::CHECK_ARITY,
                    format!(
                        "`{}` takes {want} argument{}, but {} {} given",
                        name.node,
                        if want == "1" { "" } else { "s" },
                        args.len(),
                        if args.len() == 1 { "was" } else { "were" },
                    ),
                    span,
                    "wrong number of arguments",
                )
                .help(format!("usage: {}", b.signature()));
            self.error(d);
            return (K::Const(Value::Absent), Ty::Any);
        }
        let mut xs = Vec::new();
        let mut tys = Vec::new();
        for a in args {
            let (x, t) = self.expr(a, env);
            let t = self.need(&t, a);
            xs.push(x);
            tys.push(t);
        }
        let ty = match b.result_type(&tys) {
            Ok(t) => t,
            Err((i, what)) => {
                let (at, t) = (
                    args.get(i).map_or(span, |a| a.span),
                    tys.get(i).cloned().unwrap_or(Ty::Any),
                );
                let d = self
                    .diag(
                        codes::CHECK_TYPE_MISMATCH,
                        format!("`{}` needs {what} here, but this is {t:#}", name.node),
                        at,
                        format!("{t}"),
                    )
                    .help(format!("usage: {}", b.signature()));
                self.error(d);
                return (K::Const(Value::Absent), Ty::Any);
            }
        };
        // A constant number of decimal places must be in range.
        let mut reported = false;
        if b == Builtin::Round {
            if let Some(ir::Expr {
                kind: K::Const(Value::Int(p)),
                span: at,
            }) = xs.get(1)
            {
                if !(0..=28).contains(p) {
                    let d = self
                        .diag(
                            codes::CHECK_TYPE_MISMATCH,
                            format!("`round` keeps 0 to 28 decimal places, not {p}"),
                            *at,
                            "out of range",
                        )
                        .help("money is usually rounded to 2 places: `round(x, 2)`");
                    self.error(d);
                    reported = true;
                }
            }
        }
        // Fold calls on constants (`date("2026-01-01")`), so that a bad
        // literal is a check error, not a runtime one.
        let consts: Option<Vec<Value>> = xs
            .iter()
            .map(|x| {
                if let K::Const(v) = &x.kind {
                    Some(v.clone())
                } else {
                    None
                }
            })
            .collect();
        if let Some(values) = consts.filter(|_| !reported) {
            if !values.contains(&Value::Absent) {
                match builtins::call(b, &values) {
                    Ok(v) => return (K::Const(v), ty),
                    Err(f) => {
                        let d = self
                            .diag(
                                codes::PARSE_BAD_LITERAL,
                                f.message,
                                span,
                                "cannot be computed",
                            )
                            .help(format!("usage: {}", b.signature()));
                        self.error(d);
                        return (K::Const(Value::Absent), Ty::Any);
                    }
                }
            }
        }
        (K::Call(b, xs), ty)
    }

    fn quant(
        &mut self,
        kind: Quant,
        var: &ast::Ident,
        list: &ast::Expr,
        body: Option<&ast::Expr>,
        env: &Env,
    ) -> (K, Ty) {
        let (lx, lt) = self.expr(list, env);
        let lt = self.need(&lt, list);
        let elem = match &lt {
            Ty::List(e) => (**e).clone(),
            Ty::Any => Ty::Any,
            other => {
                self.mismatch(
                    format!("`{}` goes through a list, but this is {other:#}", var.node),
                    list.span,
                    format!("{other}"),
                    "give a list, such as a `list of …` field",
                );
                Ty::Any
            }
        };
        if self.resolves(&var.node, env) {
            let d = self
                .diag(
                    codes::CHECK_DUPLICATE,
                    format!("`{}` already names something else here", var.node),
                    var.span,
                    "would hide the other",
                )
                .help(format!(
                    "give the variable its own name, such as `each_{}`",
                    var.node
                ));
            self.error(d);
        }
        let slot = env.locals.len();
        let mut inner = env.clone();
        inner.locals.push((var.node.clone(), elem.clone()));
        let (bx, bt) = match body {
            Some(b) => {
                let (x, t) = self.expr(b, &inner);
                (Some(Box::new(x)), self.need(&t, b))
            }
            None => (None, elem.clone()),
        };
        let ty = match kind {
            Quant::Any | Quant::All | Quant::Count => {
                let counts_all = kind == Quant::Count && body.is_none();
                if !counts_all && !matches!(bt, Ty::Bool | Ty::Any) {
                    let at = body.map_or(list.span, |b| b.span);
                    self.mismatch(
                        format!(
                            "the condition after `where` must be true or false, but this is {bt:#}"
                        ),
                        at,
                        format!("{bt}"),
                        "write a condition, for example `any d in basket.dates where d > basket.placed_on`",
                    );
                }
                if kind == Quant::Count {
                    Ty::Int
                } else {
                    Ty::Bool
                }
            }
            Quant::Sum => {
                if !bt.is_number() {
                    let at = body.map_or(list.span, |b| b.span);
                    self.mismatch(
                        format!("`sum` adds numbers, but this is {bt:#}"),
                        at,
                        format!("{bt}"),
                        "sum numbers, for example `sum o in orders of o.amount`",
                    );
                }
                if matches!(bt, Ty::Int) {
                    Ty::Int
                } else {
                    Ty::Decimal
                }
            }
        };
        let kind = if kind == Quant::Count && body.is_none() {
            Quant::Count
        } else {
            kind
        };
        (
            K::Quant {
                kind,
                list: Box::new(lx),
                body: bx,
                slot,
            },
            ty,
        )
    }
}
