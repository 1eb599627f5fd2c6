//! Embedding Pactum in a plain program: load and check the package once,
//! register the host's holiday calendar, decide a request built from the
//! program's own structs, and read the outputs back as typed values.
//!
//! ```sh
//! cargo run --example embed
//! ```

#[path = "support/unsubscription.rs"]
mod unsubscription;

use std::process::ExitCode;

use pactum::{Package, Policy};
use unsubscription::{holidays, sample, Refund};

fn main() -> ExitCode {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/unsubscription");

    // Check errors: the package itself is wrong. Render them with miette and
    // refuse to start; a service keeps running its last good policy instead
    // (see the `reload` example).
    let policy: Policy = match Package::from_dir(dir).check() {
        Ok(policy) => policy,
        Err(diagnostics) => {
            eprintln!("{:?}", miette::Report::new(diagnostics));
            return ExitCode::FAILURE;
        }
    };
    for warning in policy.warnings() {
        eprintln!("warning[{}]: {}", warning.code_id(), warning.message());
    }

    // Reference data held by the host, registered once: requests that leave
    // `calendar` out use it.
    let policy = match policy.with_reference_data("calendar", &holidays()) {
        Ok(policy) => policy,
        Err(error) => {
            eprintln!("{:?}", miette::Report::new(error));
            return ExitCode::FAILURE;
        }
    };

    for n in [1, 11, 17] {
        let request = sample(n);
        match policy.evaluate_serde(&request) {
            Ok(decision) => {
                println!("{}: {:?}", decision.id(), decision.verdict());
                for reason in decision.reasons() {
                    println!(
                        "  {} ({}): {}",
                        reason.code,
                        policy.location(reason),
                        reason.message
                    );
                }
                match decision.outputs_as::<Refund>() {
                    Ok(refund) => println!(
                        "  refund {} {} to {} by {}",
                        refund.refund_amount,
                        refund.refund_currency,
                        refund.refund_destination.as_deref().unwrap_or("nobody"),
                        refund
                            .refund_due_by
                            .map_or("-".to_string(), |d| d.to_string()),
                    ),
                    Err(e) => eprintln!("  outputs: {e}"),
                }
            }
            // Facts errors (the request does not fit the schema) and
            // evaluation faults (a division by zero in a rule): no decision
            // was made. Fail closed: treat the request as refused.
            Err(diagnostics) => {
                for d in &diagnostics {
                    eprintln!("request {n} not decided [{}]: {}", d.code_id(), d.message());
                }
            }
        }
    }
    ExitCode::SUCCESS
}
