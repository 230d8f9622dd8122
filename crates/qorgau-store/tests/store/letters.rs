//! The outgoing-letter registry: numbering from per-device blocks, no reuse, void keeps the
//! number, drafts, and the mission profile the numbers come from.

use crate::support::*;
use qorgau_domain::{
    CaseId, CaseRecord, CaseType, IssueCode, LetterStatus, MissionProfile, TimelineKind,
};
use qorgau_store::{LOCAL_BLOCK_SIZE, NewLetter, Store, StoreError};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

fn store_with_case() -> (tempfile::TempDir, Store, CaseId) {
    let (dir, mut store) = new_store();
    store.set_mission(&MissionProfile::embassy_seoul()).unwrap();
    let worker = store
        .add_worker(&cyrillic("Жұмабеков", "Әлихан"))
        .unwrap()
        .id;
    let case = store
        .add_case(&CaseRecord {
            workers: vec![worker],
            case_type: Some(CaseType::UnpaidWages),
            ..CaseRecord::default()
        })
        .unwrap();
    (dir, store, case)
}

fn letter(case: CaseId, year: i32) -> NewLetter {
    NewLetter {
        case_id: case,
        agency_id: None,
        template: "wage_arrears".into(),
        subject: "임금체불 진정 사건 처리 협조 요청".into(),
        letter_date: date(year, 11, 21),
        data: BTreeMap::from([("worker.name_cyrillic".into(), "Жұмабеков Әлихан".into())]),
    }
}

/// A stand-in for the letter engine: the "PDF" names its number, so the bytes differ.
fn fake_pdf(number: &str) -> Result<Vec<u8>, StoreError> {
    Ok(format!("%PDF-1.7 letter {number}").into_bytes())
}

fn register(store: &mut Store, case: CaseId, year: i32) -> qorgau_domain::LetterRecord {
    store
        .register_letter(&letter(case, year), None, fake_pdf)
        .unwrap()
}

fn number(l: &qorgau_domain::LetterRecord) -> String {
    l.number.as_ref().unwrap().text.clone()
}

#[test]
fn registering_numbers_letters_in_sequence_with_the_mission_pattern() {
    let (_dir, mut store, case) = store_with_case();
    let a = register(&mut store, case, 2026);
    let b = register(&mut store, case, 2026);
    assert_eq!(number(&a), "SEL-2026/0001");
    assert_eq!(number(&b), "SEL-2026/0002");
    assert_eq!(a.status, LetterStatus::Registered);
    let pdf = store.letter_pdf(a.id).unwrap();
    assert_eq!(pdf, b"%PDF-1.7 letter SEL-2026/0001");
    assert_eq!(
        a.pdf_sha256.as_deref(),
        Some(hex::encode(Sha256::digest(&pdf)).as_str())
    );
    assert_eq!(a.data["worker.name_cyrillic"], "Жұмабеков Әлихан");

    // A new year starts again at 1; the pattern keeps the years apart.
    let next_year = register(&mut store, case, 2027);
    assert_eq!(number(&next_year), "SEL-2027/0001");

    // The case's timeline and the audit log say so.
    let timeline = store.timeline(case).unwrap();
    let registered: Vec<_> = timeline
        .iter()
        .filter(|t| t.kind == TimelineKind::LetterRegistered)
        .collect();
    assert_eq!(registered.len(), 3);
    assert!(registered[0].text.contains("SEL-2026/0001"));
    let audit = store.audit_recent(10).unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "register" && e.detail.as_deref() == Some("SEL-2026/0002"))
    );
    assert!(matches!(
        store.verify_audit_log().unwrap(),
        qorgau_store::AuditVerification::Intact { .. }
    ));
}

#[test]
fn a_voided_letter_keeps_its_number_and_numbers_are_never_reused() {
    let (dir, mut store, case) = store_with_case();
    let first = register(&mut store, case, 2026);
    let voided = store
        .set_letter_status(first.id, LetterStatus::Void, Some("wrong agency"))
        .unwrap();
    assert_eq!(voided.status, LetterStatus::Void);
    assert_eq!(number(&voided), "SEL-2026/0001");
    assert_eq!(voided.status_note.as_deref(), Some("wrong agency"));
    // The void letter is still there, its bytes still verify.
    assert_eq!(
        store
            .letter_by_sha256(voided.pdf_sha256.as_deref().unwrap())
            .unwrap()
            .unwrap()
            .id,
        first.id
    );
    // The next letter takes the next number, also after reopening the workspace.
    drop(store);
    let mut store = reopen(dir.path());
    let second = register(&mut store, case, 2026);
    assert_eq!(number(&second), "SEL-2026/0002");

    // Void is final; sent cannot go back to registered.
    let err = store
        .set_letter_status(first.id, LetterStatus::Sent, None)
        .unwrap_err();
    match err {
        StoreError::Invalid(report) => {
            assert_eq!(report.issues[0].code, IssueCode::LetterStatus);
            assert_eq!(report.issues[0].field, "status");
        }
        other => panic!("expected a status error, got {other:?}"),
    }
    let sent = store
        .set_letter_status(second.id, LetterStatus::Sent, None)
        .unwrap();
    assert_eq!(sent.status, LetterStatus::Sent);
    assert!(
        store
            .timeline(case)
            .unwrap()
            .iter()
            .any(|t| t.kind == TimelineKind::LetterSent && t.text.contains("SEL-2026/0002"))
    );
}

#[test]
fn a_letter_that_fails_to_render_stores_nothing_and_uses_no_number() {
    let (_dir, mut store, case) = store_with_case();
    let outbox_before = outbox(&store).len();
    let err = store
        .register_letter(&letter(case, 2026), None, |_| {
            Err::<Vec<u8>, _>(StoreError::Corrupt("render failed".into()))
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)));
    assert!(store.letters(None).unwrap().is_empty());
    assert_eq!(outbox(&store).len(), outbox_before);
    assert!(store.registry_blocks().unwrap().is_empty());
    let first = register(&mut store, case, 2026);
    assert_eq!(number(&first), "SEL-2026/0001");
}

#[test]
fn numbers_come_from_per_device_blocks_that_only_move_forward() {
    let (dir, mut store, case) = store_with_case();
    for _ in 0..LOCAL_BLOCK_SIZE + 2 {
        register(&mut store, case, 2026);
    }
    let blocks = store.registry_blocks().unwrap();
    assert_eq!(blocks.len(), 2, "{blocks:?}");
    assert_eq!(
        (blocks[0].first_seq, blocks[0].last_seq, blocks[0].next_seq),
        (1, LOCAL_BLOCK_SIZE, LOCAL_BLOCK_SIZE + 1)
    );
    assert_eq!(blocks[1].first_seq, LOCAL_BLOCK_SIZE + 1);
    assert_eq!(blocks[1].next_seq, LOCAL_BLOCK_SIZE + 3);
    assert!(blocks.iter().all(|b| b.granted_by == "local"));

    let mut numbers: Vec<String> = store.letters(None).unwrap().iter().map(number).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), LOCAL_BLOCK_SIZE as usize + 2);
    drop(store);

    // The schema itself refuses to move a block back, delete it, delete a letter or change a
    // registered letter's number or bytes.
    let conn = raw_connection(dir.path(), PASSPHRASE);
    for sql in [
        "UPDATE registry_blocks SET next_seq = first_seq",
        "DELETE FROM registry_blocks",
        "DELETE FROM letters",
        "UPDATE letters SET number = 'SEL-2026/9999'",
        "UPDATE letters SET pdf = x'00'",
        "UPDATE letters SET number_seq = 1 WHERE number_seq = 2",
    ] {
        let result = conn.execute(sql, []);
        assert!(result.is_err(), "{sql} was allowed");
    }
}

#[test]
fn a_saved_draft_has_no_number_until_it_is_registered() {
    let (_dir, mut store, case) = store_with_case();
    let draft = store.save_draft_letter(&letter(case, 2026)).unwrap();
    let saved = store.letter(draft).unwrap();
    assert_eq!(saved.status, LetterStatus::Draft);
    assert!(saved.number.is_none() && saved.pdf_sha256.is_none());
    assert!(matches!(
        store.letter_pdf(draft),
        Err(StoreError::Invalid(_))
    ));

    let registered = store
        .register_letter(&letter(case, 2026), Some(draft), fake_pdf)
        .unwrap();
    assert_eq!(registered.id, draft);
    assert_eq!(number(&registered), "SEL-2026/0001");
    assert_eq!(store.letters(Some(case)).unwrap().len(), 1);
    // Registering it again is refused: it is no longer a draft.
    assert!(matches!(
        store.register_letter(&letter(case, 2026), Some(draft), fake_pdf),
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(number(&register(&mut store, case, 2026)), "SEL-2026/0002");
}

#[test]
fn registering_needs_a_mission_profile_with_a_safe_pattern() {
    let (_dir, mut store) = new_store();
    let worker = store.add_worker(&cyrillic("Цой", "Айгерим")).unwrap().id;
    let case = store
        .add_case(&CaseRecord {
            workers: vec![worker],
            case_type: Some(CaseType::LostDocuments),
            ..CaseRecord::default()
        })
        .unwrap();
    match store.register_letter(&letter(case, 2026), None, fake_pdf) {
        Err(StoreError::Invalid(report)) => assert_eq!(report.issues[0].field, "mission"),
        other => panic!("expected a missing-mission error, got {other:?}"),
    }
    let mut profile = MissionProfile::embassy_seoul();
    profile.registry_pattern = "{mission}/{seq:03}".into();
    match store.set_mission(&profile) {
        Err(StoreError::Invalid(report)) => {
            assert_eq!(report.issues[0].field, "registry_pattern");
            assert_eq!(report.issues[0].code, IssueCode::RegistryPattern);
        }
        other => panic!("expected a pattern error, got {other:?}"),
    }
    assert!(store.mission().unwrap().is_none());

    profile.registry_pattern = "№ {seq}/{year}".into();
    profile.code = "KZ".into();
    assert!(!store.set_mission(&profile).unwrap().is_empty());
    assert_eq!(store.mission().unwrap().unwrap().code, "KZ");
    assert!(
        store.set_mission(&profile).unwrap().is_empty(),
        "no change, no record"
    );
    let l = register(&mut store, case, 2026);
    assert_eq!(number(&l), "№ 1/2026");
}

#[test]
fn letters_and_the_mission_reach_the_outbox_field_by_field() {
    let (_dir, mut store, case) = store_with_case();
    let l = register(&mut store, case, 2026);
    let changes = outbox(&store);
    let letter_fields: Vec<&str> = changes
        .iter()
        .filter(|c| c.entity == "letter" && c.entity_id == l.id.to_string())
        .map(|c| c.field.as_str())
        .collect();
    for field in [
        "case_id",
        "template",
        "status",
        "number",
        "data",
        "pdf_sha256",
    ] {
        assert!(
            letter_fields.contains(&field),
            "{field} missing: {letter_fields:?}"
        );
    }
    assert!(
        changes
            .iter()
            .any(|c| c.entity == "mission" && c.field == "registry_pattern")
    );
}
