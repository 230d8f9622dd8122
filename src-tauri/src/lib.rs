//! Qorgau's desktop app: a thin Tauri 2 shell over `qorgau-core`. The commands (in
//! [`commands`]) convert arguments and call the core; [`session`] holds the one unlocked
//! workspace; [`bindings`] writes the TypeScript types the UI imports. No SQL, no keys and no
//! PDF layout live here.

pub mod bindings;
pub mod commands;
pub mod session;
pub mod web_view_environment;

include!("command_names.rs");

use session::AppState;
use std::time::Duration;
use tauri::{Builder, Emitter, Manager, Runtime};

/// The event the UI hears when the app locked itself after the idle delay.
pub const LOCKED_EVENT: &str = "qorgau://locked";

/// The event the UI hears after a background sync round (its `SyncReport`, or the error).
pub const SYNCED_EVENT: &str = "qorgau://synced";

/// How often the idle check runs.
const IDLE_CHECK_EVERY: Duration = Duration::from_secs(5);

/// How often an unlocked workspace in a sync team syncs by itself.
pub const BACKGROUND_SYNC_EVERY: Duration = Duration::from_secs(5 * 60);

/// Wires the app on any runtime: the real one in [`run`], Tauri's mock runtime in tests.
pub fn setup<R: Runtime>(builder: Builder<R>, state: AppState) -> Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .invoke_handler(commands::handler())
        .setup(|app| {
            let handle = app.handle().clone();
            std::thread::Builder::new()
                .name("auto-lock".into())
                .spawn(move || auto_lock(handle))?;
            let handle = app.handle().clone();
            std::thread::Builder::new()
                .name("background-sync".into())
                .spawn(move || background_sync(handle))?;
            Ok(())
        })
}

/// Locks the workspace when the caseworker has been idle too long, and tells the UI.
fn auto_lock<R: Runtime>(app: tauri::AppHandle<R>) {
    loop {
        std::thread::sleep(IDLE_CHECK_EVERY);
        if app.state::<AppState>().lock_if_idle() {
            let _ = app.emit(LOCKED_EVENT, ());
        }
    }
}

/// Syncs every few minutes while the workspace is unlocked and in a team; offline is normal,
/// so a failed round is only reported to the UI and tried again next time.
fn background_sync<R: Runtime>(app: tauri::AppHandle<R>) {
    loop {
        std::thread::sleep(BACKGROUND_SYNC_EVERY);
        match app.state::<AppState>().sync_if_in_team() {
            Some(Ok(report)) => {
                let _ = app.emit(SYNCED_EVENT, report);
            }
            Some(Err(error)) => {
                let _ = app.emit(SYNCED_EVENT, error);
            }
            None => {}
        }
    }
}

pub fn run() {
    let args: Vec<String> = std::env::args().collect();
    let dir = session::workspace_dir_from(&args, |k| std::env::var(k).ok());
    setup(tauri::Builder::default(), AppState::new(dir))
        .run(tauri::generate_context!())
        .expect("the Qorgau window could not start");
}
