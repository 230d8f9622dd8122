//! Hybrid logical clock timestamps: wall-clock milliseconds plus a counter, so changes made on
//! different devices order causally even when their clocks disagree.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A hybrid logical clock timestamp packed into 64 bits: Unix milliseconds above a 16-bit
/// logical counter. Packed values compare in the same order as the timestamps. Timestamps
/// stop at [`Hlc::MAX`] (the year 6429): below 2^63, so they also compare correctly as the
/// signed integers SQLite stores. Nothing wraps: a clock at the ceiling stays there.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(transparent)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Hlc(pub u64);

impl Hlc {
    pub const COUNTER_BITS: u32 = 16;
    /// The largest timestamp, `i64::MAX`.
    pub const MAX: Hlc = Hlc(i64::MAX as u64);
    /// The largest wall time a timestamp holds (milliseconds, about the year 6429).
    pub const MAX_WALL_MS: u64 = Self::MAX.0 >> Self::COUNTER_BITS;

    /// The timestamp of `wall_ms` and `counter`; a wall time past [`Hlc::MAX_WALL_MS`] gives
    /// [`Hlc::MAX`] (saturates, never wraps).
    pub fn new(wall_ms: u64, counter: u16) -> Self {
        if wall_ms > Self::MAX_WALL_MS {
            return Self::MAX;
        }
        Self((wall_ms << Self::COUNTER_BITS) | u64::from(counter))
    }

    /// This timestamp, or [`Hlc::MAX`] if it is above it (a value from outside: another
    /// device, or a store written before the ceiling existed).
    pub fn saturated(self) -> Self {
        self.min(Self::MAX)
    }

    /// Whether this timestamp (from another device) is more than [`MAX_REMOTE_SKEW_MS`]
    /// ahead of the physical clock reading `physical_ms`: such a change is set aside, never
    /// applied, since it would outrank every real edit until the clocks reach it.
    pub fn is_far_ahead_of(self, physical_ms: u64) -> bool {
        self.wall_ms() > physical_ms.saturating_add(MAX_REMOTE_SKEW_MS)
    }
    pub fn wall_ms(self) -> u64 {
        self.0 >> Self::COUNTER_BITS
    }
    pub fn counter(self) -> u16 {
        (self.0 & 0xffff) as u16
    }
}

impl fmt::Debug for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hlc({}.{})", self.wall_ms(), self.counter())
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:013}-{:05}", self.wall_ms(), self.counter())
    }
}

/// How far ahead of the receiver's clock another device's timestamp may be: hours of skew
/// are normal (that is what a hybrid clock absorbs), a day is not.
pub const MAX_REMOTE_SKEW_MS: u64 = 24 * 3600 * 1000;

/// The clock of one device. `now` never returns the same or an earlier timestamp twice, and
/// `observe` folds in timestamps received from other devices.
#[derive(Debug, Clone)]
pub struct HlcClock {
    last: Hlc,
}

impl HlcClock {
    pub fn starting_after(last: Hlc) -> Self {
        Self {
            last: last.saturated(),
        }
    }

    pub fn last(&self) -> Hlc {
        self.last
    }

    /// The next timestamp, given the physical clock reading in milliseconds.
    pub fn tick(&mut self, physical_ms: u64) -> Hlc {
        let last_wall = self.last.wall_ms();
        self.last = if physical_ms > last_wall {
            Hlc::new(physical_ms, 0)
        } else {
            Self::bump(self.last)
        };
        self.last
    }

    /// The next timestamp from the system clock.
    pub fn now(&mut self) -> Hlc {
        self.tick(system_ms())
    }

    /// Folds a remote timestamp in, so later local timestamps sort after it.
    pub fn observe(&mut self, remote: Hlc, physical_ms: u64) -> Hlc {
        let remote = remote.saturated();
        let wall = physical_ms.max(self.last.wall_ms()).max(remote.wall_ms());
        let base = Hlc::new(wall, 0);
        let floor = self.last.max(remote);
        self.last = if base > floor {
            base
        } else {
            Self::bump(floor)
        };
        self.last
    }

    /// `observe` with the system clock.
    pub fn observe_now(&mut self, remote: Hlc) -> Hlc {
        self.observe(remote, system_ms())
    }

    fn bump(h: Hlc) -> Hlc {
        if h >= Hlc::MAX {
            return Hlc::MAX;
        }
        match h.counter().checked_add(1) {
            Some(c) => Hlc::new(h.wall_ms(), c),
            // Counter overflow: borrow a millisecond rather than repeat a timestamp.
            None => Hlc::new(h.wall_ms() + 1, 0),
        }
    }
}

fn system_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_is_strictly_monotonic_even_when_the_clock_goes_back() {
        let mut c = HlcClock::starting_after(Hlc::default());
        let a = c.tick(1_000);
        let b = c.tick(1_000);
        let d = c.tick(500); // clock moved back
        assert!(a < b && b < d);
        assert_eq!(d.wall_ms(), 1_000);
        assert_eq!(c.tick(2_000), Hlc::new(2_000, 0));
    }

    #[test]
    fn observe_moves_past_a_remote_clock_that_runs_hours_ahead() {
        let mut c = HlcClock::starting_after(Hlc::default());
        let remote = Hlc::new(10_000_000, 7);
        let seen = c.observe(remote, 1_000);
        assert!(seen > remote);
        assert!(c.tick(1_001) > seen);
    }

    #[test]
    fn the_clock_saturates_at_its_ceiling_instead_of_wrapping() {
        // A remote u64::MAX (a forged or broken timestamp) once wrapped the clock to 0.
        let mut c = HlcClock::starting_after(Hlc::new(1000, 0));
        let seen = c.observe(Hlc(u64::MAX), 2000);
        assert_eq!(seen, Hlc::MAX);
        assert!(c.tick(3000) >= Hlc::MAX, "never back to the start");
        assert!(i64::try_from(c.last().0).is_ok(), "fits SQLite's integers");
        // A stored clock at the old 48-bit edge (a store written before the ceiling).
        let mut c = HlcClock::starting_after(Hlc(u64::MAX - 1));
        assert_eq!(c.tick(0), Hlc::MAX);
        assert_eq!(Hlc::new(u64::MAX, 7), Hlc::MAX);
        assert_eq!(Hlc::new(Hlc::MAX_WALL_MS, 0xffff), Hlc::MAX);
        let mut near = HlcClock::starting_after(Hlc::new(Hlc::MAX_WALL_MS, 0xfffe));
        assert_eq!(near.tick(0), Hlc::MAX);
        assert_eq!(near.tick(0), Hlc::MAX);
    }

    #[test]
    fn a_timestamp_more_than_a_day_ahead_is_far_ahead() {
        let now = 1_800_000_000_000;
        assert!(!Hlc::new(now + 3600 * 1000, 0).is_far_ahead_of(now));
        assert!(Hlc::new(now + MAX_REMOTE_SKEW_MS + 1, 0).is_far_ahead_of(now));
        assert!(Hlc(u64::MAX).is_far_ahead_of(now));
    }

    #[test]
    fn packing_preserves_order() {
        assert!(Hlc::new(5, 65535) < Hlc::new(6, 0));
        assert_eq!(Hlc::new(123, 45).wall_ms(), 123);
        assert_eq!(Hlc::new(123, 45).counter(), 45);
    }
}
