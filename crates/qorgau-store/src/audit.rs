//! The append-only, hash-chained audit log: who created, changed, exported or printed what.
//! Each entry's hash covers the previous entry's hash, so removing or editing an entry (which
//! triggers already forbid) breaks the chain where it happened. Since schema 8 the chain is
//! keyed: an entry's hash is an HMAC-SHA256 under the workspace's audit key (in `meta`), so
//! a log rewritten from the first keyed entry on with plain hashes does not verify. Entries
//! written before the key existed keep, and are checked by, their SHA-256 chain.

use crate::error::StoreResult;
use hmac::{Hmac, Mac};
use qorgau_domain::{DeviceId, Hlc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub(crate) struct NewAuditEntry<'a> {
    pub hlc: Hlc,
    pub device_id: DeviceId,
    pub actor: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<&'a str>,
    pub detail: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub detail: Option<String>,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum AuditVerification {
    Intact { entries: i64 },
    Broken { at_seq: i64 },
}

const GENESIS: [u8; 32] = [0; 32];

/// The key entries from `from_seq` on are chained under (none in a database before schema 8).
pub(crate) struct AuditKey {
    from_seq: i64,
    key: Vec<u8>,
}

pub(crate) fn audit_key(conn: &Connection) -> StoreResult<Option<AuditKey>> {
    let read = |key: &str| -> StoreResult<Option<String>> {
        Ok(conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    };
    let (Some(key), Some(from)) = (read("audit_key")?, read("audit_keyed_from")?) else {
        return Ok(None);
    };
    let bad = |what: &str| crate::StoreError::BadHeader(format!("the audit log's {what}"));
    Ok(Some(AuditKey {
        from_seq: from.parse().map_err(|_| bad("keyed_from"))?,
        key: hex::decode(key).map_err(|_| bad("key"))?,
    }))
}

/// Whatever hashes an entry: SHA-256, or HMAC-SHA256 under the audit key.
enum Chainer {
    Plain(Sha256),
    Keyed(Hmac<Sha256>),
}

impl Chainer {
    fn for_seq(seq: i64, key: Option<&AuditKey>) -> Self {
        match key {
            Some(k) if seq >= k.from_seq => Chainer::Keyed(
                Hmac::<Sha256>::new_from_slice(&k.key).expect("HMAC takes a key of any length"),
            ),
            _ => Chainer::Plain(Sha256::new()),
        }
    }

    fn update(&mut self, bytes: impl AsRef<[u8]>) {
        match self {
            Chainer::Plain(h) => h.update(bytes),
            Chainer::Keyed(m) => m.update(bytes.as_ref()),
        }
    }

    fn finish(self) -> [u8; 32] {
        match self {
            Chainer::Plain(h) => h.finalize().into(),
            Chainer::Keyed(m) => m.finalize().into_bytes().into(),
        }
    }
}

fn entry_hash(
    key: Option<&AuditKey>,
    prev: &[u8],
    seq: i64,
    at: &str,
    e: &NewAuditEntry<'_>,
) -> [u8; 32] {
    let mut h = Chainer::for_seq(seq, key);
    h.update(prev);
    h.update(seq.to_be_bytes());
    h.update(e.hlc.0.to_be_bytes());
    h.update(e.device_id.as_bytes());
    for part in [
        Some(at),
        Some(e.actor),
        Some(e.action),
        Some(e.entity),
        e.entity_id,
        e.detail,
    ] {
        // Length-prefixed, with None distinct from "", so fields cannot run into each other.
        match part {
            Some(text) => {
                h.update([1]);
                h.update((text.len() as u64).to_be_bytes());
                h.update(text.as_bytes());
            }
            None => h.update([0]),
        }
    }
    h.finish()
}

/// The last entry's sequence number and hash, `None` for an empty log.
pub(crate) type AuditTail = Option<(i64, Vec<u8>)>;

pub(crate) fn last_entry(conn: &Connection) -> StoreResult<AuditTail> {
    Ok(conn
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Appends an entry after `last` (which the caller read with [`last_entry`] or got back from
/// the previous `append` in the same write transaction) and returns the new tail.
pub(crate) fn append_after(
    conn: &Connection,
    last: AuditTail,
    e: &NewAuditEntry<'_>,
) -> StoreResult<(i64, Vec<u8>)> {
    let (seq, prev) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_vec()),
    };
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let hash = entry_hash(audit_key(conn)?.as_ref(), &prev, seq, &at, e);
    conn.prepare_cached(
        "INSERT INTO audit_log
         (seq, at, hlc, device_id, actor, action, entity, entity_id, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        seq,
        at,
        e.hlc.0 as i64,
        &e.device_id.as_bytes()[..],
        e.actor,
        e.action,
        e.entity,
        e.entity_id,
        e.detail,
        prev,
        &hash[..]
    ])?;
    Ok((seq, hash.to_vec()))
}

pub(crate) fn append(conn: &Connection, e: &NewAuditEntry<'_>) -> StoreResult<()> {
    append_after(conn, last_entry(conn)?, e)?;
    Ok(())
}

/// Recomputes the whole chain.
pub(crate) fn verify(conn: &Connection) -> StoreResult<AuditVerification> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, hlc, device_id, actor, action, entity, entity_id, detail, prev_hash, hash
         FROM audit_log ORDER BY seq",
    )?;
    let key = audit_key(conn)?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS.to_vec();
    let mut count = 0;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let at: String = r.get(1)?;
        let device: Vec<u8> = r.get(3)?;
        let actor: String = r.get(4)?;
        let action: String = r.get(5)?;
        let entity: String = r.get(6)?;
        let entity_id: Option<String> = r.get(7)?;
        let detail: Option<String> = r.get(8)?;
        let stored_prev: Vec<u8> = r.get(9)?;
        let stored_hash: Vec<u8> = r.get(10)?;
        let entry = NewAuditEntry {
            hlc: Hlc(r.get::<_, i64>(2)? as u64),
            device_id: DeviceId::from_slice(&device).unwrap_or_default(),
            actor: &actor,
            action: &action,
            entity: &entity,
            entity_id: entity_id.as_deref(),
            detail: detail.as_deref(),
        };
        count += 1;
        if seq != count
            || stored_prev != prev
            || entry_hash(key.as_ref(), &prev, seq, &at, &entry)[..] != stored_hash[..]
        {
            return Ok(AuditVerification::Broken { at_seq: seq });
        }
        prev = stored_hash;
    }
    Ok(AuditVerification::Intact { entries: count })
}

pub(crate) fn recent(conn: &Connection, limit: i64) -> StoreResult<Vec<AuditEntry>> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, action, entity, entity_id, detail, hash
         FROM audit_log ORDER BY seq DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok(AuditEntry {
            seq: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            entity: r.get(4)?,
            entity_id: r.get(5)?,
            detail: r.get(6)?,
            hash: hex::encode(r.get::<_, Vec<u8>>(7)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
