//! Step two: the checker. Owns the [`check`] stage and the state shared by
//! its parts: it resolves names, types every expression, finds every static
//! problem of a package (errors and warnings), and compiles the package into
//! its [`ir::Program`].
//!
//! The parts: [`declarations`] (the package's items, in order),
//! [`types`] (type expressions), [`expressions`], [`operators`], [`calls`]
//! and [`quantifiers`] (typing and lowering expressions), [`literals`]
//! (number literal text), [`rules`], [`warnings`] (with [`logic`], the
//! decision of what a condition can be) and [`lowering`] (the compiled
//! program).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

use crate::diag::{codes, Code, Diagnostic, Diagnostics};
use crate::ir::{self, ExprKind as K};
use crate::limits::Limits;
use crate::source::{Sources, Span};
use crate::suggest::suggest;
use crate::syntax::ast::{self, ExprKind};
use crate::types::{RecordTy, Ty};

mod calls;
mod declarations;
mod expressions;
mod literals;
mod logic;
mod lowering;
mod operators;
mod quantifiers;
mod rules;
mod types;
mod warnings;

/// What the check stage gives back: the compiled program (only when the
/// package has no error) and every diagnostic it found, errors and warnings.
pub(crate) struct Checked {
    /// The compiled program; `None` when there is an error.
    pub(crate) program: Option<ir::Program>,
    /// The errors and warnings of the check.
    pub(crate) diagnostics: Diagnostics,
}

/// Checks parsed files and compiles them. `earlier_errors` says whether an
/// earlier stage (reading, parsing) already failed: then no program is
/// compiled, and the warnings that usually echo an error are left out.
pub(crate) fn check(
    sources: Sources,
    files: &[ast::File],
    earlier_errors: bool,
    limits: Limits,
) -> Checked {
    let mut c = Checker::new(&sources);
    c.nesting.max = limits.expr_depth();
    c.echoes.earlier_errors = earlier_errors;
    let lowered = c.run(files);
    let had_errors = c.report.diags.has_errors() || earlier_errors;
    let guard_count = c.guard_slots.len();
    let mut diagnostics = c.report.diags;
    if had_errors {
        warnings::drop_echoes(&mut diagnostics);
        return Checked {
            program: None,
            diagnostics,
        };
    }
    Checked {
        program: Some(lowered.program(sources, guard_count, limits)),
        diagnostics,
    }
}

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

/// Where the checker's diagnostics go: the sources they point into and the
/// diagnostics found so far.
struct Report<'a> {
    sources: &'a Sources,
    diags: Diagnostics,
}

/// The declared types: their declarations, those already lowered, and those
/// being lowered (for cycles).
#[derive(Default)]
struct TypeTable<'a> {
    decls: HashMap<Arc<str>, &'a ast::TypeExpr>,
    resolved: HashMap<Arc<str>, Ty>,
    resolving: Vec<Arc<str>>,
}

/// The names an expression can read: schema roots and computed values.
struct Names<'a> {
    roots: Arc<RecordTy>,
    lets: Vec<LetState<'a>>,
    let_index: HashMap<Arc<str>, usize>,
    /// Names declared by items that did not parse.
    unparsed: HashSet<Arc<str>>,
    /// Whether an item that did not parse may have named the package.
    unparsed_package: bool,
    /// Rules followed by a clause that did not parse: the clauses they
    /// seem to lack are not reported.
    incomplete_rules: HashSet<Arc<str>>,
    /// The declared outputs (written, never read by an expression), with
    /// where each is first declared.
    outputs: HashMap<Arc<str>, Span>,
    /// Computed values being checked, outermost first (for cycles).
    let_stack: Vec<usize>,
}

/// How deep types and expressions nest, against the depth limit.
struct Nesting {
    /// How deep the expression being checked is, computed values it reads
    /// included (the recursion depth of [`Checker::expr`]).
    expr: usize,
    /// How deep the type being lowered nests (inline and through named
    /// types): a chain of named types each one `list of` the next would
    /// otherwise nest without bound.
    types: usize,
    max: usize,
    /// The deepest `expr` reached so far, counting the heights of the
    /// computed values read (see `let_heights`).
    max_seen: usize,
    /// For each checked computed value, how deep evaluating it recurses.
    let_heights: HashMap<usize, usize>,
    /// Whether the depth limit was reported (once a package).
    too_deep: bool,
}

/// What the package reads: for unused-field warnings, and for the rule or
/// computed value being checked.
#[derive(Default)]
struct Reads {
    /// Fields read, as (record identity, field index).
    fields: HashSet<(usize, usize)>,
    /// What the expression being checked depends on.
    flags: Flags,
}

struct Checker<'a> {
    report: Report<'a>,
    types: TypeTable<'a>,
    names: Names<'a>,
    nesting: Nesting,
    reads: Reads,
    /// The memo slot of each `when` block's condition, by its span: the
    /// rules of a block share one evaluation of it.
    guard_slots: HashMap<Span, usize>,
    /// The `when` block conditions already checked, by span: the rules of
    /// a block share its condition, and its errors are reported once.
    checked_guards: HashSet<Span>,
    /// How many compiled expressions were made (each is numbered).
    exprs: ExprCount,
    /// Presence tests written another way (`x != none`, `x is not none`),
    /// by span: reported, then read as the test they meant, so that what
    /// they prove present raises no error of its own.
    presence_slips: HashSet<Span>,
    /// The body of the `count` being checked when it is a comparison
    /// (`count i in xs where i.gift > 3`), with the count's span, and
    /// whether that comparison was reported as taking in what was meant
    /// for the count.
    count_body: Option<(Span, Span)>,
    took_in: bool,
    /// What an unread value or field may be the echo of.
    echoes: Echoes,
    /// The parts of `when` block conditions already warned about as
    /// constant or contradictory (a block's rules share them).
    warned_parts: HashSet<Span>,
    /// What the analysis of conditions may still spend
    /// ([`logic::PACKAGE_BUDGET`]).
    logic_budget: usize,
}

/// What a warning about an unread computed value may echo: an error that
/// left something unread. Such a warning is left out, to be reported once
/// the errors are fixed; any other is reported with the errors.
#[derive(Default)]
struct Echoes {
    /// An earlier stage failed: items that did not parse may read anything.
    earlier_errors: bool,
    /// An error left expressions unchecked (a rule without its message, a
    /// call with the wrong number of arguments, a duplicate), so that what
    /// they read is not known.
    unchecked: bool,
    /// The unknown names and fields reported (and names refused where
    /// they are declared): each may be a misspelling of a value that then
    /// looks unread.
    unknown: Vec<Arc<str>>,
}

impl Echoes {
    /// Whether a warning that the value `name` is never read may echo an
    /// error.
    fn may_echo(&self, name: &str) -> bool {
        self.earlier_errors
            || self.unchecked
            || self
                .unknown
                .iter()
                .any(|u| **u == *name || suggest(u, [name]).is_some())
    }
}

/// Numbers the compiled expressions of a package: 0, 1, 2, …
#[derive(Default)]
struct ExprCount(std::cell::Cell<u32>);

impl ExprCount {
    /// A compiled expression, with the next number.
    fn ir(&self, kind: K, span: Span) -> ir::Expr {
        let id = self.0.get();
        self.0.set(id.saturating_add(1));
        ir::Expr { kind, span, id }
    }
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
            report: Report {
                sources,
                diags: Diagnostics::default(),
            },
            types: TypeTable::default(),
            names: Names {
                roots: Arc::new(RecordTy { fields: Vec::new() }),
                lets: Vec::new(),
                let_index: HashMap::default(),
                unparsed: HashSet::default(),
                unparsed_package: false,
                incomplete_rules: HashSet::default(),
                outputs: HashMap::default(),
                let_stack: Vec::new(),
            },
            nesting: Nesting {
                expr: 0,
                types: 0,
                max: Limits::default().max_expr_depth,
                max_seen: 0,
                let_heights: HashMap::default(),
                too_deep: false,
            },
            reads: Reads::default(),
            guard_slots: HashMap::default(),
            checked_guards: HashSet::default(),
            exprs: ExprCount::default(),
            presence_slips: HashSet::default(),
            count_body: None,
            took_in: false,
            echoes: Echoes::default(),
            warned_parts: HashSet::default(),
            logic_budget: logic::PACKAGE_BUDGET,
        }
    }

    fn src(&self, span: Span) -> &str {
        self.report.sources.slice(span)
    }

    fn error(&mut self, d: Diagnostic) {
        self.report.diags.push(d);
    }

    fn diag(
        &self,
        code: Code,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(code, message).at(self.report.sources, span, label)
    }

    fn duplicate(&mut self, what: &str, name: &ast::Ident, first: Span) {
        // The second one is not checked (a rule's is, a field or a
        // variant reads nothing).
        self.echoes.unchecked |= matches!(what, "computed value" | "output" | "schema" | "type");
        let d = self
            .diag(
                codes::CHECK_DUPLICATE,
                format!("{what} `{}` is declared twice", name.node),
                name.span,
                "declared again here",
            )
            .label(self.report.sources, first, "first declared here")
            .help(format!(
                "rename one of them, or remove the second `{}`",
                name.node
            ));
        self.error(d);
    }

    /// Reports a declaration named `allowed`, which is built in.
    fn reserved(&mut self, n: &ast::Ident) {
        if &*n.node == "allowed" {
            // Its uses read the built-in `allowed`, not it.
            self.echoes.unknown.push(n.node.clone());
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

    /// Reports an enum variant named with a reserved word: it could not be
    /// written where a value goes (`x == any`, `x in [if, else]`), and
    /// `present` or `absent` would read as a presence test (`x is absent`
    /// tests whether `x` is there), so a rule meant for the variant would
    /// test something else and could fail open.
    fn reserved_variant(&mut self, v: &ast::Ident) {
        let w = &v.node;
        let message = if matches!(&**w, "present" | "absent") {
            format!("`{w}` is built in: `x is {w}` tests whether a value is there, not a variant")
        } else {
            format!("`{w}` is a reserved word: a variant named so could not be written where a value goes (`x == {w}`, `x in [{w}]`)")
        };
        let d = self
            .diag(codes::CHECK_DUPLICATE, message, v.span, "reserved word")
            .help(format!(
                "name the variant otherwise, such as `{w}_value` or `was_{w}`"
            ));
        self.error(d);
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

    fn mismatch(&mut self, message: String, span: Span, label: String, help: &str) -> Ty {
        let d = self
            .diag(codes::CHECK_TYPE_MISMATCH, message, span, label)
            .help(help.to_string());
        self.error(d);
        Ty::Any
    }

    /// Reports the depth limit (once a package) at `span`.
    fn depth_exceeded(&mut self, span: Span) {
        self.echoes.unchecked = true;
        if !self.nesting.too_deep {
            self.nesting.too_deep = true;
            let d = self
                    .diag(
                        codes::LIMIT_DEPTH,
                        format!(
                            "this expression nests more than {} levels deep, counting the computed values it reads",
                            self.nesting.max
                        ),
                        span,
                        "nested too deeply",
                    )
                    .help("compute the value in fewer steps, or raise the limit (`--max-depth`) for a package you trust");
            self.error(d);
        }
    }
}
