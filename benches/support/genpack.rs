//! A generated package of `n` rules over the unsubscription pack's schema,
//! for the `validate` benchmark (and a test that it checks cleanly).
//!
//! Use it with `#[path = "../benches/support/genpack.rs"] mod genpack;`.
//! The rules vary over the language's forms: comparisons, arithmetic,
//! builtins, optional values, enum tests, `in` lists, `when` blocks,
//! computed values, notes and interpolated messages.

use std::fmt::Write as _;

/// The schema (the shipped pack's facts).
const SCHEMA: &str = r#"package generated
requests are identified by resource.id

type quota = { limit: int, used: int }

schema request {
  action:  one of unsubscribe, cancel_unsubscription
  channel: one of console, api
  date:    date
}

schema account {
  id:                            string
  settlement_currency:           string
  financial_relation_changed_at: optional date
  ecs_unsubscription_quota:      quota
}

schema resource {
  id:                              string
  service:                         string
  service_supports_unsubscription: bool
  billing_method:                  one of subscription, pay_as_you_go
  marketplace_image:               optional { paid: bool }
  unpaid_orders:                   int
  security_risk:                   bool
}

schema order {
  id:              string
  purchased_at:    date
  currency:        string
  amount:          decimal
  voucher_amount:  decimal
  consumed_amount: decimal
  paid_by:         string
  promotion:       optional { name: string, refundable: bool }
}

optional schema calendar {
  holidays: optional list of date
}

let cash_paid = max(order.amount - order.voucher_amount, 0)
let holidays = calendar.holidays otherwise []
output refund_amount = if allowed then round(cash_paid, 2) else 0.00
output refund_due_by = if allowed then add_business_days(request.date, 30, holidays) else none
"#;

/// The files of a package of `n` rules: `(name, text)`, 1,000 rules a file.
pub fn package(n: usize) -> Vec<(String, String)> {
    let mut files = vec![("package.policy".to_string(), SCHEMA.to_string())];
    let mut text = String::new();
    for i in 0..n {
        if i % 1000 == 0 && i > 0 {
            files.push((
                format!("rules-{:02}.policy", i / 1000),
                std::mem::take(&mut text),
            ));
        }
        rule(&mut text, i);
    }
    files.push((format!("rules-{:02}.policy", n / 1000), text));
    files
}

fn rule(out: &mut String, i: usize) {
    let cond = match i % 10 {
        0 => format!("resource.unpaid_orders > {}", i % 97),
        1 => format!(
            "order.amount - order.voucher_amount >= {}.{:02} and order.currency == \"C{}\"",
            i % 1000,
            i % 100,
            i % 7
        ),
        2 => format!(
            "order.promotion is present and order.promotion.name == \"promo-{i}\" and not order.promotion.refundable"
        ),
        3 => format!(
            "max(order.consumed_amount, {}) > round(order.amount * 1.{}, 2)",
            i % 50,
            i % 10
        ),
        4 => format!(
            "account.ecs_unsubscription_quota.used + {} >= account.ecs_unsubscription_quota.limit or resource.service in [\"s{i}\", \"t{i}\"]",
            i % 5
        ),
        5 => format!("l{i} > cash_paid or resource.security_risk"),
        6 => format!(
            "resource.billing_method is pay_as_you_go and resource.service == \"svc-{}\"",
            i % 13
        ),
        7 => format!(
            "account.financial_relation_changed_at is present and account.financial_relation_changed_at > order.purchased_at and order.amount > {}",
            i % 300
        ),
        8 => format!(
            "(resource.marketplace_image is present and resource.marketplace_image.paid) or length(holidays) > {}",
            i % 9
        ),
        _ => format!(
            "request.channel is api and order.paid_by != account.id and request.date >= order.purchased_at and {} < resource.unpaid_orders",
            i % 4
        ),
    };
    if i % 10 == 5 {
        let _ = writeln!(
            out,
            "let l{i} = order.consumed_amount * {} + {}.5",
            i % 3 + 1,
            i % 11
        );
    }
    let block = i % 4 == 0;
    if block {
        out.push_str("when request.action is unsubscribe {\n");
    }
    if i % 25 == 24 {
        let _ = writeln!(
            out,
            "rule r{i} {{\n  note N{i}\n  when {cond}\n  message \"Note {i} for {{resource.id}}: {{order.amount}} {{order.currency}}.\"\n}}"
        );
    } else {
        let _ = writeln!(
            out,
            "rule r{i} {{\n  deny D{i}\n  when {cond}\n  message \"Rule {i} denies {{resource.id}} (order {{order.id}}, {{order.amount}} {{order.currency}}).\"\n  help \"Fix condition {i}, then try again.\"\n}}"
        );
    }
    if block {
        out.push_str("}\n");
    }
}
