//! The agency directory and the mission profile.

use crate::session::AppState;
use qorgau_core::CoreError;
use qorgau_core::domain::MissionProfile;
use qorgau_core::domain::agency::AgencyRecord;
use tauri::State;

/// The agencies ranked as addressees for a case, from its workplace's address (the place of
/// the incident first for police and hospitals), each with the basis of the proposal.
#[tauri::command]
pub async fn propose_agencies(
    state: State<'_, AppState>,
    case_id: qorgau_core::domain::CaseId,
    kind: Option<qorgau_core::domain::AgencyKind>,
) -> Result<qorgau_core::jurisdiction::CaseProposals, CoreError> {
    state
        .run(move |ws| ws.propose_agencies_for_case(case_id, kind))
        .await
}

#[tauri::command]
pub async fn list_agencies(state: State<'_, AppState>) -> Result<Vec<AgencyRecord>, CoreError> {
    state.run(move |ws| ws.list_agencies()).await
}

#[tauri::command]
pub async fn mission(state: State<'_, AppState>) -> Result<Option<MissionProfile>, CoreError> {
    state.run(move |ws| ws.mission()).await
}

/// Saves the mission profile; returns the fields letters need that are still empty.
#[tauri::command]
pub async fn set_mission(
    state: State<'_, AppState>,
    profile: MissionProfile,
) -> Result<Vec<String>, CoreError> {
    state
        .run(move |ws| {
            ws.set_mission(&profile)?;
            ws.mission_gaps()
        })
        .await
}
