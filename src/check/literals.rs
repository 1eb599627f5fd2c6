//! Number literals: reading their text into values, and the diagnostics
//! for text that is no valid number. The two readers, [`read_int`] and
//! [`read_decimal`], are the only places the checker turns literal text
//! into a number; decimals go through [`crate::literal`], the reader of
//! facts too.

use rust_decimal::Decimal;

use super::Checker;
use crate::diag::codes;
use crate::ir::ExprKind as K;
use crate::source::Span;
use crate::types::Ty;
use crate::value::Value;

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
