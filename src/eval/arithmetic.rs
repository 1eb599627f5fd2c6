//! Arithmetic on numbers: `+`, `-`, `*`, `/` on ints and decimals, with
//! overflow and inexact results refused.

use super::*;

impl<'p> Evaluator<'p> {
    #[inline]
    pub(super) fn arith(
        &mut self,
        e: &'p Expr,
        op: Arith,
        a: &Expr,
        b: &Expr,
        x: &Value,
        y: &Value,
    ) -> R {
        let sym = match op {
            Arith::Add => "+",
            Arith::Sub => "-",
            Arith::Mul => "*",
            Arith::Div => "/",
        };
        let labels = || {
            vec![
                (a.span, format!("this is {x}")),
                (b.span, format!("this is {y}")),
            ]
        };
        if let (Value::Int(i), Value::Int(j), false) = (x, y, op == Arith::Div) {
            let r = match op {
                Arith::Add => i.checked_add(*j),
                Arith::Sub => i.checked_sub(*j),
                _ => i.checked_mul(*j),
            };
            return match r {
                Some(v) => Ok(Value::Int(v)),
                None => Err(self.fault(
                    e,
                    codes::EVAL_OVERFLOW,
                    format!("{i} {sym} {j} is too large for a whole number"),
                    labels(),
                )),
            };
        }
        let (Some(p), Some(q)) = (x.as_decimal(), y.as_decimal()) else {
            return Ok(Value::Absent);
        };
        if op == Arith::Div && q.is_zero() {
            let what = self.describe(b);
            return Err(self.fault(
                e,
                codes::EVAL_DIVISION_BY_ZERO,
                format!("division by zero: `{what}` is 0"),
                labels(),
            ));
        }
        let r: Option<Decimal> = match op {
            Arith::Add => p.checked_add(q),
            Arith::Sub => p.checked_sub(q),
            Arith::Mul => p.checked_mul(q),
            Arith::Div => p.checked_div(q),
        };
        match r {
            Some(v) if inexact(op, p, q, v) => Err(self.fault(
                e,
                codes::EVAL_OVERFLOW,
                format!("{p} {sym} {q} needs more than 28 significant digits to be held exactly"),
                labels(),
            )),
            Some(v) => Ok(Value::Decimal(normalize(keep_places(op, p, q, v)))),
            None => Err(self.fault(
                e,
                codes::EVAL_OVERFLOW,
                format!("{p} {sym} {q} is out of the decimal range"),
                labels(),
            )),
        }
    }
}

/// `r`, the result of `p op q`, with the decimal places the language
/// promises: the larger of the operands' for `+` and `-`, their sum (at
/// most 28) for `*`. The decimal library drops them when an operand is
/// zero (`0.00 + 0` would be `0`, `1.5 - 0.00` would be `1.5`); the value
/// is the same, written with its places again. (A quotient's places are
/// not fixed.)
#[inline]
/// Whether the decimal library rounded `p op q` to give `r` (`+`, `-` and
/// `*` only: a quotient is rounded by definition). It rounds only when the
/// exact result needs more than 96 bits or 28 places, and then gives fewer
/// places than the operands call for: so a result with at least those
/// places is exact. With fewer, the result is exact only if the digits
/// dropped were trailing zeros of the operands (measured on the operands
/// without them); anything else was rounded, and is refused rather than
/// silently changed.
fn inexact(op: Arith, p: Decimal, q: Decimal, r: Decimal) -> bool {
    let wanted = |p: Decimal, q: Decimal| match op {
        Arith::Add | Arith::Sub => p.scale().max(q.scale()),
        Arith::Mul => p.scale() + q.scale(),
        Arith::Div => 0,
    };
    if r.scale() >= wanted(p, q) || p.is_zero() || q.is_zero() {
        return false;
    }
    r.scale() < wanted(p.normalize(), q.normalize())
}

fn keep_places(op: Arith, p: Decimal, q: Decimal, mut r: Decimal) -> Decimal {
    let places = match op {
        Arith::Add | Arith::Sub => p.scale().max(q.scale()),
        Arith::Mul => (p.scale() + q.scale()).min(Decimal::MAX_SCALE),
        Arith::Div => return r,
    };
    if r.scale() < places {
        r.rescale(places);
    }
    r
}
