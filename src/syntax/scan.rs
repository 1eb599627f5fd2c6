//! Reading the raw text around a syntax error: brackets and what opened
//! them, lines, words. Used by the parser's recovery and by the wording of
//! syntax errors, never on text that parsed.

use super::lexicon::ITEM_STARTS;

/// What opened a bracket, for [`open_braces`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Opener {
    /// The `{` of a `when` block, with the offset of its `when`.
    When(usize),
    /// The `{` of a rule, with the offset of its `rule`.
    Rule(usize),
    /// The `{` of a schema.
    Schema,
    /// The `{` of a declared type (`type money = {`).
    Type,
    /// Any other bracket: `(`, `[`, or the `{` of a record type inside
    /// another.
    Bracket(char),
}

/// The brackets of `text` (outside texts and comments): those left open at
/// its end, the outermost first, and the last one closed; each with its
/// offset and what opened it.
pub(super) struct Braces {
    /// Left open at the end of the text, the outermost first.
    pub(super) open: Vec<(usize, Opener)>,
    /// The last bracket closed, where it opened.
    pub(super) last_closed: Option<(usize, Opener)>,
}

/// The brackets of `text`: see [`Braces`].
pub(super) fn braces(text: &str) -> Braces {
    let mut open = Vec::new();
    let mut last_closed = None;
    let mut last_keyword: Option<Opener> = None;
    let mut in_string = false;
    let mut escaped = false;
    let mut prev_word = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                // A text cannot span lines.
                '"' | '\n' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '#' => while chars.next_if(|&(_, c)| c != '\n').is_some() {},
            '{' => {
                open.push((i, last_keyword.take().unwrap_or(Opener::Bracket('{'))));
            }
            '(' | '[' => open.push((i, Opener::Bracket(c))),
            '}' | ')' | ']' => {
                if let Some(closed) = open.pop() {
                    last_closed = Some(closed);
                }
            }
            _ if !prev_word && c.is_ascii_alphabetic() => {
                let here = text.get(i..).unwrap_or("");
                let word = here.get(..word_len(here)).unwrap_or("");
                match word {
                    "when" => last_keyword = Some(Opener::When(i)),
                    "rule" => last_keyword = Some(Opener::Rule(i)),
                    "schema" => last_keyword = Some(Opener::Schema),
                    "type" => last_keyword = Some(Opener::Type),
                    _ if ITEM_STARTS.contains(&word) => last_keyword = None,
                    _ => {}
                }
            }
            _ => {}
        }
        prev_word = c.is_alphanumeric() || c == '_' || c == '.';
    }
    Braces { open, last_closed }
}

/// The length of the name (letters, digits, `_`) at the start of `text`.
pub(super) fn word_len(text: &str) -> usize {
    text.find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len())
}

/// The name (letters, digits, `_`) at the start of `text`.
pub(super) fn word(text: &str) -> &str {
    text.get(..word_len(text)).unwrap_or("")
}

/// Whether `text` starts with the word `kw` (not a longer name).
pub(super) fn starts_word(text: &str, kw: &str) -> bool {
    text.starts_with(kw)
        && !text
            .get(kw.len()..)
            .and_then(|s| s.chars().next())
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// The line around offset `at`: where it starts and where it ends (before
/// its `\n`, and before a `\r` that ends it).
pub(super) fn line_bounds(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let start = text
        .get(..at)
        .and_then(|b| b.rfind('\n'))
        .map_or(0, |i| i + 1);
    let end = text
        .get(at..)
        .and_then(|r| r.find('\n'))
        .map_or(text.len(), |i| at + i);
    let end = if text.get(..end).is_some_and(|l| l.ends_with('\r')) {
        end - 1
    } else {
        end
    };
    (start, end.max(start))
}

/// The line and column (both from 1, the column in characters) of offset
/// `at`, as a diagnostic's header shows them.
pub(super) fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at.min(text.len())).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before, |i| before.get(i + 1..).unwrap_or(""))
        .chars()
        .count()
        + 1;
    (line, col)
}

/// Whether offset `at` is the first character of its line other than
/// spaces and tabs.
pub(super) fn first_on_line(text: &str, at: usize) -> bool {
    let (start, _) = line_bounds(text, at);
    text.get(start..at)
        .is_some_and(|b| b.chars().all(|c| c == ' ' || c == '\t'))
}

/// Whether the line around `at` starts a top-level item: an item keyword
/// at its very start (an indented line is inside something).
pub(super) fn line_starts_item(text: &str, at: usize) -> Option<&'static str> {
    let (start, _) = line_bounds(text, at);
    let line = text.get(start..).unwrap_or("");
    ITEM_STARTS.iter().copied().find(|kw| starts_word(line, kw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_know_what_opened_them() {
        let text = "rule r {\n  when f(x\n";
        let b = braces(text);
        assert_eq!(
            b.open,
            vec![(7, Opener::Rule(0)), (17, Opener::Bracket('('))]
        );
        let b = braces("schema s { a: optional { b: int } }\nrule r { }");
        assert!(b.open.is_empty());
        assert_eq!(b.last_closed, Some((43, Opener::Rule(36))));
        let b = braces("schema s { a: optional { b: int }\n");
        assert_eq!(b.open, vec![(9, Opener::Schema)]);
        assert_eq!(b.last_closed, Some((23, Opener::Bracket('{'))));
    }

    #[test]
    fn lines_and_columns() {
        let text = "ab\r\ncdé f\n";
        assert_eq!(line_bounds(text, 0), (0, 2));
        assert_eq!(line_bounds(text, 5), (4, 10));
        assert_eq!(line_col(text, 4), (2, 1));
        assert_eq!(line_col(text, 9), (2, 5));
        assert!(first_on_line("  rule", 2));
        assert!(!first_on_line("a rule", 2));
    }
}
