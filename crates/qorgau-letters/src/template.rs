//! Letter templates: TOML data (shipped in `assets/letters/`, or the user's own), parsed and
//! validated at load so that a template that loads always fills.
//!
//! A template names the fields it uses (required or optional) and lists its content as
//! blocks whose text holds `{placeholder}`s from the fixed [`CONTEXT_KEYS`](crate::CONTEXT_KEYS) vocabulary
//! (`{{` and `}}` are literal braces). A block with `if = "field"` (or a list of fields) is
//! left out when any of them is empty, one with `unless = "field"` when it is set. An
//! optional field, and `letter.number` (absent on drafts), may only be used in a block
//! guarded by `if` on that field, so an empty optional value never leaves a gap in a
//! sentence and `worker.stay_status` can never appear unless the caseworker set it.
//!
//! Block kinds: `heading`, `para`, `item` (a 공문 item with `marker` and `level`),
//! `labelled` (`수신`, `제목`, `시행` …), `rule`, `spacer`, `pagebreak`, `signature`, and
//! `end`, which appends `끝.` two spaces after the last text before it (the 공문 end mark).
//!
//! Inside text, `{?field|…}` keeps `…` (which may hold placeholders, `field` among them)
//! only when `field` is set: `성명 {worker.name_cyrillic}{?worker.arn|, 외국인등록번호 {worker.arn}}`.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::context::is_known_key;
use crate::model::Align;

/// The kinds of recipient a template can be addressed to.
pub const RECIPIENT_KINDS: &[&str] = &[
    "labour_office",
    "workers_compensation",
    "immigration",
    "police",
    "hospital",
    "support_centre",
    "human_rights",
    "legal_aid",
    "foreign_ministry",
    "employer",
    "insurer",
    "worker",
    "family",
];

/// Fields that can harm the worker in the wrong hands: the immigration status, the alien
/// registration number, the IIN, the passport number and the caseworker's case summary. A
/// template prints one only for a recipient kind its `[sensitive]` table lists it under;
/// for an employer, never (an employer of an undocumented worker can report them, and faces
/// liability of his own).
pub const SENSITIVE_KEYS: &[&str] = &[
    "worker.stay_status",
    "worker.stay_status_en",
    "worker.arn",
    "worker.iin",
    "worker.passport_no",
    "case.summary",
];

/// Sensitive fields the caseworker adds per letter (off unless chosen): never required.
pub const OPT_IN_KEYS: &[&str] = &[
    "worker.stay_status",
    "worker.stay_status_en",
    "case.summary",
];

/// Recipient kinds that may never be shown a sensitive field, whatever a template says.
pub const NO_SENSITIVE_RECIPIENTS: &[&str] = &["employer"];

/// The recipient kind called `name`, as the `'static` string [`FillOptions`](crate::FillOptions)
/// takes.
pub fn recipient_kind(name: &str) -> Option<&'static str> {
    RECIPIENT_KINDS.iter().copied().find(|k| *k == name)
}

/// The shipped templates, in the order they are listed.
const EMBEDDED: &[(&str, &str)] = &[
    (
        "wage_arrears.toml",
        include_str!("../../../assets/letters/wage_arrears.toml"),
    ),
    (
        "industrial_accident.toml",
        include_str!("../../../assets/letters/industrial_accident.toml"),
    ),
    (
        "consular_access.toml",
        include_str!("../../../assets/letters/consular_access.toml"),
    ),
    (
        "death_police.toml",
        include_str!("../../../assets/letters/death_police.toml"),
    ),
    (
        "death_hospital.toml",
        include_str!("../../../assets/letters/death_hospital.toml"),
    ),
    (
        "support_centre.toml",
        include_str!("../../../assets/letters/support_centre.toml"),
    ),
    (
        "human_rights.toml",
        include_str!("../../../assets/letters/human_rights.toml"),
    ),
    (
        "legal_aid.toml",
        include_str!("../../../assets/letters/legal_aid.toml"),
    ),
    (
        "employer_payment.toml",
        include_str!("../../../assets/letters/employer_payment.toml"),
    ),
    (
        "note_verbale.toml",
        include_str!("../../../assets/letters/note_verbale.toml"),
    ),
    (
        "confirmation.toml",
        include_str!("../../../assets/letters/confirmation.toml"),
    ),
    (
        "crime_victim_police.toml",
        include_str!("../../../assets/letters/crime_victim_police.toml"),
    ),
    (
        "wage_certificate.toml",
        include_str!("../../../assets/letters/wage_certificate.toml"),
    ),
    (
        "substitute_wages.toml",
        include_str!("../../../assets/letters/substitute_wages.toml"),
    ),
    (
        "survivor_benefits.toml",
        include_str!("../../../assets/letters/survivor_benefits.toml"),
    ),
    (
        "detention_release.toml",
        include_str!("../../../assets/letters/detention_release.toml"),
    ),
    (
        "hospital_records.toml",
        include_str!("../../../assets/letters/hospital_records.toml"),
    ),
    (
        "employer_documents.toml",
        include_str!("../../../assets/letters/employer_documents.toml"),
    ),
    (
        "employer_death_payment.toml",
        include_str!("../../../assets/letters/employer_death_payment.toml"),
    ),
    (
        "passport_return.toml",
        include_str!("../../../assets/letters/passport_return.toml"),
    ),
    (
        "insurer_claim.toml",
        include_str!("../../../assets/letters/insurer_claim.toml"),
    ),
    (
        "power_of_attorney.toml",
        include_str!("../../../assets/letters/power_of_attorney.toml"),
    ),
    (
        "data_consent.toml",
        include_str!("../../../assets/letters/data_consent.toml"),
    ),
    (
        "identity_certificate.toml",
        include_str!("../../../assets/letters/identity_certificate.toml"),
    ),
    (
        "note_verbale_notification.toml",
        include_str!("../../../assets/letters/note_verbale_notification.toml"),
    ),
    (
        "voluntary_departure.toml",
        include_str!("../../../assets/letters/voluntary_departure.toml"),
    ),
    (
        "family_power_of_attorney.toml",
        include_str!("../../../assets/letters/family_power_of_attorney.toml"),
    ),
];

/// The layout family of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    /// Korean official letter (공문) to a local agency, with an English version.
    Gongmun,
    /// Third-person note (구술서) to the Ministry of Foreign Affairs.
    NoteVerbale,
    /// Letter to the worker or the family, in Kazakh and Russian.
    Confirmation,
}

impl fmt::Display for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Form::Gongmun => "gongmun",
            Form::NoteVerbale => "note_verbale",
            Form::Confirmation => "confirmation",
        })
    }
}

/// Where a template came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateSource {
    /// Compiled into the binary from `assets/letters/`.
    Embedded,
    /// A file in the user's template directory.
    User(PathBuf),
}

/// What a template is and what it needs, for listing and for checking a case's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateInfo {
    /// Slug, e.g. `wage_arrears`.
    pub name: String,
    /// Korean title.
    pub title_ko: String,
    /// English title.
    pub title_en: String,
    /// One or two sentences on when to use it.
    pub description: String,
    /// Kinds of recipient ([`RECIPIENT_KINDS`]).
    pub recipients: Vec<String>,
    /// Layout family.
    pub form: Form,
    /// Fields that must be set (`letter.number` only on a registered letter).
    pub required: Vec<String>,
    /// Fields used when set.
    pub optional: Vec<String>,
    /// Per recipient kind, the [`SENSITIVE_KEYS`] this template may print to it; a sensitive
    /// field not listed for the letter's recipient is never printed.
    pub sensitive: std::collections::BTreeMap<String, Vec<String>>,
    /// Embedded or a user file.
    pub source: TemplateSource,
}

/// Why a template could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The file is not valid TOML or does not have the template's shape.
    #[error("template {template}: line {line}, column {column}: {message}")]
    Toml {
        /// The template's file name.
        template: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A `{placeholder}` that is not in the context vocabulary.
    #[error(
        "template {template}: unknown placeholder {{{placeholder}}} in {location} (known keys: see CONTEXT_KEYS)"
    )]
    UnknownPlaceholder {
        /// Template name.
        template: String,
        /// The placeholder's key.
        placeholder: String,
        /// `block 3 (line 41)` or `letterhead line 2 (line 12)`.
        location: String,
    },
    /// A placeholder from the vocabulary that the template does not declare.
    #[error(
        "template {template}: placeholder {{{placeholder}}} in {location} is not declared in `required` or `optional`"
    )]
    UndeclaredPlaceholder {
        /// Template name.
        template: String,
        /// The placeholder's key.
        placeholder: String,
        /// Where it is used.
        location: String,
    },
    /// An optional field (or `letter.number`) used in a block not guarded by `if` on it.
    #[error(
        "template {template}: optional field {{{field}}} in {location} needs `if = \"{field}\"` on that block"
    )]
    UnguardedOptional {
        /// Template name.
        template: String,
        /// The field.
        field: String,
        /// Where it is used.
        location: String,
    },
    /// Anything else that makes the template unusable: an unknown field in `required`,
    /// `worker.stay_status` declared required, an unknown block kind, a missing attribute.
    #[error("template {template}: {message}")]
    Invalid {
        /// Template name (or file name when the name is unknown).
        template: String,
        /// What is wrong, with its location.
        message: String,
    },
    /// The user template directory or a file in it could not be read.
    #[error("reading templates from {path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// The OS error.
        message: String,
    },
}

/// A piece of template text: literal, or a field to fill in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Lit(String),
    Field(String),
    /// `{?key|text}`: `text` (which may hold placeholders) only when `key` is set.
    Cond(String, Vec<Piece>),
    /// `{key:은}`: the Korean particle after the field, in the form its last syllable takes.
    Particle(crate::particle::Particle),
}

/// Text with placeholders, parsed.
pub(crate) type Pieces = Vec<Piece>;

/// A validated block.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TBlock {
    /// Left out unless all of these are set.
    pub when: Vec<String>,
    /// Left out if this is set.
    pub unless: Option<String>,
    pub kind: TKind,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TKind {
    Heading(Pieces),
    Para {
        text: Pieces,
        align: Align,
        level: u8,
        bold: bool,
        space_before: f32,
        space_after: f32,
    },
    /// Numbered by the engine: Korean items 1. 가. 1) 가) (1) (가) ① ㉮, others 1. a) (i).
    Item {
        level: u8,
        text: Pieces,
        space_after: f32,
        korean: bool,
    },
    /// 붙임: one enclosure per line, numbered when there are several. Each entry's value may
    /// hold several enclosures, one per line.
    Enclosures {
        label: String,
        items: Vec<Pieces>,
    },
    Labelled {
        label: String,
        text: Pieces,
        bold: bool,
    },
    Rule,
    Spacer(f32),
    PageBreak,
    Signature(Vec<Pieces>),
    End,
}

/// A validated letterhead line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TLetterheadLine {
    pub when: Vec<String>,
    pub text: Pieces,
    pub emphasis: bool,
}

/// A loaded, validated template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub(crate) info: TemplateInfo,
    pub(crate) letterhead: Vec<TLetterheadLine>,
    pub(crate) blocks: Vec<TBlock>,
}

impl Template {
    /// Parses and validates one template. `file` names it in errors until its `name` is known.
    pub fn parse(file: &str, source: &str, origin: TemplateSource) -> Result<Self, TemplateError> {
        let raw: RawTemplate = toml::from_str(source).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|s| line_col(source, s.start))
                .unwrap_or((1, 1));
            TemplateError::Toml {
                template: file.to_owned(),
                line,
                column,
                message: e.message().trim().to_owned(),
            }
        })?;
        Validator {
            name: raw.name.clone(),
            source,
        }
        .validate(raw, origin)
    }

    /// What the template is and needs.
    pub fn info(&self) -> &TemplateInfo {
        &self.info
    }
}

/// The templates available: the shipped ones, plus the user's, which may replace a shipped
/// one by using its name.
#[derive(Debug, Clone)]
pub struct TemplateSet {
    templates: Vec<Template>,
}

static SHIPPED: std::sync::LazyLock<Result<TemplateSet, TemplateError>> =
    std::sync::LazyLock::new(TemplateSet::embedded);

impl TemplateSet {
    /// The shipped templates, parsed and validated once per process.
    pub fn shipped() -> Result<&'static TemplateSet, TemplateError> {
        SHIPPED.as_ref().map_err(Clone::clone)
    }

    /// The shipped templates.
    pub fn embedded() -> Result<Self, TemplateError> {
        let mut set = Self {
            templates: Vec::new(),
        };
        for (file, source) in EMBEDDED {
            set.insert(Template::parse(file, source, TemplateSource::Embedded)?)?;
        }
        Ok(set)
    }

    /// The shipped templates plus every `*.toml` in `dir` (in file-name order), each
    /// validated; a user template with a shipped template's name replaces it. A directory
    /// that does not exist adds nothing.
    pub fn with_user_dir(dir: impl AsRef<Path>) -> Result<Self, TemplateError> {
        let mut set = Self::embedded()?;
        set.load_dir(dir.as_ref())?;
        Ok(set)
    }

    /// Adds every `*.toml` in `dir`, as [`TemplateSet::with_user_dir`] does.
    pub fn load_dir(&mut self, dir: &Path) -> Result<(), TemplateError> {
        let io = |path: &Path, e: std::io::Error| TemplateError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io(dir, e)),
        };
        let mut paths = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| io(dir, e))?.path();
            if path.extension().is_some_and(|x| x == "toml") && path.is_file() {
                paths.push(path);
            }
        }
        paths.sort();
        for path in paths {
            let source = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
            let file = path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            self.replace(Template::parse(
                &file,
                &source,
                TemplateSource::User(path.clone()),
            )?);
        }
        Ok(())
    }

    /// Adds one template from TOML text, replacing any template of the same name.
    pub fn add_toml(
        &mut self,
        file: &str,
        source: &str,
        origin: TemplateSource,
    ) -> Result<(), TemplateError> {
        self.replace(Template::parse(file, source, origin)?);
        Ok(())
    }

    fn insert(&mut self, template: Template) -> Result<(), TemplateError> {
        if self.get(&template.info.name).is_some() {
            return Err(TemplateError::Invalid {
                template: template.info.name.clone(),
                message: "two shipped templates have this name".into(),
            });
        }
        self.templates.push(template);
        Ok(())
    }

    fn replace(&mut self, template: Template) {
        match self
            .templates
            .iter_mut()
            .find(|t| t.info.name == template.info.name)
        {
            Some(slot) => *slot = template,
            None => self.templates.push(template),
        }
    }

    /// Every template's description, shipped ones first in their fixed order.
    pub fn templates(&self) -> Vec<TemplateInfo> {
        self.templates.iter().map(|t| t.info.clone()).collect()
    }

    /// The template called `name`.
    pub fn get(&self, name: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.info.name == name)
    }
}

// ---------------------------------------------------------------------------------------
// The TOML shape.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    name: String,
    title_ko: String,
    title_en: String,
    description: String,
    recipients: Vec<String>,
    form: Form,
    required: Vec<String>,
    #[serde(default)]
    optional: Vec<String>,
    #[serde(default)]
    letterhead: Vec<toml::Spanned<RawLetterheadLine>>,
    #[serde(default, rename = "block")]
    blocks: Vec<toml::Spanned<RawBlock>>,
    #[serde(default)]
    sensitive: std::collections::BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLetterheadLine {
    text: String,
    #[serde(default)]
    emphasis: bool,
    #[serde(default, rename = "if")]
    when: Option<OneOrMany>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBlock {
    kind: String,
    text: Option<String>,
    label: Option<String>,
    marker: Option<String>,
    level: Option<u8>,
    align: Option<String>,
    bold: Option<bool>,
    lines: Option<Vec<String>>,
    items: Option<Vec<String>>,
    mm: Option<f32>,
    space_before: Option<f32>,
    space_after: Option<f32>,
    #[serde(rename = "if")]
    when: Option<OneOrMany>,
    unless: Option<String>,
}

fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

struct Validator<'a> {
    name: String,
    source: &'a str,
}

impl Validator<'_> {
    fn invalid(&self, message: impl Into<String>) -> TemplateError {
        TemplateError::Invalid {
            template: self.name.clone(),
            message: message.into(),
        }
    }

    fn validate(
        &self,
        raw: RawTemplate,
        origin: TemplateSource,
    ) -> Result<Template, TemplateError> {
        if raw.name.is_empty()
            || !raw
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(self.invalid("`name` must be a slug of a-z, 0-9 and _"));
        }
        for kind in &raw.recipients {
            if !RECIPIENT_KINDS.contains(&kind.as_str()) {
                return Err(self.invalid(format!(
                    "unknown recipient kind `{kind}` (known: {})",
                    RECIPIENT_KINDS.join(", ")
                )));
            }
        }
        if raw.recipients.is_empty() {
            return Err(self.invalid("`recipients` is empty"));
        }
        let mut seen = Vec::new();
        for field in raw.required.iter().chain(&raw.optional) {
            if !is_known_key(field) {
                return Err(self.invalid(format!(
                    "declared field `{field}` is not in the context vocabulary"
                )));
            }
            if seen.contains(&field) {
                return Err(self.invalid(format!("field `{field}` is declared twice")));
            }
            seen.push(field);
        }
        if raw.required.iter().any(|f| f == "worker.stay_status") {
            return Err(self.invalid(
                "`worker.stay_status` must be optional: a letter states immigration status only \
                 when the caseworker includes it",
            ));
        }
        self.check_sensitive(&raw)?;
        let decl = Declared {
            required: &raw.required,
            optional: &raw.optional,
        };

        let mut letterhead = Vec::new();
        for (i, line) in raw.letterhead.into_iter().enumerate() {
            let span = line.span();
            let line = line.into_inner();
            let at = Location {
                what: format!("letterhead line {}", i + 1),
                span,
            };
            let when = line.when.map(OneOrMany::into_vec).unwrap_or_default();
            self.check_guards(&when, None, &decl, &at)?;
            let text = self.pieces(&line.text, &decl, &when, &at)?;
            letterhead.push(TLetterheadLine {
                when,
                text,
                emphasis: line.emphasis,
            });
        }

        let mut blocks = Vec::new();
        for (i, block) in raw.blocks.into_iter().enumerate() {
            let span = block.span();
            let at = Location {
                what: format!("block {}", i + 1),
                span,
            };
            blocks.push(self.block(block.into_inner(), &decl, &at)?);
        }
        if blocks.is_empty() {
            return Err(self.invalid("the template has no [[block]]"));
        }

        Ok(Template {
            info: TemplateInfo {
                name: raw.name,
                title_ko: raw.title_ko,
                title_en: raw.title_en,
                description: raw.description.trim().to_owned(),
                recipients: raw.recipients,
                form: raw.form,
                required: raw.required,
                optional: raw.optional,
                sensitive: raw.sensitive,
                source: origin,
            },
            letterhead,
            blocks,
        })
    }

    /// The `[sensitive]` table: recipient kinds of this template, sensitive fields only,
    /// nothing for an employer; a declared sensitive field is allowed for some recipient,
    /// and required only when every recipient may see it; opt-in fields are never required.
    fn check_sensitive(&self, raw: &RawTemplate) -> Result<(), TemplateError> {
        for (kind, fields) in &raw.sensitive {
            if !raw.recipients.contains(kind) {
                return Err(self.invalid(format!(
                    "`[sensitive]` names `{kind}`, which is not one of this template's recipients"
                )));
            }
            if NO_SENSITIVE_RECIPIENTS.contains(&kind.as_str()) && !fields.is_empty() {
                return Err(self.invalid(format!(
                    "`[sensitive]` allows {} to an {kind}: a letter to an {kind} never states a \
                     stay status, an alien registration number, an IIN, a passport number or the \
                     case summary (an employer of an undocumented worker can report them)",
                    fields.join(", ")
                )));
            }
            for field in fields {
                if !SENSITIVE_KEYS.contains(&field.as_str()) {
                    return Err(self.invalid(format!(
                        "`[sensitive]` lists `{field}`, which is not a sensitive field ({})",
                        SENSITIVE_KEYS.join(", ")
                    )));
                }
            }
        }
        let allowed_for = |kind: &str, field: &str| {
            raw.sensitive
                .get(kind)
                .is_some_and(|f| f.iter().any(|x| x == field))
        };
        for field in raw.required.iter().chain(&raw.optional) {
            if !SENSITIVE_KEYS.contains(&field.as_str()) {
                continue;
            }
            if !raw.recipients.iter().any(|k| allowed_for(k, field)) {
                return Err(self.invalid(format!(
                    "`{field}` is sensitive and no recipient may see it: list it under a \
                     recipient kind in `[sensitive]`, or do not declare it"
                )));
            }
            let required = raw.required.contains(field);
            if required && OPT_IN_KEYS.contains(&field.as_str()) {
                return Err(self.invalid(format!(
                    "`{field}` must be optional: a letter states it only when the caseworker \
                     includes it"
                )));
            }
            if required && !raw.recipients.iter().all(|k| allowed_for(k, field)) {
                return Err(self.invalid(format!(
                    "`{field}` is required but not every recipient may see it: make it \
                     optional, or allow it for every recipient kind in `[sensitive]`"
                )));
            }
        }
        Ok(())
    }

    fn where_(&self, at: &Location, needle: Option<&str>) -> String {
        let start = at.span.start.min(self.source.len());
        // The span of an array-of-tables element may cover only its `[[block]]` header:
        // search up to the next table header.
        let next_header = self.source[start..]
            .get(1..)
            .and_then(|rest| rest.find("\n["))
            .map_or(self.source.len(), |i| start + 1 + i);
        let end = at.span.end.min(self.source.len()).max(next_header);
        let offset = needle
            .and_then(|n| self.source[start..end].find(n))
            .map_or(start, |o| start + o);
        let (line, _) = line_col(self.source, offset);
        format!("{} (line {line})", at.what)
    }

    fn check_guards(
        &self,
        when: &[String],
        unless: Option<&str>,
        decl: &Declared<'_>,
        at: &Location,
    ) -> Result<(), TemplateError> {
        for field in when.iter().map(String::as_str).chain(unless) {
            if !is_known_key(field) {
                return Err(self.invalid(format!(
                    "`if`/`unless` field `{field}` in {} is not in the context vocabulary",
                    self.where_(at, None)
                )));
            }
            if !decl.declares(field) {
                return Err(self.invalid(format!(
                    "`if`/`unless` field `{field}` in {} is not declared in `required` or `optional`",
                    self.where_(at, None)
                )));
            }
        }
        Ok(())
    }

    fn pieces(
        &self,
        text: &str,
        decl: &Declared<'_>,
        when: &[String],
        at: &Location,
    ) -> Result<Pieces, TemplateError> {
        let pieces = parse_pieces(text).map_err(|message| {
            self.invalid(format!("{}: {message}", self.where_(at, Some(text))))
        })?;
        let mut fields: Vec<(&str, Vec<&str>)> = Vec::new();
        for piece in &pieces {
            match piece {
                Piece::Lit(_) | Piece::Particle(_) => {}
                Piece::Field(key) => fields.push((key, Vec::new())),
                Piece::Cond(cond, inner) => {
                    fields.push((cond, vec![cond.as_str()]));
                    for p in inner {
                        if let Piece::Field(key) = p {
                            fields.push((key, vec![cond.as_str()]));
                        }
                    }
                }
            }
        }
        for (key, extra_guards) in fields {
            let is_cond_key = extra_guards.contains(&key);
            let needle = if is_cond_key {
                format!("{{?{key}|")
            } else {
                format!("{{{key}}}")
            };
            if !is_known_key(key) {
                return Err(TemplateError::UnknownPlaceholder {
                    template: self.name.clone(),
                    placeholder: key.to_owned(),
                    location: self.where_(at, Some(&needle)),
                });
            }
            if !decl.declares(key) {
                return Err(TemplateError::UndeclaredPlaceholder {
                    template: self.name.clone(),
                    placeholder: key.to_owned(),
                    location: self.where_(at, Some(&needle)),
                });
            }
            let needs_guard = decl.is_optional(key) || key == "letter.number";
            let source = amount_source(key);
            let guarded = is_cond_key
                || extra_guards.contains(&key)
                || when.iter().any(|w| w == key || Some(w.as_str()) == source)
                || source.is_some_and(|s| extra_guards.contains(&s));
            if needs_guard && !guarded {
                return Err(TemplateError::UnguardedOptional {
                    template: self.name.clone(),
                    field: key.to_owned(),
                    location: self.where_(at, Some(&needle)),
                });
            }
        }
        Ok(pieces)
    }

    fn literal(&self, what: &str, value: &str, at: &Location) -> Result<String, TemplateError> {
        if value.contains('{') || value.contains('}') {
            return Err(self.invalid(format!(
                "{}: `{what}` is literal text; placeholders go in `text`",
                self.where_(at, Some(value))
            )));
        }
        Ok(value.to_owned())
    }

    fn block(
        &self,
        raw: RawBlock,
        decl: &Declared<'_>,
        at: &Location,
    ) -> Result<TBlock, TemplateError> {
        let when = raw.when.map(OneOrMany::into_vec).unwrap_or_default();
        self.check_guards(&when, raw.unless.as_deref(), decl, at)?;
        let kind = raw.kind.as_str();
        // Which attributes each kind takes.
        let allowed: &[&str] = match kind {
            "heading" => &["text"],
            "para" => &[
                "text",
                "align",
                "level",
                "bold",
                "space_before",
                "space_after",
            ],
            "item" => &["text", "level", "space_after"],
            "labelled" => &["text", "label", "bold"],
            "enclosures" => &["label", "items"],
            "rule" | "pagebreak" | "end" => &[],
            "spacer" => &["mm"],
            "signature" => &["lines"],
            other => {
                return Err(self.invalid(format!(
                    "{}: unknown block kind `{other}` (heading, para, item, labelled, \
                     enclosures, rule, spacer, pagebreak, signature, end)",
                    self.where_(at, None)
                )));
            }
        };
        let present = [
            ("text", raw.text.is_some()),
            ("label", raw.label.is_some()),
            ("marker", raw.marker.is_some()),
            ("level", raw.level.is_some()),
            ("align", raw.align.is_some()),
            ("bold", raw.bold.is_some()),
            ("lines", raw.lines.is_some()),
            ("items", raw.items.is_some()),
            ("mm", raw.mm.is_some()),
            ("space_before", raw.space_before.is_some()),
            ("space_after", raw.space_after.is_some()),
        ];
        if raw.marker.is_some() {
            return Err(self.invalid(format!(
                "{}: templates never write item markers (`marker`): the engine numbers items \
                 by `level` (1. 가. 1) 가) …), so a left-out item leaves no gap",
                self.where_(at, None)
            )));
        }
        for (attr, is_present) in present {
            if is_present && !allowed.contains(&attr) {
                return Err(self.invalid(format!(
                    "{}: a `{kind}` block takes no `{attr}`",
                    self.where_(at, None)
                )));
            }
        }
        let need = |v: Option<String>, attr: &str| {
            v.ok_or_else(|| {
                self.invalid(format!(
                    "{}: a `{kind}` block needs `{attr}`",
                    self.where_(at, None)
                ))
            })
        };
        let level = raw.level.unwrap_or(0);
        if level > 7 {
            return Err(self.invalid(format!("{}: `level` is 0–7", self.where_(at, None))));
        }
        let kind = match kind {
            "heading" => TKind::Heading(self.pieces(&need(raw.text, "text")?, decl, &when, at)?),
            "para" => {
                let align = match raw.align.as_deref().unwrap_or("justify") {
                    "justify" => Align::Justify,
                    "left" => Align::Left,
                    "center" => Align::Center,
                    "right" => Align::Right,
                    other => {
                        return Err(self.invalid(format!(
                            "{}: unknown align `{other}` (justify, left, center, right)",
                            self.where_(at, None)
                        )));
                    }
                };
                TKind::Para {
                    text: self.pieces(&need(raw.text, "text")?, decl, &when, at)?,
                    align,
                    level,
                    bold: raw.bold.unwrap_or(false),
                    space_before: raw.space_before.unwrap_or(0.0),
                    space_after: raw.space_after.unwrap_or(2.0),
                }
            }
            "item" => {
                let text = self.pieces(&need(raw.text, "text")?, decl, &when, at)?;
                let korean = is_korean(&text);
                TKind::Item {
                    level,
                    text,
                    space_after: raw.space_after.unwrap_or(0.8),
                    korean,
                }
            }
            "enclosures" => TKind::Enclosures {
                label: self.literal("label", &need(raw.label, "label")?, at)?,
                // An enclosure whose fields are empty is left out, so each entry guards its
                // own fields.
                items: raw
                    .items
                    .unwrap_or_default()
                    .iter()
                    .map(|l| {
                        let mut own = when.clone();
                        if let Ok(pieces) = parse_pieces(l) {
                            own.extend(pieces.iter().filter_map(|p| match p {
                                Piece::Field(k) => Some(k.clone()),
                                _ => None,
                            }));
                        }
                        self.pieces(l, decl, &own, at)
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            },
            "labelled" => TKind::Labelled {
                label: self.literal("label", &need(raw.label, "label")?, at)?,
                text: self.pieces(&raw.text.unwrap_or_default(), decl, &when, at)?,
                bold: raw.bold.unwrap_or(false),
            },
            "rule" => TKind::Rule,
            "pagebreak" => TKind::PageBreak,
            "end" => TKind::End,
            "spacer" => TKind::Spacer(raw.mm.unwrap_or(4.0).clamp(0.0, 100.0)),
            "signature" => {
                let lines = raw.lines.ok_or_else(|| {
                    self.invalid(format!(
                        "{}: a `signature` block needs `lines`",
                        self.where_(at, None)
                    ))
                })?;
                let lines = lines
                    .iter()
                    .map(|l| self.pieces(l, decl, &when, at))
                    .collect::<Result<Vec<_>, _>>()?;
                TKind::Signature(lines)
            }
            _ => unreachable!("kinds are matched above"),
        };
        Ok(TBlock {
            when,
            unless: raw.unless,
            kind,
        })
    }
}

struct Declared<'a> {
    required: &'a [String],
    optional: &'a [String],
}

impl Declared<'_> {
    /// Declared in `required` or `optional`; an amount in words (`case.amount_claimed_ko`)
    /// counts as declared with its figures.
    fn declares(&self, field: &str) -> bool {
        self.required
            .iter()
            .chain(self.optional)
            .any(|f| f == field || amount_source(field) == Some(f.as_str()))
    }

    /// Optional: the field itself, or the figures an amount in words is made from.
    fn is_optional(&self, field: &str) -> bool {
        self.optional
            .iter()
            .any(|f| f == field || amount_source(field) == Some(f.as_str()))
    }
}

/// The figures a computed amount in words is made from.
fn amount_source(field: &str) -> Option<&'static str> {
    match field {
        "case.amount_claimed_ko" => Some("case.amount_claimed_krw"),
        "case.amount_recovered_ko" => Some("case.amount_recovered_krw"),
        _ => None,
    }
}

struct Location {
    what: String,
    span: std::ops::Range<usize>,
}

/// Whether an item is Korean (numbered 1. 가. 1) …) or not (1. a) (i)): by its first letter,
/// or by its first field when it starts with one (`{letter.details_ko}`). An English item
/// quoting a Korean term in parentheses stays English.
fn is_korean(pieces: &[Piece]) -> bool {
    for p in pieces {
        match p {
            Piece::Lit(s) => {
                if let Some(c) = s.chars().find(|c| c.is_alphabetic()) {
                    return crate::fonts::is_hangul(c);
                }
            }
            Piece::Field(k) => return k.ends_with("_ko"),
            Piece::Cond(_, inner) => return is_korean(inner),
            Piece::Particle(_) => return true,
        }
    }
    false
}

/// Splits `text` into literal text and `{key}` placeholders; `{{` and `}}` are literal braces.
pub(crate) fn parse_pieces(text: &str) -> Result<Pieces, String> {
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                lit.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                lit.push('}');
            }
            '{' if chars.peek() == Some(&'?') => {
                chars.next();
                let mut key = String::new();
                loop {
                    match chars.next() {
                        Some('|') => break,
                        Some(k) if k.is_ascii_alphanumeric() || k == '_' || k == '.' => key.push(k),
                        _ => {
                            return Err(format!(
                                "malformed conditional `{{?{key}`: write {{?field|text}}"
                            ));
                        }
                    }
                }
                let mut inner = String::new();
                let mut depth = 0usize;
                loop {
                    match chars.next() {
                        Some('}') if depth == 0 => break,
                        Some(c) => {
                            if c == '{' {
                                depth += 1;
                            } else if c == '}' {
                                depth -= 1;
                            }
                            inner.push(c);
                        }
                        None => return Err(format!("unclosed conditional `{{?{key}|`")),
                    }
                }
                let inner = parse_pieces(&inner)?;
                if inner.iter().any(|p| matches!(p, Piece::Cond(..))) {
                    return Err("conditionals `{?field|…}` cannot be nested".into());
                }
                if !lit.is_empty() {
                    pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                }
                pieces.push(Piece::Cond(key, inner));
            }
            '{' => {
                let mut key = String::new();
                let mut particle: Option<String> = None;
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(':') if particle.is_none() => particle = Some(String::new()),
                        Some(k) if particle.is_some() => particle.as_mut().unwrap().push(k),
                        Some(k) if k.is_ascii_alphanumeric() || k == '_' || k == '.' => key.push(k),
                        Some(k) => {
                            return Err(format!(
                                "character {k:?} inside a placeholder (write {{{{ for a literal brace)"
                            ));
                        }
                        None => return Err(format!("unclosed placeholder `{{{key}`")),
                    }
                }
                if key.is_empty() && particle.is_none() {
                    return Err("empty placeholder `{}`".into());
                }
                if !lit.is_empty() {
                    pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                }
                if !key.is_empty() {
                    pieces.push(Piece::Field(key));
                }
                if let Some(word) = particle {
                    let particle = crate::particle::Particle::parse(&word).ok_or_else(|| {
                        format!(
                            "unknown particle `{word}` after a placeholder (은/는, 이/가, 을/를, \
                             과/와, 으로/로, 이다/다 …: {})",
                            crate::particle::Particle::NAMES
                        )
                    })?;
                    pieces.push(Piece::Particle(particle));
                }
            }
            '}' => return Err("a lone `}` (write }} for a literal brace)".into()),
            _ => lit.push(c),
        }
    }
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit));
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_split_literal_and_fields() {
        assert_eq!(
            parse_pieces("a {worker.iin} b {{x}}").unwrap(),
            vec![
                Piece::Lit("a ".into()),
                Piece::Field("worker.iin".into()),
                Piece::Lit(" b {x}".into()),
            ]
        );
        assert!(parse_pieces("{oops").is_err());
        assert!(parse_pieces("{a b}").is_err());
        assert!(parse_pieces("x } y").is_err());
    }

    #[test]
    fn line_and_column() {
        assert_eq!(line_col("ab\ncd\nef", 4), (2, 2));
        assert_eq!(line_col("ab", 0), (1, 1));
    }
}
