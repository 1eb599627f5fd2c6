//! The fast path: one top-level item read straight into the syntax tree.
//!
//! pest is the grammar of record (`grammar/pactum.pest`) and writes every
//! syntax error, but on a large package most of its time goes to its own
//! bookkeeping (a call-limit and stack check per rule, a keyword lookahead
//! before every name), and lowering its pairs then builds each node a
//! second time. This module reads one item as pest would, byte by byte, and
//! builds the [`ast::Item`](super::ast::Item)s directly, as `Lower` would
//! from pest's pairs.
//!
//! It is a shortcut, never a second grammar. It accepts only what pest's
//! `item_at` accepts, and for that it gives exactly the items pest and
//! `Lower` give, spans included: the same ordered choices and greedy
//! repetitions, the same Pratt binding powers, the same depth count as
//! `Lower::enter`. Whenever it meets anything else (a syntax error, a place
//! where pest would backtrack into another alternative, an expression
//! deeper than `max_expr_depth`, a span that `Lower`'s trimming of trailing
//! trivia would cut elsewhere) it gives up, and the parser reads the item
//! with pest as before, so every syntax error, its wording and the
//! recovery after it stay pest's. Giving up too often only costs time; the
//! differential tests at the end of this file compare both paths on every
//! policy of the repository, a generated package, random expressions and
//! thousands of mutated files.
//!
//! Besides skipping pest's bookkeeping, it allocates less: each distinct
//! name of a file is allocated once and shared ([`Reader`]), which also
//! makes the tree cheaper to drop.

use std::sync::Arc;

use super::ast::{
    BinOp, Effect, Expr, ExprKind, Ident, IsTest, Item, Prim, Quant, Template, TemplatePart,
    TypeExpr, UnOp,
};
use super::lower::{read_line, rule_without_clauses, LineEnd};
use super::parser::ITEM_STARTS;
use crate::source::{Span, Spanned};

/// How deep this parser recurses (nested expressions, prefix operators,
/// types, `when` blocks) before it leaves the item to pest. The brackets
/// were already bounded by `parser::MAX_NESTING`; this also bounds prefix
/// chains (`not not … x`), which pest reads without recursing.
const MAX_RECURSION: usize = 256;

/// The fast path over the items of one file.
pub(super) struct Reader {
    /// The names (and number literals) read so far, so that each one is
    /// allocated once per file rather than at every use: a small
    /// direct-mapped cache, where a miss only costs an allocation.
    names: Vec<Option<Arc<str>>>,
}

/// Slots of [`Reader::names`].
const NAME_SLOTS: usize = 1024;

impl Reader {
    /// A reader for the items of one file.
    pub(super) fn new() -> Self {
        Reader {
            names: vec![None; NAME_SLOTS],
        }
    }

    /// Reads the item at the start of `text` (byte `base` of file `file`)
    /// and pushes its items to `out`: one, or a `when` block's rules.
    /// Returns how many bytes pest's `item_at` would have consumed (the
    /// item and the trivia after it), or `None`, with `out` untouched, when
    /// the item is left to pest.
    pub(super) fn item(
        &mut self,
        text: &str,
        file: u32,
        base: usize,
        max_expr_depth: usize,
        out: &mut Vec<Item>,
    ) -> Option<usize> {
        let before = out.len();
        let mut p = Parser {
            text,
            pos: 0,
            last_end: 0,
            string_end: 0,
            file,
            base,
            recursion: 0,
            reached: 0,
            max_expr_depth,
            names: &mut self.names,
        };
        let consumed = p
            .item(out)
            .filter(|&depth| depth <= max_expr_depth)
            .and_then(|_| p.item_end());
        if consumed.is_none() {
            out.truncate(before);
        }
        consumed
    }
}

/// `word` from `names`, or allocated (and kept there).
fn shared(names: &mut [Option<Arc<str>>], word: &str) -> Arc<str> {
    // FNV-1a: names are short, and a collision only costs an allocation.
    let hash = word.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    let len = names.len().max(1);
    match names.get_mut(hash as usize % len) {
        Some(Some(known)) if **known == *word => Arc::clone(known),
        Some(slot) => Arc::clone(slot.insert(Arc::from(word))),
        None => Arc::from(word),
    }
}

/// Whether `word` is one of the grammar's reserved words (rule `keyword`),
/// which cannot be a name or a code.
fn is_reserved(word: &str) -> bool {
    matches!(
        word,
        "package"
            | "requests"
            | "schema"
            | "type"
            | "optional"
            | "let"
            | "output"
            | "rule"
            | "when"
            | "deny"
            | "note"
            | "message"
            | "help"
            | "if"
            | "then"
            | "else"
            | "and"
            | "or"
            | "not"
            | "is"
            | "in"
            | "present"
            | "absent"
            | "otherwise"
            | "any"
            | "all"
            | "count"
            | "sum"
            | "where"
            | "of"
            | "true"
            | "false"
            | "none"
    )
}

/// The grammar's `ident_char`.
fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// What may follow an operand (Pratt's "led" operators).
#[derive(Clone, Copy)]
enum Led {
    Infix(BinOp),
    /// `is` (a postfix operator).
    Is,
}

/// Binding powers, as pest's `PrattParser` numbers the levels of
/// `lower::PRATT` (loosest first, ten apart, from 20).
mod power {
    pub(super) const OR: u8 = 20;
    pub(super) const AND: u8 = 30;
    pub(super) const NOT: u8 = 40;
    pub(super) const COMPARE: u8 = 50;
    pub(super) const OTHERWISE: u8 = 60;
    pub(super) const ADD: u8 = 70;
    pub(super) const MUL: u8 = 80;
    pub(super) const NEG: u8 = 90;
}

/// The depth `Lower` reaches in a grammar `expr`: its cost (operands,
/// prefix operators and `is` tests, see `Lower::expr`) and the deepest of
/// its operands.
#[derive(Default)]
struct Depth {
    cost: usize,
    operands: usize,
}

/// A cursor over one item's text.
struct Parser<'a, 'r> {
    text: &'a str,
    pos: usize,
    /// Where the last token read ends.
    last_end: usize,
    /// Where the last string literal read ends (see [`Parser::span`]).
    string_end: usize,
    file: u32,
    base: usize,
    /// How deep the parser has recursed (see [`MAX_RECURSION`]).
    recursion: usize,
    /// At least the depth `Lower` reaches at the cursor: the operands,
    /// operators and fields read so far in the expressions around it.
    reached: usize,
    max_expr_depth: usize,
    /// See [`Reader::names`].
    names: &'r mut [Option<Arc<str>>],
}

impl<'a> Parser<'a, '_> {
    // ---- tokens -------------------------------------------------------

    fn byte(&self, at: usize) -> Option<u8> {
        self.text.as_bytes().get(at).copied()
    }

    fn peek(&self) -> Option<u8> {
        self.byte(self.pos)
    }

    /// Reads `n` bytes of a token.
    fn advance(&mut self, n: usize) {
        self.pos += n;
        self.last_end = self.pos;
    }

    /// Skips whitespace and comments, as pest does between the parts of a
    /// non-atomic rule.
    fn skip(&mut self) {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            match b {
                b' ' | b'\t' | b'\r' | b'\n' => self.pos += 1,
                b'#' => {
                    let rest = bytes.get(self.pos..).unwrap_or_default();
                    self.pos += rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
                }
                _ => break,
            }
        }
    }

    /// The identifier characters at the cursor (maybe none). A keyword
    /// token `kw_x` (`"x" ~ !ident_char`) is there exactly when this is `x`.
    fn word(&self) -> &'a str {
        let rest = self.text.get(self.pos..).unwrap_or("");
        let len = rest
            .bytes()
            .position(|b| !is_ident_char(b))
            .unwrap_or(rest.len());
        rest.get(..len).unwrap_or("")
    }

    /// Reads the keyword `kw`; its start.
    fn keyword(&mut self, kw: &str) -> Option<usize> {
        self.skip();
        let start = self.pos;
        (self.word() == kw).then(|| {
            self.advance(kw.len());
            start
        })
    }

    /// Reads the one-byte token `c`.
    fn punct(&mut self, c: u8) -> Option<()> {
        self.skip();
        (self.peek() == Some(c)).then(|| self.advance(1))
    }

    /// The span from `start` to the end of the last token, which is what
    /// `Lower::span` gives a pair starting at `start` whose rule ends in an
    /// optional or repeated part (`expr`, `if_expr`, `enum_type`, …): pest's
    /// pair then also holds the trivia after that token, and `Lower` trims
    /// it off again.
    ///
    /// The trimming reads the last line of the pair and cuts at a `#`
    /// outside quotes. When the last line up to here reads as plain code
    /// (no `#`, quotes balanced), the cut lands exactly here whatever
    /// trivia followed; otherwise (a `#` in a string, a string spanning
    /// lines) `None`, and pest decides.
    fn span(&self, start: usize) -> Option<Span> {
        self.trimmed_span(start, |line| line == LineEnd::Code)
    }

    /// [`Parser::span`] for a pair whose rule ends in a token (a name, a
    /// literal, a closing bracket): pest's pair ends here, and `Lower`'s
    /// trimming keeps it unless the last line holds a `#` outside quotes.
    fn token_span(&self, start: usize) -> Option<Span> {
        self.trimmed_span(start, |line| !matches!(line, LineEnd::Comment(_)))
    }

    /// The span from `start` to here, if `keeps` says that `Lower` keeps
    /// it whole after reading its last line. Only text since the end of
    /// the last string literal can hold a quote or a `#` that is not a
    /// comment, so most spans cost nothing to check.
    fn trimmed_span(&self, start: usize, keeps: impl Fn(LineEnd) -> bool) -> Option<Span> {
        let end = self.last_end;
        if self.string_end > start {
            let pair = self.text.get(start..end)?;
            let line_start = pair.rfind('\n').map_or(0, |i| i + 1);
            if self.string_end > start + line_start && !keeps(read_line(pair.get(line_start..)?)) {
                return None;
            }
        }
        Some(Span::new(self.file, self.base + start, self.base + end))
    }

    /// The identifier at the cursor as an [`Ident`], if `valid` accepts it.
    fn ident(&mut self, valid: impl Fn(&str) -> bool) -> Option<Ident> {
        self.skip();
        let start = self.pos;
        let word = self.word();
        if !valid(word) {
            return None;
        }
        self.advance(word.len());
        let name = shared(self.names, word);
        Some(Spanned::new(name, self.token_span(start)?))
    }

    /// `field_name`: any identifier, keywords included.
    fn field_name(&mut self) -> Option<Ident> {
        self.ident(|w| w.bytes().next().is_some_and(|b| !b.is_ascii_digit()))
    }

    /// `name`: an identifier that is not a reserved word.
    fn name(&mut self) -> Option<Ident> {
        self.ident(|w| w.bytes().next().is_some_and(|b| !b.is_ascii_digit()) && !is_reserved(w))
    }

    /// `code`: like a name, but starting with a letter.
    fn code(&mut self) -> Option<Ident> {
        self.ident(|w| w.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()) && !is_reserved(w))
    }

    /// Runs `f` one level deeper, unless that is too deep for this path.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        if self.recursion >= MAX_RECURSION {
            return None;
        }
        self.recursion += 1;
        let r = f(self);
        self.recursion -= 1;
        r
    }

    // ---- items --------------------------------------------------------

    /// `item`: pushes its items to `out`; the depth `Lower` would reach.
    fn item(&mut self, out: &mut Vec<Item>) -> Option<usize> {
        self.skip();
        let start = self.pos;
        match self.word() {
            "package" => {
                self.advance(7);
                out.push(Item::Package(self.name()?));
                Some(0)
            }
            "requests" => {
                self.advance(8);
                for kw in ["are", "identified", "by"] {
                    self.keyword(kw)?;
                }
                let mut path = vec![self.name()?];
                while self.punct(b'.').is_some() {
                    path.push(self.field_name()?);
                }
                out.push(Item::Identify(path, self.span(start)?));
                Some(0)
            }
            "type" => {
                self.advance(4);
                let name = self.name()?;
                self.punct(b'=')?;
                out.push(Item::Type(name, self.type_expr()?));
                Some(0)
            }
            "optional" | "schema" => {
                let optional = self.keyword("optional").is_some();
                self.keyword("schema")?;
                let name = self.name()?;
                let ty = self.record_type()?;
                out.push(Item::Schema { name, optional, ty });
                Some(0)
            }
            word @ ("let" | "output") => {
                self.advance(word.len());
                let name = self.name()?;
                self.punct(b'=')?;
                let (e, depth) = self.expr()?;
                out.push(if word == "let" {
                    Item::Let(name, e)
                } else {
                    Item::Output(name, e)
                });
                Some(depth)
            }
            "rule" => self.rule(&[], out),
            "when" => self.when_block(&mut Vec::new(), out),
            _ => None,
        }
    }

    /// `&(item_start | EOI)` after the trivia that follows the item: the
    /// bytes `item_at` consumed.
    fn item_end(&mut self) -> Option<usize> {
        self.skip();
        (self.pos == self.text.len() || ITEM_STARTS.contains(&self.word())).then_some(self.pos)
    }

    /// `rule_decl` (the cursor on `rule`), inside `when` blocks with
    /// conditions `guards`.
    fn rule(&mut self, guards: &[Expr], out: &mut Vec<Item>) -> Option<usize> {
        let start = self.keyword("rule")?;
        let name = self.name()?;
        self.punct(b'{')?;
        // The span is known at the closing brace.
        let mut rule = rule_without_clauses(name, Span::new(self.file, 0, 0), guards);
        let mut depth = 0;
        loop {
            self.skip();
            if self.peek() == Some(b'}') {
                self.advance(1);
                break;
            }
            let clause = self.pos;
            match self.word() {
                word @ ("deny" | "note") => {
                    self.advance(4);
                    let effect = if word == "deny" {
                        Effect::Deny
                    } else {
                        Effect::Note
                    };
                    let code = self.code()?;
                    if rule.effect.is_some() {
                        rule.repeated.push(self.token_span(clause)?);
                    } else {
                        let at = self.base + clause;
                        let kw = Span::new(self.file, at, at + 4);
                        rule.effect = Some((Spanned::new(effect, kw), code));
                    }
                }
                "when" => {
                    self.advance(4);
                    let (e, d) = self.expr()?;
                    if rule.when.is_some() {
                        // `Lower` does not lower a repeated condition: its
                        // depth does not count.
                        rule.repeated.push(self.span(clause)?);
                    } else {
                        rule.when = Some(e);
                        depth = depth.max(d);
                    }
                }
                word @ ("message" | "help") => {
                    self.advance(word.len());
                    let (t, d) = self.string()?;
                    depth = depth.max(d);
                    let slot = if word == "message" {
                        &mut rule.message
                    } else {
                        &mut rule.help
                    };
                    if slot.is_some() {
                        rule.repeated.push(self.token_span(clause)?);
                    } else {
                        *slot = Some(t);
                    }
                }
                _ => return None,
            }
        }
        rule.span = self.token_span(start)?;
        out.push(Item::Rule(rule));
        Some(depth)
    }

    /// `when_block` (the cursor on `when`), flattened into its rules, each
    /// with the conditions of the blocks around it.
    fn when_block(&mut self, guards: &mut Vec<Expr>, out: &mut Vec<Item>) -> Option<usize> {
        self.keyword("when")?;
        let (cond, mut depth) = self.expr()?;
        self.punct(b'{')?;
        guards.push(cond);
        loop {
            self.skip();
            let d = match self.word() {
                "rule" => self.rule(guards, out)?,
                "when" => self.nested(|p| p.when_block(guards, out))?,
                _ => {
                    self.punct(b'}')?;
                    break;
                }
            };
            depth = depth.max(d);
        }
        guards.pop();
        Some(depth)
    }

    // ---- types --------------------------------------------------------

    /// `type_expr`.
    fn type_expr(&mut self) -> Option<TypeExpr> {
        self.nested(|p| {
            let start = p.keyword("optional");
            let core = p.type_core()?;
            match start {
                Some(start) => Some(TypeExpr::Optional(Box::new(core), p.span(start)?)),
                None => Some(core),
            }
        })
    }

    /// `type_core`: `list of T`, `one of a, b`, a record, a built-in type or
    /// a declared type's name.
    fn type_core(&mut self) -> Option<TypeExpr> {
        self.skip();
        let start = self.pos;
        if self.peek() == Some(b'{') {
            return self.record_type();
        }
        let word = self.word();
        if matches!(word, "list" | "one") && self.of_follows(word.len()) {
            self.advance(word.len());
            self.keyword("of")?;
            return if word == "list" {
                let inner = self.type_expr()?;
                Some(TypeExpr::List(Box::new(inner), self.span(start)?))
            } else {
                self.enum_variants(start)
            };
        }
        let prim = match word {
            "bool" => Prim::Bool,
            "int" => Prim::Int,
            "decimal" => Prim::Decimal,
            "string" => Prim::String,
            "datetime" => Prim::DateTime,
            "date" => Prim::Date,
            _ => return self.name().map(TypeExpr::Named),
        };
        self.advance(word.len());
        Some(TypeExpr::Prim(Spanned::new(prim, self.token_span(start)?)))
    }

    /// Whether the keyword `of` follows the `len` bytes at the cursor.
    fn of_follows(&mut self, len: usize) -> bool {
        let (pos, last_end) = (self.pos, self.last_end);
        self.advance(len);
        let of = self.keyword("of").is_some();
        (self.pos, self.last_end) = (pos, last_end);
        of
    }

    /// The variants of `one of a, b` (the cursor past `of`). A variant is a
    /// field name not followed by `:` (else it is the record's next field):
    /// the list stops before the `,` in front of one.
    fn enum_variants(&mut self, start: usize) -> Option<TypeExpr> {
        let mut variants = vec![self.variant()?];
        loop {
            let (pos, last_end) = (self.pos, self.last_end);
            if self.punct(b',').is_none() {
                break;
            }
            match self.variant() {
                Some(v) => variants.push(v),
                None => {
                    (self.pos, self.last_end) = (pos, last_end);
                    break;
                }
            }
        }
        Some(TypeExpr::Enum(variants, self.span(start)?))
    }

    /// `variant`: `field_name ~ !(WHITESPACE* ~ ":")` (no comments).
    fn variant(&mut self) -> Option<Ident> {
        let v = self.field_name()?;
        let rest = self.text.get(self.pos..).unwrap_or("");
        let colon = rest
            .trim_start_matches([' ', '\t', '\r', '\n'])
            .starts_with(':');
        (!colon).then_some(v)
    }

    /// `record_type`.
    fn record_type(&mut self) -> Option<TypeExpr> {
        self.skip();
        let start = self.pos;
        self.punct(b'{')?;
        let mut fields = Vec::new();
        loop {
            self.skip();
            if self.peek() == Some(b'}') {
                self.advance(1);
                break;
            }
            let name = self.field_name()?;
            self.punct(b':')?;
            fields.push((name, self.type_expr()?));
            self.skip();
            if self.peek() == Some(b',') {
                self.advance(1);
            }
        }
        Some(TypeExpr::Record(fields, self.token_span(start)?))
    }

    // ---- expressions --------------------------------------------------

    /// `expr`, and the depth `Lower` reaches in it.
    fn expr(&mut self) -> Option<(Expr, usize)> {
        self.nested(|p| {
            let reached = p.reached;
            let mut depth = Depth::default();
            let e = p.pratt(0, &mut depth)?;
            p.reached = reached;
            Some((e, depth.cost.max(1) + depth.operands))
        })
    }

    /// Counts one more operand, prefix operator or `is` test of an `expr`,
    /// or field of a `postfix_expr`: one more level for `Lower`. `None`
    /// once past the limit, so that a chain (`1 + 1 + …`, `a.a.a…`) never
    /// builds a tree deeper than `Lower` would (which would also be too
    /// deep to drop).
    fn deeper(&mut self) -> Option<()> {
        self.reached += 1;
        (self.reached <= self.max_expr_depth).then_some(())
    }

    /// [`Parser::deeper`] for an operand, prefix operator or `is` test of
    /// the `expr` whose depth is `depth`.
    fn count(&mut self, depth: &mut Depth) -> Option<()> {
        depth.cost += 1;
        self.deeper()
    }

    /// pest's Pratt parser over the operands and operators of one `expr`,
    /// read as they come: an operand (after its prefix operators), then
    /// operators that bind tighter than `rbp`.
    fn pratt(&mut self, rbp: u8, depth: &mut Depth) -> Option<Expr> {
        self.skip();
        let start = self.pos;
        let prefix = match self.peek() {
            Some(b'-') => Some((UnOp::Neg, 1, power::NEG)),
            _ if self.word() == "not" => Some((UnOp::Not, 3, power::NOT)),
            _ => None,
        };
        let mut lhs = if let Some((op, len, power)) = prefix {
            self.advance(len);
            self.count(depth)?;
            let op_span = self.token_span(start)?;
            let rhs = self.nested(|p| p.pratt(power - 1, depth))?;
            Expr {
                span: op_span.to(rhs.span),
                kind: ExprKind::Unary(op, Box::new(rhs)),
            }
        } else {
            self.count(depth)?;
            let (e, d) = self.postfix_expr()?;
            depth.operands = depth.operands.max(d);
            e
        };
        loop {
            self.skip();
            let Some((led, len, power)) = self.led() else {
                break;
            };
            if rbp >= power {
                break;
            }
            let at = self.pos;
            self.advance(len);
            lhs = match led {
                Led::Is => {
                    self.count(depth)?;
                    self.is_test(lhs, at)?
                }
                Led::Infix(op) => {
                    let rhs = self.nested(|p| p.pratt(power, depth))?;
                    Expr {
                        span: lhs.span.to(rhs.span),
                        kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                    }
                }
            };
        }
        Some(lhs)
    }

    /// The operator at the cursor, its length and binding power.
    fn led(&self) -> Option<(Led, usize, u8)> {
        let next = self.byte(self.pos + 1);
        let infix = |op, len, power| Some((Led::Infix(op), len, power));
        match self.peek()? {
            b'=' if next == Some(b'=') => infix(BinOp::Eq, 2, power::COMPARE),
            b'!' if next == Some(b'=') => infix(BinOp::Ne, 2, power::COMPARE),
            b'<' if next == Some(b'=') => infix(BinOp::Le, 2, power::COMPARE),
            b'>' if next == Some(b'=') => infix(BinOp::Ge, 2, power::COMPARE),
            b'<' => infix(BinOp::Lt, 1, power::COMPARE),
            b'>' => infix(BinOp::Gt, 1, power::COMPARE),
            b'+' => infix(BinOp::Add, 1, power::ADD),
            b'-' => infix(BinOp::Sub, 1, power::ADD),
            b'*' => infix(BinOp::Mul, 1, power::MUL),
            b'/' => infix(BinOp::Div, 1, power::MUL),
            _ => match self.word() {
                "or" => infix(BinOp::Or, 2, power::OR),
                "and" => infix(BinOp::And, 3, power::AND),
                "otherwise" => infix(BinOp::Otherwise, 9, power::OTHERWISE),
                "in" => infix(BinOp::In, 2, power::COMPARE),
                "is" => Some((Led::Is, 2, power::COMPARE)),
                _ => None,
            },
        }
    }

    /// The rest of `is_test` (the cursor past `is`, which starts at `at`).
    fn is_test(&mut self, subject: Expr, at: usize) -> Option<Expr> {
        let negated = self.keyword("not").is_some();
        let test = if self.keyword("present").is_some() {
            IsTest::Present
        } else if self.keyword("absent").is_some() {
            IsTest::Absent
        } else {
            IsTest::Variant(self.field_name()?)
        };
        Some(Expr {
            span: subject.span.to(self.token_span(at)?),
            kind: ExprKind::Is {
                subject: Box::new(subject),
                negated,
                test,
            },
        })
    }

    /// `postfix_expr`, and the depth `Lower::postfix_expr` reaches in it.
    fn postfix_expr(&mut self) -> Option<(Expr, usize)> {
        let reached = self.reached;
        self.deeper()?;
        let (mut e, inner) = self.primary()?;
        let mut len = 1;
        while self.punct(b'.').is_some() {
            let field = self.field_name()?;
            len += 1;
            self.deeper()?;
            e = Expr {
                span: e.span.to(field.span),
                kind: ExprKind::Field(Box::new(e), field),
            };
        }
        self.reached = reached;
        Some((e, len + inner))
    }

    /// `primary`, and the depth `Lower` reaches in the expressions inside
    /// it. A parenthesized expression keeps the span of what is inside;
    /// only `if` and the quantifiers end in an optional or repeated part.
    fn primary(&mut self) -> Option<(Expr, usize)> {
        self.skip();
        let start = self.pos;
        let first = self.peek()?;
        let (kind, depth, ends_in_token) = match first {
            b'(' => {
                self.advance(1);
                let inner = self.expr()?;
                self.punct(b')')?;
                return Some(inner);
            }
            b'[' => {
                self.advance(1);
                let (items, depth) = self.exprs(b']')?;
                (ExprKind::List(items), depth, true)
            }
            b'"' => {
                let (t, depth) = self.string()?;
                let span = t.span;
                return Some((
                    Expr {
                        kind: ExprKind::Str(t),
                        span,
                    },
                    depth,
                ));
            }
            b'0'..=b'9' => (self.number()?, 0, true),
            _ => match self.word() {
                "if" => {
                    self.advance(2);
                    let (c, d1) = self.expr()?;
                    self.keyword("then")?;
                    let (t, d2) = self.expr()?;
                    self.keyword("else")?;
                    let (e, d3) = self.expr()?;
                    let kind = ExprKind::If(Box::new(c), Box::new(t), Box::new(e));
                    (kind, d1.max(d2).max(d3), false)
                }
                word @ ("any" | "all" | "count" | "sum") => {
                    self.advance(word.len());
                    let (kind, body_kw) = match word {
                        "any" => (Quant::Any, "where"),
                        "all" => (Quant::All, "where"),
                        "count" => (Quant::Count, "where"),
                        _ => (Quant::Sum, "of"),
                    };
                    let var = self.name()?;
                    self.keyword("in")?;
                    let (list, mut depth) = self.postfix_expr()?;
                    let body = match self.keyword(body_kw) {
                        Some(_) => {
                            let (b, d) = self.expr()?;
                            depth = depth.max(d);
                            Some(Box::new(b))
                        }
                        None => None,
                    };
                    let list = Box::new(list);
                    (
                        ExprKind::Quant {
                            kind,
                            var,
                            list,
                            body,
                        },
                        depth,
                        false,
                    )
                }
                word @ ("true" | "false") => {
                    self.advance(word.len());
                    (ExprKind::Bool(word == "true"), 0, true)
                }
                "none" => {
                    self.advance(4);
                    (ExprKind::None, 0, true)
                }
                _ => {
                    let name = self.name()?;
                    if self.punct(b'(').is_some() {
                        let (args, depth) = self.exprs(b')')?;
                        (ExprKind::Call(name, args), depth, true)
                    } else {
                        (ExprKind::Name(name.node), 0, true)
                    }
                }
            },
        };
        let span = if ends_in_token {
            self.token_span(start)?
        } else {
            self.span(start)?
        };
        Some((Expr { kind, span }, depth))
    }

    /// `(expr ~ ("," ~ expr)* ~ ","?)? ~ close`, the opening bracket read.
    fn exprs(&mut self, close: u8) -> Option<(Vec<Expr>, usize)> {
        let mut items = Vec::new();
        let mut depth = 0;
        self.skip();
        while self.peek() != Some(close) {
            let (e, d) = self.expr()?;
            items.push(e);
            depth = depth.max(d);
            if self.punct(b',').is_none() {
                break;
            }
            self.skip();
        }
        self.punct(close)?;
        Some((items, depth))
    }

    /// `decimal` or `int`.
    fn number(&mut self) -> Option<ExprKind> {
        let digits = |at: usize| {
            let rest = self.text.as_bytes().get(at..).unwrap_or_default();
            rest.iter()
                .position(|b| !b.is_ascii_digit())
                .unwrap_or(rest.len())
        };
        let start = self.pos;
        let whole = digits(start);
        let dot = start + whole;
        let fraction = if self.byte(dot) == Some(b'.') {
            digits(dot + 1)
        } else {
            0
        };
        if fraction > 0 {
            self.advance(whole + 1 + fraction);
            let digits = self.text.get(start..self.pos)?;
            return Some(ExprKind::Decimal(shared(self.names, digits)));
        }
        if self.byte(dot).is_some_and(is_ident_char) {
            return None;
        }
        self.advance(whole);
        let digits = self.text.get(start..self.pos)?;
        Some(ExprKind::Int(shared(self.names, digits)))
    }

    /// `string` (after trivia): a template, and the depth `Lower` reaches
    /// in its interpolations.
    fn string(&mut self) -> Option<(Template, usize)> {
        self.skip();
        let start = self.pos;
        if self.peek() != Some(b'"') {
            return None;
        }
        self.pos += 1;
        let mut parts = Vec::new();
        let mut depth = 0;
        loop {
            let b = self.peek()?;
            let text = match b {
                b'"' => break,
                b'\\' => {
                    let escaped = match self.byte(self.pos + 1)? {
                        b'"' => "\"",
                        b'\\' => "\\",
                        b'n' => "\n",
                        b't' => "\t",
                        _ => return None,
                    };
                    self.pos += 2;
                    escaped
                }
                b'{' | b'}' if self.byte(self.pos + 1) == Some(b) => {
                    self.pos += 2;
                    if b == b'{' {
                        "{"
                    } else {
                        "}"
                    }
                }
                b'{' => {
                    // `interpolation = !{ "{" ~ expr ~ "}" }`: trivia allowed.
                    self.advance(1);
                    let (e, d) = self.expr()?;
                    self.punct(b'}')?;
                    parts.push(TemplatePart::Expr(e));
                    depth = depth.max(d);
                    continue;
                }
                b'}' | b'\n' => return None,
                _ => {
                    let rest = self.text.get(self.pos..)?;
                    let len = rest
                        .bytes()
                        .position(|c| matches!(c, b'"' | b'\\' | b'{' | b'}' | b'\n'))
                        .unwrap_or(rest.len());
                    self.pos += len;
                    rest.get(..len)?
                }
            };
            match parts.last_mut() {
                Some(TemplatePart::Text(t)) => t.push_str(text),
                _ => parts.push(TemplatePart::Text(text.to_owned())),
            }
        }
        self.advance(1);
        self.string_end = self.pos;
        let span = self.token_span(start)?;
        Some((Template { parts, span }, depth))
    }
}

/// The generated package of the `validate` benchmark.
#[cfg(test)]
#[path = "../../benches/support/genpack.rs"]
mod genpack;

/// Differential tests: every input is parsed with the fast path on and off,
/// and both must give the same syntax tree (spans included) and the same
/// diagnostics.
#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use pest::Parser as _;

    use super::genpack;
    use super::is_reserved;
    use crate::diag::Diagnostics;
    use crate::source::{SourceFile, Sources};
    use crate::syntax::parser::{parse_with, PactumParser, PathCounts, Rule};
    use crate::Limits;

    const ROOT: &str = env!("CARGO_MANIFEST_DIR");

    /// Parses `text` with the fast path on and off, asserts that both give
    /// the same file and diagnostics, and returns the fast run's counts.
    fn same_both_ways(name: &str, text: &str, limits: &Limits) -> PathCounts {
        let mut sources = Sources::default();
        let file = sources.add(SourceFile::new(name, text));
        let run = |use_fast| {
            let mut diags = Diagnostics::default();
            let mut counts = PathCounts::default();
            let parsed = parse_with(&sources, file, &mut diags, limits, use_fast, &mut counts);
            (parsed, format!("{diags:#?}"), counts)
        };
        let (fast, fast_diags, counts) = run(true);
        let (pest, pest_diags, pest_counts) = run(false);
        assert_eq!(pest_counts.fast, 0);
        // `Debug` shows every span; the equality of `Spanned` ignores them.
        if format!("{fast:?}") != format!("{pest:?}") {
            for (i, (a, b)) in fast.items.iter().zip(&pest.items).enumerate() {
                let (a, b) = (format!("{a:#?}"), format!("{b:#?}"));
                assert!(
                    a == b,
                    "{name}: item {i} differs\n--- fast path\n{a}\n--- pest\n{b}\n--- text\n{text}"
                );
            }
            panic!("{name}: the files differ\n{fast:#?}\n{pest:#?}\n--- text\n{text}");
        }
        assert_eq!(fast, pest, "{name}\n{text}");
        assert_eq!(fast_diags, pest_diags, "{name}: diagnostics\n{text}");
        counts
    }

    /// Every `.policy` file under `dir` (build output and hidden folders
    /// left out).
    fn policy_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
        entries.sort();
        for p in entries {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.is_dir() && name != "target" && !name.starts_with('.') {
                policy_files(&p, out);
            } else if name.ends_with(".policy") {
                out.push(p);
            }
        }
    }

    /// The ```policy blocks of the README and the docs.
    fn doc_blocks() -> Vec<(String, String)> {
        let mut docs = vec![Path::new(ROOT).join("README.md")];
        let mut dirs = vec![Path::new(ROOT).join("docs")];
        while let Some(dir) = dirs.pop() {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "md") {
                    docs.push(p);
                }
            }
        }
        docs.sort();
        let mut blocks = Vec::new();
        for doc in docs {
            let text = std::fs::read_to_string(&doc).unwrap();
            let mut block: Option<String> = None;
            for line in text.lines() {
                match (&mut block, line.trim_start()) {
                    (None, "```policy") => block = Some(String::new()),
                    (Some(_), "```") => {
                        let name = format!("{}#{}", doc.display(), blocks.len());
                        blocks.push((name, block.take().unwrap()));
                    }
                    (Some(b), _) => {
                        b.push_str(line);
                        b.push('\n');
                    }
                    (None, _) => {}
                }
            }
        }
        blocks
    }

    /// Every policy of the repository: files (read at test time) and the
    /// docs' examples.
    fn repository_policies() -> Vec<(String, String)> {
        let mut files = Vec::new();
        policy_files(Path::new(ROOT), &mut files);
        let mut policies: Vec<(String, String)> = files
            .iter()
            .map(|p| {
                let bytes = std::fs::read(p).unwrap();
                let text = String::from_utf8_lossy(&bytes).into_owned();
                (p.display().to_string(), text)
            })
            .collect();
        policies.extend(doc_blocks());
        policies
    }

    /// The files of every shipped pack (everything under `policies/`).
    fn shipped_packs() -> Vec<(String, String)> {
        let mut files = Vec::new();
        policy_files(&Path::new(ROOT).join("policies"), &mut files);
        files
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p).unwrap();
                (p.display().to_string(), text)
            })
            .collect()
    }

    #[test]
    fn every_policy_of_the_repository_parses_the_same_both_ways() {
        let policies = repository_policies();
        assert!(policies.len() > 100, "only {} policies", policies.len());
        let (mut fast, mut pest) = (0, 0);
        for (name, text) in &policies {
            // The depth limit of a case (`NAME.limits.yaml`), and tight
            // ones, so that the depth `Lower` counts is compared too.
            let mut depths = vec![128, 10, 8, 6, 4, 2];
            let path = Path::new(name);
            let stem = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.split('.').next())
                .unwrap_or("");
            let limits_file = path.with_file_name(format!("{stem}.limits.yaml"));
            if let Ok(yaml) = std::fs::read_to_string(limits_file) {
                let map: std::collections::BTreeMap<String, usize> =
                    serde_yaml::from_str(&yaml).unwrap();
                if let Some(&depth) = map.get("max_expr_depth") {
                    depths.push(depth);
                }
            }
            for depth in depths {
                let limits = Limits::default().with_max_expr_depth(depth);
                let counts = same_both_ways(name, text, &limits);
                fast += counts.fast;
                pest += counts.pest;
            }
            // Other line endings and indentation.
            let crlf = text.replace('\n', "\r\n");
            same_both_ways(name, &crlf, &Limits::default());
            let tabs = text.replace("  ", "\t");
            same_both_ways(name, &tabs, &Limits::default());
        }
        // Both paths were taken: the comparison compared something.
        assert!(fast > 1000 && pest > 100, "fast {fast}, pest {pest}");
    }

    #[test]
    fn the_fast_path_reads_every_item_of_the_shipped_and_generated_packs() {
        let pack = shipped_packs();
        assert!(pack.len() >= 6);
        let generated = genpack::package(2_000);
        for (name, text) in pack.iter().chain(&generated) {
            let counts = same_both_ways(name, text, &Limits::default());
            assert_eq!(counts.pest, 0, "{name}: items left to pest");
            assert!(counts.fast > 0, "{name}: no items");
        }
    }

    #[test]
    fn reserved_words_are_the_grammars_keywords() {
        let words = [
            "package",
            "requests",
            "schema",
            "type",
            "optional",
            "let",
            "output",
            "rule",
            "when",
            "deny",
            "note",
            "message",
            "help",
            "if",
            "then",
            "else",
            "and",
            "or",
            "not",
            "is",
            "in",
            "present",
            "absent",
            "otherwise",
            "any",
            "all",
            "count",
            "sum",
            "where",
            "of",
            "true",
            "false",
            "none", // reserved
            "list",
            "one",
            "are",
            "identified",
            "by",
            "bool",
            "int",
            "date",
            "datetime",
            "allowed",
            "no",
            "nothing",
            "notes",
            "nota",
            "i",
            "ins",
            "iff",
            "off",
            "o",
            "order",
            "an",
            "anything",
            "al",
            "some",
            "_",
            "x",
            "sums",
            "types",
            "whence",
            "truth",
            "nonempty",
            "package_",
        ];
        for word in words {
            let pest = PactumParser::parse(Rule::keyword, word)
                .is_ok_and(|mut p| p.next().is_some_and(|k| k.as_str() == word));
            assert_eq!(is_reserved(word), pest, "{word}");
        }
    }

    /// Inputs chosen for the corners of the grammar and of `Lower`.
    #[test]
    fn corner_cases_parse_the_same_both_ways() {
        let cases = [
            // Spans that `Lower`'s trimming cuts elsewhere.
            "let a = \"{\"#\"}\"\nlet b = 1\n",
            "let a = \"x {\n b } y\" # c\nlet b = 1\n",
            "let a = \"{a # c\n}\"\n",
            "let a = \"#\" # \"\nlet b = \"\\\"#\" + \"\\\\\" # x\n",
            "rule r {\n deny X\n message \"Issue #5 {a}\" # done\n}\n",
            // Enums that stop before the next field.
            "schema s { a: one of x, y, b: int, c: one of p,\n q,\n}\n",
            "schema s { a: one of x, y # c\n : int }\n",
            "schema s { a: one of x,\n\n b  :int }\n",
            // Words that are types, or not.
            "type t = list\ntype u = one\ntype v = list of list of one of a\n",
            "schema s { a: list of: int }\n",
            "type t = optional datetime\ntype u = dates\ntype v = optional optional int\n",
            // Numbers.
            "let a = 1.x\nlet b = 1.5.x\nlet c = 12abc\nlet d = -1 - -2\nlet e = 1.\n",
            "let a = 007 + 0.50 * 3/4\n",
            // Operators.
            "let a = not not b == c\nlet b = a == not b and c\nlet c = not a is present\n",
            "let a = b is not not\nlet b = x is is\nlet c = x is not present is absent\n",
            "let a = b otherwise c + d * e / f - g or h and i in j <= k\n",
            "let a = - a . b . c is x and (b).c\nlet b = a<-b\nlet c = a<>b\n",
            "let a = a == b == c != d < e > f >= g\n",
            // Calls, lists, quantifiers, ifs.
            "let a = f (x)\nlet b = f # c\n(x)\nlet c = f(a,)\nlet d = [a,]\nlet e = [] + f()\n",
            "let a = [,]\nlet b = f(a b)\nlet c = f(,)\n",
            "let a = sum x in l\nlet b = any x in l of y\nlet c = count x in l.a.b where c\n",
            "let a = all x in (l) where if x then all y in x where y else false\n",
            "let a = sum x in l of x.v + 1 > 2\n",
            // Items.
            "requests are identified by a.b.c\npackage p\n",
            "optional schema c { h: optional list of date }\n",
            "when a {\n when b { rule r { deny X } }\n rule s { note Y when c }\n when d {}\n}\n",
            "rule r { deny A deny B when a when ((b)) message \"x\" message \"{y}\" help \"h\" help \"i\" }\n",
            "let # c\n a # c\n = # c\n 1 # c\n",
            "let x = 1\nruleé\n",
            "let x = 1 ruler",
            "rule when { deny X }\n",
            "rule r { deny _X }\n",
            "rule r { deny x1 note y }\n",
            "let x = \"é {a} ü\\t\\n{{}}\" # ü\n",
            "let x = \"{{a}\"\nlet y = \"a}b\"\nlet z = \"\\q\"\n",
            "\u{feff}let x = 1\n",
            "let x = 1\n\n\n",
            "# only a comment",
        ];
        for (i, text) in cases.iter().enumerate() {
            for depth in [128, 4, 2, 1] {
                let limits = Limits::default().with_max_expr_depth(depth);
                same_both_ways(&format!("corner-{i}"), text, &limits);
            }
        }
    }

    /// Long chains and deep nesting, around the depth limit: the fast path
    /// must leave to pest exactly the items that `Lower` refuses.
    #[test]
    fn deep_expressions_parse_the_same_both_ways() {
        let mut cases = Vec::new();
        for n in [30, 62, 63, 64, 126, 127, 128, 129, 400] {
            cases.push(format!("let x = 1{}\n", " + 1".repeat(n)));
            cases.push(format!("let x = {}true\n", "not ".repeat(n)));
            cases.push(format!("let x = {}1\n", "-".repeat(n)));
            cases.push(format!("let x = a{}\n", ".a".repeat(n)));
            cases.push(format!("let x = a{}\n", " is present".repeat(n)));
            cases.push(format!(
                "let x = f({}1{})\n",
                "[".repeat(n / 4),
                "]".repeat(n / 4)
            ));
            cases.push(format!("let x = {}1\n", "if a then 1 else ".repeat(n / 2)));
            cases.push(format!(
                "let x = {}a\n",
                "any y in [1] where ".repeat(n / 2)
            ));
            cases.push(format!(
                "rule r {{ deny X when ({}1{}).a.b message \"{{{}a}}\" }}\n",
                "(1 + ".repeat(n / 3),
                ")".repeat(n / 3),
                "- ".repeat(n)
            ));
        }
        for (i, text) in cases.iter().enumerate() {
            for depth in [128, 64, 20] {
                let limits = Limits::default().with_max_expr_depth(depth);
                same_both_ways(&format!("deep-{i}"), text, &limits);
            }
        }
    }

    /// A small deterministic generator (xorshift64*).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    /// What the mutations insert: tokens and trivia of the language.
    const SNIPPETS: &[&str] = &[
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "\"",
        "\\",
        "#",
        ".",
        ",",
        ":",
        "=",
        "==",
        "!=",
        "<",
        "<=",
        ">",
        "-",
        "+",
        "*",
        "/",
        " ",
        "  ",
        "\n",
        "\t",
        "\r\n",
        "not ",
        " is ",
        " of ",
        " in ",
        " and ",
        " or ",
        " otherwise ",
        "1",
        "2.5",
        "x",
        "_y",
        "when ",
        "rule r {",
        "deny X",
        "message ",
        "{{",
        "}}",
        "\\n",
        "é",
        "if a then b else c",
        "any x in l where ",
        "sum x in l of ",
        "present",
        "none",
        "true",
        "list of ",
        "one of ",
        "optional ",
        " # comment\n",
        "let ",
        "\"{a}\"",
        "f(",
        "]",
        "let z = 1\n",
    ];

    /// Deletes, inserts, replaces or copies a little text of `text`.
    fn mutate(text: &mut String, rng: &mut Rng) {
        let boundary = |text: &str, mut at: usize| {
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let at = boundary(text, rng.below(text.len() + 1));
        let to = boundary(text, (at + 1 + rng.below(4)).min(text.len()));
        match rng.below(4) {
            0 => text.replace_range(at..to, ""),
            1 => text.insert_str(at, rng.pick(SNIPPETS)),
            2 => text.replace_range(at..to, rng.pick(SNIPPETS)),
            _ => {
                let from = boundary(text, rng.below(text.len() + 1));
                let end = boundary(text, (from + 1 + rng.below(24)).min(text.len()));
                let copy = text[from..end].to_string();
                text.insert_str(at, &copy);
            }
        }
    }

    /// Runs of one to three items of `text` (split before each line that
    /// starts an item), as seeds for mutation.
    fn item_runs(text: &str, out: &mut Vec<String>) {
        let mut items: Vec<String> = Vec::new();
        for line in text.split_inclusive('\n') {
            let starts = super::ITEM_STARTS.iter().any(|kw| line.starts_with(kw));
            match items.last_mut() {
                Some(item) if !starts => item.push_str(line),
                _ => items.push(line.to_string()),
            }
        }
        for run in 1..=3 {
            for w in items.windows(run) {
                out.push(w.concat());
            }
        }
    }

    #[test]
    fn mutated_policies_parse_the_same_both_ways() {
        let mut seeds = Vec::new();
        for (_, text) in shipped_packs() {
            item_runs(&text, &mut seeds);
        }
        for (_, text) in genpack::package(30) {
            item_runs(&text, &mut seeds);
        }
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut fast, mut pest) = (0, 0);
        for case in 0..3_000 {
            let mut text = seeds[rng.below(seeds.len())].clone();
            for _ in 0..=rng.below(3) {
                mutate(&mut text, &mut rng);
            }
            let limits = Limits::default().with_max_expr_depth([128, 6][rng.below(2)]);
            let counts = same_both_ways(&format!("mutant-{case}"), &text, &limits);
            fast += counts.fast;
            pest += counts.pest;
        }
        assert!(fast > 2_000 && pest > 1_000, "fast {fast}, pest {pest}");
    }

    /// Random trivia between tokens.
    fn gap(rng: &mut Rng) -> &'static str {
        rng.pick(&[" ", " ", " ", "  ", "\n  ", " # note\n ", "\t", " # \"#\n"])
    }

    /// A random expression at most `depth` levels deep.
    fn expression(rng: &mut Rng, depth: usize, out: &mut String) {
        const LEAVES: &[&str] = &[
            "a",
            "b_2",
            "_c",
            "order.amount",
            "x.y.z",
            "1",
            "20",
            "3.25",
            "true",
            "false",
            "none",
            "\"s\"",
            "\"t {a} {{u}} \\\"q\\\"\"",
            "f()",
            "list",
            "one",
            "date",
        ];
        const INFIX: &[&str] = &[
            "or",
            "and",
            "otherwise",
            "==",
            "!=",
            "<=",
            ">=",
            "<",
            ">",
            "in",
            "+",
            "-",
            "*",
            "/",
        ];
        if depth == 0 || rng.below(4) == 0 {
            out.push_str(rng.pick(LEAVES));
            return;
        }
        let d = depth - 1;
        match rng.below(12) {
            0..=3 => {
                expression(rng, d, out);
                out.push_str(gap(rng));
                out.push_str(rng.pick(INFIX));
                out.push_str(gap(rng));
                expression(rng, d, out);
            }
            4 => {
                out.push_str(rng.pick(&["not ", "-", "- ", "not\n"]));
                expression(rng, d, out);
            }
            5 => {
                expression(rng, d, out);
                out.push_str(" is ");
                out.push_str(rng.pick(&["", "not "]));
                out.push_str(rng.pick(&["present", "absent", "api", "not", "is"]));
            }
            6 => {
                out.push('(');
                expression(rng, d, out);
                out.push(')');
                if rng.below(2) == 0 {
                    out.push_str(".f");
                }
            }
            7 => {
                out.push_str("if ");
                expression(rng, d, out);
                out.push_str(" then ");
                expression(rng, d, out);
                out.push_str(gap(rng));
                out.push_str("else ");
                expression(rng, d, out);
            }
            8 => {
                let (q, body) = [
                    ("any", " where "),
                    ("all", " where "),
                    ("count", " where "),
                    ("sum", " of "),
                ][rng.below(4)];
                out.push_str(q);
                out.push_str(" x in ");
                out.push_str(rng.pick(&["l", "o.items", "(l)", "f(l)", "[1, 2]"]));
                if rng.below(4) > 0 {
                    out.push_str(body);
                    expression(rng, d, out);
                }
            }
            9 => {
                out.push_str(rng.pick(&["f(", "g (", "["]));
                let close = if out.ends_with('[') { "]" } else { ")" };
                for i in 0..rng.below(3) {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    expression(rng, d, out);
                }
                if !out.ends_with(['(', '[']) {
                    out.push_str(rng.pick(&["", ","]));
                }
                out.push_str(close);
            }
            10 => {
                out.push_str("\"x {");
                expression(rng, d, out);
                out.push_str("} y\"");
            }
            _ => {
                expression(rng, d, out);
                out.push_str(gap(rng));
                out.push_str(rng.pick(INFIX));
                out.push(' ');
                out.push_str(rng.pick(&["not ", "-"]));
                expression(rng, d, out);
            }
        }
    }

    #[test]
    fn random_expressions_parse_the_same_both_ways() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let (mut fast, mut pest) = (0, 0);
        for case in 0..1_500 {
            let mut text = String::from("let v =");
            text.push_str(gap(&mut rng));
            expression(&mut rng, 5, &mut text);
            text.push_str("\nwhen ");
            expression(&mut rng, 3, &mut text);
            text.push_str(" {\n  rule r {\n    deny X\n    when");
            text.push_str(gap(&mut rng));
            expression(&mut rng, 4, &mut text);
            text.push_str("\n    message \"m {");
            expression(&mut rng, 3, &mut text);
            text.push_str("}\"\n  }\n}\n");
            let limits = Limits::default().with_max_expr_depth([128, 12, 6][rng.below(3)]);
            let counts = same_both_ways(&format!("expression-{case}"), &text, &limits);
            fast += counts.fast;
            pest += counts.pest;
        }
        assert!(fast > 2_000 && pest > 0, "fast {fast}, pest {pest}");
    }
}
