//! Warnings: what a package declares but never reads, rules that cannot
//! fire or do not depend on the request, deny rules without help.

use std::sync::Arc;

use super::{path, Checker};
use crate::diag::{codes, Diagnostics};
use crate::source::Span;
use crate::syntax::ast::{self, BinOp, ExprKind, IsTest};
use crate::types::{RecordTy, Ty};

impl<'a> Checker<'a> {
    pub(super) fn unused_warnings(&mut self) {
        for i in 0..self.names.lets.len() {
            let Some(l) = self.names.lets.get(i) else {
                continue;
            };
            if !l.used && !self.echo(&l.name.node) {
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
        let roots = self.names.roots.clone();
        self.unused_fields(&roots, "");
    }

    /// Whether a warning that `name` is never read may echo an error
    /// reported before it (see [`super::Echoes`]).
    fn echo(&self, name: &str) -> bool {
        (self.report.diags.has_errors() || self.echoes.earlier_errors) && self.echoes.may_echo(name)
    }

    pub(super) fn unused_fields(&mut self, record: &Arc<RecordTy>, prefix: &str) {
        let key = Arc::as_ptr(record) as usize;
        for (i, f) in record.fields.iter().enumerate() {
            let path = if prefix.is_empty() {
                f.name.to_string()
            } else {
                format!("{prefix}.{}", f.name)
            };
            if !self.reads.fields.contains(&(key, i)) {
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

    /// Warns about a rule whose conditions cannot all hold: the same value
    /// tested against two different variants, or as both present and absent.
    pub(super) fn contradictions(&mut self, r: &ast::Rule) {
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
                        .label(self.report.sources, a.3, "…contradicts this one")
                        .help("the two tests cannot both be true; did you mean `or`?");
                    self.report.diags.push(d);
                    return;
                }
            }
        }
    }

    /// Warns about a deny rule that does not tell the user what to do.
    pub(super) fn deny_without_help(&mut self, r: &ast::Rule) {
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

    /// Warns about a rule whose condition reads no fact.
    pub(super) fn constant_condition(&mut self, r: &ast::Rule) {
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
}

/// Leaves out the warnings that usually echo an error: unread fields and
/// constant conditions (a misspelled name reads nothing); they are
/// reported once the errors are fixed. An unread computed value is left
/// out only when it may echo an error ([`Checker::unused_warnings`]): a
/// package declares few of them, each for a reason, and one that is unread
/// beside an unrelated error is worth saying at once.
pub(super) fn drop_echoes(diags: &mut Diagnostics) {
    diags.retain(|d| {
        ![
            codes::WARN_UNUSED_FIELD.id,
            codes::WARN_CONSTANT_CONDITION.id,
        ]
        .contains(&d.code_id())
    });
}
