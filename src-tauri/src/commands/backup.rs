//! Backups: one is written where the caseworker chooses in the save dialog, one is checked
//! from the file chosen in the open dialog (the UI never names a path), and the dashboard asks
//! whether a reminder is due. Restoring is left to `qorgau backup restore`: it creates a new
//! workspace folder, and the app never replaces the workspace it has open.
//!
//! The work after each dialog is a plain function ([`write_backup`], [`check_backup`]) that
//! the command tests call with a temporary path, since the mock runtime has no dialogs.

use crate::session::{AppState, blocking};
use chrono::{DateTime, Utc};
use qorgau_core::backup::BackupInfo;
use qorgau_core::{CoreError, ErrorCode, Passphrase};
use serde::Serialize;
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

/// The extension the dialogs offer; the CLI accepts any name.
const EXTENSION: &str = "qorgau-backup";

/// Whether the dashboard should remind the caseworker to make a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct BackupStatus {
    /// When the last backup was made (RFC 3339), from the audit log; `None` when never.
    pub last_backup_at: Option<String>,
    /// Whole days since then.
    pub days_since: Option<u32>,
    /// The setting `backup_reminder_days`.
    pub reminder_days: u32,
    /// No backup yet, or the last one is at least `reminder_days` old.
    pub due: bool,
}

impl BackupStatus {
    /// The reminder at `now`. A last backup time that cannot be read counts as none: a
    /// reminder too many is harmless, a missed one is not.
    pub fn at(last_backup_at: Option<String>, reminder_days: u32, now: DateTime<Utc>) -> Self {
        let days_since = last_backup_at
            .as_deref()
            .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
            .map(|at| {
                let days = (now - at.with_timezone(&Utc)).num_days().max(0);
                u32::try_from(days).unwrap_or(u32::MAX)
            });
        Self {
            due: days_since.is_none_or(|days| days >= reminder_days),
            last_backup_at,
            days_since,
            reminder_days,
        }
    }
}

/// Asks where to save a backup of the open workspace and writes it there; what it holds, or
/// `None` when the dialog was cancelled.
#[tauri::command]
pub async fn create_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<BackupInfo>, CoreError> {
    // The caseworker's own date (Seoul or Busan), not UTC's, in the name suggested.
    let today = chrono::Local::now().format("%Y-%m-%d");
    let suggested = format!("qorgau-{today}.{EXTENSION}");
    let chosen = blocking(move || {
        app.dialog()
            .file()
            .add_filter("Qorgau backup", &[EXTENSION])
            .set_file_name(&suggested)
            .blocking_save_file()
    })
    .await;
    let Some(path) = chosen else {
        return Ok(None);
    };
    let path = chosen_path(path)?;
    let state = state.inner().clone();
    blocking(move || write_backup(&state, &path).map(Some)).await
}

/// Asks for a backup file in the open dialog and checks it with the passphrase it was made
/// with; what it holds, or `None` when the dialog was cancelled. Nothing is restored.
#[tauri::command]
pub async fn verify_backup<R: Runtime>(
    app: AppHandle<R>,
    passphrase: String,
) -> Result<Option<BackupInfo>, CoreError> {
    let passphrase = Passphrase::new(passphrase);
    let chosen = blocking(move || {
        app.dialog()
            .file()
            .add_filter("Qorgau backup", &[EXTENSION])
            .blocking_pick_file()
    })
    .await;
    let Some(path) = chosen else {
        return Ok(None);
    };
    let path = chosen_path(path)?;
    blocking(move || check_backup(&path, &passphrase).map(Some)).await
}

/// When the last backup was made and whether the reminder is due.
#[tauri::command]
pub async fn backup_status(state: State<'_, AppState>) -> Result<BackupStatus, CoreError> {
    let state = state.inner().clone();
    blocking(move || backup_status_at(&state, Utc::now())).await
}

/// Writes a backup of the open workspace to `path` (which must not exist yet).
pub fn write_backup(state: &AppState, path: &Path) -> Result<BackupInfo, CoreError> {
    state.with(|ws| ws.create_backup(path))
}

/// Checks the backup at `path` in a temporary directory; the open workspace is not touched,
/// so this needs no unlocked workspace.
pub fn check_backup(path: &Path, passphrase: &Passphrase) -> Result<BackupInfo, CoreError> {
    qorgau_core::backup::verify_backup(path, passphrase)
}

/// [`BackupStatus`] at `now`, from the settings and the open workspace's audit log.
pub fn backup_status_at(state: &AppState, now: DateTime<Utc>) -> Result<BackupStatus, CoreError> {
    let reminder_days = state.session().settings().backup_reminder_days;
    let last = state.with(|ws| ws.last_backup_at())?;
    Ok(BackupStatus::at(last, reminder_days, now))
}

fn chosen_path(path: tauri_plugin_dialog::FilePath) -> Result<PathBuf, CoreError> {
    path.into_path().map_err(|e| {
        CoreError::new(
            ErrorCode::Storage,
            format!("the chosen file cannot be used: {e}"),
        )
    })
}
