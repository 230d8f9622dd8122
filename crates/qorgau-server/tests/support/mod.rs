//! A real `qorgau-server` process on loopback for the tests, restartable on the same port.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct Server {
    child: Option<Child>,
    data: PathBuf,
    pub addr: String,
}

impl Server {
    /// Starts a server over `data` on a free port.
    pub fn start(data: &Path) -> Server {
        let (child, addr) = spawn(data, "127.0.0.1:0");
        Server {
            child: Some(child),
            data: data.to_path_buf(),
            addr,
        }
    }

    /// The API's base URL, e.g. `http://127.0.0.1:PORT/v1`.
    pub fn api(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The server's URL as a device stores it.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
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
        let (child, addr) = spawn(&self.data, &self.addr);
        assert_eq!(addr, self.addr);
        self.child = Some(child);
    }

    pub fn database(&self) -> PathBuf {
        self.data.join("qorgau-server.db")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn spawn(data: &Path, listen: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qorgau-server"))
        .args(["--data", data.to_str().unwrap(), "--listen", listen])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start qorgau-server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_string();
    (child, addr)
}
