//! Accepting connections: plain HTTP (loopback only) or TLS, each connection on a task of its
//! own, with the limits an untrusted network needs. Anyone who reaches the port can open
//! connections, so none of them may stop the server: an accept error (out of file
//! descriptors, say) is logged and accepting resumes; a TLS handshake or a request's headers
//! that do not arrive in time end that connection, and so does a connection left idle between
//! requests; at most `max_connections` are served at once (the rest wait in the listen queue).

use axum::Router;
use std::io;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;

/// Limits on connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Longest a TLS handshake may take.
    pub handshake_timeout: Duration,
    /// Longest a request's headers may take to arrive, counted from the connection's start
    /// or the end of the previous reply: a connection idle this long is closed.
    pub idle_timeout: Duration,
    /// Most connections served at once.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            handshake_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            max_connections: 1024,
        }
    }
}

/// How long to wait before accepting again after an accept error: out of descriptors, the
/// listener would otherwise spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Serves `app` on `listener`, over TLS when `tls` is given, until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()>,
) -> io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut accept_errors: u64 = 0;
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit.map_err(io::Error::other)?,
            () = &mut shutdown => return Ok(()),
        };
        let tcp = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => return Ok(()),
        };
        let tcp = match tcp {
            Ok((tcp, _)) => tcp,
            Err(e) => {
                // Log the first error of a run and then every thousandth, so a flood does
                // not fill the log either.
                if accept_errors.is_multiple_of(1000) {
                    eprintln!(
                        "qorgau-server: accepting a connection failed ({} so far): {e}",
                        accept_errors + 1
                    );
                }
                accept_errors += 1;
                drop(permit);
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        accept_errors = 0;
        let tls = tls.clone();
        let app = app.clone();
        tokio::spawn(async move {
            let _permit = permit;
            connection(tcp, tls, app, limits).await;
        });
    }
}

async fn connection(
    tcp: TcpStream,
    tls: Option<TlsAcceptor>,
    app: Router,
    limits: ConnectionLimits,
) {
    let _ = tcp.set_nodelay(true);
    match tls {
        None => http(tcp, app, limits).await,
        Some(acceptor) => {
            // A failed or stalled handshake (a client that does not trust or pin the
            // certificate, or one that sends nothing) only ends that connection.
            if let Ok(Ok(stream)) =
                tokio::time::timeout(limits.handshake_timeout, acceptor.accept(tcp)).await
            {
                http(stream, app, limits).await;
            }
        }
    }
}

async fn http(
    io: impl AsyncRead + AsyncWrite + Unpin + Send + 'static,
    app: Router,
    limits: ConnectionLimits,
) {
    let io = hyper_util::rt::TokioIo::new(io);
    let service = hyper_util::service::TowerToHyperService::new(app);
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.idle_timeout)
        .serve_connection(io, service)
        .await;
}
