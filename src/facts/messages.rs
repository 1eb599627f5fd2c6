//! What the messages of the serde reader say about a type: what a value of
//! it looks like, the label under a wrong one, how to write one, and the
//! limits' details.

use std::sync::Arc;

use super::locate::{as_written, Detail, Found, Target};
use super::reading::Expect;
use crate::diag::codes;
use crate::literal::NumberSlip;
use crate::types::{RecordTy, Ty};

pub(super) fn too_deep(max: usize) -> Detail {
    Detail {
        code: codes::LIMIT_FACTS_DEPTH,
        message: format!("the document nests lists and mappings more than {max} levels deep"),
        found: None,
        label: "nested too deeply".into(),
        help: "flatten the facts, or raise the limit (`--max-facts-depth`) for facts you trust"
            .into(),
        target: Target::Node,
        hint: None,
        path: None,
    }
}

pub(super) fn too_many_values() -> Detail {
    Detail {
        code: codes::FACTS_SYNTAX,
        message: "the document expands to too many values".into(),
        found: None,
        label: "here".into(),
        help: "YAML aliases (`*name`) repeat the node they name; write the values out instead of repeating large nodes".into(),
        target: Target::Node,
        hint: None,
        path: None,
    }
}

/// Names the fields of a record, for help lines.
pub(super) fn field_list(r: &RecordTy) -> String {
    let names: Vec<String> = r.fields.iter().map(|f| format!("`{}`", f.name)).collect();
    names.join(", ")
}

/// The variants of an enum, for messages.
pub(super) fn variant_list(variants: &[Arc<str>]) -> String {
    let names: Vec<&str> = variants.iter().map(|v| &**v).collect();
    names.join(", ")
}

impl Expect<'_> {
    /// What a value of the type looks like, for "expected …".
    pub(super) fn expected(&self) -> String {
        match self.ty.required() {
            Ty::Bool => "true or false".into(),
            Ty::Int => "a whole number such as 3".into(),
            Ty::Decimal => "a decimal such as \"12.50\"".into(),
            Ty::Str => "a string such as \"text\"".into(),
            Ty::Date => "a date such as 2026-03-02".into(),
            Ty::DateTime => "a date and time such as 2026-03-02T10:00:00Z".into(),
            Ty::Enum(e) => format!("one of {}", variant_list(&e.variants)),
            Ty::List(t) => format!("a list such as [{}]", t.example()),
            Ty::Record(r) if self.path.is_root() => {
                let names: Vec<&str> = r.fields.iter().map(|f| &*f.name).collect();
                format!("a mapping of facts ({})", names.join(", "))
            }
            Ty::Record(r) => {
                let mut names: Vec<&str> = r.fields.iter().take(4).map(|f| &*f.name).collect();
                if r.fields.len() > 4 {
                    names.push("…");
                }
                if names.is_empty() {
                    "an empty mapping".into()
                } else {
                    format!("a mapping with the fields {}", names.join(", "))
                }
            }
            Ty::Optional(_) | Ty::Any => "a value".into(),
        }
    }

    /// The label under a value of the wrong type.
    pub(super) fn label(&self) -> String {
        let what = match self.ty.required() {
            Ty::Bool => "true or false".to_string(),
            Ty::Int => "a whole number".into(),
            Ty::Decimal => "a decimal".into(),
            Ty::Str => "a string".into(),
            Ty::Date => "a date".into(),
            Ty::DateTime => "a date and time".into(),
            Ty::Enum(e) => format!("one of {}", variant_list(&e.variants)),
            Ty::List(_) => "a list".into(),
            Ty::Record(_) => "a mapping".into(),
            Ty::Optional(_) | Ty::Any => "a value".into(),
        };
        format!("expected {what}")
    }

    /// How to write a value of the type.
    pub(super) fn default_help(&self) -> String {
        match self.ty.required() {
            Ty::Bool => "write true or false, without quotes".into(),
            Ty::Int => "write a whole number such as 3, without quotes or a decimal point".into(),
            Ty::Decimal => format!("write a number such as {}", as_written("12.50")),
            Ty::Str => "write the text, in quotes if it looks like a number or a boolean".into(),
            Ty::Date => "write a date as YYYY-MM-DD, such as 2026-03-02".into(),
            Ty::DateTime => {
                "write an RFC 3339 date and time with its UTC offset, such as 2026-03-02T10:00:00Z"
                    .into()
            }
            Ty::Enum(e) => format!("use one of: {}", variant_list(&e.variants)),
            Ty::List(t) if self.ctx.json => format!("write a JSON array such as [{}]", t.example()),
            Ty::List(t) => format!(
                "write a list such as [{}], or one `- item` line per element",
                t.example()
            ),
            Ty::Record(r) if r.fields.is_empty() => "write an empty mapping: {}".into(),
            Ty::Record(r) if self.path.is_root() => format!(
                "a facts document maps fact names to their values; the facts are: {}",
                field_list(r)
            ),
            Ty::Record(r) if self.ctx.json => {
                format!("write a JSON object with the fields {}", field_list(r))
            }
            Ty::Record(r) => format!(
                "write the fields as `name: value` entries; the fields are: {}",
                field_list(r)
            ),
            Ty::Optional(_) | Ty::Any => "write a value".into(),
        }
    }

    /// A wrong-type error; the message is completed with what was found.
    pub(super) fn wrong(&self, found: Found, help: Option<String>, hint: Option<String>) -> Detail {
        Detail {
            code: codes::FACTS_WRONG_TYPE,
            message: format!("{}: expected {}", self.path.subject(), self.expected()),
            found: Some(found),
            label: self.label(),
            help: help.unwrap_or_else(|| self.default_help()),
            target: Target::Node,
            hint,
            path: self.path.named(),
        }
    }
}

/// The help for a number written as people write it (see
/// [`crate::literal::number_slip`]): what to change, and the text meant,
/// quoted as the value was (`quoted`) or bare. For a whole number
/// (`whole`), only a reading that is one; `None` when there is none.
pub(super) fn number_slip_help(slip: &NumberSlip, quoted: bool, whole: bool) -> Option<String> {
    let show = |t: &str| {
        if quoted {
            as_written(t)
        } else {
            t.to_string()
        }
    };
    if whole && (slip.decimal_comma || slip.fixed.parse::<i64>().is_err()) {
        return None;
    }
    let ambiguous = slip.or_decimal_comma.as_ref().filter(|_| !whole);
    let mut dropped = Vec::new();
    if let Some(c) = &slip.currency {
        let what = if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) {
            "the currency code"
        } else {
            "the currency sign"
        };
        dropped.push(format!("{what} `{c}`"));
    }
    if let (Some((c, n)), None) = (slip.thousands, ambiguous) {
        let name = match c {
            ',' | '.' | '\'' | '_' => format!("(`{c}`)"),
            '’' => "(`’`)".to_string(),
            _ => "(a space)".to_string(),
        };
        let noun = if n > 1 { "separators" } else { "separator" };
        dropped.push(format!("the thousands {noun} {name}"));
    }
    let mut help = if dropped.is_empty() {
        String::new()
    } else {
        format!("drop {}", dropped.join(" and "))
    };
    if let Some(other) = ambiguous {
        let then = if help.is_empty() {
            String::new()
        } else {
            format!("{help}; then ")
        };
        return Some(format!(
            "{then}if `,` separates thousands, drop it: {}; if it is a decimal comma, the decimal separator is `.`: {}",
            show(&slip.fixed),
            show(other)
        ));
    }
    if slip.decimal_comma {
        if help.is_empty() {
            return Some(format!(
                "the decimal separator is `.`: {}",
                show(&slip.fixed)
            ));
        }
        help.push_str(", and write the decimal comma as `.`");
    }
    Some(format!("{help}: {}", show(&slip.fixed)))
}

/// An example value in JSON syntax.
pub(super) fn json_example(ty: &Ty) -> String {
    match ty.required() {
        Ty::Date | Ty::DateTime | Ty::Enum(_) => format!("\"{}\"", ty.example()),
        Ty::List(t) => format!("[{}]", json_example(t)),
        Ty::Record(_) => "{ … }".into(),
        _ => ty.example(),
    }
}
