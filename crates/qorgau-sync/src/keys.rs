//! Team keys: 256-bit symmetric keys shared by a team's devices, numbered by epoch so that a
//! rotation (after a device is revoked) applies to future changes while old envelopes stay
//! readable.

use std::collections::BTreeMap;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// A team key. Never printed; zeroised when dropped.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct TeamKey([u8; 32]);

impl std::fmt::Debug for TeamKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TeamKey(..)")
    }
}

impl TeamKey {
    /// A fresh random key from the operating system's generator.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)?;
        Ok(TeamKey(bytes))
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        TeamKey(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// The team keys a device holds, by epoch. New envelopes use the newest epoch.
#[derive(Debug, Clone, Default)]
pub struct KeyRing {
    keys: BTreeMap<u32, TeamKey>,
}

impl KeyRing {
    /// A ring holding `key` as epoch 0 (a new team).
    pub fn new(key: TeamKey) -> Self {
        KeyRing {
            keys: BTreeMap::from([(0, key)]),
        }
    }

    /// Adds the key of `epoch` (received at enrollment or after a rotation).
    pub fn insert(&mut self, epoch: u32, key: TeamKey) {
        self.keys.insert(epoch, key);
    }

    /// Adds a fresh key one epoch after the newest and returns its epoch.
    pub fn rotate(&mut self) -> Result<u32, getrandom::Error> {
        let next = self.current().map_or(0, |(epoch, _)| epoch + 1);
        self.keys.insert(next, TeamKey::generate()?);
        Ok(next)
    }

    /// The newest epoch and its key.
    pub fn current(&self) -> Option<(u32, &TeamKey)> {
        self.keys.iter().next_back().map(|(e, k)| (*e, k))
    }

    pub fn get(&self, epoch: u32) -> Option<&TeamKey> {
        self.keys.get(&epoch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_and_never_printed() {
        let a = TeamKey::generate().unwrap();
        let b = TeamKey::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(format!("{a:?}"), "TeamKey(..)");
    }

    #[test]
    fn rotation_adds_a_newer_epoch_and_keeps_the_old() {
        let first = TeamKey::generate().unwrap();
        let mut ring = KeyRing::new(first.clone());
        assert_eq!(ring.rotate().unwrap(), 1);
        let (epoch, newest) = ring.current().unwrap();
        assert_eq!(epoch, 1);
        assert_ne!(newest, &first);
        assert_eq!(ring.get(0), Some(&first));
    }
}
