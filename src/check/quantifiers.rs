//! Quantifiers over lists: `any`, `all`, `count` and `sum`, and the
//! variable each one binds.

use super::{Checker, Env};
use crate::diag::codes;
use crate::ir::ExprKind as K;
use crate::source::Span;
use crate::syntax::ast::{self, BinOp, ExprKind, Quant};
use crate::types::Ty;
use crate::value::Value;

/// The comparison `e` is (`i.gift > 3`): its operator and sides.
fn compared(e: &ast::Expr) -> Option<(BinOp, &ast::Expr, &ast::Expr)> {
    match &e.kind {
        ExprKind::Binary(
            op @ (BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge),
            l,
            r,
        ) => Some((*op, l, r)),
        _ => None,
    }
}

impl<'a> Checker<'a> {
    pub(super) fn quant(
        &mut self,
        kind: Quant,
        var: &ast::Ident,
        list: &ast::Expr,
        body: Option<&ast::Expr>,
        span: Span,
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
        // A comparison as the body of a `count` may have taken in what was
        // meant for the count: `compare_mismatch` tells.
        let comparison = body.and_then(|b| compared(b).map(|_| b.span));
        let saved = std::mem::replace(
            &mut self.count_body,
            comparison
                .filter(|_| kind == Quant::Count)
                .map(|body| (body, span)),
        );
        let took_in = std::mem::replace(&mut self.took_in, false);
        let (bx, bt) = match body {
            Some(b) => {
                let (x, t) = self.expr(b, &inner);
                let help = match kind {
                    Quant::Sum => None,
                    _ => self.presence_meant(&t, b, false),
                };
                let t = match help {
                    Some(help) => {
                        self.mismatch(
                            format!("the condition after `where` must be true or false, but this is {t:#}"),
                            b.span,
                            format!("{t}"),
                            &help,
                        );
                        Ty::Bool
                    }
                    None => self.need(&t, b),
                };
                (Some(Box::new(x)), t)
            }
            None => (None, elem.clone()),
        };
        self.count_body = saved;
        if std::mem::replace(&mut self.took_in, took_in) {
            return (K::Const(Value::Absent), Ty::Any);
        }
        if kind == Quant::Count && body.is_none() {
            // `count x in L` alone would count every element, where `any x
            // in L` tests each: for a list of true or false the two would
            // disagree. The language has `length(L)` for the one.
            let d = self
                .diag(
                    codes::PARSE_SYNTAX,
                    "`count` needs `where` and a condition: `count x in L where C`",
                    span,
                    "no `where`",
                )
                .help(format!(
                    "to count every element, write `length(…)`; to count the true ones of a list of true or false, `count {v} in … where {v}`",
                    v = var.node
                ));
            self.error(d);
            return (K::Const(Value::Absent), Ty::Any);
        }
        let ty = match kind {
            Quant::Any | Quant::All | Quant::Count => {
                if !matches!(bt, Ty::Bool | Ty::Any) {
                    let word = if kind == Quant::All { "all" } else { "any" };
                    match body {
                        Some(b) => self.mismatch(
                            format!(
                                "the condition after `where` must be true or false, but this is {bt:#}"
                            ),
                            b.span,
                            format!("{bt}"),
                            "write a condition, for example `any d in basket.dates where d > basket.placed_on`",
                        ),
                        // `any f in fines`: the short form is for a list of
                        // true or false.
                        None => {
                            let list_src = self.src(list.span).to_string();
                            let v = &var.node;
                            let example = match &bt {
                                Ty::Record(r) => r.fields.first().map_or(
                                    format!("{v} …"),
                                    |f| format!("{v}.{} …", f.name),
                                ),
                                _ => format!("{v} …"),
                            };
                            self.mismatch(
                                format!(
                                    "`{word} {v} in {list_src}` alone tests a list of true or false, but its elements are {bt:#}"
                                ),
                                list.span,
                                format!("list of {bt}"),
                                &format!("add the condition each element is tested for: `{word} {v} in {list_src} where {example}`"),
                            )
                        }
                    };
                }
                if kind == Quant::Count {
                    Ty::Int
                } else {
                    Ty::Bool
                }
            }
            Quant::Sum => {
                if let (Some((cmp, l, r)), Ty::Bool) = (body.and_then(compared), &bt) {
                    self.took_in(span, l, cmp, r, "of", "`sum` would add true or false");
                    return (K::Const(Value::Absent), Ty::Any);
                }
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

    /// Reports the body of the quantifier at `quantifier` (`where` or `of`
    /// its keyword) as a comparison `l cmp r` that takes in what was meant
    /// for the count or the sum: `count i in xs where i.gift > 3`.
    pub(super) fn took_in(
        &mut self,
        quantifier: Span,
        l: &ast::Expr,
        cmp: BinOp,
        r: &ast::Expr,
        keyword: &str,
        so: &str,
    ) {
        let head = Span::new(
            quantifier.file,
            quantifier.start as usize,
            l.span.end as usize,
        );
        let taken = format!("{} {}", cmp.symbol(), self.src(r.span));
        let whole = l.span.to(r.span);
        let what = if keyword == "of" {
            "value"
        } else {
            "condition"
        };
        let d = self
            .diag(
                codes::CHECK_TYPE_MISMATCH,
                format!("the `{keyword}` {what} takes in `{taken}`, so {so}"),
                whole,
                format!("read as the `{keyword}` {what}"),
            )
            .help(format!(
                "to compare the result, put the quantifier in brackets: `({}) {taken}`",
                self.src(head)
            ));
        self.error(d);
        self.took_in = true;
    }
}
