//! How deep an item nests, measured on its text before pest reads it:
//! pest recurses on each level of brackets (and of `if`, quantifier bodies
//! and `list of`), so an item nested deeper than [`MAX_NESTING`] is
//! refused before it is parsed.

use super::lexicon::ITEM_STARTS;
use super::scan::starts_word;

/// The deepest nesting of brackets (and of `if`, quantifier bodies and
/// `list of`, which nest without brackets) accepted in one declaration: the
/// parser recurses on each level.
pub(crate) const MAX_NESTING: usize = 64;

/// The offset of the first bracket (or `if`, `where`, `of`) nested deeper
/// than [`MAX_NESTING`] in the next item, the depth reached, and whether
/// keywords counted. The scan stops at the end of the item (a line that
/// starts a top-level item outside any bracket), so that parsing a file
/// stays linear in its length.
///
/// `if`, quantifier bodies (`where`, `of`) and `list of` nest without a
/// closing bracket: each counts one level until the bracket around it
/// closes (or the item ends).
fn too_deep(text: &str) -> Option<(usize, usize, bool)> {
    // Levels opened by keywords, per open bracket (the outermost first),
    // and their sum.
    let mut keyword_levels: Vec<usize> = vec![0];
    let mut keywords = 0usize;
    let mut brackets = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    // Whether the previous character continues a word (`if` in `elif` or
    // `x.if` does not open a level).
    let mut prev_word = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    // Byte by byte: every character that matters is ASCII; a non-ASCII
    // character is decoded only to know whether it is a letter.
    while let Some(&b) = bytes.get(i) {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => {
                    in_string = false;
                    prev_word = false;
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        if b >= 0x80 {
            if b >= 0xC0 {
                prev_word = text
                    .get(i..)
                    .and_then(|r| r.chars().next())
                    .is_some_and(char::is_alphanumeric);
            }
            i += 1;
            continue;
        }
        let word_start = !prev_word;
        match b {
            b'"' => in_string = true,
            b'#' => {
                // A comment: skip to the end of the line.
                i = bytes
                    .get(i..)
                    .and_then(|r| r.iter().position(|&c| c == b'\n'))
                    .map_or(bytes.len(), |n| i + n);
                prev_word = false;
                continue;
            }
            b'(' | b'[' | b'{' => {
                brackets += 1;
                keyword_levels.push(0);
            }
            b')' | b']' | b'}' => {
                if keyword_levels.len() > 1 {
                    keywords -= keyword_levels.pop().unwrap_or(0);
                }
                brackets = brackets.saturating_sub(1);
            }
            b'\n' if brackets == 0 && i > 0 => {
                let next = text.get(i + 1..).unwrap_or("");
                if ITEM_STARTS.iter().any(|kw| starts_word(next, kw)) {
                    return None;
                }
            }
            b'i' | b'w' | b'o' if word_start => {
                let here = text.get(i..).unwrap_or("");
                if ["if", "where", "of"].iter().any(|kw| starts_word(here, kw)) {
                    if let Some(level) = keyword_levels.last_mut() {
                        *level += 1;
                        keywords += 1;
                    }
                }
            }
            _ => {}
        }
        prev_word = b.is_ascii_alphanumeric() || b == b'_' || b == b'.';
        let depth = brackets + keywords;
        if depth > MAX_NESTING {
            return Some((i, depth, keywords > 0));
        }
        i += 1;
    }
    None
}

/// [`too_deep`] on the item at the start of `text`, scanned only when it
/// could nest that deep at all: every level opens with a bracket or with a
/// keyword (`if`, `where`, `of`) that starts with `i`, `w` or `o`, so an item
/// with at most [`MAX_NESTING`] of those bytes cannot go past the limit.
pub(super) fn nesting_checked(text: &str) -> Option<(usize, usize, bool)> {
    if starts_word(text.trim_start(), "when") {
        // A `when` block holds items, so its lines may start with item
        // keywords at column 0 and the textual extent would cut it into
        // pieces that each look shallow: scan it whole (the scan ends at
        // the first item start outside every bracket, the block's end).
        return too_deep(text);
    }
    let item = text.get(..item_extent(text)).unwrap_or(text);
    let openers = item
        .bytes()
        .filter(|b| matches!(b, b'(' | b'[' | b'{' | b'i' | b'w' | b'o'))
        .count();
    if openers <= MAX_NESTING {
        return None;
    }
    too_deep(item)
}

/// The length of the item at the start of `text`: up to the next line that
/// starts a top-level item at column 0 (or the end).
fn item_extent(text: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        // Every item keyword starts with one of these letters.
        if offset > 0 && line.starts_with(['p', 'r', 't', 's', 'o', 'l', 'w']) {
            let starts = ITEM_STARTS.iter().any(|kw| {
                line.starts_with(kw)
                    && !line
                        .get(kw.len()..)
                        .and_then(|r| r.chars().next())
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
            });
            if starts {
                return offset;
            }
        }
        offset += line.len();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_measured_outside_strings() {
        assert_eq!(too_deep("let x = \"((((\""), None);
        let deep = format!("let x = {}1{}", "(".repeat(70), ")".repeat(70));
        assert_eq!(too_deep(&deep).map(|(_, d, _)| d), Some(65));
        let ifs = format!("let x = {}1", "if true then 1 else ".repeat(70));
        assert_eq!(too_deep(&ifs).map(|(_, d, k)| (d, k)), Some((65, true)));
        // Each item is measured on its own.
        let many = "let x = if true then 1 else 2\n".repeat(100);
        assert_eq!(too_deep(&many), None);
    }

    /// The scan as first written, a character at a time: the oracle for
    /// the byte-level scan.
    fn char_by_char(text: &str) -> Option<(usize, usize, bool)> {
        // Levels opened by keywords, per open bracket (the outermost first).
        let mut keyword_levels: Vec<usize> = vec![0];
        let mut brackets = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        let mut prev = '\n';
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if in_string {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_string = false,
                    _ => {}
                }
                prev = c;
                continue;
            }
            let word_start = !(prev.is_alphanumeric() || prev == '_' || prev == '.');
            match c {
                '"' => in_string = true,
                '#' => {
                    // A comment: skip to the end of the line.
                    while chars.next_if(|&(_, c)| c != '\n').is_some() {}
                    prev = ' ';
                    continue;
                }
                '(' | '[' | '{' => {
                    brackets += 1;
                    keyword_levels.push(0);
                }
                ')' | ']' | '}' => {
                    if keyword_levels.len() > 1 {
                        keyword_levels.pop();
                    }
                    brackets = brackets.saturating_sub(1);
                }
                '\n' if brackets == 0 && i > 0 => {
                    let next = text.get(i + 1..).unwrap_or("");
                    if ITEM_STARTS.iter().any(|kw| starts_word(next, kw)) {
                        return None;
                    }
                }
                'i' | 'w' | 'o' if word_start => {
                    let here = text.get(i..).unwrap_or("");
                    if ["if", "where", "of"].iter().any(|kw| starts_word(here, kw)) {
                        if let Some(level) = keyword_levels.last_mut() {
                            *level += 1;
                        }
                    }
                }
                _ => {}
            }
            prev = c;
            let keywords: usize = keyword_levels.iter().sum();
            let depth = brackets + keywords;
            if depth > MAX_NESTING {
                return Some((i, depth, keywords > 0));
            }
        }
        None
    }

    #[test]
    fn the_byte_scan_measures_as_the_character_scan_did() {
        const PIECES: &[&str] = &[
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            "if ",
            "where ",
            "of ",
            "x.if ",
            "éif ",
            "…if ",
            "_of ",
            "\"",
            "\\",
            "#c (\n",
            "\n",
            "\nrule r ",
            "\nlet x = ",
            "1 ",
            "ifx ",
            "\"é(\" ",
            "{{",
            "of",
            "if",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut text = String::from("let x = ");
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let len = (seed >> 33) % 200;
            for _ in 0..len {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                text.push_str(PIECES[(seed >> 33) as usize % PIECES.len()]);
            }
            // Deep enough, often enough, to cross the limit.
            if seed % 3 == 0 {
                text.insert_str(8, &"(if ".repeat(40));
            }
            assert_eq!(too_deep(&text), char_by_char(&text), "{text:?}");
            let item = text.get(..item_extent(&text)).unwrap_or(&text);
            assert_eq!(nesting_checked(&text), too_deep(item), "{text:?}");
        }
    }
}
