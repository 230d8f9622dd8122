//! Sample documents for tests and for `qorgau bench letters`. The people, the company and
//! the numbers are invented.

use crate::model::{
    Align, Block, DocMeta, Document, LetterDate, Letterhead, LetterheadLine, Paragraph, Run, Text,
};

fn letterhead() -> Letterhead {
    let line = |text: &str, field: &str, emphasis: bool| LetterheadLine {
        text: Text::field(text, field),
        emphasis,
    };
    Letterhead {
        lines: vec![
            line(
                "Қазақстан Республикасының Корея Республикасындағы Елшілігі",
                "mission.name_kk",
                true,
            ),
            line(
                "주대한민국 카자흐스탄공화국 대사관",
                "mission.name_ko",
                true,
            ),
            line(
                "Embassy of the Republic of Kazakhstan in the Republic of Korea",
                "mission.name_en",
                false,
            ),
            line(
                "04392 서울특별시 용산구 장문로 53 · Tel 02-379-9714 · Fax 02-395-9766 · seoul@mfa.kz",
                "mission.address",
                false,
            ),
        ],
    }
}

fn labelled(label: &str, value: &str, field: &str) -> Block {
    Block::Labelled {
        label: Text::plain(label),
        value: vec![Run::field(value, field)],
        bold: false,
    }
}

fn item(marker: &str, level: u8, runs: Vec<Run>) -> Block {
    Block::Paragraph(Paragraph {
        space_after_mm: 0.8,
        ..Paragraph::new(runs).item(marker, level)
    })
}

fn meta(title: &str, date: LetterDate) -> DocMeta {
    DocMeta {
        title: title.into(),
        author: "Embassy of the Republic of Kazakhstan in the Republic of Korea".into(),
        document_id: *b"qorgau-sample-01",
        date,
    }
}

/// A one-page 공문 to a regional labour office supporting a worker's wage-arrears petition,
/// in Korean with an English version below, letterhead in Kazakh, Korean and English.
pub fn sample_bilingual_letter() -> Document {
    let worker_ko = "Жұмабеков Әлихан(ZHUMABEKOV ALIKHAN, 1994. 3. 15.생)";
    let blocks = vec![
        labelled(
            "수신",
            "서울지방고용노동청장(근로개선지도과장)",
            "agency.addressee",
        ),
        labelled("(경유)", "", "agency.via"),
        Block::Labelled {
            label: Text::plain("제목"),
            value: vec![Run::field(
                "카자흐스탄 국민 임금체불 진정 사건 처리 협조 요청",
                "letter.subject_ko",
            )],
            bold: true,
        },
        Block::Rule,
        item(
            "1.",
            0,
            vec![
                Run::plain("우리 대사관은 카자흐스탄 국민 "),
                Run::field(worker_ko, "worker.name"),
                Run::plain("이 2026. 10. 2. 귀 청에 제기한 임금체불 진정 사건(접수번호 "),
                Run::field("2026-4417", "case.agency_ref"),
                Run::plain(")과 관련하여 다음과 같이 협조를 요청합니다."),
            ],
        ),
        item(
            "가.",
            1,
            vec![Run::field(
                "진정인은 2025. 4. 1.부터 2026. 8. 31.까지 (주)한빛정밀(경기도 안산시 단원구 소재)에서 \
                 근무하였으며, 2026. 6.부터 8.까지 3개월분 임금 7,860,000원과 퇴직금을 받지 못하였다고 \
                 진술하고 있습니다.",
                "case.summary_ko",
            )],
        ),
        item(
            "나.",
            1,
            vec![Run::plain(
                "진정인은 한국어 의사소통이 원활하지 않으므로 출석 조사 시 러시아어 또는 카자흐어 통역을 \
                 지원하여 주시기 바랍니다.",
            )],
        ),
        item(
            "다.",
            1,
            vec![Run::plain(
                "사건 처리 결과를 우리 대사관 영사과(02-379-9714)로 알려 주시면 감사하겠습니다.",
            )],
        ),
        Block::Paragraph(Paragraph {
            space_before_mm: 1.0,
            ..Paragraph::new(vec![Run::plain(
                "붙임  1. 진정서 사본 1부.  2. 여권 사본 1부.  끝.",
            )])
        }),
        Block::Signature {
            lines: vec![
                Text::field("주대한민국 카자흐스탄공화국 대사관", "mission.name_ko"),
                Text::field("영사 Серікбаев Нұрлан (직인)", "mission.consul"),
            ],
        },
        labelled(
            "시행",
            "KZ-SEL-2026/0142 (2026. 11. 21.)",
            "letter.registry_number",
        ),
        Block::Rule,
        Block::Paragraph(Paragraph::new(vec![Run::bold("English version")]).aligned(Align::Center)),
        labelled(
            "To:",
            "Head, Seoul Regional Employment and Labor Office (Labor Standards Division)",
            "agency.addressee_en",
        ),
        Block::Labelled {
            label: Text::plain("Subject:"),
            value: vec![Run::field(
                "Wage-arrears petition of a national of Kazakhstan: request for cooperation",
                "letter.subject_en",
            )],
            bold: true,
        },
        Block::Paragraph(Paragraph::new(vec![
            Run::plain(
                "The Embassy refers to the petition filed with your Office on 2 October 2026 (No. ",
            ),
            Run::field("2026-4417", "case.agency_ref"),
            Run::plain(") by Mr "),
            Run::field("ZHUMABEKOV Alikhan (Жұмабеков Әлихан)", "worker.name_en"),
            Run::plain(
                ", who states that (주)한빛정밀 (Hanbit Precision Co., Ltd.), Ansan, has not paid \
                 his wages for June to August 2026 (KRW 7,860,000) or his severance pay. As he \
                 does not speak Korean, the Embassy kindly asks that a Russian or Kazakh \
                 interpreter attend his hearing, and that the Consular Section be informed of the \
                 outcome. Attachments: copy of the petition; copy of the passport.",
            ),
        ])),
    ];
    Document {
        meta: meta(
            "임금체불 진정 사건 처리 협조 요청 / Wage-arrears petition",
            LetterDate::new(2026, 11, 21),
        ),
        draft: false,
        letterhead: Some(letterhead()),
        blocks,
    }
}

/// A letter long enough to run over several pages: `sections` numbered items in Korean,
/// each with sub-items and a Kazakh and Russian paragraph.
pub fn sample_long_letter(sections: usize) -> Document {
    let mut blocks = vec![
        labelled("수신", "외교부장관(재외동포영사실장)", "agency.addressee"),
        Block::Labelled {
            label: Text::plain("제목"),
            value: vec![Run::plain("카자흐스탄 국민 근로자 보호 협력 현황 보고")],
            bold: true,
        },
        Block::Rule,
    ];
    for s in 1..=sections {
        blocks.push(item(
            &format!("{s}."),
            0,
            vec![Run::plain(format!(
                "제{s}차 협의 결과, 양측은 외국인 근로자의 임금체불 및 산업재해 사건에 대하여 관할 \
                 지방고용노동청과 근로복지공단 지사 간의 연락 체계를 강화하고, 통역 지원과 상담 \
                 창구를 확대하기로 합의하였습니다."
            ))],
        ));
        for (k, marker) in ["가.", "나."].into_iter().enumerate() {
            blocks.push(item(
                marker,
                1,
                vec![Run::plain(format!(
                    "세부 사항 {s}-{}: 사업장 변경 신청, 체불 임금 확인서 발급, 대지급금 청구 절차를 \
                     안내하고 필요한 경우 대한법률구조공단의 법률 상담을 연계합니다.",
                    k + 1
                ))],
            ));
        }
        blocks.push(Block::Paragraph(Paragraph {
            indent_left_mm: crate::layout::ITEM_LEVEL_INDENT_MM,
            ..Paragraph::new(vec![Run::field(
                "Қазақстан азаматтарына жалақы, еңбек жарақаты және құжаттар бойынша консулдық көмек \
                 көрсетіледі; Өтініштер Ғаламтор арқылы да қабылданады. Гражданам Казахстана \
                 оказывается консульская помощь по вопросам заработной платы и производственных травм.",
                "case.note_kk_ru",
            )])
        }));
    }
    blocks.push(Block::Paragraph(Paragraph::new(vec![Run::plain("끝.")])));
    blocks.push(Block::Signature {
        lines: vec![
            Text::plain("주대한민국 카자흐스탄공화국 대사관"),
            Text::plain("영사 Серікбаев Нұрлан (직인)"),
        ],
    });
    Document {
        meta: meta("협력 현황 보고", LetterDate::new(2026, 11, 21)),
        draft: false,
        letterhead: Some(letterhead()),
        blocks,
    }
}

/// A complete context for filling any shipped template: an invented worker, employer and
/// case, and the Embassy in Seoul. `worker.stay_status` is left unset, as it is unless the
/// caseworker chooses to state it.
pub fn sample_context() -> crate::LetterContext {
    let pairs: &[(&str, &str)] = &[
        (
            "mission.name_kk",
            "Қазақстан Республикасының Корея Республикасындағы Елшілігі",
        ),
        (
            "mission.name_ru",
            "Посольство Республики Казахстан в Республике Корея",
        ),
        ("mission.name_ko", "주대한민국 카자흐스탄공화국 대사관"),
        (
            "mission.name_en",
            "Embassy of the Republic of Kazakhstan in the Republic of Korea",
        ),
        ("mission.address_ko", "(04392) 서울특별시 용산구 장문로 53"),
        (
            "mission.address_en",
            "53, Jangmun-ro, Yongsan-gu, Seoul 04392",
        ),
        ("mission.phone", "02-379-9714"),
        ("mission.fax", "02-395-9766"),
        ("mission.email", "seoul@mfa.kz"),
        ("mission.consul_name_ko", "누를란 세릭바예프"),
        ("mission.consul_name_kk", "Н. Серікбаев"),
        ("mission.consul_name_ru", "Н. Серикбаев"),
        ("mission.consul_title_kk", "Консул"),
        ("mission.consul_title_ru", "Консул"),
        ("mission.consul_name_en", "Nurlan SERIKBAYEV"),
        ("mission.consul_title_ko", "영사"),
        ("mission.consul_title_en", "Consul"),
        ("mission.section_ko", "영사과"),
        ("agency.name_ko", "경기지방고용노동청 안산지청"),
        (
            "agency.name_en",
            "Ansan Branch, Gyeonggi Regional Employment and Labor Office",
        ),
        ("agency.recipient_ko", "경기지방고용노동청 안산지청장"),
        ("worker.name_cyrillic", "Жұмабеков Әлихан"),
        ("worker.latin_name", "ZHUMABEKOV ALIKHAN"),
        ("worker.hangul_name", "주마베코프 알리한"),
        ("worker.birth_date_ko", "1994. 3. 15."),
        ("worker.birth_date_en", "15 March 1994"),
        ("worker.sex_ko", "남"),
        ("worker.sex_en", "male"),
        ("worker.passport_no", "N12345678"),
        ("worker.iin", "940315300123"),
        ("worker.arn", "940315-5123456"),
        ("worker.phone", "010-1234-5678"),
        ("worker.address_kr", "경기도 안산시 단원구 원곡로 10"),
        (
            "worker.address_en",
            "10, Wongok-ro, Danwon-gu, Ansan-si, Gyeonggi-do",
        ),
        ("worker.citizen_ru", "гражданин"),
        ("worker.occupation", "생산직 근로자"),
        ("worker.next_of_kin_name", "Жұмабекова Гүлнар"),
        ("worker.next_of_kin_relation", "배우자"),
        ("worker.next_of_kin_relation_en", "spouse"),
        ("worker.next_of_kin_phone", "+7 701 234 5678"),
        ("employer.name", "(주)한빛정밀"),
        (
            "employer.name_en",
            "Hanbit Precision Co., Ltd. ((주)한빛정밀)",
        ),
        ("employer.address", "경기도 안산시 단원구 산단로 123"),
        (
            "employer.address_en",
            "123, Sandan-ro, Danwon-gu, Ansan-si, Gyeonggi-do",
        ),
        ("employer.phone", "031-123-4567"),
        ("employer.business_reg_no", "123-45-67890"),
        ("employer.contact_person", "대표이사 김철수"),
        ("case.type_ko", "임금체불"),
        ("case.type_en", "unpaid wages"),
        ("case.occurred_on_ko", "2026. 6. 10."),
        ("case.occurred_on_en", "10 June 2026"),
        ("case.reported_on_ko", "2026. 10. 2."),
        ("case.place", "경기도 안산시 단원구"),
        ("case.place_en", "Danwon-gu, Ansan-si, Gyeonggi-do"),
        (
            "case.summary",
            "진정인은 2025. 4. 1.부터 2026. 8. 31.까지 위 사업장에서 근무하였으나 2026. 6.부터 \
             8.까지 3개월분 임금과 퇴직금을 받지 못하였다고 진술하고 있습니다.",
        ),
        ("case.amount_claimed_krw", "7,860,000"),
        ("case.amount_recovered_krw", "1,000,000"),
        ("letter.number", "SEL-2026/0142"),
        ("letter.date_ko", "2026. 11. 21."),
        ("letter.date_en", "21 November 2026"),
        (
            "letter.details_ko",
            "진정인의 출석 일정은 우리 대사관 영사과를 통하여 조율하여 주시면 감사하겠습니다.",
        ),
        (
            "letter.details_en",
            "The Embassy would be grateful if the petitioner's hearing could be scheduled \
             through its Consular Section.",
        ),
        ("letter.attachments_ko", "진정서 사본 1부.\n여권 사본 1부."),
        (
            "letter.attachments_en",
            "Copy of the petition.\nCopy of the passport.",
        ),
        ("letter.officer_ko", "영사 누를란 세릭바예프"),
        ("letter.officer_en", "Nurlan SERIKBAYEV, Consul"),
        ("letter.officer_phone", "02-379-9716"),
        ("letter.consent_enclosed", "yes"),
    ];
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// [`sample_context`] with an agency of the kind the shipped template `template` is
/// addressed to (a labour office, a COMWEL branch, an immigration office …), for demo
/// letters and golden tests. Unknown names get the plain sample context. Addresses are
/// given only where the domain reference has a source; the others are left empty.
pub fn sample_context_for(template: &str) -> crate::LetterContext {
    let mut ctx = sample_context();
    let agency: Option<[&str; 5]> = match template {
        "industrial_accident" => Some([
            "근로복지공단 안산지사",
            "Ansan Branch, Korea Workers' Compensation & Welfare Service",
            "근로복지공단 안산지사장",
            "",
            "",
        ]),
        "consular_access" => Some([
            "서울출입국·외국인청",
            "Seoul Immigration Office",
            "서울출입국·외국인청장",
            "",
            "",
        ]),
        "crime_victim_police" => Some([
            "안산단원경찰서",
            "Ansan Danwon Police Station",
            "안산단원경찰서장",
            "",
            "",
        ]),
        "substitute_wages" | "survivor_benefits" => Some([
            "근로복지공단 안산지사",
            "Ansan Branch, Korea Workers' Compensation & Welfare Service",
            "근로복지공단 안산지사장",
            "",
            "",
        ]),
        "voluntary_departure" => Some([
            "서울출입국·외국인청",
            "Seoul Immigration Office",
            "서울출입국·외국인청장",
            "",
            "",
        ]),
        "detention_release" => Some([
            "화성외국인보호소",
            "Hwaseong Immigration Detention Center",
            "화성외국인보호소장",
            "",
            "",
        ]),
        "hospital_records" => Some([
            "고려대학교 안산병원",
            "Korea University Ansan Hospital",
            "고려대학교 안산병원장",
            "",
            "",
        ]),
        "insurer_claim" => Some([
            "○○보험 주식회사",
            "○○ Insurance Co., Ltd.",
            "○○보험 주식회사 대표이사",
            "",
            "",
        ]),
        "death_police" => Some([
            "서울용산경찰서",
            "Yongsan Police Station, Seoul",
            "서울용산경찰서장",
            "",
            "",
        ]),
        "support_centre" => Some([
            "부산외국인근로자지원센터",
            "Busan Support Center for Foreign Workers",
            "부산외국인근로자지원센터장",
            "부산광역시 연제구 연수로 86 지하1층",
            "B1F, 86 Yeonsu-ro, Yeonje-gu, Busan",
        ]),
        "human_rights" => Some([
            "국가인권위원회",
            "National Human Rights Commission of Korea",
            "국가인권위원회 위원장",
            "서울특별시 중구 삼일대로 340 나라키움 저동빌딩",
            "Narakium Jeo-dong Bldg., 340 Samil-daero, Jung-gu, Seoul 04551",
        ]),
        "death_hospital" => Some([
            "고려대학교 안산병원",
            "Korea University Ansan Hospital",
            "고려대학교 안산병원장",
            "",
            "",
        ]),
        "legal_aid" => Some([
            "대한법률구조공단 수원지부",
            "Suwon Branch, Korea Legal Aid Corporation",
            "대한법률구조공단 수원지부장",
            "",
            "",
        ]),
        "note_verbale" => Some([
            "외교부",
            "Ministry of Foreign Affairs of the Republic of Korea",
            "외교부장관",
            "",
            "",
        ]),
        _ => None,
    };
    // Each letter its own realistic case: the accident letter tells of an accident, the
    // death letters of a death, not of the wage claim the shared sample describes.
    let case: Option<(&str, &str)> = match template {
        "industrial_accident" => Some((
            "산업재해",
            "재해자는 2026. 6. 10. 프레스 작업 중 오른손이 끼여 골절상을 입고 수술을 받았습니다.",
        )),
        "consular_access" => Some(("구금(보호) 및 강제퇴거", "")),
        "death_police" | "death_hospital" | "survivor_benefits" | "employer_death_payment" => {
            Some(("사망 및 시신(유해) 송환", ""))
        }
        "crime_victim_police" => Some(("범죄 피해", "")),
        "human_rights" => Some((
            "차별 및 가혹행위",
            "피해자는 외국인보호소에서 보호 중 통역 없이 조사를 받았다고 진술하고 있습니다.",
        )),
        _ => None,
    };
    if let Some((type_ko, summary)) = case {
        ctx.set("case.type_ko", type_ko)
            .set("case.summary", summary);
        let type_en = match type_ko {
            "산업재해" => "an industrial accident",
            "구금(보호) 및 강제퇴거" => "detention and removal",
            "사망 및 시신(유해) 송환" => "a death and the repatriation of the remains",
            "범죄 피해" => "being the victim of a crime",
            _ => "discrimination and ill-treatment",
        };
        ctx.set("case.type_en", type_en);
    }
    // Remarks and enclosures that fit the letter (the shared ones are a wage petition's).
    let own: Option<(&str, &str, &str, &str)> = match template {
        "consular_access"
        | "crime_victim_police"
        | "detention_release"
        | "employer_documents"
        | "employer_death_payment"
        | "passport_return"
        | "insurer_claim"
        | "hospital_records"
        | "wage_certificate"
        | "substitute_wages"
        | "note_verbale_notification" => Some(("", "", "", "")),
        "death_police" | "death_hospital" => Some((
            "",
            "",
            "고인의 여권 사본 1부.",
            "Copy of the passport of the deceased.",
        )),
        "industrial_accident" => Some((
            "",
            "",
            "진단서 사본 1부.",
            "Copy of the medical certificate.",
        )),
        "employer_payment" | "support_centre" | "human_rights" | "legal_aid" => {
            Some(("", "", "", ""))
        }
        _ => None,
    };
    if let Some((details_ko, details_en, attachments_ko, attachments_en)) = own {
        ctx.set("letter.details_ko", details_ko)
            .set("letter.details_en", details_en)
            .set("letter.attachments_ko", attachments_ko)
            .set("letter.attachments_en", attachments_en);
    }
    if template == "note_verbale" {
        // A note verbale speaks of the Embassy in the third person.
        ctx.set(
            "letter.details_ko",
            "진정인은 2026. 10. 2. 관할 지방고용노동관서에 진정을 제기하였으나, 사업주는 출석 요구에 응하지 않고 있습니다.",
        )
        .set(
            "letter.details_en",
            "The petitioner filed a petition with the competent labour office on 2 October 2026, \
             but the employer has not answered its summons.",
        );
    }
    if template == "legal_aid" {
        ctx.set("letter.wage_case", "yes");
    }
    if let Some([name_ko, name_en, recipient_ko, address_ko, address_en]) = agency {
        ctx.set("agency.name_ko", name_ko)
            .set("agency.name_en", name_en)
            .set("agency.recipient_ko", recipient_ko)
            .set("agency.address_ko", address_ko)
            .set("agency.address_en", address_en);
    }
    ctx
}
