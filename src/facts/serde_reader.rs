//! The serde reader, the reader of record: a [`DeserializeSeed`] that
//! carries the expected [`Ty`] and the schema path walks the serde_yaml or
//! serde_json deserializer and builds [`Value`]s directly. Every mistake
//! it finds becomes a [`Diagnostic`] that points at the exact bytes of the
//! offending value (or key), found by [`super::locate`]; the independent
//! mistakes of a document are all reported, as [`super::reading`] tells
//! how, in document order ([`super::report`]). A syntax error or a limit
//! ends the reading.
//!
//! Numbers are exact: decimals are read from their digits (YAML hands the
//! raw scalar text to `deserialize_str`; serde_json's
//! `arbitrary_precision` hands the digits of every number), never through
//! `f64`, by the one reader of literals ([`crate::literal`]).

use std::cell::Cell;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use super::detect::{is_empty_document, Format};
use super::keys::{IsNumberToken, Key, KeySeed, PlaceAfter};
use super::lines::spread_error;
use super::locate::{self, excerpt, json_error, yaml_error, Detail, Found, Located, Target, SHOWN};
use super::merge::{Given, MergeSeed};
use super::messages::{json_example, number_slip_help, too_deep, too_many_values, variant_list};
use super::reading::{Ctx, Earlier, Expect, Path, Recovery, Seed, Seen, Stop};
use super::report::{rereads, Report};
use super::scan::{flow_too_deep, yaml_radix_number, yaml_tag, MAX_FLOW_DEPTH};
use super::{too_large, value_budget};
use crate::diag::{codes, Diagnostic, Diagnostics};
use crate::limits::Limits;
use crate::literal::{self, DateTimeError, DecimalError};
use crate::source::SourceFile;
use crate::suggest::suggest;
use crate::types::{FieldTy, RecordTy, Ty};
use crate::value::Value;

/// [`super::load_with_limits`] without the JSON fast path: every document read by
/// serde. The fast path's differential tests compare the two.
pub(crate) fn load_serde(
    schema: &Arc<RecordTy>,
    file: &Arc<SourceFile>,
    range: Range<usize>,
    format: Format,
    limits: &Limits,
) -> Result<Value, Diagnostics> {
    if format == Format::JsonLines
        && file
            .text()
            .get(range.clone())
            .is_some_and(|doc| doc.contains('\n'))
    {
        return Err(spread_error(file, range).into());
    }
    if range.len() > limits.max_facts_bytes {
        return Err(too_large(
            file.clone(),
            range.start.min(file.text().len()),
            Some(range.len()),
            limits.max_facts_bytes,
        )
        .into());
    }
    if let Some(at) = file
        .text()
        .get(range.clone())
        .and_then(|doc| doc.find('\0'))
    {
        return Err(Diagnostic::new(
            codes::FACTS_SYNTAX,
            "the document is not valid UTF-8 text (or holds a NUL byte)",
        )
        .at_file(file.clone(), range.start + at, 1, "not UTF-8 text")
        .help("facts are UTF-8 text: re-encode the file (for example with `iconv -t UTF-8`); the other documents are still decided").into());
    }
    let Some(doc) = file.text().get(range.clone()) else {
        return Err(Diagnostic::new(
            codes::FACTS_SYNTAX,
            "the document's byte range is outside the file",
        )
        .at_file(file.clone(), 0, 0, "")
        .into());
    };
    let json = format != Format::Yaml;
    if is_empty_document(doc, json) {
        return Err(Diagnostic::new(codes::FACTS_EMPTY, "this facts document is empty")
            .at_file(file.clone(), range.start, 0, "no facts here")
            .help("give the facts of the request here, or remove the empty document (a doubled or trailing `---`, or an empty file): every document of a batch gives one result").into());
    }
    if !json {
        if let Some(at) = flow_too_deep(doc, MAX_FLOW_DEPTH) {
            return Err(Diagnostic::new(
                codes::FACTS_SYNTAX,
                format!("invalid YAML: brackets nest more than {MAX_FLOW_DEPTH} levels deep"),
            )
            .at_file(file.clone(), range.start + at, 1, "too deep")
            .help("facts never need this much nesting; flatten the data")
            .into());
        }
    }
    if !json {
        if let Some((at, tag)) = yaml_tag(doc) {
            return Err(Diagnostic::new(
                codes::FACTS_SYNTAX,
                format!("invalid YAML: the tag `{tag}`; facts are read without tags"),
            )
            .at_file(file.clone(), range.start + at, tag.len(), "a tag")
            .help(format!(
                "remove `{tag}` and write the value alone: a tag would give it a meaning the schema does not"
            ))
            .into());
        }
    }
    if !json {
        if let Some((at, text, value)) = yaml_radix_number(doc) {
            let base = match text.trim_start_matches(['-', '+']).as_bytes().get(1) {
                Some(b'x' | b'X') => "a hexadecimal",
                Some(b'o' | b'O') => "an octal",
                _ => "a binary",
            };
            let help = match value {
                Some(v) => format!(
                    "write the number in decimal (`{v}`), or quote it (`\"{text}\"`) for a text"
                ),
                None => {
                    format!("write the number in decimal, or quote it (`\"{text}\"`) for a text")
                }
            };
            return Err(Diagnostic::new(
                codes::FACTS_WRONG_TYPE,
                format!(
                    "YAML reads `{text}` as {base} number; facts numbers are written in decimal"
                ),
            )
            .at_file(
                file.clone(),
                range.start + at,
                text.len(),
                "not a decimal number",
            )
            .help(help)
            .into());
        }
    }
    let root_ty = Ty::Record(schema.clone());
    let mut report = Report::new(limits.facts_errors());
    let mut earlier = Earlier::default();
    let mut rereads = rereads(doc.len(), limits.facts_errors());
    loop {
        let ctx = Ctx::new(
            json,
            value_budget(doc.len()),
            limits.facts_depth(),
            report.room(),
            earlier,
        );
        let result = read(&ctx, &root_ty, doc);
        let (caught, more, next) = ctx.finish();
        for c in caught {
            report.push(locate::caught(c, doc, json));
        }
        report.count(more);
        match result {
            Ok(value) if report.is_empty() => return Ok(value),
            Ok(_) => break,
            Err(stopped) => {
                let (error, stop) = *stopped;
                match report.stopped(error, stop, doc, json, next, &mut rereads) {
                    Some(again) => earlier = again,
                    None => break,
                }
            }
        }
    }
    if !json && report.has_parse_error() {
        report.drop_missing();
    }
    if json && !report.has_parse_error() {
        // serde_json does not check the bracket that closes a list or an
        // object whose visitor failed (a value refused, read to its end):
        // a `]` written for a `}` there would go unseen, and the mistakes
        // after it be invented. The text is checked once a mistake is found.
        if let Err(e) = serde_json::from_str::<IgnoredAny>(doc) {
            if e.is_syntax() || e.is_eof() {
                report.syntax_alone(json_error(&e, None, doc));
            }
        }
    }
    Err(report.into_diagnostics(file, range.start))
}

/// One reading of `doc` as a value of `root_ty`: the value, or the error
/// that stopped the reading, located, and why. The errors caught on the
/// way stay in `ctx`.
fn read(ctx: &Ctx, root_ty: &Ty, doc: &str) -> Result<Value, Box<(Located, Stop)>> {
    let seed = Seed {
        ty: root_ty,
        path: &Path::Root,
        ctx,
    };
    if ctx.json {
        let mut de = serde_json::Deserializer::from_str(doc);
        seed.deserialize(&mut de)
            .and_then(|v| de.end().map(|()| v))
            .map_err(|e| {
                let (detail, stop) = Stop::of(ctx.take_raised());
                Box::new((json_error(&e, detail, doc), stop))
            })
    } else {
        seed.deserialize(serde_yaml::Deserializer::from_str(doc))
            .map_err(|e| {
                let (detail, stop) = Stop::of(ctx.take_raised());
                Box::new((yaml_error(&e, detail, doc), stop))
            })
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        let ctx = self.ctx;
        let node = ctx.enter();
        let left = ctx.budget.get();
        if left == 0 {
            return Err(ctx.raise(too_many_values(), node.id, Recovery::Fatal));
        }
        ctx.budget.set(left - 1);
        let depth = ctx.depth.get();
        if depth > ctx.max_depth {
            return Err(ctx.raise(too_deep(ctx.max_depth), node.id, Recovery::Fatal));
        }
        if node.pass == Some(Recovery::Skip) {
            // An earlier reading stopped at this node's error: step over it.
            ctx.pass();
            IgnoredAny::deserialize(d)?;
            return Ok(Value::Absent);
        }
        let expect = Expect {
            ty: self.ty,
            path: self.path,
            ctx,
            node,
        };
        ctx.depth.set(depth + 1);
        let result = self.read(d, expect);
        ctx.depth.set(depth);
        match result {
            // The node's own error, the node read whole: reading goes on.
            Err(e) if ctx.catch(node.id, &e) => Ok(Value::Absent),
            other => other,
        }
    }
}

impl Seed<'_> {
    fn read<'de, D: Deserializer<'de>>(self, d: D, expect: Expect<'_>) -> Result<Value, D::Error> {
        let yaml = !self.ctx.json;
        let result = match self.ty {
            Ty::Optional(_) => d.deserialize_option(expect),
            Ty::Any => IgnoredAny::deserialize(d).map(|_| Value::Absent),
            // YAML hands the scalar's text as written: exact decimals, and
            // enum variants whatever they look like.
            Ty::Decimal | Ty::Enum(_) if yaml => d.deserialize_str(expect),
            _ => d.deserialize_any(expect),
        };
        if let Err(e) = &result {
            fallback(self.ctx, e, &expect);
        }
        result
    }
}

impl Expect<'_> {
    pub(super) fn seed<'b>(&'b self, ty: &'b Ty, path: &'b Path<'b>) -> Seed<'b> {
        Seed {
            ty,
            path,
            ctx: self.ctx,
        }
    }

    /// Refuses the node being read, once serde has read it whole (a
    /// scalar): the error `detail` is raised, and its seed catches it and
    /// reading goes on; once the report is full it is only counted, and
    /// the node reads as absent (no error is made: serde_json works out an
    /// error's position from the start of the document).
    pub(super) fn refuse<E: de::Error>(&self, detail: impl FnOnce() -> Detail) -> Result<Value, E> {
        if self.ctx.counted() {
            return Ok(Value::Absent);
        }
        Err(self.ctx.raise(detail(), self.node.id, Recovery::Caught))
    }

    /// Raises an error about the mapping or list being read, from inside
    /// it: in JSON, once it is read to its end (serde_json then reads its
    /// closing bracket, and reading goes on); in YAML it stops the reading
    /// (serde_yaml leaves the mapping or list half read), and `then` says
    /// how a next reading goes past it.
    fn raise_inside<E: de::Error>(&self, detail: Detail, then: Recovery) -> E {
        let recovery = if self.ctx.json {
            Recovery::Caught
        } else {
            then
        };
        self.ctx.raise(detail, self.node.id, recovery)
    }

    /// A list where a value of another type is expected. Once the report
    /// is full, it is read to its end in either syntax (serde_yaml then
    /// ends it) and the error only counted.
    fn not_a_list<'de, A: SeqAccess<'de>>(&self, mut seq: A) -> Result<Value, A::Error> {
        let counted = self.ctx.counted();
        if self.ctx.json || counted {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
        }
        if counted {
            return Ok(Value::Absent);
        }
        Err(self.raise_inside(self.wrong(Found::Seq, None, None), Recovery::Skip))
    }

    /// A mapping where a value of another type is expected (`first_read`:
    /// its first key has been read), as [`Expect::not_a_list`].
    fn not_a_mapping<'de, A: MapAccess<'de>>(
        &self,
        mut map: A,
        first_read: bool,
    ) -> Result<Value, A::Error> {
        let counted = self.ctx.counted();
        if self.ctx.json || counted {
            if first_read {
                map.next_value::<IgnoredAny>()?;
            }
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        }
        if counted {
            return Ok(Value::Absent);
        }
        Err(self.raise_inside(self.wrong(Found::Map, None, None), Recovery::Skip))
    }

    /// A scalar that is not a string: a number or a boolean, as text.
    pub(super) fn non_string<E: de::Error>(&self, text: String) -> Result<Value, E> {
        self.refuse(|| {
            let help = match self.ty.required() {
                Ty::Str => Some(format!(
                    "put the value in quotes to make it a string: \"{text}\""
                )),
                _ => None,
            };
            self.wrong(Found::Text, help, None)
        })
    }

    /// An int that does not fit in 64 bits.
    pub(super) fn int_out_of_range<E: de::Error>(&self, text: String) -> Result<Value, E> {
        self.refuse(|| Detail {
            code: codes::FACTS_WRONG_TYPE,
            message: format!(
                "{}: `{SHOWN}` is out of range for an int",
                self.path.subject()
            ),
            found: None,
            label: "out of range".into(),
            help: format!("ints hold whole numbers from {} to {}", i64::MIN, i64::MAX),
            target: Target::Node,
            hint: Some(text),
            path: self.path.named(),
        })
    }

    /// A whole number read by YAML.
    fn int<E: de::Error>(&self, v: i128) -> Result<Value, E> {
        match self.ty.required() {
            Ty::Int => match i64::try_from(v) {
                Ok(v) => Ok(Value::Int(v)),
                Err(_) => self.int_out_of_range(v.to_string()),
            },
            Ty::Decimal => self.decimal(&v.to_string(), false),
            _ => self.non_string(v.to_string()),
        }
    }

    fn uint<E: de::Error>(&self, v: u128) -> Result<Value, E> {
        match i128::try_from(v) {
            Ok(v) => self.int(v),
            Err(_) => match self.ty.required() {
                Ty::Int => self.int_out_of_range(v.to_string()),
                Ty::Decimal => self.decimal(&v.to_string(), false),
                _ => self.non_string(v.to_string()),
            },
        }
    }

    /// The digits of a JSON number (or a YAML number read as text).
    fn number<E: de::Error>(&self, text: &str) -> Result<Value, E> {
        match self.ty.required() {
            Ty::Int => {
                let digits = text.strip_prefix('-').unwrap_or(text);
                if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                    match text.parse::<i64>() {
                        Ok(v) => Ok(Value::Int(v)),
                        Err(_) => self.int_out_of_range(text.to_string()),
                    }
                } else {
                    self.refuse(|| self.wrong(
                        Found::Text,
                        Some("an int is a whole number: write it without a decimal point or exponent".into()),
                        None,
                    ))
                }
            }
            Ty::Decimal => self.decimal(text, false),
            _ => self.non_string(text.to_string()),
        }
    }

    /// Reads an exact decimal from its text (`is_text`: read from a string,
    /// not from a number's digits).
    fn decimal<E: de::Error>(&self, text: &str, is_text: bool) -> Result<Value, E> {
        let hint = is_text.then(|| text.to_string());
        match literal::decimal(text) {
            Ok(d) => Ok(Value::Decimal(d)),
            Err(DecimalError::Syntax) => self.refuse(|| {
                // Written as people write numbers (`4,750.00`, `$48`)?
                let help = literal::number_slip(text)
                    .and_then(|slip| number_slip_help(&slip, true, false));
                self.wrong(Found::Text, help, hint)
            }),
            Err(DecimalError::TooLarge) => self.refuse(|| Detail {
                code: codes::FACTS_INEXACT_NUMBER,
                message: format!("{}: `{SHOWN}` is too large for a decimal", self.path.subject()),
                found: None,
                label: "too large".into(),
                help: format!("decimals hold numbers up to {} in size", Decimal::MAX),
                target: Target::Node,
                hint: hint.clone(),
                path: self.path.named(),
            }),
            Err(DecimalError::Inexact) => self.refuse(|| Detail {
                code: codes::FACTS_INEXACT_NUMBER,
                message: format!(
                    "{}: `{SHOWN}` has more digits than a decimal holds exactly",
                    self.path.subject()
                ),
                found: None,
                label: "cannot be held exactly".into(),
                help: "decimals hold at most 28 digits after the point and 28 or 29 significant digits; round the number so that nothing is lost silently".into(),
                target: Target::Node,
                hint: hint.clone(),
                path: self.path.named(),
            }),
        }
    }

    /// A string value.
    fn string<E: de::Error>(&self, s: &str) -> Result<Value, E> {
        match self.ty.required() {
            Ty::Str => Ok(Value::Str(Arc::from(s))),
            Ty::Decimal => self.decimal(s, true),
            Ty::Date => match literal::date(s) {
                Some(day) => Ok(Value::Date(day)),
                None => self.refuse(|| {
                    let help = if s.len() == 10 && s.as_bytes().get(4) == Some(&b'-') {
                        Some(
                            "that day does not exist: write a real calendar day as YYYY-MM-DD"
                                .to_string(),
                        )
                    } else {
                        None
                    };
                    self.wrong(Found::Text, help, Some(s.to_string()))
                }),
            },
            Ty::DateTime => match literal::datetime(s) {
                Ok(at) => Ok(Value::DateTime(at)),
                Err(DateTimeError::Syntax) => {
                    self.refuse(|| self.wrong(Found::Text, None, Some(s.to_string())))
                }
                Err(DateTimeError::Inexact) => self.refuse(|| Detail {
                    code: codes::FACTS_INEXACT_NUMBER,
                    message: format!(
                        "{}: `{SHOWN}` has more digits after the seconds' point than a datetime holds exactly",
                        self.path.subject()
                    ),
                    found: None,
                    label: "cannot be held exactly".into(),
                    help: "datetimes hold at most nanoseconds: 9 digits after the seconds' point; round the time so that nothing is lost silently".into(),
                    target: Target::Node,
                    hint: Some(s.to_string()),
                    path: self.path.named(),
                }),
            },
            Ty::Enum(e) => match e.variants.iter().find(|v| &***v == s) {
                Some(v) => Ok(Value::Enum(v.clone())),
                None if s.trim().is_empty() => self.refuse(|| self.wrong(Found::Text, None, None)),
                None => {
                    let list = variant_list(&e.variants);
                    // Spaces around a variant are invisible in `…`: say so.
                    let trimmed = s.trim();
                    let spaced = trimmed != s && e.variants.iter().any(|v| &**v == trimmed);
                    let help = match suggest(s, e.variants.iter().map(|v| &**v)) {
                        _ if spaced => format!("remove the spaces around it: `{trimmed}`"),
                        Some(near) => format!("did you mean `{near}`? The variants are: {list}"),
                        None => format!("use one of: {list}"),
                    };
                    let shown = if spaced {
                        format!("{:?} (with spaces)", s)
                    } else {
                        format!("`{}`", excerpt(s))
                    };
                    self.refuse(|| Detail {
                        code: codes::FACTS_UNKNOWN_VARIANT,
                        message: format!(
                            "{}: {shown} is not one of {list}",
                            self.path.subject(),
                        ),
                        found: None,
                        label: "not a variant".into(),
                        help,
                        target: Target::Node,
                        hint: Some(s.to_string()),
                        path: self.path.named(),
                    })
                }
            },
            Ty::Int if s.trim().parse::<i64>().is_ok() => self.refuse(|| self.wrong(
                Found::Text,
                Some(format!("remove the quotes: {}", s.trim())),
                Some(s.to_string()),
            )),
            Ty::Int => self.refuse(|| {
                let help = literal::number_slip(s)
                    .and_then(|slip| number_slip_help(&slip, false, true));
                self.wrong(Found::Text, help, Some(s.to_string()))
            }),
            Ty::Bool if matches!(s.trim(), "true" | "false") => self.refuse(|| self.wrong(
                Found::Text,
                Some(format!("remove the quotes: {}", s.trim())),
                Some(s.to_string()),
            )),
            _ => self.refuse(|| self.wrong(Found::Text, None, Some(s.to_string()))),
        }
    }

    /// `null`, `~` or nothing where a value is required.
    fn nothing<E: de::Error>(&self) -> Result<Value, E> {
        if self.ty.is_optional() || matches!(self.ty, Ty::Any) {
            return Ok(Value::Absent);
        }
        if matches!(self.ty, Ty::Record(_)) {
            return self.refuse(|| self.wrong(Found::Text, None, None));
        }
        let help = format!(
            "{} is required: give it a value such as {}",
            self.path.subject(),
            self.ty.example()
        );
        self.refuse(|| self.wrong(Found::Text, Some(help), None))
    }

    fn record<'de, A: MapAccess<'de>>(&self, r: &RecordTy, map: A) -> Result<Value, A::Error> {
        let Given {
            values,
            seen,
            meant,
            refused,
        } = self.given(r, map)?;
        if refused {
            return Ok(Value::Absent);
        }
        let missing: Vec<&FieldTy> = r
            .fields
            .iter()
            .enumerate()
            // A field an unknown key was taken for is that key's mistake.
            .filter(|(i, field)| !seen.has(*i) && !meant.has(*i) && !field.ty.is_optional())
            .map(|(_, field)| field)
            .collect();
        if self.node.pass == Some(Recovery::Unchecked) {
            // An earlier reading reported the fields missing here.
            self.ctx.pass();
            return Ok(Value::Record(values));
        }
        if let Some(first) = missing.first() {
            if !self.ctx.counted() {
                return Err(self.raise_inside(self.missing(first, &missing), Recovery::Unchecked));
            }
        }
        Ok(Value::Record(values))
    }

    /// The error of a mapping that lacks the required fields `missing`
    /// (`first` of them first).
    fn missing(&self, first: &FieldTy, missing: &[&FieldTy]) -> Detail {
        let (noun, place) = if self.path.is_root() {
            ("fact", "the document".to_string())
        } else {
            ("field", format!("`{}`", self.path))
        };
        let message = if self.path.is_root() {
            format!("missing required fact `{}`", first.name)
        } else {
            format!("`{}`: missing required field `{}`", self.path, first.name)
        };
        let entry = if self.ctx.json {
            format!("\"{}\": {}", first.name, json_example(&first.ty))
        } else {
            format!("{}: {}", first.name, first.ty.example())
        };
        let mut help = format!("add `{entry}` to {place}");
        if missing.len() > 1 {
            let rest: Vec<String> = missing
                .iter()
                .skip(1)
                .map(|f| format!("`{}`", f.name))
                .collect();
            help.push_str(&format!(" (also missing: {})", rest.join(", ")));
        }
        Detail {
            code: codes::FACTS_MISSING_FIELD,
            message,
            found: None,
            label: format!("this mapping has no {noun} `{}`", first.name),
            help,
            target: Target::Mapping,
            hint: None,
            path: Some(self.path.field(&first.name)),
        }
    }

    /// The fields a mapping gives, the mappings it merges (`<<`) included.
    pub(super) fn given<'de, A: MapAccess<'de>>(
        &self,
        r: &RecordTy,
        mut map: A,
    ) -> Result<Given, A::Error> {
        // The record is filled in place: one allocation, no copy.
        let mut values: Arc<[Value]> = std::iter::repeat_n(Value::Absent, r.fields.len()).collect();
        let mut seen = Seen::new(r.fields.len());
        let mut meant = Seen::new(r.fields.len());
        let meant_now = Cell::new(None);
        let mut merged: Option<Given> = None;
        loop {
            let key = map.next_key_seed(KeySeed {
                record: r,
                seen: &seen,
                meant: &meant_now,
                merged: merged.is_some(),
                path: self.path,
                ctx: self.ctx,
            })?;
            if let Some(i) = meant_now.take() {
                meant.set(i);
            }
            match key {
                None => break,
                Some(Key::Ignore) => {
                    // A key in error, reported: its value is not read.
                    map.next_value::<IgnoredAny>()?;
                }
                Some(Key::Unplaced(node)) => {
                    map.next_value_seed(PlaceAfter {
                        ctx: self.ctx,
                        node,
                    })?;
                }
                Some(Key::Number) => {
                    // A JSON number where a record is expected.
                    let digits: String = map.next_value()?;
                    self.non_string(digits)?;
                    return Ok(Given::refused(r));
                }
                Some(Key::Merge) => {
                    merged = Some(map.next_value_seed(MergeSeed {
                        expect: *self,
                        record: r,
                        in_list: false,
                        node: 0,
                    })?);
                }
                Some(Key::Field(i)) => {
                    let Some(field) = r.fields.get(i) else {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    };
                    let path = Path::Field(self.path, &field.name);
                    let value = map.next_value_seed(self.seed(&field.ty, &path))?;
                    if let Some(slot) = Arc::get_mut(&mut values).and_then(|v| v.get_mut(i)) {
                        *slot = value;
                    }
                    seen.set(i);
                }
            }
        }
        let mut given = Given {
            values,
            seen,
            meant,
            refused: false,
        };
        if let Some(merged) = &merged {
            // The fields written in the mapping win, before or after `<<`.
            given.fill_from(merged);
        }
        Ok(given)
    }
}

/// Errors that serde raised for a node without asking the visitor (a
/// YAML mapping where a string is read, a YAML tag) become wrong-type
/// details.
fn fallback(ctx: &Ctx, error: &dyn fmt::Display, expect: &Expect<'_>) {
    if ctx.has_raised() {
        return;
    }
    let text = error.to_string();
    let found = if text.contains("invalid type: map") {
        Found::Map
    } else if text.contains("invalid type: sequence") {
        Found::Seq
    } else if text.contains("invalid type: ") || text.contains("invalid value: ") {
        Found::Text
    } else {
        return;
    };
    // serde_yaml read the node's start only (a mapping where a scalar is
    // read, a tag): a next reading steps over it.
    let _: de::value::Error = ctx.raise(
        expect.wrong(found, None, None),
        expect.node.id,
        Recovery::Skip,
    );
}

impl<'de> Visitor<'de> for Expect<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.expected())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        match self.ty.required() {
            Ty::Bool => Ok(Value::Bool(v)),
            _ => self.non_string(v.to_string()),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.int(i128::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.int(i128::from(v))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        self.int(v)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        self.uint(v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        // Only YAML floats for non-decimal fields get here (decimals are read
        // as text): a wrong type whatever the value.
        let text = v.to_string();
        match self.ty.required() {
            Ty::Int => self.refuse(|| {
                self.wrong(
                    Found::Text,
                    Some(
                        "an int is a whole number: write it without a decimal point or exponent"
                            .into(),
                    ),
                    None,
                )
            }),
            Ty::Decimal => self.decimal(&text, false),
            _ => self.non_string(text),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.string(v)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.nothing()
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.nothing()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        // `required()` is never optional, so this does not come back here.
        self.seed(self.ty.required(), self.path).deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let Ty::List(elem) = self.ty.required() else {
            return self.not_a_list(seq);
        };
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        loop {
            let path = Path::Index(self.path, items.len());
            match seq.next_element_seed(self.seed(elem, &path))? {
                Some(v) => items.push(v),
                None => break,
            }
        }
        Ok(Value::List(items.into()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if let Ty::Record(r) = self.ty.required() {
            return self.record(r, map);
        }
        if self.ctx.json {
            // With `arbitrary_precision`, a JSON number arrives as a
            // one-entry map holding its digits.
            if let Some(is_number) = map.next_key_seed(IsNumberToken)? {
                if is_number {
                    let digits: String = map.next_value()?;
                    return self.number(&digits);
                }
                return self.not_a_mapping(map, true);
            }
        }
        self.not_a_mapping(map, false)
    }
}
