//! Letters: preview, register, list, export and verify, over the letter engine and the
//! registry in the store.

use crate::error::{CoreError, ErrorCode};
use crate::letter_data::{LetterExtras, english_date, korean_date, letter_context};
use crate::workspace::Workspace;
use chrono::{Datelike, NaiveDate};
use qorgau_domain::{
    Agency, AgencyId, CaseId, LetterId, LetterRecord, LetterStatus, MissionProfile, WorkerId,
};
use qorgau_letters::{
    FillError, FillOptions, Fonts, LetterContext, LetterDate, RenderError, Template, TemplateInfo,
    TemplateSet, render,
};
use qorgau_store::{NewLetter, RegistryBlock};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

type Result<T> = std::result::Result<T, CoreError>;

/// What a letter is made from: a case, a template, usually an agency, and the caseworker's
/// additions.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LetterRequest {
    pub case_id: CaseId,
    pub template: String,
    pub agency_id: Option<AgencyId>,
    /// The worker the letter is about; the case's first worker when `None`.
    pub worker_id: Option<WorkerId>,
    /// The date the letter carries; today when `None`.
    pub letter_date: Option<NaiveDate>,
    #[serde(default)]
    pub extras: LetterExtras,
}

/// A template as the shells list it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TemplateSummary {
    pub name: String,
    pub title_ko: String,
    pub title_en: String,
    pub description: String,
    pub recipients: Vec<String>,
    pub form: String,
    pub required: Vec<String>,
    pub optional: Vec<String>,
    /// Per recipient kind, the sensitive fields (stay status, ARN, IIN, passport number, case
    /// summary) the template may print to it; a screen offers "state the stay status" only
    /// where it is listed.
    pub sensitive: std::collections::BTreeMap<String, Vec<String>>,
    /// `embedded`, or the path of the user's file.
    pub source: String,
}

impl From<TemplateInfo> for TemplateSummary {
    fn from(t: TemplateInfo) -> Self {
        TemplateSummary {
            source: match t.source {
                qorgau_letters::TemplateSource::Embedded => "embedded".into(),
                qorgau_letters::TemplateSource::User(p) => p.display().to_string(),
            },
            form: t.form.to_string(),
            name: t.name,
            title_ko: t.title_ko,
            title_en: t.title_en,
            description: t.description,
            recipients: t.recipients,
            required: t.required,
            optional: t.optional,
            sensitive: t.sensitive,
        }
    }
}

/// A rendered letter: its bytes and, once registered, its registry record.
#[derive(Debug, Clone)]
pub struct RenderedLetter {
    pub pdf: Vec<u8>,
    pub record: Option<LetterRecord>,
}

/// What `verify` found for a file.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LetterVerification {
    pub sha256: String,
    /// The registered letter with exactly these bytes, if any.
    pub letter: Option<LetterRecord>,
}

fn template_error(e: qorgau_letters::TemplateError) -> CoreError {
    CoreError::new(ErrorCode::Invalid, e.to_string())
}

fn fill_error(e: FillError) -> CoreError {
    match e {
        FillError::Missing { template, fields } => CoreError::invalid(
            fields
                .into_iter()
                .map(|f| {
                    let message = format!("required by template {template}, but empty");
                    qorgau_domain::ValidationIssue::error(
                        f,
                        qorgau_domain::IssueCode::Required,
                        message,
                    )
                })
                .collect(),
        ),
        FillError::UnknownTemplate { .. } => CoreError::new(ErrorCode::NotFound, e.to_string()),
    }
}

/// A character no font has is a finding on the field it came from, so a screen can point at
/// it; a PDF failure is a storage-kind error.
fn render_error(e: RenderError) -> CoreError {
    let message = e.to_string();
    match e {
        RenderError::UncoveredCharacter { field, .. } => {
            CoreError::invalid(vec![qorgau_domain::ValidationIssue::error(
                field.unwrap_or_else(|| "letter".into()),
                qorgau_domain::IssueCode::UncoveredCharacter,
                message,
            )])
        }
        RenderError::Pdf(_) => CoreError::new(ErrorCode::Storage, message),
    }
}

fn letter_date(d: NaiveDate) -> LetterDate {
    LetterDate::new(d.year(), d.month() as u8, d.day() as u8)
}

/// The PDF's file id: from the registry number for a registered letter, so a re-render is
/// byte-identical; from the case and template for a draft.
fn document_id(parts: &[&str]) -> [u8; 16] {
    let mut hasher = Sha256::new();
    for p in parts {
        hasher.update(p.as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    let mut id = [0u8; 16];
    id.copy_from_slice(&digest[..16]);
    id
}

/// The registered form of a letter: numbered, no DRAFT mark, a file id from the number.
fn final_pdf(
    set: &TemplateSet,
    template: &str,
    ctx: &LetterContext,
    number: &str,
    date: NaiveDate,
    recipient: Option<&'static str>,
) -> Result<Vec<u8>> {
    let mut ctx = ctx.clone();
    ctx.set("letter.number", number);
    let options = FillOptions {
        draft: false,
        document_id: document_id(&["registered", number, template]),
        date: letter_date(date),
        recipient,
    };
    fill_and_render(set, template, &ctx, &options)
}

fn fill_and_render(
    set: &TemplateSet,
    template: &str,
    ctx: &LetterContext,
    options: &FillOptions,
) -> Result<Vec<u8>> {
    let doc = set.fill(template, ctx, options).map_err(fill_error)?;
    render(&doc, Fonts::embedded()).map_err(render_error)
}

/// The template called `name`, or a not-found error naming it.
fn find_template<'s>(set: &'s TemplateSet, name: &str) -> Result<&'s Template> {
    set.get(name).ok_or_else(|| {
        fill_error(FillError::UnknownTemplate {
            name: name.to_owned(),
        })
    })
}

/// The kind of recipient a letter goes to: the agency's kind when the template is addressed
/// to that kind; without an agency, the template's only recipient kind. `None` when it
/// cannot be told: the template then prints only what every one of its recipients may see.
pub fn recipient_kind(template: &Template, agency: Option<&Agency>) -> Option<&'static str> {
    let recipients = &template.info().recipients;
    let kind = match agency {
        Some(a) => serde_json::to_value(a.kind)
            .ok()
            .and_then(|v| v.as_str().and_then(qorgau_letters::recipient_kind))?,
        None if recipients.len() == 1 => qorgau_letters::recipient_kind(&recipients[0])?,
        None => return None,
    };
    recipients.iter().any(|r| r == kind).then_some(kind)
}

/// Refuses an option that would put a sensitive field in a letter whose template may not
/// print it to this recipient, naming the option and why.
fn check_sensitive_options(
    template: &Template,
    recipient: Option<&str>,
    extras: &LetterExtras,
) -> Result<()> {
    let allowed = template.may_print(recipient);
    let to = recipient.unwrap_or("every recipient of this template");
    let options = [
        (
            extras.state_stay_status,
            "worker.stay_status",
            "--state-stay-status (state_stay_status)",
            "the worker's stay status",
        ),
        (
            extras.include_summary,
            "case.summary",
            "--include-summary (include_summary)",
            "the case summary",
        ),
    ];
    for (asked, field, option, what) in options {
        if !asked || allowed.contains(&field) {
            continue;
        }
        let why = if recipient == Some("employer") {
            format!(
                "a letter to an employer never states {what}: an employer of an undocumented \
                 worker can report them to immigration, and has reasons of his own to"
            )
        } else {
            format!(
                "template {} does not print {what} to {to} (its [sensitive] table)",
                template.info().name
            )
        };
        return Err(CoreError::new(
            ErrorCode::Invalid,
            format!("{option} refused: {why}"),
        ));
    }
    Ok(())
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

impl Workspace {
    /// The templates: shipped ones plus the workspace's own (`letters/` in the workspace
    /// directory), which may replace a shipped one by name.
    pub fn letter_templates(&self) -> Result<Vec<TemplateSummary>> {
        Ok(self
            .template_set()?
            .templates()
            .into_iter()
            .map(TemplateSummary::from)
            .collect())
    }

    /// Where this workspace's own templates live.
    pub fn user_template_dir(&self) -> PathBuf {
        self.dir().join("letters")
    }

    fn template_set(&self) -> Result<std::borrow::Cow<'static, TemplateSet>> {
        let dir = self.user_template_dir();
        if dir.is_dir() {
            Ok(std::borrow::Cow::Owned(
                TemplateSet::with_user_dir(&dir).map_err(template_error)?,
            ))
        } else {
            Ok(std::borrow::Cow::Borrowed(
                TemplateSet::shipped().map_err(template_error)?,
            ))
        }
    }

    /// The mission profile, if set.
    pub fn mission(&self) -> Result<Option<MissionProfile>> {
        Ok(self.store.mission()?)
    }

    /// Sets the mission profile; returns the changed fields.
    pub fn set_mission(&mut self, profile: &MissionProfile) -> Result<Vec<String>> {
        Ok(self.store.set_mission(profile)?)
    }

    /// The mission profile's fields that some letter template requires and that are empty
    /// (all of them when there is no profile yet), by field name (`consul_name_ko`).
    pub fn mission_gaps(&self) -> Result<Vec<String>> {
        let mut required: Vec<String> = self
            .letter_templates()?
            .into_iter()
            .flat_map(|t| t.required)
            .filter_map(|f| f.strip_prefix("mission.").map(str::to_string))
            .collect();
        required.sort();
        required.dedup();
        let empty = self.mission()?.map(|m| m.empty_fields());
        Ok(required
            .into_iter()
            .filter(|f| empty.as_ref().is_none_or(|e| e.contains(&f.as_str())))
            .collect())
    }

    /// The values `request` fills its template with (without a number).
    pub fn letter_context(&self, request: &LetterRequest) -> Result<LetterContext> {
        let case = self.case(request.case_id)?;
        let worker_id = request
            .worker_id
            .or_else(|| case.record.workers.first().copied());
        let worker = worker_id.map(|id| self.worker(id)).transpose()?;
        if let Some(asked) = request.worker_id
            && !case.record.workers.contains(&asked)
        {
            return Err(CoreError::invalid(vec![
                qorgau_domain::ValidationIssue::error(
                    "worker",
                    qorgau_domain::IssueCode::UnknownWorker,
                    format!("worker {asked} is not one of this case's workers"),
                ),
            ]));
        }
        let agency = request.agency_id.map(|id| self.agency(id)).transpose()?;
        let set = self.template_set()?;
        let template = find_template(&set, &request.template)?;
        let recipient = recipient_kind(template, agency.as_ref().map(|a| &a.agency));
        check_sensitive_options(template, recipient, &request.extras)?;
        let mission = self.mission()?;
        if template.info().form == qorgau_letters::Form::NoteVerbale
            && let Some(name) = mission.as_ref().and_then(|m| m.name_en.as_deref())
            && !name.starts_with("Embassy")
        {
            return Err(CoreError::new(
                ErrorCode::Invalid,
                format!(
                    "template {} is a note verbale, which the Embassy sends to the Ministry of \
                     Foreign Affairs; this workspace's mission is \"{name}\": ask the Embassy \
                     to send it",
                    template.info().name
                ),
            ));
        }
        Ok(letter_context(
            mission.as_ref(),
            agency.as_ref().map(|a| &a.agency),
            worker.as_ref().map(|w| &w.worker),
            &case.record,
            request.letter_date.unwrap_or_else(today),
            &request.extras,
        ))
    }

    /// The channel `request`'s letter goes to and whether its template may print the stay
    /// status to it (for the safeguard, `crate::safeguards`).
    pub(crate) fn channel_of(
        &self,
        request: &LetterRequest,
    ) -> Result<(Option<&'static str>, bool)> {
        let set = self.template_set()?;
        let template = find_template(&set, &request.template)?;
        let agency = request.agency_id.map(|id| self.agency(id)).transpose()?;
        let channel = recipient_kind(template, agency.as_ref().map(|a| &a.agency));
        let may_state = template.may_print(channel).contains(&"worker.stay_status");
        Ok((channel, may_state))
    }

    /// The recipient kind `request`'s letter goes to ([`recipient_kind`]).
    fn request_recipient(&self, request: &LetterRequest) -> Result<Option<&'static str>> {
        self.recipient_of(&request.template, request.agency_id)
    }

    fn recipient_of(
        &self,
        template: &str,
        agency: Option<AgencyId>,
    ) -> Result<Option<&'static str>> {
        let set = self.template_set()?;
        let template = find_template(&set, template)?;
        let agency = agency.map(|id| self.agency(id)).transpose()?;
        Ok(recipient_kind(template, agency.as_ref().map(|a| &a.agency)))
    }

    /// What the caseworker should read before sending `request`'s letter: the reporting
    /// duty of the channel when it states the worker's stay status (police, immigration,
    /// labour office …), and first-person wording in a note verbale, which speaks of the
    /// Embassy in the third person.
    pub fn letter_warnings(&self, request: &LetterRequest) -> Result<Vec<String>> {
        let mut warnings = Vec::new();
        let recipient = self.request_recipient(request)?;
        if request.extras.state_stay_status
            && let Some(w) = recipient.and_then(crate::letter_data::stay_status_warning)
        {
            warnings.push(w.to_owned());
        }
        if request.extras.state_stay_status
            && let Ok(ctx) = self.letter_context(request)
            && ctx
                .get("worker.stay_status")
                .is_some_and(|s| s.starts_with("B-1") || s.starts_with("C-3"))
        {
            warnings.push(
                "B-1 (visa exemption) and C-3 (short-term visit) do not allow work: stating \
                 them says, in effect, that the worker works without permission."
                    .to_owned(),
            );
        }
        let set = self.template_set()?;
        let template = find_template(&set, &request.template)?;
        if template.info().form == qorgau_letters::Form::NoteVerbale {
            let first_person = |t: &Option<String>, words: &[&str]| {
                t.as_deref().is_some_and(|t| {
                    let lower = t.to_lowercase();
                    words.iter().any(|w| {
                        lower
                            .split(|c: char| !c.is_alphanumeric())
                            .any(|word| word == *w)
                            || (!w.is_ascii() && lower.contains(w))
                    })
                })
            };
            if first_person(&request.extras.details_ko, &["우리", "저희"])
                || first_person(&request.extras.details_en, &["we", "our", "us"])
            {
                warnings.push(
                    "A note verbale speaks of the Embassy in the third person: write \
                     \"대사관은\" / \"the Embassy\", not \"우리\" / \"we\"."
                        .to_owned(),
                );
            }
        }
        Ok(warnings)
    }

    /// Required fields of the template that `request` leaves empty (a draft needs no
    /// number), so a screen can show them before rendering.
    pub fn letter_missing_fields(&self, request: &LetterRequest) -> Result<Vec<String>> {
        let set = self.template_set()?;
        let template = find_template(&set, &request.template)?;
        let ctx = self.letter_context(request)?;
        let options = FillOptions {
            draft: true,
            document_id: [0; 16],
            date: letter_date(request.letter_date.unwrap_or_else(today)),
            recipient: self.request_recipient(request)?,
        };
        Ok(template.missing_fields(&ctx, &options))
    }

    /// Renders a draft: the DRAFT mark, no number, nothing stored.
    pub fn preview_letter(&self, request: &LetterRequest) -> Result<Vec<u8>> {
        let ctx = self.letter_context(request)?;
        let date = request.letter_date.unwrap_or_else(today);
        let options = FillOptions {
            draft: true,
            document_id: document_id(&["draft", &request.case_id.to_string(), &request.template]),
            date: letter_date(date),
            recipient: self.request_recipient(request)?,
        };
        let set = self.template_set()?;
        fill_and_render(&set, &request.template, &ctx, &options)
    }

    /// The letter to store for `request`, filled from `ctx`.
    fn new_letter(&self, request: &LetterRequest, ctx: &LetterContext) -> Result<NewLetter> {
        let set = self.template_set()?;
        let template = find_template(&set, &request.template)?;
        // Only what the template can print is kept (and replicated), not the whole record.
        let info = template.info();
        let keys = template.data_keys();
        let agency = request.agency_id.map(|id| self.agency(id)).transpose()?;
        let allowed =
            template.may_print(recipient_kind(template, agency.as_ref().map(|a| &a.agency)));
        let used = |k: &str| {
            keys.contains(&k)
                && (!qorgau_letters::SENSITIVE_KEYS.contains(&k) || allowed.contains(&k))
        };
        let mut data: std::collections::BTreeMap<String, String> = ctx
            .iter()
            .filter(|(k, _)| used(k))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        // The caseworker's choice about the stay status, recorded with the letter.
        self.letter_safeguard(request)?.record(&mut data);
        Ok(NewLetter {
            case_id: request.case_id,
            agency_id: request.agency_id,
            template: request.template.clone(),
            subject: info.title_ko.clone(),
            letter_date: request.letter_date.unwrap_or_else(today),
            data,
        })
    }

    /// Saves the letter as a draft in the registry (no number).
    pub fn save_draft_letter(&mut self, request: &LetterRequest) -> Result<LetterRecord> {
        let ctx = self.letter_context(request)?;
        let new = self.new_letter(request, &ctx)?;
        let id = self.store.save_draft_letter(&new)?;
        Ok(self.store.letter(id)?)
    }

    /// Registers the letter: the next registry number, the final PDF (no DRAFT mark), its
    /// SHA-256, a timeline entry on the case and an audit entry, in one transaction. A
    /// letter that does not render (missing data, an uncovered character) uses no number.
    /// `draft` registers a saved draft with `request`'s current data.
    pub fn register_letter(
        &mut self,
        request: &LetterRequest,
        draft: Option<LetterId>,
    ) -> Result<RenderedLetter> {
        if let Some(date) = request.letter_date
            && date > today()
        {
            return Err(CoreError::invalid(vec![
                qorgau_domain::ValidationIssue::error(
                    "date",
                    qorgau_domain::IssueCode::DateInFuture,
                    format!("a letter cannot be registered with a future date ({date})"),
                ),
            ]));
        }
        let ctx = self.letter_context(request)?;
        let new = self.new_letter(request, &ctx)?;
        let ctx: LetterContext = crate::safeguards::template_data(&new.data).collect();
        self.register(&new, &ctx, draft)
    }

    /// Registers a saved draft with the data it was saved with, dated today (a draft's date
    /// was only a proposal: a letter numbered in January must not carry December's date).
    pub fn register_draft(&mut self, draft: LetterId) -> Result<RenderedLetter> {
        let saved = self.store.letter(draft)?;
        let date = today();
        let mut data = saved.data;
        for (key, value) in [
            ("letter.date_ko", korean_date(date)),
            ("letter.date_en", english_date(date)),
        ] {
            if data.contains_key(key) {
                data.insert(key.to_owned(), value);
            }
        }
        let ctx: LetterContext = crate::safeguards::template_data(&data).collect();
        let new = NewLetter {
            case_id: saved.case_id,
            agency_id: saved.agency_id,
            template: saved.template,
            subject: saved.subject,
            letter_date: date,
            data,
        };
        self.register(&new, &ctx, Some(draft))
    }

    fn register(
        &mut self,
        new: &NewLetter,
        ctx: &LetterContext,
        draft: Option<LetterId>,
    ) -> Result<RenderedLetter> {
        // `'static`: borrowed from the shipped set, or owned; not from `self`.
        let set = self.template_set()?;
        let recipient = self.recipient_of(&new.template, new.agency_id)?;
        let mut pdf = Vec::new();
        let record = self.store.register_letter(new, draft, |number| {
            pdf = final_pdf(&set, &new.template, ctx, number, new.letter_date, recipient)?;
            Ok::<_, CoreError>(pdf.clone())
        })?;
        Ok(RenderedLetter {
            pdf,
            record: Some(record),
        })
    }

    /// Re-renders a registered letter from its stored data with the current template and
    /// says whether the bytes are the registered ones (they are unless the template or the
    /// engine changed since).
    pub fn rerender_letter(&self, id: LetterId) -> Result<(Vec<u8>, bool)> {
        let saved = self.store.letter(id)?;
        let number = saved.number.as_ref().ok_or_else(|| {
            CoreError::new(
                ErrorCode::Invalid,
                format!("letter {id} is a draft: it has no number"),
            )
        })?;
        let ctx: LetterContext = crate::safeguards::template_data(&saved.data).collect();
        let set = self.template_set()?;
        let recipient = self.recipient_of(&saved.template, saved.agency_id)?;
        let pdf = final_pdf(
            &set,
            &saved.template,
            &ctx,
            &number.text,
            saved.letter_date,
            recipient,
        )?;
        let same = saved.pdf_sha256.as_deref() == Some(hex::encode(Sha256::digest(&pdf)).as_str());
        Ok((pdf, same))
    }

    pub fn letter(&self, id: LetterId) -> Result<LetterRecord> {
        Ok(self.store.letter(id)?)
    }

    /// Letters, newest first; only `case`'s when given.
    pub fn letters(&self, case: Option<CaseId>) -> Result<Vec<LetterRecord>> {
        Ok(self.store.letters(case)?)
    }

    /// The registered PDF, checked against its hash. A letter registered on another device
    /// arrives without its bytes (sync carries the data and the hash): it is rendered again
    /// here from its data, and given only when the result has exactly the registered hash.
    /// Not recorded in the audit log: callers outside core use [`Workspace::letter_pdf`].
    pub(crate) fn registered_pdf(&self, id: LetterId) -> Result<Vec<u8>> {
        let saved = self.store.letter(id)?;
        if saved.number.is_none() || saved.pdf_size.is_some() {
            return Ok(self.store.letter_pdf(id)?);
        }
        let (pdf, same) = self.rerender_letter(id)?;
        if !same {
            return Err(CoreError::new(
                ErrorCode::Storage,
                format!(
                    "letter {id} was registered on another device, and rendering it here does not \
                     reproduce the registered bytes (its templates or fonts differ): take the PDF \
                     from the device that registered it"
                ),
            ));
        }
        Ok(pdf)
    }

    /// Marks a letter sent or void (void keeps its number).
    pub fn mark_letter(
        &mut self,
        id: LetterId,
        status: LetterStatus,
        note: Option<&str>,
    ) -> Result<LetterRecord> {
        Ok(self.store.set_letter_status(id, status, note)?)
    }

    /// Finds the registered letter whose bytes are exactly `pdf`.
    pub fn verify_letter_bytes(&self, pdf: &[u8]) -> Result<LetterVerification> {
        let sha256 = hex::encode(Sha256::digest(pdf));
        let letter = self.store.letter_by_sha256(&sha256)?;
        Ok(LetterVerification { sha256, letter })
    }

    /// The registry number blocks this device holds.
    pub fn registry_blocks(&self) -> Result<Vec<RegistryBlock>> {
        Ok(self.store.registry_blocks()?)
    }
}
