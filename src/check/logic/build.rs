//! Building a [`Formula`] from a rule's compiled conditions: atoms and
//! their subjects, and the regions each subject's constants cut its values
//! into.

use std::cmp::Ordering;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Atom, Domain, Formula, Key, Node, Sample, Subject, Test, MAX_ATOMS, MAX_REGIONS};
use crate::builtins::compare;
use crate::ir::{Cmp, Expr, ExprKind as K};
use crate::source::Span;
use crate::types::Ty;
use crate::value::Value;

/// Builds a [`Formula`] from compiled conditions.
pub(in crate::check) struct Builder<'e, 't> {
    f: Formula,
    /// The expressions of the opaque subjects, by [`Key::Opaque`].
    opaque: Vec<&'e Expr>,
    /// The declared type of a subject.
    type_of: &'t dyn Fn(&Key) -> Option<Ty>,
    /// Whether the conditions have more than [`MAX_ATOMS`] atoms.
    too_big: bool,
}

impl<'e, 't> Builder<'e, 't> {
    pub(in crate::check) fn new(type_of: &'t dyn Fn(&Key) -> Option<Ty>) -> Self {
        Builder {
            f: Formula {
                nodes: Vec::new(),
                spans: Vec::new(),
                atoms: Vec::new(),
                subjects: Vec::new(),
                samples: Vec::new(),
                budget: std::cell::Cell::new(0),
            },
            opaque: Vec::new(),
            type_of,
            too_big: false,
        }
    }

    /// Adds a whole rule condition (a `when` block's or the rule's own);
    /// gives its node.
    pub(in crate::check) fn condition(&mut self, e: &'e Expr) -> usize {
        self.node(e, true)
    }

    /// The formula, its subjects' regions worked out, with `budget` node
    /// evaluations to spend; `None` when the conditions are too large to
    /// judge, or the constants of a subject cannot be ordered (a package
    /// with errors).
    pub(in crate::check) fn finish(mut self, budget: usize) -> Option<Formula> {
        if self.too_big {
            return None;
        }
        self.f.budget.set(budget);
        let mut samples = Vec::with_capacity(self.f.subjects.len());
        for (i, s) in self.f.subjects.iter().enumerate() {
            let mut consts: Vec<&Value> = Vec::new();
            for a in self.f.atoms.iter().filter(|a| a.subject == i) {
                match &a.test {
                    Test::Cmp(_, c) => consts.push(c),
                    Test::In(list) => consts.extend(list),
                    _ => {}
                }
            }
            let mut regions = match &s.domain {
                Domain::Finite(values) => values.iter().cloned().map(Sample::Value).collect(),
                Domain::Whole => vec![Sample::Present],
                ordered => regions(ordered, consts)?,
            };
            if s.optional {
                regions.push(Sample::Absent);
            }
            if regions.is_empty() || regions.len() > MAX_REGIONS {
                return None;
            }
            samples.push(regions);
        }
        self.f.samples = samples;
        Some(self.f)
    }

    fn push(&mut self, node: Node, span: Span) -> usize {
        self.f.nodes.push(node);
        self.f.spans.push(span);
        self.f.nodes.len() - 1
    }

    fn node(&mut self, e: &'e Expr, top: bool) -> usize {
        if self.f.atoms.len() > MAX_ATOMS {
            // Not judged (see `finish`): what the node is no longer matters.
            self.too_big = true;
            return 0;
        }
        let node = match &e.kind {
            K::Const(Value::Bool(b)) => Node::Const {
                value: *b,
                literal: true,
            },
            K::Not(x) => Node::Not(self.node(x, false)),
            K::And(a, b) => {
                let a = self.node(a, false);
                Node::And(a, self.node(b, false))
            }
            K::Or(a, b) => {
                let a = self.node(a, false);
                Node::Or(a, self.node(b, false))
            }
            // As a whole condition, an `if` whose branch is absent does
            // not hold: left opaque.
            K::If(c, t, f) if !top => {
                let c = self.node(c, false);
                let t = self.node(t, false);
                Node::If(c, t, self.node(f, false))
            }
            K::Cmp(op, a, b) => match (constant(a), constant(b)) {
                (Some(x), Some(y)) => Node::Const {
                    value: op.holds(&x, &y),
                    literal: false,
                },
                (None, Some(c)) => return self.test(e, a, Test::Cmp(*op, c), top),
                (Some(c), None) => return self.test(e, b, Test::Cmp(flip(*op), c), top),
                (None, None) => return self.opaque(e, top),
            },
            K::In(a, list) => match constants(list) {
                Some(list) => return self.test(e, a, Test::In(list), top),
                None => return self.opaque(e, top),
            },
            K::IsVariant(x, v, negated) => {
                return self.test(e, x, Test::Variant(v.clone(), *negated), top)
            }
            K::IsPresent(x, want) => return self.test(e, x, Test::Present(*want), top),
            K::Root(_) | K::Field(..) | K::Let(_) | K::Allowed | K::Otherwise(..) => {
                return self.test(e, e, Test::Truth, top)
            }
            _ => return self.opaque(e, top),
        };
        self.push(node, e.span)
    }

    /// The node of `e`, which asks `test` of `x`: an atom when `x` is a
    /// subject the test applies to, a constant when `x` is one.
    fn test(&mut self, e: &'e Expr, x: &'e Expr, test: Test, top: bool) -> usize {
        if let Some(v) = constant(x) {
            let atom = Atom {
                subject: 0,
                default: None,
                test,
                top,
                subject_span: x.span,
            };
            if let Some(value) = atom.holds(&Sample::Value(v)) {
                return self.push(
                    Node::Const {
                        value,
                        literal: false,
                    },
                    e.span,
                );
            }
            return self.opaque(e, top);
        }
        let Some((subject, default)) = self.subject(x) else {
            return self.opaque(e, top);
        };
        let fits = match (&self.f.subjects.get(subject).map(|s| &s.domain), &test) {
            (None, _) => false,
            (Some(Domain::Whole), t) => matches!(t, Test::Present(_)) && default.is_none(),
            (Some(d), Test::Truth) => d.is_bool(),
            _ => true,
        };
        if !fits {
            return self.opaque(e, top);
        }
        self.f.atoms.push(Atom {
            subject,
            default,
            test,
            top,
            subject_span: x.span,
        });
        let atom = self.f.atoms.len() - 1;
        self.push(Node::Atom(atom), e.span)
    }

    /// An opaque truth value: one subject per distinct expression.
    fn opaque(&mut self, e: &'e Expr, top: bool) -> usize {
        let k = match self.opaque.iter().position(|o| same(o, e)) {
            Some(k) => k,
            None => {
                self.opaque.push(e);
                self.opaque.len() - 1
            }
        };
        let subject = self.subject_index(
            Key::Opaque(k),
            Domain::Finite(vec![Value::Bool(false), Value::Bool(true)]),
            false,
        );
        self.f.atoms.push(Atom {
            subject,
            default: None,
            test: Test::Truth,
            top,
            subject_span: e.span,
        });
        let atom = self.f.atoms.len() - 1;
        self.push(Node::Atom(atom), e.span)
    }

    /// The subject `x` tests, and its default (`x otherwise d`).
    fn subject(&mut self, x: &Expr) -> Option<(usize, Option<Value>)> {
        let (base, default) = match &x.kind {
            K::Otherwise(a, d) => (&**a, Some(constant(d)?)),
            _ => (x, None),
        };
        let key = key_of(base)?;
        if let Some(i) = self.f.subjects.iter().position(|s| s.key == key) {
            return Some((i, default));
        }
        let ty = (self.type_of)(&key)?;
        let domain = Domain::of(ty.required())?;
        Some((self.subject_index(key, domain, ty.is_optional()), default))
    }

    fn subject_index(&mut self, key: Key, domain: Domain, optional: bool) -> usize {
        if let Some(i) = self.f.subjects.iter().position(|s| s.key == key) {
            return i;
        }
        self.f.subjects.push(Subject {
            key,
            domain,
            optional,
        });
        self.f.subjects.len() - 1
    }
}

/// What a path of roots and fields, a computed value or `allowed` is.
fn key_of(e: &Expr) -> Option<Key> {
    fn path(e: &Expr, out: &mut Vec<usize>) -> bool {
        match &e.kind {
            K::Root(i) => {
                out.push(*i);
                true
            }
            K::Field(inner, i) => {
                let ok = path(inner, out);
                out.push(*i);
                ok
            }
            _ => false,
        }
    }
    match &e.kind {
        K::Let(i) => Some(Key::Let(*i)),
        K::Allowed => Some(Key::Allowed),
        _ => {
            let mut p = Vec::new();
            path(e, &mut p).then_some(Key::Path(p))
        }
    }
}

/// The value of a constant expression (`5`, `-5`, `date("…")`), never
/// absent.
fn constant(e: &Expr) -> Option<Value> {
    match &e.kind {
        K::Const(Value::Absent) => None,
        K::Const(v) => Some(v.clone()),
        K::Neg(x) => match constant(x)? {
            Value::Int(i) => i.checked_neg().map(Value::Int),
            Value::Decimal(d) => Some(Value::Decimal(-d)),
            _ => None,
        },
        _ => None,
    }
}

/// The elements of a list of constants.
fn constants(e: &Expr) -> Option<Vec<Value>> {
    match &e.kind {
        K::Const(Value::List(items)) => Some(items.to_vec()),
        K::List(items) => items.iter().map(constant).collect(),
        _ => None,
    }
}

/// `a op b` as `b op' a`.
fn flip(op: Cmp) -> Cmp {
    match op {
        Cmp::Lt => Cmp::Gt,
        Cmp::Le => Cmp::Ge,
        Cmp::Gt => Cmp::Lt,
        Cmp::Ge => Cmp::Le,
        other => other,
    }
}

/// Whether two compiled expressions are the same computation (spans and
/// numbers aside): they then have the same value in every request.
fn same(a: &Expr, b: &Expr) -> bool {
    let both =
        |x: &[Expr], y: &[Expr]| x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y));
    match (&a.kind, &b.kind) {
        // Equal values written with other places (`2.0`, `2`) are not the
        // same text.
        (K::Const(x), K::Const(y)) => x == y && x.to_string() == y.to_string(),
        (K::Root(x), K::Root(y)) | (K::Let(x), K::Let(y)) | (K::Local(x), K::Local(y)) => x == y,
        (K::Field(x, i), K::Field(y, j)) => i == j && same(x, y),
        (K::Allowed, K::Allowed) => true,
        (K::Not(x), K::Not(y)) | (K::Neg(x), K::Neg(y)) => same(x, y),
        (K::And(a1, b1), K::And(a2, b2))
        | (K::Or(a1, b1), K::Or(a2, b2))
        | (K::Otherwise(a1, b1), K::Otherwise(a2, b2))
        | (K::In(a1, b1), K::In(a2, b2)) => same(a1, a2) && same(b1, b2),
        (K::Arith(o1, a1, b1), K::Arith(o2, a2, b2)) => o1 == o2 && same(a1, a2) && same(b1, b2),
        (K::Cmp(o1, a1, b1), K::Cmp(o2, a2, b2)) => o1 == o2 && same(a1, a2) && same(b1, b2),
        (K::IsVariant(x, v, n), K::IsVariant(y, w, m)) => n == m && v == w && same(x, y),
        (K::IsPresent(x, p), K::IsPresent(y, q)) => p == q && same(x, y),
        (K::If(c1, t1, f1), K::If(c2, t2, f2)) => same(c1, c2) && same(t1, t2) && same(f1, f2),
        (K::Call(f, xs), K::Call(g, ys)) => f == g && both(xs, ys),
        (K::List(xs), K::List(ys)) => both(xs, ys),
        (
            K::Quant {
                kind: k1,
                list: l1,
                body: b1,
                slot: s1,
            },
            K::Quant {
                kind: k2,
                list: l2,
                body: b2,
                slot: s2,
            },
        ) => {
            k1 == k2
                && s1 == s2
                && same(l1, l2)
                && match (b1, b2) {
                    (Some(x), Some(y)) => same(x, y),
                    (None, None) => true,
                    _ => false,
                }
        }
        _ => false,
    }
}

/// The regions of an ordered domain cut by `consts`: each constant the
/// domain holds, and each stretch between two neighbours (and beyond the
/// first and last) that holds a value. `None` when the constants cannot
/// all be ordered.
fn regions(domain: &Domain, consts: Vec<&Value>) -> Option<Vec<Sample>> {
    // Values that compare with one compare with each other (numbers,
    // days, instants, texts: each kind with its own).
    if let Some(first) = consts.first() {
        for c in &consts {
            compare(first, c)?;
        }
    }
    if consts.len() > MAX_REGIONS {
        return None;
    }
    let mut consts = consts;
    consts.sort_by(|a, b| compare(a, b).unwrap_or(Ordering::Equal));
    consts.dedup_by(|a, b| compare(a, b) == Some(Ordering::Equal));
    let mut out = Vec::with_capacity(2 * consts.len() + 1);
    let mut lo: Option<&Value> = None;
    for c in consts.iter().copied().map(Some).chain([None]) {
        if let Some(s) = between(domain, lo, c) {
            out.push(s);
        }
        if let Some(c) = c {
            if let Some(v) = point(domain, c) {
                out.push(Sample::Value(v));
            }
        }
        lo = c;
    }
    Some(out)
}

/// The value of `domain` equal to `c`, if it holds one.
fn point(domain: &Domain, c: &Value) -> Option<Value> {
    match (domain, c) {
        (Domain::Int, Value::Int(_)) | (Domain::Date, Value::Date(_)) => Some(c.clone()),
        (Domain::Int, Value::Decimal(d)) if d.fract().is_zero() => {
            i64::try_from(*d).ok().map(Value::Int)
        }
        (Domain::Int | Domain::Date, _) => None,
        _ => Some(c.clone()),
    }
}

/// A region of the values strictly between `lo` and `hi` (unbounded where
/// `None`), if it holds a value.
fn between(domain: &Domain, lo: Option<&Value>, hi: Option<&Value>) -> Option<Sample> {
    let below_hi = |v: &Value| hi.is_none_or(|h| compare(v, h) == Some(Ordering::Less));
    match domain {
        Domain::Int => {
            // The least whole number above `lo`.
            let n = match lo {
                None => i64::MIN,
                Some(Value::Int(m)) => m.checked_add(1)?,
                Some(v) => {
                    let floor = v.as_decimal()?.floor();
                    match i64::try_from(floor) {
                        Ok(m) => m.checked_add(1)?,
                        Err(_) if floor < Decimal::ZERO => i64::MIN,
                        Err(_) => return None,
                    }
                }
            };
            let n = Value::Int(n);
            below_hi(&n).then_some(Sample::Value(n))
        }
        Domain::Date => {
            let day = match lo {
                None => NaiveDate::MIN,
                Some(Value::Date(d)) => d.succ_opt()?,
                Some(_) => return None,
            };
            let day = Value::Date(day);
            below_hi(&day).then_some(Sample::Value(day))
        }
        // No text comes before the empty one.
        Domain::Dense(_) if lo.is_none() && matches!(hi, Some(Value::Str(s)) if s.is_empty()) => {
            None
        }
        _ => Some(Sample::Between(lo.cloned(), hi.cloned())),
    }
}
