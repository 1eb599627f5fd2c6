//! Standard output, for every subcommand: the one way the command writes to
//! it (`println!` panics when the reader has gone; `clippy::print_stdout`
//! is denied in the binary).
//!
//! A write that fails ends the process at once: quietly with
//! [`BROKEN_PIPE`] when the reader closed the pipe (`pactum explain | head
//! -1`), with a message and exit code 1 on any other error (a full disk),
//! so that output is never silently cut short.

use std::io::{self, Write};

/// The exit code when standard output is a pipe whose reader has gone:
/// 128 + SIGPIPE, what a shell reports for a program that signal ended.
pub const BROKEN_PIPE: i32 = 141;

/// Standard output, locked, whose failures end the process (see the module
/// header): a write through it either succeeds or does not return.
pub struct Stdout {
    inner: io::StdoutLock<'static>,
}

/// Standard output; wrap it in a `BufWriter` for many small writes.
pub fn stdout() -> Stdout {
    Stdout {
        inner: io::stdout().lock(),
    }
}

/// Ends the process on a failed write to standard output.
fn failed(e: &io::Error) -> ! {
    if e.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(BROKEN_PIPE);
    }
    let _ = writeln!(
        io::stderr(),
        "error: cannot write to standard output: {e}\n  help: check the disk or the program reading the output"
    );
    std::process::exit(1)
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.inner.write(buf) {
            Ok(n) => Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => failed(&e),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().or_else(|e| failed(&e))
    }
}

/// `println!` for standard output through [`stdout`].
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        // A failed write does not return (`out::stdout`).
        let _ = writeln!($crate::cli::out::stdout(), $($arg)*);
    }};
}

/// `print!` for standard output through [`stdout`].
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        // A failed write does not return (`out::stdout`).
        let _ = write!($crate::cli::out::stdout(), $($arg)*);
    }};
}

pub(crate) use {out, outln};
