//! The unsubscription pack, rule by rule: facts in, decision out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use pactum::{Decision, Package, Policy};

fn pack() -> &'static Policy {
    static PACK: OnceLock<Policy> = OnceLock::new();
    PACK.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/unsubscription");
        Package::from_dir(dir)
            .check()
            .expect("the shipped pack checks")
    })
}

/// A request that is allowed: every deny condition false.
const BASE: &str = r#"
request: { action: unsubscribe, channel: console, date: 2026-03-02 }
account:
  id: acc-1001
  settlement_currency: USD
  ecs_unsubscription_quota: { limit: 5, used: 2 }
resource:
  id: i-bp1abc
  service: ecs
  service_supports_unsubscription: true
  billing_method: subscription
  unpaid_orders: 0
  security_risk: false
order:
  id: ord-2001
  purchased_at: 2025-12-01
  currency: USD
  amount: "1200.00"
  voucher_amount: "0.00"
  consumed_amount: "300.00"
  paid_by: acc-1001
"#;

/// BASE with `edits` applied: each `(from, to)` replaces one line fragment;
/// a `from` of "" appends `to` under the document root.
fn facts(edits: &[(&str, &str)]) -> String {
    let mut s = BASE.to_string();
    for (from, to) in edits {
        if from.is_empty() {
            s.push_str(to);
            s.push('\n');
        } else {
            assert!(s.contains(from), "BASE has no {from:?}");
            s = s.replacen(from, to, 1);
        }
    }
    s
}

fn decide(edits: &[(&str, &str)]) -> Decision {
    pack().evaluate_str(&facts(edits)).unwrap_or_else(|d| {
        let msgs: Vec<_> = d
            .iter()
            .map(|x| format!("{}: {}", x.code_id(), x.message()))
            .collect();
        panic!("not decided: {msgs:?}")
    })
}

fn reasons(d: &Decision) -> Vec<&str> {
    d.reasons().iter().map(|r| r.code.as_str()).collect()
}

fn notes(d: &Decision) -> Vec<&str> {
    d.notes().iter().map(|r| r.code.as_str()).collect()
}

fn out(d: &Decision, name: &str) -> String {
    d.output(name).expect("declared output").to_string()
}

fn denied_only_by(edits: &[(&str, &str)], code: &str) -> Decision {
    let d = decide(edits);
    assert!(!d.is_allowed());
    assert_eq!(reasons(&d), vec![code]);
    let r = &d.reasons()[0];
    assert_eq!(r.rule, code.to_lowercase());
    assert!(!r.message.is_empty());
    assert!(
        r.help.as_deref().is_some_and(|h| !h.is_empty()),
        "{code} has no help"
    );
    d
}

#[test]
fn the_base_request_is_allowed_with_a_refund() {
    let d = decide(&[]);
    assert!(d.is_allowed());
    assert_eq!(reasons(&d), Vec::<&str>::new());
    assert_eq!(notes(&d), vec!["UNSUBSCRIPTION_FINAL"]);
    assert_eq!(out(&d, "refund_amount"), "900.00");
    assert_eq!(out(&d, "refund_currency"), "USD");
    assert_eq!(out(&d, "refund_destination"), "acc-1001");
    // 30 business days after Monday 2026-03-02, no holidays: Monday 2026-04-13.
    assert_eq!(out(&d, "refund_due_by"), "2026-04-13");
    assert_eq!(d.id().to_string(), "i-bp1abc");
}

#[test]
fn service_not_supported() {
    denied_only_by(
        &[(
            "service_supports_unsubscription: true",
            "service_supports_unsubscription: false",
        )],
        "SERVICE_NOT_SUPPORTED",
    );
}

#[test]
fn pay_as_you_go_is_never_refunded_and_gets_no_zero_notes() {
    let d = denied_only_by(
        &[
            (
                "billing_method: subscription",
                "billing_method: pay_as_you_go",
            ),
            ("voucher_amount: \"0.00\"", "voucher_amount: \"1200.00\""),
        ],
        "PAY_AS_YOU_GO",
    );
    assert_eq!(notes(&d), Vec::<&str>::new());
    assert_eq!(out(&d, "refund_amount"), "0.00");
    assert_eq!(out(&d, "refund_destination"), "none");
    assert_eq!(out(&d, "refund_due_by"), "none");
}

#[test]
fn promotion_non_refundable() {
    let d = denied_only_by(
        &[(
            "",
            "  promotion: { name: \"Double 11\", refundable: false }",
        )],
        "PROMOTION_NON_REFUNDABLE",
    );
    assert!(d.reasons()[0].message.contains("Double 11"));
    // A refundable promotion changes nothing.
    let d = decide(&[("", "  promotion: { name: \"Spring\", refundable: true }")]);
    assert!(d.is_allowed());
}

#[test]
fn voucher_paid_orders_have_nothing_to_refund() {
    let d = denied_only_by(
        &[("voucher_amount: \"0.00\"", "voucher_amount: \"1200.00\"")],
        "REFUNDABLE_AMOUNT_ZERO",
    );
    assert_eq!(notes(&d), vec!["VOUCHER_PAID"]);
    assert_eq!(out(&d, "refund_amount"), "0.00");
    // Vouchers beyond the amount still leave nothing, never a negative cash.
    let d = decide(&[
        ("voucher_amount: \"0.00\"", "voucher_amount: \"1500\""),
        ("consumed_amount: \"300.00\"", "consumed_amount: \"0\""),
    ]);
    assert_eq!(notes(&d), vec!["VOUCHER_PAID"]);
}

#[test]
fn fully_consumed_cash_leaves_nothing() {
    let d = denied_only_by(
        &[(
            "consumed_amount: \"300.00\"",
            "consumed_amount: \"1300.00\"",
        )],
        "REFUNDABLE_AMOUNT_ZERO",
    );
    assert_eq!(notes(&d), vec!["FULLY_CONSUMED"]);
    let d = decide(&[(
        "consumed_amount: \"300.00\"",
        "consumed_amount: \"1200.00\"",
    )]);
    assert_eq!(notes(&d), vec!["FULLY_CONSUMED"]);
}

#[test]
fn a_refundable_amount_that_rounds_to_zero_is_zero() {
    let d = decide(&[(
        "consumed_amount: \"300.00\"",
        "consumed_amount: \"1199.996\"",
    )]);
    assert_eq!(reasons(&d), vec!["REFUNDABLE_AMOUNT_ZERO"]);
    assert_eq!(out(&d, "refund_amount"), "0.00");
    // …while half a cent rounds up, away from zero.
    let d = decide(&[(
        "consumed_amount: \"300.00\"",
        "consumed_amount: \"1199.995\"",
    )]);
    assert!(d.is_allowed());
    assert_eq!(out(&d, "refund_amount"), "0.01");
}

#[test]
fn a_financial_relation_changed_after_the_purchase_zeroes_the_refund() {
    let edit = (
        "settlement_currency: USD",
        "settlement_currency: USD\n  financial_relation_changed_at: 2026-01-15",
    );
    let d = denied_only_by(&[edit], "REFUNDABLE_AMOUNT_ZERO");
    assert_eq!(notes(&d), vec!["ACCOUNT_REASSOCIATED"]);
    // On the purchase day itself it has no effect.
    let same_day = (
        "settlement_currency: USD",
        "settlement_currency: USD\n  financial_relation_changed_at: 2025-12-01",
    );
    assert!(decide(&[same_day]).is_allowed());
    // Before the purchase neither.
    let before = (
        "settlement_currency: USD",
        "settlement_currency: USD\n  financial_relation_changed_at: 2025-11-30",
    );
    assert!(decide(&[before]).is_allowed());
}

#[test]
fn marketplace_paid_image() {
    let edit = (
        "security_risk: false",
        "security_risk: false\n  marketplace_image: { paid: true }",
    );
    denied_only_by(&[edit], "MARKETPLACE_PAID_IMAGE");
    let free = (
        "security_risk: false",
        "security_risk: false\n  marketplace_image: { paid: false }",
    );
    assert!(decide(&[free]).is_allowed());
}

#[test]
fn ecs_quota_exhausted_only_for_ecs() {
    denied_only_by(
        &[("limit: 5, used: 2", "limit: 5, used: 5")],
        "ECS_QUOTA_EXHAUSTED",
    );
    denied_only_by(
        &[("limit: 5, used: 2", "limit: 5, used: 7")],
        "ECS_QUOTA_EXHAUSTED",
    );
    assert!(decide(&[("limit: 5, used: 2", "limit: 5, used: 4")]).is_allowed());
    assert!(decide(&[
        ("limit: 5, used: 2", "limit: 5, used: 5"),
        ("service: ecs", "service: rds")
    ])
    .is_allowed());
    // Strings compare exactly: "ECS" is not "ecs".
    assert!(decide(&[
        ("limit: 5, used: 2", "limit: 5, used: 5"),
        ("service: ecs", "service: ECS")
    ])
    .is_allowed());
}

#[test]
fn currency_mismatch() {
    let d = denied_only_by(
        &[("\n  currency: USD", "\n  currency: CNY")],
        "CURRENCY_MISMATCH",
    );
    assert_eq!(out(&d, "refund_currency"), "CNY");
    denied_only_by(
        &[("\n  currency: USD", "\n  currency: usd")],
        "CURRENCY_MISMATCH",
    );
}

#[test]
fn unpaid_orders() {
    let d = denied_only_by(&[("unpaid_orders: 0", "unpaid_orders: 2")], "UNPAID_ORDERS");
    assert!(d.reasons()[0].message.contains('2'));
}

#[test]
fn security_risk() {
    denied_only_by(
        &[("security_risk: false", "security_risk: true")],
        "SECURITY_RISK",
    );
}

#[test]
fn api_not_supported() {
    denied_only_by(&[("channel: console", "channel: api")], "API_NOT_SUPPORTED");
}

#[test]
fn cancellation_is_always_denied_with_a_single_reason() {
    let d = decide(&[
        ("action: unsubscribe", "action: cancel_unsubscription"),
        ("channel: console", "channel: api"),
        ("unpaid_orders: 0", "unpaid_orders: 3"),
        ("voucher_amount: \"0.00\"", "voucher_amount: \"1200.00\""),
    ]);
    assert_eq!(reasons(&d), vec!["CANCELLATION_NOT_SUPPORTED"]);
    assert!(d.reasons()[0].help.as_deref().unwrap().contains("ticket"));
    // The zero note still goes on a subscription, and amounts are computed.
    assert_eq!(notes(&d), vec!["VOUCHER_PAID"]);
    assert_eq!(out(&d, "refund_amount"), "0.00");
    assert_eq!(out(&d, "refund_currency"), "USD");
}

#[test]
fn every_reason_that_applies_is_reported() {
    let d = decide(&[
        (
            "service_supports_unsubscription: true",
            "service_supports_unsubscription: false",
        ),
        ("limit: 5, used: 2", "limit: 5, used: 5"),
        ("\n  currency: USD", "\n  currency: EUR"),
        ("unpaid_orders: 0", "unpaid_orders: 1"),
        ("security_risk: false", "security_risk: true"),
        ("channel: console", "channel: api"),
    ]);
    let mut got = reasons(&d);
    got.sort_unstable();
    assert_eq!(
        got,
        vec![
            "API_NOT_SUPPORTED",
            "CURRENCY_MISMATCH",
            "ECS_QUOTA_EXHAUSTED",
            "SECURITY_RISK",
            "SERVICE_NOT_SUPPORTED",
            "UNPAID_ORDERS"
        ]
    );
    assert_eq!(notes(&d), Vec::<&str>::new());
    assert_eq!(out(&d, "refund_amount"), "900.00");
}

#[test]
fn refund_due_date_skips_holidays_and_weekends() {
    // Good Friday 2026-04-03 and Easter Monday 2026-04-06 push the 30th
    // business day from 2026-04-13 to 2026-04-15. A Saturday holiday, a
    // repeat and disorder change nothing.
    let d = decide(&[(
        "",
        "calendar: { holidays: [2026-04-06, 2026-04-03, 2026-03-07, 2026-04-03] }",
    )]);
    assert_eq!(out(&d, "refund_due_by"), "2026-04-15");
    // No holidays list, or an empty calendar, means no holidays.
    assert_eq!(
        out(&decide(&[("", "calendar: {}")]), "refund_due_by"),
        "2026-04-13"
    );
    // Across a month end and a year end, from a Friday.
    let d = decide(&[
        ("date: 2026-03-02", "date: 2026-12-25"),
        ("", "calendar: { holidays: [2027-01-01] }"),
    ]);
    // 30 business days after Fri 2026-12-25, skipping Fri 2027-01-01.
    assert_eq!(out(&d, "refund_due_by"), "2027-02-08");
}

#[test]
fn amounts_are_exact_whether_strings_or_numbers() {
    let d = decide(&[
        ("amount: \"1200.00\"", "amount: 1200.5"),
        ("consumed_amount: \"300.00\"", "consumed_amount: 0.1"),
    ]);
    assert_eq!(out(&d, "refund_amount"), "1200.40");
}
