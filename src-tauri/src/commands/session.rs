//! First run, unlock, lock, settings.

use crate::session::{AppInfo, AppState, DesktopSettings, blocking};
use qorgau_core::{CoreError, Passphrase};
use tauri::State;

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, CoreError> {
    Ok(state.run_session(|s| s.info()).await)
}

#[tauri::command]
pub async fn create_workspace(
    state: State<'_, AppState>,
    passphrase: String,
    settings: DesktopSettings,
    mission_preset: Option<String>,
) -> Result<AppInfo, CoreError> {
    state.session().create(
        &Passphrase::new(passphrase),
        settings,
        mission_preset.as_deref(),
    )
}

#[tauri::command]
pub async fn unlock(state: State<'_, AppState>, passphrase: String) -> Result<AppInfo, CoreError> {
    state
        .run_session(move |s| s.unlock(&Passphrase::new(passphrase)))
        .await
}

#[tauri::command]
pub async fn lock(state: State<'_, AppState>) -> Result<AppInfo, CoreError> {
    Ok(state.lock())
}

/// The caseworker is active (a key or a click): postpones the auto-lock.
#[tauri::command]
pub async fn touch(state: State<'_, AppState>) -> Result<(), CoreError> {
    state.touch();
    Ok(())
}

#[tauri::command]
pub async fn update_settings(
    state: State<'_, AppState>,
    settings: DesktopSettings,
) -> Result<AppInfo, CoreError> {
    state
        .run_session(move |s| s.update_settings(settings))
        .await
}

/// Asks for another workspace folder in the system's folder dialog; `None` when cancelled.
#[tauri::command]
pub async fn choose_workspace<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<AppInfo>, CoreError> {
    use tauri_plugin_dialog::DialogExt;
    let state = state.inner().clone();
    Ok(blocking(move || {
        let dir = app
            .dialog()
            .file()
            .blocking_pick_folder()?
            .into_path()
            .ok()?;
        Some(state.session().switch_dir(dir))
    })
    .await)
}
