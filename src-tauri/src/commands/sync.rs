//! Sync: status, a round now, joining a team with a one-time code, conflict review.

use crate::session::AppState;
use qorgau_core::{ConflictForReview, CoreError, SyncReport, SyncStatus};
use tauri::State;

#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> Result<SyncStatus, CoreError> {
    state.run(move |ws| ws.sync_status()).await
}

#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Result<SyncReport, CoreError> {
    let state = state.inner().clone();
    crate::session::blocking(move || state.sync_now()).await
}

#[tauri::command]
pub async fn enroll_device(
    state: State<'_, AppState>,
    code: String,
) -> Result<SyncStatus, CoreError> {
    state
        .run(move |ws| {
            ws.enroll_device(code.trim())?;
            ws.sync_status()
        })
        .await
}

#[tauri::command]
pub async fn conflicts(
    state: State<'_, AppState>,
    all: bool,
) -> Result<Vec<ConflictForReview>, CoreError> {
    state.run(move |ws| ws.conflicts_for_review(all)).await
}

/// Keeps this device's value, or takes the other device's (`take_other`).
#[tauri::command]
pub async fn resolve_conflict(
    state: State<'_, AppState>,
    id: i64,
    take_other: bool,
) -> Result<(), CoreError> {
    state
        .run(move |ws| ws.resolve_conflict(id, take_other))
        .await
}
