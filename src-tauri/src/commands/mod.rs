//! The app's commands, grouped by screen. Each is a few lines: convert the arguments, call
//! one `qorgau-core` function through [`AppState`](crate::session::AppState), return its
//! result or its `CoreError` (`{code, message, issues}`), which the UI shows.

pub mod backup;
pub mod cases;
pub mod casework;
pub mod directory;
pub mod files;
pub mod letters;
pub mod session;
pub mod sync;
pub mod workers;

use tauri::Runtime;
use tauri::ipc::Invoke;

/// The invoke handler with every command of `command_names.rs`, in that order.
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        session::app_info,
        session::create_workspace,
        session::unlock,
        session::lock,
        session::touch,
        session::update_settings,
        session::choose_workspace,
        workers::dashboard,
        workers::search,
        workers::list_workers,
        workers::worker_detail,
        workers::add_worker,
        workers::update_worker,
        cases::list_cases,
        cases::case_detail,
        cases::add_case,
        cases::update_case,
        cases::set_case_status,
        cases::add_timeline_entry,
        cases::add_task,
        cases::set_task_done,
        letters::letter_templates,
        letters::letter_missing_fields,
        letters::letter_warnings,
        letters::preview_letter,
        letters::register_letter,
        letters::letter_pdf,
        letters::letter_printed,
        letters::save_letter_pdf,
        letters::mark_letter,
        files::add_attachments,
        files::attachment_bytes,
        files::export_attachment,
        directory::list_agencies,
        directory::propose_agencies,
        directory::mission,
        directory::set_mission,
        sync::sync_status,
        sync::sync_now,
        sync::enroll_device,
        sync::conflicts,
        sync::resolve_conflict,
        casework::calc_case_wages,
        casework::wage_breakdown_pdf,
        casework::case_deadlines,
        casework::set_deadline_done,
        casework::letter_safeguard,
        casework::add_case_log,
        casework::case_logs,
        casework::repatriation_checklist,
        backup::create_backup,
        backup::verify_backup,
        backup::backup_status,
    ]
}
