//! The outgoing-correspondence registry: letters, their registry numbers and the blocks of
//! numbers this device draws from.
//!
//! A number is drawn inside the transaction that stores the letter, its rendered bytes, the
//! case's timeline entry and the audit entry, so a letter that fails to render consumes no
//! number, and a stored letter's number is never given again: blocks only move forward and
//! `(year, seq)` is unique. See ARCHITECTURE.md, "Letter registry".

use crate::cases::insert_timeline;
use crate::changes::Writer;
use crate::error::{StoreError, StoreResult};
use crate::store::Store;
use crate::workers::{enum_text, today};
use chrono::{Datelike, NaiveDate};
use qorgau_domain::issues::{IssueCode, ValidationIssue, ValidationReport};
use qorgau_domain::{
    AgencyId, CaseId, Hlc, LetterId, LetterRecord, LetterStatus, RegistryNumber, RegistryPattern,
    TimelineKind,
};
use rusqlite::{OptionalExtension, Row, params};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

const ENTITY: &str = "letter";

/// How many numbers a device takes at a time when it grants itself a block (a workspace
/// that is not in a sync team is its own and only registry authority).
pub const LOCAL_BLOCK_SIZE: u32 = 50;

/// A letter about to be stored: what it was filled from.
#[derive(Debug, Clone)]
pub struct NewLetter {
    pub case_id: CaseId,
    pub agency_id: Option<AgencyId>,
    pub template: String,
    pub subject: String,
    pub letter_date: NaiveDate,
    /// The values the template was filled from (the letter's data).
    pub data: BTreeMap<String, String>,
}

/// A block of registry numbers granted to this device.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RegistryBlock {
    pub year: i32,
    pub first_seq: u32,
    pub last_seq: u32,
    /// The next number this block gives; `last_seq + 1` when used up.
    pub next_seq: u32,
    /// `local`, or later the sync server that leased it.
    pub granted_by: String,
}

const COLUMNS: &str = "l.id, c.id, l.agency_id, l.template, l.subject, l.status, l.number_year,
    l.number_seq, l.number, l.letter_date, l.data, l.pdf_sha256, length(l.pdf), l.created_by,
    l.created_hlc, l.status_note";

fn letter_from_row(r: &Row<'_>) -> rusqlite::Result<(LetterRecord, String, String)> {
    let number = match (r.get::<_, Option<i32>>(6)?, r.get::<_, Option<u32>>(7)?) {
        (Some(year), Some(seq)) => Some(RegistryNumber {
            year,
            seq,
            text: r.get(8)?,
        }),
        _ => None,
    };
    let date: String = r.get(9)?;
    let letter_date = date.parse().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(9, rusqlite::types::Type::Text, Box::new(e))
    })?;
    let record = LetterRecord {
        id: LetterId::from_bytes(r.get(0)?),
        case_id: CaseId::from_bytes(r.get(1)?),
        agency_id: r.get::<_, Option<[u8; 16]>>(2)?.map(AgencyId::from_bytes),
        template: r.get(3)?,
        subject: r.get(4)?,
        status: LetterStatus::Draft,
        number,
        letter_date,
        data: BTreeMap::new(),
        pdf_sha256: r.get(11)?,
        pdf_size: r.get::<_, Option<i64>>(12)?.map(|n| n as u64),
        created_by: r.get(13)?,
        created_at: Hlc(r.get::<_, i64>(14)? as u64),
        status_note: r.get(15)?,
    };
    Ok((record, r.get(5)?, r.get(10)?))
}

fn decode(parts: (LetterRecord, String, String)) -> StoreResult<LetterRecord> {
    let (mut record, status, data) = parts;
    record.status = serde_json::from_value(Value::String(status))?;
    record.data = serde_json::from_str(&data)?;
    Ok(record)
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn check(new: &NewLetter) -> StoreResult<()> {
    let mut report = ValidationReport::default();
    if new.template.trim().is_empty() {
        report.push(ValidationIssue::error(
            "template",
            IssueCode::Required,
            "template is required",
        ));
    }
    if new.subject.trim().is_empty() {
        report.push(ValidationIssue::error(
            "subject",
            IssueCode::Required,
            "subject is required",
        ));
    }
    if report.has_errors() {
        return Err(StoreError::Invalid(report));
    }
    Ok(())
}

impl Store {
    /// Saves a letter as a draft: no number, no bytes; it can be registered later.
    pub fn save_draft_letter(&mut self, new: &NewLetter) -> StoreResult<LetterId> {
        check(new)?;
        let case_rowid = self.case_rowid(new.case_id)?;
        let id = LetterId::new();
        self.write(|w| {
            let hlc = w.tick();
            insert_letter(w, id, case_rowid, new, None, None, hlc)?;
            w.audit(
                hlc,
                "draft",
                ENTITY,
                Some(&id.to_string()),
                Some(&new.template),
            )?;
            Ok(id)
        })
    }

    /// Registers a letter: draws the next registry number of the letter's year from this
    /// device's block, renders the letter with it (`render` gets the number's text and
    /// returns the PDF bytes), and stores the letter, its bytes and their SHA-256, a
    /// timeline entry on the case and an audit entry, all in one transaction. When `draft`
    /// is given, that draft becomes the registered letter. If `render` fails nothing is
    /// stored and no number is used.
    pub fn register_letter<E: From<StoreError>>(
        &mut self,
        new: &NewLetter,
        draft: Option<LetterId>,
        render: impl FnOnce(&str) -> Result<Vec<u8>, E>,
    ) -> Result<LetterRecord, E> {
        check(new)?;
        let mission = self.mission()?.ok_or_else(|| {
            let mut report = ValidationReport::default();
            report.push(ValidationIssue::error(
                "mission",
                IssueCode::Required,
                "set the mission profile first (`qorgau mission set`): registry numbers use its code and pattern",
            ));
            StoreError::Invalid(report)
        })?;
        let pattern = RegistryPattern::parse(&mission.registry_pattern).map_err(|message| {
            let mut report = ValidationReport::default();
            report.push(ValidationIssue::error(
                "registry_pattern",
                IssueCode::RegistryPattern,
                message,
            ));
            StoreError::Invalid(report)
        })?;
        let case_rowid = self.case_rowid(new.case_id)?;
        if let Some(draft) = draft {
            let current = self.letter(draft)?;
            if current.status != LetterStatus::Draft {
                return Err(StoreError::Invalid(status_report(format!(
                    "letter {draft} is {}, not a draft: only a draft can be registered",
                    enum_text(&current.status)?
                )))
                .into());
            }
            // Two laptops promoting one synced draft offline would give one letter two
            // numbers; a draft is numbered only on the device that wrote it.
            let origin = crate::versions::current(&self.conn, ENTITY, draft.as_bytes(), "*")?;
            if origin.is_some_and(|o| o.version.device != self.device_id) {
                return Err(StoreError::Invalid(status_report(format!(
                    "draft {draft} was written on another device: register it there, or register \
                     a new letter here (a draft numbered on two devices would get two numbers)"
                )))
                .into());
            }
            if current.case_id != new.case_id {
                let mut report = ValidationReport::default();
                report.push(ValidationIssue::error(
                    "case",
                    IssueCode::Required,
                    format!(
                        "draft {draft} belongs to case {}, not {}",
                        current.case_id, new.case_id
                    ),
                ));
                return Err(StoreError::Invalid(report).into());
            }
        }
        let year = new.letter_date.year();
        self.write_or(|w| {
            let hlc = w.tick();
            let seq = draw_number(w, year, hlc)?;
            let number = RegistryNumber {
                year,
                seq,
                text: pattern.format(&mission.code, year, seq),
            };
            refuse_taken_number(w, &number.text)?;
            let pdf = render(&number.text)?;
            let id = match draft {
                Some(id) => {
                    promote_draft(w, id, new, &number, &pdf, hlc)?;
                    id
                }
                None => {
                    let id = LetterId::new();
                    insert_letter(w, id, case_rowid, new, Some(&number), Some(&pdf), hlc)?;
                    id
                }
            };
            let text = format!("{} — {}", number.text, new.subject);
            insert_timeline(
                w,
                case_rowid,
                new.case_id,
                TimelineKind::LetterRegistered,
                today(),
                &text,
                hlc,
            )?;
            w.audit(
                hlc,
                "register",
                ENTITY,
                Some(&id.to_string()),
                Some(&number.text),
            )?;
            Ok(id)
        })
        .and_then(|id| self.letter(id).map_err(E::from))
    }

    /// Marks a letter sent or void. Voiding keeps the number; a void letter stays void.
    pub fn set_letter_status(
        &mut self,
        id: LetterId,
        to: LetterStatus,
        note: Option<&str>,
    ) -> StoreResult<LetterRecord> {
        let current = self.letter(id)?;
        if !current.status.can_mark(to) {
            return Err(StoreError::Invalid(status_report(format!(
                "a {} letter cannot be marked {}",
                enum_text(&current.status)?,
                enum_text(&to)?
            ))));
        }
        let case_rowid = self.case_rowid(current.case_id)?;
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        self.write(|w| {
            let hlc = w.tick();
            let status = enum_text(&to)?;
            let changed = w.tx.execute(
                "UPDATE letters SET status = ?2, status_note = ?3, updated_hlc = ?4
                 WHERE id = ?1 AND status = ?5",
                params![
                    &id.as_bytes()[..],
                    status,
                    note,
                    hlc.0 as i64,
                    enum_text(&current.status)?
                ],
            )?;
            if changed != 1 {
                return Err(StoreError::Invalid(status_report(format!(
                    "letter {id} changed while it was being marked; try again"
                ))));
            }
            let mut fields = Map::new();
            fields.insert("status".into(), Value::String(status.clone()));
            if let Some(note) = note {
                fields.insert("status_note".into(), Value::String(note.into()));
            }
            w.record_update(ENTITY, id.as_bytes(), hlc, &fields)?;
            let label = current
                .number
                .as_ref()
                .map(|n| n.text.clone())
                .unwrap_or_else(|| "draft".into());
            let (kind, verb) = match to {
                LetterStatus::Sent => (TimelineKind::LetterSent, "sent"),
                _ => (TimelineKind::LetterVoided, "void"),
            };
            let mut text = format!("{label} — {} ({verb})", current.subject);
            if let Some(note) = note {
                text.push_str(": ");
                text.push_str(note);
            }
            insert_timeline(w, case_rowid, current.case_id, kind, today(), &text, hlc)?;
            w.audit(hlc, &status, ENTITY, Some(&id.to_string()), note)?;
            Ok(())
        })?;
        self.letter(id)
    }

    /// One letter.
    pub fn letter(&self, id: LetterId) -> StoreResult<LetterRecord> {
        let sql = format!(
            "SELECT {COLUMNS} FROM letters l JOIN cases c ON c.rowid = l.case_rowid WHERE l.id = ?1"
        );
        let row = self
            .conn
            .query_row(&sql, [&id.as_bytes()[..]], letter_from_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                entity: ENTITY,
                id: id.to_string(),
            })?;
        decode(row)
    }

    /// Letters, newest first; only those of `case` when given.
    pub fn letters(&self, case: Option<CaseId>) -> StoreResult<Vec<LetterRecord>> {
        let case_rowid = case.map(|c| self.case_rowid(c)).transpose()?;
        let sql = format!(
            "SELECT {COLUMNS} FROM letters l JOIN cases c ON c.rowid = l.case_rowid
             WHERE ?1 IS NULL OR l.case_rowid = ?1
             ORDER BY coalesce(l.registered_hlc, l.created_hlc) DESC"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([case_rowid], letter_from_row)?;
        rows.map(|r| decode(r?)).collect()
    }

    /// The registered letter whose rendered bytes have this SHA-256 (lowercase hex).
    pub fn letter_by_sha256(&self, sha256: &str) -> StoreResult<Option<LetterRecord>> {
        let id: Option<[u8; 16]> = self
            .conn
            .query_row(
                "SELECT id FROM letters WHERE pdf_sha256 = ?1",
                [sha256.to_ascii_lowercase()],
                |r| r.get(0),
            )
            .optional()?;
        id.map(|id| self.letter(LetterId::from_bytes(id)))
            .transpose()
    }

    /// The stored PDF of a registered letter, checked against its hash.
    pub fn letter_pdf(&self, id: LetterId) -> StoreResult<Vec<u8>> {
        let (pdf, sha): (Option<Vec<u8>>, Option<String>) = self
            .conn
            .query_row(
                "SELECT pdf, pdf_sha256 FROM letters WHERE id = ?1",
                [&id.as_bytes()[..]],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                entity: ENTITY,
                id: id.to_string(),
            })?;
        let (Some(pdf), Some(sha)) = (pdf, sha) else {
            return Err(StoreError::Invalid(status_report(format!(
                "letter {id} is a draft: it has no registered PDF"
            ))));
        };
        if sha256_hex(&pdf) != sha {
            return Err(StoreError::Corrupt(format!(
                "letter {id}: the stored PDF does not match its SHA-256"
            )));
        }
        Ok(pdf)
    }

    /// The blocks of registry numbers this device holds, oldest first.
    pub fn registry_blocks(&self) -> StoreResult<Vec<RegistryBlock>> {
        let mut stmt = self.conn.prepare(
            "SELECT year, first_seq, last_seq, next_seq, granted_by FROM registry_blocks
             WHERE device_id = ?1 ORDER BY year, first_seq",
        )?;
        let rows = stmt.query_map([&self.device_id().as_bytes()[..]], |r| {
            Ok(RegistryBlock {
                year: r.get(0)?,
                first_seq: r.get(1)?,
                last_seq: r.get(2)?,
                next_seq: r.get(3)?,
                granted_by: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Two numbers can print alike when the mission code or pattern changed within a year
/// (`SEL1` + 2 and `SEL` + 12 under `{mission}{seq}`); the registry must not hold both.
fn refuse_taken_number(w: &Writer<'_>, text: &str) -> StoreResult<()> {
    let taken: bool = w.tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM letters WHERE number = ?1)",
        [text],
        |r| r.get(0),
    )?;
    if taken {
        let mut report = ValidationReport::default();
        report.push(ValidationIssue::error(
            "registry_pattern",
            IssueCode::RegistryPattern,
            format!(
                "the next number prints as {text}, which an earlier letter already has: the \
                 mission code or registry pattern changed; choose one that keeps numbers apart"
            ),
        ));
        return Err(StoreError::Invalid(report));
    }
    Ok(())
}

fn status_report(message: String) -> ValidationReport {
    let mut report = ValidationReport::default();
    report.push(ValidationIssue::error(
        "status",
        IssueCode::LetterStatus,
        message,
    ));
    report
}

/// Takes the next number of `year` from this device's open block, granting the device a
/// new local block above every number it knows of when none is left.
fn draw_number(w: &Writer<'_>, year: i32, hlc: Hlc) -> StoreResult<u32> {
    let device = &w.device_id.as_bytes()[..];
    let open: Option<(i64, u32)> =
        w.tx.query_row(
            "SELECT rowid, next_seq FROM registry_blocks
             WHERE device_id = ?1 AND year = ?2 AND next_seq <= last_seq
               AND (granted_by = 'server' OR
                    coalesce((SELECT value FROM meta WHERE key = 'registry_mode'), '') != 'leased')
             ORDER BY first_seq LIMIT 1",
            params![device, year],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let leased_only = crate::store::meta_get(&w.tx, "registry_mode")?.as_deref() == Some("leased");
    let (block, seq) = match open {
        Some(open) => open,
        None if leased_only => {
            let mut report = ValidationReport::default();
            report.push(ValidationIssue::error(
                "registry",
                IssueCode::RegistryNumbers,
                format!(
                    "this device has no registry numbers left for {year}: sync with the team's \
                     server to lease more (numbers come from the server so that no two devices \
                     give a letter the same number)"
                ),
            ));
            return Err(StoreError::Invalid(report));
        }
        None => {
            let above: u32 = w.tx.query_row(
                "SELECT max(
                    (SELECT coalesce(max(last_seq), 0) FROM registry_blocks WHERE year = ?1),
                    (SELECT coalesce(max(number_seq), 0) FROM letters WHERE number_year = ?1))",
                [year],
                |r| r.get(0),
            )?;
            let first = above + 1;
            w.tx.execute(
                "INSERT INTO registry_blocks
                   (year, first_seq, last_seq, next_seq, device_id, granted_by, granted_hlc)
                 VALUES (?1, ?2, ?3, ?2, ?4, 'local', ?5)",
                params![
                    year,
                    first,
                    first + LOCAL_BLOCK_SIZE - 1,
                    device,
                    hlc.0 as i64
                ],
            )?;
            (w.tx.last_insert_rowid(), first)
        }
    };
    w.tx.execute(
        "UPDATE registry_blocks SET next_seq = next_seq + 1 WHERE rowid = ?1",
        [block],
    )?;
    Ok(seq)
}

fn letter_fields(
    new: &NewLetter,
    status: LetterStatus,
    number: Option<&RegistryNumber>,
    sha: Option<&str>,
) -> StoreResult<Map<String, Value>> {
    let mut f = Map::new();
    f.insert("case_id".into(), Value::String(new.case_id.to_string()));
    if let Some(agency) = new.agency_id {
        f.insert("agency_id".into(), Value::String(agency.to_string()));
    }
    f.insert("template".into(), Value::String(new.template.clone()));
    f.insert("subject".into(), Value::String(new.subject.clone()));
    f.insert("status".into(), Value::String(enum_text(&status)?));
    f.insert(
        "letter_date".into(),
        Value::String(new.letter_date.to_string()),
    );
    f.insert("data".into(), serde_json::to_value(&new.data)?);
    if let Some(number) = number {
        f.insert("number".into(), serde_json::to_value(number)?);
    }
    if let Some(sha) = sha {
        f.insert("pdf_sha256".into(), Value::String(sha.into()));
    }
    Ok(f)
}

fn insert_letter(
    w: &Writer<'_>,
    id: LetterId,
    case_rowid: i64,
    new: &NewLetter,
    number: Option<&RegistryNumber>,
    pdf: Option<&[u8]>,
    hlc: Hlc,
) -> StoreResult<()> {
    let status = if number.is_some() {
        LetterStatus::Registered
    } else {
        LetterStatus::Draft
    };
    let sha = pdf.map(sha256_hex);
    w.tx.execute(
        "INSERT INTO letters (id, case_rowid, agency_id, template, subject, status, number_year,
            number_seq, number, letter_date, data, pdf, pdf_sha256, created_by, created_hlc,
            updated_hlc, registered_hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15, ?16)",
        params![
            &id.as_bytes()[..],
            case_rowid,
            new.agency_id.map(|a| a.as_bytes().to_vec()),
            new.template,
            new.subject,
            enum_text(&status)?,
            number.map(|n| n.year),
            number.map(|n| n.seq),
            number.map(|n| n.text.as_str()),
            new.letter_date.to_string(),
            serde_json::to_string(&new.data)?,
            pdf,
            sha,
            w.actor,
            hlc.0 as i64,
            number.map(|_| hlc.0 as i64),
        ],
    )?;
    let fields = letter_fields(new, status, number, sha.as_deref())?;
    w.record_new(ENTITY, id.as_bytes(), hlc, &fields)
}

fn promote_draft(
    w: &Writer<'_>,
    id: LetterId,
    new: &NewLetter,
    number: &RegistryNumber,
    pdf: &[u8],
    hlc: Hlc,
) -> StoreResult<()> {
    let sha = sha256_hex(pdf);
    let changed = w.tx.execute(
        "UPDATE letters SET agency_id = ?2, template = ?3, subject = ?4, status = 'registered',
            number_year = ?5, number_seq = ?6, number = ?7, letter_date = ?8, data = ?9, pdf = ?10,
            pdf_sha256 = ?11, updated_hlc = ?12, registered_hlc = ?12
         WHERE id = ?1 AND status = 'draft'",
        params![
            &id.as_bytes()[..],
            new.agency_id.map(|a| a.as_bytes().to_vec()),
            new.template,
            new.subject,
            number.year,
            number.seq,
            number.text,
            new.letter_date.to_string(),
            serde_json::to_string(&new.data)?,
            pdf,
            sha,
            hlc.0 as i64,
        ],
    )?;
    if changed != 1 {
        return Err(StoreError::Invalid(status_report(format!(
            "letter {id} is no longer a draft"
        ))));
    }
    let fields = letter_fields(new, LetterStatus::Registered, Some(number), Some(&sha))?;
    w.record_update(ENTITY, id.as_bytes(), hlc, &fields)
}
