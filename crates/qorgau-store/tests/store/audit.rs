//! The hash-chained audit log, and the append-only tables behind the API.

use crate::support::*;
use qorgau_domain::attachment::AttachmentOwner;
use qorgau_domain::{CaseRecord, CaseStatus, CaseType, TimelineKind};
use qorgau_store::{AuditVerification, NewAttachment, NewTimelineEntry, Store};
use serde_json::json;

/// A workspace with a little of everything, and the number of audit entries it should have.
fn busy_store() -> (tempfile::TempDir, Store, i64) {
    let (dir, mut store) = new_store();
    store.set_actor("ainur.s");
    let nurlan = store.add_worker(&cyrillic("Сейітов", "Нұрлан")).unwrap().id; // 1
    let ids = store
        .add_workers(&[cyrillic("Цой", "Айгерим"), cyrillic("Ким", "Алексей")])
        .unwrap(); // 2
    let mut patch = serde_json::Map::new();
    patch.insert("notes".into(), json!("просит перезвонить"));
    store.update_worker(ids[0], &patch).unwrap(); // 1
    store.update_worker(ids[0], &patch).unwrap(); // no change, no entry
    let case = store
        .add_case(&CaseRecord {
            workers: vec![nurlan, ids[1]],
            case_type: Some(CaseType::UnpaidWages),
            summary: Some("Зарплата".into()),
            ..CaseRecord::default()
        })
        .unwrap(); // 1
    store.set_actor("dias.m");
    store
        .set_case_status(case, CaseStatus::InProgress, Some("начали"))
        .unwrap(); // 1
    store
        .add_timeline_entry(
            case,
            &NewTimelineEntry {
                kind: TimelineKind::Call,
                occurred_on: None,
                text: "Позвонили".into(),
            },
        )
        .unwrap(); // 1
    let task = store.add_task(case, "Письмо", None).unwrap(); // 1
    store.set_task_done(task, true).unwrap(); // 1
    store
        .add_attachment(&NewAttachment {
            owner: AttachmentOwner::Worker(nurlan),
            file_name: "passport.jpg",
            mime_type: "image/jpeg",
            caption: None,
            bytes: b"\xff\xd8\xff fake jpeg",
        })
        .unwrap(); // 1
    // Refused mutations leave no entry.
    assert!(store.add_worker(&qorgau_domain::Worker::default()).is_err());
    assert!(store.set_case_status(case, CaseStatus::New, None).is_err());
    (dir, store, 10)
}

#[test]
fn the_chain_verifies_after_a_series_of_mutations() {
    let (dir, mut store, expected) = busy_store();
    assert_eq!(
        store.verify_audit_log().unwrap(),
        AuditVerification::Intact { entries: expected }
    );
    assert_eq!(store.stats().unwrap().audit_entries, expected);

    store
        .record_event("export", "worker", Some("all"), Some("csv, 3 rows"))
        .unwrap();
    store.record_event("print", "case", None, None).unwrap();
    let recent = store.audit_recent(3).unwrap();
    assert_eq!(recent.len(), 3);
    assert_eq!(recent[0].seq, expected + 2);
    assert_eq!(
        (
            recent[0].action.as_str(),
            recent[0].entity.as_str(),
            recent[0].entity_id.as_deref(),
            recent[0].detail.as_deref(),
            recent[0].actor.as_str()
        ),
        ("print", "case", None, None, "dias.m")
    );
    assert_eq!(
        (
            recent[1].action.as_str(),
            recent[1].entity_id.as_deref(),
            recent[1].detail.as_deref()
        ),
        ("export", Some("all"), Some("csv, 3 rows"))
    );
    assert_eq!(recent[2].action, "attach");
    assert_eq!(recent[0].hash.len(), 64);
    assert!(recent.iter().all(|e| !e.at.is_empty()));
    // An event changes no data, so it ships nothing.
    let outbox_before = store.stats().unwrap().outbox;
    store.record_event("print", "case", None, None).unwrap();
    assert_eq!(store.stats().unwrap().outbox, outbox_before);

    // The chain carries on across a restart.
    drop(store);
    let mut store = reopen(dir.path());
    store.record_event("open", "workspace", None, None).unwrap();
    assert_eq!(
        store.verify_audit_log().unwrap(),
        AuditVerification::Intact {
            entries: expected + 4
        }
    );
    let all = store.audit_recent(1000).unwrap();
    let seqs: Vec<i64> = all.iter().rev().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=expected + 4).collect::<Vec<_>>());
    let actions: Vec<&str> = all.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        &actions[..10],
        &[
            "create",
            "create",
            "create",
            "update",
            "create",
            "status",
            "timeline",
            "task",
            "task_done",
            "attach"
        ]
    );
}

#[test]
fn an_edited_audit_entry_breaks_the_chain_where_it_was_edited() {
    let (dir, store, expected) = busy_store();
    drop(store);
    {
        let conn = raw_connection(dir.path(), PASSPHRASE);
        // The trigger refuses the edit …
        let err = conn
            .execute(
                "UPDATE audit_log SET actor = 'someone else' WHERE seq = 4",
                [],
            )
            .unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
        // … so a tamperer with the key drops it first.
        conn.execute_batch(
            "DROP TRIGGER audit_no_update;
             UPDATE audit_log SET actor = 'someone else' WHERE seq = 4;",
        )
        .unwrap();
    }
    let store = reopen(dir.path());
    assert_eq!(
        store.verify_audit_log().unwrap(),
        AuditVerification::Broken { at_seq: 4 }
    );
    assert_eq!(store.stats().unwrap().audit_entries, expected);
}

#[test]
fn a_removed_or_rewritten_audit_entry_breaks_the_chain() {
    let (dir, store, _) = busy_store();
    drop(store);
    {
        let conn = raw_connection(dir.path(), PASSPHRASE);
        let err = conn
            .execute("DELETE FROM audit_log WHERE seq = 6", [])
            .unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
        conn.execute_batch(
            "DROP TRIGGER audit_no_delete;
             DELETE FROM audit_log WHERE seq = 6;",
        )
        .unwrap();
    }
    assert_eq!(
        reopen(dir.path()).verify_audit_log().unwrap(),
        AuditVerification::Broken { at_seq: 7 }
    );

    // Overwriting an entry's stored hash along with its content is caught as well.
    let (dir, store, _) = busy_store();
    drop(store);
    {
        let conn = raw_connection(dir.path(), PASSPHRASE);
        conn.execute_batch(
            "DROP TRIGGER audit_no_update;
             UPDATE audit_log SET detail = 'nothing to see', hash = zeroblob(32) WHERE seq = 2;",
        )
        .unwrap();
    }
    assert_eq!(
        reopen(dir.path()).verify_audit_log().unwrap(),
        AuditVerification::Broken { at_seq: 2 }
    );
}

#[test]
fn the_database_refuses_to_edit_history_even_with_the_key() {
    let (dir, store, _) = busy_store();
    drop(store);
    let conn = raw_connection(dir.path(), PASSPHRASE);
    for sql in [
        "UPDATE timeline SET text = 'rewritten'",
        "DELETE FROM timeline",
        "UPDATE status_transitions SET author = 'someone else'",
        "DELETE FROM status_transitions",
        "UPDATE audit_log SET detail = 'x'",
        "DELETE FROM audit_log",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    drop(conn);
    let store = reopen(dir.path());
    assert!(matches!(
        store.verify_audit_log().unwrap(),
        AuditVerification::Intact { .. }
    ));
}

/// The entry hash as an unkeyed chain computes it (the layout of `audit.rs`, with SHA-256).
fn plain_hash(conn: &rusqlite::Connection, seq: i64, prev: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    conn.query_row(
        "SELECT at, hlc, device_id, actor, action, entity, entity_id, detail
         FROM audit_log WHERE seq = ?1",
        [seq],
        |r| {
            h.update(prev);
            h.update(seq.to_be_bytes());
            h.update((r.get::<_, i64>(1)? as u64).to_be_bytes());
            h.update(r.get::<_, Vec<u8>>(2)?);
            for i in [0, 3, 4, 5, 6, 7] {
                match r.get::<_, Option<String>>(i)? {
                    Some(text) => {
                        h.update([1]);
                        h.update((text.len() as u64).to_be_bytes());
                        h.update(text.as_bytes());
                    }
                    None => h.update([0]),
                }
            }
            Ok(())
        },
    )
    .unwrap();
    h.finalize().to_vec()
}

#[test]
fn a_log_rewritten_whole_with_plain_hashes_does_not_verify() {
    let (dir, store, entries) = busy_store();
    drop(store);
    {
        // Someone with the database edits an entry and recomputes every hash after it, as
        // an unkeyed chain would let them: without the audit key the chain no longer holds.
        let conn = raw_connection(dir.path(), PASSPHRASE);
        conn.execute_batch(
            "DROP TRIGGER audit_no_update;
             UPDATE audit_log SET actor = 'someone else' WHERE seq = 4;",
        )
        .unwrap();
        let mut prev = vec![0u8; 32];
        for seq in 1..=entries {
            let hash = plain_hash(&conn, seq, &prev);
            conn.execute(
                "UPDATE audit_log SET prev_hash = ?2, hash = ?3 WHERE seq = ?1",
                rusqlite::params![seq, prev, hash],
            )
            .unwrap();
            prev = hash;
        }
    }
    assert_eq!(
        reopen(dir.path()).verify_audit_log().unwrap(),
        AuditVerification::Broken { at_seq: 1 },
        "the first keyed entry no longer verifies"
    );
}
