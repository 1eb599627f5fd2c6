//! Slips recognised by their shape where pest stopped: habits from other
//! languages (`&&`, `'text'`, `;`, `//`), a `let` without its `=`, a value
//! after `message`, a `{` left open inside a text, a clause after its
//! rule's `}`. Each is worded with the fix for that slip; anything else is
//! worded from what pest expected ([`super::errors`]).

use super::lexicon::{is_keyword, FOREIGN_OPERATORS};
use super::scan::{self, braces, line_bounds, line_col, starts_word, word, word_len, Opener};

/// Where pest stopped: the text, the start of the item being parsed, the
/// error's offset, and what pest expected there (named for authors).
pub(super) struct Site<'a> {
    pub(super) text: &'a str,
    pub(super) start: usize,
    pub(super) at: usize,
    pub(super) expected: &'a [&'static str],
}

impl Site<'_> {
    fn has(&self, what: &str) -> bool {
        self.expected.contains(&what)
    }

    fn here(&self) -> &str {
        self.text.get(self.at..).unwrap_or("")
    }

    fn before(&self) -> &str {
        self.text.get(..self.at).unwrap_or("")
    }
}

/// A syntax error worded for one slip: its span (offsets), message, label
/// and help, and more labelled spans.
pub(super) struct Wording {
    pub(super) span: (usize, usize),
    pub(super) message: String,
    pub(super) label: String,
    pub(super) help: String,
    pub(super) also: Vec<((usize, usize), String)>,
}

impl Wording {
    fn new(
        span: (usize, usize),
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) -> Wording {
        Wording {
            span,
            message: message.into(),
            label: label.into(),
            help: help.into(),
            also: Vec::new(),
        }
    }

    fn with(mut self, span: (usize, usize), label: impl Into<String>) -> Wording {
        self.also.push((span, label.into()));
        self
    }
}

/// The wording of the slip at `site`, if it is one of those known.
pub(super) fn slip(site: &Site<'_>) -> Option<Wording> {
    const SLIPS: &[fn(&Site<'_>) -> Option<Wording>] = &[
        unclosed_value_in_text,
        declaration_without_equals,
        single_quotes,
        foreign_operator,
        text_clause,
        number_without_leading_digit,
        dash_in_name,
        clause_outside_rule,
        when_without_brace_wording,
        quantifier_keyword,
    ];
    SLIPS.iter().find_map(|slip| slip(site))
}

/// How a rule reads, for the help of a mistake inside one.
pub(super) const RULE_SHAPE: &str =
    "a rule reads `rule name { deny CODE when condition message \"…\" help \"…\" }`";

/// The longest a rewritten line may be to be shown whole in a help.
const SHOWN_LINE: usize = 80;

/// The line around `from..to` with that part replaced by `instead`,
/// trimmed, when it is short enough to show.
fn rewritten_line(text: &str, from: usize, to: usize, instead: &str) -> Option<String> {
    let (start, end) = line_bounds(text, from);
    if to > end {
        return None;
    }
    let line = format!("{}{instead}{}", text.get(start..from)?, text.get(to..end)?);
    let line = line.trim();
    (line.chars().count() <= SHOWN_LINE && !line.contains('`')).then(|| line.to_string())
}

/// `"Basket {basket.id is late."`: a `{` that puts a value in a text, still
/// open where pest stopped (reading `basket.id is late` as the value), with
/// no `}` after it on the line.
fn unclosed_value_in_text(site: &Site<'_>) -> Option<Wording> {
    let (line, end) = line_bounds(site.text, site.at);
    let rest = site.text.get(site.at..end)?;
    if rest.contains('}') {
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
    let value: String = site
        .text
        .get(brace + 1..)?
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
        .collect();
    let value = value.trim_end_matches('.');
    let (l, c) = line_col(site.text, brace);
    let help = if value.is_empty() {
        "add `}` where the value ends, or write `{{` for a brace in the text".to_string()
    } else {
        format!("add `}}` after the value, as in `{{{value}}}`, or write `{{{{` for a brace in the text")
    };
    // The text ends at the last `"` of the line, or with the line.
    let ends = match site.text.get(brace..end)?.rfind('"') {
        Some(quote) => (brace + quote, brace + quote + 1),
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

/// `let total round(x, 2)`, `let total: decimal = …`, `let total` alone on
/// its line: a `let`, an `output` or a `type` whose name is not followed
/// by `=`.
fn declaration_without_equals(site: &Site<'_>) -> Option<Wording> {
    let item = site.text.get(site.start..)?;
    let kw = ["let", "output", "type"]
        .into_iter()
        .find(|kw| starts_word(item, kw))?;
    let after = item.get(kw.len()..)?;
    let gap = after.len() - after.trim_start_matches([' ', '\t']).len();
    let name_at = site.start + kw.len() + gap;
    let name = word(site.text.get(name_at..)?);
    if gap == 0 || name.is_empty() || is_keyword(name) || !name.is_ascii() {
        return None;
    }
    let name_end = name_at + name.len();
    if site.at < name_end {
        return None;
    }
    let rest = site.text.get(name_end..)?;
    let next_at = name_end + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
    let next = site.text.get(next_at..)?;
    let (_, line_end) = line_bounds(site.text, next_at);
    let on_line = site.text.get(next_at..line_end)?;
    let declared = format!("{kw} {name}");
    let what = if kw == "type" { "type" } else { "value" };
    if next.starts_with('=')
        || next.starts_with(":=")
        || (next_at == name_end && next.starts_with('-'))
    {
        return None;
    }
    if next.starts_with(':') && kw != "type" {
        let annotation = on_line
            .get(..on_line.find('=').unwrap_or(on_line.len()))?
            .trim_end();
        return Some(Wording::new(
            (next_at, next_at + annotation.len()),
            format!("a `{kw}` has no type annotation: its type is worked out from its value"),
            "type annotation",
            format!("remove `{annotation}`: write `{declared} = …`"),
        ));
    }
    if on_line.is_empty() || on_line.starts_with('#') {
        return Some(Wording::new(
            (site.start, name_end),
            format!("`{declared}` needs `=` and a {what}"),
            format!("no {what}"),
            format!("write `{declared} = …` with its {what} after `=`"),
        ));
    }
    let shown = on_line.split(" #").next().unwrap_or(on_line).trim_end();
    let shown = if shown.chars().count() <= 40 {
        shown.to_string()
    } else {
        let head = word(shown);
        match shown.get(head.len()..).and_then(|r| r.chars().next()) {
            Some('(') if !head.is_empty() => format!("{head}(…)"),
            _ => "…".to_string(),
        }
    };
    let len = match word_len(next) {
        0 => next.chars().next().map_or(0, char::len_utf8),
        n => n,
    };
    Some(Wording::new(
        (next_at, next_at + len),
        format!("`{declared}` needs `=` before its {what}"),
        format!("the {what}"),
        format!("write `{declared} = {shown}`"),
    ))
}

/// `'text'`: a text in single quotes.
fn single_quotes(site: &Site<'_>) -> Option<Wording> {
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

/// `a && b`, `x <> 0`, `!x`, a `;` at the end of a line, a `//` comment:
/// an operator of another language, from [`FOREIGN_OPERATORS`].
fn foreign_operator(site: &Site<'_>) -> Option<Wording> {
    if site.has("the rest of the string") {
        return None;
    }
    for f in FOREIGN_OPERATORS {
        for back in 0..f.written.len() {
            let Some(from) = site.at.checked_sub(back) else {
                continue;
            };
            let Some(rest) = site.text.get(from..) else {
                continue;
            };
            if !rest.starts_with(f.written) || (f.written == "!" && rest.starts_with("!=")) {
                continue;
            }
            let to = from + f.written.len();
            // `output total => …`: the `=` of a declaration, then `>`.
            let declared = declared_before(site.text.get(..from)?);
            let (instead, says) = match (f.written, declared) {
                ("=>", Some(_)) => ("=", "a `let` or an `output` is named with one `=`"),
                _ => (f.instead, f.says),
            };
            let (message, label) = match f.written {
                ";" => (format!("`;` is not needed: {says}"), "not needed"),
                "//" | "/*" => (
                    format!("`{}` does not start a comment: {says}", f.written),
                    "not a comment",
                ),
                w => (
                    format!("`{w}` is not an operator: {says}"),
                    "not an operator",
                ),
            };
            // `! x` becomes `not x`, not `not  x`.
            let to_replace =
                if f.written == "!" && rest.get(1..).is_some_and(|r| r.starts_with(' ')) {
                    to + 1
                } else {
                    to
                };
            let help = match rewritten_line(site.text, from, to_replace, instead) {
                Some(line) => format!("write `{line}`"),
                None if instead.is_empty() => format!("remove the `{}`", f.written),
                None => format!("write `{}` instead of `{}`", instead.trim_end(), f.written),
            };
            return Some(Wording::new((from, to), message, label, help));
        }
    }
    None
}

/// The name declared by a `let` or an `output` that `before` ends with
/// (`let total`), if it does.
fn declared_before(before: &str) -> Option<&str> {
    let mut words = before
        .trim_end()
        .rsplit([' ', '\t', '\n'])
        .filter(|w| !w.is_empty());
    let name = words.next()?;
    matches!(words.next(), Some("let" | "output")).then_some(name)
}

/// `message basket.id`, `message "Basket " + basket.id`: the text of a
/// `message` or a `help` that is not one text.
fn text_clause(site: &Site<'_>) -> Option<Wording> {
    let (line, end) = line_bounds(site.text, site.at);
    let content = site.text.get(line..end)?;
    let trimmed = content.trim_start();
    let kw = ["message", "help"]
        .into_iter()
        .find(|kw| starts_word(trimmed, kw))?;
    let kw_end = line + (content.len() - trimmed.len()) + kw.len();
    let after = site.text.get(kw_end..end)?;
    let arg = kw_end + (after.len() - after.trim_start().len());
    let here = site.here();
    if site.at == arg && !here.is_empty() && !here.starts_with(['"', '\'', '}', '#']) {
        let written = site.text.get(arg..end)?;
        let written = written.split(" #").next().unwrap_or(written).trim_end();
        let value = written.trim_start_matches('{').trim_end_matches('}');
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
        let help = if path {
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
    if site.at > arg && here.starts_with('+') && site.text.get(arg..)?.starts_with('"') {
        let joined = joined_text(site.text.get(arg..end)?)?;
        return Some(Wording::new(
            (site.at, site.at + 1),
            format!("a `{kw}` is one text: values go inside it as `{{…}}`, not after a `+`"),
            "`+` does not join texts",
            format!("write `{kw} \"{joined}\"`"),
        ));
    }
    None
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

/// `.50`: a number with no digit before its point.
fn number_without_leading_digit(site: &Site<'_>) -> Option<Wording> {
    let here = site.here();
    let digits = here
        .get(1..)?
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    let glued = site
        .before()
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | ')' | ']' | '"'));
    if !here.starts_with('.') || digits == 0 || glued {
        return None;
    }
    let number = here.get(..1 + digits)?;
    Some(Wording::new(
        (site.at, site.at + number.len()),
        format!("`{number}` is not a number: a decimal point needs a digit before it"),
        "no digit before the point",
        format!("write `0{number}`"),
    ))
}

/// `rule pay-as-you-go {`: a name with `-` in it, where a name or a code
/// is declared (in an expression, `-` subtracts).
fn dash_in_name(site: &Site<'_>) -> Option<Wording> {
    let before = site.before();
    let glued_before = before
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let glued_after = site
        .here()
        .get(1..)
        .and_then(|r| r.chars().next())
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    if !site.here().starts_with('-') || !glued_before || !glued_after {
        return None;
    }
    let from = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let len = site
        .text
        .get(from..)?
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(site.text.len() - from);
    let dashed = site.text.get(from..from + len)?.trim_end_matches('-');
    let keyword = before.get(..from)?.split_whitespace().next_back();
    let what = if matches!(keyword, Some("deny" | "note")) {
        "a code"
    } else {
        "a name"
    };
    Some(Wording::new(
        (from, from + dashed.len()),
        format!("`{dashed}` cannot be {what}: `-` is not allowed in one"),
        "`-` not allowed",
        format!("write `{}`", dashed.replace('-', "_")),
    ))
}

/// The rule whose `}` ends right before `at` (only trivia between), if the
/// last bracket closed before `at` is a rule's: its name.
pub(super) fn rule_closed_before(text: &str, at: usize) -> Option<&str> {
    let before = text.get(..at)?;
    let trimmed = without_trailing_comments(before);
    if !trimmed.ends_with('}') {
        return None;
    }
    let b = braces(trimmed);
    match b.last_closed {
        Some((_, Opener::Rule(keyword))) => {
            let after = text.get(keyword + "rule".len()..)?.trim_start();
            let name = word(after);
            (!name.is_empty()).then_some(name)
        }
        _ => None,
    }
}

/// `text` without the white space and comments at its end.
fn without_trailing_comments(text: &str) -> &str {
    let mut text = text.trim_end();
    loop {
        let (start, _) = line_bounds(text, text.len());
        let line = text.get(start..).unwrap_or("");
        // A `#` outside a text starts a comment.
        let mut in_text = false;
        let comment = line.char_indices().find_map(|(i, c)| match c {
            '"' => {
                in_text = !in_text;
                None
            }
            '#' if !in_text => Some(i),
            _ => None,
        });
        match comment {
            Some(i) => text = text.get(..start + i).unwrap_or("").trim_end(),
            None => return text,
        }
    }
}

/// The rule clauses that cannot start an item (`when` starts a block).
pub(super) const CLAUSES_ONLY: &[&str] = &["deny", "note", "message", "help"];

/// `help "…"` after the rule's `}`, or any clause outside a rule.
fn clause_outside_rule(site: &Site<'_>) -> Option<Wording> {
    let clause = word(site.here());
    // Not where a rule's clauses or its `{` were expected.
    let in_rule = site.has("`deny`") || site.has("`{`");
    if !CLAUSES_ONLY.contains(&clause) || !site.has("a declaration") || in_rule {
        return None;
    }
    let span = (site.at, site.at + clause.len());
    Some(match rule_closed_before(site.text, site.at) {
        Some(rule) => Wording::new(
            span,
            format!("`{clause}` belongs inside the rule above"),
            "after the rule's `}`",
            format!("move it above the `}}` that closes rule `{rule}`"),
        ),
        None => Wording::new(
            span,
            format!("`{clause}` can only go inside a rule"),
            "outside any rule",
            RULE_SHAPE,
        ),
    })
}

/// Where the condition of a `when` block that has no `{` ends, when the
/// error at `at` is the block's first rule (or block) on a line of its own.
pub(super) fn when_without_brace(text: &str, start: usize, at: usize) -> Option<usize> {
    let item = text.get(start..)?;
    let here = text.get(at..)?;
    let opens_item = starts_word(here, "rule") || starts_word(here, "when");
    if !starts_word(item, "when") || !opens_item || !scan::first_on_line(text, at) {
        return None;
    }
    if text.get(start..at)?.contains('{') {
        return None;
    }
    let condition = without_trailing_comments(text.get(start..at)?);
    (condition.len() > "when".len()).then_some(start + condition.len())
}

/// `when condition` then, on the next line, `rule …` without the `{`.
fn when_without_brace_wording(site: &Site<'_>) -> Option<Wording> {
    if !site.has("`{`") {
        return None;
    }
    let end = when_without_brace(site.text, site.start, site.at)?;
    let help = match rewritten_line(site.text, end, end, " {") {
        Some(written) => format!("end the condition with `{{`: `{written}`"),
        None => "write `{` after the condition: `when condition {`".to_string(),
    };
    Some(Wording::new(
        (end, end),
        "this `when` block has no `{` after its condition",
        "`{` expected here",
        help,
    ))
}

/// `sum x in xs where …` (a sum takes `of`), `count x in xs of …` (a
/// count takes `where`).
fn quantifier_keyword(site: &Site<'_>) -> Option<Wording> {
    let found = word(site.here());
    let (instead, quantifiers, label): (&str, &[&str], &str) = match found {
        "where" if site.has("`of`") => ("of", &["sum"], "`where` is for `any`, `all` and `count`"),
        "of" if site.has("`where`") => ("where", &["any", "all", "count"], "`of` is for `sum`"),
        _ => return None,
    };
    // The quantifier, on the line before `at`: `sum i in basket.items `.
    let (line, _) = line_bounds(site.text, site.at);
    let before = site.text.get(line..site.at)?;
    let head = words(before)
        .filter(|(_, w)| quantifiers.contains(w))
        .last()
        .and_then(|(i, _)| before.get(i..));
    let (shown, help) = match head {
        Some(head) => (word(head), format!("write `{head}{instead} …`")),
        None => (
            quantifiers.first().copied().unwrap_or("sum"),
            format!("write `{instead}` instead of `{found}`"),
        ),
    };
    Some(Wording::new(
        (site.at, site.at + found.len()),
        format!("`{shown}` takes `{instead}`, not `{found}`"),
        label,
        help,
    ))
}

/// The words of `text` (not field names after a `.`), each with its
/// offset.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut prev = ' ';
    text.char_indices().filter_map(move |(i, c)| {
        let starts = (c.is_alphabetic() || c == '_')
            && !(prev.is_alphanumeric() || prev == '_' || prev == '.');
        prev = c;
        starts.then(|| (i, word(text.get(i..).unwrap_or(""))))
    })
}
