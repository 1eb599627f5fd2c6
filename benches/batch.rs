//! End-to-end batch benchmark (docs/performance.md): a JSONL file of 100,000
//! generated requests decided by the built `pactum` binary
//! (`evaluate --format json`, output to /dev/null), with one and with two
//! threads, against serde_json reading the same bytes into the oracle's
//! structs in-process (alone, and then deciding and printing each one by
//! hand).
//!
//! Before timing, it prints the peak resident memory of the binary on 1,000
//! and on 100,000 requests (flat memory: the batch is streamed), and the
//! paired comparison: rounds of one `--jobs 1` run followed by one
//! serde_json pass, and the median of the rounds' ratios (this machine's
//! speed drifts within a minute, which criterion's groups, run one after
//! the other, cannot cancel; `PACTUM_PAIRED_ROUNDS` sets the rounds).
//!
//! A second group times `pactum validate` on the generated 10,000-rule
//! package (`benches/support/genpack.rs`, written once under the target
//! directory), process start to exit.
//!
//! A third group, `explain_20000`, times `evaluate --format json` on a
//! 20,000-request batch, plain and with `--explain`, after paired rounds of
//! the two (one thread, then two).
//!
//! Run with `cargo bench --bench batch`; `PACTUM_BATCH_N` changes the size.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

// Its tests module is compiled without the test harness here.
#[allow(unused_imports)]
#[path = "../tests/support/unsubscription.rs"]
mod unsubscription;

#[path = "support/genpack.rs"]
mod genpack;

#[path = "support/paired.rs"]
mod paired;

use std::hint::black_box;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use paired::paired;

const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/unsubscription");
const BIN: &str = env!("CARGO_BIN_EXE_pactum");
const SEED: u64 = 4;

fn batch_size() -> usize {
    std::env::var("PACTUM_BATCH_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000)
}

/// Writes `n` generated requests as JSON Lines, once.
fn batch_file(n: usize) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("batch-{SEED}-{n}.jsonl"));
    if !path.exists() {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        for doc in unsubscription::generate(SEED, n) {
            writeln!(f, "{doc}").unwrap();
        }
        f.flush().unwrap();
    }
    path
}

fn command(file: &Path, jobs: usize) -> Command {
    command_with(file, jobs, &[])
}

/// `evaluate --format json` on `file`, with more arguments (`--explain`).
fn command_with(file: &Path, jobs: usize, extra: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(["evaluate", "--policy", PACK, "--format", "json", "--jobs"])
        .arg(jobs.to_string())
        .args(extra)
        .arg("--facts")
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

fn run(file: &Path, jobs: usize) {
    let status = command(file, jobs).status().unwrap();
    assert!(
        status.success(),
        "pactum evaluate failed on {}",
        file.display()
    );
}

/// Peak resident memory of one run, in KiB, read from `VmHWM` (a
/// high-water mark) while the process lives.
fn peak_rss_kib(file: &Path, jobs: usize) -> Option<u64> {
    let mut child = command(file, jobs).spawn().unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak = None;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            if hwm.is_some() {
                peak = hwm.max(peak);
            }
        }
        if child.try_wait().unwrap().is_some() {
            return peak;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn batch(c: &mut Criterion) {
    let n = batch_size();
    let file = batch_file(n);
    let small = batch_file(1_000);
    for (label, f) in [("1,000", &small), (&*format!("{n}"), &file)] {
        match peak_rss_kib(f, 2) {
            Some(kib) => eprintln!("peak RSS, {label} requests, --jobs 2: {kib} KiB"),
            None => eprintln!("peak RSS, {label} requests: unknown (no /proc)"),
        }
    }
    let bytes = std::fs::read_to_string(&file).unwrap();
    paired(
        ("pactum_cli_jobs_1", "serde_json_to_structs"),
        || run(&file, 1),
        || {
            black_box(serde_pass(&bytes));
        },
    );
    let mut g = c.benchmark_group(format!("batch_{n}"));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("pactum_cli_jobs_1", |b| b.iter(|| run(&file, 1)));
    g.bench_function("pactum_cli_jobs_2", |b| b.iter(|| run(&file, 2)));
    g.bench_function("serde_json_to_structs", |b| b.iter(|| serde_pass(&bytes)));
    // The same bytes read in-process by Pactum: facts alone (what the
    // serde_json line does), then facts and decision (no output).
    let policy = pactum::Package::from_dir(Path::new(PACK)).check().unwrap();
    g.bench_function("pactum_facts_in_process", |b| {
        b.iter(|| {
            let mut count = 0usize;
            for line in black_box(&bytes).lines() {
                count += usize::from(policy.facts_from_str(line).is_ok());
            }
            count
        })
    });
    g.bench_function("pactum_facts_then_decide_in_process", |b| {
        b.iter(|| {
            let mut denied = 0usize;
            for line in black_box(&bytes).lines() {
                let facts = policy.facts_from_str(line).unwrap();
                denied += usize::from(!policy.evaluate(&facts).unwrap().is_allowed());
            }
            denied
        })
    });
    g.bench_function("serde_json_then_handwritten_printed", |b| {
        b.iter(|| {
            let mut out = std::io::sink();
            for line in black_box(&bytes).lines() {
                let f: unsubscription::Facts = serde_json::from_str(line).unwrap();
                let d = unsubscription::decide(&f);
                writeln!(out, "{d}").unwrap();
            }
        })
    });
    g.finish();
}

/// serde_json reading every line of `bytes` into the oracle's structs.
fn serde_pass(bytes: &str) -> usize {
    let mut count = 0usize;
    for line in black_box(bytes).lines() {
        let f: unsubscription::Facts = serde_json::from_str(line).unwrap();
        count += usize::from(f.resource.security_risk);
    }
    count
}

/// Writes the generated package of `n` rules as files, once.
fn package_dir(n: usize) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("genpack-{n}"));
    if !dir.exists() {
        let part = dir.with_extension("partial");
        std::fs::create_dir_all(&part).unwrap();
        for (name, text) in genpack::package(n) {
            std::fs::write(part.join(name), text).unwrap();
        }
        std::fs::rename(&part, &dir).unwrap();
    }
    dir
}

fn validate_cli(c: &mut Criterion) {
    let dir = package_dir(10_000);
    let validate = || {
        Command::new(BIN)
            .arg("validate")
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap()
    };
    // The package checks (its two unused-field warnings aside).
    assert!(
        validate().success(),
        "pactum validate failed on {}",
        dir.display()
    );
    let mut g = c.benchmark_group("cli_validate");
    g.sample_size(20);
    g.bench_function("generated_10000_rules", |b| b.iter(validate));
    g.finish();
}

/// The price of explanations: `evaluate --format json` on a 20,000-request
/// JSONL batch, plain and with `--explain`: paired rounds with one and two
/// threads, then criterion's group with one thread each.
fn explain_pair(c: &mut Criterion) {
    let file = batch_file(20_000);
    for jobs in [1, 2] {
        let names = (
            if jobs == 1 {
                "explain_jobs_1"
            } else {
                "explain_jobs_2"
            },
            if jobs == 1 {
                "plain_jobs_1"
            } else {
                "plain_jobs_2"
            },
        );
        let go = |extra: &[&str]| {
            let status = command_with(&file, jobs, extra).status().unwrap();
            assert!(status.success(), "pactum evaluate {extra:?} failed");
        };
        paired(names, || go(&["--explain"]), || go(&[]));
    }
    let mut g = c.benchmark_group("explain_20000");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    for (name, extra) in [
        ("plain_jobs_1", &[][..]),
        ("explain_jobs_1", &["--explain"][..]),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let status = command_with(&file, 1, extra).status().unwrap();
                assert!(status.success(), "pactum evaluate {extra:?} failed");
            })
        });
    }
    g.finish();
}

criterion_group!(benches, batch, explain_pair, validate_cli);
criterion_main!(benches);
