//! What one reading of a document carries: the shared state of its seeds
//! ([`Ctx`]: the first error's detail, the value budget, the depth), where
//! in the document a value sits ([`Path`]), what is expected there
//! ([`Seed`], [`Expect`]) and which fields of a record were given
//! ([`Seen`]). The serde reader, the key reader and the messages build on
//! these; this module imports none of them.

use std::cell::{Cell, RefCell};
use std::fmt;

use serde::de;

use super::locate::Detail;
use crate::types::Ty;

/// The key under which serde_json (with `arbitrary_precision`) hands over the
/// digits of a number, as a one-entry map.
pub(super) const JSON_NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Shared by all the seeds of one document.
pub(super) struct Ctx {
    pub(super) json: bool,
    pub(super) detail: RefCell<Option<Detail>>,
    pub(super) budget: Cell<usize>,
    /// How many values enclose the one being read.
    pub(super) depth: Cell<usize>,
    pub(super) max_depth: usize,
}

impl Ctx {
    /// Records `detail` (unless an earlier error is recorded) and returns the
    /// placeholder error that carries the position.
    pub(super) fn fail<E: de::Error>(&self, detail: Detail) -> E {
        if let Ok(mut slot) = self.detail.try_borrow_mut() {
            if slot.is_none() {
                *slot = Some(detail);
            }
        }
        E::custom("invalid facts")
    }

    pub(super) fn has_detail(&self) -> bool {
        self.detail
            .try_borrow()
            .map(|d| d.is_some())
            .unwrap_or(true)
    }

    pub(super) fn take_detail(&self) -> Option<Detail> {
        self.detail.try_borrow_mut().ok().and_then(|mut d| d.take())
    }
}

// ---------------------------------------------------------------------------
// Schema paths
// ---------------------------------------------------------------------------

/// Where a value sits in the facts: `order.items[2].sku`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Path<'a> {
    Root,
    Field(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Field(Path::Root, name) => f.write_str(name),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

impl Path<'_> {
    pub(super) fn is_root(&self) -> bool {
        matches!(self, Path::Root)
    }

    /// The path as [`crate::Diagnostic::facts_path`] gives it: `None` for
    /// the document itself.
    pub(super) fn named(&self) -> Option<String> {
        (!self.is_root()).then(|| self.to_string())
    }

    /// The path of the field `name` of the record at this path (a fact
    /// root, at the document).
    pub(super) fn field(&self, name: &str) -> String {
        if self.is_root() {
            name.to_string()
        } else {
            format!("{self}.{name}")
        }
    }

    /// How messages name it: "`basket.total`", or "the document".
    pub(super) fn subject(&self) -> String {
        if self.is_root() {
            "the document".to_string()
        } else {
            format!("`{self}`")
        }
    }
}

// ---------------------------------------------------------------------------
// Seeds and visitors
// ---------------------------------------------------------------------------

/// Reads one value of type `ty` at `path`.
#[derive(Clone, Copy)]
pub(super) struct Seed<'a> {
    pub(super) ty: &'a Ty,
    pub(super) path: &'a Path<'a>,
    pub(super) ctx: &'a Ctx,
}

/// The visitor of a [`Seed`].
#[derive(Clone, Copy)]
pub(super) struct Expect<'a> {
    pub(super) ty: &'a Ty,
    pub(super) path: &'a Path<'a>,
    pub(super) ctx: &'a Ctx,
}

/// Which fields of a record a document gave: a bit set, on the heap only
/// for records of more than 64 fields.
pub(super) struct Seen {
    pub(super) small: u64,
    pub(super) big: Vec<bool>,
}

impl Seen {
    pub(super) fn new(fields: usize) -> Seen {
        Seen {
            small: 0,
            big: if fields > 64 {
                vec![false; fields]
            } else {
                Vec::new()
            },
        }
    }

    pub(super) fn has(&self, i: usize) -> bool {
        if self.big.is_empty() {
            i < 64 && self.small & (1 << i) != 0
        } else {
            self.big.get(i).copied().unwrap_or(false)
        }
    }

    pub(super) fn set(&mut self, i: usize) {
        if self.big.is_empty() {
            if i < 64 {
                self.small |= 1 << i;
            }
        } else if let Some(b) = self.big.get_mut(i) {
            *b = true;
        }
    }
}
