//! JSON string text, read and written by the fast paths: where a run of
//! bytes that JSON carries as they are ends. Shared by the facts reader
//! ([`crate::facts`]) and the envelope writer ([`crate::Decision::write_json`]).

/// The offset of the first byte of `bytes` that a JSON string cannot carry
/// as it is: a quote, a backslash or a control character (the bytes
/// serde_json escapes); `None` if there is none.
///
/// Eight bytes are tested at a time (the bit tricks flag a word holding a
/// byte equal to, or below, a given value); the word that holds one is
/// searched byte by byte.
pub(crate) fn special(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH != 0;
    let mut start = 0;
    for chunk in bytes.chunks_exact(8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH != 0;
        if has_zero(w ^ (ONES * u64::from(b'"')))
            || has_zero(w ^ (ONES * u64::from(b'\\')))
            || below_space
        {
            break;
        }
        start += 8;
    }
    let at = bytes
        .get(start..)?
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    Some(start + at)
}

/// Whether `bytes` holds a byte that [`special`] finds. Written without an
/// early exit, so that the compiler tests many bytes an instruction.
fn needs_escape(bytes: &[u8]) -> bool {
    bytes.iter().fold(false, |found, &b| {
        found | (b < 0x20) | (b == b'"') | (b == b'\\')
    })
}

/// Appends `s` to `out` as a JSON string: copied as it is when nothing in
/// it needs escaping, else escaped by serde_json.
pub(crate) fn write_str(out: &mut Vec<u8>, s: &str) {
    if !needs_escape(s.as_bytes()) {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else if serde_json::to_writer(&mut *out, s).is_err() {
        // Writing into a Vec cannot fail; keep the JSON valid regardless.
        out.extend_from_slice(b"null");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_finds_the_first_byte_serde_json_escapes() {
        // Every position in words of every alignment, every kind of byte.
        for len in 0..40 {
            for at in 0..len {
                for b in [b'"', b'\\', 0u8, 0x1f, b'\n'] {
                    let mut s = vec![b'a'; len];
                    if let Some(x) = s.get_mut(at) {
                        *x = b;
                    }
                    assert_eq!(special(&s), Some(at), "{len} {at} {b}");
                    assert!(needs_escape(&s));
                }
            }
            assert_eq!(special(&vec![b'a'; len]), None);
            assert!(!needs_escape(&vec![b'a'; len]));
        }
        // Bytes next to the special ones are not special.
        for b in [0x20u8, b'!', b'#', b'[', b']', 0x7f, 0x80, 0xff] {
            assert_eq!(special(&[b; 20]), None, "{b}");
            assert!(!needs_escape(&[b; 20]), "{b}");
        }
    }

    #[test]
    fn write_str_gives_serde_json_bytes() {
        for s in [
            "",
            "plain",
            "a \"quoted\" word",
            "back\\slash",
            "tab\there",
            "line\nbreak and more text after it",
            "\u{1}\u{1f}",
            "é ü 中文 🙂",
            "\u{7f}/",
        ] {
            let mut out = Vec::new();
            write_str(&mut out, s);
            assert_eq!(out, serde_json::to_vec(s).unwrap_or_default(), "{s:?}");
        }
    }
}
