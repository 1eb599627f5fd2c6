//! How a decision came about: per-rule explanations (the value of every
//! sub-expression of a rule's condition), and coverage (which rules fired
//! and which `if` branches were taken over many requests, in
//! [`coverage`]).
//!
//! An explanation keeps what the evaluation recorded (each rule's shown
//! sub-expressions with their values, in post-order) and what the package
//! shows of each expression ([`crate::ir::shown`], worked out once): it is
//! written out as JSON from there, and turned into trees of
//! [`ExplainNode`]s only when asked ([`Explanation::rules`]).

use std::ops::Range;
use std::sync::Arc;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::decision::Decision;
use crate::diag::Diagnostics;
use crate::eval::{self, Observe, RuleTrace, Step};
use crate::ir::shown::{fold, Shown};
use crate::ir::Program;
use crate::json_text::write_str;
use crate::package::{Facts, Policy};
use crate::types::Ty;
use crate::value::Value;

mod coverage;

pub use coverage::{BranchCoverage, Coverage, CoverageReport, RuleCoverage};

/// The explanation of one decision: every rule, whether it fired, and why
/// ([`Policy::explain`]).
#[derive(Clone)]
pub struct Explanation {
    program: Arc<Program>,
    /// One trace a rule, deny rules first, in package order.
    traces: Vec<RuleTrace>,
    /// The shown steps, trees in post-order with their sizes.
    steps: Vec<Step>,
    /// The root step of each rule's shown conditions (a range of them a
    /// rule, [`RuleTrace::conditions`]); a `when` block's condition is one
    /// tree shown under each rule of the block.
    roots: Vec<u32>,
    /// Whether it was left off, larger than the output limit.
    omitted: bool,
}

/// How one rule went on one request.
#[derive(Debug, Clone, Serialize)]
pub struct RuleExplanation {
    /// The rule's name.
    pub rule: String,
    /// Its code.
    pub code: String,
    /// `deny` or `note`.
    pub effect: &'static str,
    /// Whether it fired.
    pub fired: bool,
    /// Where it is written, `file:line:column`.
    pub location: String,
    /// Its conditions, each a tree of sub-expressions with their values:
    /// when it fired, every condition (enclosing `when` blocks first), all
    /// of which held; when it did not, the one condition that stopped it
    /// (the first that did not hold, or could not be decided).
    pub conditions: Vec<ExplainNode>,
}

/// A sub-expression and the value it had.
#[derive(Debug, Clone)]
pub struct ExplainNode {
    /// The expression as written (white space folded to single spaces).
    pub expr: String,
    /// Its value on this request.
    pub value: Value,
    /// Its own sub-expressions that were evaluated (in JSON, left out
    /// when there are none).
    pub children: Vec<ExplainNode>,
}

impl Serialize for ExplainNode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("ExplainNode", 3)?;
        st.serialize_field("expr", &self.expr)?;
        st.serialize_field("value", &self.value.to_json(&Ty::Any))?;
        if self.children.is_empty() {
            st.skip_field("children")?;
        } else {
            st.serialize_field("children", &self.children)?;
        }
        st.end()
    }
}

impl Explanation {
    /// Every rule and how it went: deny rules first, then notes, in
    /// package order (built from the recorded values on each call).
    ///
    /// ```
    /// let policy = pactum::Package::from_sources([(
    ///     "a.policy",
    ///     "package a\nschema basket { total: decimal }\n\
    ///      rule big { deny BIG when basket.total > 100 message \"big\" help \"split it\" }",
    /// )])
    /// .check()
    /// .unwrap();
    /// let facts = policy.facts_from_str("basket: { total: 150 }").unwrap();
    /// let (_, why) = policy.explain(&facts).unwrap();
    /// let rules = why.rules();
    /// assert_eq!(rules[0].code, "BIG");
    /// assert!(rules[0].fired);
    /// assert_eq!(rules[0].conditions[0].expr, "basket.total > 100");
    /// ```
    pub fn rules(&self) -> Vec<RuleExplanation> {
        if self.omitted {
            return Vec::new();
        }
        let shown = self.program.shown();
        self.traces
            .iter()
            .filter_map(|t| {
                let (list, rules) = if t.deny {
                    (&self.program.denies, &shown.denies)
                } else {
                    (&self.program.notes, &shown.notes)
                };
                let rule = list.get(t.index)?;
                Some(RuleExplanation {
                    rule: rule.name.to_string(),
                    code: rule.code.to_string(),
                    effect: if t.deny { "deny" } else { "note" },
                    fired: t.fired,
                    location: rules
                        .get(t.index)
                        .map(|r| r.location.clone())
                        .unwrap_or_default(),
                    conditions: self
                        .condition_roots(t)
                        .filter_map(|p| self.node(p))
                        .collect(),
                })
            })
            .collect()
    }

    /// Whether the explanation was left off: recording it would have taken
    /// more than the output limit (`Limits::max_output_bytes`), as a
    /// quantifier over a long list explained element by element can. The
    /// decision is made all the same; [`Explanation::rules`] is empty and
    /// the JSON `explain` is `null`.
    ///
    /// ```
    /// let limits = pactum::Limits::default().with_max_output_bytes(64);
    /// let policy = pactum::Package::from_sources_with_limits(
    ///     [("a.policy", "package a\nschema o { xs: list of int }\n\
    ///       rule r { deny R when any x in o.xs where x > 5 message \"m\" help \"h\" }")],
    ///     limits,
    /// )
    /// .check()
    /// .unwrap();
    /// let facts = policy.facts_from_str("o: { xs: [1, 2, 3, 4, 5, 6] }").unwrap();
    /// let (decision, why) = policy.explain(&facts).unwrap();
    /// assert!(!decision.is_allowed());
    /// assert!(why.is_omitted() && why.rules().is_empty());
    /// ```
    pub fn is_omitted(&self) -> bool {
        self.omitted
    }

    /// The root steps of a rule's shown conditions.
    fn condition_roots(&self, t: &RuleTrace) -> impl Iterator<Item = usize> + '_ {
        self.roots
            .get(t.conditions.clone())
            .unwrap_or_default()
            .iter()
            .map(|&r| r as usize)
    }

    /// The tree whose root is step `p`.
    fn node(&self, p: usize) -> Option<ExplainNode> {
        let step = self.steps.get(p)?;
        let mut roots = Vec::new();
        tree_roots(&self.steps, subtree(p, step), &mut roots);
        Some(ExplainNode {
            expr: self.text(step).into_owned(),
            value: step.value.clone(),
            children: roots.into_iter().filter_map(|c| self.node(c)).collect(),
        })
    }

    /// The text of a step's expression.
    fn text(&self, step: &Step) -> std::borrow::Cow<'_, str> {
        match self.program.shown().get(step.expr) {
            Some(e) => std::borrow::Cow::Borrowed(&e.text),
            None => fold(self.program.sources.slice(step.span)),
        }
    }

    /// Appends the JSON of the rules to `out`: the same bytes as
    /// `serde_json::to_writer(out, &self.rules())`, written from the
    /// recorded values and the package's texts.
    pub(crate) fn write_json(&self, out: &mut Vec<u8>) {
        if self.omitted {
            out.extend_from_slice(b"null");
            return;
        }
        let shown = self.program.shown();
        let mut scratch = Vec::with_capacity(16);
        out.push(b'[');
        let mut first = true;
        for t in &self.traces {
            let rules = if t.deny { &shown.denies } else { &shown.notes };
            let Some(rule) = rules.get(t.index) else {
                continue;
            };
            if !first {
                out.push(b',');
            }
            first = false;
            out.extend_from_slice(&rule.json_head);
            out.extend_from_slice(if t.fired { b"true" } else { b"false" });
            out.extend_from_slice(&rule.json_tail);
            out.push(b'[');
            for (i, p) in self.condition_roots(t).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                self.write_node(out, shown, p, &mut scratch);
            }
            out.extend_from_slice(b"]}");
        }
        out.push(b']');
    }

    /// Appends the JSON of the tree whose root is step `p` to `out`;
    /// `scratch` holds the children of the trees being written.
    fn write_node(&self, out: &mut Vec<u8>, shown: &Shown, p: usize, scratch: &mut Vec<usize>) {
        let Some(step) = self.steps.get(p) else {
            return;
        };
        match shown.get(step.expr) {
            Some(e) => out.extend_from_slice(&e.json_head),
            None => {
                out.extend_from_slice(b"{\"expr\":");
                write_str(out, &fold(self.program.sources.slice(step.span)));
                out.extend_from_slice(b",\"value\":");
            }
        }
        crate::value::write_typed(out, &step.value, &Ty::Any);
        if step.size > 1 {
            out.extend_from_slice(b",\"children\":[");
            let base = scratch.len();
            tree_roots(&self.steps, subtree(p, step), scratch);
            for k in base..scratch.len() {
                if k > base {
                    out.push(b',');
                }
                if let Some(&c) = scratch.get(k) {
                    self.write_node(out, shown, c, scratch);
                }
            }
            scratch.truncate(base);
            out.push(b']');
        }
        out.push(b'}');
    }
}

/// The steps under the step at `p` (its subtree but itself).
fn subtree(p: usize, step: &Step) -> Range<usize> {
    (p + 1).saturating_sub(step.size as usize)..p
}

/// Appends to `out` the roots of the whole trees that make up `range` of
/// post-order `steps`, first to last.
fn tree_roots(steps: &[Step], range: Range<usize>, out: &mut Vec<usize>) {
    let from = out.len();
    let mut end = range.end;
    while end > range.start {
        let p = end - 1;
        out.push(p);
        let size = steps.get(p).map_or(1, |s| s.size.max(1) as usize);
        end = end.saturating_sub(size).max(range.start);
    }
    if let Some(pushed) = out.get_mut(from..) {
        pushed.reverse();
    }
}

impl std::fmt::Debug for Explanation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Explanation")
            .field("rules", &self.rules())
            .finish()
    }
}

impl Serialize for Explanation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Explanation", 2)?;
        st.serialize_field("rules", &self.rules())?;
        st.serialize_field("omitted", &self.omitted)?;
        st.end()
    }
}

impl Policy {
    /// Evaluates `facts` and explains the decision: for every rule, whether
    /// it fired and the value of each sub-expression of its conditions.
    ///
    /// ```
    /// let policy = pactum::Package::from_sources([(
    ///     "a.policy",
    ///     "package a\nschema basket { total: decimal }\n\
    ///      rule big { deny BIG when basket.total > 100 message \"big\" help \"split it\" }",
    /// )])
    /// .check()
    /// .unwrap();
    /// let facts = policy.facts_from_str("basket: { total: 150 }").unwrap();
    /// let (decision, why) = policy.explain(&facts).unwrap();
    /// assert!(!decision.is_allowed());
    /// let rules = why.rules();
    /// let cond = &rules[0].conditions[0];
    /// assert_eq!(cond.expr, "basket.total > 100");
    /// assert_eq!(cond.children[0].expr, "basket.total");
    /// assert_eq!(cond.children[0].value.to_string(), "150");
    /// ```
    pub fn explain(&self, facts: &Facts) -> Result<(Decision, Explanation), Diagnostics> {
        self.explain_value(facts.value())
    }

    /// [`Policy::explain`] on facts read against the schema.
    pub(crate) fn explain_value(
        &self,
        facts: &Value,
    ) -> Result<(Decision, Explanation), Diagnostics> {
        self.explain_observed(facts, false)
    }

    /// [`Policy::explain_value`]; with `no_replay`, every `when` block
    /// condition and computed value is evaluated again where it is read
    /// (the oracle of the explanations' tests).
    pub(crate) fn explain_observed(
        &self,
        facts: &Value,
        no_replay: bool,
    ) -> Result<(Decision, Explanation), Diagnostics> {
        let mut observe = Observe {
            explain: true,
            no_replay,
            ..Observe::default()
        };
        let facts = self.with_reference(facts);
        let program = self.program();
        let decision = eval::evaluate_observed(program, &facts, &mut observe)?;
        let omitted = observe.cut;
        let (traces, steps, roots) = if omitted {
            (Vec::new(), Vec::new(), Vec::new())
        } else {
            (observe.rules, observe.steps, observe.roots)
        };
        Ok((
            decision,
            Explanation {
                program: self.program_arc().clone(),
                traces,
                steps,
                roots,
                omitted,
            },
        ))
    }
}

/// The explained JSON envelope is the decision's, with the explanation
/// added here (the decision module knows nothing of explanations).
impl Decision {
    /// Appends the JSON envelope with the explanation last, under
    /// `explain` (the rules, as [`crate::Explanation`] serializes them):
    /// what `pactum evaluate --explain --format json` prints.
    ///
    /// ```
    /// # let policy = pactum::Package::from_sources([("a.policy", "package a\nschema o { n: int }\nrule r { deny R when o.n > 1 message \"m\" }")]).check().unwrap();
    /// let facts = policy.facts_from_str("o: { n: 2 }").unwrap();
    /// let (d, why) = policy.explain(&facts).unwrap();
    /// let mut line = Vec::new();
    /// d.write_json_explained(&why, &mut line);
    /// let json: serde_json::Value = serde_json::from_slice(&line).unwrap();
    /// assert_eq!(json["decision"], "deny");
    /// assert_eq!(json["explain"][0]["fired"], true);
    /// ```
    pub fn write_json_explained(&self, why: &Explanation, out: &mut Vec<u8>) {
        self.write_json_fields(out);
        out.extend_from_slice(b",\"explain\":");
        why.write_json(out);
        out.push(b'}');
    }
}
