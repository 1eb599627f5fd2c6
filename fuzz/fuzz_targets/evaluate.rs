//! Evaluation of the shipped pack on arbitrary facts that fit its schema:
//! extreme numbers, dates at the ends of the calendar, long holiday lists.
//! Never a panic; a request is decided or fails with coded diagnostics.
//!
//! The facts are built from structured input (so that almost every case
//! gets past the loader and into the evaluator), written out as JSON or YAML
//! text, then decided both alone and inside a batch.
#![no_main]

use std::fmt::Write as _;
use std::sync::LazyLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use pactum::{Outcome, Package, Policy};

static PACK: LazyLock<Policy> = LazyLock::new(|| {
    let files = [
        ("package.policy", include_str!("../../policies/unsubscription/package.policy")),
        ("account.policy", include_str!("../../policies/unsubscription/account.policy")),
        ("billing.policy", include_str!("../../policies/unsubscription/billing.policy")),
        ("cancellation.policy", include_str!("../../policies/unsubscription/cancellation.policy")),
        ("channels.policy", include_str!("../../policies/unsubscription/channels.policy")),
        ("refunds.policy", include_str!("../../policies/unsubscription/refunds.policy")),
    ];
    match Package::from_sources(files).check() {
        Ok(p) => p,
        Err(d) => panic!("the shipped pack does not check: {d}"),
    }
});

/// A decimal as digits and a scale, written as a JSON string.
#[derive(Debug, Arbitrary)]
struct Dec {
    mantissa: i128,
    scale: u8,
    small: bool,
}

impl Dec {
    fn text(&self) -> String {
        // 96-bit mantissa, scale 0..=28: always a valid decimal text; the
        // `small` ones stay in the range real money lives in.
        let m = if self.small {
            self.mantissa % 10_000_000
        } else {
            self.mantissa % (1i128 << 96)
        };
        let scale = u32::from(self.scale % 29);
        let neg = m < 0;
        let digits = m.unsigned_abs().to_string();
        let scale = scale as usize;
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (int, frac) = padded.split_at(padded.len() - scale);
        let sign = if neg { "-" } else { "" };
        if frac.is_empty() {
            format!("\"{sign}{int}\"")
        } else {
            format!("\"{sign}{int}.{frac}\"")
        }
    }
}

/// A date as year, month, day; mostly real days, sometimes the ends of
/// the four-digit calendar.
#[derive(Debug, Arbitrary)]
struct Day {
    year: u16,
    month: u8,
    day: u8,
    near: bool,
}

impl Day {
    fn text(&self) -> String {
        let year = if self.near {
            2020 + u32::from(self.year % 12)
        } else {
            u32::from(self.year % 10_000)
        };
        let month = u32::from(self.month % 12) + 1;
        let day = u32::from(self.day % 28) + 1;
        format!("\"{year:04}-{month:02}-{day:02}\"")
    }
}

#[derive(Debug, Arbitrary)]
struct Facts {
    action: bool,
    channel: bool,
    date: Day,
    account_id: u8,
    currency: u8,
    relation_changed: Option<Day>,
    limit: i64,
    used: i64,
    resource_id: u8,
    service: u8,
    supports: bool,
    subscription: bool,
    image: Option<bool>,
    unpaid: i64,
    risk: bool,
    purchased: Day,
    order_currency: u8,
    amount: Dec,
    voucher: Dec,
    consumed: Dec,
    paid_by: u8,
    promotion: Option<(u8, bool)>,
    calendar: Option<Option<Vec<Day>>>,
    yaml: bool,
}

const WORDS: &[&str] = &["USD", "usd", "CNY", "ecs", "ECS", "rds", "acc-1", "acc-2", "", "é", "\\\"", "{x}"];

fn word(i: u8) -> &'static str {
    WORDS.get(usize::from(i) % WORDS.len()).copied().unwrap_or("")
}

impl Facts {
    fn json(&self) -> String {
        let mut s = String::new();
        let _ = write!(
            s,
            "{{\"request\":{{\"action\":\"{}\",\"channel\":\"{}\",\"date\":{}}}",
            if self.action { "unsubscribe" } else { "cancel_unsubscription" },
            if self.channel { "console" } else { "api" },
            self.date.text()
        );
        let _ = write!(
            s,
            ",\"account\":{{\"id\":\"{}\",\"settlement_currency\":\"{}\"",
            word(self.account_id),
            word(self.currency)
        );
        if let Some(d) = &self.relation_changed {
            let _ = write!(s, ",\"financial_relation_changed_at\":{}", d.text());
        }
        let _ = write!(
            s,
            ",\"ecs_unsubscription_quota\":{{\"limit\":{},\"used\":{}}}}}",
            self.limit, self.used
        );
        let _ = write!(
            s,
            ",\"resource\":{{\"id\":\"{}\",\"service\":\"{}\",\"service_supports_unsubscription\":{},\"billing_method\":\"{}\"",
            word(self.resource_id),
            word(self.service),
            self.supports,
            if self.subscription { "subscription" } else { "pay_as_you_go" }
        );
        if let Some(paid) = self.image {
            let _ = write!(s, ",\"marketplace_image\":{{\"paid\":{paid}}}");
        }
        let _ = write!(
            s,
            ",\"unpaid_orders\":{},\"security_risk\":{}}}",
            self.unpaid, self.risk
        );
        let _ = write!(
            s,
            ",\"order\":{{\"id\":\"o\",\"purchased_at\":{},\"currency\":\"{}\",\"amount\":{},\"voucher_amount\":{},\"consumed_amount\":{},\"paid_by\":\"{}\"",
            self.purchased.text(),
            word(self.order_currency),
            self.amount.text(),
            self.voucher.text(),
            self.consumed.text(),
            word(self.paid_by)
        );
        if let Some((name, refundable)) = &self.promotion {
            let _ = write!(
                s,
                ",\"promotion\":{{\"name\":\"{}\",\"refundable\":{refundable}}}",
                word(*name)
            );
        }
        s.push('}');
        match &self.calendar {
            None => {}
            Some(None) => s.push_str(",\"calendar\":{}"),
            Some(Some(days)) => {
                let days: Vec<String> = days.iter().map(Day::text).collect();
                let _ = write!(s, ",\"calendar\":{{\"holidays\":[{}]}}", days.join(","));
            }
        }
        s.push('}');
        s
    }
}

fuzz_target!(|facts: Facts| {
    let policy = &*PACK;
    let doc = facts.json();
    // JSON is YAML too: read it both ways.
    let name = if facts.yaml { "one.yaml" } else { "one.json" };
    let alone = policy.evaluate_file(name, &doc);
    assert_eq!(alone.len(), 1, "one document, one outcome");
    if let Some(Outcome::Failed { diagnostics, .. }) = alone.first() {
        // The facts fit the schema: only evaluation faults are expected.
        for d in diagnostics {
            assert!(
                !d.code_id().starts_with("pactum::facts::"),
                "facts built from the schema were refused: {} {}\n{doc}",
                d.code_id(),
                d.message()
            );
        }
    }
    // The same document three times in a batch: three outcomes, the same.
    let batch = format!("{doc}\n{doc}\n{doc}\n");
    let outcomes = policy.evaluate_file("batch.jsonl", &batch);
    assert_eq!(outcomes.len(), 3, "three documents, three outcomes");
    let shape = |o: &Outcome| match o {
        Outcome::Decided(d) => serde_json::to_string(d).unwrap_or_default(),
        Outcome::Failed { diagnostics, .. } => diagnostics
            .iter()
            .map(|d| d.code_id())
            .collect::<Vec<_>>()
            .join(","),
    };
    let first = outcomes.first().map(shape);
    for o in &outcomes {
        assert_eq!(Some(shape(o)), first, "the same facts, the same outcome");
    }
});
