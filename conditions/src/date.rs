//! Date-times: the `[2024-01-31T00:00:00Z]` literal and the ISO 8601 strings ConnectWise
//! returns in entities, parsed the same way into one comparable form (an instant in UTC).
//!
//! Accepted: `YYYY-MM-DD`, optionally followed by `T` (or `t` or a space) and `hh:mm`,
//! optionally `:ss`, optionally `.` and 1 to 9 fraction digits, optionally `Z` (or `z`) or an
//! offset `+hh:mm`, `+hhmm`, `+hh` (or `-`). A missing offset means UTC, as a missing time means
//! midnight: ConnectWise stores and returns UTC. Years 0000 to 9999 only.

use std::fmt;

const NANOS_PER_SECOND: u32 = 1_000_000_000;
const SECONDS_PER_DAY: i64 = 86_400;

/// An instant in UTC with nanosecond precision, years 0000 to 9999. Ordered in time.
///
/// Printed as `2024-01-31T00:00:00Z` (with `.fff` only when the fraction is not zero), which
/// [`DateTime::parse`] reads back to the same instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    seconds: i64,
    nanos: u32,
}

impl DateTime {
    /// The earliest instant: 0000-01-01T00:00:00Z.
    pub const MIN: DateTime = DateTime {
        seconds: days_from_civil(0, 1, 1) * SECONDS_PER_DAY,
        nanos: 0,
    };

    /// The latest instant: 9999-12-31T23:59:59.999999999Z.
    pub const MAX: DateTime = DateTime {
        seconds: days_from_civil(9999, 12, 31) * SECONDS_PER_DAY + SECONDS_PER_DAY - 1,
        nanos: NANOS_PER_SECOND - 1,
    };

    /// The instant `seconds` after 1970-01-01T00:00:00Z plus `nanos`; `None` outside
    /// [`DateTime::MIN`]..=[`DateTime::MAX`] or when `nanos` is a second or more.
    pub fn from_unix(seconds: i64, nanos: u32) -> Option<DateTime> {
        let date = DateTime { seconds, nanos };
        (nanos < NANOS_PER_SECOND && (DateTime::MIN..=DateTime::MAX).contains(&date))
            .then_some(date)
    }

    /// Parses an ISO 8601 date-time in the forms the module documentation lists, e.g.
    /// `2024-01-31T00:00:00Z`, `2017-01-25T11:27:33.123456+00:00` or `2024-01-31`.
    pub fn parse(text: &str) -> Option<DateTime> {
        parse_iso(text).ok()
    }

    /// Whole seconds since 1970-01-01T00:00:00Z (negative before).
    pub fn unix_seconds(self) -> i64 {
        self.seconds
    }

    /// Nanoseconds past [`DateTime::unix_seconds`], below one second.
    pub fn subsec_nanos(self) -> u32 {
        self.nanos
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.seconds.div_euclid(SECONDS_PER_DAY);
        let second_of_day = self.seconds.rem_euclid(SECONDS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60
        )?;
        if self.nanos > 0 {
            let fraction = format!("{:09}", self.nanos);
            write!(f, ".{}", fraction.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

/// Why a date-time did not parse: a message and the byte range of `text` it is about.
#[derive(Debug)]
pub(crate) struct DateError {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) message: String,
}

/// Parses `text` (the whole of it) as the module documentation describes.
pub(crate) fn parse_iso(text: &str) -> Result<DateTime, DateError> {
    let mut cursor = Cursor { text, pos: 0 };
    let year = cursor.digits(4, "a four-digit year")?;
    cursor.expect(b'-', "`-` after the year")?;
    let month = cursor.digits(2, "a two-digit month")?;
    cursor.check(month, 1..=12, 2, "the month must be 01 to 12")?;
    cursor.expect(b'-', "`-` after the month")?;
    let day = cursor.digits(2, "a two-digit day")?;
    let last_day = days_in_month(year, month);
    cursor.check(
        day,
        1..=last_day,
        2,
        &format!("the day must be 01 to {last_day:02} in this month"),
    )?;

    let mut second_of_day = 0;
    let mut nanos = 0;
    let mut offset_seconds = 0;
    if let Some(b'T' | b't' | b' ') = cursor.peek() {
        cursor.pos += 1;
        let hour = cursor.digits(2, "a two-digit hour")?;
        cursor.check(hour, 0..=23, 2, "the hour must be 00 to 23")?;
        cursor.expect(b':', "`:` after the hour")?;
        let minute = cursor.digits(2, "two-digit minutes")?;
        cursor.check(minute, 0..=59, 2, "the minutes must be 00 to 59")?;
        let mut second = 0;
        if cursor.eat(b':') {
            second = cursor.digits(2, "two-digit seconds")?;
            cursor.check(second, 0..=59, 2, "the seconds must be 00 to 59")?;
            if cursor.eat(b'.') {
                nanos = cursor.fraction()?;
            }
        }
        second_of_day = i64::from(hour * 3600 + minute * 60 + second);
        offset_seconds = cursor.offset()?;
    }
    if cursor.pos < text.len() {
        return Err(cursor.error_here("nothing after the date-time (expected `]` here)"));
    }

    let seconds = days_from_civil(i64::from(year), month, day) * SECONDS_PER_DAY + second_of_day
        - offset_seconds;
    DateTime::from_unix(seconds, nanos).ok_or_else(|| DateError {
        start: 0,
        end: text.len(),
        message: "the date-time is before year 0000 or after year 9999 in UTC".to_owned(),
    })
}

struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), DateError> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(self.error_here(&format!("expected {what}")))
        }
    }

    fn error_here(&self, message: &str) -> DateError {
        // Point at the whole offending character (the text may hold any UTF-8).
        let len = self.text[self.pos..]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        DateError {
            start: self.pos,
            end: self.pos + len,
            message: message.to_owned(),
        }
    }

    /// Exactly `count` ASCII digits.
    fn digits(&mut self, count: usize, what: &str) -> Result<u32, DateError> {
        let start = self.pos;
        let mut value = 0;
        for _ in 0..count {
            match self.peek() {
                Some(b @ b'0'..=b'9') => {
                    value = value * 10 + u32::from(b - b'0');
                    self.pos += 1;
                }
                _ => {
                    self.pos = start;
                    return Err(self.error_here(&format!("expected {what}")));
                }
            }
        }
        Ok(value)
    }

    /// Checks the number just read (the `len` bytes before the cursor) is in `range`.
    fn check(
        &self,
        value: u32,
        range: std::ops::RangeInclusive<u32>,
        len: usize,
        message: &str,
    ) -> Result<(), DateError> {
        if range.contains(&value) {
            Ok(())
        } else {
            Err(DateError {
                start: self.pos - len,
                end: self.pos,
                message: message.to_owned(),
            })
        }
    }

    /// 1 to 9 digits after the `.`, as nanoseconds.
    fn fraction(&mut self) -> Result<u32, DateError> {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        let digits = &self.text[start..self.pos];
        if digits.is_empty() {
            return Err(self.error_here("expected digits after the decimal point"));
        }
        if digits.len() > 9 {
            return Err(DateError {
                start,
                end: self.pos,
                message: "at most 9 digits of fractional seconds".to_owned(),
            });
        }
        let value: u32 = digits.parse().unwrap_or(0);
        Ok(value * 10u32.pow(9 - digits.len() as u32))
    }

    /// `Z`, `+hh:mm`, `+hhmm`, `+hh` (or `-`), or nothing (UTC): seconds east of UTC.
    fn offset(&mut self) -> Result<i64, DateError> {
        let sign = match self.peek() {
            Some(b'Z' | b'z') => {
                self.pos += 1;
                return Ok(0);
            }
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return Ok(0),
        };
        self.pos += 1;
        let hours = self.digits(2, "a two-digit offset hour")?;
        self.check(hours, 0..=23, 2, "the offset hours must be 00 to 23")?;
        let mut minutes = 0;
        let colon = self.eat(b':');
        if colon || matches!(self.peek(), Some(b'0'..=b'9')) {
            minutes = self.digits(2, "two-digit offset minutes")?;
            self.check(minutes, 0..=59, 2, "the offset minutes must be 00 to 59")?;
        }
        Ok(sign * i64::from(hours * 3600 + minutes * 60))
    }
}

fn is_leap_year(year: u32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
const fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = (if year >= 0 { year } else { year - 399 }) / 400;
    let year_of_era = year - era * 400;
    let month_from_march = (month as i64 + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day as i64 - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = (if days >= 0 { days } else { days - 146_096 }) / 146_097;
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = (if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    }) as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unix(text: &str) -> i64 {
        DateTime::parse(text).unwrap().unix_seconds()
    }

    #[test]
    fn known_instants() {
        assert_eq!(unix("1970-01-01T00:00:00Z"), 0);
        assert_eq!(unix("2024-01-31T00:00:00Z"), 1_706_659_200);
        assert_eq!(unix("2024-01-31"), 1_706_659_200);
        assert_eq!(unix("2024-01-31T01:00:00+01:00"), 1_706_659_200);
        assert_eq!(unix("2024-01-30T19:00:00-0500"), 1_706_659_200);
        assert_eq!(unix("2024-01-31T00:00"), 1_706_659_200);
        assert_eq!(unix("2000-02-29T12:00:00z"), 951_825_600);
        let micros = DateTime::parse("2017-01-25T11:27:33.123456+00:00").unwrap();
        assert_eq!(micros.subsec_nanos(), 123_456_000);
        assert_eq!(micros.to_string(), "2017-01-25T11:27:33.123456Z");
    }

    #[test]
    fn limits_print_and_parse_back() {
        for date in [DateTime::MIN, DateTime::MAX] {
            assert_eq!(DateTime::parse(&date.to_string()), Some(date));
        }
        assert_eq!(DateTime::MIN.to_string(), "0000-01-01T00:00:00Z");
        assert_eq!(DateTime::MAX.to_string(), "9999-12-31T23:59:59.999999999Z");
        assert_eq!(
            DateTime::from_unix(DateTime::MAX.unix_seconds() + 1, 0),
            None
        );
    }

    #[test]
    fn rejects() {
        for text in [
            "2024-13-01",
            "2023-02-29",
            "2024-01-31T24:00:00Z",
            "2024-01-31T00:60:00Z",
            "2024-01-31T00:00:60Z",
            "2024-01-31T00:00:00.Z",
            "2024-01-31T00:00:00.1234567890Z",
            "2024-1-31",
            "24-01-31",
            "2024-01-31T00:00:00Zx",
            "0000-01-01T00:00:00+01:00",
            "11/24/2024 19:16:00",
            "",
        ] {
            assert_eq!(DateTime::parse(text), None, "{text}");
        }
    }
}
