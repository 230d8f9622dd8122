//! Full-text search inside the encrypted database (FTS5), across scripts.
//!
//! Workers are indexed by every name form plus its Latin rendering (`names`), by cross-script
//! skeleton and Koryo-saram surname keys (`keys`), and by identifiers, phone numbers and the
//! employer (`other`). Every query word becomes a prefix query, so results appear as the
//! caseworker types; words are AND-ed, and within a word any of its forms may match.

use crate::cases::CaseTitle;
use crate::changes::uuid_text;
use crate::error::StoreResult;
use crate::store::Store;
use qorgau_domain::{Province, Worker, names};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SearchKind {
    Worker,
    Case,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchHit {
    pub kind: SearchKind,
    pub id: String,
    pub title: String,
    /// Higher is better.
    pub score: f64,
    /// A worker hit: what tells namesakes apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker: Option<WorkerFacts>,
    /// A case hit: what its title is made of, for a screen to compose in its language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseTitle>,
}

/// What tells apart workers of the same name (three "Сәрсенбаев Нұрлан"): shown beside each
/// worker hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkerFacts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<Province>,
    /// The employer's name as recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employer: Option<String>,
    /// The last four digits of the IIN (never the whole number in a list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iin_last4: Option<String>,
    /// Cases of the worker that are not resolved or closed.
    pub open_cases: i64,
}

/// A worker's row of the search index, computed from the validated worker before the write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WorkerIndexRow {
    names: String,
    keys: String,
    other: String,
}

/// What the index holds for a worker: `keys` are its name keys ([`names::name_keys`] of every
/// name form).
pub(crate) fn worker_index_row(w: &Worker, keys: &names::NameKeys) -> WorkerIndexRow {
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
    WorkerIndexRow {
        names: keys.words.join(" "),
        keys: keys.keys.join(" "),
        other: other.join(" "),
    }
}

/// Indexes a worker; `replace` removes the previous index row first (on update).
pub(crate) fn index_worker(
    conn: &Connection,
    rowid: i64,
    row: &WorkerIndexRow,
    replace: bool,
) -> StoreResult<()> {
    if replace {
        conn.prepare_cached("DELETE FROM worker_fts WHERE rowid = ?1")?
            .execute([rowid])?;
    }
    conn.prepare_cached(
        "INSERT INTO worker_fts (rowid, names, keys, other) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![rowid, row.names, row.keys, row.other])?;
    Ok(())
}

/// Indexes a case's own text (its [`case_body`]); `replace` removes the previous index row
/// first (on update).
pub(crate) fn index_case(
    conn: &Connection,
    rowid: i64,
    body: &str,
    replace: bool,
) -> StoreResult<()> {
    if replace {
        conn.prepare_cached("DELETE FROM case_fts WHERE rowid = ?1")?
            .execute([rowid])?;
    }
    conn.prepare_cached("INSERT INTO case_fts (rowid, body) VALUES (?1, ?2)")?
        .execute(params![rowid, body])?;
    Ok(())
}

pub(crate) fn index_timeline(conn: &Connection, rowid: i64, text: &str) -> StoreResult<()> {
    conn.prepare_cached("INSERT INTO timeline_fts (rowid, body) VALUES (?1, ?2)")?
        .execute(params![rowid, case_body(text)])?;
    Ok(())
}

/// Free text is indexed with its words and their Latin renderings, so a Latin query finds
/// Cyrillic text too.
pub(crate) fn case_body(text: &str) -> String {
    let mut body: Vec<String> = Vec::new();
    for word in names::words(text) {
        let latin = names::to_latin(&word);
        if latin != word && !latin.is_empty() {
            body.push(latin);
        }
        body.push(word);
    }
    body.join(" ")
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

/// How closely a hit matches; better tiers are searched first and ranked higher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tier {
    /// Every query word is a whole word of the record (a name, an identifier).
    Exact,
    /// Every query word starts a word of the record: search as you type.
    Prefix,
    /// Cross-script: skeleton and Koryo-saram surname keys.
    Phonetic,
}

/// The words of a query; a phone number or identifier typed with separators is one word.
fn query_words(query: &str) -> Vec<String> {
    match as_number(query) {
        Some(number) => vec![number],
        None => names::words(query),
    }
}

/// The FTS5 query for worker search at one tier, or None when the query has no searchable word.
fn worker_match(query: &str, tier: Tier) -> Option<String> {
    let words = query_words(query);
    let star = if tier == Tier::Exact { "" } else { "*" };
    let mut groups = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let forms = names::query_keys(word);
        let mut alternatives: Vec<String> = forms
            .words
            .iter()
            .map(|w| format!("names : {}{star}", quoted(w)))
            .collect();
        let compact: String = word.chars().filter(|c| c.is_alphanumeric()).collect();
        if !compact.is_empty() {
            alternatives.push(format!("other : {}{star}", quoted(&compact)));
        }
        if tier == Tier::Phonetic {
            // Only the word being typed is incomplete: earlier words match skeletons exactly,
            // which keeps short skeletons from matching half the workspace.
            let typing = i + 1 == words.len();
            for key in &forms.keys {
                let prefix = typing && key.starts_with('s');
                let star = if prefix { "*" } else { "" };
                alternatives.push(format!("keys : {}{star}", quoted(key)));
            }
        }
        if !alternatives.is_empty() {
            groups.push(format!("({})", alternatives.join(" OR ")));
        }
    }
    (!groups.is_empty()).then(|| groups.join(" AND "))
}

fn text_match(query: &str, tier: Tier) -> Option<String> {
    let star = if tier == Tier::Exact { "" } else { "*" };
    let groups: Vec<String> = names::words(query)
        .iter()
        .map(|word| {
            let forms = names::query_keys(word);
            let alternatives: Vec<String> = forms
                .words
                .iter()
                .map(|w| format!("{}{star}", quoted(w)))
                .collect();
            format!("({})", alternatives.join(" OR "))
        })
        .filter(|g| g != "()")
        .collect();
    (!groups.is_empty()).then(|| groups.join(" AND "))
}

/// Scores keep tiers apart (whole-word worker hits first, phonetic guesses last) and order hits
/// within a tier by recency.
fn score(base: f64, position: usize) -> f64 {
    base - position as f64 * 0.001
}

const WORKER_FACTS_SQL: &str =
    "SELECT w.birth_date, w.province, json_extract(w.doc, '$.employer.name'), w.iin,
        (SELECT count(*) FROM case_workers cw JOIN cases c ON c.rowid = cw.case_rowid
          WHERE cw.worker_rowid = w.rowid AND c.status NOT IN ('resolved', 'closed'))
     FROM workers w WHERE w.rowid = ?1";

const CASE_TITLE_SQL: &str = "SELECT title, case_type FROM cases WHERE rowid = ?1";

const WORKER_TIER_SQL: &str = "SELECT w.rowid, w.id, w.display_name FROM
         (SELECT rowid FROM worker_fts WHERE worker_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2) m
     JOIN workers w ON w.rowid = m.rowid ORDER BY w.rowid DESC";

/// Cases whose own text or a timeline entry matches, newest case first.
const CASE_TIER_SQL: &str = "SELECT c.rowid, c.id, c.title FROM (
         SELECT case_rowid FROM (
             SELECT rowid AS case_rowid FROM case_fts WHERE case_fts MATCH ?1
             ORDER BY rowid DESC LIMIT ?2)
         UNION
         SELECT case_rowid FROM (
             SELECT t.case_rowid FROM timeline_fts JOIN timeline t ON t.rowid = timeline_fts.rowid
             WHERE timeline_fts MATCH ?1 ORDER BY timeline_fts.rowid DESC LIMIT ?2)
     ) m JOIN cases c ON c.rowid = m.case_rowid ORDER BY c.rowid DESC LIMIT ?2";

impl Store {
    /// Workers and cases matching `query`, best first. Each tier is a separate FTS5 query that
    /// walks the index newest-first and stops at `limit`, so a common name costs no more than a
    /// rare one (no ranking function over every match).
    pub fn search(&self, query: &str, limit: usize) -> StoreResult<Vec<SearchHit>> {
        let limit = limit.clamp(1, 500);
        let mut hits: Vec<SearchHit> = Vec::new();
        let mut seen_workers: Vec<i64> = Vec::new();
        let mut seen_cases: Vec<i64> = Vec::new();
        let plan = [
            (SearchKind::Worker, Tier::Exact, 6.0),
            (SearchKind::Case, Tier::Exact, 5.0),
            (SearchKind::Worker, Tier::Prefix, 4.0),
            (SearchKind::Case, Tier::Prefix, 3.0),
            (SearchKind::Worker, Tier::Phonetic, 2.0),
        ];
        for (kind, tier, base) in plan {
            let found = match kind {
                SearchKind::Worker => {
                    if seen_workers.len() >= limit {
                        continue;
                    }
                    let Some(m) = worker_match(query, tier) else {
                        continue;
                    };
                    self.tier(WORKER_TIER_SQL, &m, limit, &mut seen_workers)?
                }
                SearchKind::Case => {
                    if seen_cases.len() >= limit {
                        continue;
                    }
                    let Some(m) = text_match(query, tier) else {
                        continue;
                    };
                    self.tier(CASE_TIER_SQL, &m, limit, &mut seen_cases)?
                }
            };
            for (i, (rowid, id, title)) in found.into_iter().enumerate() {
                let (worker, case) = match kind {
                    SearchKind::Worker => (self.worker_facts(rowid)?, None),
                    SearchKind::Case => (None, self.case_title_of_row(rowid)?),
                };
                hits.push(SearchHit {
                    kind,
                    id,
                    title,
                    score: score(base, i),
                    worker,
                    case,
                });
            }
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        hits.truncate(limit);
        Ok(hits)
    }

    /// What tells the worker in row `rowid` apart from namesakes.
    fn worker_facts(&self, rowid: i64) -> StoreResult<Option<WorkerFacts>> {
        let mut stmt = self.conn.prepare_cached(WORKER_FACTS_SQL)?;
        let row = stmt
            .query_row([rowid], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })
            .optional()?;
        let Some((birth_date, province, employer, iin, open_cases)) = row else {
            return Ok(None);
        };
        let province = province
            .map(|p| serde_json::from_value::<Province>(serde_json::Value::String(p)))
            .transpose()?;
        let iin_last4 = iin
            .filter(|i| i.len() >= 4)
            .map(|i| i[i.len() - 4..].to_string());
        Ok(Some(WorkerFacts {
            birth_date,
            province,
            employer,
            iin_last4,
            open_cases,
        }))
    }

    fn case_title_of_row(&self, rowid: i64) -> StoreResult<Option<CaseTitle>> {
        let mut stmt = self.conn.prepare_cached(CASE_TITLE_SQL)?;
        let row = stmt
            .query_row([rowid], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .optional()?;
        row.map(|(title, kind)| CaseTitle::from_stored(&title, &kind))
            .transpose()
    }

    /// One tier's hits: `(row id, id, title)` not already in `seen`, newest first, up to
    /// `limit` in all. `sql` takes the FTS5 query as ?1 and a row limit as ?2 and returns
    /// (row id, id, title).
    fn tier(
        &self,
        sql: &str,
        fts: &str,
        limit: usize,
        seen: &mut Vec<i64>,
    ) -> StoreResult<Vec<(i64, String, String)>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params![fts, (limit + seen.len()) as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (rowid, id, title) = row?;
            if seen.contains(&rowid) || seen.len() >= limit {
                continue;
            }
            seen.push(rowid);
            out.push((rowid, uuid_text(&id), title));
        }
        Ok(out)
    }
}
