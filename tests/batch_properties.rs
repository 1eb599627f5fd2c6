//! Property tests of the batch reader: for random batches mixing good
//! documents, broken ones, documents over the size limit, blank lines and
//! empty YAML documents, read in random pieces (as a pipe gives them), with
//! random chunk sizes and one or two threads, the output records match the
//! input documents one for one and in order, and each good document is
//! decided exactly as it is alone (`Policy::evaluate_str`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;

use pactum::batch::Batch;
use pactum::{Limits, Outcome, Package, Policy};
use proptest::prelude::*;

const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/unsubscription");
const JSONL: &str = include_str!("../policies/unsubscription/examples/batch.jsonl");
const YAML: [&str; 4] = [
    include_str!("../policies/unsubscription/examples/allowed-with-refund.yaml"),
    include_str!("../policies/unsubscription/examples/api-channel.yaml"),
    include_str!("../policies/unsubscription/examples/several-denials.yaml"),
    include_str!("../policies/unsubscription/examples/voucher-paid.yaml"),
];
const LIMIT: usize = 1500;

fn policy() -> Policy {
    Package::from_dir_with_limits(PACK, Limits::default().with_max_facts_bytes(LIMIT))
        .check()
        .unwrap()
}

#[derive(Debug, Clone)]
enum Item {
    Good(usize),
    /// A good document cut short (at a fraction, in percent).
    Broken(usize, usize),
    Oversized,
    /// Blank lines: not a document.
    Blank(usize),
    /// An empty YAML document (`---` alone); blank lines in JSON Lines.
    Empty,
}

/// What one document must give.
#[derive(Debug, Clone, PartialEq)]
enum Want {
    Same(String),
    Failed,
    Code(&'static str),
}

fn item() -> impl Strategy<Value = Item> {
    prop_oneof![
        4 => (0usize..8).prop_map(Item::Good),
        2 => (0usize..8, 5usize..95).prop_map(|(i, at)| Item::Broken(i, at)),
        1 => Just(Item::Oversized),
        1 => (1usize..3).prop_map(Item::Blank),
        1 => Just(Item::Empty),
    ]
}

fn cut(text: &str, percent: usize) -> &str {
    let mut at = text.len() * percent / 100;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    &text[..at]
}

/// The decision of one document alone, as text.
fn alone(policy: &Policy, doc: &str) -> Want {
    match policy.evaluate_str(doc) {
        Ok(d) => Want::Same(serde_json::to_string(&d).unwrap()),
        Err(_) => Want::Failed,
    }
}

/// A batch in JSON Lines or YAML, and what each of its documents must give.
fn build(policy: &Policy, items: &[Item], yaml: bool) -> (String, Vec<Want>) {
    let lines: Vec<&str> = JSONL.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut text = String::new();
    let mut want = Vec::new();
    for item in items {
        match (item, yaml) {
            (Item::Good(i), false) => {
                let line = lines[i % lines.len()];
                text.push_str(line);
                text.push('\n');
                want.push(alone(policy, line));
            }
            (Item::Good(i), true) => {
                let doc = YAML[i % YAML.len()];
                text.push_str("---\n");
                text.push_str(doc);
                want.push(alone(policy, doc));
            }
            (Item::Broken(i, at), false) => {
                let line = cut(lines[i % lines.len()], *at);
                // A line cut short is never a whole JSON object.
                text.push_str(line);
                text.push('\n');
                want.push(Want::Failed);
            }
            (Item::Broken(_, _), true) => {
                text.push_str("---\nrequest: [\n  a: b\n");
                want.push(Want::Failed);
            }
            (Item::Oversized, false) => {
                text.push_str(&format!("{{\"request\": \"{}\"}}\n", "x".repeat(LIMIT * 3)));
                want.push(Want::Code("pactum::limit::facts_size"));
            }
            (Item::Oversized, true) => {
                text.push_str("---\nrequest: >\n");
                for _ in 0..LIMIT / 20 {
                    text.push_str("  xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n");
                }
                want.push(Want::Code("pactum::limit::facts_size"));
            }
            (Item::Blank(n), _) => {
                for _ in 0..*n {
                    text.push_str("  \n");
                }
            }
            (Item::Empty, false) => text.push('\n'),
            (Item::Empty, true) => {
                text.push_str("---\n");
                want.push(Want::Code("pactum::facts::empty"));
            }
        }
    }
    if want.is_empty() {
        want.push(Want::Code("pactum::facts::empty"));
    }
    (text, want)
}

/// Gives its text in pieces of the given sizes, in turn.
struct Pieces<'a> {
    text: &'a [u8],
    sizes: Vec<usize>,
    turn: usize,
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let size = self.sizes[self.turn % self.sizes.len()];
        self.turn += 1;
        let n = size.min(buf.len()).min(self.text.len());
        buf[..n].copy_from_slice(&self.text[..n]);
        self.text = &self.text[n..];
        Ok(n)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn records_match_documents_one_for_one(
        items in prop::collection::vec(item(), 0..14),
        yaml in any::<bool>(),
        jobs in 1usize..3,
        stream in any::<bool>(),
        chunk in 1usize..3000,
        sizes in prop::collection::vec(1usize..5000, 1..5),
    ) {
        let policy = policy();
        let (text, want) = build(&policy, &items, yaml);
        let name = if yaml { "b.yaml" } else { "b.jsonl" };
        let mut got = Vec::new();
        let count = Batch::new(&policy, name)
            .jobs(jobs)
            .stream(stream)
            .chunk_bytes(chunk)
            .run(
                Pieces { text: text.as_bytes(), sizes, turn: 0 },
                |i, o| (i, o),
                |r| {
                    got.push(r);
                    Ok(())
                },
            )
            .unwrap();
        prop_assert_eq!(count, want.len());
        prop_assert_eq!(got.len(), want.len());
        for (n, ((i, outcome), want)) in got.iter().zip(&want).enumerate() {
            prop_assert_eq!(*i, n);
            match (want, outcome) {
                (Want::Same(d), Outcome::Decided(got)) => {
                    prop_assert_eq!(d, &serde_json::to_string(got).unwrap());
                }
                (Want::Failed, Outcome::Failed { .. }) => {}
                (Want::Code(code), Outcome::Failed { diagnostics, .. }) => {
                    let first = diagnostics.iter().next().unwrap().code_id();
                    prop_assert_eq!(*code, first);
                }
                (w, o) => prop_assert!(false, "document {}: want {:?}, got {:?}", n, w, o),
            }
        }
        // The library's whole-text reader agrees, document for document.
        let whole = policy.evaluate_file(name, &text);
        prop_assert_eq!(whole.len(), want.len());
    }
}

/// A batch without a telling name (standard input) whose first line is a
/// broken JSON line: it is still read as JSON Lines, one outcome a line
/// (the next line decides the format), in pieces of any size.
#[test]
fn a_broken_first_line_does_not_swallow_a_sniffed_batch() {
    let policy = Package::from_dir(PACK).check().unwrap();
    let good = serde_json::to_string(
        &serde_yaml::from_str::<serde_json::Value>(include_str!(
            "../policies/unsubscription/examples/allowed-with-refund.yaml"
        ))
        .unwrap(),
    )
    .unwrap();
    for first in [
        "{\"request\": {\"action\": \"unsubscribe\",",
        "[\"x\"]",
        "{\"request\": \"\u{fffd}\"",
        "[",
    ] {
        let text = format!("{first}\n\n{good}\n{good}\n");
        for size in [1, 7, 4096] {
            let mut got = Vec::new();
            let count = Batch::new(&policy, "-")
                .stream(true)
                .run(
                    Pieces {
                        text: text.as_bytes(),
                        sizes: vec![size],
                        turn: 0,
                    },
                    |i, o| (i, matches!(o, Outcome::Decided(_))),
                    |r| {
                        got.push(r);
                        Ok(())
                    },
                )
                .unwrap();
            assert_eq!(count, 3, "{first:?} in pieces of {size}: {got:?}");
            assert_eq!(got, vec![(0, false), (1, true), (2, true)], "{first:?}");
        }
    }
}
