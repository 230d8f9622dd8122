//! Cross-script name keys, so a query typed in Latin, Cyrillic or Hangul finds a name stored
//! in any of the three: Nurlan, Нұрлан and 누를란 are the same person, and so are Цой, TSOY,
//! Choi and 최.
//!
//! The store indexes what [`name_keys`] produces in an SQLite FTS5 table (`unicode61
//! remove_diacritics 2`) and searches with prefix queries built from [`query_keys`]. Every
//! word and key produced here is therefore a single run of letters and digits, and every key
//! is ASCII:
//!
//! - `words`: each normalised word ([`normalise`]) and its loose Latin rendering
//!   ([`to_latin`]), so `nurl*` finds Нұрлан and `нұр*` finds Нұрлан;
//! - `keys`: `s` + the word's phonetic [`skeleton`] (`snln` for all three spellings of
//!   Nurlan) and, for a Koryo-saram surname, `k` + its row key ([`koryo_surname_key`], e.g.
//!   `ktsoy` for Цой, Choi and 최). The one-letter prefixes keep the two kinds of key apart;
//!   a key can still spell an ordinary word (`sam` is the key of "Am"), so the store should
//!   keep `words` and `keys` in separate FTS5 columns.
//!
//! Korean documents often write a full name without a space (최누를란). When a Hangul word of
//! three or more syllables starts with a surname syllable from the table, the surname
//! syllable and the rest are indexed as words of their own as well.
//!
//! Known limits of the phonetic keys (the surname keys cover the commonest cases):
//!
//! - false negatives: Korean initial-sound rules and glides (이 vs Li, 임 vs Lim, 황 vs
//!   Хван); Kazakh қ spelt `kh` (Bakhyt for Бақыт); English spellings Korean renders by sound
//!   (Roberts vs 로버츠); Latin `ng` before a vowel is read n+g (Kangin ≠ 강인); a Korean IME's
//!   half-typed syllable can briefly carry the next consonant as a final (앗 on the way to 아셀).
//! - false positives: the classes are coarse (r = l, b = p = v = f, z = j = ch = ts, s = sh,
//!   vowels ignored), so Marat and Murat, Salim and Selim, Aliya and Alla share a key; a
//!   Hangul word that merely starts with a surname syllable (이리나 = Irina) also gets that
//!   surname's key.
//!
//! Apart from the strings it returns, a call allocates one scratch buffer (and
//! [`koryo_surname_key`] a normalised copy of input that is not normalised yet); the surname
//! table is parsed once.

use std::collections::HashMap;
use std::sync::LazyLock;

use unicode_normalization::char::{decompose_compatible, is_combining_mark};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// The Koryo-saram surname correspondences (`cyrillic,hangul,latin_variants,note`, Latin
/// variants separated by `;`).
const SURNAMES_CSV: &str = include_str!("../../../assets/data/koryo-saram-surnames.csv");

// ---------------------------------------------------------------------------------------------
// Normalisation
// ---------------------------------------------------------------------------------------------

/// Normalises free text for indexing and search: NFKC, lowercase, Cyrillic ё→е and й→и
/// (FTS5's `remove_diacritics` folds neither), combining marks left over after NFKC dropped,
/// and everything that is not a letter or digit (punctuation, hyphens, apostrophes,
/// whitespace) turned into a single space between words. Kazakh letters (ә ғ қ ң ө ұ ү һ і)
/// are kept as they are.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // NFKC leaves text that passes its quick check unchanged (most names: precomposed
    // Cyrillic, Hangul syllables), and composing is the costly part of normalising.
    if text.chars().all(is_nfkc_starter) || is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        normalise_into(text.chars(), &mut out);
    } else {
        normalise_into(text.nfkc(), &mut out);
    }
    out
}

/// A character that NFKC keeps as it is whatever surrounds it (quick check Yes, combining
/// class 0): ASCII, the Cyrillic block without its combining marks, and Hangul syllables. A
/// text made only of these is already in NFKC, which is cheaper to check here than with
/// `is_nfkc_quick`'s tables.
fn is_nfkc_starter(c: char) -> bool {
    matches!(c, '\0'..='\u{7F}' | '\u{400}'..='\u{482}' | '\u{48A}'..='\u{4FF}' | '\u{AC00}'..='\u{D7A3}')
}

/// [`normalise`]s `text` and splits it into words.
pub fn words(text: &str) -> Vec<String> {
    normalise(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn normalise_into(chars: impl Iterator<Item = char>, out: &mut String) {
    let mut gap = false;
    for c in chars {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                push_word_char(out, &mut gap, c.to_ascii_lowercase());
            } else {
                gap = true;
            }
            continue;
        }
        // Fast path for the scripts names are written in: basic Cyrillic and Hangul syllables
        // are letters without marks, and only А–Я among them change when lowercased.
        match c {
            'Й' | 'й' => {
                push_word_char(out, &mut gap, 'и');
                continue;
            }
            'А'..='Я' => {
                push_word_char(out, &mut gap, char::from_u32(c as u32 + 0x20).unwrap_or(c));
                continue;
            }
            'а'..='я' | '\u{AC00}'..='\u{D7A3}' => {
                push_word_char(out, &mut gap, c);
                continue;
            }
            _ => {}
        }
        // A mark that NFKC could not compose is a diacritic: drop it without splitting the
        // word (FTS5 would treat it as a separator).
        if is_combining_mark(c) {
            continue;
        }
        // Lowercasing can yield a letter plus a mark (İ → i + U+0307).
        for lc in c.to_lowercase() {
            let lc = match lc {
                'ё' => 'е',
                'й' => 'и',
                _ => lc,
            };
            if is_combining_mark(lc) {
                continue;
            }
            if is_word_char(lc) {
                push_word_char(out, &mut gap, lc);
            } else {
                gap = true;
            }
        }
    }
}

fn push_word_char(out: &mut String, gap: &mut bool, c: char) {
    if *gap && !out.is_empty() {
        out.push(' ');
    }
    *gap = false;
    out.push(c);
}

/// A character FTS5's `unicode61` keeps inside a token (letters and digits). Rust's
/// `is_alphanumeric` also accepts the apostrophe-like modifier letters (ʼ ʻ ʹ …), which act as
/// punctuation in names, and the enclosed-alphanumeric symbols, which FTS5 splits on.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
        && !matches!(c, '\u{02B9}'..='\u{02BF}' | '\u{02C8}' | '\u{1F100}'..='\u{1F1FF}')
}

// ---------------------------------------------------------------------------------------------
// Units: one word rewritten into what the tables below know
// ---------------------------------------------------------------------------------------------

/// One transliteration unit: an ASCII letter or digit, a lowercase Cyrillic letter from
/// [`is_known_cyrillic`], or a Hangul jamo as an index into the initial (choseong), medial
/// (jungseong) or final (jongseong, 0-based) tables.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Unit {
    Ascii(u8),
    Cyr(char),
    Initial(u8),
    Medial(u8),
    Final(u8),
}

const SYLLABLE_FIRST: u32 = 0xAC00;
const SYLLABLE_LAST: u32 = 0xD7A3;
const INITIAL_FIRST: u32 = 0x1100;
const MEDIAL_FIRST: u32 = 0x1161;
const FINAL_FIRST: u32 = 0x11A8;
const MEDIALS: u32 = 21;
const FINALS_PLUS_NONE: u32 = 28;

fn is_hangul_syllable(c: char) -> bool {
    (SYLLABLE_FIRST..=SYLLABLE_LAST).contains(&(c as u32))
}

fn expand(word: &str, out: &mut Vec<Unit>) {
    for c in word.chars() {
        expand_char(c, out);
    }
}

fn expand_char(c: char, out: &mut Vec<Unit>) {
    if c.is_ascii() {
        if c.is_ascii_alphanumeric() {
            out.push(Unit::Ascii(c.to_ascii_lowercase() as u8));
        }
        return;
    }
    let code = c as u32;
    match code {
        SYLLABLE_FIRST..=SYLLABLE_LAST => {
            let s = code - SYLLABLE_FIRST;
            let per_initial = MEDIALS * FINALS_PLUS_NONE;
            // All three indices are < 28, so the casts cannot truncate.
            out.push(Unit::Initial((s / per_initial) as u8));
            out.push(Unit::Medial((s % per_initial / FINALS_PLUS_NONE) as u8));
            let t = s % FINALS_PLUS_NONE;
            if t > 0 {
                out.push(Unit::Final((t - 1) as u8));
            }
            return;
        }
        // Conjoining jamo (NFKC turns the compatibility jamo a Korean IME shows mid-syllable,
        // ㄴ ㅏ, into these). Archaic jamo are dropped.
        0x1100..=0x1112 => return out.push(Unit::Initial((code - INITIAL_FIRST) as u8)),
        0x1161..=0x1175 => return out.push(Unit::Medial((code - MEDIAL_FIRST) as u8)),
        0x11A8..=0x11C2 => return out.push(Unit::Final((code - FINAL_FIRST) as u8)),
        0x1113..=0x1160 | 0x1176..=0x11A7 | 0x11C3..=0x11FF => return,
        _ => {}
    }
    let c = if c.is_uppercase() {
        c.to_lowercase().next().unwrap_or(c)
    } else {
        c
    };
    if is_known_cyrillic(c) {
        return out.push(Unit::Cyr(c));
    }
    let special = match c {
        'ı' => "i",
        'ş' | 'š' | 'ś' => "sh",
        'ç' | 'č' | 'ć' => "ch",
        'ž' | 'ź' | 'ż' => "zh",
        'ŋ' => "ng",
        'ł' => "l",
        'ø' => "o",
        'đ' | 'ð' => "d",
        'ħ' => "h",
        'æ' => "ae",
        'œ' => "oe",
        'ß' => "ss",
        'þ' => "th",
        _ => "",
    };
    if !special.is_empty() {
        out.extend(special.bytes().map(Unit::Ascii));
        return;
    }
    // Latin with diacritics (ä ñ ü ğ ū …), other Cyrillic letters with diacritics, compatibility
    // jamo: keep what the decomposition leaves that we know; the marks themselves decompose to
    // themselves and are dropped here.
    decompose_compatible(c, |d| {
        if d != c {
            expand_char(d, out);
        }
    });
}

fn is_known_cyrillic(c: char) -> bool {
    matches!(
        c,
        'а'..='я'
            | 'ё'
            | 'ә'
            | 'ғ'
            | 'қ'
            | 'ң'
            | 'ө'
            | 'ұ'
            | 'ү'
            | 'һ'
            | 'і'
            | 'ї'
            | 'є'
            | 'ґ'
            | 'ў'
    )
}

fn ascii_at(units: &[Unit], i: usize) -> u8 {
    match units.get(i) {
        Some(Unit::Ascii(b)) => *b,
        _ => 0,
    }
}

fn cyr_at(units: &[Unit], i: usize) -> char {
    match units.get(i) {
        Some(Unit::Cyr(c)) => *c,
        _ => '\0',
    }
}

// ---------------------------------------------------------------------------------------------
// Latin rendering
// ---------------------------------------------------------------------------------------------

const INITIAL_LATIN: [&str; 19] = [
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p",
    "h",
];
const MEDIAL_LATIN: [&str; 21] = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "eu", "ui", "i",
];
/// Finals as pronounced at the end of a syllable (ㅅ ㅈ ㅊ ㅌ ㅎ → t, clusters → one sound).
const FINAL_LATIN: [&str; 27] = [
    "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t",
    "t", "ng", "t", "t", "k", "t", "p", "t",
];

fn cyrillic_latin(c: char) -> &'static str {
    match c {
        'а' | 'ә' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ғ' | 'ґ' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' | 'є' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'й' | 'і' | 'ї' => "i",
        'к' | 'қ' => "k",
        'л' => "l",
        'м' => "m",
        'н' | 'ң' => "n",
        'о' | 'ө' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ұ' | 'ү' | 'ў' => "u",
        'ф' => "f",
        'х' => "kh",
        'һ' => "h",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        _ => "", // ъ ь
    }
}

/// A loose ASCII Latin rendering of one normalised word, for search only (never for a legal
/// name): Kazakh and Russian Cyrillic by a fixed table (ә→a, қ→k, ң→n, ұ ү→u, х→kh, ц→ts,
/// щ→shch, ъ ь dropped …), Hangul letter by letter in Revised-Romanization spelling without
/// sound-change rules (최누를란 → choenureulran; finals as pronounced, so 카낫 → kanat), Latin
/// with diacritics stripped (ş→sh, ç→ch, ı→i). Digits are kept; other scripts are dropped, so
/// the result may be empty.
pub fn to_latin(word: &str) -> String {
    let mut units = Vec::with_capacity(word.len());
    expand(word, &mut units);
    latin_of(&units)
}

fn latin_of(units: &[Unit]) -> String {
    let mut out = String::with_capacity(units.len() + 4);
    for unit in units {
        match *unit {
            Unit::Ascii(b) => out.push(char::from(b)),
            Unit::Cyr(c) => out.push_str(cyrillic_latin(c)),
            Unit::Initial(i) => out.push_str(INITIAL_LATIN[usize::from(i)]),
            Unit::Medial(i) => out.push_str(MEDIAL_LATIN[usize::from(i)]),
            Unit::Final(i) => out.push_str(FINAL_LATIN[usize::from(i)]),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Skeleton
// ---------------------------------------------------------------------------------------------

/// What a skeleton starts with when the word starts with a vowel or a semivowel.
const VOWEL_MARK: char = 'a';

/// Consonant classes of the Hangul initials; `a` marks the silent ㅇ.
const INITIAL_CLASS: &[u8; 19] = b"kknttlmppssajjjktph";
/// Consonant classes of the Hangul finals as pronounced (ㅅ ㅆ ㅈ ㅊ ㅌ ㅎ → t; ㅇ → n).
const FINAL_CLASS: &[u8; 27] = b"kkknnntlkmlllplmppttnttktpt";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Sound {
    Vowel,
    Consonant(u8),
}

/// A cross-script phonetic key of one word: ASCII lowercase, empty for a word without letters
/// of a known script.
///
/// The word's sounds are read in its own script (Hangul from the jamo, not from the
/// romanisation). Vowels and semivowels (Latin y w, Cyrillic й ь ъ, the silent initial ㅇ) are
/// dropped; consonants become one letter per class, and a run of the same class collapses
/// even across dropped vowels, which absorbs doubled letters (Assel/Әсел) and the vowels
/// Korean inserts into clusters (누르란 = 누를란 = Nurlan):
///
/// | class | Latin | Cyrillic | Hangul |
/// |---|---|---|---|
/// | `k` | k g q c (before a o u/consonants) x(=ks) ck gh | к қ г ғ | ㄱ ㅋ ㄲ |
/// | `h` | h kh | х һ | ㅎ |
/// | `t` | t d th | т д | ㄷ ㅌ ㄸ, and final ㅅ ㅆ ㅈ ㅊ ㅌ ㅎ (카낫 = Kanat) |
/// | `p` | p b f v ph | п б ф в | ㅂ ㅍ ㅃ |
/// | `s` | s sh shch sch c (before e i y) | с ш щ | ㅅ ㅆ |
/// | `j` | j z zh ch tch ts tz dj dz dzh | ж з ц ч, дж дз тс тц | ㅈ ㅊ ㅉ |
/// | `l` | l r | л р | ㄹ |
/// | `m` | m | м | ㅁ |
/// | `n` | n, ng (not before a vowel) | н ң, нг (not before a vowel) | ㄴ, final ㅇ |
///
/// Digraphs are matched longest first; `tsh` is t + sh (Akhmetshin), not ts + h.
///
/// A word that starts with a vowel or semivowel gets the marker `a` in front (Aigerim,
/// Айгерим, 아이게림 → `aklm`; Yerlan, Ерлан, 예를란 → `aln`). Without it Ali and Li, Aidos and
/// Dos, Ilyas and Lias would share a key; the spellings of one name agree on whether it starts
/// with a vowel in all three scripts, because y/е/ю/я/예/유 count as vowels.
pub fn skeleton(word: &str) -> String {
    let mut units = Vec::with_capacity(word.len());
    expand(word, &mut units);
    skeleton_of(&units)
}

fn skeleton_of(units: &[Unit]) -> String {
    let mut out = String::with_capacity(units.len());
    let mut started = false;
    let mut last = 0u8;
    sounds(units, |sound| {
        match sound {
            Sound::Vowel if !started => out.push(VOWEL_MARK),
            Sound::Vowel => {}
            Sound::Consonant(class) => {
                if class != last {
                    out.push(char::from(class));
                    last = class;
                }
            }
        }
        started = true;
    });
    out
}

fn sounds(units: &[Unit], mut emit: impl FnMut(Sound)) {
    let mut i = 0;
    while i < units.len() {
        i += match units[i] {
            Unit::Ascii(b) => latin_sound(units, i, b, &mut emit),
            Unit::Cyr(c) => cyrillic_sound(units, i, c, &mut emit),
            Unit::Initial(l) => {
                emit(match INITIAL_CLASS[usize::from(l)] {
                    b'a' => Sound::Vowel,
                    class => Sound::Consonant(class),
                });
                1
            }
            Unit::Medial(_) => {
                emit(Sound::Vowel);
                1
            }
            Unit::Final(t) => {
                emit(Sound::Consonant(FINAL_CLASS[usize::from(t)]));
                1
            }
        };
    }
}

fn is_latin_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// Emits the sound at `units[i]` (an ASCII byte `b`) and returns how many units it used.
fn latin_sound(units: &[Unit], i: usize, b: u8, emit: &mut impl FnMut(Sound)) -> usize {
    let n1 = ascii_at(units, i + 1);
    let n2 = ascii_at(units, i + 2);
    let (class, used) = match b {
        b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'w' => {
            emit(Sound::Vowel);
            return 1;
        }
        b's' if n1 == b'h' && n2 == b'c' && ascii_at(units, i + 3) == b'h' => (b's', 4),
        b's' if n1 == b'c' && n2 == b'h' => (b's', 3),
        b's' if n1 == b'h' => (b's', 2),
        b't' if n1 == b'c' && n2 == b'h' => (b'j', 3),
        b't' if matches!(n1, b's' | b'z') && n2 != b'h' => (b'j', 2),
        b't' if n1 == b'h' => (b't', 2),
        b'd' if n1 == b'z' && n2 == b'h' => (b'j', 3),
        b'd' if matches!(n1, b'z' | b'j') => (b'j', 2),
        b'k' if n1 == b'h' => (b'h', 2),
        b'z' | b'c' if n1 == b'h' => (b'j', 2),
        b'p' if n1 == b'h' => (b'p', 2),
        b'g' if n1 == b'h' => (b'k', 2),
        b'n' if n1 == b'g' && !is_latin_vowel(n2) => (b'n', 2),
        b'c' if matches!(n1, b'e' | b'i' | b'y') => (b's', 1),
        b'x' => {
            emit(Sound::Consonant(b'k'));
            (b's', 1)
        }
        b'c' | b'g' | b'k' | b'q' => (b'k', 1),
        b'b' | b'f' | b'p' | b'v' => (b'p', 1),
        b'd' | b't' => (b't', 1),
        b'j' | b'z' => (b'j', 1),
        b'l' | b'r' => (b'l', 1),
        b'h' | b'm' | b'n' | b's' => (b, 1),
        _ => return 1, // digits
    };
    emit(Sound::Consonant(class));
    used
}

fn is_cyrillic_vowel(c: char) -> bool {
    matches!(
        c,
        'а' | 'е'
            | 'ё'
            | 'и'
            | 'й'
            | 'о'
            | 'у'
            | 'ы'
            | 'э'
            | 'ю'
            | 'я'
            | 'ә'
            | 'ө'
            | 'ұ'
            | 'ү'
            | 'і'
            | 'ї'
            | 'є'
            | 'ў'
    )
}

/// Emits the sound at `units[i]` (a Cyrillic letter `c`) and returns how many units it used.
fn cyrillic_sound(units: &[Unit], i: usize, c: char, emit: &mut impl FnMut(Sound)) -> usize {
    let n1 = cyr_at(units, i + 1);
    let (class, used) = match c {
        'д' if matches!(n1, 'ж' | 'з') => (b'j', 2),
        'т' if matches!(n1, 'с' | 'ц') => (b'j', 2),
        'н' if n1 == 'г' && !is_cyrillic_vowel(cyr_at(units, i + 2)) => (b'n', 2),
        'б' | 'в' | 'п' | 'ф' => (b'p', 1),
        'г' | 'ғ' | 'к' | 'қ' | 'ґ' => (b'k', 1),
        'х' | 'һ' => (b'h', 1),
        'д' | 'т' => (b't', 1),
        'с' | 'ш' | 'щ' => (b's', 1),
        'ж' | 'з' | 'ц' | 'ч' => (b'j', 1),
        'л' | 'р' => (b'l', 1),
        'м' => (b'm', 1),
        'н' | 'ң' => (b'n', 1),
        _ => {
            // Vowels, й, and the signs ъ ь (which never start a word).
            emit(Sound::Vowel);
            return 1;
        }
    };
    emit(Sound::Consonant(class));
    used
}

// ---------------------------------------------------------------------------------------------
// Koryo-saram surnames
// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
struct SurnameTable {
    /// One canonical ASCII key per row.
    keys: Vec<String>,
    /// Every normalised form of every row → row index.
    rows_by_form: HashMap<String, usize>,
}

static SURNAMES: LazyLock<SurnameTable> = LazyLock::new(|| SurnameTable::parse(SURNAMES_CSV));

impl SurnameTable {
    /// Parses `cyrillic,hangul,latin_variants,note` rows. A row's key is its first Latin
    /// variant, normalised and rendered in ASCII. Its forms are the normalised Cyrillic,
    /// Hangul and Latin spellings plus the [`to_latin`] renderings of the Cyrillic and (when
    /// at least two letters long) the Hangul, so the Revised-Romanization spelling Choe finds
    /// 최 too. A form claimed by two rows belongs to the first.
    fn parse(csv: &str) -> Self {
        let mut table = Self {
            keys: Vec::new(),
            rows_by_form: HashMap::new(),
        };
        for line in csv.lines().skip(1) {
            let mut fields = line.split(',');
            let (Some(cyrillic), Some(hangul), Some(latin)) =
                (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            let cyrillic = normalise(cyrillic);
            let hangul = normalise(hangul);
            let latin: Vec<String> = latin.split(';').map(normalise).collect();
            let key = match latin.iter().find(|l| !l.is_empty()) {
                Some(first) => to_latin(first),
                None => to_latin(&cyrillic),
            };
            if key.is_empty() || key.contains(' ') {
                continue;
            }
            let row = table.keys.len();
            table.keys.push(key);
            let romanised_hangul = to_latin(&hangul);
            let short = romanised_hangul.len() < 2;
            let derived = [
                to_latin(&cyrillic),
                if short {
                    String::new()
                } else {
                    romanised_hangul
                },
            ];
            for form in [cyrillic, hangul].into_iter().chain(latin).chain(derived) {
                if !form.is_empty() && !form.contains(' ') {
                    table.rows_by_form.entry(form).or_insert(row);
                }
            }
        }
        table
    }

    fn row(&self, normalised_word: &str) -> Option<usize> {
        self.rows_by_form.get(normalised_word).copied()
    }
}

/// The canonical ASCII key of a Koryo-saram surname (a row of
/// `assets/data/koryo-saram-surnames.csv`), or `None` if `word` is not one of its forms.
///
/// The key is the row's first Latin variant, lowercased: Цой, TSOY, Tsoi, Choi, Choe and 최
/// all give `tsoy`; Пак, Park, Pak and 박 give `pak`. Matching is case-insensitive and works
/// on Cyrillic, Hangul and every Latin variant. If a spelling appears in two rows, the first
/// row wins; in the current table no spelling does (Han is only Хан/한, Kan only Кан/강, Jang
/// only Тян/장, Jung and Jeong only Тен/정). One-letter romanisations (이 → i, 오 → o) are not
/// forms, to keep stray initials from becoming surnames.
pub fn koryo_surname_key(word: &str) -> Option<&'static str> {
    let table: &'static SurnameTable = &SURNAMES;
    let row = match table.row(word) {
        Some(row) => Some(row),
        None => {
            let normalised = normalise(word);
            if normalised == word {
                None
            } else {
                table.row(&normalised)
            }
        }
    };
    row.map(|row| table.keys[row].as_str())
}

/// Splits a Hangul full name written without a space (최누를란) into its surname syllable and
/// the rest, when the word has at least three syllables and starts with a surname.
fn split_hangul_surname(word: &str) -> Option<(&str, &str)> {
    let first = word.chars().next()?;
    if word.chars().count() < 3 || !word.chars().all(is_hangul_syllable) {
        return None;
    }
    let mut buf = [0u8; 4];
    SURNAMES.row(first.encode_utf8(&mut buf))?;
    Some(word.split_at(first.len_utf8()))
}

// ---------------------------------------------------------------------------------------------
// Index and query keys
// ---------------------------------------------------------------------------------------------

/// What the search index stores for a name, or what a query looks up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameKeys {
    /// Each normalised word and its [`to_latin`] rendering, without duplicates.
    pub words: Vec<String>,
    /// `s` + each word's [`skeleton`] and, for a Koryo-saram surname, `k` + its
    /// [`koryo_surname_key`]; ASCII, without duplicates.
    pub keys: Vec<String>,
}

impl NameKeys {
    fn add_word(&mut self, word: &str, units: &mut Vec<Unit>) {
        units.clear();
        expand(word, units);
        push_unique(&mut self.words, word, "");
        let latin = latin_of(units);
        if !latin.is_empty() {
            push_unique(&mut self.words, &latin, "");
        }
        let skeleton = skeleton_of(units);
        if !skeleton.is_empty() {
            push_unique(&mut self.keys, &skeleton, "s");
        }
        let table: &SurnameTable = &SURNAMES;
        if let Some(row) = table.row(word) {
            push_unique(&mut self.keys, &table.keys[row], "k");
        }
    }
}

fn push_unique(list: &mut Vec<String>, item: &str, prefix: &str) {
    let exists = list.iter().any(|existing| {
        existing.len() == prefix.len() + item.len()
            && existing.starts_with(prefix)
            && existing.as_bytes()[prefix.len()..] == *item.as_bytes()
    });
    if !exists {
        let mut owned = String::with_capacity(prefix.len() + item.len());
        owned.push_str(prefix);
        owned.push_str(item);
        list.push(owned);
    }
}

/// The words and keys to index for a name (any mix of Latin, Cyrillic and Hangul). A Hangul
/// word of three or more syllables that starts with a Koryo-saram surname syllable is also
/// indexed as that syllable plus the rest (최누를란 → 최, 누를란).
pub fn name_keys(text: &str) -> NameKeys {
    let normalised = normalise(text);
    let mut keys = NameKeys::default();
    let mut units = Vec::new();
    for word in normalised.split(' ').filter(|w| !w.is_empty()) {
        keys.add_word(word, &mut units);
        if let Some((surname, given)) = split_hangul_surname(word) {
            keys.add_word(surname, &mut units);
            keys.add_word(given, &mut units);
        }
    }
    keys
}

/// The words and keys to look up for a search query: the same transformation as
/// [`name_keys`], so a query in any script meets the names indexed in any script. The store
/// matches the words as prefixes for search-as-you-type.
pub fn query_keys(query: &str) -> NameKeys {
    name_keys(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_same_skeleton(names: &[&str]) {
        let expected = skeleton(&normalise(names[0]));
        assert!(!expected.is_empty(), "{} has an empty skeleton", names[0]);
        for name in names {
            assert_eq!(
                skeleton(&normalise(name)),
                expected,
                "{name} vs {}",
                names[0]
            );
        }
    }

    #[test]
    fn nfkc_starters_are_stable_under_nfkc() {
        use unicode_normalization::char::canonical_combining_class;
        for c in (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| is_nfkc_starter(c))
        {
            assert_eq!(
                is_nfkc_quick(std::iter::once(c)),
                IsNormalized::Yes,
                "{c:?}"
            );
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
        }
    }

    #[test]
    fn skeletons_agree_across_scripts() {
        let groups: &[&[&str]] = &[
            &["Nurlan", "Нұрлан", "누를란", "누르란"],
            &["Aigerim", "Айгерим", "아이게림"],
            &["Yerlan", "Erlan", "Ерлан", "예를란"],
            &["Zhanar", "Janar", "Жанар", "자나르"],
            &["Sergey", "Sergei", "Сергей", "세르게이"],
            &["Kanat", "Qanat", "Қанат", "카낫", "카나트"],
            &["Asel", "Assel", "Әсел", "Асель", "아셀"],
            &["Kim", "Ким", "김"],
            &["Shynar", "Şynar", "Шынар", "시나르"],
            &["Dauren", "Даурен", "다우렌"],
            &["Bolat", "Болат", "볼랏"],
        ];
        for group in groups {
            assert_same_skeleton(group);
        }
        assert_eq!(skeleton("nurlan"), "nln");
        assert_eq!(skeleton("аигерим"), "aklm");
        assert_eq!(skeleton("예를란"), "aln");
        assert_eq!(skeleton("카낫"), "knt");
    }

    #[test]
    fn skeletons_differ_for_different_names() {
        let nurlan = skeleton("nurlan");
        let marat = skeleton("marat");
        let aidos = skeleton("aidos");
        assert_ne!(nurlan, marat);
        assert_ne!(nurlan, aidos);
        assert_ne!(marat, aidos);
        assert_ne!(skeleton("kim"), skeleton("pak"));
        assert_ne!(skeleton("김"), skeleton("박"));
        // kh is its own class, not k.
        assert_ne!(skeleton("khan"), skeleton("kan"));
    }

    #[test]
    fn leading_vowel_marker_keeps_short_names_apart() {
        assert_same_skeleton(&["Ali", "Али", "알리"]);
        assert_ne!(skeleton("ali"), skeleton("li"));
        assert_ne!(skeleton("aidos"), skeleton("dos"));
        assert!(skeleton("yerlan").starts_with(VOWEL_MARK));
        assert!(skeleton("ерлан").starts_with(VOWEL_MARK));
    }

    #[test]
    fn digraphs_are_read_before_single_letters() {
        assert_same_skeleton(&["Akhmetshin", "Ахметшин", "아흐메트신"]);
        assert_eq!(skeleton("akhmetshin"), "ahmtsn");
        assert_same_skeleton(&["Roberts", "Робертс"]);
        assert_same_skeleton(&["Tsoy", "Цой", "Choi", "최"]);
        assert_same_skeleton(&["Shchukin", "Щукин", "Sukin"]);
        assert_same_skeleton(&["Dzhamilya", "Djamilya", "Jamilya", "Джамиля", "자밀랴"]);
        // ng is one sound only before a consonant or at the end.
        assert_same_skeleton(&["Kang", "강", "Кан"]);
        assert_same_skeleton(&["Angelina", "Ангелина"]);
        assert_eq!(skeleton("angelina"), "ankln");
        assert_eq!(skeleton("alexander"), skeleton("александр"));
    }

    #[test]
    fn koryo_surnames_share_a_key() {
        for form in ["Цой", "ЦОЙ", "TSOY", "Tsoi", "Choi", "choe", "최"] {
            assert_eq!(koryo_surname_key(form), Some("tsoy"), "{form}");
        }
        for form in ["Пак", "Park", "PAK", "박"] {
            assert_eq!(koryo_surname_key(form), Some("pak"), "{form}");
        }
        assert_eq!(koryo_surname_key("Югай"), Some("yugai"));
        assert_eq!(koryo_surname_key("Yugay"), Some("yugai"));
        assert_eq!(koryo_surname_key("Han"), Some("khan"));
        assert_eq!(koryo_surname_key("Kang"), Some("kan"));
        assert_eq!(koryo_surname_key("Nurlan"), None);
        assert_eq!(koryo_surname_key("нұрлан"), None);
        assert_eq!(koryo_surname_key("i"), None);
    }

    #[test]
    fn every_csv_row_is_loaded_and_no_spelling_is_shared() {
        let rows = SURNAMES_CSV
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .count();
        assert_eq!(SURNAMES.keys.len(), rows);
        for line in SURNAMES_CSV.lines().skip(1) {
            let fields: Vec<&str> = line.split(',').collect();
            let key = koryo_surname_key(fields[0]);
            assert!(key.is_some(), "{line}");
            assert_eq!(koryo_surname_key(fields[1]), key, "{line}");
            for variant in fields[2].split(';') {
                assert_eq!(koryo_surname_key(variant), key, "{line}: {variant}");
            }
        }
    }

    #[test]
    fn a_spelling_in_two_rows_belongs_to_the_first() {
        let table = SurnameTable::parse(
            "cyrillic,hangul,latin_variants,note\nХан,한,Khan;Han,\nХа,하,Ha;Han,\n",
        );
        assert_eq!(table.keys, ["khan", "ha"]);
        assert_eq!(table.row("han"), Some(0));
        assert_eq!(table.row("ha"), Some(1));
    }

    #[test]
    fn normalise_folds_case_yo_and_short_i() {
        assert_eq!(normalise("ЁЛКИН Йоргов"), "елкин иоргов");
        assert_eq!(normalise("Ёлкин"), normalise("Елкин"));
        // Decomposed й (и + U+0306) is composed by NFKC, then folded.
        assert_eq!(normalise("Сергеи\u{306}"), "сергеи");
    }

    #[test]
    fn normalise_keeps_kazakh_letters() {
        assert_eq!(
            normalise("ӘСЕЛ Ғалым ҚАНАТ Ң Өмір Ұлан Үміт Һ Іңкәр"),
            "әсел ғалым қанат ң өмір ұлан үміт һ іңкәр"
        );
    }

    #[test]
    fn normalise_splits_punctuation_and_hyphens() {
        assert_eq!(
            normalise("  Мұхамед-Әли,  O'Brien (TSOY)\t"),
            "мұхамед әли o brien tsoy"
        );
        assert_eq!(normalise("Mar\u{2BC}yana"), "mar yana");
        assert_eq!(normalise("ＫＩＭ"), "kim");
        assert_eq!(normalise("İlyas"), "ilyas");
        assert_eq!(normalise("---"), "");
        assert_eq!(words("Цой  Нұрлан-Болатұлы"), ["цои", "нұрлан", "болатұлы"]);
        assert!(words(" ,. ").is_empty());
    }

    #[test]
    fn to_latin_renders_every_script_in_ascii() {
        assert_eq!(to_latin("нұрлан"), "nurlan");
        assert_eq!(to_latin("жанар"), "zhanar");
        assert_eq!(to_latin("щукин"), "shchukin");
        assert_eq!(to_latin("асель"), "asel");
        assert_eq!(to_latin("әсел"), "asel");
        assert_eq!(to_latin("цои"), "tsoi");
        assert_eq!(to_latin("хегаи"), "khegai");
        assert_eq!(to_latin("누를란"), "nureulran");
        assert_eq!(to_latin("카낫"), "kanat");
        assert_eq!(to_latin("최"), "choe");
        assert_eq!(to_latin("äsel"), "asel");
        assert_eq!(to_latin("şynar"), "shynar");
        assert_eq!(to_latin("erlık"), "erlik");
        assert_eq!(to_latin("qañat"), "qanat");
        assert_eq!(to_latin("nurlan2"), "nurlan2");
    }

    #[test]
    fn korean_ime_jamo_are_understood() {
        // A Korean IME shows ㄴ before the syllable is complete; NFKC makes it a conjoining jamo.
        let typed = normalise("ㄴ");
        assert_eq!(skeleton(&typed), "n");
        assert_eq!(to_latin(&typed), "n");
        assert!(skeleton("nurlan").starts_with(&skeleton(&normalise("누를"))));
    }

    fn shares(a: &[String], b: &[String], item: &str) -> bool {
        a.iter().any(|x| x == item) && b.iter().any(|x| x == item)
    }

    #[test]
    fn full_names_meet_across_scripts() {
        let stored = name_keys("Цой Нұрлан");
        assert_eq!(stored.words, ["цои", "tsoi", "нұрлан", "nurlan"]);
        assert_eq!(stored.keys, ["sj", "ktsoy", "snln"]);

        let latin = query_keys("choi nurlan");
        assert!(shares(&stored.keys, &latin.keys, "ktsoy"));
        assert!(shares(&stored.keys, &latin.keys, "snln"));
        assert!(shares(&stored.words, &latin.words, "nurlan"));

        let hangul = query_keys("최누를란");
        assert!(shares(&stored.keys, &hangul.keys, "ktsoy"));
        assert!(shares(&stored.keys, &hangul.keys, "snln"));
        assert!(hangul.words.iter().any(|w| w == "누를란"));

        // The same when the Hangul name is the one stored.
        let stored_hangul = name_keys("최누를란");
        assert!(shares(
            &stored_hangul.keys,
            &query_keys("TSOY NURLAN").keys,
            "ktsoy"
        ));
        assert!(shares(
            &stored_hangul.keys,
            &query_keys("Нұрлан").keys,
            "snln"
        ));
    }

    #[test]
    fn only_long_hangul_words_starting_with_a_surname_are_split() {
        assert_eq!(split_hangul_surname("최누를란"), Some(("최", "누를란")));
        assert_eq!(split_hangul_surname("김민수"), Some(("김", "민수")));
        assert_eq!(split_hangul_surname("김민"), None);
        assert_eq!(split_hangul_surname("누를란"), None);
        assert_eq!(split_hangul_surname("최nurlan"), None);
        assert!(!name_keys("누를란").keys.iter().any(|k| k.starts_with('k')));
    }

    #[test]
    fn produced_words_and_keys_are_single_fts_tokens() {
        let inputs = [
            "Цой Нұрлан",
            "최누를란",
            "Мұхамед-Әли O'Brien",
            "İLYAS Şynar Qañat",
            "ＫＩＭ ㉠ ㄴ ㅏ",
            "Nurlan🙂Aliev 🅰",
            "Ёлкин Йоргов Ахметшин",
            "Mar\u{2BC}yana d\u{301}",
            "",
            "  -- ",
        ];
        for input in inputs {
            for keys in [name_keys(input), query_keys(input)] {
                for word in &keys.words {
                    assert!(!word.is_empty(), "{input}");
                    assert!(word.chars().all(is_word_char), "{input}: {word:?}");
                }
                for key in &keys.keys {
                    assert!(key.len() > 1, "{input}: {key:?}");
                    assert!(
                        key.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
                        "{input}: {key:?}"
                    );
                }
            }
        }
    }
}
