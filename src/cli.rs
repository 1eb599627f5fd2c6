//! Command-line interface: argument definitions and dispatch.

mod diff;
mod evaluate;
mod explain;
mod fmt;
pub mod out;
mod render;
mod test;
mod trace;
mod validate;

use out::errln;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit codes, documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Clean package; every request decided (allow or deny).
    Success = 0,
    /// Diagnostics: a policy or facts error kept something from being done.
    Failure = 1,
    /// A bad command line (clap exits with 2 itself for what it catches).
    Usage = 2,
    /// `evaluate --exit-code`: every request was decided, and some denied.
    Denied = 3,
}

const EXAMPLES: &str = "\
Examples:
  pactum validate policies/my-package
  pactum evaluate --policy policies/my-package --facts request.yaml
  pactum evaluate --policy policies/my-package --facts batch.jsonl --format json
  cat request.yaml | pactum evaluate --policy policies/my-package --facts -
  pactum help evaluate
  pactum completions bash > ~/.local/share/bash-completion/completions/pactum

Exit codes:
  0  the package is clean / every request was decided (allow or deny)
  1  diagnostics: a policy or facts error kept a decision from being made
  2  usage error
  3  `evaluate --exit-code`: every request was decided, and some denied";

/// Pactum: check and evaluate declarative policies.
#[derive(Debug, Parser)]
#[command(name = "pactum", version, about, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    global: Global,
    /// The limit flags given before the subcommand, as earlier versions
    /// took them (`pactum --max-depth 8 validate`): still accepted, hidden
    /// from the help ([`command`]); the subcommand's own flags win.
    #[command(flatten)]
    before: LimitArgs,
}

/// The command line as it is documented (the completions and the man
/// page): [`Cli`] without the limit flags before the subcommand.
#[derive(Debug, Parser)]
#[command(name = "pactum", version, about, after_help = EXAMPLES)]
struct Documented {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    global: Global,
}

/// The options of every subcommand.
#[derive(Debug, clap::Args)]
struct Global {
    /// When to use colour: auto (only on a terminal, and never under NO_COLOR), always, never
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

/// The command line's definition as parsed, `--help` showing it: the limit
/// flags before a subcommand hidden.
fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command().mut_args(|a| {
        if a.get_id().as_str().starts_with("max_") {
            a.hide(true)
        } else {
            a
        }
    })
}

/// The command line's definition as documented: completions, man page.
fn documented() -> clap::Command {
    <Documented as clap::CommandFactory>::command()
}

/// Parses the command line (exits with 2 and clap's message on a bad one).
pub fn parse() -> Cli {
    // clap's own help and errors follow `--color` too (it reads NO_COLOR
    // and the terminal itself under auto).
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `pactum help evaluate --help` asks for the same page as `pactum help
    // evaluate`: clap's `help` would read `--help` as a subcommand's name.
    if args.get(1).and_then(|a| a.to_str()) == Some("help") {
        args.retain(|a| !matches!(a.to_str(), Some("--help" | "-h")));
    }
    let mut color = clap::ColorChoice::Auto;
    for (i, arg) in args.iter().enumerate() {
        let value = match arg.to_str() {
            Some("--color") => args.get(i + 1).and_then(|v| v.to_str()),
            Some(a) => a.strip_prefix("--color="),
            None => None,
        };
        match value {
            Some("always") => color = clap::ColorChoice::Always,
            Some("never") => color = clap::ColorChoice::Never,
            _ => {}
        }
    }
    let matches = command().color(color).get_matches_from(args);
    match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    }
}

/// When output is coloured (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Only on a terminal, and never when NO_COLOR is set
    Auto,
    /// Always, even into a pipe or a file
    Always,
    /// Never
    Never,
}

/// The limits on reading a package (docs/security.md): the subcommands
/// that read `.policy` files take them.
#[derive(Debug, Default, Clone, clap::Args)]
#[command(next_help_heading = "Limits")]
struct PolicyLimits {
    /// Largest .policy file, in bytes [default: 1048576]
    #[arg(long, allow_negative_numbers = true, value_name = "BYTES", value_parser = positive())]
    max_policy_bytes: Option<usize>,
    /// Deepest expression nesting (operators, fields, calls, computed values) [default: 128, at most 1024]
    #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = depth_parser(pactum::Limits::MAX_EXPR_DEPTH))]
    max_depth: Option<usize>,
}

/// The limits on reading facts and deciding a request (docs/security.md):
/// the subcommands that decide requests take them, with [`PolicyLimits`].
#[derive(Debug, Default, Clone, clap::Args)]
#[command(next_help_heading = "Limits")]
struct LimitArgs {
    #[command(flatten)]
    policy: PolicyLimits,
    /// Largest facts document, in bytes [default: 4194304]
    #[arg(long, allow_negative_numbers = true, value_name = "BYTES", value_parser = positive())]
    max_facts_bytes: Option<usize>,
    /// Deepest nesting of lists and mappings in facts [default: 64, at most 1024]
    #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = depth_parser(pactum::Limits::MAX_FACTS_DEPTH))]
    max_facts_depth: Option<usize>,
    /// Most errors reported for one facts document [default: 20, at most 1000]
    #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = depth_parser(pactum::Limits::MAX_FACTS_ERRORS))]
    max_facts_errors: Option<usize>,
    /// Most evaluation steps for one request [default: 1000000]
    #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_steps: Option<u64>,
    /// Most bytes of text (messages, interpolated texts, outputs) one request may render [default: 1048576]
    #[arg(long, allow_negative_numbers = true, value_name = "BYTES", value_parser = positive())]
    max_output_bytes: Option<usize>,
}

/// A depth flag: 1 to `max` (parsing, checking and evaluating recurse on
/// depth; `pactum::Limits::stack_bytes`); also the count of facts errors.
fn depth_parser(max: usize) -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::new().range(1..=u64::try_from(max).unwrap_or(u64::MAX))
}

/// A size limit: at least 1 (a limit of 0 would refuse every input, and
/// is far more likely a slip than a wish).
fn positive() -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::new().range(1..)
}

impl Cli {
    /// The stack the command needs under the limits it was given
    /// (`main` runs it on a thread of that size).
    pub fn stack_bytes(&self) -> usize {
        self.limits().limits().stack_bytes()
    }

    /// The limits the command was given (the defaults for a command that
    /// takes none).
    fn limits(&self) -> LimitArgs {
        let own = match &self.command {
            Command::Validate { limits, .. } => LimitArgs {
                policy: limits.clone(),
                ..LimitArgs::default()
            },
            Command::Evaluate { limits, .. }
            | Command::Test { limits, .. }
            | Command::Diff { limits, .. } => limits.clone(),
            Command::Fmt { .. }
            | Command::Explain(_)
            | Command::Completions { .. }
            | Command::Man => LimitArgs::default(),
        };
        own.or(&self.before)
    }
}

impl LimitArgs {
    /// These limits, each one not given taken from `other`.
    fn or(self, other: &LimitArgs) -> LimitArgs {
        LimitArgs {
            policy: PolicyLimits {
                max_policy_bytes: self
                    .policy
                    .max_policy_bytes
                    .or(other.policy.max_policy_bytes),
                max_depth: self.policy.max_depth.or(other.policy.max_depth),
            },
            max_facts_bytes: self.max_facts_bytes.or(other.max_facts_bytes),
            max_facts_depth: self.max_facts_depth.or(other.max_facts_depth),
            max_facts_errors: self.max_facts_errors.or(other.max_facts_errors),
            max_steps: self.max_steps.or(other.max_steps),
            max_output_bytes: self.max_output_bytes.or(other.max_output_bytes),
        }
    }

    fn limits(&self) -> pactum::Limits {
        let mut l = pactum::Limits::default();
        if let Some(v) = self.policy.max_policy_bytes {
            l = l.with_max_policy_bytes(v);
        }
        if let Some(v) = self.policy.max_depth {
            l = l.with_max_expr_depth(v);
        }
        if let Some(v) = self.max_facts_bytes {
            l = l.with_max_facts_bytes(v);
        }
        if let Some(v) = self.max_facts_depth {
            l = l.with_max_facts_depth(v);
        }
        if let Some(v) = self.max_facts_errors {
            l = l.with_max_facts_errors(v);
        }
        if let Some(v) = self.max_steps {
            l = l.with_max_steps(v);
        }
        if let Some(v) = self.max_output_bytes {
            l = l.with_max_output_bytes(v);
        }
        l
    }
}

/// Loads a package directory under this run's limits.
pub fn load_package(dir: &std::path::Path, limits: pactum::Limits) -> pactum::Package {
    pactum::Package::from_dir_with_limits(dir, limits)
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a package: syntax, names, types, and warnings
    #[command(
        after_help = "Examples:\n  pactum validate policies/my-package\n  pactum validate --deny-warnings --message-format json policies/my-package"
    )]
    Validate {
        /// The package directory (its *.policy files)
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Exit 1 when there are warnings
        #[arg(long)]
        deny_warnings: bool,
        /// How diagnostics are printed
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
        #[command(flatten)]
        limits: PolicyLimits,
    },
    /// Explain a diagnostic code, with a wrong and a right example
    Explain(ExplainArgs),
    /// Rewrite .policy files in the canonical layout (comments kept)
    #[command(
        after_help = "Examples:\n  pactum fmt policies/\n  pactum fmt --check policies/my-package\n  pactum fmt --check --diff policies/my-package\n  pactum fmt - < rules.policy > formatted.policy"
    )]
    Fmt {
        /// Files or directories (searched for *.policy); `-` reads standard
        /// input and writes the formatted text to standard output
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Change nothing; exit 1 when a file is not formatted
        #[arg(long)]
        check: bool,
        /// With --check: print what would change, as a unified diff
        #[arg(long, requires = "check")]
        diff: bool,
    },
    /// Run the policy tests (*.test.yaml) that live beside a package
    #[command(
        after_help = "Examples:\n  pactum test policies/my-package\n  pactum test --coverage --threshold 90 policies/my-package\n  pactum test --filter allowed policies/my-package\n\nA test file holds one test or a list: `name`, `facts` (inline) or `facts_file`\n(relative to the test file), and `expect` with any of `decision`, `reasons`\n(exact codes), `reasons_in_order`, `reasons_include`, `notes`, `notes_include`,\n`outputs` (only the outputs listed are compared, as the JSON decision writes them:\na decimal quoted with its scale, \"0.00\"; a text never read as a number)."
    )]
    Test {
        /// The package directory
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Report which rules fired and which `if` branches were taken
        #[arg(long)]
        coverage: bool,
        /// With --coverage: fail when fewer than N % of the rules and `if`
        /// branches are covered
        #[arg(long, allow_negative_numbers = true, value_name = "N", requires = "coverage", value_parser = clap::value_parser!(u8).range(0..=100))]
        threshold: Option<u8>,
        /// Run only the tests whose name contains NAME
        #[arg(long, value_name = "NAME")]
        filter: Option<String>,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Show the requests of a batch whose decision changes between two versions of a package
    #[command(
        after_help = "Examples:\n  pactum diff --policy old/ --policy policies/my-package --facts batch.jsonl\n  pactum diff --policy old/ --policy new/ --facts batch.yaml --format json --exit-code"
    )]
    Diff {
        /// The old package directory, then the new one
        #[arg(long, short = 'p', num_args = 1, required = true)]
        policy: Vec<PathBuf>,
        /// The facts file (a batch); `-` reads standard input
        #[arg(long, short = 'f')]
        facts: String,
        /// How changes are printed (json: one object per changed or
        /// undecided request, with `before`, `after` and `changes`)
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit 1 when any request changed (without it, exit 1 only when a
        /// request could not be decided; the summary tells them apart)
        #[arg(long)]
        exit_code: bool,
        /// Threads deciding the documents of the batch, 1 to 256 (default: the number of cores)
        #[arg(long, short = 'j', allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=256))]
        jobs: Option<u32>,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Evaluate requests against a package and print the decisions
    #[command(
        after_help = "Examples:\n  pactum evaluate --policy policies/my-package --facts request.yaml\n  pactum evaluate --policy policies/my-package --facts batch.jsonl --format json\n\nA YAML stream (documents separated by ---) or a .jsonl file is a batch: one decision per document, in order."
    )]
    Evaluate {
        /// The package directory
        #[arg(long, short = 'p')]
        policy: PathBuf,
        /// The facts file (YAML, JSON or JSON Lines); `-` reads standard input
        #[arg(long, short = 'f')]
        facts: String,
        /// How decisions are printed
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// How diagnostics are printed (on standard error)
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
        /// Threads deciding the documents of a batch, 1 to 256 (default: the number of cores)
        #[arg(long, short = 'j', allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=256))]
        jobs: Option<u32>,
        /// For every rule, show whether it fired and why: the values of its
        /// conditions' sub-expressions (all of them when it fired, the one
        /// that stopped it when not; also in `--format json`)
        #[arg(long)]
        explain: bool,
        /// Exit 3 when every request was decided but some were denied
        /// (without it, a deny is a decision like any other: exit 0)
        #[arg(long)]
        exit_code: bool,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Print a shell completion script to standard output
    #[command(
        after_help = "Examples:\n  pactum completions bash > ~/.local/share/bash-completion/completions/pactum\n  pactum completions zsh > ~/.zfunc/_pactum\n  pactum completions fish > ~/.config/fish/completions/pactum.fish"
    )]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to standard output
    #[command(after_help = "Examples:\n  pactum man > pactum.1\n  pactum man | man -l -")]
    Man,
}

/// Explain a diagnostic code, like `rustc --explain`
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  pactum explain pactum::check::unknown_field\n  pactum explain unknown_field\n  pactum explain            (lists every code)"
)]
struct ExplainArgs {
    /// The code, such as `pactum::check::unknown_field` (or `unknown_field`)
    code: Option<String>,
}

/// Decision output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable summary
    Human,
    /// The JSON decision envelope, one object per line
    Json,
}

/// Diagnostic output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// Rendered like rustc, coloured on a terminal
    Human,
    /// One JSON object per diagnostic, per line
    Json,
}

/// Runs the command line.
pub fn run(cli: Cli) -> Exit {
    let limits = cli.limits().limits();
    render::set_color(cli.global.color);
    match cli.command {
        Command::Validate {
            dir,
            deny_warnings,
            message_format,
            limits: _,
        } => validate::run(&dir, deny_warnings, message_format, limits),
        Command::Explain(args) => explain::run(args.code.as_deref()),
        Command::Evaluate {
            policy,
            facts,
            format,
            message_format,
            jobs,
            explain,
            exit_code,
            limits: _,
        } => {
            let run = Run {
                format,
                messages: message_format,
                jobs: jobs.map_or_else(pactum::batch::default_jobs, |j| j as usize),
                limits,
            };
            evaluate::run(&policy, &facts, Evaluate { explain, exit_code }, &run)
        }
        Command::Fmt { paths, check, diff } => fmt::run(&paths, check, diff),
        Command::Test {
            dir,
            coverage,
            threshold,
            filter,
            limits: _,
        } => {
            let options = test::Options {
                coverage,
                threshold,
                filter,
            };
            test::run(&dir, &options, MessageFormat::Human, limits)
        }
        Command::Completions { shell } => {
            let mut command = documented();
            clap_complete::generate(shell, &mut command, "pactum", &mut out::stdout());
            Exit::Success
        }
        Command::Man => match clap_mangen::Man::new(documented()).render(&mut out::stdout()) {
            Ok(()) => Exit::Success,
            Err(e) => {
                errln!("error: cannot write the man page: {e}");
                Exit::Failure
            }
        },
        Command::Diff {
            policy,
            facts,
            format,
            exit_code,
            jobs,
            limits: _,
        } => match policy.as_slice() {
            [old, new] => {
                let run = Run {
                    format,
                    messages: MessageFormat::Human,
                    jobs: jobs.map_or_else(pactum::batch::default_jobs, |j| j as usize),
                    limits,
                };
                diff::run(old, new, &facts, exit_code, &run)
            }
            _ => {
                use clap::CommandFactory;
                let message = format!(
                    "`pactum diff` takes exactly two --policy (the old version, then the new one); {} given",
                    policy.len()
                );
                let mut command = Cli::command();
                let diff = command.find_subcommand_mut("diff").map(std::mem::take);
                diff.unwrap_or_default()
                    .bin_name("pactum diff")
                    .error(clap::error::ErrorKind::WrongNumberOfValues, message)
                    .exit()
            }
        },
    }
}

/// The switches of `evaluate`.
#[derive(Debug, Clone, Copy)]
pub struct Evaluate {
    /// `--explain`: show why every rule fired or did not.
    pub explain: bool,
    /// `--exit-code`: exit 3 when some request was denied.
    pub exit_code: bool,
}

/// How a batch command runs: output formats, threads and limits, as the
/// command line gives them.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    /// How decisions (or changes) are printed.
    pub format: Format,
    /// How diagnostics are printed.
    pub messages: MessageFormat,
    /// Threads deciding the documents of a batch.
    pub jobs: usize,
    /// The resource limits of this run.
    pub limits: pactum::Limits,
}
