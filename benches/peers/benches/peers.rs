//! Pactum against the engines a user would pick instead, in one criterion
//! run, on the same generated requests: one request decided from its
//! prepared input (Pactum's `Facts`, Cedar's `Request`, regorus' input
//! value, CEL's variables, the oracle's structs for hand-written Rust).
//!
//! Every engine is first checked to give Pactum's deny codes on the whole
//! corpus (10,000 requests). Run from `benches/peers` with
//! `CARGO_TARGET_DIR=/work/peers-target cargo bench -j2`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use pactum_peers::{corpus, oracle, pactum_policy, Cedar, Cel, Rego};

const CHECKED: usize = 10_000;
const TIMED: usize = 1_000;

/// Cycles through a corpus, one element an iteration.
fn cycle<'a, T>(items: &'a [T]) -> impl FnMut() -> &'a T {
    let mut next = 0;
    move || {
        let item = &items[next];
        next = (next + 1) % items.len();
        item
    }
}

fn peers(c: &mut Criterion) {
    let docs = corpus(CHECKED);
    let denied = pactum_peers::check_agreement(&docs);
    eprintln!("all engines agree with Pactum on {CHECKED} requests ({denied} denied)");
    let docs = &docs[..TIMED];
    let structs: Vec<oracle::Facts> = docs
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();

    let policy = pactum_policy();
    let facts: Vec<_> = docs
        .iter()
        .map(|d| policy.facts_from_str(d).unwrap())
        .collect();
    let cedar = Cedar::new();
    let cedar_requests: Vec<_> = structs.iter().map(|f| cedar.request(f)).collect();
    let mut rego = Rego::new();
    let rego_inputs: Vec<_> = structs.iter().map(Rego::input).collect();
    let cel = Cel::new();
    let cel_inputs: Vec<_> = structs.iter().map(Cel::input).collect();

    let mut g = c.benchmark_group("peers_in_process");
    let mut next = cycle(&facts);
    g.bench_function("pactum_evaluate", |b| {
        b.iter(|| policy.evaluate(black_box(next())).unwrap())
    });
    let mut next = cycle(&structs);
    g.bench_function("handwritten_decide", |b| {
        b.iter(|| oracle::decide(black_box(next())))
    });
    let mut next = cycle(&structs);
    g.bench_function("handwritten_codes_only", |b| {
        b.iter(|| codes_only(black_box(next())))
    });
    let mut next = cycle(&cedar_requests);
    g.bench_function("cedar", |b| b.iter(|| cedar.decide(black_box(next()))));
    let mut next = cycle(&rego_inputs);
    g.bench_function("regorus", |b| b.iter(|| rego.decide(black_box(next()))));
    let mut next = cycle(&cel_inputs);
    g.bench_function("cel_interpreter", |b| {
        b.iter(|| cel.decide(black_box(next())))
    });
    g.finish();
}

/// The deny codes only, in plain Rust: no messages, notes or outputs (the
/// least any engine could do).
fn codes_only(f: &oracle::Facts) -> Vec<&'static str> {
    use oracle::{Action, BillingMethod, Channel};
    let mut out = Vec::new();
    match f.request.action {
        Action::CancelUnsubscription => out.push("CANCELLATION_NOT_SUPPORTED"),
        Action::Unsubscribe => {
            let q = &f.account.ecs_unsubscription_quota;
            if f.resource.service == "ecs" && q.used >= q.limit {
                out.push("ECS_QUOTA_EXHAUSTED");
            }
            if f.resource.security_risk {
                out.push("SECURITY_RISK");
            }
            if !f.resource.service_supports_unsubscription {
                out.push("SERVICE_NOT_SUPPORTED");
            }
            if f.resource.billing_method == BillingMethod::PayAsYouGo {
                out.push("PAY_AS_YOU_GO");
            }
            if f.order.promotion.as_ref().is_some_and(|p| !p.refundable) {
                out.push("PROMOTION_NON_REFUNDABLE");
            }
            if f.resource.billing_method == BillingMethod::Subscription
                && oracle::refundable_amount(f).is_zero()
            {
                out.push("REFUNDABLE_AMOUNT_ZERO");
            }
            if f.resource
                .marketplace_image
                .as_ref()
                .is_some_and(|m| m.paid)
            {
                out.push("MARKETPLACE_PAID_IMAGE");
            }
            if f.order.currency != f.account.settlement_currency {
                out.push("CURRENCY_MISMATCH");
            }
            if f.resource.unpaid_orders > 0 {
                out.push("UNPAID_ORDERS");
            }
            if f.request.channel == Channel::Api {
                out.push("API_NOT_SUPPORTED");
            }
        }
    }
    out
}

criterion_group!(benches, peers);
criterion_main!(benches);
