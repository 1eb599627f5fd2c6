//! The fast path for JSON facts: one pass over the bytes, guided by the
//! schema, straight into [`Value`]s.
//!
//! It accepts only what it reads exactly as the serde path does
//! ([`super::load_serde`]): well-formed JSON whose every value has the
//! schema's type, whose strings hold no escape sequence, and that stays
//! within the depth limit. Anything else (an error of any kind, an escaped
//! string, a type the schema leaves open) gives `None`, and the document is
//! read again by the serde path, which is the reader of record and produces
//! every diagnostic. So the fast path never decides what a document means;
//! it only saves serde's visitor calls and copies on the documents that are
//! right, which in a batch are nearly all of them. `tests/facts_fast.rs`
//! reads the generated request corpus and thousands of mutations of it both
//! ways and requires the same results.

use std::borrow::Cow;
use std::sync::Arc;

use super::reading::Seen;
use super::value_budget;
use crate::json_text::special;
use crate::literal;
use crate::types::{FieldTy, RecordTy, Ty};
use crate::value::Value;

/// Lists and objects nested deeper than this are left to serde_json, whose
/// own limit (128) then applies.
const MAX_NESTING: usize = 100;

/// Reads `doc`, a whole JSON document, as a record of `schema`; `None` when
/// the serde path must read it (see the module documentation).
/// `max_depth` is [`crate::Limits::max_facts_depth`].
#[cfg(test)]
pub(super) fn read(doc: &str, schema: &RecordTy, max_depth: usize) -> Option<Value> {
    read_in(doc, schema, max_depth, false)
}

/// [`read`], of a document that must stay on one line when `one_line` (a
/// line of JSON Lines): a line break gives `None`.
pub(super) fn read_in(
    doc: &str,
    schema: &RecordTy,
    max_depth: usize,
    one_line: bool,
) -> Option<Value> {
    let mut r = Reader {
        doc,
        at: 0,
        budget: value_budget(doc.len()),
        max_depth,
        nesting: 0,
        stack: Vec::new(),
        one_line,
    };
    r.space();
    // The root is a record value at depth 0, counted as the serde path
    // counts it.
    r.count(0)?;
    let root = r.record(schema, 0)?;
    r.space();
    (r.at == doc.len()).then_some(root)
}

struct Reader<'a> {
    doc: &'a str,
    /// The byte offset of the next byte to read.
    at: usize,
    /// Values left before the serde path's value budget runs out.
    budget: usize,
    max_depth: usize,
    /// Lists and objects open around the reading position.
    nesting: usize,
    /// The values of the records being read, innermost last.
    stack: Vec<Value>,
    /// Whether a line break ends the reading (see [`read_in`]).
    one_line: bool,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.doc.as_bytes().get(self.at).copied()
    }

    /// Skips JSON whitespace.
    fn space(&mut self) {
        while let Some(c @ (b' ' | b'\n' | b'\t' | b'\r')) = self.peek() {
            if c == b'\n' && self.one_line {
                return;
            }
            self.at += 1;
        }
    }

    /// Consumes `byte`, or fails.
    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// Consumes the literal `word`, or fails.
    fn word(&mut self, word: &str) -> Option<()> {
        let end = self.at + word.len();
        (self.doc.as_bytes().get(self.at..end)? == word.as_bytes()).then(|| self.at = end)
    }

    /// One value read, against the value budget and the depth limit, as
    /// the serde path's `Seed` counts them (an optional value counts twice:
    /// once as optional, once as its value).
    fn count(&mut self, depth: usize) -> Option<()> {
        self.budget = self.budget.checked_sub(1)?;
        (depth <= self.max_depth).then_some(())
    }

    /// Opens a list or an object.
    fn open(&mut self) -> Option<()> {
        self.nesting += 1;
        (self.nesting < MAX_NESTING).then_some(())
    }

    /// A value of type `ty` at `depth` (a field's or an element's).
    fn value(&mut self, ty: &Ty, depth: usize) -> Option<Value> {
        self.count(depth)?;
        self.typed(ty, depth)
    }

    fn typed(&mut self, ty: &Ty, depth: usize) -> Option<Value> {
        match ty {
            Ty::Optional(inner) => {
                if self.peek()? == b'n' {
                    self.word("null")?;
                    return Some(Value::Absent);
                }
                // The value itself, one level deeper.
                self.value(inner.required(), depth + 1)
            }
            Ty::Record(r) => self.record(r, depth),
            Ty::List(elem) => self.list(elem, depth),
            Ty::Bool => match self.peek()? {
                b't' => self.word("true").map(|()| Value::Bool(true)),
                b'f' => self.word("false").map(|()| Value::Bool(false)),
                _ => None,
            },
            Ty::Int => {
                let text = self.number()?;
                // A whole number: no point, no exponent.
                let digits = text.strip_prefix('-').unwrap_or(text);
                if !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                text.parse::<i64>().ok().map(Value::Int)
            }
            Ty::Decimal => {
                let text = if self.peek()? == b'"' {
                    self.string()?
                } else {
                    Cow::Borrowed(self.number()?)
                };
                literal::decimal(&text).ok().map(Value::Decimal)
            }
            Ty::Str => self.string().map(|s| Value::Str(Arc::from(s))),
            Ty::Date => {
                // `"YYYY-MM-DD"` read where it stands; anything else as a
                // string.
                let rest = self.doc.as_bytes().get(self.at..)?;
                if rest.first() == Some(&b'"') && rest.get(11) == Some(&b'"') {
                    if let Some(d) = self
                        .doc
                        .get(self.at + 1..self.at + 11)
                        .and_then(literal::date)
                    {
                        self.at += 12;
                        return Some(Value::Date(d));
                    }
                }
                literal::date(&self.string()?).map(Value::Date)
            }
            Ty::DateTime => literal::datetime(&self.string()?).ok().map(Value::DateTime),
            Ty::Enum(e) => {
                let s = self.string()?;
                let v = e.variants.iter().find(|v| ***v == *s)?;
                Some(Value::Enum(v.clone()))
            }
            // Whatever is there is skipped by the serde path: left to it.
            Ty::Any => None,
        }
    }

    /// An object of record type `r`, whose own value is at `depth`.
    fn record(&mut self, r: &RecordTy, depth: usize) -> Option<Value> {
        self.expect(b'{')?;
        self.open()?;
        // The values are gathered on the reader's stack (nested records
        // above this one's), then moved into the record: one allocation.
        let base = self.stack.len();
        self.stack
            .resize_with(base + r.fields.len(), || Value::Absent);
        let mut seen = Seen::new(r.fields.len());
        self.space();
        if self.peek()? == b'}' {
            self.at += 1;
        } else {
            loop {
                // An unknown or a repeated key is an error: left to serde.
                let (i, field) = self.key(r)?;
                if seen.has(i) {
                    return None;
                }
                self.space();
                self.expect(b':')?;
                self.space();
                let value = self.value(&field.ty, depth + 1)?;
                *self.stack.get_mut(base + i)? = value;
                seen.set(i);
                if self.closed(b'}')? {
                    break;
                }
            }
        }
        self.nesting -= 1;
        // A required field left out is an error: left to serde.
        let complete = r
            .fields
            .iter()
            .enumerate()
            .all(|(i, f)| seen.has(i) || f.ty.is_optional());
        let values: Arc<[Value]> = self.stack.drain(base..).collect();
        complete.then_some(Value::Record(values))
    }

    /// The key of an entry of a record `r`: the index and declaration of
    /// its field. A field name followed by the closing quote is matched
    /// where it stands; anything else (an escape, an unknown key) is left
    /// to serde.
    fn key<'r>(&mut self, r: &'r RecordTy) -> Option<(usize, &'r FieldTy)> {
        self.expect(b'"')?;
        let rest = self.doc.as_bytes().get(self.at..)?;
        let first = rest.first()?;
        let found = r.fields.iter().enumerate().find(|(_, f)| {
            let name = f.name.as_bytes();
            name.first() == Some(first)
                && rest.get(name.len()) == Some(&b'"')
                && rest.get(..name.len()) == Some(name)
        })?;
        self.at += found.1.name.len() + 1;
        Some(found)
    }

    /// An array of `elem`s, whose own value is at `depth`.
    fn list(&mut self, elem: &Ty, depth: usize) -> Option<Value> {
        self.expect(b'[')?;
        self.open()?;
        let mut items = Vec::new();
        self.space();
        if self.peek()? == b']' {
            self.at += 1;
        } else {
            loop {
                items.push(self.value(elem, depth + 1)?);
                if self.closed(b']')? {
                    break;
                }
            }
        }
        self.nesting -= 1;
        Some(Value::List(items.into()))
    }

    /// After an entry of a list or an object: whether `close` ended it
    /// (else a comma was read, and the next entry follows).
    fn closed(&mut self, close: u8) -> Option<bool> {
        self.space();
        let b = self.peek()?;
        self.at += 1;
        if b == close {
            return Some(true);
        }
        (b == b',').then(|| self.space()).map(|()| false)
    }

    /// A string, borrowed from the document unless it holds escape
    /// sequences.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.expect(b'"')?;
        let start = self.at;
        let rest = self.doc.as_bytes().get(start..)?;
        // The closing quote, or an escape; a control character first is an
        // error, left to serde.
        let len = special(rest)?;
        match rest.get(len)? {
            b'"' => {
                self.at = start + len + 1;
                self.doc.get(start..start + len).map(Cow::Borrowed)
            }
            b'\\' => {
                let mut s = String::from(self.doc.get(start..start + len)?);
                self.at = start + len;
                self.escaped(&mut s)?;
                Some(Cow::Owned(s))
            }
            _ => None,
        }
    }

    /// The rest of a string from its first escape sequence, appended to
    /// `s`. `\\u` escapes (and their surrogate pairs) are left to serde.
    fn escaped(&mut self, s: &mut String) -> Option<()> {
        loop {
            let rest = self.doc.get(self.at..)?;
            let len = special(rest.as_bytes())?;
            s.push_str(rest.get(..len)?);
            self.at += len;
            match self.peek()? {
                b'"' => {
                    self.at += 1;
                    return Some(());
                }
                b'\\' => {
                    let c = match self.doc.as_bytes().get(self.at + 1)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        _ => return None,
                    };
                    s.push(c);
                    self.at += 2;
                }
                _ => return None,
            }
        }
    }

    /// A number's text as written, which is what serde_json hands over
    /// with `arbitrary_precision`: `-? (0 | [1-9][0-9]*) (. [0-9]+)?
    /// ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Option<&'a str> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek()? {
            b'0' => self.at += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.at_least_one_digit()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            self.at_least_one_digit()?;
        }
        self.doc.get(start..self.at)
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
    }

    fn at_least_one_digit(&mut self) -> Option<()> {
        let before = self.at;
        self.digits();
        (self.at > before).then_some(())
    }
}

#[cfg(test)]
mod tests {
    //! The fast path against the serde path: on every document either the
    //! fast path steps aside, or both read the same value; and on
    //! well-formed documents it does not step aside.
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use std::fmt::Write as _;
    use std::path::Path;

    use super::*;
    use crate::facts::{load_serde, Format};
    use crate::limits::Limits;
    use crate::source::SourceFile;

    const RICH: &str = "package rich\n\
        type money = { amount: decimal, currency: one of EUR, USD, JPY }\n\
        schema order {\n\
          id: string\n\
          count: int\n\
          price: money\n\
          paid: bool\n\
          day: date\n\
          at: optional datetime\n\
          note: optional string\n\
          tags: list of string\n\
          lines: optional list of { sku: string, qty: int, price: optional decimal }\n\
          days: optional list of date\n\
          nested: optional { inner: optional { deep: optional list of optional int } }\n\
        }\n\
        optional schema extra { flag: optional bool, ratio: optional decimal }\n";

    /// A small deterministic generator (xorshift).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
        fn chance(&mut self, percent: usize) -> bool {
            self.below(100) < percent
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    fn space(r: &mut Rng, out: &mut String) {
        if r.chance(15) {
            out.push_str(r.pick(&[" ", "  ", "\t", "\r\n", "\n "]));
        }
    }

    fn string(r: &mut Rng, out: &mut String) {
        let s = r.pick(&[
            "a",
            "",
            "ord-1",
            "Launch \\\"week\\\"",
            "back\\\\slash",
            "line\\nbreak\\ttab\\r\\b\\f",
            "sl\\/ash",
            "caf\\u00e9",
            "\\ud83d\\ude00",
            "é中🙂",
            "  padded  ",
        ]);
        write!(out, "\"{s}\"").unwrap();
    }

    fn value(r: &mut Rng, ty: &Ty, out: &mut String) {
        match ty {
            Ty::Optional(inner) => {
                if r.chance(20) {
                    out.push_str("null");
                } else {
                    value(r, inner, out);
                }
            }
            Ty::Record(rec) => {
                out.push('{');
                space(r, out);
                let mut order: Vec<usize> = (0..rec.fields.len()).collect();
                for i in (1..order.len()).rev() {
                    order.swap(i, r.below(i + 1));
                }
                let mut first = true;
                for i in order {
                    let f = &rec.fields[i];
                    if f.ty.is_optional() && r.chance(25) {
                        continue;
                    }
                    if !first {
                        out.push(',');
                        space(r, out);
                    }
                    first = false;
                    if r.chance(3) {
                        // The same key, its first letter escaped.
                        let (head, tail) = f.name.split_at(1);
                        write!(out, "\"\\u{:04x}{tail}\"", u32::from(head.as_bytes()[0])).unwrap();
                    } else {
                        write!(out, "\"{}\"", f.name).unwrap();
                    }
                    space(r, out);
                    out.push(':');
                    space(r, out);
                    value(r, &f.ty, out);
                    space(r, out);
                }
                out.push('}');
            }
            Ty::List(elem) => {
                out.push('[');
                let n = r.below(4);
                for i in 0..n {
                    if i > 0 {
                        out.push(',');
                    }
                    space(r, out);
                    value(r, elem, out);
                }
                out.push(']');
            }
            Ty::Bool => out.push_str(r.pick(&["true", "false"])),
            Ty::Int => out.push_str(r.pick(&["0", "7", "-12", "9223372036854775807", "-0"])),
            Ty::Decimal => out.push_str(r.pick(&[
                "0",
                "12.50",
                "-3.2",
                "\"5921\"",
                "\"0.0\"",
                "1e3",
                "2.5E-2",
                "-0",
                "\" 7.25 \"",
                "123456789012345678901234567",
                "0.1234567890123456789012345678",
            ])),
            Ty::Str => string(r, out),
            Ty::Date => {
                out.push_str(r.pick(&["\"2024-02-29\"", "\"2026-11-26\"", "\" 2025-01-01\""]))
            }
            Ty::DateTime => {
                out.push_str(r.pick(&["\"2026-11-26T07:51:43Z\"", "\"2026-11-26T07:51:43+08:00\""]))
            }
            Ty::Enum(e) => write!(out, "\"{}\"", e.variants[r.below(e.variants.len())]).unwrap(),
            Ty::Any => out.push_str("null"),
        }
    }

    /// Changes one thing in `doc`, keeping it UTF-8.
    fn mutate(r: &mut Rng, doc: &str) -> String {
        let mut chars: Vec<char> = doc.chars().collect();
        if chars.is_empty() {
            return "{".into();
        }
        let at = r.below(chars.len());
        let noise = [
            '{', '}', '[', ']', ',', ':', '"', '\\', '0', '1', '9', '.', 'e', 'E', '-', '+', 'n',
            't', 'f', 'x', ' ', '\n', '\u{0}', '\u{1f}', 'é', 'u',
        ];
        match r.below(5) {
            0 => {
                chars.remove(at);
            }
            1 => chars.insert(at, noise[r.below(noise.len())]),
            2 => chars[at] = noise[r.below(noise.len())],
            3 => {
                let c = chars[at];
                chars.insert(at, c);
            }
            _ => {
                let other = r.below(chars.len());
                chars.swap(at, other);
            }
        }
        chars.into_iter().collect()
    }

    /// Reads `doc` both ways; returns whether the fast path read it.
    fn agree(schema: &Arc<RecordTy>, doc: &str, limits: &Limits) -> bool {
        let fast = read(doc, schema, limits.facts_depth());
        if let Some(v) = &fast {
            let file = Arc::new(SourceFile::new("<facts>", doc));
            let slow = load_serde(schema, &file, 0..doc.len(), Format::Json, limits);
            match slow {
                Ok(s) => assert_eq!(&s, v, "the fast path read another value from {doc}"),
                Err(e) => panic!(
                    "the fast path accepted a document the serde path refuses ({}): {doc}",
                    e.first().map_or("", |d| d.code_id())
                ),
            }
        }
        fast.is_some()
    }

    fn rich_schema() -> Arc<RecordTy> {
        let policy = crate::Package::from_sources([("rich.policy", RICH)])
            .check()
            .unwrap();
        policy.schema().clone()
    }

    #[test]
    fn well_formed_documents_are_read_fast_and_alike() {
        let schema = rich_schema();
        let limits = Limits::default();
        let mut r = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut fast, mut total) = (0, 0);
        for _ in 0..3000 {
            let mut doc = String::new();
            value(&mut r, &Ty::Record(schema.clone()), &mut doc);
            total += 1;
            fast += usize::from(agree(&schema, &doc, &limits));
        }
        // Only `\u` escapes and numbers too long for a decimal step aside.
        assert!(fast * 10 > total * 3, "{fast} of {total} read fast");
    }

    #[test]
    fn mutated_documents_are_read_alike_or_left_to_serde() {
        let schema = rich_schema();
        let limits = Limits::default();
        let mut r = Rng(0x2545_f491_4f6c_dd1d);
        let mut stepped_aside = 0;
        for _ in 0..6000 {
            let mut doc = String::new();
            value(&mut r, &Ty::Record(schema.clone()), &mut doc);
            for _ in 0..=r.below(3) {
                doc = mutate(&mut r, &doc);
            }
            stepped_aside += usize::from(!agree(&schema, &doc, &limits));
        }
        assert!(stepped_aside > 1000, "{stepped_aside}");
    }

    #[test]
    fn the_shipped_packs_json_lines_examples_are_read_fast() {
        // Every pack under policies/ with JSON Lines examples.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
        let limits = Limits::default();
        let mut n = 0;
        for pack in std::fs::read_dir(&root).unwrap() {
            let dir = pack.unwrap().path();
            let Ok(examples) = std::fs::read_dir(dir.join("examples")) else {
                continue;
            };
            let policy = crate::Package::from_dir(&dir).check().unwrap();
            for file in examples {
                let path = file.unwrap().path();
                if path.extension().and_then(|e| e.to_str()) != Some("jsonl") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    let fast = agree(policy.schema(), line, &limits);
                    let file = Arc::new(SourceFile::new("<facts>", line));
                    // Examples that are wrong on purpose are left to serde.
                    let schema = policy.schema();
                    let valid =
                        load_serde(schema, &file, 0..line.len(), Format::Json, &limits).is_ok();
                    assert_eq!(fast, valid, "{}: {line}", path.display());
                    n += 1;
                }
            }
        }
        assert!(n >= 3, "{n} JSON Lines examples under {}", root.display());
    }

    #[test]
    fn datetimes_finer_than_nanoseconds_are_left_to_serde_which_refuses_them() {
        let schema = rich_schema();
        let limits = Limits::default();
        for digits in 0..=12usize {
            let fraction = match digits {
                0 => String::new(),
                n => format!(".{}1", "0".repeat(n - 1)),
            };
            let at = format!("2026-01-01T00:00:00{fraction}Z");
            let doc = format!(
                r#"{{"order":{{"id":"a","count":1,"price":{{"amount":1,"currency":"EUR"}},"paid":true,"day":"2024-01-01","at":"{at}","tags":[]}}}}"#
            );
            let file = Arc::new(SourceFile::new("<facts>", doc.as_str()));
            let slow = load_serde(&schema, &file, 0..doc.len(), Format::Json, &limits);
            if digits <= 9 {
                assert!(agree(&schema, &doc, &limits), "{at}");
                let nanos = if digits == 0 {
                    0
                } else {
                    10u32.pow(9 - digits as u32)
                };
                let text = format!("{:?}", slow.unwrap());
                let want = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap()
                    + chrono::Duration::nanoseconds(i64::from(nanos));
                assert!(text.contains(&format!("{want:?}")), "{at}: {text}");
            } else {
                assert_eq!(read(&doc, &schema, limits.facts_depth()), None, "{at}");
                assert_eq!(
                    slow.unwrap_err().first().unwrap().code_id(),
                    crate::diag::codes::FACTS_INEXACT_NUMBER.id,
                    "{at}"
                );
            }
        }
    }

    #[test]
    fn limits_are_left_to_serde() {
        let schema = rich_schema();
        let doc = r#"{"order":{"id":"a","count":1,"price":{"amount":1,"currency":"EUR"},"paid":true,"day":"2024-01-01","tags":[],"nested":{"inner":{"deep":[1,null]}}}}"#;
        assert!(agree(&schema, doc, &Limits::default()));
        // Depth: the root 0, order 1, nested 2–3 (optional, then its
        // value), inner 4–5, deep 6–7, an element's int 9.
        for depth in 0..9 {
            let limits = Limits::default().with_max_facts_depth(depth);
            assert!(!agree(&schema, doc, &limits), "{depth}");
        }
        assert!(agree(
            &schema,
            doc,
            &Limits::default().with_max_facts_depth(9)
        ));
        // Nesting beyond serde_json's own limit.
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(read(&deep, &schema, usize::MAX), None);
    }
}
