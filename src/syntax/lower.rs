//! pest pairs to the syntax tree: one function per grammar rule, every node
//! spanned. pest types stop here.

use std::cell::Cell;
use std::sync::{Arc, LazyLock};

use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::ast::{
    BinOp, Effect, Expr, ExprKind, Ident, IsTest, Item, Prim, Quant, Rule as AstRule, Template,
    TemplatePart, TypeExpr, UnOp,
};
use super::parser::Rule;
use crate::diag::Diagnostics;
use crate::source::{Sources, Span, Spanned};

/// Operator precedence, loosest first.
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left)
            | Op::infix(Rule::op_in, Assoc::Left)
            | Op::postfix(Rule::is_test))
        .op(Op::infix(Rule::op_otherwise, Assoc::Left))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
});

/// Lowers the pairs of one item parsed at byte `base` of file `file`.
///
/// Expressions deeper than `max_depth` are not built: the first one is
/// recorded (see [`Lower::too_deep`]) and stands as `none`. The depth is
/// bounded from above before the Pratt parser runs: along every path of
/// nested `expr` pairs, the operands, operators and field accesses of each
/// are added up, so that neither the Pratt parser (which recurses on prefix
/// operators) nor the checker and evaluator (which recurse on the tree) can
/// overflow the stack.
pub(crate) struct Lower {
    file: u32,
    base: usize,
    max_depth: usize,
    depth: Cell<usize>,
    too_deep: Cell<Option<Span>>,
}

/// `text` without trailing whitespace and comments.
fn without_trailing_trivia(mut text: &str) -> &str {
    loop {
        let trimmed = text.trim_end();
        let line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
        let line = trimmed.get(line_start..).unwrap_or("");
        match comment_start(line) {
            Some(at) => text = trimmed.get(..line_start + at).unwrap_or(""),
            None => return trimmed,
        }
    }
}

/// Where a comment starts in one line, if it has one (not inside a string).
fn comment_start(line: &str) -> Option<usize> {
    match read_line(line) {
        LineEnd::Comment(at) => Some(at),
        LineEnd::InString | LineEnd::Code => None,
    }
}

/// How [`without_trailing_trivia`] reads one line, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LineEnd {
    /// A comment starts at this byte (a `#` outside quotes).
    Comment(usize),
    /// No comment, and the line ends inside quotes.
    InString,
    /// No comment, quotes balanced.
    Code,
}

/// Reads one line as [`without_trailing_trivia`] does: a quote opens or
/// closes a string, a backslash in a string escapes the next character, and
/// a `#` outside a string starts a comment.
pub(super) fn read_line(line: &str) -> LineEnd {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return LineEnd::Comment(i),
            _ => {}
        }
    }
    if in_string {
        LineEnd::InString
    } else {
        LineEnd::Code
    }
}

/// A rule named `name` with no clauses yet, inside `when` blocks with
/// conditions `guards`.
pub(super) fn rule_without_clauses(name: Ident, span: Span, guards: &[Expr]) -> AstRule {
    AstRule {
        name,
        span,
        effect: None,
        when: None,
        guards: guards.to_vec(),
        message: None,
        help: None,
        repeated: Vec::new(),
    }
}

/// Whether a pair is a keyword token (kept by pest, meaningless here).
fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_absent
            | Rule::kw_all
            | Rule::kw_and
            | Rule::kw_any
            | Rule::kw_are
            | Rule::kw_by
            | Rule::kw_count
            | Rule::kw_deny
            | Rule::kw_else
            | Rule::kw_false
            | Rule::kw_help
            | Rule::kw_identified
            | Rule::kw_if
            | Rule::kw_in
            | Rule::kw_is
            | Rule::kw_let
            | Rule::kw_list
            | Rule::kw_message
            | Rule::kw_none
            | Rule::kw_not
            | Rule::kw_note
            | Rule::kw_of
            | Rule::kw_one
            | Rule::kw_optional
            | Rule::kw_or
            | Rule::kw_otherwise
            | Rule::kw_output
            | Rule::kw_package
            | Rule::kw_present
            | Rule::kw_requests
            | Rule::kw_rule
            | Rule::kw_schema
            | Rule::kw_sum
            | Rule::kw_then
            | Rule::kw_true
            | Rule::kw_type
            | Rule::kw_when
            | Rule::kw_where
    )
}

/// Whether a pair is an infix operator.
fn is_infix(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::op_or
            | Rule::op_and
            | Rule::op_otherwise
            | Rule::op_eq
            | Rule::op_ne
            | Rule::op_lt
            | Rule::op_le
            | Rule::op_gt
            | Rule::op_ge
            | Rule::op_in
            | Rule::op_add
            | Rule::op_sub
            | Rule::op_mul
            | Rule::op_div
    )
}

/// The meaningful children of a pair.
fn children(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

impl Lower {
    pub(crate) fn new(
        _sources: &Sources,
        file: u32,
        base: usize,
        _diags: &mut Diagnostics,
        max_depth: usize,
    ) -> Self {
        Lower {
            file,
            base,
            max_depth,
            depth: Cell::new(0),
            too_deep: Cell::new(None),
        }
    }

    /// Where the first expression deeper than the limit is, if any.
    pub(crate) fn too_deep(&self) -> Option<Span> {
        self.too_deep.get()
    }

    /// Enters a level that adds `cost` to the depth; `None` (and the place
    /// recorded) when that goes past the limit. Leave with [`Lower::leave`].
    fn enter(&self, cost: usize, span: Span) -> Option<usize> {
        let depth = self.depth.get().saturating_add(cost);
        if depth > self.max_depth || self.too_deep.get().is_some() {
            if self.too_deep.get().is_none() {
                self.too_deep.set(Some(span));
            }
            return None;
        }
        self.depth.set(depth);
        Some(cost)
    }

    fn leave(&self, cost: usize) {
        self.depth.set(self.depth.get().saturating_sub(cost));
    }

    /// The span of a pair, without the whitespace and comments pest may
    /// have taken after it (before an optional part that did not match).
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let len = without_trailing_trivia(s.as_str()).len();
        Span::new(
            self.file,
            self.base + s.start(),
            self.base + s.start() + len,
        )
    }

    fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Spanned::new(Arc::from(pair.as_str()), self.span(pair))
    }

    /// `item_at`, or the body of a `when` block: pushes items to `out`.
    pub(crate) fn items(&self, pair: Pair<'_, Rule>, out: &mut Vec<Item>, guards: &[Expr]) {
        for p in children(pair) {
            match p.as_rule() {
                Rule::package_decl => {
                    if let Some(n) = children(p).next() {
                        out.push(Item::Package(self.ident(&n)));
                    }
                }
                Rule::identify_decl => {
                    let span = self.span(&p);
                    if let Some(path) = children(p).next() {
                        let parts = children(path).map(|n| self.ident(&n)).collect();
                        out.push(Item::Identify(parts, span));
                    }
                }
                Rule::type_decl => {
                    let mut it = children(p);
                    if let (Some(n), Some(t)) = (it.next(), it.next()) {
                        out.push(Item::Type(self.ident(&n), self.type_expr(t)));
                    }
                }
                Rule::schema_decl => {
                    let mut optional = false;
                    let mut name = None;
                    let mut ty = None;
                    for c in children(p) {
                        match c.as_rule() {
                            Rule::optional_kw => optional = true,
                            Rule::name => name = Some(self.ident(&c)),
                            Rule::record_type => ty = Some(self.type_core(c)),
                            _ => {}
                        }
                    }
                    if let (Some(name), Some(ty)) = (name, ty) {
                        out.push(Item::Schema { name, optional, ty });
                    }
                }
                Rule::let_decl | Rule::output_decl => {
                    let is_let = p.as_rule() == Rule::let_decl;
                    let mut it = children(p);
                    if let (Some(n), Some(e)) = (it.next(), it.next()) {
                        let (n, e) = (self.ident(&n), self.expr(e));
                        out.push(if is_let {
                            Item::Let(n, e)
                        } else {
                            Item::Output(n, e)
                        });
                    }
                }
                Rule::rule_decl => out.push(Item::Rule(self.rule(p, guards))),
                Rule::when_block => {
                    let mut it = children(p);
                    let Some(cond) = it.next() else { continue };
                    let mut inner = guards.to_vec();
                    inner.push(self.expr(cond));
                    for c in it {
                        match c.as_rule() {
                            Rule::rule_decl => out.push(Item::Rule(self.rule(c, &inner))),
                            Rule::when_block => {
                                // Re-wrap: lower the nested block with our guards.
                                self.nested_when(c, out, &inner);
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn nested_when(&self, pair: Pair<'_, Rule>, out: &mut Vec<Item>, guards: &[Expr]) {
        let mut it = children(pair);
        let Some(cond) = it.next() else { return };
        let mut inner = guards.to_vec();
        inner.push(self.expr(cond));
        for c in it {
            match c.as_rule() {
                Rule::rule_decl => out.push(Item::Rule(self.rule(c, &inner))),
                Rule::when_block => self.nested_when(c, out, &inner),
                _ => {}
            }
        }
    }

    fn rule(&self, pair: Pair<'_, Rule>, guards: &[Expr]) -> AstRule {
        let span = self.span(&pair);
        let mut it = children(pair);
        let name = it
            .next()
            .map(|n| self.ident(&n))
            .unwrap_or_else(|| Spanned::new(Arc::from(""), span));
        let mut rule = rule_without_clauses(name, span, guards);
        for clause in it {
            let cspan = self.span(&clause);
            match clause.as_rule() {
                Rule::effect_clause => {
                    let effect = if clause.as_str().starts_with("deny") {
                        Effect::Deny
                    } else {
                        Effect::Note
                    };
                    let kw_span =
                        Span::new(self.file, cspan.start as usize, cspan.start as usize + 4);
                    let code = children(clause).next().map(|c| self.ident(&c));
                    if let Some(code) = code {
                        if rule.effect.is_some() {
                            rule.repeated.push(cspan);
                        } else {
                            rule.effect = Some((Spanned::new(effect, kw_span), code));
                        }
                    }
                }
                Rule::when_clause => {
                    if let Some(e) = children(clause).next() {
                        if rule.when.is_some() {
                            rule.repeated.push(cspan);
                        } else {
                            rule.when = Some(self.expr(e));
                        }
                    }
                }
                Rule::message_clause | Rule::help_clause => {
                    let is_message = clause.as_rule() == Rule::message_clause;
                    if let Some(s) = children(clause).next() {
                        let t = self.template(s);
                        let slot = if is_message {
                            &mut rule.message
                        } else {
                            &mut rule.help
                        };
                        if slot.is_some() {
                            rule.repeated.push(cspan);
                        } else {
                            *slot = Some(t);
                        }
                    }
                }
                _ => {}
            }
        }
        rule
    }

    fn type_expr(&self, pair: Pair<'_, Rule>) -> TypeExpr {
        let span = self.span(&pair);
        let mut optional = false;
        let mut core = None;
        for c in children(pair) {
            if c.as_rule() == Rule::optional_kw {
                optional = true;
            } else {
                core = Some(self.type_core(c));
            }
        }
        let core = core.unwrap_or(TypeExpr::Prim(Spanned::new(Prim::Bool, span)));
        if optional {
            TypeExpr::Optional(Box::new(core), span)
        } else {
            core
        }
    }

    fn type_core(&self, pair: Pair<'_, Rule>) -> TypeExpr {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::list_type => {
                let inner = children(pair)
                    .next()
                    .map(|t| self.type_expr(t))
                    .unwrap_or(TypeExpr::Prim(Spanned::new(Prim::Bool, span)));
                TypeExpr::List(Box::new(inner), span)
            }
            Rule::enum_type => TypeExpr::Enum(
                children(pair)
                    .filter_map(|v| children(v).next())
                    .map(|n| self.ident(&n))
                    .collect(),
                span,
            ),
            Rule::record_type => TypeExpr::Record(
                children(pair)
                    .filter_map(|f| {
                        let mut it = children(f);
                        let n = it.next()?;
                        let t = it.next()?;
                        Some((self.ident(&n), self.type_expr(t)))
                    })
                    .collect(),
                span,
            ),
            Rule::prim_type => {
                let prim = match pair.as_str() {
                    "bool" => Prim::Bool,
                    "int" => Prim::Int,
                    "decimal" => Prim::Decimal,
                    "string" => Prim::String,
                    "date" => Prim::Date,
                    _ => Prim::DateTime,
                };
                TypeExpr::Prim(Spanned::new(prim, span))
            }
            _ => {
                let whole = self.ident(&pair);
                TypeExpr::Named(
                    children(pair)
                        .next()
                        .map(|n| self.ident(&n))
                        .unwrap_or(whole),
                )
            }
        }
    }

    fn template(&self, pair: Pair<'_, Rule>) -> Template {
        let span = self.span(&pair);
        let mut parts: Vec<TemplatePart> = Vec::new();
        for c in children(pair) {
            match c.as_rule() {
                Rule::text | Rule::escape => {
                    let s = match c.as_str() {
                        "\\\"" => "\"",
                        "\\\\" => "\\",
                        "\\n" => "\n",
                        "\\t" => "\t",
                        "{{" => "{",
                        "}}" => "}",
                        other => other,
                    };
                    if let Some(TemplatePart::Text(t)) = parts.last_mut() {
                        t.push_str(s);
                    } else {
                        parts.push(TemplatePart::Text(s.to_owned()));
                    }
                }
                Rule::interpolation => {
                    if let Some(e) = children(c).next() {
                        parts.push(TemplatePart::Expr(self.expr(e)));
                    }
                }
                _ => {}
            }
        }
        Template { parts, span }
    }

    fn expr(&self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        // Operands, prefix operators and `is` tests: at least the depth the
        // chain adds (infix operators do not count, their operands do).
        let cost = children(pair.clone())
            .filter(|p| !is_infix(p.as_rule()))
            .count()
            .max(1);
        let Some(cost) = self.enter(cost, span) else {
            return Expr {
                kind: ExprKind::None,
                span,
            };
        };
        let e = self.expr_unguarded(pair);
        self.leave(cost);
        e
    }

    fn expr_unguarded(&self, pair: Pair<'_, Rule>) -> Expr {
        PRATT
            .map_primary(|p| self.postfix_expr(p))
            .map_prefix(|op, rhs| {
                let span = self.span(&op).to(rhs.span);
                let op = if op.as_rule() == Rule::op_not {
                    UnOp::Not
                } else {
                    UnOp::Neg
                };
                Expr {
                    kind: ExprKind::Unary(op, Box::new(rhs)),
                    span,
                }
            })
            .map_postfix(|lhs, op| {
                let span = lhs.span.to(self.span(&op));
                let mut negated = false;
                let mut test = IsTest::Present;
                for c in children(op) {
                    match c.as_rule() {
                        Rule::negation => negated = true,
                        Rule::present => test = IsTest::Present,
                        Rule::absent => test = IsTest::Absent,
                        _ => test = IsTest::Variant(self.ident(&c)),
                    }
                }
                Expr {
                    kind: ExprKind::Is {
                        subject: Box::new(lhs),
                        negated,
                        test,
                    },
                    span,
                }
            })
            .map_infix(|lhs, op, rhs| {
                let span = lhs.span.to(rhs.span);
                let op = match op.as_rule() {
                    Rule::op_or => BinOp::Or,
                    Rule::op_and => BinOp::And,
                    Rule::op_otherwise => BinOp::Otherwise,
                    Rule::op_eq => BinOp::Eq,
                    Rule::op_ne => BinOp::Ne,
                    Rule::op_lt => BinOp::Lt,
                    Rule::op_le => BinOp::Le,
                    Rule::op_gt => BinOp::Gt,
                    Rule::op_ge => BinOp::Ge,
                    Rule::op_in => BinOp::In,
                    Rule::op_add => BinOp::Add,
                    Rule::op_sub => BinOp::Sub,
                    Rule::op_mul => BinOp::Mul,
                    _ => BinOp::Div,
                };
                Expr {
                    kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                    span,
                }
            })
            .parse(children(pair))
    }

    fn postfix_expr(&self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        if pair.as_rule() != Rule::postfix_expr {
            return self.primary(pair);
        }
        let fields = children(pair.clone()).count();
        let Some(cost) = self.enter(fields, span) else {
            return Expr {
                kind: ExprKind::None,
                span,
            };
        };
        let mut it = children(pair);
        let Some(first) = it.next() else {
            self.leave(cost);
            return Expr {
                kind: ExprKind::None,
                span,
            };
        };
        let mut e = self.primary(first);
        self.leave(cost);
        for f in it {
            let field = self.ident(&f);
            let span = e.span.to(field.span);
            e = Expr {
                kind: ExprKind::Field(Box::new(e), field),
                span,
            };
        }
        e
    }

    fn primary(&self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::expr => return self.expr(pair),
            Rule::decimal => ExprKind::Decimal(Arc::from(pair.as_str())),
            Rule::int => ExprKind::Int(Arc::from(pair.as_str())),
            Rule::boolean => ExprKind::Bool(pair.as_str() == "true"),
            Rule::none => ExprKind::None,
            Rule::string => ExprKind::Str(self.template(pair)),
            Rule::name => ExprKind::Name(Arc::from(pair.as_str())),
            Rule::list => ExprKind::List(children(pair).map(|e| self.expr(e)).collect()),
            Rule::call => {
                let mut it = children(pair);
                let Some(name) = it.next() else {
                    return Expr {
                        kind: ExprKind::None,
                        span,
                    };
                };
                ExprKind::Call(self.ident(&name), it.map(|e| self.expr(e)).collect())
            }
            Rule::if_expr => {
                let mut it = children(pair).map(|e| self.expr(e));
                match (it.next(), it.next(), it.next()) {
                    (Some(c), Some(t), Some(e)) => {
                        ExprKind::If(Box::new(c), Box::new(t), Box::new(e))
                    }
                    _ => ExprKind::None,
                }
            }
            Rule::quantifier => {
                let mut it = children(pair);
                let kind = match it.next().map(|k| k.as_str().to_owned()).as_deref() {
                    Some("any") => Quant::Any,
                    Some("all") => Quant::All,
                    Some("count") => Quant::Count,
                    _ => Quant::Sum,
                };
                let (Some(var), Some(list)) = (it.next(), it.next()) else {
                    return Expr {
                        kind: ExprKind::None,
                        span,
                    };
                };
                ExprKind::Quant {
                    kind,
                    var: self.ident(&var),
                    list: Box::new(self.postfix_expr(list)),
                    body: it.next().map(|b| Box::new(self.expr(b))),
                }
            }
            _ => ExprKind::None,
        };
        Expr { kind, span }
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::Diagnostics;
    use crate::source::{SourceFile, Sources};
    use crate::syntax::ast::{BinOp, ExprKind, Item};

    fn parse_one(text: &str) -> (Vec<Item>, Diagnostics) {
        let mut sources = Sources::default();
        let f = sources.add(SourceFile::new("t.policy", text));
        let mut diags = Diagnostics::default();
        let file = crate::syntax::parse(&sources, f, &mut diags, &crate::Limits::default());
        (file.items, diags)
    }

    #[test]
    fn precedence_puts_and_below_comparison() {
        let (items, diags) = parse_one("let x = a > 1 and b < 2");
        assert!(diags.is_empty(), "{diags:?}");
        let Some(Item::Let(_, e)) = items.first() else {
            panic!("no let")
        };
        assert!(matches!(e.kind, ExprKind::Binary(BinOp::And, _, _)));
    }

    #[test]
    fn several_syntax_errors_are_reported_together() {
        let (items, diags) = parse_one("let a = 1 +\nlet b = 2\nrule r { deny }\nlet c = 3\n");
        assert_eq!(diags.len(), 2, "{diags:#?}");
        assert_eq!(items.len(), 2);
    }
}
