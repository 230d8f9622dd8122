//! `qorgau bench sync`: end-to-end encrypted sync through a real `qorgau-server` process on
//! loopback, counted in records (a worker with all its fields).
//!
//! For each backend (embedded SQLite, and PostgreSQL when `--postgres-url` is given): device A
//! imports N workers (not timed) and creates a team; A seals its outbox (timed) and pushes it
//! (timed: the server's ingest rate); device B enrolls, A approves it, and B syncs from nothing (timed: the
//! initial sync) and must end with A's state hash; then, several times, A edits 100 workers
//! and syncs, and B's round that brings them is timed. Peak memory: this process's (both
//! devices) high-water mark during B's initial sync, and the server process's at the end.

use crate::output::{Failure, emit};
use qorgau_core::demo::WorkerGenerator;
use qorgau_core::domain::Worker;
use qorgau_core::{CoreError, ErrorCode, Passphrase, Workspace, WorkspaceOptions};
use serde::Serialize;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SEED: u64 = 200_000;
const BATCH: usize = 10_000;

#[derive(Debug, Serialize)]
struct BackendRun {
    backend: String,
    records: usize,
    /// A's import of the records (not a sync figure; for context).
    import_s: f64,
    seal_s: f64,
    /// Time to push the sealed envelopes and the rate the server ingested them at.
    push_s: f64,
    ingest_records_per_s: f64,
    envelopes: u64,
    /// B's first round, from nothing to A's state.
    initial_sync_s: f64,
    initial_records_per_s: f64,
    /// B's round that brings 100 records edited on A: median and worst of the rounds.
    round_100_median_ms: f64,
    round_100_max_ms: f64,
    rounds: usize,
    /// This process's peak resident memory during B's initial sync (both workspaces open).
    client_peak_mib: Option<f64>,
    /// The server process's peak resident memory over the whole run.
    server_peak_mib: Option<f64>,
    converged: bool,
}

struct ServerProcess {
    child: Child,
    url: String,
    /// The operator token that creating a team needs.
    operator_token: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn failure(message: impl Into<String>) -> Failure {
    Failure::Core(CoreError::new(ErrorCode::Storage, message))
}

/// Starts the `qorgau-server` built beside this binary, its operator token in `token_file`.
fn start_server(args: &[&str], token_file: &Path) -> Result<ServerProcess, Failure> {
    let exe = std::env::current_exe()
        .map_err(|e| failure(e.to_string()))?
        .with_file_name("qorgau-server");
    if !exe.exists() {
        return Err(failure(format!(
            "{} is missing: build it first (cargo build --release -p qorgau-server)",
            exe.display()
        )));
    }
    let mut child = Command::new(&exe)
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .arg("--operator-token-file")
        .arg(token_file)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| failure(format!("{}: {e}", exe.display())))?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped stdout"))
        .read_line(&mut line)
        .map_err(|e| failure(e.to_string()))?;
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .ok_or_else(|| failure(format!("qorgau-server said {line:?}")))?;
    let operator_token = std::fs::read_to_string(token_file)
        .map_err(|e| failure(format!("{}: {e}", token_file.display())))?
        .trim()
        .to_string();
    Ok(ServerProcess {
        url: format!("http://{addr}"),
        child,
        operator_token,
    })
}

/// Peak resident memory (VmHWM) of a process, in MiB.
fn peak_mib(pid: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Resets this process's peak-memory mark (Linux), so a later reading covers what follows.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn options() -> WorkspaceOptions {
    WorkspaceOptions {
        actor: "bench".into(),
        ..WorkspaceOptions::default()
    }
}

fn run_backend(
    backend: &str,
    server: &ServerProcess,
    root: &Path,
    population: &[Worker],
    rounds: usize,
) -> Result<BackendRun, Failure> {
    let passphrase = Passphrase::new("benchmark passphrase, not secret");
    let mut a = Workspace::create(&root.join(format!("{backend}-a")), &passphrase, &options())?;
    eprintln!(
        "bench sync [{backend}]: importing {} workers on device A …",
        population.len()
    );
    let t = Instant::now();
    let mut ids = Vec::with_capacity(population.len());
    a.add_workers_batched(population, BATCH, &mut ids)?;
    let import = t.elapsed();
    a.create_team(&server.url, None, &server.operator_token)?;

    eprintln!("bench sync [{backend}]: sealing and pushing …");
    let t = Instant::now();
    a.seal_changes()?;
    let seal = t.elapsed();
    let t = Instant::now();
    let pushed = a.sync()?;
    let push = t.elapsed();

    eprintln!("bench sync [{backend}]: initial sync of device B …");
    let mut b = Workspace::create(&root.join(format!("{backend}-b")), &passphrase, &options())?;
    let code = a.invite_device(3600)?;
    let pending = b.enroll_device(&code)?;
    a.approve_device(&pending.device_id, &pending.sas, "caseworker")?;
    let measured_peak = reset_peak();
    let t = Instant::now();
    b.sync()?;
    let initial = t.elapsed();
    let client_peak = if measured_peak {
        peak_mib("self")
    } else {
        None
    };
    let mut converged = a.state_hash()? == b.state_hash()?;

    eprintln!("bench sync [{backend}]: {rounds} rounds of 100 edited records …");
    let mut times: Vec<Duration> = Vec::with_capacity(rounds);
    for round in 0..rounds {
        for (i, id) in ids.iter().skip(round * 100).take(100).enumerate() {
            a.update_worker(
                *id,
                json!({ "notes": format!("round {round}, edit {i}: called the employer") }),
            )?;
        }
        a.sync()?;
        let t = Instant::now();
        let report = b.sync()?;
        times.push(t.elapsed());
        if report.applied != 100 {
            return Err(failure(format!(
                "round {round}: B applied {} records, expected 100",
                report.applied
            )));
        }
    }
    converged &= a.state_hash()? == b.state_hash()?;
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    Ok(BackendRun {
        backend: backend.into(),
        records: population.len(),
        import_s: import.as_secs_f64(),
        seal_s: seal.as_secs_f64(),
        push_s: push.as_secs_f64(),
        ingest_records_per_s: population.len() as f64 / push.as_secs_f64(),
        envelopes: pushed.pushed_envelopes,
        initial_sync_s: initial.as_secs_f64(),
        initial_records_per_s: population.len() as f64 / initial.as_secs_f64(),
        round_100_median_ms: ms(times[times.len() / 2]),
        round_100_max_ms: ms(*times.last().expect("at least one round")),
        rounds,
        client_peak_mib: client_peak,
        server_peak_mib: peak_mib(&server.child.id().to_string()),
        converged,
    })
}

pub fn sync(
    as_json: bool,
    records: usize,
    rounds: usize,
    postgres_url: Option<&str>,
    dir: Option<&Path>,
) -> Result<(), Failure> {
    if rounds == 0 || records < rounds * 100 {
        return Err(Failure::Usage(
            "--records must cover 100 distinct edits per round (records >= rounds x 100)".into(),
        ));
    }
    let root: PathBuf = match dir {
        Some(d) => d.to_path_buf(),
        None => std::env::temp_dir().join(format!("qorgau-bench-sync-{}", std::process::id())),
    };
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).map_err(|e| failure(e.to_string()))?;
    let today = chrono::Local::now().date_naive();
    let mut generator = WorkerGenerator::new(SEED, today);
    let population: Vec<Worker> = (0..records).map(|_| generator.next_worker()).collect();

    let mut runs = Vec::new();
    {
        let server_dir = root.join("server-sqlite");
        let server = start_server(
            &["--data", server_dir.to_str().unwrap_or_default()],
            &root.join("operator-token-sqlite"),
        )?;
        runs.push(run_backend("sqlite", &server, &root, &population, rounds)?);
    }
    if let Some(url) = postgres_url {
        let server = start_server(
            &["--database-url", url],
            &root.join("operator-token-postgresql"),
        )?;
        runs.push(run_backend(
            "postgresql",
            &server,
            &root,
            &population,
            rounds,
        )?);
    }
    let _ = std::fs::remove_dir_all(&root);
    if runs.iter().any(|r| !r.converged) {
        return Err(failure(
            "the devices did not converge: the benchmark is void",
        ));
    }
    emit(as_json, &runs, || {
        runs.iter()
            .map(|r| {
                format!(
                    "[{}] {} records in {} envelopes: seal {:.2} s, push {:.2} s ({:.0} records/s ingested); \
                     initial sync {:.2} s ({:.0} records/s); 100-record round median {:.1} ms, max {:.1} ms ({} rounds); \
                     peak memory client {} MiB, server {} MiB",
                    r.backend,
                    r.records,
                    r.envelopes,
                    r.seal_s,
                    r.push_s,
                    r.ingest_records_per_s,
                    r.initial_sync_s,
                    r.initial_records_per_s,
                    r.round_100_median_ms,
                    r.round_100_max_ms,
                    r.rounds,
                    r.client_peak_mib.map_or("?".into(), |m| format!("{m:.0}")),
                    r.server_peak_mib.map_or("?".into(), |m| format!("{m:.0}")),
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}
