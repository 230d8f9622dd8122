use crate::envelope::EnvelopeError;
use qorgau_store::StoreError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum SyncError {
    #[error(
        "this workspace is not in a sync team: create one (`qorgau team create`) or enroll (`qorgau device enroll`)"
    )]
    NotInTeam,
    #[error("this workspace is already in a sync team")]
    AlreadyInTeam,
    #[error("only the team's admin device can {0}")]
    NotAdmin(&'static str),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Envelope(#[from] EnvelopeError),
    #[error("the server refused the request ({status} {code}): {message}")]
    Server {
        status: u16,
        code: String,
        message: String,
    },
    #[error("cannot reach the sync server at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the sync server's certificate does not match the pinned fingerprint")]
    CertificateMismatch,
    #[error("enrollment code: {0}")]
    BadCode(String),
    #[error(
        "this workspace already holds {workers} workers, {cases} cases and {letters} letters: \
         joining would send all of them, with their history, to the server {host} (certificate \
         sha256 {fingerprint}), team {team}. Make sure that is your mission's server and team \
         (ask whoever gave you the code), then enroll again with --merge-existing; or enroll \
         a new, empty workspace"
    )]
    NotEmpty {
        host: String,
        fingerprint: String,
        team: String,
        workers: u64,
        cases: u64,
        letters: u64,
    },
    #[error("sync settings: {0}")]
    Settings(String),
    #[error(
        "the sync round stopped before its end because the workspace is being locked; what it \
         did not do follows in the next round"
    )]
    Stopped,
    #[error("a change from device {device} could not be read: {reason}")]
    Payload { device: String, reason: String },
    #[error(
        "the sync server went back: {what}. It was restored from an older backup, or it hides \
         envelopes; nothing more was applied. Tell the server's operator before syncing again"
    )]
    ServerWentBack { what: String },
    #[error("envelope {seq} of device {device} refused: {reason}")]
    Refused {
        device: String,
        seq: u64,
        reason: String,
    },
    #[error(
        "the team key of epoch {epoch} (started in the team log) has not reached this device: \
         nothing is sealed under an older key. Ask an admin to revoke the same device again, \
         which seals the key for every member once more"
    )]
    MissingTeamKey { epoch: u32 },
    #[error("team log: {0}")]
    TeamLog(String),
    #[error(
        "this device waits for an admin's approval: read its code ({sas}) to an admin, who runs \
         `qorgau device approve {device} --sas {sas}`; then sync again"
    )]
    AwaitingApproval { device: String, sas: String },
    #[error(
        "the short authentication string does not match ({0}): nothing was approved. Ask the caseworker to read it again from their screen; if it still differs, someone else used the code"
    )]
    SasMismatch(String),
    #[error("the team log removed this device: it can no longer sync with the team")]
    RemovedFromTeam,
    #[error("the system random generator failed")]
    Random,
}

impl SyncError {
    /// Whether the failure is the network's or the server's availability (worth retrying
    /// later) rather than a refusal.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, SyncError::Unreachable { .. })
    }
}
