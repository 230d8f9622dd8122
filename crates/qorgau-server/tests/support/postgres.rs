//! A throwaway PostgreSQL cluster for the tests: `initdb` into a temporary directory, started
//! with `pg_ctl` on 127.0.0.1 and a free port, trust authentication, removed on drop. As root
//! (CI), the cluster runs as the `postgres` user that Debian's package creates.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

/// Where the PostgreSQL programs are: on PATH, or Debian's versioned directory.
fn bin_dir() -> PathBuf {
    if let Ok(path) = which("initdb") {
        return path.parent().unwrap().to_path_buf();
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is not installed (Debian package `postgresql`)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .expect("no initdb under /usr/lib/postgresql/*/bin")
}

fn which(program: &str) -> Result<PathBuf, ()> {
    let path = std::env::var_os("PATH").ok_or(())?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.exists())
        .map(|p| p.canonicalize().unwrap_or(p))
        .ok_or(())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A PostgreSQL program as a command, run as the `postgres` user when this process is root
/// (initdb and the server refuse to run as root).
fn program(bin: &Path, name: &str, args: &[&str]) -> Command {
    let exe = bin.join(name);
    let mut command = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(exe);
        c
    } else {
        Command::new(exe)
    };
    command.args(args);
    command
}

/// Runs a PostgreSQL program and insists that it succeeds.
fn run(bin: &Path, name: &str, args: &[&str]) {
    let out = program(bin, name, args)
        .output()
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(
        out.status.success(),
        "{name} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Postgres {
    pub fn start() -> Postgres {
        let bin = bin_dir();
        let dir = tempfile::tempdir().unwrap();
        if is_root() {
            let status = Command::new("chown")
                .args(["postgres:postgres", dir.path().to_str().unwrap()])
                .status()
                .unwrap();
            assert!(status.success());
        }
        let data = dir.path().join("data");
        let data = data.to_str().unwrap();
        run(
            &bin,
            "initdb",
            &[
                "-D",
                data,
                "--auth=trust",
                "--username=qorgau",
                "--encoding=UTF8",
                "--no-sync",
            ],
        );
        let port = free_port();
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={} -c fsync=off -c max_connections=200",
            dir.path().display()
        );
        let log = dir.path().join("server.log");
        run(
            &bin,
            "pg_ctl",
            &[
                "-D",
                data,
                "-o",
                &options,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "start",
            ],
        );
        Postgres { dir, bin, port }
    }

    /// A plain-text `pg_dump` of the database (bytea columns appear in hex).
    pub fn dump(&self) -> Vec<u8> {
        let port = self.port.to_string();
        let out = Command::new(self.bin.join("pg_dump"))
            .args(["-h", "127.0.0.1", "-p", &port, "-U", "qorgau", "postgres"])
            .output()
            .expect("pg_dump");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    pub fn url(&self) -> String {
        format!("postgres://qorgau@127.0.0.1:{}/postgres", self.port)
    }

    /// The URL of another database of the cluster.
    pub fn url_of(&self, database: &str) -> String {
        format!("postgres://qorgau@127.0.0.1:{}/{database}", self.port)
    }

    /// Runs one statement with `psql` and returns its unaligned output.
    pub fn psql(&self, sql: &str) -> String {
        self.psql_in("postgres", sql)
    }

    /// Runs one statement with `psql` in `database` and returns its unaligned output.
    pub fn psql_in(&self, database: &str, sql: &str) -> String {
        let port = self.port.to_string();
        let out = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-U",
                "qorgau",
                "-d",
                database,
            ])
            .args(["-At", "-c", sql])
            .output()
            .expect("psql");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let args = ["-D", data.to_str().unwrap(), "-m", "immediate", "stop"];
        let _ = program(&self.bin, "pg_ctl", &args).output();
    }
}
