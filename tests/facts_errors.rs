//! Facts errors, all of them: a document built from k independent
//! mistakes gives exactly k errors, in document order, each with its own
//! place and facts path, whatever the syntax (YAML block or flow, JSON)
//! and whether it is read alone or inside a batch.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pactum::{Diagnostic, Outcome, Package, Policy};
use proptest::prelude::*;

const POLICY: &str = "package p\n\
    requests are identified by o.name\n\
    schema o {\n\
      name: string\n\
      count: int\n\
      price: decimal\n\
      day: date\n\
      kind: one of a, b\n\
      tags: list of string\n\
      lines: list of { sku: string, qty: int, on: date }\n\
    }\n";

fn policy() -> Policy {
    Package::from_sources([("p.policy", POLICY)])
        .check()
        .expect("the policy checks")
}

/// The syntax a document is written in.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Syntax {
    YamlBlock,
    YamlFlow,
    Json,
}

/// Which independent mistakes a document holds.
#[derive(Debug, Clone)]
struct Mistakes {
    /// `name` left out.
    no_name: bool,
    count: bool,
    price: bool,
    day: bool,
    kind: bool,
    /// A number in `tags`, at this index.
    tag: Option<usize>,
    tags: usize,
    /// For each line: `sku` left out, `qty` wrong, `on` not a day.
    lines: Vec<(bool, bool, bool)>,
    /// An unknown key at the end of `o`.
    extra: bool,
}

impl Mistakes {
    /// The facts paths of the mistakes, in document order: a mapping's
    /// missing field is reported where the mapping starts.
    fn paths(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut push = |on: bool, path: String| {
            if on {
                out.push(path);
            }
        };
        push(self.no_name, "o.name".into());
        push(self.count, "o.count".into());
        push(self.price, "o.price".into());
        push(self.day, "o.day".into());
        push(self.kind, "o.kind".into());
        if let Some(j) = self.tag {
            push(true, format!("o.tags[{j}]"));
        }
        for (i, (sku, qty, on)) in self.lines.iter().enumerate() {
            push(*sku, format!("o.lines[{i}].sku"));
            push(*qty, format!("o.lines[{i}].qty"));
            push(*on, format!("o.lines[{i}].on"));
        }
        push(self.extra, "o.zzz_extra".into());
        out
    }

    /// The document, in `syntax`.
    fn render(&self, syntax: Syntax) -> String {
        let json = syntax == Syntax::Json;
        // A scalar: quoted in JSON, and in YAML when `quote`.
        let s = |text: &str, quote: bool| {
            if json || quote {
                format!("\"{text}\"")
            } else {
                text.to_string()
            }
        };
        let key = |k: &str| {
            if json {
                format!("\"{k}\"")
            } else {
                k.to_string()
            }
        };
        let mut fields: Vec<(String, String)> = Vec::new();
        if !self.no_name {
            fields.push((key("name"), s("req-1", false)));
        }
        let number = |wrong: bool, good: &str, bad: &str| {
            if wrong {
                s(bad, false)
            } else {
                good.to_string()
            }
        };
        fields.push((key("count"), number(self.count, "3", "x")));
        fields.push((key("price"), number(self.price, "1.50", "abc")));
        fields.push((
            key("day"),
            s(if self.day { "2026-13-01" } else { "2026-01-02" }, false),
        ));
        fields.push((key("kind"), s(if self.kind { "c" } else { "a" }, false)));
        let tags: Vec<String> = (0..self.tags)
            .map(|j| {
                if self.tag == Some(j) {
                    "7".to_string()
                } else {
                    s(&format!("t{j}"), false)
                }
            })
            .collect();
        fields.push((key("tags"), format!("[{}]", tags.join(", "))));
        let lines: Vec<Vec<(String, String)>> = self
            .lines
            .iter()
            .map(|(sku, qty, on)| {
                let mut line = Vec::new();
                if !sku {
                    line.push((key("sku"), s("k", false)));
                }
                line.push((key("qty"), number(*qty, "1", "x")));
                line.push((
                    key("on"),
                    s(if *on { "2026-02-30" } else { "2026-01-01" }, false),
                ));
                line
            })
            .collect();
        let flow = |entries: &[(String, String)]| {
            let inner: Vec<String> = entries.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            format!("{{{}}}", inner.join(", "))
        };
        let extra = (key("zzz_extra"), "1".to_string());
        match syntax {
            Syntax::YamlBlock => {
                let mut out = String::from("o:\n");
                for (k, v) in &fields {
                    out.push_str(&format!("  {k}: {v}\n"));
                }
                out.push_str("  lines:\n");
                for line in &lines {
                    for (n, (k, v)) in line.iter().enumerate() {
                        let lead = if n == 0 { "    - " } else { "      " };
                        out.push_str(&format!("{lead}{k}: {v}\n"));
                    }
                }
                if self.extra {
                    out.push_str(&format!("  {}: {}\n", extra.0, extra.1));
                }
                out
            }
            Syntax::YamlFlow | Syntax::Json => {
                let lines: Vec<String> = lines.iter().map(|l| flow(l)).collect();
                fields.push((key("lines"), format!("[{}]", lines.join(", "))));
                if self.extra {
                    fields.push(extra);
                }
                flow(&[(key("o"), flow(&fields))])
            }
        }
    }
}

fn mistakes() -> impl Strategy<Value = Mistakes> {
    (
        any::<[bool; 6]>(),
        1usize..4,
        proptest::option::of(0usize..3),
        proptest::collection::vec(any::<(bool, bool, bool)>(), 1..4),
    )
        .prop_map(|(b, tags, tag, lines)| Mistakes {
            no_name: b[0],
            count: b[1],
            price: b[2],
            day: b[3],
            kind: b[4],
            extra: b[5],
            tag: tag.filter(|j| *j < tags),
            tags,
            lines,
        })
}

/// The facts paths of `errors`, checking that each error is located, in
/// document order, with a label and a help.
fn paths_of<'a>(errors: impl IntoIterator<Item = &'a Diagnostic>) -> Vec<String> {
    let mut last = (0, 0);
    errors
        .into_iter()
        .map(|e| {
            let at = e.line_col().expect("located");
            assert!(at >= last, "{at:?} after {last:?}: {e}");
            last = at;
            assert!(e.help_text().is_some_and(|h| !h.is_empty()), "{e}");
            assert!(e.underlined().is_some(), "{e}");
            e.facts_path().expect("a facts path").to_string()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn k_independent_mistakes_give_k_errors_each_at_its_path(m in mistakes()) {
        let policy = policy();
        let want = m.paths();
        for syntax in [Syntax::YamlBlock, Syntax::YamlFlow, Syntax::Json] {
            let doc = m.render(syntax);
            let got = match policy.facts_from_str(&doc) {
                Ok(_) => Vec::new(),
                Err(errors) => paths_of(&errors),
            };
            prop_assert_eq!(&got, &want, "{:?}:\n{}", syntax, doc);
            if syntax == Syntax::Json {
                // The same from the JSON entry point, and inside a batch
                // between documents that are right.
                let json = match policy.facts_from_json(&doc) {
                    Ok(_) => Vec::new(),
                    Err(errors) => paths_of(&errors),
                };
                prop_assert_eq!(&json, &want);
                let good = Mistakes {
                    no_name: false, count: false, price: false, day: false, kind: false,
                    tag: None, tags: 1, lines: vec![(false, false, false)], extra: false,
                }
                .render(Syntax::Json);
                let batch = format!("{good}\n{doc}\n{good}\n");
                let outcomes = policy.evaluate_file("b.jsonl", &batch);
                prop_assert_eq!(outcomes.len(), 3);
                prop_assert!(matches!(outcomes[0], Outcome::Decided(_)));
                prop_assert!(matches!(outcomes[2], Outcome::Decided(_)));
                let in_batch = match &outcomes[1] {
                    Outcome::Decided(_) => Vec::new(),
                    Outcome::Failed { diagnostics, .. } => {
                        for d in diagnostics {
                            prop_assert_eq!(d.line_col().map(|(l, _)| l), Some(2));
                        }
                        paths_of(diagnostics)
                    }
                };
                prop_assert_eq!(&in_batch, &want);
            }
        }
    }
}

/// The example of the issue: a wrong type, an unknown field, a missing
/// field and a bad date in a list element, in one document.
#[test]
fn the_independent_mistakes_of_a_document_are_all_reported() {
    let policy = policy();
    let doc = "o:\n  count: three\n  price: 1.50\n  day: 2026-01-02\n  kind: a\n  colour: red\n  tags: [a]\n  lines:\n    - { sku: k, qty: 1, on: 2026-02-30 }\n";
    let errors = policy.facts_from_str(doc).unwrap_err();
    let got: Vec<(&str, Option<&str>, Option<&str>)> = errors
        .iter()
        .map(|e| (e.code_id(), e.facts_path(), e.underlined()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "pactum::facts::missing_field",
                Some("o.name"),
                Some("count")
            ),
            ("pactum::facts::wrong_type", Some("o.count"), Some("three")),
            (
                "pactum::facts::unknown_field",
                Some("o.colour"),
                Some("colour")
            ),
            (
                "pactum::facts::wrong_type",
                Some("o.lines[0].on"),
                Some("2026-02-30")
            ),
        ]
    );
}
