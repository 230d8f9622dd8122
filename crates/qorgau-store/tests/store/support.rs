//! Shared helpers: workspaces, valid test people, file snapshots and a raw SQLCipher connection.

use chrono::{Datelike, NaiveDate};
use qorgau_domain::validation::iin::{check_digit, parse_iin};
use qorgau_domain::{Sex, Worker};
use qorgau_store::{
    ChangeRecord, DB_FILE, HEADER_FILE, KdfParams, Passphrase, Store, WorkspaceHeader,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;
use tempfile::TempDir;

pub const PASSPHRASE: &str = "жылқы батареясы қапсырма 42";

pub fn pass() -> Passphrase {
    Passphrase::new(PASSPHRASE)
}

/// A fresh workspace in its own temporary directory (the directory is the workspace).
pub fn new_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::create(dir.path(), &pass(), KdfParams::FAST_INSECURE_FOR_TESTS)
        .expect("create workspace");
    (dir, store)
}

pub fn reopen(dir: &Path) -> Store {
    Store::open(dir, &pass()).expect("reopen workspace")
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// A valid IIN for this birth date and sex: the first serial from `serial` on whose check digit
/// exists. Checked with the domain's own parser.
pub fn iin(birth: NaiveDate, sex: Sex, serial: u16) -> String {
    let century_digit = match (birth.year() / 100, sex) {
        (18, Sex::Male) => 1,
        (18, Sex::Female) => 2,
        (19, Sex::Male) => 3,
        (19, Sex::Female) => 4,
        (20, Sex::Male) => 5,
        (20, Sex::Female) => 6,
        _ => panic!("no IIN century digit for {birth}"),
    };
    let mut serial = u32::from(serial);
    loop {
        let body = format!(
            "{:02}{:02}{:02}{century_digit}{:04}",
            birth.year() % 100,
            birth.month(),
            birth.day(),
            serial % 10_000
        );
        let digits: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
        if let Some(check) = check_digit(&digits) {
            let iin = format!("{body}{check}");
            let info = parse_iin(&iin).expect("generated IIN parses");
            assert_eq!((info.birth_date, info.sex), (birth, sex));
            return iin;
        }
        serial += 1;
    }
}

/// A worker with a Cyrillic surname and given name and nothing else.
pub fn cyrillic(surname: &str, given: &str) -> Worker {
    Worker {
        surname: Some(surname.into()),
        given_name: Some(given.into()),
        ..Worker::default()
    }
}

/// The file names, sizes, modification times and SHA-256 of every file in `dir`.
pub type Snapshot = BTreeMap<String, (u64, SystemTime, String)>;

pub fn snapshot(dir: &Path) -> Snapshot {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let entry = entry.expect("dir entry");
        let meta = entry.metadata().expect("metadata");
        if !meta.is_file() {
            continue;
        }
        let bytes = std::fs::read(entry.path()).expect("read file");
        out.insert(
            entry.file_name().to_string_lossy().into_owned(),
            (
                meta.len(),
                meta.modified().expect("mtime"),
                hex::encode(Sha256::digest(&bytes)),
            ),
        );
    }
    out
}

/// [`snapshot`] without the `-shm` file, which must be there. That file is SQLite's shared
/// wal-index, not data: any connection that finds a WAL, even one with the wrong key, rebuilds
/// the index there if needed and takes a read mark.
pub fn snapshot_without_shm(dir: &Path) -> Snapshot {
    let mut s = snapshot(dir);
    assert!(
        s.remove(&format!("{DB_FILE}-shm")).is_some(),
        "expected a -shm file: {s:?}"
    );
    s
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every change record in the outbox.
pub fn outbox(store: &Store) -> Vec<ChangeRecord> {
    store.outbox_after(0, i64::MAX).expect("outbox")
}

/// A SQLCipher connection opened the way the store opens it, with the key derived here from the
/// header (Argon2id, raw 32-byte key). Lets tests reach past the API to tamper with rows; it also
/// pins the key derivation: if the store derived its key differently, existing workspaces could
/// no longer be opened and this would fail.
pub fn raw_connection(dir: &Path, passphrase: &str) -> rusqlite::Connection {
    let header = WorkspaceHeader::read(&dir.join(HEADER_FILE)).expect("header");
    let p = header.kdf_params;
    let params = argon2::Params::new(p.memory_kib, p.iterations, p.parallelism, Some(32))
        .expect("argon2 params");
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let salt = hex::decode(&header.salt).expect("salt");
    let mut key = [0u8; 32];
    argon
        .hash_password_into(passphrase.as_bytes(), &salt, &mut key)
        .expect("argon2");
    let conn = rusqlite::Connection::open(dir.join(DB_FILE)).expect("open raw");
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(key)))
        .expect("key");
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .expect("the derived key opens the database");
    conn
}
