//! Number literals: reading their text into values, and the diagnostics
//! for text that is no valid number. The two readers, [`read_int`] and
//! [`read_decimal`], are the only places the checker turns literal text
//! into a number; decimals go through [`crate::literal`], the reader of
//! facts too. Also [`Checker::literal_hint`]: a literal written in the
//! form of another type (`"12.50"`, `2026-01-01`) and how to write it.

use rust_decimal::Decimal;

use super::Checker;
use crate::diag::codes;
use crate::ir::ExprKind as K;
use crate::source::Span;
use crate::syntax::ast::{self, BinOp, ExprKind};
use crate::types::Ty;
use crate::value::Value;

/// The text of a string literal without values in it (`"12.50"`).
pub(super) fn plain_text(e: &ast::Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Str(t) => match t.parts.as_slice() {
            [ast::TemplatePart::Text(s)] => Some(s),
            [] => Some(""),
            _ => None,
        },
        _ => None,
    }
}

/// The whole number a literal's text spells, if it fits an `int`.
fn read_int(text: &str) -> Option<i64> {
    text.parse::<i64>().ok()
}

/// The decimal a literal's text spells, read by the one reader of decimal
/// text ([`crate::literal::decimal`], as facts are), except that a policy
/// literal may not start with a needless zero (`007.5`).
fn read_decimal(text: &str) -> Option<Decimal> {
    let needless_zero = text.starts_with('0') && !text.starts_with("0.");
    crate::literal::decimal(text)
        .ok()
        .filter(|_| !needless_zero)
}

impl<'a> Checker<'a> {
    /// How to write `e` as a value of type `want`, when it is a literal
    /// written in another form: a quoted number, bool, date or variant, or
    /// a date written bare (`2026-01-01`, read as two subtractions).
    pub(super) fn literal_hint(&self, e: &ast::Expr, want: &Ty) -> Option<String> {
        if let Some(text) = plain_text(e) {
            let quoted = format!("\"{text}\"");
            return match want.required() {
                Ty::Date if crate::literal::date(text).is_some() => {
                    Some(format!("a date is not a text: write `date({quoted})`"))
                }
                Ty::DateTime if crate::literal::datetime(text).is_ok() => Some(format!(
                    "a datetime is not a text: write `datetime({quoted})`"
                )),
                Ty::Int if read_int(text).is_some() => Some(format!(
                    "a number is not a text: remove the quotes, `{text}`"
                )),
                Ty::Int if weekday_number(text).is_some() => Some(format!(
                    "days of the week are numbers (`weekday` gives 1 for Monday to 7 for Sunday): write `{}` for {text}",
                    weekday_number(text).unwrap_or(1)
                )),
                Ty::Decimal if read_decimal(text).is_some() || read_int(text).is_some() => Some(
                    format!("a number is not a text: remove the quotes, `{text}`"),
                ),
                Ty::Bool if matches!(text, "true" | "false") => {
                    Some(format!("`{text}` is not a text: remove the quotes"))
                }
                Ty::Enum(en) if en.variants.iter().any(|v| **v == *text) => {
                    Some(format!("variants are written without quotes: `{text}`"))
                }
                _ => None,
            };
        }
        // `2026-01-01`: `2026 - 01 - 01`, a whole number.
        if let ExprKind::Binary(BinOp::Sub, a, _) = &e.kind {
            let dashed = matches!(&a.kind, ExprKind::Binary(BinOp::Sub, x, _) if matches!(x.kind, ExprKind::Int(_)));
            let text = self.src(e.span);
            if dashed && matches!(want.required(), Ty::Date) && crate::literal::date(text).is_some()
            {
                return Some(format!(
                    "`{text}` is read as two subtractions; a date is written `date(\"{text}\")`"
                ));
            }
        }
        None
    }

    /// A whole-number literal, or an error when it is too large.
    pub(super) fn int_literal(&mut self, text: &str, span: Span) -> (K, Ty) {
        if let Some(i) = read_int(text) {
            return (K::Const(Value::Int(i)), Ty::Int);
        }
        let d = self
            .diag(codes::PARSE_BAD_LITERAL, format!("`{text}` is too large for a whole number"), span, "too large")
            .help("whole numbers go up to 9223372036854775807; write a decimal such as `1.0` for larger values");
        self.error(d);
        (K::Const(Value::Absent), Ty::Any)
    }

    /// A decimal literal, or an error when it has a leading zero or more
    /// digits than a decimal holds.
    pub(super) fn decimal_literal(&mut self, text: &str, span: Span) -> (K, Ty) {
        if let Some(d) = read_decimal(text) {
            return (K::Const(Value::Decimal(d)), Ty::Decimal);
        }
        let leading_zero = text.len() > 1 && text.starts_with('0') && !text.starts_with("0.");
        let d = if leading_zero {
            let fixed = text.trim_start_matches('0');
            let fixed = if fixed.starts_with('.') {
                format!("0{fixed}")
            } else {
                fixed.to_string()
            };
            self.diag(
                codes::PARSE_BAD_LITERAL,
                format!("`{text}` has a leading zero"),
                span,
                "leading zero",
            )
            .help(format!("write `{fixed}`"))
        } else {
            self.diag(
                codes::PARSE_BAD_LITERAL,
                format!("`{text}` cannot be held exactly as a decimal"),
                span,
                "too many digits",
            )
            .help("decimals hold up to 28 significant digits; shorten the number")
        };
        self.error(d);
        (K::Const(Value::Absent), Ty::Any)
    }
}

/// The number `weekday` gives for a day's name (`Saturday`, `sat`), if
/// `text` is one.
fn weekday_number(text: &str) -> Option<u32> {
    let lower = text.to_ascii_lowercase();
    let days = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let i = days
        .iter()
        .position(|d| *d == lower || (lower.len() == 3 && d.starts_with(&lower)))?;
    u32::try_from(i + 1).ok()
}
