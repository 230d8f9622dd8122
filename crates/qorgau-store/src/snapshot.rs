//! A consistent copy of the encrypted database for a backup, taken while the workspace is in
//! use: `VACUUM INTO` reads one snapshot (a single read transaction, so writers on other
//! connections neither block it nor appear half-way in it) and writes a compact copy that
//! SQLCipher encrypts with the same key as the database it copies.

use crate::error::{StoreError, StoreResult};
use crate::store::Store;
use rusqlite::OptionalExtension;
use std::path::Path;

impl Store {
    /// Writes a consistent, encrypted copy of the database to `path` (which must not exist).
    pub fn snapshot_into(&self, path: &Path) -> StoreResult<()> {
        let target = path
            .to_str()
            .ok_or_else(|| StoreError::Kdf(format!("path {} is not UTF-8", path.display())))?;
        self.conn.execute("VACUUM INTO ?1", [target])?;
        Ok(())
    }

    /// When the audit log last recorded `action` (e.g. `backup_create`), as its timestamp.
    pub fn last_event_at(&self, action: &str) -> StoreResult<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT at FROM audit_log WHERE action = ?1 ORDER BY seq DESC LIMIT 1",
                [action],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// `PRAGMA cipher_integrity_check`: every page's HMAC verified; empty when all are intact.
    pub fn cipher_integrity_check(&self) -> StoreResult<Vec<String>> {
        let mut stmt = self.conn.prepare("PRAGMA cipher_integrity_check")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
