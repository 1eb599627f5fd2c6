//! The pipeline as a library: load a package, check it, evaluate requests.

use std::path::Path;
use std::sync::Arc;

use crate::decision::Decision;
use crate::diag::{codes, Diagnostic, Diagnostics};
use crate::facts::{self, Format};
use crate::ir::Program;
use crate::source::{SourceFile, Sources};
use crate::syntax::{self, ast};
use crate::value::Value;

/// A package as read from disk or memory: parsed, not yet checked.
///
/// ```
/// let pkg = pactum::Package::from_sources([(
///     "rules.policy",
///     "package demo\nschema order { amount: decimal }\n\
///      rule too_big { deny TOO_BIG when order.amount > 100\n\
///        message \"{order.amount} is too much\" help \"Split the order.\" }",
/// )]);
/// let policy = pkg.check().expect("the package is valid");
/// let decision = policy.evaluate_str("order: { amount: 150 }").expect("decided");
/// assert!(!decision.is_allowed());
/// assert_eq!(decision.reasons()[0].message, "150 is too much");
/// ```
#[derive(Debug, Clone)]
pub struct Package {
    sources: Sources,
    files: Vec<ast::File>,
    diags: Diagnostics,
}

impl Package {
    /// Reads every `*.policy` file of a directory (not its subdirectories),
    /// in name order. Problems reading them become diagnostics, reported by
    /// [`Package::check`].
    pub fn from_dir(dir: impl AsRef<Path>) -> Package {
        let dir = dir.as_ref();
        let mut diags = Diagnostics::default();
        let mut files: Vec<(String, String)> = Vec::new();
        match std::fs::read_dir(dir) {
            Ok(entries) => {
                let mut paths: Vec<_> = entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "policy") && p.is_file())
                    .collect();
                paths.sort();
                for p in paths {
                    match std::fs::read_to_string(&p) {
                        Ok(text) => files.push((p.display().to_string(), text)),
                        Err(e) => diags.push(
                            Diagnostic::new(
                                codes::LOAD_IO,
                                format!("cannot read {}: {e}", p.display()),
                            )
                            .help("check that the file exists, is readable and is UTF-8 text"),
                        ),
                    }
                }
                if files.is_empty() && diags.is_empty() {
                    diags.push(
                        Diagnostic::new(codes::LOAD_NO_FILES, format!("{} holds no .policy file", dir.display()))
                            .help("point at the directory of a package, such as `policies/unsubscription`"),
                    );
                }
            }
            Err(e) => diags.push(
                Diagnostic::new(
                    codes::LOAD_IO,
                    format!("cannot read the directory {}: {e}", dir.display()),
                )
                .help("give the path of a package directory holding .policy files"),
            ),
        }
        let mut pkg = Package::from_sources(files);
        diags.extend(std::mem::take(&mut pkg.diags));
        pkg.diags = diags;
        pkg
    }

    /// Builds a package from in-memory files: `(name, text)` pairs.
    pub fn from_sources<N: Into<String>, T: Into<Arc<str>>>(
        files: impl IntoIterator<Item = (N, T)>,
    ) -> Package {
        let mut sources = Sources::default();
        let mut diags = Diagnostics::default();
        let ids: Vec<u32> = files
            .into_iter()
            .map(|(n, t)| sources.add(SourceFile::new(n, t)))
            .collect();
        let files = ids
            .into_iter()
            .map(|id| syntax::parse(&sources, id, &mut diags))
            .collect();
        Package {
            sources,
            files,
            diags,
        }
    }

    /// Checks the package and compiles it. On success the [`Policy`] carries
    /// the warnings; on failure every error and warning is returned.
    pub fn check(&self) -> Result<Policy, Diagnostics> {
        let mut diags = self.diags.clone();
        if self.files.is_empty() {
            return Err(diags);
        }
        let program = crate::check::check(self.sources.clone(), &self.files, &mut diags);
        diags.sort();
        match program {
            Some(program) if !diags.has_errors() => Ok(Policy {
                program: Arc::new(program),
                warnings: diags,
            }),
            _ => Err(diags),
        }
    }
}

/// A checked, compiled package: immutable, cheap to clone, `Send + Sync`.
/// Evaluate it from as many threads as you like.
#[derive(Debug, Clone)]
pub struct Policy {
    program: Arc<Program>,
    warnings: Diagnostics,
}

/// Facts of one request, read and checked against a policy's schema.
#[derive(Debug, Clone)]
pub struct Facts {
    value: Value,
}

/// The result of one document of a batch.
#[derive(Debug)]
pub enum Outcome {
    /// The request was decided.
    Decided(Decision),
    /// The document could not be read, or the policy failed on it.
    Failed {
        /// The request identifier, when it could still be read.
        id: Value,
        /// What went wrong (at least one).
        diagnostics: Diagnostics,
    },
}

impl Policy {
    /// The package name.
    pub fn name(&self) -> &str {
        &self.program.name
    }

    /// Where a rule that applied is written, as `file:line:column`.
    pub fn location(&self, span_of: &impl crate::decision::Located) -> String {
        let span = span_of.span();
        match self.program.sources.get(span.file) {
            Some(f) => {
                let (line, col) = f.line_col(span.start as usize);
                format!("{}:{line}:{col}", f.name())
            }
            None => String::from("?"),
        }
    }

    /// The warnings found while checking.
    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
    }

    /// Reads one facts document (YAML or JSON) against the schema.
    pub fn facts_from_str(&self, text: &str) -> Result<Facts, Diagnostic> {
        let file = Arc::new(SourceFile::new("<facts>", text));
        let format = Format::detect("<facts>", text);
        let format = if format == Format::JsonLines {
            Format::Json
        } else {
            format
        };
        facts::load(&self.program.schema, &file, 0..text.len(), format).map(|value| Facts { value })
    }

    /// Evaluates the policy on facts.
    pub fn evaluate(&self, facts: &Facts) -> Result<Decision, Diagnostics> {
        crate::eval::evaluate(&self.program, &facts.value)
    }

    /// Reads one facts document and evaluates it.
    pub fn evaluate_str(&self, text: &str) -> Result<Decision, Diagnostics> {
        let facts = self.facts_from_str(text).map_err(|d| {
            let mut ds = Diagnostics::default();
            ds.push(d);
            ds
        })?;
        self.evaluate(&facts)
    }

    /// Evaluates every document of a facts file (a YAML stream, JSON Lines or
    /// one JSON document), in order: one outcome per document. `name` picks
    /// the format by extension (`.yaml`, `.json`, `.jsonl`) and appears in
    /// diagnostics.
    pub fn evaluate_file(&self, name: &str, text: &str) -> Vec<Outcome> {
        let format = Format::detect(name, text);
        let file = Arc::new(SourceFile::new(name, text));
        facts::split(text, format)
            .into_iter()
            .map(|range| {
                let doc = text.get(range.clone()).unwrap_or("");
                match facts::load(&self.program.schema, &file, range, format) {
                    Ok(value) => match crate::eval::evaluate(&self.program, &value) {
                        Ok(d) => Outcome::Decided(d),
                        Err(diagnostics) => Outcome::Failed {
                            id: self.id_of(&value),
                            diagnostics,
                        },
                    },
                    Err(d) => {
                        let mut diagnostics = Diagnostics::default();
                        diagnostics.push(d);
                        Outcome::Failed {
                            id: self.loose_id(doc),
                            diagnostics,
                        }
                    }
                }
            })
            .collect()
    }

    fn id_of(&self, facts: &Value) -> Value {
        crate::eval::identify(&self.program, facts)
    }

    /// The identifier of a document that does not fit the schema, read
    /// loosely, when it can be found at all.
    fn loose_id(&self, doc: &str) -> Value {
        let Ok(mut v) = serde_yaml::from_str::<serde_yaml::Value>(doc) else {
            return Value::Absent;
        };
        for name in &self.program.identifier_path {
            match v.get(&**name) {
                Some(inner) => v = inner.clone(),
                None => return Value::Absent,
            }
        }
        match v {
            serde_yaml::Value::String(s) => Value::Str(Arc::from(s)),
            serde_yaml::Value::Number(n) => Value::Str(Arc::from(n.to_string())),
            serde_yaml::Value::Bool(b) => Value::Bool(b),
            _ => Value::Absent,
        }
    }
}
