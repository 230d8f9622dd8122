//! The dashboard, search everywhere, and workers.

use crate::session::AppState;
use qorgau_core::domain::WorkerId;
use qorgau_core::{
    AddedWorker, CoreError, Dashboard, SearchHit, WorkerDetail, WorkerFilter, WorkerSummary,
};
use serde_json::Value;
use tauri::State;

/// How many hits search-as-you-type shows.
pub const SEARCH_LIMIT: usize = 20;

#[tauri::command]
pub async fn dashboard(state: State<'_, AppState>) -> Result<Dashboard, CoreError> {
    state.run(move |ws| ws.dashboard()).await
}

#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    query: String,
) -> Result<Vec<SearchHit>, CoreError> {
    state.run(move |ws| ws.search(&query, SEARCH_LIMIT)).await
}

#[tauri::command]
pub async fn list_workers(
    state: State<'_, AppState>,
    filter: WorkerFilter,
) -> Result<Vec<WorkerSummary>, CoreError> {
    state.run(move |ws| ws.list_workers(&filter)).await
}

#[tauri::command]
pub async fn worker_detail(
    state: State<'_, AppState>,
    id: WorkerId,
) -> Result<WorkerDetail, CoreError> {
    state.run(move |ws| ws.worker_detail(id)).await
}

/// A new worker from the form's JSON: the domain validates it and names each bad field.
#[tauri::command]
pub async fn add_worker(
    state: State<'_, AppState>,
    worker: Value,
) -> Result<AddedWorker, CoreError> {
    state.run(move |ws| ws.add_worker_json(worker)).await
}

/// Changes the fields in `patch` (null clears one); returns the names of the changed fields.
#[tauri::command]
pub async fn update_worker(
    state: State<'_, AppState>,
    id: WorkerId,
    patch: Value,
) -> Result<Vec<String>, CoreError> {
    state.run(move |ws| ws.update_worker(id, patch)).await
}
