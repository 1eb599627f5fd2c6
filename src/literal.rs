//! The one reader of literal text: decimals, dates and datetimes written as
//! text, wherever they come from. Facts (the serde reader and the fast JSON
//! path), `decimal(…)`, `date(…)` and `datetime(…)` in a policy (literal,
//! folded when the package is checked, or computed) all read through these
//! functions, so that the same text is accepted or refused the same way
//! everywhere (`tests/literals.rs` holds them to it). A bare decimal literal
//! in a policy (`12.50`) has its own shape rules on top (digits on both
//! sides of the point, no extra leading zero) and is read by [`decimal`]
//! too.
//!
//! The rules, each exact or refused, never rounded or cut:
//!
//! - [`decimal`]: `[+-]digits[.digits][(e|E)[+-]digits]`, spaces around
//!   ignored, the scale as written (`1200.50` has two places); at most 28
//!   places and 28 or 29 significant digits, up to `Decimal::MAX`.
//! - [`date`]: `YYYY-MM-DD` naming a real day, years 0000 to 9999, spaces
//!   around ignored.
//! - [`datetime`]: RFC 3339 with its offset, at most nanoseconds (nine
//!   digits after the seconds' point), spaces around ignored.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;

/// Why a text is not an exact decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DecimalError {
    /// Not a number.
    Syntax,
    /// Larger than the largest decimal.
    TooLarge,
    /// More digits than a decimal holds.
    Inexact,
}

/// Reads `[+-]digits[.digits][(e|E)[+-]digits]` exactly, keeping the scale
/// as written (`1200.50` has scale 2). Never rounds: a number that a
/// `Decimal` cannot hold exactly is an error.
pub(crate) fn decimal(text: &str) -> Result<Decimal, DecimalError> {
    match plain_decimal(text.trim()) {
        Some(d) => Ok(d),
        None => decimal_general(text),
    }
}

/// The common case read directly: an optional sign, then at most 18 digits
/// with at most one point, no exponent. `None` for anything else.
fn plain_decimal(t: &str) -> Option<Decimal> {
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..)?),
        Some(b'+') => (false, t.get(1..)?),
        _ => (false, t),
    };
    let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
    let digits = int_part.len() + frac_part.len();
    if digits == 0
        || digits > 18
        || (body.contains('.') && (int_part.is_empty() || frac_part.is_empty()))
    {
        return None;
    }
    let mut m: i64 = 0;
    for b in int_part.bytes().chain(frac_part.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        m = m * 10 + i64::from(b - b'0');
    }
    let scale = u32::try_from(frac_part.len()).ok()?;
    Some(Decimal::new(if negative { -m } else { m }, scale))
}

/// Any decimal text: exponents, many digits, and the exactness checks.
fn decimal_general(text: &str) -> Result<Decimal, DecimalError> {
    let t = text.trim();
    let (negative, t) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..).unwrap_or("")),
        Some(b'+') => (false, t.get(1..).unwrap_or("")),
        _ => (false, t),
    };
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (t.get(..i).unwrap_or(""), Some(t.get(i + 1..).unwrap_or(""))),
        None => (t, None),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((a, b)) => (a, b),
        None => (mantissa, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty())
        || !all_digits(int_part)
        || !all_digits(frac_part)
    {
        return Err(DecimalError::Syntax);
    }
    // The exponent, saturated: beyond ±10^9 only its sign matters.
    let exponent: i64 = match exponent {
        None => 0,
        Some(e) => {
            let (neg, digits) = match e.as_bytes().first() {
                Some(b'-') => (true, e.get(1..).unwrap_or("")),
                Some(b'+') => (false, e.get(1..).unwrap_or("")),
                _ => (false, e),
            };
            if digits.is_empty() || !all_digits(digits) {
                return Err(DecimalError::Syntax);
            }
            let digits = digits.trim_start_matches('0');
            // `e0`, `e-00`: no significant digit, a zero exponent.
            let magnitude: i64 = if digits.is_empty() {
                0
            } else if digits.len() > 10 {
                1_000_000_000_000
            } else {
                digits.parse().unwrap_or(1_000_000_000_000)
            };
            if neg {
                -magnitude
            } else {
                magnitude
            }
        }
    };
    // value = digits × 10^power
    let mut digits: String = format!("{int_part}{frac_part}");
    let frac_len = i64::try_from(frac_part.len()).unwrap_or(i64::MAX);
    let mut power = exponent.saturating_sub(frac_len);
    let significant = digits.trim_start_matches('0');
    if significant.is_empty() {
        // Zero: keep the written scale when a decimal can hold it.
        let scale = u32::try_from(power.saturating_neg().clamp(0, 28)).unwrap_or(0);
        return Decimal::try_from_i128_with_scale(0, scale).map_err(|_| DecimalError::Syntax);
    }
    digits = significant.to_string();
    // Integer digits beyond 29 cannot fit, whatever follows.
    let int_digits = i64::try_from(digits.len())
        .unwrap_or(i64::MAX)
        .saturating_add(power);
    if int_digits > 29 {
        return Err(DecimalError::TooLarge);
    }
    if power >= 0 {
        // A whole number: digits followed by `power` zeros.
        let mut m: i128 = digits.parse().map_err(|_| DecimalError::TooLarge)?;
        for _ in 0..power {
            m = m.checked_mul(10).ok_or(DecimalError::TooLarge)?;
        }
        if negative {
            m = -m;
        }
        return Decimal::try_from_i128_with_scale(m, 0).map_err(|_| DecimalError::TooLarge);
    }
    // A fraction: drop trailing zeros only as far as needed to fit.
    while (power < -28 || digits.len() > 29) && digits.ends_with('0') {
        digits.pop();
        power += 1;
    }
    if power < -28 || digits.len() > 29 {
        return Err(DecimalError::Inexact);
    }
    let mut m: i128 = digits.parse().map_err(|_| DecimalError::Inexact)?;
    if negative {
        m = -m;
    }
    let scale = u32::try_from(-power).map_err(|_| DecimalError::Inexact)?;
    let d = Decimal::try_from_i128_with_scale(m, scale).map_err(|_| {
        if int_digits >= 29 {
            DecimalError::TooLarge
        } else {
            DecimalError::Inexact
        }
    })?;
    // Belt and braces: the decimal holds exactly the digits written.
    if d.mantissa() != m || d.scale() != scale {
        return Err(DecimalError::Inexact);
    }
    Ok(d)
}

/// A number written as people write it, and the decimal text it means: what
/// [`number_slip`] finds in a text that [`decimal`] refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NumberSlip {
    /// The decimal text meant, which [`decimal`] reads.
    pub(crate) fixed: String,
    /// The currency sign or code written with the number (`$`, `GBP`).
    pub(crate) currency: Option<String>,
    /// The thousands separator written between the digits, and how many
    /// times.
    pub(crate) thousands: Option<(char, usize)>,
    /// Whether the decimal separator was written `,`.
    pub(crate) decimal_comma: bool,
    /// A lone `,` before three digits (`4,750`) separates thousands or is
    /// a decimal comma: the text of the second reading (`4.750`), which
    /// [`decimal`] reads too; `fixed` is the first.
    pub(crate) or_decimal_comma: Option<String>,
}

/// Currency signs written before or after an amount.
const CURRENCY_SIGNS: &[char] = &[
    '$', '€', '£', '¥', '₹', '₩', '₽', '₺', '₪', '₫', '₴', '₦', '₱', '฿', '₡', '₲', '₵', '₸', '₭',
    '¢', '₼', '₾', '¤', '元', '円',
];

/// Characters written between groups of three digits.
const THOUSANDS: &[char] = &[
    ',', '.', '\'', '’', ' ', '_', '\u{a0}', '\u{202f}', '\u{2009}',
];

/// Reads `text`, which [`decimal`] refuses, as a number written as people
/// write it: with a currency sign or code (`$48`, `19.90 GBP`, `€85`),
/// thousands separators (`4,750.00`, `4 750.00`, `4.750,00`), or a decimal
/// comma (`8,40`). `None` unless the decimal meant is clear and
/// [`decimal`] reads it.
pub(crate) fn number_slip(text: &str) -> Option<NumberSlip> {
    let t = text.trim_matches(|c: char| c.is_whitespace());
    if t.is_empty() || decimal(t).is_ok() {
        return None;
    }
    let (mut sign, rest) = split_sign(t);
    let (prefix, rest) = currency_prefix(rest);
    let rest = if sign.is_empty() {
        let (s, r) = split_sign(rest);
        sign = s;
        r
    } else {
        rest
    };
    let (rest, suffix) = currency_suffix(rest);
    let currency = match (prefix, suffix) {
        (Some(_), Some(_)) => return None,
        (p, s) => p.or(s),
    };
    let body = rest.trim_matches(|c: char| c.is_whitespace());
    // Digit groups and the single separators between them.
    let mut groups: Vec<&str> = Vec::new();
    let mut seps: Vec<char> = Vec::new();
    let mut start = 0;
    for (i, c) in body.char_indices() {
        if c.is_ascii_digit() {
            continue;
        }
        if !THOUSANDS.contains(&c) {
            return None;
        }
        groups.push(body.get(start..i)?);
        seps.push(c);
        start = i + c.len_utf8();
    }
    groups.push(body.get(start..)?);
    if groups.iter().any(|g| g.is_empty()) {
        return None;
    }
    // The decimal separator: the last separator, when it is `.` or `,`
    // and written once, and either follows other separators or cannot be
    // read as separating thousands.
    let last = seps.last().copied();
    let once = |c: char| seps.iter().filter(|s| **s == c).count() == 1;
    let frac_len = groups.last().map_or(0, |g| g.len());
    let mut ambiguous = false;
    let decimal_sep = match last {
        Some(c @ ('.' | ',')) if once(c) && (seps.len() > 1 || c == '.' || frac_len != 3) => {
            Some(c)
        }
        Some(',') if seps.len() == 1 => {
            ambiguous = true;
            None
        }
        _ => None,
    };
    let (int_groups, frac) = match decimal_sep {
        Some(_) => (groups.get(..groups.len() - 1)?, groups.last().copied()),
        None => (&groups[..], None),
    };
    let thousand_seps = seps.get(..int_groups.len() - 1)?;
    let thousands = match thousand_seps.first() {
        None => None,
        Some(&c) => {
            // One separator, between groups of three digits after the
            // first.
            let grouped = thousand_seps.iter().all(|s| *s == c)
                && Some(c) != decimal_sep
                && int_groups.first().is_some_and(|g| g.len() <= 3)
                && int_groups.iter().skip(1).all(|g| g.len() == 3);
            if !grouped {
                return None;
            }
            Some((c, thousand_seps.len()))
        }
    };
    let mut fixed = format!("{sign}{}", int_groups.concat());
    if let Some(frac) = frac {
        fixed.push('.');
        fixed.push_str(frac);
    }
    decimal(&fixed).ok()?;
    let or_decimal_comma = if ambiguous {
        let other = format!("{sign}{}.{}", groups.first()?, groups.get(1)?);
        decimal(&other).ok().map(|_| other)
    } else {
        None
    };
    let decimal_comma = decimal_sep == Some(',');
    if currency.is_none() && thousands.is_none() && !decimal_comma {
        return None;
    }
    Some(NumberSlip {
        fixed,
        currency,
        thousands,
        decimal_comma,
        or_decimal_comma,
    })
}

/// A leading `-` or `+`, and the rest.
fn split_sign(t: &str) -> (&str, &str) {
    match t.as_bytes().first() {
        Some(b'-' | b'+') => (t.get(..1).unwrap_or(""), t.get(1..).unwrap_or("")),
        _ => ("", t),
    }
}

/// A currency code: three capital letters.
fn is_code(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// A currency sign or code opening `t` (`$`, `US$`, `GBP `), and the rest.
fn currency_prefix(t: &str) -> (Option<String>, &str) {
    let letters = t.bytes().take_while(u8::is_ascii_uppercase).count();
    if let Some((i, c)) = t.get(letters..).and_then(|r| r.char_indices().next()) {
        if letters <= 2 && CURRENCY_SIGNS.contains(&c) {
            let end = letters + i + c.len_utf8();
            return (t.get(..end).map(str::to_string), t.get(end..).unwrap_or(""));
        }
    }
    if letters == 3 {
        if let Some(rest) = t.get(3..) {
            if rest.starts_with(|c: char| c.is_whitespace() || c.is_ascii_digit()) {
                return (t.get(..3).map(str::to_string), rest);
            }
        }
    }
    (None, t)
}

/// A currency sign or code closing `t` (`€`, ` GBP`), and the rest.
fn currency_suffix(t: &str) -> (&str, Option<String>) {
    let trimmed = t.trim_end_matches(|c: char| c.is_whitespace());
    if let Some(c) = trimmed.chars().next_back() {
        if CURRENCY_SIGNS.contains(&c) {
            let at = trimmed.len() - c.len_utf8();
            return (trimmed.get(..at).unwrap_or(""), Some(c.to_string()));
        }
    }
    if let Some(at) = trimmed.len().checked_sub(3) {
        if let (Some(head), Some(code)) = (trimmed.get(..at), trimmed.get(at..)) {
            if is_code(code) && head.ends_with(|c: char| c.is_whitespace() || c.is_ascii_digit()) {
                return (head, Some(code.to_string()));
            }
        }
    }
    (t, None)
}

/// The most digits a datetime's fraction of a second holds: nanoseconds.
pub(crate) const DATETIME_FRACTION_DIGITS: usize = 9;

/// Why a text is not read as a datetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateTimeError {
    /// Not RFC 3339 date and time text.
    Syntax,
    /// More digits after the seconds' point than a datetime holds
    /// ([`DATETIME_FRACTION_DIGITS`]): reading it would drop them silently.
    Inexact,
}

/// Reads an instant written in RFC 3339 (`2026-03-02T10:00:00Z`), spaces
/// around ignored, exactly: a fraction of a second finer than nanoseconds
/// is refused, not cut.
pub(crate) fn datetime(s: &str) -> Result<DateTime<FixedOffset>, DateTimeError> {
    let s = s.trim();
    let at = DateTime::parse_from_rfc3339(s).map_err(|_| DateTimeError::Syntax)?;
    // RFC 3339 text holds a `.` only before the fraction of a second.
    let digits = s.split_once('.').map_or(0, |(_, rest)| {
        rest.bytes().take_while(u8::is_ascii_digit).count()
    });
    if digits > DATETIME_FRACTION_DIGITS {
        return Err(DateTimeError::Inexact);
    }
    Ok(at)
}

/// The first and last years a date may have: those `YYYY-MM-DD` can write
/// and [`date`] reads.
pub(crate) const YEARS: std::ops::RangeInclusive<i32> = 0..=9999;

/// Reads a calendar day written `YYYY-MM-DD`, strictly: four digits of
/// year, two of month, two of day, a real day, spaces around ignored.
pub(crate) fn date(s: &str) -> Option<NaiveDate> {
    date_bytes(s.trim().as_bytes())
}

/// [`date`] of text with nothing around it to trim, as bytes: exactly
/// `YYYY-MM-DD` naming a real day.
pub(crate) fn date_bytes(b: &[u8]) -> Option<NaiveDate> {
    if !shaped(b) {
        return None;
    }
    // The shape is checked: read the digits directly (chrono's
    // `parse_from_str` parses its format string on every call).
    let num = |r: std::ops::Range<usize>| {
        b.get(r)
            .unwrap_or_default()
            .iter()
            .fold(0u32, |n, c| n * 10 + u32::from(c - b'0'))
    };
    let year = i32::try_from(num(0..4)).ok()?;
    NaiveDate::from_ymd_opt(year, num(5..7), num(8..10))
}

/// Whether `s` (spaces around ignored) has the form `YYYY-MM-DD`, a real
/// day or not.
pub(crate) fn date_shaped(s: &str) -> bool {
    shaped(s.trim().as_bytes())
}

/// Whether `b` is exactly in the form `YYYY-MM-DD` (any digits).
fn shaped(b: &[u8]) -> bool {
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// Why `s`, in the form `YYYY-MM-DD`, is no day: its month is not 01 to
/// 12, or its month has fewer days. `None` when it is a day, or not in that
/// form.
pub(crate) fn no_such_day(s: &str) -> Option<String> {
    let s = s.trim();
    if !date_shaped(s) || date(s).is_some() {
        return None;
    }
    let (year, month) = (
        s.get(0..4)?.parse::<i32>().ok()?,
        s.get(5..7)?.parse::<u32>().ok()?,
    );
    if !(1..=12).contains(&month) {
        return Some("a month is 01 to 12".to_string());
    }
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }?;
    let last = next.pred_opt()?;
    use chrono::Datelike;
    Some(format!("{year:04}-{month:02} has {} days", last.day()))
}

/// Whether `d` is a day a date may be: one [`date`] can read back.
pub(crate) fn day_in_range(d: NaiveDate) -> bool {
    use chrono::Datelike;
    YEARS.contains(&d.year())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn decimal_parser_is_exact() {
        assert_eq!(
            decimal("0.1000000000000000000000000000001"),
            Err(DecimalError::Inexact)
        );
        assert_eq!(
            decimal("79228162514264337593543950336"),
            Err(DecimalError::TooLarge)
        );
        assert_eq!(decimal("1e29"), Err(DecimalError::TooLarge));
        assert_eq!(
            decimal("1e999999999999999999999"),
            Err(DecimalError::TooLarge)
        );
        assert_eq!(
            decimal("1e-999999999999999999999"),
            Err(DecimalError::Inexact)
        );
        assert_eq!(
            decimal("0e-999999999999999999999").map(|d| d.is_zero()),
            Ok(true)
        );
        assert_eq!(
            decimal("1.0000000000000000000000000000000").map(|d| d.to_string()),
            Ok("1.0000000000000000000000000000".into())
        );
        for bad in [
            "", "-", ".", "1.2.3", "twelve", "0x10", "1_000", "nan", ".inf", "1e", "e5", "1,5",
        ] {
            assert_eq!(decimal(bad), Err(DecimalError::Syntax), "{bad}");
        }
        assert_eq!(decimal(".5").map(|d| d.to_string()), Ok("0.5".into()));
        assert_eq!(decimal("-0.00").map(|d| d.to_string()), Ok("0.00".into()));
    }

    #[test]
    fn numbers_written_as_people_write_them_read_as_the_decimal_meant() {
        let read = |t: &str| {
            number_slip(t).map(|s| {
                (
                    s.fixed,
                    s.currency,
                    s.thousands.map(|(c, _)| c),
                    s.decimal_comma,
                    s.or_decimal_comma,
                )
            })
        };
        let some = |fixed: &str, cur: Option<&str>, th: Option<char>, comma: bool| {
            Some((fixed.to_string(), cur.map(str::to_string), th, comma, None))
        };
        assert_eq!(read("4,750.00"), some("4750.00", None, Some(','), false));
        assert_eq!(read(" 4 750.00 "), some("4750.00", None, Some(' '), false));
        assert_eq!(
            read("4\u{a0}750"),
            some("4750", None, Some('\u{a0}'), false)
        );
        assert_eq!(read("4'750.25"), some("4750.25", None, Some('\''), false));
        assert_eq!(read("1,234,567"), some("1234567", None, Some(','), false));
        assert_eq!(read("4.750,25"), some("4750.25", None, Some('.'), true));
        assert_eq!(read("8,40"), some("8.40", None, None, true));
        assert_eq!(read("$48"), some("48", Some("$"), None, false));
        assert_eq!(read("-$48"), some("-48", Some("$"), None, false));
        assert_eq!(read("US$48"), some("48", Some("US$"), None, false));
        assert_eq!(read("€85"), some("85", Some("€"), None, false));
        assert_eq!(read("85 €"), some("85", Some("€"), None, false));
        assert_eq!(read("19.90 GBP"), some("19.90", Some("GBP"), None, false));
        assert_eq!(read("GBP 19.90"), some("19.90", Some("GBP"), None, false));
        assert_eq!(
            read("4,750"),
            Some(("4750".into(), None, Some(','), false, Some("4.750".into())))
        );
        // Decimals already, or nothing clear.
        for text in [
            "4.750", "19.90", "1e3", "twelve", "4,75,0", "12 34", "1.2.3", "$", "GBP", "$48 GBP",
            "48 abc", ",5", "5,", "4,,750", "1,5e3", "",
        ] {
            assert_eq!(number_slip(text), None, "{text}");
        }
        // Every text given reads.
        for text in [
            "4,750.00",
            "8,40",
            "€85",
            "4,750",
            "99,999,999,999,999,999,999,999,999.99",
        ] {
            if let Some(slip) = number_slip(text) {
                assert!(decimal(&slip.fixed).is_ok(), "{text}");
            }
        }
    }

    /// Exponent forms: each text's exact value (as `Decimal`'s text), or
    /// the error it must give.
    pub(crate) const EXPONENTS: &[(&str, Result<&str, DecimalError>)] = &[
        ("1e0", Ok("1")),
        ("1E0", Ok("1")),
        ("1e+0", Ok("1")),
        ("1E+0", Ok("1")),
        ("1e-0", Ok("1")),
        ("1e00", Ok("1")),
        ("1e-000", Ok("1")),
        ("0e0", Ok("0")),
        ("-0e0", Ok("0")),
        ("1.5e0", Ok("1.5")),
        ("1.50e0", Ok("1.50")),
        ("-1.5E+0", Ok("-1.5")),
        ("2.5e1", Ok("25")),
        ("2.5e+1", Ok("25")),
        ("25e-1", Ok("2.5")),
        ("1e3", Ok("1000")),
        ("1E3", Ok("1000")),
        ("-1e3", Ok("-1000")),
        ("1e-3", Ok("0.001")),
        ("1.25e-2", Ok("0.0125")),
        ("0.0e5", Ok("0")),
        ("0.00e-1", Ok("0.000")),
        ("123.456e3", Ok("123456")),
        ("1e28", Ok("10000000000000000000000000000")),
        ("1e-28", Ok("0.0000000000000000000000000001")),
        ("1e29", Err(DecimalError::TooLarge)),
        ("1e-29", Err(DecimalError::Inexact)),
        ("1e9999999999", Err(DecimalError::TooLarge)),
        ("1e-9999999999", Err(DecimalError::Inexact)),
        ("1e", Err(DecimalError::Syntax)),
        ("1e+", Err(DecimalError::Syntax)),
        ("1e1.5", Err(DecimalError::Syntax)),
        ("1ee1", Err(DecimalError::Syntax)),
        ("e0", Err(DecimalError::Syntax)),
    ];

    #[test]
    fn exponents_are_read_exactly() {
        for (text, want) in EXPONENTS {
            let got = decimal(text).map(|d| d.to_string());
            let want = want.as_ref().map(|s| s.to_string());
            match (&got, &want) {
                (Ok(g), Ok(w)) => assert_eq!(g, w, "{text}"),
                (Err(g), Err(w)) => assert_eq!(g, *w, "{text}"),
                _ => panic!("{text}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn dates_read_as_chrono_reads_them() {
        let mut cases: Vec<String> = [
            "2026-03-02",
            "2024-02-29",
            "2023-02-29",
            "2026-02-30",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "0000-01-01",
            "9999-12-31",
            " 2026-03-02 ",
            "2026-3-02",
            "20260302",
            "2026/03/02",
            "2026-03-0x",
            "+2026-03-02",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for m in 0..=13 {
            for d in [0, 1, 28, 29, 30, 31, 32] {
                cases.push(format!("2025-{m:02}-{d:02}"));
            }
        }
        for case in cases {
            let chrono = NaiveDate::parse_from_str(case.trim(), "%Y-%m-%d")
                .ok()
                .filter(|_| case.trim().len() == 10 && !case.trim().starts_with('+'));
            assert_eq!(date(&case), chrono, "{case:?}");
        }
    }

    /// The direct reading of plain decimals gives what the general one does.
    #[test]
    fn plain_decimals_read_as_the_general_reader_reads_them() {
        let mut cases: Vec<String> = [
            "0",
            "-0",
            "+0",
            "0.00",
            "-0.00",
            "007.50",
            "5921",
            "32.92",
            "-1.5",
            "+2.25",
            "999999999999999999",
            "0.000000000000000001",
            "123456789.123456789",
            "1.",
            ".5",
            "-",
            "+",
            "",
            "1.2.3",
            "1e3",
            "12a",
            " 4.20 ",
            "-.5",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut seed: u64 = 7;
        for _ in 0..20_000 {
            let mut t = String::new();
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            match seed >> 62 {
                0 => t.push('-'),
                1 => t.push('+'),
                _ => {}
            }
            let len = (seed >> 40) % 22;
            for k in 0..len {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                if k > 0 && (seed >> 59) == 0 {
                    t.push('.');
                } else {
                    t.push(char::from(b'0' + ((seed >> 33) % 10) as u8));
                }
            }
            cases.push(t);
        }
        let mut plain = 0;
        for case in &cases {
            if let Some(d) = plain_decimal(case.trim()) {
                plain += 1;
                let general = decimal_general(case).unwrap();
                assert_eq!(
                    (d.mantissa(), d.scale(), d.is_sign_negative()),
                    (
                        general.mantissa(),
                        general.scale(),
                        general.is_sign_negative()
                    ),
                    "{case:?}"
                );
            }
            assert_eq!(decimal(case), decimal_general(case), "{case:?}");
        }
        assert!(plain > 10_000, "the direct path read only {plain} cases");
    }
}
