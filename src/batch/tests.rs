//! Tests of the batch reader and runner.

#![allow(clippy::unwrap_used)]
use super::*;
use crate::facts::{self, Format};

fn pieces(text: &str, name: &str, target: usize) -> Vec<String> {
    Chunks::new(text.as_bytes(), name, target)
        .map(|c| c.unwrap().text().to_string())
        .collect()
}

/// Every document of every chunk, as `facts::split` reads it.
fn docs(text: &str, name: &str, target: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut chunks = Chunks::new(text.as_bytes(), name, target);
    let mut all = Vec::new();
    for c in chunks.by_ref() {
        all.push(c.unwrap());
    }
    let format = chunks.format().unwrap();
    for c in all {
        for r in facts::split(c.text(), format) {
            out.push(c.text()[r].trim().to_string());
        }
    }
    out
}

fn whole(text: &str, name: &str) -> Vec<String> {
    let format = Format::detect(name, text);
    facts::split(text, format)
        .into_iter()
        .map(|r| text[r].trim().to_string())
        .collect()
}

#[test]
fn chunks_split_like_the_whole_text() {
    let yaml = "# lead\n%YAML 1.2\n---\na: 1\n---\n---\nb: 2\n...\n# c\n---\nc: 3\n--- {d: 4}\n---\n# only a comment\n---\ne: 5\n";
    // A document spread over lines is one, however the chunks fall.
    let jsonl = "\u{feff}{\"a\":1}\n\n  {\"b\":2}\r\n{\"c\":3}\n{\n  \"s\": [1,\n    2]\n}\n{\"d\":4}\n[\r\n]\n{\n{\"e\":5}\n  \n";
    for target in [1, 2, 5, 10, 1000] {
        for (text, name) in [
            (yaml, "x.yaml"),
            (yaml, "-"),
            (jsonl, "x.jsonl"),
            (jsonl, "-"),
        ] {
            assert_eq!(
                docs(text, name, target),
                whole(text, name),
                "{name} {target}"
            );
            assert_eq!(pieces(text, name, target).concat(), text);
        }
    }
}

#[test]
fn unnamed_json_lines_keep_two_documents_a_chunk() {
    let text = "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n";
    for c in Chunks::new(text.as_bytes(), "-", 1) {
        let c = c.unwrap();
        assert_eq!(Format::detect("-", c.text()), Format::JsonLines, "{c:?}");
    }
}

/// What a test compares of an outcome.
fn summary(o: &Outcome) -> String {
    match o {
        Outcome::Decided(d) => format!("{} {:?}", d.id(), d.verdict()),
        Outcome::Failed { id, diagnostics } => {
            let d = diagnostics.iter().next().unwrap();
            // Lines, columns and byte offsets of the whole input.
            format!(
                "{id} {} {:?} {:?} {}",
                d.code_id(),
                d.line_col(),
                d.underlined(),
                d.to_json()["byte_start"]
            )
        }
    }
}

#[test]
fn batches_decide_like_the_whole_file_on_any_chunking() {
    let policy = crate::Package::from_sources([(
        "a.policy",
        "package a\nrequests are identified by order.id\n\
         schema order { id: string, amount: decimal, items: int }\n\
         let each = order.amount / order.items\n\
         rule big { deny BIG when each > 100 message \"big\" help \"Split it.\" }",
    )])
    .check()
    .unwrap();
    let mut yaml = String::new();
    let mut jsonl = String::new();
    for i in 0..40 {
        let (amount, items) = match i % 5 {
            0 => ("500".to_string(), "2".to_string()),
            1 => ("five".to_string(), "1".to_string()),
            2 => ("5".to_string(), "0".to_string()),
            _ => (format!("{i}"), "1".to_string()),
        };
        yaml.push_str(&format!(
            "---\n# doc {i}\norder:\n  id: o-{i}\n  amount: {amount}\n  items: {items}\n"
        ));
        jsonl.push_str(&format!(
            "  {{\"order\": {{\"id\": \"o-{i}\", \"amount\": \"{amount}\", \"items\": {items}}}}}\n"
        ));
        if i % 7 == 3 {
            // Pretty-printed: one document, refused.
            jsonl.push_str(&format!(
                "{{\n  \"order\": {{\n    \"id\": \"p-{i}\",\n    \"amount\": \"1\",\n    \"items\": 1\n  }}\n}}\n"
            ));
        }
    }
    for (name, text) in [("b.yaml", &yaml), ("b.jsonl", &jsonl), ("-", &jsonl)] {
        let whole: Vec<String> = policy
            .evaluate_file(name, text)
            .iter()
            .map(summary)
            .collect();
        assert_eq!(whole.len(), if name == "b.yaml" { 40 } else { 46 });
        for (jobs, stream) in [(1, false), (2, false), (2, true)] {
            for bytes in [1, 100, 1 << 20] {
                let mut got = Vec::new();
                Batch::new(&policy, name)
                    .jobs(jobs)
                    .stream(stream)
                    .chunk_bytes(bytes)
                    .run(
                        text.as_bytes(),
                        |_, o| summary(&o),
                        |s| {
                            got.push(s);
                            Ok(())
                        },
                    )
                    .unwrap();
                assert_eq!(got, whole, "{name} jobs {jobs} chunk {bytes}");
            }
        }
    }
}

#[test]
fn invalid_utf8_fails_only_its_own_document() {
    // The bad byte becomes a NUL, which the loader refuses for that
    // document alone (`facts::text_from_bytes`).
    let chunks: Vec<Chunk> = Chunks::new(
        &b"{\"a\":1}\n{\"b\":2}\n\xff\n{\"c\":3}\n"[..],
        "x.jsonl",
        1,
    )
    .collect::<Result<_, _>>()
    .unwrap();
    assert_eq!(chunks.iter().map(Chunk::docs).sum::<usize>(), 4);
    assert!(chunks.iter().any(|c| c.text().contains('\0')));
}
