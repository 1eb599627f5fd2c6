//! Text a request renders (messages, helps, interpolations, outputs),
//! within the output budget.

use super::*;

impl<'p> Evaluator<'p> {
    /// How many more bytes of text this request may render (no bound while
    /// replaying what was already counted).
    #[inline]
    pub(super) fn room(&self) -> usize {
        if self.replay {
            usize::MAX
        } else {
            self.program
                .limits
                .max_output_bytes
                .saturating_sub(self.rendered)
        }
    }

    /// Appends literal text to a text being rendered, within the budget.
    #[inline]
    pub(super) fn write_text(
        &mut self,
        s: &mut String,
        text: &str,
        span: crate::source::Span,
    ) -> Result<(), Failed> {
        if text.len() > self.room() {
            return Err(self.too_much_output(span));
        }
        s.push_str(text);
        if !self.replay {
            self.rendered += text.len();
        }
        Ok(())
    }

    /// Appends the text of a value to a text being rendered, within the
    /// budget: writing stops as soon as the budget is spent.
    #[inline]
    pub(super) fn write_value(
        &mut self,
        s: &mut String,
        v: &Value,
        span: crate::source::Span,
    ) -> Result<(), Failed> {
        match v.push_text_within(s, self.room()) {
            Some(n) => {
                if !self.replay {
                    self.rendered += n;
                }
                Ok(())
            }
            None => Err(self.too_much_output(span)),
        }
    }

    /// Counts an output's value against the budget.
    #[inline]
    pub(super) fn count_output(&mut self, v: &Value, span: crate::source::Span) {
        match v.output_size_within(self.room()) {
            Some(n) => self.rendered += n,
            None => {
                self.too_much_output(span);
            }
        }
    }

    /// The fault of text past the output budget (out of line).
    #[cold]
    #[inline(never)]
    pub(super) fn too_much_output(&mut self, span: crate::source::Span) -> Failed {
        self.exhausted = true;
        let max = self.program.limits.max_output_bytes;
        self.fault_at(
            span,
            codes::LIMIT_OUTPUT,
            format!("deciding this request renders more than {max} bytes of text"),
            vec![],
        )
    }

    pub(super) fn texts(&mut self, rule: &'p Rule) -> (String, Option<String>) {
        let message = self.render(&rule.message, rule.span);
        let help = rule.help.as_ref().map(|h| self.render(h, rule.span));
        (message, help)
    }

    /// A rule's message or help (`span`: the rule, where its literal text
    /// is blamed for going over the output budget).
    pub(super) fn render(&mut self, t: &'p Template, span: crate::source::Span) -> String {
        let mut s = String::with_capacity(t.capacity_hint());
        for p in &t.parts {
            let written = match p {
                Part::Text(text) => self.write_text(&mut s, text, span),
                Part::Expr(e) => match self.operand(e) {
                    Ok(v) => self.write_value(&mut s, &v, e.span),
                    // Recorded; the other parts still report their faults.
                    Err(Failed) => Ok(()),
                },
            };
            if written.is_err() {
                break;
            }
        }
        s
    }
}
