//! Attachments: file bytes kept inside the encrypted database, with their SHA-256.

use crate::changes::Writer;
use crate::error::{StoreError, StoreResult};
use crate::replica::{ApplyReport, ChangeSet};
use crate::store::Store;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use qorgau_domain::AttachmentId;
use qorgau_domain::attachment::{AttachmentMeta, AttachmentOwner};
use qorgau_domain::issues::{IssueCode, ValidationIssue, ValidationReport};
use rusqlite::{OptionalExtension, params};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Largest file accepted: a phone photo or a scanned contract, not a video.
pub const MAX_ATTACHMENT_BYTES: usize = 50 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct NewAttachment<'a> {
    pub owner: AttachmentOwner,
    pub file_name: &'a str,
    pub mime_type: &'a str,
    pub caption: Option<&'a str>,
    pub bytes: &'a [u8],
}

fn owner_parts(owner: AttachmentOwner) -> (&'static str, [u8; 16]) {
    match owner {
        AttachmentOwner::Worker(id) => ("worker", *id.as_bytes()),
        AttachmentOwner::Case(id) => ("case", *id.as_bytes()),
    }
}

impl Store {
    pub fn add_attachment(&mut self, a: &NewAttachment<'_>) -> StoreResult<AttachmentMeta> {
        let mut report = ValidationReport::default();
        if a.bytes.is_empty() {
            report.push(ValidationIssue::error(
                "bytes",
                IssueCode::Required,
                "the file is empty",
            ));
        }
        if a.bytes.len() > MAX_ATTACHMENT_BYTES {
            report.push(ValidationIssue::error(
                "bytes",
                IssueCode::TooLong,
                "the file is larger than 50 MiB",
            ));
        }
        if a.file_name.trim().is_empty() {
            report.push(ValidationIssue::error(
                "file_name",
                IssueCode::Required,
                "file_name is required",
            ));
        }
        if report.has_errors() {
            return Err(StoreError::Invalid(report));
        }
        match a.owner {
            AttachmentOwner::Worker(id) => {
                self.worker(id)?;
            }
            AttachmentOwner::Case(id) => {
                self.case_rowid(id)?;
            }
        }
        let meta = AttachmentMeta {
            id: AttachmentId::new(),
            owner: a.owner,
            file_name: a.file_name.trim().to_string(),
            mime_type: a.mime_type.to_string(),
            size: a.bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(a.bytes)),
            caption: a.caption.map(str::to_string),
        };
        let (owner_kind, owner_id) = owner_parts(a.owner);
        self.write(|w| {
            let hlc = w.tick();
            w.tx.execute(
                "INSERT INTO attachments (id, owner_kind, owner_id, file_name, mime_type, size, sha256, caption, bytes, hlc)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    &meta.id.as_bytes()[..],
                    owner_kind,
                    &owner_id[..],
                    meta.file_name,
                    meta.mime_type,
                    meta.size as i64,
                    meta.sha256,
                    meta.caption,
                    a.bytes,
                    hlc.0 as i64
                ],
            )?;
            // The bytes travel by their own chunked path in sync; the record carries the hash.
            let record = serde_json::to_value(&meta)?;
            if let Value::Object(map) = record {
                w.record_fields("attachment", meta.id.as_bytes(), hlc, None, &map)?;
            }
            w.audit(hlc, "attach", owner_kind, Some(&meta.id.to_string()), Some(&meta.file_name))?;
            Ok(())
        })?;
        Ok(meta)
    }

    /// The file's bytes, checked against the stored SHA-256.
    pub fn attachment_bytes(&self, id: AttachmentId) -> StoreResult<Vec<u8>> {
        let row: Option<(Vec<u8>, String)> = self
            .conn
            .query_row(
                "SELECT bytes, sha256 FROM attachments WHERE id = ?1",
                [&id.as_bytes()[..]],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (bytes, sha) = row.ok_or_else(|| StoreError::NotFound {
            entity: "attachment",
            id: id.to_string(),
        })?;
        if hex::encode(Sha256::digest(&bytes)) != sha {
            return Err(StoreError::Corrupt(format!(
                "attachment {id} does not match its SHA-256"
            )));
        }
        Ok(bytes)
    }

    pub fn attachments(&self, owner: AttachmentOwner) -> StoreResult<Vec<AttachmentMeta>> {
        let (kind, id) = owner_parts(owner);
        let mut stmt = self.conn.prepare(
            "SELECT id, file_name, mime_type, size, sha256, caption FROM attachments
             WHERE owner_kind = ?1 AND (owner_id = ?2 OR (owner_kind = 'worker' AND owner_id IN
                 (SELECT merged FROM worker_merges WHERE into_id = ?2)))
             ORDER BY rowid",
        )?;
        let rows = stmt.query_map(params![kind, &id[..]], |r| {
            Ok(AttachmentMeta {
                id: AttachmentId::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default(),
                owner,
                file_name: r.get(1)?,
                mime_type: r.get(2)?,
                size: r.get::<_, i64>(3)? as u64,
                sha256: r.get(4)?,
                caption: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Raw bytes per attachment chunk in sync (base64 makes it about 256 KiB in an envelope).
pub const ATTACHMENT_CHUNK_BYTES: usize = 192 * 1024;

impl Store {
    /// The chunks that carry an attachment's bytes to other devices, as change sets of entity
    /// `attachment_chunk` that follow the attachment's own change set in the same stream.
    /// They are made when pushing, not kept in the outbox.
    pub fn attachment_chunk_sets(&self, attachment: &ChangeSet) -> StoreResult<Vec<ChangeSet>> {
        let id = AttachmentId::from_slice(&hex::decode(&attachment.id).unwrap_or_default())
            .ok_or_else(|| StoreError::Sync(format!("attachment id {:?}", attachment.id)))?;
        let bytes = self.attachment_bytes(id)?;
        let count = chunk_count(bytes.len());
        Ok(bytes
            .chunks(ATTACHMENT_CHUNK_BYTES)
            .enumerate()
            .map(|(index, chunk)| {
                let mut fields = Map::new();
                fields.insert("index".into(), Value::from(index));
                fields.insert("count".into(), Value::from(count));
                fields.insert("data".into(), Value::String(BASE64.encode(chunk)));
                ChangeSet {
                    entity: "attachment_chunk".into(),
                    id: attachment.id.clone(),
                    hlc: attachment.hlc,
                    fields,
                    bases: None,
                }
            })
            .collect())
    }

    /// Attachments whose metadata arrived but whose bytes are still incomplete.
    pub fn incomplete_attachments(&self) -> StoreResult<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM attachment_inbox", [], |r| r.get(0))?)
    }
}

fn chunk_count(size: usize) -> usize {
    size.div_ceil(ATTACHMENT_CHUNK_BYTES).max(1)
}

/// An attachment's metadata from another device: kept until all its chunks are here.
pub(crate) fn stage_remote_attachment(
    w: &Writer<'_>,
    id: &[u8; 16],
    set: &ChangeSet,
) -> StoreResult<ApplyReport> {
    let known = w
        .tx
        .prepare_cached(
            "SELECT 1 FROM attachments WHERE id = ?1 UNION ALL SELECT 1 FROM attachment_inbox WHERE id = ?1",
        )?
        .exists([&id[..]])?;
    if known {
        return Ok(ApplyReport::one_unchanged());
    }
    let meta: AttachmentMeta = serde_json::from_value(Value::Object(set.fields.clone()))?;
    w.tx.prepare_cached("INSERT INTO attachment_inbox (id, meta, hlc) VALUES (?1, ?2, ?3)")?
        .execute(params![
            &id[..],
            serde_json::to_string(&meta)?,
            set.hlc.0 as i64
        ])?;
    complete_if_whole(w, id)?;
    Ok(ApplyReport::one_applied())
}

/// One chunk of an attachment's bytes; the attachment is stored once the last one is here.
pub(crate) fn receive_chunk(
    w: &Writer<'_>,
    id: &[u8; 16],
    set: &ChangeSet,
) -> StoreResult<ApplyReport> {
    let index = set.fields.get("index").and_then(Value::as_u64);
    let data = set.fields.get("data").and_then(Value::as_str);
    let count = set.fields.get("count").and_then(Value::as_u64);
    let (Some(index), Some(count), Some(data)) = (index, count, data) else {
        return Err(StoreError::Sync(
            "an attachment chunk needs index, count and data".into(),
        ));
    };
    if index >= count || count > chunk_count(MAX_ATTACHMENT_BYTES) as u64 {
        return Err(StoreError::Sync(format!(
            "attachment chunk {index} of {count} is out of range"
        )));
    }
    let bytes = BASE64
        .decode(data)
        .map_err(|_| StoreError::Sync("attachment chunk data: not base64".into()))?;
    let done =
        w.tx.prepare_cached("SELECT 1 FROM attachments WHERE id = ?1")?
            .exists([&id[..]])?;
    if done {
        return Ok(ApplyReport::one_unchanged());
    }
    w.tx.prepare_cached(
        "INSERT OR IGNORE INTO attachment_chunk_inbox (id, idx, data) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![&id[..], index as i64, bytes])?;
    complete_if_whole(w, id)?;
    Ok(ApplyReport::one_applied())
}

/// Moves a staged attachment into `attachments` when its metadata and every chunk are here
/// and the bytes match the SHA-256; a mismatch is refused (the sender's data is damaged).
fn complete_if_whole(w: &Writer<'_>, id: &[u8; 16]) -> StoreResult<()> {
    let staged: Option<(String, i64)> =
        w.tx.prepare_cached("SELECT meta, hlc FROM attachment_inbox WHERE id = ?1")?
            .query_row([&id[..]], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
    let Some((meta, hlc)) = staged else {
        return Ok(());
    };
    let meta: AttachmentMeta = serde_json::from_str(&meta)?;
    let expected = chunk_count(meta.size as usize) as i64;
    let chunks: Vec<Vec<u8>> =
        w.tx.prepare_cached("SELECT data FROM attachment_chunk_inbox WHERE id = ?1 ORDER BY idx")?
            .query_map([&id[..]], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
    if (chunks.len() as i64) < expected {
        return Ok(());
    }
    let bytes = chunks.concat();
    if bytes.len() as u64 != meta.size || hex::encode(Sha256::digest(&bytes)) != meta.sha256 {
        return Err(StoreError::Corrupt(format!(
            "attachment {} arrived with bytes that do not match its size and SHA-256",
            meta.id
        )));
    }
    let (owner_kind, owner_id) = owner_parts(meta.owner);
    w.tx.prepare_cached(
        "INSERT INTO attachments (id, owner_kind, owner_id, file_name, mime_type, size, sha256, caption, bytes, hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        &id[..],
        owner_kind,
        &owner_id[..],
        meta.file_name,
        meta.mime_type,
        meta.size as i64,
        meta.sha256,
        meta.caption,
        bytes,
        hlc
    ])?;
    w.tx.prepare_cached("DELETE FROM attachment_chunk_inbox WHERE id = ?1")?
        .execute([&id[..]])?;
    w.tx.prepare_cached("DELETE FROM attachment_inbox WHERE id = ?1")?
        .execute([&id[..]])?;
    Ok(())
}
