//! The parser: one item at a time with pest, and recovery after a syntax
//! error so that every independent error of a file is reported in one run.

use pest::error::InputLocation;
use pest::Parser as _;

use super::ast;
use super::errors::syntax_error;
use super::grammar::{PactumParser, Rule};
use super::lexicon::{clause_only, is_keyword, top_level_only, ITEM_STARTS};
use super::lower::Lower;
use super::nesting::{nesting_checked, MAX_NESTING};
use super::scan::{self, braces, line_col, starts_word, Opener};
use super::slips;
use crate::diag::{codes, Diagnostic, Diagnostics};
use crate::limits::Limits;
use crate::source::{Sources, Span};

/// How many syntax errors one file reports before the parser gives up on it.
const MAX_SYNTAX_ERRORS: usize = 100;

/// Whether `text` holds only whitespace and comments (the grammar's trivia).
fn only_trivia(text: &str) -> bool {
    skip_trivia(text).is_empty()
}

/// `text` from its first character that is not whitespace or a comment
/// (the grammar's trivia).
fn skip_trivia(mut text: &str) -> &str {
    loop {
        text = text.trim_start_matches([' ', '\t', '\r', '\n']);
        match text.strip_prefix('#') {
            Some(comment) => {
                text = comment
                    .find('\n')
                    .map_or("", |i| comment.get(i..).unwrap_or(""))
            }
            None => return text,
        }
    }
}

/// The guards of an item parsed after an error inside `when` blocks: the
/// conditions of the blocks, or `Unknown` when one did not parse.
enum Guards {
    Known(Vec<ast::Expr>),
    Unknown,
}

impl Guards {
    fn of(open: &[Option<ast::Expr>]) -> Guards {
        open.iter()
            .cloned()
            .collect::<Option<Vec<_>>>()
            .map_or(Guards::Unknown, Guards::Known)
    }
}

/// The condition of the `when` block whose keyword is at `keyword`, when
/// it parses: all of the text up to the block's `{`, or up to `end` (a
/// block written without its `{`). Run only after an error.
fn block_condition(
    sources: &Sources,
    file: u32,
    text: &str,
    (keyword, end): (usize, Option<usize>),
    limits: &Limits,
    diags: &mut Diagnostics,
) -> Option<ast::Expr> {
    let after = keyword + "when".len();
    let input = text.get(after..end.unwrap_or(text.len()))?;
    let pair = PactumParser::parse(Rule::expr, input).ok()?.next()?;
    let follows = skip_trivia(input.get(pair.as_span().end()..)?);
    let whole = match end {
        Some(_) => follows.is_empty(),
        None => follows.starts_with('{'),
    };
    if !whole {
        return None;
    }
    let lower = Lower::new(file, after, input, limits.expr_depth());
    let condition = lower.condition(pair);
    lower.too_deep()?;
    report_escapes(sources, &lower, diags);
    Some(condition)
}

/// What the items of a file lowered so far give: the items, the names
/// declared by items that did not parse, and the `when` blocks that hold no
/// rule.
#[derive(Default)]
struct Gathered {
    items: Vec<ast::Item>,
    unparsed_names: Vec<std::sync::Arc<str>>,
    empty_blocks: Vec<ast::EmptyBlock>,
}

/// Where one item was parsed from: the file, the offset of `rest` in it,
/// and `rest`, the text from there on.
struct At<'t> {
    file: u32,
    pos: usize,
    rest: &'t str,
}

/// Lowers one parsed item (`item_at` or `item_head`) into `out`, or
/// reports it as nested too deeply and leaves it out. Inside a `when` block
/// whose condition did not parse, its rules are left out (their names kept
/// as unparsed), so that no rule is checked without its guard. Each
/// unknown escape in its texts (`\q`) is reported.
fn lower_item(
    sources: &Sources,
    at: &At<'_>,
    limits: &Limits,
    pair: pest::iterators::Pair<'_, Rule>,
    guards: Guards,
    out: &mut Gathered,
    diags: &mut Diagnostics,
) {
    let lower = Lower::new(at.file, at.pos, at.rest, limits.expr_depth());
    let before = out.items.len();
    match &guards {
        Guards::Known(guards) => lower.items(pair, &mut out.items, guards),
        Guards::Unknown => {
            lower.items(pair, &mut out.items, &[]);
            for item in out.items.drain(before..) {
                if let ast::Item::Rule(r) = item {
                    out.unparsed_names.push(r.name.node);
                }
            }
        }
    }
    if let Some(span) = lower.too_deep() {
        // Leave the item out: its expressions were cut short.
        out.items.truncate(before);
        diags.push(
            Diagnostic::new(
                codes::LIMIT_DEPTH,
                format!(
                    "this expression nests more than {} operators, fields or calls deep",
                    limits.expr_depth()
                ),
            )
            .at(sources, span, "nested too deeply")
            .help("split the expression into several `let` values"),
        );
        return;
    }
    report_escapes(sources, &lower, diags);
    out.empty_blocks.extend(lower.empty_blocks());
}

/// Reports each unknown escape (`\q`) that `lower` met.
fn report_escapes(sources: &Sources, lower: &Lower, diags: &mut Diagnostics) {
    let mut texts_seen = Vec::new();
    for (escape, text) in lower.bad_escapes() {
        let first_in_text = !texts_seen.contains(&text);
        texts_seen.push(text);
        diags.push(super::errors::unknown_escape(
            sources,
            escape,
            text,
            first_in_text,
        ));
    }
}

/// The item at the start of `rest` when it is complete and only what
/// follows it is wrong (the error at `at` is the first character after
/// it, on a later line): its pair and its length. Run only after an error.
fn complete_item_before(rest: &str, at: usize) -> Option<(pest::iterators::Pair<'_, Rule>, usize)> {
    let head = PactumParser::parse(Rule::item_head, rest).ok()?.next()?;
    let end = head.as_span().end();
    let after = rest.get(end..)?;
    let gap = after.get(..after.len() - skip_trivia(after).len())?;
    // On a line of its own, or after an item's closing `}`: a word after
    // an expression on the same line (`any x in xs x.ok`) is more likely a
    // slip inside the item.
    let closed = rest.get(..end).is_some_and(|item| item.ends_with('}'));
    (end + gap.len() == at && (closed || gap.contains('\n'))).then_some((head, end))
}

/// The error of an item that reaches the end of the file (or the next
/// item) inside a rule, a `when` block, a schema, a type or a bracket:
/// that one is not closed, said where it opens.
fn unclosed_block(
    sources: &Sources,
    file: u32,
    text: &str,
    start: usize,
    at: usize,
) -> Option<Diagnostic> {
    // A text still open at the end of its line is the first mistake: its
    // error says so (and where the text opens).
    if super::errors::open_quote_before(text, at).is_some() {
        return None;
    }
    let at_end = only_trivia(text.get(at..)?);
    // A top-level word at the start of a line where the block's content
    // was expected: the block ended without its `}`.
    let here = text.get(at..)?;
    let at_line_start = at == 0 || text.get(..at)?.ends_with('\n');
    let next_item = |words: fn(&str) -> bool| {
        at_line_start
            && ITEM_STARTS
                .iter()
                .any(|kw| starts_word(here, kw) && words(kw))
    };
    // The mistake is on a line that starts a new item (`schema request {`
    // read as the next field of a schema left open).
    let on_item_line = scan::line_starts_item(text, at).is_some();
    // A `when` block opening inside a rule: the rule ended before it.
    let block_in_rule = here.starts_with('{') && scan::line_starts_item(text, at) == Some("when");
    // A rule clause on a line of its own inside brackets: they were left
    // open on an earlier line.
    let clause_line = scan::first_on_line(text, at) && clause_only(scan::word(here));
    let (offset, kind) = *braces(text.get(start..at)?).open.last()?;
    // … on a line after the one the bracket opens on.
    let on_item_line = on_item_line && text.get(start + offset..at)?.contains('\n');
    let (what, close) = match kind {
        Opener::When(_) if at_end || next_item(top_level_only) => ("`when` block", '}'),
        Opener::Rule(_) if at_end || next_item(|_| true) || block_in_rule => ("rule", '}'),
        Opener::Schema if at_end || on_item_line => ("schema", '}'),
        Opener::Type if at_end || on_item_line => ("type", '}'),
        Opener::Bracket('(') if at_end || next_item(|_| true) || clause_line => ("`(`", ')'),
        Opener::Bracket('[') if at_end || next_item(|_| true) || clause_line => ("`[`", ']'),
        _ => return None,
    };
    let brace = start + offset;
    let (line, col) = line_col(text, brace);
    let ends = if at_end {
        "the file ends inside it".to_string()
    } else {
        let (line, _) = line_col(text, at);
        if block_in_rule {
            format!("line {line} starts a `when` block")
        } else if clause_line {
            format!("line {line} starts the next clause")
        } else {
            format!("line {line} starts a new item")
        }
    };
    let (ends_what, opened) = match close {
        '}' => (
            format!("the {what}"),
            format!("this {what} is opened here and never closed"),
        ),
        _ => (
            "the bracket".to_string(),
            "opened here and never closed".to_string(),
        ),
    };
    Some(
        Diagnostic::new(
            codes::PARSE_SYNTAX,
            format!("this {what} at {line}:{col} is not closed"),
        )
        .at(sources, Span::new(file, brace, brace + 1), opened)
        .help(format!("add `{close}` where {ends_what} ends; {ends}")),
    )
}

/// Parses file number `file` of `sources`. Syntax errors go to `diags`; the
/// items that did parse are returned so that the checker can still report
/// its own errors about them. A file larger than `limits.max_policy_bytes`
/// is refused whole; an item whose expressions nest deeper than
/// `limits.max_expr_depth` is reported and left out.
pub(crate) fn parse(sources: &Sources, file: u32, limits: &Limits) -> Parsed {
    let mut diagnostics = Diagnostics::default();
    let file = parse_into(sources, file, &mut diagnostics, limits);
    Parsed { file, diagnostics }
}

/// What parsing one file gives: its syntax tree (the items that parsed)
/// and its syntax errors.
pub(crate) struct Parsed {
    /// The items that parsed, and the names of those that did not.
    pub(crate) file: ast::File,
    /// Every syntax error of the file.
    pub(crate) diagnostics: Diagnostics,
}

/// [`parse`], its errors pushed to `diags` as they are found.
fn parse_into(sources: &Sources, file: u32, diags: &mut Diagnostics, limits: &Limits) -> ast::File {
    let text = sources
        .get(file)
        .map(|f| f.text().to_owned())
        .unwrap_or_default();
    if text.len() > limits.max_policy_bytes {
        diags.push(
            Diagnostic::new(
                codes::LIMIT_POLICY_SIZE,
                format!(
                    "this file is {} bytes; policy files are limited to {} bytes",
                    text.len(),
                    limits.max_policy_bytes
                ),
            )
            .at(sources, Span::new(file, 0, 0), "")
            .help("split the package into several files, or raise the limit (`--max-policy-bytes`) for a file you trust"),
        );
        return ast::File {
            file,
            items: Vec::new(),
            unparsed_names: Vec::new(),
            unparsed_package: false,
            incomplete_rules: Vec::new(),
            empty_blocks: Vec::new(),
        };
    }
    let mut out = Gathered::default();
    let mut unparsed_package = false;
    let mut incomplete_rules = Vec::new();
    // Reserved words declared as names by items that did not parse (`let
    // count = …`, reported there): their uses are not reported again.
    let mut reserved_names: Vec<std::sync::Arc<str>> = Vec::new();
    let mut pos = 0usize;
    let mut recovering = false;
    // `when` blocks whose opening was skipped after an error and whose `}`
    // is still to come, each with its condition (the guard of the rules
    // recovered inside it; `None` when the condition did not parse).
    let mut open_blocks: Vec<Option<ast::Expr>> = Vec::new();
    // Where the last syntax error was reported: never twice at one place.
    let mut reported_at = None;
    let mut errors = 0usize;
    while pos < text.len() {
        let rest = text.get(pos..).unwrap_or("");
        // Not `Rule::rest`: a failed pest parse builds an error whose line
        // is found by scanning the whole input, which made every item cost
        // the length of the rest of the file.
        if only_trivia(rest) {
            break;
        }
        if errors >= MAX_SYNTAX_ERRORS {
            // Each error costs a scan of the rest of the file: stop here.
            break;
        }
        if recovering && skip_trivia(rest).starts_with('}') {
            // The closing brace of a block whose start was skipped.
            let skip = rest.len() - skip_trivia(rest).len() + 1;
            pos += skip;
            open_blocks.pop();
            recovering = !open_blocks.is_empty();
            continue;
        }
        if let Some((offset, depth, keywords)) = nesting_checked(rest) {
            let span = Span::new(file, pos + offset, pos + offset + 1);
            diags.push(
                Diagnostic::new(
                    codes::PARSE_SYNTAX,
                    if keywords {
                        format!("brackets, `if`s, quantifiers or `list of` nested {depth} deep; at most {MAX_NESTING} are allowed")
                    } else {
                        format!("brackets nested {depth} deep; at most {MAX_NESTING} are allowed")
                    },
                )
                .at(sources, span, "nested too deeply here")
                .help("split the expression into several `let` values"),
            );
            if let Some(Declared::Name(n)) = declared(rest) {
                out.unparsed_names.push(n);
            }
            match resume_point(&text, pos, pos + offset) {
                Some(next) => {
                    pos = next;
                    recovering = true;
                    continue;
                }
                None => break,
            }
        }
        // A `let` (or another top-level item) indented inside a `when`
        // block read past after an error: reported, then read as a
        // declaration like the first one.
        let item = skip_trivia(rest);
        let keyword = scan::word(item);
        let item_at = pos + (rest.len() - item.len());
        // At the start of a line, it is more likely the block that ended
        // without its `}`.
        let column_0 = item_at == 0 || text.get(..item_at).is_some_and(|b| b.ends_with('\n'));
        if !open_blocks.is_empty()
            && top_level_only(keyword)
            && !column_0
            && reported_at != Some(item_at)
        {
            diags.push(super::errors::misplaced_in_block(
                sources, file, item_at, keyword,
            ));
            reported_at = Some(item_at);
        }
        // Parse fast; on an error, parse the item again with pest's error
        // detail (what was expected) for the message. Once on, the detail
        // stays on for the process, so messages never depend on timing.
        let parsed = PactumParser::parse(Rule::item_at, rest).or_else(|e| {
            if e.parse_attempts().is_some() {
                Err(e)
            } else {
                pest::set_error_detail(true);
                PactumParser::parse(Rule::item_at, rest)
            }
        });
        match parsed {
            Ok(mut pairs) => {
                let Some(item_at) = pairs.next() else { break };
                let consumed = item_at.as_span().end();
                let guards = Guards::of(&open_blocks);
                let at = At { file, pos, rest };
                lower_item(sources, &at, limits, item_at, guards, &mut out, diags);
                pos += consumed.max(1);
                recovering = !open_blocks.is_empty();
            }
            Err(e) => {
                let reported = match e.location {
                    InputLocation::Pos(p) => p,
                    InputLocation::Span((s, _)) => s,
                };
                // pest's furthest attempt is the better place, unless it
                // only looked past a keyword into the following space.
                let furthest = e.parse_attempts().map_or(0, |a| a.max_position);
                let lands_on_text = rest
                    .get(furthest..)
                    .and_then(|r| r.chars().next())
                    .is_some_and(|c| !c.is_whitespace());
                // Inside a word (`in` read from `includes`): at its start.
                let furthest = word_start(rest, furthest);
                let at = pos
                    + if furthest > reported && lands_on_text {
                        furthest
                    } else {
                        reported
                    };
                // A complete item followed by the mistake: keep the item
                // and report the mistake where it is, on the next round.
                if let Some((head, consumed)) = complete_item_before(rest, at - pos) {
                    let guards = Guards::of(&open_blocks);
                    let at = At { file, pos, rest };
                    lower_item(sources, &at, limits, head, guards, &mut out, diags);
                    pos += consumed.max(1);
                    recovering = !open_blocks.is_empty();
                    continue;
                }
                let start = pos + (rest.len() - skip_trivia(rest).len());
                let unclosed = unclosed_block(sources, file, &text, start, at);
                // A block reported unclosed ends where the next item starts.
                let ended = unclosed.is_some();
                // A reserved word declared as a name, already reported
                // where it was declared, and met again where it is used.
                let echo = [word_at(&text, at), word_before(&text, at)]
                    .iter()
                    .any(|w| reserved_names.iter().any(|r| **r == **w));
                if reported_at != Some(at) && !echo {
                    diags.push(
                        unclosed
                            .unwrap_or_else(|| syntax_error(sources, file, &text, start, at, &e)),
                    );
                    reported_at = Some(at);
                }
                errors += 1;
                match declared(rest) {
                    Some(Declared::Package) => unparsed_package = true,
                    Some(Declared::Name(n)) => {
                        if is_keyword(&n) {
                            reserved_names.push(n.clone());
                        }
                        out.unparsed_names.push(n);
                    }
                    None => {}
                }
                // A clause after its rule's `}` belongs to that rule.
                if let Some(rule) = slips::rule_closed_before(&text, start) {
                    if clause_only(scan::word(text.get(start..).unwrap_or(""))) {
                        incomplete_rules.push(std::sync::Arc::from(rule));
                    }
                }
                // A `when` block without its `{`: its rules follow it, and
                // its `}` closes it.
                let brace_missing = slips::when_without_brace(&text, start, at).filter(|_| !ended);
                // A `let` (or any top-level item) inside a `when` block,
                // reported there: read on from it, so that what it declares
                // is known to the rest of the block.
                let misplaced =
                    (!ended && at > start && misplaced_in_block(&text, start, at)).then_some(at);
                match misplaced
                    .or_else(|| else_block_end(&text, at))
                    .or_else(|| resume_point(&text, start, at))
                {
                    Some(next) => {
                        // The `when` blocks left open by the skipped text
                        // close at a `}` of their own, not an error.
                        let skipped = if ended {
                            ""
                        } else {
                            text.get(start..next).unwrap_or("")
                        };
                        for (_, kind) in braces(skipped).open {
                            if let Opener::When(keyword) = kind {
                                open_blocks.push(block_condition(
                                    sources,
                                    file,
                                    &text,
                                    (start + keyword, None),
                                    limits,
                                    diags,
                                ));
                            }
                        }
                        if let Some(end) = brace_missing {
                            open_blocks.push(block_condition(
                                sources,
                                file,
                                &text,
                                (start, Some(end)),
                                limits,
                                diags,
                            ));
                        }
                        pos = next;
                        recovering = true;
                    }
                    None => break,
                }
            }
        }
    }
    ast::File {
        file,
        items: out.items,
        unparsed_names: out.unparsed_names,
        unparsed_package,
        incomplete_rules,
        empty_blocks: out.empty_blocks,
    }
}

/// `} else { … }` after a `when` block (reported as such): the end of the
/// `else` block, so that its rules are not read as rules of their own
/// (which would report each one's missing condition).
fn else_block_end(text: &str, at: usize) -> Option<usize> {
    let rest = text.get(at..)?;
    if scan::word(rest) != "else" {
        return None;
    }
    let after = rest.get(4..)?;
    let open = after.len() - after.trim_start().len();
    if !after.get(open..)?.starts_with('{') {
        return None;
    }
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in after.char_indices().skip_while(|(i, _)| *i < open) {
        match c {
            _ if in_string && escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '\n' if in_string => in_string = false,
            '{' if !in_string => depth += 1,
            '}' if !in_string => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(at + 4 + i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// What an item that did not parse declares, read from its text.
enum Declared {
    /// The package's name.
    Package,
    /// A name: `let NAME`, `rule NAME`, `schema NAME`, …
    Name(std::sync::Arc<str>),
}

/// What the item at the start of `item` declares, read from its text even
/// when the item does not parse, and even when its keyword is misspelt
/// (`shema request {` declares `request`).
fn declared(item: &str) -> Option<Declared> {
    let mut words = item
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty());
    let mut first = words.next()?;
    if first == "optional" {
        first = words.next()?;
    }
    let keyword = if ITEM_STARTS.contains(&first) {
        first.to_string()
    } else {
        crate::suggest::suggest(first, ITEM_STARTS.iter().copied())?
    };
    match keyword.as_str() {
        "package" => Some(Declared::Package),
        "let" | "output" | "rule" | "schema" | "type" => words
            .next()
            .map(|w| Declared::Name(std::sync::Arc::from(w))),
        _ => None,
    }
}

/// The word at `at`, if one starts there.
fn word_at(text: &str, at: usize) -> &str {
    scan::word(text.get(at..).unwrap_or(""))
}

/// The start of the ASCII word (letters, digits, `_`) that `at` is inside, or
/// `at` when it starts one or is not in one.
fn word_start(text: &str, at: usize) -> usize {
    // ASCII only: a letter the grammar refuses (`ï` in `naïve`) is the
    // mistake itself, reported where it is.
    let glued = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let inside = text
        .get(at..)
        .and_then(|r| r.chars().next())
        .is_some_and(glued);
    match text.get(..at) {
        Some(before) if inside => before
            .char_indices()
            .rev()
            .take_while(|&(_, c)| glued(c))
            .last()
            .map_or(at, |(i, _)| i),
        _ => at,
    }
}

/// The word that ends right before `at` (spaces between), if any.
fn word_before(text: &str, at: usize) -> &str {
    let before = text.get(..at).unwrap_or("");
    // At the end of the text, the word may end the line before.
    let at_end = text.get(at..).is_some_and(|r| r.trim().is_empty());
    let before = if at_end {
        before.trim_end()
    } else {
        before.trim_end_matches([' ', '\t'])
    };
    let start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    before.get(start..).unwrap_or("")
}

/// Whether the error at `at`, in the item that starts at `start`, is a
/// top-level item (`let`, `output`, …) written inside a `when` block.
fn misplaced_in_block(text: &str, start: usize, at: usize) -> bool {
    let inside = text.get(start..at).map(braces);
    top_level_only(word_at(text, at))
        && matches!(
            inside.and_then(|b| b.open.last().copied()),
            Some((_, Opener::When(_)))
        )
}

/// Where to resume after an error at `at` in an item that starts at
/// `item`: the start of the first line at or after the error's line, past the
/// item's start, that begins a top-level item (or, indented, a rule).
fn resume_point(text: &str, item: usize, at: usize) -> Option<usize> {
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let mut offset = if line_start > item {
        line_start
    } else {
        text.get(at..)?.find('\n')? + at + 1
    };
    while offset < text.len() {
        let line = text.get(offset..).unwrap_or("");
        // The grammar's whitespace only: a line that starts with another
        // invisible character is not an item.
        let trimmed = line.trim_start_matches([' ', '\t', '\r']);
        let indented = trimmed.len() != line.len();
        let starts = |kw: &str| {
            trimmed.starts_with(kw)
                && !trimmed
                    .get(kw.len()..)
                    .and_then(|s| s.chars().next())
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
        };
        let item = if indented {
            starts("rule")
        } else {
            ITEM_STARTS.iter().any(|kw| starts(kw))
        };
        if item {
            return Some(offset);
        }
        offset += line.find('\n')? + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resume_skips_to_next_top_level_item() {
        let text = "rule a {\n  deny X when +\n}\nlet b = 1\n";
        let at = text.find('+').unwrap_or(0);
        assert_eq!(resume_point(text, 0, at), text.find("let"));
    }
}
