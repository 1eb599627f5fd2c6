//! The parser and checker on arbitrary text: never a panic, never a hang.
//!
//! The first byte picks the mode: even, the text is a package of its own;
//! odd, it is added as one more file to the shipped pack, so that the checker
//! meets a real schema, real lets and real rules.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pactum::Package;

const PACK: &[(&str, &str)] = &[
    ("package.policy", include_str!("../../policies/unsubscription/package.policy")),
    ("account.policy", include_str!("../../policies/unsubscription/account.policy")),
    ("billing.policy", include_str!("../../policies/unsubscription/billing.policy")),
    ("cancellation.policy", include_str!("../../policies/unsubscription/cancellation.policy")),
    ("channels.policy", include_str!("../../policies/unsubscription/channels.policy")),
    ("refunds.policy", include_str!("../../policies/unsubscription/refunds.policy")),
];

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let package = if mode % 2 == 0 {
        Package::from_sources([("fuzz.policy", text.to_string())])
    } else {
        let mut files: Vec<(String, String)> = PACK
            .iter()
            .map(|(n, t)| ((*n).to_string(), (*t).to_string()))
            .collect();
        files.push(("fuzz.policy".to_string(), text.to_string()));
        Package::from_sources(files)
    };
    if let Ok(policy) = package.check() {
        // A package that checks must also evaluate without panicking.
        let _ = policy.evaluate_str("{}");
    }
});
