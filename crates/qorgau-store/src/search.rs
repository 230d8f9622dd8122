//! Full-text search inside the encrypted database (FTS5), across scripts.
//!
//! Workers are indexed by every name form plus its Latin rendering (`names`), by cross-script
//! skeleton and Koryo-saram surname keys (`keys`), and by identifiers, phone numbers and the
//! employer (`other`). Every query word becomes a prefix query, so results appear as the
//! caseworker types; words are AND-ed, and within a word any of its forms may match.

use crate::error::StoreResult;
use crate::store::Store;
use qorgau_domain::{CaseId, Worker, WorkerId, names};
use rusqlite::{Connection, params};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchKind {
    Worker,
    Case,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub kind: SearchKind,
    pub id: String,
    pub title: String,
    /// Higher is better.
    pub score: f64,
}

/// Column weights for bm25: an exact name form beats a skeleton match beats an identifier.
const WORKER_WEIGHTS: &str = "10.0, 2.0, 4.0";

pub(crate) fn index_worker(conn: &Connection, rowid: i64, w: &Worker) -> StoreResult<()> {
    let keys = names::name_keys(&w.name_forms().join(" "));
    let mut other: Vec<String> = Vec::new();
    for id in [&w.iin, &w.passport_no, &w.id_card_no, &w.arn]
        .into_iter()
        .flatten()
    {
        other.push(id.chars().filter(|c| c.is_alphanumeric()).collect());
    }
    for phone in &w.phones {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        // Also the national forms people type: 010… for Korea, 8 7… for Kazakhstan.
        if let Some(rest) = digits.strip_prefix("82") {
            other.push(format!("0{rest}"));
        } else if let Some(rest) = digits.strip_prefix('7') {
            other.push(format!("8{rest}"));
        }
        other.push(digits);
    }
    if let Some(name) = w.employer.as_ref().and_then(|e| e.name.as_deref()) {
        other.extend(names::name_keys(name).words);
    }
    conn.prepare_cached("DELETE FROM worker_fts WHERE rowid = ?1")?
        .execute([rowid])?;
    conn.prepare_cached(
        "INSERT INTO worker_fts (rowid, names, keys, other) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        rowid,
        keys.words.join(" "),
        keys.keys.join(" "),
        other.join(" ")
    ])?;
    Ok(())
}

pub(crate) fn index_case(conn: &Connection, rowid: i64, text: &str) -> StoreResult<()> {
    conn.prepare_cached("DELETE FROM case_fts WHERE rowid = ?1")?
        .execute([rowid])?;
    conn.prepare_cached("INSERT INTO case_fts (rowid, body) VALUES (?1, ?2)")?
        .execute(params![rowid, case_body(text)])?;
    Ok(())
}

pub(crate) fn index_timeline(conn: &Connection, rowid: i64, text: &str) -> StoreResult<()> {
    conn.prepare_cached("INSERT INTO timeline_fts (rowid, body) VALUES (?1, ?2)")?
        .execute(params![rowid, case_body(text)])?;
    Ok(())
}

/// Free text is indexed with its words and their Latin renderings, so a Latin query finds
/// Cyrillic text too.
fn case_body(text: &str) -> String {
    names::name_keys(text).words.join(" ")
}

/// An FTS5 string literal.
fn quoted(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// A query made only of digits and the separators people write numbers with
/// (`010-1234-5678`, `+82 10 1234 5678`) is one number: the index holds phones and identifiers
/// as unbroken digit runs.
fn as_number(query: &str) -> Option<String> {
    let numeric = query
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')' | '.'));
    let digits: String = query.chars().filter(char::is_ascii_digit).collect();
    (numeric && !digits.is_empty()).then_some(digits)
}

/// The FTS5 query for worker search, or None when the query has no searchable word.
fn worker_match(query: &str) -> Option<String> {
    let words = match as_number(query) {
        Some(number) => vec![number],
        None => names::words(query),
    };
    let mut groups = Vec::new();
    for (i, word) in words.iter().enumerate() {
        // Only the word being typed is incomplete: earlier words match skeletons exactly, which
        // keeps short skeletons from matching half the workspace.
        let typing = i + 1 == words.len();
        let forms = names::query_keys(word);
        let mut alternatives: Vec<String> = forms
            .words
            .iter()
            .map(|w| format!("names : {}*", quoted(w)))
            .collect();
        for key in &forms.keys {
            let prefix = typing && key.starts_with('s');
            let star = if prefix { "*" } else { "" };
            alternatives.push(format!("keys : {}{star}", quoted(key)));
        }
        let compact: String = word.chars().filter(|c| c.is_alphanumeric()).collect();
        if !compact.is_empty() {
            alternatives.push(format!("other : {}*", quoted(&compact)));
        }
        if !alternatives.is_empty() {
            groups.push(format!("({})", alternatives.join(" OR ")));
        }
    }
    (!groups.is_empty()).then(|| groups.join(" AND "))
}

fn text_match(query: &str) -> Option<String> {
    let groups: Vec<String> = names::words(query)
        .iter()
        .map(|word| {
            let forms = names::query_keys(word);
            let alternatives: Vec<String> = forms
                .words
                .iter()
                .map(|w| format!("{}*", quoted(w)))
                .collect();
            format!("({})", alternatives.join(" OR "))
        })
        .filter(|g| g != "()")
        .collect();
    (!groups.is_empty()).then(|| groups.join(" AND "))
}

impl Store {
    /// Workers and cases matching `query`, best first.
    pub fn search(&self, query: &str, limit: usize) -> StoreResult<Vec<SearchHit>> {
        let mut hits = Vec::new();
        let limit = limit.clamp(1, 500) as i64;
        if let Some(m) = worker_match(query) {
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT w.id, w.display_name, bm25(worker_fts, {WORKER_WEIGHTS}) AS rank
                 FROM worker_fts JOIN workers w ON w.rowid = worker_fts.rowid
                 WHERE worker_fts MATCH ?1 ORDER BY rank LIMIT ?2"
            ))?;
            let rows = stmt.query_map(params![m, limit], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, f64>(2)?,
                ))
            })?;
            for row in rows {
                let (id, title, rank) = row?;
                hits.push(SearchHit {
                    kind: SearchKind::Worker,
                    id: WorkerId::from_slice(&id).unwrap_or_default().to_string(),
                    title,
                    score: -rank,
                });
            }
        }
        if let Some(m) = text_match(query) {
            let mut stmt = self.conn.prepare_cached(
                "SELECT c.id, c.title, min(m.rank) AS best FROM (
                     SELECT * FROM (
                         SELECT rowid AS case_rowid, bm25(case_fts) AS rank
                         FROM case_fts WHERE case_fts MATCH ?1 ORDER BY rank LIMIT ?2)
                     UNION ALL
                     SELECT * FROM (
                         SELECT t.case_rowid, bm25(timeline_fts) AS rank
                         FROM timeline_fts JOIN timeline t ON t.rowid = timeline_fts.rowid
                         WHERE timeline_fts MATCH ?1 ORDER BY rank LIMIT ?2)
                 ) m JOIN cases c ON c.rowid = m.case_rowid
                 GROUP BY c.rowid ORDER BY best LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![m, limit], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, f64>(2)?,
                ))
            })?;
            for row in rows {
                let (id, title, rank) = row?;
                hits.push(SearchHit {
                    kind: SearchKind::Case,
                    id: CaseId::from_slice(&id).unwrap_or_default().to_string(),
                    title,
                    score: -rank,
                });
            }
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        hits.truncate(limit as usize);
        Ok(hits)
    }
}
