//! Deciding a batch from many threads with rayon: one compiled policy,
//! shared by reference, decides 10,000 requests in parallel; the results come
//! back in input order.
//!
//! ```sh
//! cargo run --release --example batch
//! ```

#[path = "support/unsubscription.rs"]
mod unsubscription;

use std::time::Instant;

use pactum::{Decimal, Package, Verdict};
use rayon::prelude::*;
use unsubscription::{holidays, sample};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/unsubscription");
    let policy = Package::from_dir(dir)
        .check()?
        .with_reference_data("calendar", &holidays())?;

    let requests: Vec<_> = (0..10_000).map(sample).collect();
    let started = Instant::now();
    // `Policy` is `Sync`: every rayon worker borrows the same one.
    let decisions: Vec<_> = requests
        .par_iter()
        .map(|request| policy.evaluate_serde(request))
        .collect();
    let elapsed = started.elapsed();

    let (mut allowed, mut denied, mut undecided) = (0usize, 0usize, 0usize);
    let mut refunded = Decimal::ZERO;
    for decision in &decisions {
        match decision {
            Ok(d) if d.verdict() == Verdict::Allow => {
                allowed += 1;
                refunded += d.output_as::<Decimal>("refund_amount")?;
            }
            Ok(_) => denied += 1,
            Err(_) => undecided += 1,
        }
    }
    // Input order is kept: the first decision is the first request's.
    if let Some(Ok(first)) = decisions.first() {
        println!("first: {} {:?}", first.id(), first.verdict());
    }
    println!(
        "{} requests on {} threads in {elapsed:.2?}: {allowed} allowed, {denied} denied, {undecided} undecided; {refunded} refunded",
        decisions.len(),
        rayon::current_num_threads(),
    );
    Ok(())
}
