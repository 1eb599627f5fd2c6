//! Rules: their clauses, their conditions (with the `when` blocks around
//! them) and their message templates.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use super::lowering::Rules;
use super::{Checker, Env, Flags};
use crate::diag::{codes, Severity};
use crate::ir;
use crate::source::{Span, Spanned};
use crate::syntax::ast::{self, Effect, Item};
use crate::types::Ty;

impl<'a> Checker<'a> {
    /// Checks and compiles the rules: names and codes once each.
    pub(super) fn rules(&mut self, items: &[&'a Item]) -> Rules {
        let mut rules = Rules::default();
        let mut rule_spans: HashMap<Arc<str>, Span> = HashMap::default();
        let mut code_rules: HashMap<Arc<str>, (Arc<str>, Span)> = HashMap::default();
        for item in items {
            if let Item::Rule(r) = item {
                let duplicate = rule_spans.get(&r.name.node).copied();
                if let Some(first) = duplicate {
                    self.duplicate("rule", &r.name, first);
                } else {
                    rule_spans.insert(r.name.node.clone(), r.name.span);
                }
                if let Some((_, code)) = &r.effect {
                    if let Some((other, first)) = code_rules.get(&code.node).cloned() {
                        let d = self
                            .diag(codes::CHECK_DUPLICATE, format!("code `{}` is already used by rule `{other}`", code.node), code.span, "used again here")
                            .label(self.report.sources, first, "first used here")
                            .help("give each rule its own code, so that a decision says exactly which rule applied");
                        self.error(d);
                    } else {
                        code_rules.insert(code.node.clone(), (r.name.node.clone(), code.span));
                    }
                }
                // The second declaration is checked too (its errors are
                // its own), but only the first one is compiled.
                let compiled = self.rule(r);
                if let (Some((effect, rule)), None) = (compiled, duplicate) {
                    match effect {
                        Effect::Deny => rules.denies.push(rule),
                        Effect::Note => rules.notes.push(rule),
                    }
                }
            }
        }
        rules
    }

    /// Checks and compiles one rule; `None` when it lacks an effect or a
    /// message.
    fn rule(&mut self, r: &ast::Rule) -> Option<(Effect, ir::Rule)> {
        let Some((effect, code, message)) = self.rule_shape(r) else {
            // Its conditions and texts are not checked.
            self.echoes.unchecked = true;
            return None;
        };
        self.reads.flags = Flags::default();
        let known = self.report.diags.len();
        let (conditions, guard_slots, env) = self.rule_conditions(r);
        let cond_flags = self.reads.flags;
        // Conditions with an error are not judged: their compiled form
        // stands in for what could not be checked.
        let conditions_checked = self
            .report
            .diags
            .iter()
            .skip(known)
            .all(|d| d.severity_level() == Severity::Warning);
        let message_ir = self.template(message, &env);
        let help_ir = r.help.as_ref().map(|h| self.template(h, &env));
        if effect.node == Effect::Deny {
            self.deny_checks(r, effect.span);
        }
        if !cond_flags.facts && cond_flags.allowed.is_none() && !conditions.is_empty() {
            self.constant_condition(r);
        } else if conditions_checked {
            self.condition_warnings(r, &conditions);
        }
        Some((
            effect.node,
            ir::Rule {
                name: r.name.node.clone(),
                code: code.node.clone(),
                conditions,
                guard_slots,
                message: message_ir,
                help: help_ir,
                span: r.name.span,
            },
        ))
    }

    /// Reports the clauses a rule repeats or lacks; gives its effect, code
    /// and message when it has them.
    fn rule_shape<'r>(
        &mut self,
        r: &'r ast::Rule,
    ) -> Option<(&'r Spanned<Effect>, &'r ast::Ident, &'r ast::Template)> {
        // A clause written after the rule's `}` was reported there: the
        // rule is not reported again for lacking it.
        let incomplete = self.names.incomplete_rules.contains(&r.name.node);
        for s in &r.repeated {
            let (message, label, help) = self.repeated_clause(r, *s);
            let d = self
                .diag(codes::CHECK_RULE_SHAPE, message, *s, label)
                .help(help);
            self.error(d);
        }
        let Some((effect, code)) = &r.effect else {
            if incomplete {
                return None;
            }
            let d = self
                .diag(
                    codes::CHECK_RULE_SHAPE,
                    format!("rule `{}` neither denies nor notes anything", r.name.node),
                    r.name.span,
                    "no effect",
                )
                .help("add `deny CODE` (the request is refused) or `note CODE` (informational)");
            self.error(d);
            return None;
        };
        if let (Effect::Note, Some(h)) = (effect.node, &r.help) {
            let d = self
                .diag(
                    codes::CHECK_RULE_SHAPE,
                    format!(
                        "note `{}` has a `help`, but notes are information only",
                        r.name.node
                    ),
                    h.span,
                    "not shown anywhere",
                )
                .help("put the text in the note's `message`, or make the rule a `deny`");
            self.error(d);
        }
        if r.when.is_none() && r.guards.is_empty() && !incomplete {
            let d = self
                .diag(codes::CHECK_RULE_SHAPE, format!("rule `{}` never says when it applies", r.name.node), r.name.span, "no `when`")
                .help("add `when condition` to the rule, or put the rule inside a `when condition { … }` block");
            self.error(d);
        }
        let Some(message) = &r.message else {
            if incomplete {
                return None;
            }
            let d = self
                .diag(
                    codes::CHECK_RULE_SHAPE,
                    format!("rule `{}` has no message", r.name.node),
                    r.name.span,
                    "no `message`",
                )
                .help("add `message \"…\"` telling the user what happened");
            self.error(d);
            return None;
        };
        Some((effect, code, message))
    }

    /// The message, label and help for a clause that rule `r` repeats (at
    /// `clause`): what to do depends on the clause.
    fn repeated_clause(&self, r: &ast::Rule, clause: Span) -> (String, &'static str, &'static str) {
        let name = &r.name.node;
        let keyword = self
            .report
            .sources
            .slice(clause)
            .split(|c: char| !c.is_ascii_alphabetic())
            .next()
            .unwrap_or("");
        let first_effect = r.effect.as_ref().map(|(e, _)| e.node);
        match keyword {
            "deny" | "note" => {
                let again = if keyword == "deny" {
                    Effect::Deny
                } else {
                    Effect::Note
                };
                if first_effect.is_some_and(|first| first != again) {
                    (
                        format!("rule `{name}` both denies and notes"),
                        "second effect",
                        "a rule either denies (`deny CODE`) or notes (`note CODE`): make two rules, one for each",
                    )
                } else {
                    (
                        format!("rule `{name}` has two `{keyword}` clauses"),
                        "second code",
                        "a rule gives one code: keep one, or make one rule for each code",
                    )
                }
            }
            "when" => (
                format!("rule `{name}` has two `when` clauses"),
                "second condition",
                "a rule has one `when`: join the conditions with `and` (or `or`)",
            ),
            "message" => (
                format!("rule `{name}` has two `message` clauses"),
                "second message",
                "a rule has one `message`: put all of the text in one (`{…}` shows a value in it)",
            ),
            "help" => (
                format!("rule `{name}` has two `help` clauses"),
                "second help",
                "a rule has one `help`: put all of the advice in one text",
            ),
            _ => (
                format!("rule `{name}` has this clause twice"),
                "repeated clause",
                "a rule has one `deny`/`note`, one `when`, one `message` and one `help`",
            ),
        }
    }

    /// Checks and compiles a rule's conditions, its `when` blocks' first;
    /// gives them, the memo slots of the blocks' conditions, and the
    /// environment they leave (the paths they prove present).
    fn rule_conditions(&mut self, r: &ast::Rule) -> (Vec<ir::Expr>, Vec<usize>, Env) {
        let mut env = Env::default();
        let mut conditions = Vec::new();
        let mut guard_slots = Vec::with_capacity(r.guards.len());
        for g in &r.guards {
            let fresh = self.guard_slots.len();
            guard_slots.push(*self.guard_slots.entry(g.span).or_insert(fresh));
        }
        for g in &r.guards {
            conditions.push(self.guard(g, &env));
            env = env.with_present(self.presence(g, true));
        }
        if let Some(c) = &r.when {
            let (x, ty) = self.expr(c, &env);
            self.need_condition(&ty, c);
            env = env.with_present(self.presence(c, true));
            conditions.push(x);
        }
        (conditions, guard_slots, env)
    }

    /// Checks and compiles the condition of a `when` block, for one of the
    /// rules (or empty blocks) inside it: its errors are reported for the
    /// first only.
    fn guard(&mut self, g: &ast::Expr, env: &Env) -> ir::Expr {
        let first = self.checked_guards.insert(g.span);
        let known = self.report.diags.len();
        let (x, ty) = self.expr(g, env);
        self.need_condition(&ty, g);
        if !first {
            self.report.diags.truncate(known);
        }
        x
    }

    /// Checks the conditions of the `when` blocks that hold no rule, and
    /// warns about each (the outermost of nested ones).
    pub(super) fn empty_blocks(&mut self, files: &[ast::File]) {
        for block in files.iter().flat_map(|f| &f.empty_blocks) {
            let mut env = Env::default();
            for g in &block.guards {
                self.guard(g, &env);
                env = env.with_present(self.presence(g, true));
            }
            let Some(head) = block.head else { continue };
            let d = self
                .diag(
                    codes::WARN_EMPTY_BLOCK,
                    "this `when` block holds no rule",
                    head,
                    "guards nothing",
                )
                .help("put the rules it is meant for inside its `{ … }`, or remove the block");
            self.error(d);
        }
    }

    /// Reports a deny rule that reads `allowed`, or gives no help.
    fn deny_checks(&mut self, r: &ast::Rule, effect: Span) {
        if let Some(at) = self.reads.flags.allowed {
            let d = self
                .diag(codes::CHECK_ALLOWED_MISUSE, format!("deny rule `{}` depends on whether the request is allowed", r.name.node), at, "reads `allowed`")
                .label(self.report.sources, effect, "in this deny rule")
                .help("`allowed` is known only after every deny rule has run; use it in notes and outputs only");
            self.error(d);
        }
        if r.help.is_none() && !self.names.incomplete_rules.contains(&r.name.node) {
            self.deny_without_help(r);
        }
    }

    /// Requires a condition: a present value (an optional bool needs a test
    /// or a default), true or false. An optional value of another type
    /// (`when basket.coupon`) is one error, whose help is its presence test.
    pub(super) fn need_condition(&mut self, ty: &Ty, e: &ast::Expr) {
        if self.presence_meant(ty, e, false).is_some() {
            self.condition(ty, e);
            return;
        }
        let ty = self.need(ty, e);
        self.condition(&ty, e);
    }

    fn condition(&mut self, ty: &Ty, e: &ast::Expr) {
        if let Some(help) = self.presence_meant(ty, e, false) {
            let d = self
                .diag(
                    codes::CHECK_NOT_BOOL,
                    format!("a condition must be true or false, but this is {ty:#}"),
                    e.span,
                    format!("{ty}"),
                )
                .help(help);
            self.error(d);
            return;
        }
        match ty {
            Ty::Bool | Ty::Any => {}
            Ty::Optional(inner) if matches!(**inner, Ty::Bool) => {}
            other => {
                let d = self
                    .diag(
                        codes::CHECK_NOT_BOOL,
                        format!("a condition must be true or false, but this is {other:#}"),
                        e.span,
                        format!("{other}"),
                    )
                    .help({
                        let src = self.src(e.span).to_string();
                        match other {
                            Ty::Int | Ty::Decimal => format!("compare it, for example `{src} > 0`"),
                            Ty::Enum(en) => format!(
                                "test a variant, for example `{src} is {}`",
                                en.variants.first().map_or("x", |v| v)
                            ),
                            Ty::Str => format!("compare it, for example `{src} == \"…\"`"),
                            _ => {
                                format!("write a comparison such as `{src} == …`, or an `is` test")
                            }
                        }
                    });
                self.error(d);
            }
        }
    }

    pub(super) fn template(&mut self, t: &ast::Template, env: &Env) -> ir::Template {
        let mut parts = Vec::new();
        for p in &t.parts {
            match p {
                ast::TemplatePart::Text(s) => parts.push(ir::Part::Text(Arc::from(s.as_str()))),
                ast::TemplatePart::Expr(e) => {
                    let (x, ty) = self.expr(e, env);
                    let ty = self.need(&ty, e);
                    self.shown_in_text(&ty, e);
                    parts.push(ir::Part::Expr(x));
                }
            }
        }
        ir::Template { parts }
    }

    /// Refuses a record (or a list of records) between braces in a text: it
    /// would read `{…}` to the user, not its values.
    fn shown_in_text(&mut self, ty: &Ty, e: &ast::Expr) {
        let mut inner = ty;
        let mut list = false;
        while let Ty::List(t) = inner {
            list = true;
            inner = t;
        }
        let Ty::Record(r) = inner else { return };
        let src = self.src(e.span).to_string();
        let field = r.fields.first().map_or("field", |f| &*f.name).to_string();
        let help = if list {
            format!(
                "show what the reader needs of them: how many (`{{length({src})}}`), or a field of each (`{{sum x in {src} of x.{field}}}` for a number)"
            )
        } else {
            format!("show its fields, such as `{{{src}.{field}}}`")
        };
        let what = if list {
            "a list of records"
        } else {
            "a record"
        };
        self.mismatch(
            format!("{what} cannot be shown in a text: it would read `{{…}}`"),
            e.span,
            format!("{ty}"),
            &help,
        );
    }
}
