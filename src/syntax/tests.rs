//! The parser on every policy of the repository, generated packages,
//! corner cases, deep nesting, seeded mutations and generated expressions:
//! it never panics, every syntax error is a well-formed diagnostic, and the
//! packages that are meant to parse parse without one.

use std::path::{Path, PathBuf};

use super::ast;
use crate::diag::Diagnostics;
use crate::source::{SourceFile, Sources};
use crate::Limits;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// What the cases of one test parsed to, spans included, written to
/// `$PACTUM_PARSE_DUMP/NAME.txt` when that variable is set (to compare two
/// versions of the parser on the same inputs).
#[derive(Default)]
struct Dump(String);

impl Dump {
    fn write(&self, test: &str) {
        if let Some(dir) = std::env::var_os("PACTUM_PARSE_DUMP") {
            std::fs::write(Path::new(&dir).join(format!("{test}.txt")), &self.0).unwrap();
        }
    }
}

/// Parses `text`; asserts that every diagnostic is a coded error with a
/// place, a label and a help line.
fn parse_checked(
    dump: &mut Dump,
    name: &str,
    text: &str,
    limits: &Limits,
) -> (ast::File, Diagnostics) {
    let mut sources = Sources::default();
    let file = sources.add(SourceFile::new(name, text));
    let crate::syntax::Parsed {
        file: parsed,
        diagnostics: diags,
    } = crate::syntax::parse(&sources, file, limits);
    for d in diags.iter() {
        assert!(d.code_id().starts_with("pactum::"), "{name}: {d:?}\n{text}");
        assert!(!d.message().is_empty(), "{name}: {d:?}\n{text}");
        assert!(d.line_col().is_some(), "{name}: no place: {d:?}\n{text}");
        assert!(
            d.help_text().is_some_and(|h| !h.is_empty()),
            "{name}: no help: {d:?}\n{text}"
        );
    }
    if std::env::var_os("PACTUM_PARSE_DUMP").is_some() {
        use std::fmt::Write as _;
        let _ = writeln!(
            dump.0,
            "=== {name} depth {}\n{text}\n--- {parsed:#?}\n--- {diags:#?}",
            limits.max_expr_depth
        );
    }
    (parsed, diags)
}

/// Every `.policy` file under `dir` (build output and hidden folders
/// left out).
fn policy_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if p.is_dir() && name != "target" && !name.starts_with('.') {
            policy_files(&p, out);
        } else if name.ends_with(".policy") {
            out.push(p);
        }
    }
}

/// The ```policy blocks of the README and the docs.
fn doc_blocks() -> Vec<(String, String)> {
    let mut docs = vec![Path::new(ROOT).join("README.md")];
    let mut dirs = vec![Path::new(ROOT).join("docs")];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                docs.push(p);
            }
        }
    }
    docs.sort();
    let mut blocks = Vec::new();
    for doc in docs {
        let text = std::fs::read_to_string(&doc).unwrap();
        let mut block: Option<String> = None;
        for line in text.lines() {
            match (&mut block, line.trim_start()) {
                (None, "```policy") => block = Some(String::new()),
                (Some(_), "```") => {
                    let name = format!("{}#{}", doc.display(), blocks.len());
                    blocks.push((name, block.take().unwrap()));
                }
                (Some(b), _) => {
                    b.push_str(line);
                    b.push('\n');
                }
                (None, _) => {}
            }
        }
    }
    blocks
}

/// Every policy of the repository: files (read at test time) and the
/// docs' examples.
fn repository_policies() -> Vec<(String, String)> {
    let mut files = Vec::new();
    policy_files(Path::new(ROOT), &mut files);
    let mut policies: Vec<(String, String)> = files
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).unwrap();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            (p.display().to_string(), text)
        })
        .collect();
    policies.extend(doc_blocks());
    policies
}

/// The files of every shipped pack (everything under `policies/`).
fn shipped_packs() -> Vec<(String, String)> {
    let mut files = Vec::new();
    policy_files(&Path::new(ROOT).join("policies"), &mut files);
    files
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            (p.display().to_string(), text)
        })
        .collect()
}

#[test]
fn every_policy_of_the_repository_parses() {
    let policies = repository_policies();
    assert!(policies.len() > 100, "only {} policies", policies.len());
    let mut dump = Dump::default();
    let (mut clean, mut failing) = (0, 0);
    for (name, text) in &policies {
        // The depth limit of a case (`NAME.limits.yaml`), and tight ones.
        let mut depths = vec![128, 10, 8, 6, 4, 2];
        let path = Path::new(name);
        let stem = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.split('.').next())
            .unwrap_or("");
        let limits_file = path.with_file_name(format!("{stem}.limits.yaml"));
        if let Ok(yaml) = std::fs::read_to_string(limits_file) {
            let map: std::collections::BTreeMap<String, usize> =
                serde_yaml::from_str(&yaml).unwrap();
            if let Some(&depth) = map.get("max_expr_depth") {
                depths.push(depth);
            }
        }
        for depth in depths {
            let limits = Limits::default().with_max_expr_depth(depth);
            let (_, diags) = parse_checked(&mut dump, name, text, &limits);
            if diags.is_empty() {
                clean += 1;
            } else {
                failing += 1;
            }
        }
        // Other line endings and indentation read the same.
        let (plain, plain_diags) = parse_checked(&mut dump, name, text, &Limits::default());
        let crlf = text.replace('\n', "\r\n");
        let (crlf_file, crlf_diags) = parse_checked(&mut dump, name, &crlf, &Limits::default());
        assert_eq!(plain.items.len(), crlf_file.items.len(), "{name}: CRLF");
        assert_eq!(plain_diags.len(), crlf_diags.len(), "{name}: CRLF");
        let tabs = text.replace("  ", "\t");
        let (tabs_file, _) = parse_checked(&mut dump, name, &tabs, &Limits::default());
        assert_eq!(plain.items.len(), tabs_file.items.len(), "{name}: tabs");
    }
    // Both kinds were met: the error corpus is part of the repository.
    assert!(
        clean > 500 && failing > 100,
        "clean {clean}, failing {failing}"
    );
    dump.write("repository");
}

#[test]
fn the_shipped_packs_parse_without_a_diagnostic() {
    let pack = shipped_packs();
    assert!(pack.len() >= 6);
    let mut dump = Dump::default();
    for (name, text) in &pack {
        let (file, diags) = parse_checked(&mut dump, name, text, &Limits::default());
        assert!(diags.is_empty(), "{name}: {diags:#?}");
        assert!(!file.items.is_empty(), "{name}: no items");
    }
    dump.write("packs");
}

/// Inputs chosen for the corners of the grammar and of `Lower`.
#[test]
fn corner_cases_parse() {
    let cases = [
        // Spans that `Lower`'s trimming cuts elsewhere.
        "let a = \"{\"#\"}\"\nlet b = 1\n",
        "let a = \"x {\n b } y\" # c\nlet b = 1\n",
        "let a = \"{a # c\n}\"\n",
        "let a = \"#\" # \"\nlet b = \"\\\"#\" + \"\\\\\" # x\n",
        "rule r {\n deny X\n message \"Issue #5 {a}\" # done\n}\n",
        // Enums that stop before the next field.
        "schema s { a: one of x, y, b: int, c: one of p,\n q,\n}\n",
        "schema s { a: one of x, y # c\n : int }\n",
        "schema s { a: one of x,\n\n b  :int }\n",
        // Words that are types, or not.
        "type t = list\ntype u = one\ntype v = list of list of one of a\n",
        "schema s { a: list of: int }\n",
        "type t = optional datetime\ntype u = dates\ntype v = optional optional int\n",
        // Numbers.
        "let a = 1.x\nlet b = 1.5.x\nlet c = 12abc\nlet d = -1 - -2\nlet e = 1.\n",
        "let a = 007 + 0.50 * 3/4\n",
        // Operators.
        "let a = not not b == c\nlet b = a == not b and c\nlet c = not a is present\n",
        "let a = b is not not\nlet b = x is is\nlet c = x is not present is absent\n",
        "let a = b otherwise c + d * e / f - g or h and i in j <= k\n",
        "let a = - a . b . c is x and (b).c\nlet b = a<-b\nlet c = a<>b\n",
        "let a = a == b == c != d < e > f >= g\n",
        // Calls, lists, quantifiers, ifs.
        "let a = f (x)\nlet b = f # c\n(x)\nlet c = f(a,)\nlet d = [a,]\nlet e = [] + f()\n",
        "let a = [,]\nlet b = f(a b)\nlet c = f(,)\n",
        "let a = sum x in l\nlet b = any x in l of y\nlet c = count x in l.a.b where c\n",
        "let a = all x in (l) where if x then all y in x where y else false\n",
        "let a = sum x in l of x.v + 1 > 2\n",
        // Items.
        "requests are identified by a.b.c\npackage p\n",
        "optional schema c { h: optional list of date }\n",
        "when a {\n when b { rule r { deny X } }\n rule s { note Y when c }\n when d {}\n}\n",
        "rule r { deny A deny B when a when ((b)) message \"x\" message \"{y}\" help \"h\" help \"i\" }\n",
        "let # c\n a # c\n = # c\n 1 # c\n",
        "let x = 1\nruleé\n",
        "let x = 1 ruler",
        "rule when { deny X }\n",
        "rule r { deny _X }\n",
        "rule r { deny x1 note y }\n",
        "let x = \"é {a} ü\\t\\n{{}}\" # ü\n",
        "let x = \"{{a}\"\nlet y = \"a}b\"\nlet z = \"\\q\"\n",
        "\u{feff}let x = 1\n",
        "let x = 1\n\n\n",
        "# only a comment",
    ];
    let mut dump = Dump::default();
    for (i, text) in cases.iter().enumerate() {
        for depth in [128, 4, 2, 1] {
            let limits = Limits::default().with_max_expr_depth(depth);
            parse_checked(&mut dump, &format!("corner-{i}"), text, &limits);
        }
    }
    dump.write("corners");
}

/// Long chains and deep nesting, around the depth limit: an item deeper
/// than the limit is refused with a diagnostic, never a stack overflow.
#[test]
fn deep_expressions_parse_or_are_refused() {
    let mut cases = Vec::new();
    for n in [30, 62, 63, 64, 126, 127, 128, 129, 400] {
        cases.push(format!("let x = 1{}\n", " + 1".repeat(n)));
        cases.push(format!("let x = {}true\n", "not ".repeat(n)));
        cases.push(format!("let x = {}1\n", "-".repeat(n)));
        cases.push(format!("let x = a{}\n", ".a".repeat(n)));
        cases.push(format!("let x = a{}\n", " is present".repeat(n)));
        cases.push(format!(
            "let x = f({}1{})\n",
            "[".repeat(n / 4),
            "]".repeat(n / 4)
        ));
        cases.push(format!("let x = {}1\n", "if a then 1 else ".repeat(n / 2)));
        cases.push(format!(
            "let x = {}a\n",
            "any y in [1] where ".repeat(n / 2)
        ));
        cases.push(format!(
            "rule r {{ deny X when ({}1{}).a.b message \"{{{}a}}\" }}\n",
            "(1 + ".repeat(n / 3),
            ")".repeat(n / 3),
            "- ".repeat(n)
        ));
    }
    let mut dump = Dump::default();
    for (i, text) in cases.iter().enumerate() {
        for depth in [128, 64, 20] {
            let limits = Limits::default().with_max_expr_depth(depth);
            let (file, diags) = parse_checked(&mut dump, &format!("deep-{i}"), text, &limits);
            // Each case is one item: read, or refused with a diagnostic.
            assert_eq!(
                file.items.len() + diags.len().min(1),
                1,
                "deep-{i}: {diags:#?}"
            );
        }
    }
    dump.write("deep");
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// What the mutations insert: tokens and trivia of the language.
const SNIPPETS: &[&str] = &[
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "\\",
    "#",
    ".",
    ",",
    ":",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    "-",
    "+",
    "*",
    "/",
    " ",
    "  ",
    "\n",
    "\t",
    "\r\n",
    "not ",
    " is ",
    " of ",
    " in ",
    " and ",
    " or ",
    " otherwise ",
    "1",
    "2.5",
    "x",
    "_y",
    "when ",
    "rule r {",
    "deny X",
    "message ",
    "{{",
    "}}",
    "\\n",
    "é",
    "if a then b else c",
    "any x in l where ",
    "sum x in l of ",
    "present",
    "none",
    "true",
    "list of ",
    "one of ",
    "optional ",
    " # comment\n",
    "let ",
    "\"{a}\"",
    "f(",
    "]",
    "let z = 1\n",
];

/// Deletes, inserts, replaces or copies a little text of `text`.
fn mutate(text: &mut String, rng: &mut Rng) {
    let boundary = |text: &str, mut at: usize| {
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let at = boundary(text, rng.below(text.len() + 1));
    let to = boundary(text, (at + 1 + rng.below(4)).min(text.len()));
    match rng.below(4) {
        0 => text.replace_range(at..to, ""),
        1 => text.insert_str(at, rng.pick(SNIPPETS)),
        2 => text.replace_range(at..to, rng.pick(SNIPPETS)),
        _ => {
            let from = boundary(text, rng.below(text.len() + 1));
            let end = boundary(text, (from + 1 + rng.below(24)).min(text.len()));
            let copy = text[from..end].to_string();
            text.insert_str(at, &copy);
        }
    }
}

/// Runs of one to three items of `text` (split before each line that
/// starts an item), as seeds for mutation.
fn item_runs(text: &str, out: &mut Vec<String>) {
    let mut items: Vec<String> = Vec::new();
    for line in text.split_inclusive('\n') {
        let starts = crate::syntax::lexicon::ITEM_STARTS
            .iter()
            .any(|kw| line.starts_with(kw));
        match items.last_mut() {
            Some(item) if !starts => item.push_str(line),
            _ => items.push(line.to_string()),
        }
    }
    for run in 1..=3 {
        for w in items.windows(run) {
            out.push(w.concat());
        }
    }
}

#[test]
fn mutated_policies_parse() {
    let mut seeds = Vec::new();
    for (_, text) in shipped_packs() {
        item_runs(&text, &mut seeds);
    }
    for (_, text) in doc_blocks() {
        item_runs(&text, &mut seeds);
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut dump = Dump::default();
    let (mut clean, mut failing) = (0, 0);
    for case in 0..3_000 {
        let mut text = seeds[rng.below(seeds.len())].clone();
        for _ in 0..=rng.below(3) {
            mutate(&mut text, &mut rng);
        }
        let limits = Limits::default().with_max_expr_depth([128, 6][rng.below(2)]);
        let (_, diags) = parse_checked(&mut dump, &format!("mutant-{case}"), &text, &limits);
        if diags.is_empty() {
            clean += 1;
        } else {
            failing += 1;
        }
    }
    assert!(
        clean > 300 && failing > 1_000,
        "clean {clean}, failing {failing}"
    );
    dump.write("mutants");
}

/// Random trivia between tokens.
fn gap(rng: &mut Rng) -> &'static str {
    rng.pick(&[" ", " ", " ", "  ", "\n  ", " # note\n ", "\t", " # \"#\n"])
}

/// A random expression at most `depth` levels deep.
fn expression(rng: &mut Rng, depth: usize, out: &mut String) {
    const LEAVES: &[&str] = &[
        "a",
        "b_2",
        "_c",
        "order.amount",
        "x.y.z",
        "1",
        "20",
        "3.25",
        "true",
        "false",
        "none",
        "\"s\"",
        "\"t {a} {{u}} \\\"q\\\"\"",
        "f()",
        "list",
        "one",
        "date",
    ];
    const INFIX: &[&str] = &[
        "or",
        "and",
        "otherwise",
        "==",
        "!=",
        "<=",
        ">=",
        "<",
        ">",
        "in",
        "+",
        "-",
        "*",
        "/",
    ];
    if depth == 0 || rng.below(4) == 0 {
        out.push_str(rng.pick(LEAVES));
        return;
    }
    let d = depth - 1;
    match rng.below(12) {
        0..=3 => {
            expression(rng, d, out);
            out.push_str(gap(rng));
            out.push_str(rng.pick(INFIX));
            out.push_str(gap(rng));
            expression(rng, d, out);
        }
        4 => {
            out.push_str(rng.pick(&["not ", "-", "- ", "not\n"]));
            expression(rng, d, out);
        }
        5 => {
            expression(rng, d, out);
            out.push_str(" is ");
            out.push_str(rng.pick(&["", "not "]));
            out.push_str(rng.pick(&["present", "absent", "api", "not", "is"]));
        }
        6 => {
            out.push('(');
            expression(rng, d, out);
            out.push(')');
            if rng.below(2) == 0 {
                out.push_str(".f");
            }
        }
        7 => {
            out.push_str("if ");
            expression(rng, d, out);
            out.push_str(" then ");
            expression(rng, d, out);
            out.push_str(gap(rng));
            out.push_str("else ");
            expression(rng, d, out);
        }
        8 => {
            let (q, body) = [
                ("any", " where "),
                ("all", " where "),
                ("count", " where "),
                ("sum", " of "),
            ][rng.below(4)];
            out.push_str(q);
            out.push_str(" x in ");
            out.push_str(rng.pick(&["l", "o.items", "(l)", "f(l)", "[1, 2]"]));
            if rng.below(4) > 0 {
                out.push_str(body);
                expression(rng, d, out);
            }
        }
        9 => {
            out.push_str(rng.pick(&["f(", "g (", "["]));
            let close = if out.ends_with('[') { "]" } else { ")" };
            for i in 0..rng.below(3) {
                if i > 0 {
                    out.push_str(", ");
                }
                expression(rng, d, out);
            }
            if !out.ends_with(['(', '[']) {
                out.push_str(rng.pick(&["", ","]));
            }
            out.push_str(close);
        }
        10 => {
            out.push_str("\"x {");
            expression(rng, d, out);
            out.push_str("} y\"");
        }
        _ => {
            expression(rng, d, out);
            out.push_str(gap(rng));
            out.push_str(rng.pick(INFIX));
            out.push(' ');
            out.push_str(rng.pick(&["not ", "-"]));
            expression(rng, d, out);
        }
    }
}

#[test]
fn random_expressions_parse() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut dump = Dump::default();
    let mut clean = 0;
    for case in 0..1_500 {
        let mut text = String::from("let v =");
        text.push_str(gap(&mut rng));
        expression(&mut rng, 5, &mut text);
        text.push_str("\nwhen ");
        expression(&mut rng, 3, &mut text);
        text.push_str(" {\n  rule r {\n    deny X\n    when");
        text.push_str(gap(&mut rng));
        expression(&mut rng, 4, &mut text);
        text.push_str("\n    message \"m {");
        expression(&mut rng, 3, &mut text);
        text.push_str("}\"\n  }\n}\n");
        let limits = Limits::default().with_max_expr_depth([128, 12, 6][rng.below(3)]);
        let (_, diags) = parse_checked(&mut dump, &format!("expression-{case}"), &text, &limits);
        clean += usize::from(diags.is_empty());
    }
    assert!(clean > 500, "only {clean} of 1,500 parse cleanly");
    dump.write("expressions");
}
