//! Encryption at rest, unlocking, workspace lifecycle, rekeying and migrations.

use crate::support::*;
use qorgau_domain::attachment::AttachmentOwner;
use qorgau_domain::{CaseRecord, CaseType, Province, Sex, StayStatus, Worker};
use qorgau_store::{
    DB_FILE, HEADER_FILE, KdfParams, NewAttachment, Passphrase, Store, StoreError, WorkspaceHeader,
};
use std::path::Path;

const SURNAME: &str = "Жандарбекова";
const LATIN: &str = "ZHANDARBEKOVA QWERTYZ";
const IIN: &str = "791028302728";
const SUMMARY_WORD: &str = "Ксилофонмашзавод";
const ATTACHMENT_TEXT: &str = "CONTRACT-PLAINTEXT-MARKER-8f3a";

/// Every form of the sensitive values that could land in a page: as typed, and as the search
/// index and validation store them (lowercased, transliterated).
fn needles() -> Vec<Vec<u8>> {
    [
        SURNAME,
        "жандарбекова",
        "ЖАНДАРБЕКОВА",
        "zhandarbekova",
        LATIN,
        "ZHANDARBEKOVA",
        "QWERTYZ",
        "qwertyz",
        IIN,
        SUMMARY_WORD,
        "ксилофонмашзавод",
        "ksilofonmashzavod",
        ATTACHMENT_TEXT,
        "+821099887766",
        "01099887766",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

fn assert_no_plaintext(dir: &Path, when: &str) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        for needle in needles() {
            assert!(
                !contains(&bytes, &needle),
                "{when}: {} contains {:?} in the clear",
                path.display(),
                String::from_utf8_lossy(&needle)
            );
        }
    }
}

fn sensitive_worker() -> Worker {
    Worker {
        surname: Some(SURNAME.into()),
        given_name: Some("Мақсат".into()),
        latin_name: Some(LATIN.into()),
        sex: Some(Sex::Male),
        birth_date: Some(date(1979, 10, 28)),
        iin: Some(IIN.into()),
        phones: vec!["010-9988-7766".into()],
        stay_status: Some(StayStatus::Undocumented),
        province: Some(Province::Gyeonggi),
        ..Worker::default()
    }
}

#[test]
fn nothing_sensitive_is_in_the_clear_on_disk_while_open_or_after_close() {
    let (dir, mut store) = new_store();
    let added = store.add_worker(&sensitive_worker()).unwrap();
    assert!(
        added.warnings.is_empty(),
        "the test person should be valid: {:?}",
        added.warnings
    );
    let case = store
        .add_case(&CaseRecord {
            workers: vec![added.id],
            case_type: Some(CaseType::UnpaidWages),
            summary: Some(format!(
                "Не выплачена зарплата на {SUMMARY_WORD} за три месяца"
            )),
            ..CaseRecord::default()
        })
        .unwrap();
    store
        .add_attachment(&NewAttachment {
            owner: AttachmentOwner::Case(case),
            file_name: "contract.txt",
            mime_type: "text/plain",
            caption: None,
            bytes: ATTACHMENT_TEXT.as_bytes(),
        })
        .unwrap();
    // The data is there and searchable, so the needles are not absent for a trivial reason.
    assert_eq!(store.search("Жандарбекова", 10).unwrap().len(), 1);
    assert_eq!(store.search(SUMMARY_WORD, 10).unwrap().len(), 1);

    // While the store is open the recent pages live in the WAL, not yet in the main file.
    let wal = dir.path().join(format!("{DB_FILE}-wal"));
    assert!(
        std::fs::metadata(&wal)
            .map(|m| m.len() > 0)
            .unwrap_or(false),
        "expected a non-empty WAL while the store is open"
    );
    assert!(dir.path().join(DB_FILE).exists());
    assert_no_plaintext(dir.path(), "while open");

    drop(store);
    assert!(dir.path().join(DB_FILE).exists());
    assert_no_plaintext(dir.path(), "after close");

    // SQLite without the key sees noise, not a database.
    let plain = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    let err = plain
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap_err();
    assert_eq!(
        err.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase),
        "{err}"
    );
    drop(plain);

    // And the data is still all there with the key.
    let store = reopen(dir.path());
    assert_eq!(
        store.worker(added.id).unwrap().worker.surname.as_deref(),
        Some(SURNAME)
    );
}

#[test]
fn a_wrong_passphrase_is_refused_and_touches_no_file() {
    let (dir, mut store) = new_store();
    store.add_worker(&cyrillic("Сейітов", "Нұрлан")).unwrap();
    drop(store);

    let before = snapshot(dir.path());
    // A clean close folds the WAL back into the database and removes it.
    let names: Vec<&str> = before.keys().map(String::as_str).collect();
    assert_eq!(names, vec![DB_FILE, HEADER_FILE]);
    // Let a modification, if any happened, show in the mtime.
    std::thread::sleep(std::time::Duration::from_millis(20));
    for wrong in [
        "жылқы батареясы қапсырма 43",
        "x",
        PASSPHRASE.trim_end_matches('2'),
    ] {
        match Store::open(dir.path(), &Passphrase::new(wrong)) {
            Err(StoreError::WrongPassphrase) => {}
            other => panic!("expected WrongPassphrase for {wrong:?}, got {other:?}"),
        }
    }
    let after = snapshot(dir.path());
    assert_eq!(
        before, after,
        "a wrong passphrase changed, created or removed a file"
    );

    let store = reopen(dir.path());
    assert_eq!(store.stats().unwrap().workers, 1);
    assert_eq!(store.integrity_check().unwrap(), "ok");
    drop(store);
    let names: Vec<String> = snapshot(dir.path()).into_keys().collect();
    assert_eq!(names, vec![DB_FILE, HEADER_FILE]);
}

#[test]
fn a_wrong_passphrase_while_the_workspace_is_open_elsewhere_changes_nothing() {
    let (dir, mut store) = new_store();
    let id = store.add_worker(&cyrillic("Сейітов", "Нұрлан")).unwrap().id;
    let before = snapshot_without_shm(dir.path());
    assert!(before.contains_key(&format!("{DB_FILE}-wal")));
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert!(matches!(
        Store::open(dir.path(), &Passphrase::new("not it")),
        Err(StoreError::WrongPassphrase)
    ));
    assert_eq!(before, snapshot_without_shm(dir.path()));
    // The open store carries on.
    store.add_worker(&cyrillic("Цой", "Айгерим")).unwrap();
    assert_eq!(
        store.worker(id).unwrap().worker.given_name.as_deref(),
        Some("Нұрлан")
    );
    drop(store);
    assert_eq!(reopen(dir.path()).stats().unwrap().workers, 2);
}

#[test]
fn open_refuses_a_directory_that_is_not_a_workspace() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        Store::open(dir.path(), &pass()),
        Err(StoreError::NotAWorkspace(_))
    ));
    assert!(matches!(
        Store::open(&dir.path().join("missing"), &pass()),
        Err(StoreError::NotAWorkspace(_))
    ));
    std::fs::write(dir.path().join("notes.txt"), "hello").unwrap();
    assert!(matches!(
        Store::open(dir.path(), &pass()),
        Err(StoreError::NotAWorkspace(_))
    ));
    // A database without its header is not a workspace either (create writes the header last).
    std::fs::write(dir.path().join(DB_FILE), b"").unwrap();
    assert!(matches!(
        Store::open(dir.path(), &pass()),
        Err(StoreError::NotAWorkspace(_))
    ));
    // Nothing was created by looking.
    let names: Vec<String> = snapshot(dir.path()).into_keys().collect();
    assert_eq!(names, vec!["notes.txt".to_string(), DB_FILE.to_string()]);
}

#[test]
fn create_refuses_an_existing_workspace_and_leaves_it_alone() {
    let (dir, mut store) = new_store();
    let id = store.add_worker(&cyrillic("Цой", "Айгерим")).unwrap().id;
    drop(store);
    let before = snapshot(dir.path());
    for passphrase in [pass(), Passphrase::new("another one")] {
        assert!(matches!(
            Store::create(dir.path(), &passphrase, KdfParams::FAST_INSECURE_FOR_TESTS),
            Err(StoreError::AlreadyExists(_))
        ));
    }
    assert_eq!(before, snapshot(dir.path()));
    assert!(reopen(dir.path()).worker(id).is_ok());

    // An empty passphrase never creates a workspace.
    let empty = tempfile::tempdir().unwrap();
    assert!(matches!(
        Store::create(
            empty.path(),
            &Passphrase::new(""),
            KdfParams::FAST_INSECURE_FOR_TESTS
        ),
        Err(StoreError::Kdf(_))
    ));
    assert!(!empty.path().join(HEADER_FILE).exists());
}

#[test]
fn change_passphrase_rekeys_everything_and_keeps_the_header() {
    let (dir, mut store) = new_store();
    let worker = store.add_worker(&sensitive_worker()).unwrap().id;
    let case = store
        .add_case(&CaseRecord {
            workers: vec![worker],
            case_type: Some(CaseType::WorkplaceInjury),
            summary: Some(format!("Травма руки на {SUMMARY_WORD}")),
            ..CaseRecord::default()
        })
        .unwrap();
    let header_before = std::fs::read(dir.path().join(HEADER_FILE)).unwrap();
    let stats_before = store.stats().unwrap();

    let new = Passphrase::new("новый пароль консульства 2026");
    store.change_passphrase(&new).unwrap();
    // Still usable in the same session, under the new key.
    store.add_worker(&cyrillic("Цой", "Айгерим")).unwrap();
    drop(store);

    assert_eq!(
        std::fs::read(dir.path().join(HEADER_FILE)).unwrap(),
        header_before,
        "the header file changed"
    );
    assert!(matches!(
        Store::open(dir.path(), &pass()),
        Err(StoreError::WrongPassphrase)
    ));
    let store = Store::open(dir.path(), &new).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let stats = store.stats().unwrap();
    assert_eq!(stats.workers, stats_before.workers + 1);
    assert_eq!(stats.cases, stats_before.cases);
    assert_eq!(
        store.worker(worker).unwrap().worker.iin.as_deref(),
        Some(IIN)
    );
    assert_eq!(
        store.case(case).unwrap().record.summary.unwrap(),
        format!("Травма руки на {SUMMARY_WORD}")
    );
    assert_eq!(store.search(SUMMARY_WORD, 10).unwrap().len(), 1);
    assert!(matches!(
        store.verify_audit_log().unwrap(),
        qorgau_store::AuditVerification::Intact { .. }
    ));
    assert_eq!(
        store.audit_recent(2).unwrap()[1].action,
        "passphrase_change"
    );
    drop(store);
    assert_no_plaintext(dir.path(), "after rekey");
    // An empty new passphrase is refused and the current one keeps working.
    let mut store = Store::open(dir.path(), &new).unwrap();
    assert!(matches!(
        store.change_passphrase(&Passphrase::new("")),
        Err(StoreError::Kdf(_))
    ));
    drop(store);
    assert!(Store::open(dir.path(), &new).is_ok());
}

#[test]
fn the_real_kdf_parameters_are_recorded_and_unlock() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(dir.path(), &pass(), KdfParams::DEFAULT).unwrap();
    store.add_worker(&cyrillic("Сейітов", "Нұрлан")).unwrap();
    drop(store);
    let header = WorkspaceHeader::read(&dir.path().join(HEADER_FILE)).unwrap();
    assert_eq!(header.kdf_params, KdfParams::DEFAULT);
    assert_eq!(header.kdf, "argon2id");
    // At least OWASP's minimum for Argon2id (19 MiB, 2 passes).
    assert!(header.kdf_params.memory_kib >= 19 * 1024 && header.kdf_params.iterations >= 2);
    assert_eq!(hex::decode(&header.salt).unwrap().len(), 16);
    assert!(matches!(
        Store::open(dir.path(), &Passphrase::new("wrong")),
        Err(StoreError::WrongPassphrase)
    ));
    assert_eq!(reopen(dir.path()).stats().unwrap().workers, 1);
}

/// How many migrations this build ships. Adding a migration must bump this, on purpose.
const MIGRATIONS: i64 = 11;

#[test]
fn a_fresh_workspace_is_migrated_to_the_latest_schema() {
    let (dir, store) = new_store();
    let stats = store.stats().unwrap();
    assert_eq!(stats.schema_version, MIGRATIONS);
    assert_eq!(
        (
            stats.workers,
            stats.cases,
            stats.agencies,
            stats.attachments
        ),
        (0, 0, 0, 0)
    );
    assert_eq!((stats.outbox, stats.audit_entries), (0, 0));
    assert!(!stats.cipher_version.is_empty());
    assert_eq!(Store::cipher_version().unwrap(), stats.cipher_version);
    let device = store.device_id();
    drop(store);
    // Reopening neither migrates again nor forgets which device this is.
    let store = reopen(dir.path());
    assert_eq!(store.stats().unwrap().schema_version, MIGRATIONS);
    assert_eq!(store.device_id(), device);
    // Two workspaces are two devices.
    assert_ne!(new_store().1.device_id(), device);
}

#[test]
fn the_page_cache_is_sized_for_bulk_writes_and_can_be_capped() {
    let (dir, store) = new_store();
    assert_eq!(
        store.page_cache_mib().unwrap(),
        i64::from(qorgau_store::BULK_PAGE_CACHE_MIB)
    );
    store.set_page_cache_mib(32).unwrap();
    assert_eq!(store.page_cache_mib().unwrap(), 32);
    // The cap belongs to the open connection: a reopened store starts from the default.
    drop(store);
    assert_eq!(
        reopen(dir.path()).page_cache_mib().unwrap(),
        i64::from(qorgau_store::BULK_PAGE_CACHE_MIB)
    );
}

/// Test binaries create and open workspaces on several threads at once; SQLCipher's key
/// setup must never fail under that (it once did, as "An error occurred with PRAGMA key").
#[test]
fn workspaces_created_and_opened_on_several_threads_at_once_all_unlock() {
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| {
                    let mut failures = Vec::new();
                    for _ in 0..25 {
                        let dir = tempfile::tempdir().expect("tempdir");
                        let made =
                            Store::create(dir.path(), &pass(), KdfParams::FAST_INSECURE_FOR_TESTS);
                        match made {
                            Ok(store) => drop(store),
                            Err(e) => {
                                failures.push(format!("create: {e}"));
                                continue;
                            }
                        }
                        if let Err(e) = Store::open(dir.path(), &pass()) {
                            failures.push(format!("open: {e}"));
                        }
                    }
                    failures
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} failures: {failures:?}",
        failures.len()
    );
}
