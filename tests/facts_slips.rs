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

/// The errors of the one document of `text` (named `name`, whose
/// extension gives the syntax).
fn errors(policy: &Policy, name: &str, text: &str) -> Vec<Diagnostic> {
    let outcomes = policy.evaluate_file(name, text);
    assert_eq!(outcomes.len(), 1, "{name}: {text}");
    match outcomes.into_iter().next().unwrap() {
        Outcome::Failed { diagnostics, .. } => diagnostics.iter().cloned().collect(),
        Outcome::Decided(d) => panic!("{name} was decided: {d:?}"),
    }
}

/// What a test compares of a diagnostic.
#[derive(Debug, PartialEq)]
struct Seen {
    code: String,
    at: (usize, usize),
    underlined: String,
    help: String,
}

fn seen(d: &Diagnostic) -> Seen {
    Seen {
        code: d.code_id().to_string(),
        at: d.line_col().unwrap(),
        underlined: d.underlined().unwrap_or("").to_string(),
        help: d.help_text().unwrap_or("").to_string(),
    }
}

fn want(code: &str, at: (usize, usize), underlined: &str, help: &str) -> Seen {
    Seen {
        code: format!("pactum::facts::{code}"),
        at,
        underlined: underlined.to_string(),
        help: help.to_string(),
    }
}

/// The one error of a document.
fn only(policy: &Policy, name: &str, text: &str) -> Seen {
    let errs = errors(policy, name, text);
    assert_eq!(errs.len(), 1, "{name}: {errs:?}");
    seen(&errs[0])
}

/// The one-based line and column of the first `needle` in `text`.
fn place(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).expect(needle);
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

#[test]
fn decimals_written_as_people_write_them_get_the_fix() {
    let policy = policy();
    for (written, help) in [
        (
            "\"1,200.00\"",
            "drop the thousands separator (`,`): \"1200.00\"",
        ),
        ("\"$1200\"", "drop the currency sign `$`: \"1200\""),
        (
            "\"1 200.00\"",
            "drop the thousands separator (a space): \"1200.00\"",
        ),
        ("\"12.50 EUR\"", "drop the currency code `EUR`: \"12.50\""),
        ("\"€12\"", "drop the currency sign `€`: \"12\""),
        ("\"12,50\"", "the decimal separator is `.`: \"12.50\""),
        (
            "\"1,200\"",
            "if `,` separates thousands, drop it: \"1200\"; if it is a decimal comma, the decimal separator is `.`: \"1.200\"",
        ),
        (
            "'1.200,50 €'",
            "drop the currency sign `€` and the thousands separator (`.`), and write the decimal comma as `.`: '1200.50'",
        ),
        // Not quoted: the fix is not quoted either.
        ("1,200.00", "drop the thousands separator (`,`): 1200.00"),
        ("$1200", "drop the currency sign `$`: 1200"),
        ("12,50", "the decimal separator is `.`: 12.50"),
        // No fix is clear: how to write a decimal, as it was written.
        ("\"twelve\"", "write a number such as \"12.50\""),
        ("twelve", "write a number such as 12.50"),
    ] {
        let doc = EXAMPLE.replace("amount: \"1200.00\"", &format!("amount: {written}"));
        let got = only(&policy, "r.yaml", &doc);
        let at = place(&doc, &format!("amount: {written}"));
        assert_eq!(
            got,
            want("wrong_type", (at.0, at.1 + 8), written, help),
            "{written}"
        );
    }
    // In JSON, a string; a whole number too.
    let line = good_line().replace("\"amount\":1200.5", "\"amount\":\"1,200.00\"");
    let got = only(&policy, "r.json", &line);
    assert_eq!(
        got,
        want(
            "wrong_type",
            place(&line, "\"1,200.00\""),
            "\"1,200.00\"",
            "drop the thousands separator (`,`): \"1200.00\""
        )
    );
    let doc = EXAMPLE.replace("unpaid_orders: 0", "unpaid_orders: 1,000");
    assert_eq!(
        only(&policy, "r.yaml", &doc).help,
        "drop the thousands separator (`,`): 1000"
    );
}

#[test]
fn numbers_written_as_people_write_them_in_json_are_syntax_errors_with_the_fix() {
    let policy = policy();
    for (written, help) in [
        ("1,200.00", "drop the thousands separator (`,`): 1200.00"),
        ("$1200", "drop the currency sign `$`: 1200"),
        ("12.50 EUR", "drop the currency code `EUR`: 12.50"),
        ("12,50", "the decimal separator is `.`: 12.50"),
    ] {
        let line = good_line().replace("\"amount\":1200.5", &format!("\"amount\":{written}"));
        let got = only(&policy, "r.json", &line);
        assert_eq!(
            got,
            want("syntax", place(&line, written), written, help),
            "{written}"
        );
    }
}

#[test]
fn json_written_like_javascript_says_what_json_requires() {
    let policy = policy();
    let cases = [
        (
            "{'request': {'action': 'unsubscribe'}}",
            (1, 2),
            "'request'",
            "JSON strings and keys take double quotes: write \"request\"",
        ),
        (
            "{request: {\"action\": \"unsubscribe\"}}",
            (1, 2),
            "request",
            "JSON keys take double quotes: write \"request\"",
        ),
        (
            "{\"request\": {\"action\": \"unsubscribe\", // the action\n\"channel\": \"console\"}}",
            (1, 39),
            "// the action",
            "JSON has no comments: remove it, or write the facts as YAML, where `#` starts a comment",
        ),
        (
            "{\"request\": /* c */ {\"action\": \"unsubscribe\"}}",
            (1, 13),
            "/* c */",
            "JSON has no comments: remove it, or write the facts as YAML, where `#` starts a comment",
        ),
        (
            "# a request\n{\"request\": {\"action\": \"unsubscribe\"}}",
            (1, 1),
            "# a request",
            "JSON has no comments: remove it, or write the facts as YAML, where `#` starts a comment",
        ),
        (
            "{\"request\": {\"action\": \"unsubscribe\", \"channel\": \"console\",}}",
            (1, 59),
            ",",
            "remove this comma: JSON allows no comma before `}`",
        ),
        (
            "{\"calendar\": {\"holidays\": [\"2026-04-03\",]}}",
            (1, 40),
            ",",
            "remove this comma: JSON allows no comma before `]`",
        ),
        (
            "{\"request\": {\"action\": unsubscribe}}",
            (1, 24),
            "unsubscribe",
            "JSON strings take double quotes: write \"unsubscribe\"",
        ),
        (
            "{\"resource\": {\"security_risk\": False}}",
            (1, 32),
            "False",
            "write `false`: JSON's words are true, false and null, in lower case",
        ),
        (
            "{\"request\": {\"action\": \"unsubscribe\"\n  \"channel\": \"console\"}}",
            (2, 3),
            "\"",
            "put a `,` between the entries of an object",
        ),
    ];
    for (doc, at, underlined, help) in cases {
        assert_eq!(
            only(&policy, "r.json", doc),
            want("syntax", at, underlined, help),
            "{doc}"
        );
    }
}

#[test]
fn a_document_that_does_not_parse_reports_its_syntax_error_alone_and_first() {
    let policy = policy();
    // An unclosed `{`: labelled at the one never closed; the missing
    // `date` of `request` is not reported (the `}` may be misplaced).
    let doc = "{\"request\": {\"action\": \"unsubscribe\", \"channel\": \"console\"}\n";
    let errs = errors(&policy, "r.json", doc);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        seen(&errs[0]),
        want(
            "syntax",
            (1, 1),
            "{",
            "close it with a `}` where its object ends"
        )
    );
    assert_eq!(errs[0].message(), "invalid JSON: a `{` is never closed");
    assert_eq!(
        errs[0].to_json()["labels"][0]["message"],
        "this `{` is never closed"
    );
    // A string closed early: not `unsub` refused as an action.
    let doc = "{\"request\": {\"action\": \"unsub\"scribe\", \"channel\": \"console\"}}";
    let errs = errors(&policy, "r.json", doc);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        seen(&errs[0]),
        want(
            "syntax",
            (1, 31),
            "scribe",
            "a `\"` inside a string is written `\\\"`: \"unsub\\\"scribe\""
        )
    );
    assert_eq!(
        errs[0].message(),
        "invalid JSON: text follows the closing quote of a string"
    );
    // A bracket closed by the other kind, in a value that is refused
    // anyway: the syntax error, not the mistakes that reading on past it
    // would invent.
    let doc = "{\"request\": [\"unsubscribe\", \"console\"}, \"account\": {}}";
    let at = place(doc, "\"console\"");
    assert_eq!(
        only(&policy, "r.json", doc),
        want(
            "syntax",
            (1, at.1 + 9),
            "}",
            "close the `[` with `]` where its array ends, before this `}`"
        )
    );
    // YAML: the syntax error first, then the mistakes of the lines before
    // it (their structure is in their indentation, which a later line
    // does not change).
    let doc = EXAMPLE
        .replace("  action: unsubscribe", "  action: bogus")
        .replace("  id: ord-2001", " id: ord-2001");
    let errs = errors(&policy, "r.yaml", &doc);
    let codes: Vec<&str> = errs.iter().map(Diagnostic::code_id).collect();
    assert_eq!(
        codes,
        ["pactum::facts::syntax", "pactum::facts::unknown_variant"]
    );
}

#[test]
fn a_yaml_key_indented_by_mistake_names_both_indentations() {
    let policy = policy();
    let doc = "request:\n  action: unsubscribe\n channel: console\n";
    let errs = errors(&policy, "r.yaml", doc);
    assert_eq!(
        seen(&errs[0]),
        want(
            "syntax",
            (3, 2),
            "channel",
            "indent `channel` by 2 spaces to put it beside `action`, or not at all to put it beside `request`"
        )
    );
    assert_eq!(
        errs[0].message(),
        "invalid YAML: `channel` is indented by 1 space, while the keys above it (`action`) are indented by 2"
    );
    // Deeper: the keys above it are those of the nearest block.
    let doc = EXAMPLE.replace("  currency: USD", "    currency: USD");
    let at = place(&doc, "    currency: USD");
    let at = (at.0, at.1 + 4);
    assert_eq!(
        seen(&errors(&policy, "r.yaml", &doc)[0]),
        want(
            "syntax",
            at,
            "currency",
            "indent `currency` by 2 spaces, as `purchased_at`; a key goes deeper only under a key with no value on its line"
        )
    );
    let doc = EXAMPLE.replace("  currency: USD", "   currency: USD");
    let at = place(&doc, "   currency: USD");
    let at = (at.0, at.1 + 3);
    assert_eq!(
        seen(&errors(&policy, "r.yaml", &doc)[0]).at,
        at,
        "one space too many"
    );
}

#[test]
fn a_yaml_string_closed_early_says_how_to_quote_a_quote() {
    let policy = policy();
    let doc = "request:\n  action: \"unsub\"scribe\"\n  channel: console\n";
    let errs = errors(&policy, "r.yaml", doc);
    assert_eq!(
        seen(&errs[0]),
        want(
            "syntax",
            (2, 18),
            "scribe",
            "a `\"` inside the text needs single quotes around the whole, 'unsub\"scribe', or a backslash: \"unsub\\\"scribe\""
        )
    );
    assert_eq!(
        errs[0].message(),
        "invalid YAML: text follows the closing quote of a string"
    );
    let doc = "request:\n  action: 'it's'\n";
    assert_eq!(
        seen(&errors(&policy, "r.yaml", doc)[0]).help,
        "a `'` inside single quotes is written `''`: 'it''s'; or put double quotes around the whole: \"it's\""
    );
}

/// A JSON Lines batch: a good line, a pretty-printed document, a good
/// line.
fn spread_batch() -> (String, usize) {
    let good = good_line();
    let value: serde_json::Value = serde_json::from_str(good).unwrap();
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    let lines = pretty.lines().count();
    (format!("{good}\n{pretty}\n{good}\n"), lines)
}

#[test]
fn pretty_printed_json_in_json_lines_is_one_error_record() {
    let policy = policy();
    let (text, lines) = spread_batch();
    let outcomes = policy.evaluate_file("b.jsonl", &text);
    assert_eq!(outcomes.len(), 3);
    assert!(matches!(outcomes[0], Outcome::Decided(_)));
    assert!(matches!(outcomes[2], Outcome::Decided(_)));
    let Outcome::Failed { id, diagnostics } = &outcomes[1] else {
        panic!("the pretty-printed document was decided");
    };
    // Its id is still found, for the record.
    assert_eq!(id.to_string(), "i-jsonl-1");
    assert_eq!(diagnostics.len(), 1);
    let d = diagnostics.iter().next().unwrap();
    let last = lines + 1;
    assert_eq!(
        seen(d),
        want(
            "syntax",
            (2, 1),
            "{",
            "write each document on one line (`jq -c . b.jsonl` does), or, for a single document, name the file `.json`"
        )
    );
    assert_eq!(
        d.message(),
        format!(
            "invalid JSON Lines: this document spans lines 2–{last}; JSON Lines holds one document per line"
        )
    );
    // Read in chunks of any size, as a stream: the same records.
    for chunk in [1, 64, 1 << 20] {
        let mut got = Vec::new();
        pactum::batch::Batch::new(&policy, "b.jsonl")
            .chunk_bytes(chunk)
            .stream(true)
            .run(
                text.as_bytes(),
                |_, o| match o {
                    Outcome::Decided(_) => "decided".to_string(),
                    Outcome::Failed { diagnostics, .. } => {
                        let d = diagnostics.iter().next().unwrap();
                        format!("{} {:?}", d.code_id(), d.line_col())
                    }
                },
                |r| {
                    got.push(r);
                    Ok(())
                },
            )
            .unwrap();
        assert_eq!(
            got,
            ["decided", "pactum::facts::syntax Some((2, 1))", "decided"],
            "chunk {chunk}"
        );
    }
    // A line cut short is still a document alone, and so is the line
    // after it.
    let cut = &good_line()[..40];
    let text = format!("{cut}\n{}\n", good_line());
    let outcomes = policy.evaluate_file("b.jsonl", &text);
    assert_eq!(outcomes.len(), 2);
    assert!(matches!(outcomes[1], Outcome::Decided(_)));
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

/// Broken documents of every kind: each gives one outcome, and none
/// panics.
#[test]
fn no_broken_document_panics() {
    let policy = policy();
    let seeds = [
        good_line().to_string(),
        EXAMPLE.to_string(),
        "{\"a\": [1, {\"b\": \"c\"}], 'd': /* e */ 1,200.00}".to_string(),
        "\u{feff}request:\n  action: \"x\"y\"\n z: 'it's'\n\t- 1\n".to_string(),
    ];
    let inserts = [
        "{", "}", "[", "]", "\"", "'", ",", ":", "\n", " ", "#", "//", "/*", "€", "\u{feff}", "\t",
        "-",
    ];
    let mut seed: u64 = 11;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) as usize % n.max(1)
    };
    for base in &seeds {
        for _ in 0..150 {
            let mut text = base.clone();
            for _ in 0..3 {
                let mut at = next(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                if next(2) == 0 {
                    text.insert_str(at, inserts[next(inserts.len())]);
                } else {
                    let mut end = (at + 1 + next(3)).min(text.len());
                    while !text.is_char_boundary(end) {
                        end += 1;
                    }
                    text.replace_range(at..end, "");
                }
            }
            for name in ["r.json", "r.jsonl", "r.yaml"] {
                let outcomes = policy.evaluate_file(name, &text);
                assert!(!outcomes.is_empty(), "{name}: {text}");
            }
        }
    }
}

/// A pretty-printed JSON document in a `.jsonl` file: one error record,
/// at its first line, with the id read from it; the lines after it are
/// read on as usual.
#[test]
fn a_pretty_printed_document_in_json_lines_is_one_error_record() {
    let first = good_line();
    let value: serde_json::Value = serde_json::from_str(first).unwrap();
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    let last = 1 + pretty.lines().count();
    let dir = std::env::temp_dir().join(format!("pactum-pretty-jsonl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("requests.jsonl");
    std::fs::write(&file, format!("{first}\n{pretty}\n{first}\n")).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_pactum"))
        .args(["evaluate", "--policy", PACK, "--facts"])
        .arg(&file)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let (out, err) = (
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    );
    assert_eq!(o.status.code(), Some(1), "{err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(lines[0]["id"], "i-jsonl-1");
    assert_eq!(lines[1]["id"], "i-jsonl-1");
    assert_eq!(lines[1]["error"]["code"], "pactum::facts::syntax");
    assert_eq!(lines[1]["error"]["line"], 2);
    assert_eq!(lines[1]["error"]["column"], 1);
    assert_eq!(lines[1]["errors"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        lines[1]["error"]["message"],
        format!(
            "invalid JSON Lines: this document spans lines 2–{last}; JSON Lines holds one document per line"
        )
    );
    assert_eq!(lines[2]["decision"], lines[0]["decision"]);
    assert!(err.contains("jq -c . "), "{err}");
    assert!(err.contains("requests.jsonl"), "{err}");
}

#[test]
fn a_json_key_without_its_value_is_named_and_a_list_closed_too_early_hinted() {
    let policy = policy();
    let line = good_line();
    // A key left without `: value` (and one that repeats an earlier key:
    // the syntax error is the cause, the repetition is not reported).
    for key in ["\"x\"", "\"security_risk\""] {
        let text = line.replacen(
            "\"unpaid_orders\":",
            &format!("{key},\"unpaid_orders\":"),
            1,
        );
        assert_ne!(text, line);
        let k = key.trim_matches('"');
        assert_eq!(
            only(&policy, "a.json", &text),
            want(
                "syntax",
                place(&text, &format!("{key},\"unpaid_orders\"")),
                key,
                &format!("give the key its value (`\"{k}\": …`), or remove it")
            ),
            "{text}"
        );
    }
    // A `]` too many closes the list early: its next item is read as a key.
    let text = line.replacen("\"holidays\":[", "\"holidays\":[[\"2026-01-01\"]],", 1);
    assert_ne!(text, line);
    let seen = only(&policy, "a.json", &text);
    assert_eq!(seen.code, "pactum::facts::syntax");
    assert!(
        seen.help.contains("a `]` there closes that list too early"),
        "{seen:?}"
    );
}

#[test]
fn two_json_documents_in_a_json_file_point_at_jsonl() {
    let policy = policy();
    let text = format!("{}\n{}\n", good_line(), good_line());
    let seen = only(&policy, "two.json", &text);
    assert_eq!(seen.code, "pactum::facts::syntax");
    assert_eq!(seen.at, (2, 1));
    assert!(seen.help.contains("`.jsonl` file"), "{seen:?}");
}

#[test]
fn a_yaml_key_without_a_space_after_its_colon_is_named() {
    let policy = policy();
    let text = EXAMPLE.replacen("action: unsubscribe", "action:unsubscribe", 1);
    assert_ne!(text, EXAMPLE);
    assert_eq!(
        only(&policy, "a.yaml", &text),
        want(
            "syntax",
            place(&text, ":unsubscribe"),
            ":",
            "write a space after the colon: `action: unsubscribe`"
        )
    );
}

#[test]
fn a_yaml_tag_is_refused_not_dropped() {
    let policy = policy();
    for tag in ["!custom", "!!binary", "!<tag:example.com,2026:x>"] {
        let text = EXAMPLE.replacen(
            "amount: \"1200.00\"",
            &format!("amount: {tag} \"1200.00\""),
            1,
        );
        assert_ne!(text, EXAMPLE);
        let errs = errors(&policy, "a.yaml", &text);
        assert_eq!(errs.len(), 1, "{tag}: {errs:?}");
        assert_eq!(errs[0].code_id(), "pactum::facts::syntax", "{tag}");
        assert!(
            errs[0].message().contains("tag"),
            "{tag}: {}",
            errs[0].message()
        );
    }
    // A `!` inside a text is no tag.
    let text = EXAMPLE.replacen("Spring Sale", "Spring Sale! !now", 1);
    assert_ne!(text, EXAMPLE);
    assert!(matches!(
        policy.evaluate_file("a.yaml", &text).as_slice(),
        [Outcome::Decided(_)]
    ));
}

#[test]
fn pretty_printed_json_indented_in_json_lines_is_still_one_record() {
    let policy = policy();
    let good = good_line();
    let value: serde_json::Value = serde_json::from_str(good).unwrap();
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    for indent in ["  ", "\t"] {
        let indented: String = pretty.lines().map(|l| format!("{indent}{l}\n")).collect();
        let text = format!("{good}\n{indented}{good}\n");
        let outcomes = policy.evaluate_file("b.jsonl", &text);
        assert_eq!(outcomes.len(), 3, "{indent:?}");
        assert!(matches!(outcomes[0], Outcome::Decided(_)));
        assert!(matches!(outcomes[2], Outcome::Decided(_)));
        let Outcome::Failed { diagnostics, .. } = &outcomes[1] else {
            panic!("the pretty-printed document was decided");
        };
        assert_eq!(diagnostics.len(), 1, "{indent:?}: {diagnostics}");
    }
}

#[test]
fn any_yaml_key_without_a_space_after_its_colon_is_named() {
    let policy = policy();
    // The first key of a mapping, a later one, the last one of the file.
    for (from, to) in [
        ("channel: console", "channel:console"),
        ("date: 2026-03-02", "date:2026-03-02"),
        ("consumed_amount: \"300.00\"", "consumed_amount:\"300.00\""),
    ] {
        let text = EXAMPLE.replacen(from, to, 1);
        assert_ne!(text, EXAMPLE);
        let key = to.split(':').next().unwrap();
        let seen = only(&policy, "a.yaml", &text);
        assert_eq!(seen.code, "pactum::facts::syntax", "{to}");
        let (line, column) = place(&text, to);
        assert_eq!(seen.at, (line, column + key.len()), "{to}: at its colon");
        assert_eq!(
            seen.help,
            format!("write a space after the colon: `{from}`"),
            "{to}"
        );
    }
}

/// A YAML document that does not parse: the fields after the syntax error
/// may be written, so none is reported missing.
#[test]
fn a_yaml_syntax_error_invents_no_missing_field() {
    let policy = policy();
    let text = EXAMPLE.replacen("  channel: console", " channel: console", 1);
    assert_ne!(text, EXAMPLE);
    let errs = errors(&policy, "a.yaml", &text);
    assert!(
        errs.iter()
            .all(|d| d.code_id() != "pactum::facts::missing_field"),
        "{errs:?}"
    );
    assert_eq!(errs[0].code_id(), "pactum::facts::syntax");
}

#[test]
fn a_glued_key_in_a_flow_mapping_or_after_a_quoted_key_is_named() {
    let policy = policy();
    // `{limit:5, used: 2}`: one key `limit:5`, not the field `limit`.
    let text = EXAMPLE.replacen("{ limit: 5, used: 2 }", "{ limit:5, used: 2 }", 1);
    assert_ne!(text, EXAMPLE);
    let seen = only(&policy, "a.yaml", &text);
    assert_eq!(seen.code, "pactum::facts::unknown_field");
    assert_eq!(
        seen.help,
        "write a space after the colon: `limit: 5` (without it, `limit:5` is one key)"
    );
    // A quoted key written as JSON writes it, in block YAML.
    let text = EXAMPLE.replacen(
        "  promotion: { name: \"Spring Sale\", refundable: true }",
        "  \"promotion\":{ name: \"Spring Sale\", refundable: true }",
        1,
    );
    assert_ne!(text, EXAMPLE);
    let seen = only(&policy, "a.yaml", &text);
    assert_eq!(seen.code, "pactum::facts::syntax");
    assert!(
        seen.help
            .starts_with("write a space after the colon: `\"promotion\": {"),
        "{seen:?}"
    );
}

#[test]
fn an_unclosed_yaml_flow_collection_is_named_where_it_opens() {
    let policy = policy();
    for (from, to, opener) in [
        (
            "holidays: [2026-04-03, 2026-01-01]",
            "holidays: [2026-04-03, 2026-01-01",
            "[",
        ),
        ("{ limit: 5, used: 2 }", "{ limit: 5, used: 2", "{"),
    ] {
        let text = EXAMPLE.replacen(from, to, 1);
        assert_ne!(text, EXAMPLE);
        let errs = errors(&policy, "a.yaml", &text);
        let d = &errs[0];
        assert_eq!(d.code_id(), "pactum::facts::syntax", "{to}");
        assert_eq!(
            d.message(),
            format!("invalid YAML: a `{opener}` is never closed"),
            "{to}"
        );
        let (line, column) = place(&text, to);
        let at = to.find(opener).unwrap();
        assert_eq!(d.line_col(), Some((line, column + at)), "{to}");
    }
}

#[test]
fn a_yaml_number_in_another_base_is_refused_with_its_decimal() {
    let policy = policy();
    for (written, decimal) in [("0x1F", 31), ("0o17", 15), ("0b101", 5), ("-0x10", -16)] {
        let text = EXAMPLE.replacen("unpaid_orders: 0", &format!("unpaid_orders: {written}"), 1);
        assert_ne!(text, EXAMPLE);
        let seen = only(&policy, "a.yaml", &text);
        assert_eq!(seen.code, "pactum::facts::wrong_type", "{written}");
        assert_eq!(seen.underlined, written);
        assert_eq!(
            seen.help,
            format!("write the number in decimal (`{decimal}`), or quote it (`\"{written}\"`) for a text")
        );
    }
    // In quotes, or inside a text, it is no number.
    let text = EXAMPLE.replacen("Spring Sale", "Sale 0x1F", 1);
    assert!(matches!(
        policy.evaluate_file("a.yaml", &text).as_slice(),
        [Outcome::Decided(_)]
    ));
}

#[test]
fn a_variant_with_spaces_and_an_alias_across_documents_are_named() {
    let policy = policy();
    let text = EXAMPLE.replacen("channel: console", "channel: \"console \"", 1);
    let errs = errors(&policy, "a.yaml", &text);
    assert_eq!(errs[0].code_id(), "pactum::facts::unknown_variant");
    assert!(
        errs[0].message().contains("\"console \" (with spaces)"),
        "{}",
        errs[0].message()
    );
    assert_eq!(
        errs[0].help_text(),
        Some("remove the spaces around it: `console`")
    );
    // An anchor of one document is unknown in the next.
    let text = format!(
        "{}\n---\n{}",
        EXAMPLE.replacen("request:", "request: &r", 1),
        "request: *r\n"
    );
    let outcomes = policy.evaluate_file("b.yaml", &text);
    let Outcome::Failed { diagnostics, .. } = &outcomes[1] else {
        panic!("the alias was read")
    };
    let help = diagnostics.first().unwrap().help_text().unwrap();
    assert!(help.contains("anchors do not carry across `---`"), "{help}");
}

#[test]
fn json_hex_numbers_lone_surrogates_and_two_documents_on_a_line_are_named() {
    let policy = policy();
    let line = good_line();
    let text = line.replacen("\"unpaid_orders\":0", "\"unpaid_orders\":0x1F", 1);
    assert_ne!(text, line);
    let seen = only(&policy, "a.json", &text);
    assert_eq!(seen.underlined, "0x1F");
    assert_eq!(
        seen.help,
        "write the number in decimal (`31`), or quote it (`\"0x1F\"`) for a text"
    );
    let text = line.replacen("\"acc-4001\"", "\"\\ud800\"", 1);
    assert_ne!(text, line);
    let seen = only(&policy, "a.json", &text);
    assert_eq!(seen.code, "pactum::facts::syntax");
    assert_eq!(seen.underlined, "\\ud800");
    let text = format!("{line}{line}\n");
    let outcomes = policy.evaluate_file("b.jsonl", &text);
    assert_eq!(outcomes.len(), 1);
    let Outcome::Failed { diagnostics, .. } = &outcomes[0] else {
        panic!("two documents on a line were decided")
    };
    assert_eq!(
        diagnostics.first().unwrap().help_text(),
        Some("put each document on a line of its own, in a `.jsonl` file (JSON Lines)")
    );
}

/// The record of a refused document names the request as it was written,
/// or not at all: never a value the YAML reader converted.
#[test]
fn a_refused_record_never_carries_a_converted_id() {
    let policy = policy();
    for (written, want) in [
        ("0x1F", None),
        ("1e3", None),
        ("+5", None),
        ("42", Some("42")),
        ("i-1", Some("i-1")),
    ] {
        let text = format!("request: {{ action: nope }}\nresource: {{ id: {written} }}\n");
        let outcomes = policy.evaluate_file("a.yaml", &text);
        let Outcome::Failed { id, .. } = &outcomes[0] else {
            panic!("{written}: decided")
        };
        let got = match id {
            pactum::Value::Absent => None,
            v => Some(v.to_string()),
        };
        assert_eq!(got.as_deref(), want, "{written}");
    }
}
