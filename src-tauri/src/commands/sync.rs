//! Sync: status, a round now, joining a team with a one-time code, conflict review.

use crate::session::AppState;
use qorgau_core::{Conflict, CoreError, SyncReport, SyncStatus};
use tauri::State;

#[tauri::command(async)]
pub fn sync_status(state: State<'_, AppState>) -> Result<SyncStatus, CoreError> {
    state.with(|ws| ws.sync_status())
}

#[tauri::command(async)]
pub fn sync_now(state: State<'_, AppState>) -> Result<SyncReport, CoreError> {
    state.with(|ws| ws.sync())
}

#[tauri::command(async)]
pub fn enroll_device(state: State<'_, AppState>, code: String) -> Result<SyncStatus, CoreError> {
    state.with(|ws| ws.enroll_device(code.trim()))
}

#[tauri::command(async)]
pub fn conflicts(state: State<'_, AppState>, all: bool) -> Result<Vec<Conflict>, CoreError> {
    state.with(|ws| ws.conflicts(all))
}

/// Keeps this device's value, or takes the other device's (`take_other`).
#[tauri::command(async)]
pub fn resolve_conflict(
    state: State<'_, AppState>,
    id: i64,
    take_other: bool,
) -> Result<(), CoreError> {
    state.with(|ws| ws.resolve_conflict(id, take_other))
}
