//! Step three: evaluation of a compiled program against one request's facts.
//! This file owns the walk itself (rules, conditions, expressions, the step
//! and depth limits); its parts: [`arithmetic`], [`quantifiers`],
//! [`output`] (rendering text within the output budget), [`faults`],
//! [`observe`] (explanations and coverage), and the reference evaluator.
//!
//! Deny rules run first; `allowed` is then known, and note rules and outputs
//! run. A rule whose evaluation fails (division by zero, overflow) makes the
//! whole request undecided: the caller gets every such error, located in the
//! policy, and no decision ("fail closed").

use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::builtins::{self, compare};
use crate::decision::{Decision, Note, Reason, Verdict};
use crate::diag::{codes, Code, Diagnostic, Diagnostics};
use crate::ir::{Arith, Expr, ExprKind as K, Part, Program, Rule, Template};
use crate::syntax::ast::Quant;
use crate::value::{normalize, Value};

mod arithmetic;
mod faults;
mod observe;
mod output;
mod quantifiers;
/// The reference evaluator, for differential tests (feature `testing`).
#[cfg(feature = "testing")]
pub(crate) mod reference;

pub(crate) use observe::{Observe, RuleTrace, Step};

/// A fault while evaluating; converted to a [`Diagnostic`] at the end.
#[derive(Debug)]
struct Fault {
    code: Code,
    message: String,
    labels: Vec<(crate::source::Span, String)>,
}

/// Marks a failed evaluation; the fault itself is already recorded.
#[derive(Debug)]
struct Failed;

type R = Result<Value, Failed>;

/// A value read for comparing or printing: borrowed from the program or the
/// facts when it can be, so that reading touches no reference counts.
type Operand<'p> = Result<Cow<'p, Value>, Failed>;

enum Memo {
    Empty,
    Value(Value),
    Failed,
}

struct Evaluator<'p> {
    program: &'p Program,
    facts: &'p [Value],
    lets: Vec<Memo>,
    locals: Vec<Value>,
    allowed: bool,
    faults: Vec<(Fault, crate::source::Span)>,
    /// When explaining: the values of the sub-expressions evaluated so far,
    /// in post-order.
    trace: Option<Vec<Step>>,
    /// Nesting depth of the expression being evaluated (for `trace`).
    depth: u32,
    /// When explaining: the steps of `when` block conditions and computed
    /// values already shown, to show again where they are read.
    recorded: observe::Recorded,
    /// When measuring coverage: every `if` taken, and which branch.
    branches: Option<Vec<(crate::source::Span, bool)>>,
    /// Evaluation steps taken so far (expressions evaluated, list elements
    /// visited), against `program.limits.max_steps`.
    steps: u64,
    /// How deep the evaluation recurses, against
    /// `program.limits.max_expr_depth` (a second guard: the checker
    /// already refuses deeper programs).
    nesting: usize,
    /// Whether a limit was hit: the fault is recorded once, and everything
    /// after it fails at once.
    exhausted: bool,
    /// What each `when` block's condition gave, once evaluated (see
    /// `Rule::guard_slots`); `None` when observing, where every rule shows
    /// its own evaluation.
    guards: Option<Vec<Option<bool>>>,
    /// Bytes of text rendered so far (interpolated texts, messages, helps,
    /// outputs), against `program.limits.max_output_bytes`.
    rendered: usize,
    /// Whether the expression being evaluated was already counted against
    /// the output budget (a computed value or a `when` block's condition
    /// evaluated again when observing): its texts are not counted twice.
    replay: bool,
    /// When observing (no `guards` memo): which `when` block conditions
    /// were already evaluated once, so that their texts count once.
    guard_seen: Vec<bool>,
}

/// The request identifier of `facts`, or absent.
pub(crate) fn identify(program: &Program, facts: &Value) -> Value {
    Evaluator::new(program, facts).identifier()
}

/// Evaluates `program` on `facts` (a record of the schema's roots).
pub(crate) fn evaluate(program: &Program, facts: &Value) -> Result<Decision, Diagnostics> {
    run(program, facts, None)
}

/// Evaluates `program` on `facts`, recording what `observe` asks for.
pub(crate) fn evaluate_observed(
    program: &Program,
    facts: &Value,
    observe: &mut Observe,
) -> Result<Decision, Diagnostics> {
    run(program, facts, Some(observe))
}

fn run(
    program: &Program,
    facts: &Value,
    mut observe: Option<&mut Observe>,
) -> Result<Decision, Diagnostics> {
    let mut ev = Evaluator::new(program, facts);
    if observe.is_none() {
        ev.guards = Some(vec![None; program.guard_count]);
    } else {
        ev.guard_seen = vec![false; program.guard_count];
    }
    let id = ev.identifier();
    if observe.as_ref().is_some_and(|o| o.coverage) {
        ev.branches = Some(Vec::new());
    }
    let explain = observe.as_ref().is_some_and(|o| o.explain);
    ev.recorded.off = observe.as_ref().is_some_and(|o| o.no_replay);
    let mut reasons = Vec::new();
    for (index, rule) in program.denies.iter().enumerate() {
        let fired = ev.fires_observed(rule, explain, true, index, &mut observe);
        if fired {
            let (message, help) = ev.texts(rule);
            reasons.push(Reason {
                code: rule.code.to_string(),
                rule: rule.name.to_string(),
                message,
                help,
                span: rule.span,
            });
        }
    }
    ev.allowed = reasons.is_empty();
    let mut notes = Vec::new();
    for (index, rule) in program.notes.iter().enumerate() {
        let fired = ev.fires_observed(rule, explain, false, index, &mut observe);
        if fired {
            let (message, _) = ev.texts(rule);
            notes.push(Note {
                code: rule.code.to_string(),
                message,
                rule: rule.name.to_string(),
                span: rule.span,
            });
        }
    }
    let mut outputs = Vec::with_capacity(program.outputs.len());
    for o in &program.outputs {
        let v = match ev.eval(&o.expr) {
            Ok(v) => {
                ev.count_output(&v, o.expr.span);
                v
            }
            Err(Failed) => Value::Absent,
        };
        outputs.push(v);
    }
    if let Some(o) = observe.as_mut() {
        o.cut = ev.recorded.cut;
        o.roots = std::mem::take(&mut ev.recorded.roots);
    }
    if let (Some(o), Some(b)) = (observe.as_mut(), ev.branches.take()) {
        o.branches.extend(b);
    }
    if !ev.faults.is_empty() {
        let mut diags = Diagnostics::default();
        // The same fault met twice (a limit passed, then every text after
        // it at the same place) is reported once.
        let mut seen: Vec<(&'static str, String, crate::source::Span)> = Vec::new();
        for (f, span) in ev.faults {
            let key = (f.code.id, f.message.clone(), span);
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            // The operands' values label the operands themselves (the last,
            // usually the culprit, first); without operands, the expression.
            let mut labels = f.labels;
            let mut d = match labels.pop() {
                Some((s, text)) => Diagnostic::new(f.code, f.message).at(&program.sources, s, text),
                None => Diagnostic::new(f.code, f.message).at(
                    &program.sources,
                    span,
                    "while computing this",
                ),
            };
            for (s, text) in labels {
                d = d.label(&program.sources, s, text);
            }
            let help = match f.code.id {
                id if id == codes::EVAL_DIVISION_BY_ZERO.id => "guard the division: `if b == 0 then … else a / b`",
                id if id == codes::EVAL_OVERFLOW.id => "the facts hold values too large for this computation; check them, or compute in smaller steps",
                id if id == codes::LIMIT_STEPS.id => "a request takes this many steps when its facts hold long lists (check them) or when the limit is set low; raise the limit (`--max-steps`) for facts you trust",
                id if id == codes::LIMIT_DEPTH.id => "compute the value in fewer steps",
                id if id == codes::LIMIT_OUTPUT.id => "the facts make this text too long (a text built from texts grows with each step); check them, shorten the text, or raise the limit (`--max-output-bytes`) for facts you trust",
                _ => "check the facts this value is computed from",
            };
            diags.push(d.help(help));
        }
        return Err(diags);
    }
    Ok(Decision {
        id,
        verdict: if ev.allowed {
            Verdict::Allow
        } else {
            Verdict::Deny
        },
        reasons,
        notes,
        outputs,
        output_decls: program.output_decls.clone(),
    })
}

impl<'p> Evaluator<'p> {
    fn fires(&mut self, rule: &'p Rule) -> bool {
        for (i, c) in rule.conditions.iter().enumerate() {
            // A `when` block's condition is evaluated once for its rules.
            let slot = match (&self.guards, rule.guard_slots.get(i)) {
                (Some(memo), Some(&slot)) => match memo.get(slot) {
                    Some(Some(true)) => continue,
                    Some(Some(false)) => return false,
                    _ => Some(slot),
                },
                _ => None,
            };
            // Observing, every rule evaluates its blocks' conditions itself:
            // their texts count against the output budget once.
            let seen = match self.guards {
                None => rule.guard_slots.get(i).copied(),
                Some(_) => None,
            };
            // Explaining: a condition shown for an earlier rule of the
            // block shows again, as it was.
            if let Some(holds) = self.replay_guard(rule.guard_slots.get(i)) {
                if holds {
                    continue;
                }
                return false;
            }
            let start = self.trace_len();
            let outer = self.replay;
            if let Some(s) = seen {
                self.replay |= self.guard_seen.get(s).copied().unwrap_or(false);
            }
            let holds = if gives_truth(c) {
                self.truth(c)
            } else {
                // Absent (an optional condition): the rule does not apply.
                self.operand(c).map(|v| matches!(*v, Value::Bool(true)))
            };
            self.replay = outer;
            // A fault is not remembered: each rule reports its own.
            let Ok(holds) = holds else {
                return false;
            };
            self.record_condition(rule.guard_slots.get(i), start, holds);
            if let Some(seen) = seen.and_then(|s| self.guard_seen.get_mut(s)) {
                *seen = true;
            }
            if let (Some(slot), Some(memo)) = (slot, self.guards.as_mut()) {
                if let Some(m) = memo.get_mut(slot) {
                    *m = Some(holds);
                }
            }
            if !holds {
                return false;
            }
        }
        true
    }

    /// An evaluator of `program` on `facts` (a record of the schema's roots).
    fn new(program: &'p Program, facts: &'p Value) -> Self {
        let roots: &[Value] = match facts {
            Value::Record(r) => r,
            _ => &[],
        };
        Evaluator {
            program,
            facts: roots,
            lets: program.lets.iter().map(|_| Memo::Empty).collect(),
            locals: Vec::new(),
            allowed: false,
            faults: Vec::new(),
            trace: None,
            depth: 0,
            recorded: observe::Recorded::default(),
            branches: None,
            steps: 0,
            nesting: 0,
            exhausted: false,
            guards: None,
            rendered: 0,
            replay: false,
            guard_seen: Vec::new(),
        }
    }

    /// The request identifier, as the package declares it (absent if none).
    fn identifier(&mut self) -> Value {
        match &self.program.identifier {
            Some(x) => self.eval(x).unwrap_or(Value::Absent),
            None => Value::Absent,
        }
    }

    /// Counts one evaluation step; fails (once with a fault, then at once)
    /// when the request has used up its steps.
    #[inline]
    fn step(&mut self, e: &Expr) -> Result<(), Failed> {
        if self.exhausted {
            return Err(Failed);
        }
        // Evaluated again to be shown (observing): its steps were counted
        // the first time, and showing must not change the outcome.
        if self.replay {
            return Ok(());
        }
        self.steps += 1;
        if self.steps > self.program.limits.max_steps {
            return Err(self.out_of_steps(e));
        }
        Ok(())
    }

    /// Counts `n` more steps at once: the work of reading a value whole
    /// (see [`size_cost`]), which a single step would not pay for.
    #[inline]
    fn charge(&mut self, e: &Expr, n: u64) -> Result<(), Failed> {
        if n == 0 {
            return Ok(());
        }
        if self.exhausted {
            return Err(Failed);
        }
        if self.replay {
            return Ok(());
        }
        self.steps = self.steps.saturating_add(n);
        if self.steps > self.program.limits.max_steps {
            return Err(self.out_of_steps(e));
        }
        Ok(())
    }

    /// The fact a path of roots and fields leads to, borrowed from the
    /// facts; `None` when the path starts elsewhere (a computed value, a
    /// quantifier variable).
    #[inline]
    fn fact_at(&self, e: &Expr) -> Option<&'p Value> {
        static ABSENT: Value = Value::Absent;
        let root = |i: usize| self.facts.get(i).unwrap_or(&ABSENT);
        match &e.kind {
            K::Root(i) => Some(root(*i)),
            K::Field(inner, i) => {
                // A field of a root, the common case, without recursing.
                let record = match &inner.kind {
                    K::Root(r) => root(*r),
                    _ => self.fact_at(inner)?,
                };
                match record {
                    Value::Record(fields) => Some(fields.get(*i).unwrap_or(&ABSENT)),
                    _ => Some(&ABSENT),
                }
            }
            _ => None,
        }
    }

    /// [`Evaluator::fact_at`] for explanations: only through records
    /// (`None` when a value along the path is absent, or not a record).
    fn fact_through_records(&self, e: &Expr) -> Option<&'p Value> {
        static ABSENT: Value = Value::Absent;
        match &e.kind {
            K::Root(i) => Some(self.facts.get(*i).unwrap_or(&ABSENT)),
            K::Field(inner, i) => match self.fact_through_records(inner)? {
                Value::Record(fields) => Some(fields.get(*i).unwrap_or(&ABSENT)),
                _ => None,
            },
            _ => None,
        }
    }

    /// A root or a field, evaluated step by step.
    fn field_of(&mut self, e: &'p Expr) -> R {
        match &e.kind {
            K::Root(i) => Ok(self.facts.get(*i).cloned().unwrap_or(Value::Absent)),
            K::Field(inner, i) => match self.eval(inner)? {
                Value::Record(fields) => Ok(fields.get(*i).cloned().unwrap_or(Value::Absent)),
                _ => Ok(Value::Absent),
            },
            _ => Ok(Value::Absent),
        }
    }

    /// Evaluates `e` to read it: a constant or a path into the facts is
    /// borrowed (one step, as [`Evaluator::eval`] counts it); anything else,
    /// and everything while explaining, is evaluated.
    #[inline]
    fn operand(&mut self, e: &'p Expr) -> Operand<'p> {
        if self.trace.is_none() && self.nesting < self.program.limits.expr_depth().saturating_mul(2)
        {
            let borrowed = match &e.kind {
                K::Const(v) => Some(v),
                K::Root(_) | K::Field(..) => self.fact_at(e),
                _ => None,
            };
            if let Some(v) = borrowed {
                self.step(e)?;
                return Ok(Cow::Borrowed(v));
            }
        }
        self.eval(e).map(Cow::Owned)
    }

    fn eval(&mut self, e: &'p Expr) -> R {
        self.enter(e)?;
        let r = self.eval_traced(e);
        self.nesting -= 1;
        r
    }

    /// Counts the step of evaluating `e` and goes one level deeper (the
    /// caller comes back up).
    #[inline]
    fn enter(&mut self, e: &'p Expr) -> Result<(), Failed> {
        self.step(e)?;
        if self.nesting >= self.program.limits.expr_depth().saturating_mul(2) {
            return Err(self.too_deep(e));
        }
        self.nesting += 1;
        Ok(())
    }

    /// [`Evaluator::bool`] for the expressions that give a truth value by
    /// construction (see [`gives_truth`]): the same steps, depth, faults
    /// and result, without wrapping each truth value in a [`Value`] on the
    /// way up. Anything else, and everything while explaining, goes through
    /// [`Evaluator::bool`].
    #[inline]
    fn truth(&mut self, e: &'p Expr) -> Result<bool, Failed> {
        if self.trace.is_some() || !gives_truth(e) {
            return self.bool(e);
        }
        self.enter(e)?;
        let r = self.truth_node(e);
        self.nesting -= 1;
        r
    }

    fn truth_node(&mut self, e: &'p Expr) -> Result<bool, Failed> {
        match &e.kind {
            K::And(a, b) => Ok(self.truth(a)? && self.truth(b)?),
            K::Or(a, b) => Ok(self.truth(a)? || self.truth(b)?),
            K::Not(x) => Ok(!self.truth(x)?),
            K::Cmp(op, a, b) => {
                let x = self.present(a)?;
                let y = self.present(b)?;
                self.charge(e, size_cost(&x).min(size_cost(&y)))?;
                Ok(op.holds(&x, &y))
            }
            K::IsVariant(x, variant, negated) => {
                let v = self.operand(x)?;
                Ok((*v == *variant) != *negated)
            }
            K::IsPresent(x, want) => {
                let v = self.operand(x)?;
                Ok(v.is_absent() != *want)
            }
            _ => self.bool(e),
        }
    }

    fn eval_node(&mut self, e: &'p Expr) -> R {
        match &e.kind {
            K::Const(v) => Ok(v.clone()),
            K::Root(_) | K::Field(..) if self.trace.is_none() => {
                // A path into the facts is followed by reference: only the
                // value at its end is cloned (no reference-count traffic on
                // the records along the way).
                match self.fact_at(e) {
                    Some(v) => Ok(v.clone()),
                    None => self.field_of(e),
                }
            }
            // Explaining, the records along a path are not shown: a path
            // through records is read by reference too, and one through
            // an absent value step by step (it shows where it stops).
            K::Root(_) | K::Field(..) => match self.fact_through_records(e) {
                Some(v) => Ok(v.clone()),
                None => self.field_of(e),
            },
            K::Let(i) => {
                // When explaining, a computed value shows its own
                // comparisons under it: those recorded where it was first
                // shown, or it is evaluated again.
                if let Some(v) = self.replay_let(*i) {
                    return Ok(v);
                }
                match self.lets.get(*i) {
                    Some(Memo::Value(v)) if self.trace.is_none() => return Ok(v.clone()),
                    Some(Memo::Failed) => return Err(Failed),
                    _ => {}
                }
                let Some(l) = self.program.lets.get(*i) else {
                    return Ok(Value::Absent);
                };
                // Evaluated again (explaining): its texts were counted.
                let outer_replay = self.replay;
                self.replay |= matches!(self.lets.get(*i), Some(Memo::Value(_)));
                // A computed value is declared at package level: it sees no
                // quantifier variable, whatever quantifier first reads it.
                // Its own quantifiers number their variables from slot 0, so
                // it runs on a locals stack of its own and the reader's
                // variables are left untouched.
                let outer = std::mem::take(&mut self.locals);
                let start = self.trace_len();
                let r = self.eval(&l.expr);
                self.locals = outer;
                self.replay = outer_replay;
                if r.is_ok() {
                    self.record_let(*i, start);
                }
                if let Some(m) = self.lets.get_mut(*i) {
                    *m = match &r {
                        Ok(v) => Memo::Value(v.clone()),
                        Err(_) => Memo::Failed,
                    };
                }
                r
            }
            K::Local(slot) => Ok(self.locals.get(*slot).cloned().unwrap_or(Value::Absent)),
            K::Allowed => Ok(Value::Bool(self.allowed)),
            K::Not(x) => {
                let v = self.truth(x)?;
                Ok(Value::Bool(!v))
            }
            K::Neg(x) => match *self.present(x)? {
                Value::Int(i) => match i.checked_neg() {
                    Some(n) => Ok(Value::Int(n)),
                    None => Err(self.fault(
                        e,
                        codes::EVAL_OVERFLOW,
                        format!("-({i}) is too large"),
                        vec![],
                    )),
                },
                Value::Decimal(d) => Ok(Value::Decimal(normalize(-d))),
                _ => Ok(Value::Absent),
            },
            K::And(a, b) => Ok(Value::Bool(self.truth(a)? && self.truth(b)?)),
            K::Or(a, b) => Ok(Value::Bool(self.truth(a)? || self.truth(b)?)),
            K::Otherwise(a, b) => match self.eval(a)? {
                Value::Absent => self.eval(b),
                v => Ok(v),
            },
            K::Arith(op, a, b) => {
                let x = self.present(a)?;
                let y = self.present(b)?;
                self.arith(e, *op, a, b, &x, &y)
            }
            K::Cmp(op, a, b) => {
                let x = self.present(a)?;
                let y = self.present(b)?;
                self.charge(e, size_cost(&x).min(size_cost(&y)))?;
                Ok(Value::Bool(op.holds(&x, &y)))
            }
            K::In(a, b) => {
                let x = self.present(a)?;
                let list = self.present(b)?;
                // Each element is compared with `x`: that is the work.
                let scan = size_cost(&list).saturating_mul(1 + size_cost(&x));
                self.charge(e, scan)?;
                let found = match &*list {
                    Value::List(items) => items
                        .iter()
                        .any(|y| compare(&x, y).map_or(*x == *y, Ordering::is_eq)),
                    _ => false,
                };
                Ok(Value::Bool(found))
            }
            K::IsVariant(x, variant, negated) => {
                let v = self.operand(x)?;
                Ok(Value::Bool((*v == *variant) != *negated))
            }
            K::IsPresent(x, want) => {
                let v = self.operand(x)?;
                Ok(Value::Bool(v.is_absent() != *want))
            }
            K::If(c, t, f) => {
                let taken = self.truth(c)?;
                if let Some(b) = self.branches.as_mut() {
                    b.push((e.span, taken));
                }
                if taken {
                    self.eval(t)
                } else {
                    self.eval(f)
                }
            }
            K::Call(b, args) => {
                // Arguments on the stack: builtins take one to three, only `min` and
                // `max` may take more (those go to the heap).
                let mut inline = [Value::Absent, Value::Absent, Value::Absent, Value::Absent];
                let mut spilled = Vec::new();
                for (i, a) in args.iter().enumerate() {
                    let v = self.present(a)?.into_owned();
                    match inline.get_mut(i) {
                        Some(slot) => *slot = v,
                        None => spilled.push(v),
                    }
                }
                let vs: &[Value] = if args.len() <= inline.len() {
                    inline.get(..args.len()).unwrap_or_default()
                } else {
                    spilled.splice(0..0, inline);
                    &spilled
                };
                // A builtin reads its lists and texts whole (a holiday
                // list is sorted at each call): that work is counted too.
                let work = vs.iter().map(size_cost).fold(0u64, u64::saturating_add);
                self.charge(e, work)?;
                match builtins::call(*b, vs) {
                    Ok(v) => Ok(v),
                    Err(f) => {
                        let labels = args
                            .iter()
                            .zip(vs)
                            .map(|(a, v)| (a.span, format!("this is {v}")))
                            .collect();
                        Err(self.fault(e, f.code, format!("`{}`: {}", b.name(), f.message), labels))
                    }
                }
            }
            K::List(items) => {
                let mut vs = Vec::with_capacity(items.len());
                for i in items {
                    vs.push(self.present(i)?.into_owned());
                }
                Ok(Value::List(Arc::from(vs)))
            }
            K::Quant {
                kind,
                list,
                body,
                slot,
            } => self.quant(e, *kind, list, body.as_deref(), *slot),
            K::Interp(t) => {
                let mut s = String::new();
                for p in &t.parts {
                    match p {
                        Part::Text(text) => self.write_text(&mut s, text, e.span)?,
                        Part::Expr(x) => {
                            let v = self.present(x)?;
                            self.write_value(&mut s, &v, x.span)?;
                        }
                    }
                }
                Ok(Value::Str(Arc::from(s)))
            }
        }
    }

    /// Evaluates a value the checker proved present; absent is a fault.
    #[inline]
    fn present(&mut self, e: &'p Expr) -> Operand<'p> {
        let v = self.operand(e)?;
        if v.is_absent() {
            return Err(self.absent(e));
        }
        Ok(v)
    }

    fn bool(&mut self, e: &'p Expr) -> Result<bool, Failed> {
        let v = self.present(e)?;
        match *v {
            Value::Bool(b) => Ok(b),
            ref other => Err(self.not_bool(e, other)),
        }
    }
}

/// The steps it takes to read `v` whole (compare it, scan it, hand it to a
/// builtin), beyond the step of computing it: a list one a element, a text
/// one every 64 bytes (so that comparing two long texts, or searching a
/// long list, in a loop cannot run for minutes inside the step limit).
#[inline]
fn size_cost(v: &Value) -> u64 {
    match v {
        Value::List(items) => items.len() as u64,
        Value::Str(s) if s.len() >= 64 => (s.len() / 64) as u64,
        _ => 0,
    }
}

/// Whether `e` gives a truth value by its construction (never absent):
/// what [`Evaluator::truth`] evaluates directly.
fn gives_truth(e: &Expr) -> bool {
    matches!(
        e.kind,
        K::And(..) | K::Or(..) | K::Not(_) | K::Cmp(..) | K::IsVariant(..) | K::IsPresent(..)
    )
}

#[cfg(test)]
mod tests {
    use crate::{Package, Value};

    /// Calls with more arguments than fit on the stack keep their order.
    #[test]
    fn calls_with_many_arguments() {
        let policy = Package::from_sources([(
            "a.policy",
            "package a\nschema s { n: int }\n\
             output most = max(1, s.n, 3, 9, 2, 5)\n\
             output least = min(4, 6, s.n, 8, 0 - 2)\n\
             output few = max(s.n, 2)\n\
             output empty = if s.n > 100 then [1] else []",
        )])
        .check()
        .unwrap();
        let d = policy.evaluate_str("s: { n: 11 }").unwrap();
        assert_eq!(d.output("most"), Some(&Value::Int(11)));
        assert_eq!(d.output("least"), Some(&Value::Int(-2)));
        assert_eq!(d.output("few"), Some(&Value::Int(11)));
        assert_eq!(
            d.output("empty")
                .and_then(Value::as_list)
                .map(<[Value]>::len),
            Some(0)
        );
        let d = policy.evaluate_str("s: { n: 7 }").unwrap();
        assert_eq!(d.output("most"), Some(&Value::Int(9)));
    }
}
