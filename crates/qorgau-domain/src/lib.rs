//! Qorgau's domain: the entities a consular caseworker records, their identifiers, the
//! validation rules for Kazakh and Korean identifiers, cross-script name keys and hybrid
//! logical clock timestamps. Nothing here performs I/O.

pub mod agency;
pub mod attachment;
pub mod case;
pub mod caselog;
pub mod deadlines;
pub mod hlc;
pub mod ids;
pub mod issues;
pub mod letter;
pub mod merge;
pub mod mission;
pub mod names;
pub mod validation;
pub mod wages;
pub mod worker;

pub use agency::{Agency, AgencyKind};
pub use attachment::AttachmentMeta;
pub use case::{
    CaseRecord, CaseStatus, CaseType, Priority, StatusTransition, Task, TimelineEntry, TimelineKind,
};
pub use hlc::{Hlc, HlcClock, MAX_REMOTE_SKEW_MS};
pub use ids::{
    AgencyId, AttachmentId, CaseId, DeviceId, LetterId, TaskId, TimelineEntryId, WageCalcId,
    WorkerId,
};
pub use issues::{IssueCode, Severity, ValidationIssue, ValidationReport};
pub use letter::{LetterRecord, LetterStatus, RegistryNumber};
pub use merge::{FieldVersion, FieldWrite, MergeOutcome, merge_field};
pub use mission::{MissionProfile, RegistryPattern};
pub use worker::{Province, Relation, RelationWords, Sex, StayStatus, Worker};
