//! Resource limits: how large and how deep policies and facts may be, and
//! how much work one request may cost.
//!
//! Pactum reads facts it does not control and policies edited by hand. Every
//! limit here turns input that would exhaust memory, the stack or the CPU
//! into an ordinary diagnostic with a `pactum::limit::…` code. The defaults
//! are far above what a real package or request needs; raise them only for
//! input you trust (see `docs/security.md`).

/// Resource limits for loading packages, reading facts and evaluating.
///
/// Choose them when loading a package ([`crate::Package::from_sources_with_limits`],
/// [`crate::Package::from_dir_with_limits`]); the checked [`crate::Policy`]
/// keeps them for every request it evaluates. The command line sets them with
/// `--max-policy-bytes`, `--max-depth`, `--max-facts-bytes`,
/// `--max-facts-depth`, `--max-facts-errors`, `--max-steps` and
/// `--max-output-bytes`.
///
/// ```
/// use pactum::{Limits, Package};
///
/// let defaults = Limits::default();
/// assert_eq!(defaults.max_policy_bytes, 1024 * 1024);
/// assert_eq!(defaults.max_expr_depth, 128);
/// assert_eq!(defaults.max_facts_bytes, 4 * 1024 * 1024);
/// assert_eq!(defaults.max_facts_depth, 64);
/// assert_eq!(defaults.max_facts_errors, 20);
/// assert_eq!(defaults.max_steps, 1_000_000);
/// assert_eq!(defaults.max_output_bytes, 1024 * 1024);
///
/// // A tight step budget: a request that needs more work is not decided.
/// let limits = Limits::default().with_max_steps(10);
/// let policy = Package::from_sources_with_limits(
///     [("shop.policy", "package shop\nschema basket { prices: list of decimal }\n\
///        output total = sum p in basket.prices of p * 2")],
///     limits,
/// )
/// .check()
/// .expect("a clean package");
/// let faults = policy.evaluate_str("basket: { prices: [1, 2, 3, 4, 5, 6, 7, 8] }").unwrap_err();
/// assert_eq!(faults.iter().next().unwrap().code_id(), "pactum::limit::steps");
/// assert!(policy.evaluate_str("basket: { prices: [1] }").is_ok());
///
/// // A tight output budget: a request whose texts would grow past it is
/// // not decided, and the text is never built in full.
/// let limits = Limits::default().with_max_output_bytes(64);
/// let policy = Package::from_sources_with_limits(
///     [("shop.policy", "package shop\nschema basket { name: string }\n\
///        let twice = \"{basket.name}{basket.name}\"\n\
///        output label = \"{twice}{twice}\"")],
///     limits,
/// )
/// .check()
/// .expect("a clean package");
/// assert!(policy.evaluate_str("basket: { name: ab }").is_ok());
/// let faults = policy.evaluate_str("basket: { name: abcdefghijklmnopqrstuvwxyz }").unwrap_err();
/// assert_eq!(faults.iter().next().unwrap().code_id(), "pactum::limit::output");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The largest `.policy` file, in bytes (default 1 MiB). A larger file
    /// is refused with `pactum::limit::policy_size` before it is parsed.
    pub max_policy_bytes: usize,
    /// How deep an expression may nest (default 128), counting operators,
    /// field accesses, calls, `if`, quantifiers and computed values that
    /// read other computed values. Deeper input is refused with
    /// `pactum::limit::depth` instead of overflowing the stack. At most
    /// [`Limits::MAX_EXPR_DEPTH`] (1,024): a package loaded with more is
    /// refused with `pactum::limit::depth`. Brackets
    /// and `if`/quantifier/`list of` nesting inside one declaration are
    /// also capped at 64 by the parser (`pactum::parse::syntax`).
    pub max_expr_depth: usize,
    /// The largest facts document, in bytes (default 4 MiB). A larger
    /// document gives `pactum::limit::facts_size`; the other documents of a
    /// batch are still decided.
    pub max_facts_bytes: usize,
    /// How deep lists and mappings may nest in a facts document (default
    /// 64). Deeper documents give `pactum::limit::facts_depth`. At most
    /// [`Limits::MAX_FACTS_DEPTH`] (1,024): a package loaded with more is
    /// refused with `pactum::limit::facts_depth`.
    pub max_facts_depth: usize,
    /// How many errors one facts document reports (default 20; at least 1,
    /// at most [`Limits::MAX_FACTS_ERRORS`]). The independent mistakes of a
    /// document are all reported, in document order, up to this many; the
    /// last one shown then says how many more were found.
    pub max_facts_errors: usize,
    /// How many evaluation steps (expressions evaluated, list elements
    /// visited included, and the size of every list or long text read whole:
    /// compared, searched with `in`, or handed to a function) one request
    /// may take (default 1,000,000). A request that needs more is not
    /// decided: `pactum::limit::steps`.
    pub max_steps: u64,
    /// How many bytes of text one request may render (default 1 MiB):
    /// every text built with `{…}` (in a message, a help, a computed value
    /// or an output; a computed value counted once, however often it is
    /// read), and the decision's outputs (a string or variant its bytes,
    /// any other value one byte, a list one byte plus its elements). A
    /// request that would render more is not decided:
    /// `pactum::limit::output`. Texts are counted as they are written, so
    /// an amplifying policy stops at the limit, not after building the
    /// whole text.
    pub max_output_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_policy_bytes: 1024 * 1024,
            max_expr_depth: 128,
            max_facts_bytes: 4 * 1024 * 1024,
            max_facts_depth: 64,
            max_facts_errors: 20,
            max_steps: 1_000_000,
            max_output_bytes: 1024 * 1024,
        }
    }
}

impl Limits {
    /// The largest [`Limits::max_expr_depth`] accepted. Parsing, checking
    /// and evaluating recurse on expressions; a package loaded with a
    /// larger limit is refused (`pactum::limit::depth`) and parsed under
    /// this one, whatever the stack.
    pub const MAX_EXPR_DEPTH: usize = 1024;

    /// The largest [`Limits::max_facts_depth`] accepted; a package loaded
    /// with a larger limit is refused (`pactum::limit::facts_depth`).
    pub const MAX_FACTS_DEPTH: usize = 1024;

    /// The largest [`Limits::max_facts_errors`] used.
    pub const MAX_FACTS_ERRORS: usize = 1000;

    /// The stack, in bytes, that a thread needs to parse, check and
    /// evaluate under these limits, with a margin: 2 MiB plus 32 KiB for
    /// each level of expression depth and 4 KiB for each level of facts
    /// depth (an unoptimised build uses up to about 16 KiB a level of an
    /// operator chain). About 6.3 MiB for the defaults, 38 MiB for the
    /// largest limits. Threads that Pactum starts itself (the workers of a
    /// [`crate::batch::Batch`]) get this stack; give it to threads of your
    /// own that check or evaluate when you raise the depth limits.
    ///
    /// ```
    /// let limits = pactum::Limits::default().with_max_expr_depth(1024);
    /// assert!(limits.stack_bytes() > pactum::Limits::default().stack_bytes());
    /// ```
    pub fn stack_bytes(&self) -> usize {
        let expr = self.expr_depth();
        let facts = self.facts_depth();
        (2 << 20) + expr * (32 << 10) + facts * (4 << 10)
    }

    /// [`Limits::max_expr_depth`], at most [`Limits::MAX_EXPR_DEPTH`]: the
    /// depth every stage uses.
    pub(crate) fn expr_depth(&self) -> usize {
        self.max_expr_depth.min(Self::MAX_EXPR_DEPTH)
    }

    /// [`Limits::max_facts_depth`], at most [`Limits::MAX_FACTS_DEPTH`].
    pub(crate) fn facts_depth(&self) -> usize {
        self.max_facts_depth.min(Self::MAX_FACTS_DEPTH)
    }

    /// [`Limits::max_facts_errors`], from 1 to [`Limits::MAX_FACTS_ERRORS`].
    pub(crate) fn facts_errors(&self) -> usize {
        self.max_facts_errors.clamp(1, Self::MAX_FACTS_ERRORS)
    }

    /// Sets [`Limits::max_policy_bytes`].
    pub fn with_max_policy_bytes(mut self, bytes: usize) -> Self {
        self.max_policy_bytes = bytes;
        self
    }

    /// Sets [`Limits::max_expr_depth`].
    pub fn with_max_expr_depth(mut self, depth: usize) -> Self {
        self.max_expr_depth = depth;
        self
    }

    /// Sets [`Limits::max_facts_bytes`].
    pub fn with_max_facts_bytes(mut self, bytes: usize) -> Self {
        self.max_facts_bytes = bytes;
        self
    }

    /// Sets [`Limits::max_facts_depth`].
    pub fn with_max_facts_depth(mut self, depth: usize) -> Self {
        self.max_facts_depth = depth;
        self
    }

    /// Sets [`Limits::max_facts_errors`].
    pub fn with_max_facts_errors(mut self, errors: usize) -> Self {
        self.max_facts_errors = errors;
        self
    }

    /// Sets [`Limits::max_steps`].
    pub fn with_max_steps(mut self, steps: u64) -> Self {
        self.max_steps = steps;
        self
    }

    /// Sets [`Limits::max_output_bytes`].
    pub fn with_max_output_bytes(mut self, bytes: usize) -> Self {
        self.max_output_bytes = bytes;
        self
    }
}
