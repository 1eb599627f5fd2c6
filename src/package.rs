//! The pipeline as a library: load a package, check it, evaluate requests.
//! This file owns loading and checking ([`Package`]); [`policy`] owns the
//! checked package and its evaluation ([`Policy`], [`Facts`], [`Outcome`]).

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diag::{codes, Diagnostic, Diagnostics};
use crate::limits::Limits;
use crate::source::{SourceFile, Sources};
use crate::syntax::{self, ast};

mod policy;

pub use policy::{Facts, Outcome, Policy};

/// A package as read from disk or memory: parsed, not yet checked.
///
/// [`Package::check`] turns it into a [`Policy`], or gives every error and
/// warning found.
///
/// ```
/// let pkg = pactum::Package::from_sources([(
///     "rules.policy",
///     "package demo\nschema basket { total: decimal }\n\
///      rule too_big { deny TOO_BIG when basket.total > 100\n\
///        message \"{basket.total} is too much\" help \"Split the order.\" }",
/// )]);
/// let policy = pkg.check().expect("the package is valid");
/// let decision = policy.evaluate_str("basket: { total: 150 }").expect("decided");
/// assert!(!decision.is_allowed());
/// assert_eq!(decision.reasons()[0].message, "150 is too much");
/// ```
#[derive(Debug, Clone)]
pub struct Package {
    sources: Sources,
    files: Vec<ast::File>,
    diags: Diagnostics,
    limits: Limits,
}

impl Package {
    /// Reads every `*.policy` file of a directory (not its subdirectories),
    /// in name order. Problems reading them (no such directory, no `.policy`
    /// file in it) become diagnostics, reported by [`Package::check`].
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("pactum-doc-from-dir-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// std::fs::write(dir.join("shop.policy"), "package shop\nschema basket { items: int }\n").unwrap();
    ///
    /// let policy = pactum::Package::from_dir(&dir).check().expect("a clean package");
    /// assert_eq!(policy.name(), "shop");
    ///
    /// let missing = pactum::Package::from_dir(dir.join("nowhere")).check().unwrap_err();
    /// assert_eq!(missing.iter().next().unwrap().code_id(), "pactum::load::io");
    /// # std::fs::remove_dir_all(&dir).ok();
    /// ```
    pub fn from_dir(dir: impl AsRef<Path>) -> Package {
        Package::from_dir_with_limits(dir, Limits::default())
    }

    /// [`Package::from_dir`] with other [`Limits`] than the defaults; the
    /// checked [`Policy`] keeps them for every request.
    ///
    /// Every entry whose name ends in `.policy` is read; one that cannot be
    /// (a dangling symbolic link, a link loop, no permission, a directory
    /// or a FIFO named `x.policy`, bytes that are not UTF-8) is a
    /// `pactum::load::io` error naming it, never skipped.
    pub fn from_dir_with_limits(dir: impl AsRef<Path>, limits: Limits) -> Package {
        let dir = dir.as_ref();
        match crate::files::package_files(dir) {
            Ok(paths) => {
                let mut pkg = Package::from_files_with_limits(paths, limits);
                if pkg.sources.is_empty() && pkg.diags.is_empty() {
                    pkg.diags.push(
                        Diagnostic::new(
                            codes::LOAD_NO_FILES,
                            format!("{} holds no .policy file", dir.display()),
                        )
                        .help("point at the directory of a package, such as `policies/my-package`"),
                    );
                }
                pkg
            }
            Err(diags) => {
                let mut pkg =
                    Package::from_sources_with_limits(Vec::<(String, String)>::new(), limits);
                pkg.diags = diags;
                pkg
            }
        }
    }

    /// Reads the given `.policy` files as one package, in the order given:
    /// [`Package::from_dir_with_limits`] once the directory is listed. A
    /// file that cannot be read is a `pactum::load::io` error naming it.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("pactum-doc-from-files-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// std::fs::write(dir.join("a.policy"), "package a\nschema s { n: int }\n").unwrap();
    /// let files = [dir.join("a.policy"), dir.join("gone.policy")];
    /// let errors = pactum::Package::from_files_with_limits(files, pactum::Limits::default())
    ///     .check()
    ///     .unwrap_err();
    /// let error = errors.iter().next().unwrap();
    /// assert_eq!(error.code_id(), "pactum::load::io");
    /// assert!(error.message().contains("gone.policy"));
    /// # std::fs::remove_dir_all(&dir).ok();
    /// ```
    pub fn from_files_with_limits(
        paths: impl IntoIterator<Item = impl AsRef<Path>>,
        limits: Limits,
    ) -> Package {
        let mut diags = Diagnostics::default();
        let mut files: Vec<(String, String)> = Vec::new();
        for path in paths {
            let path = path.as_ref();
            match crate::files::read_text_within(
                path,
                limits.max_policy_bytes,
                crate::diag::codes::LIMIT_POLICY_SIZE,
            ) {
                Ok(text) => files.push((path.display().to_string(), text)),
                Err(d) => diags.push(d),
            }
        }
        let mut pkg = Package::from_sources_with_limits(files, limits);
        diags.extend(std::mem::take(&mut pkg.diags));
        pkg.diags = diags;
        pkg
    }

    /// Builds a package from in-memory files: `(name, text)` pairs. The
    /// names appear in diagnostics and locations.
    ///
    /// ```
    /// let package = pactum::Package::from_sources([
    ///     ("facts.policy", "package shop\nschema basket { items: int }"),
    ///     ("rules.policy", "package shop\nrule empty { note EMPTY when basket.items == 0 message \"Empty.\" }"),
    /// ]);
    /// assert!(package.check().is_ok());
    /// ```
    pub fn from_sources<N: Into<String>, T: Into<Arc<str>>>(
        files: impl IntoIterator<Item = (N, T)>,
    ) -> Package {
        Package::from_sources_with_limits(files, Limits::default())
    }

    /// [`Package::from_sources`] with other [`Limits`] than the defaults;
    /// the checked [`Policy`] keeps them for every request.
    pub fn from_sources_with_limits<N: Into<String>, T: Into<Arc<str>>>(
        files: impl IntoIterator<Item = (N, T)>,
        limits: Limits,
    ) -> Package {
        let mut sources = Sources::default();
        let mut diags = Diagnostics::default();
        limits_in_range(&limits, &mut diags);
        let ids: Vec<u32> = files
            .into_iter()
            .map(|(n, t)| sources.add(SourceFile::policy(n, t)))
            .collect();
        // Files parse apart, in parallel; their syntax errors are reported
        // in file order, as if one after the other.
        let parsed: Vec<syntax::Parsed> = ids
            .into_par_iter()
            .map(|id| syntax::parse(&sources, id, &limits))
            .collect();
        let files = parsed
            .into_iter()
            .map(|p| {
                diags.extend(p.diagnostics);
                p.file
            })
            .collect();
        Package {
            sources,
            files,
            diags,
            limits,
        }
    }

    /// Checks the package and compiles it: do it once, then evaluate the
    /// [`Policy`] as often as needed. On success the policy carries the
    /// warnings ([`Policy::warnings`]); on failure every error and warning
    /// is returned, each a [`miette::Diagnostic`] with its code, location
    /// and help.
    ///
    /// ```
    /// let package = pactum::Package::from_sources([(
    ///     "shop.policy",
    ///     "package shop\nschema basket { items: int }\nlet n = basket.itemz\noutput count = n",
    /// )]);
    /// let errors = package.check().unwrap_err();
    /// let first = errors.iter().next().unwrap();
    /// assert_eq!(first.code_id(), "pactum::check::unknown_field");
    /// assert_eq!(first.line_col(), Some((3, 16)));
    /// assert!(first.help_text().unwrap().contains("items"));
    /// ```
    pub fn check(&self) -> Result<Policy, Diagnostics> {
        let mut diags = self.diags.clone();
        if self.files.is_empty() {
            return Err(diags);
        }
        let checked = crate::check::check(
            self.sources.clone(),
            &self.files,
            diags.has_errors(),
            self.limits,
        );
        diags.extend(checked.diagnostics);
        diags.sort();
        match checked.program {
            Some(program) if !diags.has_errors() => Ok(Policy::new(program, diags)),
            _ => Err(diags),
        }
    }
}

/// Refuses depth limits above what the stack can hold: parsing, checking
/// and evaluating recurse on the depth (they use the largest accepted value
/// instead, so that nothing overflows on the way to this error).
fn limits_in_range(limits: &Limits, diags: &mut Diagnostics) {
    if limits.max_expr_depth > Limits::MAX_EXPR_DEPTH {
        diags.push(
            Diagnostic::new(
                codes::LIMIT_DEPTH,
                format!(
                    "the expression depth limit is {}; at most {} is supported",
                    limits.max_expr_depth,
                    Limits::MAX_EXPR_DEPTH
                ),
            )
            .help(format!(
                "set `max_expr_depth` (`--max-depth`) to {} or less, and split deeper expressions into `let` values",
                Limits::MAX_EXPR_DEPTH
            )),
        );
    }
    if limits.max_facts_depth > Limits::MAX_FACTS_DEPTH {
        diags.push(
            Diagnostic::new(
                codes::LIMIT_FACTS_DEPTH,
                format!(
                    "the facts depth limit is {}; at most {} is supported",
                    limits.max_facts_depth,
                    Limits::MAX_FACTS_DEPTH
                ),
            )
            .help(format!(
                "set `max_facts_depth` (`--max-facts-depth`) to {} or less",
                Limits::MAX_FACTS_DEPTH
            )),
        );
    }
}
