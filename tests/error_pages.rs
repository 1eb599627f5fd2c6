//! The explanation pages of `pactum explain` (`docs/errors/<stage>/<name>.md`)
//! stay true: the Wrong and the Right example of every page are run with
//! the built binary, and what it prints must be what the page shows.
//!
//! The page format (docs/errors.md, "Writing an explanation page"):
//!
//! - `## Wrong` and `## Right` are two scenarios. Right starts from the
//!   files of Wrong and replaces those it writes again.
//! - A fenced block right after `<!-- file: PATH -->` is written to PATH; a
//!   block whose first line is `package NAME` (no marker) is written to
//!   `NAME/NAME.policy`.
//! - A fenced block whose first line is `$ pactum ARGS` runs `pactum ARGS`
//!   in the scenario's directory; the rest of the block is what it prints
//!   (standard output and standard error as a terminal shows them, no
//!   colour). The directory also holds `policies/`, the repository's own.
//!   A block right after `<!-- run: pactum ARGS -->` is the whole output of
//!   that command.
//!
//! Reading the page and running its commands is `common/markdown.rs`,
//! shared with `tests/tutorial.rs`.
//!
//! `PACTUM_BLESS=1 cargo test --test error_pages` rewrites the output shown
//! with what the binary prints.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/markdown.rs"]
mod markdown;
#[path = "common/run.rs"]
mod run;

use std::path::{Path, PathBuf};

use markdown::{normalise, Item};

#[derive(Debug, Default, Clone)]
struct Scenario {
    files: Vec<(String, String)>,
    runs: Vec<Run>,
}

/// A command of a page, the output the page shows, and where (the lines
/// of the page it fills, for `PACTUM_BLESS`).
#[derive(Debug, Clone)]
struct Run {
    command: String,
    shown: String,
    lines: std::ops::Range<usize>,
}

#[derive(Debug, Default)]
struct Page {
    code: String,
    wrong: Scenario,
    right: Scenario,
}

/// Reads a page: its code (the title) and its two scenarios.
fn read_page(text: &str) -> Page {
    let mut page = Page::default();
    let mut section = "";
    let mut marker: Option<String> = None;
    for item in markdown::items(text) {
        let block = match item {
            Item::Heading { level: 1, text } => {
                page.code = text.trim_matches('`').to_string();
                continue;
            }
            Item::Heading { level: 2, text } => {
                section = match text.as_str() {
                    "Wrong" => "wrong",
                    "Right" => "right",
                    _ => "",
                };
                continue;
            }
            Item::Marker { text, .. } => {
                marker = Some(text);
                continue;
            }
            Item::Heading { .. } | Item::Prose { .. } => {
                marker = None;
                continue;
            }
            Item::Block(block) => block,
        };
        let scenario = match section {
            "wrong" => &mut page.wrong,
            "right" => &mut page.right,
            _ => {
                marker = None;
                continue;
            }
        };
        let body = block.body;
        let first = body.lines().next().unwrap_or("");
        match marker.take() {
            Some(m) if m.starts_with("file:") => {
                scenario
                    .files
                    .push((m["file:".len()..].trim().to_string(), body));
            }
            Some(m) if m.starts_with("run:") => scenario.runs.push(Run {
                command: m["run:".len()..].trim().to_string(),
                shown: body,
                lines: block.lines,
            }),
            _ if first.starts_with("$ pactum") => scenario.runs.push(Run {
                command: first["$ ".len()..].to_string(),
                shown: body.split_once('\n').map_or("", |(_, r)| r).to_string(),
                lines: block.lines.start + 1..block.lines.end,
            }),
            _ if first.starts_with("package ") => {
                let name = first["package ".len()..].trim();
                scenario.files.push((format!("{name}/{name}.policy"), body));
            }
            _ => {}
        }
    }
    page
}

fn pages() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .filter_map(|e| std::fs::read_dir(e.unwrap().path()).ok())
        .flatten()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    pages.sort();
    pages
}

/// Writes a scenario's files in `dir`, beside `policies`, the repository's
/// own (the pages may point at the shipped pack).
fn write_files(dir: &Path, files: &[(String, String)]) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let policies = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    #[cfg(unix)]
    std::os::unix::fs::symlink(policies, dir.join("policies")).unwrap();
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// The mismatches of one scenario, as readable text; with `bless`, the
/// output each run prints, for the lines it fills.
fn check_scenario(
    dir: &Path,
    name: &str,
    scenario: &Scenario,
    bless: &mut Vec<(std::ops::Range<usize>, String)>,
) -> Vec<String> {
    write_files(dir, &scenario.files);
    let mut problems = Vec::new();
    for r in &scenario.runs {
        let got = match markdown::run(dir, &r.command) {
            Ok(ran) => normalise(&ran.output),
            Err(e) => {
                problems.push(format!("{name}: {e}"));
                continue;
            }
        };
        if got != normalise(&r.shown) {
            problems.push(format!(
                "{name}: `{}` prints\n{got}\n--- but the page shows ---\n{}\n",
                r.command,
                normalise(&r.shown)
            ));
            bless.push((r.lines.clone(), got));
        }
    }
    problems
}

#[test]
fn every_explanation_page_shows_what_the_binary_prints() {
    let tmp = std::env::temp_dir().join(format!("pactum-error-pages-{}", std::process::id()));
    let mut problems = Vec::new();
    // `PACTUM_BLESS=1 cargo test --test error_pages` writes what the
    // binary prints into the pages (review the diff before committing).
    let bless = std::env::var_os("PACTUM_BLESS").is_some();
    let pages = pages();
    assert!(pages.len() >= 40, "the explanation pages are missing");
    for path in &pages {
        let text = std::fs::read_to_string(path).unwrap();
        let page = read_page(&text);
        let name = path.display().to_string();
        if page.wrong.runs.is_empty() || page.right.runs.is_empty() {
            problems.push(format!(
                "{name}: a Wrong and a Right command with their output"
            ));
            continue;
        }
        let code = page.code.as_str();
        let wrong_shows = page.wrong.runs.iter().any(|r| r.shown.contains(code));
        if !wrong_shows {
            problems.push(format!("{name}: the Wrong example does not show `{code}`"));
        }
        if page.right.runs.iter().any(|r| r.shown.contains(code)) {
            problems.push(format!("{name}: the Right example still shows `{code}`"));
        }
        let mut fixes = Vec::new();
        let wrong = format!("{name} (Wrong)");
        problems.extend(check_scenario(
            &tmp.join("wrong"),
            &wrong,
            &page.wrong,
            &mut fixes,
        ));
        let mut right = page.wrong.clone();
        for (file, body) in &page.right.files {
            right.files.retain(|(f, _)| f != file);
            right.files.push((file.clone(), body.clone()));
        }
        right.runs = page.right.runs.clone();
        let right_name = format!("{name} (Right)");
        problems.extend(check_scenario(
            &tmp.join("right"),
            &right_name,
            &right,
            &mut fixes,
        ));
        if bless && !fixes.is_empty() {
            std::fs::write(path, markdown::splice_lines(&text, fixes)).unwrap();
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(
        problems.is_empty(),
        "{} problem(s) in the explanation pages:\n\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Every code of the table has its page, and every page a code.
#[test]
fn every_code_has_a_page() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for code in pactum::diag::codes::ALL {
        let mut parts = code.id.split("::").skip(1);
        let (stage, name) = (parts.next().unwrap(), parts.next().unwrap());
        let page = root.join(format!("docs/errors/{stage}/{name}.md"));
        assert!(page.exists(), "{} has no page {}", code.id, page.display());
    }
    assert_eq!(pages().len(), pactum::diag::codes::ALL.len());
}
