//! YAML slips: a syntax error that libyaml reports by what it expected
//! ("did not find expected key", "mapping values are not allowed in this
//! context") worded by the shape of the text at the error:
//!
//! - a key indented less than the keys above it, but more than the key
//!   that holds them (it belongs to neither);
//! - a key indented more than a key above it that has a value on its line
//!   (it reads as more of that value);
//! - text after the closing quote of a quoted string (a quote inside the
//!   text ended it early);
//! - a tab in the indentation.
//!
//! This runs only once a document has failed to parse. A string left open
//! is [`super::quotes`]'s.

use super::locate::{char_len_at, Located};
use super::quotes::yaml_strings;

/// The longest text a help quotes back (longer ones are not repeated).
const QUOTED_CHARS: usize = 60;

/// The syntax error of a YAML document that libyaml refused with `message`
/// (its text, without positions) at the offset `at`, when the text's shape
/// tells the slip.
pub(super) fn yaml(doc: &str, message: &str, at: usize) -> Option<Located> {
    if message.starts_with("unknown anchor") {
        return unknown_alias(doc, at);
    }
    if message.starts_with("found character that cannot start any token") {
        return tab(doc, at);
    }
    if let Some(l) = after_quote(doc, at) {
        return Some(l);
    }
    if message.starts_with("did not find expected key")
        || message.starts_with("did not find expected '-' indicator")
    {
        return dedented(doc, at).or_else(|| no_space_after_colon(doc, at));
    }
    if message.starts_with("mapping values are not allowed") {
        return over_indented(doc, at).or_else(|| no_space_after_colon(doc, at));
    }
    if message.contains("while parsing a flow sequence")
        || message.contains("while parsing a flow mapping")
    {
        return unclosed_flow(doc, at);
    }
    if message.starts_with("could not find expected ':'") {
        return no_space_after_colon(doc, at);
    }
    None
}

/// A line above `at` written `key:value`, without the space after the
/// colon that makes a key: YAML reads it as one text, and the key on the
/// next line then has no mapping to belong to.
fn no_space_after_colon(doc: &str, at: usize) -> Option<Located> {
    let b = doc.as_bytes();
    let ls = line_start(b, at);
    // The line of the error (libyaml may stop at its end), else the
    // nearest line above it that holds something other than a comment.
    let here = doc.get(ls..line_end(b, ls))?;
    let body = here.trim_start_matches(' ');
    if let Some(l) = key_without_space(ls + (here.len() - body.len()), body) {
        return Some(l);
    }
    let mut end = ls.checked_sub(1)?;
    loop {
        let start = line_start(b, end);
        let line = doc.get(start..end)?.trim_end_matches('\r');
        let body = line.trim_start_matches(' ');
        if !body.is_empty() && !body.starts_with('#') {
            return key_without_space(start + (line.len() - body.len()), body);
        }
        end = start.checked_sub(1)?;
    }
}

/// `text` (a line's content, at `start`), when it is `key:value` without
/// the space after the colon.
fn key_without_space(start: usize, text: &str) -> Option<Located> {
    // A quoted key (`"coupon":{…}`, as JSON writes it) ends at its quote.
    let colon = match text.chars().next() {
        Some(q @ ('"' | '\'')) => {
            let close = text.get(1..)?.find(q)? + 1;
            (text.get(close + 1..)?.starts_with(':')).then_some(close + 1)?
        }
        _ => text.find(':')?,
    };
    let (key, value) = (text.get(..colon)?, text.get(colon + 1..)?);
    let quoted = key.starts_with(['"', '\'']);
    let plain_key = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !(quoted || plain_key && !text.contains(": "))
        || value.is_empty()
        || value.starts_with([' ', '/'])
        || text.ends_with(':')
    {
        return None;
    }
    let written = format!("{key}: {value}");
    Some(Located::syntax(
        format!(
            "invalid YAML: `{text}` has no space after the colon of the key `{key}`; without one, YAML does not read a key and its value"
        ),
        "no space after `:`",
        if written.chars().count() <= QUOTED_CHARS {
            format!("write a space after the colon: `{written}`")
        } else {
            "write a space after the colon".to_string()
        },
        start + colon,
        1,
    ))
}

/// The start of the line holding `at`.
fn line_start(b: &[u8], at: usize) -> usize {
    b.get(..at)
        .and_then(|r| memchr::memrchr(b'\n', r))
        .map_or(0, |i| i + 1)
}

/// The end of the line holding `at` (before its line break).
fn line_end(b: &[u8], at: usize) -> usize {
    let end = b
        .get(at..)
        .and_then(|r| memchr::memchr(b'\n', r))
        .map_or(b.len(), |n| at + n);
    if end > at && b.get(end - 1) == Some(&b'\r') {
        end - 1
    } else {
        end
    }
}

/// The indentation, in spaces, of the line starting at `ls`.
fn indent(b: &[u8], ls: usize) -> usize {
    b.get(ls..)
        .map_or(0, |r| r.iter().take_while(|c| **c == b' ').count())
}

/// "1 space", "2 spaces".
fn spaces(n: usize) -> String {
    if n == 1 {
        "1 space".to_string()
    } else {
        format!("{n} spaces")
    }
}

/// What a line holds at `at`, its first character: a key, or a list item.
struct Entry {
    /// How messages name it: `` `height` `` or `` `- b` ``.
    name: String,
    /// Whether it is a list item.
    item: bool,
    /// Its span: the key, or the item's `-` and what follows on the line.
    start: usize,
    len: usize,
}

/// The key or the list item starting at `at`.
fn entry(doc: &str, at: usize) -> Option<Entry> {
    let b = doc.as_bytes();
    let end = line_end(b, at);
    let line = doc.get(at..end)?;
    let item = line == "-" || line.starts_with("- ");
    let text = if item {
        line.split(" #").next().unwrap_or(line).trim_end()
    } else {
        let colon = line
            .match_indices(':')
            .find(|(i, _)| matches!(line.as_bytes().get(i + 1), None | Some(b' ' | b'\t')))
            .map_or(line.len(), |(i, _)| i);
        line.get(..colon)?.trim_end()
    };
    if text.is_empty() || text.starts_with('#') || text.chars().count() > QUOTED_CHARS {
        return None;
    }
    Some(Entry {
        name: format!("`{text}`"),
        item,
        start: at,
        len: text.len(),
    })
}

/// The lines above `ls` that hold content (not blank, not a comment): the
/// offset of each one's first character and its indentation, nearest
/// first, each less indented than the ones before it (the keys of the
/// blocks still open at `ls`).
fn open_above(b: &[u8], ls: usize) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut end = ls;
    while end > 0 {
        let start = line_start(b, end - 1);
        let n = indent(b, start);
        let first = b.get(start + n).copied();
        end = start;
        if matches!(first, None | Some(b'\n' | b'\r' | b'#')) {
            continue;
        }
        if b.get(start..start + 3) == Some(b"---") || b.get(start..start + 3) == Some(b"...") {
            break;
        }
        if out.last().is_none_or(|(_, i)| n < *i) {
            out.push((start + n, n));
        }
        if n == 0 {
            break;
        }
    }
    out
}

/// A key (or list item) at `at`, the first character of its line,
/// indented less than the keys above it and more than the key holding
/// them.
fn dedented(doc: &str, at: usize) -> Option<Located> {
    let b = doc.as_bytes();
    let ls = line_start(b, at);
    let n = at.checked_sub(ls)?;
    if indent(b, ls) != n {
        return None;
    }
    let here = entry(doc, at)?;
    let above = open_above(b, ls);
    let (sibling_at, m) = above
        .iter()
        .filter(|(_, i)| *i > n)
        .min_by_key(|(_, i)| *i)?;
    let sibling = entry(doc, *sibling_at)?;
    let outer = above
        .iter()
        .filter(|(_, i)| *i < n)
        .max_by_key(|(_, i)| *i)
        .and_then(|(o, i)| Some((entry(doc, *o)?, *i)));
    let kind = if sibling.item { "items" } else { "keys" };
    let message = format!(
        "invalid YAML: {} is indented by {}, while the {kind} above it ({}) are indented by {m}",
        here.name,
        spaces(n),
        sibling.name
    );
    let it = if here.item { "the item" } else { &here.name };
    let help = match outer {
        Some((outer, 0)) => format!(
            "indent {it} by {} to put it beside {}, or not at all to put it beside {}",
            spaces(*m),
            sibling.name,
            outer.name
        ),
        Some((outer, p)) => format!(
            "indent {it} by {} to put it beside {}, or by {} to put it beside {}",
            spaces(*m),
            sibling.name,
            spaces(p),
            outer.name
        ),
        None => format!("indent {it} by {}, as {}", spaces(*m), sibling.name),
    };
    Some(
        Located::syntax(
            message,
            format!("indented by {}", spaces(n)),
            help,
            here.start,
            here.len,
        )
        .also(
            sibling.start,
            sibling.len,
            format!("indented by {}", spaces(*m)),
        ),
    )
}

/// A key whose `:` is at `at`, indented more than the key above it,
/// which has a value on its line: the key reads as more of that value.
fn over_indented(doc: &str, at: usize) -> Option<Located> {
    let b = doc.as_bytes();
    if b.get(at) != Some(&b':') {
        return None;
    }
    let ls = line_start(b, at);
    let n = indent(b, ls);
    let here = entry(doc, ls + n)?;
    if here.item || here.start + here.len != at {
        return None;
    }
    let (prev_at, m) = *open_above(b, ls).first()?;
    if m >= n {
        return None;
    }
    let prev = entry(doc, prev_at)?;
    if prev.item {
        return None;
    }
    // The key above has a plain value on its line.
    let value = doc
        .get(prev.start + prev.len..line_end(b, prev_at))?
        .strip_prefix(':')?
        .trim();
    if value.is_empty() || value.starts_with(['#', '|', '>', '&', '!', '[', '{', '"', '\'']) {
        return None;
    }
    Some(
        Located::syntax(
            format!(
                "invalid YAML: {} is indented by {}, more than {} above it ({m}), so it reads as more of the value of {}",
                here.name,
                spaces(n),
                prev.name,
                prev.name
            ),
            format!("indented by {}", spaces(n)),
            format!(
                "indent {} by {}, as {}; a key goes deeper only under a key with no value on its line",
                here.name,
                spaces(m),
                prev.name
            ),
            here.start,
            here.len,
        )
        .also(prev.start, prev.len, format!("indented by {}", spaces(m))),
    )
}

/// Text at `at` right after the closing quote of a quoted string on the
/// same line.
fn after_quote(doc: &str, at: usize) -> Option<Located> {
    let b = doc.as_bytes();
    if matches!(
        b.get(at),
        None | Some(b'#' | b',' | b']' | b'}' | b':' | b'\n' | b'\r')
    ) {
        return None;
    }
    let mut k = at;
    while k > 0 && matches!(b.get(k - 1), Some(b' ' | b'\t')) {
        k -= 1;
    }
    let (open, close) = yaml_strings(b, at)
        .into_iter()
        .find_map(|(open, close)| (close == Some(k)).then_some((open, k)))?;
    let quote = *b.get(open)?;
    // Where the text was meant to end: the last quote of the same kind on
    // the line, before a comment.
    let end = line_end(b, at);
    let line = doc.get(at..end)?;
    let line = line.split(" #").next().unwrap_or(line).trim_end();
    let meant = line.rfind(char::from(quote)).map(|i| at + i);
    let text_end = meant.unwrap_or(at + line.len());
    let inner = meant
        .and_then(|m| doc.get(open + 1..m))
        .filter(|t| t.chars().count() <= QUOTED_CHARS);
    let help = match (quote, inner) {
        (b'"', Some(inner)) if !inner.contains(['\'', '\\']) => format!(
            "a `\"` inside the text needs single quotes around the whole, '{inner}', or a backslash: \"{}\"",
            inner.replace('"', "\\\"")
        ),
        (b'"', Some(inner)) if !inner.contains('\\') => {
            format!(
                "a `\"` inside the text is written `\\\"`: \"{}\"",
                inner.replace('"', "\\\"")
            )
        }
        (b'"', _) => "remove the text after the closing quote; a `\"` inside the text needs single quotes around the whole, or `\\\"`".to_string(),
        (_, Some(inner)) if !inner.contains(['"', '\\']) => format!(
            "a `'` inside single quotes is written `''`: '{}'; or put double quotes around the whole: \"{inner}\"",
            inner.replace('\'', "''")
        ),
        (_, Some(inner)) => format!(
            "a `'` inside single quotes is written `''`: '{}'",
            inner.replace('\'', "''")
        ),
        _ => "remove the text after the closing quote; a `'` inside single quotes is written `''`"
            .to_string(),
    };
    Some(
        Located::syntax(
            "invalid YAML: text follows the closing quote of a string".into(),
            "text after the closing quote",
            help,
            at,
            text_end.saturating_sub(at).max(char_len_at(doc, at)),
        )
        .also(close - 1, 1, "the string ends here"),
    )
}

/// A tab at `at`, in the indentation of its line.
fn tab(doc: &str, at: usize) -> Option<Located> {
    let b = doc.as_bytes();
    if b.get(at) != Some(&b'\t') {
        return None;
    }
    let ls = line_start(b, at);
    if !b.get(ls..at)?.iter().all(|c| matches!(c, b' ' | b'\t')) {
        return None;
    }
    Some(Located::syntax(
        "invalid YAML: a tab in the indentation".into(),
        "a tab",
        "indent with spaces only: YAML does not allow tabs in indentation",
        at,
        1,
    ))
}

/// An alias (`*name`) whose anchor (`&name`) is not defined before it in
/// its document.
fn unknown_alias(doc: &str, at: usize) -> Option<Located> {
    let b = doc.as_bytes();
    let star = if b.get(at) == Some(&b'*') {
        at
    } else {
        let ls = line_start(b, at);
        ls + doc.get(ls..at)?.rfind('*')?
    };
    let name: String = doc
        .get(star + 1..)?
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}'))
        .collect();
    if name.is_empty() {
        return None;
    }
    Some(Located::syntax(
        format!("invalid YAML: the alias `*{name}` names no anchor of this document"),
        "no anchor of this name",
        format!(
            "define `&{name}` on the value it repeats, before this alias and in the same document (anchors do not carry across `---`), or write the value out"
        ),
        star,
        name.len() + 1,
    ))
}

/// The nearest `[` or `{` before `at` that does not close on its line: a
/// flow collection left open, which libyaml reports where it gives up
/// (often at the next key).
fn unclosed_flow(doc: &str, at: usize) -> Option<Located> {
    let b = doc.as_bytes();
    let mut open = None;
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < at.min(b.len()) {
        let c = *b.get(i)?;
        match (quote, c) {
            (Some(b'"'), b'\\') => i += 1,
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"') => quote = Some(c),
            (None, b'\'') if i > 0 && b.get(i - 1).is_some_and(|p| b"[{, :\t".contains(p)) => {
                quote = Some(c);
            }
            (None, b'\n') => quote = None,
            (None, b'#') if i == 0 || b.get(i - 1).is_some_and(|p| *p == b' ' || *p == b'\t') => {
                // A comment runs to the end of its line.
                i = line_end(b, i);
                continue;
            }
            (None, b'[' | b'{') if super::scan::flow_end(b, i, true).is_none() => open = Some(i),
            _ => {}
        }
        i += 1;
    }
    let open = open?;
    let opener = char::from(*b.get(open)?);
    let closer = if opener == '[' { ']' } else { '}' };
    Some(Located::syntax(
        format!("invalid YAML: a `{opener}` is never closed"),
        format!("this `{opener}` is never closed"),
        format!(
            "close it with a `{closer}` where its {} ends, on the same line",
            if opener == '[' { "list" } else { "mapping" }
        ),
        open,
        1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slip(doc: &str, message: &str, at: usize) -> Located {
        yaml(doc, message, at).expect("a slip")
    }

    #[test]
    fn indentation_slips_name_both_indentations() {
        let doc = "box:\n  width: wide\n height: low\n";
        let l = slip(
            doc,
            "did not find expected key, while parsing a block mapping",
            20,
        );
        assert_eq!(
            l.message,
            "invalid YAML: `height` is indented by 1 space, while the keys above it (`width`) are indented by 2"
        );
        assert_eq!((l.start, l.len), (20, 6));
        assert_eq!(
            l.help,
            "indent `height` by 2 spaces to put it beside `width`, or not at all to put it beside `box`"
        );
        let doc = "box:\n  width: 1\n  made: 2024-01-05\n    height: 4\n";
        let l = slip(doc, "mapping values are not allowed in this context", 45);
        assert_eq!(doc.get(l.start..l.start + l.len), Some("height"));
        assert!(
            l.help.starts_with("indent `height` by 2 spaces, as `made`"),
            "{}",
            l.help
        );
    }

    #[test]
    fn text_after_a_closing_quote() {
        let doc = "box:\n  kind: \"wi\"de\"\n";
        let l = slip(
            doc,
            "did not find expected key, while parsing a block mapping",
            17,
        );
        assert_eq!(doc.get(l.start..l.start + l.len), Some("de"));
        assert_eq!(
            l.help,
            "a `\"` inside the text needs single quotes around the whole, 'wi\"de', or a backslash: \"wi\\\"de\""
        );
        let doc = "a: 'it's'\n";
        let l = slip(doc, "did not find expected key", 7);
        assert!(
            l.help
                .starts_with("a `'` inside single quotes is written `''`: 'it''s'"),
            "{}",
            l.help
        );
    }
}
