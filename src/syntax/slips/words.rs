//! Slips in words and operators: an operator or a keyword of another
//! language (`&&`, `elif`, `list contains value`), a clause keyword read as
//! the variant of an `is` test, a quantifier's `where` or `of` swapped.

use super::{rewritten_line, Site, Wording};
use crate::syntax::lexicon::{
    ForeignWord, FOREIGN_CLAUSES, FOREIGN_OPERATORS, FOREIGN_WORDS, RULE_CLAUSES,
};
use crate::syntax::scan::{line_bounds, starts_word, word};

/// `a && b`, `x <> 0`, `!x`, a `;` at the end of a line, a `//` comment:
/// an operator of another language, from [`FOREIGN_OPERATORS`].
pub(super) fn foreign_operator(site: &Site<'_>) -> Option<Wording> {
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
                // Every symbol of the line, not only the first.
                Some(line) if !f.written.is_ascii() => format!(
                    "write `{}`",
                    line.replace('≤', "<=")
                        .replace('≥', ">=")
                        .replace('≠', "!=")
                ),
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

/// `sum x in xs where …` (a sum takes `of`), `count x in xs of …` (a
/// count takes `where`).
pub(super) fn quantifier_keyword(site: &Site<'_>) -> Option<Wording> {
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

/// `if a then x elif b then y else z`, `basket.tags contains "gift"`: a
/// word of another language where an operator (or the `else` of an `if`)
/// could go, from [`FOREIGN_WORDS`].
pub(super) fn foreign_word(site: &Site<'_>) -> Option<Wording> {
    if site.has("the rest of the string") || !(site.has("an operator") || site.has("`else`")) {
        return None;
    }
    let found = word(site.here());
    let f: &ForeignWord = FOREIGN_WORDS.iter().find(|f| f.written == found)?;
    let (at, to) = (site.at, site.at + found.len());
    if !f.swaps {
        let help = match rewritten_line(site.text, at, to, f.instead) {
            Some(line) => format!("write `{line}`"),
            None => format!("write `{}`; {}", f.instead, f.says),
        };
        return Some(Wording::new(
            (at, to),
            format!("`{found}` is not a keyword; did you mean `{}`?", f.instead),
            "not a keyword",
            help,
        ));
    }
    // `list contains value`: `value in list`.
    let list = value_before(site.text, at).and_then(|from| site.text.get(from..at));
    let value = value_after(site.text, to).and_then(|(from, end)| site.text.get(from..end));
    let help = match (list.map(str::trim_end), value) {
        (Some(list), Some(value))
            if !list.is_empty() && !format!("{list}{value}").contains('`') =>
        {
            format!("write `{value} {} {list}`", f.instead)
        }
        _ => format!("write `value {} list`", f.instead),
    };
    Some(Wording::new(
        (at, to),
        format!("`{found}` is not an operator: {}", f.says),
        "not an operator",
        help,
    ))
}

/// `basket.status is not message "…"`: a clause keyword right after `is`
/// or `is not`, read as the variant tested, the next word then out of place;
/// or `is` followed by no variant at all (`is "retail"`, `is }`). Reported as
/// the variant missing, where it is missing.
pub(super) fn is_without_variant(site: &Site<'_>) -> Option<Wording> {
    // The clause keyword read as the variant: the word before `at`.
    let before = site.text.get(..site.at)?.trim_end();
    let last = last_word(before);
    let swallowed = (RULE_CLAUSES.contains(&last) || last == "rule")
        .then(|| before.len() - last.len())
        .filter(|&w| is_test_before(site.text, w).is_some());
    let (missing_at, shown) = match swallowed {
        Some(w) => (w, last),
        None if site.has("`present`") => (site.at, ""),
        None => return None,
    };
    let (is_at, negated) = is_test_before(site.text, missing_at)?;
    let is = if negated { "is not" } else { "is" };
    let subject = value_before(site.text, is_at)
        .and_then(|from| site.text.get(from..is_at))
        .map(str::trim_end)
        .filter(|s| !s.is_empty() && !s.contains('`'))
        .unwrap_or("x");
    let here = site.here();
    if swallowed.is_none() && here.starts_with('"') {
        // `is "retail"`: a variant in quotes.
        let (from, end) = value_after(site.text, site.at)?;
        let inner = site.text.get(from + 1..end.saturating_sub(1))?;
        let plain = !inner.is_empty() && word(inner) == inner;
        let help = if plain {
            format!("write the variant without quotes: `{subject} {is} {inner}`")
        } else {
            "write the variant without quotes, as it is declared in `one of …`".to_string()
        };
        return Some(Wording::new(
            (from, end),
            format!("`{is}` takes a variant, `present` or `absent`, not a text"),
            "a text",
            help,
        ));
    }
    let (span, found) = if shown.is_empty() {
        let len = word(here)
            .len()
            .max(here.chars().next().map_or(0, char::len_utf8));
        ((site.at, site.at + len), String::new())
    } else {
        (
            (missing_at, missing_at + shown.len()),
            format!("; `{shown}` starts the next clause"),
        )
    };
    Some(Wording::new(
        span,
        format!("expected a variant, `present` or `absent` after `{is}`{found}"),
        "no variant before this",
        format!("write the variant to test for (`{subject} {is} …`), or `present`, or `absent`"),
    ))
}

/// The `is` (and whether `not` follows it) that ends right before `at`
/// (white space between), if one does: its offset.
fn is_test_before(text: &str, at: usize) -> Option<(usize, bool)> {
    let before = text.get(..at)?.trim_end();
    let last = last_word(before);
    let (rest, negated) = match last {
        "not" => (before.get(..before.len() - 3)?.trim_end(), true),
        _ => (before, false),
    };
    (last_word(rest) == "is" && !rest.get(..rest.len() - 2)?.ends_with('.'))
        .then(|| (rest.len() - 2, negated))
}

/// The word (letters, digits, `_`) that `text` ends with.
fn last_word(text: &str) -> &str {
    let start = text
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map_or(0, |i| i + c_len(text, i));
    text.get(start..).unwrap_or("")
}

/// The length of the character at byte `i` of `text`.
fn c_len(text: &str, i: usize) -> usize {
    text.get(i..)
        .and_then(|r| r.chars().next())
        .map_or(1, char::len_utf8)
}

/// Where the value that ends right before `at` (white space between) starts,
/// on the same line: a name, a path, a call or a bracketed value
/// (`basket.tags`, `tags(basket)`, `(a or b)`).
fn value_before(text: &str, at: usize) -> Option<usize> {
    let (line, _) = line_bounds(text, at);
    let bytes = text.as_bytes();
    let mut i = line + text.get(line..at)?.trim_end().len();
    let end = i;
    while i > line {
        let b = *bytes.get(i - 1)?;
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' {
            i -= 1;
        } else if b == b')' || b == b']' {
            let open = if b == b')' { b'(' } else { b'[' };
            let mut depth = 0usize;
            loop {
                i -= 1;
                match *bytes.get(i)? {
                    c if c == b => depth += 1,
                    c if c == open => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                if i == line {
                    return None;
                }
            }
        } else {
            break;
        }
    }
    (i < end).then_some(i)
}

/// The value that starts after `from` (white space between), on the same
/// line: a text, a number, a name or a path (with a call's arguments), or a
/// list. Its start and end.
fn value_after(text: &str, from: usize) -> Option<(usize, usize)> {
    let (_, line_end) = line_bounds(text, from);
    let rest = text.get(from..line_end)?;
    let start = from + (rest.len() - rest.trim_start().len());
    let bytes = text.as_bytes();
    let first = *bytes.get(start).filter(|_| start < line_end)?;
    let mut i = start + 1;
    match first {
        b'"' => {
            while i < line_end {
                match *bytes.get(i)? {
                    b'\\' => i += 1,
                    b'"' => return Some((start, i + 1)),
                    _ => {}
                }
                i += 1;
            }
            None
        }
        b'[' | b'(' => {
            let close = if first == b'[' { b']' } else { b')' };
            let mut depth = 1usize;
            while i < line_end {
                match *bytes.get(i)? {
                    b if b == first => depth += 1,
                    b if b == close => {
                        depth -= 1;
                        if depth == 0 {
                            return Some((start, i + 1));
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        b if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' => {
            while bytes
                .get(i)
                .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
            {
                i += 1;
            }
            if bytes.get(i) == Some(&b'(') {
                let (_, end) = value_after(text, i)?;
                i = end;
            }
            Some((start, i))
        }
        _ => None,
    }
}

/// `allow OK`, `if x > 1`, `let y = 1` where a rule clause was expected,
/// and `deny "R7"`: a word of another language, or a quoted code.
pub(super) fn foreign_clause(site: &Site<'_>) -> Option<Wording> {
    let here = site.here();
    let before = site.before().trim_end();
    if here.starts_with('"') && (before.ends_with("deny") || before.ends_with("note")) {
        let end = here.get(1..)?.find('"')? + 2;
        let code = here.get(1..end - 1)?;
        let kw = if before.ends_with("deny") {
            "deny"
        } else {
            "note"
        };
        return Some(Wording::new(
            (site.at, site.at + end),
            format!("a {kw} code is a name, written without quotes"),
            "a quoted code",
            format!(
                "write `{kw} {}` (a code is letters, digits and `_`, by convention in capitals)",
                code.to_uppercase().replace([' ', '-'], "_")
            ),
        ));
    }
    if !(site.has("`deny`") && site.has("`message`")) {
        return None;
    }
    let w = word(here);
    let (_, says) = FOREIGN_CLAUSES.iter().find(|(f, _)| *f == w)?;
    let help = match w {
        "if" | "where" => rewritten_line(site.text, site.at, site.at + w.len(), "when")
            .map_or("write `when` and the condition".to_string(), |l| format!("write `{l}`")),
        "unless" => "write `when not (…)`".to_string(),
        "let" => "move the `let` above the rule; a rule holds only `deny` or `note`, `when`, `message` and `help`".to_string(),
        _ => "remove it: write the rule as `rule name { deny CODE when condition message \"…\" help \"…\" }` for what must be refused".to_string(),
    };
    Some(Wording::new(
        (site.at, site.at + w.len()),
        format!("`{w}` is not a rule clause: {says}"),
        "not a rule clause",
        help,
    ))
}

/// `count(basket.items)`, `sum(basket.items.price)`, `any(…)`: a quantifier
/// called as a function.
pub(super) fn quantifier_called(site: &Site<'_>) -> Option<Wording> {
    if !site.here().starts_with('(') {
        return None;
    }
    let before = site.before().trim_end();
    let q = last_word(before);
    let (says, help) = match q {
        "count" => (
            "`length(L)` counts the elements of a list, and `count x in L where C` those for which `C` holds",
            "write `length(…)`, or `count x in … where …`",
        ),
        "sum" => (
            "a sum is written `sum x in L of E` (`sum x in L` for a list of numbers)",
            "write `sum x in … of x.…`",
        ),
        "any" | "all" => (
            "a test over a list is written `any x in L where C` (or `all …`)",
            "write `any x in … where …`",
        ),
        _ => return None,
    };
    // The argument, when it is a plain path: `count(loan.tags)`.
    let arg = site
        .here()
        .get(1..)
        .and_then(|r| r.split_once(')'))
        .map(|(a, _)| a.trim())
        .filter(|a| {
            !a.is_empty()
                && a.split('.')
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'))
        });
    let help = match (q, arg) {
        ("count", Some(a)) => format!("write `length({a})`, or `count x in {a} where …`"),
        ("sum", Some(a)) => match a.rsplit_once('.') {
            Some((list, field)) if list.contains('.') => {
                format!("write `sum x in {list} of x.{field}` (or `sum x in {a}` for a list of numbers)")
            }
            _ => format!("write `sum x in {a}` (a list of numbers), or `sum x in {a} of x.…`"),
        },
        ("any" | "all", Some(a)) => format!("write `{q} x in {a} where …`"),
        ("any" | "all", None) => format!("write `{q} x in … where …`"),
        _ => help.to_string(),
    };
    let from = before.len() - q.len();
    Some(Wording::new(
        (from, site.at + 1),
        format!("`{q}` is not a function: {says}"),
        "not a function",
        help,
    ))
}

/// Symbols and phrases of other languages where an operator (or the end
/// of a condition) was expected: `%`, `c ? a : b`, `list[0]`,
/// `x not in L`, `x between a and b`, `x is in [..]`, `x is one of a, b`.
pub(super) fn foreign_symbol(site: &Site<'_>) -> Option<Wording> {
    let here = site.here();
    let before = site.before();
    let after_value = before
        .trim_end()
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | ')' | ']' | '"'));
    if !after_value {
        return None;
    }
    let at = site.at;
    let value = value_before(site.text, at)
        .and_then(|v| site.text.get(v..at))
        .map(str::trim);
    let (len, message, label, help): (usize, &str, &str, String) = if here.starts_with('%') {
        let number = value.filter(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'));
        // `x % 2`: a value follows, so a remainder was meant.
        let remainder = here
            .get(1..)
            .and_then(|r| r.trim_start().chars().next())
            .is_some_and(|c| c.is_alphanumeric() || c == '(');
        (
            1,
            "`%` is not an operator: a percentage is written as a decimal, and there is no remainder",
            "not an operator",
            match number.and_then(|n| n.parse::<rust_decimal::Decimal>().ok()) {
                _ if remainder => "there is no remainder operator: write the condition without it (for a percentage, a decimal: `0.10` for 10%)".to_string(),
                Some(n) => format!("write `{}` for {n}%", n / rust_decimal::Decimal::ONE_HUNDRED),
                None => "write the percentage as a decimal: `0.10` for 10%".to_string(),
            },
        )
    } else if here.starts_with('?') {
        (
            1,
            "`?` is not an operator: a choice between two values is written `if … then … else …`",
            "not an operator",
            "write `if condition then value else other`".to_string(),
        )
    } else if here.starts_with('[') && !before.ends_with(char::is_whitespace) {
        (
            1,
            "a list cannot be indexed with `[…]`: its elements are tested all at once",
            "no indexing",
            "test the elements with `any x in list where …` (or `all`, `count`, `sum`)".to_string(),
        )
    } else if starts_word(here, "not") && starts_word(here.get(3..)?.trim_start(), "in") {
        let list = here.get(3..)?.trim_start().get(2..)?.trim();
        let list = word_path(list);
        (
            3,
            "`not in` is written `not (x in list)`",
            "not an operator here",
            match (value, list) {
                (Some(v), Some(l)) => format!("write `not ({v} in {l})`"),
                _ => "write `not (value in list)`".to_string(),
            },
        )
    } else if starts_word(here, "between") {
        (
            7,
            "`between` is not an operator: a range is written with two comparisons",
            "not an operator",
            match value {
                Some(v) => format!("write `low <= {v} and {v} <= high`"),
                None => "write `low <= x and x <= high`".to_string(),
            },
        )
    } else if let Some(from) = is_in_before(before, here) {
        return Some(Wording::new(
            (from, at),
            "a test against several values is written `x in [a, b]`, without `is`",
            "not after `is`",
            "write `value in [first, second]`",
        ));
    } else {
        return None;
    };
    Some(Wording::new((at, at + len), message, label, help))
}

/// `x is in [a, b]` or `x is one of a, b` read as the variant `in` (or
/// `one`) and stopped at what follows: where `in` (`one`) starts.
fn is_in_before(before: &str, here: &str) -> Option<usize> {
    let trimmed = before.trim_end();
    let w = last_word(trimmed);
    let follows = match w {
        "in" => here.starts_with('['),
        "one" => starts_word(here, "of"),
        _ => false,
    };
    let head = trimmed.get(..trimmed.len() - w.len())?.trim_end();
    (follows && last_word(head) == "is").then_some(trimmed.len() - w.len())
}

/// The dotted path at the start of `text` (`loan.tags`), if any.
fn word_path(text: &str) -> Option<&str> {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(text.len());
    text.get(..end).filter(|p| !p.is_empty())
}
