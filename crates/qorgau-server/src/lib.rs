//! Qorgau's sync server (issue 5, in progress): stores opaque, end-to-end encrypted
//! envelopes for teams of devices, hands them out in a global order, and leases blocks of
//! letter-registry numbers. It never holds a key: it cannot read a name.
//!
//! Built so far: the storage trait with the embedded SQLite backend, the HTTP API (teams,
//! devices and revocation, push and pull, registry blocks) with hashed device tokens and
//! request limits, plain HTTP on loopback only. Still to come: TLS (rustls, self-signed
//! certificate pinned through the enrollment code), the PostgreSQL backend, enrollment codes.

pub mod http;
pub mod postgres;
pub mod sqlite;
pub mod storage;
pub mod tls;
