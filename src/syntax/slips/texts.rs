//! Slips in texts: a `{` left open inside one, single quotes, and a
//! `message` or a `help` that is not one text.

use super::{rewritten_line, Site, Wording};
use crate::syntax::lexicon;
use crate::syntax::scan::{line_bounds, line_col, word, word_len};

/// `"Basket {basket.id is late."`: a `{` that puts a value in a text, still
/// open where pest stopped (reading `basket.id is late` as the value), and
/// not closed before the text ends: the next `"` of the line (or its end)
/// comes before any `}`.
pub(super) fn unclosed_value_in_text(site: &Site<'_>) -> Option<Wording> {
    let (line, end) = line_bounds(site.text, site.at);
    let rest = site.text.get(site.at..end)?;
    let closes = rest.find(['"', '}']);
    if closes.is_some_and(|i| rest.get(i..).is_some_and(|r| r.starts_with('}'))) {
        return None;
    }
    let bytes = site.text.as_bytes();
    // What is open: `"` a text, `{` a value in a text.
    let mut open: Vec<(u8, usize)> = Vec::new();
    let mut i = line;
    while i < site.at {
        let b = *bytes.get(i)?;
        let next = bytes.get(i + 1).copied();
        match open.last().map(|&(kind, _)| kind) {
            Some(b'"') => match b {
                b'\\' => i += 1,
                b'"' => {
                    open.pop();
                }
                b'{' | b'}' if next == Some(b) => i += 1,
                b'{' => open.push((b'{', i)),
                _ => {}
            },
            _ => match b {
                b'"' => open.push((b'"', i)),
                b'#' if open.is_empty() => return None,
                b'}' => {
                    open.pop();
                }
                _ => {}
            },
        }
        i += 1;
    }
    let &(b'{', brace) = open.last()? else {
        return None;
    };
    let value = readable_value(site.text.get(brace + 1..site.at)?);
    let (l, c) = line_col(site.text, brace);
    let help = if value.is_empty() {
        "add `}` where the value ends, or write `{{` for a brace in the text".to_string()
    } else {
        format!("add `}}` after the value, as in `{{{value}}}`, or write `{{{{` for a brace in the text")
    };
    // The text ends at the next `"`, or with the line.
    let ends = match closes {
        Some(quote) => (site.at + quote, site.at + quote + 1),
        None => (end, end),
    };
    Some(
        Wording::new(
            (brace, brace + 1),
            format!("the `{{` at {l}:{c} is not closed before the end of the text"),
            "the value starts here",
            help,
        )
        .with(ends, "the text ends here"),
    )
}

/// The value at the start of `text` that reads as one, up to the first
/// word that does not continue it: a name or a path, and the arguments of
/// a call (`round(basket.total, 2)` in `round(basket.total, 2) is late`).
fn readable_value(text: &str) -> &str {
    let bytes = text.as_bytes();
    let mut i = 0;
    loop {
        while bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
        {
            i += 1;
        }
        if i == 0 || bytes.get(i) != Some(&b'(') {
            break;
        }
        // The call's arguments, up to its `)` (the value ends before a call
        // left open).
        let mut depth = 0usize;
        let mut close = None;
        for (j, b) in bytes.iter().enumerate().skip(i) {
            match b {
                b'(' => depth += 1,
                b')' if depth == 1 => {
                    close = Some(j);
                    break;
                }
                b')' => depth -= 1,
                b'"' => break,
                _ => {}
            }
        }
        match close {
            Some(j) => i = j + 1,
            None => break,
        }
    }
    text.get(..i).unwrap_or("").trim_end_matches('.')
}

/// `'text'`: a text in single quotes.
pub(super) fn single_quotes(site: &Site<'_>) -> Option<Wording> {
    if !site.here().starts_with('\'') || site.has("the rest of the string") {
        return None;
    }
    let (_, end) = line_bounds(site.text, site.at);
    let inside = site.text.get(site.at + 1..end)?;
    let close = inside.find('\'').map(|i| site.at + 1 + i);
    let span_end = close.map_or(site.at + 1, |c| c + 1);
    let help = close
        .and_then(|c| {
            let inner = site.text.get(site.at + 1..c)?;
            let quoted = format!("\"{}\"", inner.replace('"', "\\\""));
            rewritten_line(site.text, site.at, c + 1, &quoted)
        })
        .map_or_else(
            || "write the text between double quotes: \"…\"".to_string(),
            |line| format!("write `{line}`"),
        );
    Some(Wording::new(
        (site.at, span_end),
        "texts are written in double quotes, not `'`",
        "single quotes",
        help,
    ))
}

/// `message basket.id`, `message "Basket " + basket.id`: the text of a
/// `message` or a `help` that is not one text, on a line of its own or
/// with the rest of its rule.
pub(super) fn text_clause(site: &Site<'_>) -> Option<Wording> {
    let here = site.here();
    if let Some(kw) = text_keyword_before(site.text, site.at) {
        if here.is_empty() || here.starts_with(['"', '\'', '}', '#', '\n', '\r']) {
            return None;
        }
        let written = site
            .text
            .get(site.at..clause_value_end(site.text, site.at))?;
        let value = written.trim_start_matches('{').trim_end_matches('}');
        if value.is_empty() {
            return None;
        }
        // A name or a field (`basket.id`) is shown in a text with `{…}`;
        // anything else was meant as the text itself.
        let path = value
            .split('.')
            .all(|part| !part.is_empty() && word_len(part) == part.len());
        let len = match word_len(here) {
            n if n > 0 && path => here
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(here.len()),
            _ => written.len(),
        };
        let help = if path && !value.contains('.') {
            // A lone word may be a name or the text itself.
            format!(
                "write `{kw} \"{value}\"` for the word itself, or `{kw} \"{{{value}}}\"` to show the value of `{value}`"
            )
        } else if path {
            format!("to show the value, put it in the text: `{kw} \"{{{value}}}\"`")
        } else {
            format!("write `{kw} \"{}\"`", value.replace('"', "\\\""))
        };
        return Some(Wording::new(
            (site.at, site.at + len),
            format!("a `{kw}` is a text in double quotes"),
            "not a text",
            help,
        ));
    }
    if !here.starts_with('+') {
        return None;
    }
    let opens = text_ending_before(site.text, site.at)?;
    let kw = text_keyword_before(site.text, opens)?;
    let joined = joined_text(site.text.get(opens..clause_value_end(site.text, opens))?)?;
    Some(Wording::new(
        (site.at, site.at + 1),
        format!("a `{kw}` is one text: values go inside it as `{{…}}`, not after a `+`"),
        "`+` does not join texts",
        format!("write `{kw} \"{joined}\"`"),
    ))
}

/// The clause that takes a text (`message`, `help`) whose keyword ends
/// right before `at` (spaces between), if one does.
fn text_keyword_before(text: &str, at: usize) -> Option<&'static str> {
    let before = text.get(..at)?.trim_end_matches([' ', '\t']);
    let kw = ["message", "help"]
        .into_iter()
        .find(|kw| before.ends_with(kw))?;
    let glued = before
        .get(..before.len() - kw.len())?
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
    (!glued).then_some(kw)
}

/// Where the text that ends right before `at` (spaces between) opens, if
/// one does: the offset of its opening quote.
fn text_ending_before(text: &str, at: usize) -> Option<usize> {
    let before = text.get(..at)?.trim_end_matches([' ', '\t']);
    if !before.ends_with('"') {
        return None;
    }
    let (line, _) = line_bounds(text, before.len());
    let mut opened = None;
    let mut chars = before.get(line..)?.char_indices();
    while let Some((i, c)) = chars.next() {
        match (opened, c) {
            (Some(_), '\\') => {
                chars.next();
            }
            (Some(_), '"') if line + i + 1 == before.len() => return opened,
            (Some(_), '"') => opened = None,
            (None, '"') => opened = Some(line + i),
            (None, '#') => return None,
            _ => {}
        }
    }
    None
}

/// Where what is written after a clause's keyword, from `from`, ends: at
/// the next clause, at the `}` that closes the rule, at a comment or at the
/// end of the line (outside texts and brackets), spaces left out.
fn clause_value_end(text: &str, from: usize) -> usize {
    let (_, end) = line_bounds(text, from);
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut in_text = false;
    let mut prev_word = false;
    let mut i = from;
    while let Some(&b) = bytes.get(i).filter(|_| i < end) {
        if in_text {
            match b {
                b'\\' => i += 1,
                b'"' => in_text = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => in_text = true,
            b'#' => break,
            b'(' | b'[' | b'{' => depth += 1,
            b'}' if depth == 0 => break,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ if !prev_word && depth == 0 && i > from && b.is_ascii_alphabetic() => {
                let w = word(text.get(i..).unwrap_or(""));
                if lexicon::RULE_CLAUSES.contains(&w) {
                    break;
                }
            }
            _ => {}
        }
        prev_word = b.is_ascii_alphanumeric() || b == b'_' || b == b'.';
        i += 1;
    }
    from + text.get(from..i).unwrap_or("").trim_end().len()
}

/// `"Basket " + basket.id + " is late."` as one text: `Basket {basket.id} is
/// late.` (without its quotes).
fn joined_text(pieces: &str) -> Option<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut in_text = false;
    let mut chars = pieces.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_text => {
                current.push(c);
                current.extend(chars.next());
            }
            '"' => {
                in_text = !in_text;
                current.push(c);
            }
            '+' if !in_text => parts.push(std::mem::take(&mut current)),
            '#' if !in_text => break,
            _ => current.push(c),
        }
    }
    parts.push(current);
    let mut joined = String::new();
    for part in parts {
        let part = part.trim();
        match part.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
            Some(text) => joined.push_str(text),
            None if part.is_empty() => return None,
            None => {
                joined.push('{');
                joined.push_str(part);
                joined.push('}');
            }
        }
    }
    (!joined.contains('`')).then_some(joined)
}

/// `message "C:\" help "…"`: a text whose `\"` was meant as a backslash
/// and its closing quote; the text went on to the next quote, and what
/// follows it is read as code where pest stopped.
pub(super) fn escaped_closing_quote(site: &Site<'_>) -> Option<Wording> {
    let b = site.text.as_bytes();
    // The quote that closes a text just before the error.
    let mut k = site.at.min(b.len());
    while k > 0 && matches!(b.get(k - 1), Some(b' ' | b'\t')) {
        k -= 1;
    }
    if k == 0 || b.get(k - 1) != Some(&b'"') {
        return None;
    }
    let close = k - 1;
    // Read the line up to that quote: where its text opened, and the
    // first escaped quote inside it.
    let (line_start, _) = line_bounds(site.text, close);
    let mut open = None;
    let mut escaped = None;
    let mut i = line_start;
    while i < close {
        match (open, b.get(i)) {
            (None, Some(b'"')) => {
                open = Some(i);
                escaped = None;
            }
            (Some(_), Some(b'\\')) => {
                if b.get(i + 1) == Some(&b'"') && escaped.is_none() {
                    escaped = Some(i);
                }
                i += 1;
            }
            (Some(_), Some(b'"')) => open = None,
            _ => {}
        }
        i += 1;
    }
    open?;
    let escaped = escaped?;
    // Only when the text after the `\"` reads as code that was swallowed
    // (`\" help "`): a quote meant inside the text is no slip.
    let swallowed = site.text.get(escaped + 2..close)?.trim_start();
    if !lexicon::is_keyword(word(swallowed)) {
        return None;
    }
    Some(
        Wording::new(
            (escaped, escaped + 2),
            "a text does not end at `\\\"`: a backslash before a quote keeps the quote in the text",
            "the text goes on past this quote",
            "to end a text with a backslash, write it twice: `\"…\\\\\"`; a quote inside a text is `\\\"`",
        )
        .with((site.at, site.at + 1), "read as code"),
    )
}

/// `"a {} b"`: braces with nothing between them, in a text.
pub(super) fn empty_braces(site: &Site<'_>) -> Option<Wording> {
    if !site.here().starts_with('}') {
        return None;
    }
    let before = site.before().trim_end_matches([' ', '\t']);
    if !before.ends_with('{') {
        return None;
    }
    // Inside a text: an odd number of unescaped quotes on the line before.
    let (line, _) = line_bounds(site.text, site.at);
    let mut quotes = 0;
    let mut escaped = false;
    for c in site.text.get(line..before.len())?.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quotes += 1,
            _ => {}
        }
    }
    if quotes % 2 == 0 {
        return None;
    }
    let open = before.len() - 1;
    Some(Wording::new(
        (open, site.at + 1),
        "`{}` holds no value",
        "empty braces",
        "put a value between them, such as `{basket.id}`, or write `{{}}` for the braces themselves",
    ))
}

/// `message "a" "b"`: two texts where a clause takes one.
pub(super) fn two_texts(site: &Site<'_>) -> Option<Wording> {
    let here = site.here();
    if !here.starts_with('"') {
        return None;
    }
    let before = site.before().trim_end();
    let first_open = text_ending_before(site.text, before.len())?;
    let kw = text_keyword_before(site.text, first_open)?;
    let second_end = here.get(1..)?.find('"')? + 2;
    let second = here.get(1..second_end - 1)?;
    let first = before.get(first_open + 1..before.len() - 1)?;
    Some(Wording::new(
        (site.at, site.at + second_end),
        format!("a `{kw}` is one text, not two"),
        "a second text",
        format!("join them into one: `{kw} \"{first} {second}\"`"),
    ))
}

/// `"{fee:.2f}"`: a format given to a value in a text.
pub(super) fn format_spec_in_text(site: &Site<'_>) -> Option<Wording> {
    if !site.here().starts_with(':') {
        return None;
    }
    let (line, _) = line_bounds(site.text, site.at);
    let segment = site.text.get(line..site.at)?;
    // Inside a text, inside its last `{`.
    if segment.matches('"').count() % 2 == 0 {
        return None;
    }
    let open = segment.rfind('{')?;
    if segment.get(open..)?.contains('}') {
        return None;
    }
    let value = segment.get(open + 1..)?.trim();
    let rest = site.text.get(site.at..)?;
    let close = rest.find('}')?;
    let spec = rest.get(..close)?;
    let places = spec
        .trim_start_matches(':')
        .trim_start_matches('.')
        .trim_end_matches(['f', 'F']);
    let help = match places.parse::<u32>() {
        Ok(p) => format!("round it instead: `{{round({value}, {p})}}`"),
        Err(_) => {
            format!("write the value alone, `{{{value}}}`, computed as it must be shown (`round`)")
        }
    };
    Some(Wording::new(
        (site.at, site.at + close),
        format!("a value in a text takes no format (`{spec}`): it is written as computed"),
        "a format",
        help,
    ))
}
