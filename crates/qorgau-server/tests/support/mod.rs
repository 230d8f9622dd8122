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
    /// The operator token that creating a team needs.
    pub operator_token: String,
    /// Where the operator token is kept when the server has no data directory.
    _token_dir: Option<tempfile::TempDir>,
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

    /// Starts a server over `data` under `ulimit -n nofile`.
    pub fn start_with_fd_limit(data: &Path, args: &[&str], nofile: u32) -> Server {
        let mut all = vec!["--data".to_string(), data.to_str().unwrap().to_string()];
        all.extend(args.iter().map(|a| a.to_string()));
        let (child, addr, fingerprint) = spawn_limited("127.0.0.1:0", &all, Some(nofile));
        Server {
            child: Some(child),
            data: Some(data.to_path_buf()),
            operator_token: read_token(&data.join("operator-token")),
            args: all,
            addr,
            fingerprint,
            _token_dir: None,
        }
    }

    /// Starts a server over a PostgreSQL database.
    pub fn start_postgres(url: &str) -> Server {
        Self::start_postgres_with(url, &[])
    }

    /// Starts a server over a PostgreSQL database with extra arguments.
    pub fn start_postgres_with(url: &str, extra: &[&str]) -> Server {
        let token_dir = tempfile::tempdir().unwrap();
        let token_file = token_dir.path().join("operator-token");
        let mut args: Vec<String> = vec![
            "--database-url".into(),
            url.into(),
            "--operator-token-file".into(),
            token_file.to_str().unwrap().into(),
        ];
        args.extend(extra.iter().map(|a| a.to_string()));
        let mut server = Self::start_args(None, args);
        server.operator_token = read_token(&token_file);
        server._token_dir = Some(token_dir);
        server
    }

    fn start_args(data: Option<&Path>, args: Vec<String>) -> Server {
        let (child, addr, fingerprint) = spawn("127.0.0.1:0", &args);
        let operator_token = data
            .map(|d| read_token(&d.join("operator-token")))
            .unwrap_or_default();
        Server {
            child: Some(child),
            data: data.map(Path::to_path_buf),
            args,
            addr,
            fingerprint,
            operator_token,
            _token_dir: None,
        }
    }

    /// The process id (to look at its descriptors and memory).
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("a running server").id()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        match self.child.as_mut() {
            Some(child) => child.try_wait().unwrap().is_none(),
            None => false,
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

fn read_token(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .trim()
        .to_string()
}

fn spawn(listen: &str, args: &[String]) -> (Child, String, Option<String>) {
    spawn_limited(listen, args, None)
}

/// Spawns the server, under `ulimit -n NOFILE` when given.
fn spawn_limited(
    listen: &str,
    args: &[String],
    nofile: Option<u32>,
) -> (Child, String, Option<String>) {
    let exe = env!("CARGO_BIN_EXE_qorgau-server");
    let mut command = match nofile {
        None => Command::new(exe),
        Some(n) => {
            let mut c = Command::new("sh");
            c.args(["-c", &format!("ulimit -n {n} && exec \"$0\" \"$@\""), exe]);
            c
        }
    };
    let mut child = command
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
