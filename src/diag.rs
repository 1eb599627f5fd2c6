//! Diagnostics: every error and warning a user can cause, as miette values.
//!
//! A [`Diagnostic`] carries a stable code from [`codes`], a message, the
//! source it points into with labelled spans, and a help line that says how
//! to fix it. The library never prints: the binary renders diagnostics.

use std::fmt;
use std::sync::Arc;

use crate::source::{Origin, SourceFile, Sources, Span};

/// How many bytes of the facts a diagnostic keeps on each side of what it
/// points at (see [`Diagnostic::windowed`]).
const WINDOW_BYTES: usize = 240;

/// The longest message or label a facts diagnostic keeps, in characters.
const MAX_TEXT_CHARS: usize = 400;

/// `text` cut to `max` characters, with an ellipsis when it was longer.
pub(crate) fn capped(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", text.get(..at).unwrap_or("")),
        None => text.to_string(),
    }
}

/// The largest char boundary of `text` at or below `i`.
fn floor_char(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Stops the package from being used, or a request from being decided.
    Error,
    /// Worth fixing; does not stop anything unless warnings are denied.
    Warning,
}

/// One entry of the error-code index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// The stable identifier, such as `pactum::check::unknown_name`.
    pub id: &'static str,
    /// Whether diagnostics with this code are errors or warnings.
    pub severity: Severity,
    /// A one-line summary for the index.
    pub summary: &'static str,
    /// The long explanation, with a wrong and a right example (Markdown).
    pub explanation: &'static str,
}

impl Code {
    /// The stage part of the identifier: `facts` for
    /// `pactum::facts::wrong_type`. Every code of a stage calls for the
    /// same handling (see `docs/embedding.md`).
    ///
    /// ```
    /// assert_eq!(pactum::codes::FACTS_WRONG_TYPE.stage(), "facts");
    /// assert_eq!(pactum::codes::EVAL_OVERFLOW.stage(), "eval");
    /// ```
    pub fn stage(&self) -> &'static str {
        self.id.split("::").nth(1).unwrap_or("")
    }

    /// The last part of the identifier: `wrong_type` for
    /// `pactum::facts::wrong_type`.
    ///
    /// ```
    /// assert_eq!(pactum::codes::FACTS_WRONG_TYPE.name(), "wrong_type");
    /// ```
    pub fn name(&self) -> &'static str {
        self.id.rsplit("::").next().unwrap_or("")
    }

    /// Looks a code up by its identifier (`pactum::check::unknown_field`),
    /// by its stage and name (`check::unknown_field`), or by its last part
    /// alone (`unknown_field`) when that is unambiguous.
    ///
    /// ```
    /// use pactum::diag::Code;
    /// let code = Code::find("pactum::check::cycle").unwrap();
    /// assert!(code.explanation.contains("cycle"));
    /// assert_eq!(Code::find("check::cycle"), Some(code));
    /// assert_eq!(Code::find("cycle"), Some(code));
    /// assert_eq!(Code::find("unknown_field"), None); // check:: and facts::
    /// ```
    pub fn find(id: &str) -> Option<Code> {
        if let Some(c) = codes::ALL.iter().find(|c| c.id == id) {
            return Some(*c);
        }
        let mut short = codes::ALL.iter().filter(|c| {
            c.id.strip_suffix(id)
                .is_some_and(|head| head.ends_with("::"))
        });
        match (short.next(), short.next()) {
            (Some(c), None) => Some(*c),
            _ => None,
        }
    }
}

/// A code is equal to its identifier, so that codes compare with strings
/// read from JSON or configuration as well as with the [`codes`] constants.
///
/// ```
/// use pactum::codes;
/// assert!(codes::FACTS_WRONG_TYPE == "pactum::facts::wrong_type");
/// assert!("pactum::facts::wrong_type" == codes::FACTS_WRONG_TYPE);
/// assert!(codes::FACTS_WRONG_TYPE != *"pactum::facts::unknown_field");
/// ```
impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.id == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.id == *other
    }
}

impl PartialEq<Code> for str {
    fn eq(&self, other: &Code) -> bool {
        self == other.id
    }
}

impl PartialEq<Code> for &str {
    fn eq(&self, other: &Code) -> bool {
        *self == other.id
    }
}

/// Shows the identifier, such as `pactum::facts::wrong_type`.
///
/// ```
/// assert_eq!(pactum::codes::CHECK_CYCLE.to_string(), "pactum::check::cycle");
/// ```
impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

mod table;
pub use table::codes;

/// A label under part of the source.
#[derive(Debug, Clone)]
struct Label {
    offset: usize,
    len: usize,
    text: Option<String>,
    primary: bool,
}

/// One error or warning, with its code, location, labels and help.
///
/// Implements [`miette::Diagnostic`], so it renders like rustc's errors:
///
/// ```
/// let pkg = pactum::Package::from_sources([("a.policy", "package a\nlet x = y + 1")]);
/// let diags = pkg.check().unwrap_err();
/// let d = diags.iter().next().unwrap();
/// assert_eq!(d.code_id(), "pactum::check::unknown_name");
/// ```
#[derive(Debug, Clone)]
pub struct Diagnostic(Box<Inner>);

#[derive(Debug, Clone)]
struct Inner {
    code: Code,
    message: String,
    help: Option<String>,
    source: Option<Arc<SourceFile>>,
    labels: Vec<Label>,
    notes: Vec<String>,
    /// Where in the facts a facts error is (`order.items[0].sku`).
    facts_path: Option<Box<str>>,
    /// The file a diagnostic is about when it has no source text to point
    /// into (a file that cannot be read, or is too large to read).
    path: Option<Box<str>>,
}

impl Diagnostic {
    /// A diagnostic with `code` and `message`, not yet located.
    pub(crate) fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic(Box::new(Inner {
            code,
            message: message.into(),
            help: None,
            source: None,
            labels: Vec::new(),
            notes: Vec::new(),
            facts_path: None,
            path: None,
        }))
    }

    /// A diagnostic of a host program: one of the [`codes`] (or a code of
    /// its own), a message and a help line, not located in any file. It
    /// renders and serializes as Pactum's own diagnostics do.
    ///
    /// ```
    /// use pactum::{codes, Diagnostic};
    /// let d = Diagnostic::unlocated(codes::FACTS_IO, "cannot reach the billing service", "try again later");
    /// assert_eq!(d.code(), codes::FACTS_IO);
    /// assert_eq!(d.help_text(), Some("try again later"));
    /// assert!(d.line_col().is_none());
    /// ```
    pub fn unlocated(code: Code, message: impl Into<String>, help: impl Into<String>) -> Self {
        Diagnostic::new(code, message).help(help)
    }

    /// Names the file the diagnostic is about, when there is no source text
    /// to point into: machine-readable output then still says which file.
    pub(crate) fn about_path(mut self, path: &std::path::Path) -> Self {
        self.0.path = Some(path.display().to_string().into_boxed_str());
        self
    }

    /// Records where in the facts the error is (see
    /// [`Diagnostic::facts_path`]).
    pub(crate) fn with_facts_path(mut self, path: Option<String>) -> Self {
        self.0.facts_path = path.map(String::into_boxed_str);
        self
    }

    /// Points the diagnostic at `span` of the package, with a primary label.
    pub(crate) fn at(mut self, sources: &Sources, span: Span, label: impl Into<String>) -> Self {
        if let Some(file) = sources.get(span.file) {
            self.0.source = Some(file.clone());
            self.0.labels.insert(
                0,
                Label {
                    offset: span.start as usize,
                    len: span.len(),
                    text: Some(label.into()).filter(|s| !s.is_empty()),
                    primary: true,
                },
            );
        }
        self
    }

    /// Points the diagnostic at a byte range of a standalone file (facts).
    pub(crate) fn at_file(
        mut self,
        file: Arc<SourceFile>,
        offset: usize,
        len: usize,
        label: impl Into<String>,
    ) -> Self {
        self.0.source = Some(file);
        self.0.labels.insert(
            0,
            Label {
                offset,
                len,
                text: Some(label.into()).filter(|s| !s.is_empty()),
                primary: true,
            },
        );
        self
    }

    /// Adds a secondary label at a byte range of the file the diagnostic
    /// points into (see [`Diagnostic::at_file`]).
    pub(crate) fn also_at(mut self, offset: usize, len: usize, text: impl Into<String>) -> Self {
        if self.0.source.is_some() {
            self.0.labels.push(Label {
                offset,
                len,
                text: Some(text.into()).filter(|s| !s.is_empty()),
                primary: false,
            });
        }
        self
    }

    /// Adds a secondary label; ignored when it is in another file.
    pub(crate) fn label(mut self, sources: &Sources, span: Span, text: impl Into<String>) -> Self {
        let same = match (&self.0.source, sources.get(span.file)) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        if same {
            self.0.labels.push(Label {
                offset: span.start as usize,
                len: span.len(),
                text: Some(text.into()),
                primary: false,
            });
        } else if let Some(file) = sources.get(span.file) {
            let (line, col) = file.line_col(span.start as usize);
            self.0
                .notes
                .push(format!("{}: see {}:{line}:{col}", text.into(), file.name()));
        }
        self
    }

    /// Keeps only a short window of the source around the primary label
    /// (about [`WINDOW_BYTES`] on each side, whole lines when they are
    /// short), so that a diagnostic never holds or prints a huge facts text;
    /// line, column and byte offsets stay those of the whole file. Messages
    /// and labels are capped to [`MAX_TEXT_CHARS`] characters.
    ///
    /// `known` is a byte offset of the source text at a line start and the
    /// number of lines before it (a document's start): lines are counted
    /// from there when the window is after it, so that windowing costs the
    /// size of the document, not of the file.
    pub(crate) fn windowed(mut self, known: (usize, usize)) -> Self {
        self.0.message = capped(&self.0.message, MAX_TEXT_CHARS);
        for l in &mut self.0.labels {
            if let Some(t) = &mut l.text {
                *t = capped(t, MAX_TEXT_CHARS);
            }
        }
        let Some(file) = self.0.source.clone() else {
            return self;
        };
        let text = file.text();
        if text.len() <= 4 * WINDOW_BYTES {
            return self;
        }
        let Some(primary) = self.0.labels.first() else {
            self.0.source = None;
            return self;
        };
        let at = floor_char(text, primary.offset);
        let bytes = text.as_bytes();
        // Start: the first line start within the window before `at`, else
        // mid-line.
        let lo = floor_char(text, at.saturating_sub(WINDOW_BYTES));
        let start = if lo == 0 {
            0
        } else {
            match memchr::memchr(b'\n', bytes.get(lo..at).unwrap_or_default()) {
                Some(i) => lo + i + 1,
                None => lo,
            }
        };
        // End: the last line end within a window past the label (long
        // labels are cut), its line break included so that a label at the
        // end of a line still shows; else mid-line.
        let label_end = floor_char(text, at + primary.len.min(WINDOW_BYTES));
        let hi = floor_char(text, label_end + WINDOW_BYTES);
        let end = match memchr::memrchr(b'\n', bytes.get(label_end..hi).unwrap_or_default()) {
            Some(i) => label_end + i + 1,
            None => hi,
        };
        let Some(window) = text.get(start..end) else {
            return self;
        };
        // Lines before the window, counted from the known line start when
        // it comes first.
        let (from, lines_before) = if known.0 <= start && text.is_char_boundary(known.0) {
            known
        } else {
            (0, 0)
        };
        let skipped = bytes.get(from..start).unwrap_or_default();
        let lines = lines_before + memchr::memchr_iter(b'\n', skipped).count();
        let outer = file.origin();
        let line_start = match memchr::memrchr(b'\n', bytes.get(..start).unwrap_or_default()) {
            Some(i) => i + 1,
            None => 0,
        };
        let columns = file.columns_before(line_start, start)
            + if line_start == 0 { outer.columns } else { 0 };
        let origin = Origin {
            lines: outer.lines + lines,
            bytes: outer.bytes + start,
            columns,
        };
        self.0.source = Some(Arc::new(SourceFile::piece(
            file.name().to_string(),
            window,
            origin,
        )));
        self.0
            .labels
            .retain(|l| l.offset >= start && l.offset <= end);
        for l in &mut self.0.labels {
            l.offset -= start;
            l.len = l.len.min(end - start - l.offset);
        }
        self
    }

    /// Adds a note, shown after the help.
    pub(crate) fn note(mut self, note: impl Into<String>) -> Self {
        self.0.notes.push(note.into());
        self
    }

    /// Sets the help line.
    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.0.help = Some(help.into());
        self
    }

    /// The stable code, such as `pactum::check::unknown_field`.
    pub fn code_id(&self) -> &'static str {
        self.0.code.id
    }

    /// The code as a value of the index: compare it with the constants of
    /// [`codes`] (in `match` arms or guards), with a string, or ask its
    /// [`Code::stage`]. (This inherent method shadows
    /// [`miette::Diagnostic::code`], which gives the same identifier as
    /// text: call that one as `miette::Diagnostic::code(&d)`.)
    ///
    /// ```
    /// use pactum::codes;
    ///
    /// let policy = pactum::Package::from_sources([("a.policy", "package a\nschema order { total: decimal }")])
    ///     .check()
    ///     .unwrap();
    /// let errors = policy.evaluate_str("order: { total: ten }").unwrap_err();
    /// let first = errors.first().unwrap();
    /// let answer = match first.code() {
    ///     codes::FACTS_WRONG_TYPE | codes::FACTS_MISSING_FIELD => "fix the field",
    ///     code if code.stage() == "facts" => "fix the request",
    ///     _ => "not decided",
    /// };
    /// assert_eq!(answer, "fix the field");
    /// assert!(first.code() == "pactum::facts::wrong_type");
    /// ```
    pub fn code(&self) -> Code {
        self.0.code
    }

    /// Where in the facts a facts error is, as a path of field names and
    /// list indexes: `order.total`, `order.items[2].sku`. For a missing or
    /// unknown field it is that field's path (`order.placed_on`). `None`
    /// for errors that are not about one value of the facts (a syntax
    /// error, a document too large) and for every other stage's errors.
    ///
    /// ```
    /// let policy = pactum::Package::from_sources([(
    ///     "a.policy",
    ///     "package a\nschema order { total: decimal, lines: list of { sku: string } }",
    /// )])
    /// .check()
    /// .unwrap();
    /// let path = |text: &str| {
    ///     let errors = policy.evaluate_str(text).unwrap_err();
    ///     errors.first().and_then(|e| e.facts_path()).map(str::to_owned)
    /// };
    /// assert_eq!(path("order: { total: ten, lines: [] }").as_deref(), Some("order.total"));
    /// assert_eq!(path("order: { total: 1, lines: [{ sku: 7 }] }").as_deref(), Some("order.lines[0].sku"));
    /// assert_eq!(path("order: { lines: [] }").as_deref(), Some("order.total"));
    /// assert_eq!(path("order: { total: 1, lines: [], totl: 2 }").as_deref(), Some("order.totl"));
    /// assert_eq!(path("order: {").as_deref(), None);
    ///
    /// // Each mistake of a document is a diagnostic of its own, with its path.
    /// let errors = policy.evaluate_str("order: { total: ten, lines: [{ sku: 7 }, {}] }").unwrap_err();
    /// let paths: Vec<&str> = errors.iter().filter_map(|e| e.facts_path()).collect();
    /// assert_eq!(paths, ["order.total", "order.lines[0].sku", "order.lines[1].sku"]);
    /// ```
    pub fn facts_path(&self) -> Option<&str> {
        self.0.facts_path.as_deref()
    }

    /// `file:line:column` of the primary label, if located.
    fn location(&self) -> Option<String> {
        let (line, col) = self.line_col()?;
        Some(format!("{}:{line}:{col}", self.file_name()?))
    }

    /// Error or warning.
    pub fn severity_level(&self) -> Severity {
        self.0.code.severity
    }

    /// The message, without location.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The help line, if any.
    pub fn help_text(&self) -> Option<&str> {
        self.0.help.as_deref()
    }

    /// The file the diagnostic points into, if any.
    pub fn file_name(&self) -> Option<&str> {
        self.0
            .source
            .as_deref()
            .map(SourceFile::name)
            .or(self.0.path.as_deref())
    }

    /// One-based line and column of the primary label, if located.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let file = self.0.source.as_deref()?;
        let label = self.0.labels.first()?;
        Some(file.line_col(label.offset))
    }

    /// The source text under the primary label, if located.
    pub fn underlined(&self) -> Option<&str> {
        let file = self.0.source.as_deref()?;
        let label = self.0.labels.first()?;
        file.text().get(label.offset..label.offset + label.len)
    }

    /// A JSON object for editors and CI: code, severity, message, file,
    /// byte span, line and column, labels, help and notes, and the facts
    /// path (`facts_path`, null when there is none: see
    /// [`Diagnostic::facts_path`]).
    ///
    /// ```
    /// let policy = pactum::Package::from_sources([("a.policy", "package a\nschema o { n: int }")])
    ///     .check()
    ///     .unwrap();
    /// let errors = policy.evaluate_str("o: { n: x }").unwrap_err();
    /// let json = errors.first().unwrap().to_json();
    /// assert_eq!(json["facts_path"], "o.n");
    /// assert_eq!((json["line"].as_u64(), json["column"].as_u64()), (Some(1), Some(9)));
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        // Offsets in the whole file, when the source is a piece of it.
        let base = self.0.source.as_deref().map_or(0, |f| f.origin().bytes);
        let labels: Vec<serde_json::Value> = self
            .0
            .labels
            .iter()
            .map(|l| {
                let (line, column) = self
                    .0
                    .source
                    .as_deref()
                    .map_or((0, 0), |f| f.line_col(l.offset));
                serde_json::json!({
                    "message": l.text,
                    "primary": l.primary,
                    "byte_start": base + l.offset,
                    "byte_end": base + l.offset + l.len,
                    "line": line,
                    "column": column,
                })
            })
            .collect();
        let (line, column) = self.line_col().unzip();
        serde_json::json!({
            "code": self.0.code.id,
            "severity": match self.0.code.severity { Severity::Error => "error", Severity::Warning => "warning" },
            "message": self.0.message,
            "file": self.file_name(),
            "line": line,
            "column": column,
            "byte_start": self.0.labels.first().map(|l| base + l.offset),
            "byte_end": self.0.labels.first().map(|l| base + l.offset + l.len),
            "labels": labels,
            "help": self.0.help,
            "notes": self.0.notes,
            "facts_path": self.0.facts_path,
        })
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.0.code.id))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.0.code.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        match (&self.0.help, self.0.notes.is_empty()) {
            (None, true) => None,
            (Some(h), true) => Some(Box::new(h.as_str())),
            (h, false) => {
                let mut text = h.clone().unwrap_or_default();
                for n in &self.0.notes {
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    text.push_str("note: ");
                    text.push_str(n);
                }
                Some(Box::new(text))
            }
        }
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.0
            .source
            .as_deref()
            .map(|f| f as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        if self.0.labels.is_empty() || self.0.source.is_none() {
            return None;
        }
        Some(Box::new(self.0.labels.iter().map(|l| {
            if l.primary {
                miette::LabeledSpan::new_primary_with_span(l.text.clone(), (l.offset, l.len))
            } else {
                miette::LabeledSpan::new_with_span(l.text.clone(), (l.offset, l.len))
            }
        })))
    }
}

impl miette::SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self
            .text()
            .read_span(span, context_lines_before, context_lines_after)?;
        // Columns count characters, as `line_col` and the JSON output do
        // (miette counts bytes).
        let text = self.text();
        let data_start = inner.span().offset().min(text.len());
        let before = text.get(..data_start).unwrap_or("");
        let line_start = memchr::memrchr(b'\n', before.as_bytes()).map_or(0, |i| i + 1);
        let chars = self.columns_before(line_start, data_start);
        // Lines and columns of the whole file, when this is a piece of it.
        let origin = self.origin();
        let column = if inner.line() == 0 {
            chars + origin.columns
        } else {
            chars
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name().to_string(),
            inner.data(),
            *inner.span(),
            inner.line() + origin.lines,
            column,
            inner.line_count(),
        )))
    }
}

/// A list of diagnostics from one run, errors and warnings together, in the
/// order they were found (file by file, top to bottom).
#[derive(Debug, Clone, Default)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Keeps the first `len` diagnostics only.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.0.truncate(len);
    }

    pub(crate) fn retain(&mut self, keep: impl FnMut(&Diagnostic) -> bool) {
        self.0.retain(keep);
    }

    pub(crate) fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// [`Diagnostic::windowed`] of each.
    pub(crate) fn windowed(self, known: (usize, usize)) -> Diagnostics {
        self.map(|d| d.windowed(known))
    }

    /// Each diagnostic passed through `f`.
    pub(crate) fn map(self, f: impl FnMut(Diagnostic) -> Diagnostic) -> Diagnostics {
        Diagnostics(self.0.into_iter().map(f).collect())
    }

    /// The first diagnostic, if any: for facts that do not fit, the first
    /// mistake in the document.
    ///
    /// ```
    /// let errors = pactum::Package::from_sources([("a.policy", "package a\nlet x = y")])
    ///     .check()
    ///     .unwrap_err();
    /// assert_eq!(errors.first().unwrap().code(), pactum::codes::CHECK_UNKNOWN_NAME);
    /// ```
    pub fn first(&self) -> Option<&Diagnostic> {
        self.0.first()
    }

    /// Iterates over the diagnostics.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.0.code.severity == Severity::Error)
    }

    /// How many diagnostics there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sorts by file, then position, keeping the order of equal positions.
    pub(crate) fn sort(&mut self) {
        self.0.sort_by_key(|d| {
            (
                d.file_name().map(str::to_owned),
                d.0.labels.first().map(|l| l.offset),
            )
        });
    }
}

/// One diagnostic as a list of one.
impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Diagnostics {
        Diagnostics(vec![d])
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// One line a diagnostic, in order: its code, its message and, when it has
/// one, its location, so that a `Diagnostics` logged through `?` or
/// `to_string()` keeps every cause. Use [`miette::Report`] to render them
/// with their source text.
///
/// ```
/// let errors = pactum::Package::from_sources([("a.policy", "package a\nlet x = y + z")])
///     .check()
///     .unwrap_err();
/// assert_eq!(
///     errors.to_string(),
///     "pactum::check::unknown_name: unknown name `y` (a.policy:2:9)\n\
///      pactum::check::unknown_name: unknown name `z` (a.policy:2:13)"
/// );
/// ```
impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("no errors or warnings");
        }
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{}: {}", d.0.code.id, d.0.message)?;
            if let Some(at) = d.location() {
                write!(f, " ({at})")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl miette::Diagnostic for Diagnostics {
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        Some(Box::new(
            self.0.iter().map(|d| d as &dyn miette::Diagnostic),
        ))
    }
}
