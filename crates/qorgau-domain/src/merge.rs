//! The merge rule for one field: last writer wins on `(HLC, device id)`, and two writes that
//! did not see each other are a conflict for a person to review.
//!
//! Every field change carries the version it replaced on its device (`base`). Versions are
//! totally ordered by `(hlc, device)`, and a device's HLC is always ahead of every version it
//! has seen, so the writer of version `b` had seen version `a < b` exactly when
//! `b.base >= a`. Two versions `a < b` are therefore *concurrent* when `b.base < a` (or `b`
//! replaced nothing): `b` wins everywhere, and `a` is kept as the conflict's other value.
//! The winner never depends on arrival order, so every device converges; see the property
//! test below.

use crate::{DeviceId, Hlc};
use serde::{Deserialize, Serialize};

/// One written version of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FieldVersion {
    pub hlc: Hlc,
    pub device: DeviceId,
}

/// A field's state as a device holds it: its version and the version that write replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldWrite {
    pub version: FieldVersion,
    pub base: Option<FieldVersion>,
}

/// What to do with an incoming write of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeOutcome {
    /// The same write again: nothing to do (applying is idempotent).
    Duplicate,
    /// The incoming write wins. `conflict_with` is the replaced write when the two were
    /// concurrent.
    Apply { conflict_with: Option<FieldVersion> },
    /// The current value stays. `conflict_with` is the incoming write when the two were
    /// concurrent.
    Keep { conflict_with: Option<FieldVersion> },
}

/// Whether the writer of `later` had not seen `earlier` (`earlier < later`).
fn concurrent(earlier: FieldVersion, later: &FieldWrite) -> bool {
    later.base.is_none_or(|base| base < earlier)
}

/// Merges an incoming write of a field into the current one (`None`: the field was never
/// written here).
pub fn merge_field(current: Option<&FieldWrite>, incoming: &FieldWrite) -> MergeOutcome {
    let Some(current) = current else {
        return MergeOutcome::Apply {
            conflict_with: None,
        };
    };
    if incoming.version == current.version {
        MergeOutcome::Duplicate
    } else if incoming.version > current.version {
        MergeOutcome::Apply {
            conflict_with: concurrent(current.version, incoming).then_some(current.version),
        }
    } else {
        MergeOutcome::Keep {
            conflict_with: concurrent(incoming.version, current).then_some(incoming.version),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v(ms: u64, device: u8) -> FieldVersion {
        FieldVersion {
            hlc: Hlc(ms << 16),
            device: DeviceId::from_bytes([device; 16]),
        }
    }

    fn w(version: FieldVersion, base: Option<FieldVersion>) -> FieldWrite {
        FieldWrite { version, base }
    }

    #[test]
    fn two_offline_edits_of_one_field_are_a_conflict_on_both_devices() {
        let original = w(v(100, 1), None);
        let on_a = w(v(200, 1), Some(original.version));
        let on_b = w(v(150, 2), Some(original.version));
        // Device A holds its own edit and receives B's older one: keeps A's, notes B's.
        assert_eq!(
            merge_field(Some(&on_a), &on_b),
            MergeOutcome::Keep {
                conflict_with: Some(on_b.version)
            }
        );
        // Device B holds its own edit and receives A's newer one: applies A's, notes its own.
        assert_eq!(
            merge_field(Some(&on_b), &on_a),
            MergeOutcome::Apply {
                conflict_with: Some(on_b.version)
            }
        );
    }

    #[test]
    fn an_edit_made_after_seeing_the_other_is_no_conflict() {
        let first = w(v(100, 1), None);
        let second = w(v(300, 2), Some(first.version));
        assert_eq!(
            merge_field(Some(&first), &second),
            MergeOutcome::Apply {
                conflict_with: None
            }
        );
        assert_eq!(
            merge_field(Some(&second), &first),
            MergeOutcome::Keep {
                conflict_with: None
            }
        );
        assert_eq!(merge_field(Some(&second), &second), MergeOutcome::Duplicate);
        assert_eq!(
            merge_field(None, &first),
            MergeOutcome::Apply {
                conflict_with: None
            }
        );
    }

    #[test]
    fn equal_clocks_are_ordered_by_device_id() {
        let a = w(v(500, 1), None);
        let b = w(v(500, 2), None);
        assert!(matches!(
            merge_field(Some(&a), &b),
            MergeOutcome::Apply { .. }
        ));
        assert!(matches!(
            merge_field(Some(&b), &a),
            MergeOutcome::Keep { .. }
        ));
    }

    /// Applies `writes` in the given order and returns the surviving version.
    fn replay(writes: &[FieldWrite]) -> Option<FieldVersion> {
        let mut current: Option<FieldWrite> = None;
        for write in writes {
            if let MergeOutcome::Apply { .. } = merge_field(current.as_ref(), write) {
                current = Some(*write);
            }
        }
        current.map(|c| c.version)
    }

    proptest! {
        /// Whatever order the writes arrive in, every device ends with the same version:
        /// the greatest.
        #[test]
        fn every_arrival_order_converges(
            raw in proptest::collection::vec((0u64..50, 0u8..4, proptest::option::of(0usize..8)), 1..12),
            seed in any::<u64>(),
        ) {
            let versions: Vec<FieldVersion> = raw.iter().map(|(ms, d, _)| v(*ms, *d)).collect();
            let writes: Vec<FieldWrite> = raw
                .iter()
                .zip(&versions)
                .map(|((_, _, base), version)| {
                    let base = base.and_then(|i| versions.get(i)).copied().filter(|b| b < version);
                    w(*version, base)
                })
                .collect();
            let expected = versions.iter().max().copied();
            let mut shuffled = writes.clone();
            // A deterministic shuffle from the seed.
            let mut state = seed | 1;
            for i in (1..shuffled.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                shuffled.swap(i, (state % (i as u64 + 1)) as usize);
            }
            prop_assert_eq!(replay(&writes), expected);
            prop_assert_eq!(replay(&shuffled), expected);
        }
    }
}
