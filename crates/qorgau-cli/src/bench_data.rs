//! `qorgau bench data`: importing workers from XLSX (dry run and commit) against the store's
//! own bulk insert of the same workers in the same run, and a backup of the result.

use crate::output::{Failure, emit};
use qorgau_core::backup::verify_backup;
use qorgau_core::demo::WorkerGenerator;
use qorgau_core::domain::Worker;
use qorgau_core::import::{ImportKind, ImportOptions};
use qorgau_core::{Passphrase, Workspace, WorkspaceOptions};
use serde::Serialize;
use std::path::Path;
use std::time::Instant;

const SEED: u64 = 100_000;
const BATCH: usize = 10_000;

#[derive(Debug, Serialize)]
struct Report {
    workers: usize,
    /// The store's bulk insert (`add_workers_batched`, batches of 10,000).
    bulk_insert_s: f64,
    /// Writing the XLSX the import reads (not part of the comparison).
    xlsx_write_s: f64,
    xlsx_mib: f64,
    import_dry_run_s: f64,
    /// Reading, matching and committing in one transaction.
    import_commit_s: f64,
    /// import_commit_s / bulk_insert_s (target ≤ 1.5).
    import_ratio: f64,
    backup_create_s: f64,
    backup_verify_s: f64,
    backup_mib: f64,
}

pub fn data(as_json: bool, workers: usize, dir: Option<&Path>) -> Result<(), Failure> {
    let root = match dir {
        Some(d) => d.to_path_buf(),
        None => std::env::temp_dir().join(format!("qorgau-bench-data-{}", std::process::id())),
    };
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root)
        .map_err(|e| Failure::Usage(format!("{}: {e}", root.display())))?;
    let today = chrono::Local::now().date_naive();
    let mut generator = WorkerGenerator::new(SEED, today);
    let population: Vec<Worker> = (0..workers).map(|_| generator.next_worker()).collect();
    let passphrase = Passphrase::new("benchmark passphrase, not secret");
    let options = WorkspaceOptions::default();

    eprintln!("bench data: {workers} workers, bulk insert …");
    let mut bulk = Workspace::create(&root.join("bulk"), &passphrase, &options)?;
    let t = Instant::now();
    bulk.add_workers_batched(&population, BATCH, &mut Vec::with_capacity(workers))?;
    let bulk_insert_s = t.elapsed().as_secs_f64();

    eprintln!("bench data: the XLSX (an export of that workspace) …");
    let xlsx = root.join("workers.xlsx");
    let t = Instant::now();
    bulk.export_workers(&Default::default(), true, &xlsx)?;
    let xlsx_write_s = t.elapsed().as_secs_f64();
    drop(bulk);

    eprintln!("bench data: import dry run and commit …");
    let mut ws = Workspace::create(&root.join("import"), &passphrase, &options)?;
    let t = Instant::now();
    let dry = ws.import_file(
        ImportKind::Workers,
        &xlsx,
        &ImportOptions {
            dry_run: true,
            ..ImportOptions::default()
        },
    )?;
    let import_dry_run_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let done = ws.import_file(ImportKind::Workers, &xlsx, &ImportOptions::default())?;
    let import_commit_s = t.elapsed().as_secs_f64();
    if !done.committed || done.added != dry.added {
        return Err(Failure::Usage(format!(
            "the import did not commit what its dry run reported: {} errors, {} duplicates",
            done.errors.len(),
            done.duplicates.len()
        )));
    }

    eprintln!("bench data: backup of {} workers …", done.added);
    let backup = root.join("workers.qorgau-backup");
    let t = Instant::now();
    ws.create_backup(&backup)?;
    let backup_create_s = t.elapsed().as_secs_f64();
    drop(ws);
    let t = Instant::now();
    verify_backup(&backup, &passphrase)?;
    let backup_verify_s = t.elapsed().as_secs_f64();
    let mib = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0) as f64 / 1048576.0;
    let report = Report {
        workers,
        bulk_insert_s,
        xlsx_write_s,
        xlsx_mib: mib(&xlsx),
        import_dry_run_s,
        import_commit_s,
        import_ratio: import_commit_s / bulk_insert_s,
        backup_create_s,
        backup_verify_s,
        backup_mib: mib(&backup),
    };
    let _ = std::fs::remove_dir_all(&root);
    emit(as_json, &report, || {
        format!(
            "bulk insert {:.2} s; import from XLSX ({:.1} MiB): dry run {:.2} s, commit {:.2} s (x{:.2} the bulk insert)\nbackup {:.2} s ({:.0} MiB), verify {:.2} s",
            report.bulk_insert_s,
            report.xlsx_mib,
            report.import_dry_run_s,
            report.import_commit_s,
            report.import_ratio,
            report.backup_create_s,
            report.backup_mib,
            report.backup_verify_s
        )
    });
    Ok(())
}
