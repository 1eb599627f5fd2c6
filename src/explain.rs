//! How a decision came about: per-rule explanations (the value of every
//! sub-expression of a rule's condition) and coverage (which rules fired and
//! which `if` branches were taken over many requests).

use std::collections::BTreeMap;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::decision::Decision;
use crate::diag::Diagnostics;
use crate::eval::{self, Observe, Step};
use crate::ir::{Expr, ExprKind as K, Part, Template};
use crate::package::{Facts, Policy};
use crate::source::Span;
use crate::types::Ty;
use crate::value::Value;

/// Where a package's rules are written, in package order.
#[derive(Debug, Clone)]
pub(crate) struct RuleLocations {
    denies: Vec<String>,
    notes: Vec<String>,
}

/// The explanation of one decision: every rule, whether it fired, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// Deny rules first, then notes, in package order.
    pub rules: Vec<RuleExplanation>,
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
    /// Its conditions (enclosing `when` blocks first), each a tree of
    /// sub-expressions with their values. A condition that was not reached
    /// (an earlier one was false) is left out.
    pub conditions: Vec<ExplainNode>,
}

/// A sub-expression and the value it had.
#[derive(Debug, Clone)]
pub struct ExplainNode {
    /// The expression as written.
    pub expr: String,
    /// Its value on this request.
    pub value: Value,
    /// Its own sub-expressions that were evaluated.
    pub children: Vec<ExplainNode>,
}

impl Serialize for ExplainNode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("ExplainNode", 3)?;
        st.serialize_field("expr", &self.expr)?;
        st.serialize_field("value", &self.value.to_json(&Ty::Any))?;
        st.serialize_field("children", &self.children)?;
        st.end()
    }
}

/// The text of an expression as written, its white space folded to single
/// spaces (copied as it is when there is nothing to fold).
fn expr_text(text: &str) -> std::borrow::Cow<'_, str> {
    let plain = !text.contains(['\n', '\r', '\t']) && !text.contains("  ");
    if plain && text.trim().len() == text.len() {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Whether `value` displays as exactly `text`.
fn shows_as(value: &Value, text: &str) -> bool {
    /// Compares what is written to it with the rest of `text`.
    struct Same<'a>(&'a str);
    impl std::fmt::Write for Same<'_> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            match self.0.strip_prefix(s) {
                Some(rest) => {
                    self.0 = rest;
                    Ok(())
                }
                None => Err(std::fmt::Error),
            }
        }
    }
    let mut same = Same(text);
    std::fmt::write(&mut same, format_args!("{value}")).is_ok() && same.0.is_empty()
}

/// Appends the JSON of `rules` to `out`: the same bytes as
/// `serde_json::to_writer(out, rules)`, written directly.
pub(crate) fn write_rules_json(out: &mut Vec<u8>, rules: &[RuleExplanation]) {
    use crate::json_text::write_str;
    out.push(b'[');
    for (i, r) in rules.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"rule\":");
        write_str(out, &r.rule);
        out.extend_from_slice(b",\"code\":");
        write_str(out, &r.code);
        out.extend_from_slice(b",\"effect\":");
        write_str(out, r.effect);
        out.extend_from_slice(if r.fired {
            b",\"fired\":true,\"location\":"
        } else {
            b",\"fired\":false,\"location\":"
        });
        write_str(out, &r.location);
        out.extend_from_slice(b",\"conditions\":");
        write_nodes_json(out, &r.conditions);
        out.push(b'}');
    }
    out.push(b']');
}

fn write_nodes_json(out: &mut Vec<u8>, nodes: &[ExplainNode]) {
    out.push(b'[');
    for (i, n) in nodes.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"expr\":");
        crate::json_text::write_str(out, &n.expr);
        out.extend_from_slice(b",\"value\":");
        crate::value::write_typed(out, &n.value, &Ty::Any);
        out.extend_from_slice(b",\"children\":");
        write_nodes_json(out, &n.children);
        out.push(b'}');
    }
    out.push(b']');
}

/// Rebuilds the trees of a rule's conditions from its post-order steps,
/// leaving out literals (their value is what is written).
fn trees(policy: &Policy, steps: Vec<Step>) -> Vec<ExplainNode> {
    let sources = &policy.program().sources;
    let mut stack: Vec<(u32, ExplainNode)> = Vec::new();
    for step in steps {
        let mut children = Vec::new();
        while stack.last().is_some_and(|(d, _)| *d > step.depth) {
            if let Some((_, n)) = stack.pop() {
                children.push(n);
            }
        }
        children.reverse();
        let expr = expr_text(sources.slice(step.span));
        let record = matches!(step.value, Value::Record(_));
        // Literals show what is written (compared without rendering the
        // value into a string of its own).
        let literal = children.is_empty()
            && !record
            && (shows_as(&step.value, &expr) || shows_as(&step.value, expr.trim_matches('"')));
        if (literal || record) && step.depth > 0 {
            // Literals show what is written; whole records say nothing.
            stack.extend(children.into_iter().map(|c| (step.depth + 1, c)));
            continue;
        }
        stack.push((
            step.depth,
            ExplainNode {
                expr: expr.into_owned(),
                value: step.value,
                children,
            },
        ));
    }
    stack.into_iter().map(|(_, n)| n).collect()
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
    /// let cond = &why.rules[0].conditions[0];
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
        self.explain_with(facts, &self.rule_locations())
    }

    /// Where every rule is written (`file:line:column`), worked out once
    /// for many explanations ([`Policy::explain_with`]).
    pub(crate) fn rule_locations(&self) -> RuleLocations {
        let program = self.program();
        let at =
            |rules: &[crate::ir::Rule]| rules.iter().map(|r| self.location_of(r.span)).collect();
        RuleLocations {
            denies: at(&program.denies),
            notes: at(&program.notes),
        }
    }

    /// [`Policy::explain_value`] with the rules' locations worked out
    /// before.
    pub(crate) fn explain_with(
        &self,
        facts: &Value,
        locations: &RuleLocations,
    ) -> Result<(Decision, Explanation), Diagnostics> {
        let mut observe = Observe {
            explain: true,
            ..Observe::default()
        };
        let facts = self.with_reference(facts);
        let decision = eval::evaluate_observed(self.program(), &facts, &mut observe)?;
        let program = self.program();
        let rules = observe
            .rules
            .into_iter()
            .filter_map(|t| {
                let list = if t.deny {
                    &program.denies
                } else {
                    &program.notes
                };
                let rule = list.get(t.index)?;
                let places = if t.deny {
                    &locations.denies
                } else {
                    &locations.notes
                };
                Some(RuleExplanation {
                    rule: rule.name.to_string(),
                    code: rule.code.to_string(),
                    effect: if t.deny { "deny" } else { "note" },
                    fired: t.fired,
                    location: places.get(t.index).cloned().unwrap_or_default(),
                    conditions: trees(self, t.steps),
                })
            })
            .collect();
        Ok((decision, Explanation { rules }))
    }

    /// Reads every document of a facts file (a YAML stream, JSON Lines or
    /// one JSON document; `name` picks the format by extension) against the
    /// schema, without evaluating: one result per document, in order.
    pub fn facts_documents(&self, name: &str, text: &str) -> Vec<Result<Facts, crate::Diagnostic>> {
        let format = crate::facts::Format::detect(name, text);
        let file = std::sync::Arc::new(crate::source::SourceFile::new(name, text));
        // Newlines before `counted.0`, for errors' lines (see
        // `Diagnostic::windowed`).
        let mut counted = (0usize, 0usize);
        crate::facts::split(text, format)
            .into_iter()
            .map(|range| {
                let start = range.start;
                self.read_facts(&file, range, format).map_err(|d| {
                    if counted.0 <= start {
                        let skipped = text.as_bytes().get(counted.0..start).unwrap_or_default();
                        counted = (
                            start,
                            counted.1 + memchr::memchr_iter(b'\n', skipped).count(),
                        );
                    }
                    d.windowed(counted)
                })
            })
            .collect()
    }

    /// Reads the document at `range` of `file` against the schema.
    // One `Diagnostic` a document, as the facts loader gives.
    #[allow(clippy::result_large_err)]
    pub(crate) fn read_facts(
        &self,
        file: &std::sync::Arc<crate::source::SourceFile>,
        range: std::ops::Range<usize>,
        format: crate::facts::Format,
    ) -> Result<Facts, crate::Diagnostic> {
        crate::facts::load_with_limits(
            &self.program().schema,
            file,
            range,
            format,
            &self.program().limits,
        )
        .map(|v| Facts::from_value(v, self.program().schema.clone()))
    }

    /// An empty coverage record for this policy.
    pub fn coverage(&self) -> Coverage {
        let program = self.program();
        let mut ifs = Vec::new();
        for l in &program.lets {
            collect_ifs(&l.expr, &mut ifs);
        }
        for r in program.denies.iter().chain(&program.notes) {
            for c in &r.conditions {
                collect_ifs(c, &mut ifs);
            }
            collect_template_ifs(&r.message, &mut ifs);
            if let Some(h) = &r.help {
                collect_template_ifs(h, &mut ifs);
            }
        }
        for o in &program.outputs {
            collect_ifs(&o.expr, &mut ifs);
        }
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

    fn location_of(&self, span: Span) -> String {
        match self.program().sources.get(span.file) {
            Some(f) => {
                let (line, col) = f.line_col(span.start as usize);
                format!("{}:{line}:{col}", f.name())
            }
            None => String::from("?"),
        }
    }
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
        let rule = |r: &crate::ir::Rule, fired: bool| RuleCoverage {
            rule: r.name.to_string(),
            code: r.code.to_string(),
            location: policy.location_of(r.span),
            fired,
        };
        let mut rules: Vec<RuleCoverage> = program
            .denies
            .iter()
            .zip(&self.denies)
            .map(|(r, f)| rule(r, *f))
            .collect();
        rules.extend(
            program
                .notes
                .iter()
                .zip(&self.notes)
                .map(|(r, f)| rule(r, *f)),
        );
        let branches = self
            .branches
            .iter()
            .map(|(SpanKey((file, start, end)), (t, e))| BranchCoverage {
                location: policy.location_of(Span {
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

fn collect_template_ifs(t: &Template, out: &mut Vec<Span>) {
    for p in &t.parts {
        if let Part::Expr(e) = p {
            collect_ifs(e, out);
        }
    }
}

/// Every `if` in `e`.
fn collect_ifs(e: &Expr, out: &mut Vec<Span>) {
    match &e.kind {
        K::If(c, t, f) => {
            out.push(e.span);
            collect_ifs(c, out);
            collect_ifs(t, out);
            collect_ifs(f, out);
        }
        K::Field(x, _) | K::Not(x) | K::Neg(x) | K::IsPresent(x, _) | K::IsVariant(x, _, _) => {
            collect_ifs(x, out)
        }
        K::And(a, b)
        | K::Or(a, b)
        | K::Otherwise(a, b)
        | K::Arith(_, a, b)
        | K::Cmp(_, a, b)
        | K::In(a, b) => {
            collect_ifs(a, out);
            collect_ifs(b, out);
        }
        K::Call(_, xs) | K::List(xs) => xs.iter().for_each(|x| collect_ifs(x, out)),
        K::Quant { list, body, .. } => {
            collect_ifs(list, out);
            if let Some(b) = body {
                collect_ifs(b, out);
            }
        }
        K::Interp(t) => collect_template_ifs(t, out),
        K::Const(_) | K::Root(_) | K::Let(_) | K::Local(_) | K::Allowed => {}
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
        write_rules_json(out, &why.rules);
        out.push(b'}');
    }
}
