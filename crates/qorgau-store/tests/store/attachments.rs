//! Attachments: bytes kept inside the encrypted database, checked by SHA-256.

use crate::support::*;
use qorgau_domain::attachment::AttachmentOwner;
use qorgau_domain::{AttachmentId, CaseId, CaseRecord, CaseType, IssueCode, WorkerId};
use qorgau_store::{NewAttachment, StoreError};
use sha2::{Digest, Sha256};

fn file<'a>(owner: AttachmentOwner, name: &'a str, bytes: &'a [u8]) -> NewAttachment<'a> {
    NewAttachment {
        owner,
        file_name: name,
        mime_type: "application/octet-stream",
        caption: None,
        bytes,
    }
}

#[test]
fn bytes_round_trip_with_their_sha256_under_their_owner() {
    let (dir, mut store) = new_store();
    let worker = store.add_worker(&cyrillic("Сейітов", "Нұрлан")).unwrap().id;
    let other = store.add_worker(&cyrillic("Цой", "Айгерим")).unwrap().id;
    let case = store
        .add_case(&CaseRecord {
            workers: vec![worker],
            case_type: Some(CaseType::WorkplaceInjury),
            ..CaseRecord::default()
        })
        .unwrap();

    // Every byte value, and more than one page's worth.
    let photo: Vec<u8> = (0..200_000u32).map(|i| (i * 7 + i / 256) as u8).collect();
    let contract = "Трудовой договор № 17\n근로계약서\n".as_bytes();
    let a = store
        .add_attachment(&NewAttachment {
            owner: AttachmentOwner::Worker(worker),
            file_name: "  injury.jpg ",
            mime_type: "image/jpeg",
            caption: Some("рука, 3 июня"),
            bytes: &photo,
        })
        .unwrap();
    let b = store
        .add_attachment(&file(
            AttachmentOwner::Worker(worker),
            "contract.txt",
            contract,
        ))
        .unwrap();
    let c = store
        .add_attachment(&file(
            AttachmentOwner::Case(case),
            "payslip.pdf",
            b"%PDF-1.7 \x00\x01",
        ))
        .unwrap();

    assert_eq!(a.file_name, "injury.jpg");
    assert_eq!(a.size, photo.len() as u64);
    assert_eq!(a.sha256, hex::encode(Sha256::digest(&photo)));
    assert_eq!(a.sha256.len(), 64);
    assert_eq!(a.caption.as_deref(), Some("рука, 3 июня"));
    assert_eq!(b.sha256, hex::encode(Sha256::digest(contract)));

    assert_eq!(store.attachment_bytes(a.id).unwrap(), photo);
    assert_eq!(store.attachment_bytes(b.id).unwrap(), contract);
    assert_eq!(
        store.attachments(AttachmentOwner::Worker(worker)).unwrap(),
        vec![a.clone(), b.clone()]
    );
    assert_eq!(
        store.attachments(AttachmentOwner::Case(case)).unwrap(),
        vec![c.clone()]
    );
    assert!(
        store
            .attachments(AttachmentOwner::Worker(other))
            .unwrap()
            .is_empty()
    );
    // A case id and a worker id are different owners even if someone mixes them up.
    assert!(
        store
            .attachments(AttachmentOwner::Case(CaseId(worker.0)))
            .unwrap()
            .is_empty()
    );

    // The metadata is shipped, the bytes are not (they travel by their own path).
    let records: Vec<_> = outbox(&store)
        .into_iter()
        .filter(|r| r.entity == "attachment" && r.entity_id == a.id.to_string())
        .collect();
    let fields: std::collections::BTreeSet<&str> =
        records.iter().map(|r| r.field.as_str()).collect();
    assert!(fields.contains("sha256") && fields.contains("size") && !fields.contains("bytes"));
    assert_eq!(store.stats().unwrap().attachments, 3);

    drop(store);
    let store = reopen(dir.path());
    assert_eq!(store.attachment_bytes(a.id).unwrap(), photo);
    assert_eq!(store.attachment_bytes(c.id).unwrap(), b"%PDF-1.7 \x00\x01");
}

#[test]
fn empty_files_unknown_owners_and_unknown_ids_are_refused() {
    let (_dir, mut store) = new_store();
    let worker = store.add_worker(&cyrillic("Сейітов", "Нұрлан")).unwrap().id;
    let before = store.stats().unwrap();

    match store.add_attachment(&file(AttachmentOwner::Worker(worker), "empty.txt", b"")) {
        Err(StoreError::Invalid(report)) => {
            let issue = report.errors().next().unwrap();
            assert_eq!(issue.field, "bytes");
            assert_eq!(issue.code, IssueCode::Required);
        }
        other => panic!("expected an empty file to be refused, got {other:?}"),
    }
    match store.add_attachment(&file(AttachmentOwner::Worker(worker), "   ", b"x")) {
        Err(StoreError::Invalid(report)) => {
            assert_eq!(report.errors().next().unwrap().field, "file_name");
        }
        other => panic!("expected a nameless file to be refused, got {other:?}"),
    }
    assert!(matches!(
        store.add_attachment(&file(
            AttachmentOwner::Worker(WorkerId::new()),
            "a.txt",
            b"x"
        )),
        Err(StoreError::NotFound {
            entity: "worker",
            ..
        })
    ));
    assert!(matches!(
        store.add_attachment(&file(AttachmentOwner::Case(CaseId::new()), "a.txt", b"x")),
        Err(StoreError::NotFound { entity: "case", .. })
    ));
    assert!(matches!(
        store.attachment_bytes(AttachmentId::new()),
        Err(StoreError::NotFound {
            entity: "attachment",
            ..
        })
    ));
    let after = store.stats().unwrap();
    assert_eq!(
        (after.attachments, after.outbox, after.audit_entries),
        (before.attachments, before.outbox, before.audit_entries)
    );
}
