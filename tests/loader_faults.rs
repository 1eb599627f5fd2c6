//! Package-loader faults: an input that cannot be read is a coded
//! `pactum::load::io` error naming it, in the library and in every
//! subcommand that reads packages, and no directory walk hangs or lists a
//! file twice. Every run of the binary is under a watchdog (`run.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/run.rs"]
mod run;

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use pactum::{Limits, Package};
use run::{pactum, stderr, stdout, temp_dir, WATCHDOG};

/// A clean package: the schema and one note in `main.policy`.
const MAIN: &str = "package p\n\nschema s {\n  a: int\n}\n\nrule big {\n  note BIG when s.a > 10\n  message \"big\"\n}\n";

/// A rule that denies, for the file that goes missing.
const DENY: &str = "package p\n\nrule small {\n  deny SMALL when s.a < 0\n  message \"negative\"\n  help \"Use a positive number.\"\n}\n";

/// A package directory holding `main.policy`, a facts file and a test.
fn package(name: &str) -> PathBuf {
    let dir = temp_dir(&format!("faults-{name}"));
    std::fs::write(dir.join("main.policy"), MAIN).unwrap();
    std::fs::write(dir.join("facts.yaml"), "s: { a: -1 }\n").unwrap();
    std::fs::write(
        dir.join("t.test.yaml"),
        "name: small\nfacts_file: facts.yaml\nexpect: { decision: allow }\n",
    )
    .unwrap();
    dir
}

/// Loads a package in a thread and fails the test when that takes longer
/// than the watchdog (a FIFO opened for reading would block forever).
fn load(dir: &Path) -> Result<pactum::Policy, pactum::Diagnostics> {
    let (tx, rx) = mpsc::channel();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(Package::from_dir(&dir).check());
    });
    rx.recv_timeout(WATCHDOG)
        .expect("loading the package hung (or panicked)")
}

/// The library refuses the package with `pactum::load::io` naming `file`.
fn library_refuses(dir: &Path, file: &str) {
    let diags = load(dir)
        .map(|_| ())
        .expect_err("the package must not load");
    let io: Vec<_> = diags
        .iter()
        .filter(|d| d.code_id() == "pactum::load::io")
        .collect();
    assert!(
        io.iter().any(|d| d.message().contains(file)),
        "expected pactum::load::io naming {file}, got {:?}",
        diags.iter().map(|d| d.message()).collect::<Vec<_>>()
    );
    assert!(io.iter().all(|d| d.help_text().is_some()), "a help line");
}

/// `validate`, `evaluate`, `test` and `fmt --check` all exit 1 with
/// `pactum::load::io` naming `file`.
fn cli_refuses(dir: &Path, file: &str) {
    let d = dir.to_str().unwrap();
    let facts = dir.join("facts.yaml");
    let runs: [Vec<&str>; 5] = [
        vec!["validate", d],
        vec!["validate", "--message-format", "json", d],
        vec!["evaluate", "-p", d, "-f", facts.to_str().unwrap()],
        vec!["test", d],
        vec!["fmt", "--check", d],
    ];
    for args in runs {
        let o = pactum(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert!(all.contains("pactum::load::io"), "{args:?}: {all}");
        assert!(all.contains(file), "{args:?} names {file}: {all}");
        assert!(!all.contains("panicked"), "{args:?}: {all}");
    }
}

/// A symbolic link (unix).
#[cfg(unix)]
fn link(target: &str, at: &Path) {
    std::os::unix::fs::symlink(target, at).unwrap();
}

#[cfg(unix)]
#[test]
fn a_dangling_link_named_policy_is_an_error_not_a_skipped_file() {
    let dir = package("dangling");
    let other = format!("pactum-faults-elsewhere-{}", std::process::id());
    let target = format!("../{other}/deny.policy");
    link(&target, &dir.join("deny.policy"));
    library_refuses(&dir, "deny.policy");
    let diags = load(&dir).unwrap_err();
    assert!(
        diags.iter().any(|d| d
            .message()
            .contains(&format!("symbolic link to {target}, which does not exist"))),
        "the message says it is a dangling link"
    );
    cli_refuses(&dir, "deny.policy");
    // With the link repaired, the rule it holds is loaded and denies.
    let elsewhere = dir.parent().unwrap().join(other);
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("deny.policy"), DENY).unwrap();
    let policy = load(&dir).expect("the repaired package loads");
    assert!(!policy.evaluate_str("s: { a: -1 }").unwrap().is_allowed());
    std::fs::remove_dir_all(&elsewhere).unwrap();
}

#[cfg(unix)]
#[test]
fn a_link_to_itself_is_an_error() {
    let dir = package("self-link");
    link("x.policy", &dir.join("x.policy"));
    library_refuses(&dir, "x.policy");
    cli_refuses(&dir, "x.policy");
}

#[test]
fn a_directory_named_policy_is_an_error() {
    let dir = package("dir-named-policy");
    std::fs::create_dir(dir.join("x.policy")).unwrap();
    library_refuses(&dir, "x.policy");
    let diags = load(&dir).unwrap_err();
    assert!(diags.iter().any(|d| d
        .message()
        .contains("it is a directory, not a regular file")));
    cli_refuses(&dir, "x.policy");
}

#[cfg(unix)]
#[test]
fn a_fifo_named_policy_is_refused_without_blocking() {
    let dir = package("fifo");
    let fifo = dir.join("x.policy");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    library_refuses(&dir, "x.policy");
    let diags = load(&dir).unwrap_err();
    assert!(diags.iter().any(|d| d
        .message()
        .contains("FIFO (named pipe), not a regular file")));
    cli_refuses(&dir, "x.policy");
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_an_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = package("unreadable");
    let file = dir.join("deny.policy");
    std::fs::write(&file, DENY).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&file).is_ok() {
        // Running as root (or with CAP_DAC_OVERRIDE): mode 000 does not
        // stop reading, so this one fault cannot be made here. The other
        // faults of this file (links, FIFOs, directories, vanishing files)
        // still run.
        eprintln!("skipped: mode 000 is readable for this user (root)");
        return;
    }
    library_refuses(&dir, "deny.policy");
    let diags = load(&dir).unwrap_err();
    assert!(diags
        .iter()
        .any(|d| d.message().contains("ermission denied")));
    cli_refuses(&dir, "deny.policy");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn a_file_that_vanishes_between_listing_and_reading_is_an_error() {
    let dir = package("vanishing");
    std::fs::write(dir.join("deny.policy"), DENY).unwrap();
    // The two steps of `Package::from_dir`: list the directory, then read
    // what was listed. The file goes away in between.
    let listed = pactum::files::package_files(&dir).unwrap();
    assert_eq!(listed, [dir.join("deny.policy"), dir.join("main.policy")]);
    std::fs::remove_file(dir.join("deny.policy")).unwrap();
    let diags = Package::from_files_with_limits(&listed, Limits::default())
        .check()
        .map(|_| ())
        .unwrap_err();
    let d = diags.iter().next().unwrap();
    assert_eq!(d.code_id(), "pactum::load::io");
    assert!(d.message().contains("deny.policy"), "{}", d.message());
    assert!(d.message().contains("No such file"), "{}", d.message());
    assert_eq!(
        d.file_name(),
        Some(dir.join("deny.policy").to_str().unwrap())
    );
    assert_eq!(
        d.to_json()["file"],
        dir.join("deny.policy").to_str().unwrap()
    );
}

#[test]
fn invalid_utf8_in_a_policy_file_is_an_error() {
    let dir = package("not-utf8");
    std::fs::write(dir.join("latin1.policy"), b"package p\n# caf\xe9\n").unwrap();
    library_refuses(&dir, "latin1.policy");
    let diags = load(&dir).unwrap_err();
    assert!(diags.iter().any(|d| d.message().contains("not UTF-8")));
    cli_refuses(&dir, "latin1.policy");
}

#[cfg(unix)]
#[test]
fn a_link_to_the_directory_itself_neither_hangs_nor_repeats_files() {
    let dir = package("loop");
    // Unformatted, so that `fmt --check` names it once per listing.
    std::fs::write(dir.join("loose.policy"), "package   p\n").unwrap();
    link(".", &dir.join("a"));
    link(".", &dir.join("sub"));
    std::fs::create_dir(dir.join("nested")).unwrap();
    link("..", &dir.join("nested/up"));
    let d = dir.to_str().unwrap();

    // The library reads one directory, not its subdirectories.
    assert!(load(&dir).is_ok());

    let o = pactum(&["fmt", "--check", d]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(
        out.matches("loose.policy: not formatted").count(),
        1,
        "each file listed once: {out}"
    );
    let lines: Vec<&str> = out.lines().collect();
    let unique: std::collections::BTreeSet<&str> = lines.iter().copied().collect();
    assert_eq!(lines.len(), unique.len(), "no file twice: {out}");

    let o = pactum(&["test", d]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).ends_with("1 passed, 0 failed\n"),
        "each test run once: {}",
        stdout(&o)
    );

    // The walk itself, in the library: each file once, no error.
    let walk = pactum::files::walk(std::slice::from_ref(&dir), pactum::files::is_policy);
    assert!(walk.errors.is_empty());
    assert_eq!(
        walk.files,
        [dir.join("loose.policy"), dir.join("main.policy")]
    );
}

#[cfg(unix)]
#[test]
fn walks_refuse_an_entry_they_cannot_identify() {
    // A dangling link that is not named `.policy` might have been a
    // directory of policies or tests: `fmt` and `test` say so.
    let dir = package("walk-dangling");
    link("nowhere", &dir.join("shared"));
    let d = dir.to_str().unwrap();
    for args in [vec!["fmt", "--check", d], vec!["test", d]] {
        let o = pactum(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("pactum::load::io"), "{}", stderr(&o));
        assert!(stderr(&o).contains("shared"), "{}", stderr(&o));
    }
    // The package itself reads only `.policy` entries: it loads.
    assert!(load(&dir).is_ok());
}

#[test]
fn an_unreadable_test_file_fails_the_test_run() {
    let dir = package("bad-test-file");
    std::fs::create_dir(dir.join("x.test.yaml")).unwrap();
    let o = pactum(&["test", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("pactum::load::io"), "{}", stderr(&o));
    assert!(stderr(&o).contains("x.test.yaml"), "{}", stderr(&o));
    assert!(stdout(&o).contains("1 passed, 1 failed"), "{}", stdout(&o));
}

#[test]
fn fmt_reports_a_missing_path_through_the_diagnostic_renderer() {
    let dir = temp_dir("faults-fmt-missing");
    let missing = dir.join("gone.policy");
    let o = pactum(&["fmt", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("pactum::load::io"), "{err}");
    assert!(err.contains("gone.policy"), "{err}");
    // The miette rendering (a `×` line and a help line), not a raw line.
    assert!(err.contains("× cannot read"), "{err}");
    assert!(err.contains("help:"), "{err}");
}

/// A `.policy` file far over the size limit is refused from its size,
/// before it is read: a sparse 4 GiB file costs no memory and no time.
#[test]
fn a_huge_policy_file_is_refused_before_it_is_read() {
    let dir = package("huge");
    let f = std::fs::File::create(dir.join("huge.policy")).unwrap();
    f.set_len(4 << 30).unwrap();
    let diags = load(&dir).map(|_| ()).expect_err("must not load");
    let codes: Vec<&str> = diags.iter().map(|d| d.code_id()).collect();
    assert_eq!(codes, ["pactum::limit::policy_size"], "{codes:?}");
    let d = diags.iter().next().unwrap();
    assert!(d.message().contains("huge.policy"));
    // The file is named as data too, and the help names the one flag that
    // raises this limit.
    assert!(
        d.file_name().is_some_and(|f| f.ends_with("huge.policy")),
        "{:?}",
        d.file_name()
    );
    assert!(
        d.help_text()
            .is_some_and(|h| h.contains("--max-policy-bytes") && !h.contains("--max-facts-bytes")),
        "{:?}",
        d.help_text()
    );
    // Through the binary too, and with a raised limit still bounded.
    let out = pactum(&["validate", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("pactum::limit::policy_size"),
        "{}",
        stderr(&out)
    );
    // A small limit refuses the ordinary file too, by its size.
    let small =
        Package::from_dir_with_limits(&dir, Limits::default().with_max_policy_bytes(10)).check();
    let n = small
        .unwrap_err()
        .iter()
        .filter(|d| d.code_id() == "pactum::limit::policy_size")
        .count();
    assert_eq!(n, 2);
}

/// A file named just `.policy` ends in `.policy`: it is read, and its deny
/// rule applies (it was once skipped, a deny turned into an allow).
#[test]
fn a_file_named_just_dot_policy_is_read() {
    let dir = package("dotfile");
    std::fs::write(dir.join(".policy"), DENY).unwrap();
    let policy = load(&dir).expect("loads");
    let d = policy.evaluate_str("s: { a: -1 }").unwrap();
    assert!(!d.is_allowed(), "the rule of `.policy` must deny");
    // `fmt` walks to it too: an unformatted `.policy` is reported.
    let loose = temp_dir("dotfile-fmt");
    std::fs::write(loose.join(".policy"), "package   p\n").unwrap();
    let out = pactum(&["fmt", "--check", loose.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(".policy: not formatted"),
        "{}",
        stdout(&out)
    );
}
