//! Attachments in and out, through the system's file dialogs only: the UI never names a path.

use crate::session::{AppState, blocking};
use qorgau_core::domain::AttachmentId;
use qorgau_core::domain::attachment::{AttachmentMeta, AttachmentOwner};
use qorgau_core::{CoreError, DocumentUse, ErrorCode, NewAttachment};
use std::path::Path;
use tauri::ipc::Response;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

/// Photos and scans, as the caseworker picks them in the open dialog. Empty when cancelled.
#[tauri::command]
pub async fn add_attachments<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    owner: AttachmentOwner,
    caption: Option<String>,
) -> Result<Vec<AttachmentMeta>, CoreError> {
    let state = state.inner().clone();
    blocking(move || {
        let Some(paths) = app
            .dialog()
            .file()
            .add_filter(
                "Photos, scans, documents",
                &["jpg", "jpeg", "png", "webp", "heic", "tif", "tiff", "pdf"],
            )
            .blocking_pick_files()
        else {
            return Ok(Vec::new());
        };
        let caption = caption.as_deref().filter(|c| !c.trim().is_empty());
        let mut added = Vec::new();
        for path in paths {
            let path = path
                .into_path()
                .map_err(|e| io_error("the chosen file", e))?;
            let bytes =
                std::fs::read(&path).map_err(|e| io_error(&path.display().to_string(), e))?;
            let file_name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "attachment".into());
            added.push(state.with(|ws| {
                ws.add_attachment(&NewAttachment {
                    owner,
                    file_name: &file_name,
                    mime_type: mime_type(&path),
                    caption,
                    bytes: &bytes,
                })
            })?);
        }
        Ok(added)
    })
    .await
}

#[tauri::command]
pub async fn attachment_bytes(
    state: State<'_, AppState>,
    id: AttachmentId,
) -> Result<Response, CoreError> {
    state
        .run(move |ws| {
            ws.attachment_bytes(id, DocumentUse::View)
                .map(Response::new)
        })
        .await
}

/// Writes an attachment where the caseworker chooses; the path, or `None` when cancelled.
#[tauri::command]
pub async fn export_attachment<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: AttachmentId,
    file_name: String,
) -> Result<Option<String>, CoreError> {
    save_with_dialog(app, state, safe_file_name(&file_name), move |ws| {
        ws.attachment_bytes(id, DocumentUse::Save)
    })
    .await
}

/// Asks where to save, suggesting `suggested`; then takes the bytes from `take` (which
/// records the save in the audit log, so a cancelled dialog records nothing) and writes them.
/// The path written, or `None` when the caseworker cancelled.
pub(crate) async fn save_with_dialog<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    suggested: String,
    take: impl FnOnce(&mut qorgau_core::Workspace) -> Result<Vec<u8>, CoreError> + Send + 'static,
) -> Result<Option<String>, CoreError> {
    let chosen = blocking(move || {
        app.dialog()
            .file()
            .set_file_name(&suggested)
            .blocking_save_file()
    })
    .await;
    let Some(path) = chosen else {
        return Ok(None);
    };
    let path = path
        .into_path()
        .map_err(|e| io_error("the chosen file", e))?;
    let bytes = state.run(take).await?;
    blocking(move || {
        std::fs::write(&path, bytes).map_err(|e| io_error(&path.display().to_string(), e))?;
        Ok(Some(path.display().to_string()))
    })
    .await
}

/// A file name without path separators or control characters (`SEL-2026/0042` →
/// `SEL-2026_0042`).
pub fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    match cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace()) {
        "" => "file".into(),
        name => name.into(),
    }
}

/// The MIME type by extension, for the formats the open dialog offers.
pub fn mime_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "tif" | "tiff" => "image/tiff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn io_error(what: &str, e: impl std::fmt::Display) -> CoreError {
    CoreError::new(ErrorCode::Storage, format!("{what}: {e}"))
}
