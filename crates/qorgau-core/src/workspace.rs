//! An unlocked workspace and the use cases on it.

use crate::error::{CoreError, ErrorCode};
use qorgau_domain::agency::AgencyRecord;
use qorgau_domain::attachment::{AttachmentMeta, AttachmentOwner};
use qorgau_domain::case::Case;
use qorgau_domain::worker::WorkerRecord;
use qorgau_domain::{
    Agency, AgencyId, CaseId, CaseRecord, CaseStatus, StatusTransition, Task, TaskId,
    TimelineEntry, TimelineEntryId, Worker, WorkerId,
};
use qorgau_store::{
    AddedWorker, AuditEntry, AuditVerification, CaseFilter, CaseSummary, ChangeRecord, KdfParams,
    NewAttachment, NewTimelineEntry, Passphrase, SearchHit, Store, StoreStats, WorkerFilter,
    WorkerSummary,
};
use serde_json::{Map, Value};
use std::path::Path;

type Result<T> = std::result::Result<T, CoreError>;

/// Shortest passphrase accepted for a new workspace or a passphrase change.
pub const MIN_PASSPHRASE_CHARS: usize = 10;

#[derive(Debug, Clone)]
pub struct WorkspaceOptions {
    pub kdf: KdfParams,
    /// The caseworker recorded as the author of changes.
    pub actor: String,
}

impl Default for WorkspaceOptions {
    fn default() -> Self {
        Self {
            kdf: KdfParams::DEFAULT,
            actor: "unknown".into(),
        }
    }
}

/// What a new workspace starts with (see [`Workspace::create_first_run`]).
#[derive(Debug, Clone)]
pub struct FirstRun {
    /// Import the shipped agency directory.
    pub import_directory: bool,
    /// `seoul` or `busan`; none leaves the mission profile to be filled in.
    pub mission_preset: Option<String>,
}

impl Default for FirstRun {
    fn default() -> Self {
        Self {
            import_directory: true,
            mission_preset: None,
        }
    }
}

#[derive(Debug)]
pub struct Workspace {
    pub(crate) store: Store,
}

fn check_new_passphrase(p: &Passphrase) -> Result<()> {
    if p.char_count() < MIN_PASSPHRASE_CHARS {
        return Err(CoreError::invalid(vec![
            qorgau_domain::ValidationIssue::error(
                "passphrase",
                qorgau_domain::IssueCode::TooShortPassphrase,
                format!("the passphrase must have at least {MIN_PASSPHRASE_CHARS} characters"),
            ),
        ]));
    }
    Ok(())
}

/// Parses a JSON object (a patch or a new record) and names the problem when it is not one.
pub fn json_object(value: Value, what: &str) -> Result<Map<String, Value>> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(CoreError::new(
            ErrorCode::Invalid,
            format!("{what} must be a JSON object, got {}", json_kind(&other)),
        )),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Workspace {
    pub fn create(dir: &Path, passphrase: &Passphrase, options: &WorkspaceOptions) -> Result<Self> {
        check_new_passphrase(passphrase)?;
        let mut store = Store::create(dir, passphrase, options.kdf)?;
        store.set_actor(options.actor.clone());
        store.record_event("workspace_create", "workspace", None, None)?;
        Ok(Self { store })
    }

    /// A new workspace as a caseworker starts one, the same from the CLI's `init` and the
    /// desktop's first run: the shipped agency directory imported (unless `first` says not)
    /// and, when one is named, a mission profile preset (`seoul`, `busan`). The preset is
    /// checked before anything is created.
    pub fn create_first_run(
        dir: &Path,
        passphrase: &Passphrase,
        options: &WorkspaceOptions,
        first: &FirstRun,
    ) -> Result<Self> {
        let mission = match first.mission_preset.as_deref() {
            None | Some("") => None,
            Some(name) => Some(qorgau_domain::MissionProfile::preset(name).ok_or_else(|| {
                CoreError::invalid(vec![qorgau_domain::ValidationIssue::error(
                    "mission_preset",
                    qorgau_domain::IssueCode::OutOfRange,
                    format!("mission_preset {name:?} is not a preset (seoul, busan)"),
                )])
            })?),
        };
        let mut workspace = Self::create(dir, passphrase, options)?;
        if first.import_directory {
            workspace.import_agencies(&crate::directory::shipped_agencies()?)?;
        }
        if let Some(mission) = &mission {
            workspace.set_mission(mission)?;
        }
        Ok(workspace)
    }

    pub fn open(dir: &Path, passphrase: &Passphrase, actor: &str) -> Result<Self> {
        let mut store = Store::open(dir, passphrase)?;
        store.set_actor(actor);
        Ok(Self { store })
    }

    /// A workspace on plain SQLite, only for the baseline of `qorgau bench store`.
    #[doc(hidden)]
    pub fn create_unencrypted_for_benchmark(dir: &Path) -> Result<Self> {
        Ok(Self {
            store: Store::create_unencrypted_for_benchmark(dir)?,
        })
    }

    /// Caps the store's page cache at `mib` MiB; see [`Store::set_page_cache_mib`].
    pub fn set_page_cache_mib(&self, mib: u32) -> Result<()> {
        Ok(self.store.set_page_cache_mib(mib)?)
    }

    /// The store's page cache cap in MiB.
    pub fn page_cache_mib(&self) -> Result<i64> {
        Ok(self.store.page_cache_mib()?)
    }

    /// The caseworker recorded as the author of the changes that follow.
    pub fn set_actor(&mut self, actor: &str) {
        self.store.set_actor(actor);
    }

    /// Whether `dir` holds a workspace (created, whatever its passphrase).
    pub fn exists(dir: &Path) -> bool {
        dir.join(qorgau_store::HEADER_FILE).is_file()
    }

    pub fn dir(&self) -> &Path {
        self.store.dir()
    }

    pub fn change_passphrase(&mut self, new: &Passphrase) -> Result<()> {
        check_new_passphrase(new)?;
        Ok(self.store.change_passphrase(new)?)
    }

    // Workers

    pub fn add_worker(&mut self, worker: &Worker) -> Result<AddedWorker> {
        Ok(self.store.add_worker(worker)?)
    }

    /// Adds a worker from JSON with the domain's snake_case field names.
    pub fn add_worker_json(&mut self, json: Value) -> Result<AddedWorker> {
        let worker: Worker = serde_json::from_value(Value::Object(json_object(json, "a worker")?))?;
        self.add_worker(&worker)
    }

    pub fn add_workers(&mut self, workers: &[Worker]) -> Result<Vec<WorkerId>> {
        Ok(self.store.add_workers(workers)?)
    }

    /// A large import, one transaction per `batch` workers: see
    /// [`Store::add_workers_batched`]. On error `ids` holds the workers that were added.
    pub fn add_workers_batched(
        &mut self,
        workers: &[Worker],
        batch: usize,
        ids: &mut Vec<WorkerId>,
    ) -> Result<()> {
        Ok(self.store.add_workers_batched(workers, batch, ids)?)
    }

    pub fn worker(&self, id: WorkerId) -> Result<WorkerRecord> {
        Ok(self.store.worker(id)?)
    }

    pub fn update_worker(&mut self, id: WorkerId, patch: Value) -> Result<Vec<String>> {
        let (changed, _warnings) = self
            .store
            .update_worker(id, &json_object(patch, "an update")?)?;
        Ok(changed)
    }

    pub fn list_workers(&self, filter: &WorkerFilter) -> Result<Vec<WorkerSummary>> {
        Ok(self.store.list_workers(filter)?)
    }

    // Cases

    pub fn add_case(&mut self, case: &CaseRecord) -> Result<CaseId> {
        Ok(self.store.add_case(case)?)
    }

    pub fn add_case_json(&mut self, json: Value) -> Result<CaseId> {
        let case: CaseRecord = serde_json::from_value(Value::Object(json_object(json, "a case")?))?;
        self.add_case(&case)
    }

    pub fn add_cases(&mut self, cases: &[CaseRecord]) -> Result<Vec<CaseId>> {
        Ok(self.store.add_cases(cases)?)
    }

    /// A large import, one transaction per `batch` cases: see [`Store::add_cases_batched`].
    /// On error `ids` holds the cases that were added.
    pub fn add_cases_batched(
        &mut self,
        cases: &[CaseRecord],
        batch: usize,
        ids: &mut Vec<CaseId>,
    ) -> Result<()> {
        Ok(self.store.add_cases_batched(cases, batch, ids)?)
    }

    pub fn case(&self, id: CaseId) -> Result<Case> {
        Ok(self.store.case(id)?)
    }

    pub fn update_case(&mut self, id: CaseId, patch: Value) -> Result<Vec<String>> {
        Ok(self
            .store
            .update_case(id, &json_object(patch, "an update")?)?)
    }

    pub fn set_case_status(
        &mut self,
        id: CaseId,
        to: CaseStatus,
        reason: Option<&str>,
    ) -> Result<StatusTransition> {
        Ok(self.store.set_case_status(id, to, reason)?)
    }

    pub fn add_timeline_entry(
        &mut self,
        case: CaseId,
        entry: &NewTimelineEntry,
    ) -> Result<TimelineEntryId> {
        Ok(self.store.add_timeline_entry(case, entry)?)
    }

    pub fn add_timeline_entries(&mut self, entries: &[(CaseId, NewTimelineEntry)]) -> Result<()> {
        Ok(self.store.add_timeline_entries(entries)?)
    }

    pub fn timeline(&self, case: CaseId) -> Result<Vec<TimelineEntry>> {
        Ok(self.store.timeline(case)?)
    }

    pub fn status_transitions(&self, case: CaseId) -> Result<Vec<StatusTransition>> {
        Ok(self.store.status_transitions(case)?)
    }

    pub fn add_task(
        &mut self,
        case: CaseId,
        title: &str,
        due_on: Option<chrono::NaiveDate>,
    ) -> Result<TaskId> {
        Ok(self.store.add_task(case, title, due_on)?)
    }

    pub fn set_task_done(&mut self, task: TaskId, done: bool) -> Result<()> {
        Ok(self.store.set_task_done(task, done)?)
    }

    pub fn tasks(&self, case: CaseId) -> Result<Vec<Task>> {
        Ok(self.store.tasks(case)?)
    }

    pub fn list_cases(&self, filter: &CaseFilter) -> Result<Vec<CaseSummary>> {
        Ok(self.store.list_cases(filter)?)
    }

    // Agencies

    pub fn add_agency(&mut self, agency: &Agency) -> Result<AgencyId> {
        Ok(self.store.add_agency(agency)?)
    }

    pub fn agency(&self, id: AgencyId) -> Result<AgencyRecord> {
        Ok(self.store.agency(id)?)
    }

    /// Applies a JSON patch to an agency; returns the changed fields.
    pub fn update_agency(&mut self, id: AgencyId, patch: Value) -> Result<Vec<String>> {
        let patch = json_object(patch, "the agency patch")?;
        Ok(self.store.update_agency(id, &patch)?)
    }

    pub fn list_agencies(&self) -> Result<Vec<AgencyRecord>> {
        Ok(self.store.list_agencies()?)
    }

    // Attachments

    pub fn add_attachment(&mut self, a: &NewAttachment<'_>) -> Result<AttachmentMeta> {
        Ok(self.store.add_attachment(a)?)
    }

    pub fn attachments(&self, owner: AttachmentOwner) -> Result<Vec<AttachmentMeta>> {
        Ok(self.store.attachments(owner)?)
    }

    // Search, audit, maintenance

    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        Ok(self.store.search(query, limit)?)
    }

    pub fn record_event(
        &mut self,
        action: &str,
        entity: &str,
        entity_id: Option<&str>,
        detail: Option<&str>,
    ) -> Result<()> {
        Ok(self.store.record_event(action, entity, entity_id, detail)?)
    }

    pub fn audit_recent(&self, limit: i64) -> Result<Vec<AuditEntry>> {
        Ok(self.store.audit_recent(limit)?)
    }

    pub fn verify_audit_log(&self) -> Result<AuditVerification> {
        Ok(self.store.verify_audit_log()?)
    }

    pub fn outbox_after(&self, after_seq: i64, limit: i64) -> Result<Vec<ChangeRecord>> {
        Ok(self.store.outbox_after(after_seq, limit)?)
    }

    pub fn integrity_check(&self) -> Result<String> {
        Ok(self.store.integrity_check()?)
    }

    pub fn stats(&self) -> Result<StoreStats> {
        Ok(self.store.stats()?)
    }
}
