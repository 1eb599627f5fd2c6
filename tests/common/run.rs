//! Running the `pactum` binary under a watchdog.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long one run of the binary may take before the test fails.
pub const WATCHDOG: Duration = Duration::from_secs(20);

/// The binary, with `args`.
pub fn pactum_command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pactum"));
    cmd.args(args).env("NO_COLOR", "1");
    cmd
}

/// Runs `cmd` (its stdout and stderr captured unless set already), killing
/// it and failing the test when it runs longer than [`WATCHDOG`]: a hang is
/// a failure, not a stuck test run.
pub fn run_guarded(mut cmd: Command, capture_stdout: bool) -> Output {
    if capture_stdout {
        cmd.stdout(Stdio::piped());
    }
    cmd.stderr(Stdio::piped()).stdin(Stdio::null());
    let mut child = cmd.spawn().expect("the binary runs");
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > WATCHDOG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} still ran after {WATCHDOG:?}: killed (a hang)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// Runs the binary with `args` under the watchdog.
pub fn pactum(args: &[&str]) -> Output {
    run_guarded(pactum_command(args), true)
}

/// Standard error of a run, as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Standard output of a run, as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A fresh, empty temporary directory for one test.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("pactum-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
