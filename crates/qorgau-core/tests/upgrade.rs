//! Upgrades never lose data: a workspace written by every released schema opens in this build
//! with every record, registered letter and audit entry intact, and its schema brought up to
//! date. Each `tests/fixtures/schema-N/` was made by `make-fixture.sh` with the build of that
//! schema and is never regenerated: a new schema adds a new fixture beside the old ones.

use qorgau_core::{AuditVerification, Passphrase, Workspace};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("workspace").is_dir())
        .collect();
    found.sort();
    found
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn every_released_schema_opens_with_all_its_data() {
    let fixtures = fixtures();
    assert!(!fixtures.is_empty(), "at least one fixture workspace");
    for fixture in fixtures {
        let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("workspace");
        copy_dir(&fixture.join("workspace"), &dir);
        let passphrase = std::fs::read_to_string(fixture.join("passphrase.txt")).unwrap();
        let mut ws = Workspace::open(
            &dir,
            &Passphrase::new(passphrase.trim().to_string()),
            "upgrade test",
        )
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let before = json(&fixture.join("status.json"));
        let stats = ws.stats().unwrap();
        for (field, now) in [
            ("workers", stats.workers),
            ("cases", stats.cases),
            ("agencies", stats.agencies),
            ("attachments", stats.attachments),
            ("outbox", stats.outbox),
            ("audit_entries", stats.audit_entries),
        ] {
            assert_eq!(
                before["stats"][field].as_i64().or(before[field].as_i64()),
                Some(now),
                "{name}: {field}"
            );
        }
        assert!(
            stats.schema_version
                >= before["stats"]["schema_version"]
                    .as_i64()
                    .or(before["schema_version"].as_i64())
                    .unwrap(),
            "{name}: the schema only moves forward"
        );
        assert!(
            matches!(
                ws.verify_audit_log().unwrap(),
                AuditVerification::Intact { entries } if entries == stats.audit_entries
            ),
            "{name}: the audit chain is intact"
        );
        // Every registered letter keeps its number and its hash, and the PDF written at
        // registration is still recognised as that letter.
        let letters_before = json(&fixture.join("letters.json"));
        let letters_now = serde_json::to_value(ws.letters(None).unwrap()).unwrap();
        assert_eq!(letters_now, letters_before, "{name}: the registry");
        let pdf = std::fs::read(fixture.join("letter.pdf")).unwrap();
        let verified = ws.verify_letter_bytes(&pdf).unwrap();
        assert!(
            verified.letter.is_some(),
            "{name}: the registered PDF verifies"
        );
        // The upgraded workspace works: the dashboard and search read the migrated tables.
        let dashboard = ws.dashboard().unwrap();
        assert!(dashboard.open_case_total > 0, "{name}: open cases counted");
        let hits = ws.search("Fixture note", 5).unwrap();
        assert!(
            hits.iter().any(|h| h.kind == qorgau_core::SearchKind::Case),
            "{name}: the timeline note is found: {hits:?}"
        );
        // Entries written after the upgrade join the old chain (keyed from schema 8 on), and
        // the whole log still verifies.
        ws.record_event("upgrade_checked", "workspace", None, None)
            .unwrap();
        assert!(
            matches!(
                ws.verify_audit_log().unwrap(),
                AuditVerification::Intact { entries } if entries == stats.audit_entries + 1
            ),
            "{name}: the audit chain goes on intact after the upgrade"
        );
    }
}
