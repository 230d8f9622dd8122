//! The client side of sync that needs no network: the team key, envelopes that carry a
//! device's change sets end-to-end encrypted, the per-device sequence check that refuses
//! replayed, reordered or missing envelopes, and the per-field merge rule.
//!
//! Work in progress toward the sync issue: the server, transport, enrollment and the store's
//! apply step are still to come (see ARCHITECTURE.md, "Sync").

mod envelope;
mod keys;

pub use envelope::{Envelope, EnvelopeError, EnvelopeHeader, SequenceCheck, TeamId};
pub use keys::{KeyRing, TeamKey};
pub use qorgau_domain::merge::{FieldVersion, FieldWrite, MergeOutcome, merge_field};
