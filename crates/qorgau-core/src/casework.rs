//! Casework tools: the wage-claim calculator on a case and the case's legal deadlines.

use crate::error::{CoreError, ErrorCode};
use crate::workspace::Workspace;
use qorgau_domain::caselog::{CaseLogEntry, ChecklistItem};
use qorgau_domain::deadlines::Deadline;
use qorgau_domain::wages::{self, WageClaim, WageClaimInput};
use qorgau_domain::{CaseId, IssueCode, TimelineEntryId, ValidationIssue, WageCalcId};
use qorgau_store::{CaseLogRecord, WageCalcRecord};
use serde::Serialize;
use serde_json::Value;

type Result<T> = std::result::Result<T, CoreError>;

/// Reads the calculator's input from JSON, refusing a wrong field with its name.
pub fn wage_input(json: Value) -> Result<WageClaimInput> {
    serde_json::from_value(json).map_err(|e| {
        let text = e.to_string();
        // serde names the field in its message (`unknown field `pay_day``, `missing field
        // `as_of``, `invalid type … for `months``); the issue carries it.
        let field = text
            .split('`')
            .nth(1)
            .filter(|f| !f.contains(' '))
            .unwrap_or("input")
            .to_string();
        CoreError::invalid(vec![ValidationIssue::error(
            field,
            IssueCode::OutOfRange,
            text,
        )])
    })
}

/// Computes a wage claim (nothing is stored).
pub fn calc_wages(input: &WageClaimInput) -> Result<WageClaim> {
    wages::compute(input).map_err(|report| CoreError::invalid(report.issues))
}

/// A computation on a case: its result and, when saved, its id.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseWageCalc {
    pub calc_id: Option<WageCalcId>,
    pub claim: WageClaim,
}

impl Workspace {
    /// Computes the claim for a case; with `save`, stores it on the case (synced like any
    /// record), writes the total to `amount_claimed_krw` and recomputes the deadlines.
    pub fn case_wage_calc(
        &mut self,
        case: CaseId,
        input: &WageClaimInput,
        save: bool,
    ) -> Result<(Option<WageCalcId>, WageClaim)> {
        self.case(case)?;
        let claim = calc_wages(input)?;
        let id = if save {
            Some(self.store.save_wage_calc(case, input, &claim)?)
        } else {
            None
        };
        Ok((id, claim))
    }

    /// The case's saved computations, the newest first.
    pub fn wage_calcs(&self, case: CaseId) -> Result<Vec<WageCalcRecord>> {
        Ok(self.store.wage_calcs(case)?)
    }

    /// The case's deadlines from its facts, earliest first.
    pub fn deadlines(&self, case: CaseId) -> Result<Vec<Deadline>> {
        Ok(self.store.deadlines(case)?)
    }

    /// Marks a computed deadline done (or open again): it is kept on the case
    /// (`deadlines_done`), so it syncs and survives recomputation.
    pub fn set_deadline_done(&mut self, case: CaseId, key: &str, done: bool) -> Result<()> {
        if !self.deadlines(case)?.iter().any(|d| d.key == key) {
            return Err(CoreError::new(
                ErrorCode::NotFound,
                format!("case {case} has no deadline {key:?}"),
            ));
        }
        let mut keys = self.case(case)?.record.deadlines_done;
        keys.retain(|k| k != key);
        if done {
            keys.push(key.to_string());
        }
        self.update_case(case, serde_json::json!({ "deadlines_done": keys }))?;
        Ok(())
    }
}

impl Workspace {
    /// Adds a checklist or log entry (`{"kind": "repatriation_item" | "detention_visit" |
    /// "kin_contact", …}`) to the case; the case's deadlines follow.
    pub fn add_case_log(&mut self, case: CaseId, entry: Value) -> Result<TimelineEntryId> {
        let entry: CaseLogEntry = serde_json::from_value(entry).map_err(|e| {
            let text = e.to_string();
            let field = text
                .split('`')
                .nth(1)
                .filter(|f| !f.contains(' '))
                .unwrap_or("entry")
                .to_string();
            CoreError::invalid(vec![ValidationIssue::error(
                field,
                IssueCode::OutOfRange,
                text,
            )])
        })?;
        Ok(self.store.add_case_log(case, &entry)?)
    }

    /// The case's checklist and log entries, oldest first; only `kind`'s when given.
    pub fn case_logs(&self, case: CaseId, kind: Option<&str>) -> Result<Vec<CaseLogRecord>> {
        Ok(self.store.case_logs(case, kind)?)
    }

    /// The repatriation checklist: every item with its status, cost and payer.
    pub fn repatriation_checklist(&self, case: CaseId) -> Result<Vec<ChecklistItem>> {
        Ok(self.store.repatriation_checklist(case)?)
    }
}
