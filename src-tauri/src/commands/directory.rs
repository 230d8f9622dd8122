//! The agency directory and the mission profile.

use crate::session::AppState;
use qorgau_core::CoreError;
use qorgau_core::domain::MissionProfile;
use qorgau_core::domain::agency::AgencyRecord;
use tauri::State;

#[tauri::command(async)]
pub fn list_agencies(state: State<'_, AppState>) -> Result<Vec<AgencyRecord>, CoreError> {
    state.with(|ws| ws.list_agencies())
}

#[tauri::command(async)]
pub fn mission(state: State<'_, AppState>) -> Result<Option<MissionProfile>, CoreError> {
    state.with(|ws| ws.mission())
}

/// Saves the mission profile; returns the fields letters need that are still empty.
#[tauri::command(async)]
pub fn set_mission(
    state: State<'_, AppState>,
    profile: MissionProfile,
) -> Result<Vec<String>, CoreError> {
    state.with(|ws| {
        ws.set_mission(&profile)?;
        ws.mission_gaps()
    })
}
