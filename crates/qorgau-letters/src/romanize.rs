//! Korean words and road-name addresses in Latin letters for the English page, by the Revised
//! Romanization of Korean (문화관광부 고시 제2000-8호; shared domain reference 6.4): syllables
//! are read with the usual sound changes across their boundary (liaison, nasalisation, ㄹ
//! rules), administrative units are hyphenated (`-do`, `-si`, `-gu`, `-ro` …) and an address is
//! written from the building number up to the province, as Korean English addresses are:
//! `80-16, Goldeulluteu-ro, Juchon-myeon, Gimhae-si, Gyeongsangnam-do`. A mechanical reading:
//! an official English name (a company's, a road's) is better when it is known.

const INITIALS: [&str; 19] = [
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p",
    "h",
];
const VOWELS: [&str; 21] = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "eu", "ui", "i",
];
/// Final consonants (index 1..=27) as heard before a consonant or at the end of a word.
const FINALS: [&str; 28] = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
];
/// Before a vowel, a final moves to the next syllable: (what stays, initial it becomes).
fn liaison(final_idx: u32) -> (&'static str, &'static str) {
    match final_idx {
        1 => ("", "g"),
        2 => ("", "kk"),
        3 => ("k", "s"),
        4 => ("", "n"),
        5 => ("n", "j"),
        6 => ("n", ""),
        7 => ("", "d"),
        8 => ("", "r"),
        9 => ("l", "g"),
        10 => ("l", "m"),
        11 => ("l", "b"),
        12 => ("l", "s"),
        13 => ("l", "t"),
        14 => ("l", "p"),
        15 => ("l", ""),
        16 => ("", "m"),
        17 => ("", "b"),
        18 => ("p", "s"),
        19 => ("", "s"),
        20 => ("", "ss"),
        21 => ("ng", ""),
        22 => ("", "j"),
        23 => ("", "ch"),
        24 => ("", "k"),
        25 => ("", "t"),
        26 => ("", "p"),
        27 => ("", ""),
        _ => ("", ""),
    }
}

fn syllable(c: char) -> Option<(u32, u32, u32)> {
    let v = c as u32;
    (0xAC00..=0xD7A3).contains(&v).then(|| {
        let s = v - 0xAC00;
        (s / 588, (s % 588) / 28, s % 28)
    })
}

/// One word of Hangul (other characters pass through) in Revised Romanization, lower case.
pub fn romanize_word(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::new();
    let mut carried_initial: Option<&'static str> = None;
    for (i, &c) in chars.iter().enumerate() {
        let Some((ini, vow, fin)) = syllable(c) else {
            carried_initial = None;
            out.push(c);
            continue;
        };
        let initial = carried_initial.take().unwrap_or(INITIALS[ini as usize]);
        out.push_str(initial);
        out.push_str(VOWELS[vow as usize]);
        if fin == 0 {
            continue;
        }
        let next = chars.get(i + 1).and_then(|&n| syllable(n));
        match next {
            Some((11, _, _)) => {
                // Next syllable starts with a silent ㅇ: the final is read as its initial.
                let (stay, moved) = liaison(fin);
                out.push_str(stay);
                carried_initial = Some(if moved.is_empty() { "" } else { moved });
            }
            Some((next_ini, _, _)) => {
                let f = FINALS[fin as usize];
                let (f, next_initial) = match (f, next_ini) {
                    // ㄹ + ㄹ = ll; ㄴ + ㄹ = ll (신라 Silla).
                    ("l", 5) | ("n", 5) => ("l", Some("l")),
                    // ㅇ/ㅁ + ㄹ → n (종로 Jongno).
                    ("ng", 5) => ("ng", Some("n")),
                    ("m", 5) => ("m", Some("n")),
                    // ㄱ/ㅂ + ㄹ → ng/m + n (독립 Dongnip).
                    ("k", 5) => ("ng", Some("n")),
                    ("p", 5) => ("m", Some("n")),
                    // Nasalisation before ㄴ, ㅁ.
                    ("k", 2 | 6) => ("ng", None),
                    ("t", 2 | 6) => ("n", None),
                    ("p", 2 | 6) => ("m", None),
                    (f, _) => (f, None),
                };
                out.push_str(f);
                if let Some(n) = next_initial {
                    carried_initial = Some(n);
                }
            }
            None => out.push_str(FINALS[fin as usize]),
        }
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Administrative and road units, longest first, with their romanised suffix.
const UNITS: &[(&str, &str)] = &[
    ("특별자치시", "-si"),
    ("특별자치도", "-do"),
    ("특별시", ""),
    ("광역시", ""),
    ("번길", "beon-gil"),
    ("대로", "-daero"),
    ("도", "-do"),
    ("시", "-si"),
    ("군", "-gun"),
    ("구", "-gu"),
    ("읍", "-eup"),
    ("면", "-myeon"),
    ("동", "-dong"),
    ("리", "-ri"),
    ("로", "-ro"),
    ("길", "-gil"),
];

/// A Korean name (a company, a place) in Latin letters, each word capitalised: `(주)한빛정밀`
/// → `Hanbitjeongmil Co., Ltd.`; words without Hangul are kept.
pub fn romanize_name(name: &str) -> String {
    let mut company = false;
    let mut rest = name.trim().to_owned();
    for form in ["(주)", "㈜", "주식회사"] {
        if rest.contains(form) {
            company = true;
            rest = rest.replace(form, " ");
        }
    }
    let words: Vec<String> = rest
        .split_whitespace()
        .map(|w| capitalise(&romanize_word(w)))
        .collect();
    let mut out = words.join(" ");
    if company {
        out.push_str(" Co., Ltd.");
    }
    out
}

/// One address word: a unit (`안산시` → `Ansan-si`), a number (`80-16`), or a name.
fn address_word(word: &str) -> String {
    if !word.chars().any(|c| syllable(c).is_some()) {
        return word.to_owned();
    }
    for (unit, suffix) in UNITS {
        if let Some(stem) = word.strip_suffix(unit)
            && !stem.is_empty()
        {
            if suffix.starts_with('-') || suffix.is_empty() {
                return format!("{}{suffix}", capitalise(&romanize_word(stem)));
            }
            // 45번길: the number stays with its unit.
            return format!("{}{suffix}", romanize_word(stem));
        }
    }
    capitalise(&romanize_word(word))
}

/// A Korean road-name address in English order: `경상남도 김해시 주촌면 골든루트로 80-16` →
/// `80-16, Goldeulluteu-ro, Juchon-myeon, Gimhae-si, Gyeongsangnam-do`. A postcode in
/// parentheses goes to the end; a detail after a comma (floor, unit) to the front.
pub fn romanize_address(address: &str) -> String {
    let mut text = address.trim().to_owned();
    let mut postcode = None;
    if let Some(rest) = text.strip_prefix('(')
        && let Some((code, after)) = rest.split_once(')')
        && code.chars().all(|c| c.is_ascii_digit())
    {
        postcode = Some(code.to_owned());
        text = after.trim().to_owned();
    }
    let (main, detail) = match text.split_once(',') {
        Some((m, d)) => (m.trim().to_owned(), Some(d.trim().to_owned())),
        None => (text.clone(), None),
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(d) = detail.filter(|d| !d.is_empty()) {
        parts.push(
            d.split_whitespace()
                .map(address_word)
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    let words: Vec<&str> = main.split_whitespace().collect();
    // A trailing building number belongs before the road name.
    let mut i = words.len();
    while i > 0 {
        let w = words[i - 1];
        if w.starts_with('(') && w.ends_with(')') {
            i -= 1;
            continue;
        }
        parts.push(address_word(w));
        i -= 1;
    }
    let mut out = parts.join(", ");
    if let Some(code) = postcode {
        out.push(' ');
        out.push_str(&code);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_with_sound_changes() {
        assert_eq!(romanize_word("안산"), "ansan");
        assert_eq!(romanize_word("종로"), "jongno");
        assert_eq!(romanize_word("신라"), "silla");
        assert_eq!(romanize_word("한빛정밀"), "hanbitjeongmil");
        assert_eq!(romanize_word("단원"), "danwon");
        assert_eq!(romanize_word("학원"), "hagwon");
        assert_eq!(romanize_word("울산"), "ulsan");
        assert_eq!(romanize_word("경상남"), "gyeongsangnam");
        assert_eq!(romanize_word("김해"), "gimhae");
        assert_eq!(romanize_word("주촌"), "juchon");
        assert_eq!(romanize_word("대성정밀"), "daeseongjeongmil");
    }

    #[test]
    fn addresses_in_english_order() {
        assert_eq!(
            romanize_address("경상남도 김해시 주촌면 골든루트로 80-16"),
            "80-16, Goldeulluteu-ro, Juchon-myeon, Gimhae-si, Gyeongsangnam-do"
        );
        assert_eq!(
            romanize_address("(04392) 서울특별시 용산구 장문로 53"),
            "53, Jangmun-ro, Yongsan-gu, Seoul 04392"
        );
        assert_eq!(
            romanize_address("경기도 안산시 단원구"),
            "Danwon-gu, Ansan-si, Gyeonggi-do"
        );
        assert_eq!(romanize_name("(주)한빛정밀"), "Hanbitjeongmil Co., Ltd.");
    }
}
