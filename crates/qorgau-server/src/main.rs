//! `qorgau-server --data DIR --listen ADDR [--tls-self-signed | --tls-cert PEM --tls-key PEM]`:
//! the sync server over its embedded SQLite store, or over PostgreSQL with
//! `--database-url postgres://…` (several processes may share one database). Prints `listening on ADDR` once it accepts
//! connections (and, with TLS, `certificate sha256 HEX`, the fingerprint devices pin).
//! Plain HTTP is served only on a loopback address.
//!
//! Creating a team needs the operator token: it is kept in `DATA_DIR/operator-token` (or the
//! `--operator-token-file`), created with a random value on the first start, mode 0600.

use anyhow::{Context, bail};
use clap::Parser;
use qorgau_server::listen::ConnectionLimits;
use qorgau_server::operator::{self, OperatorCredential};
use qorgau_server::postgres::{DEFAULT_POOL_SIZE, PostgresStorage};
use qorgau_server::storage::Storage;
use qorgau_server::{http, listen, sqlite::SqliteStorage, tls};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(name = "qorgau-server", version, about = "Qorgau sync server")]
struct Args {
    /// Directory for the embedded database (and the self-signed certificate).
    #[arg(long, required_unless_present = "database_url")]
    data: Option<PathBuf>,
    /// Store in PostgreSQL instead of the embedded database, e.g.
    /// `postgres://qorgau@127.0.0.1:5432/qorgau`.
    #[arg(long, env = "QORGAU_SERVER_DATABASE_URL")]
    database_url: Option<String>,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// Serve TLS with a self-signed certificate kept in the data directory (created on the
    /// first start); its fingerprint is printed and goes into enrollment codes.
    #[arg(long, conflicts_with_all = ["tls_cert", "tls_key"])]
    tls_self_signed: bool,
    /// Extra names or addresses the self-signed certificate is issued for.
    #[arg(long = "tls-name")]
    tls_names: Vec<String>,
    /// Serve TLS with this certificate chain (PEM) …
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// … and this private key (PEM).
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// The file holding the operator token that creating a team needs (created with a random
    /// token, mode 0600, when missing). Default: `operator-token` in `--data`; several
    /// processes over one PostgreSQL database should share one file's token.
    #[arg(long)]
    operator_token_file: Option<PathBuf>,
    /// Seconds a connection may stay idle (or take to send a request's headers) before it is
    /// closed.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    idle_timeout_secs: u64,
    /// Seconds a TLS handshake may take.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    handshake_timeout_secs: u64,
    /// Most connections served at once; more wait in the listen queue.
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    max_connections: u64,
    /// Seconds a request may take from its headers to its reply (its body included).
    #[arg(long, default_value_t = http::DEFAULT_REQUEST_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..=3600))]
    request_timeout_secs: u64,
    /// Envelope bytes one team may store, in MiB (default 10 GiB).
    #[arg(long, default_value_t = http::DEFAULT_TEAM_QUOTA_BYTES >> 20, value_parser = clap::value_parser!(u64).range(1..=(1 << 30)))]
    team_quota_mib: u64,
    /// Most connections to PostgreSQL this process opens.
    #[arg(long, default_value_t = DEFAULT_POOL_SIZE as u64, value_parser = clap::value_parser!(u64).range(1..=1000))]
    database_pool: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let identity = if args.tls_self_signed {
        let Some(data) = &args.data else {
            bail!("--tls-self-signed keeps its certificate in --data DIR: give one");
        };
        let mut names = vec!["localhost".to_string(), args.listen.ip().to_string()];
        names.extend(args.tls_names.iter().cloned());
        Some(tls::self_signed(data, &names).context("the self-signed certificate")?)
    } else if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        Some(tls::from_pem_files(cert, key).context("the TLS certificate")?)
    } else {
        None
    };
    if identity.is_none() && !args.listen.ip().is_loopback() {
        bail!(
            "--listen {}: plain HTTP is served only on a loopback address; for TLS add --tls-self-signed \
             or --tls-cert/--tls-key",
            args.listen
        );
    }
    let token_file = match (&args.operator_token_file, &args.data) {
        (Some(file), _) => file.clone(),
        (None, Some(data)) => operator::default_path(data),
        (None, None) => bail!(
            "creating teams needs an operator token: give --operator-token-file FILE (it is \
             created when missing) or --data DIR"
        ),
    };
    let operator_token = operator::load_or_create(&token_file)
        .with_context(|| format!("the operator token in {}", token_file.display()))?;
    eprintln!(
        "qorgau-server: creating a team needs the operator token in {}",
        token_file.display()
    );
    let storage: Arc<dyn Storage> = match (&args.database_url, &args.data) {
        (Some(url), _) => Arc::new(
            PostgresStorage::open(url, args.database_pool as usize)
                .await
                .context("connecting to PostgreSQL")?,
        ),
        (None, Some(data)) => Arc::new(
            SqliteStorage::open(data)
                .with_context(|| format!("opening the database in {}", data.display()))?,
        ),
        (None, None) => bail!("give --data DIR or --database-url URL"),
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("binding {}", args.listen))?;
    let app = http::router(
        storage,
        http::ApiOptions {
            operator: OperatorCredential::new(&operator_token),
            team_quota_bytes: args.team_quota_mib << 20,
            request_timeout: Duration::from_secs(args.request_timeout_secs),
        },
    );
    let limits = ConnectionLimits {
        handshake_timeout: Duration::from_secs(args.handshake_timeout_secs),
        idle_timeout: Duration::from_secs(args.idle_timeout_secs),
        max_connections: args.max_connections as usize,
    };
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    println!("listening on {}", listener.local_addr()?);
    let acceptor = identity.map(|identity| {
        println!("certificate sha256 {}", identity.fingerprint);
        tokio_rustls::TlsAcceptor::from(identity.config)
    });
    listen::serve(listener, acceptor, app, limits, shutdown).await?;
    Ok(())
}
