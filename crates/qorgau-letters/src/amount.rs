//! Amounts as Korean official documents write them: Arabic figures, then the amount in
//! Hangul numerals in parentheses — `금7,860,000원(금칠백팔십육만원)` (행정업무규정 시행규칙
//! 제2조제2항, whose own example is `금113,560원(금일십일만삼천오백육십원)`).

const DIGITS: [&str; 10] = ["", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"];
const SMALL: [&str; 4] = ["", "십", "백", "천"];
const LARGE: [&str; 5] = ["", "만", "억", "조", "경"];

/// `7,860,000` (or `7860000`) as `금7,860,000원(금칠백팔십육만원)`; `None` when the text is
/// not a whole number of won.
pub(crate) fn korean_amount(figures: &str) -> Option<String> {
    let digits: String = figures.chars().filter(|c| *c != ',').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 20 {
        return None;
    }
    let n: u128 = digits.parse().ok()?;
    Some(format!(
        "금{}원(금{}원)",
        group_thousands(n),
        hangul_number(n)
    ))
}

fn group_thousands(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `113560` → `일십일만삼천오백육십`: every digit is read, 일 included (as the rule's own
/// example writes 일십일만), in groups of four under 만, 억, 조.
pub(crate) fn hangul_number(n: u128) -> String {
    if n == 0 {
        return "영".into();
    }
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push((rest % 10_000) as usize);
        rest /= 10_000;
    }
    let mut out = String::new();
    for (g, &group) in groups.iter().enumerate().rev() {
        if group == 0 {
            continue;
        }
        let mut v = group;
        let mut part = String::new();
        for place in (0..4).rev() {
            let d = v / 10usize.pow(place as u32);
            v %= 10usize.pow(place as u32);
            if d > 0 {
                part.push_str(DIGITS[d]);
                part.push_str(SMALL[place]);
            }
        }
        out.push_str(&part);
        out.push_str(LARGE.get(g).copied().unwrap_or(""));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_figures_and_words() {
        assert_eq!(
            korean_amount("7,860,000").as_deref(),
            Some("금7,860,000원(금칠백팔십육만원)")
        );
        assert_eq!(
            korean_amount("113560").as_deref(),
            Some("금113,560원(금일십일만삼천오백육십원)")
        );
        assert_eq!(hangul_number(1_000_000), "일백만");
        assert_eq!(hangul_number(10_030), "일만삼십");
        assert_eq!(hangul_number(250_000_000), "이억오천만");
        assert_eq!(hangul_number(7), "칠");
        assert!(korean_amount("about 5m").is_none());
        assert!(korean_amount("-5").is_none());
    }
}
