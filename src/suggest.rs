//! "Did you mean …?": the nearest known name by edit distance.

/// The candidate closest to `name`, if it is close enough to be a likely typo.
///
/// ```
/// assert_eq!(pactum::suggest("amout", ["amount", "currency"]), Some("amount".to_string()));
/// assert_eq!(pactum::suggest("zzz", ["amount"]), None);
/// ```
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let limit = (name.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| c.to_string())
}

/// The candidates near `name`, nearest first, at most `max`: those within
/// a likely typo of it, and those that hold its letters in order (`rnd` in
/// `round`, `len` in `length`: a shortened name).
pub(crate) fn nearest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    max: usize,
) -> Vec<&'a str> {
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).clamp(1, 3);
    let mut near: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter(|c| *c != name)
        .filter_map(|c| {
            let d = distance(&lower, &c.to_lowercase());
            (d <= limit || (lower.chars().count() >= 2 && shortens(&lower, c))).then_some((d, c))
        })
        .collect();
    near.sort_by_key(|(d, c)| (*d, c.len()));
    near.into_iter().take(max).map(|(_, c)| c).collect()
}

/// Whether `short` is `long` with letters left out, its first one kept.
fn shortens(short: &str, long: &str) -> bool {
    let mut rest = long.chars();
    short.chars().next() == long.chars().next()
        && short
            .chars()
            .all(|c| rest.any(|l| l.eq_ignore_ascii_case(&c)))
}

/// Damerau-Levenshtein distance (optimal string alignment), in characters.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    let at = |i: usize, j: usize| i * w + j;
    for i in 0..=a.len() {
        if let Some(x) = d.get_mut(at(i, 0)) {
            *x = i;
        }
    }
    for j in 0..=b.len() {
        if let Some(x) = d.get_mut(at(0, j)) {
            *x = j;
        }
    }
    let get =
        |d: &Vec<usize>, i: usize, j: usize| d.get(at(i, j)).copied().unwrap_or(usize::MAX / 2);
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let (ai, bj) = (a.get(i - 1), b.get(j - 1));
            let cost = usize::from(ai != bj);
            let mut v = (get(&d, i - 1, j) + 1)
                .min(get(&d, i, j - 1) + 1)
                .min(get(&d, i - 1, j - 1) + cost);
            if i > 1 && j > 1 && a.get(i - 1) == b.get(j - 2) && a.get(i - 2) == b.get(j - 1) {
                v = v.min(get(&d, i - 2, j - 2) + 1);
            }
            if let Some(x) = d.get_mut(at(i, j)) {
                *x = v;
            }
        }
    }
    get(&d, a.len(), b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transposition_counts_as_one_edit() {
        assert_eq!(distance("amuont", "amount"), 1);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn suggests_nearest_or_nothing() {
        assert_eq!(
            suggest("shiped_at", ["shipped_at", "placed_at"]).as_deref(),
            Some("shipped_at")
        );
        assert_eq!(suggest("x", ["shipped_at"]), None);
    }

    #[test]
    fn a_shortened_name_finds_the_whole_one() {
        let names = ["min", "max", "round", "abs", "length", "weekday", "day"];
        assert_eq!(nearest("rnd", names, 3), ["round"]);
        assert_eq!(nearest("len", names, 3), ["length"]);
        assert_eq!(nearest("mx", names, 3), ["max"]);
        assert!(nearest("zzz", names, 3).is_empty());
    }
}
