//! `qorgau calc wages`, `qorgau case calc` and `qorgau case deadlines`.

use super::*;

/// The example of the CLI contract (issue 14).
fn example() -> Value {
    json!({"start_date": "2024-03-04", "last_day": "2025-09-30", "weekly_hours": 40,
        "hourly_wage": 12000, "monthly_pay": null, "payday": 10, "as_of": "2026-03-31",
        "months": [{"month": "2025-08", "earned": 3500000, "paid": 0}], "severance_paid": 0})
}

fn calc(value: &Value) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("claim.json");
    std::fs::write(&file, value.to_string()).unwrap();
    // No workspace and no passphrase: the calculator needs neither.
    Command::new(env!("CARGO_BIN_EXE_qorgau"))
        .args(["--json", "calc", "wages", "--json", file.to_str().unwrap()])
        .env_remove("QORGAU_WORKSPACE")
        .env_remove("QORGAU_PASSPHRASE")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn calc_wages_prints_the_documented_json() {
    let out = calc(&example());
    assert_ok(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // August 3,500,000 unpaid (payday 2025-09-10). Weekly holiday (hourly wage, not paid):
    // 5 weeks ending on an August Sunday (3, 10, 17, 24, 31) × 12,000 × 8 h = 480,000.
    // Severance: 576 days of service; July and September not entered, so their contract
    // pay 12,000 × 2,400 min × 31 ÷ 420 = 2,125,714 and × 30 ÷ 420 = 2,057,142; with August
    // 3,980,000 the average is 8,162,856 ÷ 92 = 88,726.70 < ordinary 96,000:
    // 96,000 × 30 × 576 ÷ 365 = 4,544,876. Interest from 2025-10-15 to 2026-03-31 (168 days)
    // on 8,524,876: × 20 % × 168 ÷ 365 = 784,755.
    assert_eq!(v["unpaid_wages_krw"], json!(3_500_000));
    assert_eq!(v["min_wage_shortfall_krw"], json!(0));
    assert_eq!(v["weekly_holiday_krw"], json!(480_000));
    assert_eq!(v["severance_krw"], json!(4_544_876));
    assert_eq!(v["delay_interest_krw"], json!(784_755));
    assert_eq!(v["prescribed_krw"], json!(0));
    assert_eq!(v["total_krw"], json!(9_309_631));
    let lines = v["lines"].as_array().unwrap();
    for line in lines {
        for key in [
            "item",
            "amount_krw",
            "rule",
            "statute",
            "source",
            "from",
            "to",
        ] {
            assert!(line.get(key).is_some(), "{key} missing in {line}");
        }
    }
    assert_eq!(lines[0]["item"], json!("unpaid_wages"));
    assert_eq!(lines[0]["from"], json!("2025-08-01"));
    assert_eq!(lines[0]["to"], json!("2025-08-31"));
}

#[test]
fn calc_wages_refuses_bad_input_naming_the_field() {
    for (change, field) in [
        (json!({"last_day": "2024-01-01"}), "last_day"),
        (
            json!({"months": [{"month": "2025-08", "earned": -1, "paid": 0}]}),
            "months[0].earned",
        ),
        (
            json!({"months": [{"month": "2025-12", "earned": 1, "paid": 0}]}),
            "months[0].month",
        ),
        (json!({"monthly_pay": 2000000}), "hourly_wage"),
        (json!({"hourly_wage": null}), "hourly_wage"),
        (json!({"pay_day": 10}), "pay_day"),
    ] {
        let mut input = example();
        for (k, v) in change.as_object().unwrap() {
            input[k] = v.clone();
        }
        let out = calc(&input);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{change}: {}",
            text(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["error"]["code"], json!("invalid"), "{change}");
        let fields: Vec<&str> = v["error"]["issues"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|i| i["field"].as_str())
            .collect();
        assert!(fields.contains(&field), "{change}: {fields:?}");
    }
}

fn wage_case(ws: &Ws) -> String {
    let worker = add_worker(ws, &nurlan());
    let out = ws.with_file(
        &["case", "add"],
        &json!({"workers": [worker], "case_type": "unpaid_wages", "summary": "임금체불"}),
    );
    assert_ok(&out);
    text(&out.stdout).trim().to_string()
}

#[test]
fn case_calc_saves_the_computation_and_its_deadlines() {
    let ws = Ws::new();
    let case = wage_case(&ws);

    // Without --save nothing is stored.
    let out = ws.with_file(&["--json", "case", "calc", &case], &example());
    assert_ok(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["saved"], json!(false));
    assert_eq!(v["total_krw"], json!(9_309_631));
    let shown = ws.json(&["case", "show", &case]);
    assert!(shown["case"].get("amount_claimed_krw").is_none());
    assert_eq!(ws.json(&["case", "deadlines", &case]), json!([]));

    let out = ws.with_file(&["--json", "case", "calc", &case, "--save"], &example());
    assert_ok(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["saved"], json!(true));
    assert_eq!(v["calc_id"].as_str().unwrap().len(), 36);
    let shown = ws.json(&["case", "show", &case]);
    assert_eq!(shown["case"]["amount_claimed_krw"], json!(9_309_631));
    assert_eq!(shown["case"]["last_day_worked"], json!("2025-09-30"));

    // Deadlines: final pay 14 days after 2025-09-30; prescription 3 years after each unpaid
    // payday (August wages 2025-09-10; severance from the termination date 2025-10-01).
    let list = ws.json(&["case", "deadlines", &case]);
    let due = |key: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|d| d["key"] == json!(key))
            .map(|d| d["due_on"].clone())
    };
    assert_eq!(due("final_pay"), Some(json!("2025-10-14")));
    assert_eq!(due("prescription:2025-09-10"), Some(json!("2028-09-10")));
    assert_eq!(due("prescription:2025-10-01"), Some(json!("2028-10-01")));
    for d in list.as_array().unwrap() {
        assert!(!d["rule"].as_str().unwrap().is_empty());
        assert!(!d["source"].as_str().unwrap().is_empty());
    }

    // A fact changes: the deadlines follow.
    let out = ws.with_file(
        &["case", "update", &case],
        &json!({"last_day_worked": "2025-10-31", "moel_confirmed_on": "2025-12-01"}),
    );
    assert_ok(&out);
    let list = ws.json(&["case", "deadlines", &case]);
    let find = |key: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|d| d["key"] == json!(key))
            .cloned()
    };
    assert_eq!(find("final_pay").unwrap()["due_on"], json!("2025-11-14"));
    assert_eq!(
        find("daejigeup_moel").unwrap()["due_on"],
        json!("2026-12-01")
    );

    // Marked done, it stays done across recomputation, and leaves the dashboard.
    let list = ws.json(&["case", "deadlines", &case, "--done", "final_pay"]);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|d| d["key"] == json!("final_pay") && d["done"] == json!(true))
    );
    let out = ws.run(&["case", "deadlines", &case, "--done", "no_such"]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
}

#[test]
fn a_saved_computation_syncs_with_its_deadlines_and_shows_on_the_dashboard() {
    let (_server, a, b) = super::sync::team();
    let case = wage_case(&a);
    let out = a.with_file(&["case", "calc", &case, "--save"], &example());
    assert_ok(&out);
    let contact = json!({"kind": "kin_contact", "on": "2026-01-12", "contact": "brother",
        "summary": "told of the claim", "next_update_on": "2026-01-20"});
    assert_ok(&a.with_file(&["case", "log", &case], &contact));
    a.json(&["sync"]);
    let pulled = b.json(&["sync"]);
    assert!(pulled["applied"].as_u64().unwrap() >= 3, "{pulled}");
    assert_eq!(super::sync::hash(&a), super::sync::hash(&b));
    // The other laptop has the computation, the claimed amount and the same deadlines.
    assert_eq!(
        b.json(&["case", "show", &case])["case"]["amount_claimed_krw"],
        json!(9_309_631)
    );
    assert_eq!(
        b.json(&["case", "deadlines", &case]),
        a.json(&["case", "deadlines", &case])
    );
    assert_eq!(
        b.json(&["case", "logs", &case]),
        a.json(&["case", "logs", &case])
    );
    assert!(
        b.json(&["case", "deadlines", &case])
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["key"] == json!("kin_update"))
    );
}

#[test]
fn a_letter_shows_the_channel_notice_and_records_the_stay_status_choice() {
    let ws = Ws::new();
    let case = wage_case(&ws);
    assert_ok(&ws.run(&["agency", "import"]));
    super::letters::set_mission(&ws);
    let agency = super::letters::labour_office(&ws);
    // The saved computation gives the letter its amount.
    assert_ok(&ws.with_file(&["case", "calc", &case, "--save"], &example()));
    let spec = [
        "--case",
        case.as_str(),
        "--template",
        "wage_arrears",
        "--agency",
        agency.as_str(),
    ];
    let register = |extra: &[&str]| {
        let mut args = vec!["--json", "letter", "register"];
        args.extend(spec);
        args.extend(extra);
        let out = ws.run(&args);
        assert_ok(&out);
        let notice = text(&out.stderr);
        let record: Value = serde_json::from_slice(&out.stdout).unwrap();
        (notice, record)
    };
    let (notice, withheld) = register(&[]);
    assert!(notice.contains("notice (labour_office)"), "{notice}");
    assert!(notice.contains("6 November 2025"), "{notice}");
    assert!(notice.contains("Stay status: withheld"), "{notice}");
    assert_eq!(withheld["data"]["safeguard.stay_status"], json!("withheld"));
    assert_eq!(
        withheld["data"]["safeguard.reporting_duty"],
        json!("exempt_for_wage_victims")
    );
    let amount = withheld["data"]["case.amount_claimed_krw"]
        .as_str()
        .unwrap();
    assert!(amount.contains("9,309,631"), "{amount}");
    let (notice, stated) = register(&["--state-stay-status"]);
    assert!(notice.contains("Stay status: stated"), "{notice}");
    assert_eq!(stated["data"]["safeguard.stay_status"], json!("stated"));

    // The registry shows the choice per letter.
    let list = ws.run(&["letter", "list", "--case", &case]);
    assert_ok(&list);
    let lines = text(&list.stdout);
    assert!(lines.contains("stay status: withheld"), "{lines}");
    assert!(lines.contains("stay status: stated"), "{lines}");
}

#[test]
fn the_breakdown_is_written_as_a_pdf_enclosure_in_korean_and_english() {
    let ws = Ws::new();
    let case = wage_case(&ws);
    let dir = ws.path.parent().unwrap().to_path_buf();
    for (lang, words) in [
        ("ko", ["붙임 임금 등 체불 내역", "퇴직금", "9,309,631원"]),
        (
            "en",
            [
                "breakdown of the wage claim",
                "Severance pay",
                "KRW 9,309,631",
            ],
        ),
    ] {
        let pdf = dir.join(format!("breakdown-{lang}.pdf"));
        let out = ws.with_file(
            &[
                "case",
                "calc",
                &case,
                "--pdf",
                pdf.to_str().unwrap(),
                "--lang",
                lang,
            ],
            &example(),
        );
        assert_ok(&out);
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let extracted = Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils) is installed on the project's machines");
        let page = text(&extracted.stdout);
        for w in words {
            assert!(page.contains(w), "{lang}: {w:?} missing in {page}");
        }
    }
    let out = ws.with_file(
        &["case", "calc", &case, "--pdf", "/dev/null", "--lang", "kk"],
        &example(),
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn repatriation_checklist_detention_visits_and_kin_contacts() {
    let ws = Ws::new();
    let worker = add_worker(&ws, &nurlan());
    let out = ws.with_file(
        &["case", "add"],
        &json!({"workers": [worker], "case_type": "death_repatriation", "occurred_on": "2026-01-10"}),
    );
    assert_ok(&out);
    let case = text(&out.stdout).trim().to_string();
    let keys = |ws: &Ws| -> Vec<(String, bool)> {
        ws.json(&["case", "deadlines", &case])
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["key"].as_str().unwrap().to_string(),
                    d["done"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    assert!(keys(&ws).contains(&("death:death_certificate".into(), false)));

    for entry in [
        json!({"kind": "repatriation_item", "item": "death_certificate", "status": "requested", "on": "2026-01-11"}),
        json!({"kind": "repatriation_item", "item": "death_certificate", "status": "received", "on": "2026-01-12", "note": "시체검안서 No. 12"}),
        json!({"kind": "repatriation_item", "item": "transport_costs", "status": "requested", "on": "2026-01-12", "cost_krw": 4500000, "payer": "employer"}),
        json!({"kind": "kin_contact", "on": "2026-01-12", "contact": "brother Аскар", "channel": "WhatsApp", "summary": "told of the documents", "next_update_on": "2026-01-15"}),
    ] {
        assert_ok(&ws.with_file(&["case", "log", &case], &entry));
    }
    let checklist = ws.json(&["case", "checklist", &case]);
    let item = |name: &str| {
        checklist
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["item"] == json!(name))
            .cloned()
            .unwrap()
    };
    assert_eq!(item("death_certificate")["status"], json!("received"));
    assert_eq!(
        item("death_certificate")["note"],
        json!("시체검안서 No. 12")
    );
    assert_eq!(item("transport_costs")["cost_krw"], json!(4_500_000));
    assert_eq!(item("transport_costs")["payer"], json!("employer"));
    assert_eq!(item("embalming_certificate")["status"], json!("pending"));
    // The received certificate settles its step; the contact sets the family's next update.
    let list = keys(&ws);
    assert!(
        list.contains(&("death:death_certificate".into(), true)),
        "{list:?}"
    );
    assert!(list.contains(&("kin_update".into(), false)), "{list:?}");

    let visit = json!({"kind": "detention_visit", "on": "2026-01-13", "place": "화성외국인보호소",
        "who": "consul; met the worker", "asked": "contact the family", "promised": "call by Friday",
        "wishes": "stay to claim the wages", "pending_claims": "wage petition at 안산지청"});
    assert_ok(&ws.with_file(&["case", "log", &case], &visit));
    let visits = ws.json(&["case", "logs", &case, "--kind", "detention_visit"]);
    assert_eq!(visits.as_array().unwrap().len(), 1);
    assert_eq!(visits[0]["promised"], json!("call by Friday"));
    assert_eq!(visits[0]["author"], json!("test caseworker"));
    assert_eq!(
        ws.json(&["case", "logs", &case]).as_array().unwrap().len(),
        5
    );

    // Refused with the field named.
    let out = ws.with_file(
        &["--json", "case", "log", &case],
        &json!({"kind": "kin_contact", "on": "2026-01-12", "contact": "brother", "summary": "x", "next_update_on": "2026-01-01"}),
    );
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["issues"][0]["field"], json!("next_update_on"));
    let out = ws.with_file(
        &["--json", "case", "log", &case],
        &json!({"kind": "repatriation_item", "item": "death_certificate", "status": "received", "on": "2026-01-12", "cost_krw": -1}),
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["issues"][0]["field"], json!("cost_krw"));
}
