//! Paired rounds: two workloads timed one right after the other, round
//! after round, for the benches whose criterion groups this machine's
//! drift skews (docs/performance.md).

/// The number of paired rounds (`PACTUM_PAIRED_ROUNDS`, 15; 0 skips them).
pub fn paired_rounds() -> usize {
    std::env::var("PACTUM_PAIRED_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15)
}

/// Two commands measured in pairs: this machine's speed drifts by tens of
/// percent within a minute, so criterion's groups, run one after the
/// other, can compare a fast phase with a slow one. Each round times `a`
/// and then `b` right after it; the medians and the median of the rounds'
/// ratios are printed.
pub fn paired(what: (&str, &str), mut a: impl FnMut(), mut b: impl FnMut()) {
    let rounds = paired_rounds();
    if rounds == 0 {
        return;
    }
    let mut ratios = Vec::new();
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let start = std::time::Instant::now();
        a();
        let x = start.elapsed().as_secs_f64();
        let start = std::time::Instant::now();
        b();
        let y = start.elapsed().as_secs_f64();
        ta.push(x);
        tb.push(y);
        ratios.push(x / y);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let ma = median(&mut ta);
    let mb = median(&mut tb);
    let mr = median(&mut ratios);
    eprintln!(
        "paired, {rounds} rounds: {} median {:.1} ms, {} median {:.1} ms, \
         median ratio {mr:.2} (rounds from {:.2} to {:.2})",
        what.0,
        ma * 1000.0,
        what.1,
        mb * 1000.0,
        ratios[0],
        ratios[ratios.len() - 1],
    );
}
