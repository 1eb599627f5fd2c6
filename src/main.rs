//! The `pactum` command: parse arguments, run a subcommand, map its result
//! to an exit code. Rendering lives in `cli/`; the library never prints.
#![deny(clippy::indexing_slicing)]

mod cli;

use std::process::ExitCode;

use clap::Parser as _;

/// The command allocates many small values (facts, syntax trees, messages)
/// and frees them in bulk; mimalloc does that markedly faster than the
/// system allocator (`docs/performance.md`). The library leaves the choice
/// of allocator to the program that embeds it.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let code = cli::run(args);
    ExitCode::from(code as u8)
}
