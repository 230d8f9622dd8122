//! Qorgau's application API: the use cases the command line and the desktop shell call. Shells
//! convert their input, call one function here and show the result or the `CoreError`.

pub mod backup;
pub mod casework;
pub mod demo;
pub mod directory;
mod disclosure;
mod error;
pub mod export;
pub mod identifiers;
pub mod import;
pub mod jurisdiction;
pub mod letter_data;
mod letters;
pub mod report;
pub mod safeguards;
mod sync;
mod views;
pub mod wage_enclosure;
mod workspace;

pub use casework::CaseWageCalc;
pub use disclosure::DocumentUse;
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
pub use qorgau_sync::team::{JoinPending, PendingDevice};
pub use qorgau_sync::{Member, Role};

pub use qorgau_domain as domain;
pub use qorgau_letters as letters_engine;
pub use qorgau_store::{
    AddedWorker, AuditEntry, AuditVerification, CaseCount, CaseFilter, CaseLogRecord, CaseSummary,
    CaseTitle, ChangeRecord, Dashboard, KdfParams, LOCAL_BLOCK_SIZE, NewAttachment,
    NewTimelineEntry, OverdueTask, Passphrase, RecentActivity, RegistryBlock, SearchHit,
    SearchKind, StoreStats, WageCalcRecord, WorkerFacts, WorkerFilter, WorkerSummary,
    deadline_task_id,
};
