//! `docs/tutorial.md` stays true: a reader's folder (a copy of the
//! repository's `policies/`) is made in a fresh temporary directory, and
//! every step of the tutorial is done there in order, as a reader would:
//! every file it shows is written, every edit it asks for is made, every
//! command it shows is run with the built binary, and the output it shows
//! must be what the binary prints.
//!
//! Every fenced block of the tutorial follows a marker, a one-line HTML
//! comment (invisible on GitHub), that says what the block is; a block
//! without one fails the test, so a new step cannot be added without being
//! walked:
//!
//! - `<!-- file: PATH -->`: the block is the whole text of PATH, written.
//! - `<!-- excerpt: PATH -->`: the block shows parts of PATH as it is at
//!   that point: its runs of lines, separated by lines of `…`, are found in
//!   the file in that order.
//! - `<!-- run -->`: the block holds commands, one a line, run in order in
//!   the reader's folder with `sh`; `pactum ARGS` and `cargo run --release
//!   -- ARGS` run the built binary (any other `cargo` command is refused).
//!   Each must exit with 0; after `<!-- run: exit N -->` the last one must
//!   exit with N.
//! - `<!-- output -->`: the block is what the last command printed
//!   (standard output and standard error, as a terminal shows them, without
//!   colour). A line of `…` stands for any number of lines.
//!   `<!-- output: json -->`: the block is the one JSON line the last
//!   command printed, spread out (white space outside strings ignored, keys
//!   in the same order).
//! - `<!-- not run: REASON -->`: the block is only shown, for REASON.
//!
//! A marker of its own, `<!-- edit PATH: "OLD" => "NEW" -->`, is an edit
//! the text asks the reader to make: OLD (which must occur exactly once in
//! PATH) is replaced by NEW. The texts are quoted, with `\"`, `\\` and `\n`.
//!
//! `PACTUM_BLESS=1 cargo test --test tutorial` rewrites the outputs the
//! tutorial shows with what the binary prints (an output with `…` is
//! written out whole: put the `…` back); review the diff.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/markdown.rs"]
mod markdown;
#[path = "common/run.rs"]
mod run;

use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use markdown::{normalise, Block, Item, Ran};

/// What walking a page did.
#[derive(Debug, Default)]
struct Walk {
    /// Every step that did not do what the page says, as readable text.
    problems: Vec<String>,
    /// What the binary printed, for the lines of each output that differs.
    fixes: Vec<(Range<usize>, String)>,
    /// How many commands, files, edits and compared outputs were walked.
    commands: usize,
    files: usize,
    edits: usize,
    outputs: usize,
}

/// Walks the page `text` in `dir`, step by step.
fn walk(text: &str, dir: &Path) -> Walk {
    let mut w = Walk::default();
    let mut pending: Option<(String, usize)> = None;
    let mut last: Option<(String, Ran)> = None;
    for item in markdown::items(text) {
        match item {
            Item::Marker { text, line } => {
                if let Some(edit) = text.strip_prefix("edit ") {
                    if let Err(e) = apply_edit(dir, edit) {
                        w.problems.push(format!("line {}: {e}", line + 1));
                    }
                    w.edits += 1;
                    continue;
                }
                if let Some((m, at)) = pending.replace((text, line)) {
                    w.problems.push(format!(
                        "line {}: the marker `{m}` is not followed by its block",
                        at + 1
                    ));
                }
            }
            Item::Heading { .. } | Item::Prose { .. } => {
                if let Some((m, at)) = pending.take() {
                    w.problems.push(format!(
                        "line {}: the marker `{m}` is not followed by its block",
                        at + 1
                    ));
                }
            }
            Item::Block(block) => {
                let Some((marker, _)) = pending.take() else {
                    w.problems.push(format!(
                        "line {}: a ```{} block without a marker: say what it is (`<!-- file: PATH -->`, `<!-- run -->`, `<!-- output -->`, `<!-- excerpt: PATH -->`, or `<!-- not run: REASON -->`)",
                        block.line + 1,
                        block.info
                    ));
                    continue;
                };
                step(&mut w, dir, &marker, &block, &mut last);
            }
        }
    }
    if let Some((m, at)) = pending {
        w.problems.push(format!(
            "line {}: the marker `{m}` is not followed by its block",
            at + 1
        ));
    }
    w
}

/// Does what `marker` says with `block`.
fn step(w: &mut Walk, dir: &Path, marker: &str, block: &Block, last: &mut Option<(String, Ran)>) {
    let at = format!("line {}", block.line + 1);
    let (kind, arg) = marker
        .split_once(':')
        .map_or((marker, ""), |(k, a)| (k.trim(), a.trim()));
    match kind {
        "file" => match inside(dir, arg) {
            Ok(path) => {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, &block.body).unwrap();
                w.files += 1;
            }
            Err(e) => w.problems.push(format!("{at}: {e}")),
        },
        "excerpt" => {
            if let Err(e) = check_excerpt(dir, arg, &block.body) {
                w.problems.push(format!("{at}: {e}"));
            }
        }
        "run" => {
            let expected = match arg.strip_prefix("exit ").map(str::parse::<i32>) {
                None if arg.is_empty() => 0,
                Some(Ok(code)) => code,
                _ => {
                    w.problems.push(format!(
                        "{at}: `<!-- {marker} -->`: write `run` or `run: exit N`"
                    ));
                    return;
                }
            };
            let commands: Vec<&str> = block
                .body
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .collect();
            if commands.is_empty() {
                w.problems
                    .push(format!("{at}: a `run` block without a command"));
            }
            for (i, command) in commands.iter().enumerate() {
                w.commands += 1;
                let ran = match markdown::run(dir, command) {
                    Ok(ran) => ran,
                    Err(e) => {
                        w.problems.push(format!("{at}: {e}"));
                        continue;
                    }
                };
                let want = if i + 1 == commands.len() { expected } else { 0 };
                if ran.code != Some(want) {
                    w.problems.push(format!(
                        "{at}: `{command}` exits with {:?}, the tutorial says {want}; it printed\n{}",
                        ran.code, ran.output
                    ));
                }
                *last = Some(((*command).to_string(), ran));
            }
        }
        "output" => {
            let Some((command, ran)) = last.as_ref() else {
                w.problems
                    .push(format!("{at}: an output shown before any command ran"));
                return;
            };
            w.outputs += 1;
            let got = normalise(&ran.output.replace(&dir.display().to_string(), "."));
            let (same, fix) = match arg {
                "" => (shown_matches(&block.body, &got), got.clone()),
                "json" => (compact_json(&block.body) == got, pretty_json(&got)),
                _ => {
                    w.problems.push(format!(
                        "{at}: `<!-- {marker} -->`: write `output` or `output: json`"
                    ));
                    return;
                }
            };
            if !same {
                w.problems.push(format!(
                    "{at}: `{command}` prints\n{got}\n--- but the tutorial shows ---\n{}\n",
                    normalise(&block.body)
                ));
                w.fixes.push((block.lines.clone(), fix));
            }
        }
        "not run" if !arg.is_empty() => {}
        _ => w.problems.push(format!(
            "{at}: unknown marker `<!-- {marker} -->` (`not run` needs its reason)"
        )),
    }
}

/// `path` inside `dir`; a path that could leave it is refused.
fn inside(dir: &Path, path: &str) -> Result<PathBuf, String> {
    let p = Path::new(path);
    if path.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(format!(
            "`{path}`: a path inside the reader's folder, please"
        ));
    }
    Ok(dir.join(p))
}

/// Applies `PATH: "OLD" => "NEW"`.
fn apply_edit(dir: &Path, edit: &str) -> Result<(), String> {
    let bad = || format!("`edit {edit}`: write `edit PATH: \"OLD\" => \"NEW\"`");
    let (path, rest) = edit.split_once(": ").ok_or_else(bad)?;
    let (old, rest) = quoted(rest.trim_start()).ok_or_else(bad)?;
    let rest = rest.trim_start().strip_prefix("=>").ok_or_else(bad)?;
    let (new, rest) = quoted(rest.trim_start()).ok_or_else(bad)?;
    if !rest.trim().is_empty() || old.is_empty() {
        return Err(bad());
    }
    let path = inside(dir, path)?;
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("`edit {edit}`: cannot read the file: {e}"))?;
    match text.matches(&old).count() {
        1 => {
            std::fs::write(&path, text.replacen(&old, &new, 1)).unwrap();
            Ok(())
        }
        n => Err(format!(
            "`edit {edit}`: the text to replace occurs {n} times in the file, not once"
        )),
    }
}

/// A quoted text at the start of `s` (`\"`, `\\`, `\n`), and what follows.
fn quoted(s: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = s.strip_prefix('"')?.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &s[i + 2..])),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                c @ ('"' | '\\') => out.push(c),
                _ => return None,
            },
            c => out.push(c),
        }
    }
    None
}

/// The runs of lines of `shown` (separated by lines of `…`) are in the
/// file at `path`, in that order.
fn check_excerpt(dir: &Path, path: &str, shown: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(inside(dir, path)?)
        .map_err(|e| format!("excerpt of `{path}`: cannot read the file: {e}"))?;
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let mut from = 0;
    let shown: Vec<&str> = shown.lines().map(str::trim_end).collect();
    for run in shown.split(|l| l.trim() == "…").filter(|r| !r.is_empty()) {
        let found = (from..=lines.len().saturating_sub(run.len()))
            .find(|&i| lines.get(i..i + run.len()) == Some(run));
        match found {
            Some(i) => from = i + run.len(),
            None => {
                return Err(format!(
                    "excerpt of `{path}`: these lines are not in the file (in this order):\n{}\n--- the file ---\n{text}",
                    run.join("\n")
                ))
            }
        }
    }
    Ok(())
}

/// `got` is `shown`, where a line of `…` stands for any number of lines.
fn shown_matches(shown: &str, got: &str) -> bool {
    let shown = normalise(shown);
    let pattern: Vec<&str> = shown.lines().collect();
    let got: Vec<&str> = got.lines().collect();
    // ok[j]: the pattern read so far matches got[..j].
    let mut ok = vec![false; got.len() + 1];
    ok[0] = true;
    for p in pattern {
        let mut next = vec![false; got.len() + 1];
        for j in 0..=got.len() {
            next[j] = if p.trim() == "…" {
                ok[j] || (j > 0 && next[j - 1])
            } else {
                j > 0 && ok[j - 1] && got[j - 1] == p
            };
        }
        ok = next;
    }
    ok[got.len()]
}

/// JSON text without the white space outside its strings.
fn compact_json(text: &str) -> String {
    let mut out = String::new();
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
        } else if c.is_whitespace() {
            continue;
        } else {
            in_string = c == '"';
        }
        out.push(c);
    }
    out
}

/// Compact JSON text spread out, two spaces an indent, as the tutorial
/// shows it.
fn pretty_json(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = text.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
            out.push(c);
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.push(chars.next().unwrap());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth -= 1;
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c => out.push(c),
        }
    }
    out
}

/// Copies the directory `from` to `to`.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A fresh directory for one test of this file.
fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pactum-tutorial-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_tutorial_does_what_it_says_step_by_step() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let page = root.join("docs/tutorial.md");
    let text = std::fs::read_to_string(&page).unwrap();
    // The reader's folder: the top folder of the source, of which the
    // tutorial uses the shipped pack only.
    let dir = fresh_dir("walk");
    copy_dir(&root.join("policies"), &dir.join("policies"));
    let w = walk(&text, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    if std::env::var_os("PACTUM_BLESS").is_some() && !w.fixes.is_empty() {
        std::fs::write(&page, markdown::splice_lines(&text, w.fixes.clone())).unwrap();
    }
    assert!(
        w.problems.is_empty(),
        "{} step(s) of docs/tutorial.md do not do what it says (PACTUM_BLESS=1 rewrites the outputs shown):\n\n{}",
        w.problems.len(),
        w.problems.join("\n")
    );
    // The tutorial is walked, not skipped: it writes the rule, its facts and
    // its tests, edits them, and shows what the commands print.
    assert!(w.commands >= 15, "only {} command(s) run", w.commands);
    assert!(w.files >= 3, "only {} file(s) written", w.files);
    assert!(w.edits >= 5, "only {} edit(s) made", w.edits);
    assert!(w.outputs >= 12, "only {} output(s) compared", w.outputs);
}

/// A small package for the tests of the walker itself.
const PACKAGE: &str = r#"<!-- file: shop/shop.policy -->
```text
package shop

schema order { id: string }

rule r {
  deny R
  when order.id == "x"
  message "m"
  help "h"
}
```
"#;

/// Walks `page` (after [`PACKAGE`]) in a fresh directory.
fn walk_page(name: &str, page: &str) -> Walk {
    let dir = fresh_dir(name);
    let w = walk(&format!("{PACKAGE}\n{page}"), &dir);
    let _ = std::fs::remove_dir_all(&dir);
    w
}

fn fails_with(w: &Walk, words: &str) {
    assert!(
        w.problems.iter().any(|p| p.contains(words)),
        "expected a problem saying {words:?}, got {:#?}",
        w.problems
    );
}

#[test]
fn a_page_walked_as_written_has_no_problem() {
    let w = walk_page(
        "clean",
        "Check it:\n\n<!-- run -->\n```sh\ncargo run --release -- validate shop\n```\n\n<!-- output -->\n```text\nshop: ok (0 errors, 0 warnings)\n```\n\n<!-- edit shop/shop.policy: \"  help \\\"h\\\"\\n\" => \"\" -->\n\n<!-- run -->\n```sh\npactum validate shop\n```\n\n<!-- output -->\n```text\npactum::warn::deny_without_help\n…\nshop: ok (0 errors, 1 warning)\n```\n\n<!-- excerpt: shop/shop.policy -->\n```text\npackage shop\n…\n  message \"m\"\n}\n```\n\n<!-- not run: an example -->\n```text\nanything\n```\n",
    );
    assert!(w.problems.is_empty(), "{:#?}", w.problems);
    assert_eq!((w.commands, w.files, w.edits, w.outputs), (2, 1, 1, 2));
}

#[test]
fn a_block_without_a_marker_fails() {
    let w = walk_page("unmarked", "```sh\npactum validate shop\n```\n");
    fails_with(&w, "block without a marker");
    let w = walk_page(
        "no-reason",
        "<!-- not run -->\n```sh\npactum validate shop\n```\n",
    );
    fails_with(&w, "`not run` needs its reason");
    let w = walk_page("dangling", "<!-- run -->\n\nThen nothing.\n");
    fails_with(&w, "is not followed by its block");
}

#[test]
fn an_output_or_an_exit_code_other_than_shown_fails_and_is_blessed() {
    let w = walk_page(
        "output",
        "<!-- run -->\n```sh\npactum validate shop\n```\n\n<!-- output -->\n```text\nshop: fine\n```\n",
    );
    fails_with(&w, "but the tutorial shows");
    assert_eq!(w.fixes.len(), 1);
    assert_eq!(w.fixes[0].1, "shop: ok (0 errors, 0 warnings)");
    let w = walk_page(
        "exit",
        "<!-- run: exit 1 -->\n```sh\npactum validate shop\n```\n",
    );
    fails_with(&w, "exits with Some(0), the tutorial says 1");
    let w = walk_page(
        "elision",
        "<!-- run -->\n```sh\npactum validate shop\n```\n\n<!-- output -->\n```text\n…\nshop: ok (0 errors, 1 warning)\n```\n",
    );
    fails_with(&w, "but the tutorial shows");
}

#[test]
fn a_cargo_command_other_than_the_release_run_is_refused() {
    let w = walk_page(
        "debug",
        "<!-- run -->\n```sh\ncargo run -- validate shop\n```\n",
    );
    fails_with(&w, "cargo run --release -- ARGS");
}

#[test]
fn an_edit_must_find_its_text_exactly_once() {
    let w = walk_page(
        "twice",
        "<!-- edit shop/shop.policy: \"order\" => \"x\" -->\n",
    );
    fails_with(&w, "occurs 2 times");
    let w = walk_page(
        "none",
        "<!-- edit shop/shop.policy: \"nowhere\" => \"x\" -->\n",
    );
    fails_with(&w, "occurs 0 times");
    let w = walk_page("outside", "<!-- edit ../x.policy: \"a\" => \"b\" -->\n");
    fails_with(&w, "a path inside the reader's folder");
}

#[test]
fn an_excerpt_must_be_in_the_file() {
    let w = walk_page(
        "excerpt",
        "<!-- excerpt: shop/shop.policy -->\n```text\nschema order { id: int }\n```\n",
    );
    fails_with(&w, "not in the file");
    // In order: what comes later in the file cannot be shown first.
    let w = walk_page(
        "order",
        "<!-- excerpt: shop/shop.policy -->\n```text\n  deny R\n…\npackage shop\n```\n",
    );
    fails_with(&w, "not in the file");
}

#[test]
fn json_is_compared_spread_out_with_its_keys_in_order() {
    let line = r#"{"id":"a b","r":[],"o":{"x":null,"y":"{\"z\": 1}"}}"#;
    let pretty = pretty_json(line);
    assert_eq!(
        pretty,
        "{\n  \"id\": \"a b\",\n  \"r\": [],\n  \"o\": {\n    \"x\": null,\n    \"y\": \"{\\\"z\\\": 1}\"\n  }\n}"
    );
    assert_eq!(compact_json(&pretty), line);
    let swapped = r#"{"r":[],"id":"a b","o":{"x":null,"y":"{\"z\": 1}"}}"#;
    assert_ne!(compact_json(&pretty_json(swapped)), line);
}
