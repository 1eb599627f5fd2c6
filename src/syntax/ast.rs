//! The untyped, spanned syntax tree of a policy file.

/// The operators and scalar type names are the lexicon's (defined once there).
pub use super::lexicon::{BinOp, Prim};
use std::sync::Arc;

use crate::source::{Span, Spanned};

/// A name as written, with its span.
pub type Ident = Spanned<Arc<str>>;

/// One parsed `.policy` file.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    /// Index of the file in the package's sources.
    pub file: u32,
    /// Top-level items, in source order.
    pub items: Vec<Item>,
    /// Names declared by items that did not parse (`let x = (`), so that
    /// their uses are not reported again as unknown.
    pub unparsed_names: Vec<Arc<str>>,
    /// Whether an item that did not parse may have named the package
    /// (`pakage shop`), so that the name is not reported missing as well.
    pub unparsed_package: bool,
    /// Rules followed by a clause that did not parse (`help "…"` after the
    /// rule's `}`), so that the clause is not reported missing as well.
    pub incomplete_rules: Vec<Arc<str>>,
    /// The `when` blocks that hold no rule: their conditions are checked
    /// all the same, and the outermost of them warned about.
    pub empty_blocks: Vec<EmptyBlock>,
}

/// A `when` block that holds no rule.
#[derive(Debug, Clone, PartialEq)]
pub struct EmptyBlock {
    /// Its head (`when condition`), to warn about; `None` for a block
    /// inside another that holds no rule either (warned about once, there).
    pub head: Option<Span>,
    /// The conditions of the blocks around it, outermost first, then its
    /// own.
    pub guards: Vec<Expr>,
}

/// A top-level item.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `package shop`
    Package(Ident),
    /// `requests are identified by basket.id`
    Identify(Vec<Ident>, Span),
    /// `type money = { value: decimal, currency: string }`
    Type(Ident, TypeExpr),
    /// `schema order { … }`, or `optional schema calendar { … }`
    Schema {
        /// The fact root's name.
        name: Ident,
        /// Whether the whole root may be left out.
        optional: bool,
        /// Its record type.
        ty: TypeExpr,
    },
    /// `let name = expr`
    Let(Ident, Expr),
    /// `output name = expr`
    Output(Ident, Expr),
    /// `rule name { … }`, with the guards of enclosing `when` blocks.
    Rule(Rule),
}

/// A type as written.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeExpr {
    /// `bool`, `int`, `decimal`, `string`, `date`, `datetime`
    Prim(Spanned<Prim>),
    /// `optional T`
    Optional(Box<TypeExpr>, Span),
    /// `list of T`
    List(Box<TypeExpr>, Span),
    /// `one of a, b`
    Enum(Vec<Ident>, Span),
    /// `{ a: T, b: U }`
    Record(Vec<(Ident, TypeExpr)>, Span),
    /// A declared type's name.
    Named(Ident),
}

impl TypeExpr {
    /// Where the type was written.
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Prim(p) => p.span,
            TypeExpr::Optional(_, s)
            | TypeExpr::List(_, s)
            | TypeExpr::Enum(_, s)
            | TypeExpr::Record(_, s) => *s,
            TypeExpr::Named(n) => n.span,
        }
    }
}

/// A rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Its name.
    pub name: Ident,
    /// The span of the whole rule.
    pub span: Span,
    /// `deny CODE` or `note CODE`.
    pub effect: Option<(Spanned<Effect>, Ident)>,
    /// The rule's own `when` condition.
    pub when: Option<Expr>,
    /// Conditions of the enclosing `when` blocks, outermost first.
    pub guards: Vec<Expr>,
    /// The message template.
    pub message: Option<Template>,
    /// The help template.
    pub help: Option<Template>,
    /// Clauses written twice (for the checker to report).
    pub repeated: Vec<Span>,
}

/// What a rule does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Denies the request, with a code.
    Deny,
    /// Adds an informational note.
    Note,
}

/// A string with `{expr}` interpolations.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// Literal text and expressions, in order.
    pub parts: Vec<TemplatePart>,
    /// The span of the whole string literal.
    pub span: Span,
}

/// A piece of a template.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    /// Literal text (escapes resolved).
    Text(String),
    /// An interpolated expression.
    Expr(Expr),
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
}

/// Expression forms.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `true`, `false`
    Bool(bool),
    /// `12` (text kept; parsed by the checker)
    Int(Arc<str>),
    /// `12.50` (text kept; parsed by the checker)
    Decimal(Arc<str>),
    /// `"text {expr}"`
    Str(Template),
    /// `none`
    None,
    /// A name: a schema root, a let, a quantifier variable, `allowed`.
    Name(Arc<str>),
    /// `expr.field`
    Field(Box<Expr>, Ident),
    /// `f(args)`
    Call(Ident, Vec<Expr>),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `not e`, `-e`
    Unary(UnOp, Box<Expr>),
    /// `a + b`, `a and b`, …
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `e is [not] present|absent|variant`
    Is {
        /// The tested expression.
        subject: Box<Expr>,
        /// `is not`
        negated: bool,
        /// What it is tested against.
        test: IsTest,
    },
    /// `if c then a else b`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `any x in list where cond`, `sum x in list of e`, …
    Quant {
        /// Which quantifier.
        kind: Quant,
        /// The bound variable.
        var: Ident,
        /// The list.
        list: Box<Expr>,
        /// The condition or term.
        body: Option<Box<Expr>>,
    },
}

/// The right side of `is`.
#[derive(Debug, Clone, PartialEq)]
pub enum IsTest {
    /// `is present`
    Present,
    /// `is absent`
    Absent,
    /// `is some_variant`
    Variant(Ident),
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    /// `not`
    Not,
    /// `-`
    Neg,
}

/// List quantifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quant {
    /// `any x in l where c`
    Any,
    /// `all x in l where c`
    All,
    /// `count x in l where c`
    Count,
    /// `sum x in l of e`
    Sum,
}
