//! Integration tests of the encrypted store, as one test binary (one link of SQLCipher).
//!
//! Every test works in its own `tempfile::tempdir()` workspace and, unless it is about the real
//! key-derivation cost, with `KdfParams::FAST_INSECURE_FOR_TESTS`.

mod attachments;
mod audit;
mod cases;
mod crash;
mod deadlines;
mod encryption;
mod letters;
mod replica;
mod search;
mod support;
mod team_log;
mod workers;
