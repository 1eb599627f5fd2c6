//! Binary operators: `and`/`or`, `otherwise`, arithmetic, comparison and
//! `in`.

use super::expressions::stands_for_none;
use super::{ir, Checker, Env};
use crate::diag::codes;
use crate::ir::{Arith, Cmp, ExprKind as K};
use crate::source::Span;
use crate::syntax::ast::{self, BinOp, ExprKind};
use crate::types::Ty;
use crate::value::Value;

impl<'a> Checker<'a> {
    pub(super) fn binary(&mut self, op: BinOp, a: &ast::Expr, b: &ast::Expr, env: &Env) -> (K, Ty) {
        match op {
            BinOp::And | BinOp::Or => self.logic(op, a, b, env),
            BinOp::Otherwise => self.otherwise(a, b, env),
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => self.arith(op, a, b, env),
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                self.compare(op, a, b, env)
            }
            BinOp::In => self.membership(a, b, env),
        }
    }

    /// `and`, `or`: conditions on both sides; the right one sees what the
    /// left one proves present (when it is needed).
    fn logic(&mut self, op: BinOp, a: &ast::Expr, b: &ast::Expr, env: &Env) -> (K, Ty) {
        let (ax, at) = self.expr(a, env);
        let at = self.joined_condition(op, &at, a);
        let env2 = env.with_present(self.presence(a, op == BinOp::And));
        let (bx, bt) = self.expr(b, &env2);
        let bt = self.joined_condition(op, &bt, b);
        for (t, side) in [(&at, a), (&bt, b)] {
            if !matches!(t, Ty::Bool | Ty::Any) {
                self.mismatch(
                    format!("`{}` joins conditions, but this is {t:#}", op.symbol()),
                    side.span,
                    format!("{t}"),
                    "compare the value to get true or false, for example `x > 0`",
                );
            }
        }
        let kind = if op == BinOp::And {
            K::And(Box::new(ax), Box::new(bx))
        } else {
            K::Or(Box::new(ax), Box::new(bx))
        };
        (kind, Ty::Bool)
    }

    /// One side of `and`, `or`, as a present value; an optional value that
    /// is not a bool, whose presence test was meant, is reported here (once)
    /// and stands for true or false.
    fn joined_condition(&mut self, op: BinOp, ty: &Ty, side: &ast::Expr) -> Ty {
        match self.presence_meant(ty, side, false) {
            Some(help) => {
                self.mismatch(
                    format!("`{}` joins conditions, but this is {ty:#}", op.symbol()),
                    side.span,
                    format!("{ty}"),
                    &help,
                );
                Ty::Bool
            }
            None => self.need(ty, side),
        }
    }

    /// The help for an `otherwise` that has no effect: when its left side
    /// is an operation (`a - x otherwise 0`), the default was most likely
    /// meant for the last operand, which needs brackets.
    fn otherwise_help(&self, a: &ast::Expr, b: &ast::Expr) -> String {
        if let ExprKind::Binary(_, l, r) = &a.kind {
            let between = Span::new(l.span.file, l.span.end as usize, r.span.start as usize);
            let op = self.src(between).trim();
            let (l, r, b) = (self.src(l.span), self.src(r.span), self.src(b.span));
            return format!(
                "`otherwise` applies to all of `{}`: to give `{r}` a default, write `{l} {op} ({r} otherwise {b})`",
                self.src(a.span)
            );
        }
        "remove `otherwise …`, or apply it to an optional value".into()
    }

    /// `a otherwise b`: a default for an optional value.
    fn otherwise(&mut self, a: &ast::Expr, b: &ast::Expr, env: &Env) -> (K, Ty) {
        let (ax, at) = self.expr(a, env);
        let (bx, bt) = self.expr_expecting(b, at.required(), env);
        if !at.is_optional() {
            let src = self.src(a.span).to_string();
            let d = self
                .diag(
                    codes::CHECK_TYPE_MISMATCH,
                    format!("`{src}` is never absent, so `otherwise` has no effect"),
                    a.span,
                    format!("{at}"),
                )
                .help(self.otherwise_help(a, b));
            self.error(d);
        }
        let ty = match at.required().unify(&bt) {
            Some(t) => t,
            None => {
                let d = self
                    .diag(
                        codes::CHECK_TYPE_MISMATCH,
                        format!(
                            "the default must have the value's type: {} and {bt}",
                            at.required()
                        ),
                        b.span,
                        format!("{bt}"),
                    )
                    .label(self.report.sources, a.span, format!("{at}"))
                    .help(format!(
                        "give a default such as {}",
                        at.required().policy_example()
                    ));
                self.error(d);
                Ty::Any
            }
        };
        (K::Otherwise(Box::new(ax), Box::new(bx)), ty)
    }

    /// `+`, `-`, `*`, `/` on numbers.
    fn arith(&mut self, op: BinOp, a: &ast::Expr, b: &ast::Expr, env: &Env) -> (K, Ty) {
        if op == BinOp::Add {
            return self.add(a, b, env);
        }
        let (ax, at) = self.expr(a, env);
        let at = self.need(&at, a);
        let (bx, bt) = self.expr(b, env);
        let bt = self.need(&bt, b);
        let ty = self.arith_type(op, (&at, a.span), (&bt, b.span));
        let arith = match op {
            BinOp::Sub => Arith::Sub,
            BinOp::Mul => Arith::Mul,
            _ => Arith::Div,
        };
        (K::Arith(arith, Box::new(ax), Box::new(bx)), ty)
    }

    /// The type of `a op b` for operands of types `at` and `bt` (each with
    /// where it is written); reports operands that are not numbers. An
    /// operand that already has an error (`any`) fits.
    fn arith_type(&mut self, op: BinOp, (at, a): (&Ty, Span), (bt, b): (&Ty, Span)) -> Ty {
        if at.is_number() && bt.is_number() {
            return match (at, bt, op) {
                (_, _, BinOp::Div) => Ty::Decimal,
                (Ty::Int, Ty::Int, _) => Ty::Int,
                (Ty::Any, Ty::Any, _) => Ty::Any,
                _ => Ty::Decimal,
            };
        }
        if matches!(at, Ty::Any) || matches!(bt, Ty::Any) {
            return Ty::Any;
        }
        let help = if matches!(at, Ty::Date) || matches!(bt, Ty::Date) {
            "dates are moved with `add_days(date, n)` or `add_business_days(date, n, holidays)`, and compared with `days_between(a, b)`"
        } else {
            "arithmetic works on `int` and `decimal` values"
        };
        let d = self
            .diag(
                codes::CHECK_TYPE_MISMATCH,
                format!("`{}` cannot combine {at:#} and {bt:#}", op.symbol()),
                a,
                format!("{at}"),
            )
            .label(self.report.sources, b, format!("{bt}"))
            .help(help);
        self.error(d);
        Ty::Any
    }

    /// `a + b + …`, checked as one chain: numbers added, or, when one of
    /// them is a text, one error for the whole chain, whose help is the one
    /// text that joins them all.
    fn add(&mut self, a: &ast::Expr, b: &ast::Expr, env: &Env) -> (K, Ty) {
        // The parser nests `x0 + x1 + x2` as `(x0 + x1) + x2`: the operands
        // left to right, and the spans of the inner sums.
        let mut operands = vec![b];
        let mut sums = Vec::new();
        let mut left = a;
        while let ExprKind::Binary(BinOp::Add, l, r) = &left.kind {
            sums.push(left.span);
            operands.push(r);
            left = l;
        }
        operands.push(left);
        operands.reverse();
        sums.reverse();
        let n = operands.len();
        // Each operand is checked as deep as the nested sums put it, and the
        // sums are made in the order a walk of the nested sums makes them.
        let base = self.nesting.expr;
        let mut tys = Vec::with_capacity(n);
        let mut sum = None;
        let mut kind = K::Const(Value::Absent);
        for (i, operand) in operands.iter().enumerate() {
            self.nesting.expr = base + (n - 1 - i.max(1));
            let (x, t) = self.expr(operand, env);
            tys.push(self.need(&t, operand));
            sum = match sum {
                None => Some(x),
                Some(acc) => {
                    kind = K::Arith(Arith::Add, Box::new(acc), Box::new(x));
                    match sums.get(i - 1) {
                        Some(&span) if i + 1 < n => {
                            let k = std::mem::replace(&mut kind, K::Const(Value::Absent));
                            Some(self.exprs.ir(k, span))
                        }
                        _ => None,
                    }
                }
            };
        }
        self.nesting.expr = base;
        let any = tys.iter().any(|t| matches!(t, Ty::Any));
        if tys.iter().any(|t| matches!(t, Ty::Str)) && !any {
            self.joined_texts(&operands, &tys);
            return (kind, Ty::Any);
        }
        let mut ty = tys.first().cloned().unwrap_or(Ty::Any);
        for (i, (t, operand)) in tys.iter().zip(&operands).enumerate().skip(1) {
            let left = match i {
                1 => operands.first().map_or(operand.span, |o| o.span),
                _ => sums.get(i - 2).copied().unwrap_or(operand.span),
            };
            ty = self.arith_type(BinOp::Add, (&ty, left), (t, operand.span));
        }
        (kind, ty)
    }

    /// Reports `+` between texts (`basket.id + "-x"`), with the one text
    /// that joins the operands: `"{basket.id}-x"`.
    fn joined_texts(&mut self, operands: &[&ast::Expr], tys: &[Ty]) {
        let mut joined = String::new();
        for o in operands {
            match &o.kind {
                ExprKind::Str(_) => {
                    let written = self.src(o.span);
                    let inner = written.get(1..written.len().saturating_sub(1));
                    joined.push_str(inner.unwrap_or(""));
                }
                _ => {
                    joined.push('{');
                    joined.push_str(self.src(o.span));
                    joined.push('}');
                }
            }
        }
        let help = if joined.contains('`') || joined.chars().count() > 80 {
            "put the values inside one text, each between braces: `\"Basket {basket.id} is late\"`"
                .to_string()
        } else {
            format!("put the values inside one text: `\"{joined}\"`")
        };
        let Some((first, rest)) = operands.split_first() else {
            return;
        };
        let first_ty = tys.first().cloned().unwrap_or(Ty::Any);
        let d = self.diag(
            codes::CHECK_TYPE_MISMATCH,
            "`+` adds numbers; it does not join texts",
            first.span,
            format!("{first_ty}"),
        );
        let d = rest
            .iter()
            .zip(tys.iter().skip(1))
            .fold(d, |d, (o, t)| {
                d.label(self.report.sources, o.span, format!("{t}"))
            })
            .help(help);
        self.error(d);
    }

    /// `==`, `!=`, `<`, `<=`, `>`, `>=`.
    fn compare(&mut self, op: BinOp, a: &ast::Expr, b: &ast::Expr, env: &Env) -> (K, Ty) {
        // `x != none`: a presence test written as a comparison.
        if matches!(op, BinOp::Eq | BinOp::Ne) {
            // `none`, or `null` and its kin from other languages when no
            // declaration has that name.
            let none = |e: &ast::Expr| match &e.kind {
                ExprKind::None => Some("none".to_string()),
                ExprKind::Name(n) if stands_for_none(n) && !self.resolves(n, env) => {
                    Some(n.to_string())
                }
                _ => None,
            };
            let value = match (none(a), none(b)) {
                (_, Some(word)) => Some((a, word)),
                (Some(word), _) => Some((b, word)),
                _ => None,
            };
            if let Some((value, word)) = value {
                let (x, _) = self.expr(value, env);
                let present = op == BinOp::Ne;
                let written = format!("{} {word}", op.symbol());
                self.presence_slip(value, a.span.to(b.span), present, &written);
                return (K::IsPresent(Box::new(x), present), Ty::Bool);
            }
        }
        let (ax, at, bx, bt) = match self.variant_on_the_left(op, a, b, env) {
            Some(checked) => checked,
            None => {
                let (ax, at) = self.expr(a, env);
                let at = self.need(&at, a);
                let (bx, bt) = self.expr_expecting(b, &at, env);
                let bt = self.need(&bt, b);
                (ax, at, bx, bt)
            }
        };
        let ordered =
            |t: &Ty| t.is_number() || matches!(t, Ty::Date | Ty::DateTime | Ty::Str | Ty::Any);
        let ok = match at.unify(&bt) {
            Some(u) => matches!(op, BinOp::Eq | BinOp::Ne) || ordered(&u),
            None => false,
        };
        if !ok {
            self.compare_mismatch(op, a, b, &at, &bt);
        }
        let cmp = match op {
            BinOp::Eq => Cmp::Eq,
            BinOp::Ne => Cmp::Ne,
            BinOp::Lt => Cmp::Lt,
            BinOp::Le => Cmp::Le,
            BinOp::Gt => Cmp::Gt,
            _ => Cmp::Ge,
        };
        (K::Cmp(cmp, Box::new(ax), Box::new(bx)), Ty::Bool)
    }

    /// `wholesale == basket.kind`: a variant of the right side's
    /// enum written on the left, where it reads as an unknown name.
    /// Reported, then checked as meant; `None` for any other comparison.
    fn variant_on_the_left(
        &mut self,
        op: BinOp,
        a: &ast::Expr,
        b: &ast::Expr,
        env: &Env,
    ) -> Option<(ir::Expr, Ty, ir::Expr, Ty)> {
        let ExprKind::Name(n) = &a.kind else {
            return None;
        };
        let unknown = !self.resolves(n, env)
            && !self.names.unparsed.contains(n)
            && !self.names.outputs.contains_key(n);
        if !unknown {
            return None;
        }
        let (bx, bt) = self.expr(b, env);
        let variant = match bt.required() {
            Ty::Enum(en) => en.variants.iter().find(|v| ***v == **n).cloned(),
            _ => None,
        };
        let Some(variant) = variant else {
            let (ax, at) = self.expr(a, env);
            let at = self.need(&at, a);
            let bt = self.need(&bt, b);
            return Some((ax, at, bx, bt));
        };
        let value = self.src(b.span).to_string();
        let test = match op {
            BinOp::Eq => format!(" (or `{value} is {n}`)"),
            BinOp::Ne => format!(" (or `{value} is not {n}`)"),
            _ => String::new(),
        };
        let d = self
            .diag(
                codes::CHECK_UNKNOWN_NAME,
                format!("`{n}` is a variant of `{value}`, not a name"),
                a.span,
                "a variant on the left",
            )
            .help(format!(
                "put the value on the left and the variant on the right: `{value} {} {n}`{test}",
                op.symbol()
            ));
        self.error(d);
        let at = bt.required().clone();
        let ax = self.exprs.ir(K::Const(Value::Enum(variant)), a.span);
        Some((ax, at.clone(), bx, at))
    }

    /// Reports two values `op` cannot compare, with the likely fix.
    fn compare_mismatch(&mut self, op: BinOp, a: &ast::Expr, b: &ast::Expr, at: &Ty, bt: &Ty) {
        // `count i in xs where i.gift > 3`: the count was to be compared.
        if let Some((body, quantifier)) = self.count_body {
            if body == a.span.to(b.span) && matches!(at, Ty::Bool) && bt.is_number() {
                let so = format!("it compares {at:#} with {bt:#}");
                self.took_in(quantifier, a, op, b, "where", &so);
                return;
            }
        }
        let chained = matches!(
            &a.kind,
            ExprKind::Binary(
                BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge,
                _,
                _
            )
        );
        let same_enum = matches!((at, bt), (Ty::Enum(_), Ty::Enum(_))) && at.unify(bt).is_some();
        let hint = self
            .literal_hint(b, at)
            .or_else(|| self.literal_hint(a, bt));
        let help = match (at, bt, hint) {
            (_, _, Some(hint)) => hint,
            _ if chained => {
                let middle = match &a.kind {
                    ExprKind::Binary(_, _, m) => self.src(m.span).to_string(),
                    _ => String::from("x"),
                };
                format!(
                    "comparisons do not chain: write `{} and {middle} {} {}`",
                    self.src(a.span),
                    op.symbol(),
                    self.src(b.span)
                )
            }
            _ if same_enum => format!(
                "enum values have no order; test them with `{} is …` or `{} in [a, b]`",
                self.src(a.span),
                self.src(a.span)
            ),
            (Ty::Enum(en), _, _) => format!(
                "compare it with one of its variants: {}",
                en.variants
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ if matches!(op, BinOp::Eq | BinOp::Ne) => {
                "compare values of the same type".to_string()
            }
            _ => "`<`, `<=`, `>`, `>=` compare numbers, dates or strings of the same kind"
                .to_string(),
        };
        let message = if same_enum {
            format!("`{}` cannot order enum values", op.symbol())
        } else {
            format!("`{}` cannot compare {at:#} with {bt:#}", op.symbol())
        };
        let d = self
            .diag(codes::CHECK_TYPE_MISMATCH, message, a.span, format!("{at}"))
            .label(self.report.sources, b.span, format!("{bt}"))
            .help(help);
        self.error(d);
    }

    /// `a in list`.
    fn membership(&mut self, a: &ast::Expr, b: &ast::Expr, env: &Env) -> (K, Ty) {
        let (ax, at) = self.expr(a, env);
        let at = self.need(&at, a);
        let (bx, bt) = self.expr_expecting(b, &at, env);
        let bt = self.need(&bt, b);
        match &bt {
            Ty::List(elem) if elem.unify(&at).is_some() => {}
            Ty::Any => {}
            _ => {
                let d = self
                    .diag(
                        codes::CHECK_TYPE_MISMATCH,
                        match &bt {
                            Ty::List(elem) => format!(
                                "`{}` is {at:#}, but the list holds values of type {elem}",
                                self.src(a.span)
                            ),
                            _ => format!("`in` looks for a value in a list, but this is {bt:#}"),
                        },
                        b.span,
                        format!("{bt}"),
                    )
                    .label(self.report.sources, a.span, format!("{at}"))
                    .help(match &bt {
                        Ty::List(_) => format!(
                            "compare with a list of the same type, for example `{} in [{}]`",
                            self.src(a.span),
                            at.policy_example()
                        ),
                        _ => "write the list in brackets, for example `x in [\"a\", \"b\"]`"
                            .to_string(),
                    });
                self.error(d);
            }
        }
        (K::In(Box::new(ax), Box::new(bx)), Ty::Bool)
    }
}
