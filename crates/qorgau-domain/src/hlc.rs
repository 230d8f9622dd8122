//! Hybrid logical clock timestamps: wall-clock milliseconds plus a counter, so changes made on
//! different devices order causally even when their clocks disagree.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A hybrid logical clock timestamp packed into 64 bits: 48 bits of Unix milliseconds and a
/// 16-bit logical counter. Packed values compare in the same order as the timestamps.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(transparent)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Hlc(pub u64);

impl Hlc {
    pub const COUNTER_BITS: u32 = 16;

    pub fn new(wall_ms: u64, counter: u16) -> Self {
        Self((wall_ms << Self::COUNTER_BITS) | u64::from(counter))
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

/// The clock of one device. `now` never returns the same or an earlier timestamp twice, and
/// `observe` folds in timestamps received from other devices.
#[derive(Debug, Clone)]
pub struct HlcClock {
    last: Hlc,
}

impl HlcClock {
    pub fn starting_after(last: Hlc) -> Self {
        Self { last }
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
    fn packing_preserves_order() {
        assert!(Hlc::new(5, 65535) < Hlc::new(6, 0));
        assert_eq!(Hlc::new(123, 45).wall_ms(), 123);
        assert_eq!(Hlc::new(123, 45).counter(), 45);
    }
}
