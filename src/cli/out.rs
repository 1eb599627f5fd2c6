//! Standard output and standard error, for every subcommand: the one way
//! the command writes to them (`println!` and `eprintln!` panic when the
//! reader has gone; `clippy::print_stdout` and `clippy::print_stderr` are
//! denied in the binary).
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
        stderr(),
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

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        match self.inner.write_vectored(bufs) {
            Ok(n) => Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => failed(&e),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().or_else(|e| failed(&e))
    }
}

/// Standard output for a stream of whole lines (a batch's records): short
/// lines are gathered in a buffer; long ones (explanations run to kilobytes)
/// are handed over as they are, many in one vectored write, instead of
/// being copied into the buffer first. Order is kept.
pub struct Lines {
    short: io::BufWriter<Stdout>,
    long: Vec<Vec<u8>>,
    long_bytes: usize,
}

/// A line at least this long is written from where it is.
const LONG_LINE: usize = 2048;

impl Lines {
    /// Standard output, for lines.
    pub fn new() -> Lines {
        Lines {
            short: io::BufWriter::with_capacity(256 * 1024, stdout()),
            long: Vec::new(),
            long_bytes: 0,
        }
    }

    /// Writes `line` (its newline included).
    pub fn line(&mut self, line: Vec<u8>) -> io::Result<()> {
        if line.len() < LONG_LINE && self.long.is_empty() {
            return self.short.write_all(&line);
        }
        if self.long.is_empty() {
            // The short lines before it go first.
            self.short.flush()?;
        }
        self.long_bytes += line.len();
        self.long.push(line);
        if self.long_bytes >= 256 * 1024 || self.long.len() >= 256 {
            self.write_long()?;
        }
        Ok(())
    }

    /// Writes the long lines held, in one vectored write when it can.
    fn write_long(&mut self) -> io::Result<()> {
        let mut slices: Vec<io::IoSlice<'_>> =
            self.long.iter().map(|l| io::IoSlice::new(l)).collect();
        let mut rest = &mut slices[..];
        while !rest.is_empty() {
            match self.short.get_mut().write_vectored(rest) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => io::IoSlice::advance_slices(&mut rest, n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.long.clear();
        self.long_bytes = 0;
        Ok(())
    }
}

impl Write for Lines {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.long.is_empty() {
            self.write_long()?;
        }
        self.short.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_long()?;
        self.short.flush()
    }
}

/// Standard error, locked. A write to a pipe whose reader has gone ends
/// the process quietly with [`BROKEN_PIPE`] (`pactum validate 2>&1 | head
/// -1`); any other failure is ignored, as there is nowhere left to report
/// it.
pub struct Stderr {
    inner: io::StderrLock<'static>,
}

/// Standard error (see [`Stderr`]).
pub fn stderr() -> Stderr {
    Stderr {
        inner: io::stderr().lock(),
    }
}

impl Write for Stderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.inner.write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(BROKEN_PIPE),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            // Nowhere to report it: the text is dropped, the command goes on.
            Err(_) => Ok(buf.len()),
            Ok(n) => Ok(n),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.inner.flush() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(BROKEN_PIPE),
            _ => Ok(()),
        }
    }
}

/// `eprintln!` for standard error through [`stderr`].
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!($crate::cli::out::stderr(), $($arg)*);
    }};
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

pub(crate) use {errln, out, outln};
