//! An independent, hand-written reference ("oracle") of the unsubscription
//! policy pack described in `shared/spec/unsubscription-pack.md`.
//!
//! It knows nothing about Pactum: it reads the facts with serde, decides in
//! plain Rust and builds the JSON envelope of `--format json`. Tests compare
//! the real pack against it through [`codes`], which keeps what the contract
//! fixes (decision, reason codes, note codes, outputs) and drops what the pack
//! author words freely (messages, help, rule names).
//!
//! Use it from an integration test or a bench with
//! `#[path = "support/unsubscription.rs"] mod unsubscription;`.
//!
//! Readings chosen where the spec leaves room (each is repeated where it is
//! implemented):
//! - `cash_paid`, `VOUCHER_PAID` and `FULLY_CONSUMED` use the exact amounts;
//!   only the refundable amount is rounded ("rounding comes first" is about
//!   the refundable amount). So an order whose cash part is `0.004` was paid
//!   in cash (no `VOUCHER_PAID`), and its refundable amount rounds to `0.00`
//!   (`REFUNDABLE_AMOUNT_ZERO`), possibly with no zero note at all.
//! - The refundable amount is rounded once, at the end:
//!   `round(max(max(amount - voucher, 0) - consumed, 0))`.
//! - `PROMOTION_NON_REFUNDABLE`, `MARKETPLACE_PAID_IMAGE`, ... apply to
//!   pay-as-you-go resources too: only `REFUNDABLE_AMOUNT_ZERO` and the zero
//!   notes are restricted to subscriptions.
//! - An optional field written as `null` is read as absent (the generator never
//!   writes `null`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{json, Map, Value};

// ---------------------------------------------------------------------------
// Facts
// ---------------------------------------------------------------------------

/// One request: the whole facts document.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    /// What is asked, how and when.
    pub request: Request,
    /// The account making the request.
    pub account: Account,
    /// The resource to unsubscribe from.
    pub resource: Resource,
    /// The order that bought the resource.
    pub order: Order,
    /// Optional holidays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<Calendar>,
}

/// `request`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// `unsubscribe` or `cancel_unsubscription`.
    pub action: Action,
    /// `console` or `api`.
    pub channel: Channel,
    /// The day the request is made.
    #[serde(with = "date")]
    pub date: NaiveDate,
}

/// `request.action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// `unsubscribe`
    Unsubscribe,
    /// `cancel_unsubscription`
    CancelUnsubscription,
}

/// `request.channel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// `console`
    Console,
    /// `api`
    Api,
}

/// `account`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// Account id.
    pub id: String,
    /// Currency the account settles in.
    pub settlement_currency: String,
    /// Optional: the day the account joined or left another financial group.
    #[serde(default, with = "opt_date", skip_serializing_if = "Option::is_none")]
    pub financial_relation_changed_at: Option<NaiveDate>,
    /// Required on every account; only matters for `ecs`.
    pub ecs_unsubscription_quota: Quota,
}

/// `account.ecs_unsubscription_quota`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    /// How many ECS unsubscriptions are allowed.
    pub limit: u64,
    /// How many were used.
    pub used: u64,
}

/// `resource`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// Resource id; also the id of the decision.
    pub id: String,
    /// Service name, compared exactly (`ecs` is not `ECS`).
    pub service: String,
    /// Whether the service can be unsubscribed at all.
    pub service_supports_unsubscription: bool,
    /// `subscription` or `pay_as_you_go`.
    pub billing_method: BillingMethod,
    /// Optional: absent means no marketplace image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marketplace_image: Option<MarketplaceImage>,
    /// Number of unpaid orders.
    pub unpaid_orders: u64,
    /// Whether the instance has security risks.
    pub security_risk: bool,
}

/// `resource.billing_method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BillingMethod {
    /// `subscription`
    Subscription,
    /// `pay_as_you_go`
    PayAsYouGo,
}

/// `resource.marketplace_image`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarketplaceImage {
    /// Whether the image is paid.
    pub paid: bool,
}

/// `order`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// Order id.
    pub id: String,
    /// Purchase day.
    #[serde(with = "date")]
    pub purchased_at: NaiveDate,
    /// Order currency, compared exactly.
    pub currency: String,
    /// What the order cost after discounts.
    #[serde(with = "amount")]
    pub amount: Decimal,
    /// The part of `amount` paid with vouchers.
    #[serde(with = "amount")]
    pub voucher_amount: Decimal,
    /// The value already used up.
    #[serde(with = "amount")]
    pub consumed_amount: Decimal,
    /// The account that paid.
    pub paid_by: String,
    /// Optional promotion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion: Option<Promotion>,
}

/// `order.promotion`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Promotion {
    /// Promotion name.
    pub name: String,
    /// Whether purchases in it can be refunded.
    pub refundable: bool,
}

/// `calendar`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// Optional; may be unsorted and repeat days.
    #[serde(default, with = "opt_dates", skip_serializing_if = "Option::is_none")]
    pub holidays: Option<Vec<NaiveDate>>,
}

/// A date read from and written as a `YYYY-MM-DD` string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Day(NaiveDate);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_date(&s).map(Day).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&fmt_date(self.0))
    }
}

/// Parses a strict `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err(format!("`{s}` is not a YYYY-MM-DD date"));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| format!("`{s}`: {e}"))
}

/// Renders a date as `YYYY-MM-DD`.
pub fn fmt_date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

mod date {
    use super::*;
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        Day::deserialize(d).map(|x| x.0)
    }
    pub fn serialize<S: Serializer>(v: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        Day(*v).serialize(s)
    }
}

mod opt_date {
    use super::*;
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<Day>::deserialize(d).map(|o| o.map(|x| x.0))
    }
    pub fn serialize<S: Serializer>(v: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        v.map(Day).serialize(s)
    }
}

mod opt_dates {
    use super::*;
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<NaiveDate>>, D::Error> {
        Option::<Vec<Day>>::deserialize(d).map(|o| o.map(|v| v.into_iter().map(|x| x.0).collect()))
    }
    pub fn serialize<S: Serializer>(v: &Option<Vec<NaiveDate>>, s: S) -> Result<S::Ok, S::Error> {
        v.as_ref()
            .map(|v| v.iter().copied().map(Day).collect::<Vec<_>>())
            .serialize(s)
    }
}

/// Parses a decimal exactly as written (`"1200.5"`, `1e3` is accepted too).
pub fn parse_amount(s: &str) -> Result<Decimal, String> {
    let r = if s.contains(['e', 'E']) {
        Decimal::from_scientific(s)
    } else {
        Decimal::from_str_exact(s)
    };
    r.map_err(|e| format!("`{s}` is not a decimal: {e}"))
}

/// Amounts: a JSON/YAML string or number, read as the decimal written.
///
/// JSON numbers arrive through `serde_json::Value`, whose `arbitrary_precision`
/// feature keeps their text. YAML numbers arrive from serde_yaml as `f64`;
/// serde_json turns them back into their shortest round-trip text (ryu), which
/// is the text written for any amount of at most 15 significant digits.
mod amount {
    use super::*;
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => parse_amount(&s),
            Value::Number(n) => parse_amount(&n.to_string()),
            other => Err(format!("expected a decimal, found {other}")),
        }
        .map_err(serde::de::Error::custom)
    }
    pub fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }
}

/// Reads every request of a facts file: `.jsonl` (one per non-blank line),
/// `.json` (one document) or `.yaml`/`.yml` (a YAML stream).
pub fn load_facts_file(path: &Path) -> Result<Vec<Facts>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let mut out = Vec::new();
    match ext {
        "jsonl" => {
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                out.push(
                    serde_json::from_str(line)
                        .map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))?,
                );
            }
        }
        "json" => {
            out.push(serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?)
        }
        _ => {
            for doc in serde_yaml::Deserializer::from_str(&text) {
                out.push(Facts::deserialize(doc).map_err(|e| format!("{}: {e}", path.display()))?);
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------

/// Business days a refund may take.
pub const REFUND_BUSINESS_DAYS: u32 = 30;

/// The `n`th business day after `from`: counting starts the day after `from`
/// (the request day never counts, whatever day it is); Saturdays, Sundays and
/// the `holidays` are skipped. The holiday list may be unsorted or repeat a
/// day; a holiday on a weekend changes nothing. `n == 0` gives `from`.
pub fn add_business_days(from: NaiveDate, n: u32, holidays: &[NaiveDate]) -> NaiveDate {
    let holidays: BTreeSet<NaiveDate> = holidays.iter().copied().collect();
    let mut day = from;
    let mut counted = 0;
    while counted < n {
        day += Duration::days(1);
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        if !weekend && !holidays.contains(&day) {
            counted += 1;
        }
    }
    day
}

/// Rounds half away from zero to 2 places; zero always comes out as `0.00`.
pub fn round2(x: Decimal) -> Decimal {
    let mut r = x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    if r.is_zero() {
        return Decimal::new(0, 2);
    }
    r.rescale(2);
    r
}

/// Renders an amount with exactly 2 decimals (`"0.00"`, `"1200.50"`).
pub fn fmt_amount(x: Decimal) -> String {
    round2(x).to_string()
}

/// `max(order.amount - order.voucher_amount, 0)`, exact (not rounded).
pub fn cash_paid(f: &Facts) -> Decimal {
    (f.order.amount - f.order.voucher_amount).max(Decimal::ZERO)
}

/// `financial_relation_changed_at > purchased_at` (the same day does not count).
pub fn reassociated(f: &Facts) -> bool {
    matches!(f.account.financial_relation_changed_at, Some(d) if d > f.order.purchased_at)
}

/// The refundable amount, rounded to 2 places.
pub fn refundable_amount(f: &Facts) -> Decimal {
    if f.resource.billing_method == BillingMethod::PayAsYouGo || reassociated(f) {
        return Decimal::new(0, 2);
    }
    // Reading: rounded once, at the end; cash_paid itself is not rounded.
    round2((cash_paid(f) - f.order.consumed_amount).max(Decimal::ZERO))
}

fn reason(code: &str, rule: &str, message: &str, help: Option<&str>) -> Value {
    json!({"code": code, "rule": rule, "message": message, "help": help})
}

fn note(code: &str, message: &str) -> Value {
    json!({"code": code, "message": message})
}

/// The decision envelope of `pactum evaluate --format json` for one request.
pub fn decide(f: &Facts) -> Value {
    let subscription = f.resource.billing_method == BillingMethod::Subscription;
    let cash = cash_paid(f);
    let refundable = refundable_amount(f);
    let mut reasons = Vec::new();

    match f.request.action {
        Action::CancelUnsubscription => reasons.push(reason(
            "CANCELLATION_NOT_SUPPORTED",
            "cancellation_not_supported",
            "An unsubscription cannot be cancelled.",
            Some("Submit a ticket at once to ask whether the data can still be retrieved."),
        )),
        Action::Unsubscribe => {
            if !f.resource.service_supports_unsubscription {
                reasons.push(reason(
                    "SERVICE_NOT_SUPPORTED",
                    "service_not_supported",
                    "This service does not support unsubscription.",
                    Some("Nothing can be done: this service cannot be unsubscribed."),
                ));
            }
            if !subscription {
                reasons.push(reason(
                    "PAY_AS_YOU_GO",
                    "pay_as_you_go",
                    "Pay-as-you-go resources are not refunded.",
                    Some("Back up the data, then stop and release the resource."),
                ));
            }
            if matches!(&f.order.promotion, Some(p) if !p.refundable) {
                reasons.push(reason(
                    "PROMOTION_NON_REFUNDABLE",
                    "promotion_non_refundable",
                    "The promotion does not support refunds.",
                    None,
                ));
            }
            if subscription && refundable.is_zero() {
                reasons.push(reason(
                    "REFUNDABLE_AMOUNT_ZERO",
                    "refundable_amount_zero",
                    "The refundable amount is zero.",
                    Some("See the notes for why."),
                ));
            }
            if matches!(&f.resource.marketplace_image, Some(m) if m.paid) {
                reasons.push(reason(
                    "MARKETPLACE_PAID_IMAGE",
                    "marketplace_paid_image",
                    "The resource uses a paid marketplace image.",
                    None,
                ));
            }
            let q = &f.account.ecs_unsubscription_quota;
            if f.resource.service == "ecs" && q.used >= q.limit {
                reasons.push(reason(
                    "ECS_QUOTA_EXHAUSTED",
                    "ecs_quota_exhausted",
                    "The ECS unsubscription quota is exhausted.",
                    None,
                ));
            }
            if f.order.currency != f.account.settlement_currency {
                reasons.push(reason(
                    "CURRENCY_MISMATCH",
                    "currency_mismatch",
                    "The order currency differs from the settlement currency.",
                    None,
                ));
            }
            if f.resource.unpaid_orders > 0 {
                reasons.push(reason(
                    "UNPAID_ORDERS",
                    "unpaid_orders",
                    "The instance has unpaid orders.",
                    Some("Pay or cancel the unpaid orders first."),
                ));
            }
            if f.resource.security_risk {
                reasons.push(reason(
                    "SECURITY_RISK",
                    "security_risk",
                    "The instance has security risks.",
                    Some("Resolve the security risk first."),
                ));
            }
            if f.request.channel == Channel::Api {
                reasons.push(reason(
                    "API_NOT_SUPPORTED",
                    "api_not_supported",
                    "Unsubscription is not available through the API.",
                    Some("Use the console or the Unsubscriptions page."),
                ));
            }
        }
    }

    // Zero notes: on every decision about a subscription whose condition
    // holds, whatever the action and the other reasons; never on
    // pay-as-you-go. Conditions use the exact (unrounded) amounts.
    let mut notes = Vec::new();
    if subscription {
        if cash.is_zero() {
            notes.push(note("VOUCHER_PAID", "Nothing was paid in cash."));
        }
        if !cash.is_zero() && f.order.consumed_amount >= cash {
            notes.push(note(
                "FULLY_CONSUMED",
                "The consumed amount reaches the cash paid.",
            ));
        }
        if reassociated(f) {
            notes.push(note(
                "ACCOUNT_REASSOCIATED",
                "The account's financial relation changed after the purchase.",
            ));
        }
    }

    let allowed = reasons.is_empty();
    if allowed {
        notes.push(note(
            "UNSUBSCRIPTION_FINAL",
            "An unsubscription cannot be cancelled once it succeeds.",
        ));
    }

    let (destination, due_by) = if allowed {
        let holidays = f
            .calendar
            .as_ref()
            .and_then(|c| c.holidays.clone())
            .unwrap_or_default();
        let due = add_business_days(f.request.date, REFUND_BUSINESS_DAYS, &holidays);
        (
            Value::String(f.order.paid_by.clone()),
            Value::String(fmt_date(due)),
        )
    } else {
        (Value::Null, Value::Null)
    };

    json!({
        "id": f.resource.id,
        "decision": if allowed { "allow" } else { "deny" },
        "reasons": reasons,
        "notes": notes,
        "outputs": {
            "refund_amount": fmt_amount(refundable),
            "refund_currency": f.order.currency,
            "refund_destination": destination,
            "refund_due_by": due_by,
        }
    })
}

/// The output names the contract fixes.
pub const OUTPUT_NAMES: [&str; 4] = [
    "refund_amount",
    "refund_currency",
    "refund_destination",
    "refund_due_by",
];

/// What tests compare: `(decision, reason codes, note codes, outputs)`.
///
/// `outputs` keeps only the four outputs of the contract that are present
/// (a missing one is missing, so it differs from the oracle's); any other
/// output the pack adds is ignored. A missing `decision` reads `<missing>`.
pub fn codes(v: &Value) -> (String, BTreeSet<String>, BTreeSet<String>, Value) {
    let decision = v
        .get("decision")
        .and_then(Value::as_str)
        .unwrap_or("<missing>")
        .to_string();
    let code_set = |key: &str| -> BTreeSet<String> {
        v.get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|r| {
                        r.get("code")
                            .and_then(Value::as_str)
                            .unwrap_or("<no code>")
                            .to_string()
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut outputs = Map::new();
    if let Some(o) = v.get("outputs").and_then(Value::as_object) {
        for k in OUTPUT_NAMES {
            if let Some(x) = o.get(k) {
                outputs.insert(k.to_string(), x.clone());
            }
        }
    }
    (
        decision,
        code_set("reasons"),
        code_set("notes"),
        Value::Object(outputs),
    )
}

// ---------------------------------------------------------------------------
// Request generator
// ---------------------------------------------------------------------------

/// SplitMix64: small, seedable, good enough for test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x6a09_e667_f3bc_c908)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    /// True with probability `percent`/100.
    pub fn pct(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

fn dec(m: i64, scale: u32) -> Decimal {
    Decimal::new(m, scale)
}

/// A non-negative amount with 0 to 4 decimals, sometimes a half cent.
fn gen_money(r: &mut Rng) -> Decimal {
    if r.pct(15) {
        // x.xx5: exercises half-up rounding.
        return dec((r.below(100_000) * 10 + 5) as i64, 3);
    }
    let scale = *r.pick(&[0u32, 0, 1, 2, 2, 2, 2, 2, 3, 4]);
    let units = *r.pick(&[2u64, 10, 100, 1_000, 10_000, 1_000_000]);
    dec((r.below(units * 10u64.pow(scale)) + 1) as i64, scale)
}

/// A small positive amount below one cent.
fn gen_sub_cent(r: &mut Rng) -> Decimal {
    *r.pick(&[dec(1, 3), dec(4, 3), dec(49, 4), dec(1, 4), dec(3, 3)])
}

/// A JSON amount: the decimal's text, maybe with extra trailing zeros (never
/// more than 4 decimals), as a string or as a bare JSON number.
fn amount_json(r: &mut Rng, d: Decimal) -> Value {
    let norm = d.normalize();
    let min_scale = norm.scale().min(4);
    let scale = match r.below(4) {
        0 | 1 => d.scale().clamp(min_scale, 4), // as built
        2 => min_scale,                         // no trailing zeros
        _ => min_scale + r.below(u64::from(5 - min_scale)) as u32,
    };
    let mut x = norm;
    x.rescale(scale.max(norm.scale()));
    let text = x.to_string();
    if r.pct(50) {
        Value::String(text)
    } else {
        serde_json::from_str(&text).unwrap()
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn last_day_of_month(y: i32, m: u32) -> NaiveDate {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    ymd(ny, nm, 1) - Duration::days(1)
}

fn gen_request_date(r: &mut Rng) -> NaiveDate {
    let year = 2024 + r.below(4) as i32;
    let month = 1 + r.below(12) as u32;
    match r.below(10) {
        0..=3 => ymd(2024, 1, 1) + Duration::days(r.below(4 * 365) as i64),
        // The last days of a month.
        4 | 5 => last_day_of_month(year, month) - Duration::days(r.below(4) as i64),
        // Near the end of the year.
        6 | 7 => ymd(year, 12, 10 + r.below(22) as u32),
        // The first days of a month.
        8 => ymd(year, month, 1 + r.below(3) as u32),
        // Around February's end, leap years included.
        _ => last_day_of_month(year, 2) - Duration::days(r.below(3) as i64),
    }
}

fn gen_holidays(r: &mut Rng, request: NaiveDate) -> Vec<NaiveDate> {
    let mut days = Vec::new();
    for _ in 0..r.below(12) {
        days.push(request + Duration::days(r.below(56) as i64 - 4));
    }
    if r.pct(20) {
        days.push(request); // the request day itself never counts anyway
    }
    if r.pct(20) {
        // Fixed public holidays around the year end.
        days.push(ymd(request.year() + 1, 1, 1));
        days.push(ymd(request.year(), 12, 25));
    }
    if r.pct(15) {
        days.push(request + Duration::days(400)); // far away
    }
    if !days.is_empty() && r.pct(40) {
        let d = *r.pick(&days);
        days.push(d); // a duplicate
    }
    // Shuffle (Fisher-Yates), so the list is usually unsorted.
    for i in (1..days.len()).rev() {
        let j = r.below(i as u64 + 1) as usize;
        days.swap(i, j);
    }
    days
}

/// One request as JSON.
fn gen_doc(r: &mut Rng, seed: u64, index: usize) -> Value {
    // How eager this document is to be denied: the percent chance of each
    // deny trigger. Many documents are clean, so `allow` is common.
    let heat = *r.pick(&[0u64, 0, 0, 5, 12, 25, 45]);
    let action = if r.pct(8) {
        "cancel_unsubscription"
    } else {
        "unsubscribe"
    };
    let channel = if r.pct(heat) { "api" } else { "console" };
    let request_date = gen_request_date(r);
    let purchased_at = if r.pct(5) {
        request_date
    } else {
        request_date - Duration::days(1 + r.below(900) as i64)
    };

    let currencies = ["USD", "CNY", "EUR", "JPY"];
    let currency = r.pick(&currencies).to_string();
    let settlement = if r.pct(heat) {
        if r.pct(25) {
            currency.to_lowercase() // strings compare exactly
        } else {
            let others: Vec<&str> = currencies
                .iter()
                .copied()
                .filter(|c| *c != currency)
                .collect();
            r.pick(&others).to_string()
        }
    } else {
        currency.clone()
    };

    let changed_at = if r.pct(heat) {
        // After the purchase: reassociated.
        Some(purchased_at + Duration::days(*r.pick(&[1i64, 1, 30, 200, 1000])))
    } else {
        match r.below(10) {
            0..=5 => None,
            6 | 7 => Some(purchased_at - Duration::days(1 + r.below(300) as i64)),
            _ => Some(purchased_at), // the purchase day itself has no effect
        }
    };

    let service = match r.below(20) {
        0..=9 => "ecs",
        10 => "ECS",
        _ => *r.pick(&["rds", "oss", "slb", "polardb", "ecs-gpu"]),
    };
    let exhaust = r.pct(heat);
    let limit = r.below(8);
    let used = if service != "ecs" {
        r.below(limit + 3) // below, at or above: it must not matter
    } else if exhaust || limit == 0 {
        limit + *r.pick(&[0u64, 0, 1, 3])
    } else {
        r.below(limit)
    };

    let billing = if r.pct(heat) {
        "pay_as_you_go"
    } else {
        "subscription"
    };
    let marketplace = if r.pct(heat) {
        Some(true)
    } else {
        *r.pick(&[None, None, Some(false)])
    };
    let unpaid = if r.pct(heat) { 1 + r.below(3) } else { 0 };
    let security = r.pct(heat);
    let supports = !r.pct(heat);
    let promotion = if r.pct(heat) {
        Some(false)
    } else {
        *r.pick(&[None, None, Some(true)])
    };

    // Amounts: either a refundable remainder of at least half a cent, or one
    // of the ways the refundable amount is zero.
    let (amount, voucher, consumed) = if r.pct(heat.max(8)) {
        match r.below(7) {
            0 => {
                // Paid all by voucher.
                let a = gen_money(r);
                let c = if r.pct(50) {
                    Decimal::ZERO
                } else {
                    gen_money(r)
                };
                (a, a, c)
            }
            1 => {
                // Vouchers worth more than the amount.
                let a = gen_money(r);
                (a, a + gen_money(r), *r.pick(&[Decimal::ZERO, a]))
            }
            2 => {
                // Consumed equals the cash paid.
                let v = if r.pct(50) {
                    Decimal::ZERO
                } else {
                    gen_money(r)
                };
                let cash = gen_money(r);
                (v + cash, v, cash)
            }
            3 => {
                // Consumed above the cash paid.
                let v = if r.pct(50) {
                    Decimal::ZERO
                } else {
                    gen_money(r)
                };
                let cash = gen_money(r);
                (v + cash, v, cash + gen_money(r))
            }
            4 => {
                // A remainder below half a cent: rounds to 0.00.
                let v = if r.pct(50) {
                    Decimal::ZERO
                } else {
                    gen_money(r)
                };
                let c = if r.pct(50) {
                    Decimal::ZERO
                } else {
                    gen_money(r)
                };
                (v + c + gen_sub_cent(r), v, c)
            }
            5 => (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO), // a free order
            _ => {
                // Consumed above a sub-cent cash payment.
                let v = gen_money(r);
                let cash = gen_sub_cent(r);
                (v + cash, v, cash + *r.pick(&[Decimal::ZERO, dec(1, 4)]))
            }
        }
    } else {
        let v = if r.pct(55) {
            Decimal::ZERO
        } else {
            gen_money(r)
        };
        let c = if r.pct(30) {
            Decimal::ZERO
        } else {
            gen_money(r)
        };
        let rem = match r.below(12) {
            0 => dec(5, 3),                    // exactly half a cent: 0.01
            1 => dec(1, 2),                    // one cent
            2 | 3 => gen_money(r) + dec(5, 3), // ends in a half cent
            4 => gen_money(r) + dec(49, 4),    // just below a half cent
            _ => gen_money(r).max(dec(5, 3)),
        };
        (v + c + rem, v, c)
    };

    let account_id = format!("acc-{}", 1000 + r.below(9000));
    let paid_by = if r.pct(85) {
        account_id.clone()
    } else {
        format!("acc-{}", 1000 + r.below(9000))
    };

    let mut account = json!({
        "id": account_id,
        "settlement_currency": settlement,
        "ecs_unsubscription_quota": {"limit": limit, "used": used},
    });
    if let Some(d) = changed_at {
        account["financial_relation_changed_at"] = json!(fmt_date(d));
    }

    let mut resource = json!({
        "id": format!("i-{seed:x}-{index:05}"),
        "service": service,
        "service_supports_unsubscription": supports,
        "billing_method": billing,
        "unpaid_orders": unpaid,
        "security_risk": security,
    });
    if let Some(paid) = marketplace {
        resource["marketplace_image"] = json!({ "paid": paid });
    }

    let mut order = json!({
        "id": format!("ord-{}", r.below(1_000_000)),
        "purchased_at": fmt_date(purchased_at),
        "currency": currency,
        "amount": amount_json(r, amount),
        "voucher_amount": amount_json(r, voucher),
        "consumed_amount": amount_json(r, consumed),
        "paid_by": paid_by,
    });
    if let Some(refundable) = promotion {
        let name = *r.pick(&["Double 11", "Black Friday", "新春特惠", "Launch \"week\""]);
        order["promotion"] = json!({ "name": name, "refundable": refundable });
    }

    let mut doc = json!({
        "request": {"action": action, "channel": channel, "date": fmt_date(request_date)},
        "account": account,
        "resource": resource,
        "order": order,
    });
    match r.below(8) {
        0 | 1 => {} // no calendar
        2 => doc["calendar"] = json!({}),
        3 => doc["calendar"] = json!({ "holidays": [] }),
        _ => {
            let days: Vec<String> = gen_holidays(r, request_date)
                .into_iter()
                .map(fmt_date)
                .collect();
            doc["calendar"] = json!({ "holidays": days });
        }
    }
    doc
}

/// `n` requests as compact one-line JSON documents, the same for the same seed.
pub fn generate(seed: u64, n: usize) -> Vec<String> {
    let mut r = Rng::new(seed);
    (0..n)
        .map(|i| serde_json::to_string(&gen_doc(&mut r, seed, i)).unwrap())
        .collect()
}

impl fmt::Display for Facts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match serde_json::to_string(self) {
            Ok(s) => f.write_str(&s),
            Err(_) => Err(fmt::Error),
        }
    }
}

impl FromStr for Facts {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        serde_json::from_str(s).map_err(|e| e.to_string())
    }
}

// ---------------------------------------------------------------------------
// Tests of the oracle itself
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn days(list: &[&str]) -> Vec<NaiveDate> {
        list.iter().map(|s| d(s)).collect()
    }

    fn set(codes: &[&str]) -> BTreeSet<String> {
        codes.iter().map(|s| s.to_string()).collect()
    }

    /// The example of the spec, as YAML.
    const SPEC_EXAMPLE: &str = r#"
request:
  action: unsubscribe
  channel: console
  date: 2026-03-02
account:
  id: acc-1001
  settlement_currency: USD
  financial_relation_changed_at: 2026-01-15
  ecs_unsubscription_quota: { limit: 5, used: 2 }
resource:
  id: i-bp1abc
  service: ecs
  service_supports_unsubscription: true
  billing_method: subscription
  marketplace_image: { paid: false }
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
  promotion: { name: "Double 11", refundable: false }
calendar:
  holidays: [2026-01-01, 2026-04-03]
"#;

    fn spec_example() -> Facts {
        serde_yaml::from_str(SPEC_EXAMPLE).unwrap()
    }

    /// The spec example made clean: no reassociation, no promotion.
    fn clean() -> Facts {
        let mut f = spec_example();
        f.account.financial_relation_changed_at = None;
        f.order.promotion = None;
        f
    }

    fn check(f: &Facts, decision: &str, reasons: &[&str], notes: &[&str], outputs: Value) {
        let v = decide(f);
        let (dd, rr, nn, oo) = codes(&v);
        assert_eq!(dd, decision, "{v}");
        assert_eq!(rr, set(reasons), "{v}");
        assert_eq!(nn, set(notes), "{v}");
        assert_eq!(oo, outputs, "{v}");
        assert_eq!(v["id"], json!(f.resource.id));
    }

    fn out(amount: &str, cur: &str, dest: Option<&str>, due: Option<&str>) -> Value {
        json!({"refund_amount": amount, "refund_currency": cur,
               "refund_destination": dest, "refund_due_by": due})
    }

    fn denied(amount: &str) -> Value {
        out(amount, "USD", None, None)
    }

    #[test]
    fn business_days_plain_weeks() {
        // 2026-03-02 is a Monday: 30 business days are six weeks.
        assert_eq!(d("2026-03-02").weekday(), Weekday::Mon);
        assert_eq!(add_business_days(d("2026-03-02"), 30, &[]), d("2026-04-13"));
        assert_eq!(add_business_days(d("2026-03-02"), 1, &[]), d("2026-03-03"));
        assert_eq!(add_business_days(d("2026-03-02"), 0, &[]), d("2026-03-02"));
    }

    #[test]
    fn business_days_start_on_weekend_or_friday() {
        // Friday: the next business day is Monday.
        assert_eq!(add_business_days(d("2026-03-06"), 1, &[]), d("2026-03-09"));
        assert_eq!(add_business_days(d("2026-03-06"), 30, &[]), d("2026-04-17"));
        // Saturday and Sunday requests: the request day never counts.
        assert_eq!(add_business_days(d("2026-03-07"), 1, &[]), d("2026-03-09"));
        assert_eq!(add_business_days(d("2026-03-08"), 5, &[]), d("2026-03-13"));
        assert_eq!(add_business_days(d("2026-03-07"), 30, &[]), d("2026-04-17"));
    }

    #[test]
    fn business_days_holidays() {
        let from = d("2026-03-02");
        // A weekday holiday inside the window pushes the date by one.
        assert_eq!(
            add_business_days(from, 30, &days(&["2026-04-03"])),
            d("2026-04-14")
        );
        // On a weekend it changes nothing.
        assert_eq!(
            add_business_days(from, 30, &days(&["2026-03-14", "2026-03-15"])),
            d("2026-04-13")
        );
        // Unsorted and repeated: counted once each.
        assert_eq!(
            add_business_days(
                from,
                30,
                &days(&["2026-04-03", "2026-03-10", "2026-04-03", "2026-03-10"])
            ),
            d("2026-04-15")
        );
        // The request day itself and days outside the window change nothing.
        assert_eq!(
            add_business_days(from, 30, &days(&["2026-03-02", "2026-05-01"])),
            d("2026-04-13")
        );
        // A holiday on the would-be due day moves it to the next business day.
        assert_eq!(
            add_business_days(from, 30, &days(&["2026-04-13"])),
            d("2026-04-14")
        );
        // Holidays on Friday and Monday around a weekend.
        assert_eq!(
            add_business_days(d("2026-03-05"), 1, &days(&["2026-03-06", "2026-03-09"])),
            d("2026-03-10")
        );
    }

    #[test]
    fn business_days_month_and_year_ends() {
        // Friday 30 January -> Monday 2 February.
        assert_eq!(add_business_days(d("2026-01-30"), 1, &[]), d("2026-02-02"));
        // Leap year: Friday 2028-02-25 + 3 = Tuesday 29 February? no: Mon 28, Tue 29, Wed 1 March.
        assert_eq!(add_business_days(d("2028-02-25"), 3, &[]), d("2028-03-01"));
        assert_eq!(add_business_days(d("2028-02-25"), 2, &[]), d("2028-02-29"));
        // Thursday 31 December 2026, New Year's day a holiday.
        let ny = days(&["2027-01-01"]);
        assert_eq!(add_business_days(d("2026-12-31"), 1, &ny), d("2027-01-04"));
        assert_eq!(add_business_days(d("2026-12-31"), 30, &[]), d("2027-02-11"));
        assert_eq!(add_business_days(d("2026-12-31"), 30, &ny), d("2027-02-12"));
        // Across a year end from a Saturday, with Christmas.
        assert_eq!(
            add_business_days(
                d("2027-12-18"),
                10,
                &days(&["2027-12-24", "2027-12-31", "2028-01-01"])
            ),
            d("2028-01-04")
        );
    }

    #[test]
    fn rounding_is_half_away_from_zero_with_two_decimals() {
        let a = |s: &str| fmt_amount(parse_amount(s).unwrap());
        assert_eq!(a("10.005"), "10.01");
        assert_eq!(a("10.0049"), "10.00");
        assert_eq!(a("0.005"), "0.01");
        assert_eq!(a("0.0049"), "0.00");
        assert_eq!(a("0"), "0.00");
        assert_eq!(a("-0.00"), "0.00");
        assert_eq!(a("1200.5"), "1200.50");
        assert_eq!(a("7"), "7.00");
        assert_eq!(a("2.675"), "2.68"); // a binary float would give 2.67
    }

    #[test]
    fn amounts_read_exactly_from_strings_and_numbers() {
        let mut v: Value = serde_json::from_str(&serde_json::to_string(&clean()).unwrap()).unwrap();
        v["order"]["amount"] = serde_json::from_str("1200.5").unwrap();
        v["order"]["voucher_amount"] = json!("0.1");
        v["order"]["consumed_amount"] = serde_json::from_str("0.2").unwrap();
        let text = serde_json::to_string(&v).unwrap();
        assert!(text.contains("\"amount\":1200.5"), "{text}");
        let f: Facts = text.parse().unwrap();
        assert_eq!(f.order.amount, dec(120050, 2));
        assert_eq!(f.order.voucher_amount.to_string(), "0.1");
        assert_eq!(f.order.consumed_amount.to_string(), "0.2");
        // 1200.5 - 0.1 - 0.2 = 1200.2 exactly.
        assert_eq!(fmt_amount(refundable_amount(&f)), "1200.20");
        // A long number keeps every digit.
        v["order"]["amount"] = serde_json::from_str("12345678901234567.8905").unwrap();
        let f: Facts = serde_json::to_string(&v).unwrap().parse().unwrap();
        assert_eq!(f.order.amount.to_string(), "12345678901234567.8905");
        // YAML numbers too.
        let y = SPEC_EXAMPLE.replace("amount: \"1200.00\"", "amount: 1200.5");
        let f: Facts = serde_yaml::from_str(&y).unwrap();
        assert_eq!(f.order.amount.to_string(), "1200.5");
    }

    #[test]
    fn facts_shape_is_strict() {
        // An unknown field is an error.
        let y = SPEC_EXAMPLE.replace("unpaid_orders: 0", "unpaid_orders: 0\n  unpaid_order: 0");
        assert!(serde_yaml::from_str::<Facts>(&y).is_err());
        // A required field is required.
        let y = SPEC_EXAMPLE.replace("  security_risk: false\n", "");
        assert!(serde_yaml::from_str::<Facts>(&y).is_err());
        let y = SPEC_EXAMPLE.replace("  ecs_unsubscription_quota: { limit: 5, used: 2 }\n", "");
        assert!(serde_yaml::from_str::<Facts>(&y).is_err());
        // Optional ones are optional.
        let y = SPEC_EXAMPLE
            .replace("  marketplace_image: { paid: false }\n", "")
            .replace(
                "  promotion: { name: \"Double 11\", refundable: false }\n",
                "",
            )
            .replace("  financial_relation_changed_at: 2026-01-15\n", "")
            .replace("calendar:\n  holidays: [2026-01-01, 2026-04-03]\n", "");
        let f: Facts = serde_yaml::from_str(&y).unwrap();
        assert!(f.calendar.is_none() && f.order.promotion.is_none());
        // Bad dates and enum values.
        assert!(
            serde_yaml::from_str::<Facts>(&SPEC_EXAMPLE.replace("2026-03-02", "2026-3-2")).is_err()
        );
        assert!(serde_yaml::from_str::<Facts>(
            &SPEC_EXAMPLE.replace("channel: console", "channel: Console")
        )
        .is_err());
        // A round trip through JSON keeps everything.
        let f = spec_example();
        let g: Facts = serde_json::to_string(&f).unwrap().parse().unwrap();
        assert_eq!(f, g);
    }

    #[test]
    fn the_spec_example_is_denied() {
        // Reassociated after the purchase (2026-01-15 > 2025-12-01) and bought
        // in a non-refundable promotion.
        check(
            &spec_example(),
            "deny",
            &["PROMOTION_NON_REFUNDABLE", "REFUNDABLE_AMOUNT_ZERO"],
            &["ACCOUNT_REASSOCIATED"],
            denied("0.00"),
        );
        let v = decide(&spec_example());
        assert_eq!(v["id"], "i-bp1abc");
        assert!(v["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["rule"].is_string() && r["message"].is_string() && r.get("help").is_some()));
    }

    #[test]
    fn allowed_with_refund() {
        // 1200 - 300 = 900; due 30 business days after Monday 2026-03-02,
        // with Friday 2026-04-03 a holiday.
        check(
            &clean(),
            "allow",
            &[],
            &["UNSUBSCRIPTION_FINAL"],
            out("900.00", "USD", Some("acc-1001"), Some("2026-04-14")),
        );
        // Refund to the paying account, not the requesting one.
        let mut f = clean();
        f.order.paid_by = "acc-9".into();
        f.calendar = None;
        check(
            &f,
            "allow",
            &[],
            &["UNSUBSCRIPTION_FINAL"],
            out("900.00", "USD", Some("acc-9"), Some("2026-04-13")),
        );
        // A calendar without holidays.
        f.calendar = Some(Calendar { holidays: None });
        check(
            &f,
            "allow",
            &[],
            &["UNSUBSCRIPTION_FINAL"],
            out("900.00", "USD", Some("acc-9"), Some("2026-04-13")),
        );
        // A refundable promotion and a free marketplace image are fine.
        f.order.promotion = Some(Promotion {
            name: "x".into(),
            refundable: true,
        });
        f.resource.marketplace_image = Some(MarketplaceImage { paid: false });
        assert_eq!(codes(&decide(&f)).0, "allow");
    }

    #[test]
    fn financial_relation_change_on_purchase_day_or_before_has_no_effect() {
        let mut f = clean();
        f.account.financial_relation_changed_at = Some(f.order.purchased_at);
        assert_eq!(codes(&decide(&f)).0, "allow");
        f.account.financial_relation_changed_at = Some(d("2025-11-30"));
        assert_eq!(codes(&decide(&f)).0, "allow");
        f.account.financial_relation_changed_at = Some(d("2025-12-02"));
        check(
            &f,
            "deny",
            &["REFUNDABLE_AMOUNT_ZERO"],
            &["ACCOUNT_REASSOCIATED"],
            denied("0.00"),
        );
    }

    #[test]
    fn pay_as_you_go_gets_no_zero_notes() {
        let mut f = clean();
        f.resource.billing_method = BillingMethod::PayAsYouGo;
        f.order.voucher_amount = f.order.amount; // would be VOUCHER_PAID
        f.account.financial_relation_changed_at = Some(d("2026-01-15"));
        check(&f, "deny", &["PAY_AS_YOU_GO"], &[], denied("0.00"));
        f.order.promotion = Some(Promotion {
            name: "p".into(),
            refundable: false,
        });
        check(
            &f,
            "deny",
            &["PAY_AS_YOU_GO", "PROMOTION_NON_REFUNDABLE"],
            &[],
            denied("0.00"),
        );
    }

    #[test]
    fn zero_notes() {
        let mut f = clean();
        // Paid all by voucher.
        f.order.voucher_amount = dec(120000, 2);
        check(
            &f,
            "deny",
            &["REFUNDABLE_AMOUNT_ZERO"],
            &["VOUCHER_PAID"],
            denied("0.00"),
        );
        // Vouchers above the amount: still nothing paid in cash.
        f.order.voucher_amount = dec(2000, 0);
        f.order.consumed_amount = Decimal::ZERO;
        check(
            &f,
            "deny",
            &["REFUNDABLE_AMOUNT_ZERO"],
            &["VOUCHER_PAID"],
            denied("0.00"),
        );
        // A free order: nothing paid in cash.
        f.order.amount = Decimal::ZERO;
        f.order.voucher_amount = Decimal::ZERO;
        check(
            &f,
            "deny",
            &["REFUNDABLE_AMOUNT_ZERO"],
            &["VOUCHER_PAID"],
            denied("0.00"),
        );
        // Consumed equals the cash paid, then exceeds it.
        let mut f = clean();
        f.order.voucher_amount = dec(200, 0);
        f.order.consumed_amount = dec(1000, 0);
        check(
            &f,
            "deny",
            &["REFUNDABLE_AMOUNT_ZERO"],
            &["FULLY_CONSUMED"],
            denied("0.00"),
        );
        f.order.consumed_amount = dec(100001, 2);
        check(
            &f,
            "deny",
            &["REFUNDABLE_AMOUNT_ZERO"],
            &["FULLY_CONSUMED"],
            denied("0.00"),
        );
        // Several at once.
        f.account.financial_relation_changed_at = Some(d("2026-01-15"));
        check(
            &f,
            "deny",
            &["REFUNDABLE_AMOUNT_ZERO"],
            &["FULLY_CONSUMED", "ACCOUNT_REASSOCIATED"],
            denied("0.00"),
        );
        f.order.voucher_amount = f.order.amount;
        check(
            &f,
            "deny",
            &["REFUNDABLE_AMOUNT_ZERO"],
            &["VOUCHER_PAID", "ACCOUNT_REASSOCIATED"],
            denied("0.00"),
        );
    }

    #[test]
    fn rounding_comes_first() {
        let mut f = clean();
        // 0.0049 left: rounds to 0.00, so zero; the cash was not fully consumed.
        f.order.amount = parse_amount("300.0049").unwrap();
        check(&f, "deny", &["REFUNDABLE_AMOUNT_ZERO"], &[], denied("0.00"));
        // 0.005 left: rounds to 0.01.
        f.order.amount = parse_amount("300.005").unwrap();
        check(
            &f,
            "allow",
            &[],
            &["UNSUBSCRIPTION_FINAL"],
            out("0.01", "USD", Some("acc-1001"), Some("2026-04-14")),
        );
        // Cash of 0.004 is cash: no VOUCHER_PAID (exact reading).
        f.order.amount = parse_amount("0.004").unwrap();
        f.order.consumed_amount = Decimal::ZERO;
        check(&f, "deny", &["REFUNDABLE_AMOUNT_ZERO"], &[], denied("0.00"));
        f.order.consumed_amount = parse_amount("0.004").unwrap();
        check(
            &f,
            "deny",
            &["REFUNDABLE_AMOUNT_ZERO"],
            &["FULLY_CONSUMED"],
            denied("0.00"),
        );
        // Rounded once at the end: 10.005 - 0.004 = 10.001 -> 10.00.
        f.order.amount = parse_amount("10.005").unwrap();
        assert_eq!(fmt_amount(refundable_amount(&f)), "10.00");
    }

    #[test]
    fn every_deny_reason_is_reported() {
        let mut f = clean();
        f.request.channel = Channel::Api;
        f.resource.service_supports_unsubscription = false;
        f.order.promotion = Some(Promotion {
            name: "Double 11".into(),
            refundable: false,
        });
        f.resource.marketplace_image = Some(MarketplaceImage { paid: true });
        f.account.ecs_unsubscription_quota = Quota { limit: 5, used: 5 };
        f.order.currency = "CNY".into();
        f.resource.unpaid_orders = 2;
        f.resource.security_risk = true;
        check(
            &f,
            "deny",
            &[
                "SERVICE_NOT_SUPPORTED",
                "PROMOTION_NON_REFUNDABLE",
                "MARKETPLACE_PAID_IMAGE",
                "ECS_QUOTA_EXHAUSTED",
                "CURRENCY_MISMATCH",
                "UNPAID_ORDERS",
                "SECURITY_RISK",
                "API_NOT_SUPPORTED",
            ],
            &[],
            out("900.00", "CNY", None, None),
        );
    }

    #[test]
    fn quota_only_matters_for_ecs_and_strings_are_exact() {
        let mut f = clean();
        f.account.ecs_unsubscription_quota = Quota { limit: 5, used: 6 };
        check(&f, "deny", &["ECS_QUOTA_EXHAUSTED"], &[], denied("900.00"));
        f.account.ecs_unsubscription_quota = Quota { limit: 0, used: 0 };
        check(&f, "deny", &["ECS_QUOTA_EXHAUSTED"], &[], denied("900.00"));
        f.account.ecs_unsubscription_quota = Quota { limit: 5, used: 4 };
        assert_eq!(codes(&decide(&f)).0, "allow");
        f.account.ecs_unsubscription_quota = Quota { limit: 5, used: 9 };
        f.resource.service = "ECS".into();
        assert_eq!(codes(&decide(&f)).0, "allow");
        f.resource.service = "rds".into();
        assert_eq!(codes(&decide(&f)).0, "allow");
        f.order.currency = "usd".into();
        check(
            &f,
            "deny",
            &["CURRENCY_MISMATCH"],
            &[],
            out("900.00", "usd", None, None),
        );
    }

    #[test]
    fn cancellation_is_denied_with_one_reason_and_keeps_zero_notes() {
        let mut f = clean();
        f.request.action = Action::CancelUnsubscription;
        check(
            &f,
            "deny",
            &["CANCELLATION_NOT_SUPPORTED"],
            &[],
            denied("900.00"),
        );
        f.request.channel = Channel::Api;
        f.resource.unpaid_orders = 3;
        f.order.voucher_amount = f.order.amount;
        check(
            &f,
            "deny",
            &["CANCELLATION_NOT_SUPPORTED"],
            &["VOUCHER_PAID"],
            denied("0.00"),
        );
        f.resource.billing_method = BillingMethod::PayAsYouGo;
        check(
            &f,
            "deny",
            &["CANCELLATION_NOT_SUPPORTED"],
            &[],
            denied("0.00"),
        );
    }

    #[test]
    fn codes_keeps_only_the_contract() {
        let v = json!({"id": "x", "decision": "deny",
            "reasons": [{"code": "B", "rule": "b"}, {"code": "A"}],
            "notes": [{"code": "N"}],
            "outputs": {"refund_amount": "1.00", "refund_currency": "USD",
                        "refund_destination": null, "extra": 1}});
        let (d, r, n, o) = codes(&v);
        assert_eq!(d, "deny");
        assert_eq!(r, set(&["A", "B"]));
        assert_eq!(n, set(&["N"]));
        assert_eq!(
            o,
            json!({"refund_amount": "1.00", "refund_currency": "USD", "refund_destination": null})
        );
    }

    #[test]
    fn generator_is_deterministic() {
        assert_eq!(generate(42, 50), generate(42, 50));
        assert_ne!(generate(42, 50), generate(43, 50));
        assert!(generate(42, 50).iter().all(|l| !l.contains('\n')));
    }

    #[test]
    fn generator_covers_every_rule_and_combination() {
        let docs = generate(1, 3000);
        let mut count: BTreeMap<String, usize> = BTreeMap::new();
        let mut bump = |k: String| *count.entry(k).or_default() += 1;
        for line in &docs {
            let f: Facts = line.parse().unwrap_or_else(|e| panic!("{e}: {line}"));
            let raw: Value = serde_json::from_str(line).unwrap();
            let v = decide(&f);
            let (dec_, reasons, notes, outputs) = codes(&v);
            bump(format!("decision {dec_}"));
            for c in &reasons {
                bump(format!("reason {c}"));
            }
            for c in &notes {
                bump(format!("note {c}"));
            }
            bump(format!("reasons# {}", reasons.len().min(4)));
            bump(format!("notes# {}", notes.len().min(3)));
            if f.request.action == Action::CancelUnsubscription && !notes.is_empty() {
                bump("cancel with notes".into());
            }
            if f.resource.billing_method == BillingMethod::PayAsYouGo
                && (cash_paid(&f).is_zero() || reassociated(&f))
            {
                bump("paygo with a zero condition".into());
            }
            if reasons.contains("REFUNDABLE_AMOUNT_ZERO") && notes.is_empty() {
                bump("zero by rounding alone".into());
            }
            let amount = outputs["refund_amount"].as_str().unwrap().to_string();
            if dec_ == "allow" && amount == "0.01" {
                bump("allow 0.01".into());
            }
            let exact = (cash_paid(&f) - f.order.consumed_amount).max(Decimal::ZERO);
            if exact.scale() >= 3 && exact != round2(exact) {
                bump("rounded".into());
                if (exact * dec(1000, 0)) % dec(10, 0) == dec(5, 0) {
                    bump("half cent".into());
                }
            }
            if f.order.voucher_amount > f.order.amount {
                bump("voucher above amount".into());
            }
            if !f.order.voucher_amount.is_zero() && f.order.voucher_amount < f.order.amount {
                bump("voucher part".into());
            }
            if f.order.consumed_amount > cash_paid(&f) {
                bump("consumed above".into());
            }
            for k in ["amount", "voucher_amount", "consumed_amount"] {
                let a = &raw["order"][k];
                bump(format!(
                    "{k} as {}",
                    if a.is_string() { "string" } else { "number" }
                ));
                let text = a
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| a.to_string());
                let decimals = text.split('.').nth(1).map_or(0, str::len);
                bump(format!("decimals {decimals}"));
            }
            match (
                &f.account.financial_relation_changed_at,
                f.order.purchased_at,
            ) {
                (None, _) => bump("fin absent".into()),
                (Some(c), p) if *c < p => bump("fin before".into()),
                (Some(c), p) if *c == p => bump("fin same day".into()),
                _ => bump("fin after".into()),
            }
            match &f.calendar {
                None => bump("calendar absent".into()),
                Some(Calendar { holidays: None }) => bump("holidays absent".into()),
                Some(Calendar { holidays: Some(h) }) => {
                    let uniq: BTreeSet<_> = h.iter().collect();
                    if uniq.len() < h.len() {
                        bump("holidays repeated".into());
                    }
                    if h.windows(2).any(|w| w[0] > w[1]) {
                        bump("holidays unsorted".into());
                    }
                    if h.iter()
                        .any(|x| matches!(x.weekday(), Weekday::Sat | Weekday::Sun))
                    {
                        bump("holiday on weekend".into());
                    }
                    let due = add_business_days(f.request.date, 30, h);
                    if due != add_business_days(f.request.date, 30, &[]) {
                        bump("holidays move the due date".into());
                    }
                }
            }
            if f.request.date.month() == 12 && f.request.date.day() >= 10 {
                bump("near year end".into());
            }
            if (f.request.date + Duration::days(3)).month() != f.request.date.month() {
                bump("near month end".into());
            }
            let q = &f.account.ecs_unsubscription_quota;
            let ecs = if f.resource.service == "ecs" {
                "ecs"
            } else {
                "other"
            };
            let level = match q.used.cmp(&q.limit) {
                std::cmp::Ordering::Less => "below",
                std::cmp::Ordering::Equal => "at",
                std::cmp::Ordering::Greater => "above",
            };
            bump(format!("quota {ecs} {level}"));
            bump(format!("service {}", f.resource.service));
            bump(format!("channel {:?}", f.request.channel));
            bump(format!(
                "marketplace {:?}",
                f.resource.marketplace_image.as_ref().map(|m| m.paid)
            ));
            bump(format!(
                "promotion {:?}",
                f.order.promotion.as_ref().map(|p| p.refundable)
            ));
            bump(format!("unpaid {}", f.resource.unpaid_orders.min(2)));
            if f.order.currency.to_uppercase() == f.account.settlement_currency.to_uppercase()
                && f.order.currency != f.account.settlement_currency
            {
                bump("currency differs in case".into());
            }
        }
        let need = |k: &str, at_least: usize| {
            let got = count.get(k).copied().unwrap_or(0);
            assert!(got >= at_least, "{k}: {got} < {at_least}\n{count:#?}");
        };
        need("decision allow", 600);
        need("decision deny", 1200);
        for c in [
            "SERVICE_NOT_SUPPORTED",
            "PAY_AS_YOU_GO",
            "PROMOTION_NON_REFUNDABLE",
            "REFUNDABLE_AMOUNT_ZERO",
            "MARKETPLACE_PAID_IMAGE",
            "ECS_QUOTA_EXHAUSTED",
            "CURRENCY_MISMATCH",
            "UNPAID_ORDERS",
            "SECURITY_RISK",
            "API_NOT_SUPPORTED",
            "CANCELLATION_NOT_SUPPORTED",
        ] {
            need(&format!("reason {c}"), 100);
        }
        for c in ["VOUCHER_PAID", "FULLY_CONSUMED", "ACCOUNT_REASSOCIATED"] {
            need(&format!("note {c}"), 60);
        }
        need("note UNSUBSCRIPTION_FINAL", 600);
        need("reasons# 1", 300);
        need("reasons# 2", 150);
        need("reasons# 3", 80);
        need("reasons# 4", 80);
        need("notes# 2", 15);
        for k in [
            "cancel with notes",
            "paygo with a zero condition",
            "zero by rounding alone",
            "allow 0.01",
            "currency differs in case",
            "service ECS",
            "quota other above",
            "quota other at",
        ] {
            need(k, 10);
        }
        for k in [
            "rounded",
            "half cent",
            "voucher above amount",
            "voucher part",
            "consumed above",
            "amount as string",
            "amount as number",
            "voucher_amount as number",
            "consumed_amount as string",
            "decimals 0",
            "decimals 1",
            "decimals 2",
            "decimals 3",
            "decimals 4",
            "fin absent",
            "fin before",
            "fin same day",
            "fin after",
            "calendar absent",
            "holidays absent",
            "holidays repeated",
            "holidays unsorted",
            "holiday on weekend",
            "holidays move the due date",
            "near year end",
            "near month end",
            "quota ecs below",
            "quota ecs at",
            "quota ecs above",
            "quota other below",
            "channel Api",
            "channel Console",
            "marketplace None",
            "marketplace Some(false)",
            "marketplace Some(true)",
            "promotion None",
            "promotion Some(true)",
            "promotion Some(false)",
            "unpaid 0",
            "unpaid 1",
            "unpaid 2",
        ] {
            need(k, 30);
        }
    }
}
