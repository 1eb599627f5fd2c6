//! Coverage: which rules fired and which `if` branches were taken, over
//! many requests (`pactum test --coverage`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::decision::Decision;
use crate::diag::Diagnostics;
use crate::eval::{self, Observe};
use crate::ir::{Expr, ExprKind as K};
use crate::package::{Facts, Policy};
use crate::source::Span;

impl Policy {
    /// An empty coverage record for this policy.
    pub fn coverage(&self) -> Coverage {
        let program = self.program();
        let mut ifs = Vec::new();
        program.for_each_expr(|e| collect_ifs(e, &mut ifs));
        Coverage {
            denies: vec![false; program.denies.len()],
            notes: vec![false; program.notes.len()],
            branches: ifs
                .into_iter()
                .map(|s| (SpanKey::from(s), (false, false)))
                .collect(),
        }
    }

    /// Evaluates `facts`, recording into `coverage` which rules fired and
    /// which `if` branches were taken.
    pub fn evaluate_covered(
        &self,
        facts: &Facts,
        coverage: &mut Coverage,
    ) -> Result<Decision, Diagnostics> {
        let mut observe = Observe {
            coverage: true,
            ..Observe::default()
        };
        let facts = self.with_reference(facts.value());
        let result = eval::evaluate_observed(self.program(), &facts, &mut observe);
        for t in &observe.rules {
            let hits = if t.deny {
                &mut coverage.denies
            } else {
                &mut coverage.notes
            };
            if let Some(h) = hits.get_mut(t.index) {
                *h |= t.fired;
            }
        }
        for (span, taken) in observe.branches {
            let entry = coverage
                .branches
                .entry(SpanKey::from(span))
                .or_insert((false, false));
            if taken {
                entry.0 = true;
            } else {
                entry.1 = true;
            }
        }
        result
    }
}

/// Every `if` in `e`, outermost first.
fn collect_ifs(e: &Expr, out: &mut Vec<Span>) {
    if let K::If(..) = e.kind {
        out.push(e.span);
    }
    e.for_each_child(|c| collect_ifs(c, out));
}

/// Orders spans by file and position, for a stable report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct SpanKey((u32, u32, u32));

impl From<Span> for SpanKey {
    fn from(s: Span) -> Self {
        SpanKey((s.file, s.start, s.end))
    }
}

/// Which rules fired and which `if` branches were taken, over many requests.
#[derive(Debug, Clone)]
pub struct Coverage {
    denies: Vec<bool>,
    notes: Vec<bool>,
    branches: BTreeMap<SpanKey, (bool, bool)>,
}

/// A coverage summary.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageReport {
    /// Every rule, deny rules first.
    pub rules: Vec<RuleCoverage>,
    /// Every `if`, in source order.
    pub branches: Vec<BranchCoverage>,
}

/// Whether a rule fired at least once.
#[derive(Debug, Clone, Serialize)]
pub struct RuleCoverage {
    /// The rule's name.
    pub rule: String,
    /// Its code.
    pub code: String,
    /// Whether it is a note rule (else a deny rule).
    pub note: bool,
    /// Where it is written.
    pub location: String,
    /// Whether any request made it fire.
    pub fired: bool,
}

/// Which branches of an `if` were taken.
#[derive(Debug, Clone, Serialize)]
pub struct BranchCoverage {
    /// Where the `if` is written.
    pub location: String,
    /// Whether the `then` branch was taken.
    pub then_taken: bool,
    /// Whether the `else` branch was taken.
    pub else_taken: bool,
}

impl CoverageReport {
    /// The share of rules that fired, from 0 to 100.
    pub fn rule_percent(&self) -> f64 {
        percent(
            self.rules.iter().filter(|r| r.fired).count(),
            self.rules.len(),
        )
    }

    /// The share of `if` branches taken, from 0 to 100.
    pub fn branch_percent(&self) -> f64 {
        let taken: usize = self
            .branches
            .iter()
            .map(|b| usize::from(b.then_taken) + usize::from(b.else_taken))
            .sum();
        percent(taken, self.branches.len() * 2)
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        // Counts of rules and branches are small: exact in f64.
        (part as f64) * 100.0 / (whole as f64)
    }
}

impl Coverage {
    /// Summarizes the coverage of `policy` (the policy it was made for).
    pub fn report(&self, policy: &Policy) -> CoverageReport {
        let program = policy.program();
        let rule = |r: &crate::ir::Rule, fired: bool, note: bool| RuleCoverage {
            rule: r.name.to_string(),
            code: r.code.to_string(),
            note,
            location: program.location_of(r.span),
            fired,
        };
        let mut rules: Vec<RuleCoverage> = program
            .denies
            .iter()
            .zip(&self.denies)
            .map(|(r, f)| rule(r, *f, false))
            .collect();
        rules.extend(
            program
                .notes
                .iter()
                .zip(&self.notes)
                .map(|(r, f)| rule(r, *f, true)),
        );
        let branches = self
            .branches
            .iter()
            .map(|(SpanKey((file, start, end)), (t, e))| BranchCoverage {
                location: program.location_of(Span {
                    file: *file,
                    start: *start,
                    end: *end,
                }),
                then_taken: *t,
                else_taken: *e,
            })
            .collect();
        CoverageReport { rules, branches }
    }
}
