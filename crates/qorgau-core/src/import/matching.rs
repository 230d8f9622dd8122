//! Duplicates: a row is the same worker as one on file or an earlier row when it has the same
//! IIN or passport number, or the same birth date and names that agree across scripts (the
//! store's own twin rule: Цой Нурлан = TSOY NURLAN = 최 누를란); a row with neither
//! identifiers nor a birth date duplicates one with exactly the same name keys.

use qorgau_domain::{Worker, WorkerId};
use qorgau_store::{WorkerMatchKeys, names_are_twins, worker_name_groups, worker_twin_keys};
use std::collections::HashMap;

/// Why a row is not added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    SameIin,
    SamePassport,
    LikelyTwin,
    SameName,
}

impl Reason {
    pub fn code(self, in_file: bool) -> String {
        let base = match self {
            Reason::SameIin => "same_iin",
            Reason::SamePassport => "same_passport",
            Reason::LikelyTwin => "likely_twin",
            Reason::SameName => "same_name",
        };
        if in_file {
            format!("{base}_in_file")
        } else {
            base.to_string()
        }
    }
}

/// Workers (on file, or rows seen so far) by what they are matched on. `T` is a worker id
/// or a row number.
#[derive(Debug)]
pub struct MatchIndex<T> {
    iin: HashMap<String, T>,
    passport: HashMap<String, T>,
    /// Birth date → (who, twin keys).
    by_birth: HashMap<String, Vec<(T, String)>>,
    /// Twin keys of those without identifiers and birth date.
    bare_names: HashMap<String, T>,
}

impl<T> Default for MatchIndex<T> {
    fn default() -> Self {
        Self {
            iin: HashMap::new(),
            passport: HashMap::new(),
            by_birth: HashMap::new(),
            bare_names: HashMap::new(),
        }
    }
}

impl<T: Copy> MatchIndex<T> {
    fn insert(
        &mut self,
        who: T,
        iin: Option<&str>,
        passport: Option<&str>,
        birth: Option<String>,
        keys: String,
    ) {
        if let Some(i) = iin {
            self.iin.entry(i.to_string()).or_insert(who);
        }
        if let Some(p) = passport {
            self.passport.entry(p.to_string()).or_insert(who);
        }
        match birth {
            Some(b) => self.by_birth.entry(b).or_default().push((who, keys)),
            None if iin.is_none() && passport.is_none() && !keys.is_empty() => {
                self.bare_names.entry(keys).or_insert(who);
            }
            None => {}
        }
    }

    /// Adds a row's worker whose twin keys are `keys`.
    pub fn add_with_keys(&mut self, who: T, w: &Worker, keys: String) {
        self.insert(
            who,
            w.iin.as_deref(),
            w.passport_no.as_deref(),
            w.birth_date.map(|d| d.to_string()),
            keys,
        );
    }

    /// The first match of `w` and why. `groups` are `w`'s name groups.
    pub fn find(&self, w: &Worker, groups: &[Vec<String>]) -> Option<(T, Reason)> {
        if let Some(who) = w.iin.as_ref().and_then(|i| self.iin.get(i)) {
            return Some((*who, Reason::SameIin));
        }
        if let Some(who) = w.passport_no.as_ref().and_then(|p| self.passport.get(p)) {
            return Some((*who, Reason::SamePassport));
        }
        match w.birth_date {
            Some(birth) => self
                .by_birth
                .get(&birth.to_string())
                .and_then(|list| list.iter().find(|(_, keys)| names_are_twins(groups, keys)))
                .map(|(who, _)| (*who, Reason::LikelyTwin)),
            None if w.iin.is_none() && w.passport_no.is_none() => self
                .bare_names
                .get(&worker_twin_keys(w))
                .map(|who| (*who, Reason::SameName)),
            None => None,
        }
    }

    /// Every worker of the same birth date whose names agree (a case sheet's reference).
    pub fn twins(&self, w: &Worker, groups: &[Vec<String>]) -> Vec<T> {
        w.birth_date
            .and_then(|b| self.by_birth.get(&b.to_string()))
            .map(|list| {
                list.iter()
                    .filter(|(_, keys)| names_are_twins(groups, keys))
                    .map(|(who, _)| *who)
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn by_iin(&self, iin: &str) -> Option<T> {
        self.iin.get(iin).copied()
    }

    pub fn by_passport(&self, passport: &str) -> Option<T> {
        self.passport.get(passport).copied()
    }
}

impl MatchIndex<WorkerId> {
    /// The workers on file.
    pub fn of_store(keys: Vec<WorkerMatchKeys>) -> Self {
        let mut index = Self::default();
        for k in keys {
            index.insert(
                k.id,
                k.iin.as_deref(),
                k.passport_no.as_deref(),
                k.birth_date,
                k.name_keys,
            );
        }
        index
    }
}

/// A worker's name groups, computed once per row.
pub fn groups(w: &Worker) -> Vec<Vec<String>> {
    worker_name_groups(w)
}
