//! `pactum explain`: the long explanation of a diagnostic code.

use pactum::diag::{codes, Code};

use super::out::{out, outln};
use super::Exit;

/// Prints the page of `code`, or the index when no code is given. A short
/// name shared by several codes (`unknown_field`) lists them; a code that
/// does not exist is a usage error, with the nearest code suggested.
pub fn run(code: Option<&str>) -> Exit {
    let Some(code) = code else {
        outln!("Diagnostic codes (`pactum explain CODE` for one of them):\n");
        index(codes::ALL.iter());
        return Exit::Success;
    };
    let code = code.trim();
    if let Some(c) = Code::find(code) {
        out!("{}", page_text(c.explanation));
        return Exit::Success;
    }
    // A stage (`facts`, `pactum::facts`, `facts::`) lists its codes.
    let stage = code.trim_end_matches("::");
    let stage = stage.strip_prefix("pactum::").unwrap_or(stage);
    let of_stage: Vec<&Code> = codes::ALL.iter().filter(|c| c.stage() == stage).collect();
    if !of_stage.is_empty() {
        outln!("the codes of `pactum::{stage}::…` (`pactum explain CODE` for one of them):\n");
        index(of_stage.into_iter());
        return Exit::Success;
    }
    let matching: Vec<&Code> = codes::ALL
        .iter()
        .filter(|c| c.id.strip_suffix(code).is_some_and(|h| h.ends_with("::")))
        .collect();
    if matching.len() > 1 {
        outln!(
            "`{code}` names {} codes; explain one of them:\n",
            matching.len()
        );
        index(matching.into_iter());
        return Exit::Success;
    }
    let ids = codes::ALL.iter().flat_map(|c| {
        [
            c.id,
            c.id.strip_prefix("pactum::").unwrap_or(c.id),
            c.name(),
        ]
    });
    let help = match pactum::suggest(code, ids) {
        Some(s) => format!("did you mean `{s}`? (`pactum explain` lists every code)"),
        None => "run `pactum explain` to list every code".to_string(),
    };
    let d = pactum::Diagnostic::unlocated(
        codes::CLI_UNKNOWN_CODE,
        format!("`{code}` is not a Pactum diagnostic code"),
        help,
    );
    super::render::diagnostics([&d], super::MessageFormat::Human, false);
    Exit::Usage
}

/// One line a code: its id, severity and summary.
fn index<'a>(codes: impl Iterator<Item = &'a Code>) {
    for c in codes {
        let kind = match c.severity {
            pactum::Severity::Error => "error",
            pactum::Severity::Warning => "warning",
        };
        outln!("  {:<40} {kind:<8} {}", c.id, c.summary);
    }
}

/// A page as a reader sees it: without the markers that tell the page's
/// test which block is a file and which a command (`tests/error_pages.rs`).
fn page_text(page: &str) -> String {
    page.lines()
        .filter(|l| {
            let l = l.trim();
            !(l.starts_with("<!-- file:") || l.starts_with("<!-- run:")) || !l.ends_with("-->")
        })
        .fold(String::with_capacity(page.len()), |mut s, l| {
            s.push_str(l);
            s.push('\n');
            s
        })
}
