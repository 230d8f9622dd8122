//! Workers: duplicate detection, cross-script twins, and the outbox written with every change.

use crate::support::*;
use qorgau_domain::worker::Employer;
use qorgau_domain::{Hlc, IssueCode, Province, Sex, StayStatus, Worker, WorkerId};
use qorgau_store::{ChangeRecord, Store, StoreError, StoreStats};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

fn with_iin(mut w: Worker, birth: chrono::NaiveDate, sex: Sex, serial: u16) -> Worker {
    w.birth_date = Some(birth);
    w.sex = Some(sex);
    w.iin = Some(iin(birth, sex, serial));
    w
}

fn patch(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => panic!("a patch is an object"),
    }
}

#[test]
fn the_same_iin_is_refused_naming_the_first_worker() {
    let (_dir, mut store) = new_store();
    let birth = date(1988, 3, 14);
    let first = with_iin(cyrillic("Сейітов", "Нұрлан"), birth, Sex::Male, 1);
    let first_id = store.add_worker(&first).unwrap().id;

    // Someone else entirely, but the same IIN (typed with spaces around it).
    let mut second = with_iin(cyrillic("Омаров", "Бауыржан"), birth, Sex::Male, 1);
    second.iin = Some(format!("  {}  ", first.iin.as_deref().unwrap()));
    match store.add_worker(&second) {
        Err(StoreError::DuplicateWorker { field, existing }) => {
            assert_eq!(field, "iin");
            assert_eq!(existing, first_id);
        }
        other => panic!("expected a duplicate IIN, got {other:?}"),
    }
    // The batch path refuses it as well.
    assert!(matches!(
        store.add_workers(&[second]),
        Err(StoreError::DuplicateWorker { field: "iin", existing }) if existing == first_id
    ));
    assert_eq!(store.stats().unwrap().workers, 1);
}

#[test]
fn the_same_passport_is_refused_whatever_the_spelling() {
    let (_dir, mut store) = new_store();
    let mut first = cyrillic("Цой", "Айгерим");
    first.passport_no = Some("N12345678".into());
    let first_id = store.add_worker(&first).unwrap().id;
    let mut second = cyrillic("Ким", "Алексей");
    second.passport_no = Some("n 1234 5678".into());
    match store.add_worker(&second) {
        Err(StoreError::DuplicateWorker { field, existing }) => {
            assert_eq!(field, "passport_no");
            assert_eq!(existing, first_id);
        }
        other => panic!("expected a duplicate passport, got {other:?}"),
    }
    assert_eq!(store.stats().unwrap().workers, 1);
}

#[test]
fn the_same_person_in_another_script_is_added_as_a_likely_twin() {
    let (_dir, mut store) = new_store();
    let birth = date(1990, 5, 1);
    let mut cyr = cyrillic("Цой", "Нұрлан");
    cyr.birth_date = Some(birth);
    let first = store.add_worker(&cyr).unwrap();
    assert!(first.likely_twins.is_empty());

    let latin = Worker {
        latin_name: Some("TSOY NURLAN".into()),
        birth_date: Some(birth),
        ..Worker::default()
    };
    let second = store.add_worker(&latin).unwrap();
    let twins: Vec<WorkerId> = second.likely_twins.iter().map(|t| t.id).collect();
    assert_eq!(twins, vec![first.id]);
    assert_eq!(second.likely_twins[0].display_name, "Цой Нұрлан");

    let hangul = Worker {
        hangul_name: Some("최누를란".into()),
        birth_date: Some(birth),
        ..Worker::default()
    };
    let third = store.add_worker(&hangul).unwrap();
    let twins: BTreeSet<WorkerId> = third.likely_twins.iter().map(|t| t.id).collect();
    assert_eq!(twins, BTreeSet::from([first.id, second.id]));

    // Same name, another birth date: a namesake, not a twin.
    let namesake = Worker {
        latin_name: Some("TSOY NURLAN".into()),
        birth_date: Some(date(1991, 5, 1)),
        ..Worker::default()
    };
    assert!(store.add_worker(&namesake).unwrap().likely_twins.is_empty());
    // Same birth date, only the surname in common: not a twin either.
    let mut cousin = cyrillic("Цой", "Айгерим");
    cousin.birth_date = Some(birth);
    assert!(store.add_worker(&cousin).unwrap().likely_twins.is_empty());
    assert_eq!(store.stats().unwrap().workers, 5);
}

#[test]
fn update_cannot_take_another_workers_identifiers() {
    let (_dir, mut store) = new_store();
    let a = with_iin(
        cyrillic("Сейітов", "Нұрлан"),
        date(1985, 1, 2),
        Sex::Male,
        10,
    );
    let b = with_iin(
        cyrillic("Омаров", "Бауыржан"),
        date(1985, 1, 2),
        Sex::Male,
        20,
    );
    assert_ne!(a.iin, b.iin);
    let a_id = store.add_worker(&a).unwrap().id;
    let mut b = b;
    b.passport_no = Some("N7654321".into());
    let b_id = store.add_worker(&b).unwrap().id;
    let seq = outbox(&store).last().unwrap().seq;

    match store.update_worker(b_id, &patch(json!({ "iin": a.iin }))) {
        Err(StoreError::DuplicateWorker { field, existing }) => {
            assert_eq!(field, "iin");
            assert_eq!(existing, a_id);
        }
        other => panic!("expected a duplicate IIN, got {other:?}"),
    }
    match store.update_worker(a_id, &patch(json!({ "passport_no": "n7654321" }))) {
        Err(StoreError::DuplicateWorker { field, existing }) => {
            assert_eq!(field, "passport_no");
            assert_eq!(existing, b_id);
        }
        other => panic!("expected a duplicate passport, got {other:?}"),
    }
    assert!(store.outbox_after(seq, 100).unwrap().is_empty());
    assert_eq!(store.worker(b_id).unwrap().worker.iin, b.iin);
    // Keeping one's own IIN is not a duplicate.
    let (changed, _) = store
        .update_worker(a_id, &patch(json!({ "iin": a.iin, "notes": "звонил" })))
        .unwrap();
    assert_eq!(changed, vec!["notes".to_string()]);
}

fn full_worker() -> Worker {
    Worker {
        surname: Some("Жандарбекова".into()),
        given_name: Some("Мақсат".into()),
        latin_name: Some("zhandarbekova maksat".into()),
        sex: Some(Sex::Male),
        birth_date: Some(date(1979, 10, 28)),
        iin: Some("791028302728".into()),
        phones: vec!["010-1234-5678".into()],
        stay_status: Some(StayStatus::E9),
        province: Some(Province::Gyeonggi),
        employer: Some(Employer {
            name: Some("  Ансан Металл  ".into()),
            ..Employer::default()
        }),
        notes: Some("   ".into()),
        ..Worker::default()
    }
}

#[test]
fn add_worker_writes_one_change_record_per_set_field_in_one_hlc() {
    let (_dir, mut store) = new_store();
    store.set_actor("aigerim.k");
    let id = store.add_worker(&full_worker()).unwrap().id;
    let records = outbox(&store);
    let mut fields = BTreeMap::new();
    for r in &records {
        assert_eq!(r.entity, "worker");
        assert_eq!(r.entity_id, id.to_string());
        assert_eq!(r.device_id, store.device_id());
        assert_eq!(r.hlc, records[0].hlc, "one mutation, one HLC");
        assert!(
            fields.insert(r.field.clone(), r.value.clone()).is_none(),
            "{} recorded twice",
            r.field
        );
    }
    let expected = BTreeMap::from([
        ("surname".to_string(), json!("Жандарбекова")),
        ("given_name".to_string(), json!("Мақсат")),
        // Stored normalised: Latin names upper-cased, phones in E.164, text trimmed.
        ("latin_name".to_string(), json!("ZHANDARBEKOVA MAKSAT")),
        ("sex".to_string(), json!("male")),
        ("birth_date".to_string(), json!("1979-10-28")),
        ("iin".to_string(), json!("791028302728")),
        ("phones".to_string(), json!(["+821012345678"])),
        ("stay_status".to_string(), json!("E-9")),
        ("province".to_string(), json!("gyeonggi")),
        (
            "employer".to_string(),
            json!({
                "name": "Ансан Металл",
                "business_reg_no": null,
                "address": null,
                "phone": null,
                "contact_person": null
            }),
        ),
    ]);
    assert_eq!(fields, expected);
    // The fields of one mutation form one change set: one sequence number for all of them.
    assert!(records.iter().all(|r| r.seq == 1), "{records:?}");
    // The audit log names the actor.
    let audit = store.audit_recent(10).unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(
        (
            audit[0].action.as_str(),
            audit[0].entity.as_str(),
            audit[0].actor.as_str()
        ),
        ("create", "worker", "aigerim.k")
    );
    assert_eq!(audit[0].entity_id.as_deref(), Some(id.to_string().as_str()));
    // And the stored document is the normalised one.
    let stored = store.worker(id).unwrap().worker;
    assert_eq!(stored.phones, vec!["+821012345678".to_string()]);
    assert_eq!(stored.notes, None);
}

fn counts(store: &Store) -> (i64, i64, i64) {
    let StoreStats {
        workers,
        outbox,
        audit_entries,
        ..
    } = store.stats().unwrap();
    (workers, outbox, audit_entries)
}

#[test]
fn a_refused_add_writes_nothing_at_all() {
    let (_dir, mut store) = new_store();
    let first = store.add_worker(&full_worker()).unwrap().id;
    let before = counts(&store);
    let last_seq = outbox(&store).last().unwrap().seq;
    let last_audit = store.audit_recent(1).unwrap();

    // An invalid IIN (check digit off by one).
    let mut bad = cyrillic("Сейітов", "Нұрлан");
    bad.iin = Some("791028302729".into());
    match store.add_worker(&bad) {
        Err(StoreError::Invalid(report)) => {
            let issue = report.errors().next().unwrap();
            assert_eq!(issue.field, "iin");
            assert_eq!(issue.code, IssueCode::IinCheckDigit);
        }
        other => panic!("expected an invalid IIN, got {other:?}"),
    }
    // A duplicate.
    assert!(matches!(
        store.add_worker(&full_worker()),
        Err(StoreError::DuplicateWorker { existing, .. }) if existing == first
    ));
    // A batch whose 31st worker duplicates its 3rd: the first 30 must not be kept either.
    let mut batch: Vec<Worker> = (0..40u16)
        .map(|i| {
            with_iin(
                cyrillic("Пакетов", "Ерлан"),
                date(1970, 1, 1),
                Sex::Male,
                100 + i * 3,
            )
        })
        .collect();
    batch[30].iin = batch[2].iin.clone();
    assert!(matches!(
        store.add_workers(&batch),
        Err(StoreError::DuplicateWorker { field: "iin", .. })
    ));
    // A batch with one invalid worker.
    batch[30] = Worker::default();
    assert!(matches!(
        store.add_workers(&batch),
        Err(StoreError::Invalid(_))
    ));

    assert_eq!(counts(&store), before);
    assert!(store.outbox_after(last_seq, 1000).unwrap().is_empty());
    assert_eq!(store.audit_recent(1).unwrap(), last_audit);
    assert!(store.search("Пакетов", 100).unwrap().is_empty());
    assert!(store.search("Сейітов", 100).unwrap().is_empty());
    assert!(matches!(
        store.verify_audit_log().unwrap(),
        qorgau_store::AuditVerification::Intact { entries: 1 }
    ));

    // After the failures the store still writes normally.
    batch[30] = with_iin(
        cyrillic("Пакетов", "Ерлан"),
        date(1970, 1, 1),
        Sex::Male,
        9000,
    );
    let ids = store.add_workers(&batch).unwrap();
    assert_eq!(ids.len(), 40);
    assert_eq!(counts(&store).0, 41);
}

#[test]
fn a_batched_import_commits_each_batch_and_stops_at_the_first_refusal() {
    let (_dir, mut store) = new_store();
    let mut batch: Vec<Worker> = (0..250u16)
        .map(|i| {
            with_iin(
                cyrillic("Пакетов", "Ерлан"),
                date(1970, 1, 1),
                Sex::Male,
                100 + i * 3,
            )
        })
        .collect();
    // The 171st worker duplicates the 3rd: batches of 50 commit up to the 150th worker.
    batch[170].iin = batch[2].iin.clone();
    let mut ids = Vec::new();
    assert!(matches!(
        store.add_workers_batched(&batch, 50, &mut ids),
        Err(StoreError::DuplicateWorker { field: "iin", existing }) if existing == ids[2]
    ));
    assert_eq!(ids.len(), 150);
    assert_eq!(counts(&store).0, 150);
    assert_eq!(counts(&store).2, 150);
    for id in &ids {
        store.worker(*id).unwrap();
    }

    // The rest, in batches of 64 (the last one short).
    batch[170].iin = Some(iin(date(1970, 1, 1), Sex::Male, 9000));
    store
        .add_workers_batched(&batch[150..], 64, &mut ids)
        .unwrap();
    assert_eq!(ids.len(), 250);
    assert_eq!(counts(&store), (250, outbox(&store).len() as i64, 250));
    assert!(matches!(
        store.verify_audit_log().unwrap(),
        qorgau_store::AuditVerification::Intact { entries: 250 }
    ));
    // Nothing to add is no error.
    store.add_workers_batched(&[], 10, &mut ids).unwrap();
    assert_eq!(ids.len(), 250);
}

#[test]
fn update_records_only_the_changed_fields() {
    let (_dir, mut store) = new_store();
    let id = store.add_worker(&full_worker()).unwrap().id;
    let seq = outbox(&store).last().unwrap().seq;
    let audit_before = store.stats().unwrap().audit_entries;

    // latin_name differs only in case: after normalisation it is no change at all.
    let (changed, _) = store
        .update_worker(
            id,
            &patch(json!({
                "latin_name": "Zhandarbekova Maksat",
                "surname": "Жандарбекова",
                "notes": "Просит помочь с зарплатой",
                "phones": ["010-1234-5678", "+7 701 234 5678"],
                "province": null
            })),
        )
        .unwrap();
    let changed: BTreeSet<String> = changed.into_iter().collect();
    assert_eq!(
        changed,
        BTreeSet::from(["notes".into(), "phones".into(), "province".into()])
    );
    let records = store.outbox_after(seq, 100).unwrap();
    let got: BTreeMap<String, Value> = records
        .iter()
        .map(|r| (r.field.clone(), r.value.clone()))
        .collect();
    assert_eq!(records.len(), 3);
    assert_eq!(
        got,
        BTreeMap::from([
            ("notes".into(), json!("Просит помочь с зарплатой")),
            ("phones".into(), json!(["+821012345678", "+77012345678"])),
            ("province".into(), Value::Null),
        ])
    );
    assert!(records.iter().all(|r| r.entity_id == id.to_string()));
    assert_eq!(store.stats().unwrap().audit_entries, audit_before + 1);

    // A patch that changes nothing writes nothing.
    let (changed, _) = store
        .update_worker(id, &patch(json!({ "notes": "Просит помочь с зарплатой" })))
        .unwrap();
    assert!(changed.is_empty());
    assert_eq!(store.outbox_after(seq, 100).unwrap().len(), 3);
    assert_eq!(store.stats().unwrap().audit_entries, audit_before + 1);

    // Unknown fields and invalid values are refused without a trace.
    assert!(
        store
            .update_worker(id, &patch(json!({ "nickname": "x" })))
            .is_err()
    );
    assert!(matches!(
        store.update_worker(id, &patch(json!({ "sex": "female" }))),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store.update_worker(WorkerId::new(), &patch(json!({ "notes": "x" }))),
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(store.outbox_after(seq, 100).unwrap().len(), 3);
    assert_eq!(store.worker(id).unwrap().worker.sex, Some(Sex::Male));
}

/// The HLC of each mutation, in outbox order, one per distinct group.
fn mutation_hlcs(records: &[ChangeRecord]) -> Vec<Hlc> {
    let mut out: Vec<Hlc> = Vec::new();
    for r in records {
        if out.last() != Some(&r.hlc) {
            out.push(r.hlc);
        }
    }
    out
}

#[test]
fn hlcs_strictly_increase_across_mutations_and_restarts() {
    let (dir, mut store) = new_store();
    let a = store.add_worker(&cyrillic("Сейітов", "Нұрлан")).unwrap().id;
    for i in 0..20 {
        store
            .update_worker(a, &patch(json!({ "notes": format!("заметка {i}") })))
            .unwrap();
    }
    store
        .add_workers(&[cyrillic("Цой", "Айгерим"), cyrillic("Ким", "Алексей")])
        .unwrap();
    drop(store);
    let mut store = reopen(dir.path());
    store
        .update_worker(a, &patch(json!({ "notes": "после перезапуска" })))
        .unwrap();
    store.add_worker(&cyrillic("Омаров", "Бауыржан")).unwrap();

    let records = outbox(&store);
    let hlcs = mutation_hlcs(&records);
    // 1 add + 20 updates + 2 batch members + 1 update + 1 add.
    assert_eq!(hlcs.len(), 25);
    for pair in hlcs.windows(2) {
        assert!(
            pair[0] < pair[1],
            "HLC went from {:?} to {:?}",
            pair[0],
            pair[1]
        );
    }
    // Outbox order is HLC order.
    // and records of one change set share its sequence number and HLC.
    for pair in records.windows(2) {
        let same_set = pair[0].seq == pair[1].seq && pair[0].hlc == pair[1].hlc;
        let later_set = pair[0].seq < pair[1].seq && pair[0].hlc < pair[1].hlc;
        assert!(same_set || later_set, "{pair:?}");
    }
}

#[test]
fn list_workers_filters() {
    let (_dir, mut store) = new_store();
    let mut a = full_worker();
    a.iin = None;
    store.add_worker(&a).unwrap();
    let mut b = cyrillic("Цой", "Айгерим");
    b.province = Some(Province::Seoul);
    b.stay_status = Some(StayStatus::Undocumented);
    store.add_worker(&b).unwrap();
    let all = store.list_workers(&Default::default()).unwrap();
    assert_eq!(all.len(), 2);
    let seoul = store
        .list_workers(&qorgau_store::WorkerFilter {
            province: Some(Province::Seoul),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(seoul.len(), 1);
    assert_eq!(seoul[0].display_name, "Цой Айгерим");
    let undocumented = store
        .list_workers(&qorgau_store::WorkerFilter {
            stay_status: Some(StayStatus::Undocumented),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(undocumented.len(), 1);
    let metal = store
        .list_workers(&qorgau_store::WorkerFilter {
            employer: Some("АНСАН".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(metal.len(), 1);
    assert_eq!(metal[0].employer.as_deref(), Some("Ансан Металл"));
}
