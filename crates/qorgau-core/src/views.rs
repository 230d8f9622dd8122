//! What one screen shows, gathered in one call: the dashboard, a worker with everything
//! attached to them, a case with its timeline, tasks, letters and attachments.

use crate::error::CoreError;
use crate::workspace::Workspace;
use chrono::Local;
use qorgau_domain::agency::AgencyRecord;
use qorgau_domain::attachment::{AttachmentMeta, AttachmentOwner};
use qorgau_domain::case::Case;
use qorgau_domain::worker::WorkerRecord;
use qorgau_domain::{CaseId, LetterRecord, StatusTransition, Task, TimelineEntry, WorkerId};
use qorgau_store::{CaseFilter, CaseSummary, Dashboard, WorkerSummary};
use serde::Serialize;

type Result<T> = std::result::Result<T, CoreError>;

/// How many overdue tasks and recent timeline entries the dashboard lists.
pub const DASHBOARD_LIST_LIMIT: usize = 12;

/// A worker's page: every field, their cases, the letters of those cases, their attachments.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkerDetail {
    pub worker: WorkerRecord,
    pub cases: Vec<CaseSummary>,
    pub letters: Vec<LetterRecord>,
    pub attachments: Vec<AttachmentMeta>,
}

/// A case's page.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseDetail {
    pub case: Case,
    pub workers: Vec<WorkerSummary>,
    pub agencies: Vec<AgencyRecord>,
    pub timeline: Vec<TimelineEntry>,
    pub tasks: Vec<Task>,
    pub transitions: Vec<StatusTransition>,
    pub letters: Vec<LetterRecord>,
    pub attachments: Vec<AttachmentMeta>,
}

impl Workspace {
    /// The dashboard for the caseworker this workspace records as the author of changes.
    pub fn dashboard(&self) -> Result<Dashboard> {
        Ok(self.store.dashboard(
            Local::now().date_naive(),
            self.store.actor(),
            DASHBOARD_LIST_LIMIT,
        )?)
    }

    pub fn worker_detail(&self, id: WorkerId) -> Result<WorkerDetail> {
        let worker = self.worker(id)?;
        let cases = self.list_cases(&CaseFilter {
            worker: Some(id),
            limit: Some(1000),
            ..CaseFilter::default()
        })?;
        let mut letters = Vec::new();
        for case in &cases {
            letters.extend(self.letters(Some(case.id))?);
        }
        letters.sort_by_key(|l| std::cmp::Reverse(l.created_at));
        Ok(WorkerDetail {
            worker,
            cases,
            letters,
            attachments: self.attachments(AttachmentOwner::Worker(id))?,
        })
    }

    pub fn case_detail(&self, id: CaseId) -> Result<CaseDetail> {
        let case = self.case(id)?;
        let workers = case
            .record
            .workers
            .iter()
            .map(|w| self.worker(*w).map(|r| WorkerSummary::of(&r)))
            .collect::<Result<Vec<_>>>()?;
        let agencies = case
            .record
            .agencies
            .iter()
            .map(|a| self.agency(*a))
            .collect::<Result<Vec<_>>>()?;
        Ok(CaseDetail {
            workers,
            agencies,
            timeline: self.timeline(id)?,
            tasks: self.tasks(id)?,
            transitions: self.status_transitions(id)?,
            letters: self.letters(Some(id))?,
            attachments: self.attachments(AttachmentOwner::Case(id))?,
            case,
        })
    }
}
