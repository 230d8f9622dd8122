//! Saved wage-claim computations (entity `wage_calc`): the input and the result, written once
//! per save and replicated like a timeline entry. Saving also writes the total to the case's
//! `amount_claimed_krw` (and the last day worked to `last_day_worked`) in the same transaction,
//! and the case's deadlines are recomputed from it.

use crate::cases::update_case_in;
use crate::changes::Writer;
use crate::error::{StoreError, StoreResult};
use crate::replica::{ApplyReport, ChangeSet};
use crate::store::Store;
use qorgau_domain::wages::{WageClaim, WageClaimInput};
use qorgau_domain::{CaseId, CaseRecord, Hlc, WageCalcId};
use rusqlite::params;
use serde::Serialize;
use serde_json::{Map, Value};

const ENTITY: &str = "wage_calc";

/// A saved computation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WageCalcRecord {
    pub id: WageCalcId,
    pub case_id: CaseId,
    pub input: WageClaimInput,
    pub result: WageClaim,
    pub author: String,
    pub saved_at: Hlc,
}

impl Store {
    /// Stores a computation on the case, sets the case's `amount_claimed_krw` to its total
    /// (and `last_day_worked` when the input has one) and recomputes the case's deadlines,
    /// in one transaction.
    pub fn save_wage_calc(
        &mut self,
        case: CaseId,
        input: &WageClaimInput,
        result: &WageClaim,
    ) -> StoreResult<WageCalcId> {
        let rowid = self.case_rowid(case)?;
        let old: CaseRecord = self.case(case)?.record;
        let mut new = old.clone();
        new.amount_claimed_krw = Some(result.total_krw);
        if input.last_day.is_some() {
            new.last_day_worked = input.last_day;
        }
        let id = WageCalcId::new();
        let input_json = serde_json::to_string(input)?;
        let result_json = serde_json::to_string(result)?;
        self.write(|w| {
            let hlc = w.tick();
            insert(
                w,
                &id,
                rowid,
                &input_json,
                &result_json,
                result.total_krw,
                w.actor,
                hlc,
            )?;
            let mut fields = Map::new();
            fields.insert("case_id".into(), Value::String(case.to_string()));
            fields.insert("input".into(), serde_json::from_str(&input_json)?);
            fields.insert("result".into(), serde_json::from_str(&result_json)?);
            fields.insert("author".into(), Value::String(w.actor.to_string()));
            w.record_new(ENTITY, id.as_bytes(), hlc, &fields)?;
            w.audit(
                hlc,
                "wage_calc",
                "case",
                Some(&case.to_string()),
                Some(&result.total_krw.to_string()),
            )?;
            update_case_in(w, case, &old, new, hlc)?;
            crate::deadlines::refresh_stored(&w.tx, rowid)?;
            Ok(id)
        })
    }

    /// The case's saved computations, the newest first.
    pub fn wage_calcs(&self, case: CaseId) -> StoreResult<Vec<WageCalcRecord>> {
        let rowid = self.case_rowid(case)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, input, result, author, hlc FROM wage_calcs WHERE case_rowid = ?1
             ORDER BY hlc DESC, id DESC",
        )?;
        let rows = stmt.query_map([rowid], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, input, result, author, hlc) = row?;
            out.push(WageCalcRecord {
                id: WageCalcId::from_slice(&id).unwrap_or_default(),
                case_id: case,
                input: serde_json::from_str(&input)?,
                result: serde_json::from_str(&result)?,
                author,
                saved_at: Hlc(hlc as u64),
            });
        }
        Ok(out)
    }
}

#[allow(clippy::too_many_arguments)]
fn insert(
    w: &Writer<'_>,
    id: &WageCalcId,
    case_rowid: i64,
    input: &str,
    result: &str,
    total: i64,
    author: &str,
    hlc: Hlc,
) -> StoreResult<()> {
    w.tx.prepare_cached(
        "INSERT INTO wage_calcs (id, case_rowid, input, result, total_krw, author, hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        &id.as_bytes()[..],
        case_rowid,
        input,
        result,
        total,
        author,
        hlc.0 as i64
    ])?;
    Ok(())
}

/// A computation from another device: written once, so it is added unless it is here; the
/// case's deadlines are recomputed with it. (The case's `amount_claimed_krw` arrives as that
/// device's own case change.)
pub(crate) fn apply_remote(
    w: &Writer<'_>,
    id: &[u8; 16],
    set: &ChangeSet,
) -> StoreResult<ApplyReport> {
    let exists =
        w.tx.prepare_cached("SELECT 1 FROM wage_calcs WHERE id = ?1")?
            .exists([&id[..]])?;
    if exists {
        return Ok(ApplyReport::one_unchanged());
    }
    let f = &set.fields;
    let field = |key: &str| {
        f.get(key)
            .ok_or_else(|| StoreError::Sync(format!("wage_calc {key}: missing")))
    };
    let case_id = field("case_id")?
        .as_str()
        .ok_or_else(|| StoreError::Sync("wage_calc case_id: not text".into()))?;
    let case_rowid: i64 =
        w.tx.prepare_cached("SELECT rowid FROM cases WHERE id = ?1")?
            .query_row(
                [&uuid::Uuid::parse_str(case_id)
                    .map_err(|e| StoreError::Sync(format!("wage_calc case_id: {e}")))?
                    .as_bytes()[..]],
                |r| r.get(0),
            )
            .map_err(|_| StoreError::Sync(format!("wage_calc for unknown case {case_id}")))?;
    // Checked against the types, so a damaged record is refused rather than stored.
    let input: WageClaimInput = serde_json::from_value(field("input")?.clone())?;
    let result: WageClaim = serde_json::from_value(field("result")?.clone())?;
    let author = field("author")?.as_str().unwrap_or_default().to_string();
    insert(
        w,
        &WageCalcId::from_slice(id).unwrap_or_default(),
        case_rowid,
        &serde_json::to_string(&input)?,
        &serde_json::to_string(&result)?,
        result.total_krw,
        &author,
        set.hlc,
    )?;
    crate::deadlines::refresh_stored(&w.tx, case_rowid)?;
    Ok(ApplyReport::one_applied())
}
