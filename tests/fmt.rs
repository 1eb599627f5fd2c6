//! The formatter is idempotent and keeps the meaning: checked on every
//! `.policy` file of the repository and on generated policies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use pactum::format_source;
use pactum::testing::syntax_shape;
use proptest::prelude::*;

fn policy_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            policy_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "policy") {
            out.push(p);
        }
    }
}

fn assert_formats_well(name: &str, text: &str) {
    let Ok(once) = format_source(name, text) else {
        return; // files with syntax errors are not formatted
    };
    let twice = format_source(name, &once).expect("formatted text parses");
    assert_eq!(once, twice, "{name}: formatting is not idempotent");
    assert_eq!(
        syntax_shape(name, text),
        syntax_shape(name, &once),
        "{name}: formatting changed the meaning\n{once}"
    );
}

#[test]
fn every_policy_file_in_the_repository_formats_idempotently() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    policy_files(&root.join("policies"), &mut files);
    policy_files(&root.join("tests"), &mut files);
    assert!(files.len() > 10);
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        assert_formats_well(&f.display().to_string(), &text);
    }
}

#[test]
fn the_shipped_pack_is_formatted() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/unsubscription");
    let mut files = Vec::new();
    policy_files(&dir, &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        assert_eq!(
            format_source("x", &text).unwrap(),
            text,
            "{} is not formatted: run `pactum fmt policies/`",
            f.display()
        );
    }
}

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "b", "order.amount", "order.kind", "flag", "x_1"])
        .prop_map(String::from)
}

fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        name(),
        (0u32..1000).prop_map(|n| n.to_string()),
        (0u32..1000, 0u32..100).prop_map(|(a, b)| format!("{a}.{b:02}")),
        Just("true".to_string()),
        Just("none".to_string()),
        Just("\"te{{x}}t {a}\"".to_string()),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        let op = prop::sample::select(vec![
            "and",
            "or",
            "==",
            "!=",
            "<",
            ">=",
            "+",
            "-",
            "*",
            "/",
            "otherwise",
            "in",
        ]);
        prop_oneof![
            (inner.clone(), op, inner.clone(), any::<bool>()).prop_map(|(a, o, b, paren)| {
                if paren {
                    format!("({a} {o} {b})")
                } else {
                    format!("{a} {o} {b}")
                }
            }),
            inner.clone().prop_map(|a| format!("not ({a})")),
            inner.clone().prop_map(|a| format!("-({a})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, t, e)| format!("(if {c} then {t} else {e})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("max({a}, {b})")),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| format!("[{}]", v.join(", "))),
            inner.clone().prop_map(|a| format!("({a}) is present")),
            inner
                .clone()
                .prop_map(|a| format!("(any i in xs where {a})")),
            inner.prop_map(|a| format!("(sum i in xs of {a})")),
        ]
    })
}

fn space() -> impl Strategy<Value = String> {
    prop::sample::select(vec![" ", "  ", "\n  ", " # c\n "]).prop_map(String::from)
}

fn policy() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((expr(), space()), 1..4),
        expr(),
        any::<bool>(),
    )
        .prop_map(|(lets, cond, block)| {
            let mut s = String::from(
                "# generated\npackage g\nschema order { amount: decimal, kind: one of a, b }\n",
            );
            for (i, (e, sp)) in lets.iter().enumerate() {
                s.push_str(&format!("let v{i} ={sp}{e}\n"));
            }
            let rule = format!("rule r {{ deny R when {cond} message \"m {{v0}}\" help \"h\" }}");
            if block {
                s.push_str(&format!("when flag {{\n{rule}\n}}\n"));
            } else {
                s.push_str(&rule);
                s.push('\n');
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn formatting_generated_policies_is_idempotent_and_keeps_the_meaning(src in policy()) {
        assert_formats_well("gen.policy", &src);
    }
}
