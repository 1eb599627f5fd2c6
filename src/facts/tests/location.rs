//! Where errors point, and what they say.

use super::*;

#[test]
fn wrong_type_points_at_the_value() {
    let text = "order:\n  amount: twelve\n  count: 3\n  currency: EUR\n";
    let d = err(text, Format::Yaml);
    assert_eq!(d.code_id(), codes::FACTS_WRONG_TYPE.id);
    assert_eq!(
        d.message(),
        "`order.amount`: expected a decimal such as \"12.50\", found `twelve`"
    );
    assert_eq!(d.line_col(), Some((2, 11)));
    assert_eq!(d.underlined(), Some("twelve"));
    assert!(d.help_text().is_some_and(|h| h.contains("12.50")));

    let json =
        "{\"order\": {\n  \"amount\": \"1\",\n  \"count\": \"3\",\n  \"currency\": \"EUR\"}}";
    let d = err(json, Format::Json);
    assert_eq!(d.code_id(), codes::FACTS_WRONG_TYPE.id);
    assert_eq!(d.line_col(), Some((3, 12)));
    assert_eq!(d.underlined(), Some("\"3\""));
    assert_eq!(d.help_text(), Some("remove the quotes: 3"));

    // A bare number for a string field: quote it.
    let d = err(
        "order: {amount: 1, count: 1, currency: EUR, note: 42}\n",
        Format::Yaml,
    );
    assert_eq!(d.underlined(), Some("42"));
    assert!(
        d.help_text().is_some_and(|h| h.contains("\"42\"")),
        "{:?}",
        d.help_text()
    );

    // Fractions and overflow for ints.
    let d = err(
        "order: {amount: 1, count: 1.5, currency: EUR}\n",
        Format::Yaml,
    );
    assert_eq!(
        (d.code_id(), d.underlined()),
        (codes::FACTS_WRONG_TYPE.id, Some("1.5"))
    );
    let d = err(
        "{\"order\": {\"amount\": 1, \"count\": 99999999999999999999, \"currency\": \"EUR\"}}",
        Format::Json,
    );
    assert_eq!(
        (d.code_id(), d.underlined()),
        (codes::FACTS_WRONG_TYPE.id, Some("99999999999999999999"))
    );
    let d = err(
        "order: {amount: 1, count: 99999999999999999999, currency: EUR}\n",
        Format::Yaml,
    );
    assert_eq!(
        (d.code_id(), d.underlined()),
        (codes::FACTS_WRONG_TYPE.id, Some("99999999999999999999"))
    );

    // A mapping where a string is expected (serde_yaml raises this itself).
    let d = err(
        "order:\n  amount: 1\n  count: 1\n  currency:\n    code: EUR\n",
        Format::Yaml,
    );
    assert_eq!(d.code_id(), codes::FACTS_WRONG_TYPE.id);
    assert!(d.message().ends_with("found a mapping"), "{}", d.message());
    assert_eq!(d.line_col(), Some((5, 5)));

    // An object where a list is expected (serde_json stops after its
    // first key), and a plain scalar folded over two lines.
    let d = err(
        "{\"order\": {\"amount\": 1, \"count\": 1, \"currency\": \"EUR\", \"tags\": {\"a\": 1}}}",
        Format::Json,
    );
    assert_eq!(
        (d.underlined(), d.message().ends_with("found an object")),
        (Some("{\"a\": 1}"), true)
    );
    let d = err(
        "order:\n  amount: 1\n   count\n  count: 1\n  currency: EUR\n",
        Format::Yaml,
    );
    assert_eq!(d.underlined(), Some("1"));
    assert!(d.message().ends_with("found `1 count`"), "{}", d.message());
    // When the folded line breaks the YAML, the value's error is the
    // syntax error's: that one is reported, at the key indented too far.
    let ds = errors("order:\n  amount: 1\n   count: 2\n", Format::Yaml);
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].code_id(), codes::FACTS_SYNTAX.id);
    assert_eq!(ds[0].line_col(), Some((3, 4)));
    assert!(
        ds[0]
            .message()
            .starts_with("invalid YAML: `count` is indented by 3 spaces, more than"),
        "{}",
        ds[0].message()
    );

    // The whole document is not a mapping.
    let d = err("- 1\n- 2\n", Format::Yaml);
    assert_eq!(
        (d.code_id(), d.line_col()),
        (codes::FACTS_WRONG_TYPE.id, Some((1, 1)))
    );
    let d = err("  [1, 2]", Format::Json);
    assert_eq!(
        (d.code_id(), d.line_col(), d.underlined()),
        (codes::FACTS_WRONG_TYPE.id, Some((1, 3)), Some("[1, 2]"))
    );
}

#[test]
fn multibyte_text_before_the_error() {
    let text = "# café ünïcödé\norder: {amount: 1, count: 1, currency: EUR, note: \"é\", day: 2026-02-30}\n";
    let d = err(text, Format::Yaml);
    assert_eq!(d.underlined(), Some("2026-02-30"));
    assert_eq!(d.line_col(), Some((2, 61)));
    let text = "{\"order\": {\"note\": \"ü€\", \"amount\": 1, \"count\": 1, \"currency\": \"EUR\", \"day\": \"2026-13-01\"}}";
    let d = err(text, Format::Json);
    assert_eq!(d.underlined(), Some("\"2026-13-01\""));
}

#[test]
fn unknown_field_with_suggestion() {
    let text = "order:\n  amout: 1\n  count: 3\n  currency: EUR\n";
    let d = err(text, Format::Yaml);
    assert_eq!(d.code_id(), codes::FACTS_UNKNOWN_FIELD.id);
    assert_eq!(d.message(), "`order`: unknown field `amout`");
    assert_eq!(d.line_col(), Some((2, 3)));
    assert_eq!(d.underlined(), Some("amout"));
    assert_eq!(d.help_text(), Some("did you mean `amount`?"));

    let json = "{\"order\": {\"count\": 3, \"amout\" : 1}}";
    let d = err_coded(json, Format::Json, codes::FACTS_UNKNOWN_FIELD);
    assert_eq!(d.underlined(), Some("\"amout\""));
    assert_eq!(d.help_text(), Some("did you mean `amount`?"));

    let d = err("zzz: 1\n", Format::Yaml);
    assert_eq!(d.message(), "unknown fact `zzz`");
    assert_eq!(d.help_text(), Some("the facts are: `order`, `coupon`"));
}

#[test]
fn missing_field_points_at_the_mapping() {
    let text = "order:\n  count: 3\n  currency: EUR\n";
    let d = err(text, Format::Yaml);
    assert_eq!(d.code_id(), codes::FACTS_MISSING_FIELD.id);
    assert_eq!(d.message(), "`order`: missing required field `amount`");
    assert_eq!(d.line_col(), Some((2, 3)));
    assert_eq!(d.help_text(), Some("add `amount: \"12.50\"` to `order`"));

    let d = err("coupon: {code: X}\n", Format::Yaml);
    assert_eq!(d.message(), "missing required fact `order`");
    assert_eq!(d.line_col(), Some((1, 1)));

    let json = "{\"order\":\n  {\"count\": 3}}";
    let d = err(json, Format::Json);
    assert_eq!(d.code_id(), codes::FACTS_MISSING_FIELD.id);
    assert_eq!(d.line_col(), Some((2, 3)));
    assert_eq!(d.underlined(), Some("{\"count\": 3}"));
    assert!(d
        .help_text()
        .is_some_and(|h| h.contains("also missing: `currency`")));
}

#[test]
fn unknown_variant_lists_the_variants() {
    let d = err(
        "order: {amount: 1, count: 1, currency: eur}\n",
        Format::Yaml,
    );
    assert_eq!(d.code_id(), codes::FACTS_UNKNOWN_VARIANT.id);
    assert_eq!(
        d.message(),
        "`order.currency`: `eur` is not one of EUR, USD"
    );
    assert_eq!(d.underlined(), Some("eur"));
    assert_eq!(d.line_col(), Some((1, 40)));
    assert!(d
        .help_text()
        .is_some_and(|h| h.contains("did you mean `EUR`?")));
    let d = err(
        "{\"order\": {\"amount\": 1, \"count\": 1, \"currency\": \"GBP\"}}",
        Format::Json,
    );
    assert_eq!(d.code_id(), codes::FACTS_UNKNOWN_VARIANT.id);
    assert_eq!(d.underlined(), Some("\"GBP\""));
    assert_eq!(d.help_text(), Some("use one of: EUR, USD"));
}

#[test]
fn stream_with_a_broken_middle_document() {
    let text = "order: {amount: 1, count: 1, currency: EUR}\n---\norder:\n  amount: \"2\n  count: 1\n---\norder: {amount: 3, count: 1, currency: USD}\n";
    let ranges = split(text, Format::Yaml);
    assert_eq!(ranges.len(), 3);
    let (_, results) = load_all(text, Format::Yaml);
    assert_eq!(
        dec(&order(results[0].as_ref().unwrap())[0]).to_string(),
        "1"
    );
    assert_eq!(
        dec(&order(results[2].as_ref().unwrap())[0]).to_string(),
        "3"
    );
    let d = results[1].as_ref().unwrap_err();
    assert_eq!(d.code_id(), codes::FACTS_SYNTAX.id);
    assert!(!d.message().contains(" at line "), "{}", d.message());
    let json = d.to_json();
    let at = json["byte_start"].as_u64().unwrap() as usize;
    assert!(
        ranges[1].contains(&at) || at == ranges[1].end,
        "{at} not in {:?}",
        ranges[1]
    );
}

#[test]
fn json_lines_offsets() {
    let text = "{\"order\": {\"amount\": 1, \"count\": 1, \"currency\": \"EUR\"}}\r\n\n  {\"order\": {\"amount\": 2, \"count\": true, \"currency\": \"EUR\"}}\n{\"order\": {\"amount\": \"3\", \"count\": 1, \"currency\": \"USD\"}}";
    let ranges = split(text, Format::JsonLines);
    assert_eq!(ranges.len(), 3);
    assert!(text[ranges[1].clone()].starts_with('{') && text[ranges[1].clone()].ends_with('}'));
    let (_, results) = load_all(text, Format::JsonLines);
    assert!(results[0].is_ok());
    assert!(results[2].is_ok());
    let d = results[1].as_ref().unwrap_err();
    assert_eq!(d.line_col(), Some((3, 36)));
    assert_eq!(d.underlined(), Some("true"));
    let d = one("{\"order\": {\"amount\": x}}", Format::Json).unwrap_err();
    assert_eq!(
        (d.code_id(), d.underlined()),
        (codes::FACTS_SYNTAX.id, Some("x"))
    );
    assert_eq!(d.message(), "invalid JSON: `x` is not a JSON value");
    assert_eq!(
        d.help_text(),
        Some("JSON strings take double quotes: write \"x\"")
    );
}

#[test]
fn inexact_number_is_refused() {
    let text = "order:\n  amount: 0.1000000000000000000000000000001\n  count: 1\n  currency: EUR\n";
    let d = err(text, Format::Yaml);
    assert_eq!(d.code_id(), codes::FACTS_INEXACT_NUMBER.id);
    assert_eq!(d.line_col(), Some((2, 11)));
    assert_eq!(d.underlined(), Some("0.1000000000000000000000000000001"));
    let json = "{\"order\": {\"amount\": 123456789012345678901234567890123, \"count\": 1, \"currency\": \"EUR\"}}";
    let d = err(json, Format::Json);
    assert_eq!(d.code_id(), codes::FACTS_INEXACT_NUMBER.id);
    assert_eq!(d.underlined(), Some("123456789012345678901234567890123"));
}
