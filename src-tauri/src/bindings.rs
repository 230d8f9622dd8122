//! The TypeScript types of everything that crosses the IPC boundary, generated from the Rust
//! types with ts-rs into `ui/src/lib/bindings/`. They are committed; the test
//! `bindings_are_current` fails when they are stale, and `QORGAU_WRITE_BINDINGS=1 cargo test
//! -p qorgau-desktop --test bindings` writes them again.

use std::collections::BTreeMap;
use std::path::Path;
use ts_rs::TS;

/// Every root type the UI receives or sends; ts-rs follows their fields to the rest.
fn export_roots(dir: &Path) -> Result<(), ts_rs::ExportError> {
    use qorgau_core::domain::{
        LetterStatus, MissionProfile, Worker, agency::AgencyRecord, attachment::AttachmentOwner,
    };
    use qorgau_core::*;
    crate::session::AppInfo::export_all_to(dir)?;
    crate::session::DesktopSettings::export_all_to(dir)?;
    Dashboard::export_all_to(dir)?;
    SearchHit::export_all_to(dir)?;
    WorkerFilter::export_all_to(dir)?;
    WorkerSummary::export_all_to(dir)?;
    WorkerDetail::export_all_to(dir)?;
    Worker::export_all_to(dir)?;
    AddedWorker::export_all_to(dir)?;
    CaseFilter::export_all_to(dir)?;
    CaseDetail::export_all_to(dir)?;
    CaseSummary::export_all_to(dir)?;
    NewTimelineEntry::export_all_to(dir)?;
    CoreError::export_all_to(dir)?;
    LetterRequest::export_all_to(dir)?;
    TemplateSummary::export_all_to(dir)?;
    LetterStatus::export_all_to(dir)?;
    AttachmentOwner::export_all_to(dir)?;
    AgencyRecord::export_all_to(dir)?;
    MissionProfile::export_all_to(dir)?;
    SyncStatus::export_all_to(dir)?;
    SyncReport::export_all_to(dir)?;
    ConflictForReview::export_all_to(dir)?;
    Ok(())
}

/// The generated files by name. 64-bit integers cross the IPC as JSON numbers, so they are
/// typed `number` (ts-rs would say `bigint`); every value the UI reads is below 2^53 except
/// HLC timestamps, which it only shows.
pub fn generate() -> Result<BTreeMap<String, String>, String> {
    let dir = std::env::temp_dir().join(format!("qorgau-bindings-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    export_roots(&dir).map_err(|e| e.to_string())?;
    let files = read_ts_files(&dir)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|(name, text)| (name, text.replace("bigint", "number")))
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(files)
}

/// The `.ts` files under `dir` by their relative path (`/`-separated); empty when `dir` is
/// missing.
pub fn read_ts_files(dir: &Path) -> std::io::Result<BTreeMap<String, String>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "ts") {
                let name = path.strip_prefix(dir).expect("under dir");
                files.insert(
                    name.to_string_lossy().replace('\\', "/"),
                    std::fs::read_to_string(&path)?,
                );
            }
        }
    }
    Ok(files)
}
