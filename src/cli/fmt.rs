//! `pactum fmt`: rewrite `.policy` files in the canonical layout.

use std::path::PathBuf;

use super::out::{errln, outln};
use super::{render, Exit, MessageFormat};

/// Formats (or with `check`, only checks) every `.policy` file under `paths`
/// (the walk of [`pactum::files::walk`]). A file or directory entry that
/// cannot be read is a `pactum::load::io` error, and the exit code is 1.
pub fn run(paths: &[PathBuf], check: bool) -> Exit {
    let walk = pactum::files::walk(paths, pactum::files::is_policy);
    let mut exit = Exit::Success;
    if !walk.errors.is_empty() {
        render::diagnostics(&walk.errors, MessageFormat::Human, false);
        exit = Exit::Failure;
    }
    let mut changed = 0;
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
        match pactum::format_source(&name, &text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                changed += 1;
                if check {
                    outln!("{name}: not formatted");
                    exit = Exit::Failure;
                } else if let Err(e) = std::fs::write(file, formatted) {
                    let d = pactum::files::unwritable(file, &e);
                    render::diagnostics([&d], MessageFormat::Human, false);
                    exit = Exit::Failure;
                } else {
                    outln!("{name}: formatted");
                }
            }
            Err(diags) => {
                render::diagnostics(&diags, MessageFormat::Human, false);
                errln!("{name}: not formatted, fix the syntax errors first");
                exit = Exit::Failure;
            }
        }
    }
    if check && changed > 0 {
        errln!("{changed} file(s) would be reformatted; run `pactum fmt` on them");
    }
    exit
}
