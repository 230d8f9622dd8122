//! Safeguards before a letter goes out: what the officials of the letter's channel must do
//! with a foreigner's immigration status, and the caseworker's recorded choice to state it
//! or not. The choice is stored with the letter (in its data, under `safeguard.*`, which
//! replicate with the letter and are fixed once it is numbered) and shown in the registry.
//!
//! Sources (domain reference §1.9): Immigration Act Art. 84(1) and Enforcement Decree
//! Art. 92-2 (durebang.org/?p=8021); the MOJ guideline of 1 March 2013 for crime victims and
//! its list of offences (dbanews.com idxno=19313; indembassy.or.kr/whatsnew.php?id=119;
//! kgmaeil.net idxno=242820); the labour-inspector exemption for foreign victims of unpaid
//! wages in force since 6 November 2025 (korea.net/NewsFocus/policies/view?articleId=281760;
//! ohmynews.com A0003180990).

use crate::error::CoreError;
use crate::letters::LetterRequest;
use crate::workspace::Workspace;
use qorgau_domain::LetterRecord;
use serde::Serialize;
use std::collections::BTreeMap;

/// Data keys of the recorded safeguard (never template placeholders).
pub const CHANNEL_KEY: &str = "safeguard.channel";
pub const DUTY_KEY: &str = "safeguard.reporting_duty";
pub const STAY_STATUS_KEY: &str = "safeguard.stay_status";

/// What the officials of a channel must do when they learn that a foreigner is liable to
/// removal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ReportingDuty {
    /// MOEL labour inspectors: exempt for foreign victims of unpaid wages since 2025-11-06.
    ExemptForWageVictims,
    /// The police: exempt only for victims who report one of the listed crimes.
    ListedCrimesOnly,
    /// Every other public official (and anyone else who reads it): no exemption.
    NotExempt,
    /// A letter to the worker or the family.
    NoDuty,
}

impl ReportingDuty {
    pub fn of(channel: Option<&str>) -> Self {
        match channel {
            Some("labour_office") => Self::ExemptForWageVictims,
            Some("police") => Self::ListedCrimesOnly,
            Some("worker" | "family") => Self::NoDuty,
            _ => Self::NotExempt,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::ExemptForWageVictims => "exempt_for_wage_victims",
            Self::ListedCrimesOnly => "listed_crimes_only",
            Self::NotExempt => "not_exempt",
            Self::NoDuty => "no_duty",
        }
    }

    /// The notice the composer shows for the channel, in English.
    pub fn notice(self) -> Option<&'static str> {
        Some(match self {
            Self::ExemptForWageVictims => {
                "Labour inspectors (MOEL) have been exempt since 6 November 2025 from notifying \
                 immigration about foreign victims of unpaid wages (amended Enforcement Rules of \
                 the Immigration Act). The exemption covers wage claims before labour inspectors \
                 only, not other officials of the office."
            }
            Self::ListedCrimesOnly => {
                "Police officers must notify immigration of a foreigner liable to removal \
                 (Immigration Act Art. 84(1)). Since 1 March 2013 they are exempt only for \
                 victims who report a listed crime (murder, violence, sexual crimes, \
                 confinement, trafficking, theft, fraud …; Enforcement Decree Art. 92-2), not \
                 for unpaid-wage disputes, witnesses or people caught in a crackdown."
            }
            Self::NotExempt => {
                "Officials of this agency must notify immigration of a foreigner liable to \
                 removal (Immigration Act Art. 84(1)); no exemption covers this channel."
            }
            Self::NoDuty => return None,
        })
    }
}

/// The caseworker's choice about the stay status for one letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum StayStatusChoice {
    /// The caseworker chose to state it (`state_stay_status`).
    Stated,
    /// The template could state it to this channel; the caseworker did not.
    Withheld,
    /// The template never prints it to this channel.
    NotPrintable,
}

impl StayStatusChoice {
    pub fn code(self) -> &'static str {
        match self {
            Self::Stated => "stated",
            Self::Withheld => "withheld",
            Self::NotPrintable => "not_printable",
        }
    }
}

/// What the composer shows before a letter goes out, and what is recorded with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LetterSafeguard {
    /// The recipient kind (`police`, `labour_office` …), when it can be told.
    pub channel: Option<String>,
    pub reporting_duty: ReportingDuty,
    pub notice: Option<String>,
    /// The template may print the stay status to this channel.
    pub may_state_stay_status: bool,
    pub stay_status: StayStatusChoice,
}

impl LetterSafeguard {
    pub(crate) fn new(channel: Option<&str>, may_state: bool, state: bool) -> Self {
        let duty = ReportingDuty::of(channel);
        Self {
            channel: channel.map(str::to_string),
            reporting_duty: duty,
            notice: duty.notice().map(str::to_string),
            may_state_stay_status: may_state,
            stay_status: match (may_state, state) {
                (false, _) => StayStatusChoice::NotPrintable,
                (true, true) => StayStatusChoice::Stated,
                (true, false) => StayStatusChoice::Withheld,
            },
        }
    }

    /// The keys recorded in the letter's data.
    pub(crate) fn record(&self, data: &mut BTreeMap<String, String>) {
        data.insert(
            CHANNEL_KEY.into(),
            self.channel.clone().unwrap_or_else(|| "unknown".into()),
        );
        data.insert(DUTY_KEY.into(), self.reporting_duty.code().into());
        data.insert(STAY_STATUS_KEY.into(), self.stay_status.code().into());
    }
}

/// The recorded choice of a stored letter (`stated`, `withheld`, `not_printable`), if it was
/// registered with one.
pub fn recorded_stay_status(letter: &LetterRecord) -> Option<&str> {
    letter.data.get(STAY_STATUS_KEY).map(String::as_str)
}

/// A letter's data without the recorded safeguard: what the template is filled from.
pub(crate) fn template_data(
    data: &BTreeMap<String, String>,
) -> impl Iterator<Item = (String, String)> + '_ {
    data.iter()
        .filter(|(k, _)| !k.starts_with("safeguard."))
        .map(|(k, v)| (k.clone(), v.clone()))
}

impl Workspace {
    /// The safeguard for `request`'s letter: the reporting duty of its channel with the
    /// notice to show, and what will be recorded about the stay status.
    pub fn letter_safeguard(
        &self,
        request: &LetterRequest,
    ) -> std::result::Result<LetterSafeguard, CoreError> {
        let (channel, may_state) = self.channel_of(request)?;
        Ok(LetterSafeguard::new(
            channel,
            may_state,
            request.extras.state_stay_status,
        ))
    }
}
