//! Slips recognised by their shape where pest stopped: habits from other
//! languages (`&&`, `'text'`, `;`, `//`, `elif`, `contains`), a `let`
//! without its `=`, a value after `message`, a `{` left open inside a text,
//! a clause keyword read as the variant of an `is` test, a clause after its
//! rule's `}`. Each is worded with the fix for that slip; anything else is
//! worded from what pest expected ([`super::errors`]). The slips in texts
//! are in [`texts`], those of words and operators in [`words`].

use super::lexicon::{clause_only, is_keyword};
use super::scan::{self, braces, line_bounds, starts_word, word, word_len, Opener};

mod texts;
mod words;

use texts::{
    empty_braces, escaped_closing_quote, format_spec_in_text, single_quotes, text_clause,
    two_texts, unclosed_value_in_text,
};
use words::{
    foreign_clause, foreign_operator, foreign_symbol, foreign_word, is_without_variant,
    quantifier_called, quantifier_keyword,
};

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
        escaped_closing_quote,
        empty_braces,
        format_spec_in_text,
        two_texts,
        declaration_without_equals,
        single_quotes,
        foreign_operator,
        foreign_word,
        foreign_symbol,
        foreign_clause,
        is_without_variant,
        text_clause,
        number_without_leading_digit,
        number_written_otherwise,
        dash_in_name,
        clause_outside_rule,
        when_after_value,
        else_after_block,
        when_without_brace_wording,
        quantifier_keyword,
        quantifier_called,
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

/// `1e3`, `1_000`, `1,000`: a number written as another language (or a
/// person) writes it, where a value was expected.
fn number_written_otherwise(site: &Site<'_>) -> Option<Wording> {
    // The number may start before the error: `2.5e3` stops at `e3`.
    let head = site
        .before()
        .bytes()
        .rev()
        .take_while(|c| c.is_ascii_digit() || *c == b'.')
        .count();
    let from = site.at - head;
    let rest = site.text.get(from..)?;
    if !rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    // Digits with `_`, `,` or `.`, then an exponent with its sign.
    let b = rest.as_bytes();
    let mut len = 0;
    while b
        .get(len)
        .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'_' | b'.' | b','))
    {
        len += 1;
    }
    if matches!(b.get(len), Some(b'e' | b'E')) {
        let mut k = len + 1;
        if matches!(b.get(k), Some(b'+' | b'-')) {
            k += 1;
        }
        if b.get(k).is_some_and(u8::is_ascii_digit) {
            while b.get(k).is_some_and(u8::is_ascii_digit) {
                k += 1;
            }
            len = k;
        }
    }
    let token = rest.get(..len)?.trim_end_matches([',', '.']);
    let plain: String = token.chars().filter(|c| !matches!(c, '_' | ',')).collect();
    let value = if token.contains(['e', 'E']) {
        rust_decimal::Decimal::from_scientific(&plain)
            .ok()?
            .normalize()
    } else if token.contains(['_', ',']) {
        plain.parse::<rust_decimal::Decimal>().ok()?
    } else {
        return None;
    };
    let how = if token.contains(['e', 'E']) {
        "an exponent"
    } else {
        "a digit separator"
    };
    if from + token.len() <= site.at {
        return None;
    }
    Some(Wording::new(
        (from, from + token.len()),
        format!("`{token}` is not a number here: numbers in a policy are written without {how}"),
        "not a number",
        format!("write `{value}`"),
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

/// `help "…"` after the rule's `}`, or any clause outside a rule.
fn clause_outside_rule(site: &Site<'_>) -> Option<Wording> {
    let clause = word(site.here());
    // Not where a rule's clauses or its `{` were expected.
    let in_rule = site.has("`deny`") || site.has("`{`");
    if !clause_only(clause) || !site.has("a declaration") || in_rule {
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

/// `when c { … } else { … }`: a `when` block has no `else`.
fn else_after_block(site: &Site<'_>) -> Option<Wording> {
    if word(site.here()) != "else" || !site.before().trim_end().ends_with('}') {
        return None;
    }
    Some(Wording::new(
        (site.at, site.at + 4),
        "a `when` block has no `else`",
        "no `else` here",
        "write a second block with the opposite condition: `when not (…) { … }`",
    ))
}

/// `output fee = x when c`: a `when` after the value of a `let` or an
/// `output`, read as the start of a `when` block.
fn when_after_value(site: &Site<'_>) -> Option<Wording> {
    let item = site.text.get(site.start..)?;
    if !starts_word(item, "when") {
        return None;
    }
    let (line_start, line_end) = line_bounds(site.text, site.start);
    // The value on the line of the `when`, or (a `when` with no `{` on a
    // line of its own) on the line before it.
    let declared = if scan::first_on_line(site.text, site.start) {
        if site.text.get(site.start..line_end)?.contains('{') || line_start == 0 {
            return None;
        }
        let (prev, _) = line_bounds(site.text, line_start - 1);
        site.text.get(prev..line_start)?.trim()
    } else {
        site.text.get(line_start..site.start)?.trim()
    };
    let kw = word(declared);
    if kw != "output" && kw != "let" {
        return None;
    }
    let (name, value) = declared.get(kw.len()..)?.split_once('=')?;
    let condition = without_trailing_comments(site.text.get(site.start + 4..line_end)?).trim();
    let help = format!(
        "choose the value with `if`: `{kw} {} = if {condition} then {} else …`",
        name.trim(),
        value.trim()
    );
    Some(Wording::new(
        (site.start, site.start + 4),
        format!(
            "{} `{kw}` has no `when`: it is computed for every request",
            if kw == "output" { "an" } else { "a" }
        ),
        "not after a value",
        help,
    ))
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
