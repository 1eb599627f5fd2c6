//! The logic of rule conditions, for the contradiction and constant
//! condition warnings: a condition as a formula over *atoms*, and an exact
//! decision, by enumeration, of whether the formula, or any part of it,
//! can hold and can fail.
//!
//! An atom tests one *subject* (a fact path, a computed value, `allowed`)
//! against constants: `x > 5`, `x == a`, `x in [1, 2]`, `x is a`,
//! `x is present`, a `bool` value itself, each also through
//! `x otherwise d`. Anything else (`a > b`, a call, a quantifier) is an
//! opaque truth value, free to be true or false (the same text is the same
//! value). The constants a subject is compared with cut its values into
//! finitely many regions (each constant, and what lies between two
//! neighbours: no whole number lies between 2 and 3, a decimal does) on
//! which each of its atoms gives one answer; a *world* picks one region of
//! every subject, or absent for an optional one. Going through every world
//! decides exactly what the understood tests can do; what is not
//! understood is assumed possible, so the analysis can miss a
//! contradiction but never claims a false one.
//!
//! Worlds are evaluated as the evaluator does: `and` and `or` stop early;
//! comparing an absent value is a fault (the checker rules it out: such a
//! world is no request); `x is v` is false and `x is not v` true for an
//! absent `x`; a rule condition that is absent does not hold. A world in
//! which a part faults says nothing about that part: claims are about the
//! requests that can be decided.

use std::cmp::Ordering;

use crate::builtins::compare;
use crate::ir::Cmp;
use crate::source::Span;
use crate::types::Ty;
use crate::value::Value;

mod build;

pub(super) use build::Builder;

/// The most worlds one question may go through; beyond it, no answer.
const MAX_WORLDS: usize = 4096;

/// The most atoms a rule's conditions may have to be judged.
const MAX_ATOMS: usize = 32;

/// The most regions a subject may be cut into (a long `in` list) for its
/// rule to be judged.
const MAX_REGIONS: usize = 129;

/// How many node evaluations the analysis of one package may spend, all
/// rules together (a few tenths of a second at worst); rules beyond it are
/// not judged. Ordinary packages use a small part of it: most conditions
/// are decided without going through worlds.
pub(super) const PACKAGE_BUDGET: usize = 10_000_000;

/// What a tested value is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Key {
    /// A fact: a root and the fields along the path, by index.
    Path(Vec<usize>),
    /// A computed value.
    Let(usize),
    /// `allowed`.
    Allowed,
    /// A truth value the analysis does not look into, by its first
    /// occurrence.
    Opaque(usize),
}

/// The values a subject can take.
#[derive(Debug, Clone)]
pub(super) enum Domain {
    /// Whole numbers (`int`): between 2 and 3 there is none.
    Int,
    /// Calendar days: between two neighbouring days there is none.
    Date,
    /// Ordered values assumed to have a value between any two: decimals
    /// (`"number"`), instants (`"instant"`), texts (`"text"`). The name is
    /// what a message calls one of them.
    Dense(&'static str),
    /// Finitely many values: `true` and `false`, an enum's variants.
    Finite(Vec<Value>),
    /// Records and lists: only present or absent is told apart.
    Whole,
}

impl Domain {
    /// The domain of values of type `ty` (the type without `optional`).
    fn of(ty: &Ty) -> Option<Domain> {
        Some(match ty {
            Ty::Int => Domain::Int,
            Ty::Decimal => Domain::Dense("number"),
            Ty::Date => Domain::Date,
            Ty::DateTime => Domain::Dense("instant"),
            Ty::Str => Domain::Dense("text"),
            Ty::Bool => Domain::Finite(vec![Value::Bool(false), Value::Bool(true)]),
            Ty::Enum(e) => {
                Domain::Finite(e.variants.iter().map(|v| Value::Enum(v.clone())).collect())
            }
            Ty::Record(_) | Ty::List(_) => Domain::Whole,
            Ty::Optional(_) | Ty::Any => return None,
        })
    }

    /// What a message calls a value of an ordered domain (`"whole
    /// number"`); `None` for the others.
    pub(super) fn noun(&self) -> Option<&'static str> {
        match self {
            Domain::Int => Some("whole number"),
            Domain::Date => Some("date"),
            Domain::Dense(noun) => Some(noun),
            Domain::Finite(_) | Domain::Whole => None,
        }
    }

    fn is_bool(&self) -> bool {
        matches!(self, Domain::Finite(vs) if vs.iter().all(|v| matches!(v, Value::Bool(_))))
    }
}

/// A tested value.
#[derive(Debug)]
struct Subject {
    key: Key,
    domain: Domain,
    optional: bool,
}

/// What an atom asks of its subject.
#[derive(Debug, Clone)]
pub(super) enum Test {
    /// `x op c`
    Cmp(Cmp, Value),
    /// `x in [c, …]`
    In(Vec<Value>),
    /// `x is v` (`true`: `is not`)
    Variant(Value, bool),
    /// `x is present` (true) or `x is absent` (false)
    Present(bool),
    /// `x` itself, a truth value
    Truth,
}

/// A test of one subject.
#[derive(Debug)]
pub(super) struct Atom {
    subject: usize,
    /// `x otherwise d`: the value tested when `x` is absent.
    pub default: Option<Value>,
    /// What is asked.
    pub test: Test,
    /// Whether the atom is a whole rule condition (absent then does not
    /// hold, rather than being a fault).
    top: bool,
    /// Where the tested value is written (`x`, or `x otherwise d`).
    pub subject_span: Span,
}

/// A part of a formula; children come before their parents.
#[derive(Debug, Clone, Copy)]
pub(super) enum Node {
    /// A constant: `literal` when written as `true` or `false`.
    Const { value: bool, literal: bool },
    /// An atom, by index.
    Atom(usize),
    /// `not a`
    Not(usize),
    /// `a and b`
    And(usize, usize),
    /// `a or b`
    Or(usize, usize),
    /// `if c then a else b` (of truth values)
    If(usize, usize, usize),
}

/// One of a subject's regions.
#[derive(Debug, Clone)]
enum Sample {
    /// The subject is absent.
    Absent,
    /// Exactly this value.
    Value(Value),
    /// Any value strictly between the two (unbounded where `None`).
    Between(Option<Value>, Option<Value>),
    /// Present, of a domain whose values are not told apart.
    Present,
}

/// A rule's conditions as formulas over atoms, ready to be asked.
#[derive(Debug)]
pub(super) struct Formula {
    nodes: Vec<Node>,
    spans: Vec<Span>,
    atoms: Vec<Atom>,
    subjects: Vec<Subject>,
    samples: Vec<Vec<Sample>>,
    /// Node evaluations left to spend (see [`PACKAGE_BUDGET`]).
    budget: std::cell::Cell<usize>,
}

/// `not (a op b)` as `a op' b` (the values compared are ordered).
pub(super) fn negate(op: Cmp) -> Cmp {
    match op {
        Cmp::Eq => Cmp::Ne,
        Cmp::Ne => Cmp::Eq,
        Cmp::Lt => Cmp::Ge,
        Cmp::Le => Cmp::Gt,
        Cmp::Gt => Cmp::Le,
        Cmp::Ge => Cmp::Lt,
    }
}

/// Where a value strictly between `lo` and `hi` is against `c`, a
/// constant outside that stretch.
fn position(lo: Option<&Value>, hi: Option<&Value>, c: &Value) -> Option<Ordering> {
    if lo.is_some_and(|lo| compare(c, lo).is_some_and(Ordering::is_le)) {
        return Some(Ordering::Greater);
    }
    if hi.is_some_and(|hi| compare(c, hi).is_some_and(Ordering::is_ge)) {
        return Some(Ordering::Less);
    }
    None
}

impl Atom {
    /// What the atom gives in a region of its subject; `None` for a fault.
    fn holds(&self, sample: &Sample) -> Option<bool> {
        match (sample, &self.default) {
            (Sample::Absent, Some(d)) => self.holds_for(d),
            (Sample::Absent, None) => match self.test {
                Test::Variant(_, negated) => Some(negated),
                Test::Present(want) => Some(!want),
                Test::Truth if self.top => Some(false),
                _ => None,
            },
            (Sample::Value(v), _) => self.holds_for(v),
            (Sample::Present, _) => match self.test {
                Test::Present(want) => Some(want),
                _ => None,
            },
            (Sample::Between(lo, hi), _) => match &self.test {
                Test::Cmp(op, c) => {
                    let ord = position(lo.as_ref(), hi.as_ref(), c)?;
                    Some(match op {
                        Cmp::Eq => ord.is_eq(),
                        Cmp::Ne => ord.is_ne(),
                        Cmp::Lt => ord.is_lt(),
                        Cmp::Le => ord.is_le(),
                        Cmp::Gt => ord.is_gt(),
                        Cmp::Ge => ord.is_ge(),
                    })
                }
                Test::In(_) => Some(false),
                Test::Variant(_, negated) => Some(*negated),
                Test::Present(want) => Some(*want),
                Test::Truth => None,
            },
        }
    }

    /// What the atom gives for the present value `v`.
    fn holds_for(&self, v: &Value) -> Option<bool> {
        Some(match &self.test {
            Test::Cmp(op, c) => op.holds(v, c),
            Test::In(list) => list.iter().any(|c| Cmp::Eq.holds(v, c)),
            Test::Variant(variant, negated) => (v == variant) != *negated,
            Test::Present(want) => *want,
            Test::Truth => match v {
                Value::Bool(b) => *b,
                _ if self.top => false,
                _ => return None,
            },
        })
    }
}

impl Formula {
    /// The node evaluations left to spend.
    pub(super) fn budget(&self) -> usize {
        self.budget.get()
    }

    /// The node's kind.
    pub(super) fn node(&self, n: usize) -> Option<Node> {
        self.nodes.get(n).copied()
    }

    /// Where the node is written.
    pub(super) fn span(&self, n: usize) -> Span {
        self.spans.get(n).copied().unwrap_or_default()
    }

    /// The node's children, in order.
    pub(super) fn children(&self, n: usize) -> Vec<usize> {
        match self.node(n) {
            Some(Node::Not(a)) => vec![a],
            Some(Node::And(a, b) | Node::Or(a, b)) => vec![a, b],
            Some(Node::If(c, t, f)) => vec![c, t, f],
            _ => Vec::new(),
        }
    }

    /// The operands of the `and` chain (`and_chain`) or the `or` chain
    /// at `n`, in order: `n` alone when it is neither.
    pub(super) fn chain(&self, n: usize, and_chain: bool) -> Vec<usize> {
        match self.node(n) {
            Some(Node::And(a, b)) if and_chain => {
                let mut v = self.chain(a, true);
                v.extend(self.chain(b, true));
                v
            }
            Some(Node::Or(a, b)) if !and_chain => {
                let mut v = self.chain(a, false);
                v.extend(self.chain(b, false));
                v
            }
            _ => vec![n],
        }
    }

    /// The atom at `n` (through any `not`), and whether it is negated.
    pub(super) fn literal(&self, n: usize) -> Option<(&Atom, bool)> {
        match self.node(n)? {
            Node::Atom(a) => Some((self.atoms.get(a)?, false)),
            Node::Not(x) => self.literal(x).map(|(a, negated)| (a, !negated)),
            _ => None,
        }
    }

    /// The domain of the atom's subject, when it is not opaque.
    pub(super) fn domain(&self, atom: &Atom) -> Option<&Domain> {
        let s = self.subjects.get(atom.subject)?;
        (!matches!(s.key, Key::Opaque(_))).then_some(&s.domain)
    }

    /// Whether the atom's subject may be absent.
    pub(super) fn optional(&self, atom: &Atom) -> bool {
        self.subjects.get(atom.subject).is_none_or(|s| s.optional)
    }

    /// Whether two atoms test the same value (their subject and default).
    pub(super) fn same_subject(&self, a: &Atom, b: &Atom) -> bool {
        a.subject == b.subject && a.default == b.default
    }

    /// For every node up to the last of `roots`: whether some world makes
    /// it true, and whether some world makes it false (going through the
    /// worlds of the subjects under `roots`); and whether some world makes
    /// every root true. `None` when there are too many worlds.
    pub(super) fn outcomes(&self, roots: &[usize]) -> Option<(Vec<(bool, bool)>, bool)> {
        let mut seen = vec![(false, false); roots.iter().max().map_or(0, |&n| n + 1)];
        if self.read_once(roots) {
            seen.fill((true, true));
            return Some((seen, true));
        }
        // Nodes not yet seen both true and false.
        let mut open = seen.len();
        let mut all_hold = false;
        self.worlds(roots, |values| {
            for (s, v) in seen.iter_mut().zip(values) {
                let was = *s;
                match v {
                    Some(true) => s.0 = true,
                    Some(false) => s.1 = true,
                    None => {}
                }
                if *s == (true, true) && was != (true, true) {
                    open -= 1;
                }
            }
            all_hold = all_hold || roots.iter().all(|&n| values.get(n) == Some(&Some(true)));
            // Nothing more to learn.
            open > 0 || !all_hold
        })?;
        Some((seen, all_hold))
    }

    /// Whether some world gives `want` for every node of `set`; `None`
    /// when there are too many worlds.
    pub(super) fn some_world_all(&self, set: &[usize], want: bool) -> Option<bool> {
        let mut found = false;
        self.worlds(set, |values| {
            found = set.iter().all(|&n| values.get(n) == Some(&Some(want)));
            !found
        })?;
        Some(found)
    }

    /// A smallest part of `set` that no world makes all `want`, where
    /// `set` is such: each node is left out in turn, and stays out when
    /// the rest still is such. `None` when the budget runs out first.
    pub(super) fn core(&self, set: &[usize], want: bool) -> Option<Vec<usize>> {
        let mut core = set.to_vec();
        let mut i = 0;
        while i < core.len() && core.len() > 1 {
            let mut without = core.clone();
            without.remove(i);
            if self.some_world_all(&without, want)? {
                i += 1;
            } else {
                core = without;
            }
        }
        Some(core)
    }

    /// Whether the nodes under `roots` hold no constant and test each
    /// subject once, each test able to hold and to fail: then every node
    /// can be true and can be false, and all roots can be true at once
    /// (the common case, decided without going through the worlds).
    fn read_once(&self, roots: &[usize]) -> bool {
        let mut subjects = Vec::new();
        let mut stack = roots.to_vec();
        while let Some(n) = stack.pop() {
            match self.node(n) {
                Some(Node::Atom(a)) => {
                    let Some(atom) = self.atoms.get(a) else {
                        return false;
                    };
                    if subjects.contains(&atom.subject) {
                        return false;
                    }
                    subjects.push(atom.subject);
                    let samples = self
                        .samples
                        .get(atom.subject)
                        .map_or(&[][..], Vec::as_slice);
                    let can = |want| samples.iter().any(|s| atom.holds(s) == Some(want));
                    if !can(true) || !can(false) {
                        return false;
                    }
                }
                Some(Node::Const { .. }) | None => return false,
                Some(_) => stack.extend(self.children(n)),
            }
        }
        true
    }

    /// The subjects the nodes under `roots` read, each once.
    fn subjects_under(&self, roots: &[usize]) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = roots.to_vec();
        while let Some(n) = stack.pop() {
            match self.node(n) {
                Some(Node::Atom(a)) => {
                    if let Some(atom) = self.atoms.get(a) {
                        if !out.contains(&atom.subject) {
                            out.push(atom.subject);
                        }
                    }
                }
                Some(_) => stack.extend(self.children(n)),
                None => {}
            }
        }
        out
    }

    /// Calls `visit` with the value of every node up to the last of
    /// `roots` in each world of the subjects under `roots`, until it
    /// returns false; `None` (and no call) when there are more than
    /// [`MAX_WORLDS`].
    fn worlds(
        &self,
        roots: &[usize],
        mut visit: impl FnMut(&[Option<bool>]) -> bool,
    ) -> Option<()> {
        let last = roots.iter().copied().max()?;
        let subjects = self.subjects_under(roots);
        let mut total = 1usize;
        for &s in &subjects {
            total = total
                .checked_mul(self.samples.get(s).map_or(0, Vec::len))
                .filter(|&t| t <= MAX_WORLDS)?;
        }
        let cost = total.saturating_mul(last + 1);
        self.budget.set(self.budget.get().checked_sub(cost)?);
        let mut choice = vec![0usize; self.subjects.len()];
        let mut values: Vec<Option<bool>> = Vec::with_capacity(last + 1);
        for _ in 0..total {
            values.clear();
            for node in self.nodes.iter().take(last + 1) {
                let at = |i: usize| values.get(i).copied().flatten();
                let v = match *node {
                    Node::Const { value, .. } => Some(value),
                    Node::Atom(a) => self.atoms.get(a).and_then(|atom| {
                        let c = choice.get(atom.subject).copied().unwrap_or(0);
                        atom.holds(self.samples.get(atom.subject)?.get(c)?)
                    }),
                    Node::Not(x) => at(x).map(|b| !b),
                    Node::And(x, y) => match at(x) {
                        Some(true) => at(y),
                        other => other,
                    },
                    Node::Or(x, y) => match at(x) {
                        Some(false) => at(y),
                        other => other,
                    },
                    Node::If(c, t, f) => match at(c) {
                        Some(true) => at(t),
                        Some(false) => at(f),
                        None => None,
                    },
                };
                values.push(v);
            }
            if !visit(&values) {
                break;
            }
            for &s in &subjects {
                let len = self.samples.get(s).map_or(1, Vec::len);
                if let Some(c) = choice.get_mut(s) {
                    *c += 1;
                    if *c < len {
                        break;
                    }
                    *c = 0;
                }
            }
        }
        Some(())
    }
}
