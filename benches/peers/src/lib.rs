//! Peer-engine baselines for Pactum's benchmarks (docs/performance.md).
//!
//! The deny rules of `policies/unsubscription`, written for Cedar
//! (`policies/unsubscription.cedar`), Rego run by regorus
//! (`policies/unsubscription.rego`) and CEL (`policies/unsubscription.cel`),
//! each behind the same small interface: prepare a request once (the
//! engine's own input form, like Pactum's pre-read `Facts`), then decide it
//! and return the set of deny codes.
//!
//! The host converts the facts for the peers: amounts become whole
//! ten-thousandths (every generated amount has at most 4 decimals, and none
//! of the peers has exact decimal arithmetic) and dates become days since
//! 1970-01-01. Pactum reads the facts as written.
//!
//! This crate is its own workspace, outside the main package: CI never
//! builds it. `cargo test --release` checks that every engine agrees with
//! Pactum on the whole generated corpus; `cargo bench` checks it again and
//! then times them all in one run.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[allow(unused_imports)]
#[path = "../../../tests/support/unsubscription.rs"]
pub mod oracle;

use std::collections::BTreeSet;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

/// The seed of the generated corpus (the same as `benches/engine.rs`).
pub const SEED: u64 = 4;

/// The shipped pack's directory.
pub const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../policies/unsubscription");

/// A set of deny codes.
pub type Codes = BTreeSet<String>;

/// The generated requests, as JSON text.
pub fn corpus(n: usize) -> Vec<String> {
    oracle::generate(SEED, n)
}

/// The shipped pack, checked.
pub fn pactum_policy() -> pactum::Policy {
    pactum::Package::from_dir(PACK)
        .check()
        .expect("the shipped pack checks")
}

/// Pactum's deny codes for one decision.
pub fn pactum_codes(d: &pactum::Decision) -> Codes {
    d.reasons().iter().map(|r| r.code.to_string()).collect()
}

/// The hand-written decision's deny codes.
pub fn handwritten_codes(f: &oracle::Facts) -> Codes {
    let v = oracle::decide(f);
    v["reasons"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .filter_map(|r| r["code"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn units(d: Decimal) -> i64 {
    let mut x = d;
    x.rescale(4);
    assert_eq!(x, d, "an amount with more than 4 decimals: {d}");
    i64::try_from(x.mantissa()).expect("an amount that fits in i64")
}

fn days(d: NaiveDate) -> i64 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days()
}

/// The facts in the peers' form: amounts in ten-thousandths, dates in days.
pub fn peer_json(f: &oracle::Facts) -> Value {
    let action = match f.request.action {
        oracle::Action::Unsubscribe => "unsubscribe",
        oracle::Action::CancelUnsubscription => "cancel_unsubscription",
    };
    let channel = match f.request.channel {
        oracle::Channel::Console => "console",
        oracle::Channel::Api => "api",
    };
    let mut account = Map::new();
    account.insert("id".into(), json!(f.account.id));
    account.insert(
        "settlement_currency".into(),
        json!(f.account.settlement_currency),
    );
    if let Some(d) = f.account.financial_relation_changed_at {
        account.insert("financial_relation_changed_at".into(), json!(days(d)));
    }
    account.insert(
        "ecs_unsubscription_quota".into(),
        json!({
            "limit": f.account.ecs_unsubscription_quota.limit,
            "used": f.account.ecs_unsubscription_quota.used,
        }),
    );
    let mut resource = Map::new();
    resource.insert("id".into(), json!(f.resource.id));
    resource.insert("service".into(), json!(f.resource.service));
    resource.insert(
        "service_supports_unsubscription".into(),
        json!(f.resource.service_supports_unsubscription),
    );
    let billing = match f.resource.billing_method {
        oracle::BillingMethod::Subscription => "subscription",
        oracle::BillingMethod::PayAsYouGo => "pay_as_you_go",
    };
    resource.insert("billing_method".into(), json!(billing));
    if let Some(m) = &f.resource.marketplace_image {
        resource.insert("marketplace_image".into(), json!({ "paid": m.paid }));
    }
    resource.insert("unpaid_orders".into(), json!(f.resource.unpaid_orders));
    resource.insert("security_risk".into(), json!(f.resource.security_risk));
    let mut order = Map::new();
    order.insert("id".into(), json!(f.order.id));
    order.insert("purchased_at".into(), json!(days(f.order.purchased_at)));
    order.insert("currency".into(), json!(f.order.currency));
    order.insert("amount".into(), json!(units(f.order.amount)));
    order.insert(
        "voucher_amount".into(),
        json!(units(f.order.voucher_amount)),
    );
    order.insert(
        "consumed_amount".into(),
        json!(units(f.order.consumed_amount)),
    );
    order.insert("paid_by".into(), json!(f.order.paid_by));
    if let Some(p) = &f.order.promotion {
        order.insert(
            "promotion".into(),
            json!({ "name": p.name, "refundable": p.refundable }),
        );
    }
    json!({
        "request": { "action": action, "channel": channel, "date": days(f.request.date) },
        "account": account,
        "resource": resource,
        "order": order,
    })
}

/// Cedar: one `forbid` a deny rule, codes in `@code` annotations.
pub struct Cedar {
    policies: cedar_policy::PolicySet,
    entities: cedar_policy::Entities,
    authorizer: cedar_policy::Authorizer,
}

impl Cedar {
    /// Parses the policy set.
    pub fn new() -> Self {
        let src = include_str!("../policies/unsubscription.cedar");
        Cedar {
            policies: cedar_policy::PolicySet::from_str(src).expect("Cedar policies parse"),
            entities: cedar_policy::Entities::empty(),
            authorizer: cedar_policy::Authorizer::new(),
        }
    }

    /// A request, built once.
    pub fn request(&self, f: &oracle::Facts) -> cedar_policy::Request {
        let v = peer_json(f);
        let action = v["request"]["action"].as_str().unwrap().to_string();
        let principal = cedar_policy::EntityUid::from_str(r#"Account::"a""#).unwrap();
        let action = cedar_policy::EntityUid::from_str(&format!(r#"Action::"{action}""#)).unwrap();
        let resource = cedar_policy::EntityUid::from_str(r#"Resource::"r""#).unwrap();
        let context = cedar_policy::Context::from_json_value(v, None).expect("a Cedar context");
        cedar_policy::Request::new(principal, action, resource, context, None)
            .expect("a Cedar request")
    }

    /// Decides: the response.
    pub fn decide(&self, request: &cedar_policy::Request) -> cedar_policy::Response {
        self.authorizer
            .is_authorized(request, &self.policies, &self.entities)
    }

    /// The deny codes of a response.
    pub fn codes(&self, r: &cedar_policy::Response) -> Codes {
        assert!(
            r.diagnostics().errors().next().is_none(),
            "Cedar errors: {r:?}"
        );
        if r.decision() == cedar_policy::Decision::Allow {
            return Codes::new();
        }
        r.diagnostics()
            .reason()
            .filter_map(|id| self.policies.policy(id))
            .filter_map(|p| p.annotation("code").map(String::from))
            .collect()
    }
}

impl Default for Cedar {
    fn default() -> Self {
        Self::new()
    }
}

/// Rego, run by regorus: `data.unsubscription.deny`, a set of codes.
pub struct Rego {
    engine: regorus::Engine,
}

impl Rego {
    /// Compiles the module.
    pub fn new() -> Self {
        let mut engine = regorus::Engine::new();
        engine
            .add_policy(
                "unsubscription.rego".into(),
                include_str!("../policies/unsubscription.rego").into(),
            )
            .expect("the Rego module parses");
        Rego { engine }
    }

    /// The input, built once.
    pub fn input(f: &oracle::Facts) -> regorus::Value {
        regorus::Value::from(peer_json(f))
    }

    /// Decides: the `deny` set.
    pub fn decide(&mut self, input: &regorus::Value) -> regorus::Value {
        self.engine.set_input(input.clone());
        self.engine
            .eval_rule("data.unsubscription.deny".into())
            .expect("regorus evaluates")
    }

    /// The deny codes of a result.
    pub fn codes(v: &regorus::Value) -> Codes {
        match v {
            regorus::Value::Set(s) => s
                .iter()
                .map(|c| c.as_string().map(|s| s.to_string()).unwrap_or_default())
                .collect(),
            regorus::Value::Undefined => Codes::new(),
            other => panic!("unexpected Rego result {other:?}"),
        }
    }
}

impl Default for Rego {
    fn default() -> Self {
        Self::new()
    }
}

/// CEL: one expression giving the list of codes.
pub struct Cel {
    program: cel_interpreter::Program,
    root: cel_interpreter::Context<'static>,
}

/// A JSON value as a CEL value (numbers are whole here).
fn cel_value(v: &Value) -> cel_interpreter::Value {
    use cel_interpreter::Value as V;
    match v {
        Value::Null => V::Null,
        Value::Bool(b) => V::Bool(*b),
        Value::Number(n) => V::Int(n.as_i64().expect("a whole number")),
        Value::String(s) => V::String(std::sync::Arc::new(s.clone())),
        Value::Array(items) => V::List(std::sync::Arc::new(items.iter().map(cel_value).collect())),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| (k.clone(), cel_value(v)))
            .collect::<std::collections::HashMap<String, V>>()
            .into(),
    }
}

/// A request's variables for CEL, built once.
pub type CelInput = Vec<(&'static str, cel_interpreter::Value)>;

impl Cel {
    /// Compiles the expression.
    pub fn new() -> Self {
        let program =
            cel_interpreter::Program::compile(include_str!("../policies/unsubscription.cel"))
                .expect("the CEL expression compiles");
        Cel {
            program,
            root: cel_interpreter::Context::default(),
        }
    }

    /// The variables, built once.
    pub fn input(f: &oracle::Facts) -> CelInput {
        let v = peer_json(f);
        ["request", "account", "resource", "order"]
            .into_iter()
            .map(|k| (k, cel_value(&v[k])))
            .collect()
    }

    /// Decides: the list of codes.
    pub fn decide(&self, input: &CelInput) -> cel_interpreter::Value {
        let mut ctx = self.root.new_inner_scope();
        for (k, v) in input {
            ctx.add_variable_from_value(*k, v.clone());
        }
        self.program.execute(&ctx).expect("CEL evaluates")
    }

    /// The deny codes of a result.
    pub fn codes(v: &cel_interpreter::Value) -> Codes {
        match v {
            cel_interpreter::Value::List(items) => items
                .iter()
                .map(|c| match c {
                    cel_interpreter::Value::String(s) => s.to_string(),
                    other => panic!("unexpected CEL code {other:?}"),
                })
                .collect(),
            other => panic!("unexpected CEL result {other:?}"),
        }
    }
}

impl Default for Cel {
    fn default() -> Self {
        Self::new()
    }
}

/// Checks that every engine gives Pactum's deny codes on every request of
/// `docs`; panics with the first disagreement. Returns how many requests
/// were denied.
pub fn check_agreement(docs: &[String]) -> usize {
    let policy = pactum_policy();
    let cedar = Cedar::new();
    let mut rego = Rego::new();
    let cel = Cel::new();
    let mut denied = 0;
    for (i, doc) in docs.iter().enumerate() {
        let d = policy.evaluate_str(doc).expect("Pactum decides");
        let want = pactum_codes(&d);
        denied += usize::from(!want.is_empty());
        let f: oracle::Facts = serde_json::from_str(doc).unwrap();
        let got = [
            ("hand-written", handwritten_codes(&f)),
            ("cedar", cedar.codes(&cedar.decide(&cedar.request(&f)))),
            ("regorus", Rego::codes(&rego.decide(&Rego::input(&f)))),
            ("cel", Cel::codes(&cel.decide(&Cel::input(&f)))),
        ];
        for (engine, codes) in got {
            assert_eq!(
                codes, want,
                "{engine} disagrees with Pactum on request {i}: {doc}"
            );
        }
    }
    denied
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engine_agrees_with_pactum_on_the_corpus() {
        let docs = corpus(10_000);
        let denied = check_agreement(&docs);
        assert!(denied > 1_000 && denied < 9_000, "{denied} denied");
    }
}
