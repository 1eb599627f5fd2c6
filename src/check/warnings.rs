//! Warnings: what a package declares but never reads, rules that cannot
//! fire, conditions (or parts of them) that always or never hold or do not
//! depend on the request, deny rules without help.

use std::sync::Arc;

use super::logic::{negate, Atom, Builder, Domain, Formula, Key, Node, Test};
use super::{Checker, LetStatus};
use crate::diag::{codes, Diagnostics};
use crate::ir::{self, shown::fold, Cmp};
use crate::source::Span;
use crate::syntax::ast;
use crate::types::{RecordTy, Ty};
use crate::value::Value;

/// Whose condition a part belongs to: a rule's own, or a `when` block's
/// (shared by the rules inside it, and warned about once).
#[derive(Clone, Copy)]
enum Place<'r> {
    /// The rule's own `when`, or the whole of its conditions.
    Rule(&'r str),
    /// A `when` block's condition.
    Block,
}

impl<'a> Checker<'a> {
    pub(super) fn unused_warnings(&mut self) {
        for i in 0..self.names.lets.len() {
            let Some(l) = self.names.lets.get(i) else {
                continue;
            };
            if !l.used && !self.echo(&l.name.node) {
                let (name, span) = (l.name.node.clone(), l.name.span);
                let d = self
                    .diag(
                        codes::WARN_UNUSED_LET,
                        format!("`{name}` is computed but nothing reads it"),
                        span,
                        "never read",
                    )
                    .help("use it in a rule or an output, turn it into an `output`, or remove it");
                self.error(d);
            }
        }
        let roots = self.names.roots.clone();
        self.unused_fields(&roots, "");
    }

    /// Whether a warning that `name` is never read may echo an error
    /// reported before it (see [`super::Echoes`]).
    fn echo(&self, name: &str) -> bool {
        (self.report.diags.has_errors() || self.echoes.earlier_errors) && self.echoes.may_echo(name)
    }

    pub(super) fn unused_fields(&mut self, record: &Arc<RecordTy>, prefix: &str) {
        let key = Arc::as_ptr(record) as usize;
        for (i, f) in record.fields.iter().enumerate() {
            let path = if prefix.is_empty() {
                f.name.to_string()
            } else {
                format!("{prefix}.{}", f.name)
            };
            if !self.reads.fields.contains(&(key, i)) {
                let d = self
                    .diag(codes::WARN_UNUSED_FIELD, format!("the schema declares `{path}`, but nothing reads it"), f.span, "never read")
                    .help("read it in a rule, a message or an output, or remove it from the schema (facts that carry it will then be rejected)");
                self.error(d);
                continue;
            }
            let mut t = &f.ty;
            while let Ty::Optional(inner) | Ty::List(inner) = t {
                t = inner;
            }
            if let Ty::Record(r) = t {
                self.unused_fields(r, &path);
            }
        }
    }

    /// Warns about a rule that can never fire, and about the parts of its
    /// conditions that always hold or never do (decided by [`logic`]).
    pub(super) fn condition_warnings(&mut self, r: &ast::Rule, conditions: &[ir::Expr]) {
        let type_of = |k: &Key| self.subject_type(k);
        let mut b = Builder::new(&type_of);
        let roots: Vec<usize> = conditions.iter().map(|c| b.condition(c)).collect();
        let Some(f) = b.finish(self.logic_budget) else {
            return;
        };
        self.condition_warnings_of(r, &f, &roots);
        self.logic_budget = f.budget();
    }

    /// [`Checker::condition_warnings`] once the conditions are a formula
    /// (`roots`: each condition's node, the blocks' first).
    fn condition_warnings_of(&mut self, r: &ast::Rule, f: &Formula, roots: &[usize]) {
        let guards = r.guards.len().min(roots.len());
        let rule = Place::Rule(&r.name.node);
        // All conditions at once; each on its own when they are too many.
        let whole = f.outcomes(roots);
        if let Some((_, false)) = whole {
            let conjuncts: Vec<usize> = roots.iter().flat_map(|&n| f.chain(n, true)).collect();
            let Some(core) = f.core(&conjuncts, true) else {
                return;
            };
            // Within one `when` block's condition, it is the block's.
            let root_of = |n: usize| roots.iter().position(|&root| n <= root);
            let first = core.first().and_then(|&n| root_of(n));
            match first {
                Some(g) if g < guards && core.iter().all(|&n| root_of(n) == Some(g)) => {
                    let at = roots.get(g).copied().unwrap_or(0);
                    self.never_holds(f, at, &core, Place::Block, true);
                }
                _ => self.never_holds(f, 0, &core, rule, true),
            }
            return;
        }
        for (i, &root) in roots.iter().enumerate() {
            let alone;
            let seen = match &whole {
                Some((seen, _)) => seen,
                None => match f.outcomes(&[root]) {
                    Some((seen, _)) => {
                        alone = seen;
                        &alone
                    }
                    None => continue,
                },
            };
            let place = if i < guards { Place::Block } else { rule };
            self.constant_parts(f, root, seen, place, true);
        }
    }

    /// The declared type of what `key` names (a fact path, a computed
    /// value, `allowed`): optional when anything along a path is.
    fn subject_type(&self, key: &Key) -> Option<Ty> {
        match key {
            Key::Path(p) => {
                let (first, rest) = p.split_first()?;
                let mut ty = self.names.roots.fields.get(*first)?.ty.clone();
                let mut optional = ty.is_optional();
                for &i in rest {
                    let Ty::Record(r) = ty.required() else {
                        return None;
                    };
                    ty = r.fields.get(i)?.ty.clone();
                    optional |= ty.is_optional();
                }
                Some(if optional { ty.optional() } else { ty })
            }
            Key::Let(i) => match &self.names.lets.get(*i)?.status {
                LetStatus::Done { ty, .. } => Some(ty.clone()),
                _ => None,
            },
            Key::Allowed => Some(Ty::Bool),
            Key::Opaque(_) => None,
        }
    }

    /// Reports the largest parts under node `n` that always hold or never
    /// do (`seen`: whether each node can be true, can be false); `root`
    /// when `n` is a whole condition. A literal `true` says what it means.
    fn constant_parts(
        &mut self,
        f: &Formula,
        n: usize,
        seen: &[(bool, bool)],
        place: Place<'_>,
        root: bool,
    ) {
        let (can_hold, can_fail) = seen.get(n).copied().unwrap_or((false, false));
        let literal = matches!(f.node(n), Some(Node::Const { literal: true, .. }));
        if !literal && can_hold != can_fail {
            if can_hold {
                self.always_holds(f, n, place, root);
            } else {
                if let Some(core) = f.core(&f.chain(n, true), true) {
                    self.never_holds(f, n, &core, place, root);
                }
            }
            return;
        }
        for c in f.children(n) {
            self.constant_parts(f, c, seen, place, false);
        }
    }

    /// Reports that the tests of `core` cannot all hold: the part at node
    /// `n` never holds, or (`whole`) the rule, or the `when` block at `n`,
    /// can never fire. A block's warning is given once, for its first rule.
    fn never_holds(
        &mut self,
        f: &Formula,
        n: usize,
        core: &[usize],
        place: Place<'_>,
        whole: bool,
    ) {
        if matches!(place, Place::Block) && !self.warned_parts.insert(f.span(n)) {
            return;
        }
        let message = match (place, whole) {
            (Place::Rule(name), true) => format!("rule `{name}` can never fire"),
            (Place::Rule(name), false) => {
                format!("part of the condition of rule `{name}` can never hold")
            }
            (Place::Block, true) => {
                "no rule in this `when` block can fire: its condition never holds".to_string()
            }
            (Place::Block, false) => {
                "part of the condition of this `when` block can never hold".to_string()
            }
        };
        let spans: Vec<Span> = core.iter().map(|&c| f.span(c)).collect();
        let Some((&last, others)) = spans.split_last() else {
            return;
        };
        let (primary, other) = match others.len() {
            0 => ("never true", ""),
            1 => ("this test…", "…contradicts this one"),
            _ => ("this test…", "…and this one cannot all hold"),
        };
        let mut d = self.diag(codes::WARN_CONTRADICTION, message, last, primary);
        for &s in others {
            d = d.label(self.report.sources, s, other);
        }
        let fix = if others.is_empty() {
            "correct the test, or leave it out"
        } else {
            "did you mean `or`?"
        };
        let d = d.help(format!("{}; {fix}", self.explain(f, core, false).0));
        self.error(d);
    }

    /// Reports that node `n` (a whole condition when `root`) holds for
    /// every request; a block's warning is given once.
    fn always_holds(&mut self, f: &Formula, n: usize, place: Place<'_>, root: bool) {
        if matches!(place, Place::Block) && !self.warned_parts.insert(f.span(n)) {
            return;
        }
        let Some(core) = f.core(&f.chain(n, false), false) else {
            return;
        };
        let message = match (place, root) {
            (Place::Rule(name), true) => format!("the condition of rule `{name}` always holds"),
            (Place::Rule(name), false) => {
                format!("part of the condition of rule `{name}` always holds")
            }
            (Place::Block, true) => "the condition of this `when` block always holds".to_string(),
            (Place::Block, false) => {
                "part of the condition of this `when` block always holds".to_string()
            }
        };
        let spans: Vec<Span> = core.iter().map(|&c| f.span(c)).collect();
        let Some((&last, others)) = spans.split_last() else {
            return;
        };
        let (primary, other) = match others.len() {
            0 => ("true for every request", ""),
            1 => ("…or this one does", "either this test holds…"),
            _ => ("…or this one does", "one of these holds…"),
        };
        let mut d = self.diag(codes::WARN_CONSTANT_CONDITION, message, last, primary);
        for &s in others {
            d = d.label(self.report.sources, s, other);
        }
        // `x > 5 or x < 10` was likely meant as a range.
        let (why, range) = self.explain(f, &core, true);
        let fix = if others.is_empty() || !range {
            "correct the test, or leave it out"
        } else {
            "did you mean `and`?"
        };
        let d = d.help(format!("{why}; {fix}"));
        self.error(d);
    }

    /// Why the tests of `core` cannot all hold (or, `always`, why one of
    /// them always does): the tests as written, and what they ask of the
    /// value they share, when they share one; and whether they compare
    /// that value with constants (`x > 5`, `x in [1, 2]`).
    fn explain(&self, f: &Formula, core: &[usize], always: bool) -> (String, bool) {
        let texts: Vec<String> = core
            .iter()
            .map(|&n| format!("`{}`", fold(self.src(f.span(n)))))
            .collect();
        let short = texts.len() <= 3 && texts.iter().all(|t| t.chars().count() <= 48);
        let tests = match (short, texts.len()) {
            (true, _) => join(&texts, if always { "or" } else { "and" }),
            (false, 1) => "this test".to_string(),
            (false, 2) if !always => "the two tests".to_string(),
            (false, _) => "these tests".to_string(),
        };
        let verb = match (always, texts.len()) {
            (true, _) => "always holds",
            (false, 1) => "can never hold",
            (false, 2) => "cannot both hold",
            (false, _) => "cannot all hold",
        };
        match self.reason(f, core, always) {
            Some((reason, true)) => (reason, false),
            Some((reason, false)) => (format!("{tests} {verb}: {reason}"), true),
            None => (format!("{tests} {verb}"), false),
        }
    }

    /// What the tests of `core` ask of the one value they all test, in
    /// words (`no number is above 5 and below 3`), and whether the words
    /// name the value (`` `x` cannot be `a` and `b` at once ``) and so
    /// stand alone; `None` when they test more than one value, or
    /// something not in words.
    fn reason(&self, f: &Formula, core: &[usize], always: bool) -> Option<(String, bool)> {
        let lits: Vec<(&Atom, bool)> = core.iter().map(|&n| f.literal(n)).collect::<Option<_>>()?;
        let (first, _) = *lits.first()?;
        if !lits.iter().all(|(a, _)| f.same_subject(first, a)) {
            return None;
        }
        let domain = f.domain(first)?;
        let phrases: Vec<String> = lits
            .iter()
            .map(|(a, negated)| phrase(domain, &a.test, *negated))
            .collect::<Option<_>>()?;
        let values_only = lits
            .iter()
            .all(|(a, _)| matches!(a.test, Test::Cmp(..) | Test::In(_)));
        let subject = fold(self.src(first.subject_span));
        let and = join(&phrases, "and");
        let or = join(&phrases, "or");
        Some(match (domain.noun().filter(|_| values_only), always) {
            (Some(noun), false) => (format!("no {noun} is {and}"), false),
            (Some(noun), true) => (format!("every {noun} is {or}"), false),
            // `x is present` of a value that is not optional.
            (None, _)
                if lits.len() == 1
                    && !f.optional(first)
                    && matches!(first.test, Test::Present(_)) =>
            {
                let always = if always { "always" } else { "never" };
                (
                    format!("`{subject}` is {always} {and}: it is not optional"),
                    true,
                )
            }
            (None, false) if phrases.len() == 1 => (format!("`{subject}` is never {and}"), true),
            (None, false) => (format!("`{subject}` cannot be {and} at once"), true),
            (None, true) => (format!("`{subject}` is always {or}"), true),
        })
    }

    /// Warns about a deny rule that does not tell the user what to do.
    pub(super) fn deny_without_help(&mut self, r: &ast::Rule) {
        let d = self
            .diag(
                codes::WARN_DENY_WITHOUT_HELP,
                format!(
                    "deny rule `{}` does not tell the user what to do",
                    r.name.node
                ),
                r.name.span,
                "no `help`",
            )
            .help("add `help \"…\"` with the next step for the user");
        self.error(d);
    }

    /// Warns about a rule whose condition reads no fact.
    pub(super) fn constant_condition(&mut self, r: &ast::Rule) {
        let d = self
            .diag(
                codes::WARN_CONSTANT_CONDITION,
                format!(
                    "the condition of rule `{}` does not depend on the request",
                    r.name.node
                ),
                r.when
                    .as_ref()
                    .or(r.guards.last())
                    .map_or(r.name.span, |c| c.span),
                "same result for every request",
            )
            .help("compare a fact in the condition, or remove the rule if it is not needed");
        self.error(d);
    }
}

/// Leaves out the warnings that usually echo an error: unread fields and
/// constant conditions (a misspelled name reads nothing); they are
/// reported once the errors are fixed. An unread computed value is left
/// out only when it may echo an error ([`Checker::unused_warnings`]): a
/// package declares few of them, each for a reason, and one that is unread
/// beside an unrelated error is worth saying at once.
pub(super) fn drop_echoes(diags: &mut Diagnostics) {
    diags.retain(|d| {
        ![
            codes::WARN_UNUSED_FIELD.id,
            codes::WARN_CONSTANT_CONDITION.id,
        ]
        .contains(&d.code_id())
    });
}

/// `a`, `a OP b`, `a, b OP c`.
fn join(items: &[String], op: &str) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {op} {last}", rest.join(", ")),
    }
}

/// What an atom asks of its value, in words (`above 5`, `other than
/// \`a\``, `present`), negated or not; `None` for an order of values
/// that have none.
fn phrase(domain: &Domain, test: &Test, negated: bool) -> Option<String> {
    let shown = |v: &Value| match v {
        Value::Str(s) => format!("\"{s}\""),
        Value::Enum(_) | Value::Bool(_) => format!("`{v}`"),
        _ => v.to_string(),
    };
    let ordered = domain.noun().is_some();
    let in_time = matches!(domain, Domain::Date | Domain::Dense("instant"));
    Some(match test {
        Test::Cmp(op, c) => {
            let op = match (negated, op) {
                (false, op) => *op,
                (true, Cmp::Eq | Cmp::Ne) => negate(*op),
                (true, op) if ordered => negate(*op),
                (true, _) => return None,
            };
            let c = shown(c);
            match (op, in_time) {
                (Cmp::Eq, _) if !ordered || in_time => c,
                (Cmp::Eq, _) => format!("equal to {c}"),
                (Cmp::Ne, _) => format!("other than {c}"),
                _ if !ordered => return None,
                (Cmp::Gt, false) => format!("above {c}"),
                (Cmp::Ge, false) => format!("at least {c}"),
                (Cmp::Lt, false) => format!("below {c}"),
                (Cmp::Le, false) => format!("at most {c}"),
                (Cmp::Gt, true) => format!("after {c}"),
                (Cmp::Ge, true) => format!("not before {c}"),
                (Cmp::Lt, true) => format!("before {c}"),
                (Cmp::Le, true) => format!("not after {c}"),
            }
        }
        Test::In(list) => {
            let items: Vec<String> = list.iter().map(shown).collect();
            let items = if items.is_empty() {
                "an empty list".to_string()
            } else {
                items.join(", ")
            };
            if negated {
                format!("none of {items}")
            } else {
                format!("one of {items}")
            }
        }
        Test::Variant(v, not) => {
            if *not != negated {
                format!("other than {}", shown(v))
            } else {
                shown(v)
            }
        }
        Test::Present(want) => (if *want != negated {
            "present"
        } else {
            "absent"
        })
        .to_string(),
        Test::Truth => (if negated { "`false`" } else { "`true`" }).to_string(),
    })
}
