//! The sync engine's bookkeeping, kept inside the encrypted database: its settings (server,
//! team, device token and team keys, all secret), how far this device's outbox has been
//! sealed into envelopes, and the envelopes sealed but not yet acknowledged by the server.

use crate::error::StoreResult;
use crate::store::{Store, meta_get, meta_set};
use rusqlite::params;
use serde::Serialize;

/// How far this device's changes have been sealed into envelopes: every outbox row up to
/// `outbox_seq`, then `chunks` chunks of the next row's attachment bytes, in envelopes up to
/// `device_seq`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SealedPosition {
    pub outbox_seq: i64,
    pub chunks: usize,
    pub device_seq: u64,
}

/// An envelope sealed for the server and not yet acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEnvelope {
    pub device_seq: u64,
    pub key_epoch: u32,
    pub blob: Vec<u8>,
}

impl Store {
    /// The sync settings as the sync engine wrote them (JSON), `None` before joining a team.
    pub fn sync_settings(&self) -> StoreResult<Option<String>> {
        meta_get(&self.conn, "sync_settings")
    }

    /// Stores the sync settings and audits the change (never the settings themselves: they
    /// hold the team keys).
    pub fn set_sync_settings(&mut self, settings: &str, what: &str) -> StoreResult<()> {
        self.write(|w| {
            meta_set(&w.tx, "sync_settings", settings)?;
            let hlc = w.tick();
            w.audit(hlc, "sync_settings", "workspace", None, Some(what))
        })
    }

    pub fn sealed_position(&self) -> StoreResult<SealedPosition> {
        let text = meta_get(&self.conn, "sync_sealed")?.unwrap_or_default();
        let mut parts = text.split(':').map(|p| p.parse::<u64>().unwrap_or(0));
        Ok(SealedPosition {
            outbox_seq: parts.next().unwrap_or(0) as i64,
            chunks: parts.next().unwrap_or(0) as usize,
            device_seq: parts.next().unwrap_or(0),
        })
    }

    /// Keeps a sealed envelope until the server acknowledges it, and moves the sealed
    /// position past what it holds, in one transaction: a crash leaves either both or neither.
    pub fn stage_envelope(
        &mut self,
        envelope: &PendingEnvelope,
        through: SealedPosition,
        chain_hash: &[u8; 32],
    ) -> StoreResult<()> {
        let tx = self.conn.transaction()?;
        meta_set(&tx, "sync_sealed_hash", &hex::encode(chain_hash))?;
        tx.execute(
            "INSERT INTO sync_pending (device_seq, last_outbox_seq, key_epoch, blob)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                envelope.device_seq as i64,
                through.outbox_seq,
                envelope.key_epoch,
                envelope.blob
            ],
        )?;
        meta_set(
            &tx,
            "sync_sealed",
            &format!(
                "{}:{}:{}",
                through.outbox_seq, through.chunks, through.device_seq
            ),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The hash of this device's last sealed envelope, which its next one names (zeros
    /// before the first).
    pub fn sealed_chain_hash(&self) -> StoreResult<[u8; 32]> {
        Ok(meta_get(&self.conn, "sync_sealed_hash")?
            .and_then(|h| hex::decode(h).ok())
            .and_then(|b| b.try_into().ok())
            .unwrap_or([0; 32]))
    }

    /// Envelopes sealed and not yet acknowledged, oldest first.
    pub fn pending_envelopes(&self) -> StoreResult<Vec<PendingEnvelope>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT device_seq, key_epoch, blob FROM sync_pending ORDER BY device_seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(PendingEnvelope {
                device_seq: r.get::<_, i64>(0)? as u64,
                key_epoch: r.get(1)?,
                blob: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Forgets the pending envelopes the server has stored (up to `device_seq`).
    pub fn acknowledge_envelopes(&mut self, device_seq: u64) -> StoreResult<()> {
        let tx = self.conn.transaction()?;
        let acked: Option<i64> = tx.query_row(
            "SELECT max(last_outbox_seq) FROM sync_pending WHERE device_seq <= ?1",
            [device_seq as i64],
            |r| r.get(0),
        )?;
        if let Some(acked) = acked {
            meta_set(&tx, "sync_acknowledged_outbox", &acked.to_string())?;
        }
        tx.execute(
            "DELETE FROM sync_pending WHERE device_seq <= ?1",
            [device_seq as i64],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Local changes (outbox rows) the server does not hold yet.
    pub fn unsynced_changes(&self) -> StoreResult<i64> {
        let acked: i64 = meta_get(&self.conn, "sync_acknowledged_outbox")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM outbox WHERE seq > ?1", [acked], |r| {
                r.get(0)
            })?)
    }
}

/// The registry numbers of a device in a sync team come only from blocks the server leased.
impl Store {
    /// From now on, letters are numbered only from server-leased blocks (joining a team).
    pub fn use_leased_registry_numbers(&mut self) -> StoreResult<()> {
        meta_set(&self.conn, "registry_mode", "leased")
    }

    /// The year letters registered today are numbered in.
    pub fn registry_year(&self) -> i32 {
        use chrono::Datelike;
        crate::workers::today().year()
    }

    /// Leased numbers of `year` this device has not used yet.
    pub fn leased_numbers_left(&self, year: i32) -> StoreResult<u32> {
        Ok(self.conn.query_row(
            "SELECT coalesce(sum(last_seq + 1 - next_seq), 0) FROM registry_blocks
             WHERE year = ?1 AND device_id = ?2 AND granted_by = 'server'",
            params![year, &self.device_id.as_bytes()[..]],
            |r| r.get(0),
        )?)
    }

    /// The highest number of `year` on any letter this device knows of (0: none).
    pub fn highest_registry_number(&self, year: i32) -> StoreResult<u32> {
        Ok(self.conn.query_row(
            "SELECT coalesce(max(number_seq), 0) FROM letters WHERE number_year = ?1",
            [year],
            |r| r.get(0),
        )?)
    }

    /// Registered (numbered) letters in this workspace.
    pub fn numbered_letters(&self) -> StoreResult<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM letters WHERE number IS NOT NULL",
            [],
            |r| r.get(0),
        )?)
    }

    /// How many records about people this workspace holds: workers, cases and letters
    /// (timeline entries, tasks and attachments belong to them). Agencies and the mission
    /// profile are not counted: they are the shipped directory and a preset, not case data.
    pub fn case_records(&self) -> StoreResult<CaseRecords> {
        let count = |table: &str| -> StoreResult<u64> {
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| {
                    r.get::<_, i64>(0)
                })? as u64)
        };
        Ok(CaseRecords {
            workers: count("workers")?,
            cases: count("cases")?,
            letters: count("letters")?,
        })
    }

    /// Records how far the sync server's clock is ahead of this device's (milliseconds), as
    /// the last round measured it.
    pub fn set_clock_offset_ms(&mut self, offset: i64) -> StoreResult<()> {
        meta_set(&self.conn, "clock_offset_ms", &offset.to_string())
    }

    /// The last measured offset of the server's clock (see [`Store::set_clock_offset_ms`]).
    pub fn clock_offset_ms(&self) -> StoreResult<Option<i64>> {
        Ok(meta_get(&self.conn, "clock_offset_ms")?.and_then(|v| v.parse().ok()))
    }

    /// Records a block of numbers the server leased to this device.
    pub fn add_leased_block(&mut self, year: i32, first: u32, last: u32) -> StoreResult<()> {
        let hlc = self.clock.now();
        self.conn.execute(
            "INSERT INTO registry_blocks
               (year, first_seq, last_seq, next_seq, device_id, granted_by, granted_hlc)
             VALUES (?1, ?2, ?3, ?2, ?4, 'server', ?5)",
            params![
                year,
                first,
                last,
                &self.device_id.as_bytes()[..],
                hlc.0 as i64
            ],
        )?;
        Ok(())
    }
}

/// Records about people in a workspace (see [`Store::case_records`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CaseRecords {
    pub workers: u64,
    pub cases: u64,
    pub letters: u64,
}

impl CaseRecords {
    pub fn is_empty(&self) -> bool {
        self.workers == 0 && self.cases == 0 && self.letters == 0
    }
}
