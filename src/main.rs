//! The `pactum` command: parse arguments, run a subcommand, map its result
//! to an exit code. Rendering lives in `cli/`; the library never prints.
#![deny(clippy::indexing_slicing)]

mod cli;

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let code = cli::run(args);
    ExitCode::from(code as u8)
}
