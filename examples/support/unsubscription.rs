//! The integrator's own types for the shipped unsubscription pack, shared by
//! the examples (`#[path = "support/unsubscription.rs"] mod unsubscription;`).
//! Field names are the schema's; `Option` is an optional fact.
#![allow(dead_code)]

use pactum::{Decimal, NaiveDate};
use serde::{Deserialize, Serialize};

/// The facts of one request: one field per fact root of the package.
#[derive(Debug, Clone, Serialize)]
pub struct UnsubscriptionRequest {
    pub request: RequestInfo,
    pub account: Account,
    pub resource: Resource,
    pub order: Order,
    /// Left out: the calendar registered on the policy stands in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar: Option<Calendar>,
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Unsubscribe,
    CancelUnsubscription,
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Console,
    Api,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestInfo {
    pub action: Action,
    pub channel: Channel,
    pub date: NaiveDate,
}

#[derive(Debug, Clone, Serialize)]
pub struct Quota {
    pub limit: i64,
    pub used: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub id: String,
    pub settlement_currency: String,
    pub financial_relation_changed_at: Option<NaiveDate>,
    pub ecs_unsubscription_quota: Quota,
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BillingMethod {
    Subscription,
    PayAsYouGo,
}

#[derive(Debug, Clone, Serialize)]
pub struct MarketplaceImage {
    pub paid: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    pub id: String,
    pub service: String,
    pub service_supports_unsubscription: bool,
    pub billing_method: BillingMethod,
    pub marketplace_image: Option<MarketplaceImage>,
    pub unpaid_orders: i64,
    pub security_risk: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Promotion {
    pub name: String,
    pub refundable: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Order {
    pub id: String,
    pub purchased_at: NaiveDate,
    pub currency: String,
    pub amount: Decimal,
    pub voucher_amount: Decimal,
    pub consumed_amount: Decimal,
    pub paid_by: String,
    pub promotion: Option<Promotion>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Calendar {
    pub holidays: Vec<NaiveDate>,
}

/// The outputs the billing backend reads back.
#[derive(Debug, Deserialize)]
pub struct Refund {
    pub refund_amount: Decimal,
    pub refund_currency: String,
    pub refund_destination: Option<String>,
    pub refund_due_by: Option<NaiveDate>,
}

/// A day of 2026 (`month`, `day` valid by construction in the examples).
pub fn day(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, day).unwrap_or_default()
}

/// The host's holiday calendar.
pub fn holidays() -> Calendar {
    Calendar {
        holidays: vec![day(1, 1), day(4, 3), day(5, 1)],
    }
}

/// The `n`-th request of a made-up stream: mostly allowed, with a spread of
/// the situations the pack denies.
pub fn sample(n: u64) -> UnsubscriptionRequest {
    let cents = i64::try_from(n % 100_000).unwrap_or(0);
    UnsubscriptionRequest {
        request: RequestInfo {
            action: if n % 17 == 0 {
                Action::CancelUnsubscription
            } else {
                Action::Unsubscribe
            },
            channel: if n % 13 == 0 {
                Channel::Api
            } else {
                Channel::Console
            },
            date: day(3, 2),
        },
        account: Account {
            id: format!("acc-{}", n % 1000),
            settlement_currency: "USD".into(),
            financial_relation_changed_at: None,
            ecs_unsubscription_quota: Quota {
                limit: 5,
                used: i64::try_from(n % 7).unwrap_or(0),
            },
        },
        resource: Resource {
            id: format!("i-{n:06}"),
            service: if n % 3 == 0 { "rds" } else { "ecs" }.into(),
            service_supports_unsubscription: true,
            billing_method: if n % 11 == 0 {
                BillingMethod::PayAsYouGo
            } else {
                BillingMethod::Subscription
            },
            marketplace_image: None,
            unpaid_orders: 0,
            security_risk: false,
        },
        order: Order {
            id: format!("ord-{n:06}"),
            purchased_at: day(1, 15),
            currency: "USD".into(),
            amount: Decimal::new(100_000 + cents, 2),
            voucher_amount: Decimal::new(cents % 5_000, 2),
            consumed_amount: Decimal::new(cents % 90_000, 2),
            paid_by: format!("acc-{}", n % 1000),
            promotion: None,
        },
        calendar: None,
    }
}
