//! The PostgreSQL backend (`--database-url postgres://…`). Several server processes may share
//! one database: every call is one transaction, nothing is cached, and a team's pushes are
//! serialised by locking the team's row, which also hands out the team's envelope positions.
//! Positions are therefore assigned in commit order, so a device pulling "after N" never
//! skips an envelope that commits later with a smaller number.

use crate::storage::{
    DeviceAuth, DeviceInfo, Id, JoinRequest, KeyBox, LeasedBlock, LogPage, NewEnrollment,
    NewEnvelope, Storage, StorageError, StorageResult, StoredEnvelope,
};
use std::sync::Mutex;
use tokio::runtime::Handle;
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, NoTls, Transaction};

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS teams (
    id          BYTEA PRIMARY KEY,
    next_seq    BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS devices (
    team        BYTEA NOT NULL REFERENCES teams(id),
    id          BYTEA NOT NULL,
    token_hash  BYTEA NOT NULL UNIQUE,
    admin       BOOLEAN NOT NULL DEFAULT false,
    revoked     BOOLEAN NOT NULL DEFAULT false,
    last_seq    BIGINT NOT NULL DEFAULT 0,
    enrollment  BYTEA,
    added       BIGSERIAL,
    PRIMARY KEY (team, id)
);
CREATE TABLE IF NOT EXISTS envelopes (
    team        BYTEA NOT NULL,
    global_seq  BIGINT NOT NULL,
    device      BYTEA NOT NULL,
    device_seq  BIGINT NOT NULL,
    key_epoch   INTEGER NOT NULL,
    size        INTEGER NOT NULL,
    blob        BYTEA NOT NULL,
    PRIMARY KEY (team, global_seq),
    UNIQUE (team, device, device_seq)
);
CREATE TABLE IF NOT EXISTS registry_counters (
    team        BYTEA NOT NULL,
    year        INTEGER NOT NULL,
    next_seq    BIGINT NOT NULL,
    PRIMARY KEY (team, year)
);
CREATE TABLE IF NOT EXISTS registry_leases (
    team        BYTEA NOT NULL,
    device      BYTEA NOT NULL,
    year        INTEGER NOT NULL,
    first_seq   BIGINT NOT NULL,
    last_seq    BIGINT NOT NULL,
    leased_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS enrollments (
    id          BYTEA PRIMARY KEY,
    team        BYTEA NOT NULL,
    auth_hash   BYTEA NOT NULL,
    wrapped     BYTEA NOT NULL,
    expires_at  BIGINT NOT NULL,
    redeemed_by BYTEA
);
CREATE TABLE IF NOT EXISTS enrollment_requests (
    enrollment  BYTEA PRIMARY KEY,
    team        BYTEA NOT NULL,
    device      BYTEA NOT NULL,
    token_hash  BYTEA NOT NULL,
    request     BYTEA NOT NULL,
    expires_at  BIGINT NOT NULL,
    added       BIGSERIAL
);
CREATE TABLE IF NOT EXISTS team_log (
    team        BYTEA NOT NULL,
    seq         BIGINT NOT NULL,
    entry       BYTEA NOT NULL,
    PRIMARY KEY (team, seq)
);
-- Builds before the team log wrapped team keys for each code; none is kept any more.
UPDATE enrollments SET wrapped = ''::bytea WHERE length(wrapped) > 0;
CREATE TABLE IF NOT EXISTS key_boxes (
    team        BYTEA NOT NULL,
    device      BYTEA NOT NULL,
    epoch       INTEGER NOT NULL,
    blob        BYTEA NOT NULL,
    PRIMARY KEY (team, device, epoch)
);
"#;

/// Serialises schema creation between processes starting at once.
const SCHEMA_LOCK: i64 = 0x716f_7267_6175; // "qorgau"

/// Connections a server process opens to PostgreSQL by default.
pub const DEFAULT_POOL_SIZE: usize = 16;

/// PostgreSQL storage: a bounded pool of connections, used from blocking threads. At most
/// `pool_size` connections are open at once; further calls wait for one to be returned, so a
/// burst of requests cannot exhaust the database's `max_connections`.
pub struct PostgresStorage {
    url: String,
    runtime: Handle,
    idle: Mutex<Vec<Client>>,
    permits: tokio::sync::Semaphore,
}

impl std::fmt::Debug for PostgresStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStorage").finish_non_exhaustive()
    }
}

fn backend(e: tokio_postgres::Error) -> StorageError {
    StorageError::Backend(e.to_string())
}

/// A unique-constraint violation as `exists`, anything else as a backend failure.
fn or_exists(e: tokio_postgres::Error, exists: StorageError) -> StorageError {
    if is_unique_violation(&e) {
        exists
    } else {
        backend(e)
    }
}

fn is_unique_violation(e: &tokio_postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

fn id(bytes: Vec<u8>) -> StorageResult<Id> {
    bytes
        .try_into()
        .map_err(|_| StorageError::Backend("a stored id is not 16 bytes".into()))
}

async fn connect(url: &str) -> StorageResult<Client> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.map_err(backend)?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("qorgau-server: PostgreSQL connection ended: {e}");
        }
    });
    Ok(client)
}

impl PostgresStorage {
    /// Connects to `url` and creates the schema if it is missing. Call from inside the
    /// server's tokio runtime (storage calls then run on its blocking threads).
    /// At most `pool_size` connections (at least one) are open at once.
    pub async fn open(url: &str, pool_size: usize) -> StorageResult<Self> {
        let mut client = connect(url).await?;
        let tx = client.transaction().await.map_err(backend)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
            .await
            .map_err(backend)?;
        tx.batch_execute(SCHEMA).await.map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(PostgresStorage {
            url: url.to_string(),
            runtime: Handle::current(),
            idle: Mutex::new(vec![client]),
            permits: tokio::sync::Semaphore::new(pool_size.max(1)),
        })
    }

    /// Runs `f` in one transaction on a pooled connection. Called from a blocking thread.
    fn with<T>(
        &self,
        f: impl for<'t> AsyncFnOnce(&'t Transaction<'t>) -> StorageResult<T>,
    ) -> StorageResult<T> {
        self.runtime.block_on(async {
            // The permit stands for one open connection, pooled or in use.
            let _permit = self
                .permits
                .acquire()
                .await
                .map_err(|_| StorageError::Backend("connection pool closed".into()))?;
            let pooled = self
                .idle
                .lock()
                .map_err(|_| StorageError::Backend("connection pool poisoned".into()))?
                .pop();
            let mut client = match pooled {
                Some(c) if !c.is_closed() => c,
                _ => connect(&self.url).await?,
            };
            let tx = client.transaction().await.map_err(backend)?;
            let out = f(&tx).await;
            let out = match out {
                Ok(v) => {
                    tx.commit().await.map_err(backend)?;
                    Ok(v)
                }
                Err(e) => {
                    let _ = tx.rollback().await;
                    Err(e)
                }
            };
            if let Ok(mut idle) = self.idle.lock() {
                idle.push(client);
            }
            out
        })
    }
}

impl Storage for PostgresStorage {
    fn create_team(&self, team: Id, device: Id, token_hash: [u8; 32]) -> StorageResult<()> {
        self.with(async |tx| {
            tx.execute("INSERT INTO teams (id) VALUES ($1)", &[&&team[..]])
                .await
                .map_err(|e| or_exists(e, StorageError::TeamExists))?;
            tx.execute(
                "INSERT INTO devices (team, id, token_hash, admin) VALUES ($1, $2, $3, true)",
                &[&&team[..], &&device[..], &&token_hash[..]],
            )
            .await
            .map_err(backend)?;
            Ok(())
        })
    }

    fn add_device(&self, team: Id, device: Id, token_hash: [u8; 32]) -> StorageResult<()> {
        self.with(async |tx| {
            tx.execute(
                "INSERT INTO devices (team, id, token_hash) VALUES ($1, $2, $3)",
                &[&&team[..], &&device[..], &&token_hash[..]],
            )
            .await
            .map_err(|e| or_exists(e, StorageError::DeviceExists))?;
            Ok(())
        })
    }

    fn authenticate(&self, token_hash: [u8; 32]) -> StorageResult<Option<DeviceAuth>> {
        self.with(async |tx| {
            let row = tx
                .query_opt(
                    "SELECT team, id, admin, revoked FROM devices WHERE token_hash = $1",
                    &[&&token_hash[..]],
                )
                .await
                .map_err(backend)?;
            row.map(|r| {
                Ok(DeviceAuth {
                    team: id(r.get(0))?,
                    device: id(r.get(1))?,
                    admin: r.get(2),
                    revoked: r.get(3),
                })
            })
            .transpose()
        })
    }

    fn revoke(&self, team: Id, device: Id) -> StorageResult<()> {
        self.with(async |tx| {
            let n = tx
                .execute(
                    "UPDATE devices SET revoked = true WHERE team = $1 AND id = $2",
                    &[&&team[..], &&device[..]],
                )
                .await
                .map_err(backend)?;
            if n == 0 {
                return Err(StorageError::NoSuchDevice);
            }
            Ok(())
        })
    }

    fn push(&self, team: Id, device: Id, envelopes: &[NewEnvelope]) -> StorageResult<u64> {
        self.with(async |tx| {
            // The team's row lock orders its pushes across processes; its counter gives the
            // envelopes their positions in that order.
            let mut next: i64 = tx
                .query_one(
                    "SELECT next_seq FROM teams WHERE id = $1 FOR UPDATE",
                    &[&&team[..]],
                )
                .await
                .map_err(backend)?
                .get(0);
            let row = tx
                .query_one(
                    "SELECT last_seq, revoked FROM devices WHERE team = $1 AND id = $2",
                    &[&&team[..], &&device[..]],
                )
                .await
                .map_err(backend)?;
            if row.get::<_, bool>(1) {
                return Err(StorageError::Revoked);
            }
            let mut last = row.get::<_, i64>(0) as u64;
            let insert = tx
                .prepare(
                    "INSERT INTO envelopes (team, global_seq, device, device_seq, key_epoch, size, blob)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .await
                .map_err(backend)?;
            for env in envelopes {
                if env.device_seq <= last {
                    let stored = tx
                        .query_opt(
                            "SELECT blob FROM envelopes WHERE team = $1 AND device = $2 AND device_seq = $3",
                            &[&&team[..], &&device[..], &(env.device_seq as i64)],
                        )
                        .await
                        .map_err(backend)?
                        .map(|r| r.get::<_, Vec<u8>>(0));
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
                    &insert,
                    &[
                        &&team[..],
                        &next,
                        &&device[..],
                        &(env.device_seq as i64),
                        &(env.key_epoch as i32),
                        &(env.blob.len() as i32),
                        &env.blob,
                    ],
                )
                .await
                .map_err(backend)?;
                next += 1;
                last = env.device_seq;
            }
            tx.execute(
                "UPDATE devices SET last_seq = $3 WHERE team = $1 AND id = $2",
                &[&&team[..], &&device[..], &(last as i64)],
            )
            .await
            .map_err(backend)?;
            tx.execute(
                "UPDATE teams SET next_seq = $2 WHERE id = $1",
                &[&&team[..], &next],
            )
            .await
            .map_err(backend)?;
            Ok((next - 1) as u64)
        })
    }

    fn pull(
        &self,
        team: Id,
        after: u64,
        limit: u32,
        max_bytes: u64,
    ) -> StorageResult<Vec<StoredEnvelope>> {
        self.with(async |tx| {
            // The byte budget is applied to the sizes before any blob is read: only the
            // envelopes that fit (and always the first) are joined with their bytes.
            let rows = tx
                .query(
                    "SELECT e.global_seq, e.device, e.device_seq, e.key_epoch, e.blob
                     FROM (SELECT global_seq,
                                  sum(greatest(size, 1)) OVER (ORDER BY global_seq) AS running,
                                  row_number() OVER (ORDER BY global_seq) AS n
                           FROM (SELECT global_seq, size FROM envelopes
                                 WHERE team = $1 AND global_seq > $2
                                 ORDER BY global_seq LIMIT $3) AS page) AS w
                     JOIN envelopes e ON e.team = $1 AND e.global_seq = w.global_seq
                     WHERE w.n = 1 OR w.running <= $4
                     ORDER BY e.global_seq",
                    &[
                        &&team[..],
                        &(after as i64),
                        &i64::from(limit),
                        &(max_bytes.min(i64::MAX as u64) as i64),
                    ],
                )
                .await
                .map_err(backend)?;
            rows.into_iter()
                .map(|r| {
                    Ok(StoredEnvelope {
                        global_seq: r.get::<_, i64>(0) as u64,
                        device: id(r.get(1))?,
                        device_seq: r.get::<_, i64>(2) as u64,
                        key_epoch: r.get::<_, i32>(3) as u32,
                        blob: r.get(4),
                    })
                })
                .collect()
        })
    }

    fn team_bytes(&self, team: Id) -> StorageResult<u64> {
        self.with(async |tx| {
            let row = tx
                .query_one(
                    "SELECT coalesce(sum(size), 0)::BIGINT FROM envelopes WHERE team = $1",
                    &[&&team[..]],
                )
                .await
                .map_err(backend)?;
            Ok(row.get::<_, i64>(0).max(0) as u64)
        })
    }

    fn high_water(&self, team: Id) -> StorageResult<u64> {
        self.with(async |tx| {
            let row = tx
                .query_opt(
                    "SELECT next_seq - 1 FROM teams WHERE id = $1",
                    &[&&team[..]],
                )
                .await
                .map_err(backend)?;
            Ok(row.map_or(0, |r| r.get::<_, i64>(0).max(0) as u64))
        })
    }

    fn devices(&self, team: Id) -> StorageResult<Vec<DeviceInfo>> {
        self.with(async |tx| {
            let rows = tx
                .query(
                    "SELECT id, admin, revoked, last_seq, enrollment FROM devices WHERE team = $1
                     ORDER BY admin DESC, added",
                    &[&&team[..]],
                )
                .await
                .map_err(backend)?;
            rows.into_iter()
                .map(|r| {
                    Ok(DeviceInfo {
                        device: id(r.get(0))?,
                        admin: r.get(1),
                        revoked: r.get(2),
                        last_seq: r.get::<_, i64>(3) as u64,
                        enrollment: r.get::<_, Option<Vec<u8>>>(4).map(id).transpose()?,
                    })
                })
                .collect()
        })
    }

    fn create_enrollment(&self, team: Id, e: &NewEnrollment) -> StorageResult<()> {
        self.with(async |tx| {
            tx.execute(
                "INSERT INTO enrollments (id, team, auth_hash, wrapped, expires_at)
                 VALUES ($1, $2, $3, ''::bytea, $4)",
                &[&&e.id[..], &&team[..], &&e.auth_hash[..], &e.expires_at],
            )
            .await
            .map_err(|err| or_exists(err, StorageError::DeviceExists))?;
            Ok(())
        })
    }

    fn redeem_enrollment(
        &self,
        enrollment: Id,
        auth_hash: [u8; 32],
        device: Id,
        token_hash: [u8; 32],
        request: &[u8],
        now: i64,
    ) -> StorageResult<Id> {
        self.with(async |tx| {
            let row = tx
                .query_opt(
                    "SELECT team, auth_hash, expires_at, redeemed_by FROM enrollments
                     WHERE id = $1 FOR UPDATE",
                    &[&&enrollment[..]],
                )
                .await
                .map_err(backend)?
                .ok_or(StorageError::NoSuchEnrollment)?;
            let team = id(row.get(0))?;
            if row.get::<_, Vec<u8>>(1) != auth_hash {
                return Err(StorageError::NoSuchEnrollment);
            }
            let expires_at: i64 = row.get(2);
            if row.get::<_, Option<Vec<u8>>>(3).is_some() || now > expires_at {
                return Err(StorageError::EnrollmentSpent);
            }
            let known = tx
                .query_opt(
                    "SELECT 1 FROM devices WHERE team = $1 AND id = $2",
                    &[&&team[..], &&device[..]],
                )
                .await
                .map_err(backend)?
                .is_some();
            if known {
                return Err(StorageError::DeviceExists);
            }
            tx.execute(
                "UPDATE enrollments SET redeemed_by = $2 WHERE id = $1",
                &[&&enrollment[..], &&device[..]],
            )
            .await
            .map_err(backend)?;
            tx.execute(
                "INSERT INTO enrollment_requests (enrollment, team, device, token_hash, request,
                     expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    &&enrollment[..],
                    &&team[..],
                    &&device[..],
                    &&token_hash[..],
                    &request,
                    &expires_at,
                ],
            )
            .await
            .map_err(|e| or_exists(e, StorageError::EnrollmentSpent))?;
            Ok(team)
        })
    }

    fn pending_enrollments(&self, team: Id, now: i64) -> StorageResult<Vec<JoinRequest>> {
        self.with(async |tx| {
            tx.execute(
                "DELETE FROM enrollment_requests WHERE expires_at < $1",
                &[&now],
            )
            .await
            .map_err(backend)?;
            tx.execute("DELETE FROM enrollments WHERE expires_at < $1", &[&now])
                .await
                .map_err(backend)?;
            let rows = tx
                .query(
                    "SELECT enrollment, device, request, expires_at FROM enrollment_requests
                     WHERE team = $1 ORDER BY added",
                    &[&&team[..]],
                )
                .await
                .map_err(backend)?;
            rows.into_iter()
                .map(|r| {
                    Ok(JoinRequest {
                        enrollment: id(r.get(0))?,
                        device: id(r.get(1))?,
                        request: r.get(2),
                        expires_at: r.get(3),
                    })
                })
                .collect()
        })
    }

    fn approve_enrollment(&self, team: Id, enrollment: Id, now: i64) -> StorageResult<Id> {
        self.with(async |tx| {
            let row = tx
                .query_opt(
                    "SELECT device, token_hash, expires_at FROM enrollment_requests
                     WHERE enrollment = $1 AND team = $2 FOR UPDATE",
                    &[&&enrollment[..], &&team[..]],
                )
                .await
                .map_err(backend)?
                .ok_or(StorageError::NoSuchRequest)?;
            let device = id(row.get(0))?;
            let token_hash: Vec<u8> = row.get(1);
            if now > row.get::<_, i64>(2) {
                return Err(StorageError::NoSuchRequest);
            }
            tx.execute(
                "INSERT INTO devices (team, id, token_hash, enrollment) VALUES ($1, $2, $3, $4)",
                &[&&team[..], &&device[..], &token_hash, &&enrollment[..]],
            )
            .await
            .map_err(|e| or_exists(e, StorageError::DeviceExists))?;
            tx.execute(
                "DELETE FROM enrollment_requests WHERE enrollment = $1",
                &[&&enrollment[..]],
            )
            .await
            .map_err(backend)?;
            Ok(device)
        })
    }

    fn append_log(&self, team: Id, first_seq: u64, entries: &[Vec<u8>]) -> StorageResult<u64> {
        self.with(async |tx| {
            // The team's row serialises appends, as it does pushes.
            tx.query_opt(
                "SELECT 1 FROM teams WHERE id = $1 FOR UPDATE",
                &[&&team[..]],
            )
            .await
            .map_err(backend)?;
            let head: i64 = tx
                .query_one(
                    "SELECT coalesce(max(seq), 0) FROM team_log WHERE team = $1",
                    &[&&team[..]],
                )
                .await
                .map_err(backend)?
                .get(0);
            let head = head as u64;
            if first_seq != head + 1 {
                return Err(StorageError::LogConflict { head });
            }
            for (i, entry) in entries.iter().enumerate() {
                tx.execute(
                    "INSERT INTO team_log (team, seq, entry) VALUES ($1, $2, $3)",
                    &[&&team[..], &((first_seq + i as u64) as i64), entry],
                )
                .await
                .map_err(backend)?;
            }
            Ok(head + entries.len() as u64)
        })
    }

    fn log(&self, team: Id, after: u64) -> StorageResult<LogPage> {
        self.with(async |tx| {
            let rows = tx
                .query(
                    "SELECT seq, entry FROM team_log WHERE team = $1 AND seq > $2 ORDER BY seq",
                    &[&&team[..], &(after as i64)],
                )
                .await
                .map_err(backend)?;
            let entries: Vec<(u64, Vec<u8>)> = rows
                .into_iter()
                .map(|r| (r.get::<_, i64>(0) as u64, r.get(1)))
                .collect();
            let head: i64 = tx
                .query_one(
                    "SELECT coalesce(max(seq), 0) FROM team_log WHERE team = $1",
                    &[&&team[..]],
                )
                .await
                .map_err(backend)?
                .get(0);
            Ok((entries, head as u64))
        })
    }

    fn set_admin(&self, team: Id, device: Id, admin: bool) -> StorageResult<()> {
        self.with(async |tx| {
            let n = tx
                .execute(
                    "UPDATE devices SET admin = $3 WHERE team = $1 AND id = $2",
                    &[&&team[..], &&device[..], &admin],
                )
                .await
                .map_err(backend)?;
            if n == 0 {
                return Err(StorageError::NoSuchDevice);
            }
            Ok(())
        })
    }

    fn put_key_boxes(&self, team: Id, boxes: &[KeyBox]) -> StorageResult<()> {
        self.with(async |tx| {
            for b in boxes {
                let known = tx
                    .query_opt(
                        "SELECT 1 FROM devices WHERE team = $1 AND id = $2",
                        &[&&team[..], &&b.device[..]],
                    )
                    .await
                    .map_err(backend)?
                    .is_some();
                if !known {
                    return Err(StorageError::NoSuchDevice);
                }
                tx.execute(
                    "INSERT INTO key_boxes (team, device, epoch, blob) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (team, device, epoch) DO NOTHING",
                    &[&&team[..], &&b.device[..], &(b.epoch as i32), &b.blob],
                )
                .await
                .map_err(backend)?;
            }
            Ok(())
        })
    }

    fn key_boxes(&self, team: Id, device: Id) -> StorageResult<Vec<KeyBox>> {
        self.with(async |tx| {
            let rows = tx
                .query(
                    "SELECT epoch, blob FROM key_boxes WHERE team = $1 AND device = $2 ORDER BY epoch",
                    &[&&team[..], &&device[..]],
                )
                .await
                .map_err(backend)?;
            Ok(rows
                .into_iter()
                .map(|r| KeyBox {
                    device,
                    epoch: r.get::<_, i32>(0) as u32,
                    blob: r.get(1),
                })
                .collect())
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
        self.with(async |tx| {
            let size = i64::from(size);
            let at_least = i64::from(at_least);
            let first: i64 = tx
                .query_one(
                    "INSERT INTO registry_counters (team, year, next_seq)
                     VALUES ($1, $2, GREATEST($4::BIGINT, 1) + $3::BIGINT)
                     ON CONFLICT (team, year) DO UPDATE
                         SET next_seq = GREATEST(registry_counters.next_seq, $4::BIGINT) + $3::BIGINT
                     RETURNING next_seq - $3::BIGINT",
                    &[&&team[..], &year, &size, &at_least],
                )
                .await
                .map_err(backend)?
                .get(0);
            tx.execute(
                "INSERT INTO registry_leases (team, device, year, first_seq, last_seq)
                 VALUES ($1, $2, $3, $4, $5)",
                &[&&team[..], &&device[..], &year, &first, &(first + size - 1)],
            )
            .await
            .map_err(backend)?;
            Ok(LeasedBlock {
                year,
                first_seq: first as u32,
                last_seq: (first + size - 1) as u32,
            })
        })
    }
}
