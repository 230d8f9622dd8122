//! Casework tools on the case page: the wage-claim calculator, its PDF enclosure, the case's
//! legal deadlines, and the safeguard shown before a letter goes out.

use crate::session::AppState;
use qorgau_core::casework::calc_wages;
use qorgau_core::domain::caselog::ChecklistItem;
use qorgau_core::domain::deadlines::Deadline;
use qorgau_core::domain::wages::WageClaimInput;
use qorgau_core::domain::{CaseId, TimelineEntryId};
use qorgau_core::safeguards::LetterSafeguard;
use qorgau_core::wage_enclosure::EnclosureLanguage;
use qorgau_core::{CaseLogRecord, CaseWageCalc, CoreError, LetterRequest};
use tauri::State;
use tauri::ipc::Response;

/// Computes the wage claim of a case; with `save`, stores it on the case and writes its
/// total to the claimed amount.
#[tauri::command]
pub async fn calc_case_wages(
    state: State<'_, AppState>,
    case_id: CaseId,
    input: WageClaimInput,
    save: bool,
) -> Result<CaseWageCalc, CoreError> {
    state
        .run(move |ws| {
            let (calc_id, claim) = ws.case_wage_calc(case_id, &input, save)?;
            Ok(CaseWageCalc { calc_id, claim })
        })
        .await
}

/// The breakdown as a PDF enclosure in Korean or English (raw bytes).
#[tauri::command]
pub async fn wage_breakdown_pdf(
    state: State<'_, AppState>,
    case_id: CaseId,
    input: WageClaimInput,
    lang: EnclosureLanguage,
) -> Result<Response, CoreError> {
    state
        .run(move |ws| {
            let claim = calc_wages(&input)?;
            ws.wage_breakdown_pdf(case_id, &input, &claim, lang)
                .map(Response::new)
        })
        .await
}

#[tauri::command]
pub async fn case_deadlines(
    state: State<'_, AppState>,
    case_id: CaseId,
) -> Result<Vec<Deadline>, CoreError> {
    state.run(move |ws| ws.deadlines(case_id)).await
}

#[tauri::command]
pub async fn set_deadline_done(
    state: State<'_, AppState>,
    case_id: CaseId,
    key: String,
    done: bool,
) -> Result<(), CoreError> {
    state
        .run(move |ws| ws.set_deadline_done(case_id, &key, done))
        .await
}

/// The channel's reporting duty and what will be recorded about the stay status.
#[tauri::command]
pub async fn letter_safeguard(
    state: State<'_, AppState>,
    request: LetterRequest,
) -> Result<LetterSafeguard, CoreError> {
    state.run(move |ws| ws.letter_safeguard(&request)).await
}

/// Adds a checklist or log entry (repatriation item, detention visit, next-of-kin contact).
#[tauri::command]
pub async fn add_case_log(
    state: State<'_, AppState>,
    case_id: CaseId,
    entry: serde_json::Value,
) -> Result<TimelineEntryId, CoreError> {
    state.run(move |ws| ws.add_case_log(case_id, entry)).await
}

#[tauri::command]
pub async fn case_logs(
    state: State<'_, AppState>,
    case_id: CaseId,
) -> Result<Vec<CaseLogRecord>, CoreError> {
    state.run(move |ws| ws.case_logs(case_id, None)).await
}

#[tauri::command]
pub async fn repatriation_checklist(
    state: State<'_, AppState>,
    case_id: CaseId,
) -> Result<Vec<ChecklistItem>, CoreError> {
    state
        .run(move |ws| ws.repatriation_checklist(case_id))
        .await
}
