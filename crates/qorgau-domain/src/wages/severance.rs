//! Severance pay (퇴직금): ERBSA Arts. 8(1), 9 (REFERENCE §2.2).

use super::input::{Checked, Pay};
use super::{ClaimItem, ClaimWarning, EmployedMonth, Owed, floor_div, rules};
use chrono::{Datelike, Days, Months};

pub(super) enum Outcome {
    Owed(Owed, Vec<ClaimWarning>),
    NotOwed(ClaimWarning),
}

fn not_owed(code: &str, message: String) -> Outcome {
    Outcome::NotOwed(ClaimWarning {
        code: code.into(),
        message,
    })
}

/// A rational number of won, `num / den` with `den > 0`.
#[derive(Debug, Clone, Copy)]
struct Won {
    num: i128,
    den: i128,
}

impl Won {
    fn less_than(self, other: Won) -> bool {
        self.num * other.den < other.num * self.den
    }
}

/// The month's wages for the average-wage period: what was earned (or, for a month not
/// entered, the contractual pay) plus the minimum-wage shortfall and unpaid weekly holiday
/// owed for it (they are wages too).
fn month_wages(c: &Checked, m: &EmployedMonth, owed: &[Owed], warn: &mut bool) -> i64 {
    let entered = c.months.iter().find(|(ym, _, _)| *ym == m.ym);
    let earned = match (entered, c.pay) {
        (Some((_, earned, _)), _) => *earned,
        (None, Pay::Monthly(pay)) => {
            *warn = true;
            floor_div(pay as i128 * m.days() as i128, m.ym.days() as i128)
        }
        (None, Pay::Hourly(rate)) => {
            *warn = true;
            let mut weekly = c.weekly_minutes;
            if c.weekly_holiday_paid {
                weekly += c.holiday_minutes();
            }
            floor_div(rate as i128 * weekly as i128 * m.days() as i128, 7 * 60)
        }
    };
    let extra: i64 = owed
        .iter()
        .filter(|o| {
            matches!(
                o.item,
                ClaimItem::MinWageShortfall | ClaimItem::WeeklyHoliday
            ) && o.from == m.from
        })
        .map(|o| o.amount)
        .sum();
    earned + extra
}

pub(super) fn severance(c: &Checked, months: &[EmployedMonth], owed: &[Owed]) -> Outcome {
    let Some(last) = c.last_day else {
        return not_owed(
            "severance_still_employed",
            "still employed: severance falls due only 14 days after leaving".into(),
        );
    };
    if c.weekly_minutes < rules::FIFTEEN_HOURS {
        return not_owed(
            "severance_under_15_hours",
            "no severance: under 15 contractual hours a week".into(),
        );
    }
    // The termination date is the day after the last day worked.
    let termination = last + Days::new(1);
    let one_year = c.start.checked_add_months(Months::new(12));
    if one_year.is_none_or(|y| termination < y) {
        return not_owed(
            "severance_under_one_year",
            format!(
                "no severance: {} days of service from {} to {last}, less than 1 year",
                (termination - c.start).num_days(),
                c.start
            ),
        );
    }
    let service_days = (termination - c.start).num_days();
    // Average-wage period: the 3 calendar months before the termination date.
    let period_from = termination
        .checked_sub_months(Months::new(3))
        .unwrap_or(c.start);
    let period_days = (termination - period_from).num_days();
    let mut estimated = false;
    let mut wages: i128 = 0;
    for m in months {
        let from = m.from.max(period_from);
        let to = m.to.min(last);
        if from > to {
            continue;
        }
        let overlap = (to - from).num_days() + 1;
        let w = month_wages(c, m, owed, &mut estimated);
        wages += floor_div(w as i128 * overlap as i128, m.days() as i128) as i128;
    }
    let average = Won {
        num: wages,
        den: period_days as i128,
    };
    // Ordinary daily wage: the agreed hourly rate × daily contractual minutes ÷ 60.
    let daily_minutes = (c.weekly_minutes / c.days_per_week) as i128;
    let ordinary = match c.pay {
        Pay::Hourly(rate) => Won {
            num: rate as i128 * daily_minutes,
            den: 60,
        },
        Pay::Monthly(pay) => Won {
            num: pay as i128 * daily_minutes,
            den: c.monthly_paid_hours() as i128 * 60,
        },
    };
    let floored = average.less_than(ordinary);
    let daily = if floored { ordinary } else { average };
    let gross = floor_div(daily.num * 30 * service_days as i128, daily.den * 365);
    let amount = gross - c.severance_paid;
    if amount <= 0 {
        return not_owed(
            "severance_paid",
            format!(
                "severance of KRW {gross} is covered by the KRW {} paid",
                c.severance_paid
            ),
        );
    }
    let mut warnings = Vec::new();
    if estimated {
        warnings.push(ClaimWarning {
            code: "severance_estimated_months".into(),
            message: format!(
                "a month of the average-wage period {period_from} to {last} was not entered: its contractual pay was used"
            ),
        });
    }
    let basis = if floored {
        format!(
            "ordinary daily wage {:.2} (above the average {:.2})",
            ratio(ordinary),
            ratio(average)
        )
    } else {
        format!(
            "average daily wage KRW {wages} ÷ {period_days} days = {:.2}",
            ratio(average)
        )
    };
    let note = format!(
        "{basis} × 30 × {service_days} days ÷ 365 = KRW {gross}, less KRW {} paid",
        c.severance_paid
    );
    let due = last + Days::new(rules::SETTLEMENT_DAYS);
    Outcome::Owed(
        Owed {
            item: ClaimItem::Severance,
            amount,
            due,
            arises: termination,
            from: c.start,
            to: last,
            in_service: false,
            year: termination.year(),
            note,
        },
        warnings,
    )
}

fn ratio(w: Won) -> f64 {
    w.num as f64 / w.den as f64
}
