//! The reference evaluator: the simplest correct walk of the compiled tree.
//!
//! It is kept as the meaning of a program, not for speed: no memoized
//! computed values (a `let` is computed again wherever it is read), locals
//! in a plain environment, every value cloned where it is read. The fast
//! evaluator (`eval.rs`, beside it) must agree with it on every program and facts:
//! `tests/differential.rs` checks that on generated policies and facts.
//!
//! The rules it follows are those of `docs/language.md`: the identifier
//! first, then the deny rules in order (a rule's conditions left to right,
//! stopping at the first that is not true), then `allowed`, the notes and
//! the outputs. A fault anywhere (division by zero, overflow, an absent
//! value where one is needed, a value a builtin refuses) leaves the request
//! undecided. A fault's code is what the reference reports: the fast path
//! may say it once where the reference, recomputing, says it twice.
//!
//! The output budget (`Limits::max_output_bytes`) counts every text built
//! while deciding, a computed value's once and a `when` block condition's
//! once (when it held or not): the reference, recomputing them, replays
//! them without counting. Once the budget is spent, nothing more is
//! computed (every later evaluation fails with the same code).

use std::cmp::Ordering;
use std::sync::Arc;

use crate::builtins::{self, compare};
use crate::decision::{Decision, Note, Reason, Verdict};
use crate::diag::codes;
use crate::ir::{Arith, Cmp, Expr, ExprKind as K, Part, Program, Rule, Template};
use crate::package::{Facts, Policy};
use crate::syntax::ast::Quant;
use crate::value::{normalize, Value};

/// A fault: its code.
type Fault = &'static str;

type R = Result<Value, Fault>;

struct Walk<'p> {
    program: &'p Program,
    facts: &'p [Value],
    locals: Vec<Value>,
    allowed: bool,
    /// Bytes of text rendered so far.
    rendered: usize,
    /// Whether the output budget is spent.
    spent: bool,
    /// Whether what is being evaluated was counted already.
    replay: bool,
    /// The computed values evaluated at least once.
    lets_counted: Vec<bool>,
    /// The `when` block conditions evaluated once without a fault.
    guards_counted: Vec<bool>,
}

/// Decides `facts` with the reference evaluator: the decision, or the codes
/// of every fault met (in the order met, repeats kept).
pub fn evaluate(policy: &Policy, facts: &Facts) -> Result<Decision, Vec<&'static str>> {
    // The host's reference data fills the optional roots the facts leave out.
    let facts = policy.with_reference(facts.value());
    evaluate_program(policy.program(), &facts)
}

/// Decides `facts` (the record of the fact roots, reference data filled
/// in) on the compiled `program` with the reference evaluator.
fn evaluate_program(program: &Program, facts: &Value) -> Result<Decision, Vec<&'static str>> {
    let roots: &[Value] = match facts {
        Value::Record(r) => r,
        _ => &[],
    };
    let mut w = Walk {
        program,
        facts: roots,
        locals: Vec::new(),
        allowed: false,
        rendered: 0,
        spent: false,
        replay: false,
        lets_counted: vec![false; program.lets.len()],
        guards_counted: vec![false; program.guard_count],
    };
    let mut faults = Vec::new();
    let note = |r: R, faults: &mut Vec<Fault>| match r {
        Ok(v) => v,
        Err(f) => {
            faults.push(f);
            Value::Absent
        }
    };
    let id = match &program.identifier {
        Some(x) => note(w.eval(x), &mut faults),
        None => Value::Absent,
    };
    let mut reasons = Vec::new();
    for rule in &program.denies {
        if w.fires(rule, &mut faults) {
            let message = w.render(&rule.message, &mut faults);
            let help = rule.help.as_ref().map(|h| w.render(h, &mut faults));
            reasons.push(Reason {
                code: rule.code.to_string(),
                rule: rule.name.to_string(),
                message,
                help,
                span: rule.span,
            });
        }
    }
    w.allowed = reasons.is_empty();
    let mut notes = Vec::new();
    for rule in &program.notes {
        if w.fires(rule, &mut faults) {
            let message = w.render(&rule.message, &mut faults);
            notes.push(Note {
                code: rule.code.to_string(),
                message,
                rule: rule.name.to_string(),
                span: rule.span,
            });
        }
    }
    let mut outputs = Vec::new();
    for o in &program.outputs {
        let v = match w.eval(&o.expr) {
            Ok(v) => {
                // A computed output counts against the budget.
                let size = v.output_size_within(w.room());
                if let Err(f) = w.count(size) {
                    faults.push(f);
                }
                v
            }
            Err(f) => {
                faults.push(f);
                Value::Absent
            }
        };
        outputs.push(v);
    }
    if !faults.is_empty() {
        return Err(faults);
    }
    let verdict = if w.allowed {
        Verdict::Allow
    } else {
        Verdict::Deny
    };
    Ok(Decision {
        id,
        verdict,
        reasons,
        notes,
        outputs,
        output_decls: program.output_decls.clone(),
    })
}

impl<'p> Walk<'p> {
    fn fires(&mut self, rule: &'p Rule, faults: &mut Vec<Fault>) -> bool {
        for (i, c) in rule.conditions.iter().enumerate() {
            // A `when` block's condition counts its texts once.
            let slot = rule.guard_slots.get(i).copied();
            let outer = self.replay;
            if let Some(s) = slot {
                self.replay |= self.guards_counted.get(s).copied().unwrap_or(false);
            }
            let r = self.eval(c);
            self.replay = outer;
            if let (Ok(_), Some(seen)) = (&r, slot.and_then(|s| self.guards_counted.get_mut(s))) {
                *seen = true;
            }
            match r {
                Ok(Value::Bool(true)) => {}
                Ok(_) => return false,
                Err(f) => {
                    faults.push(f);
                    return false;
                }
            }
        }
        true
    }

    fn render(&mut self, t: &'p Template, faults: &mut Vec<Fault>) -> String {
        let mut s = String::new();
        for p in &t.parts {
            let written = match p {
                Part::Text(text) => self.write(&mut s, &Value::Str(Arc::from(&**text))),
                Part::Expr(e) => match self.eval(e) {
                    Ok(v) => self.write(&mut s, &v),
                    Err(f) => {
                        faults.push(f);
                        Ok(())
                    }
                },
            };
            if let Err(f) = written {
                faults.push(f);
                break;
            }
        }
        s
    }

    /// How many more bytes of text may be rendered.
    fn room(&self) -> usize {
        if self.replay {
            usize::MAX
        } else {
            self.program
                .limits
                .max_output_bytes
                .saturating_sub(self.rendered)
        }
    }

    /// Counts `size` bytes rendered (`None`: more than there was room for).
    fn count(&mut self, size: Option<usize>) -> Result<(), Fault> {
        match size {
            Some(n) if !self.replay => {
                self.rendered += n;
                Ok(())
            }
            Some(_) => Ok(()),
            None => {
                self.spent = true;
                Err(codes::LIMIT_OUTPUT.id)
            }
        }
    }

    /// Appends the text of `v` to `s`, within the budget (written no
    /// further than the budget allows).
    fn write(&mut self, s: &mut String, v: &Value) -> Result<(), Fault> {
        let size = v.push_text_within(s, self.room());
        self.count(size)
    }

    fn eval(&mut self, e: &'p Expr) -> R {
        if self.spent {
            return Err(codes::LIMIT_OUTPUT.id);
        }
        match &e.kind {
            K::Const(v) => Ok(v.clone()),
            K::Root(i) => Ok(self.facts.get(*i).cloned().unwrap_or(Value::Absent)),
            K::Field(inner, i) => match self.eval(inner)? {
                Value::Record(fields) => Ok(fields.get(*i).cloned().unwrap_or(Value::Absent)),
                _ => Ok(Value::Absent),
            },
            // A computed value is evaluated where it is declared, at package
            // level: in an environment with no quantifier variable.
            K::Let(i) => match self.program.lets.get(*i) {
                Some(l) => {
                    // Its texts count the first time only.
                    let outer_replay = self.replay;
                    if let Some(counted) = self.lets_counted.get_mut(*i) {
                        self.replay |= *counted;
                        *counted = true;
                    }
                    let outer = std::mem::take(&mut self.locals);
                    let r = self.eval(&l.expr);
                    self.locals = outer;
                    self.replay = outer_replay;
                    r
                }
                None => Ok(Value::Absent),
            },
            K::Local(slot) => Ok(self.locals.get(*slot).cloned().unwrap_or(Value::Absent)),
            K::Allowed => Ok(Value::Bool(self.allowed)),
            K::Not(x) => Ok(Value::Bool(!self.bool(x)?)),
            K::Neg(x) => match self.present(x)? {
                Value::Int(i) => i
                    .checked_neg()
                    .map(Value::Int)
                    .ok_or(codes::EVAL_OVERFLOW.id),
                Value::Decimal(d) => Ok(Value::Decimal(normalize(-d))),
                _ => Ok(Value::Absent),
            },
            K::And(a, b) => Ok(Value::Bool(self.bool(a)? && self.bool(b)?)),
            K::Or(a, b) => Ok(Value::Bool(self.bool(a)? || self.bool(b)?)),
            K::Otherwise(a, b) => match self.eval(a)? {
                Value::Absent => self.eval(b),
                v => Ok(v),
            },
            K::Arith(op, a, b) => {
                let x = self.present(a)?;
                let y = self.present(b)?;
                arith(*op, &x, &y)
            }
            K::Cmp(op, a, b) => {
                let x = self.present(a)?;
                let y = self.present(b)?;
                let ord = compare(&x, &y);
                Ok(Value::Bool(match op {
                    Cmp::Eq => ord.map_or(x == y, Ordering::is_eq),
                    Cmp::Ne => ord.map_or(x != y, Ordering::is_ne),
                    Cmp::Lt => ord.is_some_and(Ordering::is_lt),
                    Cmp::Le => ord.is_some_and(Ordering::is_le),
                    Cmp::Gt => ord.is_some_and(Ordering::is_gt),
                    Cmp::Ge => ord.is_some_and(Ordering::is_ge),
                }))
            }
            K::In(a, b) => {
                let x = self.present(a)?;
                let found = match self.present(b)? {
                    Value::List(items) => items
                        .iter()
                        .any(|y| compare(&x, y).map_or(&x == y, Ordering::is_eq)),
                    _ => false,
                };
                Ok(Value::Bool(found))
            }
            K::IsVariant(x, variant, negated) => {
                Ok(Value::Bool((&self.eval(x)? == variant) != *negated))
            }
            K::IsPresent(x, want) => Ok(Value::Bool(self.eval(x)?.is_absent() != *want)),
            K::If(c, t, f) => {
                if self.bool(c)? {
                    self.eval(t)
                } else {
                    self.eval(f)
                }
            }
            K::Call(b, args) => {
                let mut vs = Vec::new();
                for a in args {
                    vs.push(self.present(a)?);
                }
                builtins::call(*b, &vs).map_err(|f| f.code.id)
            }
            K::List(items) => {
                let mut vs = Vec::new();
                for i in items {
                    vs.push(self.present(i)?);
                }
                Ok(Value::List(Arc::from(vs)))
            }
            K::Quant {
                kind,
                list,
                body,
                slot,
            } => {
                let Value::List(items) = self.present(list)? else {
                    return Ok(Value::Absent);
                };
                let mut count: i64 = 0;
                let mut sum = Value::Int(0);
                for item in items.iter() {
                    self.locals.truncate(*slot);
                    self.locals.push(item.clone());
                    let v = match body {
                        Some(b) => self.eval(b),
                        None => Ok(item.clone()),
                    };
                    self.locals.truncate(*slot);
                    let v = v?;
                    let t = v == Value::Bool(true);
                    match kind {
                        // Any and all stop at the first element that settles them.
                        Quant::Any if t => return Ok(Value::Bool(true)),
                        Quant::All if !t => return Ok(Value::Bool(false)),
                        Quant::Count if body.is_none() || t => count = count.saturating_add(1),
                        Quant::Sum => sum = arith(Arith::Add, &sum, &v)?,
                        _ => {}
                    }
                }
                Ok(match kind {
                    Quant::Any => Value::Bool(false),
                    Quant::All => Value::Bool(true),
                    Quant::Count => Value::Int(count),
                    Quant::Sum => sum,
                })
            }
            K::Interp(t) => {
                let mut s = String::new();
                for p in &t.parts {
                    match p {
                        Part::Text(text) => self.write(&mut s, &Value::Str(Arc::from(&**text)))?,
                        Part::Expr(x) => {
                            let v = self.present(x)?;
                            self.write(&mut s, &v)?;
                        }
                    }
                }
                Ok(Value::Str(Arc::from(s)))
            }
        }
    }

    /// A value that must be there.
    fn present(&mut self, e: &'p Expr) -> R {
        match self.eval(e)? {
            Value::Absent => Err(codes::EVAL_INVALID.id),
            v => Ok(v),
        }
    }

    /// A value that must be true or false.
    fn bool(&mut self, e: &'p Expr) -> Result<bool, Fault> {
        match self.present(e)? {
            Value::Bool(b) => Ok(b),
            _ => Err(codes::EVAL_INVALID.id),
        }
    }
}

/// `x op y`: whole numbers stay whole (but `/` gives a decimal); overflow
/// and division by zero are faults.
fn arith(op: Arith, x: &Value, y: &Value) -> R {
    if let (Value::Int(i), Value::Int(j), false) = (x, y, op == Arith::Div) {
        let r = match op {
            Arith::Add => i.checked_add(*j),
            Arith::Sub => i.checked_sub(*j),
            _ => i.checked_mul(*j),
        };
        return r.map(Value::Int).ok_or(codes::EVAL_OVERFLOW.id);
    }
    let (Some(p), Some(q)) = (x.as_decimal(), y.as_decimal()) else {
        return Ok(Value::Absent);
    };
    if op == Arith::Div && q.is_zero() {
        return Err(codes::EVAL_DIVISION_BY_ZERO.id);
    }
    let r = match op {
        Arith::Add => p.checked_add(q),
        Arith::Sub => p.checked_sub(q),
        Arith::Mul => p.checked_mul(q),
        Arith::Div => p.checked_div(q),
    };
    let mut r = r.ok_or(codes::EVAL_OVERFLOW.id)?;
    // Exact or refused: the places the exact result needs (the operands'
    // places without their trailing zeros) must all be there.
    let (pn, qn) = (p.normalize(), q.normalize());
    let needed = match op {
        Arith::Add | Arith::Sub => Some(pn.scale().max(qn.scale())),
        Arith::Mul => Some(pn.scale() + qn.scale()),
        Arith::Div => None,
    };
    if needed.is_some_and(|n| !p.is_zero() && !q.is_zero() && r.scale() < n) {
        return Err(codes::EVAL_OVERFLOW.id);
    }
    // The places the language promises: the larger of the operands' for
    // `+` and `-`, their sum (up to 28) for `*`, whatever the decimal
    // library does with a zero operand.
    let places = match op {
        Arith::Add | Arith::Sub => Some(p.scale().max(q.scale())),
        Arith::Mul => Some((p.scale() + q.scale()).min(28)),
        Arith::Div => None,
    };
    if let Some(places) = places.filter(|&n| n > r.scale()) {
        r.rescale(places);
    }
    Ok(Value::Decimal(normalize(r)))
}
