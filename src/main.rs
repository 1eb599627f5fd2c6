//! The `pactum` command: parse arguments, run a subcommand, map its result
//! to an exit code. Rendering lives in `cli/`; the library never prints.
#![deny(clippy::indexing_slicing)]
// Standard output goes through `cli::out`, which turns a closed pipe into a
// quiet exit; `println!` would panic.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod cli;

use cli::out::errln;

use std::process::ExitCode;

/// The command allocates many small values (facts, syntax trees, messages)
/// and frees them in bulk; mimalloc does that markedly faster than the
/// system allocator (`docs/performance.md`). The library leaves the choice
/// of allocator to the program that embeds it.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Parses the command line, then runs the command on a thread whose stack
/// fits the depth limits it was given (`pactum::Limits::stack_bytes`): the
/// main thread's stack is fixed by the system, and too small for the
/// largest limits in a debug build.
fn main() -> ExitCode {
    let args = cli::parse();
    let stack = args.stack_bytes();
    let worker = std::thread::Builder::new()
        .name("pactum".to_string())
        .stack_size(stack)
        .spawn(move || cli::run(args));
    match worker.map(std::thread::JoinHandle::join) {
        Ok(Ok(code)) => ExitCode::from(code as u8),
        // The panic was reported by the panic hook; 101 as Rust's own.
        Ok(Err(_)) => ExitCode::from(101),
        Err(e) => {
            errln!("error: cannot start a thread with a {stack}-byte stack: {e}");
            errln!("  help: lower --max-depth or --max-facts-depth");
            ExitCode::from(cli::Exit::Failure as u8)
        }
    }
}
