//! Observed evaluation: the sub-expression values of explanations, and
//! the rules and branches of coverage.

use super::*;

/// One evaluated sub-expression, for explanations.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    /// How deep in the rule's condition (0 = a whole condition).
    pub depth: u32,
    /// Where it is written.
    pub span: crate::source::Span,
    /// What it gave.
    pub value: Value,
}

/// What an observed evaluation records.
#[derive(Debug, Default)]
pub(crate) struct Observe {
    /// Record the sub-expression values of every rule's conditions.
    pub explain: bool,
    /// Record rules fired and `if` branches taken.
    pub coverage: bool,
    /// One entry a rule, deny rules first, in package order.
    pub rules: Vec<RuleTrace>,
    /// `if` expressions taken, with the branch (true: `then`).
    pub branches: Vec<(crate::source::Span, bool)>,
}

/// How one rule went.
#[derive(Debug)]
pub(crate) struct RuleTrace {
    /// Whether it is a deny rule (else a note).
    pub deny: bool,
    /// Its index among the deny (or note) rules.
    pub index: usize,
    /// Whether it fired.
    pub fired: bool,
    /// Its conditions' sub-expressions, in post-order (empty unless explaining).
    pub steps: Vec<Step>,
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
        if explain {
            self.trace = Some(Vec::new());
        }
        let fired = self.fires(rule);
        let steps = self.trace.take().unwrap_or_default();
        o.rules.push(RuleTrace {
            deny,
            index,
            fired,
            steps,
        });
        fired
    }

    pub(super) fn eval_traced(&mut self, e: &'p Expr) -> R {
        if self.trace.is_none() {
            return self.eval_node(e);
        }
        self.depth += 1;
        let r = self.eval_node(e);
        self.depth -= 1;
        if let (Some(t), Ok(v)) = (self.trace.as_mut(), &r) {
            t.push(Step {
                depth: self.depth,
                span: e.span,
                value: v.clone(),
            });
        }
        r
    }
}
