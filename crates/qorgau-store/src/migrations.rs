//! Versioned, append-only schema migrations. A released migration is never edited: a change of
//! schema is a new entry at the end. `PRAGMA user_version` records how many have been applied.

use crate::error::{StoreError, StoreResult};
use rusqlite::Connection;

/// Each entry is applied once, in order, inside one transaction with the version bump.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the foundation schema.
    r#"
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE workers (
        rowid        INTEGER PRIMARY KEY,
        id           BLOB NOT NULL UNIQUE,
        doc          TEXT NOT NULL,
        display_name TEXT NOT NULL,
        iin          TEXT,
        passport_no  TEXT,
        birth_date   TEXT,
        name_keys    TEXT NOT NULL,
        province     TEXT,
        stay_status  TEXT,
        employer     TEXT,
        created_hlc  INTEGER NOT NULL,
        updated_hlc  INTEGER NOT NULL
    );
    CREATE INDEX workers_iin ON workers(iin) WHERE iin IS NOT NULL;
    CREATE INDEX workers_passport ON workers(passport_no) WHERE passport_no IS NOT NULL;
    CREATE INDEX workers_birth_date ON workers(birth_date) WHERE birth_date IS NOT NULL;

    CREATE TABLE agencies (
        rowid   INTEGER PRIMARY KEY,
        id      BLOB NOT NULL UNIQUE,
        doc     TEXT NOT NULL,
        name_ko TEXT NOT NULL,
        kind    TEXT NOT NULL,
        updated_hlc INTEGER NOT NULL
    );

    CREATE TABLE cases (
        rowid        INTEGER PRIMARY KEY,
        id           BLOB NOT NULL UNIQUE,
        doc          TEXT NOT NULL,
        title        TEXT NOT NULL,
        case_type    TEXT NOT NULL,
        status       TEXT NOT NULL,
        priority     TEXT NOT NULL,
        assignee     TEXT,
        occurred_on  TEXT,
        created_hlc  INTEGER NOT NULL,
        updated_hlc  INTEGER NOT NULL
    );
    CREATE INDEX cases_status ON cases(status);

    -- Which workers a case concerns (derived from the case document, kept for joins).
    CREATE TABLE case_workers (
        case_rowid   INTEGER NOT NULL REFERENCES cases(rowid),
        worker_rowid INTEGER NOT NULL REFERENCES workers(rowid),
        PRIMARY KEY (case_rowid, worker_rowid)
    ) WITHOUT ROWID;
    CREATE INDEX case_workers_worker ON case_workers(worker_rowid);

    CREATE TABLE timeline (
        rowid       INTEGER PRIMARY KEY,
        id          BLOB NOT NULL UNIQUE,
        case_rowid  INTEGER NOT NULL REFERENCES cases(rowid),
        kind        TEXT NOT NULL,
        occurred_on TEXT NOT NULL,
        text        TEXT NOT NULL,
        author      TEXT NOT NULL,
        hlc         INTEGER NOT NULL
    );
    CREATE INDEX timeline_case ON timeline(case_rowid);
    CREATE TRIGGER timeline_no_update BEFORE UPDATE ON timeline
        BEGIN SELECT RAISE(ABORT, 'timeline entries are append-only'); END;
    CREATE TRIGGER timeline_no_delete BEFORE DELETE ON timeline
        BEGIN SELECT RAISE(ABORT, 'timeline entries are append-only'); END;

    CREATE TABLE status_transitions (
        rowid       INTEGER PRIMARY KEY,
        case_rowid  INTEGER NOT NULL REFERENCES cases(rowid),
        from_status TEXT NOT NULL,
        to_status   TEXT NOT NULL,
        author      TEXT NOT NULL,
        reason      TEXT,
        hlc         INTEGER NOT NULL
    );
    CREATE INDEX status_transitions_case ON status_transitions(case_rowid);
    CREATE TRIGGER status_transitions_no_update BEFORE UPDATE ON status_transitions
        BEGIN SELECT RAISE(ABORT, 'status transitions are append-only'); END;
    CREATE TRIGGER status_transitions_no_delete BEFORE DELETE ON status_transitions
        BEGIN SELECT RAISE(ABORT, 'status transitions are append-only'); END;

    CREATE TABLE tasks (
        rowid      INTEGER PRIMARY KEY,
        id         BLOB NOT NULL UNIQUE,
        case_rowid INTEGER NOT NULL REFERENCES cases(rowid),
        title      TEXT NOT NULL,
        due_on     TEXT,
        done       INTEGER NOT NULL DEFAULT 0,
        updated_hlc INTEGER NOT NULL
    );
    CREATE INDEX tasks_case ON tasks(case_rowid);
    CREATE INDEX tasks_open_due ON tasks(due_on) WHERE done = 0;

    CREATE TABLE attachments (
        rowid     INTEGER PRIMARY KEY,
        id        BLOB NOT NULL UNIQUE,
        owner_kind TEXT NOT NULL,
        owner_id  BLOB NOT NULL,
        file_name TEXT NOT NULL,
        mime_type TEXT NOT NULL,
        size      INTEGER NOT NULL,
        sha256    TEXT NOT NULL,
        caption   TEXT,
        bytes     BLOB NOT NULL,
        hlc       INTEGER NOT NULL
    );
    CREATE INDEX attachments_owner ON attachments(owner_kind, owner_id);

    -- Field-level change records, written in the same transaction as the change they describe;
    -- the sync engine ships them. One row per mutation of one entity (a change set): `fields`
    -- maps each changed field to its new JSON value, all at `hlc` from `device_id`.
    -- `outbox_fields` shows them one record per field.
    CREATE TABLE outbox (
        seq       INTEGER PRIMARY KEY,
        entity    TEXT NOT NULL,
        entity_id BLOB NOT NULL,
        hlc       INTEGER NOT NULL,
        device_id BLOB NOT NULL,
        fields    TEXT NOT NULL CHECK (json_type(fields) = 'object')
    );
    CREATE VIEW outbox_fields AS
        SELECT o.seq, o.entity, o.entity_id, f.key AS field,
               CASE f.type
                   WHEN 'text' THEN json_quote(f.value)
                   WHEN 'null' THEN 'null'
                   WHEN 'true' THEN 'true'
                   WHEN 'false' THEN 'false'
                   ELSE f.value
               END AS value,
               o.hlc, o.device_id
        FROM outbox o, json_each(o.fields) f;

    -- Who created, changed, exported or printed what. Each entry hashes the previous one.
    CREATE TABLE audit_log (
        seq       INTEGER PRIMARY KEY,
        at        TEXT NOT NULL,
        hlc       INTEGER NOT NULL,
        device_id BLOB NOT NULL,
        actor     TEXT NOT NULL,
        action    TEXT NOT NULL,
        entity    TEXT NOT NULL,
        entity_id TEXT,
        detail    TEXT,
        prev_hash BLOB NOT NULL,
        hash      BLOB NOT NULL
    );
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

    -- Full-text search inside the encrypted database. The indexes are contentless: results are
    -- read from the tables, so the text is not stored a second time. `names` holds every name form and its
    -- Latin rendering, `keys` the cross-script skeleton and surname keys, `other` identifiers, phone numbers and the employer;
    -- Row ids are the workers' row ids.
    CREATE VIRTUAL TABLE worker_fts USING fts5(
        names, keys, other,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    -- Case text (summary, place) by case row id, and timeline text by timeline row id.
    CREATE VIRTUAL TABLE case_fts USING fts5(
        body,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3'
    );
    CREATE VIRTUAL TABLE timeline_fts USING fts5(
        body,
        content = '',
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3'
    );
    "#,
    // 2: the mission profile and the outgoing-letter registry.
    r#"
    CREATE TABLE mission (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        doc         TEXT NOT NULL,
        updated_hlc INTEGER NOT NULL
    );

    CREATE TABLE letters (
        rowid        INTEGER PRIMARY KEY,
        id           BLOB NOT NULL UNIQUE,
        case_rowid   INTEGER NOT NULL REFERENCES cases(rowid),
        agency_id    BLOB,
        template     TEXT NOT NULL,
        subject      TEXT NOT NULL,
        status       TEXT NOT NULL CHECK (status IN ('draft', 'registered', 'sent', 'void')),
        number_year  INTEGER,
        number_seq   INTEGER,
        number       TEXT UNIQUE,
        letter_date  TEXT NOT NULL,
        data         TEXT NOT NULL,
        pdf          BLOB,
        pdf_sha256   TEXT,
        created_by   TEXT NOT NULL,
        created_hlc  INTEGER NOT NULL,
        updated_hlc  INTEGER NOT NULL,
        -- When it got its number: the registry book's order.
        registered_hlc INTEGER,
        status_note  TEXT,
        UNIQUE (number_year, number_seq),
        CHECK ((number IS NULL) = (status = 'draft') OR status = 'void'),
        CHECK ((number IS NULL) = (number_seq IS NULL))
    );
    CREATE INDEX letters_case ON letters(case_rowid);
    CREATE INDEX letters_sha ON letters(pdf_sha256) WHERE pdf_sha256 IS NOT NULL;
    -- A letter is never deleted (void it), and once numbered its number, data and bytes are
    -- fixed: a registered letter can always be verified against its hash.
    CREATE TRIGGER letters_no_delete BEFORE DELETE ON letters
        BEGIN SELECT RAISE(ABORT, 'letters are never deleted; void them'); END;
    CREATE TRIGGER letters_numbered_fixed
        BEFORE UPDATE OF number, number_year, number_seq, data, pdf, pdf_sha256, letter_date,
            template, subject, agency_id, case_rowid, registered_hlc ON letters
        WHEN OLD.number IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a registered letter keeps its number, data and bytes'); END;
    -- The status workflow: draft -> registered -> sent; void from any of them, and final.
    CREATE TRIGGER letters_status_workflow BEFORE UPDATE OF status ON letters
        WHEN NOT (OLD.status = NEW.status
            OR (OLD.status = 'draft' AND NEW.status IN ('registered', 'void'))
            OR (OLD.status = 'registered' AND NEW.status IN ('sent', 'void'))
            OR (OLD.status = 'sent' AND NEW.status = 'void'))
        BEGIN SELECT RAISE(ABORT, 'letter status cannot move that way'); END;

    -- Blocks of registry numbers this device may draw from (see ARCHITECTURE.md, "Letter
    -- registry"). `next_seq` only grows; a block is never deleted or moved.
    CREATE TABLE registry_blocks (
        rowid       INTEGER PRIMARY KEY,
        year        INTEGER NOT NULL,
        first_seq   INTEGER NOT NULL,
        last_seq    INTEGER NOT NULL,
        next_seq    INTEGER NOT NULL,
        device_id   BLOB NOT NULL,
        granted_by  TEXT NOT NULL,
        granted_hlc INTEGER NOT NULL,
        CHECK (first_seq >= 1 AND first_seq <= last_seq),
        CHECK (next_seq BETWEEN first_seq AND last_seq + 1)
    );
    CREATE UNIQUE INDEX registry_blocks_start ON registry_blocks(year, first_seq);
    CREATE TRIGGER registry_blocks_no_delete BEFORE DELETE ON registry_blocks
        BEGIN SELECT RAISE(ABORT, 'registry blocks are never deleted'); END;
    CREATE TRIGGER registry_blocks_forward BEFORE UPDATE ON registry_blocks
        WHEN NEW.next_seq < OLD.next_seq OR NEW.first_seq != OLD.first_seq
          OR NEW.last_seq != OLD.last_seq OR NEW.year != OLD.year
        BEGIN SELECT RAISE(ABORT, 'registry blocks only move forward'); END;
    "#,
    // 3: sync — per-field versions, the versions an update replaced, conflicts for review,
    // and the sync engine's own bookkeeping (see ARCHITECTURE.md, "Sync").
    r#"
    -- The version (HLC, device) of each field of each replicated record, and the version the
    -- write replaced (`base_*`, NULL when it replaced nothing). A record's creation is one
    -- row with field '*', the version of every field that has no row of its own.
    CREATE TABLE field_versions (
        entity      TEXT NOT NULL,
        entity_id   BLOB NOT NULL,
        field       TEXT NOT NULL,
        hlc         INTEGER NOT NULL,
        device_id   BLOB NOT NULL,
        base_hlc    INTEGER,
        base_device BLOB,
        PRIMARY KEY (entity, entity_id, field)
    ) WITHOUT ROWID;
    -- Records written before this migration were created on this device.
    INSERT INTO field_versions (entity, entity_id, field, hlc, device_id)
        SELECT o.entity, o.entity_id, '*', min(o.hlc), o.device_id FROM outbox o
        WHERE o.entity NOT IN ('timeline', 'attachment')
        GROUP BY o.entity, o.entity_id;
    INSERT OR REPLACE INTO field_versions (entity, entity_id, field, hlc, device_id)
        SELECT o.entity, o.entity_id, f.key, max(o.hlc), o.device_id
        FROM outbox o, json_each(o.fields) f
        WHERE o.entity NOT IN ('timeline', 'attachment')
          AND o.hlc > (SELECT v.hlc FROM field_versions v
                       WHERE v.entity = o.entity AND v.entity_id = o.entity_id AND v.field = '*')
        GROUP BY o.entity, o.entity_id, f.key;

    -- For an update, each field's replaced version as `{"field": [hlc, "device hex"]}`; NULL
    -- for a new record.
    ALTER TABLE outbox ADD COLUMN bases TEXT;
    -- Updates written before this migration were made on this device alone, after every
    -- earlier write: their base is "everything before me" (one tick earlier), so no other
    -- device mistakes them for concurrent edits.
    CREATE TEMP TABLE first_change_sets AS
        SELECT min(seq) AS seq FROM outbox GROUP BY entity, entity_id;
    UPDATE outbox SET bases = (
            SELECT json_group_object(f.key, json_array(outbox.hlc - 1, lower(hex(outbox.device_id))))
            FROM json_each(outbox.fields) f)
        WHERE entity NOT IN ('timeline', 'attachment')
          AND seq NOT IN (SELECT seq FROM first_change_sets);
    DROP TABLE first_change_sets;

    -- Two writes of one field that did not see each other. The winner (`kept_*`, the greater
    -- version) is applied everywhere; a person reviews the other value and may choose it,
    -- which is a new change.
    CREATE TABLE conflicts (
        rowid        INTEGER PRIMARY KEY,
        entity       TEXT NOT NULL,
        entity_id    BLOB NOT NULL,
        field        TEXT NOT NULL,
        kept_value   TEXT NOT NULL,
        kept_hlc     INTEGER NOT NULL,
        kept_device  BLOB NOT NULL,
        other_value  TEXT NOT NULL,
        other_hlc    INTEGER NOT NULL,
        other_device BLOB NOT NULL,
        detected_hlc INTEGER NOT NULL,
        resolved_hlc INTEGER,
        resolution   TEXT CHECK (resolution IN ('kept', 'other', 'superseded')),
        UNIQUE (entity, entity_id, field, kept_hlc, kept_device, other_hlc, other_device)
    );
    CREATE INDEX conflicts_open ON conflicts(entity, entity_id, field) WHERE resolved_hlc IS NULL;

    -- Duplicate workers joined by a merge: the merged record stays (its history is reachable)
    -- but is hidden from lists and search. Written once; merges of one pair always keep the
    -- earlier record, so devices agree.
    CREATE TABLE worker_merges (
        merged  BLOB PRIMARY KEY,
        into_id BLOB NOT NULL,
        hlc     INTEGER NOT NULL
    ) WITHOUT ROWID;
    -- Two devices that merged one record into different ones agree on the smaller target.
    CREATE TRIGGER worker_merges_no_update BEFORE UPDATE ON worker_merges
        WHEN NEW.merged != OLD.merged OR NEW.into_id >= OLD.into_id
        BEGIN SELECT RAISE(ABORT, 'a merge only moves to the smaller target'); END;
    CREATE TRIGGER worker_merges_no_delete BEFORE DELETE ON worker_merges
        BEGIN SELECT RAISE(ABORT, 'a merge is final'); END;

    -- The last envelope sequence number applied from each device (replays and gaps are refused).
    -- and the newest team-key epoch it used (an older one from it afterwards is refused).
    CREATE TABLE sync_peers (
        device_id BLOB PRIMARY KEY,
        last_seq  INTEGER NOT NULL,
        key_epoch INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    -- Attachments from other devices whose bytes are still arriving: the metadata, and the
    -- chunks received so far. Complete ones move to `attachments` after their SHA-256 checks.
    CREATE TABLE attachment_inbox (
        id   BLOB PRIMARY KEY,
        meta TEXT NOT NULL,
        hlc  INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE attachment_chunk_inbox (
        id    BLOB NOT NULL,
        idx   INTEGER NOT NULL,
        data  BLOB NOT NULL,
        PRIMARY KEY (id, idx)
    ) WITHOUT ROWID;

    -- Envelopes sealed for pushing but not yet acknowledged by the server: a retry sends the
    -- very same bytes, so an interrupted push is neither lost nor duplicated.
    CREATE TABLE sync_pending (
        device_seq      INTEGER PRIMARY KEY,
        last_outbox_seq INTEGER NOT NULL,
        key_epoch       INTEGER NOT NULL,
        blob            BLOB NOT NULL
    );
    "#,
    // 4: the desktop dashboard's "recent activity" reads the newest timeline entries.
    r#"
    CREATE INDEX timeline_hlc ON timeline(hlc);
    "#,
    // 5: clocks. Timestamps stop at 2^63 - 1 (`Hlc::MAX`) so that SQLite's signed integers
    // compare them correctly; a version stored above it (read back as a negative number) is
    // brought down to the ceiling, keeping its order above every real timestamp. Append-only
    // tables (timeline, audit log, transitions, merges) keep what they hold: nothing compares
    // their timestamps for a merge. Change sets from other devices stamped far ahead of this
    // device's clock are set aside in `held_changes`, never applied.
    r#"
    UPDATE field_versions SET hlc = 9223372036854775807 WHERE hlc < 0;
    UPDATE field_versions SET base_hlc = 9223372036854775807 WHERE base_hlc < 0;
    UPDATE conflicts SET kept_hlc = 9223372036854775807 WHERE kept_hlc < 0;
    UPDATE conflicts SET other_hlc = 9223372036854775807 WHERE other_hlc < 0;
    UPDATE conflicts SET detected_hlc = 9223372036854775807 WHERE detected_hlc < 0;
    UPDATE conflicts SET resolved_hlc = 9223372036854775807 WHERE resolved_hlc < 0;
    UPDATE workers SET created_hlc = 9223372036854775807 WHERE created_hlc < 0;
    UPDATE workers SET updated_hlc = 9223372036854775807 WHERE updated_hlc < 0;
    UPDATE cases SET created_hlc = 9223372036854775807 WHERE created_hlc < 0;
    UPDATE cases SET updated_hlc = 9223372036854775807 WHERE updated_hlc < 0;
    UPDATE agencies SET updated_hlc = 9223372036854775807 WHERE updated_hlc < 0;
    UPDATE tasks SET updated_hlc = 9223372036854775807 WHERE updated_hlc < 0;
    UPDATE mission SET updated_hlc = 9223372036854775807 WHERE updated_hlc < 0;
    UPDATE letters SET created_hlc = 9223372036854775807 WHERE created_hlc < 0;
    UPDATE letters SET updated_hlc = 9223372036854775807 WHERE updated_hlc < 0;
    UPDATE outbox SET hlc = 9223372036854775807 WHERE hlc < 0;
    UPDATE attachment_inbox SET hlc = 9223372036854775807 WHERE hlc < 0;
    CREATE TABLE held_changes (
        device_id   BLOB NOT NULL,
        device_seq  INTEGER NOT NULL,
        set_index   INTEGER NOT NULL,
        entity      TEXT NOT NULL,
        entity_id   TEXT NOT NULL,
        -- As sent, in decimal: it may be beyond what an SQLite integer holds.
        hlc         TEXT NOT NULL,
        change_set  TEXT NOT NULL,
        held_at_ms  INTEGER NOT NULL,
        PRIMARY KEY (device_id, device_seq, set_index)
    ) WITHOUT ROWID;
    "#,
    // 6: quarantine. An envelope that fails to open or apply is set aside with the reason,
    // and the pull goes on past it instead of stopping every round at it. `bytes` holds what
    // arrived: the sealed envelope when it did not open, the change sets when they did not
    // apply (inside this encrypted database).
    r#"
    CREATE TABLE quarantined_envelopes (
        global_seq  INTEGER PRIMARY KEY,
        device_id   BLOB NOT NULL,
        device_seq  INTEGER NOT NULL,
        key_epoch   INTEGER NOT NULL,
        reason      TEXT NOT NULL,
        opened      INTEGER NOT NULL,
        bytes       BLOB NOT NULL,
        at_ms       INTEGER NOT NULL
    );
    "#,
    // 7: the dashboard's open-case counts are kept up to date by triggers instead of being
    // counted over every case at each unlock; "my cases" are found by assignee.
    r#"
    CREATE TABLE open_case_counts (
        case_type TEXT NOT NULL,
        status    TEXT NOT NULL,
        n         INTEGER NOT NULL,
        PRIMARY KEY (case_type, status)
    ) WITHOUT ROWID;
    INSERT INTO open_case_counts (case_type, status, n)
        SELECT case_type, status, count(*) FROM cases
        WHERE status NOT IN ('resolved', 'closed') GROUP BY case_type, status;
    CREATE TRIGGER open_case_counts_insert AFTER INSERT ON cases
        WHEN NEW.status NOT IN ('resolved', 'closed')
        BEGIN
            INSERT INTO open_case_counts (case_type, status, n) VALUES (NEW.case_type, NEW.status, 1)
                ON CONFLICT (case_type, status) DO UPDATE SET n = n + 1;
        END;
    CREATE TRIGGER open_case_counts_delete AFTER DELETE ON cases
        WHEN OLD.status NOT IN ('resolved', 'closed')
        BEGIN
            UPDATE open_case_counts SET n = n - 1
                WHERE case_type = OLD.case_type AND status = OLD.status;
        END;
    CREATE TRIGGER open_case_counts_update AFTER UPDATE OF case_type, status ON cases
        WHEN NEW.case_type IS NOT OLD.case_type OR NEW.status IS NOT OLD.status
        BEGIN
            UPDATE open_case_counts SET n = n - 1
                WHERE OLD.status NOT IN ('resolved', 'closed')
                  AND case_type = OLD.case_type AND status = OLD.status;
            INSERT INTO open_case_counts (case_type, status, n)
                SELECT NEW.case_type, NEW.status, 1 WHERE NEW.status NOT IN ('resolved', 'closed')
                ON CONFLICT (case_type, status) DO UPDATE SET n = n + 1;
        END;
    CREATE INDEX cases_assignee ON cases(assignee) WHERE assignee IS NOT NULL;
    "#,
    // 8: the audit chain is keyed. Entries from here on are chained with HMAC-SHA256 under a
    // random key of this workspace (kept in `meta`, inside the encrypted database), so a
    // rewritten log cannot be made to verify with a plain hash; the entries already written
    // keep their SHA-256 chain and are verified as before.
    r#"
    INSERT OR IGNORE INTO meta (key, value) VALUES ('audit_key', lower(hex(randomblob(32))));
    INSERT OR IGNORE INTO meta (key, value)
        SELECT 'audit_keyed_from', coalesce(max(seq), 0) + 1 FROM audit_log;
    "#,
    // 9: the signed team log as this device verified it (each entry's JSON as the server
    // stored it), and the hash of the last envelope verified from each peer, which that
    // peer's next envelope must name (a fork or a rewritten history shows).
    r#"
    CREATE TABLE team_log (
        seq     INTEGER PRIMARY KEY,
        entry   TEXT NOT NULL
    );
    CREATE TABLE peer_chain (
        device_id   BLOB PRIMARY KEY,
        last_seq    INTEGER NOT NULL,
        hash        BLOB NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 10: casework tools. Saved wage-claim computations (entity `wage_calc`, written once and
    // replicated), the checklists and logs of the hard cases (entity `case_log`, likewise),
    // and each case's deadlines derived from its facts and latest computation
    // (like the search index: recomputed on every write, never synced) for the dashboard.
    r#"
    CREATE TABLE wage_calcs (
        id          BLOB PRIMARY KEY,
        case_rowid  INTEGER NOT NULL REFERENCES cases(rowid),
        input       TEXT NOT NULL,
        result      TEXT NOT NULL,
        total_krw   INTEGER NOT NULL,
        author      TEXT NOT NULL,
        hlc         INTEGER NOT NULL
    );
    CREATE INDEX wage_calcs_case ON wage_calcs(case_rowid, hlc);
    CREATE TRIGGER wage_calcs_no_update BEFORE UPDATE ON wage_calcs
        BEGIN SELECT RAISE(ABORT, 'wage calculations are written once'); END;
    CREATE TRIGGER wage_calcs_no_delete BEFORE DELETE ON wage_calcs
        BEGIN SELECT RAISE(ABORT, 'wage calculations are written once'); END;
    CREATE TABLE case_deadlines (
        case_rowid  INTEGER NOT NULL REFERENCES cases(rowid),
        key         TEXT NOT NULL,
        title       TEXT NOT NULL,
        due_on      TEXT NOT NULL,
        rule        TEXT NOT NULL,
        source      TEXT NOT NULL,
        done        INTEGER NOT NULL,
        PRIMARY KEY (case_rowid, key)
    ) WITHOUT ROWID;
    CREATE INDEX case_deadlines_open_due ON case_deadlines(due_on) WHERE done = 0;
    -- Checklists and logs of the hard cases (entity `case_log`, written once, replicated):
    -- repatriation items, detention visits, next-of-kin contacts, as JSON documents.
    CREATE TABLE case_logs (
        id          BLOB PRIMARY KEY,
        case_rowid  INTEGER NOT NULL REFERENCES cases(rowid),
        kind        TEXT NOT NULL,
        doc         TEXT NOT NULL,
        author      TEXT NOT NULL,
        hlc         INTEGER NOT NULL
    );
    CREATE INDEX case_logs_case ON case_logs(case_rowid, hlc);
    CREATE TRIGGER case_logs_no_update BEFORE UPDATE ON case_logs
        BEGIN SELECT RAISE(ABORT, 'case log entries are written once'); END;
    CREATE TRIGGER case_logs_no_delete BEFORE DELETE ON case_logs
        BEGIN SELECT RAISE(ABORT, 'case log entries are written once'); END;
    "#,
    // 11: case lists (and the dashboard's "my cases") are newest first; without an index each
    // list sorted every case (0.6 s for 20 of 180,000 cases).
    r#"
    CREATE INDEX IF NOT EXISTS cases_created ON cases(created_hlc);
    "#,
];

pub(crate) fn current_version(conn: &Connection) -> StoreResult<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings the schema up to date. Refuses a database written by a newer build.
pub(crate) fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let known = MIGRATIONS.len() as i64;
    let found = current_version(conn)?;
    if found > known {
        return Err(StoreError::SchemaTooNew { found, known });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", index + 1))?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_from_empty_and_are_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(current_version(&conn).unwrap(), MIGRATIONS.len() as i64);
        migrate(&mut conn).unwrap();
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN
                 ('workers','cases','outbox','audit_log','worker_fts')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 5);
    }

    #[test]
    fn newest_first_case_lists_read_an_index_instead_of_sorting_every_case() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let mut stmt = conn
            .prepare(
                "EXPLAIN QUERY PLAN SELECT c.id FROM cases c WHERE 1 = 1
                 AND c.status NOT IN ('resolved', 'closed') ORDER BY c.created_hlc DESC LIMIT 20",
            )
            .unwrap();
        let plan: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(plan.iter().any(|p| p.contains("cases_created")), "{plan:?}");
        assert!(!plan.iter().any(|p| p.contains("TEMP B-TREE")), "{plan:?}");
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA user_version = 999").unwrap();
        assert!(matches!(
            migrate(&mut conn),
            Err(StoreError::SchemaTooNew { found: 999, .. })
        ));
    }

    #[test]
    fn append_only_tables_refuse_updates_and_deletes() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO audit_log (at, hlc, device_id, actor, action, entity, prev_hash, hash)
             VALUES ('t', 1, x'00', 'a', 'create', 'worker', x'00', x'00')",
            [],
        )
        .unwrap();
        assert!(conn.execute("DELETE FROM audit_log", []).is_err());
        assert!(
            conn.execute("UPDATE audit_log SET actor = 'x'", [])
                .is_err()
        );
    }
}
