//! Source files and spans: where every diagnostic points.

use std::sync::Arc;

/// The UTF-8 byte-order mark.
pub(crate) const BOM: char = '\u{feff}';

/// A `.policy` file (or a facts document) held in memory.
///
/// The text is kept once, behind an `Arc`, and shared by every diagnostic that
/// points into it.
#[derive(Debug)]
pub struct SourceFile {
    name: String,
    text: Arc<str>,
    origin: Origin,
}

/// Where a [`SourceFile`]'s text starts in the file it was cut from: a
/// chunk of a batch, or the window of a diagnostic. Zero for a whole file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Origin {
    /// Lines before the text's first line.
    pub(crate) lines: usize,
    /// Bytes before the text.
    pub(crate) bytes: usize,
    /// Characters before the text on its first line (when it starts
    /// mid-line).
    pub(crate) columns: usize,
}

impl SourceFile {
    /// Creates a source file from a display name and its text.
    ///
    /// ```
    /// let file = pactum::SourceFile::new("rules.policy", "let x = 1");
    /// assert_eq!(file.name(), "rules.policy");
    /// ```
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
            origin: Origin::default(),
        }
    }

    /// A `.policy` file: [`SourceFile::new`] without the UTF-8 byte-order
    /// mark that some editors write at the start of a file. Offsets, lines
    /// and columns are those of the text after the mark, as editors show
    /// them. Every policy text is read through here, whichever parser reads
    /// it.
    ///
    /// ```
    /// let file = pactum::SourceFile::policy("rules.policy", "\u{feff}package p\n");
    /// assert_eq!(file.text(), "package p\n");
    /// ```
    pub fn policy(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let text = match text.strip_prefix(BOM) {
            Some(rest) => Arc::from(rest),
            None => text,
        };
        SourceFile {
            name: name.into(),
            text,
            origin: Origin::default(),
        }
    }

    /// A piece of a larger file: `text` starts after `origin`'s lines and
    /// bytes, so positions are reported as in the whole file.
    pub(crate) fn piece(
        name: impl Into<String>,
        text: impl Into<Arc<str>>,
        origin: Origin,
    ) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
            origin,
        }
    }

    /// Where the text starts in the whole file.
    pub(crate) fn origin(&self) -> Origin {
        self.origin
    }

    /// The name shown in diagnostics (usually the path).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The full text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text covered by `span`, or `""` when the span is out of range.
    pub(crate) fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// One-based line and column (in characters) of a byte offset of the
    /// text, in the whole file (see [`SourceFile::piece`]).
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or("");
        let line = memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1;
        let col = match memchr::memrchr(b'\n', before.as_bytes()) {
            Some(i) => before.get(i + 1..).unwrap_or("").chars().count() + 1,
            None => self.columns_before(0, offset) + 1 + self.origin.columns,
        };
        (line + self.origin.lines, col)
    }

    /// The columns from `line_start` (a line start) to `offset`: its
    /// characters, the byte-order mark that opens a file not counted (it
    /// is no column: editors do not show it).
    pub(crate) fn columns_before(&self, line_start: usize, offset: usize) -> usize {
        let chars = self
            .text
            .get(line_start..offset)
            .map_or(0, |t| t.chars().count());
        let bom =
            line_start == 0 && offset > 0 && self.origin.bytes == 0 && self.text.starts_with(BOM);
        chars.saturating_sub(usize::from(bom))
    }
}

/// A byte range in one of a package's files. `Copy`, 12 bytes.
///
/// `file` indexes the package's list of sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Index of the file in the package.
    pub file: u32,
    /// Byte offset of the first character.
    pub start: u32,
    /// Byte offset just past the last character.
    pub end: u32,
}

impl Span {
    /// A span in `file` from `start` to `end`.
    pub(crate) fn new(file: u32, start: usize, end: usize) -> Self {
        Span {
            file,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// The smallest span covering both.
    pub(crate) fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Length in bytes.
    pub(crate) fn len(self) -> usize {
        self.end.saturating_sub(self.start) as usize
    }
}

/// A value with the span it came from. Equality ignores the span.
#[derive(Debug, Clone)]
pub struct Spanned<T> {
    /// The value.
    pub node: T,
    /// Where it was written.
    pub span: Span,
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<T> Spanned<T> {
    /// Wraps `node` with `span`.
    pub(crate) fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

/// The files of a package, indexed by [`Span::file`].
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<Arc<SourceFile>>,
}

impl Sources {
    /// Adds a file and returns its index.
    pub(crate) fn add(&mut self, file: SourceFile) -> u32 {
        self.files.push(Arc::new(file));
        u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX)
    }

    /// Whether there is no file.
    pub(crate) fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The file a span points into.
    pub(crate) fn get(&self, file: u32) -> Option<&Arc<SourceFile>> {
        self.files.get(file as usize)
    }

    /// The text a span covers.
    pub(crate) fn slice(&self, span: Span) -> &str {
        self.get(span.file).map_or("", |f| f.slice(span))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let f = SourceFile::new("a", "ab\ncdé f");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(8), (2, 5));
    }
}
