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

#[derive(Debug, Error)]
pub enum StorageError {
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
    #[error("storage failure: {0}")]
    Backend(String),
}

pub type StorageResult<T> = Result<T, StorageError>;

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
    /// The team's envelopes after `after` in global order, at most `limit`.
    fn pull(&self, team: Id, after: u64, limit: u32) -> StorageResult<Vec<StoredEnvelope>>;
    /// Leases the next `size` registry numbers of `year` for a team's device.
    fn lease_block(&self, team: Id, device: Id, year: i32, size: u32)
    -> StorageResult<LeasedBlock>;
}
