//! Qorgau's application API: the use cases the command line and the desktop shell call. Shells
//! convert their input, call one function here and show the result or the `CoreError`.

pub mod backup;
pub mod demo;
pub mod directory;
mod error;
pub mod export;
pub mod identifiers;
pub mod import;
pub mod jurisdiction;
pub mod letter_data;
mod letters;
pub mod report;
mod sync;
mod views;
mod workspace;

pub use error::{CoreError, ErrorCode};
pub use letter_data::LetterExtras;
pub use letters::{
    LetterRequest, LetterVerification, RenderedLetter, TemplateSummary, recipient_kind,
};
pub use sync::{ConflictForReview, SyncStatus};
pub use views::{CaseDetail, DASHBOARD_LIST_LIMIT, WorkerDetail};
pub use workspace::{FirstRun, Workspace, WorkspaceOptions, json_object};

pub use qorgau_store::{Conflict, ConflictChoice};
pub use qorgau_sync::SyncReport;
pub use qorgau_sync::remote::RemoteDevice;

pub use qorgau_domain as domain;
pub use qorgau_letters as letters_engine;
pub use qorgau_store::{
    AddedWorker, AuditEntry, AuditVerification, CaseCount, CaseFilter, CaseSummary, CaseTitle,
    ChangeRecord, Dashboard, KdfParams, LOCAL_BLOCK_SIZE, NewAttachment, NewTimelineEntry,
    OverdueTask, Passphrase, RecentActivity, RegistryBlock, SearchHit, SearchKind, StoreStats,
    WorkerFacts, WorkerFilter, WorkerSummary,
};
