//! The embedded backend: one SQLite file in the server's data directory, WAL mode.

use crate::storage::{
    DeviceAuth, DeviceInfo, Id, JoinRequest, KeyBox, LeasedBlock, LogPage, NewEnrollment,
    NewEnvelope, Storage, StorageError, StorageResult, StoredEnvelope,
};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::path::Path;
use std::sync::Mutex;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS teams (
    id          BLOB PRIMARY KEY,
    created_at  INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE TABLE IF NOT EXISTS devices (
    team        BLOB NOT NULL REFERENCES teams(id),
    id          BLOB NOT NULL,
    token_hash  BLOB NOT NULL UNIQUE,
    admin       INTEGER NOT NULL DEFAULT 0,
    revoked     INTEGER NOT NULL DEFAULT 0,
    last_seq    INTEGER NOT NULL DEFAULT 0,
    enrollment  BLOB,
    PRIMARY KEY (team, id)
);
CREATE TABLE IF NOT EXISTS envelopes (
    global_seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    team        BLOB NOT NULL,
    device      BLOB NOT NULL,
    device_seq  INTEGER NOT NULL,
    key_epoch   INTEGER NOT NULL,
    size        INTEGER NOT NULL,
    blob        BLOB NOT NULL,
    UNIQUE (team, device, device_seq)
);
CREATE INDEX IF NOT EXISTS envelopes_team ON envelopes(team, global_seq);
CREATE TABLE IF NOT EXISTS registry_counters (
    team        BLOB NOT NULL,
    year        INTEGER NOT NULL,
    next_seq    INTEGER NOT NULL,
    PRIMARY KEY (team, year)
);
CREATE TABLE IF NOT EXISTS registry_leases (
    team        BLOB NOT NULL,
    device      BLOB NOT NULL,
    year        INTEGER NOT NULL,
    first_seq   INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL,
    leased_at   INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE TABLE IF NOT EXISTS enrollments (
    id          BLOB PRIMARY KEY,
    team        BLOB NOT NULL,
    auth_hash   BLOB NOT NULL,
    wrapped     BLOB NOT NULL,
    expires_at  INTEGER NOT NULL,
    redeemed_by BLOB
);
CREATE TABLE IF NOT EXISTS enrollment_requests (
    enrollment  BLOB PRIMARY KEY,
    team        BLOB NOT NULL,
    device      BLOB NOT NULL,
    token_hash  BLOB NOT NULL,
    request     BLOB NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS team_log (
    team        BLOB NOT NULL,
    seq         INTEGER NOT NULL,
    entry       BLOB NOT NULL,
    PRIMARY KEY (team, seq)
);
-- Builds before the team log wrapped team keys for each code; none is kept any more.
UPDATE enrollments SET wrapped = x'' WHERE length(wrapped) > 0;
CREATE TABLE IF NOT EXISTS key_boxes (
    team        BLOB NOT NULL,
    device      BLOB NOT NULL,
    epoch       INTEGER NOT NULL,
    blob        BLOB NOT NULL,
    PRIMARY KEY (team, device, epoch)
);
"#;

pub const DB_FILE: &str = "qorgau-server.db";

#[derive(Debug)]
pub struct SqliteStorage {
    conn: Mutex<Connection>,
}

fn backend(e: rusqlite::Error) -> StorageError {
    StorageError::Backend(e.to_string())
}

impl SqliteStorage {
    pub fn open(dir: &Path) -> StorageResult<Self> {
        std::fs::create_dir_all(dir).map_err(|e| StorageError::Backend(e.to_string()))?;
        let conn = Connection::open(dir.join(DB_FILE)).map_err(backend)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;",
        )
        .map_err(backend)?;
        conn.execute_batch(SCHEMA).map_err(backend)?;
        Ok(SqliteStorage {
            conn: Mutex::new(conn),
        })
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> StorageResult<T>,
    ) -> StorageResult<T> {
        let mut conn = self
            .conn
            .lock()
            .map_err(|_| StorageError::Backend("storage lock poisoned".into()))?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(backend)?;
        let out = f(&tx)?;
        tx.commit().map_err(backend)?;
        Ok(out)
    }
}

/// A unique-constraint violation as `exists`, anything else as a backend failure.
fn or_exists(e: rusqlite::Error, exists: StorageError) -> StorageError {
    if is_unique_violation(&e) {
        exists
    } else {
        backend(e)
    }
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation
    )
}

/// Forgets enrollments (and their join requests) that expired before `before`.
fn purge_expired(tx: &rusqlite::Transaction<'_>, before: i64) -> StorageResult<()> {
    tx.execute(
        "DELETE FROM enrollment_requests WHERE expires_at < ?1",
        [before],
    )
    .map_err(backend)?;
    tx.execute("DELETE FROM enrollments WHERE expires_at < ?1", [before])
        .map_err(backend)?;
    Ok(())
}

impl Storage for SqliteStorage {
    fn create_team(&self, team: Id, device: Id, token_hash: [u8; 32]) -> StorageResult<()> {
        self.with(|tx| {
            tx.execute("INSERT INTO teams (id) VALUES (?1)", [&team[..]])
                .map_err(|e| or_exists(e, StorageError::TeamExists))?;
            tx.execute(
                "INSERT INTO devices (team, id, token_hash, admin) VALUES (?1, ?2, ?3, 1)",
                params![&team[..], &device[..], &token_hash[..]],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn add_device(&self, team: Id, device: Id, token_hash: [u8; 32]) -> StorageResult<()> {
        self.with(|tx| {
            tx.execute(
                "INSERT INTO devices (team, id, token_hash) VALUES (?1, ?2, ?3)",
                params![&team[..], &device[..], &token_hash[..]],
            )
            .map_err(|e| or_exists(e, StorageError::DeviceExists))?;
            Ok(())
        })
    }

    fn authenticate(&self, token_hash: [u8; 32]) -> StorageResult<Option<DeviceAuth>> {
        self.with(|tx| {
            tx.query_row(
                "SELECT team, id, admin, revoked FROM devices WHERE token_hash = ?1",
                [&token_hash[..]],
                |r| {
                    Ok(DeviceAuth {
                        team: r.get(0)?,
                        device: r.get(1)?,
                        admin: r.get(2)?,
                        revoked: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(backend)
        })
    }

    fn revoke(&self, team: Id, device: Id) -> StorageResult<()> {
        self.with(|tx| {
            let n = tx
                .execute(
                    "UPDATE devices SET revoked = 1 WHERE team = ?1 AND id = ?2",
                    params![&team[..], &device[..]],
                )
                .map_err(backend)?;
            if n == 0 {
                return Err(StorageError::NoSuchDevice);
            }
            Ok(())
        })
    }

    fn push(&self, team: Id, device: Id, envelopes: &[NewEnvelope]) -> StorageResult<u64> {
        self.with(|tx| {
            // Checked again inside the push: a revocation that committed after the token
            // was checked still stops it.
            let (last, revoked) = tx
                .query_row(
                    "SELECT last_seq, revoked FROM devices WHERE team = ?1 AND id = ?2",
                    params![&team[..], &device[..]],
                    |r| Ok((r.get::<_, i64>(0)?, r.get::<_, bool>(1)?)),
                )
                .map_err(backend)?;
            if revoked {
                return Err(StorageError::Revoked);
            }
            let mut last = last as u64;
            for env in envelopes {
                if env.device_seq <= last {
                    // A retried push: accepted only with the very same bytes.
                    let stored: Option<Vec<u8>> = tx
                        .query_row(
                            "SELECT blob FROM envelopes WHERE team = ?1 AND device = ?2 AND device_seq = ?3",
                            params![&team[..], &device[..], env.device_seq as i64],
                            |r| r.get(0),
                        )
                        .optional()
                        .map_err(backend)?;
                    if stored.as_deref() != Some(&env.blob[..]) {
                        return Err(StorageError::Conflicting {
                            seq: env.device_seq,
                        });
                    }
                    continue;
                }
                if env.device_seq != last + 1 {
                    return Err(StorageError::OutOfOrder {
                        expected: last + 1,
                        got: env.device_seq,
                    });
                }
                tx.execute(
                    "INSERT INTO envelopes (team, device, device_seq, key_epoch, size, blob)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        &team[..],
                        &device[..],
                        env.device_seq as i64,
                        env.key_epoch,
                        env.blob.len() as i64,
                        &env.blob
                    ],
                )
                .map_err(backend)?;
                last = env.device_seq;
            }
            tx.execute(
                "UPDATE devices SET last_seq = ?3 WHERE team = ?1 AND id = ?2",
                params![&team[..], &device[..], last as i64],
            )
            .map_err(backend)?;
            tx.query_row(
                "SELECT coalesce(max(global_seq), 0) FROM envelopes WHERE team = ?1",
                [&team[..]],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as u64)
            .map_err(backend)
        })
    }

    fn pull(
        &self,
        team: Id,
        after: u64,
        limit: u32,
        max_bytes: u64,
    ) -> StorageResult<Vec<StoredEnvelope>> {
        self.with(|tx| {
            let mut stmt = tx
                .prepare(
                    "SELECT global_seq, device, device_seq, key_epoch, size, blob FROM envelopes
                     WHERE team = ?1 AND global_seq > ?2 ORDER BY global_seq LIMIT ?3",
                )
                .map_err(backend)?;
            let mut rows = stmt
                .query(params![&team[..], after as i64, limit])
                .map_err(backend)?;
            // Row by row, reading a blob only once its size fits the budget: SQLite reads a
            // row's overflow pages only when the column is fetched.
            let mut out = Vec::new();
            let mut bytes = 0u64;
            while let Some(r) = rows.next().map_err(backend)? {
                let size = r.get::<_, i64>(4).map_err(backend)?.max(1) as u64;
                if !out.is_empty() && bytes + size > max_bytes {
                    break;
                }
                bytes += size;
                out.push(StoredEnvelope {
                    global_seq: r.get::<_, i64>(0).map_err(backend)? as u64,
                    device: r.get(1).map_err(backend)?,
                    device_seq: r.get::<_, i64>(2).map_err(backend)? as u64,
                    key_epoch: r.get(3).map_err(backend)?,
                    blob: r.get(5).map_err(backend)?,
                });
            }
            Ok(out)
        })
    }

    fn team_bytes(&self, team: Id) -> StorageResult<u64> {
        self.with(|tx| {
            tx.query_row(
                "SELECT coalesce(sum(size), 0) FROM envelopes WHERE team = ?1",
                params![&team[..]],
                |r| r.get::<_, i64>(0),
            )
            .map(|v| v as u64)
            .map_err(backend)
        })
    }

    fn high_water(&self, team: Id) -> StorageResult<u64> {
        self.with(|tx| {
            tx.query_row(
                "SELECT coalesce(max(global_seq), 0) FROM envelopes WHERE team = ?1",
                params![&team[..]],
                |r| r.get::<_, i64>(0),
            )
            .map(|v| v as u64)
            .map_err(backend)
        })
    }

    fn lease_block(
        &self,
        team: Id,
        device: Id,
        year: i32,
        size: u32,
        at_least: u32,
    ) -> StorageResult<LeasedBlock> {
        self.with(|tx| {
            let first: u32 = tx
                .query_row(
                    "INSERT INTO registry_counters (team, year, next_seq) VALUES (?1, ?2, max(?4, 1) + ?3)
                     ON CONFLICT (team, year) DO UPDATE SET next_seq = max(next_seq, ?4) + ?3
                     RETURNING next_seq - ?3",
                    params![&team[..], year, size, at_least],
                    |r| r.get(0),
                )
                .map_err(backend)?;
            let block = LeasedBlock {
                year,
                first_seq: first,
                last_seq: first + size - 1,
            };
            tx.execute(
                "INSERT INTO registry_leases (team, device, year, first_seq, last_seq)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    &team[..],
                    &device[..],
                    year,
                    block.first_seq,
                    block.last_seq
                ],
            )
            .map_err(backend)?;
            Ok(block)
        })
    }

    fn devices(&self, team: Id) -> StorageResult<Vec<DeviceInfo>> {
        self.with(|tx| {
            let mut stmt = tx
                .prepare(
                    "SELECT id, admin, revoked, last_seq, enrollment FROM devices WHERE team = ?1
                     ORDER BY admin DESC, rowid",
                )
                .map_err(backend)?;
            let rows = stmt
                .query_map([&team[..]], |r| {
                    Ok(DeviceInfo {
                        device: r.get(0)?,
                        admin: r.get(1)?,
                        revoked: r.get(2)?,
                        last_seq: r.get::<_, i64>(3)? as u64,
                        enrollment: r.get(4)?,
                    })
                })
                .map_err(backend)?;
            rows.collect::<Result<_, _>>().map_err(backend)
        })
    }

    fn create_enrollment(&self, team: Id, e: &NewEnrollment) -> StorageResult<()> {
        self.with(|tx| {
            tx.execute(
                "INSERT INTO enrollments (id, team, auth_hash, wrapped, expires_at)
                 VALUES (?1, ?2, ?3, x'', ?4)",
                params![&e.id[..], &team[..], &e.auth_hash[..], e.expires_at],
            )
            .map_err(|err| or_exists(err, StorageError::DeviceExists))?;
            Ok(())
        })
    }

    fn redeem_enrollment(
        &self,
        id: Id,
        auth_hash: [u8; 32],
        device: Id,
        token_hash: [u8; 32],
        request: &[u8],
        now: i64,
    ) -> StorageResult<Id> {
        self.with(|tx| {
            type Row = (Id, Vec<u8>, i64, Option<Vec<u8>>);
            let row: Option<Row> = tx
                .query_row(
                    "SELECT team, auth_hash, expires_at, redeemed_by FROM enrollments
                     WHERE id = ?1",
                    [&id[..]],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()
                .map_err(backend)?;
            let Some((team, stored, expires_at, redeemed)) = row else {
                return Err(StorageError::NoSuchEnrollment);
            };
            if stored != auth_hash {
                return Err(StorageError::NoSuchEnrollment);
            }
            if redeemed.is_some() || now > expires_at {
                return Err(StorageError::EnrollmentSpent);
            }
            let known: i64 = tx
                .query_row(
                    "SELECT count(*) FROM devices WHERE team = ?1 AND id = ?2",
                    params![&team[..], &device[..]],
                    |r| r.get(0),
                )
                .map_err(backend)?;
            if known > 0 {
                return Err(StorageError::DeviceExists);
            }
            tx.execute(
                "UPDATE enrollments SET redeemed_by = ?2 WHERE id = ?1",
                params![&id[..], &device[..]],
            )
            .map_err(backend)?;
            tx.execute(
                "INSERT INTO enrollment_requests (enrollment, team, device, token_hash, request,
                     expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    &id[..],
                    &team[..],
                    &device[..],
                    &token_hash[..],
                    request,
                    expires_at
                ],
            )
            .map_err(|e| or_exists(e, StorageError::EnrollmentSpent))?;
            Ok(team)
        })
    }

    fn pending_enrollments(&self, team: Id, now: i64) -> StorageResult<Vec<JoinRequest>> {
        self.with(|tx| {
            purge_expired(tx, now)?;
            let mut stmt = tx
                .prepare(
                    "SELECT enrollment, device, request, expires_at FROM enrollment_requests
                     WHERE team = ?1 ORDER BY rowid",
                )
                .map_err(backend)?;
            let rows = stmt
                .query_map([&team[..]], |r| {
                    Ok(JoinRequest {
                        enrollment: r.get(0)?,
                        device: r.get(1)?,
                        request: r.get(2)?,
                        expires_at: r.get(3)?,
                    })
                })
                .map_err(backend)?;
            rows.collect::<Result<_, _>>().map_err(backend)
        })
    }

    fn approve_enrollment(&self, team: Id, enrollment: Id, now: i64) -> StorageResult<Id> {
        self.with(|tx| {
            let row: Option<(Id, Vec<u8>, i64)> = tx
                .query_row(
                    "SELECT device, token_hash, expires_at FROM enrollment_requests
                     WHERE enrollment = ?1 AND team = ?2",
                    params![&enrollment[..], &team[..]],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()
                .map_err(backend)?;
            let Some((device, token_hash, expires_at)) = row else {
                return Err(StorageError::NoSuchRequest);
            };
            if now > expires_at {
                return Err(StorageError::NoSuchRequest);
            }
            tx.execute(
                "INSERT INTO devices (team, id, token_hash, enrollment) VALUES (?1, ?2, ?3, ?4)",
                params![&team[..], &device[..], &token_hash, &enrollment[..]],
            )
            .map_err(|e| or_exists(e, StorageError::DeviceExists))?;
            tx.execute(
                "DELETE FROM enrollment_requests WHERE enrollment = ?1",
                [&enrollment[..]],
            )
            .map_err(backend)?;
            Ok(device)
        })
    }

    fn append_log(&self, team: Id, first_seq: u64, entries: &[Vec<u8>]) -> StorageResult<u64> {
        self.with(|tx| {
            let head: i64 = tx
                .query_row(
                    "SELECT coalesce(max(seq), 0) FROM team_log WHERE team = ?1",
                    [&team[..]],
                    |r| r.get(0),
                )
                .map_err(backend)?;
            let head = head as u64;
            if first_seq != head + 1 {
                return Err(StorageError::LogConflict { head });
            }
            for (i, entry) in entries.iter().enumerate() {
                tx.execute(
                    "INSERT INTO team_log (team, seq, entry) VALUES (?1, ?2, ?3)",
                    params![&team[..], (first_seq + i as u64) as i64, entry],
                )
                .map_err(backend)?;
            }
            Ok(head + entries.len() as u64)
        })
    }

    fn log(&self, team: Id, after: u64) -> StorageResult<LogPage> {
        self.with(|tx| {
            let mut stmt = tx
                .prepare(
                    "SELECT seq, entry FROM team_log WHERE team = ?1 AND seq > ?2 ORDER BY seq",
                )
                .map_err(backend)?;
            let rows = stmt
                .query_map(params![&team[..], after as i64], |r| {
                    Ok((r.get::<_, i64>(0)? as u64, r.get(1)?))
                })
                .map_err(backend)?;
            let entries: Vec<(u64, Vec<u8>)> = rows.collect::<Result<_, _>>().map_err(backend)?;
            let head: i64 = tx
                .query_row(
                    "SELECT coalesce(max(seq), 0) FROM team_log WHERE team = ?1",
                    [&team[..]],
                    |r| r.get(0),
                )
                .map_err(backend)?;
            Ok((entries, head as u64))
        })
    }

    fn set_admin(&self, team: Id, device: Id, admin: bool) -> StorageResult<()> {
        self.with(|tx| {
            let n = tx
                .execute(
                    "UPDATE devices SET admin = ?3 WHERE team = ?1 AND id = ?2",
                    params![&team[..], &device[..], admin],
                )
                .map_err(backend)?;
            if n == 0 {
                return Err(StorageError::NoSuchDevice);
            }
            Ok(())
        })
    }

    fn put_key_boxes(&self, team: Id, boxes: &[KeyBox]) -> StorageResult<()> {
        self.with(|tx| {
            for b in boxes {
                let known: bool = tx
                    .query_row(
                        "SELECT count(*) FROM devices WHERE team = ?1 AND id = ?2",
                        params![&team[..], &b.device[..]],
                        |r| r.get::<_, i64>(0),
                    )
                    .map_err(backend)?
                    > 0;
                if !known {
                    return Err(StorageError::NoSuchDevice);
                }
                tx.execute(
                    "INSERT OR IGNORE INTO key_boxes (team, device, epoch, blob) VALUES (?1, ?2, ?3, ?4)",
                    params![&team[..], &b.device[..], b.epoch, &b.blob],
                )
                .map_err(backend)?;
            }
            Ok(())
        })
    }

    fn key_boxes(&self, team: Id, device: Id) -> StorageResult<Vec<KeyBox>> {
        self.with(|tx| {
            let mut stmt = tx
                .prepare(
                    "SELECT epoch, blob FROM key_boxes WHERE team = ?1 AND device = ?2 ORDER BY epoch",
                )
                .map_err(backend)?;
            let rows = stmt
                .query_map(params![&team[..], &device[..]], |r| {
                    Ok(KeyBox {
                        device,
                        epoch: r.get(0)?,
                        blob: r.get(1)?,
                    })
                })
                .map_err(backend)?;
            rows.collect::<Result<_, _>>().map_err(backend)
        })
    }
}
