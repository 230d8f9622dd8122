//! The wage-claim calculator: what a worker is owed, line by line, each line with its rule,
//! statute and source. Pure and offline.
//!
//! **Arithmetic.** Amounts are whole won (`i64`); every rule is computed exactly in integers
//! (`i128` numerators over their denominators: minutes, days, 365) and each output line is
//! floored to the whole won (원 미만 버림), so a line is never more than the rule gives and
//! the total is the sum of the lines as printed.
//!
//! **Dates.** Wages of a month are due on `payday` of the next month (or of the same month with
//! `pay_in_same_month`); a month shorter than the payday pays on its last day. Interest and
//! prescription count calendar days; a year is 365 days.

mod input;
pub mod min_wage;
pub mod rules;
mod severance;
#[cfg(test)]
mod tests;

pub use input::{MonthWages, WageClaimInput, YearMonth};
pub use rules::Rule;

use crate::issues::ValidationReport;
use chrono::{Datelike, Days, Months, NaiveDate};
use input::{Checked, Pay};
use serde::{Deserialize, Serialize};

/// What an output line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ClaimItem {
    UnpaidWages,
    MinWageShortfall,
    WeeklyHoliday,
    Severance,
    DelayInterest,
    /// Lapsed (3 years after its payday): shown, not in the total.
    Prescribed,
}

impl ClaimItem {
    /// The snake_case name, as serialised.
    pub fn name(self) -> &'static str {
        match self {
            Self::UnpaidWages => "unpaid_wages",
            Self::MinWageShortfall => "min_wage_shortfall",
            Self::WeeklyHoliday => "weekly_holiday",
            Self::Severance => "severance",
            Self::DelayInterest => "delay_interest",
            Self::Prescribed => "prescribed",
        }
    }
}

/// One line of the breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClaimLine {
    pub item: ClaimItem,
    pub amount_krw: i64,
    pub rule: String,
    pub statute: String,
    pub source: String,
    /// The period the line covers (for interest: the days interest runs).
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// When the amount fell due (a payday, the settlement day after leaving).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_on: Option<NaiveDate>,
}

/// Something the caseworker should know: a figure the calculator could not compute, a rule
/// that did not apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClaimWarning {
    pub code: String,
    pub message: String,
}

/// The computation, as `qorgau calc wages` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WageClaim {
    pub unpaid_wages_krw: i64,
    pub min_wage_shortfall_krw: i64,
    pub weekly_holiday_krw: i64,
    pub severance_krw: i64,
    pub delay_interest_krw: i64,
    /// Lapsed amounts, left out of the total.
    pub prescribed_krw: i64,
    pub total_krw: i64,
    pub lines: Vec<ClaimLine>,
    pub warnings: Vec<ClaimWarning>,
    /// Paydays with an unpaid, unprescribed amount: the dates prescription runs from.
    pub unpaid_paydays: Vec<NaiveDate>,
}

/// A sum owed with its due date, before prescription and interest are applied.
#[derive(Debug, Clone)]
struct Owed {
    item: ClaimItem,
    amount: i64,
    due: NaiveDate,
    /// The day the claim arises for prescription (the payday; for severance the termination
    /// date).
    arises: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
    /// Due while the worker was still employed (a regular payday).
    in_service: bool,
    /// The calendar year it belongs to (for the per-year minimum-wage and holiday lines).
    year: i32,
    /// How the amount was reached, appended to the rule.
    note: String,
}

/// One calendar month of the employment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EmployedMonth {
    pub ym: YearMonth,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub payday: NaiveDate,
}

impl EmployedMonth {
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

/// Floor of `num / den` for a positive denominator.
pub(crate) fn floor_div(num: i128, den: i128) -> i64 {
    num.div_euclid(den) as i64
}

fn date(ymd: (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(ymd.0, ymd.1, ymd.2).unwrap_or(NaiveDate::MIN)
}

impl Checked {
    pub(crate) fn end(&self) -> NaiveDate {
        self.last_day.unwrap_or(self.as_of)
    }

    fn payday_of(&self, ym: YearMonth) -> NaiveDate {
        let pay_month = if self.pay_in_same_month {
            ym
        } else {
            ym.next()
        };
        pay_month.day_or_last(self.payday)
    }

    /// Every calendar month from the start to the end of the employment.
    pub(crate) fn employed_months(&self) -> Vec<EmployedMonth> {
        let end = self.end();
        let mut out = Vec::new();
        let mut ym = YearMonth::of(self.start);
        while ym <= YearMonth::of(end) {
            let first = ym.first_day().unwrap_or(self.start);
            out.push(EmployedMonth {
                ym,
                from: first.max(self.start),
                to: ym.last_day().min(end),
                payday: self.payday_of(ym),
            });
            ym = ym.next();
        }
        out
    }

    /// Paid weekly-holiday minutes per week (0 under 15 contractual hours).
    pub(crate) fn holiday_minutes(&self) -> i64 {
        if self.weekly_minutes < rules::FIFTEEN_HOURS {
            0
        } else {
            (self.weekly_minutes / self.days_per_week).min(rules::HOLIDAY_CAP_MINUTES)
        }
    }

    /// Paid hours of an average month at the contractual schedule, holiday hours included,
    /// rounded to the hour as MOEL's 209 (40 + 8 h × 365 ÷ 7 ÷ 12 = 208.57 → 209).
    pub(crate) fn monthly_paid_hours(&self) -> i64 {
        let minutes = (self.weekly_minutes + self.holiday_minutes()) as i128 * 365;
        let den = 7 * 12 * 60;
        floor_div(minutes * 2 + den, den * 2)
    }

    fn still_employed_and_not_due(&self, m: &EmployedMonth) -> bool {
        self.last_day.is_none() && m.payday > self.as_of
    }
}

/// Computes the claim, or refuses the input with every problem named by its field.
pub fn compute(input: &WageClaimInput) -> Result<WageClaim, ValidationReport> {
    let c = input.check()?;
    let mut warnings = Vec::new();
    let mut owed = Vec::new();
    let months = c.employed_months();
    let mut missing_years = Vec::new();
    for m in &months {
        if c.still_employed_and_not_due(m) {
            if c.months.iter().any(|(ym, _, _)| *ym == m.ym) {
                warnings.push(ClaimWarning {
                    code: "not_yet_due".into(),
                    message: format!(
                        "the wages of {} are due on {}, after the computation date: not claimed",
                        m.ym, m.payday
                    ),
                });
            }
            continue;
        }
        let in_service = c.last_day.is_none_or(|l| m.payday <= l);
        let base = |item, amount: i64| Owed {
            item,
            amount,
            due: m.payday,
            arises: m.payday,
            from: m.from,
            to: m.to,
            in_service,
            year: m.ym.year,
            note: String::new(),
        };
        // The claim covers the months the caseworker entered: for those the wages earned
        // and paid are known, so the shortfall and the holiday allowance can be told too.
        let Some((_, earned, paid)) = c.months.iter().find(|(ym, _, _)| *ym == m.ym) else {
            continue;
        };
        {
            if earned > paid {
                let mut o = base(ClaimItem::UnpaidWages, earned - paid);
                o.note = format!("{}: earned KRW {earned}, paid KRW {paid}", m.ym);
                owed.push(o);
            } else if paid > earned {
                warnings.push(ClaimWarning {
                    code: "overpaid_month".into(),
                    message: format!("{}: paid {paid} is more than earned {earned}; not offset against other months", m.ym),
                });
            }
        }
        match min_wage::for_year(m.ym.year) {
            Some(min) => {
                let shortfall = min_wage_shortfall(&c, m, min.hourly_krw);
                if shortfall > 0 {
                    owed.push(base(ClaimItem::MinWageShortfall, shortfall));
                }
            }
            None if !missing_years.contains(&m.ym.year) => {
                missing_years.push(m.ym.year);
                warnings.push(ClaimWarning {
                    code: "minimum_wage_year_missing".into(),
                    message: format!(
                        "the minimum-wage table has no figure for {}: no minimum-wage shortfall is computed for that year",
                        m.ym.year
                    ),
                });
            }
            None => {}
        }
        let holiday = weekly_holiday(&c, m);
        if holiday > 0 {
            owed.push(base(ClaimItem::WeeklyHoliday, holiday));
        }
    }
    if c.weekly_minutes < rules::FIFTEEN_HOURS {
        warnings.push(ClaimWarning {
            code: "under_15_hours".into(),
            message: "under 15 contractual hours a week: no weekly paid holiday (LSA Art. 18(3)) and no severance (ERBSA; askkorealaw.com 2024/09/12)".into(),
        });
    }
    match severance::severance(&c, &months, &owed) {
        severance::Outcome::Owed(s, more) => {
            owed.push(s);
            warnings.extend(more);
        }
        severance::Outcome::NotOwed(w) => warnings.push(w),
    }
    Ok(assemble(&c, owed, warnings))
}

/// The minimum-wage shortfall of one month: for an hourly wage, (minimum − rate) × the paid
/// contractual minutes (holiday minutes too when the holiday was paid at the agreed rate),
/// pro-rated by days (minutes × days ÷ 7); for a monthly pay, minimum × paid monthly hours −
/// pay, pro-rated by days employed in the month.
fn min_wage_shortfall(c: &Checked, m: &EmployedMonth, minimum: i64) -> i64 {
    match c.pay {
        Pay::Hourly(rate) if rate < minimum => {
            let mut weekly = c.weekly_minutes;
            if c.weekly_holiday_paid {
                weekly += c.holiday_minutes();
            }
            let num = (minimum - rate) as i128 * weekly as i128 * m.days() as i128;
            floor_div(num, 7 * 60)
        }
        Pay::Monthly(pay) => {
            let full = minimum * c.monthly_paid_hours() - pay;
            if full <= 0 {
                return 0;
            }
            floor_div(full as i128 * m.days() as i128, m.ym.days() as i128)
        }
        Pay::Hourly(_) => 0,
    }
}

/// The unpaid weekly holiday allowance of the full weeks (Monday to Sunday inside the
/// employment) whose Sunday falls in this month, for an hourly wage without the holiday paid.
/// The rate is the agreed one, raised to the year's minimum wage when it is lower.
fn weekly_holiday(c: &Checked, m: &EmployedMonth) -> i64 {
    let Pay::Hourly(rate) = c.pay else { return 0 };
    if c.weekly_holiday_paid || c.holiday_minutes() == 0 {
        return 0;
    }
    let mut num: i128 = 0;
    let mut day = m.from;
    while day <= m.to {
        if day.weekday() == chrono::Weekday::Sun {
            let monday = day - Days::new(6);
            if monday >= c.start && day <= c.end() {
                let floor = min_wage::for_year(day.year()).map_or(0, |w| w.hourly_krw);
                num += rate.max(floor) as i128 * c.holiday_minutes() as i128;
            }
        }
        day = day + Days::new(1);
    }
    floor_div(num, 60)
}

fn prescribed(c: &Checked, arises: NaiveDate) -> bool {
    arises
        .checked_add_months(Months::new(rules::PRESCRIPTION_MONTHS))
        .is_some_and(|lapse| lapse < c.as_of)
}

fn line(item: ClaimItem, amount: i64, rule: &Rule, from: NaiveDate, to: NaiveDate) -> ClaimLine {
    ClaimLine {
        item,
        amount_krw: amount,
        rule: rule.rule.to_string(),
        statute: rule.statute.to_string(),
        source: rule.source.to_string(),
        from,
        to,
        due_on: None,
    }
}

/// Applies prescription and interest and builds the lines and totals.
fn assemble(c: &Checked, owed: Vec<Owed>, mut warnings: Vec<ClaimWarning>) -> WageClaim {
    let mut lines = Vec::new();
    let (lapsed, live): (Vec<Owed>, Vec<Owed>) =
        owed.into_iter().partition(|o| prescribed(c, o.arises));
    let sum = |item: ClaimItem| -> i64 {
        live.iter()
            .filter(|o| o.item == item)
            .map(|o| o.amount)
            .sum()
    };
    for o in live.iter().filter(|o| o.item == ClaimItem::UnpaidWages) {
        let mut l = line(o.item, o.amount, &rules::UNPAID_WAGES, o.from, o.to);
        l.rule = format!("{} — {}", l.rule, o.note);
        l.due_on = Some(o.due);
        lines.push(l);
    }
    for item in [ClaimItem::MinWageShortfall, ClaimItem::WeeklyHoliday] {
        let mut years: Vec<i32> = live
            .iter()
            .filter(|o| o.item == item)
            .map(|o| o.year)
            .collect();
        years.dedup();
        for year in years {
            let of_year: Vec<&Owed> = live
                .iter()
                .filter(|o| o.item == item && o.year == year)
                .collect();
            let amount = of_year.iter().map(|o| o.amount).sum();
            let from = of_year.iter().map(|o| o.from).min().unwrap_or(c.start);
            let to = of_year.iter().map(|o| o.to).max().unwrap_or(c.start);
            let mut l = match item {
                ClaimItem::MinWageShortfall => {
                    let mut l = line(item, amount, &rules::MIN_WAGE_SHORTFALL, from, to);
                    if let Some(min) = min_wage::for_year(year) {
                        l.rule = format!("{} — {year}: KRW {} an hour", l.rule, min.hourly_krw);
                        l.source = min.source.clone();
                    }
                    l
                }
                _ => line(item, amount, &rules::WEEKLY_HOLIDAY, from, to),
            };
            l.due_on = of_year.iter().map(|o| o.due).max();
            lines.push(l);
        }
    }
    for o in live.iter().filter(|o| o.item == ClaimItem::Severance) {
        let mut l = line(o.item, o.amount, &rules::SEVERANCE, o.from, o.to);
        l.rule = format!("{} — {}", l.rule, o.note);
        l.due_on = Some(o.due);
        lines.push(l);
    }
    let interest = delay_interest(c, &live, &mut lines);
    for o in &lapsed {
        let mut l = line(
            ClaimItem::Prescribed,
            o.amount,
            &rules::PRESCRIPTION,
            o.from,
            o.to,
        );
        l.rule = format!("{} ({} due {})", l.rule, o.item.name(), o.due);
        l.due_on = Some(o.due);
        lines.push(l);
    }
    if !lapsed.is_empty() {
        warnings.push(ClaimWarning {
            code: "prescribed".into(),
            message: format!(
                "{} amount(s) due more than 3 years before {} have lapsed and are left out of the total",
                lapsed.len(),
                c.as_of
            ),
        });
    }
    let mut unpaid_paydays: Vec<NaiveDate> = live.iter().map(|o| o.arises).collect();
    unpaid_paydays.sort();
    unpaid_paydays.dedup();
    let unpaid_wages_krw = sum(ClaimItem::UnpaidWages);
    let min_wage_shortfall_krw = sum(ClaimItem::MinWageShortfall);
    let weekly_holiday_krw = sum(ClaimItem::WeeklyHoliday);
    let severance_krw = sum(ClaimItem::Severance);
    WageClaim {
        unpaid_wages_krw,
        min_wage_shortfall_krw,
        weekly_holiday_krw,
        severance_krw,
        delay_interest_krw: interest,
        prescribed_krw: lapsed.iter().map(|o| o.amount).sum(),
        total_krw: unpaid_wages_krw
            + min_wage_shortfall_krw
            + weekly_holiday_krw
            + severance_krw
            + interest,
        lines,
        warnings,
        unpaid_paydays,
    }
}

/// 20 % a year on what is still owed: in service from the day after each payday for arrears
/// first arising on or after 2025-10-23; everything else from the 15th day after leaving.
/// One line per in-service payday and one for the settlement after leaving.
fn delay_interest(c: &Checked, live: &[Owed], lines: &mut Vec<ClaimLine>) -> i64 {
    let in_service_from = date(rules::IN_SERVICE_INTEREST_FROM);
    let regime_b = |o: &Owed| {
        o.in_service
            && o.item != ClaimItem::Severance
            && o.due + Days::new(1) >= in_service_from
            && o.due < c.as_of
    };
    let interest = |amount: i64, days: i64| -> i64 {
        floor_div(
            amount as i128 * rules::INTEREST_PERCENT * days as i128,
            100 * 365,
        )
    };
    let mut total = 0;
    let mut paydays: Vec<NaiveDate> = live.iter().filter(|o| regime_b(o)).map(|o| o.due).collect();
    paydays.sort();
    paydays.dedup();
    for payday in paydays {
        let amount: i64 = live
            .iter()
            .filter(|o| regime_b(o) && o.due == payday)
            .map(|o| o.amount)
            .sum();
        let from = payday + Days::new(1);
        let days = (c.as_of - payday).num_days();
        let value = interest(amount, days);
        if value > 0 {
            let mut l = line(
                ClaimItem::DelayInterest,
                value,
                &rules::INTEREST_IN_SERVICE,
                from,
                c.as_of,
            );
            l.rule = format!("{} — KRW {amount} due {payday}, {days} days", l.rule);
            l.due_on = Some(payday);
            lines.push(l);
            total += value;
        }
    }
    if let Some(last) = c.last_day {
        let settle = last + Days::new(rules::SETTLEMENT_DAYS);
        let from = settle + Days::new(1);
        if c.as_of >= from {
            let amount: i64 = live.iter().filter(|o| !regime_b(o)).map(|o| o.amount).sum();
            let days = (c.as_of - settle).num_days();
            let value = interest(amount, days);
            if value > 0 {
                let mut l = line(
                    ClaimItem::DelayInterest,
                    value,
                    &rules::INTEREST_AFTER_LEAVING,
                    from,
                    c.as_of,
                );
                l.rule = format!("{} — KRW {amount} unpaid on {settle}, {days} days", l.rule);
                l.due_on = Some(settle);
                lines.push(l);
                total += value;
            }
        }
    }
    total
}
