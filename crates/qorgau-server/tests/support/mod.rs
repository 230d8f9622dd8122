//! A real `qorgau-server` process on loopback for the tests, restartable on the same port.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub mod postgres;

/// A new encrypted workspace (fast test key derivation) in its own temporary directory.
pub fn new_store() -> (tempfile::TempDir, qorgau_store::Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = qorgau_store::Store::create(
        dir.path(),
        &qorgau_store::Passphrase::new("device passphrase 123"),
        qorgau_store::KdfParams::FAST_INSECURE_FOR_TESTS,
    )
    .unwrap();
    (dir, store)
}

pub struct Server {
    child: Option<Child>,
    data: Option<PathBuf>,
    args: Vec<String>,
    pub addr: String,
    /// The certificate's SHA-256 when serving TLS.
    pub fingerprint: Option<String>,
}

impl Server {
    /// Starts a server over `data` on a free port.
    pub fn start(data: &Path) -> Server {
        Self::start_with(data, &[])
    }

    /// Starts a server over `data` with extra arguments (e.g. `--tls-self-signed`).
    pub fn start_with(data: &Path, args: &[&str]) -> Server {
        let mut all = vec!["--data".to_string(), data.to_str().unwrap().to_string()];
        all.extend(args.iter().map(|a| a.to_string()));
        Self::start_args(Some(data), all)
    }

    /// Starts a server over a PostgreSQL database.
    pub fn start_postgres(url: &str) -> Server {
        Self::start_args(None, vec!["--database-url".into(), url.into()])
    }

    fn start_args(data: Option<&Path>, args: Vec<String>) -> Server {
        let (child, addr, fingerprint) = spawn("127.0.0.1:0", &args);
        Server {
            child: Some(child),
            data: data.map(Path::to_path_buf),
            args,
            addr,
            fingerprint,
        }
    }

    /// The API's base URL, e.g. `http://127.0.0.1:PORT/v1`.
    pub fn api(&self) -> String {
        format!("{}/v1", self.url())
    }

    /// The server's URL as a device stores it.
    pub fn url(&self) -> String {
        let scheme = if self.fingerprint.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops the process and starts a new one over the same data on the same port.
    pub fn restart(&mut self) {
        self.stop();
        let (child, addr, fingerprint) = spawn(&self.addr, &self.args);
        assert_eq!(addr, self.addr);
        assert_eq!(fingerprint, self.fingerprint);
        self.child = Some(child);
    }

    /// The embedded database file.
    pub fn database(&self) -> PathBuf {
        self.data
            .as_ref()
            .expect("a server over --data")
            .join("qorgau-server.db")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn spawn(listen: &str, args: &[String]) -> (Child, String, Option<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qorgau-server"))
        .args(["--listen", listen])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start qorgau-server");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_string();
    let fingerprint = args.iter().any(|a| a.starts_with("--tls")).then(|| {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        line.trim()
            .strip_prefix("certificate sha256 ")
            .unwrap_or_else(|| panic!("unexpected second line: {line:?}"))
            .to_string()
    });
    (child, addr, fingerprint)
}
