//! Facts written inside a larger YAML document: the inline `facts:` of a
//! package's test files. Each facts value is read by the same seed as a
//! facts document ([`Seed`] at the schema's root), straight from the
//! deserializer of the whole document, so that anchors and aliases reach
//! across it (a test's `<<: *base` names facts anchored in another test)
//! and every error points at the line and column of the whole document.
//!
//! The independent mistakes of a facts value are all reported, as in a
//! facts document. An error that serde cannot read past (in YAML, a
//! mapping or a list left half read: see [`super::reading`]) stops the
//! reading of the whole document: the document is read again from the
//! start, skipping the facts values read before, and reading that facts
//! value again stepping over the node in error (or, after a syntax error
//! or a limit, skipping it too, its diagnostics recorded). A document
//! whose facts all read is read once; each such error costs one more
//! reading.

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny};
use serde::Deserialize;

use super::locate::{self, clean_message, yaml_error, Detail, Target};
use super::reading::{Caught, Ctx, Earlier, Path, Seed, Stop};
use super::report::{rereads, Report};
use super::scan::{flow_too_deep, MAX_FLOW_DEPTH};
use super::value_budget;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::limits::Limits;
use crate::source::SourceFile;
use crate::types::{RecordTy, Ty};
use crate::value::Value;

/// One reading of a document with facts in it.
pub(crate) struct Embedded<'a> {
    schema: &'a Arc<RecordTy>,
    limits: &'a Limits,
    doc_len: usize,
    /// The index of the next facts value, in document order.
    next: Cell<usize>,
    /// The facts values before this index were read by an earlier reading.
    skip_below: usize,
    /// What earlier readings found in the facts value at `skip_below`,
    /// when one stopped in it, and how many more errors may be kept of it.
    resume: RefCell<Option<Earlier>>,
    room: usize,
    /// The facts values read by this reading, from `skip_below` on: each
    /// value, or the errors caught in it (and how many more).
    values: RefCell<Vec<Result<Value, CaughtIn>>>,
    /// The facts value that stopped the reading: its index, the errors
    /// caught in it before (and how many more), and why it stopped.
    failed: RefCell<Option<Failed>>,
}

/// The errors caught in a facts value, and how many more were counted.
type CaughtIn = (Vec<Caught>, usize);

/// A facts value whose error stopped the reading of the document.
struct Failed {
    index: usize,
    caught: Vec<Caught>,
    more: usize,
    detail: Option<Detail>,
    stop: Stop,
    /// What the reading of the value leaves a next one.
    next: Earlier,
}

/// Reads one facts value at the schema's root; its index among the facts
/// values of the document (see [`read_embedded`]).
pub(crate) struct FactsSeed<'a>(&'a Embedded<'a>);

impl Embedded<'_> {
    /// The seed of the next facts value.
    pub(crate) fn seed(&self) -> FactsSeed<'_> {
        FactsSeed(self)
    }
}

impl<'de> DeserializeSeed<'de> for FactsSeed<'_> {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        let e = self.0;
        let index = e.next.get();
        e.next.set(index + 1);
        if index < e.skip_below {
            IgnoredAny::deserialize(d)?;
            return Ok(index);
        }
        let (room, earlier) = if index == e.skip_below {
            (e.room, e.resume.take().unwrap_or_default())
        } else {
            (e.limits.facts_errors(), Earlier::default())
        };
        let ctx = Ctx::new(
            false,
            value_budget(e.doc_len),
            e.limits.facts_depth(),
            room,
            earlier,
        );
        let root_ty = Ty::Record(e.schema.clone());
        let seed = Seed {
            ty: &root_ty,
            path: &Path::Root,
            ctx: &ctx,
        };
        let result = seed.deserialize(d);
        let (detail, stop) = Stop::of(ctx.take_raised());
        let (caught, more, next) = ctx.finish();
        match result {
            Ok(v) => {
                e.values
                    .borrow_mut()
                    .push(if caught.is_empty() && more == 0 {
                        Ok(v)
                    } else {
                        Err((caught, more))
                    });
                Ok(index)
            }
            Err(err) => {
                *e.failed.borrow_mut() = Some(Failed {
                    index,
                    caught,
                    more,
                    detail,
                    stop,
                    next,
                });
                Err(err)
            }
        }
    }
}

/// How the document around the facts is named and helped with, in the
/// diagnostics of its mistakes (see [`read_embedded`]).
pub(crate) struct Around<'a> {
    /// The code of its mistakes.
    pub(crate) code: Code,
    /// What the document should be: "not a test file: …".
    pub(crate) not_a: &'a str,
    /// The help of a mistake no visitor explained.
    pub(crate) help: &'a str,
    /// Where the caller's visitors record the mistake they find.
    pub(crate) problem: &'a RefCell<Option<Problem>>,
}

/// Reads the YAML document `file.text()[start..]` with `parse`, which reads
/// each facts value in it with [`Embedded::seed`] (and everything else as
/// it likes). Returns what `parse` gives and the facts values in document
/// order (each read against `schema`, or its diagnostics); or the first
/// mistake outside the facts, as `around` says.
// One `Diagnostic` for a document that is not what it should be.
#[allow(clippy::result_large_err)]
pub(crate) fn read_embedded<T>(
    schema: &Arc<RecordTy>,
    limits: &Limits,
    file: &Arc<SourceFile>,
    start: usize,
    around: &Around<'_>,
    mut parse: impl FnMut(&Embedded<'_>, serde_yaml::Deserializer<'_>) -> Result<T, serde_yaml::Error>,
) -> Result<(T, Vec<Result<Value, Diagnostics>>), Diagnostic> {
    let doc = file.text().get(start..).unwrap_or("");
    if let Some(at) = flow_too_deep(doc, MAX_FLOW_DEPTH) {
        return Err(Diagnostic::new(
            around.code,
            format!(
                "{}: brackets nest more than {MAX_FLOW_DEPTH} levels deep",
                around.not_a
            ),
        )
        .at_file(file.clone(), start + at, 1, "too deep")
        .help("nothing needs this much nesting; flatten the data"));
    }
    let max = limits.facts_errors();
    let mut done: Vec<Result<Value, Diagnostics>> = Vec::new();
    // The facts value read again past an error that stopped a reading: its
    // errors so far, what the readings found, and how many more readings
    // it may take.
    let mut resumed: Option<(Report, Earlier, usize)> = None;
    // Adds the errors caught in a facts value to its report.
    let add = |report: &mut Report, caught: Vec<Caught>, more: usize| {
        for c in caught {
            report.push(locate::caught(c, doc, false));
        }
        report.count(more);
    };
    loop {
        let (resume, room) = match resumed.as_mut() {
            Some((report, earlier, _)) => (Some(std::mem::take(earlier)), report.room()),
            None => (None, max),
        };
        let embedded = Embedded {
            schema,
            limits,
            doc_len: doc.len(),
            next: Cell::new(0),
            skip_below: done.len(),
            resume: RefCell::new(resume),
            room,
            values: RefCell::new(Vec::new()),
            failed: RefCell::new(None),
        };
        let result = parse(&embedded, serde_yaml::Deserializer::from_str(doc));
        let failed = embedded.failed.take();
        for read in embedded.values.take() {
            let mut report = resumed
                .take()
                .map_or_else(|| Report::new(max), |(report, _, _)| report);
            let read = match read {
                Ok(value) => Ok(value),
                Err((caught, more)) => {
                    add(&mut report, caught, more);
                    Err(())
                }
            };
            done.push(match read {
                Ok(value) if report.is_empty() => Ok(value),
                _ => Err(report.into_diagnostics(file, start)),
            });
        }
        match (result, failed) {
            (Ok(t), _) => return Ok((t, done)),
            (Err(e), Some(failed)) if failed.index == done.len() => {
                let (mut report, mut left) = resumed.take().map_or_else(
                    || (Report::new(max), rereads(doc.len(), max)),
                    |(report, _, left)| (report, left),
                );
                add(&mut report, failed.caught, failed.more);
                let error = yaml_error(&e, failed.detail, doc);
                match report.stopped(error, failed.stop, doc, false, failed.next, &mut left) {
                    Some(again) => resumed = Some((report, again, left)),
                    None => done.push(Err(report.into_diagnostics(file, start))),
                }
            }
            (Err(e), _) => return Err(problem_at(&e, around, file, start)),
        }
    }
}

/// A mistake in the document around the facts, found by the caller's
/// visitors: it is kept aside while serde carries the error to the top.
#[derive(Debug)]
pub(crate) struct Problem {
    pub(crate) code: Code,
    pub(crate) message: String,
    pub(crate) label: String,
    pub(crate) help: String,
    /// The key or scalar the problem is about, as written (for its span).
    pub(crate) hint: Option<String>,
}

/// The diagnostic of a mistake outside the facts, at the place serde_yaml
/// gives: the problem a visitor recorded, else serde_yaml's own message.
fn problem_at(
    e: &serde_yaml::Error,
    around: &Around<'_>,
    file: &Arc<SourceFile>,
    start: usize,
) -> Diagnostic {
    let doc = file.text().get(start..).unwrap_or("");
    let problem = around.problem.borrow_mut().take();
    match problem {
        Some(p) => {
            let detail = Detail {
                code: p.code,
                message: p.message,
                found: None,
                label: p.label,
                help: p.help,
                target: Target::Node,
                hint: p.hint,
                path: None,
            };
            yaml_error(e, Some(detail), doc).into_diagnostic(file, start)
        }
        None => {
            let located = yaml_error(e, None, doc);
            Diagnostic::new(
                around.code,
                format!("{}: {}", around.not_a, clean_message(&e.to_string())),
            )
            .at_file(file.clone(), start + located.start, located.len, "here")
            .help(around.help)
        }
    }
}
