//! The sync server's HTTP API as the client calls it. Bodies are JSON; envelopes and wrapped
//! keys travel as base64 and are opaque to the server.

use crate::error::SyncError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};
use std::io::Read;
use std::time::Duration;

/// Largest request body the client sends (the server accepts 16 MiB).
pub const MAX_PUSH_BYTES: usize = 12 * 1024 * 1024;
/// Most envelopes in one push (the server's limit).
pub const MAX_PUSH_ENVELOPES: usize = 1000;
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

#[derive(Clone)]
pub struct Remote {
    agent: ureq::Agent,
    base: String,
    token: Option<String>,
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
        })
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

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, SyncError> {
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
                if body.iter().all(u8::is_ascii_whitespace) {
                    return Ok(Value::Null);
                }
                serde_json::from_slice(&body).map_err(|e| SyncError::Unreachable {
                    url: self.base.clone(),
                    reason: format!("unreadable reply: {e}"),
                })
            }
            Err(ureq::Error::Status(status, response)) => {
                let body: Value = response.into_json().unwrap_or(Value::Null);
                let error = &body["error"];
                Err(SyncError::Server {
                    status,
                    code: error["code"].as_str().unwrap_or("unknown").to_string(),
                    message: error["message"]
                        .as_str()
                        .unwrap_or("no message")
                        .to_string(),
                })
            }
            Err(ureq::Error::Transport(t)) => Err(crate::tls::transport_error(&self.base, t)),
        }
    }

    pub fn health(&self) -> Result<(), SyncError> {
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
        let reply = self.call("GET", "/time", None)?;
        let after = local_ms();
        let server = reply["time_ms"]
            .as_i64()
            .ok_or_else(|| bad_reply("time_ms"))?;
        Ok(offset_from(server, before, after))
    }

    /// Creates a team with this device as its admin; returns the device's token. The
    /// client's token must be the server operator's token.
    pub fn create_team(&self, team: &[u8; 16], device: &[u8; 16]) -> Result<String, SyncError> {
        let reply = self.call(
            "POST",
            "/teams",
            Some(json!({ "team_id": hex::encode(team), "device_id": hex::encode(device) })),
        )?;
        token_of(&reply)
    }

    pub fn create_enrollment(
        &self,
        id: &[u8; 16],
        auth_hash: &[u8; 32],
        wrapped: &[u8],
        expires_in_seconds: i64,
    ) -> Result<(), SyncError> {
        self.call(
            "POST",
            "/enrollments",
            Some(json!({
                "enrollment_id": hex::encode(id),
                "auth_hash": hex::encode(auth_hash),
                "wrapped": BASE64.encode(wrapped),
                "expires_in_seconds": expires_in_seconds,
            })),
        )
        .map(|_| ())
    }

    /// Redeems an enrollment; returns the token, the team id and the wrapped payload.
    pub fn redeem_enrollment(
        &self,
        id: &[u8; 16],
        auth: &[u8; 32],
        device: &[u8; 16],
    ) -> Result<(String, String, Vec<u8>), SyncError> {
        let reply = self.call(
            "POST",
            "/enrollments/redeem",
            Some(json!({
                "enrollment_id": hex::encode(id),
                "auth": hex::encode(auth),
                "device_id": hex::encode(device),
            })),
        )?;
        let team = reply["team_id"].as_str().unwrap_or_default().to_string();
        let wrapped = BASE64
            .decode(reply["wrapped"].as_str().unwrap_or_default())
            .map_err(|_| bad_reply("wrapped"))?;
        Ok((token_of(&reply)?, team, wrapped))
    }

    pub fn devices(&self) -> Result<Vec<RemoteDevice>, SyncError> {
        let reply = self.call("GET", "/devices", None)?;
        let list = reply["devices"]
            .as_array()
            .ok_or_else(|| bad_reply("devices"))?;
        Ok(list
            .iter()
            .map(|d| RemoteDevice {
                device_id: d["device_id"].as_str().unwrap_or_default().to_string(),
                admin: d["admin"].as_bool().unwrap_or(false),
                revoked: d["revoked"].as_bool().unwrap_or(false),
                last_seq: d["last_seq"].as_u64().unwrap_or(0),
                enrollment_id: d["enrollment_id"].as_str().map(str::to_string),
            })
            .collect())
    }

    pub fn revoke(&self, device: &[u8; 16]) -> Result<(), SyncError> {
        self.call(
            "POST",
            &format!("/devices/{}/revoke", hex::encode(device)),
            None,
        )
        .map(|_| ())
    }

    pub fn put_key_boxes(&self, boxes: &[([u8; 16], u32, Vec<u8>)]) -> Result<(), SyncError> {
        let boxes: Vec<Value> = boxes
            .iter()
            .map(|(device, epoch, blob)| {
                json!({ "device_id": hex::encode(device), "epoch": epoch, "blob": BASE64.encode(blob) })
            })
            .collect();
        self.call("POST", "/keyboxes", Some(json!({ "boxes": boxes })))
            .map(|_| ())
    }

    pub fn key_boxes(&self) -> Result<Vec<(u32, Vec<u8>)>, SyncError> {
        let reply = self.call("GET", "/keyboxes", None)?;
        let list = reply["boxes"]
            .as_array()
            .ok_or_else(|| bad_reply("boxes"))?;
        list.iter()
            .map(|b| {
                let epoch = b["epoch"].as_u64().ok_or_else(|| bad_reply("epoch"))? as u32;
                let blob = BASE64
                    .decode(b["blob"].as_str().unwrap_or_default())
                    .map_err(|_| bad_reply("blob"))?;
                Ok((epoch, blob))
            })
            .collect()
    }

    /// Pushes envelopes `(device_seq, key_epoch, blob)`; returns the team's high-water mark.
    pub fn push(&self, envelopes: &[(u64, u32, &[u8])]) -> Result<u64, SyncError> {
        let list: Vec<Value> = envelopes
            .iter()
            .map(|(seq, epoch, blob)| {
                json!({ "device_seq": seq, "key_epoch": epoch, "blob": BASE64.encode(blob) })
            })
            .collect();
        let reply = self.call("POST", "/envelopes", Some(json!({ "envelopes": list })))?;
        Ok(reply["high_water"].as_u64().unwrap_or(0))
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
        let reply = self.call(
            "GET",
            &format!("/envelopes?after={after}&limit={limit}"),
            None,
        )?;
        let high_water = reply["high_water"].as_u64();
        let list = reply["envelopes"]
            .as_array()
            .ok_or_else(|| bad_reply("envelopes"))?;
        list.iter()
            .map(|e| {
                let device = hex::decode(e["device_id"].as_str().unwrap_or_default())
                    .ok()
                    .and_then(|d| d.try_into().ok())
                    .ok_or_else(|| bad_reply("device_id"))?;
                Ok(PulledEnvelope {
                    global_seq: e["global_seq"]
                        .as_u64()
                        .ok_or_else(|| bad_reply("global_seq"))?,
                    device,
                    device_seq: e["device_seq"]
                        .as_u64()
                        .ok_or_else(|| bad_reply("device_seq"))?,
                    key_epoch: e["key_epoch"]
                        .as_u64()
                        .ok_or_else(|| bad_reply("key_epoch"))?
                        as u32,
                    blob: BASE64
                        .decode(e["blob"].as_str().unwrap_or_default())
                        .map_err(|_| bad_reply("blob"))?,
                })
            })
            .collect::<Result<Vec<_>, SyncError>>()
            .map(|list| (list, high_water))
    }

    /// Leases `size` registry numbers of `year`; returns `(first, last)`.
    pub fn lease_block(
        &self,
        year: i32,
        size: u32,
        at_least: u32,
    ) -> Result<(u32, u32), SyncError> {
        let reply = self.call(
            "POST",
            "/registry/blocks",
            Some(json!({ "year": year, "size": size, "at_least": at_least })),
        )?;
        let first = reply["first_seq"]
            .as_u64()
            .ok_or_else(|| bad_reply("first_seq"))? as u32;
        let last = reply["last_seq"]
            .as_u64()
            .ok_or_else(|| bad_reply("last_seq"))? as u32;
        Ok((first, last))
    }
}

fn token_of(reply: &Value) -> Result<String, SyncError> {
    reply["token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| bad_reply("token"))
}

fn bad_reply(field: &str) -> SyncError {
    SyncError::Server {
        status: 200,
        code: "bad_reply".into(),
        message: format!("the reply has no valid {field}"),
    }
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
