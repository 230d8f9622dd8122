//! What the caseworker enters for a wage claim, and its validation. Every refusal names the
//! field (`months[2].paid`, `last_day`) and the problem.

use crate::issues::{IssueCode, ValidationIssue, ValidationReport};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The facts of one employment, as `qorgau calc wages --json FILE` reads them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WageClaimInput {
    pub start_date: NaiveDate,
    /// The last day worked; `null` while still employed.
    #[serde(default)]
    pub last_day: Option<NaiveDate>,
    /// Contractual (not actual) hours per week; decimals allowed down to the minute.
    pub weekly_hours: f64,
    /// Contractual working days per week (5 when not given): the daily contractual hours are
    /// `weekly_hours / days_per_week`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_per_week: Option<u32>,
    /// Exactly one of `hourly_wage` and `monthly_pay` (KRW).
    #[serde(default)]
    pub hourly_wage: Option<i64>,
    #[serde(default)]
    pub monthly_pay: Option<i64>,
    /// Day of the month wages are paid (1–31; a shorter month pays on its last day).
    pub payday: u32,
    /// Wages of a month are paid in the same month (`true`) or, as is usual, in the next
    /// month (`false`, the default).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pay_in_same_month: bool,
    /// For an hourly wage: the weekly paid holiday (주휴수당) was paid on top of `earned`.
    /// A monthly pay is taken to include it (the 209-hour month).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub weekly_holiday_paid: bool,
    /// The day the claim is computed for (interest and prescription run to it).
    pub as_of: NaiveDate,
    #[serde(default)]
    pub months: Vec<MonthWages>,
    #[serde(default)]
    pub severance_paid: i64,
}

/// One month's wages: what was earned (overtime and allowances included) and what was paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MonthWages {
    /// `YYYY-MM`.
    pub month: String,
    pub earned: i64,
    pub paid: i64,
}

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        let (y, m) = text.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let ym = Self {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
        };
        ym.first_day().map(|_| ym)
    }

    pub fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, 1)
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn last_day(self) -> NaiveDate {
        let next = self.next().first_day().unwrap_or(NaiveDate::MAX);
        next.pred_opt().unwrap_or(next)
    }

    pub fn days(self) -> i64 {
        self.last_day().day() as i64
    }

    /// Day `day` of this month, or its last day when the month is shorter.
    pub fn day_or_last(self, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, day).unwrap_or_else(|| self.last_day())
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The input checked and in the units the rules use.
#[derive(Debug, Clone)]
pub(crate) struct Checked {
    pub start: NaiveDate,
    pub last_day: Option<NaiveDate>,
    /// Contractual minutes per week.
    pub weekly_minutes: i64,
    pub days_per_week: i64,
    pub pay: Pay,
    pub payday: u32,
    pub pay_in_same_month: bool,
    pub weekly_holiday_paid: bool,
    pub as_of: NaiveDate,
    pub months: Vec<(YearMonth, i64, i64)>,
    pub severance_paid: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pay {
    Hourly(i64),
    Monthly(i64),
}

impl WageClaimInput {
    /// Checks the input; every problem is reported at once.
    pub(crate) fn check(&self) -> Result<Checked, ValidationReport> {
        let mut report = ValidationReport::default();
        let mut err = |field: String, code: IssueCode, message: String| {
            report.push(ValidationIssue::error(field, code, message));
        };
        if let Some(last) = self.last_day
            && last < self.start_date
        {
            err(
                "last_day".into(),
                IssueCode::DateOrder,
                format!(
                    "the last day worked ({last}) is before the start date ({})",
                    self.start_date
                ),
            );
        }
        if self.as_of < self.start_date {
            err(
                "as_of".into(),
                IssueCode::DateOrder,
                format!(
                    "the computation date ({}) is before the start date ({})",
                    self.as_of, self.start_date
                ),
            );
        }
        if let Some(last) = self.last_day
            && self.as_of < last
        {
            err(
                "as_of".into(),
                IssueCode::DateOrder,
                format!(
                    "the computation date ({}) is before the last day worked ({last})",
                    self.as_of
                ),
            );
        }
        let minutes = self.weekly_hours * 60.0;
        let weekly_minutes = minutes.round() as i64;
        if !self.weekly_hours.is_finite()
            || self.weekly_hours <= 0.0
            || self.weekly_hours > 168.0
            || (minutes - minutes.round()).abs() > 1e-6
        {
            err(
                "weekly_hours".into(),
                IssueCode::OutOfRange,
                format!(
                    "weekly hours must be more than 0 and at most 168, in whole minutes (got {})",
                    self.weekly_hours
                ),
            );
        }
        let days_per_week = self.days_per_week.unwrap_or(5);
        if !(1..=7).contains(&days_per_week) {
            err(
                "days_per_week".into(),
                IssueCode::OutOfRange,
                format!("days per week must be 1 to 7 (got {days_per_week})"),
            );
        }
        let pay = match (self.hourly_wage, self.monthly_pay) {
            (Some(h), None) if h > 0 => Some(Pay::Hourly(h)),
            (None, Some(m)) if m > 0 => Some(Pay::Monthly(m)),
            (Some(h), None) => {
                err(
                    "hourly_wage".into(),
                    IssueCode::NegativeAmount,
                    format!("the hourly wage must be more than 0 (got {h})"),
                );
                None
            }
            (None, Some(m)) => {
                err(
                    "monthly_pay".into(),
                    IssueCode::NegativeAmount,
                    format!("the monthly pay must be more than 0 (got {m})"),
                );
                None
            }
            (Some(_), Some(_)) => {
                err(
                    "hourly_wage".into(),
                    IssueCode::OutOfRange,
                    "give either hourly_wage or monthly_pay, not both".into(),
                );
                None
            }
            (None, None) => {
                err(
                    "hourly_wage".into(),
                    IssueCode::Required,
                    "give hourly_wage or monthly_pay (exactly one)".into(),
                );
                None
            }
        };
        if !(1..=31).contains(&self.payday) {
            err(
                "payday".into(),
                IssueCode::OutOfRange,
                format!(
                    "the payday must be a day of the month, 1 to 31 (got {})",
                    self.payday
                ),
            );
        }
        if self.severance_paid < 0 {
            err(
                "severance_paid".into(),
                IssueCode::NegativeAmount,
                format!(
                    "severance paid cannot be negative (got {})",
                    self.severance_paid
                ),
            );
        }
        let end = self.last_day.unwrap_or(self.as_of);
        let mut months = Vec::new();
        for (i, m) in self.months.iter().enumerate() {
            let field = |name: &str| format!("months[{i}].{name}");
            for (name, value) in [("earned", m.earned), ("paid", m.paid)] {
                if value < 0 {
                    err(
                        field(name),
                        IssueCode::NegativeAmount,
                        format!("{name} cannot be negative (got {value})"),
                    );
                }
            }
            let Some(ym) = YearMonth::parse(&m.month) else {
                err(
                    field("month"),
                    IssueCode::InvalidDate,
                    format!("{:?} is not a month written YYYY-MM", m.month),
                );
                continue;
            };
            let outside =
                ym.first_day().is_none_or(|first| first > end) || ym.last_day() < self.start_date;
            if outside {
                err(
                    field("month"),
                    IssueCode::OutOfRange,
                    format!(
                        "{ym} is outside the employment ({} to {end})",
                        self.start_date
                    ),
                );
            }
            if months.iter().any(|(seen, _, _)| *seen == ym) {
                err(
                    field("month"),
                    IssueCode::OutOfRange,
                    format!("{ym} is given twice"),
                );
            }
            months.push((ym, m.earned, m.paid));
        }
        match pay {
            Some(pay) if !report.has_errors() => {
                months.sort_by_key(|(ym, _, _)| *ym);
                Ok(Checked {
                    start: self.start_date,
                    last_day: self.last_day,
                    weekly_minutes,
                    days_per_week: days_per_week as i64,
                    pay,
                    payday: self.payday,
                    pay_in_same_month: self.pay_in_same_month,
                    weekly_holiday_paid: self.weekly_holiday_paid,
                    as_of: self.as_of,
                    months,
                    severance_paid: self.severance_paid,
                })
            }
            _ => Err(report),
        }
    }
}
