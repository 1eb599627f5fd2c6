//! pest pairs to the syntax tree: one function per grammar rule, every node
//! spanned. pest types stop here.

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use pest::iterators::Pair;

use super::ast::{
    Effect, EmptyBlock, Expr, ExprKind, Ident, IsTest, Item, Prim, Quant, Rule as AstRule,
    Template, TemplatePart, TypeExpr, UnOp,
};
use super::grammar::{class, Class, Rule};
use super::lexicon::{self, power};
use crate::source::{Span, Spanned};

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
    /// The length of the text the item was parsed from.
    input_len: usize,
    max_depth: usize,
    depth: Cell<usize>,
    too_deep: Cell<Option<Span>>,
    /// The unknown escapes met (`\q`), each with the text it is in.
    bad_escapes: RefCell<Vec<(Span, Span)>>,
    /// The `when` blocks that hold no rule.
    empty_blocks: RefCell<Vec<EmptyBlock>>,
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
enum LineEnd {
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
fn read_line(line: &str) -> LineEnd {
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
fn rule_without_clauses(name: Ident, span: Span, guards: &[Expr]) -> AstRule {
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

/// The meaningful children of a pair.
fn children(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner()
        .filter(|p| class(p.as_rule()) != Class::Keyword)
}

impl Lower {
    /// Lowering for an item parsed from `input`, byte `base` of file `file`.
    pub(crate) fn new(file: u32, base: usize, input: &str, max_depth: usize) -> Self {
        Lower {
            file,
            base,
            input_len: input.len(),
            max_depth,
            depth: Cell::new(0),
            too_deep: Cell::new(None),
            bad_escapes: RefCell::new(Vec::new()),
            empty_blocks: RefCell::new(Vec::new()),
        }
    }

    /// Where the first expression deeper than the limit is, if any.
    pub(crate) fn too_deep(&self) -> Option<Span> {
        self.too_deep.get()
    }

    /// The unknown escapes met so far (`\q`), each with the span of the
    /// text it is in, in the order written.
    pub(crate) fn bad_escapes(&self) -> Vec<(Span, Span)> {
        self.bad_escapes.borrow().clone()
    }

    /// The `when` blocks lowered so far that hold no rule.
    pub(crate) fn empty_blocks(&self) -> Vec<EmptyBlock> {
        self.empty_blocks.borrow().clone()
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
        let text = s.as_str();
        // Trivia ends in whitespace, or at the end of the input (a comment
        // on the last line): otherwise there is none to trim.
        let plain = s.end() < self.input_len && !text.ends_with([' ', '\t', '\r', '\n']);
        let len = if plain {
            text.len()
        } else {
            without_trailing_trivia(text).len()
        };
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
                Rule::when_block => self.when_block(p, out, guards),
                _ => {}
            }
        }
    }

    /// A `when` block: its rules, each with the block's condition after
    /// `guards`. A block that holds no rule (nested blocks included) is
    /// recorded with its conditions, to be warned about once, for the
    /// outermost.
    fn when_block(&self, pair: Pair<'_, Rule>, out: &mut Vec<Item>, guards: &[Expr]) {
        let start = pair.as_span().start();
        let mut it = children(pair);
        let Some(cond) = it.next() else { return };
        let mut inner = guards.to_vec();
        let condition = self.expr(cond);
        let head = Span::new(self.file, self.base + start, condition.span.end as usize);
        inner.push(condition);
        let (rules, empties) = (out.len(), self.empty_blocks.borrow().len());
        for c in it {
            match c.as_rule() {
                Rule::rule_decl => out.push(Item::Rule(self.rule(c, &inner))),
                Rule::when_block => self.when_block(c, out, &inner),
                _ => {}
            }
        }
        if out.len() == rules {
            let mut empty = self.empty_blocks.borrow_mut();
            for inside in empty.iter_mut().skip(empties) {
                inside.head = None;
            }
            empty.push(EmptyBlock {
                head: Some(head),
                guards: inner,
            });
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
                let prim = lexicon::prim(pair.as_str()).unwrap_or(Prim::DateTime);
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
        let text = span;
        let mut parts: Vec<TemplatePart> = Vec::new();
        for c in children(pair) {
            match c.as_rule() {
                Rule::text | Rule::escape | Rule::bad_escape => {
                    let written = c.as_str();
                    let escaped = match c.as_rule() {
                        Rule::escape => lexicon::escaped(written),
                        Rule::bad_escape => {
                            // Reported by the parser; the text keeps it as
                            // written.
                            let at = self.base + c.as_span().start();
                            let span = Span::new(self.file, at, at + written.len());
                            self.bad_escapes.borrow_mut().push((span, text));
                            None
                        }
                        _ => None,
                    };
                    let mut one = [0u8; 4];
                    let s = match escaped {
                        Some(e) => &*e.encode_utf8(&mut one),
                        None => written,
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

    /// The condition of a `when` block whose block did not parse (its
    /// rules recovered one by one keep it as their guard).
    pub(crate) fn condition(&self, pair: Pair<'_, Rule>) -> Expr {
        self.expr(pair)
    }

    fn expr(&self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let pieces: Vec<Pair<'_, Rule>> = children(pair).collect();
        // Operands, prefix operators and `is` tests: at least the depth the
        // chain adds (infix operators do not count, their operands do).
        let cost = pieces
            .iter()
            .filter(|p| class(p.as_rule()) != Class::Infix)
            .count()
            .max(1);
        let Some(cost) = self.enter(cost, span) else {
            return Expr {
                kind: ExprKind::None,
                span,
            };
        };
        let mut pieces = pieces.into_iter().peekable();
        let e = self.pratt(&mut pieces, 0, span);
        self.leave(cost);
        e
    }

    /// Operator precedence over the pieces of an `expr` (operands, prefix
    /// and infix operators, `is` tests), with the binding powers of
    /// [`lexicon::power`]: the operand at the front and every operator
    /// after it that binds tighter than `rbp`.
    fn pratt<'i>(
        &self,
        pieces: &mut std::iter::Peekable<impl Iterator<Item = Pair<'i, Rule>>>,
        rbp: u8,
        span: Span,
    ) -> Expr {
        self.pratt_outer(pieces, rbp, span).0
    }

    /// [`Lower::pratt`], with the span of the operand as written around
    /// it: a bracketed operand's brackets included, so that an operator's
    /// span covers `(a + b) * c` whole, never `a + b) * c`.
    fn pratt_outer<'i>(
        &self,
        pieces: &mut std::iter::Peekable<impl Iterator<Item = Pair<'i, Rule>>>,
        rbp: u8,
        span: Span,
    ) -> (Expr, Span) {
        let (mut lhs, mut outer) = match pieces.next() {
            None => (
                Expr {
                    kind: ExprKind::None,
                    span,
                },
                span,
            ),
            Some(op) if matches!(op.as_rule(), Rule::op_not | Rule::op_neg) => {
                let (un, bp) = if op.as_rule() == Rule::op_not {
                    (UnOp::Not, power::NOT)
                } else {
                    (UnOp::Neg, power::NEG)
                };
                let (rhs, rhs_outer) = self.pratt_outer(pieces, bp - 1, span);
                let span = self.span(&op).to(rhs_outer);
                (
                    Expr {
                        span,
                        kind: ExprKind::Unary(un, Box::new(rhs)),
                    },
                    span,
                )
            }
            Some(operand) => {
                let outer = self.span(&operand);
                (self.postfix_expr(operand), outer)
            }
        };
        loop {
            let next = pieces.peek().map(|p| match p.as_rule() {
                Rule::is_test => (None, power::COMPARE),
                _ if class(p.as_rule()) == Class::Infix => match lexicon::binary_op(p.as_str()) {
                    Some((op, bp)) => (Some(op), bp),
                    None => (None, 0),
                },
                _ => (None, 0),
            });
            let Some((op, bp)) = next.filter(|&(_, bp)| rbp < bp) else {
                return (lhs, outer);
            };
            let Some(piece) = pieces.next() else {
                return (lhs, outer);
            };
            lhs = match op {
                Some(op) => {
                    let (rhs, rhs_outer) = self.pratt_outer(pieces, bp, span);
                    Expr {
                        span: outer.to(rhs_outer),
                        kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                    }
                }
                None => self.is_test(lhs, outer, piece),
            };
            outer = lhs.span;
        }
    }

    /// `lhs is [not] present|absent|variant` (`outer`: where `lhs` is
    /// written, brackets included).
    fn is_test(&self, lhs: Expr, outer: Span, test: Pair<'_, Rule>) -> Expr {
        let span = outer.to(self.span(&test));
        let mut negated = false;
        let mut kind = IsTest::Present;
        for c in children(test) {
            match c.as_rule() {
                Rule::negation => negated = true,
                Rule::present => kind = IsTest::Present,
                Rule::absent => kind = IsTest::Absent,
                _ => kind = IsTest::Variant(self.ident(&c)),
            }
        }
        Expr {
            kind: ExprKind::Is {
                subject: Box::new(lhs),
                negated,
                test: kind,
            },
            span,
        }
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
            // From where the path is written (a bracket included) to
            // this field.
            let span = Span {
                end: field.span.end,
                ..span
            };
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
        let parsed = crate::syntax::parse(&sources, f, &crate::Limits::default());
        (parsed.file.items, parsed.diagnostics)
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
