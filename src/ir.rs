//! The checked, compiled form of a package: names resolved to indices,
//! literals parsed, types known. Immutable and `Send + Sync`.

use std::cmp::Ordering;
use std::sync::{Arc, OnceLock};

use crate::builtins::Builtin;
use crate::source::{Sources, Span};
use crate::syntax::ast::Quant;
use crate::types::{RecordTy, Ty};
use crate::value::Value;

pub(crate) mod shown;

/// A compiled package.
#[derive(Debug)]
pub(crate) struct Program {
    /// The package's files, for diagnostics.
    pub sources: Sources,
    /// The package name.
    pub name: Arc<str>,
    /// The fact roots, as one record type.
    pub schema: Arc<RecordTy>,
    /// The expression that identifies a request, if declared.
    pub identifier: Option<Expr>,
    /// The names along the identifier's path (`resource`, `id`).
    pub identifier_path: Vec<Arc<str>>,
    /// Computed values, indexed by [`ExprKind::Let`].
    pub lets: Vec<Let>,
    /// Deny rules, in package order.
    pub denies: Vec<Rule>,
    /// Note rules, in package order.
    pub notes: Vec<Rule>,
    /// Outputs, in package order.
    pub outputs: Vec<Output>,
    /// How many distinct `when` block conditions the rules share.
    pub guard_count: usize,
    /// The outputs' names and types, shared by every decision.
    pub output_decls: Arc<[OutputDecl]>,
    /// The limits chosen when the package was loaded.
    pub limits: crate::limits::Limits,
    /// What explanations show of it, worked out on the first one.
    pub shown: OnceLock<shown::Shown>,
}

impl Program {
    /// What explanations show of this package (worked out once).
    pub fn shown(&self) -> &shown::Shown {
        self.shown.get_or_init(|| shown::Shown::new(self))
    }

    /// Where `span` is, as `file:line:column`.
    pub fn location_of(&self, span: Span) -> String {
        match self.sources.get(span.file) {
            Some(f) => {
                let (line, col) = f.line_col(span.start as usize);
                format!("{}:{line}:{col}", f.name())
            }
            None => String::from("?"),
        }
    }

    /// Calls `f` on every expression the package is made of, outermost
    /// first (sub-expressions are for [`Expr::for_each_child`]): the
    /// identifier, computed values, rules' conditions, messages and help,
    /// outputs.
    pub fn for_each_expr<'a>(&'a self, mut f: impl FnMut(&'a Expr)) {
        if let Some(e) = &self.identifier {
            f(e);
        }
        for l in &self.lets {
            f(&l.expr);
        }
        for r in self.denies.iter().chain(&self.notes) {
            r.conditions.iter().for_each(&mut f);
            r.message.for_each_expr(&mut f);
            if let Some(h) = &r.help {
                h.for_each_expr(&mut f);
            }
        }
        for o in &self.outputs {
            f(&o.expr);
        }
    }
}

/// A computed value.
#[derive(Debug)]
pub(crate) struct Let {
    /// Its definition.
    pub expr: Expr,
}

/// A rule.
#[derive(Debug)]
pub(crate) struct Rule {
    /// Its name.
    pub name: Arc<str>,
    /// Its code.
    pub code: Arc<str>,
    /// Guards and own condition, all of which must hold.
    pub conditions: Vec<Expr>,
    /// For each guard (the first conditions): its memo slot, shared by the
    /// rules of one `when` block.
    pub guard_slots: Vec<usize>,
    /// The message.
    pub message: Template,
    /// The help, if any.
    pub help: Option<Template>,
    /// The span of the rule's name.
    pub span: Span,
}

/// An output.
#[derive(Debug)]
pub(crate) struct Output {
    /// Its name.
    pub name: Arc<str>,
    /// Its static type, for rendering.
    pub ty: Ty,
    /// Its definition.
    pub expr: Expr,
}

/// A string with interpolations.
#[derive(Debug)]
pub(crate) struct Template {
    /// Pieces, in order.
    pub parts: Vec<Part>,
}

impl Template {
    /// Calls `f` on each interpolated expression, in order.
    pub fn for_each_expr<'a>(&'a self, mut f: impl FnMut(&'a Expr)) {
        for p in &self.parts {
            if let Part::Expr(e) = p {
                f(e);
            }
        }
    }

    /// Room for the rendered text: the literal text plus a little for each
    /// interpolated value, so that rendering seldom grows the string.
    pub fn capacity_hint(&self) -> usize {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.len(),
                Part::Expr(_) => 16,
            })
            .sum()
    }
}

/// A piece of a template.
#[derive(Debug)]
pub(crate) enum Part {
    /// Literal text.
    Text(Arc<str>),
    /// An interpolated value.
    Expr(Expr),
}

/// A compiled expression with its source span.
#[derive(Debug)]
pub(crate) struct Expr {
    /// What it computes.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
    /// Its number in the package (0, 1, 2, …, in the order the checker
    /// made them): where explanations find how it is shown.
    pub id: u32,
}

impl Expr {
    /// Calls `f` on each of this expression's own sub-expressions, in the
    /// order they are written (the interpolations of a template too).
    pub fn for_each_child<'a>(&'a self, mut f: impl FnMut(&'a Expr)) {
        use ExprKind as K;
        match &self.kind {
            K::Field(x, _) | K::Not(x) | K::Neg(x) | K::IsPresent(x, _) | K::IsVariant(x, _, _) => {
                f(x)
            }
            K::And(a, b)
            | K::Or(a, b)
            | K::Otherwise(a, b)
            | K::Arith(_, a, b)
            | K::Cmp(_, a, b)
            | K::In(a, b) => {
                f(a);
                f(b);
            }
            K::If(c, t, e) => {
                f(c);
                f(t);
                f(e);
            }
            K::Call(_, xs) | K::List(xs) => xs.iter().for_each(f),
            K::Quant { list, body, .. } => {
                f(list);
                if let Some(b) = body {
                    f(b);
                }
            }
            K::Interp(t) => t.for_each_expr(f),
            K::Const(_) | K::Root(_) | K::Let(_) | K::Local(_) | K::Allowed => {}
        }
    }
}

/// Compiled expression forms.
#[derive(Debug)]
pub(crate) enum ExprKind {
    /// A constant.
    Const(Value),
    /// A fact root, by index in the schema.
    Root(usize),
    /// A field of a record, by index; absent stays absent.
    Field(Box<Expr>, usize),
    /// A computed value, by index.
    Let(usize),
    /// A quantifier variable, by depth.
    Local(usize),
    /// Whether no deny rule fired (notes and outputs only).
    Allowed,
    /// `not e`
    Not(Box<Expr>),
    /// `-e`
    Neg(Box<Expr>),
    /// `a and b` (short-circuit)
    And(Box<Expr>, Box<Expr>),
    /// `a or b` (short-circuit)
    Or(Box<Expr>, Box<Expr>),
    /// `a otherwise b`
    Otherwise(Box<Expr>, Box<Expr>),
    /// Arithmetic.
    Arith(Arith, Box<Expr>, Box<Expr>),
    /// Comparison.
    Cmp(Cmp, Box<Expr>, Box<Expr>),
    /// `a in list`
    In(Box<Expr>, Box<Expr>),
    /// `e is variant` (or `is not`, when the flag is set); absent is no variant.
    IsVariant(Box<Expr>, Value, bool),
    /// `e is present` (true) / `e is absent` (false)
    IsPresent(Box<Expr>, bool),
    /// `if c then a else b`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// A builtin call.
    Call(Builtin, Vec<Expr>),
    /// `[a, b]`
    List(Vec<Expr>),
    /// A quantifier; the variable lives at depth `slot`.
    Quant {
        /// Which one.
        kind: Quant,
        /// The list.
        list: Box<Expr>,
        /// Condition or term (`None`: count all / sum the elements).
        body: Option<Box<Expr>>,
        /// The variable's depth.
        slot: usize,
    },
    /// A string with interpolations.
    Interp(Template),
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    /// Whether `x self y` holds, for two present values (numbers of either
    /// kind compare by value; values without an order are only equal or
    /// not).
    pub fn holds(self, x: &Value, y: &Value) -> bool {
        let ord = crate::builtins::compare(x, y);
        match self {
            Cmp::Eq => ord.map_or(x == y, Ordering::is_eq),
            Cmp::Ne => ord.map_or(x != y, Ordering::is_ne),
            Cmp::Lt => ord.is_some_and(Ordering::is_lt),
            Cmp::Le => ord.is_some_and(Ordering::is_le),
            Cmp::Gt => ord.is_some_and(Ordering::is_gt),
            Cmp::Ge => ord.is_some_and(Ordering::is_ge),
        }
    }
}

/// An output's name and static type (for rendering it).
#[derive(Debug)]
pub(crate) struct OutputDecl {
    /// Its name.
    pub name: Arc<str>,
    /// Its type.
    pub ty: Ty,
}
