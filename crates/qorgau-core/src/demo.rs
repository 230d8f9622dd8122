//! Realistic synthetic data for demos and benchmarks: workers whose names are written in
//! Cyrillic, passport Latin and Hangul, valid IINs and passports, Korean and Kazakh phones, and
//! cases of every type and status with timelines. Deterministic for a given seed. No real
//! person's data.

use crate::error::CoreError;
use crate::workspace::Workspace;
use chrono::{Duration, NaiveDate};
use qorgau_domain::validation::iin;
use qorgau_domain::worker::{Employer, Messenger, MessengerHandle, NextOfKin};
use qorgau_domain::{
    Agency, AgencyId, AgencyKind, CaseRecord, CaseStatus, CaseType, MissionProfile, Priority,
    Province, Sex, StayStatus, TimelineKind, Worker, WorkerId,
};
use qorgau_store::NewTimelineEntry;
use serde::Serialize;
use std::collections::HashSet;

/// SplitMix64: tiny, fast and good enough for synthetic data.
#[derive(Debug, Clone)]
pub struct DemoRng(u64);

impl DemoRng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
    /// One of `items`, each as likely as its weight.
    pub fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut at = self.below(total as usize) as u32;
        for (item, weight) in items {
            if at < *weight {
                return *item;
            }
            at -= weight;
        }
        items[items.len() - 1].0
    }
}

// The demo's mix is invented, but shaped like a consulate's caseload: mostly unpaid wages and
// injuries, few deaths; most workers in the industrial belts of Gyeonggi, Incheon, the
// Chungcheong provinces and Gyeongnam.
const TYPE_WEIGHTS: [(CaseType, u32); 11] = [
    (CaseType::UnpaidWages, 38),
    (CaseType::WorkplaceInjury, 16),
    (CaseType::DetentionDeportation, 11),
    (CaseType::LostDocuments, 8),
    (CaseType::MedicalEmergency, 7),
    (CaseType::CrimeVictim, 5),
    (CaseType::DiscriminationAbuse, 5),
    (CaseType::OccupationalDisease, 3),
    (CaseType::Other, 3),
    (CaseType::DeathRepatriation, 2),
    (CaseType::TraffickingForcedLabour, 2),
];
const STATUS_WEIGHTS: [(CaseStatus, u32); 5] = [
    (CaseStatus::New, 14),
    (CaseStatus::InProgress, 31),
    (CaseStatus::WaitingOnAgency, 24),
    (CaseStatus::Resolved, 19),
    (CaseStatus::Closed, 12),
];
const PROVINCE_WEIGHTS: [(Province, u32); 17] = [
    (Province::Gyeonggi, 38),
    (Province::Incheon, 9),
    (Province::Chungbuk, 8),
    (Province::Chungnam, 8),
    (Province::Gyeongnam, 9),
    (Province::Seoul, 7),
    (Province::Gyeongbuk, 5),
    (Province::Busan, 4),
    (Province::Jeonnam, 3),
    (Province::Jeonbuk, 2),
    (Province::Gangwon, 2),
    (Province::Ulsan, 1),
    (Province::Daegu, 1),
    (Province::Gwangju, 1),
    (Province::Daejeon, 1),
    (Province::Sejong, 1),
    (Province::Jeju, 1),
];

/// (Cyrillic, passport Latin, Hangul as Korean documents write it)
type Name = (&'static str, &'static str, &'static str);

const MALE_GIVEN: &[Name] = &[
    ("Нұрлан", "NURLAN", "누를란"),
    ("Ерлан", "YERLAN", "예를란"),
    ("Қанат", "KANAT", "카낫"),
    ("Болат", "BOLAT", "볼랏"),
    ("Дәурен", "DAUREN", "다우렌"),
    ("Серік", "SERIK", "세릭"),
    ("Асқар", "ASKAR", "아스카르"),
    ("Мұрат", "MURAT", "무랏"),
    ("Ержан", "YERZHAN", "예르잔"),
    ("Айдос", "AIDOS", "아이도스"),
    ("Бауыржан", "BAUYRZHAN", "바우르잔"),
    ("Сергей", "SERGEY", "세르게이"),
    ("Александр", "ALEXANDR", "알렉산드르"),
    ("Дмитрий", "DMITRIY", "드미트리"),
    ("Тимур", "TIMUR", "티무르"),
    ("Арман", "ARMAN", "아르만"),
    ("Жандос", "ZHANDOS", "잔도스"),
    ("Ғалым", "GALYM", "갈림"),
];

const FEMALE_GIVEN: &[Name] = &[
    ("Айгерім", "AIGERIM", "아이게림"),
    ("Әсел", "ASSEL", "아셀"),
    ("Жанар", "ZHANAR", "자나르"),
    ("Шынар", "SHYNAR", "시나르"),
    ("Гүлнар", "GULNAR", "굴나르"),
    ("Динара", "DINARA", "디나라"),
    ("Мәдина", "MADINA", "마디나"),
    ("Салтанат", "SALTANAT", "살타낫"),
    ("Ақмарал", "AKMARAL", "아크마랄"),
    ("Елена", "ELENA", "옐레나"),
    ("Наталья", "NATALYA", "나탈리야"),
    ("Ирина", "IRINA", "이리나"),
    ("Камила", "KAMILA", "카밀라"),
    ("Томирис", "TOMIRIS", "토미리스"),
];

/// Surnames: (male Cyrillic, female Cyrillic, male Latin, female Latin, Hangul)
const SURNAMES: &[(&str, &str, &str, &str, &str)] = &[
    ("Сейітов", "Сейітова", "SEITOV", "SEITOVA", "세이토프"),
    ("Ахметов", "Ахметова", "AKHMETOV", "AKHMETOVA", "아흐메토프"),
    (
        "Жұмабаев",
        "Жұмабаева",
        "ZHUMABAYEV",
        "ZHUMABAYEVA",
        "주마바예프",
    ),
    ("Омаров", "Омарова", "OMAROV", "OMAROVA", "오마로프"),
    (
        "Нұрғалиев",
        "Нұрғалиева",
        "NURGALIYEV",
        "NURGALIYEVA",
        "누르갈리예프",
    ),
    (
        "Сәрсенбаев",
        "Сәрсенбаева",
        "SARSENBAYEV",
        "SARSENBAYEVA",
        "사르센바예프",
    ),
    (
        "Тоқтаров",
        "Тоқтарова",
        "TOKTAROV",
        "TOKTAROVA",
        "토크타로프",
    ),
    ("Есенов", "Есенова", "YESSENOV", "YESSENOVA", "예세노프"),
    ("Ким", "Ким", "KIM", "KIM", "김"),
    ("Пак", "Пак", "PAK", "PAK", "박"),
    ("Цой", "Цой", "TSOY", "TSOY", "최"),
    ("Ли", "Ли", "LI", "LI", "이"),
    ("Тен", "Тен", "TEN", "TEN", "정"),
    ("Хван", "Хван", "KHVAN", "KHVAN", "황"),
    ("Югай", "Югай", "YUGAY", "YUGAY", "유"),
    ("Иванов", "Иванова", "IVANOV", "IVANOVA", "이바노프"),
];

const EMPLOYERS: &[&str] = &[
    "(주)대성정밀",
    "한빛건설 주식회사",
    "성우금속",
    "그린팜 영농조합법인",
    "동해수산",
    "미래플라스틱",
    "세진물류",
    "삼우섬유",
    "가야식품",
    "태양자동차부품",
];

const OCCUPATIONS: &[&str] = &[
    "press operator",
    "construction labourer",
    "farm worker",
    "fish processing",
    "warehouse picker",
    "welder",
    "cook",
    "motel cleaner",
];

const PLACES: &[&str] = &[
    "factory floor, press line 3",
    "construction site, 12th floor",
    "greenhouse",
    "dormitory",
    "Hwaseong immigration detention centre",
    "Ansan Hanyang University Hospital",
    "fish processing plant",
    "warehouse loading dock",
];

/// A case summary as caseworkers write them: in Russian or Kazakh, short, with the figures
/// and the place that matter, Korean terms where the agencies use them.
fn summary_for(t: CaseType, rng: &mut DemoRng) -> String {
    let months = 1 + rng.below(6);
    let amount = (2 + rng.below(18)) * 1_000_000;
    let amount = group_thousands(amount);
    let variants: Vec<String> = match t {
        CaseType::UnpaidWages => vec![
            format!("Не выплачена зарплата за {months} мес., около {amount} вон. Работодатель обещает «после заказа». Готовим жалобу в отделение Минтруда Кореи (임금체불 진정)."),
            format!("Жалақы {months} ай бойы төленбеген, шамамен {amount} вон. Жұмыс беруші телефон алмайды. Еңбек басқармасына шағым (진정) дайындалуда."),
            format!("Уволен без расчёта, зарплата и выходное пособие (퇴직금) не выплачены, долг {amount} вон. Просит помочь с заявлением."),
        ],
        CaseType::WorkplaceInjury => vec![
            "Травма кисти на прессе, операция в местной больнице. Работодатель отказывается оформлять 산재. Нужна помощь с заявлением в COMWEL.".into(),
            "Құрылыста құлап, омыртқасы зақымданған. Ауруханада жатыр, жұмыс беруші ақы төлеуден бас тартады.".into(),
            "Порезал руку на линии упаковки, 12 швов. Больничный не оплачивают, просит узнать про 요양급여.".into(),
        ],
        CaseType::OccupationalDisease => vec![
            "Хронический кашель после двух лет в покрасочном цехе без респиратора. Подозрение на профзаболевание.".into(),
            "Бояу цехында екі жыл істеген, тыныс алуы қиындаған. Кәсіптік ауру деп күдіктенеді.".into(),
        ],
        CaseType::DeathRepatriation => vec![
            "Погиб на стройке (падение с лесов). Семья в Алматы просит помочь с перевозкой тела на родину и выплатами.".into(),
            "Жатақханада түнде қайтыс болған. Отбасы мәйітті Шымкентке жеткізуді сұрайды; полиция тексеруде.".into(),
        ],
        CaseType::DetentionDeportation => vec![
            "Задержан при проверке на заводе, находится в 화성외국인보호소. Просит консульского посещения и помощи с невыплаченной зарплатой до выезда.".into(),
            "Көші-қон тексерісінде ұсталған, Чхонджу қорғау орталығында. Туыстарына хабар беруді сұрайды.".into(),
        ],
        CaseType::CrimeVictim => vec![
            "Избит бригадиром, заявление в полицию подано. Боится, что полиция сообщит в миграционную службу.".into(),
            "Жатақханада ақшасы мен паспорты ұрланған. Полицияға арыз берілді, аудармашы керек.".into(),
        ],
        CaseType::DiscriminationAbuse => vec![
            "Работодатель забрал паспорт, смены по 14 часов, оскорбления. Просит вернуть паспорт.".into(),
            "Жұмыс беруші паспортын қайтармайды, демалыс күні бермейді.".into(),
        ],
        CaseType::MedicalEmergency => vec![
            "Экстренная операция (аппендицит), страховки нет, счёт больницы 4 800 000 вон. Просит помочь с рассрочкой.".into(),
            "Жедел жәрдеммен ауруханаға түскен, сақтандыруы жоқ. Төлем бойынша көмек сұрайды.".into(),
        ],
        CaseType::LostDocuments => vec![
            "Паспорт украден в общежитии. Нужно свидетельство на возвращение, справка из полиции получена.".into(),
            "Паспортын жоғалтқан, елге қайтуға куәлік қажет. Жеке басын растайтын құжаттары жоқ.".into(),
        ],
        CaseType::TraffickingForcedLabour => vec![
            "Завербован в Шымкенте обещанием работы на заводе; на ферме долговая кабала, телефон отобрали.".into(),
            "Түркістанда зауытта жұмыс уәде етіп әкелген, фермада ақысыз ұстайды, құжаттарын алып қойған.".into(),
        ],
        CaseType::Other => vec![
            "Консультация: программа добровольного выезда (자진출국) и невыплаченное выходное пособие.".into(),
            "Ерікті түрде елге қайту тәртібі және айыппұл туралы кеңес сұрады.".into(),
        ],
    };
    rng.pick(&variants).clone()
}

/// What usually happens in a case of this type, in order, as caseworkers note it.
fn timeline_for(t: CaseType) -> &'static [(TimelineKind, &'static str)] {
    use TimelineKind::*;
    match t {
        CaseType::UnpaidWages => &[
            (
                Call,
                "Работник позвонил на горячую линию: не платят зарплату. Записали данные работодателя.",
            ),
            (
                Visit,
                "Встреча в общежитии: получили расчётные листки и переписку с бригадиром.",
            ),
            (Note, "Жұмыс беруші телефонға жауап бермейді."),
            (
                Note,
                "Направлено письмо в отделение Минтруда (임금체불 진정 지원).",
            ),
            (
                AgencyReply,
                "노동청: 담당 근로감독관 배정, 출석 요구일 통보.",
            ),
            (
                Note,
                "Работодатель выплатил часть долга, остаток обещает до конца месяца.",
            ),
        ],
        CaseType::WorkplaceInjury | CaseType::OccupationalDisease => &[
            (
                Call,
                "Звонок от коллеги: травма на производстве, работник в больнице.",
            ),
            (
                Visit,
                "Посетили в больнице, получили 진단서 и контакты работодателя.",
            ),
            (
                DocumentReceived,
                "Получено медицинское заключение (소견서).",
            ),
            (
                Note,
                "Письмо в 근로복지공단 о содействии в подаче 산재 신청.",
            ),
            (AgencyReply, "근로복지공단: 요양급여 신청 접수 확인."),
        ],
        CaseType::DeathRepatriation => &[
            (
                Call,
                "Сообщение полиции о смерти гражданина; уведомили семью.",
            ),
            (Note, "Отбасымен сөйлестік, сенімхат жіберіледі."),
            (
                DocumentReceived,
                "Получена справка о смерти (사망진단서) из больницы.",
            ),
            (Note, "Письмо в полицию о выдаче тела и документов."),
            (
                Note,
                "Согласована перевозка тела авиарейсом Инчхон — Алматы.",
            ),
        ],
        CaseType::DetentionDeportation => &[
            (
                Call,
                "Уведомление из 출입국·외국인청 о задержании гражданина.",
            ),
            (
                Visit,
                "Консульское посещение в центре временного содержания.",
            ),
            (Note, "Запрос о сроках и условиях содержания."),
            (AgencyReply, "보호소: 면회 일정 및 출국 예정일 회신."),
        ],
        _ => &[
            (
                Call,
                "Первичное обращение по телефону, записали обстоятельства.",
            ),
            (Note, "Жағдайды нақтылау үшін қайта хабарласамыз."),
            (Visit, "Личная встреча, получены копии документов."),
            (Note, "Направлено письмо в компетентный орган."),
            (AgencyReply, "Получен ответ ведомства."),
        ],
    }
}

/// 12000000 → "12 000 000", as amounts are written in Russian and Kazakh notes.
fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

/// A deterministic stream of valid, distinct synthetic workers.
#[derive(Debug)]
pub struct WorkerGenerator {
    rng: DemoRng,
    seen_iins: HashSet<String>,
    serial: u64,
    today: NaiveDate,
}

impl WorkerGenerator {
    pub fn new(seed: u64, today: NaiveDate) -> Self {
        Self {
            rng: DemoRng::new(seed),
            seen_iins: HashSet::new(),
            serial: 0,
            today,
        }
    }

    fn iin_for(&mut self, birth: NaiveDate, sex: Sex) -> String {
        use chrono::Datelike;
        let century = match (birth.year() >= 2000, sex) {
            (false, Sex::Male) => 3,
            (false, Sex::Female) => 4,
            (true, Sex::Male) => 5,
            (true, Sex::Female) => 6,
        };
        loop {
            let serial = self.rng.below(10_000);
            let body = format!("{}{century}{serial:04}", birth.format("%y%m%d"));
            let digits: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
            if let Some(check) = iin::check_digit(&digits) {
                let candidate = format!("{body}{check}");
                if self.seen_iins.insert(candidate.clone()) {
                    return candidate;
                }
            }
        }
    }

    pub fn next_worker(&mut self) -> Worker {
        self.serial += 1;
        let rng = &mut self.rng;
        let sex = if rng.chance(70) {
            Sex::Male
        } else {
            Sex::Female
        };
        let given = *rng.pick(if sex == Sex::Male {
            MALE_GIVEN
        } else {
            FEMALE_GIVEN
        });
        let (sur_m, sur_f, lat_m, lat_f, sur_ko) = *rng.pick(SURNAMES);
        let (surname, latin_surname) = if sex == Sex::Male {
            (sur_m, lat_m)
        } else {
            (sur_f, lat_f)
        };
        let birth = NaiveDate::from_ymd_opt(1968, 1, 1).unwrap_or_default()
            + Duration::days(rng.below(365 * 36) as i64);
        // Mixed scripts: some records only have what a Korean document shows, some only Cyrillic.
        let script = rng.below(10);
        let has_cyrillic = script < 8;
        let has_latin = script >= 2;
        let has_hangul = script >= 5 || script == 0;
        let stay = *rng.pick(&[
            StayStatus::Undocumented,
            StayStatus::Undocumented,
            StayStatus::Undocumented,
            StayStatus::B1,
            StayStatus::F4,
            StayStatus::H2Legacy,
            StayStatus::G1,
            StayStatus::D2,
            StayStatus::F6,
            StayStatus::Unknown,
        ]);
        let province = rng.weighted(&PROVINCE_WEIGHTS);
        let serial = self.serial;
        let entry = self.today - Duration::days(30 + rng.below(2500) as i64);
        let employer = EMPLOYERS[rng.below(EMPLOYERS.len())];
        let occupation = OCCUPATIONS[rng.below(OCCUPATIONS.len())];
        // 010-5xxx is partly unassigned; 010-2xxx…9xxx are ordinary mobile ranges.
        let kr_phone = format!("+8210{}{:07}", 2 + rng.below(3), rng.below(10_000_000));
        let kz_phone = format!("+7701{:07}", rng.below(10_000_000));
        let with_kz_phone = rng.chance(40);
        let with_telegram = rng.chance(50);
        let with_kin = rng.chance(60);
        let with_passport = rng.chance(85);
        let iin = self.iin_for(birth, sex);
        Worker {
            surname: has_cyrillic.then(|| surname.to_string()),
            given_name: has_cyrillic.then(|| given.0.to_string()),
            patronymic: None,
            latin_name: has_latin.then(|| format!("{latin_surname} {}", given.1)),
            hangul_name: has_hangul.then(|| format!("{sur_ko}{}", given.2)),
            sex: Some(sex),
            birth_date: Some(birth),
            iin: Some(iin),
            passport_no: with_passport.then(|| format!("N{:08}", 10_000_000 + serial)),
            passport_expiry: with_passport.then(|| entry + Duration::days(3650)),
            stay_status: Some(stay),
            entry_date: Some(entry),
            phones: if with_kz_phone {
                vec![kr_phone, kz_phone]
            } else {
                vec![kr_phone]
            },
            messengers: if with_telegram {
                vec![MessengerHandle {
                    kind: Messenger::Telegram,
                    handle: format!("@{}{}", given.1.to_lowercase(), serial),
                }]
            } else {
                Vec::new()
            },
            address_kr: Some(format!(
                "{} 외국인 기숙사 {}호",
                province.korean(),
                100 + serial % 400
            )),
            province: Some(province),
            employer: Some(Employer {
                name: Some(employer.to_string()),
                // Invented, like everything else here.
                address: Some(format!(
                    "{} 산업단지로 {}",
                    province.korean(),
                    10 + serial % 190
                )),
                ..Employer::default()
            }),
            occupation: Some(occupation.to_string()),
            next_of_kin: with_kin.then(|| NextOfKin {
                name: Some(format!("{} {}", surname, rng_free_relative(serial))),
                relation: Some(if serial.is_multiple_of(2) {
                    qorgau_domain::Relation::Mother
                } else {
                    qorgau_domain::Relation::Spouse
                }),
                phone: Some(format!("+7702{:07}", serial % 10_000_000)),
                address: Some("Shymkent, Kazakhstan".to_string()),
            }),
            ..Worker::default()
        }
    }
}

fn rng_free_relative(serial: u64) -> &'static str {
    ["Гүлжан", "Сәуле", "Бақыт", "Роза"][(serial % 4) as usize]
}

/// A deterministic stream of cases over given workers, cycling through every type and status.
#[derive(Debug)]
pub struct CaseGenerator {
    rng: DemoRng,
    serial: usize,
    today: NaiveDate,
}

impl CaseGenerator {
    pub fn new(seed: u64, today: NaiveDate) -> Self {
        Self {
            rng: DemoRng::new(seed),
            serial: 0,
            today,
        }
    }

    #[allow(clippy::needless_update)]
    pub fn next_case(&mut self, workers: &[WorkerId], agencies: &[AgencyId]) -> CaseRecord {
        let n = self.serial;
        self.serial += 1;
        let rng = &mut self.rng;
        // The first cases cover every type in every status (so any demo can show each
        // screen and letter); the rest follow a consulate's uneven mix.
        let cycle = CaseType::ALL.len() * CaseStatus::ALL.len();
        let (case_type, status) = if n < cycle {
            (
                CaseType::ALL[n % CaseType::ALL.len()],
                CaseStatus::ALL[(n / CaseType::ALL.len()) % CaseStatus::ALL.len()],
            )
        } else {
            (rng.weighted(&TYPE_WEIGHTS), rng.weighted(&STATUS_WEIGHTS))
        };
        let occurred = self.today - Duration::days(1 + rng.below(700) as i64);
        let mut linked = vec![*rng.pick(workers)];
        if rng.chance(10) {
            linked.push(*rng.pick(workers));
        }
        let claimed = matches!(case_type, CaseType::UnpaidWages)
            .then(|| ((1 + rng.below(30)) * 500_000) as i64);
        CaseRecord {
            workers: linked,
            case_type: Some(case_type),
            status,
            priority: *rng.pick(&[
                Priority::Low,
                Priority::Normal,
                Priority::Normal,
                Priority::High,
                Priority::Urgent,
            ]),
            occurred_on: Some(occurred),
            reported_on: Some(
                occurred + Duration::days(rng.below(20) as i64).min(self.today - occurred),
            ),
            closed_on: (status == CaseStatus::Closed).then_some(self.today),
            place: Some(rng.pick(PLACES).to_string()),
            summary: Some(summary_for(case_type, rng)),
            assignee: Some(
                rng.pick(&["A. Zhaksylykova", "D. Omarov", "S. Kim"])
                    .to_string(),
            ),
            agencies: if agencies.is_empty() {
                Vec::new()
            } else {
                vec![*rng.pick(agencies)]
            },
            amount_claimed_krw: claimed,
            amount_recovered_krw: claimed
                .filter(|_| status == CaseStatus::Resolved)
                .map(|c| c / 2),
            // Fields added to the record later stay unset in the demo.
            ..CaseRecord::default()
        }
    }
}

/// The demo's mission profile: the Seoul embassy preset, with an invented consul so that
/// letters render (a real workspace sets its own with `qorgau mission set`).
pub fn demo_mission() -> MissionProfile {
    MissionProfile {
        consul_name_ko: Some("세릭바예프 누를란 (데모)".into()),
        consul_name_en: Some("Nurlan SERIKBAYEV (demo)".into()),
        consul_title_ko: Some("영사".into()),
        consul_title_en: Some("Consul".into()),
        consul_name_kk: Some("Н. Серікбаев (демо)".into()),
        consul_name_ru: Some("Н. Серикбаев (демо)".into()),
        consul_title_kk: Some("Консул".into()),
        consul_title_ru: Some("Консул".into()),
        ..MissionProfile::embassy_seoul()
    }
}

/// The demo's employers as agencies (kind `employer`), so that employer letters have an
/// addressee in the demo. Invented, like the workers: the source says so.
pub fn demo_employers() -> Vec<Agency> {
    EMPLOYERS
        .iter()
        .enumerate()
        .map(|(i, name)| Agency {
            recipient_ko: Some(format!("{name} 대표이사")),
            province: Some(Province::Gyeonggi),
            address_ko: Some(format!("경기도 안산시 단원구 산업단지로 {} (데모)", 10 + i)),
            jurisdiction: Some("Demo employer (invented)".into()),
            source: Some("demo data: invented, not a real company".into()),
            ..Agency::named(*name, AgencyKind::Employer)
        })
        .collect()
}

/// An invented insurer for the insurer letters: the real EPS insurers change with tenders and
/// a mission adds the current one itself. Empty while the domain has no `insurer` kind.
pub fn demo_insurers() -> Vec<Agency> {
    serde_json::from_value::<Agency>(serde_json::json!({
        "name_ko": "데모손해보험 주식회사",
        "name_en": "Demo Insurance Co., Ltd.",
        "recipient_ko": "데모손해보험 주식회사 대표이사",
        "kind": "insurer",
        "jurisdiction": "Demo insurer (invented): departure guarantee, return-cost, accident and wage-guarantee insurance",
        "source": "demo data: invented, not a real company",
    }))
    .into_iter()
    .collect()
}

/// The kinds of agency a case of each type is usually addressed to, most usual first.
fn kinds_for(case_type: Option<CaseType>) -> &'static [AgencyKind] {
    use AgencyKind::*;
    match case_type {
        Some(CaseType::UnpaidWages) => &[LabourOffice, LegalAid, Employer],
        Some(CaseType::WorkplaceInjury | CaseType::OccupationalDisease) => {
            &[WorkersCompensation, Hospital, LabourOffice]
        }
        Some(CaseType::DeathRepatriation) => &[Police, Hospital, WorkersCompensation],
        Some(CaseType::DetentionDeportation) => &[Immigration, HumanRights],
        Some(CaseType::CrimeVictim | CaseType::TraffickingForcedLabour) => {
            &[Police, SupportCentre, LegalAid]
        }
        Some(CaseType::DiscriminationAbuse) => &[HumanRights, SupportCentre],
        Some(CaseType::MedicalEmergency) => &[Hospital],
        Some(CaseType::LostDocuments) => &[Immigration, Police],
        Some(CaseType::Other) | None => &[SupportCentre, ForeignMinistry],
    }
}

fn agencies_by_kind(
    ws: &Workspace,
) -> Result<std::collections::HashMap<AgencyKind, Vec<AgencyId>>, CoreError> {
    let mut map: std::collections::HashMap<AgencyKind, Vec<AgencyId>> = Default::default();
    for a in ws.list_agencies()? {
        map.entry(a.agency.kind).or_default().push(a.id);
    }
    Ok(map)
}

/// Links the case to an agency of a kind its type calls for (deterministic by case index), so
/// that every kind a template addresses appears on some demo case.
fn fit_agency(
    record: &mut CaseRecord,
    by_kind: &std::collections::HashMap<AgencyKind, Vec<AgencyId>>,
    index: usize,
) {
    let kinds = kinds_for(record.case_type);
    let kind = kinds[(index / CaseType::ALL.len()) % kinds.len()];
    if let Some(ids) = by_kind.get(&kind).filter(|ids| !ids.is_empty()) {
        record.agencies = vec![ids[index % ids.len()]];
    }
}

/// A kind of agency that no case type calls for (one added to the domain later, like an
/// insurer) still gets a demo case: an unpaid-wages case, otherwise any case, that shares its
/// agency's kind with other cases is linked to it instead.
fn link_every_kind(ws: &Workspace, records: &mut [CaseRecord]) -> Result<(), CoreError> {
    let agencies = ws.list_agencies()?;
    let kind_of: std::collections::HashMap<AgencyId, AgencyKind> =
        agencies.iter().map(|a| (a.id, a.agency.kind)).collect();
    let count = |records: &[CaseRecord], kind: AgencyKind| {
        records
            .iter()
            .filter(|r| r.agencies.iter().any(|id| kind_of.get(id) == Some(&kind)))
            .count()
    };
    let mut done: HashSet<AgencyKind> = HashSet::new();
    for a in &agencies {
        let kind = a.agency.kind;
        if !done.insert(kind) || count(records, kind) > 0 {
            continue;
        }
        let spare = |r: &CaseRecord| {
            r.agencies
                .first()
                .and_then(|id| kind_of.get(id))
                .is_some_and(|k| count(records, *k) > 1)
        };
        let pick = records
            .iter()
            .position(|r| r.case_type == Some(CaseType::UnpaidWages) && spare(r))
            .or_else(|| records.iter().position(spare));
        if let Some(i) = pick {
            records[i].agencies = vec![a.id];
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoSummary {
    pub workers: usize,
    pub cases: usize,
    pub agencies: usize,
    pub timeline_entries: usize,
}

/// Fills a workspace with `workers` workers and `cases` cases (with timelines and tasks).
pub fn populate(
    ws: &mut Workspace,
    workers: usize,
    cases: usize,
    seed: u64,
    today: NaiveDate,
) -> Result<DemoSummary, CoreError> {
    ws.set_mission(&demo_mission())?;
    let mut agency_ids = ws
        .import_agencies(&crate::directory::shipped_agencies()?)?
        .added;
    agency_ids.extend(ws.import_agencies(&demo_employers())?.added.iter().copied());
    agency_ids.extend(ws.import_agencies(&demo_insurers())?.added.iter().copied());
    let mut wgen = WorkerGenerator::new(seed, today);
    let batch: Vec<Worker> = (0..workers).map(|_| wgen.next_worker()).collect();
    let worker_ids = ws.add_workers(&batch)?;
    let mut cgen = CaseGenerator::new(seed ^ 0x5eed, today);
    let by_kind = agencies_by_kind(ws)?;
    let mut records: Vec<CaseRecord> = (0..cases)
        .map(|i| {
            let mut record = cgen.next_case(&worker_ids, &agency_ids);
            fit_agency(&mut record, &by_kind, i);
            record
        })
        .collect();
    link_every_kind(ws, &mut records)?;
    let case_ids = ws.add_cases(&records)?;
    let mut rng = DemoRng::new(seed ^ 0x7133);
    let mut entries = Vec::new();
    for (id, record) in case_ids.iter().zip(&records) {
        let occurred = record.occurred_on.unwrap_or(today);
        let story = timeline_for(record.case_type.unwrap_or(CaseType::Other));
        // Open cases are somewhere along their story; closed ones went through it.
        let steps = match record.status {
            CaseStatus::New => 1,
            CaseStatus::InProgress => 2 + rng.below(story.len() - 1),
            _ => story.len(),
        }
        .min(story.len());
        let mut day = occurred + Duration::days(rng.below(4) as i64);
        for (kind, text) in story.iter().take(steps) {
            entries.push((
                *id,
                NewTimelineEntry {
                    kind: *kind,
                    occurred_on: Some(day.min(today)),
                    text: text.to_string(),
                },
            ));
            day += Duration::days(2 + rng.below(12) as i64);
        }
    }
    ws.add_timeline_entries(&entries)?;
    let tasks = [
        "Позвонить инспектору отделения Минтруда, узнать о ходе дела",
        "Еңбек инспекторына қоңырау шалу",
        "Запросить справку о нахождении под стражей",
        "Отбасына хабарласып, сенімхат алу",
        "Проверить ответ 근로복지공단",
    ];
    for (i, id) in case_ids.iter().enumerate().take(cases / 4) {
        let due = today + Duration::days(rng.below(30) as i64 - 10);
        ws.add_task(*id, tasks[i % tasks.len()], Some(due))?;
    }
    Ok(DemoSummary {
        workers,
        cases,
        agencies: agency_ids.len(),
        timeline_entries: entries.len(),
    })
}
