//! The workspace's mission profile: one record, replicated like any other entity.

use crate::error::{StoreError, StoreResult};
use crate::patch;
use crate::store::Store;
use qorgau_domain::MissionProfile;
use rusqlite::{OptionalExtension, params};

const ENTITY: &str = "mission";
/// The mission profile is a singleton; its change records carry this fixed id.
const MISSION_ID: [u8; 16] = [0; 16];

impl Store {
    /// The mission profile, `None` until one is set.
    pub fn mission(&self) -> StoreResult<Option<MissionProfile>> {
        let doc: Option<String> = self
            .conn
            .query_row("SELECT doc FROM mission WHERE id = 1", [], |r| r.get(0))
            .optional()?;
        Ok(doc.map(|d| serde_json::from_str(&d)).transpose()?)
    }

    /// Sets the mission profile; returns the fields that changed. The profile must have a
    /// code and a registry pattern that cannot repeat a number.
    pub fn set_mission(&mut self, profile: &MissionProfile) -> StoreResult<Vec<String>> {
        let report = profile.validate();
        if report.has_errors() {
            return Err(StoreError::Invalid(report));
        }
        let old = self.mission()?.map(|m| patch::to_map(&m)).transpose()?;
        let new = patch::to_map(profile)?;
        self.write(|w| {
            let hlc = w.tick();
            let changed = w.record_fields(ENTITY, &MISSION_ID, hlc, old.as_ref(), &new)?;
            if !changed.is_empty() {
                w.tx.execute(
                    "INSERT INTO mission (id, doc, updated_hlc) VALUES (1, ?1, ?2)
                     ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, updated_hlc = excluded.updated_hlc",
                    params![serde_json::to_string(profile)?, hlc.0 as i64],
                )?;
                w.audit(hlc, "update", ENTITY, None, Some(&changed.join(",")))?;
            }
            Ok(changed)
        })
    }
}
