//! How an explanation shows a compiled package: every expression's text as
//! written (white space folded) and its JSON, every rule's location and
//! the fixed part of its JSON, worked out once per package (on the first
//! explanation) instead of once per request.

use super::{Expr, ExprKind as K, Program, Rule};
use crate::json_text::write_str;
use crate::value::Value;

/// What explanations show of one package ([`Program::shown`]).
#[derive(Debug)]
pub(crate) struct Shown {
    /// Deny rules, in package order.
    pub denies: Vec<RuleShown>,
    /// Note rules, in package order.
    pub notes: Vec<RuleShown>,
    /// How each expression is shown, by its number ([`Expr::id`]).
    exprs: Vec<Option<ExprShown>>,
}

/// How a rule is shown.
#[derive(Debug)]
pub(crate) struct RuleShown {
    /// Where it is written, `file:line:column`.
    pub location: String,
    /// `{"rule":…,"code":…,"effect":…,"fired":` (JSON).
    pub json_head: Box<[u8]>,
    /// `,"location":…,"conditions":` (JSON).
    pub json_tail: Box<[u8]>,
}

/// How an expression is shown.
#[derive(Debug)]
pub(crate) struct ExprShown {
    /// The text as written, white space folded to single spaces.
    pub text: Box<str>,
    /// `{"expr":…,"value":` (JSON).
    pub json_head: Box<[u8]>,
    /// Whether its value, when it has no sub-expression to show, may read
    /// as its text (a literal says nothing more than what is written).
    literal: Literal,
}

/// Whether an expression without shown sub-expressions is a literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Literal {
    /// Never: a fact, a computed value, a variable is always shown, even
    /// when its value reads like its name.
    No,
    /// Always (a constant written as it displays).
    Yes,
    /// When its value displays as its text (a list or a call of
    /// constants, `-1`, …).
    IfShown,
}

impl Shown {
    /// Works out what explanations show of `program`.
    pub(crate) fn new(program: &Program) -> Shown {
        let mut shown = Shown {
            denies: Vec::new(),
            notes: Vec::new(),
            exprs: Vec::new(),
        };
        let rule = |r: &Rule, effect: &str| {
            let location = program.location_of(r.span);
            let mut json_head = b"{\"rule\":".to_vec();
            write_str(&mut json_head, &r.name);
            json_head.extend_from_slice(b",\"code\":");
            write_str(&mut json_head, &r.code);
            json_head.extend_from_slice(b",\"effect\":");
            write_str(&mut json_head, effect);
            json_head.extend_from_slice(b",\"fired\":");
            let mut json_tail = b",\"location\":".to_vec();
            write_str(&mut json_tail, &location);
            json_tail.extend_from_slice(b",\"conditions\":");
            RuleShown {
                location,
                json_head: json_head.into(),
                json_tail: json_tail.into(),
            }
        };
        shown.denies = program.denies.iter().map(|r| rule(r, "deny")).collect();
        shown.notes = program.notes.iter().map(|r| rule(r, "note")).collect();
        program.for_each_expr(|e| shown.add(program, e));
        shown
    }

    /// Adds `e` and its sub-expressions.
    fn add(&mut self, program: &Program, e: &Expr) {
        let text = fold(program.sources.slice(e.span));
        let literal = match &e.kind {
            // A text written out (its escapes read) is a literal too.
            K::Const(Value::Str(_)) if text.starts_with('"') => Literal::Yes,
            K::Const(v) if shows_as(v, &text) || shows_as(v, text.trim_matches('"')) => {
                Literal::Yes
            }
            K::Const(_) | K::Root(_) | K::Field(..) | K::Let(_) | K::Local(_) | K::Allowed => {
                Literal::No
            }
            _ => Literal::IfShown,
        };
        let mut json_head = b"{\"expr\":".to_vec();
        write_str(&mut json_head, &text);
        json_head.extend_from_slice(b",\"value\":");
        let id = e.id as usize;
        if self.exprs.len() <= id {
            self.exprs.resize_with(id + 1, || None);
        }
        if let Some(slot) = self.exprs.get_mut(id) {
            *slot = Some(ExprShown {
                text: text.into(),
                json_head: json_head.into(),
                literal,
            });
        }
        e.for_each_child(|c| self.add(program, c));
    }

    /// How expression number `id` is shown.
    pub(crate) fn get(&self, id: u32) -> Option<&ExprShown> {
        self.exprs.get(id as usize)?.as_ref()
    }

    /// Whether expression number `id` (written as `text`), showing no
    /// sub-expression, is a literal for `value`.
    pub(crate) fn is_literal<'t>(
        &self,
        id: u32,
        text: impl FnOnce() -> std::borrow::Cow<'t, str>,
        value: &Value,
    ) -> bool {
        match self.get(id).map(|e| e.literal) {
            Some(Literal::No) => false,
            Some(Literal::Yes) => true,
            Some(Literal::IfShown) | None => {
                let text = text();
                shows_as(value, &text) || shows_as(value, text.trim_matches('"'))
            }
        }
    }
}

/// The text of an expression as written, on one line: white space outside
/// texts folded to single spaces (none just inside brackets or before a
/// comma), a comma before a closing bracket left out, comments (`#` to the
/// end of a line, outside texts) left out; texts kept as written. Borrowed
/// as it is when there is nothing to fold.
pub(crate) fn fold(text: &str) -> std::borrow::Cow<'_, str> {
    let plain = !text.contains(['\n', '\r', '\t', '#']) && !text.contains("  ");
    if plain
        && text.trim().len() == text.len()
        && !text.contains("( ")
        && !text.contains("[ ")
        && !text.contains(" )")
        && !text.contains(" ]")
    {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let (mut in_text, mut escaped, mut in_comment, mut space) = (false, false, false, false);
    for c in text.chars() {
        if in_comment {
            in_comment = c != '\n';
            space |= !in_comment;
            continue;
        }
        if in_text {
            out.push(c);
            in_text = escaped || c != '"';
            escaped = !escaped && c == '\\';
            continue;
        }
        match c {
            '#' => in_comment = true,
            _ if c.is_whitespace() => space = true,
            _ => {
                if matches!(c, ')' | ']') && out.ends_with(',') {
                    out.pop();
                }
                let glued = matches!(c, ')' | ']' | ',') || out.ends_with(['(', '[']);
                if space && !glued && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                in_text = c == '"';
                out.push(c);
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether `value` displays as exactly `text`.
fn shows_as(value: &Value, text: &str) -> bool {
    /// Compares what is written to it with the rest of `text`.
    struct Same<'a>(&'a str);
    impl std::fmt::Write for Same<'_> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            match self.0.strip_prefix(s) {
                Some(rest) => {
                    self.0 = rest;
                    Ok(())
                }
                None => Err(std::fmt::Error),
            }
        }
    }
    let mut same = Same(text);
    std::fmt::write(&mut same, format_args!("{value}")).is_ok() && same.0.is_empty()
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn fold_puts_an_expression_on_one_line_as_written() {
        let cases = [
            ("a + b", "a + b"),
            (
                "round(\n    if x then 1 else 2,\n    2,\n)",
                "round(if x then 1 else 2, 2)",
            ),
            ("[ a , b ]", "[a, b]"),
            ("f( a )  # why\n  + 1", "f(a) + 1"),
            (
                "x == \"two  spaces # not a comment\"",
                "x == \"two  spaces # not a comment\"",
            ),
            ("\"a \\\" ( b\" + c", "\"a \\\" ( b\" + c"),
            ("  padded  ", "padded"),
        ];
        for (written, shown) in cases {
            assert_eq!(fold(written), shown, "{written:?}");
        }
        assert!(matches!(fold("a + b"), std::borrow::Cow::Borrowed(_)));
    }
}
