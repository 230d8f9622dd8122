//! Identifiers: UUIDv7 newtypes, so ids sort by creation time and never mix up entity kinds.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
            pub fn as_bytes(&self) -> &[u8; 16] {
                self.0.as_bytes()
            }
            pub fn from_bytes(bytes: [u8; 16]) -> Self {
                Self(Uuid::from_bytes(bytes))
            }
            pub fn from_slice(bytes: &[u8]) -> Option<Self> {
                Uuid::from_slice(bytes).ok().map(Self)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map(Self)
            }
        }
    };
}

uuid_id!(
    /// A worker (contact) record.
    WorkerId
);
uuid_id!(
    /// A case (incident).
    CaseId
);
uuid_id!(
    /// A Korean agency in the directory.
    AgencyId
);
uuid_id!(
    /// A file stored encrypted in the workspace.
    AttachmentId
);
uuid_id!(
    /// One entry of a case's append-only timeline.
    TimelineEntryId
);
uuid_id!(
    /// A task with a due date inside a case.
    TaskId
);
uuid_id!(
    /// A letter in the outgoing-correspondence registry.
    LetterId
);
uuid_id!(
    /// One laptop (device) holding a replica of the workspace.
    DeviceId
);
uuid_id!(
    /// A saved wage-claim computation on a case (written once).
    WageCalcId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text_and_sort_by_creation() {
        let a = WorkerId::new();
        let b = WorkerId::new();
        assert!(a < b);
        assert_eq!(a.to_string().parse::<WorkerId>().unwrap(), a);
        assert!("not-a-uuid".parse::<WorkerId>().is_err());
    }
}
