//! The directory of Korean agencies letters go to.

use crate::error::{StoreError, StoreResult};
use crate::patch;
use crate::store::Store;
use crate::workers::enum_text;
use qorgau_domain::agency::AgencyRecord;
use qorgau_domain::issues::{IssueCode, ValidationIssue, ValidationReport};
use qorgau_domain::{Agency, AgencyId};
use rusqlite::{OptionalExtension, params};
use serde_json::{Map, Value};

const ENTITY: &str = "agency";

fn check(agency: &Agency) -> StoreResult<Agency> {
    let mut a = agency.clone();
    a.name_ko = a.name_ko.trim().to_string();
    if a.name_ko.is_empty() {
        let mut report = ValidationReport::default();
        report.push(ValidationIssue::error(
            "name_ko",
            IssueCode::Required,
            "name_ko (the Korean name) is required",
        ));
        return Err(StoreError::Invalid(report));
    }
    Ok(a)
}

impl Store {
    pub fn add_agency(&mut self, input: &Agency) -> StoreResult<AgencyId> {
        let agency = check(input)?;
        let id = AgencyId::new();
        self.write(|w| {
            let hlc = w.tick();
            w.record_fields(ENTITY, id.as_bytes(), hlc, None, &patch::to_map(&agency)?)?;
            w.tx.prepare_cached(
                "INSERT INTO agencies (id, doc, name_ko, kind, updated_hlc) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                &id.as_bytes()[..],
                serde_json::to_string(&agency)?,
                agency.name_ko,
                enum_text(&agency.kind)?,
                hlc.0 as i64
            ])?;
            w.audit(hlc, "create", ENTITY, Some(&id.to_string()), Some(&agency.name_ko))?;
            Ok(id)
        })
    }

    pub fn agency(&self, id: AgencyId) -> StoreResult<AgencyRecord> {
        let doc: Option<String> = self
            .conn
            .query_row(
                "SELECT doc FROM agencies WHERE id = ?1",
                [&id.as_bytes()[..]],
                |r| r.get(0),
            )
            .optional()?;
        let doc = doc.ok_or_else(|| StoreError::NotFound {
            entity: ENTITY,
            id: id.to_string(),
        })?;
        Ok(AgencyRecord {
            id,
            agency: serde_json::from_str(&doc)?,
        })
    }

    pub fn update_agency(
        &mut self,
        id: AgencyId,
        patch: &Map<String, Value>,
    ) -> StoreResult<Vec<String>> {
        let current = self.agency(id)?.agency;
        let (old, patched) = patch::apply(&current, patch)?;
        let agency = check(&patched)?;
        let new = patch::to_map(&agency)?;
        self.write(|w| {
            let hlc = w.tick();
            let changed = w.record_fields(ENTITY, id.as_bytes(), hlc, Some(&old), &new)?;
            if !changed.is_empty() {
                w.tx.execute(
                    "UPDATE agencies SET doc = ?2, name_ko = ?3, kind = ?4, updated_hlc = ?5 WHERE id = ?1",
                    params![
                        &id.as_bytes()[..],
                        serde_json::to_string(&agency)?,
                        agency.name_ko,
                        enum_text(&agency.kind)?,
                        hlc.0 as i64
                    ],
                )?;
                w.audit(hlc, "update", ENTITY, Some(&id.to_string()), Some(&changed.join(",")))?;
            }
            Ok(changed)
        })
    }

    pub fn list_agencies(&self) -> StoreResult<Vec<AgencyRecord>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, doc FROM agencies ORDER BY kind, name_ko")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, doc) = row?;
            out.push(AgencyRecord {
                id: AgencyId::from_slice(&id).unwrap_or_default(),
                agency: serde_json::from_str(&doc)?,
            });
        }
        Ok(out)
    }
}

pub(crate) fn agency_exists(conn: &rusqlite::Connection, id: AgencyId) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM agencies WHERE id = ?1")?
        .query_row([&id.as_bytes()[..]], |_| Ok(()))
        .optional()?
        .is_some())
}
