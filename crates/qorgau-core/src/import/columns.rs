//! Which column holds which field: headers in Russian, Kazakh, English or Korean matched by
//! synonyms (compared after the domain's name normalisation, so case, punctuation, ё/е and
//! й/и do not matter), or an explicit mapping file.
//!
//! A mapping file is a JSON or TOML object from a column's header (or its letter, `A`, `B` …)
//! to a field name, `""` or `"ignore"` to leave the column out:
//!
//! ```toml
//! "Ф.И.О. работника" = "full_name"
//! "Контакт" = "phones"
//! D = "ignore"
//! ```

use crate::error::{CoreError, ErrorCode};
use qorgau_domain::names;
use serde::Serialize;
use std::collections::BTreeMap;

/// What is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ImportKind {
    Workers,
    Cases,
}

/// Worker fields a column can hold. `full_name` is split by script into the name fields;
/// `employer_phone` is the employer's phone; `phones` may hold several numbers.
const WORKER_FIELDS: &[(&str, &[&str])] = &[
    (
        "surname",
        &[
            "фамилия",
            "тегі",
            "surname",
            "last name",
            "family name",
            "성",
        ],
    ),
    (
        "given_name",
        &["имя", "аты", "given name", "first name", "이름"],
    ),
    (
        "patronymic",
        &[
            "отчество",
            "әкесінің аты",
            "patronymic",
            "middle name",
            "부칭",
        ],
    ),
    (
        "full_name",
        &[
            "фио",
            "ф и о",
            "полное имя",
            "аты жөні",
            "толық аты жөні",
            "name",
            "full name",
            "성명",
        ],
    ),
    (
        "latin_name",
        &[
            "латиница",
            "фио латиницей",
            "имя латиницей",
            "латынша",
            "латын әрпімен",
            "latin name",
            "name in passport",
            "passport name",
            "영문 성명",
            "영문성명",
            "영문 이름",
            "영문명",
        ],
    ),
    (
        "hangul_name",
        &[
            "на корейском",
            "имя на корейском",
            "корейское имя",
            "корейша аты",
            "корейше",
            "hangul name",
            "korean name",
            "한글 성명",
            "한글성명",
            "한글 이름",
            "한글명",
        ],
    ),
    ("sex", &["пол", "жынысы", "sex", "gender", "성별"]),
    (
        "birth_date",
        &[
            "дата рождения",
            "туған күні",
            "туылған күні",
            "туған күні айы жылы",
            "birth date",
            "date of birth",
            "dob",
            "생년월일",
        ],
    ),
    ("iin", &["иин", "жсн", "iin", "개인식별번호"]),
    (
        "passport_no",
        &[
            "паспорт",
            "номер паспорта",
            "паспорт нөмірі",
            "төлқұжат",
            "төлқұжат нөмірі",
            "passport",
            "passport no",
            "passport number",
            "여권",
            "여권번호",
        ],
    ),
    (
        "passport_expiry",
        &[
            "срок действия паспорта",
            "паспорт действителен до",
            "төлқұжаттың жарамдылық мерзімі",
            "passport expiry",
            "passport valid until",
            "여권만료일",
            "여권 만료일",
        ],
    ),
    (
        "id_card_no",
        &[
            "удостоверение личности",
            "номер удостоверения",
            "жеке куәлік",
            "id card",
            "신분증번호",
        ],
    ),
    (
        "arn",
        &[
            "номер регистрационной карты",
            "регистрационная карта",
            "тіркеу картасы",
            "arn",
            "alien registration number",
            "외국인등록번호",
            "등록번호",
        ],
    ),
    (
        "stay_status",
        &[
            "виза",
            "статус пребывания",
            "виза түрі",
            "stay status",
            "visa",
            "체류자격",
            "비자",
        ],
    ),
    (
        "entry_date",
        &["дата въезда", "келген күні", "entry date", "입국일"],
    ),
    (
        "phones",
        &[
            "телефон",
            "тел",
            "телефоны",
            "номер телефона",
            "телефон нөмірі",
            "phone",
            "phones",
            "mobile",
            "전화",
            "전화번호",
            "연락처",
            "휴대폰",
        ],
    ),
    (
        "address_kr",
        &[
            "адрес",
            "адрес в корее",
            "мекенжай",
            "кореядағы мекенжай",
            "address",
            "주소",
        ],
    ),
    (
        "province",
        &[
            "регион",
            "область",
            "провинция",
            "аймақ",
            "облыс",
            "province",
            "region",
            "시도",
            "지역",
        ],
    ),
    (
        "employer",
        &[
            "работодатель",
            "жұмыс беруші",
            "employer",
            "company",
            "사업장",
            "회사",
            "고용주",
        ],
    ),
    (
        "employer_phone",
        &[
            "телефон работодателя",
            "жұмыс берушінің телефоны",
            "employer phone",
            "사업장 전화",
        ],
    ),
    (
        "occupation",
        &[
            "профессия",
            "должность",
            "кәсібі",
            "occupation",
            "job",
            "직업",
            "직종",
        ],
    ),
    (
        "notes",
        &[
            "примечание",
            "примечания",
            "ескерту",
            "notes",
            "note",
            "comment",
            "비고",
            "메모",
        ],
    ),
];

/// Case fields besides the worker columns (which find the case's worker).
const CASE_FIELDS: &[(&str, &[&str])] = &[
    (
        "case_type",
        &[
            "тип",
            "тип дела",
            "вид обращения",
            "іс түрі",
            "case type",
            "type",
            "유형",
            "사건 유형",
        ],
    ),
    ("status", &["статус", "мәртебе", "күйі", "status", "상태"]),
    (
        "priority",
        &["приоритет", "басымдық", "priority", "우선순위"],
    ),
    (
        "occurred_on",
        &[
            "дата события",
            "дата происшествия",
            "оқиға күні",
            "occurred on",
            "date",
            "발생일",
        ],
    ),
    (
        "reported_on",
        &["дата обращения", "өтініш күні", "reported on", "접수일"],
    ),
    (
        "closed_on",
        &["дата закрытия", "жабылған күні", "closed on", "종결일"],
    ),
    ("place", &["место", "орны", "place", "장소"]),
    (
        "summary",
        &[
            "описание",
            "суть",
            "сипаттама",
            "summary",
            "description",
            "내용",
            "개요",
        ],
    ),
    (
        "agency_ref",
        &[
            "номер дела в ведомстве",
            "agency ref",
            "사건번호",
            "접수번호",
        ],
    ),
    (
        "assignee",
        &[
            "ответственный",
            "исполнитель",
            "жауапты",
            "assignee",
            "담당자",
        ],
    ),
    (
        "amount_claimed_krw",
        &[
            "сумма требования",
            "заявленная сумма",
            "талап етілген сома",
            "amount claimed",
            "청구액",
            "체불액",
        ],
    ),
    (
        "amount_recovered_krw",
        &[
            "взыскано",
            "возвращено",
            "өндірілген сома",
            "amount recovered",
            "회수액",
        ],
    ),
];

/// The worker fields a case sheet uses to find the case's worker.
const CASE_WORKER_FIELDS: &[&str] = &[
    "surname",
    "given_name",
    "patronymic",
    "full_name",
    "latin_name",
    "hangul_name",
    "birth_date",
    "iin",
    "passport_no",
];

/// Fields several columns may feed (their values are joined).
const REPEATABLE: &[&str] = &["phones", "notes"];

fn fields(kind: ImportKind) -> Vec<(&'static str, &'static [&'static str])> {
    match kind {
        ImportKind::Workers => WORKER_FIELDS.to_vec(),
        ImportKind::Cases => WORKER_FIELDS
            .iter()
            .filter(|(f, _)| CASE_WORKER_FIELDS.contains(f))
            .chain(CASE_FIELDS)
            .copied()
            .collect(),
    }
}

/// The field names a column may be mapped to.
pub fn field_names(kind: ImportKind) -> Vec<&'static str> {
    fields(kind).into_iter().map(|(f, _)| f).collect()
}

/// One column of the sheet and the field it feeds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColumnUse {
    /// The column's letter (`A`, `B`, … `AA`).
    pub column: String,
    pub header: String,
    /// The field, or none when the column is left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An explicit mapping: header text (normalised) or column letter → field, `None` = ignore.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMapping {
    entries: BTreeMap<String, Option<String>>,
}

impl ColumnMapping {
    /// Parses a mapping file (JSON when it starts with `{`, TOML otherwise) and checks every
    /// field it names.
    pub fn parse(text: &str, kind: ImportKind) -> Result<Self, CoreError> {
        let raw: BTreeMap<String, String> = if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| mapping_error(format!("{e}")))?
        } else {
            toml::from_str(text).map_err(|e| mapping_error(format!("{e}")))?
        };
        let known = field_names(kind);
        let mut entries = BTreeMap::new();
        for (column, field) in raw {
            let field = field.trim();
            let target = if field.is_empty() || field == "ignore" {
                None
            } else if known.contains(&field) {
                Some(field.to_string())
            } else {
                return Err(mapping_error(format!(
                    "column {column:?} is mapped to {field:?}, which is not a field; use one of {}",
                    known.join(", ")
                )));
            };
            entries.insert(mapping_key(&column), target);
        }
        Ok(Self { entries })
    }

    fn lookup(&self, letter: &str, header: &str) -> Option<&Option<String>> {
        self.entries
            .get(&mapping_key(header))
            .or_else(|| self.entries.get(letter))
    }
}

fn mapping_error(message: String) -> CoreError {
    CoreError::new(ErrorCode::Invalid, format!("mapping file: {message}"))
}

/// A column letter stays as it is (upper case); a header is normalised.
fn mapping_key(text: &str) -> String {
    let t = text.trim();
    if !t.is_empty() && t.len() <= 3 && t.chars().all(|c| c.is_ascii_uppercase()) {
        t.to_string()
    } else {
        normalise_header(t)
    }
}

/// A header as synonyms are compared: normalised like names, with anything in parentheses
/// (a format hint such as "(ДД.ММ.ГГГГ)") dropped.
fn normalise_header(header: &str) -> String {
    let mut plain = String::with_capacity(header.len());
    let mut depth = 0usize;
    for c in header.chars() {
        match c {
            '№' if depth == 0 => plain.push_str(" номер "),
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let normal = names::normalise(&plain);
    if normal.is_empty() {
        names::normalise(header)
    } else {
        normal
    }
}

/// The column letter of a 0-based index (`A` … `Z`, `AA` …).
pub fn column_letter(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Decides each column's field. Two columns feeding one field (other than phones and notes)
/// are refused with both named.
pub fn map_columns(
    header: &[String],
    kind: ImportKind,
    mapping: Option<&ColumnMapping>,
) -> Result<Vec<ColumnUse>, CoreError> {
    let table = fields(kind);
    let synonyms: Vec<(&str, Vec<String>)> = table
        .iter()
        .map(|(field, words)| {
            let mut all: Vec<String> = words.iter().map(|w| normalise_header(w)).collect();
            all.push(normalise_header(field));
            all.push(normalise_header(&field.replace('_', " ")));
            (*field, all)
        })
        .collect();
    let mut uses: Vec<ColumnUse> = Vec::with_capacity(header.len());
    for (i, text) in header.iter().enumerate() {
        let letter = column_letter(i);
        let field = match mapping.and_then(|m| m.lookup(&letter, text)) {
            Some(explicit) => explicit.clone(),
            None => {
                let normal = normalise_header(text);
                synonyms
                    .iter()
                    .find(|(_, words)| words.contains(&normal))
                    .map(|(f, _)| f.to_string())
            }
        };
        if let Some(f) = &field
            && !REPEATABLE.contains(&f.as_str())
            && let Some(earlier) = uses.iter().find(|u| u.field.as_ref() == Some(f))
        {
            return Err(CoreError::new(
                ErrorCode::Invalid,
                format!(
                    "columns {} ({:?}) and {letter} ({text:?}) both hold {f}; name the one to use \
                     in a mapping file",
                    earlier.column, earlier.header
                ),
            ));
        }
        uses.push(ColumnUse {
            column: letter,
            header: text.clone(),
            field,
        });
    }
    Ok(uses)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields_of(header: &[&str], kind: ImportKind) -> Vec<Option<String>> {
        let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        map_columns(&header, kind, None)
            .unwrap()
            .into_iter()
            .map(|u| u.field)
            .collect()
    }

    #[test]
    fn headers_in_four_languages_meet_the_same_fields() {
        let expected: Vec<Option<String>> = [
            "surname",
            "given_name",
            "iin",
            "birth_date",
            "phones",
            "employer",
        ]
        .iter()
        .map(|f| Some(f.to_string()))
        .collect();
        for header in [
            [
                "Фамилия",
                "Имя",
                "ИИН",
                "Дата рождения (ДД.ММ.ГГГГ)",
                "Телефон",
                "Работодатель",
            ],
            [
                "Тегі",
                "Аты",
                "ЖСН",
                "Туған күні",
                "Телефон",
                "Жұмыс беруші",
            ],
            [
                "Surname",
                "Given name",
                "IIN",
                "Date of birth",
                "Phone",
                "Employer",
            ],
            ["성", "이름", "개인식별번호", "생년월일", "전화", "사업장"],
        ] {
            assert_eq!(
                fields_of(&header, ImportKind::Workers),
                expected,
                "{header:?}"
            );
        }
    }

    #[test]
    fn a_mapping_file_overrides_and_names_bad_fields() {
        let mapping = ColumnMapping::parse(
            "\"Контакт\" = \"phones\"\nB = \"ignore\"",
            ImportKind::Workers,
        )
        .unwrap();
        let header = vec!["Контакт".to_string(), "Фамилия".to_string()];
        let uses = map_columns(&header, ImportKind::Workers, Some(&mapping)).unwrap();
        assert_eq!(uses[0].field.as_deref(), Some("phones"));
        assert_eq!(uses[1].field, None);
        let e = ColumnMapping::parse(r#"{"X": "salary"}"#, ImportKind::Workers).unwrap_err();
        assert!(e.message.contains("\"salary\""), "{}", e.message);
    }

    #[test]
    fn two_columns_for_one_field_are_refused() {
        let header = vec!["Фамилия".to_string(), "Surname".to_string()];
        let e = map_columns(&header, ImportKind::Workers, None).unwrap_err();
        assert!(
            e.message.contains("columns A") && e.message.contains("B"),
            "{}",
            e.message
        );
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }
}
