//! Library guarantees that hold at compile time.

/// Compiles only when `T` can be shared across threads for the program's
/// whole life.
fn assert_send_sync_static<T: Send + Sync + 'static>() {}

#[test]
fn compiled_policies_and_decisions_cross_threads() {
    assert_send_sync_static::<pactum::Policy>();
    assert_send_sync_static::<pactum::Package>();
    assert_send_sync_static::<pactum::Decision>();
    assert_send_sync_static::<pactum::Facts>();
    assert_send_sync_static::<pactum::Diagnostics>();
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
