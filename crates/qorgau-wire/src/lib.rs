//! The sync server's HTTP API (`/v1`) as types, shared by the client (`qorgau-sync`) and the
//! server (`qorgau-server`), so that the two cannot drift apart: a field one side writes is a
//! field the other reads, and a missing field is an error, never a silent `""` or `0`.
//!
//! Ids are lowercase hex (16 bytes), hashes hex (32 bytes), opaque bytes (envelopes, wrapped
//! keys) standard base64. Requests refuse unknown fields; replies accept them, so a newer
//! server can add one without breaking older clients. Every error is [`ErrorBody`].

use serde::{Deserialize, Serialize};

/// The API's path prefix.
pub const PREFIX: &str = "/v1";
/// Largest request body the server accepts.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// Most envelopes in one push, and in one pull.
pub const MAX_BATCH: usize = 1000;
/// Largest single envelope (and wrapped key blob).
pub const MAX_ENVELOPE_BYTES: usize = 1024 * 1024;
/// Envelope bytes in one pull reply (base64 makes the reply about a third larger).
pub const MAX_PULL_BYTES: usize = 8 * 1024 * 1024;
/// Largest registry block a device may lease at once.
pub const MAX_BLOCK: u32 = 1000;
/// Highest registry number a device may ask to start above.
pub const MAX_REGISTRY_NUMBER: u32 = 999_999;
/// Longest an enrollment code stays valid (seconds).
pub const MAX_ENROLLMENT_SECONDS: i64 = 7 * 24 * 3600;

/// `POST /v1/teams` (bearer: the operator token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTeam {
    pub team_id: String,
    pub device_id: String,
}

/// `POST /v1/devices` (admin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewDevice {
    pub device_id: String,
}

/// The reply to creating a team or adding a device: the device's bearer token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenReply {
    pub token: String,
}

impl std::fmt::Debug for TokenReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenReply { token: *** }")
    }
}

/// One envelope of a push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushEnvelope {
    pub device_seq: u64,
    pub key_epoch: u32,
    /// Base64 of the sealed envelope.
    pub blob: String,
}

/// `POST /v1/envelopes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    pub envelopes: Vec<PushEnvelope>,
}

/// The reply to a push: the team's highest position after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushReply {
    pub high_water: u64,
}

/// `GET /v1/envelopes?after=N&limit=M`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullQuery {
    #[serde(default)]
    pub after: u64,
    #[serde(default)]
    pub limit: Option<u32>,
}

/// One envelope of a pull. A device's own envelopes come with an empty blob.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PulledEnvelope {
    pub global_seq: u64,
    pub device_id: String,
    pub device_seq: u64,
    pub key_epoch: u32,
    pub blob: String,
}

/// The reply to a pull.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullReply {
    pub envelopes: Vec<PulledEnvelope>,
    /// The team's highest position (absent from servers older than it).
    #[serde(default)]
    pub high_water: Option<u64>,
}

/// `POST /v1/registry/blocks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaseRequest {
    pub year: i32,
    pub size: u32,
    /// The block starts at this number or later (numbers a device used before its team
    /// existed).
    #[serde(default)]
    pub at_least: u32,
}

/// A leased block of registry numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseReply {
    pub year: i32,
    pub first_seq: u32,
    pub last_seq: u32,
}

/// One device as `GET /v1/devices` (admin) lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRow {
    pub device_id: String,
    pub admin: bool,
    pub revoked: bool,
    pub last_seq: u64,
    pub enrollment_id: Option<String>,
}

/// The reply to `GET /v1/devices`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicesReply {
    pub devices: Vec<DeviceRow>,
}

/// `POST /v1/enrollments` (admin). Nothing is wrapped for the code: keys reach the new
/// device only after an admin approved it, sealed to the key the team log lists for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewEnrollment {
    pub enrollment_id: String,
    pub auth_hash: String,
    pub expires_in_seconds: i64,
}

/// `POST /v1/enrollments/redeem`: a new device asks to join. Its token is good only once an
/// admin approved the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedeemRequest {
    pub enrollment_id: String,
    /// The proof of possession of the code; the server keeps only its SHA-256.
    pub auth: String,
    pub device_id: String,
    /// Base64 of the join request (the device's public keys and name), sealed under a key
    /// derived from the code's secret: the server can neither read nor replace it.
    pub request: String,
}

/// The reply to a redemption.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedeemReply {
    pub token: String,
    pub team_id: String,
}

/// A join request waiting for an admin, as `GET /v1/enrollments/pending` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingEnrollment {
    pub enrollment_id: String,
    pub device_id: String,
    pub request: String,
    pub expires_at: i64,
}

/// The reply to `GET /v1/enrollments/pending` (admin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingReply {
    pub enrollments: Vec<PendingEnrollment>,
}

/// One entry of the team log: its number and its JSON, opaque to the server (signed by an
/// admin; members verify it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub seq: u64,
    pub entry: String,
}

/// `POST /v1/log` (admin): entries to append, the first numbered `first_seq`, which must
/// be the log's next number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogAppend {
    pub first_seq: u64,
    pub entries: Vec<String>,
}

/// The reply to `GET /v1/log?after=N`, and to an append (the entries then are empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogReply {
    pub entries: Vec<LogEntry>,
    /// The log's last number.
    pub head: u64,
}

/// `GET /v1/log?after=N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    #[serde(default)]
    pub after: u64,
}

/// `POST /v1/devices/{id}/admin` (admin): whether the device may call the admin routes
/// (the team log is what members trust; this only lets the server route the calls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetAdmin {
    pub admin: bool,
}

/// Longest team log entry the server stores.
pub const MAX_LOG_ENTRY_BYTES: usize = 16 * 1024;

impl std::fmt::Debug for RedeemReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedeemReply")
            .field("token", &"***")
            .field("team_id", &self.team_id)
            .finish_non_exhaustive()
    }
}

/// A team key wrapped for one device, as the admin uploads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyBoxUpload {
    pub device_id: String,
    pub epoch: u32,
    pub blob: String,
}

/// `POST /v1/keyboxes` (admin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyBoxesUpload {
    pub boxes: Vec<KeyBoxUpload>,
}

/// A key box as its device downloads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyBox {
    pub epoch: u32,
    pub blob: String,
}

/// The reply to `GET /v1/keyboxes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyBoxesReply {
    pub boxes: Vec<KeyBox>,
}

/// The reply to `GET /v1/time`: the server's clock, Unix milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeReply {
    pub time_ms: i64,
}

/// Every error reply: `{"error": {"code", "message"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Machine-readable, e.g. `revoked`, `out_of_order`, `quota_exceeded`.
    pub code: String,
    /// For a person.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_missing_a_field_is_an_error_not_a_default() {
        assert!(serde_json::from_str::<PushReply>("{}").is_err());
        assert!(serde_json::from_str::<RedeemReply>(r#"{"token": "t"}"#).is_err());
        assert!(
            serde_json::from_str::<DeviceRow>(
                r#"{"device_id": "d", "admin": true, "last_seq": 1, "enrollment_id": null}"#
            )
            .is_err()
        );
    }

    #[test]
    fn requests_refuse_unknown_fields_and_replies_accept_them() {
        assert!(
            serde_json::from_str::<NewTeam>(r#"{"team_id": "a", "device_id": "b", "admin": true}"#)
                .is_err()
        );
        let reply: PullReply =
            serde_json::from_str(r#"{"envelopes": [], "high_water": 3, "later": 1}"#).unwrap();
        assert_eq!(reply.high_water, Some(3));
        let old: PullReply = serde_json::from_str(r#"{"envelopes": []}"#).unwrap();
        assert_eq!(old.high_water, None);
    }

    #[test]
    fn tokens_stay_out_of_debug_output() {
        let reply = TokenReply {
            token: "secret-token".into(),
        };
        assert!(!format!("{reply:?}").contains("secret-token"));
    }
}
