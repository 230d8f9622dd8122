//! Deadlines derived from a case's facts and its saved wage computation: stored on write,
//! recomputed when a fact changes, shown on the dashboard with the tasks.

use crate::support::*;
use qorgau_domain::wages::{self, MonthWages, WageClaimInput};
use qorgau_domain::{CaseRecord, CaseStatus, CaseType};
use qorgau_store::deadline_task_id;
use serde_json::{Map, Value, json};

fn patch(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => panic!("a patch is an object"),
    }
}

fn input() -> WageClaimInput {
    WageClaimInput {
        start_date: date(2024, 3, 4),
        last_day: Some(date(2025, 9, 30)),
        weekly_hours: 40.0,
        days_per_week: None,
        hourly_wage: Some(12_000),
        monthly_pay: None,
        payday: 10,
        pay_in_same_month: false,
        weekly_holiday_paid: true,
        as_of: date(2026, 3, 31),
        months: vec![MonthWages {
            month: "2025-08".into(),
            earned: 3_500_000,
            paid: 0,
        }],
        severance_paid: 0,
    }
}

#[test]
fn deadlines_are_recomputed_when_a_fact_changes_and_show_on_the_dashboard() {
    let (_dir, mut store) = new_store();
    let worker = store.add_worker(&cyrillic("Сейітов", "Нұрлан")).unwrap().id;
    let case = store
        .add_case(&CaseRecord {
            workers: vec![worker],
            case_type: Some(CaseType::DetentionDeportation),
            detained_on: Some(date(2026, 1, 5)),
            ..CaseRecord::default()
        })
        .unwrap();
    let keys = |store: &qorgau_store::Store| -> Vec<(String, String, bool)> {
        store
            .deadlines(case)
            .unwrap()
            .into_iter()
            .map(|d| (d.key, d.due_on.to_string(), d.done))
            .collect()
    };
    assert_eq!(
        keys(&store),
        vec![("consular_notification".into(), "2026-01-05".into(), false)]
    );

    // A saved computation adds the final-pay day and a prescription day per unpaid payday.
    let claim = wages::compute(&input()).unwrap();
    store.save_wage_calc(case, &input(), &claim).unwrap();
    assert_eq!(
        store.case(case).unwrap().record.amount_claimed_krw,
        Some(claim.total_krw)
    );
    assert_eq!(store.wage_calcs(case).unwrap().len(), 1);
    let list = keys(&store);
    assert!(list.contains(&("final_pay".into(), "2025-10-14".into(), false)));
    assert!(list.contains(&("prescription:2025-09-10".into(), "2028-09-10".into(), false)));

    // Facts change: notified, a hearing recorded, the last day corrected.
    store
        .update_case(
            case,
            &patch(json!({
                "consular_notified_on": "2026-01-06",
                "hearing_on": "2026-02-03",
                "last_day_worked": "2025-10-31",
            })),
        )
        .unwrap();
    let list = keys(&store);
    assert!(list.contains(&("consular_notification".into(), "2026-01-05".into(), true)));
    assert!(list.contains(&("hearing".into(), "2026-02-03".into(), false)));
    assert!(list.contains(&("final_pay".into(), "2025-11-14".into(), false)));
    assert!(!list.iter().any(|(_, due, _)| due == "2025-10-14"));

    // The dashboard: the final pay is overdue, the hearing due this week; done ones are not.
    let d = store.dashboard(date(2026, 1, 30), "nobody", 10).unwrap();
    let overdue: Vec<_> = d.overdue_tasks.iter().map(|t| t.deadline.clone()).collect();
    assert_eq!(overdue, vec![Some("final_pay".to_string())]);
    assert_eq!(
        d.overdue_tasks[0].task_id,
        deadline_task_id(case, "final_pay")
    );
    assert!(
        d.overdue_tasks[0]
            .rule
            .as_deref()
            .unwrap()
            .contains("14 days")
    );
    let week: Vec<_> = d.due_this_week.iter().map(|t| t.deadline.clone()).collect();
    assert_eq!(week, vec![Some("hearing".to_string())]);
    assert_eq!(d.overdue_task_total, 1);

    // A task the caseworker added comes before a deadline on the same day.
    store
        .add_task(case, "bring the passport", Some(date(2026, 2, 3)))
        .unwrap();
    let d = store.dashboard(date(2026, 1, 30), "nobody", 10).unwrap();
    let titles: Vec<_> = d.due_this_week.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, vec!["bring the passport", "Hearing"]);

    // Resolved cases leave the dashboard.
    store
        .set_case_status(case, CaseStatus::Resolved, None)
        .unwrap();
    let d = store.dashboard(date(2026, 1, 30), "nobody", 10).unwrap();
    assert_eq!(d.overdue_task_total + d.due_this_week_total, 0);
}
