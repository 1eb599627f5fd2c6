//! Facts written as people write them, and refused with a help that fits:
//! numbers with thousands separators, currency signs or a decimal comma;
//! JSON written like JavaScript; pretty-printed JSON in a JSON Lines file;
//! a syntax error before the schema's mistakes; a YAML key indented wrong
//! or text after a closing quote; a byte-order mark. Each case asserts the
//! code, the line and column, the text under the label and the help.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pactum::{Diagnostic, Outcome, Package, Policy};

const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/unsubscription");
const EXAMPLE: &str = include_str!("../policies/unsubscription/examples/allowed-with-refund.yaml");
const JSONL: &str = include_str!("../policies/unsubscription/examples/batch.jsonl");

fn policy() -> Policy {
    Package::from_dir(PACK).check().unwrap()
}

/// The first line of the shipped JSON Lines batch: a good document.
fn good_line() -> &'static str {
    JSONL.lines().next().unwrap()
}

#[test]
fn a_byte_order_mark_changes_no_line_or_column() {
    let policy = policy();
    let yaml = EXAMPLE.replace("amount: \"1200.00\"", "amount: twelve");
    let json = "{\"request\": 5}";
    let jsonl = format!("{{\"request\": 5}}\n{}\n", good_line());
    for (name, text) in [
        ("r.yaml", yaml.as_str()),
        ("r.json", json),
        ("r.jsonl", &jsonl),
    ] {
        let plain = policy.evaluate_file(name, text);
        let marked = policy.evaluate_file(name, &format!("\u{feff}{text}"));
        assert_eq!(plain.len(), marked.len(), "{name}");
        for (a, b) in plain.iter().zip(&marked) {
            match (a, b) {
                (Outcome::Decided(a), Outcome::Decided(b)) => assert_eq!(a, b, "{name}"),
                (
                    Outcome::Failed {
                        id: ia,
                        diagnostics: a,
                    },
                    Outcome::Failed {
                        id: ib,
                        diagnostics: b,
                    },
                ) => {
                    assert_eq!(ia, ib, "{name}");
                    let at = |d: &pactum::Diagnostics| -> Vec<_> {
                        d.iter().map(|d| (d.code_id(), d.line_col())).collect()
                    };
                    assert_eq!(at(a), at(b), "{name}");
                }
                _ => panic!("{name}: {a:?} / {b:?}"),
            }
        }
    }
    // The columns of the first line are those an editor shows.
    let Outcome::Failed { diagnostics, .. } =
        &policy.evaluate_file("r.json", "\u{feff}{\"request\": 5}")[0]
    else {
        panic!("decided");
    };
    let cols: Vec<_> = diagnostics.iter().map(Diagnostic::line_col).collect();
    assert!(cols.contains(&Some((1, 13))), "{cols:?}");
}
