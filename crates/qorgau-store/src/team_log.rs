//! What the sync engine keeps of the team log and of each peer's envelope chain, inside the
//! encrypted database. The entries are verified by `qorgau-sync` before they are stored here,
//! and verified again from the genesis each round; the store only keeps them.

use crate::error::StoreResult;
use crate::store::Store;
use qorgau_domain::DeviceId;
use rusqlite::{OptionalExtension, params};

impl Store {
    /// The team log entries this device verified, in order (each as the JSON stored).
    pub fn team_log_entries(&self) -> StoreResult<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT entry FROM team_log ORDER BY seq")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Appends verified entries `(seq, json)`; an entry already kept is left as it is.
    pub fn append_team_log(&mut self, entries: &[(u64, String)]) -> StoreResult<()> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt =
                tx.prepare_cached("INSERT OR IGNORE INTO team_log (seq, entry) VALUES (?1, ?2)")?;
            for (seq, entry) in entries {
                stmt.execute(params![*seq as i64, entry])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Forgets the kept team log and peer chains (a join that starts over with a new code).
    pub fn forget_team_log(&mut self) -> StoreResult<()> {
        self.conn
            .execute_batch("DELETE FROM team_log; DELETE FROM peer_chain;")?;
        Ok(())
    }

    /// The last envelope verified from `device`: its sequence and hash.
    pub fn peer_chain(&self, device: DeviceId) -> StoreResult<Option<(u64, [u8; 32])>> {
        let row: Option<(i64, Vec<u8>)> = self
            .conn
            .prepare_cached("SELECT last_seq, hash FROM peer_chain WHERE device_id = ?1")?
            .query_row([&device.as_bytes()[..]], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(row.and_then(|(seq, hash)| Some((seq as u64, hash.try_into().ok()?))))
    }

    /// Every peer's last verified envelope.
    pub fn peer_chains(&self) -> StoreResult<Vec<(DeviceId, u64, [u8; 32])>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT device_id, last_seq, hash FROM peer_chain")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (device, seq, hash) = row?;
            if let (Some(device), Ok(hash)) = (DeviceId::from_slice(&device), hash.try_into()) {
                out.push((device, seq as u64, hash));
            }
        }
        Ok(out)
    }

    /// Records the last verified envelope of peers; never moves a peer back.
    pub fn record_peer_chains(&mut self, links: &[(DeviceId, u64, [u8; 32])]) -> StoreResult<()> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO peer_chain (device_id, last_seq, hash) VALUES (?1, ?2, ?3)
                 ON CONFLICT(device_id) DO UPDATE SET last_seq = excluded.last_seq,
                     hash = excluded.hash
                 WHERE excluded.last_seq > peer_chain.last_seq",
            )?;
            for (device, seq, hash) in links {
                stmt.execute(params![&device.as_bytes()[..], *seq as i64, &hash[..]])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}
