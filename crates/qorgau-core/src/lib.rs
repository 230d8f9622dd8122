//! Qorgau's application API: the use cases the command line and the desktop shell call. Shells
//! convert their input, call one function here and show the result or the `CoreError`.

pub mod demo;
mod error;
pub mod identifiers;
mod workspace;

pub use error::{CoreError, ErrorCode};
pub use workspace::{Workspace, WorkspaceOptions};

pub use qorgau_domain as domain;
pub use qorgau_store::{
    AddedWorker, AuditEntry, AuditVerification, CaseFilter, CaseSummary, ChangeRecord, KdfParams,
    NewAttachment, NewTimelineEntry, Passphrase, SearchHit, SearchKind, StoreStats, WorkerFilter,
    WorkerSummary,
};
