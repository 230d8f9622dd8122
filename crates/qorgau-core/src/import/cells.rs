//! Messy cells into the domain's values. Only what a spreadsheet adds is handled here (date
//! spellings and Excel serials, numbers typed into number cells, several phones in one cell,
//! words for enums); phones, identifiers and names are then normalised and checked by the
//! domain's own validation (`validate_worker`, `validate_case`).

use super::sheet::Cell;
use chrono::{Datelike, NaiveDate};
use qorgau_domain::names;
use qorgau_domain::{CaseStatus, CaseType, Priority, Province, Sex, StayStatus};

/// Month names as they are written in dates: Russian (nominative and genitive, matched by
/// their first three letters), Kazakh, English (first three letters) and Korean `3월`.
const MONTHS: [&[&str]; 12] = [
    &["янв", "қаңтар", "jan"],
    &["фев", "ақпан", "feb"],
    &["мар", "наурыз", "mar"],
    &["апр", "сәуір", "apr"],
    &["мая", "май", "мамыр", "may"],
    &["июн", "маусым", "jun"],
    &["июл", "шілде", "jul"],
    &["авг", "тамыз", "aug"],
    &["сен", "қыркүйек", "sep"],
    &["окт", "қазан", "oct"],
    &["ноя", "қараша", "nov"],
    &["дек", "желтоқсан", "dec"],
];

fn month_of(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    MONTHS
        .iter()
        .position(|names| names.iter().any(|n| w.starts_with(n)))
        .map(|i| i as u32 + 1)
}

/// The Excel 1900 date system's day zero: serial 1 is 1900-01-01, and serial 60 is the
/// 29 February 1900 that never was, so from serial 61 on the count is from 1899-12-30.
fn from_serial(serial: f64) -> Option<NaiveDate> {
    if !(61.0..2_958_466.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(serial as u64))
}

/// Reads a date cell: a date cell or an Excel serial number, or text such as `12.03.1990`,
/// `12/03/1990`, `1990/3/12`, `1990-03-12`, `19900312`, `12 March 1990`, `March 12, 1990`,
/// `12 марта 1990 г.`, `12 наурыз 1990`, `1990년 3월 12일`. Day-first unless the year comes
/// first, as dates are written in Kazakhstan, Russia and Korea. Two-digit years are read as
/// the latest such year not after `today`.
pub fn parse_date(cell: &Cell, today: NaiveDate) -> Result<NaiveDate, String> {
    match cell {
        Cell::Date(serial) | Cell::Number(serial) => from_serial(*serial)
            .ok_or_else(|| format!("{} is not a date", super::sheet::number_text(*serial))),
        Cell::IsoDate(text) => parse_date_text(text.get(..10).unwrap_or(text), today),
        other => parse_date_text(&other.text(), today),
    }
}

fn parse_date_text(text: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let bad = || format!("{text:?} is not a date (write it as 12.03.1990 or 1990-03-12)");
    let t = text.trim();
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        let n = |r: std::ops::Range<usize>| t[r].parse::<u32>().unwrap_or(0);
        return NaiveDate::from_ymd_opt(n(0..4) as i32, n(4..6), n(6..8)).ok_or_else(bad);
    }
    let mut numbers: Vec<(u32, usize)> = Vec::new();
    let mut month_word = None;
    let mut token = String::new();
    let flush = |token: &mut String, numbers: &mut Vec<(u32, usize)>, month: &mut Option<u32>| {
        if token.is_empty() {
            return Ok(());
        }
        if token.chars().all(|c| c.is_ascii_digit()) {
            numbers.push((token.parse().map_err(|_| ())?, token.len()));
        } else if let Some(m) = month_of(token) {
            if month.replace(m).is_some() {
                return Err(());
            }
        } else if !matches!(token.as_str(), "г" | "ж" | "年" | "y") {
            return Err(());
        }
        token.clear();
        Ok(())
    };
    for c in t.chars() {
        let boundary = !c.is_alphanumeric()
            || matches!(c, '년' | '월' | '일')
            || (!token.is_empty()
                && token.chars().all(|d| d.is_ascii_digit()) != c.is_ascii_digit());
        if boundary {
            flush(&mut token, &mut numbers, &mut month_word).map_err(|_| bad())?;
        }
        if c.is_alphanumeric() && !matches!(c, '년' | '월' | '일') {
            token.push(c);
        }
    }
    flush(&mut token, &mut numbers, &mut month_word).map_err(|_| bad())?;
    let (year, month, day) = match (month_word, numbers.as_slice()) {
        (None, [(a, la), (b, _), (c, _)]) if *la == 4 => (*a, *b, *c),
        (None, [(d, _), (m, _), (y, _)]) => (*y, *m, *d),
        (Some(m), [(a, la), (b, _)]) if *la == 4 || *a > 31 => (*a, m, *b),
        (Some(m), [(d, _), (y, _)]) => (*y, m, *d),
        _ => return Err(bad()),
    };
    let year = if year < 100 {
        let century = today.year() as u32 / 100 * 100;
        if century + year > today.year() as u32 {
            century - 100 + year
        } else {
            century + year
        }
    } else {
        year
    };
    NaiveDate::from_ymd_opt(year as i32, month, day).ok_or_else(bad)
}

/// The phone numbers in a cell: several may be separated by `,`, `;`, `/` or a line break. A
/// number typed into a number cell has lost its leading zero (`1012345678` for
/// `010-1234-5678`); a ten-digit number starting with 10, or a nine-digit one with 2–6 (a
/// Korean area code), gets it back.
pub fn phones(cell: &Cell) -> Vec<String> {
    if let Cell::Number(n) = cell {
        let digits = super::sheet::number_text(*n);
        let korean_without_zero = (digits.len() == 10 && digits.starts_with("10"))
            || (digits.len() == 9 && digits.starts_with(['2', '3', '4', '5', '6']));
        return vec![if korean_without_zero {
            format!("0{digits}")
        } else {
            digits
        }];
    }
    cell.text()
        .split([',', ';', '/', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// An identifier made only of digits (IIN, ID card) typed into a number cell has lost its
/// leading zeros: an IIN of someone born in 2000–2009 starts with `0`.
pub fn digits_id(cell: &Cell, width: usize) -> String {
    match cell {
        Cell::Number(n) => format!("{:0>width$}", super::sheet::number_text(*n)),
        other => other.text(),
    }
}

/// An amount in won: a number, or text such as `1 200 000`, `1,200,000 ₩`, `1200000원`,
/// `350 000 KRW`.
pub fn amount(cell: &Cell) -> Result<i64, String> {
    if let Cell::Number(n) = cell {
        return Ok(n.round() as i64);
    }
    let text = cell.text();
    let mut plain: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | ',' | '\'' | '₩' | '원'))
        .collect();
    for suffix in ["KRW", "krw", "Krw"] {
        if let Some(rest) = plain.strip_suffix(suffix) {
            plain = rest.to_string();
        }
    }
    plain
        .parse::<i64>()
        .map_err(|_| format!("{text:?} is not an amount in won"))
}

/// The script a name is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Cyrillic,
    Latin,
    Hangul,
}

pub fn script_of(text: &str) -> Option<Script> {
    let mut latin = false;
    for c in text.chars() {
        match c {
            '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' => {
                return Some(Script::Hangul);
            }
            '\u{400}'..='\u{4FF}' => return Some(Script::Cyrillic),
            c if c.is_ascii_alphabetic() => latin = true,
            _ => {}
        }
    }
    latin.then_some(Script::Latin)
}

fn normal(text: &str) -> String {
    names::normalise(text)
}

/// Reads a word against a table of accepted words per value (compared normalised).
fn lookup<T: Copy>(text: &str, table: &[(T, &[&str])]) -> Option<T> {
    let n = normal(text);
    let compact: String = n.chars().filter(|c| *c != ' ').collect();
    table.iter().find_map(|(value, words)| {
        words
            .iter()
            .any(|w| {
                let w = normal(w);
                w == n || w.replace(' ', "") == compact
            })
            .then_some(*value)
    })
}

pub fn sex(text: &str) -> Option<Sex> {
    lookup(
        text,
        &[
            (
                Sex::Male,
                &[
                    "male",
                    "m",
                    "м",
                    "муж",
                    "мужской",
                    "ер",
                    "еркек",
                    "남",
                    "남성",
                    "남자",
                ],
            ),
            (
                Sex::Female,
                &[
                    "female",
                    "f",
                    "ж",
                    "жен",
                    "женский",
                    "әйел",
                    "여",
                    "여성",
                    "여자",
                ],
            ),
        ],
    )
}

/// A stay status: `E-9`, `e9`, `Е-9` in Cyrillic letters, or a word for no status.
pub fn stay_status(text: &str) -> Option<StayStatus> {
    let code: String = text
        .trim()
        .chars()
        .map(|c| match c {
            'Е' | 'е' => 'E',
            'Н' | 'н' => 'H',
            'С' | 'с' => 'C',
            'В' | 'в' => 'B',
            'Г' | 'г' => 'G',
            'Ф' | 'ф' => 'F',
            'Д' | 'д' => 'D',
            other => other.to_ascii_uppercase(),
        })
        .filter(|c| !matches!(c, '-' | ' ' | '_'))
        .collect();
    let by_code = StayStatus::ALL.into_iter().find(|s| {
        serde_json::to_value(s)
            .ok()
            .and_then(|v| v.as_str().map(|t| t.replace('-', "").to_ascii_uppercase()))
            .is_some_and(|t| t == code)
    });
    by_code.or_else(|| {
        lookup(
            text,
            &[
                (
                    StayStatus::Undocumented,
                    &[
                        "undocumented",
                        "нелегал",
                        "без статуса",
                        "незаконно",
                        "заңсыз",
                        "미등록",
                        "불법체류",
                        "불법 체류",
                    ],
                ),
                (
                    StayStatus::Unknown,
                    &["unknown", "неизвестно", "белгісіз", "미상"],
                ),
            ],
        )
    })
}

/// A province: its code (`gyeonggi`), its Korean name full or short (`경기도`, `경기`), or
/// common Russian and English spellings (`Сеул`, `Кёнгидо`, `Gyeonggi-do`).
pub fn province(text: &str) -> Option<Province> {
    use Province::*;
    let table: &[(Province, &[&str])] = &[
        (Seoul, &["서울", "сеул", "seoul"]),
        (Busan, &["부산", "пусан", "бусан", "busan", "pusan"]),
        (Daegu, &["대구", "тэгу", "дэгу", "daegu"]),
        (Incheon, &["인천", "инчхон", "инчон", "incheon"]),
        (Gwangju, &["광주", "кванджу", "gwangju"]),
        (Daejeon, &["대전", "тэджон", "daejeon"]),
        (Ulsan, &["울산", "ульсан", "ulsan"]),
        (Sejong, &["세종", "седжон", "sejong"]),
        (
            Gyeonggi,
            &[
                "경기",
                "кёнгидо",
                "кенгидо",
                "кёнги",
                "gyeonggi",
                "gyeonggi do",
            ],
        ),
        (Gangwon, &["강원", "канвондо", "gangwon", "gangwon do"]),
        (
            Chungbuk,
            &[
                "충북",
                "충청북도",
                "чхунчхон пукто",
                "chungbuk",
                "chungcheongbuk do",
            ],
        ),
        (
            Chungnam,
            &[
                "충남",
                "충청남도",
                "чхунчхон намдо",
                "chungnam",
                "chungcheongnam do",
            ],
        ),
        (
            Jeonbuk,
            &["전북", "전라북도", "чолла пукто", "jeonbuk", "jeollabuk do"],
        ),
        (
            Jeonnam,
            &["전남", "전라남도", "чолла намдо", "jeonnam", "jeollanam do"],
        ),
        (
            Gyeongbuk,
            &[
                "경북",
                "경상북도",
                "кёнсан пукто",
                "gyeongbuk",
                "gyeongsangbuk do",
            ],
        ),
        (
            Gyeongnam,
            &[
                "경남",
                "경상남도",
                "кёнсан намдо",
                "gyeongnam",
                "gyeongsangnam do",
            ],
        ),
        (Jeju, &["제주", "чеджу", "jeju"]),
    ];
    if let Some(p) = lookup(text, table) {
        return Some(p);
    }
    let n = normal(text);
    Province::ALL.into_iter().find(|p| {
        let korean = p.korean();
        n == normal(korean)
            // 경기도, 서울특별시, 부산광역시: the short name followed by its kind.
            || table
                .iter()
                .find(|(q, _)| q == p)
                .is_some_and(|(_, words)| {
                    let short = normal(words[0]);
                    n.starts_with(&short)
                        && ["도", "시", "특별시", "광역시", "특별자치시", "특별자치도"]
                            .contains(&&n[short.len()..])
                })
    })
}

pub fn case_type(text: &str) -> Option<CaseType> {
    use CaseType::*;
    let code = serde_json::from_value(serde_json::Value::String(text.trim().to_string())).ok();
    code.or_else(|| {
        lookup(
            text,
            &[
                (
                    UnpaidWages,
                    &[
                        "unpaid wages",
                        "невыплата зарплаты",
                        "зарплата",
                        "жалақы төленбеуі",
                        "임금체불",
                        "임금 체불",
                    ],
                ),
                (
                    WorkplaceInjury,
                    &[
                        "workplace injury",
                        "травма",
                        "производственная травма",
                        "өндірістік жарақат",
                        "산업재해",
                        "산재",
                    ],
                ),
                (
                    OccupationalDisease,
                    &[
                        "occupational disease",
                        "профзаболевание",
                        "кәсіптік ауру",
                        "직업병",
                    ],
                ),
                (
                    DeathRepatriation,
                    &[
                        "death",
                        "death repatriation",
                        "смерть",
                        "гибель",
                        "репатриация",
                        "қайтыс болу",
                        "사망",
                    ],
                ),
                (
                    DetentionDeportation,
                    &[
                        "detention",
                        "deportation",
                        "задержание",
                        "депортация",
                        "ұстау",
                        "구금",
                        "추방",
                        "강제퇴거",
                    ],
                ),
                (
                    CrimeVictim,
                    &["crime victim", "потерпевший", "жәбірленуші", "범죄피해"],
                ),
                (
                    DiscriminationAbuse,
                    &[
                        "discrimination",
                        "abuse",
                        "дискриминация",
                        "насилие",
                        "кемсіту",
                        "차별",
                        "폭행",
                    ],
                ),
                (
                    MedicalEmergency,
                    &[
                        "medical emergency",
                        "медицинская помощь",
                        "болезнь",
                        "медициналық көмек",
                        "응급의료",
                    ],
                ),
                (
                    LostDocuments,
                    &[
                        "lost documents",
                        "утеря документов",
                        "құжаттарды жоғалту",
                        "분실",
                    ],
                ),
                (
                    TraffickingForcedLabour,
                    &[
                        "trafficking",
                        "forced labour",
                        "торговля людьми",
                        "принудительный труд",
                        "адам саудасы",
                        "인신매매",
                        "강제노동",
                    ],
                ),
                (Other, &["other", "другое", "басқа", "기타"]),
            ],
        )
    })
}

pub fn case_status(text: &str) -> Option<CaseStatus> {
    use CaseStatus::*;
    let code = serde_json::from_value(serde_json::Value::String(text.trim().to_string())).ok();
    code.or_else(|| {
        lookup(
            text,
            &[
                (New, &["new", "новое", "новый", "жаңа", "신규", "접수"]),
                (
                    InProgress,
                    &["in progress", "в работе", "жұмыста", "진행", "진행중"],
                ),
                (
                    WaitingOnAgency,
                    &[
                        "waiting",
                        "waiting on agency",
                        "ожидание",
                        "ждём ответа",
                        "күтуде",
                        "대기",
                        "회신대기",
                    ],
                ),
                (Resolved, &["resolved", "решено", "шешілді", "해결"]),
                (Closed, &["closed", "закрыто", "жабық", "жабылды", "종결"]),
            ],
        )
    })
}

pub fn priority(text: &str) -> Option<Priority> {
    use Priority::*;
    lookup(
        text,
        &[
            (Low, &["low", "низкий", "төмен", "낮음"]),
            (Normal, &["normal", "обычный", "қалыпты", "보통"]),
            (High, &["high", "высокий", "жоғары", "높음"]),
            (Urgent, &["urgent", "срочно", "срочный", "шұғыл", "긴급"]),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
    }

    fn date(text: &str) -> Result<NaiveDate, String> {
        parse_date(&Cell::Text(text.into()), today())
    }

    #[test]
    fn dates_in_every_spelling() {
        let d = NaiveDate::from_ymd_opt(1990, 3, 12).unwrap();
        for text in [
            "12.03.1990",
            "12.3.1990",
            "12/03/1990",
            "1990/3/12",
            "1990-03-12",
            "1990.03.12",
            "19900312",
            "12 March 1990",
            "March 12, 1990",
            "12 марта 1990 г.",
            "12 наурыз 1990 ж.",
            "1990년 3월 12일",
            "12.03.90",
        ] {
            assert_eq!(date(text), Ok(d), "{text}");
        }
        // Excel's serial for 1990-03-12 as a date cell and as a plain number.
        assert_eq!(parse_date(&Cell::Date(32944.0), today()), Ok(d));
        assert_eq!(parse_date(&Cell::Number(32944.0), today()), Ok(d));
        assert_eq!(
            date("12.03.05"),
            Ok(NaiveDate::from_ymd_opt(2005, 3, 12).unwrap())
        );
        for bad in ["31.02.1990", "soon", "12.13.1990", "1990"] {
            assert!(date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn number_cells_get_their_zeros_back() {
        assert_eq!(phones(&Cell::Number(1012345678.0)), ["01012345678"]);
        assert_eq!(phones(&Cell::Number(87011234567.0)), ["87011234567"]);
        assert_eq!(
            phones(&Cell::Text("8 701 123 45 67; 010 1234 5678".into())),
            ["8 701 123 45 67", "010 1234 5678"]
        );
        assert_eq!(digits_id(&Cell::Number(50312500123.0), 12), "050312500123");
    }

    #[test]
    fn words_for_enums() {
        assert_eq!(sex("Муж."), Some(Sex::Male));
        assert_eq!(sex("여"), Some(Sex::Female));
        assert_eq!(stay_status("Е-9"), Some(StayStatus::E9));
        assert_eq!(stay_status("h2"), Some(StayStatus::H2Legacy));
        assert_eq!(stay_status("미등록"), Some(StayStatus::Undocumented));
        assert_eq!(province("경기도"), Some(Province::Gyeonggi));
        assert_eq!(province("서울특별시"), Some(Province::Seoul));
        assert_eq!(province("Gyeonggi-do"), Some(Province::Gyeonggi));
        assert_eq!(province("Сеул"), Some(Province::Seoul));
        assert_eq!(case_type("임금체불"), Some(CaseType::UnpaidWages));
        assert_eq!(
            case_type("death_repatriation"),
            Some(CaseType::DeathRepatriation)
        );
        assert_eq!(case_status("Закрыто"), Some(CaseStatus::Closed));
        assert_eq!(amount(&Cell::Text("1 200 000 ₩".into())), Ok(1_200_000));
        assert_eq!(amount(&Cell::Text("350,000원".into())), Ok(350_000));
    }
}
