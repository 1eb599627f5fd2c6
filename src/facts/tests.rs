//! The loader's tests: documents read against a schema by every reader,
//! and the errors they give. `location` holds the tests of where errors
//! point.
#![allow(clippy::result_large_err)]

use std::ops::Range;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::detect::is_empty_document;
use super::scan::{flow_too_deep, MAX_FLOW_DEPTH};
use super::*;
use crate::diag::codes;
use crate::literal::tests::EXPONENTS;
use crate::literal::DecimalError;
use crate::source::Span;
use crate::types::{EnumTy, FieldTy, Ty};

mod location;
mod merge;
mod serializer;

/// [`load_with_limits`] under the default limits: the value, or the first
/// error (see [`errors`] for all of them).
fn load(
    schema: &Arc<RecordTy>,
    file: &Arc<SourceFile>,
    range: Range<usize>,
    format: Format,
) -> Result<Value, Diagnostic> {
    load_with_limits(schema, file, range, format, &Limits::default()).map_err(first)
}

/// The first of a document's errors.
fn first(ds: Diagnostics) -> Diagnostic {
    ds.into_iter().next().expect("an error")
}

/// The error with `code` among those of the one document `text`.
fn err_coded(text: &str, format: Format, code: crate::diag::Code) -> Diagnostic {
    let all = errors(text, format);
    let codes: Vec<&str> = all.iter().map(Diagnostic::code_id).collect();
    all.iter()
        .find(|d| d.code() == code)
        .cloned()
        .unwrap_or_else(|| panic!("no {code} among {codes:?}"))
}

/// Every error of the one document `text`, against [`schema`].
fn errors(text: &str, format: Format) -> Vec<Diagnostic> {
    let f = file(text);
    let ranges = split(text, format);
    assert_eq!(ranges.len(), 1, "{ranges:?}");
    match load_with_limits(&schema(), &f, ranges[0].clone(), format, &Limits::default()) {
        Ok(v) => panic!("loaded {v:?}"),
        Err(ds) => ds.into_iter().collect(),
    }
}

fn field(name: &str, ty: Ty) -> FieldTy {
    FieldTy {
        name: Arc::from(name),
        ty,
        span: Span::default(),
    }
}

fn record(fields: Vec<FieldTy>) -> Arc<RecordTy> {
    Arc::new(RecordTy { fields })
}

/// order: { amount: decimal, count: int, currency: one of EUR, USD,
/// note: optional string, day: date, at: optional datetime,
/// tags: list of string, paid: bool },
/// coupon: optional { code: string }
fn schema() -> Arc<RecordTy> {
    let currency = Arc::new(EnumTy {
        variants: vec![Arc::from("EUR"), Arc::from("USD")],
    });
    let order = record(vec![
        field("amount", Ty::Decimal),
        field("count", Ty::Int),
        field("currency", Ty::Enum(currency)),
        field("note", Ty::Optional(Box::new(Ty::Str))),
        field("day", Ty::Optional(Box::new(Ty::Date))),
        field("at", Ty::Optional(Box::new(Ty::DateTime))),
        field("tags", Ty::Optional(Box::new(Ty::List(Box::new(Ty::Str))))),
        field("paid", Ty::Optional(Box::new(Ty::Bool))),
    ]);
    let coupon = record(vec![field("code", Ty::Str)]);
    record(vec![
        field("order", Ty::Record(order)),
        field("coupon", Ty::Optional(Box::new(Ty::Record(coupon)))),
    ])
}

fn file(text: &str) -> Arc<SourceFile> {
    Arc::new(SourceFile::new("facts", text))
}

fn load_all(text: &str, format: Format) -> (Arc<SourceFile>, Vec<Result<Value, Diagnostic>>) {
    let f = file(text);
    let s = schema();
    let out = split(text, format)
        .into_iter()
        .map(|r| load(&s, &f, r, format))
        .collect();
    (f, out)
}

fn one(text: &str, format: Format) -> Result<Value, Diagnostic> {
    let f = file(text);
    let s = schema();
    let ranges = split(text, format);
    assert_eq!(ranges.len(), 1, "{ranges:?}");
    load(&s, &f, ranges[0].clone(), format)
}

fn order(v: &Value) -> Vec<Value> {
    match v {
        Value::Record(root) => match &root[0] {
            Value::Record(o) => o.to_vec(),
            other => panic!("order is {other:?}"),
        },
        other => panic!("root is {other:?}"),
    }
}

fn dec(v: &Value) -> Decimal {
    match v {
        Value::Decimal(d) => *d,
        other => panic!("not a decimal: {other:?}"),
    }
}

fn err(text: &str, format: Format) -> Diagnostic {
    match one(text, format) {
        Ok(v) => panic!("loaded {v:?}"),
        Err(d) => d,
    }
}

trait Start {
    fn json_start(&self) -> usize;
}

impl Start for Diagnostic {
    fn json_start(&self) -> usize {
        self.to_json()["byte_start"]
            .as_u64()
            .map_or(usize::MAX, |v| v as usize)
    }
}

const YAML_OK: &str = "order:\n  amount: 1200.5\n  count: 3\n  currency: EUR\n";

#[test]
fn exact_decimals_from_yaml_numbers_and_strings() {
    let v = one(YAML_OK, Format::Yaml).unwrap();
    let o = order(&v);
    let d = dec(&o[0]);
    assert_eq!(d.to_string(), "1200.5");
    assert_eq!(d.scale(), 1);
    assert_eq!(o[1], Value::Int(3));
    assert_eq!(o[2], Value::Enum(Arc::from("EUR")));
    for (text, want) in [
        ("\"12.50\"", "12.50"),
        ("'0.1'", "0.1"),
        ("0.1", "0.1"),
        ("12", "12"),
        ("-3.000", "-3.000"),
        ("1e3", "1000"),
        ("1.5E-3", "0.0015"),
        (
            "1234567890123456789012345678.9",
            "1234567890123456789012345678.9",
        ),
        (
            "0.1000000000000000000000000000",
            "0.1000000000000000000000000000",
        ),
    ] {
        let doc = format!("order: {{amount: {text}, count: 1, currency: USD}}\n");
        let v = one(&doc, Format::Yaml).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        assert_eq!(dec(&order(&v)[0]).to_string(), want, "{text}");
    }
}

#[test]
fn exact_decimals_from_json_numbers_and_strings() {
    for (text, want) in [
        ("1200.5", "1200.5"),
        ("\"12.50\"", "12.50"),
        ("0.1", "0.1"),
        ("-7", "-7"),
        ("12.50e3", "12500"),
        (
            "79228162514264337593543950335",
            "79228162514264337593543950335",
        ),
    ] {
        let doc =
            format!("{{\"order\": {{\"amount\": {text}, \"count\": 1, \"currency\": \"EUR\"}}}}");
        let v = one(&doc, Format::Json).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        assert_eq!(dec(&order(&v)[0]).to_string(), want, "{text}");
    }
    let d = dec(&order(
        &one(
            "{\"order\": {\"amount\": 1200.5, \"count\": 1, \"currency\": \"EUR\"}}",
            Format::Json,
        )
        .unwrap(),
    )[0]);
    assert_eq!(d.scale(), 1);
}

/// Every reader of decimals (the fast JSON path, serde_json, YAML plain
/// scalars, JSON and YAML strings) gives the same value or a coded error
/// for the same text.
#[test]
fn every_decimal_reader_agrees_on_exponents() {
    let s = schema();
    for (text, want) in EXPONENTS {
        // The JSON number grammar allows what serde_json reads; other
        // texts are only tried as strings and YAML.
        let json_number = !text.starts_with('e')
            && !text.ends_with(['e', '+'])
            && !text.contains("ee")
            && !text.contains("e1.");
        let mut docs = vec![
            (format!("order: {{amount: {text}, count: 1, currency: EUR}}\n"), Format::Yaml),
            (format!("order: {{amount: \"{text}\", count: 1, currency: EUR}}\n"), Format::Yaml),
            (format!("{{\"order\": {{\"amount\": \"{text}\", \"count\": 1, \"currency\": \"EUR\"}}}}"), Format::Json),
        ];
        if json_number {
            docs.push((
                format!(
                    "{{\"order\": {{\"amount\": {text}, \"count\": 1, \"currency\": \"EUR\"}}}}"
                ),
                Format::Json,
            ));
        }
        for (doc, format) in docs {
            let f = file(&doc);
            let range = 0..doc.len();
            let mut readers = vec![
                ("load", load(&s, &f, range.clone(), format)),
                (
                    "serde",
                    load_serde(&s, &f, range.clone(), format, &Limits::default()).map_err(first),
                ),
            ];
            if format == Format::Json {
                let fast = fast::read(&doc, &s, 64)
                    .ok_or_else(|| Diagnostic::new(codes::FACTS_SYNTAX, "fast path stepped aside"));
                if want.is_ok() {
                    readers.push(("fast", fast));
                } else {
                    assert!(fast.is_err(), "the fast path read {doc}");
                }
            }
            for (reader, got) in readers {
                match (want, got) {
                    (Ok(w), Ok(v)) => {
                        assert_eq!(dec(&order(&v)[0]).to_string(), *w, "{reader}: {doc}")
                    }
                    (Err(DecimalError::Syntax), Err(d)) => assert!(
                        d.code_id() == codes::FACTS_WRONG_TYPE.id
                            || d.code_id() == codes::FACTS_SYNTAX.id,
                        "{reader}: {doc}: {}",
                        d.code_id()
                    ),
                    (Err(_), Err(d)) => assert_eq!(
                        d.code_id(),
                        codes::FACTS_INEXACT_NUMBER.id,
                        "{reader}: {doc}"
                    ),
                    (w, g) => panic!("{reader}: {doc}: want {w:?}, got {g:?}"),
                }
            }
        }
    }
}

#[test]
fn unknown_keys_with_deep_nesting_do_not_overflow() {
    let deep = format!(
        "order: {{amount: 1, count: 1, currency: EUR}}\nextra: {}{}\n",
        "[".repeat(900),
        "]".repeat(900)
    );
    err_coded(&deep, Format::Yaml, codes::FACTS_UNKNOWN_FIELD);
    let deep = format!("order:\n{}x\n", "- ".repeat(50_000));
    assert_eq!(
        err(&deep, Format::Yaml).code_id(),
        codes::FACTS_WRONG_TYPE.id
    );
    let deep = format!(
        "{{\"extra\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    err_coded(&deep, Format::Json, codes::FACTS_UNKNOWN_FIELD);
    let deep = "[".repeat(100_000);
    assert!(one(&deep, Format::Json).is_err());
    assert!(one(&deep, Format::Yaml).is_err());
    let deep = "{a: ".repeat(100_000);
    assert!(one(&deep, Format::Yaml).is_err());
    let deep = "a:\n".repeat(5000) + "  b";
    assert!(one(&deep, Format::Yaml).is_err());
}

#[test]
fn flow_depth_is_limited() {
    let deep = format!("order: 1\nextra: {}", "[".repeat(MAX_FLOW_DEPTH + 1));
    let d = err(&deep, Format::Yaml);
    assert_eq!(d.code_id(), codes::FACTS_SYNTAX.id);
    assert_eq!(d.json_start(), 16 + MAX_FLOW_DEPTH);
    let quoted = format!(
        "x: \"{}\" # {}\ny: '{}'",
        "[".repeat(2000),
        "{".repeat(2000),
        "[".repeat(2000)
    );
    assert_eq!(flow_too_deep(&quoted, MAX_FLOW_DEPTH), None);
}

#[test]
fn alias_bomb_is_stopped() {
    let s = record(vec![field(
        "m",
        Ty::List(Box::new(Ty::List(Box::new(Ty::List(Box::new(Ty::Int)))))),
    )]);
    let mut text = String::from("m:\n  - &b [&a [");
    text.push_str(&vec!["1"; 1000].join(","));
    text.push_str("], ");
    text.push_str(&vec!["*a"; 1000].join(","));
    text.push_str("]\n");
    for _ in 0..1000 {
        text.push_str("  - *b\n");
    }
    let f = file(&text);
    let d = match load(&s, &f, 0..text.len(), Format::Yaml) {
        Ok(_) => panic!("the bomb loaded"),
        Err(d) => d,
    };
    assert_eq!(d.code_id(), codes::FACTS_SYNTAX.id);
}

#[test]
fn yaml_split_rules() {
    // No document at all: one empty document, refused when read.
    assert_eq!(split("", Format::Yaml), vec![0..0]);
    assert_eq!(split_piece("", Format::Yaml), Vec::<Range<usize>>::new());
    assert_eq!(split("# only a comment\n\n", Format::Yaml), vec![0..0]);
    assert_eq!(split("", Format::JsonLines), vec![0..0]);
    assert_eq!(split(" \n\t\n", Format::JsonLines), vec![0..0]);
    // Every `---` opens a document, empty or not.
    assert_eq!(
        split("---\n# c\n---\n...\n", Format::Yaml),
        vec![0..8, 8..16]
    );
    assert_eq!(split("---\n---\n", Format::Yaml), vec![0..4, 4..8]);
    assert_eq!(split("a: 1\n---\n", Format::Yaml), vec![0..5, 5..9]);
    assert_eq!(split("a: 1\n...\n# end\n", Format::Yaml), vec![0..9]);
    let text = "# lead\n%YAML 1.2\n---\na: 1\n--- # two\nb: 2\n...\n---\n  \n---   \nc: 3";
    let r = split(text, Format::Yaml);
    assert_eq!(r.len(), 4);
    assert_eq!(&text[r[0].clone()], "# lead\n%YAML 1.2\n---\na: 1\n");
    assert_eq!(&text[r[1].clone()], "--- # two\nb: 2\n...\n");
    assert_eq!(&text[r[2].clone()], "---\n  \n");
    assert_eq!(&text[r[3].clone()], "---   \nc: 3");
    for empty in [
        "",
        "  \n",
        "# c\n",
        "---\n",
        "--- # c\n...\n",
        "%YAML 1.2\n---\n",
    ] {
        assert!(is_empty_document(empty, false), "{empty:?}");
        let d = err(empty, Format::Yaml);
        assert_eq!(d.code_id(), codes::FACTS_EMPTY.id, "{empty:?}");
        assert_eq!(d.line_col(), Some((1, 1)));
    }
    for not_empty in ["~", "null", "--- {}", "a: 1"] {
        assert!(!is_empty_document(not_empty, false), "{not_empty:?}");
    }
    assert_eq!(err(" \n", Format::Json).code_id(), codes::FACTS_EMPTY.id);
    // `---` inside a value is not a separator; `----` is not a marker.
    assert_eq!(split("a: |\n  ---\n----\n", Format::Yaml).len(), 1);
    assert_eq!(split("{\"a\": 1}", Format::Json), vec![0..8]);
}

#[test]
fn optional_handling() {
    let v = one(YAML_OK, Format::Yaml).unwrap();
    let Value::Record(root) = &v else { panic!() };
    assert_eq!(root[1], Value::Absent);
    let o = order(&v);
    assert!(o[3..].iter().all(|v| *v == Value::Absent));

    let text = "order:\n  amount: 1\n  count: 1\n  currency: EUR\n  note: ~\n  day: null\n  at:\n  tags: [a, 'b']\n  paid: true\ncoupon: null\n";
    let v = one(text, Format::Yaml).unwrap();
    let o = order(&v);
    assert_eq!(&o[3..6], &[Value::Absent, Value::Absent, Value::Absent]);
    assert_eq!(
        o[6],
        Value::List(vec![Value::Str(Arc::from("a")), Value::Str(Arc::from("b"))].into())
    );
    assert_eq!(o[7], Value::Bool(true));

    let text = "{\"order\": {\"amount\": 1, \"count\": 1, \"currency\": \"EUR\", \"note\": null, \"day\": \"2026-03-02\", \"at\": \"2026-03-02T10:00:00+01:00\"}, \"coupon\": {\"code\": \"X\"}}";
    let v = one(text, Format::Json).unwrap();
    let o = order(&v);
    assert_eq!(o[3], Value::Absent);
    assert_eq!(
        o[4],
        Value::Date(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())
    );
    assert!(matches!(o[5], Value::DateTime(_)));
    let Value::Record(root) = &v else { panic!() };
    assert_eq!(
        root[1],
        Value::Record(vec![Value::Str(Arc::from("X"))].into())
    );

    // A required value given as null.
    let d = err(
        "order: {amount: 1, count: ~, currency: EUR}\n",
        Format::Yaml,
    );
    assert_eq!(d.code_id(), codes::FACTS_WRONG_TYPE.id);
    assert!(d.message().ends_with("found `~`"), "{}", d.message());
    let d = err(
        "order:\n  amount: 1\n  count:\n  currency: EUR\n",
        Format::Yaml,
    );
    assert!(d.message().ends_with("found nothing"), "{}", d.message());
    assert_eq!(d.line_col(), Some((3, 9)));
    let d = err("order: {amount: 1, count: 1, currency: }\n", Format::Yaml);
    assert_eq!(d.code_id(), codes::FACTS_WRONG_TYPE.id);
    assert!(
        d.message()
            .ends_with("expected one of EUR, USD, found nothing"),
        "{}",
        d.message()
    );
}

#[test]
fn duplicates_and_odd_keys() {
    let d = err(
        "order: {amount: 1, count: 1, currency: EUR, count: 2}\n",
        Format::Yaml,
    );
    assert_eq!(d.code_id(), codes::FACTS_SYNTAX.id);
    assert_eq!(d.line_col(), Some((1, 45)));
    // A key that is not a field name, and the fields the mapping lacks.
    let d = err_coded("order: {? [a]: 1}\n", Format::Yaml, codes::FACTS_WRONG_TYPE);
    assert_eq!(d.message(), "`order`: a key must be a field name");
    // A merged mapping is read like any other: `a` is unknown there too.
    let d = err_coded(
        "order: {<<: {a: 1}}\n",
        Format::Yaml,
        codes::FACTS_UNKNOWN_FIELD,
    );
    assert_eq!(d.underlined(), Some("a"));
    // A tag is refused where it is written, not dropped.
    let d = err("order: !money {amount: 1}\n", Format::Yaml);
    assert_eq!(d.code_id(), codes::FACTS_SYNTAX.id);
    assert_eq!(d.underlined(), Some("!money"));
}

/// Input that a lenient reader would take silently (the last of two
/// keys, a float's special values, a binary tag): each is refused with
/// a code, by the fast JSON path and by serde alike.
#[test]
fn duplicates_and_special_values_are_refused_by_every_reader() {
    let s = schema();
    let json = [
        (
            r#"{"order": {"amount": 1, "count": 1, "currency": "EUR", "count": 2}}"#,
            codes::FACTS_SYNTAX,
        ),
        (
            r#"{"order": {"amount": 1, "count": 1, "currency": "EUR", "note": null, "note": "x"}}"#,
            codes::FACTS_SYNTAX,
        ),
        (
            r#"{"order": {"amount": 1, "count": 1, "currency": "EUR", "c\u006funt": 2}}"#,
            codes::FACTS_SYNTAX,
        ),
        (
            r#"{"order": {"amount": 1, "count": 1, "currency": "EUR"}, "order": {"amount": 2, "count": 1, "currency": "EUR"}}"#,
            codes::FACTS_SYNTAX,
        ),
        (
            r#"{"order": {"amount": NaN, "count": 1, "currency": "EUR"}}"#,
            codes::FACTS_SYNTAX,
        ),
        (
            r#"{"order": {"amount": Infinity, "count": 1, "currency": "EUR"}}"#,
            codes::FACTS_SYNTAX,
        ),
        (
            r#"{"order": {"amount": "NaN", "count": 1, "currency": "EUR"}}"#,
            codes::FACTS_WRONG_TYPE,
        ),
        (
            r#"{"order": {"amount": "-Infinity", "count": 1, "currency": "EUR"}}"#,
            codes::FACTS_WRONG_TYPE,
        ),
    ];
    for (doc, code) in json {
        assert!(
            fast::read(doc, &s, 64).is_none(),
            "the fast path read {doc}"
        );
        for format in [Format::Json, Format::JsonLines] {
            let d = err(doc, format);
            assert_eq!(d.code_id(), code.id, "{format:?} {doc}: {}", d.message());
        }
        // YAML reads `NaN` as a plain word: a wrong type there.
        let d = err(doc, Format::Yaml);
        assert!(
            [codes::FACTS_SYNTAX.id, codes::FACTS_WRONG_TYPE.id].contains(&d.code_id()),
            "{doc}: {}",
            d.code_id()
        );
    }
    let yaml = [
        ("order: {amount: 1, count: 1, currency: EUR, count: 2}", codes::FACTS_SYNTAX),
        ("order: {amount: 1, count: 1, currency: EUR}\norder: {amount: 2, count: 1, currency: EUR}", codes::FACTS_SYNTAX),
        ("order: {amount: .inf, count: 1, currency: EUR}", codes::FACTS_WRONG_TYPE),
        ("order: {amount: -.Inf, count: 1, currency: EUR}", codes::FACTS_WRONG_TYPE),
        ("order: {amount: .nan, count: 1, currency: EUR}", codes::FACTS_WRONG_TYPE),
        ("order: {amount: !!binary MTI=, count: 1, currency: EUR}", codes::FACTS_SYNTAX),
        // A tag on a text that would read as the field's value.
        ("order: {amount: !!binary \"12.50\", count: 1, currency: EUR}", codes::FACTS_SYNTAX),
        ("order:\n  amount: !<tag:x.org,2026:m> 12.50\n  count: 1\n  currency: EUR", codes::FACTS_SYNTAX),
        ("order: {amount: 1, count: 1, currency: EUR, 1: 2}", codes::FACTS_UNKNOWN_FIELD),
        ("order: {amount: 1, count: 1, currency: EUR, [a]: 2}", codes::FACTS_WRONG_TYPE),
        ("order: {amount: 1, count: 1, currency: EUR, null: 2}", codes::FACTS_UNKNOWN_FIELD),
    ];
    for (doc, code) in yaml {
        let d = err(doc, Format::Yaml);
        assert_eq!(d.code_id(), code.id, "{doc}: {}", d.message());
    }
}

#[test]
fn garbage_never_panics() {
    let s = schema();
    let inputs = [
        "",
        "\u{feff}",
        "\u{feff}order: 1",
        "---",
        "...",
        ":",
        "[",
        "{",
        "}",
        "\"",
        "'",
        "&a",
        "*a",
        "!",
        "? ",
        "order: &a {amount: 1, count: 1, currency: EUR}\ncoupon: *a\n",
        "order: [*a]",
        "%YAML 1.2",
        "\t- x",
        "{\"order\": {\"amount\": \"\\\"\"}}",
        "{\"order\": 1e99999}",
        "{\"order\": {\"amount\": -}}",
        "order: {amount: 1e}",
        "null",
        "~",
        "42",
        "\"s\"",
        "[]",
        "{}",
        "order:\n  amount: \"12.5\" # c\n  count: 0x10\n  currency: USD\n",
    ];
    for text in inputs {
        for format in [Format::Yaml, Format::Json, Format::JsonLines] {
            let f = file(text);
            for r in split(text, format) {
                let _ = load(&s, &f, r, format);
            }
            let _ = load(&s, &f, 0..text.len(), format);
            let _ = load(&s, &f, 0..text.len() + 5, format);
        }
    }
    // Every prefix of a real document.
    let doc = "order:\n  amount: \"1.5\"\n  count: 2\n  currency: EUR\n  tags: [x, \"y\", 'z']\n  at: 2026-03-02T10:00:00Z\n";
    let json = "{\"order\": {\"amount\": 1.5, \"count\": 2, \"currency\": \"EUR\", \"tags\": [\"x\", \"y\\\"\"]}}";
    for text in [doc, json] {
        for (i, _) in text.char_indices() {
            let f = file(text);
            let _ = load(&s, &f, 0..i, Format::Yaml);
            let _ = load(&s, &f, 0..i, Format::Json);
        }
    }
}

/// Records wider than the 64 fields the bit set holds inline.
#[test]
fn wide_records_track_every_field() {
    let fields = (0..70)
        .map(|i| {
            field(
                &format!("f{i}"),
                if i == 69 {
                    Ty::Int
                } else {
                    Ty::Optional(Box::new(Ty::Int))
                },
            )
        })
        .collect();
    let schema = record(vec![field("wide", Ty::Record(record(fields)))]);
    let read = |body: &str| {
        let text = format!("{{\"wide\": {{{body}}}}}");
        let f = file(&text);
        load(&schema, &f, 0..text.len(), Format::Json)
    };
    let all: Vec<String> = (0..70).map(|i| format!("\"f{i}\": {i}")).collect();
    let Value::Record(root) = read(&all.join(", ")).unwrap() else {
        panic!()
    };
    let Some(Value::Record(wide)) = root.first() else {
        panic!()
    };
    assert_eq!(wide.get(68), Some(&Value::Int(68)));
    assert_eq!(wide.len(), 70);
    // Given twice, past the 64th field.
    let twice = format!("{}, \"f68\": 1", all.join(", "));
    assert!(read(&twice)
        .unwrap_err()
        .to_string()
        .contains("given twice"));
    // Missing, past the 64th field; the optional ones may be left out.
    let missing = read("\"f3\": 1").unwrap_err().to_string();
    assert!(
        missing.contains("missing required field `f69`"),
        "{missing}"
    );
    let Value::Record(root) = read("\"f69\": 9").unwrap() else {
        panic!()
    };
    let Some(Value::Record(wide)) = root.first() else {
        panic!()
    };
    assert_eq!(wide.first(), Some(&Value::Absent));
    assert_eq!(wide.get(69), Some(&Value::Int(9)));
}

/// The facts path is carried from where the mistake is found, not read
/// back from the message: a key holding a backtick is named whole.
#[test]
fn the_facts_path_is_carried_not_parsed_from_the_message() {
    let d = err(
        "order: {amount: 1, count: 1, currency: EUR, \"a`b\": 1}\n",
        Format::Yaml,
    );
    assert_eq!(d.code_id(), codes::FACTS_UNKNOWN_FIELD.id);
    assert_eq!(d.facts_path(), Some("order.a`b"));
    let d = err(
        "\"x`\": 1\norder: {amount: 1, count: 1, currency: EUR}\n",
        Format::Yaml,
    );
    assert_eq!(d.facts_path(), Some("x`"));
    // The document as a whole, and its syntax, have no path.
    assert_eq!(err("- 1\n", Format::Yaml).facts_path(), None);
    assert_eq!(err("{\"order\": ", Format::Json).facts_path(), None);
}
