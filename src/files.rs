//! Reading input files and walking directories, failing closed.
//!
//! Every input that is meant to be read and cannot be (a dangling symbolic
//! link, a link loop, a permission problem, a directory or a FIFO where a
//! file is expected, a file that vanished, bytes that are not UTF-8) is a
//! `pactum::load::io` diagnostic naming the path; nothing is skipped.
//!
//! [`walk`] is the one directory walk of the program (`pactum fmt` and
//! `pactum test` use it). It follows symbolic links, but visits each
//! directory once (keyed by its canonical path) and lists each file once, so
//! a link back to an enclosing directory (`a -> .`) cannot make it loop.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diag::{codes, Diagnostic, Diagnostics};

/// A `pactum::load::io` diagnostic: `path` cannot be read, because `why`.
fn unreadable(path: &Path, why: &str) -> Diagnostic {
    Diagnostic::new(
        codes::LOAD_IO,
        format!("cannot read {}: {why}", path.display()),
    )
    .about_path(path)
    .help(unreadable_help(path))
}

/// What to do about a path that cannot be read, by what is (not) there.
fn unreadable_help(path: &Path) -> &'static str {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            "check the path: nothing is there (a typo, or a path relative to another directory?)"
        }
        Ok(m) if m.file_type().is_symlink() && std::fs::metadata(path).is_err() => {
            "repair or remove the broken symbolic link"
        }
        _ => "make the path a readable regular file of UTF-8 text, or move it out of the directory",
    }
}

/// Why `path` cannot be opened: the error, said for a person; a dangling
/// symbolic link is named as one.
fn describe(path: &Path, e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        if let Ok(target) = std::fs::read_link(path) {
            return format!(
                "it is a symbolic link to {}, which does not exist",
                target.display()
            );
        }
    }
    e.to_string()
}

/// What kind of thing a path that is not a regular file is.
fn not_regular(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        return "it is a directory, not a regular file";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "it is a FIFO (named pipe), not a regular file";
        }
        if t.is_socket() {
            return "it is a socket, not a regular file";
        }
        if t.is_block_device() || t.is_char_device() {
            return "it is a device, not a regular file";
        }
    }
    "it is not a regular file"
}

/// Reads a text input (a `.policy` file, a test file): a regular file
/// (symbolic links followed) holding UTF-8 text. Anything else is a
/// `pactum::load::io` diagnostic naming the path.
///
/// The kind of file is checked before it is opened, so a FIFO is refused
/// rather than waited on, and checked again on the open file, in case the
/// path changed in between.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("pactum-doc-read-text-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let err = pactum::files::read_text(&dir).unwrap_err();
/// assert_eq!(err.code_id(), "pactum::load::io");
/// assert!(err.message().contains("not a regular file"));
/// # std::fs::remove_dir_all(&dir).ok();
/// ```
// One `Diagnostic` a file.
#[allow(clippy::result_large_err)]
pub fn read_text(path: &Path) -> Result<String, Diagnostic> {
    read_text_within(path, usize::MAX, codes::LOAD_IO)
}

/// [`read_text`], reading at most `max_bytes` (and one more, to tell): a
/// larger file is refused with `code` before more of it is read, so memory
/// stays within the limit whatever the file's size.
///
/// ```
/// let path = std::env::temp_dir().join(format!("pactum-doc-read-within-{}.policy", std::process::id()));
/// std::fs::write(&path, "package p\n").unwrap();
/// let code = pactum::diag::codes::LIMIT_POLICY_SIZE;
/// assert!(pactum::files::read_text_within(&path, 100, code).is_ok());
/// let err = pactum::files::read_text_within(&path, 4, code).unwrap_err();
/// assert_eq!(err.code_id(), "pactum::limit::policy_size");
/// # std::fs::remove_file(&path).ok();
/// ```
// One `Diagnostic` a file.
#[allow(clippy::result_large_err)]
pub fn read_text_within(
    path: &Path,
    max_bytes: usize,
    code: crate::diag::Code,
) -> Result<String, Diagnostic> {
    let meta = std::fs::metadata(path).map_err(|e| unreadable(path, &describe(path, &e)))?;
    if !meta.is_file() {
        return Err(unreadable(path, not_regular(&meta)));
    }
    let mut file = std::fs::File::open(path).map_err(|e| unreadable(path, &describe(path, &e)))?;
    match file.metadata() {
        Ok(m) if m.is_file() => {}
        Ok(m) => return Err(unreadable(path, not_regular(&m))),
        Err(e) => return Err(unreadable(path, &e.to_string())),
    }
    let too_large = |size: String| {
        Diagnostic::new(
            code,
            format!(
                "{} is {size} bytes; the limit is {max_bytes} bytes",
                path.display()
            ),
        )
        .about_path(path)
        .help(limit_help(code))
    };
    if usize::try_from(meta.len()).map_or(true, |n| n > max_bytes) {
        return Err(too_large(meta.len().to_string()));
    }
    let mut bytes = Vec::new();
    let cap = u64::try_from(max_bytes)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    (&mut file)
        .take(cap)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(path, &e.to_string()))?;
    if bytes.len() > max_bytes {
        // The file grew after its size was read.
        return Err(too_large(format!("more than {max_bytes}")));
    }
    String::from_utf8(bytes).map_err(|e| {
        Diagnostic::new(
            codes::LOAD_IO,
            format!(
                "cannot read {}: it is not UTF-8 text (invalid byte at offset {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
        )
        .about_path(path)
        .help("save the file as UTF-8 text")
    })
}

/// How to get past the size limit that `code` reports: the flag that raises
/// it.
fn limit_help(code: crate::diag::Code) -> &'static str {
    if code == codes::LIMIT_FACTS_SIZE {
        "split the file, or raise the limit (`--max-facts-bytes`) for a file you trust"
    } else if code == codes::LIMIT_POLICY_SIZE {
        "split the file, or raise the limit (`--max-policy-bytes`) for a file you trust"
    } else {
        "split the file"
    }
}

/// A `pactum::load::io` diagnostic for a file that cannot be written.
pub fn unwritable(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(
        codes::LOAD_IO,
        format!("cannot write {}: {e}", path.display()),
    )
    .about_path(path)
    .help("check that the file and its directory are writable")
}

/// The `*.policy` entries of a package directory (not of its
/// subdirectories), in name order. Every entry whose name ends in `.policy`
/// is listed, whatever it is: reading it ([`read_text`]) says when it is not
/// a readable file. A directory that cannot be listed, or an entry of it
/// that cannot be read, is a diagnostic.
pub fn package_files(dir: &Path) -> Result<Vec<PathBuf>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            diags.push(
                Diagnostic::new(
                    codes::LOAD_IO,
                    format!("cannot read the directory {}: {e}", dir.display()),
                )
                .about_path(dir)
                .help("give the path of a package directory holding .policy files"),
            );
            return Err(diags);
        }
    };
    let mut paths = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                if is_policy(&path) {
                    paths.push(path);
                }
            }
            Err(e) => diags.push(entry_error(dir, &e)),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    paths.sort();
    Ok(paths)
}

/// Whether a path names a `.policy` file: its name ends in `.policy`,
/// whatever comes before (a file named just `.policy` has no extension in
/// `Path`'s sense, and must not be skipped for it).
///
/// ```
/// use std::path::Path;
/// assert!(pactum::files::is_policy(Path::new("dir/rules.policy")));
/// assert!(pactum::files::is_policy(Path::new("dir/.policy")));
/// assert!(!pactum::files::is_policy(Path::new("dir/rules.policy.bak")));
/// ```
pub fn is_policy(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.as_encoded_bytes().ends_with(b".policy"))
}

fn entry_error(dir: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(
        codes::LOAD_IO,
        format!(
            "cannot read an entry of the directory {}: {e}",
            dir.display()
        ),
    )
    .about_path(dir)
    .help("check the directory's permissions and the disk")
}

/// What [`walk`] found: the files wanted, in walk order, each once, and the
/// entries that could not be read.
#[derive(Debug, Default)]
pub struct Walk {
    /// The files wanted: the roots that are not directories, and the
    /// entries under the directory roots that `wanted` accepts.
    pub files: Vec<PathBuf>,
    /// One `pactum::load::io` diagnostic per directory or entry that could
    /// not be read.
    pub errors: Diagnostics,
}

/// Walks `roots`: a root that is not a directory is listed as it is (reading
/// it says whether it can be read); a directory is searched recursively, in
/// name order, for the entries `wanted` accepts.
///
/// Symbolic links are followed, but each directory is visited once (by its
/// canonical path) and each file listed once, so links that loop (`a -> .`)
/// or that lead to the same place twice change nothing. An entry that
/// `wanted` accepts is listed even when it is not a regular file (a
/// directory named `x.policy`, a FIFO, a dangling link), so that reading it
/// reports it. Any other entry whose kind cannot be found (a dangling link,
/// a link loop, a permission problem) is an error: it might have been a
/// directory of inputs.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("pactum-doc-walk-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("sub")).unwrap();
/// std::fs::write(dir.join("sub/a.policy"), "package a\n").unwrap();
/// std::fs::write(dir.join("notes.txt"), "").unwrap();
/// let walk = pactum::files::walk(&[dir.clone()], pactum::files::is_policy);
/// assert_eq!(walk.files, [dir.join("sub/a.policy")]);
/// assert!(walk.errors.is_empty());
/// # std::fs::remove_dir_all(&dir).ok();
/// ```
pub fn walk(roots: &[PathBuf], wanted: impl Fn(&Path) -> bool) -> Walk {
    let mut walker = Walker {
        wanted: &wanted,
        dirs: HashSet::new(),
        seen: HashSet::new(),
        out: Walk::default(),
    };
    for root in roots {
        match std::fs::metadata(root) {
            Ok(m) if m.is_dir() => walker.dir(root),
            _ => walker.file(root.clone()),
        }
    }
    walker.out
}

struct Walker<'w> {
    wanted: &'w dyn Fn(&Path) -> bool,
    /// Canonical paths of the directories visited.
    dirs: HashSet<PathBuf>,
    /// Canonical paths of the files listed.
    seen: HashSet<PathBuf>,
    out: Walk,
}

impl Walker<'_> {
    fn file(&mut self, path: PathBuf) {
        // A path that cannot be made canonical (a dangling link) is listed
        // as it is; reading it reports it.
        let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if self.seen.insert(key) {
            self.out.files.push(path);
        }
    }

    /// Searches `dir`. The recursion is as deep as the directory tree, which
    /// the visited set keeps finite and path length limits keep shallow.
    fn dir(&mut self, dir: &Path) {
        let canonical = match std::fs::canonicalize(dir) {
            Ok(c) => c,
            Err(e) => {
                self.out.errors.push(unreadable(dir, &describe(dir, &e)));
                return;
            }
        };
        if !self.dirs.insert(canonical) {
            return;
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                self.out.errors.push(unreadable(dir, &e.to_string()));
                return;
            }
        };
        let mut paths = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => paths.push(entry.path()),
                Err(e) => self.out.errors.push(entry_error(dir, &e)),
            }
        }
        paths.sort();
        for path in paths {
            if (self.wanted)(&path) {
                self.file(path);
                continue;
            }
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => self.dir(&path),
                Ok(_) => {}
                Err(e) => self
                    .out
                    .errors
                    .push(unreadable(&path, &describe(&path, &e))),
            }
        }
    }
}
