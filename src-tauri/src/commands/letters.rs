//! Letters: what a template needs, a preview, registering, the registered PDF, saving it.

use crate::session::AppState;
use qorgau_core::domain::{LetterId, LetterRecord, LetterStatus};
use qorgau_core::{CoreError, DocumentUse, ErrorCode, LetterRequest, TemplateSummary};
use tauri::State;
use tauri::ipc::Response;

#[tauri::command]
pub async fn letter_templates(
    state: State<'_, AppState>,
) -> Result<Vec<TemplateSummary>, CoreError> {
    state.run(move |ws| ws.letter_templates()).await
}

/// The template fields the records do not fill yet (empty: ready to register).
#[tauri::command]
pub async fn letter_missing_fields(
    state: State<'_, AppState>,
    request: LetterRequest,
) -> Result<Vec<String>, CoreError> {
    state
        .run(move |ws| ws.letter_missing_fields(&request))
        .await
}

/// What the caseworker should read before sending the letter: the reporting duty of the
/// channel when the letter states the worker's stay status, first person in a note verbale.
#[tauri::command]
pub async fn letter_warnings(
    state: State<'_, AppState>,
    request: LetterRequest,
) -> Result<Vec<String>, CoreError> {
    state.run(move |ws| ws.letter_warnings(&request)).await
}

/// A draft's PDF bytes (marked as a draft, no number), for the preview.
#[tauri::command]
pub async fn preview_letter(
    state: State<'_, AppState>,
    request: LetterRequest,
) -> Result<Response, CoreError> {
    state
        .run(move |ws| ws.preview_letter(&request).map(Response::new))
        .await
}

/// Numbers the letter in the registry and keeps its PDF's hash.
#[tauri::command]
pub async fn register_letter(
    state: State<'_, AppState>,
    request: LetterRequest,
) -> Result<LetterRecord, CoreError> {
    state
        .run(move |ws| {
            ws.register_letter(&request, None)?.record.ok_or_else(|| {
                CoreError::new(
                    ErrorCode::Storage,
                    "the letter was rendered but not registered",
                )
            })
        })
        .await
}

/// A registered letter's PDF, checked against its registered hash.
#[tauri::command]
pub async fn letter_pdf(state: State<'_, AppState>, id: LetterId) -> Result<Response, CoreError> {
    state
        .run(move |ws| ws.letter_pdf(id, DocumentUse::View).map(Response::new))
        .await
}

/// Records in the audit log that the letter shown was sent to the printer.
#[tauri::command]
pub async fn letter_printed(state: State<'_, AppState>, id: LetterId) -> Result<(), CoreError> {
    state.run(move |ws| ws.record_letter_printed(id)).await
}

/// Saves a registered letter's PDF where the caseworker chooses in the system's save dialog.
/// Returns the path, or `None` when the dialog was cancelled.
#[tauri::command]
pub async fn save_letter_pdf<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    id: LetterId,
) -> Result<Option<String>, CoreError> {
    let record = state.run(move |ws| ws.letter(id)).await?;
    let name = match &record.number {
        Some(number) => super::files::safe_file_name(&number.text),
        None => "letter".into(),
    };
    super::files::save_with_dialog(app, state, format!("{name}.pdf"), move |ws| {
        ws.letter_pdf(id, DocumentUse::Save)
    })
    .await
}

#[tauri::command]
pub async fn mark_letter(
    state: State<'_, AppState>,
    id: LetterId,
    status: LetterStatus,
    note: Option<String>,
) -> Result<LetterRecord, CoreError> {
    state
        .run(move |ws| ws.mark_letter(id, status, note.as_deref()))
        .await
}
