//! The checker: one test per kind of error and warning, asserting the code,
//! the underlined text and the help.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{checks, codes_of, fails_check, package};

const SCHEMA: &str = r#"
schema order {
  amount: decimal
  paid_by: string
  purchased_at: date
  kind: one of subscription, pay_as_you_go
  promotion: optional { name: string, refundable: bool }
  tags: list of string
}
"#;

fn with_schema(rest: &str) -> String {
    format!("{SCHEMA}\n{rest}")
}

fn rule(cond: &str) -> String {
    with_schema(&format!(
        "rule r {{ deny R when {cond}\n message \"m {{order.paid_by}} {{order.purchased_at}} {{order.tags}}\" help \"h\" }}"
    ))
}

#[test]
fn a_valid_package_checks_cleanly() {
    checks(&rule("order.amount > 0 and order.kind is subscription"));
}

#[test]
fn syntax_errors_are_all_reported_in_words() {
    let src = "let a = 1 +\nlet b = 2\nrule r { deny }\nlet c = b\n";
    let diags = package(src).check().unwrap_err();
    let syntax: Vec<_> = diags
        .iter()
        .filter(|d| d.code_id() == "pactum::parse::syntax")
        .collect();
    assert_eq!(syntax.len(), 2, "{}", common::render(diags.iter()));
    assert!(
        syntax[0].message().contains("expected a value"),
        "{}",
        syntax[0].message()
    );
    assert!(
        syntax[1].message().contains("expected a code"),
        "{}",
        syntax[1].message()
    );
    assert!(
        !syntax[0].message().contains("kw_"),
        "raw pest names leak: {}",
        syntax[0].message()
    );
}

#[test]
fn a_missing_rule_body_says_so() {
    let d = fails_check("rule r deny X", "pactum::parse::syntax");
    assert!(d.message().contains("rule body"), "{}", d.message());
    assert_eq!(d.underlined(), Some("deny"));
}

#[test]
fn unknown_field_suggests_the_nearest() {
    let d = fails_check(&rule("order.amout > 0"), "pactum::check::unknown_field");
    assert_eq!(d.underlined(), Some("amout"));
    assert_eq!(d.help_text(), Some("did you mean `amount`?"));
}

#[test]
fn unknown_name_suggests_the_nearest() {
    let d = fails_check(&rule("ordr.amount > 0"), "pactum::check::unknown_name");
    assert_eq!(d.underlined(), Some("ordr"));
    assert_eq!(d.help_text(), Some("did you mean `order`?"));
}

#[test]
fn unknown_variant_suggests_the_nearest() {
    let d = fails_check(
        &rule("order.kind is subscriptoin"),
        "pactum::check::unknown_variant",
    );
    assert_eq!(d.underlined(), Some("subscriptoin"));
    assert_eq!(d.help_text(), Some("did you mean `subscription`?"));
    // Bare variants in comparisons are checked too.
    let d = fails_check(
        &rule("order.kind == payg"),
        "pactum::check::unknown_variant",
    );
    assert_eq!(d.underlined(), Some("payg"));
}

#[test]
fn a_date_added_to_a_decimal_is_a_type_error_with_both_sides_labelled() {
    let d = fails_check(
        &with_schema("let x = order.purchased_at + order.amount\noutput o = x"),
        "pactum::check::type_mismatch",
    );
    assert!(
        d.message().contains("date") && d.message().contains("decimal"),
        "{}",
        d.message()
    );
    assert_eq!(d.underlined(), Some("order.purchased_at"));
    assert!(d.help_text().unwrap().contains("add_days"));
    let json = d.to_json();
    assert_eq!(json["labels"].as_array().unwrap().len(), 2);
}

#[test]
fn a_condition_must_be_a_bool() {
    let d = fails_check(&rule("order.amount"), "pactum::check::condition_not_bool");
    assert_eq!(d.underlined(), Some("order.amount"));
    assert!(d.help_text().unwrap().contains("> 0"));
}

#[test]
fn an_optional_needs_a_presence_test_or_default() {
    let d = fails_check(
        &rule("not order.promotion.refundable"),
        "pactum::check::optional_unchecked",
    );
    assert_eq!(d.underlined(), Some("order.promotion.refundable"));
    assert!(d.help_text().unwrap().contains("is present"));
    checks(&rule(
        "order.promotion is present and not order.promotion.refundable",
    ));
    checks(&rule("not (order.promotion.refundable otherwise true)"));
    checks(&rule(
        "if order.promotion is absent then false else not order.promotion.refundable",
    ));
}

#[test]
fn presence_tests_carry_through_lets() {
    checks(&with_schema(
        "let promo = order.promotion is present and order.amount > 0\n\
         rule r { deny R when promo and order.kind is subscription message \"{order.promotion.name} {order.paid_by} {order.purchased_at} {order.tags}\" help \"h\" }",
    ));
}

#[test]
fn duplicates_are_reported_with_both_places() {
    let d = fails_check(
        &with_schema("let x = 1\nlet x = 2\noutput o = x"),
        "pactum::check::duplicate",
    );
    assert_eq!(d.underlined(), Some("x"));
    assert_eq!(d.to_json()["labels"].as_array().unwrap().len(), 2);
    fails_check(
        &format!(
            "{}\n{}",
            rule("order.amount > 1"),
            "rule r { deny S when order.amount > 2 message \"m\" help \"h\" }"
        ),
        "pactum::check::duplicate",
    );
    fails_check(
        &with_schema("output o = 1\noutput o = 2"),
        "pactum::check::duplicate",
    );
    fails_check(
        &format!(
            "{}\n{}",
            rule("order.amount > 1"),
            "rule s { deny R when order.amount > 2 message \"m\" help \"h\" }"
        ),
        "pactum::check::duplicate",
    );
}

#[test]
fn cycles_between_values_are_reported() {
    let d = fails_check(
        &with_schema("let a = b + 1\nlet b = a + 1\noutput o = a"),
        "pactum::check::cycle",
    );
    assert!(
        d.message().contains("depend on each other"),
        "{}",
        d.message()
    );
    assert!(
        d.message().contains("a → b → a") || d.message().contains("b → a → b"),
        "{}",
        d.message()
    );
}

#[test]
fn deny_rules_cannot_depend_on_the_decision() {
    let d = fails_check(&rule("allowed"), "pactum::check::allowed_in_deny");
    assert_eq!(d.underlined(), Some("allowed"));
}

#[test]
fn functions_are_checked_for_name_arity_and_types() {
    let d = fails_check(
        &with_schema("output o = roud(order.amount, 2)"),
        "pactum::check::unknown_function",
    );
    assert_eq!(d.help_text(), Some("did you mean `round`?"));
    fails_check(
        &with_schema("output o = round(order.amount)"),
        "pactum::check::arity",
    );
    fails_check(
        &with_schema("output o = add_days(order.amount, 2)"),
        "pactum::check::type_mismatch",
    );
    fails_check(
        &with_schema("output o = date(\"2026-02-30\")"),
        "pactum::parse::bad_literal",
    );
}

#[test]
fn unknown_types_suggest_the_nearest() {
    let d = fails_check(
        "schema a { x: decimall }\noutput o = a.x",
        "pactum::check::unknown_type",
    );
    assert_eq!(d.help_text(), Some("did you mean `decimal`?"));
}

#[test]
fn warnings_do_not_fail_the_check() {
    let src = with_schema("let unused = 1\nrule r { deny R when 1 == 1 message \"m\" }");
    let policy = package(&src).check().expect("warnings only");
    let codes: Vec<_> = policy.warnings().iter().map(|d| d.code_id()).collect();
    for want in [
        "pactum::warn::unused_let",
        "pactum::warn::constant_condition",
        "pactum::warn::deny_without_help",
        "pactum::warn::unused_field",
    ] {
        assert!(codes.contains(&want), "missing {want} in {codes:?}");
    }
}

#[test]
fn contradictory_tests_warn() {
    let codes = codes_of(&rule(
        "order.kind is subscription and order.kind is pay_as_you_go",
    ));
    assert!(codes.contains(&"pactum::warn::contradiction"), "{codes:?}");
}

#[test]
fn a_package_needs_a_name() {
    let diags = pactum::Package::from_sources([("a.policy", "let x = 1")])
        .check()
        .unwrap_err();
    assert!(diags
        .iter()
        .any(|d| d.code_id() == "pactum::check::package_name"));
}

#[test]
fn independent_errors_are_reported_in_one_run() {
    let src = with_schema("let a = order.amout\nlet b = order.kind is subscriptoin\noutput o = a\noutput p = b\noutput q = ordr");
    let codes = codes_of(&src);
    assert!(codes.contains(&"pactum::check::unknown_field"));
    assert!(codes.contains(&"pactum::check::unknown_variant"));
    assert!(codes.contains(&"pactum::check::unknown_name"));
}
