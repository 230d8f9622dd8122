//! What the server keeps, behind a trait so that the embedded SQLite store and (later)
//! PostgreSQL serve the same API. The server holds opaque envelopes and only the metadata it
//! needs: team, device, device sequence, global order, key epoch, size. Tokens are stored
//! as SHA-256 hashes.

use thiserror::Error;

/// 16-byte ids (team, device) as lowercase hex on the wire.
pub type Id = [u8; 16];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceAuth {
    pub team: Id,
    pub device: Id,
    pub admin: bool,
    pub revoked: bool,
}

/// One envelope as a device pushes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEnvelope {
    pub device_seq: u64,
    pub key_epoch: u32,
    pub blob: Vec<u8>,
}

/// One envelope as a device pulls it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEnvelope {
    pub global_seq: u64,
    pub device: Id,
    pub device_seq: u64,
    pub key_epoch: u32,
    pub blob: Vec<u8>,
}

/// A block of letter-registry numbers leased to a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeasedBlock {
    pub year: i32,
    pub first_seq: u32,
    pub last_seq: u32,
}

/// A device as the team's admin sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    pub device: Id,
    pub admin: bool,
    pub revoked: bool,
    /// The device's last stored envelope.
    pub last_seq: u64,
    /// The enrollment that added it (none for the team's first device or one added directly).
    pub enrollment: Option<Id>,
}

/// A pending enrollment: the hash of the code's proof of possession, and when it expires.
/// Nothing is wrapped for a code: keys reach a device only after an admin approved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEnrollment {
    pub id: Id,
    pub auth_hash: [u8; 32],
    /// Unix seconds after which the code is refused.
    pub expires_at: i64,
}

/// A redeemed code waiting for an admin's approval: the device, and its join request
/// (sealed under a key from the code's secret; opaque here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinRequest {
    pub enrollment: Id,
    pub device: Id,
    pub request: Vec<u8>,
    pub expires_at: i64,
}

/// A team key wrapped for one device (after a rotation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBox {
    pub device: Id,
    pub epoch: u32,
    pub blob: Vec<u8>,
}

#[derive(Debug, Error)]
pub enum StorageError {
    #[error("no such enrollment code")]
    NoSuchEnrollment,
    #[error("this device has been revoked")]
    Revoked,
    #[error("this enrollment code was already used or has expired")]
    EnrollmentSpent,
    #[error("team already exists")]
    TeamExists,
    #[error("device already exists")]
    DeviceExists,
    #[error("no such device in this team")]
    NoSuchDevice,
    #[error("envelope {got} of this device is out of order: expected {expected}")]
    OutOfOrder { expected: u64, got: u64 },
    #[error("envelope {seq} of this device was already stored with other content")]
    Conflicting { seq: u64 },
    #[error("the team log already has entry {head}: fetch it and sign again")]
    LogConflict { head: u64 },
    #[error("no such join request waiting for approval (it expired, or was approved)")]
    NoSuchRequest,
    #[error("storage failure: {0}")]
    Backend(String),
}

pub type StorageResult<T> = Result<T, StorageError>;

/// Team log entries `(seq, bytes)` and the log's head.
pub type LogPage = (Vec<(u64, Vec<u8>)>, u64);

/// The server's storage. Every method is one transaction; several server processes may share
/// one backend, so nothing is cached between calls.
pub trait Storage: Send + Sync + 'static {
    /// Creates a team with its first (admin) device.
    fn create_team(&self, team: Id, device: Id, token_hash: [u8; 32]) -> StorageResult<()>;
    /// Adds a device to a team.
    fn add_device(&self, team: Id, device: Id, token_hash: [u8; 32]) -> StorageResult<()>;
    /// The device a token belongs to.
    fn authenticate(&self, token_hash: [u8; 32]) -> StorageResult<Option<DeviceAuth>>;
    /// Revokes a device: its token is refused from now on.
    fn revoke(&self, team: Id, device: Id) -> StorageResult<()>;
    /// Stores a device's envelopes. Each must be the device's next sequence number; an
    /// envelope already stored with the same bytes is accepted again (a retried push) and not
    /// duplicated. Returns the highest global sequence number the team has after the push.
    fn push(&self, team: Id, device: Id, envelopes: &[NewEnvelope]) -> StorageResult<u64>;
    /// The team's envelopes after `after` in global order, at most `limit`, and no more
    /// than `max_bytes` of blobs (but always the first one): reading stops there, so a pull
    /// never holds more than about `max_bytes` plus one envelope in memory.
    fn pull(
        &self,
        team: Id,
        after: u64,
        limit: u32,
        max_bytes: u64,
    ) -> StorageResult<Vec<StoredEnvelope>>;
    /// The bytes of the team's stored envelopes.
    fn team_bytes(&self, team: Id) -> StorageResult<u64>;
    /// The team's highest envelope position (0: none yet). A device whose cursor is past it
    /// knows the server lost envelopes (restored from a backup) or hides them.
    fn high_water(&self, team: Id) -> StorageResult<u64>;
    /// The team's devices.
    fn devices(&self, team: Id) -> StorageResult<Vec<DeviceInfo>>;
    /// Stores a pending enrollment for a team.
    fn create_enrollment(&self, team: Id, enrollment: &NewEnrollment) -> StorageResult<()>;
    /// Redeems an enrollment once, before it expires, with the proof whose hash it holds:
    /// keeps the device's join request (with the hash of the token it will use) for an
    /// admin to approve, and returns the team. The device is not a member yet.
    fn redeem_enrollment(
        &self,
        id: Id,
        auth_hash: [u8; 32],
        device: Id,
        token_hash: [u8; 32],
        request: &[u8],
        now: i64,
    ) -> StorageResult<Id>;
    /// The team's join requests not expired, oldest first.
    fn pending_enrollments(&self, team: Id, now: i64) -> StorageResult<Vec<JoinRequest>>;
    /// Approves a join request: adds its device with the token it redeemed with, and forgets
    /// the request (the spent enrollment, which holds nothing wrapped, stays until it expires,
    /// so a second use of its code is told it was used). Returns the device.
    fn approve_enrollment(&self, team: Id, enrollment: Id, now: i64) -> StorageResult<Id>;
    /// Appends entries to the team log, the first numbered `first_seq`, which must be the
    /// log's next number ([`StorageError::LogConflict`] otherwise). Returns the new head.
    fn append_log(&self, team: Id, first_seq: u64, entries: &[Vec<u8>]) -> StorageResult<u64>;
    /// The team log's entries after `after`, and its head.
    fn log(&self, team: Id, after: u64) -> StorageResult<LogPage>;
    /// Lets a device call the admin routes, or no longer.
    fn set_admin(&self, team: Id, device: Id, admin: bool) -> StorageResult<()>;
    /// Stores team keys wrapped for devices of the team.
    fn put_key_boxes(&self, team: Id, boxes: &[KeyBox]) -> StorageResult<()>;
    /// The key boxes wrapped for one device.
    fn key_boxes(&self, team: Id, device: Id) -> StorageResult<Vec<KeyBox>>;
    /// Leases the next `size` registry numbers of `year` for a team's device, starting at
    /// `at_least` or later.
    fn lease_block(
        &self,
        team: Id,
        device: Id,
        year: i32,
        size: u32,
        at_least: u32,
    ) -> StorageResult<LeasedBlock>;
}
