//! Backups: one self-checking file holding the whole workspace, written while it is in use.
//!
//! Layout (all integers little-endian):
//!
//! ```text
//! "QORGAU-BACKUP\0\0\x01"          16 bytes: magic and format version 1
//! manifest length                  u64
//! manifest                         JSON: created_at, files [{path, size, sha256}]
//! the files' bytes                 in manifest order
//! SHA-256 of everything above      32 bytes
//! ```
//!
//! The database inside is a `VACUUM INTO` copy (one consistent snapshot, encrypted by
//! SQLCipher with the workspace's key), next to the workspace header (the Argon2id salt and
//! parameters: nothing secret), so the backup opens with the workspace's passphrase and
//! nothing else. Attachments live inside the database. Other files of the workspace directory
//! (its own letter templates, `letters/*.toml`) are carried as they are on disk.
//!
//! A truncated or altered file fails the trailing checksum before anything is read; a file
//! whose checksum was recomputed after an alteration still fails SQLCipher's per-page HMACs or
//! the manifest's per-file hashes. `verify` then opens the copy with the passphrase and runs
//! SQLite's and SQLCipher's integrity checks and the audit chain's.

use crate::error::{CoreError, ErrorCode};
use crate::workspace::Workspace;
use qorgau_store::{AuditVerification, Passphrase, Store};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

type Result<T> = std::result::Result<T, CoreError>;

const MAGIC: &[u8; 16] = b"QORGAU-BACKUP\0\0\x01";
const DB_FILE: &str = qorgau_store::DB_FILE;
const HEADER_FILE: &str = qorgau_store::HEADER_FILE;
/// Largest manifest accepted (a few thousand template files at most).
const MAX_MANIFEST: u64 = 16 * 1024 * 1024;
const BUF: usize = 1 << 20;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Manifest {
    format: String,
    created_at: String,
    files: Vec<FileEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct FileEntry {
    path: String,
    size: u64,
    sha256: String,
}

/// What a backup holds, as verified by opening it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupInfo {
    pub created_at: String,
    /// SHA-256 of the whole backup file.
    pub sha256: String,
    pub size: u64,
    pub files: usize,
    pub workers: i64,
    pub cases: i64,
    pub attachments: i64,
    pub audit_entries: i64,
    pub schema_version: i64,
    /// The replicated state's hash, as `qorgau state-hash` prints it.
    pub state_hash: String,
}

fn io(what: &str, path: &Path, e: std::io::Error) -> CoreError {
    CoreError::new(
        ErrorCode::Storage,
        format!("{what} {}: {e}", path.display()),
    )
}

fn damaged(path: &Path, why: &str) -> CoreError {
    CoreError::new(
        ErrorCode::Invalid,
        format!(
            "backup {} is damaged or incomplete: {why}; it cannot be restored",
            path.display()
        ),
    )
}

/// The files of the workspace directory besides the database and its header (relative paths).
fn extra_files(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let entries = std::fs::read_dir(dir.join(&rel)).map_err(|e| io("cannot list", dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io("cannot list", dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = rel.join(&name);
            let kind = entry.file_type().map_err(|e| io("cannot list", dir, e))?;
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file()
                && !(rel.as_os_str().is_empty()
                    && (name == HEADER_FILE || name.starts_with(DB_FILE)))
            {
                out.push(path.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn sha256_file(path: &Path) -> Result<(u64, String)> {
    let mut f = File::open(path).map_err(|e| io("cannot read", path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; BUF];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|e| io("cannot read", path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        size += n as u64;
    }
    Ok((size, hex::encode(h.finalize())))
}

/// Writes through to a file while hashing what is written.
struct HashingWriter<W: Write> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl Workspace {
    /// Writes a backup of the whole workspace to `out` (which must not exist yet), recorded in
    /// the audit log. Other connections may keep writing meanwhile: the copy is one snapshot.
    pub fn create_backup(&mut self, out: &Path) -> Result<BackupInfo> {
        if out.exists() {
            return Err(CoreError::new(
                ErrorCode::AlreadyExists,
                format!("{} exists already; choose a new file name", out.display()),
            ));
        }
        let partial = out.with_extension("partial");
        let snapshot = out.with_extension("snapshot-db");
        let _ = std::fs::remove_file(&snapshot);
        let written = self.write_backup(out, &partial, &snapshot);
        let _ = std::fs::remove_file(&snapshot);
        if written.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        let (sha256, size, files) = written?;
        self.record_event(
            "backup_create",
            "workspace",
            None,
            Some(&format!("sha256 {sha256}, {size} bytes")),
        )?;
        let stats = self.stats()?;
        Ok(BackupInfo {
            created_at: chrono::Utc::now().to_rfc3339(),
            sha256,
            size,
            files,
            workers: stats.workers,
            cases: stats.cases,
            attachments: stats.attachments,
            audit_entries: stats.audit_entries,
            schema_version: stats.schema_version,
            state_hash: self.state_hash()?,
        })
    }

    fn write_backup(
        &self,
        out: &Path,
        partial: &Path,
        snapshot: &Path,
    ) -> Result<(String, u64, usize)> {
        self.store.snapshot_into(snapshot)?;
        let dir = self.dir().to_path_buf();
        let mut sources: Vec<(String, PathBuf)> = vec![
            (HEADER_FILE.into(), dir.join(HEADER_FILE)),
            (DB_FILE.into(), snapshot.to_path_buf()),
        ];
        for rel in extra_files(&dir)? {
            sources.push((rel.clone(), dir.join(&rel)));
        }
        let mut files = Vec::with_capacity(sources.len());
        for (path, source) in &sources {
            let (size, sha256) = sha256_file(source)?;
            files.push(FileEntry {
                path: path.clone(),
                size,
                sha256,
            });
        }
        let manifest = serde_json::to_vec(&Manifest {
            format: "qorgau-backup".into(),
            created_at: chrono::Utc::now().to_rfc3339(),
            files,
        })?;
        let file = File::create(partial).map_err(|e| io("cannot write", partial, e))?;
        let mut w = HashingWriter {
            inner: BufWriter::with_capacity(BUF, file),
            hash: Sha256::new(),
        };
        let werr = |e| io("cannot write", partial, e);
        w.write_all(MAGIC).map_err(werr)?;
        w.write_all(&(manifest.len() as u64).to_le_bytes())
            .map_err(werr)?;
        w.write_all(&manifest).map_err(werr)?;
        for (_, source) in &sources {
            let mut f = File::open(source).map_err(|e| io("cannot read", source, e))?;
            std::io::copy(&mut f, &mut w).map_err(werr)?;
        }
        let digest = w.hash.finalize();
        let mut inner = w.inner;
        inner.write_all(&digest).map_err(werr)?;
        let file = inner.into_inner().map_err(|e| werr(e.into_error()))?;
        file.sync_all().map_err(werr)?;
        drop(file);
        std::fs::rename(partial, out).map_err(|e| io("cannot write", out, e))?;
        let size = std::fs::metadata(out)
            .map_err(|e| io("cannot read", out, e))?
            .len();
        Ok((hex::encode(digest), size, sources.len()))
    }

    /// When the last backup was made (RFC 3339), from the audit log.
    pub fn last_backup_at(&self) -> Result<Option<String>> {
        Ok(self.store.last_event_at("backup_create")?)
    }
}

/// Checks the trailing checksum and returns the manifest and where the files start.
fn read_manifest(path: &Path) -> Result<(Manifest, u64, String, u64)> {
    let mut f = File::open(path).map_err(|e| {
        CoreError::new(
            ErrorCode::NotFound,
            format!("cannot read backup {}: {e}", path.display()),
        )
    })?;
    let size = f.metadata().map_err(|e| io("cannot read", path, e))?.len();
    if size < (MAGIC.len() + 8 + 32) as u64 {
        return Err(damaged(path, "it is too short to be a backup"));
    }
    let mut magic = [0u8; 16];
    f.read_exact(&mut magic)
        .map_err(|e| io("cannot read", path, e))?;
    if &magic != MAGIC {
        return Err(CoreError::new(
            ErrorCode::Invalid,
            format!("{} is not a Qorgau backup", path.display()),
        ));
    }
    // The checksum over everything but the trailer.
    f.seek(SeekFrom::Start(0))
        .map_err(|e| io("cannot read", path, e))?;
    let mut h = Sha256::new();
    let mut left = size - 32;
    let mut reader = BufReader::with_capacity(BUF, &mut f);
    let mut buf = vec![0u8; BUF];
    while left > 0 {
        let n = (left as usize).min(buf.len());
        reader
            .read_exact(&mut buf[..n])
            .map_err(|e| io("cannot read", path, e))?;
        h.update(&buf[..n]);
        left -= n as u64;
    }
    let mut trailer = [0u8; 32];
    reader
        .read_exact(&mut trailer)
        .map_err(|e| io("cannot read", path, e))?;
    let digest = h.finalize();
    if digest[..] != trailer[..] {
        return Err(damaged(path, "its checksum does not match its contents"));
    }
    drop(reader);
    f.seek(SeekFrom::Start(MAGIC.len() as u64))
        .map_err(|e| io("cannot read", path, e))?;
    let mut len = [0u8; 8];
    f.read_exact(&mut len)
        .map_err(|e| io("cannot read", path, e))?;
    let len = u64::from_le_bytes(len);
    if len > MAX_MANIFEST || len > size {
        return Err(damaged(path, "its manifest length is out of range"));
    }
    let mut manifest = vec![0u8; len as usize];
    f.read_exact(&mut manifest)
        .map_err(|e| io("cannot read", path, e))?;
    let manifest: Manifest = serde_json::from_slice(&manifest)
        .map_err(|e| damaged(path, &format!("its manifest is unreadable ({e})")))?;
    let start = MAGIC.len() as u64 + 8 + len;
    let total: u64 = manifest.files.iter().map(|f| f.size).sum();
    if start + total + 32 != size {
        return Err(damaged(path, "its files do not add up to its size"));
    }
    for name in [HEADER_FILE, DB_FILE] {
        if !manifest.files.iter().any(|f| f.path == name) {
            return Err(damaged(path, &format!("it has no {name}")));
        }
    }
    Ok((manifest, start, hex::encode(digest), size))
}

/// A relative path inside the workspace, refused if it could leave it.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    let ok = !path.is_empty()
        && p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    ok.then(|| p.to_path_buf())
}

/// Writes the backup's files into `dir` (created; it must not hold anything yet).
fn extract(path: &Path, manifest: &Manifest, start: u64, dir: &Path) -> Result<()> {
    let mut f = File::open(path).map_err(|e| io("cannot read", path, e))?;
    f.seek(SeekFrom::Start(start))
        .map_err(|e| io("cannot read", path, e))?;
    let mut reader = BufReader::with_capacity(BUF, f);
    std::fs::create_dir_all(dir).map_err(|e| io("cannot create", dir, e))?;
    for entry in &manifest.files {
        let rel = safe_relative(&entry.path)
            .ok_or_else(|| damaged(path, &format!("it names the file {:?}", entry.path)))?;
        let target = dir.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io("cannot create", parent, e))?;
        }
        let out = File::create(&target).map_err(|e| io("cannot write", &target, e))?;
        let mut w = HashingWriter {
            inner: BufWriter::with_capacity(BUF, out),
            hash: Sha256::new(),
        };
        let copied = std::io::copy(&mut (&mut reader).take(entry.size), &mut w)
            .map_err(|e| io("cannot write", &target, e))?;
        w.flush().map_err(|e| io("cannot write", &target, e))?;
        if copied != entry.size || hex::encode(w.hash.finalize()) != entry.sha256 {
            return Err(damaged(
                path,
                &format!("{} does not match its hash", entry.path),
            ));
        }
    }
    Ok(())
}

/// Opens an extracted backup with the passphrase and checks it through and through.
fn check_opened(
    dir: &Path,
    passphrase: &Passphrase,
    manifest: &Manifest,
    sha256: String,
    size: u64,
) -> Result<BackupInfo> {
    let store = Store::open(dir, passphrase)?;
    let ws = Workspace { store };
    let integrity = ws.integrity_check()?;
    if integrity != "ok" {
        return Err(CoreError::new(
            ErrorCode::Invalid,
            format!("the backed-up database fails its integrity check: {integrity}"),
        ));
    }
    let pages = ws.store.cipher_integrity_check()?;
    if !pages.is_empty() {
        return Err(CoreError::new(
            ErrorCode::Invalid,
            format!(
                "the backed-up database has altered pages: {}",
                pages.join("; ")
            ),
        ));
    }
    if let AuditVerification::Broken { at_seq } = ws.verify_audit_log()? {
        return Err(CoreError::new(
            ErrorCode::Invalid,
            format!("the backed-up audit log is broken at entry {at_seq}"),
        ));
    }
    let stats = ws.stats()?;
    Ok(BackupInfo {
        created_at: manifest.created_at.clone(),
        sha256,
        size,
        files: manifest.files.len(),
        workers: stats.workers,
        cases: stats.cases,
        attachments: stats.attachments,
        audit_entries: stats.audit_entries,
        schema_version: stats.schema_version,
        state_hash: ws.state_hash()?,
    })
}

/// Proves a backup is complete and opens with `passphrase`: checksum, every file's hash, and
/// the database's integrity, page HMACs and audit chain, on a copy in a temporary directory.
pub fn verify_backup(path: &Path, passphrase: &Passphrase) -> Result<BackupInfo> {
    let (manifest, start, sha256, size) = read_manifest(path)?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let temp = std::env::temp_dir().join(format!(
        "qorgau-backup-verify-{}-{nanos}",
        std::process::id()
    ));
    let result = extract(path, &manifest, start, &temp)
        .and_then(|()| check_opened(&temp, passphrase, &manifest, sha256, size));
    let _ = std::fs::remove_dir_all(&temp);
    result
}

/// Restores a backup into `dir`, a new directory (or an empty one), and checks it as
/// [`verify_backup`] does. On any failure nothing is left in `dir`.
pub fn restore_backup(path: &Path, passphrase: &Passphrase, dir: &Path) -> Result<BackupInfo> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|e| io("cannot list", dir, e))?
            .next()
            .is_some()
    {
        return Err(CoreError::new(
            ErrorCode::AlreadyExists,
            format!(
                "{} is not empty; restore into a new directory",
                dir.display()
            ),
        ));
    }
    let (manifest, start, sha256, size) = read_manifest(path)?;
    let existed = dir.exists();
    let result = extract(path, &manifest, start, dir)
        .and_then(|()| check_opened(dir, passphrase, &manifest, sha256, size));
    if result.is_err() {
        if existed {
            if let Ok(entries) = std::fs::read_dir(dir) {
                for e in entries.flatten() {
                    let p = e.path();
                    let _ = if p.is_dir() {
                        std::fs::remove_dir_all(&p)
                    } else {
                        std::fs::remove_file(&p)
                    };
                }
            }
        } else {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    result
}
