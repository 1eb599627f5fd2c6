//! Faults: what an evaluation that cannot go on records, located in the
//! policy.

use super::*;

impl<'p> Evaluator<'p> {
    pub(super) fn fault(
        &mut self,
        e: &Expr,
        code: Code,
        message: String,
        labels: Vec<(crate::source::Span, String)>,
    ) -> Failed {
        self.fault_at(e.span, code, message, labels)
    }

    pub(super) fn fault_at(
        &mut self,
        span: crate::source::Span,
        code: Code,
        message: String,
        labels: Vec<(crate::source::Span, String)>,
    ) -> Failed {
        // Values from the facts may be shown (`this is …`): a short excerpt
        // of each, never a whole string or list.
        let message = crate::diag::capped(&message, 400);
        let labels = labels
            .into_iter()
            .map(|(span, text)| (span, crate::diag::capped(&text, 200)))
            .collect();
        self.faults.push((
            Fault {
                code,
                message,
                labels,
            },
            span,
        ));
        Failed
    }

    /// The fault of the step past the limit (out of the way of `step`,
    /// which is on every path).
    #[cold]
    #[inline(never)]
    pub(super) fn out_of_steps(&mut self, e: &Expr) -> Failed {
        self.exhausted = true;
        let max = self.program.limits.max_steps;
        self.fault(
            e,
            codes::LIMIT_STEPS,
            format!("deciding this request takes more than {max} evaluation steps"),
            vec![],
        )
    }

    /// The fault of nesting past the limit (out of the way of `enter`).
    #[cold]
    #[inline(never)]
    pub(super) fn too_deep(&mut self, e: &Expr) -> Failed {
        self.exhausted = true;
        let max = self.program.limits.expr_depth();
        self.fault(
            e,
            codes::LIMIT_DEPTH,
            format!("evaluating this nests more than {max} levels deep"),
            vec![],
        )
    }

    /// The fault of an absent value where one is required (out of line:
    /// `present` is on most paths).
    #[cold]
    #[inline(never)]
    pub(super) fn absent(&mut self, e: &Expr) -> Failed {
        let what = self.describe(e);
        self.fault(
            e,
            codes::EVAL_INVALID,
            format!("`{what}` is absent in this request"),
            vec![],
        )
    }

    /// The fault of a value that is not a truth value (out of line).
    #[cold]
    #[inline(never)]
    pub(super) fn not_bool(&mut self, e: &Expr, other: &Value) -> Failed {
        let what = self.describe(e);
        self.fault(
            e,
            codes::EVAL_INVALID,
            format!("`{what}` is {other}, not true or false"),
            vec![],
        )
    }

    pub(super) fn describe(&self, e: &Expr) -> String {
        self.program.sources.slice(e.span).to_string()
    }
}
