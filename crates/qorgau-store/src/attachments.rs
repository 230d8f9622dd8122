//! Attachments: file bytes kept inside the encrypted database, with their SHA-256.

use crate::error::{StoreError, StoreResult};
use crate::store::Store;
use qorgau_domain::AttachmentId;
use qorgau_domain::attachment::{AttachmentMeta, AttachmentOwner};
use qorgau_domain::issues::{IssueCode, ValidationIssue, ValidationReport};
use rusqlite::{OptionalExtension, params};
use serde_json::Value;
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
             WHERE owner_kind = ?1 AND owner_id = ?2 ORDER BY rowid",
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
