//! `pactum fmt`: rewrite `.policy` files in the canonical layout.

use std::path::{Path, PathBuf};

use super::{render, Exit, MessageFormat};

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if p.is_dir() || p.extension().is_some_and(|x| x == "policy") {
                collect(&p, out);
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
}

/// Formats (or with `check`, only checks) every `.policy` file under `paths`.
pub fn run(paths: &[PathBuf], check: bool) -> Exit {
    let mut files = Vec::new();
    for p in paths {
        collect(p, &mut files);
    }
    let mut exit = Exit::Success;
    let mut changed = 0;
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!(
                    "error[pactum::load::io]: cannot read {}: {e}",
                    file.display()
                );
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
                    println!("{name}: not formatted");
                    exit = Exit::Failure;
                } else if let Err(e) = std::fs::write(file, formatted) {
                    eprintln!("error[pactum::load::io]: cannot write {name}: {e}");
                    exit = Exit::Failure;
                } else {
                    println!("{name}: formatted");
                }
            }
            Err(diags) => {
                render::diagnostics(&diags, MessageFormat::Human, false);
                eprintln!("{name}: not formatted, fix the syntax errors first");
                exit = Exit::Failure;
            }
        }
    }
    if check && changed > 0 {
        eprintln!("{changed} file(s) would be reformatted; run `pactum fmt` on them");
    }
    exit
}
