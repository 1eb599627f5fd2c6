//! Library guarantees that hold at compile time.

/// Compiles only when `T` can be shared across threads for the program's
/// whole life.
fn assert_send_sync_static<T: Send + Sync + 'static>() {}

/// The same claim, checked by the compiler whether or not a test runs: the
/// compiled package (the engine) and everything it hands out may cross
/// threads and live in statics.
const _: () = {
    const fn send_sync_static<T: Send + Sync + 'static>() {}
    send_sync_static::<pactum::Package>();
    send_sync_static::<pactum::Policy>();
    send_sync_static::<pactum::Facts>();
    send_sync_static::<pactum::Decision>();
    send_sync_static::<pactum::Verdict>();
    send_sync_static::<pactum::Reason>();
    send_sync_static::<pactum::Note>();
    send_sync_static::<pactum::Value>();
    send_sync_static::<pactum::Outcome>();
    send_sync_static::<pactum::Diagnostic>();
    send_sync_static::<pactum::Diagnostics>();
    send_sync_static::<std::sync::Arc<pactum::Policy>>();
    send_sync_static::<std::sync::RwLock<std::sync::Arc<pactum::Policy>>>();
};

/// Errors can be boxed and sent across threads, and rendered by miette.
fn assert_error<E: std::error::Error + miette::Diagnostic + Send + Sync + 'static>() {}

#[test]
fn diagnostics_are_errors_that_miette_renders() {
    assert_error::<pactum::Diagnostic>();
    assert_error::<pactum::Diagnostics>();
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(
        pactum::Package::from_sources([("a.policy", "package a\nlet x = y")])
            .check()
            .expect_err("unknown name"),
    );
    assert!(boxed.to_string().contains("1 error"));
}

#[test]
fn a_policy_is_cheap_to_clone_and_clones_share_the_compiled_package() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/unsubscription");
    let policy = pactum::Package::from_dir(dir).check().expect("clean pack");
    let text =
        std::fs::read_to_string(format!("{dir}/examples/pay-as-you-go.yaml")).expect("example");
    let facts = policy.facts_from_str(&text).expect("facts");
    // Facts read by one policy evaluate on its clones.
    let clone = policy.clone();
    assert_eq!(
        clone.evaluate(&facts).expect("decided").to_json(),
        policy.evaluate(&facts).expect("decided").to_json()
    );
}

#[test]
fn compiled_policies_and_decisions_cross_threads() {
    assert_send_sync_static::<pactum::Policy>();
    assert_send_sync_static::<pactum::Package>();
    assert_send_sync_static::<pactum::Decision>();
    assert_send_sync_static::<pactum::Facts>();
    assert_send_sync_static::<pactum::Diagnostics>();
    assert_send_sync_static::<pactum::Value>();
    assert_send_sync_static::<pactum::Outcome>();
}

#[test]
fn one_policy_decides_from_many_threads() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/unsubscription");
    let policy = std::sync::Arc::new(pactum::Package::from_dir(dir).check().expect("clean pack"));
    let facts = std::fs::read_to_string(format!("{dir}/examples/allowed-with-refund.yaml"))
        .expect("example");
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (p, f) = (policy.clone(), facts.clone());
            std::thread::spawn(move || p.evaluate_str(&f).map(|d| d.is_allowed()).unwrap_or(false))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().ok(), Some(true));
    }
}
