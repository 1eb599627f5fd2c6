//! Syntax errors in an author's words: what pest expected, named as an
//! author knows it, and a help line.

use pest::error::ErrorVariant;

use super::grammar::Rule;
use super::lexicon::{self, is_keyword, top_level_only, ITEM_STARTS};
use super::slips::{slip, Site, RULE_SHAPE};
use crate::diag::{codes, Diagnostic};
use crate::source::{Sources, Span};
use crate::suggest::suggest;

/// A syntax error in words an author knows: pest stopped at `at` in the
/// item that starts at `start`.
pub(super) fn syntax_error(
    sources: &Sources,
    file: u32,
    text: &str,
    start: usize,
    at: usize,
    e: &pest::error::Error<Rule>,
) -> Diagnostic {
    if let Some((start, end)) = number_without_decimals(text, at) {
        let number = text.get(start..end).unwrap_or("");
        let digits = number.trim_end_matches('.');
        return Diagnostic::new(
            codes::PARSE_SYNTAX,
            format!("`{number}` is not a number: a decimal point needs digits after it"),
        )
        .at(
            sources,
            Span::new(file, start, end),
            "no digits after the point",
        )
        .help(format!("write `{digits}` or `{digits}.0`"));
    }
    let found = describe_found(text, at);
    let mut expected: Vec<&'static str> = Vec::new();
    if let ErrorVariant::ParsingError { positives, .. } = &e.variant {
        for r in positives {
            if let Some(name) = rule_name(*r) {
                if !expected.contains(&name) {
                    expected.push(name);
                }
            }
        }
    }
    if let Some(attempts) = e.parse_attempts() {
        for tok in attempts.expected_tokens() {
            if let Some(name) = token_name(&tok.to_string()) {
                if !expected.contains(&name) {
                    expected.push(name);
                }
            }
        }
    }
    let site = Site {
        text,
        start,
        at,
        expected: &expected,
    };
    if let Some(w) = slip(&site) {
        let span = |(from, to): (usize, usize)| Span::new(file, from, to);
        return w.also.iter().fold(
            Diagnostic::new(codes::PARSE_SYNTAX, w.message)
                .at(sources, span(w.span), w.label)
                .help(w.help),
            |d, (at, label)| d.label(sources, span(*at), label.clone()),
        );
    }
    let (message, label, help) = phrase(&expected, text, at);
    let len = found_len(text, at);
    // Messages that already say what is wrong do not repeat what was found.
    let message = if message.ends_with('.') {
        message.trim_end_matches('.').to_string()
    } else {
        format!("{message}, found {found}")
    };
    let d = Diagnostic::new(codes::PARSE_SYNTAX, message)
        .at(sources, Span::new(file, at, at + len), label)
        .help(help);
    match unclosed_text_start(expected.as_slice(), text, at) {
        Some(open) => d.label(
            sources,
            Span::new(file, open, open + 1),
            "the text opens here",
        ),
        None => d,
    }
}

/// What an escape that stands for an invisible character gives, in words.
fn escape_meaning(c: char) -> Option<&'static str> {
    match c {
        '\n' => Some("a line break"),
        '\t' => Some("a tab"),
        _ => None,
    }
}

/// The escapes with a backslash, for a help: `` `\"`, `\\`, `\n` (a line
/// break) and `\t` (a tab) ``.
fn backslash_escapes() -> String {
    let shown: Vec<String> = lexicon::ESCAPES
        .iter()
        .filter(|(w, _)| w.starts_with('\\'))
        .map(|&(w, c)| match escape_meaning(c) {
            Some(means) => format!("`{w}` ({means})"),
            None => format!("`{w}`"),
        })
        .collect();
    match shown.split_last() {
        Some((last, init)) if !init.is_empty() => format!("{} and {last}", init.join(", ")),
        _ => shown.join(""),
    }
}

/// `"C:\temp\q"`: a backslash before a character that has no escape
/// (`escape`, in the text at `text`). The first in a text also labels the
/// escapes of that text that stand for an invisible character (`\t` read
/// as a tab), which a backslash meant as itself may have made.
pub(super) fn unknown_escape(
    sources: &Sources,
    escape: Span,
    text: Span,
    first_in_text: bool,
) -> Diagnostic {
    let written = sources.slice(escape);
    let after = written.get(1..).unwrap_or("");
    let backslash = lexicon::escape_of('\\').unwrap_or("\\\\");
    let (message, help) = match after.chars().next() {
        Some(c @ ('{' | '}')) => (
            format!("`{written}` is not an escape: a brace in a text is written twice"),
            format!(
                "write `{}` for a `{c}` in the text (`{{value}}` puts a value in it)",
                lexicon::escape_of(c).unwrap_or("")
            ),
        ),
        Some('\'') => (
            format!("`{written}` is not an escape: a `'` needs none in a text"),
            "write `'` alone".to_string(),
        ),
        Some(c) => (
            format!("`{written}` is not an escape; write `{backslash}` for a backslash"),
            format!(
                "write `{backslash}{c}` for a backslash followed by `{c}`; the escapes of a text are {}",
                backslash_escapes()
            ),
        ),
        None => (
            format!("a `\\` ends this text; write `{backslash}` for a backslash"),
            format!("the escapes of a text are {}", backslash_escapes()),
        ),
    };
    let d = Diagnostic::new(codes::PARSE_SYNTAX, message)
        .at(sources, escape, "not an escape")
        .help(help);
    if !first_in_text {
        return d;
    }
    // The other escapes of the text that give an invisible character.
    let inside = sources.slice(text);
    let mut labels = Vec::new();
    let mut chars = inside.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            continue;
        }
        let Some((_, next)) = chars.next() else { break };
        let means = lexicon::escaped(&format!("\\{next}")).and_then(escape_meaning);
        if let Some(means) = means {
            let from = text.start as usize + i;
            labels.push((Span::new(text.file, from, from + 2), means));
        }
    }
    labels.into_iter().fold(d, |d, (span, means)| {
        d.label(sources, span, format!("read as {means}"))
    })
}

/// Where the text that is still open at `at` (the end of a line) opens,
/// when pest stopped there inside a text.
fn unclosed_text_start(expected: &[&str], text: &str, at: usize) -> Option<usize> {
    if !expected.contains(&"the rest of the string") {
        return None;
    }
    open_quote_before(text, at)
}

/// The quote that opens a text still open at `at`, the end of a line:
/// the last quote before `at` on its line that opens a text (not escaped,
/// not in a comment).
pub(super) fn open_quote_before(text: &str, at: usize) -> Option<usize> {
    let rest = text.get(at..)?;
    if !(rest.is_empty() || rest.starts_with('\n') || rest.starts_with('\r')) {
        return None;
    }
    text_open_at(text, at)
}

/// The quote that opens the text `at` is inside, on its line.
fn text_open_at(text: &str, at: usize) -> Option<usize> {
    let line = text.get(..at)?;
    let from = line.rfind('\n').map_or(0, |i| i + 1);
    let bytes = line.as_bytes();
    let mut open = None;
    let mut i = from;
    while i < at {
        match bytes.get(i)? {
            b'\\' if open.is_some() => i += 1,
            b'"' => open = if open.is_some() { None } else { Some(i) },
            b'#' if open.is_none() => return None,
            _ => {}
        }
        i += 1;
    }
    open
}

/// A number written with a point and no digits after it (`100.`), on the
/// line of the error at `at` or the line before, outside texts: read as a
/// field of the number, it makes the error land further on. Its range.
fn number_without_decimals(text: &str, at: usize) -> Option<(usize, usize)> {
    let before = text.get(..at)?;
    let line = before.rfind('\n').unwrap_or(0);
    let from = before.get(..line)?.rfind('\n').map_or(0, |i| i + 1);
    let bytes = text.as_bytes();
    let mut in_string = false;
    let mut i = from;
    while i < at {
        let b = *bytes.get(i)?;
        match b {
            b'"' => in_string = !in_string,
            b'\n' => in_string = false,
            b'\\' if in_string => i += 1,
            b'0'..=b'9' if !in_string => {
                let word_start = i == 0
                    || !bytes
                        .get(i - 1)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.');
                let digits = bytes
                    .get(i..)?
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                let end = i + digits;
                if word_start
                    && bytes.get(end) == Some(&b'.')
                    && !bytes.get(end + 1).is_some_and(u8::is_ascii_digit)
                {
                    return Some((i, end + 1));
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// `let` (any item but a rule or a block) inside a `when` block: the
/// message (complete, ending in `.`), label and help.
fn inside_block(word: &str) -> (String, &'static str, String) {
    (
        format!("`{word}` cannot go inside a `when` block."),
        "not inside a `when` block",
        format!("move the `{word}` above the block; only rules and `when` blocks go inside one"),
    )
}

/// The error of an item that only goes at the top level (its keyword
/// `word` at `at`) met inside a `when` block whose start was read past
/// after an earlier error.
pub(super) fn misplaced_in_block(
    sources: &Sources,
    file: u32,
    at: usize,
    word: &str,
) -> Diagnostic {
    let (message, label, help) = inside_block(word);
    Diagnostic::new(codes::PARSE_SYNTAX, message.trim_end_matches('.'))
        .at(sources, Span::new(file, at, at + word.len()), label)
        .help(help)
}

/// What goes inside a `when` block.
const IN_BLOCK_HELP: &str =
    "inside a `when` block go rules (`rule name { … }`) and other `when` blocks, then `}`";

/// What starts a top-level item.
fn top_level_help() -> String {
    "top-level items start with `package`, `requests are identified by`, `schema`, `type`, `let`, `output`, `rule` or `when`".into()
}

/// One phrase for what was expected, a short label and a help line. A
/// message that ends in `.` is complete, not followed by ", found …".
fn phrase(expected: &[&str], text: &str, at: usize) -> (String, &'static str, String) {
    let here = text.get(at..).unwrap_or("");
    let has = |s: &str| expected.contains(&s);
    let word: String = here
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if let Some(c) = here.chars().next().filter(|c| !c.is_ascii()) {
        if c.is_alphanumeric() {
            return (
                format!("`{c}` ({}) cannot be part of a name.", code_point(c)),
                "not allowed in a name",
                format!("names are written in ASCII letters, digits and `_`: replace `{c}`"),
            );
        }
    }
    if let Some(c) = here.chars().next().filter(|c| is_invisible(*c)) {
        return (
            format!("unexpected invisible character {}.", code_point(c)),
            "invisible character",
            "delete it: only spaces, tabs and line breaks may separate words".into(),
        );
    }
    let before = text.get(..at).unwrap_or("").trim_end();
    let mut declared = before
        .strip_suffix('=')
        .unwrap_or("")
        .split_whitespace()
        .rev();
    if let (true, Some(name), Some("let" | "output")) =
        (here.starts_with('='), declared.next(), declared.next())
    {
        return (
            "`==` compares two values; a `let` or an `output` is named with one `=`.".into(),
            "one `=` here",
            format!("write `{name} = …` with a single `=`"),
        );
    }
    if here.starts_with('=') && !here.starts_with("==") {
        return (
            "`=` is not a comparison.".into(),
            "not a comparison",
            "write `==` to compare two values (`=` only names a `let` or an `output`)".into(),
        );
    }
    if has("the rest of the string") && here.starts_with('}') {
        // `"\{x}"`: the brace meant to be escaped, the other one then alone.
        let escaped_brace = text_open_at(text, at)
            .and_then(|open| text.get(open..at))
            .is_some_and(|t| t.contains("\\{"));
        let help = if escaped_brace {
            "a brace in a text is written twice, not escaped: write `{{` and `}}` (`\\{` is not an escape)"
        } else {
            "write `}}` for a brace in the text; `{expr}` puts a value in it"
        };
        return (
            "a lone `}` in a text must be written `}}`.".into(),
            "write `}}`",
            help.into(),
        );
    }
    if has("the rest of the string")
        && (here.is_empty() || here.starts_with('\n') || here.starts_with('\r'))
    {
        return (
            "this text is not closed before the end of the line.".into(),
            "the text ends here without `\"`",
            "add `\"` where the text ends; a text cannot span lines (write `\\n` for a line break)"
                .into(),
        );
    }
    if top_level_only(&word) && has("a declaration") && !has("the end of the file") {
        return inside_block(&word);
    }
    if has("a name") && !word.is_empty() && is_keyword(&word) {
        return (
            format!("`{word}` is a reserved word and cannot be used as a name."),
            "a reserved word",
            format!("choose another name, such as `{word}_value`"),
        );
    }
    // Inside a `when` block, a declaration is a rule or a block, or the
    // block's `}` comes.
    let in_block = has("a declaration") && has("`}`");
    const IN_BLOCK: &[&str] = &["rule", "when"];
    let (valid, help): (&[&str], String) = if has("`deny`") && has("`message`") {
        (lexicon::RULE_CLAUSES, RULE_SHAPE.into())
    } else if in_block {
        (IN_BLOCK, IN_BLOCK_HELP.into())
    } else if has("a declaration") {
        (ITEM_STARTS, top_level_help())
    } else {
        (&[], String::new())
    };
    // And any keyword pest expected here (`identified`, `then`, …).
    let expected_words = expected.iter().filter_map(|e| {
        e.strip_prefix('`')
            .and_then(|e| e.strip_suffix('`'))
            .filter(|w| w.chars().all(|c| c.is_ascii_alphabetic()))
    });
    if !word.is_empty() && !is_keyword(&word) {
        if let Some(keyword) = suggest(&word, valid.iter().copied().chain(expected_words)) {
            return (
                format!("`{word}` is not a keyword; did you mean `{keyword}`?."),
                "not a keyword",
                if help.is_empty() {
                    format!("write `{keyword}`")
                } else {
                    format!("write `{keyword}`; {help}")
                },
            );
        }
    }
    if in_block {
        return (
            "expected a rule, a `when` block or `}` to close the block".into(),
            "not a rule or a block",
            IN_BLOCK_HELP.into(),
        );
    }
    if has("`else`") {
        return (
            "`if … then …` needs an `else` branch".into(),
            "no `else`",
            "add `else …`: an `if` gives a value on both branches (use `else none` for no value)"
                .into(),
        );
    }
    if has("`then`") {
        return (
            "expected `then` after the condition of `if`".into(),
            "no `then`",
            "write `if condition then value else other_value`".into(),
        );
    }
    if has("`where`") {
        return (
            "expected `where` and a condition after the list".into(),
            "no `where`",
            "write `any x in list where condition` (or `all`, `count`); `sum x in list of value`"
                .into(),
        );
    }
    if has("`:`") && !has("a value") {
        return (
            "expected `:` after the field name".into(),
            "no `:` before this",
            "write each field as `name: type`".into(),
        );
    }
    if has("`,`") && has("`]`") && !has("an operator") {
        return (
            "expected `,` or `]` in the list".into(),
            "no `,` before this",
            "separate list elements with `,` and close the list with `]`".into(),
        );
    }
    if has("`deny`") && has("`message`") {
        return (
            "expected a rule clause (`deny`, `note`, `when`, `message`, `help`) or `}` to close the rule"
                .into(), "not a rule clause",
            RULE_SHAPE.into(),
        );
    }
    if has("a name") && before.split_whitespace().next_back() == Some("rule") {
        return (
            "expected a rule name after `rule`".into(),
            "no name",
            "name the rule: `rule basket_too_large {`, then its clauses, then `}`".into(),
        );
    }
    if before.ends_with("rule")
        || (has("`{`") && before.split_whitespace().rev().nth(1) == Some("rule"))
    {
        return (
            "expected a rule body `{ … }` after the rule name".into(),
            "no `{` before this",
            "write `rule name {`, then the rule's clauses, then `}`".into(),
        );
    }
    if has("a value") && !has("an operator") {
        let prev = before
            .chars()
            .rev()
            .take_while(|c| !c.is_whitespace())
            .collect::<Vec<char>>()
            .into_iter()
            .rev()
            .collect::<String>();
        if matches!(prev.as_str(), "when" | "if" | "where") {
            let example = if here.starts_with('{') {
                format!("`{prev} basket.total > 100 {{`")
            } else {
                format!("`{prev} basket.total > 100`")
            };
            return (
                format!("expected a condition after `{prev}`"),
                "no condition",
                format!(
                    "write the condition, true or false, after `{prev}`: for example {example}"
                ),
            );
        }
        let what = "a value (a name, a number, a string, `true`, `false`, …)";
        let message = if prev.is_empty() {
            format!("expected {what}")
        } else {
            format!("expected {what} after `{prev}`")
        };
        return (
            message,
            "no value",
            "complete the expression, for example `basket.total > 0`".into(),
        );
    }
    if has("a type") {
        return (
            "expected a type".into(), "not a type",
            format!(
                "types are {}, `one of a, b`, `list of T`, `optional T`, `{{ field: T }}` or a declared type's name",
                lexicon::prim_list()
            ),
        );
    }
    if has("a declaration") {
        return (
            "expected a declaration".into(),
            "not a declaration",
            top_level_help(),
        );
    }
    if has("a code") {
        return (
            "expected a code after `deny` or `note`".into(),
            "no code",
            "codes are names such as `BASKET_TOO_LARGE`".into(),
        );
    }
    if has("a quoted string") {
        return (
            "expected a quoted string".into(),
            "not a text",
            "write the text between double quotes: \"…\"".into(),
        );
    }
    if expected.is_empty() {
        return (
            "unexpected text".into(),
            "unexpected",
            "check the brackets and quotes just before this point".into(),
        );
    }
    (
        format!("expected {}", join(expected)),
        "unexpected here",
        format!("insert {} here, or check the line above", short(expected)),
    )
}

fn join(items: &[&str]) -> String {
    match items {
        [] => "something else".into(),
        [one] => (*one).into(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn short(items: &[&str]) -> String {
    if items.len() > 4 {
        let mut head: Vec<&str> = items.iter().take(4).copied().collect();
        head.push("…");
        join(&head)
    } else {
        join(items)
    }
}

/// `U+000C`: how a character that cannot be shown (or told apart from a
/// letter of another script) is named.
fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// Whether `c` shows as nothing (or as a space) where the grammar expects
/// something: a control or format character, or a space other than ` ` and
/// the tab.
fn is_invisible(c: char) -> bool {
    !matches!(c, ' ' | '\t' | '\n' | '\r')
        && (c.is_whitespace()
            || c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}'))
}

/// What stands at `at`, for "found …".
fn describe_found(text: &str, at: usize) -> String {
    let rest = text.get(at..).unwrap_or("");
    match rest.chars().next() {
        None => "the end of the file".into(),
        Some('\n') | Some('\r') => "the end of the line".into(),
        Some(c) if is_invisible(c) => format!("the invisible character {}", code_point(c)),
        Some(c) if !c.is_ascii() => format!("`{c}` ({})", code_point(c)),
        Some(c) if c.is_alphanumeric() || c == '_' => {
            let word: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            format!("`{word}`")
        }
        Some('"') => "a string".into(),
        Some(c) => format!("`{c}`"),
    }
}

fn found_len(text: &str, at: usize) -> usize {
    let rest = text.get(at..).unwrap_or("");
    match rest.chars().next() {
        None | Some('\n') => 0,
        Some(c) if !c.is_ascii() => c.len_utf8(),
        Some(c) if c.is_alphanumeric() || c == '_' => rest
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
            .map_or(rest.len(), |(i, _)| i),
        Some(c) => c.len_utf8(),
    }
}

/// The author-facing name of a grammar rule, or `None` to leave it out.
fn rule_name(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "the end of the file",
        Rule::item | Rule::item_at => "a declaration",
        Rule::package_decl | Rule::kw_package => "a declaration",
        Rule::identify_decl | Rule::type_decl | Rule::schema_decl | Rule::let_decl => {
            "a declaration"
        }
        Rule::output_decl | Rule::rule_decl | Rule::when_block => "a declaration",
        Rule::kw_requests | Rule::kw_type | Rule::kw_schema | Rule::kw_optional => "a declaration",
        Rule::kw_let | Rule::kw_output | Rule::kw_rule => "a declaration",
        Rule::kw_are => "`are`",
        Rule::kw_identified => "`identified`",
        Rule::kw_by => "`by`",
        Rule::name | Rule::raw_ident | Rule::named_type => "a name",
        Rule::field_name | Rule::variant => "a field name",
        Rule::path => "a name",
        Rule::code => "a code",
        Rule::effect_clause | Rule::kw_deny | Rule::kw_note => "`deny`",
        Rule::when_clause => "`when`",
        Rule::kw_when => "`when`",
        Rule::message_clause | Rule::kw_message => "`message`",
        Rule::help_clause | Rule::kw_help => "`help`",
        Rule::type_expr
        | Rule::list_type
        | Rule::enum_type
        | Rule::record_type
        | Rule::prim_type => "a type",
        Rule::kw_list | Rule::kw_one => "a type",
        Rule::field_decl => "a field name",
        Rule::kw_of => "`of`",
        Rule::expr
        | Rule::postfix_expr
        | Rule::if_expr
        | Rule::quantifier
        | Rule::call
        | Rule::list => "a value",
        Rule::decimal
        | Rule::int
        | Rule::boolean
        | Rule::none
        | Rule::string
        | Rule::quant_pred
        | Rule::quant_sum => "a value",
        Rule::op_not | Rule::op_neg | Rule::kw_if => "a value",
        Rule::op_binary | Rule::is_test | Rule::kw_is => "an operator",
        Rule::kw_in => "an operator",
        Rule::kw_then => "`then`",
        Rule::kw_else => "`else`",
        Rule::kw_where => "`where`",
        Rule::negation | Rule::kw_not => "`not`",
        Rule::present | Rule::kw_present => "`present`",
        Rule::absent | Rule::kw_absent => "`absent`",
        Rule::text | Rule::escape | Rule::interpolation => "the rest of the string",
        _ => return None,
    })
}

/// The author-facing name of a literal token.
fn token_name(token: &str) -> Option<&'static str> {
    Some(match token {
        "{" => "`{`",
        "}" => "`}`",
        "(" => "`(`",
        ")" => "`)`",
        "[" => "`[`",
        "]" => "`]`",
        "=" => "`=`",
        ":" => "`:`",
        "," => "`,`",
        "\"" => "a quoted string",
        "." => "`.`",
        _ => return None,
    })
}
