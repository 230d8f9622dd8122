//! What the sync engine keeps of the team log and of each peer's envelope chain: kept across
//! a reopen, and a peer's chain never moves back.

use crate::support::*;
use qorgau_domain::DeviceId;

#[test]
fn team_log_entries_and_peer_chains_survive_a_reopen_and_never_go_back() {
    let (dir, mut store) = new_store();
    store
        .append_team_log(&[(1, "genesis".into()), (2, "second".into())])
        .unwrap();
    // An entry kept already is left as it was.
    store
        .append_team_log(&[(2, "rewritten".into()), (3, "third".into())])
        .unwrap();
    let peer = DeviceId::new();
    store.record_peer_chains(&[(peer, 5, [5; 32])]).unwrap();
    store.record_peer_chains(&[(peer, 3, [3; 32])]).unwrap();
    assert_eq!(store.sealed_chain_hash().unwrap(), [0; 32]);
    drop(store);
    let store = reopen(dir.path());
    assert_eq!(
        store.team_log_entries().unwrap(),
        ["genesis", "second", "third"]
    );
    assert_eq!(store.peer_chain(peer).unwrap(), Some((5, [5; 32])));
    assert_eq!(store.peer_chains().unwrap(), vec![(peer, 5, [5; 32])]);
    assert_eq!(store.peer_chain(DeviceId::new()).unwrap(), None);
}
