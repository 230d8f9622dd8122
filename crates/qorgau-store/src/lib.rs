//! Qorgau's encrypted local store.
//!
//! A workspace is a directory with one SQLCipher database (`qorgau.db`) and a small header
//! (`workspace.json`) holding the Argon2id parameters and salt. The passphrase goes through
//! Argon2id to a raw 256-bit key; SQLCipher's own key derivation is skipped. Every mutation is
//! one transaction that updates the rows, appends field-level change records to the outbox
//! (what sync ships) and appends to the hash-chained audit log.

mod agencies;
mod attachments;
mod audit;
mod case_logs;
mod cases;
mod changes;
mod connection;
mod dashboard;
mod deadlines;
mod error;
mod header;
mod imports;
mod letters;
mod merges;
mod migrations;
mod mission;
mod patch;
mod pipeline;
mod replica;
mod search;
mod secret;
mod snapshot;
mod store;
mod sync_state;
mod team_log;
mod versions;
mod wage_calcs;
mod workers;

pub use attachments::{ATTACHMENT_CHUNK_BYTES, NewAttachment};
pub use audit::{AuditEntry, AuditVerification};
pub use case_logs::CaseLogRecord;
pub use cases::{CaseFilter, CaseSummary, CaseTitle, NewTimelineEntry};
pub use changes::ChangeRecord;
pub use connection::BULK_PAGE_CACHE_MIB;
pub use dashboard::{CaseCount, Dashboard, OverdueTask, RecentActivity, deadline_task_id};
pub use error::{StoreError, StoreResult};
pub use header::{KdfParams, WorkspaceHeader};
pub use imports::{
    CaseMatchKeys, WorkerMatchKeys, names_are_twins, worker_name_groups, worker_twin_keys,
};
pub use letters::{LOCAL_BLOCK_SIZE, NewLetter, RegistryBlock};
pub use merges::{DuplicateWorkers, MergedWorkers};
pub use replica::{
    ApplyReport, ChangeSet, Conflict, ConflictChoice, EnvelopePosition, HeldChange, PreparedSets,
    QuarantinedEnvelope, REPLICATED_ENTITIES,
};
pub use search::{SearchHit, SearchKind, WorkerFacts};
pub use secret::Passphrase;
pub use store::{Store, StoreStats};
pub use sync_state::{CaseRecords, PendingEnvelope, SealedPosition};
pub use wage_calcs::WageCalcRecord;
pub use workers::{AddedWorker, WorkerFilter, WorkerSummary};

/// File names inside a workspace directory.
pub const DB_FILE: &str = "qorgau.db";
pub const HEADER_FILE: &str = "workspace.json";
