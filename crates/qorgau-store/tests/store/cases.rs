//! Cases: links to workers, the status workflow, the append-only timeline and tasks.

use crate::support::*;
use chrono::Days;
use qorgau_domain::{
    CaseId, CaseRecord, CaseStatus, CaseType, IssueCode, Priority, TimelineKind, WorkerId,
};
use qorgau_store::{CaseFilter, NewTimelineEntry, Store, StoreError};
use serde_json::{Map, Value, json};

fn patch(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => panic!("a patch is an object"),
    }
}

fn case_for(workers: Vec<WorkerId>, summary: &str) -> CaseRecord {
    CaseRecord {
        workers,
        case_type: Some(CaseType::UnpaidWages),
        summary: Some(summary.into()),
        ..CaseRecord::default()
    }
}

fn store_with_worker() -> (tempfile::TempDir, Store, WorkerId) {
    let (dir, mut store) = new_store();
    let id = store.add_worker(&cyrillic("Сейітов", "Нұрлан")).unwrap().id;
    (dir, store, id)
}

fn note(text: &str) -> NewTimelineEntry {
    NewTimelineEntry {
        kind: TimelineKind::Note,
        occurred_on: None,
        text: text.into(),
    }
}

#[test]
fn a_case_needs_existing_workers() {
    let (_dir, mut store, worker) = store_with_worker();
    let before = store.stats().unwrap();
    let ghost = WorkerId::new();
    match store.add_case(&case_for(vec![ghost, worker], "Зарплата")) {
        Err(StoreError::Invalid(report)) => {
            let errors: Vec<_> = report.errors().collect();
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(errors[0].field, "workers[0]");
            assert_eq!(errors[0].code, IssueCode::UnknownWorker);
        }
        other => panic!("expected an unknown worker, got {other:?}"),
    }
    match store.add_case(&case_for(vec![worker, ghost], "Зарплата")) {
        Err(StoreError::Invalid(report)) => {
            assert_eq!(report.errors().next().unwrap().field, "workers[1]");
        }
        other => panic!("expected an unknown worker, got {other:?}"),
    }
    assert!(matches!(
        store.add_case(&case_for(vec![], "Зарплата")),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store.add_cases(&[
            case_for(vec![worker], "Первое"),
            case_for(vec![ghost], "Второе")
        ]),
        Err(StoreError::Invalid(_))
    ));
    let after = store.stats().unwrap();
    assert_eq!(
        (after.cases, after.outbox, after.audit_entries),
        (before.cases, before.outbox, before.audit_entries)
    );

    let id = store
        .add_case(&case_for(vec![worker], "Не выплачена зарплата"))
        .unwrap();
    let case = store.case(id).unwrap();
    assert_eq!(case.record.workers, vec![worker]);
    assert_eq!(case.record.status, CaseStatus::New);
    assert_eq!(case.record.priority, Priority::Normal);
    let listed = store
        .list_cases(&CaseFilter {
            worker: Some(worker),
            ..CaseFilter::default()
        })
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, id);
    assert!(
        listed[0].title.contains("Сейітов Нұрлан"),
        "{}",
        listed[0].title
    );
    assert!(
        store
            .list_cases(&CaseFilter {
                worker: Some(ghost),
                ..CaseFilter::default()
            })
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        store.case(CaseId::new()),
        Err(StoreError::NotFound { entity: "case", .. })
    ));
}

#[test]
fn the_status_workflow_is_enforced_and_recorded() {
    let (_dir, mut store, worker) = store_with_worker();
    let id = store.add_case(&case_for(vec![worker], "Зарплата")).unwrap();

    // Skipping straight to closed is refused, and leaves no trace.
    let outbox_before = store.stats().unwrap().outbox;
    match store.set_case_status(id, CaseStatus::Closed, None) {
        Err(StoreError::Invalid(report)) => {
            let issue = report.errors().next().unwrap();
            assert_eq!(issue.field, "status");
            assert_eq!(issue.code, IssueCode::StatusTransition);
        }
        other => panic!("expected a refused transition, got {other:?}"),
    }
    assert_eq!(store.stats().unwrap().outbox, outbox_before);
    assert!(store.status_transitions(id).unwrap().is_empty());

    let path = [
        ("ainur.s", CaseStatus::InProgress, Some("взяла в работу")),
        ("ainur.s", CaseStatus::WaitingOnAgency, None),
        (
            "dias.m",
            CaseStatus::Resolved,
            Some("  работодатель заплатил "),
        ),
        ("dias.m", CaseStatus::Closed, None),
    ];
    for (actor, to, reason) in path {
        store.set_actor(actor);
        let t = store.set_case_status(id, to, reason).unwrap();
        assert_eq!(t.to, to);
        assert_eq!(t.author, actor);
        assert_eq!(store.case(id).unwrap().record.status, to);
    }
    let closed = store.case(id).unwrap().record;
    assert_eq!(closed.closed_on, Some(today()));
    assert_eq!(
        store
            .list_cases(&CaseFilter {
                status: Some(CaseStatus::Closed),
                ..CaseFilter::default()
            })
            .unwrap()
            .len(),
        1
    );

    // Reopening is allowed and clears closed_on.
    store.set_actor("ainur.s");
    store
        .set_case_status(
            id,
            CaseStatus::InProgress,
            Some("работодатель снова не платит"),
        )
        .unwrap();
    assert_eq!(store.case(id).unwrap().record.closed_on, None);
    // Not to `new`, though.
    assert!(matches!(
        store.set_case_status(id, CaseStatus::New, None),
        Err(StoreError::Invalid(_))
    ));

    let transitions = store.status_transitions(id).unwrap();
    let got: Vec<(CaseStatus, CaseStatus, &str, Option<&str>)> = transitions
        .iter()
        .map(|t| (t.from, t.to, t.author.as_str(), t.reason.as_deref()))
        .collect();
    use CaseStatus::*;
    assert_eq!(
        got,
        vec![
            (New, InProgress, "ainur.s", Some("взяла в работу")),
            (InProgress, WaitingOnAgency, "ainur.s", None),
            (
                WaitingOnAgency,
                Resolved,
                "dias.m",
                Some("работодатель заплатил")
            ),
            (Resolved, Closed, "dias.m", None),
            (
                Closed,
                InProgress,
                "ainur.s",
                Some("работодатель снова не платит")
            ),
        ]
    );
    for pair in transitions.windows(2) {
        assert!(pair[0].at < pair[1].at);
    }
    // Each transition also appears on the timeline, by its author.
    let timeline = store.timeline(id).unwrap();
    let moves: Vec<&str> = timeline
        .iter()
        .filter(|e| e.kind == TimelineKind::StatusChange)
        .map(|e| e.author.as_str())
        .collect();
    assert_eq!(
        moves,
        vec!["ainur.s", "ainur.s", "dias.m", "dias.m", "ainur.s"]
    );
    assert!(timeline[2].text.contains("работодатель заплатил"));
}

#[test]
fn timeline_entries_are_append_only_and_come_back_in_order() {
    let (_dir, mut store, worker) = store_with_worker();
    let id = store.add_case(&case_for(vec![worker], "Травма")).unwrap();
    store.set_actor("ainur.s");
    let first = store
        .add_timeline_entry(id, &note("Позвонили работодателю"))
        .unwrap();
    let second = store
        .add_timeline_entry(
            id,
            &NewTimelineEntry {
                kind: TimelineKind::LetterSent,
                occurred_on: None,
                text: "  Отправили письмо в инспекцию труда  ".into(),
            },
        )
        .unwrap();
    let timeline = store.timeline(id).unwrap();
    let got: Vec<_> = timeline
        .iter()
        .map(|e| {
            (
                e.id,
                e.kind,
                e.text.as_str(),
                e.author.as_str(),
                e.occurred_on,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                first,
                TimelineKind::Note,
                "Позвонили работодателю",
                "ainur.s",
                today()
            ),
            (
                second,
                TimelineKind::LetterSent,
                "Отправили письмо в инспекцию труда",
                "ainur.s",
                today()
            ),
        ]
    );
    assert!(timeline[0].recorded_at < timeline[1].recorded_at);

    // Something that happened earlier sorts earlier, whenever it was recorded.
    let yesterday = today().checked_sub_days(Days::new(1)).unwrap();
    let earlier = store
        .add_timeline_entry(
            id,
            &NewTimelineEntry {
                kind: TimelineKind::Call,
                occurred_on: Some(yesterday),
                text: "Работник сам позвонил".into(),
            },
        )
        .unwrap();
    let ids: Vec<_> = store.timeline(id).unwrap().iter().map(|e| e.id).collect();
    assert_eq!(ids, vec![earlier, first, second]);

    // Refused entries: empty text, a future date, an unknown case.
    assert!(matches!(
        store.add_timeline_entry(id, &note("   ")),
        Err(StoreError::Invalid(_))
    ));
    let tomorrow = today().checked_add_days(Days::new(1)).unwrap();
    assert!(matches!(
        store.add_timeline_entry(
            id,
            &NewTimelineEntry {
                kind: TimelineKind::Visit,
                occurred_on: Some(tomorrow),
                text: "Визит".into(),
            }
        ),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store.add_timeline_entry(CaseId::new(), &note("x")),
        Err(StoreError::NotFound { .. })
    ));

    // Editing the case never rewrites its history: the old entries stay exactly as they were
    // and new ones only append. (The store has no API to edit or delete an entry; the database
    // triggers behind that are exercised in audit.rs through a raw connection.)
    let before = store.timeline(id).unwrap();
    store
        .update_case(
            id,
            &patch(json!({ "summary": "Травма руки, больница Ансан" })),
        )
        .unwrap();
    store
        .set_case_status(id, CaseStatus::InProgress, None)
        .unwrap();
    store
        .add_timeline_entry(id, &note("Ещё одна запись"))
        .unwrap();
    let after = store.timeline(id).unwrap();
    assert_eq!(after.len(), before.len() + 2);
    for entry in &before {
        assert!(after.contains(entry), "{entry:?} changed or vanished");
    }
    // Timeline entries go to the outbox as their own entity.
    let timeline_records = outbox(&store)
        .into_iter()
        .filter(|r| r.entity == "timeline" && r.entity_id == first.to_string())
        .count();
    assert_eq!(timeline_records, 5);
}

#[test]
fn tasks_and_the_overdue_filter() {
    let (_dir, mut store, worker) = store_with_worker();
    let late = store
        .add_case(&case_for(vec![worker], "Просрочено"))
        .unwrap();
    let fine = store.add_case(&case_for(vec![worker], "В срок")).unwrap();
    let long_ago = date(2024, 1, 15);
    let next_month = today().checked_add_days(Days::new(30)).unwrap();
    let late_task = store
        .add_task(late, "Позвонить в инспекцию", Some(long_ago))
        .unwrap();
    store.add_task(late, "Без срока", None).unwrap();
    store
        .add_task(fine, "Письмо в больницу", Some(next_month))
        .unwrap();
    assert!(matches!(
        store.add_task(late, "  ", None),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store.add_task(CaseId::new(), "x", None),
        Err(StoreError::NotFound { .. })
    ));

    let tasks = store.tasks(late).unwrap();
    let got: Vec<_> = tasks
        .iter()
        .map(|t| (t.title.as_str(), t.due_on, t.done))
        .collect();
    assert_eq!(
        got,
        vec![
            ("Позвонить в инспекцию", Some(long_ago), false),
            ("Без срока", None, false),
        ]
    );

    let overdue = |store: &Store| -> Vec<CaseId> {
        store
            .list_cases(&CaseFilter {
                overdue_on: Some(today()),
                ..CaseFilter::default()
            })
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect()
    };
    assert_eq!(overdue(&store), vec![late]);
    // Looking from further ahead, the other task is overdue too.
    let later = store
        .list_cases(&CaseFilter {
            overdue_on: next_month.checked_add_days(Days::new(1)),
            ..CaseFilter::default()
        })
        .unwrap();
    assert_eq!(later.len(), 2);

    store.set_task_done(late_task, true).unwrap();
    assert!(store.tasks(late).unwrap()[0].done);
    assert!(overdue(&store).is_empty());
    store.set_task_done(late_task, false).unwrap();
    assert_eq!(overdue(&store), vec![late]);
    // A resolved case's forgotten task is not overdue work; reopening brings it back.
    store
        .set_case_status(late, CaseStatus::Resolved, None)
        .unwrap();
    assert!(overdue(&store).is_empty());
    store
        .set_case_status(late, CaseStatus::InProgress, None)
        .unwrap();
    assert_eq!(overdue(&store), vec![late]);
    assert!(matches!(
        store.set_task_done(qorgau_domain::TaskId::new(), true),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn update_case_edits_fields_but_not_the_status() {
    let (_dir, mut store, worker) = store_with_worker();
    let id = store.add_case(&case_for(vec![worker], "Зарплата")).unwrap();
    let seq = outbox(&store).last().unwrap().seq;
    match store.update_case(id, &patch(json!({ "status": "closed" }))) {
        Err(StoreError::Invalid(report)) => {
            let issue = report.errors().next().unwrap();
            assert_eq!(issue.field, "status");
            assert_eq!(issue.code, IssueCode::StatusTransition);
        }
        other => panic!("expected status to be refused, got {other:?}"),
    }
    assert_eq!(store.case(id).unwrap().record.status, CaseStatus::New);
    assert!(store.outbox_after(seq, 100).unwrap().is_empty());

    let changed = store
        .update_case(
            id,
            &patch(json!({
                "priority": "urgent",
                "assignee": "ainur.s",
                "amount_claimed_krw": 4_500_000,
                "summary": "Зарплата"
            })),
        )
        .unwrap();
    let mut changed = changed;
    changed.sort();
    assert_eq!(changed, vec!["amount_claimed_krw", "assignee", "priority"]);
    let records = store.outbox_after(seq, 100).unwrap();
    assert_eq!(records.len(), 3);
    assert!(
        records
            .iter()
            .all(|r| r.entity == "case" && r.entity_id == id.to_string())
    );
    let case = store.case(id).unwrap().record;
    assert_eq!(case.priority, Priority::Urgent);
    assert_eq!(case.amount_claimed_krw, Some(4_500_000));
    let mine = store
        .list_cases(&CaseFilter {
            assignee: Some("ainur.s".into()),
            ..CaseFilter::default()
        })
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].priority, Priority::Urgent);

    assert!(matches!(
        store.update_case(id, &patch(json!({ "amount_claimed_krw": -1 }))),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store.update_case(id, &patch(json!({ "workers": [WorkerId::new()] }))),
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(store.case(id).unwrap().record.workers, vec![worker]);
}

#[test]
fn a_batched_case_import_commits_each_batch_and_stops_at_the_first_refusal() {
    let (_dir, mut store, worker) = store_with_worker();
    let ghost = WorkerId::new();
    let mut records: Vec<CaseRecord> = (0..30)
        .map(|i| case_for(vec![worker], &format!("Зарплата {i}")))
        .collect();
    records[25].workers = vec![worker, ghost];
    let before = store.stats().unwrap();
    let mut ids = Vec::new();
    match store.add_cases_batched(&records, 10, &mut ids) {
        Err(StoreError::Invalid(report)) => {
            assert_eq!(report.errors().next().unwrap().field, "workers[1]");
        }
        other => panic!("expected an unknown worker, got {other:?}"),
    }
    assert_eq!(ids.len(), 20);
    let after = store.stats().unwrap();
    assert_eq!(after.cases, before.cases + 20);
    assert_eq!(after.audit_entries, before.audit_entries + 20);
    let case = store.case(ids[19]).unwrap();
    assert_eq!(case.record.summary.as_deref(), Some("Зарплата 19"));
    assert_eq!(store.list_cases(&CaseFilter::default()).unwrap().len(), 20);

    records[25].workers = vec![worker];
    store
        .add_cases_batched(&records[20..], 7, &mut ids)
        .unwrap();
    assert_eq!(ids.len(), 30);
    assert_eq!(store.stats().unwrap().cases, before.cases + 30);
    let hits = store.search("Зарплата", 100).unwrap();
    assert_eq!(hits.len(), 30);
}

#[test]
fn the_dashboard_counts_open_cases_by_type_and_status_and_lists_overdue_tasks() {
    let (_dir, mut store, worker) = store_with_worker();
    let open = store.add_case(&case_for(vec![worker], "open")).unwrap();
    let injury = store
        .add_case(&CaseRecord {
            case_type: Some(CaseType::WorkplaceInjury),
            ..case_for(vec![worker], "injury")
        })
        .unwrap();
    let closed = store.add_case(&case_for(vec![worker], "closed")).unwrap();
    store
        .set_case_status(injury, CaseStatus::InProgress, None)
        .unwrap();
    store
        .set_case_status(closed, CaseStatus::InProgress, None)
        .unwrap();
    store
        .set_case_status(closed, CaseStatus::Resolved, None)
        .unwrap();
    let late = store
        .add_task(open, "call the employer", Some(date(2026, 1, 5)))
        .unwrap();
    store
        .add_task(open, "not yet due", Some(date(2026, 3, 1)))
        .unwrap();
    store
        .add_task(closed, "of a resolved case", Some(date(2026, 1, 1)))
        .unwrap();
    store
        .add_timeline_entry(open, &note("the newest note"))
        .unwrap();

    let d = store.dashboard(date(2026, 2, 1), "nobody", 10).unwrap();
    assert_eq!(d.open_case_total, 2);
    let counts: Vec<(CaseType, CaseStatus, i64)> = d
        .open_cases
        .iter()
        .map(|c| (c.case_type, c.status, c.count))
        .collect();
    assert!(
        counts.contains(&(CaseType::UnpaidWages, CaseStatus::New, 1)),
        "{counts:?}"
    );
    assert!(
        counts.contains(&(CaseType::WorkplaceInjury, CaseStatus::InProgress, 1)),
        "{counts:?}"
    );
    assert_eq!(
        d.overdue_task_total, 1,
        "only open cases' unfinished tasks due before today"
    );
    assert_eq!(d.overdue_tasks[0].task_id, late);
    assert_eq!(d.overdue_tasks[0].case_id, open);
    assert_eq!(d.recent_activity[0].text, "the newest note");
    store.set_task_done(late, true).unwrap();
    assert_eq!(
        store
            .dashboard(date(2026, 2, 1), "nobody", 10)
            .unwrap()
            .overdue_task_total,
        0
    );
}

/// The open-case counts are kept by triggers; they must equal a count over the cases after
/// any mix of new cases, status changes and type changes.
#[test]
fn the_kept_open_case_counts_equal_a_fresh_count() {
    let (_dir, mut store, worker) = store_with_worker();
    let types = [
        CaseType::UnpaidWages,
        CaseType::WorkplaceInjury,
        CaseType::DetentionDeportation,
    ];
    let mut ids = Vec::new();
    for i in 0..12 {
        ids.push(
            store
                .add_case(&CaseRecord {
                    case_type: Some(types[i % 3]),
                    ..case_for(vec![worker], &format!("case {i}"))
                })
                .unwrap(),
        );
    }
    for (i, id) in ids.iter().enumerate() {
        match i % 4 {
            0 => {
                store
                    .set_case_status(*id, CaseStatus::InProgress, None)
                    .unwrap();
            }
            1 => {
                store
                    .set_case_status(*id, CaseStatus::Resolved, None)
                    .unwrap();
                store
                    .set_case_status(*id, CaseStatus::Closed, None)
                    .unwrap();
            }
            2 => {
                store
                    .set_case_status(*id, CaseStatus::Resolved, None)
                    .unwrap();
                store
                    .set_case_status(*id, CaseStatus::InProgress, None)
                    .unwrap();
            }
            _ => {
                let mut patch = serde_json::Map::new();
                patch.insert("case_type".into(), serde_json::json!("crime_victim"));
                store.update_case(*id, &patch).unwrap();
            }
        }
    }
    let key = |t: CaseType, s: CaseStatus| (format!("{t:?}"), format!("{s:?}"));
    let mut kept: Vec<((String, String), i64)> = store
        .dashboard(date(2026, 2, 1), "nobody", 10)
        .unwrap()
        .open_cases
        .iter()
        .map(|c| (key(c.case_type, c.status), c.count))
        .collect();
    kept.sort();
    let mut fresh: std::collections::BTreeMap<(String, String), i64> = Default::default();
    for id in &ids {
        let c = store.case(*id).unwrap().record;
        if !matches!(c.status, CaseStatus::Resolved | CaseStatus::Closed) {
            *fresh
                .entry(key(c.case_type.unwrap(), c.status))
                .or_default() += 1;
        }
    }
    let fresh: Vec<((String, String), i64)> = fresh.into_iter().collect();
    assert_eq!(kept, fresh);
    assert_eq!(
        kept.iter().map(|c| c.1).sum::<i64>(),
        9,
        "3 of 12 are closed"
    );
}

#[test]
fn the_dashboard_lists_tasks_due_this_week_and_my_open_cases() {
    let (_dir, mut store, worker) = store_with_worker();
    let mine = store
        .add_case(&CaseRecord {
            assignee: Some("Айгерім".into()),
            ..case_for(vec![worker], "mine")
        })
        .unwrap();
    let mine_resolved = store
        .add_case(&CaseRecord {
            assignee: Some("Айгерім".into()),
            ..case_for(vec![worker], "mine, resolved")
        })
        .unwrap();
    store
        .set_case_status(mine_resolved, CaseStatus::Resolved, None)
        .unwrap();
    let other = store
        .add_case(&CaseRecord {
            assignee: Some("Ерлан".into()),
            ..case_for(vec![worker], "not mine")
        })
        .unwrap();
    let today = date(2026, 2, 2);
    let soon = store
        .add_task(other, "hearing", Some(date(2026, 2, 8)))
        .unwrap();
    store.add_task(mine, "today", Some(today)).unwrap();
    store
        .add_task(mine, "next week", Some(date(2026, 2, 9)))
        .unwrap();
    store
        .add_task(mine, "overdue", Some(date(2026, 2, 1)))
        .unwrap();
    let d = store.dashboard(today, "Айгерім", 10).unwrap();
    let due: Vec<&str> = d.due_this_week.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(
        due,
        vec!["today", "hearing"],
        "today through six days on, earliest first"
    );
    assert_eq!(d.due_this_week_total, 2);
    assert_eq!(d.due_this_week[1].task_id, soon);
    assert_eq!(d.overdue_task_total, 1);
    let my: Vec<_> = d.my_cases.iter().map(|c| c.id).collect();
    assert_eq!(my, vec![mine], "open cases assigned to me only");
}
