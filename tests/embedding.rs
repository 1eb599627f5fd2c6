//! Embedding as an integrator does: the shipped pack decides requests built
//! from the integrator's own serde structs, on several threads, and gets the
//! same decisions as the command line (`pactum evaluate --format json`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use pactum::{Decimal, NaiveDate, Package, Policy};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------
// The integrator's own types, shaped like the pack's schema.
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnsubscriptionRequest {
    request: RequestInfo,
    account: Account,
    resource: Resource,
    order: Order,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    calendar: Option<Calendar>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Action {
    Unsubscribe,
    CancelUnsubscription,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Channel {
    Console,
    Api,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestInfo {
    action: Action,
    channel: Channel,
    date: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Quota {
    limit: i64,
    used: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Account {
    id: String,
    settlement_currency: String,
    #[serde(default)]
    financial_relation_changed_at: Option<NaiveDate>,
    ecs_unsubscription_quota: Quota,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum BillingMethod {
    Subscription,
    PayAsYouGo,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MarketplaceImage {
    paid: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Resource {
    id: String,
    service: String,
    service_supports_unsubscription: bool,
    billing_method: BillingMethod,
    #[serde(default)]
    marketplace_image: Option<MarketplaceImage>,
    unpaid_orders: i64,
    security_risk: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Promotion {
    name: String,
    refundable: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Order {
    id: String,
    purchased_at: NaiveDate,
    currency: String,
    amount: Decimal,
    voucher_amount: Decimal,
    consumed_amount: Decimal,
    paid_by: String,
    #[serde(default)]
    promotion: Option<Promotion>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Calendar {
    #[serde(default)]
    holidays: Option<Vec<NaiveDate>>,
}

/// What the integrator reads back from a decision.
#[derive(Debug, Deserialize)]
struct RefundOutputs {
    refund_amount: Decimal,
    refund_currency: String,
    refund_destination: Option<String>,
    refund_due_by: Option<NaiveDate>,
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn pack() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/unsubscription")
}

fn policy() -> Policy {
    Package::from_dir(pack())
        .check()
        .expect("the shipped pack checks")
}

fn example_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(pack().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == "yaml" || x == "yml" || x == "jsonl" || x == "json")
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no example found");
    files
}

/// The documents of an example file, read into the integrator's structs
/// (YAML reads JSON too).
fn requests_of(path: &Path) -> Vec<UnsubscriptionRequest> {
    let text = std::fs::read_to_string(path).unwrap();
    if path.extension().is_some_and(|x| x == "jsonl") {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_yaml::from_str(l).unwrap())
            .collect()
    } else {
        serde_yaml::Deserializer::from_str(&text)
            .map(|doc| UnsubscriptionRequest::deserialize(doc).unwrap())
            .collect()
    }
}

/// The CLI's JSON records for an example file, one per document.
fn cli_records(path: &Path) -> Vec<serde_json::Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_pactum"))
        .arg("evaluate")
        .arg("--policy")
        .arg(pack())
        .arg("--facts")
        .arg(path)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[test]
fn own_structs_on_several_threads_decide_as_the_cli() {
    let policy = policy();
    let mut cases: Vec<(String, UnsubscriptionRequest, serde_json::Value)> = Vec::new();
    for file in example_files() {
        let requests = requests_of(&file);
        let records = cli_records(&file);
        assert_eq!(requests.len(), records.len(), "{}", file.display());
        for (i, (r, rec)) in requests.into_iter().zip(records).enumerate() {
            cases.push((format!("{} #{}", file.display(), i + 1), r, rec));
        }
    }
    assert!(cases.len() >= 15, "only {} cases", cases.len());

    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let (policy, cases) = (&policy, &cases);
                s.spawn(move || {
                    // Each thread decides every request, starting at a
                    // different place.
                    let n = cases.len();
                    for k in 0..n {
                        let (name, request, expected) = &cases[(k + t * 5) % n];
                        let decision = policy
                            .evaluate_serde(request)
                            .unwrap_or_else(|d| panic!("{name}: not decided: {d:?}"));
                        let got = serde_json::to_value(&decision).unwrap();
                        assert_eq!(&got, expected, "{name}");
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    });
}

#[test]
fn outputs_read_back_as_typed_values() {
    let policy = policy();
    let file = pack().join("examples/allowed-with-refund.yaml");
    let request = requests_of(&file).remove(0);
    let decision = policy.evaluate_serde(&request).unwrap();
    assert!(decision.is_allowed());
    let outputs: RefundOutputs = decision.outputs_as().unwrap();
    assert_eq!(outputs.refund_amount, Decimal::new(70000, 2));
    assert_eq!(outputs.refund_currency, "USD");
    assert_eq!(outputs.refund_destination.as_deref(), Some("acc-1001"));
    assert_eq!(outputs.refund_due_by, NaiveDate::from_ymd_opt(2026, 4, 14));
    let due: Option<NaiveDate> = decision.output_as("refund_due_by").unwrap();
    assert_eq!(due, outputs.refund_due_by);
    assert_eq!(
        decision.output("refund_amount").unwrap().as_decimal(),
        Some(Decimal::new(70000, 2))
    );
    assert!(decision.output_as::<Decimal>("no_such_output").is_err());
}

#[test]
fn a_calendar_registered_once_stands_in_for_the_requests() {
    let base = policy();
    let file = pack().join("examples/allowed-with-refund.yaml");
    let with_calendar = requests_of(&file).remove(0);
    let holidays = with_calendar.calendar.clone().unwrap();
    let mut without = with_calendar.clone();
    without.calendar = None;

    let expected = base.evaluate_serde(&with_calendar).unwrap().to_json();
    // Without a calendar anywhere, no holiday moves the due date.
    assert_ne!(base.evaluate_serde(&without).unwrap().to_json(), expected);

    let hosted = base
        .clone()
        .with_reference_data("calendar", &holidays)
        .unwrap();
    assert_eq!(hosted.evaluate_serde(&without).unwrap().to_json(), expected);
    // A request's own calendar wins over the registered one.
    let mut own = without.clone();
    own.calendar = Some(Calendar {
        holidays: Some(vec![]),
    });
    assert_eq!(
        hosted.evaluate_serde(&own).unwrap().to_json(),
        base.evaluate_serde(&own).unwrap().to_json()
    );
    // Facts read earlier get it too.
    let facts = hosted.facts_from_serde(&without).unwrap();
    assert_eq!(hosted.evaluate(&facts).unwrap().to_json(), expected);

    // Reference data is checked against the schema like facts.
    let err = base
        .clone()
        .with_reference_data("calendar", &serde_json::json!({ "holidays": ["Easter"] }))
        .unwrap_err();
    let err = err.first().unwrap();
    assert_eq!(err.code_id(), "pactum::facts::wrong_type");
    assert!(
        err.message().contains("calendar.holidays[0]"),
        "{}",
        err.message()
    );
    // Only optional roots take reference data.
    let err = base
        .clone()
        .with_reference_data("order", &with_calendar.order)
        .unwrap_err();
    let err = err.first().unwrap();
    assert_eq!(err.code_id(), "pactum::facts::wrong_type");
    let errs = base.with_reference_data("calender", &holidays).unwrap_err();
    let err = errs.first().unwrap();
    assert_eq!(err.code_id(), "pactum::facts::unknown_field");
    assert!(err.help_text().unwrap().contains("calendar"));
}

#[test]
fn facts_that_do_not_fit_are_one_located_diagnostic() {
    let policy = policy();
    let file = pack().join("examples/allowed-with-refund.yaml");
    let request = requests_of(&file).remove(0);
    let mut value = serde_json::to_value(&request).unwrap();
    value["order"]["amount"] = serde_json::json!("a lot");
    let errors = policy.evaluate_serde(&value).unwrap_err();
    let first = errors.iter().next().unwrap();
    assert_eq!(first.code_id(), "pactum::facts::wrong_type");
    assert!(
        first.message().starts_with("`order.amount`"),
        "{}",
        first.message()
    );
    assert_eq!(first.underlined(), Some("\"a lot\""));
    assert!(first.line_col().is_some());
}

#[test]
fn facts_belong_to_the_policy_that_read_them() {
    let (a, b) = (policy(), policy());
    let text = std::fs::read_to_string(pack().join("examples/pay-as-you-go.yaml")).unwrap();
    let facts = a.facts_from_str(&text).unwrap();
    assert!(a.evaluate(&facts).is_ok());
    assert!(a.clone().evaluate(&facts).is_ok());
    let errors = b.evaluate(&facts).unwrap_err();
    assert_eq!(
        errors.iter().next().unwrap().code_id(),
        "pactum::facts::wrong_type"
    );
}

#[test]
fn a_request_as_a_struct_as_json_and_as_yaml_gives_equal_decisions() {
    let policy = policy();
    for file in example_files() {
        for request in requests_of(&file) {
            let from_struct = policy.evaluate_serde(&request).unwrap();
            let json = serde_json::to_string(&request).unwrap();
            let yaml = serde_yaml::to_string(&request).unwrap();
            assert_eq!(policy.evaluate_json(&json).unwrap(), from_struct, "{json}");
            assert_eq!(policy.evaluate_str(&json).unwrap(), from_struct, "{json}");
            assert_eq!(policy.evaluate_str(&yaml).unwrap(), from_struct, "{yaml}");
            // Equal decisions have equal envelopes.
            assert_eq!(
                policy.evaluate_json(&json).unwrap().to_json(),
                from_struct.to_json()
            );
        }
    }
}

#[test]
fn a_body_that_is_not_json_gets_json_wording() {
    let policy = policy();
    // YAML given where JSON is required.
    let errors = policy
        .evaluate_json("request: { action: unsubscribe }")
        .unwrap_err();
    let error = errors.first().unwrap();
    assert_eq!(error.code(), pactum::codes::FACTS_SYNTAX);
    assert!(error.message().starts_with("invalid JSON"), "{error}");
    assert_eq!(error.facts_path(), None);
    // Broken JSON given to `evaluate_str`: JSON's error, not YAML's.
    let errors = policy
        .evaluate_str(r#"{"request": {"action": "unsubscribe"]}"#)
        .unwrap_err();
    let error = errors.first().unwrap();
    assert!(error.message().starts_with("invalid JSON"), "{error}");
    // A YAML flow mapping is still YAML to `evaluate_str`.
    let errors = policy
        .evaluate_str("{request: {action: unsubscribe}}")
        .unwrap_err();
    assert_eq!(
        errors.first().unwrap().code(),
        pactum::codes::FACTS_MISSING_FIELD
    );
    // JSON facts errors name the value in JSON's terms.
    let mut value = serde_json::to_value(
        requests_of(&pack().join("examples/allowed-with-refund.yaml")).remove(0),
    )
    .unwrap();
    value["order"]["purchased_at"] = serde_json::json!([1]);
    let errors = policy.evaluate_json(&value.to_string()).unwrap_err();
    let error = errors.first().unwrap();
    assert_eq!(error.code(), pactum::codes::FACTS_WRONG_TYPE);
    assert!(error.message().ends_with("found an array"), "{error}");
    assert_eq!(error.facts_path(), Some("order.purchased_at"));
}
