//! Backups: a restored backup has the same state hash as the workspace it was made of; a
//! truncated or altered backup is refused; the copy is encrypted; a wrong passphrase is told
//! apart from damage.

use qorgau_core::backup::{restore_backup, verify_backup};
use qorgau_core::domain::attachment::AttachmentOwner;
use qorgau_core::{
    ErrorCode, KdfParams, NewAttachment, Passphrase, Workspace, WorkspaceOptions, demo,
};

const PASS: &str = "backup test passphrase";

fn populated() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let options = WorkspaceOptions {
        kdf: KdfParams::FAST_INSECURE_FOR_TESTS,
        actor: "backup test".into(),
    };
    let mut ws =
        Workspace::create(&dir.path().join("ws"), &Passphrase::new(PASS), &options).unwrap();
    let today = chrono::Local::now().date_naive();
    demo::populate(&mut ws, 40, 60, 7, today).unwrap();
    let worker = ws.list_workers(&Default::default()).unwrap()[0].id;
    ws.add_attachment(&NewAttachment {
        owner: AttachmentOwner::Worker(worker),
        file_name: "contract.pdf",
        mime_type: "application/pdf",
        caption: None,
        bytes: b"%PDF-1.4 a scanned contract",
    })
    .unwrap();
    // A workspace template travels with the backup.
    std::fs::create_dir_all(ws.dir().join("letters")).unwrap();
    std::fs::write(ws.dir().join("letters/own.toml"), "# own template\n").unwrap();
    (dir, ws)
}

#[test]
fn restore_gives_the_same_state_hash() {
    let (dir, mut ws) = populated();
    let file = dir.path().join("ws.qorgau-backup");
    let made = ws.create_backup(&file).unwrap();
    assert_eq!(made.state_hash, ws.state_hash().unwrap());
    assert!(ws.last_backup_at().unwrap().is_some());
    assert!(
        ws.create_backup(&file).is_err(),
        "an existing file is not overwritten"
    );

    // Encrypted: neither SQLite's plaintext header nor a name appears in the file.
    let bytes = std::fs::read(&file).unwrap();
    let name = ws.list_workers(&Default::default()).unwrap()[0]
        .display_name
        .clone();
    assert!(!bytes.windows(15).any(|w| w == b"SQLite format 3"));
    assert!(
        !bytes.windows(name.len()).any(|w| w == name.as_bytes()),
        "{name}"
    );

    let verified = verify_backup(&file, &Passphrase::new(PASS)).unwrap();
    assert_eq!(verified.state_hash, made.state_hash);
    assert_eq!(verified.attachments, 1);
    assert_eq!(verified.workers, 40);

    let target = dir.path().join("restored");
    let restored = restore_backup(&file, &Passphrase::new(PASS), &target).unwrap();
    assert_eq!(restored.state_hash, made.state_hash);
    let reopened = Workspace::open(&target, &Passphrase::new(PASS), "restorer").unwrap();
    assert_eq!(reopened.state_hash().unwrap(), made.state_hash);
    assert_eq!(
        std::fs::read_to_string(target.join("letters/own.toml")).unwrap(),
        "# own template\n"
    );
    // Into a directory that holds something: refused, and it is left as it was.
    let e = restore_backup(&file, &Passphrase::new(PASS), &target).unwrap_err();
    assert_eq!(e.code, ErrorCode::AlreadyExists);
}

#[test]
fn truncated_altered_or_wrongly_unlocked_backups_are_refused() {
    let (dir, mut ws) = populated();
    let file = dir.path().join("b.qorgau-backup");
    ws.create_backup(&file).unwrap();
    let good = std::fs::read(&file).unwrap();
    let pass = Passphrase::new(PASS);
    let bad = dir.path().join("bad.qorgau-backup");

    let refused = |bytes: &[u8], what: &str| {
        std::fs::write(&bad, bytes).unwrap();
        let e = verify_backup(&bad, &pass).unwrap_err();
        assert_eq!(e.code, ErrorCode::Invalid, "{what}: {e:?}");
        let target = dir
            .path()
            .join(format!("restore-{}", what.replace(' ', "-")));
        assert!(restore_backup(&bad, &pass, &target).is_err(), "{what}");
        assert!(!target.exists(), "{what}: nothing is left behind");
        e.message
    };
    let m = refused(&good[..good.len() / 2], "truncated");
    assert!(m.contains("damaged or incomplete"), "{m}");
    refused(&good[..good.len() - 1], "one byte short");
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x01;
    let m = refused(&flipped, "altered");
    assert!(m.contains("checksum"), "{m}");
    // Altered with the checksum recomputed: the file's own hash (and SQLCipher's page HMACs)
    // still catch it.
    let mut forged = flipped.clone();
    let n = forged.len() - 32;
    use sha2::Digest;
    let digest = sha2::Sha256::digest(&forged[..n]);
    forged[n..].copy_from_slice(&digest);
    refused(&forged, "forged");
    refused(
        b"not a backup at all, just some bytes that are long enough",
        "not a backup",
    );

    let e = verify_backup(&file, &Passphrase::new("another passphrase")).unwrap_err();
    assert_eq!(e.code, ErrorCode::WrongPassphrase);
}
