//! Qorgau's sync client: teams and enrollment, end-to-end encrypted envelopes, push and pull
//! against `qorgau-server`, and the store's merge of what arrives.
//!
//! - [`team`]: create a team, invite and enroll devices with one-time codes, revoke a device
//!   and rotate the team key.
//! - [`engine`]: one sync round (seal and push the outbox, pull and apply by cursor).
//! - [`envelope`] / [`keys`]: XChaCha20-Poly1305 envelopes whose associated data binds team,
//!   device, device sequence and key epoch; team keys by epoch.
//! - The merge rule itself is `qorgau_domain::merge`; the store applies it.

pub mod engine;
pub mod envelope;
mod error;
pub mod identity;
pub mod keys;
pub mod recovery;
pub mod remote;
mod settings;
pub mod signed_envelope;
pub mod team;
pub mod team_log;
mod tls;

pub use engine::{SyncReport, sync_once, sync_once_until};
pub use envelope::{Envelope, EnvelopeError, EnvelopeHeader, SequenceCheck, TeamId};
pub use error::SyncError;
pub use keys::{KeyRing, TeamKey};
pub use qorgau_domain::merge::{FieldVersion, FieldWrite, MergeOutcome, merge_field};
pub use settings::{PendingJoin, SyncSettings};
pub use team_log::{Member, Role, TeamState};
