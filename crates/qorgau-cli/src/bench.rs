//! `qorgau bench store`: the encrypted store against the same workload on plain SQLite, in the
//! same run, so the ratios compare like with like on whatever machine runs it.

use crate::output::{Failure, emit};
use qorgau_core::demo::{CaseGenerator, DemoRng, WorkerGenerator};
use qorgau_core::domain::{CaseRecord, Worker, names};
use qorgau_core::{KdfParams, Passphrase, Workspace, WorkspaceOptions};
use serde::Serialize;
use std::path::Path;
use std::time::{Duration, Instant};

const SEED: u64 = 100_000;
const BATCH: usize = 10_000;

#[derive(Debug, Serialize)]
struct Run {
    workers_insert_s: f64,
    cases_insert_s: f64,
    search_p50_ms: f64,
    search_p95_ms: f64,
    search_max_ms: f64,
    hits_per_query: f64,
    open_s: f64,
    /// The workspace's files after the run, once closed (WAL checkpointed).
    size_mib: f64,
}

#[derive(Debug, Serialize)]
struct Report {
    workers: usize,
    cases: usize,
    queries: usize,
    encrypted: Run,
    plain: Run,
    insert_ratio: f64,
    search_p50_ratio: f64,
    search_p95_ratio: f64,
    kdf: KdfParams,
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Mixed-script queries a caseworker would type: whole names and prefixes in Cyrillic, Latin
/// and Hangul, surnames alone, IIN and phone prefixes.
fn queries(workers: &[Worker], count: usize) -> Vec<String> {
    let mut rng = DemoRng::new(SEED ^ 0x9e);
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let w = rng.pick(workers);
        let q = match out.len() % 8 {
            0 => w.given_name.clone(),
            1 => w.latin_name.clone(),
            2 => w.hangul_name.clone(),
            3 => w
                .surname
                .clone()
                .zip(w.given_name.clone())
                .map(|(s, g)| format!("{s} {g}")),
            4 => w
                .latin_name
                .as_ref()
                .and_then(|l| l.split(' ').nth(1))
                .map(|g| names::to_latin(&names::normalise(g))),
            5 => w.given_name.as_ref().map(|g| g.chars().take(3).collect()),
            6 => w.iin.as_ref().map(|i| i[..8].to_string()),
            _ => w.phones.first().map(|p| format!("0{}", &p[3..10])),
        };
        if let Some(q) = q.filter(|q| !q.trim().is_empty()) {
            out.push(q);
        }
    }
    out
}

/// The total size of the files in `dir`, in MiB.
fn size_mib(dir: &Path) -> f64 {
    let bytes: u64 = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum();
    bytes as f64 / (1024.0 * 1024.0)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

fn run(
    ws: &mut Workspace,
    workers: &[Worker],
    cases: usize,
    qs: &[String],
) -> Result<Run, Failure> {
    // One transaction per BATCH, with validation of the next batch overlapping the commit.
    let start = Instant::now();
    let mut ids = Vec::with_capacity(workers.len());
    ws.add_workers_batched(workers, BATCH, &mut ids)?;
    let workers_insert = start.elapsed();

    let mut generator = CaseGenerator::new(SEED ^ 0xca5e, chrono::Local::now().date_naive());
    let records: Vec<CaseRecord> = (0..cases).map(|_| generator.next_case(&ids, &[])).collect();
    let start = Instant::now();
    ws.add_cases_batched(&records, BATCH, &mut Vec::with_capacity(cases))?;
    let cases_insert = start.elapsed();

    for q in qs.iter().take(100) {
        ws.search(q, 20)?;
    }
    let mut times = Vec::with_capacity(qs.len());
    let mut hits = 0usize;
    for q in qs {
        let t = Instant::now();
        hits += ws.search(q, 20)?.len();
        times.push(t.elapsed());
    }
    times.sort();
    Ok(Run {
        workers_insert_s: secs(workers_insert),
        cases_insert_s: secs(cases_insert),
        search_p50_ms: percentile(&times, 0.50),
        search_p95_ms: percentile(&times, 0.95),
        search_max_ms: percentile(&times, 1.0),
        hits_per_query: hits as f64 / qs.len() as f64,
        open_s: 0.0,
        size_mib: 0.0,
    })
}

pub fn store(
    as_json: bool,
    workers: usize,
    cases: usize,
    queries_n: usize,
    dir: Option<&Path>,
) -> Result<(), Failure> {
    let temp;
    let root = match dir {
        Some(d) => d.to_path_buf(),
        None => {
            temp = std::env::temp_dir().join(format!("qorgau-bench-{}", std::process::id()));
            temp
        }
    };
    let _ = std::fs::remove_dir_all(&root);
    let today = chrono::Local::now().date_naive();
    let mut generator = WorkerGenerator::new(SEED, today);
    let population: Vec<Worker> = (0..workers).map(|_| generator.next_worker()).collect();
    let qs = queries(&population, queries_n);
    let passphrase = Passphrase::new("benchmark passphrase, not secret");

    eprintln!("bench store: {workers} workers, {cases} cases, {queries_n} queries, encrypted …");
    let enc_dir = root.join("encrypted");
    let mut ws = Workspace::create(&enc_dir, &passphrase, &WorkspaceOptions::default())?;
    let mut encrypted = run(&mut ws, &population, cases, &qs)?;
    drop(ws);
    let t = Instant::now();
    let ws = Workspace::open(&enc_dir, &passphrase, "bench")?;
    encrypted.open_s = secs(t.elapsed());
    drop(ws);
    encrypted.size_mib = size_mib(&enc_dir);

    eprintln!("bench store: plain SQLite baseline …");
    let plain_dir = root.join("plain");
    let mut ws = Workspace::create_unencrypted_for_benchmark(&plain_dir)?;
    let mut plain = run(&mut ws, &population, cases, &qs)?;
    drop(ws);
    let t = Instant::now();
    drop(Workspace::create_unencrypted_for_benchmark(&plain_dir)?);
    plain.open_s = secs(t.elapsed());
    plain.size_mib = size_mib(&plain_dir);
    let _ = std::fs::remove_dir_all(&root);

    let report = Report {
        workers,
        cases,
        queries: queries_n,
        insert_ratio: (encrypted.workers_insert_s + encrypted.cases_insert_s)
            / (plain.workers_insert_s + plain.cases_insert_s),
        search_p50_ratio: encrypted.search_p50_ms / plain.search_p50_ms,
        search_p95_ratio: encrypted.search_p95_ms / plain.search_p95_ms,
        encrypted,
        plain,
        kdf: KdfParams::DEFAULT,
    };
    emit(as_json, &report, || {
        let row = |name: &str, r: &Run| {
            format!(
                "{name:<10} workers {:>7.2} s  cases {:>7.2} s  search p50 {:>6.3} ms  p95 {:>6.3} ms  max {:>7.3} ms  open {:>6.3} s  ({:.1} hits/query)  {:.0} MiB",
                r.workers_insert_s,
                r.cases_insert_s,
                r.search_p50_ms,
                r.search_p95_ms,
                r.search_max_ms,
                r.open_s,
                r.hits_per_query,
                r.size_mib
            )
        };
        format!(
            "{}\n{}\nencrypted/plain: insert x{:.2}, search p50 x{:.2}, p95 x{:.2}",
            row("encrypted", &report.encrypted),
            row("plain", &report.plain),
            report.insert_ratio,
            report.search_p50_ratio,
            report.search_p95_ratio
        )
    });
    Ok(())
}
