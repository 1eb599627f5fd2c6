//! The index of diagnostic codes: one constant a code, each with its
//! stage, severity, summary and long explanation (`docs/errors/<stage>/<name>.md`,
//! built into the program). One cohesive table; [`super`] re-exports it as
//! `diag::codes`.

macro_rules! codes {
    ($( $(#[$doc:meta])* $name:ident = $stage:literal / $short:literal, $sev:ident, $summary:literal; )*) => {
        /// Every diagnostic code the program can emit, one constant a code.
        /// Each code's long explanation is `docs/errors/<stage>/<name>.md`,
        /// built into the program (`pactum explain CODE`).
        pub mod codes {
            use crate::diag::{Code, Severity};
            $( $(#[$doc])* pub const $name: Code = Code {
                id: concat!("pactum::", $stage, "::", $short),
                severity: Severity::$sev,
                summary: $summary,
                explanation: include_str!(concat!("../../docs/errors/", $stage, "/", $short, ".md")),
            }; )*
            /// All codes, in index order.
            pub const ALL: &[Code] = &[$($name),*];
        }
    };
}

codes! {
    /// `rule x {` with no closing brace
    PARSE_SYNTAX = "parse" / "syntax", Error, "the text does not follow the grammar";
    /// `let x = 99999999999999999999999999999999`
    PARSE_BAD_LITERAL = "parse" / "bad_literal", Error, "a number or date literal cannot be read";
    /// a directory with no `.policy` file
    LOAD_NO_FILES = "load" / "no_files", Error, "the package directory holds no .policy file";
    /// a path that cannot be read
    LOAD_IO = "load" / "io", Error, "a file or directory cannot be read";
    /// two files saying `package a` and `package b`
    CHECK_PACKAGE_NAME = "check" / "package_name", Error, "the files of a package disagree on its name, or none names it";
    /// `foo + 1` where nothing is called `foo`
    CHECK_UNKNOWN_NAME = "check" / "unknown_name", Error, "a name that no schema, let or output declares";
    /// `order.amout`
    CHECK_UNKNOWN_FIELD = "check" / "unknown_field", Error, "a field that the record type does not have";
    /// `basket.status is shiped`
    CHECK_UNKNOWN_VARIANT = "check" / "unknown_variant", Error, "an enum variant the enum does not list";
    /// `foo(1)`
    CHECK_UNKNOWN_FUNCTION = "check" / "unknown_function", Error, "a call to a function that does not exist";
    /// `round(1)`
    CHECK_ARITY = "check" / "arity", Error, "a function called with the wrong number of arguments";
    /// `round(x, 40)`
    CHECK_ARGUMENT_RANGE = "check" / "argument_range", Error, "a fixed function argument outside the values the function accepts";
    /// `basket.placed_on + 1.5`
    CHECK_TYPE_MISMATCH = "check" / "type_mismatch", Error, "an operator or function applied to values of the wrong type";
    /// `rule r { deny X when basket.total }`
    CHECK_NOT_BOOL = "check" / "condition_not_bool", Error, "a condition that is not true or false";
    /// `not order.coupon.active` without a presence test
    CHECK_OPTIONAL_UNCHECKED = "check" / "optional_unchecked", Error, "an optional value used without a presence test or a default";
    /// two `let x` in one package
    CHECK_DUPLICATE = "check" / "duplicate", Error, "a name, rule, field, variant, output or code declared twice";
    /// `let a = b` and `let b = a`
    CHECK_CYCLE = "check" / "cycle", Error, "computed values that depend on each other in a circle";
    /// `rule r { when true }`
    CHECK_RULE_SHAPE = "check" / "rule_shape", Error, "a rule without an effect or a condition, or with a clause twice";
    /// `allowed` in a deny rule
    CHECK_ALLOWED_MISUSE = "check" / "allowed_in_deny", Error, "a deny rule that depends on the decision it is part of";
    /// `requests are identified by order.coupon`
    CHECK_BAD_IDENTIFIER = "check" / "bad_identifier", Error, "the request identifier is not a plain required value";
    /// `schema x { a: money }`
    CHECK_UNKNOWN_TYPE = "check" / "unknown_type", Error, "a type name that is neither built in nor declared";
    /// `type a = b` and `type b = a`
    CHECK_RECURSIVE_TYPE = "check" / "recursive_type", Error, "a type defined in terms of itself";
    /// `rule r { deny X when 1 == 1 }`, `when x > 5 or x < 10`
    WARN_CONSTANT_CONDITION = "warn" / "constant_condition", Warning, "a condition, or a part of one, that does not depend on the facts or always holds";
    /// `when x is a and x is b`, `when x > 5 and x < 3`
    WARN_CONTRADICTION = "warn" / "contradiction", Warning, "a rule that can never fire, or a part of a condition that never holds";
    /// `let x = 1` that nothing reads
    WARN_UNUSED_LET = "warn" / "unused_let", Warning, "a computed value nothing reads";
    /// a schema field that no rule, let or output reads
    WARN_UNUSED_FIELD = "warn" / "unused_field", Warning, "a schema field nothing reads";
    /// `rule r { deny X when c message "m" }` without `help`
    WARN_DENY_WITHOUT_HELP = "warn" / "deny_without_help", Warning, "a deny rule that does not tell the user what to do";
    /// `when basket.total > 100 { }`
    WARN_EMPTY_BLOCK = "warn" / "empty_block", Warning, "a `when` block that holds no rule";
    /// facts that are not valid YAML or JSON
    FACTS_SYNTAX = "facts" / "syntax", Error, "the facts document is not valid YAML or JSON";
    /// `order: { amout: 1 }`
    FACTS_UNKNOWN_FIELD = "facts" / "unknown_field", Error, "a facts field the schema does not declare";
    /// a required field left out
    FACTS_MISSING_FIELD = "facts" / "missing_field", Error, "a required facts field is missing";
    /// `amount: twelve`
    FACTS_WRONG_TYPE = "facts" / "wrong_type", Error, "a facts value of the wrong type";
    /// `channel: phone` for `one of console, api`
    FACTS_UNKNOWN_VARIANT = "facts" / "unknown_variant", Error, "a facts value that is not one of the enum's variants";
    /// `amount: 0.1000000000000000000000000000001`
    FACTS_INEXACT_NUMBER = "facts" / "inexact_number", Error, "a number that cannot be held exactly";
    /// a facts file that cannot be read
    FACTS_IO = "facts" / "io", Error, "the facts file cannot be read";
    /// an empty facts file, or `---` then `---` in a YAML stream
    FACTS_EMPTY = "facts" / "empty", Error, "a facts document that holds no facts";
    /// a `*.test.yaml` test without `expect`, or with an unknown key
    TEST_MALFORMED = "test" / "malformed", Error, "a test file that does not hold tests";
    /// a test's `facts_file` holding a YAML stream of two requests
    TEST_FACTS_FILE = "test" / "facts_file", Error, "a test's facts file that does not hold exactly one document";
    /// `pactum test` on a package with no `*.test.yaml` file
    TEST_NO_TESTS = "test" / "no_tests", Error, "`pactum test` found no test to run";
    /// `pactum test --coverage --threshold 90` when the tests fire 80 % of the rules
    TEST_COVERAGE = "test" / "coverage", Error, "the tests cover less than `--threshold` asks";
    /// `pactum explain unknwn_field`
    CLI_UNKNOWN_CODE = "cli" / "unknown_code", Error, "`pactum explain` given a code that does not exist";
    /// `a / b` where `b` is 0
    EVAL_DIVISION_BY_ZERO = "eval" / "division_by_zero", Error, "a division by zero while deciding a request";
    /// a sum too large for a decimal
    EVAL_OVERFLOW = "eval" / "overflow", Error, "a number or date out of range while deciding a request";
    /// `date("2026-02-30")` on a computed string
    EVAL_INVALID = "eval" / "invalid_value", Error, "a computed value a function cannot accept";
    /// a `.policy` file larger than `Limits::max_policy_bytes` (1 MiB)
    LIMIT_POLICY_SIZE = "limit" / "policy_size", Error, "a policy file larger than the limit";
    /// `let x = 1 + 1 + 1 + …` with more than 128 operators in a chain
    LIMIT_DEPTH = "limit" / "depth", Error, "an expression nested deeper than the limit";
    /// a facts document larger than `Limits::max_facts_bytes` (4 MiB)
    LIMIT_FACTS_SIZE = "limit" / "facts_size", Error, "a facts document larger than the limit";
    /// `a: [[[[…]]]]` nested more than 64 levels for a schema that deep
    LIMIT_FACTS_DEPTH = "limit" / "facts_depth", Error, "facts nested deeper than the limit";
    /// `sum a in l of sum b in l of …` visiting more than 1,000,000 values
    LIMIT_STEPS = "limit" / "steps", Error, "a request that takes more evaluation steps than the limit";
    /// `let a = "{b}{b}"`, `let b = "{c}{c}"`, … rendering more than 1 MiB of text
    LIMIT_OUTPUT = "limit" / "output", Error, "a request that renders more text than the limit";
}
