//! Mechanical mutations of the shipped pack: each must be caught by the
//! checker with a coded diagnostic at the right place, never a panic and
//! never a silent pass.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use pactum::Package;

const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/unsubscription");

fn pack_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(PACK)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "policy"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Byte ranges of every field name written after a `.` in rule code (not in
/// comments or strings).
fn field_uses(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (line_start, line) in text.split_inclusive('\n').scan(0, |pos, l| {
        let s = *pos;
        *pos += l.len();
        Some((s, l))
    }) {
        let code = line.split('#').next().unwrap_or("");
        let bytes = code.as_bytes();
        let mut in_string = false;
        let mut depth = 0; // inside `{…}` of a string, code again
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b'"' if depth == 0 => in_string = !in_string,
                b'{' if in_string => depth += 1,
                b'}' if in_string && depth > 0 => depth -= 1,
                b'.' if (!in_string || depth > 0)
                    && i > 0
                    && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') =>
                {
                    let start = i + 1;
                    let end = start
                        + bytes[start..]
                            .iter()
                            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                            .count();
                    if end > start + 2 && !bytes[start].is_ascii_digit() {
                        out.push((line_start + start, line_start + end));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

#[test]
fn the_pack_is_clean() {
    let policy = Package::from_dir(PACK).check().expect("clean");
    assert!(policy.warnings().is_empty());
}

#[test]
fn every_misspelled_field_is_caught_with_a_suggestion() {
    let files = pack_files();
    let mut tried = 0;
    for (fi, (name, text)) in files.iter().enumerate() {
        for (start, end) in field_uses(text) {
            let field = &text[start..end];
            // Swap the last two letters: a typical typo.
            let mut typo: Vec<char> = field.chars().collect();
            let n = typo.len();
            typo.swap(n - 1, n - 2);
            let typo: String = typo.into_iter().collect();
            if typo == field {
                continue;
            }
            let mutated = format!("{}{}{}", &text[..start], typo, &text[end..]);
            let mut sources = files.clone();
            sources[fi].1 = mutated.clone();
            let diags = Package::from_sources(sources)
                .check()
                .expect_err(&format!("{name}: `{field}` -> `{typo}` passed"));
            let d = diags
                .iter()
                .find(|d| d.code_id() == "pactum::check::unknown_field")
                .unwrap_or_else(|| {
                    panic!(
                        "{name}: `{typo}`: no unknown_field in {:?}",
                        diags.iter().map(|d| d.code_id()).collect::<Vec<_>>()
                    )
                });
            assert_eq!(d.underlined(), Some(typo.as_str()), "{name}: wrong span");
            assert_eq!(d.file_name(), Some(name.as_str()));
            assert_eq!(
                d.help_text(),
                Some(format!("did you mean `{field}`?").as_str()),
                "{name}: `{typo}`"
            );
            tried += 1;
        }
    }
    assert!(tried > 40, "only {tried} field uses found");
}

#[test]
fn deleting_any_character_never_panics_and_never_passes_silently() {
    let files = pack_files();
    let mut caught = 0;
    for (fi, (_, text)) in files.iter().enumerate() {
        // Every 29th character, to keep the test quick.
        for (i, c) in text.char_indices().step_by(29) {
            if c.is_whitespace() {
                continue;
            }
            let mutated = format!("{}{}", &text[..i], &text[i + c.len_utf8()..]);
            let mut sources = files.clone();
            sources[fi].1 = mutated;
            match Package::from_sources(sources).check() {
                Err(d) => {
                    assert!(d.iter().all(|x| x.code_id().starts_with("pactum::")));
                    caught += 1;
                }
                Ok(p) => {
                    // Deleting inside a comment or a message is harmless.
                    let _ = p;
                }
            }
        }
    }
    assert!(caught > 25, "only {caught} mutations were caught");
}

#[test]
fn removing_a_brace_is_a_syntax_error_at_the_right_line() {
    let files = pack_files();
    let (fi, text) = files
        .iter()
        .enumerate()
        .find(|(_, (n, _))| n == "billing.policy")
        .map(|(i, (_, t))| (i, t.clone()))
        .unwrap();
    let pos = text.find("rule pay_as_you_go {").unwrap() + "rule pay_as_you_go ".len();
    let mutated = format!("{}{}", &text[..pos], &text[pos + 1..]);
    let mut sources = files.clone();
    sources[fi].1 = mutated.clone();
    let diags = Package::from_sources(sources).check().unwrap_err();
    let d = diags
        .iter()
        .find(|d| d.code_id() == "pactum::parse::syntax")
        .unwrap();
    let line = mutated[..pos].matches('\n').count() + 1;
    assert!(d.line_col().unwrap().0 >= line, "{:?}", d.line_col());
    assert!(Path::new(PACK).exists());
}
