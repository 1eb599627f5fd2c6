//! Observed evaluation: the sub-expression values of explanations, and
//! the rules and branches of coverage.

use super::*;

/// One evaluated sub-expression an explanation shows. A rule's steps are
/// in post-order: a step's shown sub-expressions are the `size - 1` steps
/// before it.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    /// Where it is written.
    pub span: crate::source::Span,
    /// What it gave.
    pub value: Value,
    /// How many steps its tree takes, itself included.
    pub size: u32,
    /// The number of its expression ([`crate::ir::Expr::id`]).
    pub expr: u32,
}

/// What an observed evaluation records.
#[derive(Debug, Default)]
pub(crate) struct Observe {
    /// Record the sub-expression values of every rule's conditions.
    pub explain: bool,
    /// Record rules fired and `if` branches taken.
    pub coverage: bool,
    /// Evaluate a `when` block condition or a computed value again each
    /// time it is read, instead of showing its recorded steps again (the
    /// oracle of the explanations' tests).
    pub no_replay: bool,
    /// One entry a rule, deny rules first, in package order.
    pub rules: Vec<RuleTrace>,
    /// The steps of every rule's conditions, one rule after the other
    /// (empty unless explaining; see [`RuleTrace::steps`]).
    pub steps: Vec<Step>,
    /// The root step of every shown condition ([`RuleTrace::conditions`]).
    pub roots: Vec<u32>,
    /// Whether the explanation grew past the output limit
    /// (`Limits::max_output_bytes`) and was left off (recording stopped
    /// there; the decision is made all the same).
    pub cut: bool,
    /// `if` expressions taken, with the branch (true: `then`).
    pub branches: Vec<(crate::source::Span, bool)>,
}

/// How one rule went.
#[derive(Debug, Clone)]
pub(crate) struct RuleTrace {
    /// Whether it is a deny rule (else a note).
    pub deny: bool,
    /// Its index among the deny (or note) rules.
    pub index: usize,
    /// Whether it fired.
    pub fired: bool,
    /// Its shown conditions, as positions in [`Observe::roots`] (empty
    /// unless explaining): each the root step of a tree in
    /// [`Observe::steps`].
    pub conditions: std::ops::Range<usize>,
}

/// What explaining remembers of the request being evaluated, so that a
/// `when` block's condition or a computed value evaluated once shows its
/// steps again wherever it is read, without being evaluated again.
#[derive(Debug, Default)]
pub(super) struct Recorded {
    /// Never replay ([`Observe::no_replay`]).
    pub off: bool,
    /// About how many bytes the recorded steps take shown.
    bytes: usize,
    /// Whether recording stopped at the output limit ([`Observe::cut`]).
    pub cut: bool,
    /// For each `when` block condition (by memo slot): what it gave and
    /// where its tree's root is.
    guards: Vec<Option<(bool, u32)>>,
    /// The root step of every shown condition, rule after rule (see
    /// [`RuleTrace::conditions`]).
    pub roots: Vec<u32>,
    /// For each computed value: where its steps are.
    lets: Vec<Option<std::ops::Range<usize>>>,
}

/// Sets `slot` of `list`, growing it as needed.
fn remember<T>(list: &mut Vec<Option<T>>, slot: usize, value: T) {
    if list.len() <= slot {
        list.resize_with(slot + 1, || None);
    }
    if let Some(s) = list.get_mut(slot) {
        *s = Some(value);
    }
}

impl<'p> Evaluator<'p> {
    /// Whether `rule` fires, recording its trace into `observe` if any.
    #[inline]
    pub(super) fn fires_observed(
        &mut self,
        rule: &'p Rule,
        explain: bool,
        deny: bool,
        index: usize,
        observe: &mut Option<&mut Observe>,
    ) -> bool {
        let Some(o) = observe.as_mut() else {
            return self.fires(rule);
        };
        if explain && !self.recorded.cut {
            let mut steps = std::mem::take(&mut o.steps);
            if steps.capacity() == 0 {
                // Room for a typical request's steps and conditions, grown
                // seldom.
                steps.reserve(256);
                self.recorded.roots.reserve(64);
            }
            self.trace = Some(steps);
        }
        let from = self.recorded.roots.len();
        let fired = self.fires(rule);
        let to = self.recorded.roots.len();
        if let Some(steps) = self.trace.take() {
            o.steps = steps;
        }
        o.rules.push(RuleTrace {
            deny,
            index,
            fired,
            // A rule that did not fire shows only the condition that
            // stopped it (the last one): the ones before it held.
            conditions: if fired {
                from
            } else {
                to.saturating_sub(1).max(from)
            }..to,
        });
        fired
    }

    /// How many steps are recorded (0 unless explaining).
    pub(super) fn trace_len(&self) -> usize {
        self.trace.as_ref().map_or(0, Vec::len)
    }

    /// Explaining, a `when` block condition (memo `slot`) already
    /// evaluated for an earlier rule: it is shown again for this one (its
    /// recorded tree, not a copy), and what it gave is returned.
    pub(super) fn replay_guard(&mut self, slot: Option<&usize>) -> Option<bool> {
        if self.recorded.off || self.trace.is_none() {
            return None;
        }
        let (holds, root) = (*self.recorded.guards.get(*slot?)?)?;
        self.recorded.roots.push(root);
        Some(holds)
    }

    /// Explaining: the condition just evaluated (from step `start` on),
    /// which gave `holds`, is one of the rule's shown conditions; when it
    /// is a `when` block's (memo `slot`), it is remembered for the block's
    /// other rules.
    pub(super) fn record_condition(&mut self, slot: Option<&usize>, start: usize, holds: bool) {
        let end = self.trace_len();
        if self.trace.is_none() || end <= start {
            return;
        }
        let root = u32::try_from(end - 1).unwrap_or(u32::MAX);
        self.recorded.roots.push(root);
        if let Some(&slot) = slot {
            remember(&mut self.recorded.guards, slot, (holds, root));
        }
    }

    /// Explaining, computed value `i` already evaluated and shown: its
    /// steps are shown again here, and its value returned.
    pub(super) fn replay_let(&mut self, i: usize) -> Option<Value> {
        if self.recorded.off {
            return None;
        }
        let trace = self.trace.as_mut()?;
        let range = self.recorded.lets.get(i)?.clone()?;
        let Some(Memo::Value(v)) = self.lets.get(i) else {
            return None;
        };
        trace.extend_from_within(range);
        Some(v.clone())
    }

    /// Explaining: remembers that computed value `i` has its steps from
    /// `start` on.
    pub(super) fn record_let(&mut self, i: usize, start: usize) {
        if self.trace.is_some() {
            let end = self.trace_len();
            remember(&mut self.recorded.lets, i, start..end);
        }
    }

    /// Evaluates `e`, recording it when explaining: everything recorded
    /// while it is evaluated is its tree, so its size is known when it is
    /// recorded. Below a condition, a whole record (it says nothing) and a
    /// literal (its value is what is written) are not recorded; what was
    /// recorded under them goes to their parent.
    pub(super) fn eval_traced(&mut self, e: &'p Expr) -> R {
        let Some(start) = self.trace.as_ref().map(Vec::len) else {
            return self.eval_node(e);
        };
        self.depth += 1;
        let r = self.eval_node(e);
        self.depth -= 1;
        let Ok(v) = &r else {
            return r;
        };
        let below = self.trace_len().saturating_sub(start);
        if self.depth > 0
            && (matches!(v, Value::Record(_))
                || below == 0
                    && !matches!(e.kind, K::Root(_) | K::Field(..) | K::Let(_) | K::Local(_))
                    && self.program.shown().is_literal(
                        e.id,
                        || crate::ir::shown::fold(self.program.sources.slice(e.span)),
                        v,
                    ))
        {
            return r;
        }
        // What it adds to the explanation, shown: past the output limit,
        // recording stops and the explanation is left off.
        let bytes = e.span.end.saturating_sub(e.span.start) as usize + 16 + shown_bytes(v);
        self.recorded.bytes = self.recorded.bytes.saturating_add(bytes);
        if self.recorded.bytes > self.program.limits.max_output_bytes {
            self.recorded.cut = true;
            self.trace = None;
            return r;
        }
        if let Some(t) = self.trace.as_mut() {
            t.push(Step {
                span: e.span,
                value: v.clone(),
                size: u32::try_from(below + 1).unwrap_or(u32::MAX),
                expr: e.id,
            });
        }
        r
    }
}

/// About how many bytes `v` takes shown (texts and lists in full, their
/// length counted; any other value a few bytes).
#[inline]
fn shown_bytes(v: &Value) -> usize {
    match v {
        Value::Str(s) | Value::Enum(s) => s.len() + 2,
        Value::List(items) | Value::Record(items) => {
            items.iter().map(shown_bytes).sum::<usize>() + items.len() + 2
        }
        _ => 8,
    }
}
