//! Claims computed by hand from the statutes; the arithmetic is in the comments.

use super::*;
use crate::issues::IssueCode;

fn d(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn month(m: &str, earned: i64, paid: i64) -> MonthWages {
    MonthWages {
        month: m.into(),
        earned,
        paid,
    }
}

fn base() -> WageClaimInput {
    WageClaimInput {
        start_date: d("2024-03-04"),
        last_day: Some(d("2025-09-30")),
        weekly_hours: 40.0,
        days_per_week: None,
        hourly_wage: Some(12_000),
        monthly_pay: None,
        payday: 10,
        pay_in_same_month: false,
        weekly_holiday_paid: true,
        as_of: d("2026-03-31"),
        months: vec![],
        severance_paid: 0,
    }
}

fn lines_of(claim: &WageClaim, item: ClaimItem) -> Vec<&ClaimLine> {
    claim.lines.iter().filter(|l| l.item == item).collect()
}

fn codes(claim: &WageClaim) -> Vec<&str> {
    claim.warnings.iter().map(|w| w.code.as_str()).collect()
}

#[test]
fn full_timer_with_overtime_who_left() {
    // 40 h/week at KRW 12,000 (above the 2025 minimum of 10,030), weekly holiday paid in
    // `earned`, overtime in July–September (base pay would be 12,000 × 209 = 2,508,000).
    let mut input = base();
    input.months = vec![
        month("2025-07", 3_000_000, 3_000_000),
        month("2025-08", 3_500_000, 0),
        month("2025-09", 3_200_000, 0),
    ];
    let claim = compute(&input).unwrap();
    // Unpaid: August 3,500,000 (payday 2025-09-10) + September 3,200,000 (payday 2025-10-10).
    assert_eq!(claim.unpaid_wages_krw, 6_700_000);
    let unpaid = lines_of(&claim, ClaimItem::UnpaidWages);
    assert_eq!(unpaid.len(), 2);
    assert_eq!(unpaid[0].due_on, Some(d("2025-09-10")));
    assert_eq!(
        (unpaid[0].from, unpaid[0].to),
        (d("2025-08-01"), d("2025-08-31"))
    );
    assert!(unpaid[0].statute.contains("제43조"));
    assert_eq!(claim.min_wage_shortfall_krw, 0);
    assert_eq!(claim.weekly_holiday_krw, 0);
    // Severance: termination 2025-10-01; service 2024-03-04 → 2025-10-01 = 365 + 211 = 576
    // days. Period 2025-07-01 … 2025-09-30 = 92 days; wages 3,000,000 + 3,500,000 +
    // 3,200,000 = 9,700,000; average 105,434.78/day > ordinary 12,000 × 8 = 96,000.
    // 9,700,000 × 30 × 576 ÷ (92 × 365) = 4,991,542.58 → 4,991,542.
    assert_eq!(claim.severance_krw, 4_991_542);
    let sev = lines_of(&claim, ClaimItem::Severance);
    assert_eq!(sev[0].due_on, Some(d("2025-10-14")));
    assert!(sev[0].statute.contains("제8조제1항"));
    // Interest after leaving: unpaid on 2025-10-14 (14 days after 2025-09-30):
    // 3,500,000 + 3,200,000 + 4,991,542 = 11,691,542; from 2025-10-15 to 2026-03-31 =
    // 168 days; 11,691,542 × 20 % × 168 ÷ 365 = 1,076,262.50 → 1,076,262. August's arrears
    // (payday 2025-09-10) arose before 2025-10-23: no in-service interest.
    assert_eq!(claim.delay_interest_krw, 1_076_262);
    let interest = lines_of(&claim, ClaimItem::DelayInterest);
    assert_eq!(interest.len(), 1);
    assert_eq!(
        (interest[0].from, interest[0].to),
        (d("2025-10-15"), d("2026-03-31"))
    );
    assert_eq!(claim.prescribed_krw, 0);
    assert_eq!(claim.total_krw, 6_700_000 + 4_991_542 + 1_076_262);
    assert_eq!(
        claim.total_krw,
        claim
            .lines
            .iter()
            .filter(|l| l.item != ClaimItem::Prescribed)
            .map(|l| l.amount_krw)
            .sum::<i64>()
    );
}

#[test]
fn part_timer_under_15_hours_gets_no_holiday_and_no_severance() {
    // 14 h/week at the 2025 minimum (10,030), not paid the weekly holiday, 18 months.
    let input = WageClaimInput {
        start_date: d("2024-01-01"),
        last_day: Some(d("2025-06-30")),
        weekly_hours: 14.0,
        hourly_wage: Some(10_030),
        weekly_holiday_paid: false,
        as_of: d("2025-08-01"),
        months: vec![month("2025-06", 600_000, 0)],
        ..base()
    };
    let claim = compute(&input).unwrap();
    assert_eq!(claim.weekly_holiday_krw, 0);
    assert_eq!(claim.severance_krw, 0);
    assert!(codes(&claim).contains(&"under_15_hours"));
    assert!(codes(&claim).contains(&"severance_under_15_hours"));
    // 10,030 ≥ 9,860 (2024) and = 10,030 (2025): no shortfall.
    assert_eq!(claim.min_wage_shortfall_krw, 0);
    // June's 600,000 (payday 2025-07-10) unpaid 14 days after leaving (2025-07-14):
    // 600,000 × 20 % × 18 days (07-15 … 08-01) ÷ 365 = 5,917.81 → 5,917.
    assert_eq!(claim.delay_interest_krw, 5_917);
    assert_eq!(claim.total_krw, 605_917);
}

#[test]
fn less_than_a_year_of_service_and_in_service_interest_after_2025_10_23() {
    // Monthly pay 2,500,000 (≥ 10,030 × 209 = 2,096,270), paid on the 25th of the same month;
    // 2025-01-06 to 2025-10-31: termination 2025-11-01 is before 2026-01-06, no severance.
    let input = WageClaimInput {
        start_date: d("2025-01-06"),
        last_day: Some(d("2025-10-31")),
        hourly_wage: None,
        monthly_pay: Some(2_500_000),
        payday: 25,
        pay_in_same_month: true,
        as_of: d("2025-11-30"),
        months: vec![month("2025-10", 2_500_000, 0)],
        ..base()
    };
    let claim = compute(&input).unwrap();
    assert_eq!(claim.severance_krw, 0);
    assert!(codes(&claim).contains(&"severance_under_one_year"));
    assert_eq!(claim.min_wage_shortfall_krw, 0);
    // October's pay was due 2025-10-25 while employed; in arrears from 2025-10-26 (after
    // 2025-10-23): 2,500,000 × 20 % × 36 days (10-26 … 11-30) ÷ 365 = 49,315.07 → 49,315.
    let interest = lines_of(&claim, ClaimItem::DelayInterest);
    assert_eq!(interest.len(), 1);
    assert!(interest[0].statute.contains("제37조제1항제2호"));
    assert_eq!(
        (interest[0].from, interest[0].to),
        (d("2025-10-26"), d("2025-11-30"))
    );
    assert_eq!(claim.delay_interest_krw, 49_315);
    assert_eq!(claim.total_krw, 2_549_315);
}

#[test]
fn minimum_wage_shortfall_per_year() {
    // KRW 9,000 an hour in 2024 (minimum 9,860), 40 h/week, weekly holiday paid at 9,000, so
    // 40 + 8 = 48 paid hours = 2,880 minutes a week; still employed on 2024-03-15.
    let input = WageClaimInput {
        start_date: d("2024-01-01"),
        last_day: None,
        hourly_wage: Some(9_000),
        as_of: d("2024-03-15"),
        months: vec![
            month("2024-01", 1_881_000, 1_881_000),
            month("2024-02", 1_881_000, 1_881_000),
        ],
        ..base()
    };
    let claim = compute(&input).unwrap();
    // January: 860 × 2,880 × 31 ÷ (7 × 60) = 182,811.43 → 182,811.
    // February (29 days): 860 × 2,880 × 29 ÷ 420 = 171,017.14 → 171,017.
    // March is paid on 2024-04-10, after the computation date: not yet due.
    assert_eq!(claim.min_wage_shortfall_krw, 182_811 + 171_017);
    let lines = lines_of(&claim, ClaimItem::MinWageShortfall);
    assert_eq!(lines.len(), 1);
    assert!(lines[0].rule.contains("2024: KRW 9860"));
    assert!(lines[0].source.contains("KBS") || lines[0].source.contains("kbs"));
    assert_eq!(
        (lines[0].from, lines[0].to),
        (d("2024-01-01"), d("2024-02-29"))
    );
    assert_eq!(claim.severance_krw, 0);
    assert!(codes(&claim).contains(&"severance_still_employed"));
    // Arrears of 2024 arose before 2025-10-23 and the worker is still employed: no interest.
    assert_eq!(claim.delay_interest_krw, 0);
    assert_eq!(claim.total_krw, 353_828);
}

#[test]
fn a_year_missing_from_the_table_is_a_warning_and_no_shortfall() {
    let input = WageClaimInput {
        start_date: d("2019-11-01"),
        last_day: None,
        hourly_wage: Some(8_000),
        as_of: d("2020-02-20"),
        months: vec![
            month("2019-11", 1_672_000, 1_672_000),
            month("2019-12", 1_672_000, 1_672_000),
            month("2020-01", 1_672_000, 1_672_000),
        ],
        ..base()
    };
    let claim = compute(&input).unwrap();
    let missing: Vec<_> = claim
        .warnings
        .iter()
        .filter(|w| w.code == "minimum_wage_year_missing")
        .collect();
    assert_eq!(missing.len(), 1);
    assert!(missing[0].message.contains("2019"));
    // January 2020 (payday 2020-02-10): (8,590 − 8,000) × 2,880 × 31 ÷ 420 = 125,417.14 →
    // 125,417; November and December 2019 have no figure.
    assert_eq!(claim.min_wage_shortfall_krw, 125_417);
}

#[test]
fn a_prescribed_payday_is_flagged_and_left_out_and_severance_is_floored() {
    // KRW 10,000 an hour (above 9,160 in 2022 and 9,620 in 2023), 40 h, holiday paid.
    let input = WageClaimInput {
        start_date: d("2022-01-01"),
        last_day: Some(d("2023-02-28")),
        hourly_wage: Some(10_000),
        as_of: d("2025-03-20"),
        months: vec![
            month("2022-01", 2_000_000, 0),
            month("2022-12", 2_000_000, 1_000_000),
        ],
        ..base()
    };
    let claim = compute(&input).unwrap();
    // January 2022 was due 2022-02-10; 3 years later is 2025-02-10, before 2025-03-20.
    assert_eq!(claim.prescribed_krw, 2_000_000);
    let lapsed = lines_of(&claim, ClaimItem::Prescribed);
    assert_eq!(lapsed.len(), 1);
    assert_eq!(lapsed[0].due_on, Some(d("2022-02-10")));
    assert!(lapsed[0].statute.contains("제49조"));
    assert!(codes(&claim).contains(&"prescribed"));
    // December 2022 (due 2023-01-10, lapses 2026-01-10) is still claimable.
    assert_eq!(claim.unpaid_wages_krw, 1_000_000);
    // Severance: service 2022-01-01 → 2023-03-01 = 424 days. Period 2022-12-01 … 2023-02-28
    // = 90 days: December 2,000,000 entered, January and February not entered, so their
    // contract pay: 10,000 × 2,880 min × 31 ÷ 420 = 2,125,714 and × 28 ÷ 420 = 1,920,000;
    // average 6,045,714 ÷ 90 = 67,174.60 < ordinary 10,000 × 8 = 80,000, so 80,000:
    // 80,000 × 30 × 424 ÷ 365 = 2,787,945.21 → 2,787,945.
    assert_eq!(claim.severance_krw, 2_787_945);
    assert!(codes(&claim).contains(&"severance_estimated_months"));
    assert!(
        lines_of(&claim, ClaimItem::Severance)[0]
            .rule
            .contains("ordinary daily wage")
    );
    // Interest after leaving on 1,000,000 + 2,787,945 = 3,787,945, from 2023-03-15 to
    // 2025-03-20 = 737 days: 3,787,945 × 20 % × 737 ÷ 365 = 1,529,707.10 → 1,529,707.
    // Nothing is charged on the lapsed month.
    assert_eq!(claim.delay_interest_krw, 1_529_707);
    assert_eq!(claim.total_krw, 1_000_000 + 2_787_945 + 1_529_707);
    assert!(!claim.unpaid_paydays.contains(&d("2022-02-10")));
    assert!(claim.unpaid_paydays.contains(&d("2023-01-10")));
}

#[test]
fn in_service_arrears_before_and_after_2025_10_23() {
    // Still employed, monthly 2,500,000, paid on the 10th of the next month.
    let input = WageClaimInput {
        start_date: d("2025-01-01"),
        last_day: None,
        hourly_wage: None,
        monthly_pay: Some(2_500_000),
        as_of: d("2025-12-31"),
        months: vec![
            month("2025-09", 2_500_000, 0),
            month("2025-10", 2_500_000, 0),
        ],
        ..base()
    };
    let claim = compute(&input).unwrap();
    assert_eq!(claim.unpaid_wages_krw, 5_000_000);
    // September's pay (due 2025-10-10) fell into arrears before 2025-10-23: no 20 % while
    // employed. October's (due 2025-11-10) did after: 2,500,000 × 20 % × 51 days
    // (11-11 … 12-31) ÷ 365 = 69,863.01 → 69,863.
    let interest = lines_of(&claim, ClaimItem::DelayInterest);
    assert_eq!(interest.len(), 1);
    assert_eq!(interest[0].due_on, Some(d("2025-11-10")));
    assert_eq!(claim.delay_interest_krw, 69_863);
    assert_eq!(claim.total_krw, 5_069_863);
}

#[test]
fn the_in_service_regime_starts_with_arrears_arising_on_2025_10_23() {
    let at = |payday: u32| {
        let input = WageClaimInput {
            start_date: d("2025-01-01"),
            last_day: None,
            hourly_wage: None,
            monthly_pay: Some(2_500_000),
            payday,
            pay_in_same_month: true,
            as_of: d("2025-10-31"),
            months: vec![month("2025-10", 2_500_000, 0)],
            ..base()
        };
        compute(&input).unwrap().delay_interest_krw
    };
    // Payday 22: in arrears from 10-23 → 2,500,000 × 20 % × 9 ÷ 365 = 12,328.77 → 12,328.
    assert_eq!(at(22), 12_328);
    // Payday 21: in arrears from 10-22, before the amendment: nothing while employed.
    assert_eq!(at(21), 0);
}

#[test]
fn weekly_holiday_allowance_for_full_weeks() {
    // 20 h/week over 5 days (4 h a day) at 10,030 from Monday 2025-09-01 to Sunday
    // 2025-09-28: 4 full weeks × 10,030 × 4 h = 160,480; under a year, no severance; paid
    // 2025-10-10, computed 2025-10-12 (settlement day 10-12): no interest yet.
    let input = WageClaimInput {
        start_date: d("2025-09-01"),
        last_day: Some(d("2025-09-28")),
        weekly_hours: 20.0,
        hourly_wage: Some(10_030),
        weekly_holiday_paid: false,
        as_of: d("2025-10-12"),
        months: vec![month("2025-09", 802_400, 802_400)],
        ..base()
    };
    let claim = compute(&input).unwrap();
    assert_eq!(claim.weekly_holiday_krw, 160_480);
    assert_eq!(claim.delay_interest_krw, 0);
    assert_eq!(claim.total_krw, 160_480);
}

fn refused(input: &WageClaimInput) -> Vec<(String, IssueCode)> {
    compute(input)
        .unwrap_err()
        .issues
        .into_iter()
        .map(|i| (i.field, i.code))
        .collect()
}

#[test]
fn bad_input_is_refused_with_the_field_named() {
    let mut input = base();
    input.last_day = Some(d("2024-01-01"));
    assert!(refused(&input).contains(&("last_day".into(), IssueCode::DateOrder)));

    let mut input = base();
    input.months = vec![month("2025-08", -1, 0), month("2025-09", 10, -5)];
    input.severance_paid = -3;
    let issues = refused(&input);
    assert!(issues.contains(&("months[0].earned".into(), IssueCode::NegativeAmount)));
    assert!(issues.contains(&("months[1].paid".into(), IssueCode::NegativeAmount)));
    assert!(issues.contains(&("severance_paid".into(), IssueCode::NegativeAmount)));

    let mut input = base();
    input.months = vec![
        month("2025-10", 1, 0),
        month("2024-02", 1, 0),
        month("2025-13", 1, 0),
    ];
    let issues = refused(&input);
    assert!(issues.contains(&("months[0].month".into(), IssueCode::OutOfRange)));
    assert!(issues.contains(&("months[1].month".into(), IssueCode::OutOfRange)));
    assert!(issues.contains(&("months[2].month".into(), IssueCode::InvalidDate)));

    let mut input = base();
    input.monthly_pay = Some(2_000_000);
    assert!(refused(&input).contains(&("hourly_wage".into(), IssueCode::OutOfRange)));
    input.hourly_wage = None;
    input.monthly_pay = None;
    assert!(refused(&input).contains(&("hourly_wage".into(), IssueCode::Required)));
    input.hourly_wage = Some(-5);
    assert!(refused(&input).contains(&("hourly_wage".into(), IssueCode::NegativeAmount)));

    let mut input = base();
    input.payday = 0;
    input.weekly_hours = 0.0;
    let issues = refused(&input);
    assert!(issues.contains(&("payday".into(), IssueCode::OutOfRange)));
    assert!(issues.contains(&("weekly_hours".into(), IssueCode::OutOfRange)));
}

#[test]
fn the_cli_example_parses_and_unknown_fields_are_refused() {
    let json = r#"{"start_date": "2024-03-04", "last_day": "2025-09-30", "weekly_hours": 40,
        "hourly_wage": 12000, "monthly_pay": null, "payday": 10, "as_of": "2026-03-31",
        "months": [{"month": "2025-08", "earned": 3500000, "paid": 0}], "severance_paid": 0}"#;
    let input: WageClaimInput = serde_json::from_str(json).unwrap();
    let claim = compute(&input).unwrap();
    assert_eq!(claim.unpaid_wages_krw, 3_500_000);
    let wrong = json.replace("\"payday\"", "\"pay_day\"");
    assert!(serde_json::from_str::<WageClaimInput>(&wrong).is_err());
}
