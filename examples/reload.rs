//! Reloading a package when its files change, without dropping requests in
//! flight. The live policy sits in a `RwLock<Arc<…>>`: a request takes a
//! clone of the `Arc` (the lock is held for a pointer copy) and decides on
//! it however long it takes; a reload compiles the new files *outside* the
//! lock and swaps the `Arc` only if they check cleanly. A request in flight
//! finishes on the version it started with; a broken edit never replaces a
//! good version.
//!
//! The example copies the shipped pack to a temporary directory, decides
//! requests on four threads, and meanwhile edits the copy three times: a new
//! rule (picked up), a broken file (refused, the old version keeps serving),
//! and the removal of both (picked up).
//!
//! ```sh
//! cargo run --example reload
//! ```

#[path = "support/unsubscription.rs"]
mod unsubscription;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::thread;
use std::time::{Duration, SystemTime};

use pactum::{Diagnostics, Package, Policy};

/// One compiled version of the package.
struct Live {
    generation: u64,
    policy: Policy,
}

/// The policy every request uses: swapped as a whole, never edited.
struct Engine {
    live: RwLock<Arc<Live>>,
}

impl Engine {
    /// The current version. The read lock is held only to clone the `Arc`.
    fn current(&self) -> Arc<Live> {
        match self.live.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Compiles `dir` and, if it checks, makes it the current version.
    fn reload(&self, dir: &Path) -> Result<u64, Diagnostics> {
        let policy = load(dir)?;
        let mut guard = match self.live.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let generation = guard.generation + 1;
        *guard = Arc::new(Live { generation, policy });
        Ok(generation)
    }
}

fn load(dir: &Path) -> Result<Policy, Diagnostics> {
    let policy = Package::from_dir(dir).check()?;
    // Reference data is registered on each new version too. (The holidays
    // fit the pack's schema; a package whose calendar root changed shape
    // would report it here, and the old version would stay.)
    Ok(policy
        .clone()
        .with_reference_data("calendar", &unsubscription::holidays())
        .unwrap_or(policy))
}

/// What identifies the state of a package directory: each `.policy` file
/// with its length and modification time.
fn fingerprint(dir: &Path) -> BTreeMap<PathBuf, (u64, Option<SystemTime>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "policy"))
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            Some((e.path(), (meta.len(), meta.modified().ok())))
        })
        .collect()
}

fn copy_pack(to: &Path) -> std::io::Result<()> {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/unsubscription");
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        if path.extension().is_some_and(|x| x == "policy") {
            if let Some(name) = path.file_name() {
                std::fs::copy(&path, to.join(name))?;
            }
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("pactum-reload-{}", std::process::id()));
    copy_pack(&dir)?;
    let engine = Arc::new(Engine {
        live: RwLock::new(Arc::new(Live {
            generation: 1,
            policy: load(&dir)?,
        })),
    });
    let stop = Arc::new(AtomicBool::new(false));
    let refusals = Arc::new(AtomicU64::new(0));
    // (generation, verdict code) -> how many requests got it.
    let tally: Arc<Mutex<BTreeMap<(u64, String), u64>>> = Arc::default();

    // The watcher: polls the directory and reloads on change.
    let watcher = {
        let (engine, stop, dir) = (Arc::clone(&engine), Arc::clone(&stop), dir.clone());
        let refusals = Arc::clone(&refusals);
        thread::spawn(move || {
            let mut seen = fingerprint(&dir);
            while !stop.load(Ordering::Relaxed) {
                thread::sleep(Duration::from_millis(10));
                let now = fingerprint(&dir);
                if now == seen {
                    continue;
                }
                seen = now;
                match engine.reload(&dir) {
                    Ok(generation) => println!("reloaded: generation {generation} is live"),
                    Err(diagnostics) => {
                        refusals.fetch_add(1, Ordering::Relaxed);
                        let first = diagnostics.iter().next();
                        println!(
                            "reload refused ({diagnostics}): {}; generation {} keeps serving",
                            first.map_or("", |d| d.code_id()),
                            engine.current().generation
                        );
                    }
                }
            }
        })
    };

    // The request handlers.
    let workers: Vec<_> = (0..4u64)
        .map(|w| {
            let (engine, stop, tally) =
                (Arc::clone(&engine), Arc::clone(&stop), Arc::clone(&tally));
            thread::spawn(move || {
                let mut n = w;
                while !stop.load(Ordering::Relaxed) {
                    let live = engine.current();
                    let outcome = match live.policy.evaluate_serde(&unsubscription::sample(n)) {
                        Ok(d) => d
                            .reasons()
                            .first()
                            .map_or_else(|| "ALLOW".to_string(), |r| r.code.clone()),
                        Err(_) => "NOT DECIDED".to_string(),
                    };
                    if let Ok(mut t) = tally.lock() {
                        *t.entry((live.generation, outcome)).or_default() += 1;
                    }
                    n += 4 * 101; // a spread of requests; n = 1 mod 101 is allowed
                }
            })
        })
        .collect();

    // Waits until the watcher has seen an edit (a new generation, or one more
    // refusal), then lets the requests run on for a while.
    let settle = |generation: u64, refused: u64| {
        for _ in 0..500 {
            if engine.current().generation >= generation
                && refusals.load(Ordering::Relaxed) >= refused
            {
                break;
            }
            thread::sleep(Duration::from_millis(10));
        }
        thread::sleep(Duration::from_millis(150));
    };
    settle(1, 0);
    println!("edit: add a rule that closes the desk");
    std::fs::write(
        dir.join("maintenance.policy"),
        "package unsubscription\n\
         rule maintenance {\n  deny MAINTENANCE when request.date >= date(\"2026-01-01\")\n  \
         message \"The desk is closed for maintenance.\"\n  help \"Try again tomorrow.\"\n}\n",
    )?;
    settle(2, 0);
    println!("edit: save a broken file");
    std::fs::write(
        dir.join("broken.policy"),
        "package unsubscription\nrule broken {\n",
    )?;
    settle(2, 1);
    println!("edit: remove both");
    std::fs::remove_file(dir.join("maintenance.policy"))?;
    std::fs::remove_file(dir.join("broken.policy"))?;
    settle(3, 1);

    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().map_err(|_| "a worker panicked")?;
    }
    watcher.join().map_err(|_| "the watcher panicked")?;
    std::fs::remove_dir_all(&dir)?;

    let tally = tally.lock().map_err(|_| "poisoned")?;
    let mut undecided = 0;
    for ((generation, outcome), count) in tally.iter() {
        println!("generation {generation}: {count:>6} × {outcome}");
        if outcome == "NOT DECIDED" {
            undecided += count;
        }
    }
    println!("requests not decided: {undecided}");
    Ok(())
}
