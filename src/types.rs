//! Static types: what the schema declares and the checker infers.

use std::fmt;
use std::sync::Arc;

use crate::source::Span;
use crate::syntax::ast::Prim;
use crate::syntax::lexicon;

/// A Pactum type.
#[derive(Debug, Clone)]
pub enum Ty {
    /// `bool`
    Bool,
    /// `int`: a whole number (64-bit).
    Int,
    /// `decimal`: an exact decimal number (up to 28 significant digits).
    Decimal,
    /// `string`
    Str,
    /// `date`: a calendar day.
    Date,
    /// `datetime`: an instant with a UTC offset.
    DateTime,
    /// `one of a, b, …`
    Enum(Arc<EnumTy>),
    /// `list of T`
    List(Box<Ty>),
    /// `{ field: T, … }`
    Record(Arc<RecordTy>),
    /// `optional T`
    Optional(Box<Ty>),
    /// Unknown: the element of `[]`, the value of `none`, or an expression
    /// that already has an error. Fits everywhere, so one mistake gives one
    /// error.
    Any,
}

/// The variants of an enum type.
#[derive(Debug)]
pub struct EnumTy {
    /// The variant names, in declaration order.
    pub variants: Vec<Arc<str>>,
}

/// The fields of a record type.
#[derive(Debug)]
pub struct RecordTy {
    /// Fields, in declaration order.
    pub fields: Vec<FieldTy>,
}

/// One field of a record type.
#[derive(Debug)]
pub struct FieldTy {
    /// Its name.
    pub name: Arc<str>,
    /// Its type (`Optional` when the field may be left out).
    pub ty: Ty,
    /// Where it was declared.
    pub span: Span,
}

impl RecordTy {
    /// The index and declaration of the field called `name`.
    pub fn field(&self, name: &str) -> Option<(usize, &FieldTy)> {
        self.fields
            .iter()
            .enumerate()
            .find(|(_, f)| &*f.name == name)
    }
}

impl Ty {
    /// Whether the value may be absent.
    pub fn is_optional(&self) -> bool {
        matches!(self, Ty::Optional(_))
    }

    /// The type without its `optional`.
    pub fn required(&self) -> &Ty {
        match self {
            Ty::Optional(inner) => inner.required(),
            other => other,
        }
    }

    /// `optional self` (never doubly optional).
    pub fn optional(self) -> Ty {
        match self {
            Ty::Optional(_) => self,
            other => Ty::Optional(Box::new(other)),
        }
    }

    /// Whether it is `int` or `decimal` (or unknown).
    pub fn is_number(&self) -> bool {
        matches!(self, Ty::Int | Ty::Decimal | Ty::Any)
    }

    /// The common type of two values that meet (both branches of an `if`,
    /// list elements, both sides of `==`), if there is one.
    pub fn unify(&self, other: &Ty) -> Option<Ty> {
        Some(match (self, other) {
            (Ty::Any, t) | (t, Ty::Any) => t.clone(),
            (Ty::Optional(a), Ty::Optional(b)) => a.unify(b)?.optional(),
            (Ty::Optional(a), b) | (b, Ty::Optional(a)) => a.unify(b)?.optional(),
            (Ty::Int, Ty::Decimal) | (Ty::Decimal, Ty::Int) => Ty::Decimal,
            (Ty::List(a), Ty::List(b)) => Ty::List(Box::new(a.unify(b)?)),
            (Ty::Enum(a), Ty::Enum(b)) if Arc::ptr_eq(a, b) || a.variants == b.variants => {
                self.clone()
            }
            (Ty::Record(a), Ty::Record(b)) if Arc::ptr_eq(a, b) => self.clone(),
            (a, b) if std::mem::discriminant(a) == std::mem::discriminant(b) && a.is_scalar() => {
                a.clone()
            }
            _ => return None,
        })
    }

    fn is_scalar(&self) -> bool {
        matches!(
            self,
            Ty::Bool | Ty::Int | Ty::Decimal | Ty::Str | Ty::Date | Ty::DateTime
        )
    }

    /// An example of this type as written in a policy.
    pub fn policy_example(&self) -> String {
        match self {
            Ty::Decimal => "0.00".into(),
            Ty::Str => "\"\"".into(),
            Ty::Date => "date(\"2026-03-02\")".into(),
            Ty::DateTime => "datetime(\"2026-03-02T10:00:00Z\")".into(),
            Ty::List(_) => "[]".into(),
            Ty::Optional(t) => t.policy_example(),
            other => other.example(),
        }
    }

    /// An example of a value of this type in a facts file, for help lines.
    pub fn example(&self) -> String {
        match self {
            Ty::Bool => "true".into(),
            Ty::Int => "3".into(),
            Ty::Decimal => "\"12.50\"".into(),
            Ty::Str => "\"text\"".into(),
            Ty::Date => "2026-03-02".into(),
            Ty::DateTime => "2026-03-02T10:00:00Z".into(),
            Ty::Enum(e) => e
                .variants
                .first()
                .map(|v| v.to_string())
                .unwrap_or_default(),
            Ty::List(t) => format!("[{}]", t.example()),
            Ty::Record(_) => "{ … }".into(),
            Ty::Optional(t) => t.example(),
            Ty::Any => "a value".into(),
        }
    }
}

impl Ty {
    /// The type as written (`optional date`).
    fn plain(&self) -> String {
        let scalar = |p| lexicon::prim_name(p).into();
        match self {
            Ty::Bool => scalar(Prim::Bool),
            Ty::Int => scalar(Prim::Int),
            Ty::Decimal => scalar(Prim::Decimal),
            Ty::Str => scalar(Prim::String),
            Ty::Date => scalar(Prim::Date),
            Ty::DateTime => scalar(Prim::DateTime),
            Ty::Enum(e) => {
                let names: Vec<&str> = e.variants.iter().map(|v| &**v).collect();
                format!("one of {}", names.join(", "))
            }
            Ty::List(t) => format!("list of {}", t.plain()),
            Ty::Record(r) => {
                let names: Vec<&str> = r.fields.iter().take(3).map(|v| &*v.name).collect();
                let more = if r.fields.len() > 3 { ", …" } else { "" };
                format!("{{ {}{more} }}", names.join(", "))
            }
            Ty::Optional(t) => format!("optional {}", t.plain()),
            Ty::Any => "any".into(),
        }
    }
}

impl fmt::Display for Ty {
    /// `{}` prints the type as written (`optional date`); `{:#}` prints it
    /// with an article for messages (`an optional date`, `a value of
    /// `one of a, b``).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plain = self.plain();
        if !f.alternate() {
            return f.write_str(&plain);
        }
        let plain = match self {
            Ty::Enum(_) => format!("value of `{plain}`"),
            Ty::Record(_) => format!("record `{plain}`"),
            Ty::Optional(inner) => match &**inner {
                Ty::Enum(_) => format!("optional value of `{}`", inner.plain()),
                Ty::Record(_) => format!("optional record `{}`", inner.plain()),
                _ => plain,
            },
            _ => plain,
        };
        let an = plain.starts_with(['a', 'e', 'i', 'o', 'u']);
        write!(f, "{} {plain}", if an { "an" } else { "a" })
    }
}
