//! `qorgau-server --data DIR --listen 127.0.0.1:PORT`: the sync server over its embedded
//! SQLite store. Prints `listening on ADDR` once it accepts connections.

use anyhow::{Context, bail};
use clap::Parser;
use qorgau_server::{http, sqlite::SqliteStorage};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(name = "qorgau-server", version, about = "Qorgau sync server")]
struct Args {
    /// Directory for the server's database.
    #[arg(long)]
    data: PathBuf,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if !args.listen.ip().is_loopback() {
        bail!(
            "--listen {}: TLS is not built yet, so the server only listens on a loopback address",
            args.listen
        );
    }
    let storage = SqliteStorage::open(&args.data)
        .with_context(|| format!("opening the database in {}", args.data.display()))?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("binding {}", args.listen))?;
    println!("listening on {}", listener.local_addr()?);
    axum::serve(listener, http::router(Arc::new(storage)))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
