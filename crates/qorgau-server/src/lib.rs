//! Qorgau's sync server: stores opaque, end-to-end encrypted envelopes for teams of devices,
//! hands them out in each team's order, keeps enrollments and wrapped key boxes it cannot
//! open, and leases blocks of letter-registry numbers. It never holds a key: it cannot read a
//! name. Storage is a trait with an embedded SQLite and a PostgreSQL backend; TLS with rustls.

pub mod http;
pub mod listen;
pub mod operator;
pub mod postgres;
pub mod sqlite;
pub mod storage;
pub mod tls;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

/// Serves the API over embedded storage in `dir` on a free loopback port, on a thread of its
/// own that lives as long as the process (for tests of other crates, which cannot start this
/// crate's binary). Returns the address; the operator token is in `operator_token(dir)`.
pub fn serve_on_loopback_thread(dir: &Path) -> std::io::Result<SocketAddr> {
    let storage = sqlite::SqliteStorage::open(dir).map_err(std::io::Error::other)?;
    serve_storage_on_loopback_thread(Arc::new(storage), &operator_token(dir)?)
}

/// Serves the API over any `storage` on a free loopback port, on a thread of its own (the
/// hostile-server tests wrap the real storage in one that lies).
pub fn serve_storage_on_loopback_thread(
    storage: Arc<dyn storage::Storage>,
    operator_token: &str,
) -> std::io::Result<SocketAddr> {
    let operator = operator::OperatorCredential::new(operator_token);
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    std::thread::spawn(move || {
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
            let app = http::router(storage, http::ApiOptions::new(operator));
            let limits = listen::ConnectionLimits::default();
            let _ = listen::serve(listener, None, app, limits, std::future::pending()).await;
        });
    });
    Ok(addr)
}

/// The operator token of a server over `dir` (created there on first use), which creating a
/// team needs.
pub fn operator_token(dir: &Path) -> std::io::Result<String> {
    operator::load_or_create(&operator::default_path(dir))
}
