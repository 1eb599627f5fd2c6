//! What one reading of a document carries: the shared state of its seeds
//! ([`Ctx`]: the errors raised and caught, the value budget, the depth,
//! and what earlier readings of the document found), where in the
//! document a value sits ([`Path`]), what is expected there ([`Seed`],
//! [`Expect`]) and which fields of a record were given ([`Seen`]). The
//! serde reader, the key reader and the messages build on these; this
//! module imports none of them.
//!
//! serde stops a reading at the first error a visitor returns, and only
//! the error it hands back knows where the offending value is. So a
//! visitor raises an error ([`Ctx::raise`]): the detail is kept here and a
//! placeholder carries the position up. The seed of the node it is about
//! catches it ([`Ctx::catch`]) when serde has read that node whole (a
//! scalar, a key; in JSON a list or an object too, read to its end first):
//! the error is recorded with the position, the node reads as absent, and
//! reading goes on. Otherwise (in YAML, a mapping or a list left half
//! read; a limit) the error goes up to the top, and stops the reading; the
//! reader may read the document again, stepping over that node
//! ([`Earlier`]), to find the errors after it.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt;

use serde::de;

use super::locate::{place_of, Detail};
use crate::types::Ty;

/// The key under which serde_json (with `arbitrary_precision`) hands over the
/// digits of a number, as a one-entry map.
pub(super) const JSON_NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// How reading goes on past an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Recovery {
    /// serde read the node whole: the node's seed catches the error, and
    /// reading goes on.
    Caught,
    /// Reading stops; a next reading steps over the node.
    Skip,
    /// Reading stops; a next reading reads the record without checking
    /// its missing fields.
    Unchecked,
    /// Reading stops for good (a limit).
    Fatal,
}

/// Why a reading stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// At the error about this node, which a next reading can step over.
    Resume(usize, Recovery),
    /// At a syntax error.
    Syntax,
    /// At a limit.
    Final,
}

impl Stop {
    /// The detail of the error that stopped a reading, `raised` (none: a
    /// syntax error of the parser's), and why it stopped.
    pub(super) fn of(raised: Option<Raised>) -> (Option<Detail>, Stop) {
        let stop = match &raised {
            None => Stop::Syntax,
            Some(r) if matches!(r.recovery, Recovery::Skip | Recovery::Unchecked) => {
                Stop::Resume(r.node, r.recovery)
            }
            Some(_) => Stop::Final,
        };
        (raised.map(|r| r.detail), stop)
    }
}

/// An error raised and not yet caught.
#[derive(Debug)]
pub(super) struct Raised {
    pub(super) detail: Detail,
    /// The node it is about (see [`Ctx::enter`]).
    pub(super) node: usize,
    /// Which raise of the reading it is, from 0.
    pub(super) index: usize,
    pub(super) recovery: Recovery,
}

/// An error caught, with where serde placed it: the one-based line and
/// column of its text (`None`: the start of the document).
#[derive(Debug)]
pub(super) struct Caught {
    pub(super) detail: Detail,
    pub(super) place: Option<(usize, usize)>,
}

/// What earlier readings of a document found: the errors they raised
/// (a next reading raises them again, in the same order, and records none
/// of them) and the nodes whose error stopped them (stepped over now).
#[derive(Debug, Default)]
pub(super) struct Earlier {
    pub(super) raises: usize,
    pub(super) passed: BTreeMap<usize, Recovery>,
}

/// A node being read: its number in reading order, and how an earlier
/// reading that stopped at it says to read it now.
#[derive(Debug, Clone, Copy)]
pub(super) struct Node {
    pub(super) id: usize,
    pub(super) pass: Option<Recovery>,
}

/// Shared by all the seeds of one reading of a document.
pub(super) struct Ctx {
    pub(super) json: bool,
    pub(super) budget: Cell<usize>,
    /// How many values enclose the one being read.
    pub(super) depth: Cell<usize>,
    pub(super) max_depth: usize,
    /// The error raised and not yet caught.
    raised: RefCell<Option<Raised>>,
    /// The errors caught by this reading, in the order they were raised.
    caught: RefCell<Vec<Caught>>,
    /// Errors caught past `room`: counted, not kept.
    more: Cell<usize>,
    /// How many more errors may be kept.
    room: usize,
    /// Nodes entered so far.
    nodes: Cell<usize>,
    /// Errors raised so far, passed over ones included.
    raises: Cell<usize>,
    earlier: Earlier,
}

impl Ctx {
    /// The state of a reading with a value budget of `budget` values and
    /// `max_depth` levels, keeping at most `room` errors, after `earlier`
    /// readings.
    pub(super) fn new(
        json: bool,
        budget: usize,
        max_depth: usize,
        room: usize,
        earlier: Earlier,
    ) -> Ctx {
        Ctx {
            json,
            budget: Cell::new(budget),
            depth: Cell::new(0),
            max_depth,
            raised: RefCell::new(None),
            caught: RefCell::new(Vec::new()),
            more: Cell::new(0),
            room,
            nodes: Cell::new(0),
            raises: Cell::new(0),
            earlier,
        }
    }

    /// Enters a node (a value, a key, a merged mapping): its number, the
    /// same in every reading of the document up to where the earlier one
    /// stopped.
    pub(super) fn enter(&self) -> Node {
        let id = self.nodes.get();
        self.nodes.set(id + 1);
        Node {
            id,
            pass: self.earlier.passed.get(&id).copied(),
        }
    }

    /// Raises the error `detail` about `node`: keeps it (unless an error
    /// is already on its way up) and returns the placeholder error that
    /// carries the position.
    pub(super) fn raise<E: de::Error>(&self, detail: Detail, node: usize, recovery: Recovery) -> E {
        let index = self.raises.get();
        self.raises.set(index + 1);
        if let Ok(mut slot) = self.raised.try_borrow_mut() {
            if slot.is_none() {
                *slot = Some(Raised {
                    detail,
                    node,
                    index,
                    recovery,
                });
            }
        }
        E::custom("invalid facts")
    }

    /// Whether the error about to be raised is only counted, the report
    /// being full; then it is counted, and no error value is made for it
    /// (serde_json works out an error's position from the start of the
    /// document: making one for each of a million errors would take time
    /// quadratic in the document).
    ///
    /// A counted error is numbered as a raised one would be, so that a
    /// next reading in which the report is full from the start (to count
    /// the errors past an error that stopped this one) counts only those
    /// that earlier readings did not report.
    pub(super) fn counted(&self) -> bool {
        let full = self
            .caught
            .try_borrow()
            .map_or(true, |caught| caught.len() >= self.room);
        if full {
            let index = self.raises.get();
            self.raises.set(index + 1);
            if index >= self.earlier.raises {
                self.more.set(self.more.get() + 1);
            }
        }
        full
    }

    /// Counts the error an earlier reading stopped at, passed over now.
    pub(super) fn pass(&self) {
        self.raises.set(self.raises.get() + 1);
    }

    pub(super) fn has_raised(&self) -> bool {
        self.raised
            .try_borrow()
            .map(|d| d.is_some())
            .unwrap_or(true)
    }

    /// Whether the error on its way up was raised about `node`.
    pub(super) fn raised_at(&self, node: usize) -> bool {
        self.raised
            .try_borrow()
            .is_ok_and(|r| r.as_ref().is_some_and(|r| r.node == node))
    }

    pub(super) fn take_raised(&self) -> Option<Raised> {
        self.raised.try_borrow_mut().ok().and_then(|mut d| d.take())
    }

    /// At the seed of `node`, whose reading failed with `error`: whether
    /// the error is that node's and serde read the node whole. Then it is
    /// recorded with the position `error` carries (or counted, past the
    /// room; or neither, when an earlier reading recorded it), and the
    /// seed goes on.
    pub(super) fn catch(&self, node: usize, error: &dyn fmt::Display) -> bool {
        let Ok(mut slot) = self.raised.try_borrow_mut() else {
            return false;
        };
        if !slot
            .as_ref()
            .is_some_and(|r| r.node == node && r.recovery == Recovery::Caught)
        {
            return false;
        }
        let Some(raised) = slot.take() else {
            return false;
        };
        if raised.index < self.earlier.raises {
            return true;
        }
        let Ok(mut caught) = self.caught.try_borrow_mut() else {
            return true;
        };
        if caught.len() < self.room {
            caught.push(Caught {
                detail: raised.detail,
                place: place_of(&error.to_string()),
            });
        } else {
            self.more.set(self.more.get() + 1);
        }
        true
    }

    /// The end of the reading: the errors it caught, how many more it
    /// counted, and what it leaves a next reading.
    pub(super) fn finish(self) -> (Vec<Caught>, usize, Earlier) {
        let earlier = Earlier {
            raises: self.raises.get(),
            passed: self.earlier.passed,
        };
        (self.caught.into_inner(), self.more.get(), earlier)
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
    /// The node being read.
    pub(super) node: Node,
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
