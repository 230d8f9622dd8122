//! First run, unlock, lock, settings.

use crate::session::{AppInfo, AppState, DesktopSettings};
use qorgau_core::{CoreError, Passphrase};
use tauri::State;

#[tauri::command(async)]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    state.session().info()
}

#[tauri::command(async)]
pub fn create_workspace(
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

#[tauri::command(async)]
pub fn unlock(state: State<'_, AppState>, passphrase: String) -> Result<AppInfo, CoreError> {
    state.session().unlock(&Passphrase::new(passphrase))
}

#[tauri::command(async)]
pub fn lock(state: State<'_, AppState>) -> AppInfo {
    let mut session = state.session();
    session.lock();
    session.info()
}

/// The caseworker is active (a key or a click): postpones the auto-lock.
#[tauri::command(async)]
pub fn touch(state: State<'_, AppState>) {
    state.session().touch();
}

#[tauri::command(async)]
pub fn update_settings(
    state: State<'_, AppState>,
    settings: DesktopSettings,
) -> Result<AppInfo, CoreError> {
    state.session().update_settings(settings)
}

/// Asks for another workspace folder in the system's folder dialog; `None` when cancelled.
#[tauri::command(async)]
pub fn choose_workspace<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
) -> Option<AppInfo> {
    use tauri_plugin_dialog::DialogExt;
    let dir = app
        .dialog()
        .file()
        .blocking_pick_folder()?
        .into_path()
        .ok()?;
    Some(state.session().switch_dir(dir))
}
