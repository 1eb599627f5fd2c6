//! Quantifiers over lists: `any`, `all`, `count` and `sum`, and the
//! variable each one binds.

use super::{Checker, Env};
use crate::diag::codes;
use crate::ir::ExprKind as K;
use crate::syntax::ast::{self, Quant};
use crate::types::Ty;

impl<'a> Checker<'a> {
    pub(super) fn quant(
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
