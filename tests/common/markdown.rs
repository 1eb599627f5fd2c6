//! Pages of the docs walked as tests: the fenced blocks of a markdown page
//! and the one-line HTML comments (markers) around them, the commands a
//! page shows run with the built binary, and what the binary prints written
//! back into the page (`PACTUM_BLESS=1`).
//!
//! Used by `tests/error_pages.rs` and `tests/tutorial.rs`; a test file that
//! includes it also includes `common/run.rs` as `run` (the watchdog).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::ops::Range;
use std::path::Path;
use std::process::Command;

/// One thing of a page, in page order. Blank lines are left out.
#[derive(Debug, Clone)]
pub enum Item {
    /// A heading: its level (the number of `#`) and its text.
    Heading { level: usize, text: String },
    /// A one-line HTML comment, `<!-- TEXT -->`: TEXT, trimmed.
    Marker { text: String, line: usize },
    /// A fenced block.
    Block(Block),
    /// Any other line.
    Prose { line: usize },
}

/// A fenced block of a page. Lines are counted from 0.
#[derive(Debug, Clone)]
pub struct Block {
    /// What follows the opening fence (`sh`, `text`, …), trimmed.
    pub info: String,
    /// The lines between the fences, each ending in a newline.
    pub body: String,
    /// The line of the opening fence.
    pub line: usize,
    /// The lines of the body: what a blessed output replaces.
    pub lines: Range<usize>,
}

/// The items of a markdown page.
pub fn items(text: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(m) = t.strip_prefix("<!--").and_then(|m| m.strip_suffix("-->")) {
            items.push(Item::Marker {
                text: m.trim().to_string(),
                line: n,
            });
            continue;
        }
        if let Some(info) = t.strip_prefix("```") {
            let mut body = String::new();
            let (mut start, mut end) = (None, n + 1);
            for (m, l) in lines.by_ref() {
                end = m;
                if l.trim() == "```" {
                    break;
                }
                start.get_or_insert(m);
                body.push_str(l);
                body.push('\n');
            }
            items.push(Item::Block(Block {
                info: info.trim().to_string(),
                body,
                line: n,
                lines: start.unwrap_or(end)..end,
            }));
            continue;
        }
        let level = line.chars().take_while(|c| *c == '#').count();
        if level > 0 && line[level..].starts_with(' ') {
            items.push(Item::Heading {
                level,
                text: line[level..].trim().to_string(),
            });
            continue;
        }
        items.push(Item::Prose { line: n });
    }
    items
}

/// Trailing spaces dropped, trailing blank lines dropped.
pub fn normalise(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    lines.join("\n").trim_end().to_string()
}

/// `text` with each range of lines replaced by its text (the ranges do not
/// overlap); for `PACTUM_BLESS`.
pub fn splice_lines(text: &str, mut fixes: Vec<(Range<usize>, String)>) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    fixes.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    for (range, got) in fixes {
        lines.splice(range, got.lines().map(str::to_string));
    }
    lines.join("\n") + "\n"
}

/// What a command printed and how it ended.
#[derive(Debug, Clone)]
pub struct Ran {
    /// Standard output and standard error in one pipe, as a terminal shows
    /// them (no colour).
    pub output: String,
    /// The exit code (`None`: killed by a signal).
    pub code: Option<i32>,
}

/// The shell line that runs `command` as a reader types it: `pactum ARGS`
/// and `cargo run --release -- ARGS` both run the built binary. Any other
/// `cargo` command is refused: the docs use the release build, as the
/// README does, and the test runs the binary cargo built for it.
pub fn shell_line(command: &str) -> Result<String, String> {
    let bin = format!("'{}'", env!("CARGO_BIN_EXE_pactum").replace('\'', r"'\''"));
    let command = command.trim();
    if let Some(args) = command.strip_prefix("cargo run --release --") {
        if args.is_empty() || args.starts_with(' ') {
            return Ok(format!("{bin}{args}"));
        }
    }
    if command == "cargo" || command.starts_with("cargo ") {
        return Err(format!(
            "`{command}`: the docs run Pactum as `cargo run --release -- ARGS` (the README's build) or `pactum ARGS`"
        ));
    }
    match command.strip_prefix("pactum") {
        Some(args) if args.is_empty() || args.starts_with(' ') => Ok(format!("{bin}{args}")),
        _ => Ok(command.to_string()),
    }
}

/// Runs `command` (see [`shell_line`]) with `sh` in `dir`, under the
/// watchdog of `common/run.rs`.
pub fn run(dir: &Path, command: &str) -> Result<Ran, String> {
    let line = shell_line(command)?;
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("{{ {line}\n}} 2>&1"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS");
    let o = crate::run::run_guarded(cmd, true);
    Ok(Ran {
        output: String::from_utf8_lossy(&o.stdout).into_owned(),
        code: o.status.code(),
    })
}
