//! Every ```policy block of the docs and the README parses and checks: the
//! examples in the manual are tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use pactum::{Package, Severity};

fn policy_blocks(text: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (n, line) in text.lines().enumerate() {
        match &mut current {
            None if line.trim_start() == "```policy" => current = Some((n + 1, String::new())),
            Some(_) if line.trim_start() == "```" => {
                if let Some(done) = current.take() {
                    blocks.push(done);
                }
            }
            Some((_, body)) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {}
        }
    }
    blocks
}

#[test]
fn every_policy_block_in_the_docs_checks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    if let Ok(entries) = std::fs::read_dir(root.join("docs")) {
        let mut docs: Vec<_> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        docs.sort();
        files.extend(docs);
    }
    // The explanation pages of `pactum explain`: their "right" examples are
    // complete packages too.
    if let Ok(stages) = std::fs::read_dir(root.join("docs/errors")) {
        let mut pages: Vec<_> = stages
            .filter_map(|e| std::fs::read_dir(e.unwrap().path()).ok())
            .flatten()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        pages.sort();
        files.extend(pages);
    }
    let mut checked = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (line, block) in policy_blocks(&text) {
            let src = if block
                .lines()
                .any(|l| l.trim_start().starts_with("package "))
            {
                block.clone()
            } else {
                format!("package example\n{block}")
            };
            let name = format!("{}:{line}", file.display());
            if let Err(diags) = Package::from_sources([(name.clone(), src)]).check() {
                let errors: Vec<_> = diags
                    .iter()
                    .filter(|d| d.severity_level() == Severity::Error)
                    .map(|d| format!("{} {:?}: {}", d.code_id(), d.line_col(), d.message()))
                    .collect();
                panic!("{name}: the example does not check:\n{}", errors.join("\n"));
            }
            checked += 1;
        }
    }
    assert!(checked >= 1, "no ```policy block found");
}
