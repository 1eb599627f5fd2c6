//! In-process benchmarks of the unsubscription pack (docs/performance.md):
//!
//! - `in_process`: one request decided from facts read beforehand
//!   (`Policy::evaluate`), against the hand-written Rust decision of
//!   `tests/support/unsubscription.rs` (`decide`) on the same requests;
//! - `load_and_evaluate`: one request read from its JSON text, then decided,
//!   against serde_json reading the same bytes into the oracle's structs
//!   (alone, and followed by `decide`); the JSON-only entry points
//!   (`facts_from_json`, `evaluate_json`) and `evaluate_serde` on the same
//!   requests as the oracle's structs (whose dates and amounts serialize
//!   through `format!` and `to_string`) and as structs of the types
//!   docs/embedding.md recommends (`pactum::NaiveDate`, `pactum::Decimal`,
//!   serialized by their own crates). Before the group, paired rounds of
//!   `evaluate_str` against each `evaluate_serde` (`PACTUM_PAIRED_ROUNDS`);
//! - `validate`: `Package::from_sources(..).check()` of the shipped pack and
//!   of a generated package of 10,000 rules.
//!
//! Requests come from the seeded generator (`generate(seed, n)`); each
//! iteration takes the next one of a corpus of 1,000, so the medians average
//! over every rule. Run with `cargo bench --bench engine`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

// Its tests module is compiled without the test harness here.
#[allow(unused_imports)]
#[path = "../tests/support/unsubscription.rs"]
mod unsubscription;

#[path = "support/genpack.rs"]
mod genpack;

#[path = "support/paired.rs"]
mod paired;

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use pactum::{Package, Policy};

const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/unsubscription");
const SEED: u64 = 4;
const CORPUS: usize = 1_000;

fn pack_sources() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(PACK)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "policy"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

fn policy() -> Policy {
    Package::from_dir(Path::new(PACK)).check().unwrap()
}

/// Cycles through a corpus, one element an iteration.
struct Cycle<'a, T> {
    items: &'a [T],
    next: usize,
}

impl<'a, T> Cycle<'a, T> {
    fn new(items: &'a [T]) -> Self {
        Cycle { items, next: 0 }
    }
    fn next(&mut self) -> &'a T {
        let item = &self.items[self.next];
        self.next = (self.next + 1) % self.items.len();
        item
    }
}

fn in_process(c: &mut Criterion) {
    let policy = policy();
    let docs = unsubscription::generate(SEED, CORPUS);
    let facts: Vec<_> = docs
        .iter()
        .map(|d| policy.facts_from_str(d).unwrap())
        .collect();
    let structs: Vec<unsubscription::Facts> = docs
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    let mut g = c.benchmark_group("in_process");
    let mut it = Cycle::new(&facts);
    g.bench_function("pactum_evaluate", |b| {
        b.iter(|| policy.evaluate(black_box(it.next())).unwrap())
    });
    let mut it = Cycle::new(&structs);
    g.bench_function("handwritten_decide", |b| {
        b.iter(|| unsubscription::decide(black_box(it.next())))
    });
    g.finish();
}

fn load_and_evaluate(c: &mut Criterion) {
    let policy = policy();
    let docs = unsubscription::generate(SEED, CORPUS);
    let structs: Vec<unsubscription::Facts> = docs
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    let plains: Vec<plain::Facts> = structs.iter().map(plain::Facts::from).collect();
    for ((doc, oracle), plain) in docs.iter().zip(&structs).zip(&plains) {
        // The same requests, whichever way they come.
        let decision = policy.evaluate_str(doc).unwrap();
        assert_eq!(policy.evaluate_serde(oracle).unwrap(), decision);
        assert_eq!(policy.evaluate_serde(plain).unwrap(), decision);
    }
    // The text entry point against the serde one, round after round: the
    // whole corpus each way.
    let str_all = || {
        for d in &docs {
            black_box(policy.evaluate_str(black_box(d)).unwrap());
        }
    };
    paired::paired(
        (
            "evaluate_str (JSON text)",
            "evaluate_serde (oracle's structs)",
        ),
        str_all,
        || {
            for s in &structs {
                black_box(policy.evaluate_serde(black_box(s)).unwrap());
            }
        },
    );
    paired::paired(
        ("evaluate_str (JSON text)", "evaluate_serde (plain types)"),
        str_all,
        || {
            for p in &plains {
                black_box(policy.evaluate_serde(black_box(p)).unwrap());
            }
        },
    );
    let mut g = c.benchmark_group("load_and_evaluate");
    let mut it = Cycle::new(&docs);
    g.bench_function("pactum_facts_from_str_then_evaluate", |b| {
        b.iter(|| {
            let facts = policy.facts_from_str(black_box(it.next())).unwrap();
            policy.evaluate(&facts).unwrap()
        })
    });
    // `evaluate_file` with a `.json` name reads with the JSON parser;
    // `facts_from_str` sniffs a one-line document as YAML (see
    // docs/performance.md).
    let mut it = Cycle::new(&docs);
    g.bench_function("pactum_evaluate_file_json", |b| {
        b.iter(|| policy.evaluate_file("request.json", black_box(it.next())))
    });
    let mut it = Cycle::new(&docs);
    g.bench_function("pactum_facts_from_json", |b| {
        b.iter(|| policy.facts_from_str(black_box(it.next())).unwrap())
    });
    // The JSON-only entry points, and `evaluate_str` on the same documents.
    type Entry<'p> = (&'static str, Box<dyn Fn(&str) + 'p>);
    let entries: [Entry; 3] = [
        (
            "pactum_facts_from_json_only",
            Box::new(|d| drop(black_box(policy.facts_from_json(d).unwrap()))),
        ),
        (
            "pactum_evaluate_json",
            Box::new(|d| drop(black_box(policy.evaluate_json(d).unwrap()))),
        ),
        (
            "pactum_evaluate_str_json",
            Box::new(|d| drop(black_box(policy.evaluate_str(d).unwrap()))),
        ),
    ];
    for (name, run) in &entries {
        let mut it = Cycle::new(&docs);
        g.bench_function(*name, |b| b.iter(|| run(black_box(it.next()))));
    }
    // The same requests as the integrator's own structs.
    let mut it = Cycle::new(&structs);
    g.bench_function("pactum_evaluate_serde", |b| {
        b.iter(|| policy.evaluate_serde(black_box(it.next())).unwrap())
    });
    let mut it = Cycle::new(&plains);
    g.bench_function("pactum_evaluate_serde_plain_types", |b| {
        b.iter(|| policy.evaluate_serde(black_box(it.next())).unwrap())
    });
    let mut it = Cycle::new(&docs);
    g.bench_function("serde_json_to_structs", |b| {
        b.iter(|| serde_json::from_str::<unsubscription::Facts>(black_box(it.next())).unwrap())
    });
    let mut it = Cycle::new(&docs);
    g.bench_function("serde_json_then_handwritten", |b| {
        b.iter(|| {
            let f: unsubscription::Facts = serde_json::from_str(black_box(it.next())).unwrap();
            unsubscription::decide(&f)
        })
    });
    g.finish();
}

fn validate(c: &mut Criterion) {
    let pack = pack_sources();
    let big = genpack::package(10_000);
    // Both must check: a benchmark of a failing check measures nothing.
    Package::from_sources(pack.clone()).check().unwrap();
    Package::from_sources(big.clone()).check().unwrap();
    // Parse and check; the checked policy is freed outside the timing, as
    // `pactum validate` never frees it (it exits). `validate_drop` below
    // times that freeing on its own.
    let mut g = c.benchmark_group("validate");
    g.bench_function("shipped_pack", |b| {
        b.iter_with_large_drop(|| {
            Package::from_sources(black_box(pack.clone()))
                .check()
                .unwrap()
        })
    });
    g.sample_size(10);
    g.bench_function("generated_10000_rules", |b| {
        b.iter_with_large_drop(|| {
            Package::from_sources(black_box(big.clone()))
                .check()
                .unwrap()
        })
    });
    g.finish();
    // The two stages of the 10,000-rule case apart: reading (parse and
    // lower to the syntax tree) and checking (names, types, compiling).
    let mut g = c.benchmark_group("validate_stages");
    g.sample_size(10);
    g.bench_function("parse_10000_rules", |b| {
        b.iter(|| Package::from_sources(black_box(big.clone())))
    });
    let parsed = Package::from_sources(big.clone());
    g.bench_function("check_10000_rules", |b| {
        b.iter_batched(
            || parsed.clone(),
            |p| p.check().unwrap(),
            criterion::BatchSize::LargeInput,
        )
    });
    g.bench_function("drop_policy_10000_rules", |b| {
        b.iter_batched(
            || parsed.clone().check().unwrap(),
            drop,
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();
}

/// The requests as an integrator following docs/embedding.md writes them:
/// `pactum::NaiveDate` and `pactum::Decimal` fields, serialized by chrono
/// and rust_decimal, and the oracle's enums.
mod plain {
    use pactum::{Decimal, NaiveDate};
    use serde::Serialize;

    use super::unsubscription as u;

    #[derive(Serialize)]
    pub struct Facts {
        request: Request,
        account: Account,
        resource: Resource,
        order: Order,
        #[serde(skip_serializing_if = "Option::is_none")]
        calendar: Option<Calendar>,
    }

    #[derive(Serialize)]
    struct Request {
        action: u::Action,
        channel: u::Channel,
        date: NaiveDate,
    }

    #[derive(Serialize)]
    struct Account {
        id: String,
        settlement_currency: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        financial_relation_changed_at: Option<NaiveDate>,
        ecs_unsubscription_quota: u::Quota,
    }

    #[derive(Serialize)]
    struct Resource {
        id: String,
        service: String,
        service_supports_unsubscription: bool,
        billing_method: u::BillingMethod,
        #[serde(skip_serializing_if = "Option::is_none")]
        marketplace_image: Option<u::MarketplaceImage>,
        unpaid_orders: u64,
        security_risk: bool,
    }

    #[derive(Serialize)]
    struct Order {
        id: String,
        purchased_at: NaiveDate,
        currency: String,
        amount: Decimal,
        voucher_amount: Decimal,
        consumed_amount: Decimal,
        paid_by: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        promotion: Option<u::Promotion>,
    }

    #[derive(Serialize)]
    struct Calendar {
        #[serde(skip_serializing_if = "Option::is_none")]
        holidays: Option<Vec<NaiveDate>>,
    }

    impl From<&u::Facts> for Facts {
        fn from(f: &u::Facts) -> Facts {
            let (a, r, o) = (&f.account, &f.resource, &f.order);
            Facts {
                request: Request {
                    action: f.request.action,
                    channel: f.request.channel,
                    date: f.request.date,
                },
                account: Account {
                    id: a.id.clone(),
                    settlement_currency: a.settlement_currency.clone(),
                    financial_relation_changed_at: a.financial_relation_changed_at,
                    ecs_unsubscription_quota: a.ecs_unsubscription_quota.clone(),
                },
                resource: Resource {
                    id: r.id.clone(),
                    service: r.service.clone(),
                    service_supports_unsubscription: r.service_supports_unsubscription,
                    billing_method: r.billing_method,
                    marketplace_image: r.marketplace_image.clone(),
                    unpaid_orders: r.unpaid_orders,
                    security_risk: r.security_risk,
                },
                order: Order {
                    id: o.id.clone(),
                    purchased_at: o.purchased_at,
                    currency: o.currency.clone(),
                    amount: o.amount,
                    voucher_amount: o.voucher_amount,
                    consumed_amount: o.consumed_amount,
                    paid_by: o.paid_by.clone(),
                    promotion: o.promotion.clone(),
                },
                calendar: f.calendar.as_ref().map(|c| Calendar {
                    holidays: c.holidays.clone(),
                }),
            }
        }
    }
}

criterion_group!(benches, in_process, load_and_evaluate, validate);
criterion_main!(benches);
