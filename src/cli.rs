//! Command-line interface: argument definitions and dispatch.

mod evaluate;
mod render;
mod validate;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit codes, documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Clean package; every request decided (allow or deny).
    Success = 0,
    /// Diagnostics: a policy or facts error kept something from being done.
    /// (A bad command line exits with 2, from clap.)
    Failure = 1,
}

const EXAMPLES: &str = "\
Examples:
  pactum validate policies/unsubscription
  pactum evaluate --policy policies/unsubscription --facts policies/unsubscription/examples/allowed-with-refund.yaml
  pactum evaluate --policy policies/unsubscription --facts batch.jsonl --format json
  cat request.yaml | pactum evaluate --policy policies/unsubscription --facts -

Exit codes:
  0  the package is clean / every request was decided (allow or deny)
  1  diagnostics: a policy or facts error kept a decision from being made
  2  usage error";

/// Pactum: check and evaluate declarative policies.
#[derive(Debug, Parser)]
#[command(name = "pactum", version, about, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a package: syntax, names, types, and warnings
    #[command(
        after_help = "Examples:\n  pactum validate policies/unsubscription\n  pactum validate --deny-warnings --message-format json policies/unsubscription"
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
    },
    /// Evaluate requests against a package and print the decisions
    #[command(
        after_help = "Examples:\n  pactum evaluate --policy policies/unsubscription --facts request.yaml\n  pactum evaluate --policy policies/unsubscription --facts batch.jsonl --format json\n\nA YAML stream (documents separated by ---) or a .jsonl file is a batch: one decision per document, in order."
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
    },
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
    match cli.command {
        Command::Validate {
            dir,
            deny_warnings,
            message_format,
        } => validate::run(&dir, deny_warnings, message_format),
        Command::Evaluate {
            policy,
            facts,
            format,
            message_format,
        } => evaluate::run(&policy, &facts, format, message_format),
    }
}
