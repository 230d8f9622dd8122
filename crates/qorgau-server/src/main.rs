//! `qorgau-server --data DIR --listen ADDR [--tls-self-signed | --tls-cert PEM --tls-key PEM]`:
//! the sync server over its embedded SQLite store, or over PostgreSQL with
//! `--database-url postgres://…` (several processes may share one database). Prints `listening on ADDR` once it accepts
//! connections (and, with TLS, `certificate sha256 HEX`, the fingerprint devices pin).
//! Plain HTTP is served only on a loopback address.

use anyhow::{Context, bail};
use clap::Parser;
use qorgau_server::postgres::PostgresStorage;
use qorgau_server::storage::Storage;
use qorgau_server::{http, sqlite::SqliteStorage, tls};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

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
    let storage: Arc<dyn Storage> = match (&args.database_url, &args.data) {
        (Some(url), _) => Arc::new(
            PostgresStorage::open(url)
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
    let app = http::router(storage);
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    println!("listening on {}", listener.local_addr()?);
    match identity {
        Some(identity) => {
            println!("certificate sha256 {}", identity.fingerprint);
            tls::serve(listener, &identity, app, shutdown).await?;
        }
        None => {
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await?;
        }
    }
    Ok(())
}
