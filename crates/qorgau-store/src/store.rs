//! The `Store`: one unlocked workspace.

use crate::audit::{self, AuditEntry, AuditVerification};
use crate::changes::{self, ChangeRecord, Writer};
use crate::connection::{self, Mode};
use crate::error::{StoreError, StoreResult};
use crate::header::{KdfParams, WorkspaceHeader};
use crate::migrations;
use crate::secret::Passphrase;
use crate::{DB_FILE, HEADER_FILE};
use qorgau_domain::{DeviceId, Hlc, HlcClock};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use std::cell::RefCell;
use std::path::{Path, PathBuf};

/// An unlocked workspace. Dropping it closes the database.
#[derive(Debug)]
pub struct Store {
    pub(crate) conn: Connection,
    dir: PathBuf,
    header: Option<WorkspaceHeader>,
    pub(crate) device_id: DeviceId,
    pub(crate) clock: HlcClock,
    pub(crate) actor: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StoreStats {
    pub workers: i64,
    pub cases: i64,
    pub agencies: i64,
    pub attachments: i64,
    pub outbox: i64,
    pub audit_entries: i64,
    pub schema_version: i64,
    pub cipher_version: String,
}

impl Store {
    /// Creates a new workspace in `dir` (created if missing; must not hold a workspace yet).
    pub fn create(dir: &Path, passphrase: &Passphrase, kdf: KdfParams) -> StoreResult<Store> {
        if passphrase.is_empty() {
            return Err(StoreError::Kdf("the passphrase is empty".into()));
        }
        std::fs::create_dir_all(dir)?;
        let header_path = dir.join(HEADER_FILE);
        if header_path.exists() || dir.join(DB_FILE).exists() {
            return Err(StoreError::AlreadyExists(dir.display().to_string()));
        }
        let header = WorkspaceHeader::new(kdf)?;
        let key = header.derive_key(passphrase)?;
        let conn = connection::open_encrypted(&dir.join(DB_FILE), &key, Mode::Create)?;
        let store = Self::initialise(conn, dir, Some(header.clone()))?;
        // The header goes last: a directory without it is not a workspace yet.
        header.write(&header_path)?;
        Ok(store)
    }

    /// Opens and unlocks an existing workspace. A wrong passphrase touches no file.
    pub fn open(dir: &Path, passphrase: &Passphrase) -> StoreResult<Store> {
        let header_path = dir.join(HEADER_FILE);
        if !header_path.exists() || !dir.join(DB_FILE).exists() {
            return Err(StoreError::NotAWorkspace(dir.display().to_string()));
        }
        let header = WorkspaceHeader::read(&header_path)?;
        let key = header.derive_key(passphrase)?;
        let conn = connection::open_encrypted(&dir.join(DB_FILE), &key, Mode::OpenExisting)?;
        Self::initialise(conn, dir, Some(header))
    }

    /// A store on a plain, unencrypted SQLite file, used only as the baseline of
    /// `qorgau bench store`. It lives under a file name `open` never reads.
    #[doc(hidden)]
    pub fn create_unencrypted_for_benchmark(dir: &Path) -> StoreResult<Store> {
        std::fs::create_dir_all(dir)?;
        let conn = connection::open_plain_for_benchmark(&dir.join("benchmark-plain.sqlite"))?;
        Self::initialise(conn, dir, None)
    }

    fn initialise(
        mut conn: Connection,
        dir: &Path,
        header: Option<WorkspaceHeader>,
    ) -> StoreResult<Store> {
        migrations::migrate(&mut conn)?;
        let device_id = match meta_get(&conn, "device_id")? {
            Some(text) => text
                .parse::<DeviceId>()
                .map_err(|e| StoreError::BadHeader(format!("device id: {e}")))?,
            None => {
                let id = DeviceId::new();
                meta_set(&conn, "device_id", &id.to_string())?;
                id
            }
        };
        let last = meta_get(&conn, "hlc_last")?
            .and_then(|t| t.parse::<u64>().ok())
            .unwrap_or(0);
        Ok(Store {
            conn,
            dir: dir.to_path_buf(),
            header,
            device_id,
            clock: HlcClock::starting_after(Hlc(last)),
            actor: "unknown".into(),
        })
    }

    /// Caps this connection's page cache at `mib` MiB (the default, sized for bulk writes, is
    /// [`crate::BULK_PAGE_CACHE_MIB`]) and hands back what it holds above that. An
    /// interactive shell that keeps a workspace open all day uses a small cache: its reads
    /// touch few pages, and each miss costs only a page decryption.
    pub fn set_page_cache_mib(&self, mib: u32) -> StoreResult<()> {
        let kib = i64::from(mib) * 1024;
        self.conn.execute_batch(&format!(
            "PRAGMA cache_size = -{kib}; PRAGMA shrink_memory;"
        ))?;
        Ok(())
    }

    /// The page cache's cap in MiB.
    pub fn page_cache_mib(&self) -> StoreResult<i64> {
        let size: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        Ok(if size < 0 {
            -size / 1024
        } else {
            size * 4 / 1024
        })
    }

    /// Names the caseworker recorded as the author of changes and audit entries.
    pub fn set_actor(&mut self, actor: impl Into<String>) {
        self.actor = actor.into();
    }

    pub fn actor(&self) -> &str {
        &self.actor
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn device_id(&self) -> DeviceId {
        self.device_id
    }

    /// Changes the passphrase. The database is re-encrypted with the new key in one step
    /// (SQLCipher rekeys inside a single transaction); the salt and cost parameters stay, so the
    /// header file does not change and there is no moment where the two disagree.
    pub fn change_passphrase(&mut self, new: &Passphrase) -> StoreResult<()> {
        if new.is_empty() {
            return Err(StoreError::Kdf("the new passphrase is empty".into()));
        }
        let Some(header) = &self.header else {
            return Err(StoreError::NotSqlCipher);
        };
        let key = header.derive_key(new)?;
        // Fold the WAL into the main file first so that every page is rewritten under the new key.
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        connection::rekey(&self.conn, &key)?;
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        let hlc = self.clock.now();
        audit::append(
            &self.conn,
            &audit::NewAuditEntry {
                hlc,
                device_id: self.device_id,
                actor: &self.actor,
                action: "passphrase_change",
                entity: "workspace",
                entity_id: None,
                detail: None,
            },
        )?;
        Ok(())
    }

    /// Runs one mutation in one transaction.
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&mut Writer<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        self.write_or(f)
    }

    /// [`Store::write`] for a mutation that can also fail for the caller's own reasons (a
    /// letter that does not render): any error rolls the whole transaction back.
    pub(crate) fn write_or<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut Writer<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = self.conn.transaction().map_err(StoreError::from)?;
        let mut writer = Writer {
            tx,
            clock: &mut self.clock,
            device_id: self.device_id,
            actor: &self.actor,
            audit_tail: RefCell::new(None),
        };
        let out = f(&mut writer)?;
        writer.finish()?;
        Ok(out)
    }

    /// Records an event that changes no data (an export, a print) in the audit log.
    pub fn record_event(
        &mut self,
        action: &str,
        entity: &str,
        entity_id: Option<&str>,
        detail: Option<&str>,
    ) -> StoreResult<()> {
        self.write(|w| {
            let hlc = w.tick();
            w.audit(hlc, action, entity, entity_id, detail)
        })
    }

    pub fn outbox_after(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<ChangeRecord>> {
        changes::read_outbox(&self.conn, after_seq, limit)
    }

    pub fn audit_recent(&self, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        audit::recent(&self.conn, limit)
    }

    pub fn verify_audit_log(&self) -> StoreResult<AuditVerification> {
        audit::verify(&self.conn)
    }

    /// `PRAGMA integrity_check`: "ok" or the problems found.
    pub fn integrity_check(&self) -> StoreResult<String> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let lines: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(lines.join("\n"))
    }

    pub fn stats(&self) -> StoreResult<StoreStats> {
        let count = |table: &str| -> StoreResult<i64> {
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok(StoreStats {
            workers: count("workers")?,
            cases: count("cases")?,
            agencies: count("agencies")?,
            attachments: count("attachments")?,
            outbox: count("outbox_fields")?,
            audit_entries: count("audit_log")?,
            schema_version: migrations::current_version(&self.conn)?,
            cipher_version: connection::require_sqlcipher(&self.conn).unwrap_or_default(),
        })
    }

    /// The SQLCipher version linked into this build, or an error when there is none.
    pub fn cipher_version() -> StoreResult<String> {
        let conn = Connection::open_in_memory()?;
        connection::require_sqlcipher(&conn)
    }
}

pub(crate) fn meta_get(conn: &Connection, key: &str) -> StoreResult<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

pub(crate) fn meta_set(conn: &Connection, key: &str, value: &str) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}
