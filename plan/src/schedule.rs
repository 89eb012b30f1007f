//! When a scheduled trigger fires: a cron expression read in a time zone.
//! The compiler checks expressions with [`Cron::parse`]; the runtime asks
//! [`Cron::next_after`] when to poll next. Parsing and the calendar search
//! are the `croner` crate's (POSIX/Vixie semantics: five fields, days of
//! the week from Sunday = 0, day-of-month OR day-of-week when both are
//! restricted); time zones and their daylight-saving rules are `chrono-tz`'s.

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use croner::parser::{CronParser, Seconds, Year};

/// A parsed cron expression and the time zone it is read in.
#[derive(Clone, Debug)]
pub struct Cron {
    cron: croner::Cron,
    zone: Tz,
}

/// Why a schedule cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScheduleError {
    /// The expression does not parse; the text says why.
    Expression(String),
    /// The expression parses but no time ever matches it (`0 0 30 2 *`).
    NeverMatches,
    /// Not an IANA time zone name.
    TimeZone(String),
}

impl std::fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScheduleError::Expression(why) => write!(f, "not a cron expression: {why}"),
            ScheduleError::NeverMatches => write!(f, "the cron expression matches no time"),
            ScheduleError::TimeZone(name) => write!(f, "`{name}` is not an IANA time zone"),
        }
    }
}

impl Cron {
    /// Parses `expression` (5 fields, or 6 with seconds first) in `zone`
    /// (an IANA name such as `Europe/Berlin`; UTC when absent). An
    /// expression that can never match is refused too.
    pub fn parse(expression: &str, zone: Option<&str>) -> Result<Cron, ScheduleError> {
        let zone = match zone {
            None => Tz::UTC,
            Some(name) => name
                .parse::<Tz>()
                .map_err(|_| ScheduleError::TimeZone(name.to_string()))?,
        };
        let fields = expression.split_whitespace().count();
        if !expression.trim_start().starts_with('@') && !(5..=6).contains(&fields) {
            return Err(ScheduleError::Expression(format!(
                "it has {fields} fields; write minute hour day-of-month month day-of-week, or 6 fields with seconds first"
            )));
        }
        let cron = CronParser::builder()
            .seconds(Seconds::Optional)
            .year(Year::Disallowed)
            .build()
            .parse(expression)
            .map_err(|e| ScheduleError::Expression(e.to_string()))?;
        let parsed = Cron { cron, zone };
        // A fixed start keeps the check independent of today's date; the
        // search covers the years a leap-day expression needs.
        if parsed.next_after(946_684_800_000).is_none() {
            return Err(ScheduleError::NeverMatches);
        }
        Ok(parsed)
    }

    /// The first matching instant strictly after `after_ms` (Unix
    /// milliseconds), as Unix milliseconds; `None` when there is none.
    pub fn next_after(&self, after_ms: i64) -> Option<i64> {
        let after: DateTime<Utc> = Utc.timestamp_millis_opt(after_ms).single()?;
        let local = after.with_timezone(&self.zone);
        self.cron
            .find_next_occurrence(&local, false)
            .ok()
            .map(|t| t.timestamp_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> i64 {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .timestamp_millis()
    }

    fn next(expr: &str, zone: Option<&str>, after: &str) -> String {
        let ms = Cron::parse(expr, zone)
            .unwrap()
            .next_after(at(after))
            .unwrap();
        Utc.timestamp_millis_opt(ms)
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    #[test]
    fn five_fields_step_through_minutes_in_utc() {
        assert_eq!(
            next("*/15 * * * *", None, "2026-11-23T10:07:00Z"),
            "2026-11-23T10:15:00Z"
        );
        // Strictly after: a matching instant is not returned again.
        assert_eq!(
            next("*/15 * * * *", None, "2026-11-23T10:15:00Z"),
            "2026-11-23T10:30:00Z"
        );
    }

    #[test]
    fn days_of_the_week_count_from_sunday_zero() {
        // 2026-11-21 is a Saturday: weekdays 1-5 skip to Monday the 23rd.
        assert_eq!(
            next("0 9 * * 1-5", None, "2026-11-21T12:00:00Z"),
            "2026-11-23T09:00:00Z"
        );
        assert_eq!(
            next("0 9 * * 0", None, "2026-11-21T12:00:00Z"),
            "2026-11-22T09:00:00Z"
        );
    }

    #[test]
    fn a_time_zone_moves_the_instant_and_follows_daylight_saving() {
        // 06:00 in Berlin is 05:00 UTC in winter and 04:00 UTC in summer.
        assert_eq!(
            next("0 6 * * *", Some("Europe/Berlin"), "2026-11-23T12:00:00Z"),
            "2026-11-24T05:00:00Z"
        );
        assert_eq!(
            next("0 6 * * *", Some("Europe/Berlin"), "2026-07-01T12:00:00Z"),
            "2026-07-02T04:00:00Z"
        );
    }

    #[test]
    fn six_fields_put_seconds_first() {
        assert_eq!(
            next("30 0 12 * * *", None, "2026-11-23T12:00:00Z"),
            "2026-11-23T12:00:30Z"
        );
    }

    #[test]
    fn bad_expressions_zones_and_impossible_dates_are_refused() {
        assert!(matches!(
            Cron::parse("* * * *", None),
            Err(ScheduleError::Expression(why)) if why.contains("4 fields")
        ));
        assert!(matches!(
            Cron::parse("61 * * * *", None),
            Err(ScheduleError::Expression(_))
        ));
        assert_eq!(
            Cron::parse("0 0 30 2 *", None).unwrap_err(),
            ScheduleError::NeverMatches
        );
        assert_eq!(
            Cron::parse("0 0 * * *", Some("Mars/Olympus")).unwrap_err(),
            ScheduleError::TimeZone("Mars/Olympus".into())
        );
        // February 29th matches, in leap years.
        assert!(Cron::parse("0 0 29 2 *", None).is_ok());
    }
}
