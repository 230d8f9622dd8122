//! The TypeScript bindings in `ui/src/lib/bindings/` are exactly what the Rust types generate.
//! `QORGAU_WRITE_BINDINGS=1 cargo test -p qorgau-desktop --test bindings` rewrites them.

use std::collections::BTreeMap;
use std::path::PathBuf;

fn committed_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings")
}

fn committed() -> BTreeMap<String, String> {
    qorgau_desktop::bindings::read_ts_files(&committed_dir()).unwrap()
}

#[test]
fn bindings_are_current() {
    let generated = qorgau_desktop::bindings::generate().expect("ts-rs export");
    assert!(generated.contains_key("Worker.ts") && generated.contains_key("CoreError.ts"));
    if std::env::var_os("QORGAU_WRITE_BINDINGS").is_some() {
        let dir = committed_dir();
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in &generated {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        return;
    }
    let committed = committed();
    let stale: Vec<&String> = generated
        .keys()
        .filter(|name| committed.get(*name) != generated.get(*name))
        .chain(
            committed
                .keys()
                .filter(|name| !generated.contains_key(*name)),
        )
        .collect();
    assert!(
        stale.is_empty(),
        "ui/src/lib/bindings is stale ({stale:?}); run \
         QORGAU_WRITE_BINDINGS=1 cargo test -p qorgau-desktop --test bindings and commit the result"
    );
}
