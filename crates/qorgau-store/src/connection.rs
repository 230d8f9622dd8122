//! Opening the SQLCipher database with a raw key, and the checks that make sure it really is
//! encrypted and really is ours.

use crate::error::{StoreError, StoreResult};
use crate::secret::DbKey;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// Page cache per connection. Every cache miss on an encrypted database costs a page decryption
/// (HMAC-SHA512 check and AES), so the encryption overhead grows with the share of the database
/// that does not fit: with 64 MiB, bulk inserts into a 100k-worker, 300k-case workspace (650 MiB)
/// ran 1.3–1.45× slower encrypted than plain; with 256 MiB, 1.05–1.10× (see BENCHMARKS.md). The
/// cache grows only as pages are used, so a small workspace never takes that much memory.
pub const BULK_PAGE_CACHE_MIB: u32 = 256;
const CACHE_KIB: i64 = BULK_PAGE_CACHE_MIB as i64 * 1024;

pub(crate) enum Mode {
    Create,
    OpenExisting,
}

/// Opens (or creates) an encrypted database and proves the key is right by reading from it.
pub(crate) fn open_encrypted(path: &Path, key: &DbKey, mode: Mode) -> StoreResult<Connection> {
    let flags = match mode {
        Mode::Create => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        Mode::OpenExisting => OpenFlags::SQLITE_OPEN_READ_WRITE,
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = match open_keyed(path, key, flags, "NONE") {
        Ok(conn) => conn,
        // SQLCipher's key setup on a fresh connection (`sqlcipherCodecAttach`) failed, twice in
        // many thousands of test runs, with test threads opening workspaces at once; its only
        // failures there are allocations and provider set-up, and nothing has been read or
        // written yet. One more try on a new connection, with SQLCipher's own log on, so that
        // a second failure prints its reason.
        Err(StoreError::Sqlite(e)) if is_key_setup_failure(&e) => {
            let retried = open_keyed(path, key, flags, "ERROR");
            Connection::open_in_memory()?.execute_batch("PRAGMA cipher_log_level = NONE;")?;
            retried?
        }
        Err(e) => return Err(e),
    };
    // A wrong key is only noticed at the first read; nothing has been written before it.
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            return Err(StoreError::WrongPassphrase);
        }
        Err(e) => return Err(e.into()),
    }
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false)?;
    tune(&conn)?;
    Ok(conn)
}

/// A connection with the key applied (not yet proven right), SQLCipher logging at `log_level`.
fn open_keyed(
    path: &Path,
    key: &DbKey,
    flags: OpenFlags,
    log_level: &str,
) -> StoreResult<Connection> {
    let conn = Connection::open_with_flags(path, flags)?;
    require_sqlcipher(&conn)?;
    conn.execute_batch(&format!("PRAGMA cipher_log_level = {log_level};"))?;
    // After a crash the WAL is still there, and closing the last connection would checkpoint it
    // into the database and delete it, whatever the key: a wrong passphrase must not do that.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
    conn.execute_batch(&format!("PRAGMA key = {};", key.pragma_literal().as_str()))?;
    Ok(conn)
}

/// SQLCipher's answer when `PRAGMA key` could not set up the codec.
fn is_key_setup_failure(e: &rusqlite::Error) -> bool {
    e.to_string().contains("An error occurred with PRAGMA key")
}

/// Opens a plain SQLite database with the same tuning, only for the benchmark's baseline.
pub(crate) fn open_plain_for_benchmark(path: &Path) -> StoreResult<Connection> {
    let conn = Connection::open(path)?;
    tune(&conn)?;
    Ok(conn)
}

fn tune(conn: &Connection) -> StoreResult<()> {
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -{CACHE_KIB};"
    ))?;
    // A mutation uses a dozen statements; the default cache of 16 would evict and re-prepare
    // them in bulk inserts.
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// A SQLite without SQLCipher ignores `PRAGMA key` and writes plaintext; refuse to run on one.
pub(crate) fn require_sqlcipher(conn: &Connection) -> StoreResult<String> {
    let version: Option<String> = conn
        .query_row("PRAGMA cipher_version", [], |r| r.get(0))
        .ok();
    match version {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(StoreError::NotSqlCipher),
    }
}

/// Changes the key in one step (SQLCipher re-encrypts every page inside one transaction).
pub(crate) fn rekey(conn: &Connection, new_key: &DbKey) -> StoreResult<()> {
    conn.execute_batch(&format!(
        "PRAGMA rekey = {};",
        new_key.pragma_literal().as_str()
    ))?;
    Ok(())
}
