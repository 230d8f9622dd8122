//! Korean particles whose form depends on the word before them: 은/는, 이/가, 을/를, 과/와,
//! (으)로, 이라/라, 이며/며, (이)나. A template writes `{field:은}` and the engine picks the
//! form from the last sound of the value, so `재해자는` and `진정인은` both come out right
//! whatever fills the field.

/// A particle with two forms: after a final consonant, and after a vowel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Particle {
    after_consonant: &'static str,
    after_vowel: &'static str,
    /// (으)로: after ㄹ the vowel form (서울로, not 서울으로).
    rieul_takes_vowel_form: bool,
}

const PARTICLES: &[Particle] = &[
    Particle::new("은", "는"),
    Particle::new("이", "가"),
    Particle::new("을", "를"),
    Particle::new("과", "와"),
    Particle {
        after_consonant: "으로",
        after_vowel: "로",
        rieul_takes_vowel_form: true,
    },
    Particle {
        after_consonant: "으로서",
        after_vowel: "로서",
        rieul_takes_vowel_form: true,
    },
    Particle::new("이라", "라"),
    Particle::new("이며", "며"),
    Particle::new("이나", "나"),
    Particle::new("이고", "고"),
    Particle::new("이다", "다"),
    Particle::new("이어서", "여서"),
];

impl Particle {
    const fn new(after_consonant: &'static str, after_vowel: &'static str) -> Self {
        Particle {
            after_consonant,
            after_vowel,
            rieul_takes_vowel_form: false,
        }
    }

    /// The particles a template may write, either form.
    pub(crate) const NAMES: &'static str = "은/는 이/가 을/를 과/와 으로/로 으로서/로서 이라/라 이며/며 이나/나 이고/고 이다/다 이어서/여서";

    /// The particle written as either of its forms (`은` or `는`, `(으)로`).
    pub(crate) fn parse(word: &str) -> Option<Self> {
        let word = word.trim().replace(['(', ')'], "");
        PARTICLES
            .iter()
            .find(|p| p.after_consonant == word || p.after_vowel == word)
            .copied()
    }

    /// The form after `word`.
    pub(crate) fn after(&self, word: &str) -> &'static str {
        match final_sound(word) {
            Final::Vowel => self.after_vowel,
            Final::Rieul if self.rieul_takes_vowel_form => self.after_vowel,
            Final::Rieul | Final::Consonant => self.after_consonant,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Final {
    Vowel,
    Rieul,
    Consonant,
}

/// How `word` ends when read aloud in Korean: a Hangul syllable by its final consonant, a
/// digit by its Korean reading (일 ends in ㄹ, 삼 in ㅁ, 이 in a vowel), a Latin letter by
/// how Korean writes a loanword's end (…n → 은, …a → 는, …l → ㄹ). A trailing parenthesis
/// is skipped: the particle agrees with the word before it (`홍길동(Hong)은`).
fn final_sound(word: &str) -> Final {
    let mut depth = 0usize;
    for c in word.trim_end().chars().rev() {
        match c {
            ')' => depth += 1,
            '(' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            '가'..='힣' => {
                return match (c as u32 - 0xAC00) % 28 {
                    0 => Final::Vowel,
                    8 => Final::Rieul,
                    _ => Final::Consonant,
                };
            }
            '0' | '3' | '6' => return Final::Consonant, // 영, 삼, 육
            '1' | '7' | '8' => return Final::Rieul,     // 일, 칠, 팔
            '2' | '4' | '5' | '9' => return Final::Vowel, // 이, 사, 오, 구
            c if c.is_ascii_alphabetic() => {
                return match c.to_ascii_lowercase() {
                    'l' => Final::Rieul,
                    'm' | 'n' | 'k' | 'p' | 't' | 'b' | 'd' | 'g' | 'c' | 'q' => Final::Consonant,
                    _ => Final::Vowel,
                };
            }
            c if c.is_alphabetic() => {
                // Cyrillic: the same reading as its Latin counterpart.
                return match c.to_lowercase().next().unwrap_or(c) {
                    'л' => Final::Rieul,
                    'м' | 'н' | 'ң' | 'к' | 'қ' | 'п' | 'т' | 'б' | 'д' | 'г' | 'ғ' => {
                        Final::Consonant
                    }
                    _ => Final::Vowel,
                };
            }
            _ => {}
        }
    }
    Final::Vowel
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(word: &str, particle: &str) -> String {
        format!("{word}{}", Particle::parse(particle).unwrap().after(word))
    }

    #[test]
    fn forms_follow_the_final_consonant() {
        assert_eq!(with("재해자", "은"), "재해자는");
        assert_eq!(with("진정인", "는"), "진정인은");
        assert_eq!(with("사업장", "가"), "사업장이");
        assert_eq!(with("근로자", "을"), "근로자를");
        assert_eq!(with("임금체불", "와"), "임금체불과");
        assert_eq!(with("산업재해", "과"), "산업재해와");
        assert_eq!(with("서울", "으로"), "서울로");
        assert_eq!(with("대사관", "(으)로"), "대사관으로");
        assert_eq!(with("영사과", "으로"), "영사과로");
        assert_eq!(with("구금", "이며"), "구금이며");
    }

    #[test]
    fn digits_latin_and_parentheses() {
        assert_eq!(with("제36조", "은"), "제36조는");
        assert_eq!(with("2026. 11. 21", "을"), "2026. 11. 21을");
        assert_eq!(with("3", "이"), "3이");
        assert_eq!(with("ZHUMABEKOV ALIKHAN", "은"), "ZHUMABEKOV ALIKHAN은");
        assert_eq!(
            with("ZHUMABEKOV ALIKHAN(주마베코프 알리한)", "이"),
            "ZHUMABEKOV ALIKHAN(주마베코프 알리한)이"
        );
        assert_eq!(
            with("주마베코프 알리한(ZHUMABEKOV ALIKHAN)", "은"),
            "주마베코프 알리한(ZHUMABEKOV ALIKHAN)은"
        );
        assert_eq!(with("ASEL", "으로"), "ASEL로");
        assert!(Particle::parse("의").is_none());
    }
}
