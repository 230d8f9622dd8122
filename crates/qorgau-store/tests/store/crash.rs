//! Crash safety: a writer killed with SIGKILL mid-write loses nothing it reported as committed
//! and leaves nothing half-written.
//!
//! The test binary re-runs itself as the writer: `child_writer` does nothing unless
//! `QORGAU_CRASH_CHILD_DIR` names a workspace, in which case it adds workers until it is killed,
//! printing `committed <id>` after each commit has returned.

use crate::support::*;
use qorgau_domain::{Sex, Worker, WorkerId};
use qorgau_store::{AuditVerification, DB_FILE, Passphrase, Store, StoreError};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const CHILD_ENV: &str = "QORGAU_CRASH_CHILD_DIR";
const BATCH: usize = 50;

/// The fields every crash-test worker has set, so each one has exactly these change records.
const FIELDS: [&str; 8] = [
    "birth_date",
    "given_name",
    "iin",
    "latin_name",
    "passport_no",
    "phones",
    "sex",
    "surname",
];

/// The `n`-th crash-test worker: a distinct birth date, IIN and passport number for every `n`.
fn nth_worker(n: u32) -> Worker {
    let birth = date(1960, 1, 1) + chrono::Days::new(u64::from(n));
    let sex = if n.is_multiple_of(2) {
        Sex::Male
    } else {
        Sex::Female
    };
    Worker {
        surname: Some(format!("Крашов{}", n % 97)),
        given_name: Some("Ерлан".into()),
        latin_name: Some(format!("KRASHOV ERLAN {n}")),
        sex: Some(sex),
        birth_date: Some(birth),
        iin: Some(iin(birth, sex, (n % 9000) as u16)),
        passport_no: Some(format!("N{:08}", 10_000_000 + n)),
        phones: vec!["010-1234-5678".into()],
        ..Worker::default()
    }
}

#[test]
fn child_writer() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let mut store = Store::open(Path::new(&dir), &pass()).expect("child: open");
    store.set_actor("crash-child");
    // Carry on numbering after what earlier (killed) children committed.
    let mut n = u32::try_from(store.stats().expect("child: stats").workers).unwrap();
    let mut out = std::io::stdout().lock();
    for round in 0u64.. {
        let ids: Vec<WorkerId> = if round % 4 == 3 {
            let batch: Vec<Worker> = (n..n + BATCH as u32).map(nth_worker).collect();
            n += BATCH as u32;
            store.add_workers(&batch).expect("child: add_workers")
        } else {
            n += 1;
            vec![
                store
                    .add_worker(&nth_worker(n - 1))
                    .expect("child: add_worker")
                    .id,
            ]
        };
        for id in ids {
            writeln!(out, "committed {id}").expect("child: stdout");
        }
        out.flush().expect("child: flush");
    }
}

/// A random number below `n`, from the standard library's randomly seeded hasher.
fn random_below(n: u64) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
        % n
}

/// Kills the child if the parent fails before it does.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs a writer on `dir`, kills it with SIGKILL once it has reported `kill_after` commits, and
/// returns every id it reported as committed (including lines still in the pipe).
fn run_and_kill(dir: &Path, kill_after: usize) -> Vec<WorkerId> {
    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "crash::child_writer",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the writer");
    let mut child = KillOnDrop(child);
    let mut stdout = BufReader::new(child.0.stdout.take().unwrap());
    let mut committed = Vec::new();
    let mut line = String::new();
    let mut read_commit = |stdout: &mut BufReader<_>, committed: &mut Vec<WorkerId>| -> bool {
        line.clear();
        if stdout.read_line(&mut line).expect("read from the writer") == 0 {
            return false;
        }
        // A line cut off by the kill is not a report.
        if let Some(id) = line
            .strip_suffix('\n')
            .and_then(|l| l.strip_prefix("committed "))
        {
            committed.push(id.parse().expect("a worker id"));
        }
        true
    };
    while committed.len() < kill_after {
        if !read_commit(&mut stdout, &mut committed) {
            let mut err = String::new();
            child.0.stderr.take().unwrap().read_to_string(&mut err).ok();
            panic!(
                "the writer stopped after {} commits: {err}",
                committed.len()
            );
        }
    }
    // The writer prints right after a commit returns, so killing at once would always land
    // between transactions. Let it run on for a random while (it has pipe room for thousands of
    // lines) so the kill lands anywhere: inside a transaction, a batch, a commit or a checkpoint.
    std::thread::sleep(std::time::Duration::from_micros(random_below(4_000)));
    // SIGKILL: no destructors, no checkpoint, no clean close.
    child.0.kill().expect("kill the writer");
    let status = child.0.wait().expect("wait for the writer");
    assert!(!status.success(), "the writer was not killed: {status}");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "{status}");
    }
    // What the writer printed before it died was committed too.
    while read_commit(&mut stdout, &mut committed) {}
    committed
}

/// Opens the workspace after a crash and checks it is whole; returns the worker ids in it.
fn check_whole(dir: &Path, reported: &BTreeSet<WorkerId>) -> BTreeSet<WorkerId> {
    let store = reopen(dir);
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let stats = store.stats().unwrap();

    // Every reported commit is there, with its data.
    for id in reported {
        let w = store.worker(*id).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(w.worker.given_name.as_deref(), Some("Ерлан"));
    }
    let listed: BTreeSet<WorkerId> = store
        .list_workers(&qorgau_store::WorkerFilter {
            limit: Some(10_000),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|w| w.id)
        .collect();
    assert_eq!(listed.len() as i64, stats.workers);
    assert!(listed.is_superset(reported));
    // Only the last transaction may be there without (all of) its report lines: the kill can
    // land after its commit and before or while its ids are printed.
    let unreported = listed.len() - reported.len();
    assert!(
        unreported <= BATCH,
        "{unreported} workers present that were never reported"
    );

    // Nothing half-written: every worker has exactly its change records, and no record points
    // at a worker that is not there.
    let records = outbox(&store);
    assert_eq!(records.len() as i64, stats.outbox);
    let mut by_worker: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for r in &records {
        assert_eq!(r.entity, "worker");
        by_worker
            .entry(r.entity_id.clone())
            .or_default()
            .push(&r.field);
    }
    assert_eq!(by_worker.len(), listed.len());
    for id in &listed {
        let mut fields = by_worker
            .remove(&id.to_string())
            .unwrap_or_else(|| panic!("worker {id} has no change records"));
        fields.sort();
        assert_eq!(fields, FIELDS, "change records of {id}");
    }
    assert_eq!(stats.outbox, stats.workers * FIELDS.len() as i64);
    // One audit entry per worker, and the chain is intact.
    assert_eq!(
        store.verify_audit_log().unwrap(),
        AuditVerification::Intact {
            entries: stats.workers
        }
    );
    // The search index agrees with the rows.
    let sample = reported.iter().next_back().unwrap();
    let iin = store.worker(*sample).unwrap().worker.iin.unwrap();
    let hits = store.search(&iin, 5).unwrap();
    assert_eq!(hits[0].id, sample.to_string());
    listed
}

#[test]
fn a_writer_killed_mid_write_loses_no_commit_and_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().unwrap();
    drop(
        Store::create(
            dir.path(),
            &pass(),
            qorgau_store::KdfParams::FAST_INSECURE_FOR_TESTS,
        )
        .unwrap(),
    );
    let mut reported = BTreeSet::new();
    for kill_after in [200, 333, 517, 150, 250] {
        let ids = run_and_kill(dir.path(), kill_after);
        assert!(ids.len() >= kill_after);
        reported.extend(ids);
        // The crash left a WAL behind. A wrong passphrase must neither checkpoint it into the
        // database nor delete it.
        let before = snapshot_without_shm(dir.path());
        assert!(before.contains_key(&format!("{DB_FILE}-wal")), "{before:?}");
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(matches!(
            Store::open(dir.path(), &Passphrase::new("wrong")),
            Err(StoreError::WrongPassphrase)
        ));
        assert_eq!(before, snapshot_without_shm(dir.path()));
        let present = check_whole(dir.path(), &reported);
        // Opening with the right passphrase recovered the WAL, and closing folded it in.
        assert!(!dir.path().join(format!("{DB_FILE}-wal")).exists());
        // What survived without being reported is now part of the record too.
        reported = present;
    }
    assert!(reported.len() >= 200 + 333 + 517 + 150 + 250);
}
