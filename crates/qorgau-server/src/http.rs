//! The HTTP API. Handlers authenticate the bearer token, check limits and call the storage;
//! all data in bodies is opaque to the server except the metadata named in `storage.rs`.

use crate::operator::OperatorCredential;
use crate::storage::{Id, KeyBox, NewEnrollment, NewEnvelope, Storage, StorageError};
use axum::extract::{DefaultBodyLimit, Extension, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use qorgau_wire as wire;
use qorgau_wire::MAX_LOG_ENTRY_BYTES;
pub use qorgau_wire::{
    MAX_BATCH, MAX_BLOCK, MAX_BODY_BYTES, MAX_ENROLLMENT_SECONDS, MAX_ENVELOPE_BYTES,
    MAX_PULL_BYTES, MAX_REGISTRY_NUMBER,
};
use sha2::{Digest, Sha256};
use std::sync::Arc;

type Shared = Arc<dyn Storage>;

/// Envelope bytes a team may store by default (10 GiB: years of a consulate's history).
pub const DEFAULT_TEAM_QUOTA_BYTES: u64 = 10 << 30;

/// What the API needs besides storage.
#[derive(Debug, Clone)]
pub struct ApiOptions {
    /// Creating a team needs this operator's token.
    pub operator: OperatorCredential,
    /// Envelope bytes one team may store; a push beyond it is refused (413
    /// `quota_exceeded`). Checked before the push's transaction, so concurrent pushes of one
    /// team can pass it by at most a request each.
    pub team_quota_bytes: u64,
    /// Longest a request may take from its headers to its reply, body included: a client
    /// that sends its body too slowly gets 408 `timeout`.
    pub request_timeout: std::time::Duration,
}

/// The default of [`ApiOptions::request_timeout`]: a 12 MiB push over a slow link fits.
pub const DEFAULT_REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

impl ApiOptions {
    pub fn new(operator: OperatorCredential) -> Self {
        ApiOptions {
            operator,
            team_quota_bytes: DEFAULT_TEAM_QUOTA_BYTES,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }
}

/// Bounds each request's handling (reading its body included) by the request timeout.
async fn within_time(
    Extension(options): Extension<ApiOptions>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    match tokio::time::timeout(options.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            "the request took too long to arrive",
        )
        .into_response(),
    }
}

/// An error as the API returns it: a status and `{"error": {"code", "message"}}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(wire::ErrorBody {
            error: wire::ErrorDetail {
                code: self.code.to_string(),
                message: self.message,
            },
        });
        (self.status, body).into_response()
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> Self {
        let message = e.to_string();
        match e {
            StorageError::TeamExists | StorageError::DeviceExists => {
                Self::new(StatusCode::CONFLICT, "exists", message)
            }
            StorageError::NoSuchDevice | StorageError::NoSuchEnrollment => {
                Self::new(StatusCode::NOT_FOUND, "not_found", message)
            }
            StorageError::EnrollmentSpent => {
                Self::new(StatusCode::GONE, "enrollment_spent", message)
            }
            StorageError::Revoked => Self::new(StatusCode::FORBIDDEN, "revoked", message),
            StorageError::OutOfOrder { .. } => {
                Self::new(StatusCode::CONFLICT, "out_of_order", message)
            }
            StorageError::LogConflict { .. } => {
                Self::new(StatusCode::CONFLICT, "log_conflict", message)
            }
            StorageError::NoSuchRequest => Self::new(StatusCode::NOT_FOUND, "not_found", message),
            StorageError::Conflicting { .. } => {
                Self::new(StatusCode::CONFLICT, "conflicting_envelope", message)
            }
            StorageError::Backend(detail) => {
                // The client gets no detail; the operator's log does.
                eprintln!("qorgau-server: storage failure: {detail}");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "storage",
                    "the server's storage failed",
                )
            }
        }
    }
}

type ApiResult<T> = Result<T, ApiError>;

/// A JSON body of the API's types; a malformed one is refused with the documented error
/// body (`{"error": {"code": "bad_request", …}}`), not axum's plain text.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(rejected(rejection.status(), rejection.body_text())),
        }
    }
}

/// A query string of the API's types, refused like [`ApiJson`] when malformed.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequestParts<S>
    for ApiQuery<T>
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(rejected(rejection.status(), rejection.body_text())),
        }
    }
}

fn rejected(status: StatusCode, text: String) -> ApiError {
    let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "too_large"
    } else {
        "bad_request"
    };
    ApiError::new(status, code, text)
}

fn parse_id(field: &str, text: &str) -> ApiResult<Id> {
    let bytes = hex::decode(text.replace('-', ""))
        .map_err(|_| ApiError::bad_request(format!("{field}: not a hex id")))?;
    bytes
        .try_into()
        .map_err(|_| ApiError::bad_request(format!("{field}: an id has 16 bytes")))
}

fn new_token() -> ApiResult<(String, [u8; 32])> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "random",
            "the server's random generator failed",
        )
    })?;
    let token = hex::encode(bytes);
    Ok((token.clone(), hash_token(&token)))
}

fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Runs blocking storage work off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    tokio::task::spawn_blocking(f).await.map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "a server task failed",
        )
    })?
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
}

/// The device behind the request's bearer token, as an extractor: a handler that takes it
/// runs only for a known, unrevoked device.
#[derive(Debug)]
pub struct Authenticated(pub crate::storage::DeviceAuth);

impl axum::extract::FromRequestParts<Shared> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        storage: &Shared,
    ) -> Result<Self, ApiError> {
        authenticate(storage, &parts.headers)
            .await
            .map(Authenticated)
    }
}

/// The device behind the request's bearer token; refused when unknown or revoked.
async fn authenticate(
    storage: &Shared,
    headers: &HeaderMap,
) -> ApiResult<crate::storage::DeviceAuth> {
    let token = bearer_token(headers).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing bearer token",
        )
    })?;
    let hash = hash_token(token.trim());
    let storage = storage.clone();
    let auth = blocking(move || Ok(storage.authenticate(hash)?)).await?;
    match auth {
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "unknown token",
        )),
        Some(a) if a.revoked => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "revoked",
            "this device has been revoked",
        )),
        Some(a) => Ok(a),
    }
}

/// Creating a team needs the operator's token as the bearer token.
async fn create_team(
    State(storage): State<Shared>,
    Extension(options): Extension<ApiOptions>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<wire::NewTeam>,
) -> ApiResult<(StatusCode, Json<wire::TokenReply>)> {
    match bearer_token(&headers) {
        None => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "operator_token_required",
                "creating a team needs the server operator's token",
            ));
        }
        Some(token) if !options.operator.accepts(token) => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "operator_token_wrong",
                "that is not this server's operator token",
            ));
        }
        Some(_) => {}
    }
    let team = parse_id("team_id", &body.team_id)?;
    let device = parse_id("device_id", &body.device_id)?;
    let (token, hash) = new_token()?;
    blocking(move || Ok(storage.create_team(team, device, hash)?)).await?;
    Ok((StatusCode::CREATED, Json(wire::TokenReply { token })))
}

async fn add_device(
    State(storage): State<Shared>,
    Authenticated(auth): Authenticated,
    ApiJson(body): ApiJson<wire::NewDevice>,
) -> ApiResult<(StatusCode, Json<wire::TokenReply>)> {
    if !auth.admin {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "not_admin",
            "only the team's admin device can add devices",
        ));
    }
    let device = parse_id("device_id", &body.device_id)?;
    let (token, hash) = new_token()?;
    blocking(move || Ok(storage.add_device(auth.team, device, hash)?)).await?;
    Ok((StatusCode::CREATED, Json(wire::TokenReply { token })))
}

async fn revoke_device(
    State(storage): State<Shared>,
    Authenticated(auth): Authenticated,
    Path(device): Path<String>,
) -> ApiResult<StatusCode> {
    if !auth.admin {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "not_admin",
            "only the team's admin device can revoke devices",
        ));
    }
    let device = parse_id("device", &device)?;
    blocking(move || Ok(storage.revoke(auth.team, device)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn push(
    State(storage): State<Shared>,
    Extension(options): Extension<ApiOptions>,
    Authenticated(auth): Authenticated,
    ApiJson(body): ApiJson<wire::PushRequest>,
) -> ApiResult<Json<wire::PushReply>> {
    if body.envelopes.len() > MAX_BATCH {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch_too_large",
            format!("at most {MAX_BATCH} envelopes per push"),
        ));
    }
    let mut envelopes = Vec::with_capacity(body.envelopes.len());
    for (i, e) in body.envelopes.into_iter().enumerate() {
        let blob = BASE64
            .decode(e.blob.as_bytes())
            .map_err(|_| ApiError::bad_request(format!("envelopes[{i}].blob: not base64")))?;
        if blob.len() > MAX_ENVELOPE_BYTES {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "envelope_too_large",
                format!("envelopes[{i}]: larger than {MAX_ENVELOPE_BYTES} bytes"),
            ));
        }
        envelopes.push(NewEnvelope {
            device_seq: e.device_seq,
            key_epoch: e.key_epoch,
            blob,
        });
    }
    let quota = options.team_quota_bytes;
    let high = blocking(move || {
        let adding: u64 = envelopes.iter().map(|e| e.blob.len() as u64).sum();
        let held = storage.team_bytes(auth.team)?;
        if held.saturating_add(adding) > quota {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "quota_exceeded",
                format!(
                    "this team stores {held} bytes of envelopes; {adding} more would pass its \
                     quota of {quota}: ask the server's operator"
                ),
            ));
        }
        Ok(storage.push(auth.team, auth.device, &envelopes)?)
    })
    .await?;
    Ok(Json(wire::PushReply { high_water: high }))
}

async fn pull(
    State(storage): State<Shared>,
    Authenticated(auth): Authenticated,
    ApiQuery(q): ApiQuery<wire::PullQuery>,
) -> ApiResult<Json<wire::PullReply>> {
    let limit = q
        .limit
        .unwrap_or(MAX_BATCH as u32)
        .clamp(1, MAX_BATCH as u32);
    // A reply holds at most about MAX_PULL_BYTES of envelopes (always at least one); the
    // storage stops reading there.
    // The team's last position, read after the page: it is at least the page's last.
    let (rows, high_water) = blocking(move || {
        let rows = storage.pull(auth.team, q.after, limit, MAX_PULL_BYTES as u64)?;
        Ok((rows, storage.high_water(auth.team)?))
    })
    .await?;
    // A device's own envelopes come back without their bytes: it has their changes, and
    // needs only their positions.
    let envelopes = rows
        .into_iter()
        .map(|e| {
            let own = e.device == auth.device;
            wire::PulledEnvelope {
                global_seq: e.global_seq,
                device_id: hex::encode(e.device),
                device_seq: e.device_seq,
                key_epoch: e.key_epoch,
                blob: if own {
                    String::new()
                } else {
                    BASE64.encode(&e.blob)
                },
            }
        })
        .collect();
    Ok(Json(wire::PullReply {
        envelopes,
        high_water: Some(high_water),
    }))
}

async fn lease_block(
    State(storage): State<Shared>,
    Authenticated(auth): Authenticated,
    ApiJson(body): ApiJson<wire::LeaseRequest>,
) -> ApiResult<Json<wire::LeaseReply>> {
    if !(1..=MAX_BLOCK).contains(&body.size) {
        return Err(ApiError::bad_request(format!(
            "size: a block has 1 to {MAX_BLOCK} numbers"
        )));
    }
    if !(2000..=9999).contains(&body.year) {
        return Err(ApiError::bad_request("year: not a plausible year"));
    }
    if body.at_least > MAX_REGISTRY_NUMBER {
        return Err(ApiError::bad_request(format!(
            "at_least: registry numbers go up to {MAX_REGISTRY_NUMBER}"
        )));
    }
    let block = blocking(move || {
        Ok(storage.lease_block(auth.team, auth.device, body.year, body.size, body.at_least)?)
    })
    .await?;
    Ok(Json(wire::LeaseReply {
        year: block.year,
        first_seq: block.first_seq,
        last_seq: block.last_seq,
    }))
}

fn require_admin(auth: &crate::storage::DeviceAuth, what: &str) -> ApiResult<()> {
    if auth.admin {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "not_admin",
            format!("only the team's admin device can {what}"),
        ))
    }
}

fn parse_hash(field: &str, text: &str) -> ApiResult<[u8; 32]> {
    hex::decode(text)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| ApiError::bad_request(format!("{field}: 32 bytes of hex expected")))
}

fn parse_blob(field: &str, text: &str) -> ApiResult<Vec<u8>> {
    let blob = BASE64
        .decode(text.as_bytes())
        .map_err(|_| ApiError::bad_request(format!("{field}: not base64")))?;
    if blob.len() > MAX_ENVELOPE_BYTES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("{field}: larger than {MAX_ENVELOPE_BYTES} bytes"),
        ));
    }
    Ok(blob)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

async fn list_devices(
    State(storage): State<Shared>,
    Authenticated(auth): Authenticated,
) -> ApiResult<Json<wire::DevicesReply>> {
    require_admin(&auth, "list devices")?;
    let devices = blocking(move || Ok(storage.devices(auth.team)?)).await?;
    let devices = devices
        .into_iter()
        .map(|d| wire::DeviceRow {
            device_id: hex::encode(d.device),
            admin: d.admin,
            revoked: d.revoked,
            last_seq: d.last_seq,
            enrollment_id: d.enrollment.map(hex::encode),
        })
        .collect();
    Ok(Json(wire::DevicesReply { devices }))
}

async fn create_enrollment(
    State(storage): State<Shared>,
    Authenticated(auth): Authenticated,
    ApiJson(body): ApiJson<wire::NewEnrollment>,
) -> ApiResult<StatusCode> {
    require_admin(&auth, "invite devices")?;
    if !(60..=MAX_ENROLLMENT_SECONDS).contains(&body.expires_in_seconds) {
        return Err(ApiError::bad_request(format!(
            "expires_in_seconds: between 60 and {MAX_ENROLLMENT_SECONDS}"
        )));
    }
    let enrollment = NewEnrollment {
        id: parse_id("enrollment_id", &body.enrollment_id)?,
        auth_hash: parse_hash("auth_hash", &body.auth_hash)?,
        expires_at: unix_now() + body.expires_in_seconds,
    };
    blocking(move || Ok(storage.create_enrollment(auth.team, &enrollment)?)).await?;
    Ok(StatusCode::CREATED)
}

/// A new device redeems a code: its join request waits for an admin; its token works once
/// the admin approved it.
async fn redeem_enrollment(
    State(storage): State<Shared>,
    ApiJson(body): ApiJson<wire::RedeemRequest>,
) -> ApiResult<(StatusCode, Json<wire::RedeemReply>)> {
    let id = parse_id("enrollment_id", &body.enrollment_id)?;
    let proof = parse_hash("auth", &body.auth)?;
    let auth_hash: [u8; 32] = Sha256::digest(proof).into();
    let device = parse_id("device_id", &body.device_id)?;
    let request = parse_blob("request", &body.request)?;
    if request.len() > MAX_LOG_ENTRY_BYTES {
        return Err(ApiError::bad_request(format!(
            "request: larger than {MAX_LOG_ENTRY_BYTES} bytes"
        )));
    }
    let (token, token_hash) = new_token()?;
    let team = blocking(move || {
        Ok(storage.redeem_enrollment(id, auth_hash, device, token_hash, &request, unix_now())?)
    })
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(wire::RedeemReply {
            token,
            team_id: hex::encode(team),
        }),
    ))
}

async fn pending_enrollments(
    State(storage): State<Shared>,
    Authenticated(auth): Authenticated,
) -> ApiResult<Json<wire::PendingReply>> {
    require_admin(&auth, "list join requests")?;
    let rows = blocking(move || Ok(storage.pending_enrollments(auth.team, unix_now())?)).await?;
    Ok(Json(wire::PendingReply {
        enrollments: rows
            .into_iter()
            .map(|r| wire::PendingEnrollment {
                enrollment_id: hex::encode(r.enrollment),
                device_id: hex::encode(r.device),
                request: BASE64.encode(r.request),
                expires_at: r.expires_at,
            })
            .collect(),
    }))
}

async fn approve_enrollment(
    State(storage): State<Shared>,
    Authenticated(auth): Authenticated,
    Path(enrollment): Path<String>,
) -> ApiResult<StatusCode> {
    require_admin(&auth, "approve devices")?;
    let enrollment = parse_id("enrollment", &enrollment)?;
    blocking(move || Ok(storage.approve_enrollment(auth.team, enrollment, unix_now())?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn append_log(
    State(storage): State<Shared>,
    Authenticated(auth): Authenticated,
    ApiJson(body): ApiJson<wire::LogAppend>,
) -> ApiResult<Json<wire::LogReply>> {
    require_admin(&auth, "sign the team log")?;
    if body.entries.is_empty() || body.entries.len() > MAX_BATCH {
        return Err(ApiError::bad_request(format!(
            "entries: 1 to {MAX_BATCH} entries"
        )));
    }
    let mut entries = Vec::with_capacity(body.entries.len());
    for (i, e) in body.entries.into_iter().enumerate() {
        if e.len() > MAX_LOG_ENTRY_BYTES {
            return Err(ApiError::bad_request(format!(
                "entries[{i}]: larger than {MAX_LOG_ENTRY_BYTES} bytes"
            )));
        }
        entries.push(e.into_bytes());
    }
    let head =
        blocking(move || Ok(storage.append_log(auth.team, body.first_seq, &entries)?)).await?;
    Ok(Json(wire::LogReply {
        entries: Vec::new(),
        head,
    }))
}

async fn get_log(
    State(storage): State<Shared>,
    Authenticated(auth): Authenticated,
    ApiQuery(q): ApiQuery<wire::LogQuery>,
) -> ApiResult<Json<wire::LogReply>> {
    let (rows, head) = blocking(move || Ok(storage.log(auth.team, q.after)?)).await?;
    let entries = rows
        .into_iter()
        .map(|(seq, entry)| wire::LogEntry {
            seq,
            entry: String::from_utf8_lossy(&entry).into_owned(),
        })
        .collect();
    Ok(Json(wire::LogReply { entries, head }))
}

async fn set_admin(
    State(storage): State<Shared>,
    Authenticated(auth): Authenticated,
    Path(device): Path<String>,
    ApiJson(body): ApiJson<wire::SetAdmin>,
) -> ApiResult<StatusCode> {
    require_admin(&auth, "change who is an admin")?;
    let device = parse_id("device", &device)?;
    blocking(move || Ok(storage.set_admin(auth.team, device, body.admin)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn put_key_boxes(
    State(storage): State<Shared>,
    Authenticated(auth): Authenticated,
    ApiJson(body): ApiJson<wire::KeyBoxesUpload>,
) -> ApiResult<StatusCode> {
    require_admin(&auth, "hand out team keys")?;
    if body.boxes.len() > MAX_BATCH {
        return Err(ApiError::bad_request(format!("boxes: at most {MAX_BATCH}")));
    }
    let mut boxes = Vec::with_capacity(body.boxes.len());
    for (i, b) in body.boxes.iter().enumerate() {
        boxes.push(KeyBox {
            device: parse_id(&format!("boxes[{i}].device_id"), &b.device_id)?,
            epoch: b.epoch,
            blob: parse_blob(&format!("boxes[{i}].blob"), &b.blob)?,
        });
    }
    blocking(move || Ok(storage.put_key_boxes(auth.team, &boxes)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn get_key_boxes(
    State(storage): State<Shared>,
    Authenticated(auth): Authenticated,
) -> ApiResult<Json<wire::KeyBoxesReply>> {
    let boxes = blocking(move || Ok(storage.key_boxes(auth.team, auth.device)?)).await?;
    let boxes = boxes
        .into_iter()
        .map(|b| wire::KeyBox {
            epoch: b.epoch,
            blob: BASE64.encode(b.blob),
        })
        .collect();
    Ok(Json(wire::KeyBoxesReply { boxes }))
}

async fn health() -> &'static str {
    "ok"
}

/// The server's clock (Unix milliseconds), from which a device learns how far off its own
/// clock is. Only ever used for a warning: the server is not trusted with time either.
async fn time() -> Json<wire::TimeReply> {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    Json(wire::TimeReply { time_ms: ms })
}

/// The API's routes over `storage` with `options` (the operator's token, quotas).
pub fn router(storage: Shared, options: ApiOptions) -> Router {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/time", get(time))
        .route("/v1/teams", post(create_team))
        .route("/v1/devices", post(add_device).get(list_devices))
        .route("/v1/enrollments", post(create_enrollment))
        .route("/v1/enrollments/redeem", post(redeem_enrollment))
        .route("/v1/enrollments/pending", get(pending_enrollments))
        .route(
            "/v1/enrollments/{enrollment}/approve",
            post(approve_enrollment),
        )
        .route("/v1/log", post(append_log).get(get_log))
        .route("/v1/devices/{device}/admin", post(set_admin))
        .route("/v1/keyboxes", post(put_key_boxes).get(get_key_boxes))
        .route("/v1/devices/{device}/revoke", post(revoke_device))
        .route("/v1/envelopes", post(push).get(pull))
        .route("/v1/registry/blocks", post(lease_block))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(within_time))
        .layer(Extension(options))
        .with_state(storage)
}
