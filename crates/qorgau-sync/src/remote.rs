//! The sync server's HTTP API as the client calls it. Bodies are JSON; envelopes and wrapped
//! keys travel as base64 and are opaque to the server.

use crate::error::SyncError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use qorgau_wire as wire;
use serde_json::Value;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Largest request body the client sends (the server accepts [`wire::MAX_BODY_BYTES`]).
pub const MAX_PUSH_BYTES: usize = 12 * 1024 * 1024;
/// Most envelopes in one push (the server's limit).
pub const MAX_PUSH_ENVELOPES: usize = wire::MAX_BATCH;
/// Largest reply the client reads (a pull is capped at about 8 MiB of envelopes).
pub const MAX_REPLY_BYTES: usize = 32 * 1024 * 1024;

/// One envelope as the server hands it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PulledEnvelope {
    pub global_seq: u64,
    pub device: [u8; 16],
    pub device_seq: u64,
    pub key_epoch: u32,
    pub blob: Vec<u8>,
}

/// A device as the team's admin sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RemoteDevice {
    pub device_id: String,
    pub admin: bool,
    pub revoked: bool,
    pub last_seq: u64,
    pub enrollment_id: Option<String>,
}

/// A join request as the server lists it: `(enrollment, device, sealed request)`.
pub type PendingRequest = ([u8; 16], [u8; 16], Vec<u8>);

/// A key box to upload: `(device, epoch, sealed key)`.
pub type KeyBoxOut = ([u8; 16], u32, Vec<u8>);

#[derive(Clone)]
pub struct Remote {
    agent: ureq::Agent,
    base: String,
    token: Option<String>,
    /// Set by whoever wants the round to end (the desktop, to lock): no request starts after.
    stop: Option<Arc<AtomicBool>>,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Remote {
    /// A client of the server at `server` (its base URL, without `/v1`).
    pub fn new(
        server: &str,
        fingerprint: Option<&str>,
        token: Option<&str>,
    ) -> Result<Remote, SyncError> {
        let agent = crate::tls::agent(server, fingerprint)?;
        Ok(Remote {
            agent,
            base: format!("{}/v1", server.trim_end_matches('/')),
            token: token.map(str::to_string),
            stop: None,
        })
    }

    /// The same client, which starts no request once `stop` is set: the round ends with
    /// [`SyncError::Stopped`] at its next request instead of running to its end.
    pub fn stopped_by(mut self, stop: Arc<AtomicBool>) -> Remote {
        self.stop = Some(stop);
        self
    }

    fn check_not_stopped(&self) -> Result<(), SyncError> {
        match &self.stop {
            Some(stop) if stop.load(Ordering::SeqCst) => Err(SyncError::Stopped),
            _ => Ok(()),
        }
    }

    fn request(&self, method: &str, path: &str) -> ureq::Request {
        let mut req = self
            .agent
            .request(method, &format!("{}{path}", self.base))
            .timeout(Duration::from_secs(120));
        if let Some(token) = &self.token {
            req = req.set("Authorization", &format!("Bearer {token}"));
        }
        req
    }

    /// One request; the reply's body read whole (within [`MAX_REPLY_BYTES`]), or the
    /// server's error as [`SyncError::Server`].
    fn call_raw(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Vec<u8>, SyncError> {
        self.check_not_stopped()?;
        let req = self.request(method, path);
        let result = match body {
            Some(b) => req.send_json(b),
            None => req.call(),
        };
        match result {
            Ok(response) => {
                let mut body = Vec::new();
                response
                    .into_reader()
                    .take(MAX_REPLY_BYTES as u64 + 1)
                    .read_to_end(&mut body)
                    .map_err(|e| SyncError::Unreachable {
                        url: self.base.clone(),
                        reason: format!("reply cut short: {e}"),
                    })?;
                if body.len() > MAX_REPLY_BYTES {
                    return Err(SyncError::Unreachable {
                        url: self.base.clone(),
                        reason: format!("the reply is larger than {MAX_REPLY_BYTES} bytes"),
                    });
                }
                Ok(body)
            }
            Err(ureq::Error::Status(status, response)) => {
                let body: Option<wire::ErrorBody> = response.into_json().ok();
                let (code, message) = match body {
                    Some(b) => (b.error.code, b.error.message),
                    None => ("unknown".into(), "no message".into()),
                };
                Err(SyncError::Server {
                    status,
                    code,
                    message,
                })
            }
            Err(ureq::Error::Transport(t)) => Err(crate::tls::transport_error(&self.base, t)),
        }
    }

    /// A request whose reply is a `T`: a reply that is not one (a missing field, a wrong
    /// type) is refused as a bad reply, never filled in with defaults.
    fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Option<impl serde::Serialize>,
    ) -> Result<T, SyncError> {
        let body = body
            .map(|b| serde_json::to_value(b).map_err(|e| SyncError::Settings(e.to_string())))
            .transpose()?;
        let reply = self.call_raw(method, path, body)?;
        serde_json::from_slice(&reply).map_err(|e| SyncError::Server {
            status: 200,
            code: "bad_reply".into(),
            message: format!("the server's reply to {method} {path} is not what the API says: {e}"),
        })
    }

    /// A request whose reply has no body worth reading.
    fn call_empty(
        &self,
        method: &str,
        path: &str,
        body: Option<impl serde::Serialize>,
    ) -> Result<(), SyncError> {
        let body = body
            .map(|b| serde_json::to_value(b).map_err(|e| SyncError::Settings(e.to_string())))
            .transpose()?;
        self.call_raw(method, path, body).map(|_| ())
    }

    pub fn health(&self) -> Result<(), SyncError> {
        self.check_not_stopped()?;
        let req = self.request("GET", "/health");
        match req.call() {
            Ok(_) => Ok(()),
            Err(ureq::Error::Status(status, _)) => Err(SyncError::Server {
                status,
                code: "health".into(),
                message: "the server is not healthy".into(),
            }),
            Err(ureq::Error::Transport(t)) => Err(crate::tls::transport_error(&self.base, t)),
        }
    }

    /// How far the server's clock is ahead of this one's (milliseconds, negative when
    /// behind), measured against the middle of the request's round trip.
    pub fn clock_offset_ms(&self) -> Result<i64, SyncError> {
        let before = local_ms();
        let reply: wire::TimeReply = self.call("GET", "/time", NO_BODY)?;
        let after = local_ms();
        Ok(offset_from(reply.time_ms, before, after))
    }

    /// Creates a team with this device as its admin; returns the device's token. The
    /// client's token must be the server operator's token.
    pub fn create_team(&self, team: &[u8; 16], device: &[u8; 16]) -> Result<String, SyncError> {
        let reply: wire::TokenReply = self.call(
            "POST",
            "/teams",
            Some(wire::NewTeam {
                team_id: hex::encode(team),
                device_id: hex::encode(device),
            }),
        )?;
        Ok(reply.token)
    }

    pub fn create_enrollment(
        &self,
        id: &[u8; 16],
        auth_hash: &[u8; 32],
        expires_in_seconds: i64,
    ) -> Result<(), SyncError> {
        self.call_empty(
            "POST",
            "/enrollments",
            Some(wire::NewEnrollment {
                enrollment_id: hex::encode(id),
                auth_hash: hex::encode(auth_hash),
                expires_in_seconds,
            }),
        )
    }

    /// Redeems an enrollment with a sealed join request; returns the token (good once an
    /// admin approved the request) and the team id.
    pub fn redeem_enrollment(
        &self,
        id: &[u8; 16],
        auth: &[u8; 32],
        device: &[u8; 16],
        request: &[u8],
    ) -> Result<(String, String), SyncError> {
        let reply: wire::RedeemReply = self.call(
            "POST",
            "/enrollments/redeem",
            Some(wire::RedeemRequest {
                enrollment_id: hex::encode(id),
                auth: hex::encode(auth),
                device_id: hex::encode(device),
                request: BASE64.encode(request),
            }),
        )?;
        Ok((reply.token, reply.team_id))
    }

    /// Admin: join requests waiting for approval `(enrollment, device, sealed request)`.
    pub fn pending_enrollments(&self) -> Result<Vec<PendingRequest>, SyncError> {
        let reply: wire::PendingReply = self.call("GET", "/enrollments/pending", NO_BODY)?;
        reply
            .enrollments
            .into_iter()
            .map(|e| {
                Ok((
                    id16(&e.enrollment_id).ok_or_else(|| bad_reply("enrollment_id"))?,
                    id16(&e.device_id).ok_or_else(|| bad_reply("device_id"))?,
                    BASE64
                        .decode(&e.request)
                        .map_err(|_| bad_reply("request"))?,
                ))
            })
            .collect()
    }

    pub fn approve_enrollment(&self, enrollment: &[u8; 16]) -> Result<(), SyncError> {
        self.call_empty(
            "POST",
            &format!("/enrollments/{}/approve", hex::encode(enrollment)),
            NO_BODY,
        )
    }

    /// The team log's entries after `after` `(seq, json)` and its head.
    pub fn log(&self, after: u64) -> Result<(Vec<(u64, String)>, u64), SyncError> {
        let reply: wire::LogReply = self.call("GET", &format!("/log?after={after}"), NO_BODY)?;
        Ok((
            reply
                .entries
                .into_iter()
                .map(|e| (e.seq, e.entry))
                .collect(),
            reply.head,
        ))
    }

    /// Appends entries to the team log from `first_seq`; returns the new head.
    pub fn append_log(&self, first_seq: u64, entries: Vec<String>) -> Result<u64, SyncError> {
        let reply: wire::LogReply =
            self.call("POST", "/log", Some(wire::LogAppend { first_seq, entries }))?;
        Ok(reply.head)
    }

    /// Lets a device call the server's admin routes (or no longer).
    pub fn set_admin(&self, device: &[u8; 16], admin: bool) -> Result<(), SyncError> {
        self.call_empty(
            "POST",
            &format!("/devices/{}/admin", hex::encode(device)),
            Some(wire::SetAdmin { admin }),
        )
    }

    /// Adds a device directly (admin), e.g. the recovery kit's; returns its token.
    pub fn add_device(&self, device: &[u8; 16]) -> Result<String, SyncError> {
        let reply: wire::TokenReply = self.call(
            "POST",
            "/devices",
            Some(wire::NewDevice {
                device_id: hex::encode(device),
            }),
        )?;
        Ok(reply.token)
    }

    pub fn devices(&self) -> Result<Vec<RemoteDevice>, SyncError> {
        let reply: wire::DevicesReply = self.call("GET", "/devices", NO_BODY)?;
        Ok(reply
            .devices
            .into_iter()
            .map(|d| RemoteDevice {
                device_id: d.device_id,
                admin: d.admin,
                revoked: d.revoked,
                last_seq: d.last_seq,
                enrollment_id: d.enrollment_id,
            })
            .collect())
    }

    pub fn revoke(&self, device: &[u8; 16]) -> Result<(), SyncError> {
        self.call_empty(
            "POST",
            &format!("/devices/{}/revoke", hex::encode(device)),
            NO_BODY,
        )
    }

    pub fn put_key_boxes(&self, boxes: &[KeyBoxOut]) -> Result<(), SyncError> {
        let boxes = boxes
            .iter()
            .map(|(device, epoch, blob)| wire::KeyBoxUpload {
                device_id: hex::encode(device),
                epoch: *epoch,
                blob: BASE64.encode(blob),
            })
            .collect();
        self.call_empty("POST", "/keyboxes", Some(wire::KeyBoxesUpload { boxes }))
    }

    pub fn key_boxes(&self) -> Result<Vec<(u32, Vec<u8>)>, SyncError> {
        let reply: wire::KeyBoxesReply = self.call("GET", "/keyboxes", NO_BODY)?;
        reply
            .boxes
            .into_iter()
            .map(|b| {
                let blob = BASE64.decode(&b.blob).map_err(|_| bad_reply("blob"))?;
                Ok((b.epoch, blob))
            })
            .collect()
    }

    /// Pushes envelopes `(device_seq, key_epoch, blob)`; returns the team's high-water mark.
    pub fn push(&self, envelopes: &[(u64, u32, &[u8])]) -> Result<u64, SyncError> {
        let envelopes = envelopes
            .iter()
            .map(|(seq, epoch, blob)| wire::PushEnvelope {
                device_seq: *seq,
                key_epoch: *epoch,
                blob: BASE64.encode(blob),
            })
            .collect();
        let reply: wire::PushReply =
            self.call("POST", "/envelopes", Some(wire::PushRequest { envelopes }))?;
        Ok(reply.high_water)
    }

    pub fn pull(&self, after: u64, limit: u32) -> Result<Vec<PulledEnvelope>, SyncError> {
        Ok(self.pull_page(after, limit)?.0)
    }

    /// The envelopes after `after`, at most `limit`, and the team's last position as the
    /// server states it (none from a server that does not say).
    pub fn pull_page(
        &self,
        after: u64,
        limit: u32,
    ) -> Result<(Vec<PulledEnvelope>, Option<u64>), SyncError> {
        let reply: wire::PullReply = self.call(
            "GET",
            &format!("/envelopes?after={after}&limit={limit}"),
            NO_BODY,
        )?;
        let list = reply
            .envelopes
            .into_iter()
            .map(|e| {
                let device = hex::decode(&e.device_id)
                    .ok()
                    .and_then(|d| d.try_into().ok())
                    .ok_or_else(|| bad_reply("device_id"))?;
                Ok(PulledEnvelope {
                    global_seq: e.global_seq,
                    device,
                    device_seq: e.device_seq,
                    key_epoch: e.key_epoch,
                    blob: BASE64.decode(&e.blob).map_err(|_| bad_reply("blob"))?,
                })
            })
            .collect::<Result<Vec<_>, SyncError>>()?;
        Ok((list, reply.high_water))
    }

    /// Leases `size` registry numbers of `year`; returns `(first, last)`.
    pub fn lease_block(
        &self,
        year: i32,
        size: u32,
        at_least: u32,
    ) -> Result<(u32, u32), SyncError> {
        let reply: wire::LeaseReply = self.call(
            "POST",
            "/registry/blocks",
            Some(wire::LeaseRequest {
                year,
                size,
                at_least,
            }),
        )?;
        Ok((reply.first_seq, reply.last_seq))
    }
}

/// No request body.
const NO_BODY: Option<()> = None;

fn bad_reply(field: &str) -> SyncError {
    SyncError::Server {
        status: 200,
        code: "bad_reply".into(),
        message: format!("the reply has no valid {field}"),
    }
}

fn id16(text: &str) -> Option<[u8; 16]> {
    hex::decode(text).ok().and_then(|b| b.try_into().ok())
}

fn local_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The server's clock reading minus this clock's at the middle of the round trip.
fn offset_from(server_ms: i64, sent_ms: i64, received_ms: i64) -> i64 {
    server_ms - (sent_ms + (received_ms - sent_ms) / 2)
}

#[cfg(test)]
mod clock_tests {
    use super::offset_from;

    #[test]
    fn the_offset_is_taken_at_the_middle_of_the_round_trip() {
        assert_eq!(offset_from(1_000, 1_000, 1_000), 0);
        assert_eq!(offset_from(1_050, 1_000, 1_100), 0);
        // A laptop thirty years ahead of the server sees a large negative offset.
        let thirty_years: i64 = 30 * 365 * 24 * 3600 * 1000;
        assert_eq!(
            offset_from(1_000, 1_000 + thirty_years, 1_000 + thirty_years + 20),
            -thirty_years - 10
        );
    }
}
