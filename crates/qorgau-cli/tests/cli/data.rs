//! `qorgau import`: the JSON contract scripts depend on, the exit codes, a refused commit that
//! writes nothing, a mapping file, and a re-import that adds nothing.

use super::*;

fn write(ws: &Ws, name: &str, bytes: &[u8]) -> String {
    let path = ws.path.with_file_name(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

fn workers_count(ws: &Ws) -> i64 {
    ws.json(&["status"])["stats"]["workers"].as_i64().unwrap()
}

#[test]
fn import_workers_reports_exactly_and_commits_all_or_nothing() {
    let ws = Ws::new();
    let existing = add_worker(&ws, &nurlan());
    // Row 2: Нурлан's IIN again; row 3 a new worker; row 4 a bad date; row 5 row 3 again.
    let csv = format!(
        "Фамилия;Имя;ИИН;Дата рождения;Телефон\n\
         Цой;Нурлан;{iin};;\n\
         Ахметов;Бауыржан;;1985/7/1;8 701 123 45 67\n\
         Пак;Ольга;;31.02.1990;\n\
         AKHMETOV;BAUYRZHAN;;01.07.1985;\n",
        iin = nurlan()["iin"].as_str().unwrap()
    );
    let file = write(&ws, "w.csv", csv.as_bytes());

    let report = ws.json(&["import", "workers", &file, "--dry-run"]);
    assert_eq!(
        report,
        json!({
            "rows": 4,
            "added": 1,
            "duplicates": [
                {"row": 2, "existing_id": existing, "reason": "same_iin"},
                {"row": 5, "existing_id": null, "reason": "likely_twin_in_file", "first_row": 3}
            ],
            "errors": [{
                "row": 4,
                "field": "birth_date",
                "code": "invalid_date",
                "message": report["errors"][0]["message"]
            }],
            "committed": false
        })
    );
    assert!(
        report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("31.02.1990"),
        "{report}"
    );

    // Errors without --skip-invalid: exit 1, the report, nothing written.
    let out = ws.run(&["--json", "import", "workers", &file]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let refused: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(refused["committed"], json!(false));
    assert_eq!(workers_count(&ws), 1);

    let done = ws.json(&["import", "workers", &file, "--skip-invalid"]);
    assert_eq!(done["committed"], json!(true));
    assert_eq!(done["added"], json!(1));
    assert_eq!(workers_count(&ws), 2);
    let audit = ws.json(&["audit", "list"]);
    assert!(audit.to_string().contains("\"import\""), "{audit}");

    let again = ws.json(&["import", "workers", &file, "--skip-invalid"]);
    assert_eq!(again["added"], json!(0));
    assert_eq!(workers_count(&ws), 2);
}

#[test]
fn a_mapping_file_names_the_columns() {
    let ws = Ws::new();
    let file = write(
        &ws,
        "m.csv",
        "Кто,Контакт,Когда\nТен Виктор,010 1234 5678,1988-12-01\n".as_bytes(),
    );
    let mapping = write(
        &ws,
        "mapping.toml",
        "\"Кто\" = \"full_name\"\n\"Контакт\" = \"phones\"\nC = \"birth_date\"\n".as_bytes(),
    );
    let done = ws.json(&["import", "workers", &file, "--mapping", &mapping]);
    assert_eq!(done["added"], json!(1), "{done}");
    let bad = write(&ws, "bad.toml", "\"Кто\" = \"salary\"\n".as_bytes());
    let out = ws.run(&["import", "workers", &file, "--mapping", &bad]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("salary"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn backup_create_verify_restore_keeps_the_state_hash() {
    let ws = Ws::new();
    add_worker(&ws, &nurlan());
    let file = ws.path.with_file_name("ws.qorgau-backup");
    let file = file.to_str().unwrap();
    let made = ws.json(&["backup", "create", "--out", file]);
    let hash = ws.json(&["state-hash"]);
    let verified = ws.json(&["backup", "verify", file]);
    assert_eq!(verified["workers"], json!(1));
    assert_eq!(verified["state_hash"], made["state_hash"]);

    let target = ws.path.with_file_name("restored");
    let out = ws.run(&[
        "--json",
        "backup",
        "restore",
        file,
        "--workspace",
        target.to_str().unwrap(),
    ]);
    assert_ok(&out);
    let out = ws.run(&[
        "--json",
        "state-hash",
        "--workspace",
        target.to_str().unwrap(),
    ]);
    assert_ok(&out);
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap(), hash);

    // A truncated copy: exit 1 and the reason.
    let bytes = std::fs::read(file).unwrap();
    let cut = write(&ws, "cut.qorgau-backup", &bytes[..bytes.len() - 100]);
    let out = ws.run(&["backup", "verify", &cut]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("damaged or incomplete"),
        "{}",
        text(&out.stderr)
    );
}
