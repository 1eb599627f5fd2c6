//! The words and operators of the language, defined once for every reader
//! of them: the parser's recovery and messages, lowering (the operator
//! precedence), the checker's suggestions and the formatter.
//!
//! The grammar (`grammar/pactum.pest`) spells the same words; a test below
//! reads the grammar and requires it to list exactly these.

/// The built-in scalar types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prim {
    /// `true` or `false`
    Bool,
    /// A whole number.
    Int,
    /// An exact decimal number.
    Decimal,
    /// Text.
    String,
    /// A calendar day.
    Date,
    /// An instant with a UTC offset.
    DateTime,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `otherwise`
    Otherwise,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        binary_entry(self).0
    }
}

/// The reserved words: none of them can be a name or a code (the grammar's
/// `keyword` rule).
pub(crate) const KEYWORDS: &[&str] = &[
    "package",
    "requests",
    "schema",
    "type",
    "optional",
    "let",
    "output",
    "rule",
    "when",
    "deny",
    "note",
    "message",
    "help",
    "if",
    "then",
    "else",
    "and",
    "or",
    "not",
    "is",
    "in",
    "present",
    "absent",
    "otherwise",
    "any",
    "all",
    "count",
    "sum",
    "where",
    "of",
    "true",
    "false",
    "none",
];

/// Words the grammar reads in one place only, which stay free as names
/// (`requests are identified by`, `list of`, `one of`).
#[cfg(test)]
pub(crate) const CONTEXT_WORDS: &[&str] = &["are", "identified", "by", "list", "one"];

/// The keywords that start a clause of a rule (the grammar's
/// `rule_clause`), in the order a rule usually has them.
pub(crate) const RULE_CLAUSES: &[&str] = &["deny", "note", "when", "message", "help"];

/// Whether `word` starts a rule clause and cannot start an item (`when`
/// starts a block too).
pub(crate) fn clause_only(word: &str) -> bool {
    RULE_CLAUSES.contains(&word) && !ITEM_STARTS.contains(&word)
}

/// The keywords that start a top-level item (the grammar's `item_start`);
/// error recovery resumes at one of them.
pub(crate) const ITEM_STARTS: &[&str] = &[
    "package", "requests", "type", "schema", "optional", "let", "output", "rule", "when",
];

/// The item keywords that only go at the top level, not inside a `when`
/// block (every item start but `rule` and `when`).
pub(crate) fn top_level_only(word: &str) -> bool {
    ITEM_STARTS.contains(&word) && !matches!(word, "rule" | "when")
}

/// The built-in scalar types, as written (the grammar's `prim_type`).
pub(crate) const PRIM_TYPES: &[(&str, Prim)] = &[
    ("bool", Prim::Bool),
    ("int", Prim::Int),
    ("decimal", Prim::Decimal),
    ("string", Prim::String),
    ("date", Prim::Date),
    ("datetime", Prim::DateTime),
];

/// The scalar types for a message: `` `bool`, `int`, … `datetime` ``.
pub(crate) fn prim_list() -> String {
    let names: Vec<String> = PRIM_TYPES.iter().map(|(w, _)| format!("`{w}`")).collect();
    names.join(", ")
}

/// Whether `word` is a reserved word.
pub(crate) fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// The scalar type called `word`.
pub(crate) fn prim(word: &str) -> Option<Prim> {
    PRIM_TYPES.iter().find(|(w, _)| *w == word).map(|&(_, p)| p)
}

/// How a scalar type is written.
pub(crate) fn prim_name(prim: Prim) -> &'static str {
    PRIM_TYPES
        .iter()
        .find(|(_, p)| *p == prim)
        .map_or("", |&(w, _)| w)
}

/// An operator (or other punctuation) that authors bring from another
/// language, and what this one writes instead.
pub(crate) struct Foreign {
    /// As it is written by mistake.
    pub(crate) written: &'static str,
    /// What to write instead (empty: nothing, remove it).
    pub(crate) instead: &'static str,
    /// What the message says about it.
    pub(crate) says: &'static str,
}

/// The operators from other languages, longest first where one starts
/// another. The syntax errors consult it where an operator, a value or a
/// declaration was expected (`a && b`, `x <> 0`, a `;` at the end of a
/// line, a `//` comment).
pub(crate) const FOREIGN_OPERATORS: &[Foreign] = &[
    Foreign {
        written: "&&",
        instead: "and",
        says: "conditions are joined with `and`",
    },
    Foreign {
        written: "||",
        instead: "or",
        says: "either of two conditions is written with `or`",
    },
    Foreign {
        written: "===",
        instead: "==",
        says: "two values are compared with `==`",
    },
    Foreign {
        written: "!==",
        instead: "!=",
        says: "`!=` tests that two values differ",
    },
    Foreign {
        written: "<>",
        instead: "!=",
        says: "`!=` tests that two values differ",
    },
    Foreign {
        written: "=>",
        instead: ">=",
        says: "greater than or equal is written `>=`",
    },
    Foreign {
        written: "=<",
        instead: "<=",
        says: "less than or equal is written `<=`",
    },
    Foreign {
        written: ":=",
        instead: "=",
        says: "a `let` or an `output` is named with one `=`",
    },
    Foreign {
        written: "!",
        instead: "not ",
        says: "a condition is negated with `not`",
    },
    Foreign {
        written: "≠",
        instead: "!=",
        says: "`!=` tests that two values differ",
    },
    Foreign {
        written: "≤",
        instead: "<=",
        says: "less than or equal is written `<=`",
    },
    Foreign {
        written: "≥",
        instead: ">=",
        says: "greater than or equal is written `>=`",
    },
    Foreign {
        written: "//",
        instead: "#",
        says: "comments start with `#`",
    },
    Foreign {
        written: "/*",
        instead: "#",
        says: "comments start with `#` and end with the line",
    },
    Foreign {
        written: ";",
        instead: "",
        says: "declarations and clauses need no end mark",
    },
];

/// A word that authors bring from another language where this one has an
/// operator or a keyword, and what this one writes instead.
pub(crate) struct ForeignWord {
    /// As it is written by mistake.
    pub(crate) written: &'static str,
    /// What this language writes instead.
    pub(crate) instead: &'static str,
    /// What the message says about it.
    pub(crate) says: &'static str,
    /// Whether it tests membership (`list contains value`): the two sides
    /// change places (`value in list`).
    pub(crate) swaps: bool,
}

/// The words from other languages that stand where an operator (or the
/// `else` of an `if`) was expected: `elif`, `list contains value`, ….
pub(crate) const FOREIGN_WORDS: &[ForeignWord] = &[
    ForeignWord {
        written: "elif",
        instead: "else if",
        says: "an `if` takes another condition with `else if … then …`",
        swaps: false,
    },
    ForeignWord {
        written: "elsif",
        instead: "else if",
        says: "an `if` takes another condition with `else if … then …`",
        swaps: false,
    },
    ForeignWord {
        written: "elseif",
        instead: "else if",
        says: "an `if` takes another condition with `else if … then …`",
        swaps: false,
    },
    ForeignWord {
        written: "contains",
        instead: "in",
        says: "membership is written `value in list`",
        swaps: true,
    },
    ForeignWord {
        written: "includes",
        instead: "in",
        says: "membership is written `value in list`",
        swaps: true,
    },
    ForeignWord {
        written: "has",
        instead: "in",
        says: "membership is written `value in list`",
        swaps: true,
    },
];

/// Words that authors bring from other languages where a rule clause
/// (`deny`, `note`, `when`, `message`, `help`) was expected, and what the
/// message says about each.
pub(crate) const FOREIGN_CLAUSES: &[(&str, &str)] = &[
    ("allow", "a request is allowed when no deny rule applies; to tell something about an allowed request, write a `note` rule"),
    ("permit", "a request is allowed when no deny rule applies; to tell something about an allowed request, write a `note` rule"),
    ("if", "a rule's condition is written `when …`"),
    ("unless", "a rule's condition is written `when …` (`when not …` for `unless`)"),
    ("where", "a rule's condition is written `when …`"),
    ("let", "a `let` goes before the rule, at the top level"),
];

/// The escapes of a text, as written, and the character each stands for
/// (the grammar's `escape` rule): lowering reads them, the formatter
/// writes them, and the message about an unknown escape lists them.
pub(crate) const ESCAPES: &[(&str, char)] = &[
    ("\\\"", '"'),
    ("\\\\", '\\'),
    ("\\n", '\n'),
    ("\\t", '\t'),
    ("{{", '{'),
    ("}}", '}'),
];

/// The character the escape `written` stands for.
pub(crate) fn escaped(written: &str) -> Option<char> {
    ESCAPES.iter().find(|(w, _)| *w == written).map(|&(_, c)| c)
}

/// How the character `c` is written in a text, when it needs an escape.
pub(crate) fn escape_of(c: char) -> Option<&'static str> {
    ESCAPES.iter().find(|(_, e)| *e == c).map(|&(w, _)| w)
}

/// Values from other languages, which read as (unknown) names here, and
/// the value this language writes.
pub(crate) const FOREIGN_VALUES: &[(&str, &str)] = &[
    ("True", "true"),
    ("TRUE", "true"),
    ("False", "false"),
    ("FALSE", "false"),
    ("null", "none"),
    ("NULL", "none"),
    ("Null", "none"),
    ("nil", "none"),
    ("None", "none"),
    ("NONE", "none"),
    ("undefined", "none"),
];

/// Binding powers, loosest first: an operator binds its operands tighter
/// than every operator of a lower power.
pub(crate) mod power {
    /// `or`
    pub(crate) const OR: u8 = 1;
    /// `and`
    pub(crate) const AND: u8 = 2;
    /// Prefix `not`.
    pub(crate) const NOT: u8 = 3;
    /// Comparisons, `in` and the postfix `is` test.
    pub(crate) const COMPARE: u8 = 4;
    /// `otherwise`
    pub(crate) const OTHERWISE: u8 = 5;
    /// `+`, `-`
    pub(crate) const ADD: u8 = 6;
    /// `*`, `/`
    pub(crate) const MUL: u8 = 7;
    /// Prefix `-`.
    pub(crate) const NEG: u8 = 8;
    /// Field access, calls and literals: above every operator.
    pub(crate) const POSTFIX: u8 = 9;
}

/// The binary operators: how each is written and its binding power. All
/// are left-associative.
pub(crate) const BINARY_OPS: &[(BinOp, &str, u8)] = &[
    (BinOp::Or, "or", power::OR),
    (BinOp::And, "and", power::AND),
    (BinOp::Otherwise, "otherwise", power::OTHERWISE),
    (BinOp::Eq, "==", power::COMPARE),
    (BinOp::Ne, "!=", power::COMPARE),
    (BinOp::Lt, "<", power::COMPARE),
    (BinOp::Le, "<=", power::COMPARE),
    (BinOp::Gt, ">", power::COMPARE),
    (BinOp::Ge, ">=", power::COMPARE),
    (BinOp::In, "in", power::COMPARE),
    (BinOp::Add, "+", power::ADD),
    (BinOp::Sub, "-", power::ADD),
    (BinOp::Mul, "*", power::MUL),
    (BinOp::Div, "/", power::MUL),
];

/// The binary operator written `symbol`, and its binding power.
pub(crate) fn binary_op(symbol: &str) -> Option<(BinOp, u8)> {
    BINARY_OPS
        .iter()
        .find(|(_, s, _)| *s == symbol)
        .map(|&(op, _, p)| (op, p))
}

/// How `op` is written, and its binding power.
pub(crate) fn binary_entry(op: BinOp) -> (&'static str, u8) {
    BINARY_OPS
        .iter()
        .find(|(o, _, _)| *o == op)
        .map_or(("", 0), |&(_, s, p)| (s, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRAMMAR: &str = include_str!("../../grammar/pactum.pest");

    /// The body of rule `name` in the grammar (up to the next rule).
    fn rule_body(name: &str) -> String {
        let start = GRAMMAR
            .lines()
            .position(|l| {
                l.split_whitespace().next() == Some(name)
                    && l.split_whitespace().nth(1) == Some("=")
            })
            .unwrap_or_else(|| panic!("no rule `{name}` in the grammar"));
        let mut body = String::new();
        for (i, line) in GRAMMAR.lines().enumerate().skip(start) {
            let code = line.split("//").next().unwrap_or("");
            if i > start && code.split_whitespace().nth(1) == Some("=") {
                break;
            }
            body.push_str(code);
            body.push('\n');
        }
        body
    }

    /// The quoted words of a rule body.
    fn quoted(body: &str) -> Vec<String> {
        body.split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    /// The `kw_*` rules a rule body names.
    fn kw_rules(body: &str) -> Vec<String> {
        body.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter_map(|w| w.strip_prefix("kw_"))
            .map(str::to_string)
            .collect()
    }

    fn sorted(words: impl IntoIterator<Item = impl ToString>) -> Vec<String> {
        let mut v: Vec<String> = words.into_iter().map(|w| w.to_string()).collect();
        v.sort();
        v
    }

    /// The grammar's `keyword` rule accepts exactly the reserved words:
    /// tried on every word of the language, and on each with a letter less
    /// or more.
    #[test]
    fn the_grammar_reserves_exactly_the_keywords() {
        use pest::Parser as _;

        use crate::syntax::grammar::{PactumParser, Rule};

        let mut words: Vec<String> = Vec::new();
        let known = KEYWORDS.iter().chain(CONTEXT_WORDS);
        for w in known.chain(PRIM_TYPES.iter().map(|(w, _)| w)) {
            words.push(w.to_string());
            words.push(format!("{w}s"));
            words.push(format!("{w}_"));
            words.push(format!("{w}1"));
            words.push(w[..w.len() - 1].to_string());
        }
        words.extend(["allowed", "x", "_", "i", "o", "nothing", "order"].map(String::from));
        for word in &words {
            let grammar = PactumParser::parse(Rule::keyword, word)
                .is_ok_and(|mut p| p.next().is_some_and(|k| k.as_str() == word));
            assert_eq!(grammar, is_keyword(word), "{word}");
        }
    }

    /// The grammar's rules: name and body, comments left out, one line
    /// each (the token rules are one line long).
    fn one_line_rules() -> impl Iterator<Item = (&'static str, &'static str)> {
        GRAMMAR.lines().filter_map(|line| {
            let code = line.split("//").next().unwrap_or("");
            let mut words = code.split_whitespace();
            match (words.next(), words.next()) {
                (Some(rule), Some("=")) => Some((rule, code)),
                _ => None,
            }
        })
    }

    /// Each word is a token of the grammar outside `keyword`, and each
    /// `kw_*` rule reads one of the words.
    #[test]
    fn the_grammar_has_a_token_for_each_word() {
        let mut tokens = Vec::new();
        for (rule, body) in one_line_rules() {
            if let Some(word) = rule.strip_prefix("kw_") {
                assert_eq!(quoted(body), [word], "{body}");
            }
            tokens.extend(quoted(body));
        }
        let words: Vec<&str> = KEYWORDS.iter().chain(CONTEXT_WORDS).copied().collect();
        for w in &words {
            assert!(
                tokens.iter().any(|t| t == w),
                "no token `{w}` in the grammar"
            );
        }
        for (rule, _) in one_line_rules() {
            if let Some(word) = rule.strip_prefix("kw_") {
                assert!(words.contains(&word), "{rule}");
            }
        }
    }

    #[test]
    fn the_grammar_starts_items_with_exactly_the_item_starts() {
        assert_eq!(
            sorted(kw_rules(&rule_body("item_start"))),
            sorted(ITEM_STARTS)
        );
    }

    #[test]
    fn the_grammar_starts_rule_clauses_with_exactly_the_clause_keywords() {
        let words: Vec<String> = [
            "effect_clause",
            "when_clause",
            "message_clause",
            "help_clause",
        ]
        .iter()
        .flat_map(|r| kw_rules(&rule_body(r)))
        .collect();
        assert_eq!(sorted(words), sorted(RULE_CLAUSES));
    }

    /// A backslash escape parses as one exactly when it is in `ESCAPES`,
    /// and each means its character.
    #[test]
    fn the_grammar_has_exactly_the_escapes() {
        use pest::Parser as _;

        use crate::syntax::grammar::{PactumParser, Rule};

        let whole = |rule: Rule, text: &str| {
            PactumParser::parse(rule, text)
                .is_ok_and(|mut p| p.next().is_some_and(|e| e.as_str() == text))
        };
        for c in (' '..='~').chain(['é', '\t']) {
            let written = format!("\\{c}");
            assert_eq!(
                whole(Rule::escape, &written),
                escaped(&written).is_some(),
                "{written}"
            );
            assert!(whole(Rule::bad_escape, &written) || escaped(&written).is_some());
        }
        for &(written, c) in ESCAPES {
            assert!(whole(Rule::escape, written), "{written}");
            assert_eq!(escape_of(c), Some(written));
        }
    }

    #[test]
    fn the_grammar_has_exactly_the_scalar_types() {
        let names = PRIM_TYPES.iter().map(|(w, _)| w);
        assert_eq!(sorted(quoted(&rule_body("prim_type"))), sorted(names));
        for &(w, p) in PRIM_TYPES {
            assert_eq!((prim(w), prim_name(p)), (Some(p), w));
        }
    }

    #[test]
    fn the_grammar_has_exactly_the_operators() {
        let mut symbols = Vec::new();
        for (rule, body) in one_line_rules() {
            if rule.starts_with("op_") && rule != "op_not" && rule != "op_neg" {
                symbols.extend(quoted(body));
                symbols.extend(kw_rules(body));
            }
        }
        let ops = BINARY_OPS.iter().map(|(_, s, _)| s);
        assert_eq!(sorted(symbols), sorted(ops));
        for &(op, s, p) in BINARY_OPS {
            assert_eq!(binary_op(s), Some((op, p)));
            assert_eq!(binary_entry(op), (s, p));
        }
    }
}
