//! Calls of built-in functions: the name, the number and types of the
//! arguments, and folding calls on constants at check time.

use super::{Checker, Env};
use crate::builtins::{self, Builtin};
use crate::diag::codes;
use crate::ir::{self, ExprKind as K};
use crate::source::Span;
use crate::suggest::nearest;
use crate::syntax::ast;
use crate::types::Ty;
use crate::value::Value;

impl<'a> Checker<'a> {
    pub(super) fn call(
        &mut self,
        name: &ast::Ident,
        args: &[ast::Expr],
        span: Span,
        env: &Env,
    ) -> (K, Ty) {
        let Some(b) = Builtin::by_name(&name.node) else {
            self.unknown_function(name, args, env);
            return (K::Const(Value::Absent), Ty::Any);
        };
        if !self.arity(b, name, args.len(), span) {
            // The arguments are not checked.
            self.echoes.unchecked = true;
            return (K::Const(Value::Absent), Ty::Any);
        }
        let mut xs = Vec::new();
        let mut tys = Vec::new();
        for a in args {
            let (x, t) = self.expr(a, env);
            let t = self.need(&t, a);
            xs.push(x);
            tys.push(t);
        }
        let ty = match b.result_type(&tys) {
            Ok(t) => t,
            Err((i, what)) => {
                let (at, t) = (
                    args.get(i).map_or(span, |a| a.span),
                    tys.get(i).cloned().unwrap_or(Ty::Any),
                );
                // A date written as a text, a number in quotes: the fix.
                let wanted = if what.contains("datetime") {
                    Some(Ty::DateTime)
                } else if what.contains("date") {
                    Some(Ty::Date)
                } else if what.contains("number") {
                    Some(Ty::Decimal)
                } else {
                    None
                };
                let hint = match (wanted, args.get(i)) {
                    (Some(w), Some(arg)) => self.literal_hint(arg, &w),
                    _ => None,
                };
                let help = match hint {
                    Some(h) => format!("{h} (usage: {})", b.signature()),
                    None => format!("usage: {}", b.signature()),
                };
                let d = self
                    .diag(
                        codes::CHECK_TYPE_MISMATCH,
                        format!("`{}` needs {what} here, but this is {t:#}", name.node),
                        at,
                        format!("{t}"),
                    )
                    .help(help);
                self.error(d);
                return (K::Const(Value::Absent), Ty::Any);
            }
        };
        if !self.argument_in_range(b, &xs) {
            return (K::Call(b, xs), ty);
        }
        self.fold(b, xs, ty, span)
    }

    /// Reports a call of a function that does not exist (its arguments are
    /// still checked).
    fn unknown_function(&mut self, name: &ast::Ident, args: &[ast::Expr], env: &Env) {
        let names = || builtins::ALL.iter().map(|(n, _, _)| *n);
        let quoted =
            |list: &[&str]| -> Vec<String> { list.iter().map(|n| format!("`{n}`")).collect() };
        let help = match nearest(&name.node, names(), 3).as_slice() {
            [] => format!(
                "the functions are {}",
                quoted(&names().collect::<Vec<_>>()).join(", ")
            ),
            [one] => format!("did you mean `{one}`?"),
            several => format!("did you mean one of {}?", quoted(several).join(", ")),
        };
        let d = self
            .diag(
                codes::CHECK_UNKNOWN_FUNCTION,
                format!("unknown function `{}`", name.node),
                name.span,
                "no such function",
            )
            .help(help);
        self.error(d);
        for a in args {
            self.expr(a, env);
        }
    }

    /// Whether `b` takes `count` arguments; reports it when it does not.
    fn arity(&mut self, b: Builtin, name: &ast::Ident, count: usize, span: Span) -> bool {
        let (min, max) = b.arity();
        if count >= min && count <= max {
            return true;
        }
        let want = if min == max {
            format!("{min}")
        } else if max == usize::MAX {
            format!("at least {min}")
        } else {
            format!("{min} or {max}")
        };
        let d = self
            .diag(
                codes::CHECK_ARITY,
                format!(
                    "`{}` takes {want} argument{}, but {count} {} given",
                    name.node,
                    if want == "1" { "" } else { "s" },
                    if count == 1 { "was" } else { "were" },
                ),
                span,
                "wrong number of arguments",
            )
            .help(format!("usage: {}", b.signature()));
        self.error(d);
        false
    }

    /// Whether a fixed whole-number argument is in the range the function
    /// accepts (true when `b` has no such argument, or it is computed);
    /// reports it when it is not.
    fn argument_in_range(&mut self, b: Builtin, xs: &[ir::Expr]) -> bool {
        let Some(range) = b.arg_range() else {
            return true;
        };
        let Some(arg) = xs.get(range.index) else {
            return true;
        };
        let Some(n) = fixed_int(arg) else {
            return true;
        };
        if (range.min..=range.max).contains(&n) {
            return true;
        }
        let d = self
            .diag(
                codes::CHECK_ARGUMENT_RANGE,
                format!(
                    "`{}` {} {} to {} {}, not {n}",
                    b.name(),
                    range.does,
                    range.min,
                    range.max,
                    range.counts
                ),
                arg.span,
                "out of range",
            )
            .help(range.help);
        self.error(d);
        false
    }

    /// Folds a call on constants (`date("2026-01-01")`), so that a bad
    /// literal is a check error, not a runtime one; any other call is left
    /// as it is.
    fn fold(&mut self, b: Builtin, xs: Vec<ir::Expr>, ty: Ty, span: Span) -> (K, Ty) {
        let consts: Option<Vec<Value>> = xs
            .iter()
            .map(|x| {
                if let K::Const(v) = &x.kind {
                    Some(v.clone())
                } else {
                    None
                }
            })
            .collect();
        let Some(values) = consts.filter(|v| !v.contains(&Value::Absent)) else {
            return (K::Call(b, xs), ty);
        };
        match builtins::call(b, &values) {
            Ok(v) => (K::Const(v), ty),
            Err(f) => {
                // `date("2026-02-30")`: the form is right, the day is not.
                let no_such_day = b == Builtin::Date
                    && matches!(values.first(), Some(Value::Str(s)) if crate::literal::no_such_day(s).is_some());
                let help = if no_such_day {
                    "the form is right: write a day that exists".to_string()
                } else {
                    format!("usage: {}", b.signature())
                };
                let d = self
                    .diag(
                        codes::PARSE_BAD_LITERAL,
                        f.message,
                        span,
                        "cannot be computed",
                    )
                    .help(help);
                self.error(d);
                (K::Const(Value::Absent), Ty::Any)
            }
        }
    }
}

/// The whole number a compiled argument is fixed to (`2`, `-3`), if it is.
fn fixed_int(x: &ir::Expr) -> Option<i64> {
    match &x.kind {
        K::Const(Value::Int(n)) => Some(*n),
        K::Neg(inner) => match &inner.kind {
            K::Const(Value::Int(n)) => n.checked_neg(),
            _ => None,
        },
        _ => None,
    }
}
