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
    // Each statement touches one row and would break no UNIQUE constraint: only the
    // triggers stand in the way.
    for sql in [
        "UPDATE registry_blocks SET next_seq = first_seq WHERE rowid = (SELECT min(rowid) FROM registry_blocks)",
        "DELETE FROM registry_blocks WHERE rowid = (SELECT max(rowid) FROM registry_blocks)",
        "DELETE FROM letters WHERE number_seq = 2",
        "UPDATE letters SET number = 'SEL-2026/9999' WHERE number_seq = 2",
        "UPDATE letters SET number_seq = 9999 WHERE number_seq = 2",
        "UPDATE letters SET pdf = x'00' WHERE number_seq = 2",
        "UPDATE letters SET data = '{}' WHERE number_seq = 2",
        "UPDATE letters SET letter_date = '2026-01-01' WHERE number_seq = 2",
        "UPDATE letters SET subject = 'other' WHERE number_seq = 2",
        "UPDATE letters SET status = 'registered' WHERE number_seq = 2 AND status = 'registered' AND 0",
        "UPDATE letters SET status = 'draft' WHERE number_seq = 2",
    ] {
        let result = conn.execute(sql, []);
        if sql.ends_with("AND 0") {
            // Control: the same kind of statement is accepted when nothing forbids it.
            assert!(result.is_ok(), "{sql}: {result:?}");
            continue;
        }
        let err = result.expect_err(sql).to_string();
        assert!(
            !err.contains("UNIQUE"),
            "{sql} was refused only by a constraint: {err}"
        );
    }
    // Void is final, also below the API.
    conn.execute(
        "UPDATE letters SET status = 'void' WHERE number_seq = 3",
        [],
    )
    .unwrap();
    assert!(
        conn.execute(
            "UPDATE letters SET status = 'sent' WHERE number_seq = 3",
            []
        )
        .is_err()
    );
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

#[test]
fn a_new_block_starts_above_every_number_the_workspace_knows() {
    let (dir, mut store, case) = store_with_case();
    let first = register(&mut store, case, 2026);
    assert_eq!(number(&first), "SEL-2026/0001");
    drop(store);
    // A letter numbered 120 by another device arrives (as sync will bring it), and this
    // device's blocks are used up: its next block must start above 120, not at 51.
    let conn = raw_connection(dir.path(), PASSPHRASE);
    conn.execute(
        "INSERT INTO letters (id, case_rowid, template, subject, status, number_year, number_seq,
            number, letter_date, data, created_by, created_hlc, updated_hlc, registered_hlc)
         VALUES (x'0102030405060708090a0b0c0d0e0f10', 1, 'wage_arrears', 's', 'registered',
            2026, 120, 'SEL-2026/0120', '2026-11-21', '{}', 'other device', 1, 1, 1)",
        [],
    )
    .unwrap();
    conn.execute("UPDATE registry_blocks SET next_seq = last_seq + 1", [])
        .unwrap();
    drop(conn);
    let mut store = reopen(dir.path());
    let next = register(&mut store, case, 2026);
    assert_eq!(number(&next), "SEL-2026/0121");
}

#[test]
fn the_registry_lists_letters_in_registration_order() {
    let (_dir, mut store, case) = store_with_case();
    let draft = store.save_draft_letter(&letter(case, 2026)).unwrap();
    let first = register(&mut store, case, 2026);
    let promoted = store
        .register_letter(&letter(case, 2026), Some(draft), fake_pdf)
        .unwrap();
    assert_eq!(number(&promoted), "SEL-2026/0002");
    let listed: Vec<String> = store.letters(None).unwrap().iter().map(number).collect();
    assert_eq!(listed, ["SEL-2026/0002", "SEL-2026/0001"]);
    assert_eq!(first.id, store.letters(None).unwrap()[1].id);
}

#[test]
fn a_draft_is_registered_only_on_its_own_case() {
    let (_dir, mut store, case) = store_with_case();
    let worker = store.add_worker(&cyrillic("Ли", "Дмитрий")).unwrap().id;
    let other = store
        .add_case(&CaseRecord {
            workers: vec![worker],
            case_type: Some(CaseType::CrimeVictim),
            ..CaseRecord::default()
        })
        .unwrap();
    let draft = store.save_draft_letter(&letter(case, 2026)).unwrap();
    match store.register_letter(&letter(other, 2026), Some(draft), fake_pdf) {
        Err(StoreError::Invalid(report)) => assert_eq!(report.issues[0].field, "case"),
        other => panic!("expected a case mismatch, got {other:?}"),
    }
    assert!(store.registry_blocks().unwrap().is_empty());
}

#[test]
fn a_pattern_change_that_would_print_a_taken_number_is_refused() {
    let (_dir, mut store, case) = store_with_case();
    let mut profile = MissionProfile::embassy_seoul();
    profile.code = "SEL1".into();
    profile.registry_pattern = "{mission}{seq}/{year}".into();
    store.set_mission(&profile).unwrap();
    assert_eq!(number(&register(&mut store, case, 2026)), "SEL11/2026");
    assert_eq!(number(&register(&mut store, case, 2026)), "SEL12/2026");
    // The code loses its "1": sequence 11 would print "SEL11/2026" again.
    profile.code = "SEL".into();
    store.set_mission(&profile).unwrap();
    for seq in 3..=10 {
        assert_eq!(
            number(&register(&mut store, case, 2026)),
            format!("SEL{seq}/2026")
        );
    }
    match store.register_letter(&letter(case, 2026), None, fake_pdf) {
        Err(StoreError::Invalid(report)) => {
            assert_eq!(report.issues[0].field, "registry_pattern");
            assert!(report.issues[0].message.contains("SEL11/2026"));
        }
        other => panic!("expected a taken-number refusal, got {other:?}"),
    }
    assert_eq!(store.letters(None).unwrap().len(), 10);
}
