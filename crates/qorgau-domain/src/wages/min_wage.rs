//! The statutory hourly minimum wage (최저임금) by year, from `assets/data/minimum-wage-kr.csv`.
//! Each row carries its public source; a year the table lacks has no figure, and the
//! calculator says so instead of guessing.

use std::sync::OnceLock;

const TABLE_CSV: &str = include_str!("../../../../assets/data/minimum-wage-kr.csv");

/// One year's statutory minimum wage, effective 1 January to 31 December (all industries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinimumWage {
    pub year: i32,
    pub hourly_krw: i64,
    /// The monthly equivalent at 209 h (40 h a week plus 8 paid weekly-holiday hours).
    pub monthly_krw_209h: i64,
    pub source: String,
}

/// The whole table, oldest year first.
pub fn table() -> &'static [MinimumWage] {
    static TABLE: OnceLock<Vec<MinimumWage>> = OnceLock::new();
    TABLE.get_or_init(|| parse(TABLE_CSV))
}

/// The minimum wage of `year`, if the table has it.
pub fn for_year(year: i32) -> Option<&'static MinimumWage> {
    table().iter().find(|m| m.year == year)
}

/// Parses `year,hourly_krw,monthly_krw_209h,source`; the source may be quoted and contain
/// commas. A malformed row is a build-time data error, caught by the tests below.
fn parse(csv: &str) -> Vec<MinimumWage> {
    csv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .filter_map(|line| {
            let mut parts = line.splitn(4, ',');
            let year = parts.next()?.trim().parse().ok()?;
            let hourly_krw = parts.next()?.trim().parse().ok()?;
            let monthly_krw_209h = parts.next()?.trim().parse().ok()?;
            let source = parts.next()?.trim().trim_matches('"').to_string();
            Some(MinimumWage {
                year,
                hourly_krw,
                monthly_krw_209h,
                source,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_runs_from_2020_without_gaps_and_every_row_is_sourced() {
        let t = table();
        assert_eq!(t.first().map(|m| m.year), Some(2020));
        for pair in t.windows(2) {
            assert_eq!(pair[1].year, pair[0].year + 1);
        }
        for m in t {
            assert_eq!(m.hourly_krw * 209, m.monthly_krw_209h, "{}", m.year);
            assert!(m.source.len() > 10, "{} has no source", m.year);
        }
        assert_eq!(t.len(), TABLE_CSV.lines().skip(1).count());
    }

    #[test]
    fn figures_match_the_reference() {
        // REFERENCE.md §2.1 and the sources in the CSV.
        let expect = [
            (2020, 8_590),
            (2021, 8_720),
            (2022, 9_160),
            (2023, 9_620),
            (2024, 9_860),
            (2025, 10_030),
            (2026, 10_320),
        ];
        for (year, hourly) in expect {
            assert_eq!(for_year(year).map(|m| m.hourly_krw), Some(hourly));
        }
        assert!(for_year(2019).is_none());
    }
}
