//! Whole packages, not only facts: the bytes steer the package generator of
//! `tests/support/genpolicy.rs` (nested quantifiers, computed values read
//! from inside them, optional values, `when` blocks), then requests for it.
//! What must hold: the package checks; every request is decided; the fast
//! evaluator, its explaining run and the reference evaluator give the same
//! envelope; swapping the operands of every `and`/`or` (where the swapped
//! package still checks) decides every request the same.
#![no_main]

#[path = "../../tests/support/genpolicy.rs"]
mod genpolicy;

use libfuzzer_sys::fuzz_target;
use pactum::Package;

fuzz_target!(|data: &[u8]| {
    let mut rng = genpolicy::Rng::from_bytes(data);
    let text = genpolicy::package_from(&mut rng);
    let policy = match Package::from_sources([("gen.policy", text.as_str())]).check() {
        Ok(p) => p,
        Err(d) => panic!("a generated package does not check: {d}\n{text}"),
    };
    let swapped = pactum::testing::swap_and_or(&[("gen.policy".to_string(), text.clone())], None)
        .and_then(|files| Package::from_sources(files).check().ok());
    for i in 0..4 {
        let doc = genpolicy::facts_from(&mut rng, i);
        let facts = policy.facts_from_str(&doc).expect("generated facts fit the schema");
        let fast = match policy.evaluate(&facts) {
            Ok(d) => serde_json::to_string(&d).unwrap(),
            Err(d) => panic!("not decided: {d}\n{text}\n{doc}"),
        };
        let slow = pactum::testing::reference_evaluate(&policy, &facts)
            .map(|d| serde_json::to_string(&d).unwrap());
        assert_eq!(Ok(&fast), slow.as_ref(), "reference\n{text}\n{doc}");
        let (explained, _) = policy.explain(&facts).expect("explained");
        assert_eq!(serde_json::to_string(&explained).unwrap(), fast, "explain\n{text}\n{doc}");
        if let Some(swapped) = &swapped {
            let d = swapped.evaluate_str(&doc).expect("decided when swapped");
            assert_eq!(serde_json::to_string(&d).unwrap(), fast, "and/or swapped\n{text}\n{doc}");
        }
    }
});
