//! YAML merge keys (`<<`): what they merge, in which order, and the errors
//! inside merged mappings; and the property that a document written with
//! anchors and merges reads exactly as the same document written out.

use proptest::prelude::*;

use super::*;

/// anchors: optional any (where the shared mappings are anchored),
/// order: item, orders: optional list of item, coupon: optional { code },
/// where item is { amount: decimal, count: int, currency: one of EUR, USD,
/// note: optional string, tags: optional list of string,
/// extra: optional { name: string, kept: bool } }
fn merge_schema() -> Arc<RecordTy> {
    let currency = Arc::new(EnumTy {
        variants: vec![Arc::from("EUR"), Arc::from("USD")],
    });
    let extra = record(vec![field("name", Ty::Str), field("kept", Ty::Bool)]);
    let item = Ty::Record(record(vec![
        field("amount", Ty::Decimal),
        field("count", Ty::Int),
        field("currency", Ty::Enum(currency)),
        field("note", Ty::Optional(Box::new(Ty::Str))),
        field("tags", Ty::Optional(Box::new(Ty::List(Box::new(Ty::Str))))),
        field("extra", Ty::Optional(Box::new(Ty::Record(extra)))),
    ]));
    record(vec![
        field("anchors", Ty::Optional(Box::new(Ty::Any))),
        field("order", item.clone()),
        field("orders", Ty::Optional(Box::new(Ty::List(Box::new(item))))),
        field(
            "coupon",
            Ty::Optional(Box::new(Ty::Record(record(vec![field("code", Ty::Str)])))),
        ),
    ])
}

fn read(text: &str) -> Result<Value, Diagnostic> {
    load(&merge_schema(), &file(text), 0..text.len(), Format::Yaml)
}

fn read_err(text: &str) -> Diagnostic {
    match read(text) {
        Ok(v) => panic!("loaded {v:?} from\n{text}"),
        Err(d) => d,
    }
}

/// Both texts read, to the same value.
fn same(merged: &str, full: &str) {
    let a = read(merged).unwrap_or_else(|d| panic!("{merged}\n{}", d.message()));
    let b = read(full).unwrap_or_else(|d| panic!("{full}\n{}", d.message()));
    assert_eq!(a, b, "\n{merged}\nreads differently from\n{full}");
}

const BASE: &str =
    "anchors:\n  b: &b {amount: 1, count: 2, currency: EUR, note: base, tags: [x, y]}\n";

#[test]
fn fields_written_in_the_mapping_win_before_or_after_the_merge() {
    let full = "order: {amount: 1, count: 5, currency: EUR, note: mine, tags: [x, y]}\n";
    same(
        &format!("{BASE}order: {{count: 5, <<: *b, note: mine}}\n"),
        full,
    );
    same(
        &format!("{BASE}order: {{<<: *b, count: 5, note: mine}}\n"),
        full,
    );
    same(
        &format!("{BASE}order:\n  note: mine\n  <<: *b\n  count: 5\n"),
        full,
    );
    // Nothing written: the merged mapping whole.
    same(
        &format!("{BASE}order: {{<<: *b}}\n"),
        "order: {amount: 1, count: 2, currency: EUR, note: base, tags: [x, y]}\n",
    );
}

#[test]
fn in_a_list_of_merges_the_earlier_mapping_wins() {
    let anchors = "anchors:\n  - &a {count: 1, note: a}\n  - &b {count: 2, currency: USD, note: b, amount: 3}\n";
    same(
        &format!("{anchors}order: {{<<: [*a, *b]}}\n"),
        "order: {amount: 3, count: 1, currency: USD, note: a}\n",
    );
    same(
        &format!("{anchors}order: {{<<: [*b, *a]}}\n"),
        "order: {amount: 3, count: 2, currency: USD, note: b}\n",
    );
    same(
        &format!("{anchors}order: {{note: mine, <<: [*b, *a], count: 9}}\n"),
        "order: {amount: 3, count: 9, currency: USD, note: mine}\n",
    );
    // A list of one, and mappings written in place.
    same(
        "order: {<<: [{amount: 1, count: 1}, {count: 2, currency: EUR}]}\n",
        "order: {amount: 1, count: 1, currency: EUR}\n",
    );
}

#[test]
fn the_merge_is_shallow_and_nests() {
    let anchors = "anchors:\n  p: &p {name: spring, kept: false}\n  b: &b {amount: 1, count: 2, currency: EUR, extra: *p}\n";
    // A nested record with a merge of its own.
    same(
        &format!("{anchors}order: {{<<: *b, extra: {{<<: *p, kept: true}}}}\n"),
        "order: {amount: 1, count: 2, currency: EUR, extra: {name: spring, kept: true}}\n",
    );
    // The merged mapping itself merges.
    same(
        &format!("{anchors}  c: &c {{<<: *b, count: 7}}\norder: {{<<: *c, note: n}}\n"),
        "order: {amount: 1, count: 7, currency: EUR, note: n, extra: {name: spring, kept: false}}\n",
    );
    // Shallow: `extra` written in the mapping replaces the merged one
    // whole, so its `kept` is missing.
    let d = read_err(&format!(
        "{anchors}order: {{<<: *b, extra: {{name: autumn}}}}\n"
    ));
    assert_eq!(d.code_id(), codes::FACTS_MISSING_FIELD.id);
    assert_eq!(d.message(), "`order.extra`: missing required field `kept`");
}

#[test]
fn merges_fill_optional_and_absent_fields() {
    // Nothing gives `note`: absent; a merged null: absent too.
    same(
        "anchors: {b: &b {amount: 1, count: 2, currency: EUR}}\norder: {<<: *b}\n",
        "order: {amount: 1, count: 2, currency: EUR}\n",
    );
    same(
        "anchors: {b: &b {amount: 1, count: 2, currency: EUR, note: ~}}\norder: {<<: *b}\n",
        "order: {amount: 1, count: 2, currency: EUR}\n",
    );
    // A null written in the mapping wins over a merged value.
    same(
        &format!("{BASE}order: {{<<: *b, note: null, tags: ~}}\n"),
        "order: {amount: 1, count: 2, currency: EUR}\n",
    );
    // At the root: a whole request merged, an optional fact added.
    same(
        "anchors: {r: &r {order: {amount: 1, count: 2, currency: EUR}}}\n<<: *r\ncoupon: {code: C}\n",
        "order: {amount: 1, count: 2, currency: EUR}\ncoupon: {code: C}\n",
    );
    // A required field that no mapping gives is still missing.
    let d = read_err("anchors: {b: &b {amount: 1, currency: EUR}}\norder: {<<: *b}\n");
    assert_eq!(d.code_id(), codes::FACTS_MISSING_FIELD.id);
    assert_eq!(d.message(), "`order`: missing required field `count`");
}

#[test]
fn lists_are_merged_whole_and_hold_merges() {
    // Not concatenated: the list written wins whole.
    same(
        &format!("{BASE}order: {{<<: *b, tags: [z]}}\n"),
        "order: {amount: 1, count: 2, currency: EUR, note: base, tags: [z]}\n",
    );
    same(
        &format!("{BASE}order: {{<<: *b}}\norders:\n  - {{<<: *b, count: 1}}\n  - <<: *b\n    count: 3\n"),
        "order: {amount: 1, count: 2, currency: EUR, note: base, tags: [x, y]}\norders:\n  - {amount: 1, count: 1, currency: EUR, note: base, tags: [x, y]}\n  - {amount: 1, count: 3, currency: EUR, note: base, tags: [x, y]}\n",
    );
}

#[test]
fn a_mistake_inside_a_merged_mapping_points_where_it_is_written() {
    let text =
        "anchors:\n  b: &b {amount: 1, colour: red}\norder: {<<: *b, count: 1, currency: EUR}\n";
    let d = read_err(text);
    assert_eq!(d.code_id(), codes::FACTS_UNKNOWN_FIELD.id);
    assert_eq!(d.message(), "`order`: unknown field `colour`");
    assert_eq!(d.line_col(), Some((2, 21)));
    assert_eq!(d.underlined(), Some("colour"));

    let text = "anchors:\n  b: &b\n    amount: 1\n    count: two\norder: {<<: *b, currency: EUR}\n";
    let d = read_err(text);
    assert_eq!(d.code_id(), codes::FACTS_WRONG_TYPE.id);
    assert_eq!(
        d.message(),
        "`order.count`: expected a whole number such as 3, found `two`"
    );
    assert_eq!(d.line_col(), Some((4, 12)));

    // A field twice in the merged mapping is refused there.
    let d = read_err(
        "anchors: {b: &b {count: 1, count: 2}}\norder: {<<: *b, amount: 1, currency: EUR}\n",
    );
    assert_eq!(d.code_id(), codes::FACTS_SYNTAX.id);
    assert_eq!(d.line_col(), Some((1, 28)));
}

#[test]
fn a_merge_value_that_is_not_a_mapping_is_refused() {
    for (value, shown) in [
        ("5", "5"),
        ("text", "text"),
        ("~", "~"),
        ("[{amount: 1}, 3]", "3"),
        ("[[{amount: 1}]]", "[{amount: 1}]"),
        ("*s", "plain"),
    ] {
        let text = format!(
            "anchors: {{s: &s plain}}\norder: {{<<: {value}, amount: 1, count: 1, currency: EUR}}\n"
        );
        let d = read_err(&text);
        assert_eq!(d.code_id(), codes::FACTS_WRONG_TYPE.id, "{value}");
        assert!(
            d.message()
                .starts_with("`order`: the merge key `<<` takes a mapping or a list of mappings"),
            "{value}: {}",
            d.message()
        );
        assert_eq!(d.underlined(), Some(shown), "{value}");
        assert!(d.help_text().is_some_and(|h| h.contains("<<: *name")));
    }
}

/// A syntax error saying `what` is given twice.
fn given_twice(text: &str, what: &str) -> Diagnostic {
    let d = read_err(text);
    assert_eq!(d.code_id(), codes::FACTS_SYNTAX.id);
    let says = format!("`{what}` is given twice");
    assert!(d.message().contains(&says), "{}", d.message());
    d
}

#[test]
fn keys_given_twice_are_still_refused() {
    given_twice(
        &format!("{BASE}order: {{<<: *b, count: 1, count: 2}}\n"),
        "count",
    );
    let d = given_twice(&format!("{BASE}order: {{<<: *b, <<: *b}}\n"), "<<");
    assert_eq!(d.line_col(), Some((3, 17)));
}

#[test]
fn json_has_no_merge_keys() {
    let text = "{\"order\": {\"<<\": {\"amount\": 1}, \"count\": 1, \"currency\": \"EUR\"}}";
    let all = load_with_limits(
        &merge_schema(),
        &file(text),
        0..text.len(),
        Format::Json,
        &Limits::default(),
    )
    .unwrap_err();
    // `<<` is an unknown field, and the `amount` it would give is missing.
    let codes: Vec<&str> = all.iter().map(Diagnostic::code_id).collect();
    assert_eq!(
        codes,
        [codes::FACTS_MISSING_FIELD.id, codes::FACTS_UNKNOWN_FIELD.id]
    );
    let d = all.iter().nth(1).unwrap();
    assert_eq!(d.underlined(), Some("\"<<\""));
}

/// A field of an item and a value for it, as YAML text.
fn entry() -> impl Strategy<Value = (usize, String)> {
    (0usize..6, 0usize..3).prop_map(|(field, pick)| {
        let values: [&[&str]; 6] = [
            &["1", "2.50", "\"3.25\""],
            &["1", "2", "-3"],
            &["EUR", "USD", "EUR"],
            &["a", "~", "'b c'"],
            &["[x]", "[x, y]", "[]"],
            &["{name: p, kept: true}", "{name: q, kept: false}", "~"],
        ];
        (field, values[field][pick].to_string())
    })
}

const ITEM_FIELDS: [&str; 6] = ["amount", "count", "currency", "note", "tags", "extra"];

/// A mapping: each field at most once, in a random order.
fn mapping() -> impl Strategy<Value = Vec<(usize, String)>> {
    prop::collection::vec(entry(), 0..7).prop_map(|entries| {
        let mut seen = [false; 6];
        entries
            .into_iter()
            .filter(|(f, _)| !std::mem::replace(&mut seen[*f], true))
            .collect()
    })
}

fn write(entries: &[(usize, String)]) -> Vec<String> {
    entries
        .iter()
        .map(|(f, v)| format!("{}: {v}", ITEM_FIELDS[*f]))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A document written with anchors and merges reads exactly as the
    /// same document with every merge written out: the same value, or the
    /// same error.
    #[test]
    fn merges_read_as_the_document_written_out(
        own in mapping(),
        bases in prop::collection::vec(mapping(), 1..4),
        at in 0usize..7,
        as_list in any::<bool>(),
        block in any::<bool>(),
    ) {
        let mut anchors = String::from("anchors:\n");
        for (i, b) in bases.iter().enumerate() {
            anchors.push_str(&format!("  - &b{i} {{{}}}\n", write(b).join(", ")));
        }
        let names: Vec<String> = (0..bases.len()).map(|i| format!("*b{i}")).collect();
        let merge = if bases.len() == 1 && !as_list {
            format!("<<: {}", names[0])
        } else {
            format!("<<: [{}]", names.join(", "))
        };
        let mut entries = write(&own);
        entries.insert(at.min(entries.len()), merge);
        let merged = if block {
            format!("{anchors}order:\n  {}\n", entries.join("\n  "))
        } else {
            format!("{anchors}order: {{{}}}\n", entries.join(", "))
        };
        // Written out: the mapping's own fields, then each base's fields
        // that no earlier one gave.
        let mut full = own.clone();
        for b in &bases {
            for (f, v) in b {
                if !full.iter().any(|(g, _)| g == f) {
                    full.push((*f, v.clone()));
                }
            }
        }
        let full = format!("{anchors}order: {{{}}}\n", write(&full).join(", "));
        match (read(&merged), read(&full)) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b, "\n{}\n{}", merged, full),
            (Err(a), Err(b)) => {
                prop_assert_eq!(a.code_id(), b.code_id(), "\n{}\n{}", merged, full);
                prop_assert_eq!(a.message(), b.message(), "\n{}\n{}", merged, full);
            }
            (a, b) => prop_assert!(false, "{:?} vs {:?}\n{}\n{}", a.map(|_| ()).map_err(|d| d.message().to_string()), b.map(|_| ()).map_err(|d| d.message().to_string()), merged, full),
        }
    }
}
