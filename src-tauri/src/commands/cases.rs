//! Cases: lists, the case page, status, timeline and tasks.

use crate::session::AppState;
use chrono::NaiveDate;
use qorgau_core::domain::{CaseId, CaseStatus, StatusTransition, TaskId, TimelineEntryId};
use qorgau_core::{CaseDetail, CaseFilter, CaseSummary, CoreError, NewTimelineEntry};
use serde_json::Value;
use tauri::State;

#[tauri::command]
pub async fn list_cases(
    state: State<'_, AppState>,
    filter: CaseFilter,
) -> Result<Vec<CaseSummary>, CoreError> {
    state.run(move |ws| ws.list_cases(&filter)).await
}

#[tauri::command]
pub async fn case_detail(state: State<'_, AppState>, id: CaseId) -> Result<CaseDetail, CoreError> {
    state.run(move |ws| ws.case_detail(id)).await
}

#[tauri::command]
pub async fn add_case(state: State<'_, AppState>, case: Value) -> Result<CaseId, CoreError> {
    state.run(move |ws| ws.add_case_json(case)).await
}

#[tauri::command]
pub async fn update_case(
    state: State<'_, AppState>,
    id: CaseId,
    patch: Value,
) -> Result<Vec<String>, CoreError> {
    state.run(move |ws| ws.update_case(id, patch)).await
}

#[tauri::command]
pub async fn set_case_status(
    state: State<'_, AppState>,
    id: CaseId,
    status: CaseStatus,
    reason: Option<String>,
) -> Result<StatusTransition, CoreError> {
    state
        .run(move |ws| ws.set_case_status(id, status, reason.as_deref()))
        .await
}

#[tauri::command]
pub async fn add_timeline_entry(
    state: State<'_, AppState>,
    id: CaseId,
    entry: NewTimelineEntry,
) -> Result<TimelineEntryId, CoreError> {
    state.run(move |ws| ws.add_timeline_entry(id, &entry)).await
}

#[tauri::command]
pub async fn add_task(
    state: State<'_, AppState>,
    id: CaseId,
    title: String,
    due_on: Option<NaiveDate>,
) -> Result<TaskId, CoreError> {
    state.run(move |ws| ws.add_task(id, &title, due_on)).await
}

#[tauri::command]
pub async fn set_task_done(
    state: State<'_, AppState>,
    task: TaskId,
    done: bool,
) -> Result<(), CoreError> {
    state.run(move |ws| ws.set_task_done(task, done)).await
}
