//! Builtin functions: their names, their types and what they compute.
//!
//! Every function here is total: bad input gives a [`Fault`], never a panic.
use chrono::{Datelike, Days, NaiveDate, Weekday};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::diag::{codes, Code};
use crate::types::Ty;
use crate::value::Value;

/// The largest number of days `add_business_days` and `add_days` move by.
pub(crate) const MAX_DAY_STEPS: i64 = 1_000_000;

/// The most decimal places `round` keeps (what a `decimal` holds).
pub(crate) const MAX_ROUND_PLACES: i64 = 28;

/// A whole-number argument that only some values fit, known from the
/// function alone: a fixed value outside them is a check error, a computed
/// one a fault.
pub(crate) struct ArgRange {
    /// Which argument (from 0).
    pub(crate) index: usize,
    /// The smallest value that fits.
    pub(crate) min: i64,
    /// The largest value that fits.
    pub(crate) max: i64,
    /// What the function does with it, before the range: "keeps" (0 to 28
    /// decimal places).
    pub(crate) does: &'static str,
    /// What the number counts, after the range: "decimal places".
    pub(crate) counts: &'static str,
    /// How to fix a value out of range.
    pub(crate) help: &'static str,
}

/// A builtin function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    Min,
    Max,
    Round,
    Abs,
    Floor,
    Ceil,
    DaysBetween,
    AddDays,
    AddBusinessDays,
    IsBusinessDay,
    Date,
    DateTime,
    Decimal,
    Length,
    Year,
    Month,
    Day,
    Weekday,
}

/// Every builtin with its name and a one-line signature, for lookups,
/// suggestions and the language reference.
pub(crate) const ALL: &[(&str, Builtin, &str)] = &[
    ("min", Builtin::Min, "min(a, b, …): the smallest of numbers, dates, datetimes or strings"),
    ("max", Builtin::Max, "max(a, b, …): the largest of numbers, dates, datetimes or strings"),
    ("round", Builtin::Round, "round(x, places): x rounded half away from zero to `places` decimals"),
    ("abs", Builtin::Abs, "abs(x): x without its sign"),
    ("floor", Builtin::Floor, "floor(x): the largest whole number not above x"),
    ("ceil", Builtin::Ceil, "ceil(x): the smallest whole number not below x"),
    ("days_between", Builtin::DaysBetween, "days_between(from, to): days from `from` to `to` (negative if `to` is earlier)"),
    ("add_days", Builtin::AddDays, "add_days(date, n): the day n days after `date`"),
    ("add_business_days", Builtin::AddBusinessDays, "add_business_days(date, n, holidays): the n-th Monday-to-Friday day after `date` that is not in `holidays`"),
    ("is_business_day", Builtin::IsBusinessDay, "is_business_day(date, holidays): whether `date` is Monday to Friday and not a holiday"),
    ("date", Builtin::Date, "date(\"YYYY-MM-DD\"): a date from text"),
    ("datetime", Builtin::DateTime, "datetime(\"2026-03-02T10:00:00Z\"): an instant from RFC 3339 text"),
    ("decimal", Builtin::Decimal, "decimal(\"12.50\"): an exact decimal from text"),
    ("length", Builtin::Length, "length(list): how many elements the list has"),
    ("year", Builtin::Year, "year(date): the year"),
    ("month", Builtin::Month, "month(date): the month, 1 to 12"),
    ("day", Builtin::Day, "day(date): the day of the month, 1 to 31"),
    ("weekday", Builtin::Weekday, "weekday(date): 1 for Monday to 7 for Sunday"),
];

impl Builtin {
    /// Looks a builtin up by name.
    pub(crate) fn by_name(name: &str) -> Option<Builtin> {
        ALL.iter().find(|(n, _, _)| *n == name).map(|(_, b, _)| *b)
    }

    /// Its name.
    pub(crate) fn name(self) -> &'static str {
        ALL.iter()
            .find(|(_, b, _)| *b == self)
            .map_or("?", |(n, _, _)| n)
    }

    /// Its signature line.
    pub(crate) fn signature(self) -> &'static str {
        ALL.iter()
            .find(|(_, b, _)| *b == self)
            .map_or("?", |(_, _, s)| s)
    }

    /// The number of arguments it takes: at least, at most.
    pub(crate) fn arity(self) -> (usize, usize) {
        match self {
            Builtin::Min | Builtin::Max => (2, usize::MAX),
            Builtin::Round | Builtin::DaysBetween | Builtin::AddDays => (2, 2),
            Builtin::AddBusinessDays => (2, 3),
            Builtin::IsBusinessDay => (1, 2),
            _ => (1, 1),
        }
    }

    /// The argument that only some whole numbers fit, if it has one.
    pub(crate) fn arg_range(self) -> Option<ArgRange> {
        match self {
            Builtin::Round => Some(ArgRange {
                index: 1,
                min: 0,
                max: MAX_ROUND_PLACES,
                does: "keeps",
                counts: "decimal places",
                help: "money is usually rounded to 2 places: `round(x, 2)`",
            }),
            Builtin::AddDays | Builtin::AddBusinessDays => Some(ArgRange {
                index: 1,
                min: -MAX_DAY_STEPS,
                max: MAX_DAY_STEPS,
                does: "moves a date by",
                counts: "days",
                help: "move the date by fewer days (a negative number moves it back)",
            }),
            _ => None,
        }
    }

    /// The result type for arguments of types `args` (already required, not
    /// optional), or the index of the first bad argument and what it should be.
    pub(crate) fn result_type(self, args: &[Ty]) -> Result<Ty, (usize, &'static str)> {
        let want = |i: usize,
                    ok: fn(&Ty) -> bool,
                    what: &'static str|
         -> Result<(), (usize, &'static str)> {
            match args.get(i) {
                Some(t) if !ok(t) => Err((i, what)),
                _ => Ok(()),
            }
        };
        let number = |t: &Ty| t.is_number();
        let date = |t: &Ty| matches!(t, Ty::Date | Ty::Any);
        let int = |t: &Ty| matches!(t, Ty::Int | Ty::Any);
        let string = |t: &Ty| matches!(t, Ty::Str | Ty::Any);
        let dates = |t: &Ty| match t {
            Ty::List(e) => matches!(**e, Ty::Date | Ty::Any),
            Ty::Any => true,
            _ => false,
        };
        match self {
            Builtin::Min | Builtin::Max => {
                let mut ty = Ty::Any;
                for (i, a) in args.iter().enumerate() {
                    let ordered = a.is_number() || matches!(a, Ty::Date | Ty::DateTime | Ty::Str);
                    match ty.unify(a) {
                        Some(t) if ordered => ty = t,
                        _ => return Err((i, "numbers, or dates, all of one kind")),
                    }
                }
                Ok(ty)
            }
            Builtin::Round => {
                want(0, number, "a number")?;
                want(1, int, "a whole number of decimal places")?;
                Ok(Ty::Decimal)
            }
            Builtin::Abs => {
                want(0, number, "a number")?;
                Ok(args.first().cloned().unwrap_or(Ty::Any))
            }
            Builtin::Floor | Builtin::Ceil => {
                want(0, number, "a number")?;
                Ok(Ty::Decimal)
            }
            Builtin::DaysBetween => {
                want(0, date, "a date")?;
                want(1, date, "a date")?;
                Ok(Ty::Int)
            }
            Builtin::AddDays => {
                want(0, date, "a date")?;
                want(1, int, "a whole number of days")?;
                Ok(Ty::Date)
            }
            Builtin::AddBusinessDays => {
                want(0, date, "a date")?;
                want(1, int, "a whole number of days")?;
                want(2, dates, "a list of dates (the holidays)")?;
                Ok(Ty::Date)
            }
            Builtin::IsBusinessDay => {
                want(0, date, "a date")?;
                want(1, dates, "a list of dates (the holidays)")?;
                Ok(Ty::Bool)
            }
            Builtin::Date | Builtin::DateTime | Builtin::Decimal => {
                want(0, string, "a string")?;
                Ok(match self {
                    Builtin::Date => Ty::Date,
                    Builtin::DateTime => Ty::DateTime,
                    _ => Ty::Decimal,
                })
            }
            Builtin::Length => {
                want(0, |t| matches!(t, Ty::List(_) | Ty::Any), "a list")?;
                Ok(Ty::Int)
            }
            Builtin::Year | Builtin::Month | Builtin::Day | Builtin::Weekday => {
                want(0, date, "a date")?;
                Ok(Ty::Int)
            }
        }
    }
}

/// Why a builtin could not compute its result.
#[derive(Debug, Clone)]
pub(crate) struct Fault {
    /// The diagnostic code.
    pub code: Code,
    /// What went wrong, with the values involved.
    pub message: String,
}

fn fault(code: Code, message: impl Into<String>) -> Fault {
    Fault {
        code,
        message: message.into(),
    }
}

fn invalid(message: impl Into<String>) -> Fault {
    fault(codes::EVAL_INVALID, message)
}

fn overflow(message: impl Into<String>) -> Fault {
    fault(codes::EVAL_OVERFLOW, message)
}

/// Calls `b` on already evaluated, present arguments.
pub(crate) fn call(b: Builtin, args: &[Value]) -> Result<Value, Fault> {
    let arg = |i: usize| args.get(i).unwrap_or(&Value::Absent);
    match b {
        Builtin::Min | Builtin::Max => {
            let mut best: Option<Value> = None;
            for v in args {
                best = Some(match best {
                    None => v.clone(),
                    Some(cur) => {
                        let ord =
                            compare(&cur, v).ok_or_else(|| invalid("values of different kinds"))?;
                        let take_new = if b == Builtin::Min {
                            ord.is_gt()
                        } else {
                            ord.is_lt()
                        };
                        if take_new {
                            v.clone()
                        } else {
                            cur
                        }
                    }
                });
            }
            // Mixed int/decimal: results are decimals when any argument is.
            match best {
                Some(Value::Int(i)) if args.iter().any(|a| matches!(a, Value::Decimal(_))) => {
                    Ok(Value::Decimal(Decimal::from(i)))
                }
                Some(v) => Ok(v),
                None => Err(invalid("no values")),
            }
        }
        Builtin::Round => {
            let x = number(arg(0))?;
            let places = match arg(1) {
                Value::Int(p) if (0..=MAX_ROUND_PLACES).contains(p) => *p as u32,
                other => {
                    return Err(invalid(format!(
                        "cannot round to {other} places: use 0 to {MAX_ROUND_PLACES}"
                    )))
                }
            };
            let mut r = x.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
            r.rescale(places);
            // A decimal holds 28 to 29 digits in all: `rescale` keeps fewer
            // places than asked when the whole part leaves no room. The
            // result has exactly `places` places, or none at all.
            if r.scale() != places {
                return Err(overflow(format!(
                    "round({x}, {places}) needs more digits than a decimal holds (28 in all)"
                )));
            }
            Ok(Value::Decimal(crate::value::normalize(r)))
        }
        Builtin::Abs => match arg(0) {
            Value::Int(i) => i
                .checked_abs()
                .map(Value::Int)
                .ok_or_else(|| overflow(format!("abs({i}) is too large"))),
            v => Ok(Value::Decimal(number(v)?.abs())),
        },
        // Whole numbers, without places and without a negative zero
        // (`ceil(-0.5)` is `0`).
        Builtin::Floor => Ok(Value::Decimal(crate::value::normalize(
            number(arg(0))?.floor(),
        ))),
        Builtin::Ceil => Ok(Value::Decimal(crate::value::normalize(
            number(arg(0))?.ceil(),
        ))),
        Builtin::DaysBetween => {
            let (a, b) = (date(arg(0))?, date(arg(1))?);
            Ok(Value::Int(b.signed_duration_since(a).num_days()))
        }
        Builtin::AddDays => {
            let d = date(arg(0))?;
            let n = int(arg(1))?;
            let r = shift(d, n)?;
            in_range(d, n, "days", r).map(Value::Date)
        }
        Builtin::AddBusinessDays => {
            let d = date(arg(0))?;
            let n = int(arg(1))?;
            let holidays = holiday_list(args.get(2))?;
            let r = add_business_days(d, n, &holidays)?;
            in_range(d, n, "business days", r).map(Value::Date)
        }
        Builtin::IsBusinessDay => {
            let d = date(arg(0))?;
            let holidays = holiday_list(args.get(1))?;
            Ok(Value::Bool(is_business_day(d, &holidays)))
        }
        Builtin::Date => {
            let s = string(arg(0))?;
            // Read as facts read dates: exactly `YYYY-MM-DD`.
            crate::literal::date(s).map(Value::Date).ok_or_else(|| {
                invalid(match crate::literal::no_such_day(s) {
                    Some(why) => format!("\"{s}\" is not a real day: {why}"),
                    None => format!("\"{s}\" is not a date in the form YYYY-MM-DD"),
                })
            })
        }
        Builtin::DateTime => {
            let s = string(arg(0))?;
            // Read as facts read datetimes: never cut to nanoseconds.
            crate::literal::datetime(s)
                .map(Value::DateTime)
                .map_err(|e| match e {
                    crate::literal::DateTimeError::Syntax => {
                        invalid(format!("\"{s}\" is not an RFC 3339 date and time"))
                    }
                    crate::literal::DateTimeError::Inexact => invalid(format!(
                        "\"{s}\" cannot be held exactly as a datetime (at most 9 digits after the seconds' point: nanoseconds)"
                    )),
                })
        }
        Builtin::Decimal => {
            let s = string(arg(0))?;
            // Read as facts read decimals: exactly as written, never rounded.
            crate::literal::decimal(s)
                .map(Value::Decimal)
                .map_err(|e| match e {
                    crate::literal::DecimalError::Syntax => {
                        invalid(format!("\"{s}\" is not a decimal number"))
                    }
                    _ => invalid(format!(
                        "\"{s}\" cannot be held exactly as a decimal (at most 28 places and 28 or 29 significant digits)"
                    )),
                })
        }
        Builtin::Length => match arg(0) {
            Value::List(l) => Ok(Value::Int(i64::try_from(l.len()).unwrap_or(i64::MAX))),
            other => Err(invalid(format!("{other} is not a list"))),
        },
        Builtin::Year => Ok(Value::Int(i64::from(date(arg(0))?.year()))),
        Builtin::Month => Ok(Value::Int(i64::from(date(arg(0))?.month()))),
        Builtin::Day => Ok(Value::Int(i64::from(date(arg(0))?.day()))),
        Builtin::Weekday => Ok(Value::Int(i64::from(
            date(arg(0))?.weekday().number_from_monday(),
        ))),
    }
}

/// Orders two values of one kind (numbers mixed freely).
pub(crate) fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::DateTime(x), Value::DateTime(y)) => Some(x.cmp(y)),
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        _ => Some(a.as_decimal()?.cmp(&b.as_decimal()?)),
    }
}

fn number(v: &Value) -> Result<Decimal, Fault> {
    v.as_decimal()
        .ok_or_else(|| invalid(format!("{v} is not a number")))
}

fn int(v: &Value) -> Result<i64, Fault> {
    match v {
        Value::Int(i) => Ok(*i),
        other => Err(invalid(format!("{other} is not a whole number"))),
    }
}

fn date(v: &Value) -> Result<NaiveDate, Fault> {
    match v {
        Value::Date(d) => Ok(*d),
        other => Err(invalid(format!("{other} is not a date"))),
    }
}

fn string(v: &Value) -> Result<&str, Fault> {
    match v {
        Value::Str(s) => Ok(s),
        other => Err(invalid(format!("{other} is not a string"))),
    }
}

/// The holidays as a sorted list without repeats.
fn holiday_list(v: Option<&Value>) -> Result<Vec<NaiveDate>, Fault> {
    let mut days = Vec::new();
    match v {
        None | Some(Value::Absent) => {}
        Some(Value::List(items)) => {
            for item in items.iter() {
                days.push(date(item)?);
            }
        }
        Some(other) => return Err(invalid(format!("{other} is not a list of dates"))),
    }
    days.sort_unstable();
    days.dedup();
    Ok(days)
}

fn shift(d: NaiveDate, n: i64) -> Result<NaiveDate, Fault> {
    if n.unsigned_abs() > MAX_DAY_STEPS.unsigned_abs() {
        return Err(overflow(format!(
            "cannot move a date by {n} days (at most {MAX_DAY_STEPS})"
        )));
    }
    let days = Days::new(n.unsigned_abs());
    let r = if n >= 0 {
        d.checked_add_days(days)
    } else {
        d.checked_sub_days(days)
    };
    r.ok_or_else(|| {
        overflow(format!(
            "{} moved by {n} days is outside the calendar",
            crate::value::Day(d)
        ))
    })
}

/// `r`, the result of moving `d` by `n` (`unit`), if it is a day facts
/// can hold and a decision can write (years 0000 to 9999).
fn in_range(d: NaiveDate, n: i64, unit: &str, r: NaiveDate) -> Result<NaiveDate, Fault> {
    if crate::literal::day_in_range(r) {
        Ok(r)
    } else {
        Err(out_of_years(d, n, unit))
    }
}

#[cold]
fn out_of_years(d: NaiveDate, n: i64, unit: &str) -> Fault {
    overflow(format!(
        "{} moved by {n} {unit} falls outside the years 0000 to 9999",
        crate::value::Day(d)
    ))
}

/// Whether `d` is Monday to Friday and not in `holidays` (sorted).
pub(crate) fn is_business_day(d: NaiveDate, holidays: &[NaiveDate]) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && holidays.binary_search(&d).is_err()
}

/// The `n`-th business day after `start` (before it when `n` is negative).
/// The start day itself never counts; `n == 0` gives `start`.
pub(crate) fn add_business_days(
    start: NaiveDate,
    n: i64,
    holidays: &[NaiveDate],
) -> Result<NaiveDate, Fault> {
    if n.unsigned_abs() > MAX_DAY_STEPS.unsigned_abs() {
        return Err(overflow(format!(
            "cannot count {n} business days (at most {MAX_DAY_STEPS})"
        )));
    }
    // Counted on day numbers (a step is an addition; 0001-01-01, day 1,
    // was a Monday) with the weekday carried along, and the holidays (sorted)
    // passed in step with the days.
    let holidays_n: Vec<i64> = holidays
        .iter()
        .map(|h| i64::from(h.num_days_from_ce()))
        .collect();
    let forward = n >= 0;
    let mut left = n.unsigned_abs();
    let mut k = i64::from(start.num_days_from_ce());
    // Monday 0 … Sunday 6.
    let mut weekday = (k - 1).rem_euclid(7);
    // The next holiday in the direction of travel.
    let mut next = if forward {
        holidays_n.partition_point(|&h| h <= k)
    } else {
        holidays_n.partition_point(|&h| h < k)
    };
    while left > 0 {
        let holiday = if forward {
            k += 1;
            weekday = if weekday == 6 { 0 } else { weekday + 1 };
            let hit = holidays_n.get(next) == Some(&k);
            next += usize::from(hit);
            hit
        } else {
            k -= 1;
            weekday = if weekday == 0 { 6 } else { weekday - 1 };
            let hit = next > 0 && holidays_n.get(next - 1) == Some(&k);
            next -= usize::from(hit);
            hit
        };
        if weekday < 5 && !holiday {
            left -= 1;
        }
    }
    match i32::try_from(k)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
    {
        Some(d) => Ok(d),
        // Past the end of the calendar: stepping finds where, for the error.
        None => add_business_days_by_steps(start, n, holidays),
    }
}

/// [`add_business_days`] one day at a time, with dates: the definition, and
/// the error at the calendar's ends.
fn add_business_days_by_steps(
    start: NaiveDate,
    n: i64,
    holidays: &[NaiveDate],
) -> Result<NaiveDate, Fault> {
    let step: i64 = if n >= 0 { 1 } else { -1 };
    let mut left = n.unsigned_abs();
    let mut d = start;
    while left > 0 {
        d = shift(d, step)?;
        if is_business_day(d, holidays) {
            left -= 1;
        }
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn business_days_by_day_numbers_agree_with_stepping_through_dates() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |m: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % m
        };
        let base = d("2024-01-01");
        for _ in 0..3000 {
            let start = base + Days::new(next(800));
            let n = i64::try_from(next(90)).unwrap() - 30;
            let mut holidays: Vec<NaiveDate> =
                (0..next(12)).map(|_| base + Days::new(next(900))).collect();
            holidays.sort_unstable();
            holidays.dedup();
            assert_eq!(
                add_business_days(start, n, &holidays).unwrap(),
                add_business_days_by_steps(start, n, &holidays).unwrap(),
                "{start} {n} {holidays:?}"
            );
        }
        // At the ends of the calendar, the same error.
        for (start, n) in [
            (NaiveDate::MAX, 3),
            (NaiveDate::MIN, -3),
            (NaiveDate::MAX, -2),
        ] {
            assert_eq!(
                add_business_days(start, n, &[]).map_err(|f| f.message),
                add_business_days_by_steps(start, n, &[]).map_err(|f| f.message),
            );
        }
    }

    #[test]
    fn business_days_skip_weekends_from_the_next_day() {
        // 2026-03-06 is a Friday: one business day later is Monday.
        assert_eq!(
            add_business_days(d("2026-03-06"), 1, &[]).unwrap(),
            d("2026-03-09")
        );
        // From a Saturday, the first business day is Monday.
        assert_eq!(
            add_business_days(d("2026-03-07"), 1, &[]).unwrap(),
            d("2026-03-09")
        );
        assert_eq!(
            add_business_days(d("2026-03-02"), 0, &[]).unwrap(),
            d("2026-03-02")
        );
    }

    #[test]
    fn business_days_skip_holidays_across_month_and_year_ends() {
        let hol = [d("2027-01-01")];
        // Thu 2026-12-31 + 1 business day: Fri Jan 1 is a holiday -> Mon Jan 4.
        assert_eq!(
            add_business_days(d("2026-12-31"), 1, &hol).unwrap(),
            d("2027-01-04")
        );
        // A holiday on a Saturday changes nothing.
        let sat = [d("2026-03-07")];
        assert_eq!(
            add_business_days(d("2026-03-06"), 1, &sat).unwrap(),
            d("2026-03-09")
        );
        // 30 business days from Mon 2026-03-02 is Mon 2026-04-13 with no holidays.
        assert_eq!(
            add_business_days(d("2026-03-02"), 30, &[]).unwrap(),
            d("2026-04-13")
        );
        assert_eq!(
            add_business_days(d("2026-02-27"), 1, &[]).unwrap(),
            d("2026-03-02")
        );
    }

    #[test]
    fn negative_counts_go_back_and_huge_counts_fail() {
        assert_eq!(
            add_business_days(d("2026-03-09"), -1, &[]).unwrap(),
            d("2026-03-06")
        );
        assert!(add_business_days(d("2026-03-09"), i64::MAX, &[]).is_err());
        assert!(shift(d("2026-03-09"), i64::MIN).is_err());
    }

    #[test]
    fn round_is_half_away_from_zero_with_fixed_places() {
        let r = call(
            Builtin::Round,
            &[Value::Decimal(Decimal::new(10005, 3)), Value::Int(2)],
        )
        .unwrap();
        assert_eq!(r, Value::Decimal(Decimal::new(1001, 2)));
        let r = call(
            Builtin::Round,
            &[Value::Decimal(Decimal::new(-10005, 3)), Value::Int(2)],
        )
        .unwrap();
        assert_eq!(r.to_string(), "-10.01");
        let r = call(Builtin::Round, &[Value::Int(0), Value::Int(2)]).unwrap();
        assert_eq!(r.to_string(), "0.00");
        // Exactly the places asked, or an overflow: never fewer, silently.
        let r = call(
            Builtin::Round,
            &[Value::Decimal(Decimal::new(12000, 2)), Value::Int(28)],
        );
        assert!(r.is_err(), "{r:?}");
        let r = call(
            Builtin::Round,
            &[Value::Decimal(Decimal::new(5, 1)), Value::Int(27)],
        )
        .unwrap();
        assert_eq!(r.to_string(), format!("0.5{}", "0".repeat(26)));
    }
}
