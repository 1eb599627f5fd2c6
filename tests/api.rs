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
    // The text of the error keeps every cause, with its code and place.
    assert_eq!(
        boxed.to_string(),
        "pactum::check::unknown_name: unknown name `y` (a.policy:2:9)"
    );
}

/// Every single-request entry point fails with the same type, so that one
/// handler serves them all.
#[test]
fn every_single_request_entry_point_fails_with_diagnostics() {
    let policy = pactum::Package::from_sources([("a.policy", "package a\nschema o { n: int }")])
        .check()
        .expect("clean");
    let errors: [Result<(), pactum::Diagnostics>; 7] = [
        policy.facts_from_str("o: { n: x }").map(drop),
        policy.facts_from_json(r#"{"o": {"n": "x"}}"#).map(drop),
        policy
            .facts_from_serde(&serde_json::json!({ "o": { "n": "x" } }))
            .map(drop),
        policy.evaluate_str("o: { n: x }").map(drop),
        policy.evaluate_json(r#"{"o": {"n": "x"}}"#).map(drop),
        policy
            .evaluate_serde(&serde_json::json!({ "o": { "n": "x" } }))
            .map(drop),
        policy.clone().with_reference_data("o", &1).map(drop),
    ];
    for (i, e) in errors.into_iter().enumerate() {
        let e = e.expect_err("a facts error");
        assert_eq!(e.len(), 1, "entry point {i}");
        let first = e.first().expect("one");
        assert_eq!(
            first.code(),
            pactum::codes::FACTS_WRONG_TYPE,
            "entry point {i}"
        );
        assert_eq!(first.code().stage(), "facts");
        if i < 6 {
            assert_eq!(first.facts_path(), Some("o.n"), "entry point {i}");
        }
    }
}

/// Codes match as constants, in patterns and guards, and as strings.
#[test]
fn codes_match_as_constants_and_strings() {
    use pactum::codes;
    let policy = pactum::Package::from_sources([(
        "a.policy",
        "package a\nschema o { n: int, d: date }\noutput q = 10 / o.n",
    )])
    .check()
    .expect("clean");
    let kind = |text: &str| match policy.evaluate_str(text) {
        Ok(_) => "decided",
        Err(e) => match e.first().map(pactum::Diagnostic::code) {
            Some(codes::FACTS_MISSING_FIELD) => "missing",
            Some(codes::FACTS_UNKNOWN_FIELD) => "unknown",
            Some(c) if c == codes::FACTS_WRONG_TYPE => "wrong type",
            Some(c) if c.stage() == "facts" => "other facts error",
            Some(c) if c == "pactum::eval::division_by_zero" => "division by zero",
            _ => "other",
        },
    };
    assert_eq!(kind("o: { n: 1, d: 2026-01-01 }"), "decided");
    assert_eq!(kind("o: { n: 1 }"), "missing");
    assert_eq!(kind("o: { n: 1, d: 2026-01-01, x: 1 }"), "unknown");
    assert_eq!(kind("o: { n: one, d: 2026-01-01 }"), "wrong type");
    assert_eq!(kind("o: {"), "other facts error");
    assert_eq!(kind("o: { n: 0, d: 2026-01-01 }"), "division by zero");
    // The old string form still works.
    let errors = policy.evaluate_str("o: { n: 1 }").expect_err("missing");
    assert_eq!(
        errors.first().map(|d| d.code_id()),
        Some("pactum::facts::missing_field")
    );
    assert_eq!(errors.first().and_then(|d| d.facts_path()), Some("o.d"));
}

/// The facts path of each kind of facts error: every error of a document
/// carries its own, in document order.
#[test]
fn facts_errors_carry_the_path_of_the_value() {
    let policy = pactum::Package::from_sources([(
        "a.policy",
        "package a\nschema o { n: int, tags: list of { name: string }, p: optional decimal }",
    )])
    .check()
    .expect("clean");
    let paths = |text: &str| {
        let e = policy.facts_from_str(text).expect_err("an error");
        e.iter()
            .map(|d| d.facts_path().map(str::to_owned))
            .collect::<Vec<_>>()
    };
    let cases: [(&str, &[Option<&str>]); 12] = [
        ("o: { n: x, tags: [] }", &[Some("o.n")]),
        (
            "o: { n: 1, tags: [{ name: a }, { nam: b }] }",
            // `nam` is unknown ("did you mean `name`?"): the one mistake.
            &[Some("o.tags[1].nam")],
        ),
        (
            "o: { n: 1, tags: [{ name: a }, { zzz: b }] }",
            // No field like `zzz`: `name` is missing too.
            &[Some("o.tags[1].name"), Some("o.tags[1].zzz")],
        ),
        (
            "o: { n: 1, tags: [{ name: a }, {}] }",
            &[Some("o.tags[1].name")],
        ),
        (
            "o: { n: 1, tags: [], p: 0.1000000000000000000000000000001 }",
            &[Some("o.p")],
        ),
        ("o: { n: 1, tags: 3 }", &[Some("o.tags")]),
        ("{}", &[Some("o")]),
        ("x: 1\no: { n: 1, tags: [] }", &[Some("x")]),
        (
            "o: { n: x, tags: [{ name: 1 }, {}, 7] }\nx: 1",
            &[
                Some("o.n"),
                Some("o.tags[0].name"),
                Some("o.tags[1].name"),
                Some("o.tags[2]"),
                Some("x"),
            ],
        ),
        ("o: {", &[None]),
        ("", &[None]),
        ("- 1", &[None]),
    ];
    for (text, want) in cases {
        let want: Vec<Option<String>> = want.iter().map(|p| p.map(str::to_owned)).collect();
        assert_eq!(paths(text), want, "{text:?}");
    }
}

/// A decision compares with another, whatever the facts' syntax.
#[test]
fn decisions_compare() {
    let policy = pactum::Package::from_sources([(
        "a.policy",
        "package a\nschema o { n: int }\n\
         rule big { deny BIG when o.n > 1 message \"big\" help \"h\" }\n\
         rule odd { note ODD when o.n == 3 message \"odd\" }\n\
         output twice = o.n * 2",
    )])
    .check()
    .expect("clean");
    let yaml = policy.evaluate_str("o: { n: 3 }").expect("decided");
    let json = policy.evaluate_json(r#"{"o": {"n": 3}}"#).expect("decided");
    let serde = policy
        .evaluate_serde(&serde_json::json!({ "o": { "n": 3 } }))
        .expect("decided");
    assert_eq!(yaml, json);
    assert_eq!(json, serde);
    assert_eq!(yaml.notes(), serde.notes());
    assert_ne!(yaml, policy.evaluate_str("o: { n: 5 }").expect("decided"));
    assert_ne!(yaml, policy.evaluate_str("o: { n: 1 }").expect("decided"));
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

/// Every entry point gives every mistake of a document, each with its
/// path: a serializable value (located in its indented JSON text), and
/// each document of a file.
#[test]
fn every_entry_point_gives_every_mistake_with_its_path() {
    let policy = pactum::Package::from_sources([(
        "a.policy",
        "package a\nschema o { n: int, d: date, tags: list of string }",
    )])
    .check()
    .expect("clean");
    let errors = policy
        .facts_from_serde(&serde_json::json!({ "o": { "n": "x", "tags": ["a", 1] } }))
        .expect_err("two mistakes and a missing field");
    let got: Vec<_> = errors
        .iter()
        .map(|e| (e.facts_path(), e.line_col()))
        .collect();
    // serde_json writes the keys in order: n, tags.
    assert_eq!(
        got,
        [
            (Some("o.d"), Some((2, 8))),
            (Some("o.n"), Some((3, 10))),
            (Some("o.tags[1]"), Some((6, 7))),
        ]
    );
    let docs = policy.facts_documents(
        "b.yaml",
        "o: { n: 1, d: 2026-01-01, tags: [] }\n---\no: { n: x, d: 2026-13-01, tags: [] }\n",
    );
    assert!(docs[0].is_ok());
    let paths: Vec<Option<&str>> = docs[1]
        .as_ref()
        .expect_err("two mistakes")
        .iter()
        .map(|e| e.facts_path())
        .collect();
    assert_eq!(paths, [Some("o.n"), Some("o.d")]);
}
