//! Secrets as types: zeroised on drop, never serialised, redacted in `Debug`.

use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// A workspace passphrase as the person typed it.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Passphrase(String);

impl Passphrase {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }
    pub(crate) fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn char_count(&self) -> usize {
        self.0.chars().count()
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(***)")
    }
}

/// The 256-bit database key derived from a passphrase.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct DbKey(pub(crate) [u8; 32]);

impl DbKey {
    /// The SQLCipher raw-key literal `x'…'` (64 hex digits), itself zeroised on drop.
    pub(crate) fn pragma_literal(&self) -> zeroize::Zeroizing<String> {
        zeroize::Zeroizing::new(format!("\"x'{}'\"", hex::encode(self.0)))
    }
}

impl fmt::Debug for DbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DbKey(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let p = Passphrase::new("correct horse");
        assert_eq!(format!("{p:?}"), "Passphrase(***)");
        assert_eq!(format!("{:?}", DbKey([7; 32])), "DbKey(***)");
    }
}
