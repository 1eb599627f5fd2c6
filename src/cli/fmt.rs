//! `pactum fmt`: rewrite `.policy` files in the canonical layout.

use std::io::Read as _;
use std::path::PathBuf;

use super::out::{errln, out, outln};
use super::{render, Exit, MessageFormat};

/// Formats (or with `check`, only checks; with `diff`, also shows the
/// changes as a unified diff) every `.policy` file under `paths` (the walk
/// of [`pactum::files::walk`]); `-` formats standard input to standard
/// output. A file or directory entry that cannot be read is a
/// `pactum::load::io` error, and the exit code is 1.
pub fn run(paths: &[PathBuf], check: bool, diff: bool) -> Exit {
    let stdin = paths.iter().any(|p| p.as_os_str() == "-");
    let files: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    let mut exit = Exit::Success;
    let mut changed = 0;
    if stdin {
        exit = standard_input(check, diff, &mut changed);
    }
    if files.is_empty() {
        return finish(check, changed, exit);
    }
    let walk = pactum::files::walk(&files, pactum::files::is_policy);
    if !walk.errors.is_empty() {
        render::diagnostics(&walk.errors, MessageFormat::Human, false);
        exit = Exit::Failure;
    }
    for file in &walk.files {
        let text = match pactum::files::read_text_within(
            file,
            pactum::Limits::default().max_policy_bytes,
            pactum::diag::codes::LIMIT_POLICY_SIZE,
        ) {
            Ok(t) => t,
            Err(d) => {
                render::diagnostics([&d], MessageFormat::Human, false);
                exit = Exit::Failure;
                continue;
            }
        };
        let name = file.display().to_string();
        let Some(formatted) = format(&name, &text) else {
            exit = Exit::Failure;
            continue;
        };
        if formatted == text {
            continue;
        }
        changed += 1;
        if check {
            if diff {
                show_diff(&name, &text, &formatted);
            } else {
                outln!("{name}: not formatted");
            }
            exit = Exit::Failure;
        } else if let Err(e) = std::fs::write(file, formatted) {
            let d = pactum::files::unwritable(file, &e);
            render::diagnostics([&d], MessageFormat::Human, false);
            exit = Exit::Failure;
        } else {
            outln!("{name}: formatted");
        }
    }
    finish(check, changed, exit)
}

/// `fmt -`: the formatted text of standard input on standard output (with
/// `check`, nothing but the verdict, or the diff).
fn standard_input(check: bool, diff: bool, changed: &mut usize) -> Exit {
    let name = "<stdin>";
    let mut bytes = Vec::new();
    let limit = pactum::Limits::default().max_policy_bytes;
    let read = std::io::stdin()
        .lock()
        .take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes);
    if let Err(e) = read {
        let code = pactum::diag::codes::LOAD_IO.id;
        errln!("error[{code}]: cannot read standard input: {e}");
        errln!("  help: pipe the text of a .policy file into `pactum fmt -`");
        return Exit::Failure;
    }
    if bytes.len() > limit {
        errln!(
            "error[{}]: standard input is larger than {limit} bytes, the limit for a .policy file",
            pactum::diag::codes::LIMIT_POLICY_SIZE.id
        );
        errln!("  help: format the file by its path, or split it");
        return Exit::Failure;
    }
    let Ok(text) = String::from_utf8(bytes) else {
        errln!(
            "error[{}]: standard input is not UTF-8 text",
            pactum::diag::codes::LOAD_IO.id
        );
        errln!("  help: save the policy as UTF-8");
        return Exit::Failure;
    };
    let Some(formatted) = format(name, &text) else {
        return Exit::Failure;
    };
    if !check {
        out!("{formatted}");
        return Exit::Success;
    }
    if formatted == text {
        return Exit::Success;
    }
    *changed += 1;
    if diff {
        show_diff(name, &text, &formatted);
    } else {
        outln!("{name}: not formatted");
    }
    Exit::Failure
}

/// The formatted text, or `None` after reporting the syntax errors.
fn format(name: &str, text: &str) -> Option<String> {
    match pactum::format_source(name, text) {
        Ok(formatted) => Some(formatted),
        Err(diags) => {
            render::diagnostics(&diags, MessageFormat::Human, false);
            errln!("{name}: not formatted, fix the syntax errors first");
            None
        }
    }
}

/// Prints the change from `old` to `new` as a unified diff (coloured on a
/// terminal).
fn show_diff(name: &str, old: &str, new: &str) {
    let style = render::Style::stdout();
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(name, &format!("{name} (formatted)"))
        .to_string();
    for line in text.lines() {
        let shown = if line.starts_with("+++") || line.starts_with("---") {
            style.paint("1", line)
        } else if line.starts_with('+') {
            style.paint("32", line)
        } else if line.starts_with('-') {
            style.paint("31", line)
        } else if line.starts_with("@@") {
            style.paint("36", line)
        } else {
            line.to_string()
        };
        outln!("{shown}");
    }
}

/// The closing line of `--check`, and the exit.
fn finish(check: bool, changed: usize, exit: Exit) -> Exit {
    if check && changed > 0 {
        errln!("{changed} file(s) would be reformatted; run `pactum fmt` on them");
    }
    exit
}
