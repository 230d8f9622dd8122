//! The four embedded faces, parsed once per process, with coverage and advance widths.
//!
//! Hangul and CJK characters are set in NanumMyeongjo; everything else in Noto Serif, whose
//! Cyrillic covers every Kazakh letter (Nanum's own Cyrillic is full-width and looks wrong).
//! A character the preferred family lacks falls back to the other family; a character
//! neither covers is an error, never an empty box.

use std::sync::LazyLock;

use printpdf::ParsedFont;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::subset::Sfnt;

static NANUM_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/NanumMyeongjo-Regular.ttf");
static NANUM_BOLD: &[u8] = include_bytes!("../../../assets/fonts/NanumMyeongjo-Bold.ttf");
static NOTO_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/NotoSerif-Regular.ttf");
static NOTO_BOLD: &[u8] = include_bytes!("../../../assets/fonts/NotoSerif-Bold.ttf");

/// One of the four embedded faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Face {
    /// NanumMyeongjo Regular: Hangul, Hanja, CJK symbols.
    HangulRegular,
    /// NanumMyeongjo Bold.
    HangulBold,
    /// Noto Serif Regular: Latin, Cyrillic (with Kazakh), Greek, punctuation, digits.
    LatinRegular,
    /// Noto Serif Bold.
    LatinBold,
}

impl Face {
    /// All faces, in a fixed order (the order fonts are registered in the PDF).
    pub const ALL: [Face; 4] = [
        Face::HangulRegular,
        Face::HangulBold,
        Face::LatinRegular,
        Face::LatinBold,
    ];

    pub(crate) fn index(self) -> usize {
        match self {
            Face::HangulRegular => 0,
            Face::HangulBold => 1,
            Face::LatinRegular => 2,
            Face::LatinBold => 3,
        }
    }

    fn family(hangul: bool, bold: bool) -> Face {
        match (hangul, bold) {
            (true, false) => Face::HangulRegular,
            (true, true) => Face::HangulBold,
            (false, false) => Face::LatinRegular,
            (false, true) => Face::LatinBold,
        }
    }

    /// Whether this face is one of the bold ones.
    pub fn is_bold(self) -> bool {
        matches!(self, Face::HangulBold | Face::LatinBold)
    }
}

/// The parsed faces. Parsing costs tens of milliseconds, so do it once per process:
/// [`Fonts::embedded`] returns a process-wide instance.
pub struct Fonts {
    faces: [ParsedFont; 4],
    /// The same faces' raw tables, for subsetting.
    sfnts: [Option<Sfnt>; 4],
    /// `units_per_em` of each face.
    upem: [f32; 4],
    /// Glyph id and advance of each Basic Multilingual Plane character, per face, looked up
    /// once: the font's own cmap search was a tenth of a render.
    glyphs: [GlyphTable; 4],
}

/// A lazily filled table of `(glyph id, advance in font units)` by BMP code point.
struct GlyphTable {
    slots: Box<[AtomicU64]>,
}

/// Slot bits: looked up; has a glyph; advance in bits 16..32; glyph id in bits 0..16.
const LOOKED_UP: u64 = 1 << 63;
const HAS_GLYPH: u64 = 1 << 62;

impl GlyphTable {
    fn new() -> Self {
        GlyphTable {
            slots: (0..=0xFFFF).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// The glyph id and advance of `ch`, from the table or, the first time, from `font`.
    fn get(&self, font: &ParsedFont, ch: char) -> Option<(u16, u16)> {
        let lookup = || {
            font.lookup_glyph_index(ch as u32)
                .map(|gid| (gid, font.get_horizontal_advance(gid)))
        };
        let Some(slot) = self.slots.get(ch as usize) else {
            return lookup();
        };
        let value = slot.load(Ordering::Relaxed);
        if value & LOOKED_UP != 0 {
            return (value & HAS_GLYPH != 0)
                .then_some(((value & 0xFFFF) as u16, ((value >> 16) & 0xFFFF) as u16));
        }
        let found = lookup();
        let packed = match found {
            Some((gid, advance)) => {
                LOOKED_UP | HAS_GLYPH | (u64::from(advance) << 16) | u64::from(gid)
            }
            None => LOOKED_UP,
        };
        slot.store(packed, Ordering::Relaxed);
        found
    }
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts")
            .field("faces", &Face::ALL)
            .finish_non_exhaustive()
    }
}

static EMBEDDED: LazyLock<Fonts> = LazyLock::new(|| {
    Fonts::from_bytes([NANUM_REGULAR, NANUM_BOLD, NOTO_REGULAR, NOTO_BOLD])
        .expect("the fonts embedded in qorgau-letters parse")
});

impl Fonts {
    /// The fonts compiled into the binary, parsed on first use and shared afterwards.
    pub fn embedded() -> &'static Fonts {
        &EMBEDDED
    }

    /// Parses four faces in [`Face::ALL`] order. `None` if one does not parse.
    fn from_bytes(bytes: [&'static [u8]; 4]) -> Option<Fonts> {
        let mut warnings = Vec::new();
        let [a, b, c, d] = bytes.map(|b| ParsedFont::from_bytes(b, 0, &mut warnings));
        let faces = [a?, b?, c?, d?];
        let upem = std::array::from_fn(|i| f32::from(faces[i].pdf_font_metrics.units_per_em));
        let sfnts = bytes.map(Sfnt::parse);
        let glyphs = std::array::from_fn(|_| GlyphTable::new());
        Some(Fonts {
            faces,
            sfnts,
            upem,
            glyphs,
        })
    }

    /// The raw tables of `face`, if this crate's subsetter can read them.
    pub(crate) fn sfnt(&self, face: Face) -> Option<&Sfnt> {
        self.sfnts[face.index()].as_ref()
    }

    pub(crate) fn parsed(&self, face: Face) -> &ParsedFont {
        &self.faces[face.index()]
    }

    /// The face a character is set in, or `None` if no embedded face covers it.
    ///
    /// Hangul and CJK go to Nanum, everything else to Noto Serif; either falls back to the
    /// other family when its preferred one lacks the glyph (say, `○` or `①`).
    pub fn face_for(&self, ch: char, bold: bool) -> Option<Face> {
        let hangul = is_hangul_or_cjk(ch);
        let preferred = Face::family(hangul, bold);
        if self.covers(preferred, ch) {
            return Some(preferred);
        }
        let other = Face::family(!hangul, bold);
        self.covers(other, ch).then_some(other)
    }

    /// Whether `face` has a real glyph (not .notdef) for `ch`.
    pub fn covers(&self, face: Face, ch: char) -> bool {
        matches!(self.glyph(face, ch), Some((gid, _)) if gid != 0)
    }

    /// Glyph id and advance (font units) of `ch` in `face`.
    pub(crate) fn glyph(&self, face: Face, ch: char) -> Option<(u16, u16)> {
        self.glyphs[face.index()].get(self.parsed(face), ch)
    }

    /// Advance of `ch` in `face`, in thousandths of an em.
    ///
    /// Truncated to an integer exactly as printpdf fills the PDF's `/W` widths, so a
    /// position computed from these advances is where a viewer puts the glyph.
    pub fn advance_milli_em(&self, face: Face, ch: char) -> i64 {
        let Some((_, advance)) = self.glyph(face, ch) else {
            return 0;
        };
        let units = f32::from(advance);
        (units * 1000.0 / self.upem[face.index()]) as i64
    }

    /// Advance of `ch` in `face` at `size_pt`, in points.
    pub fn advance_pt(&self, face: Face, ch: char, size_pt: f32) -> f32 {
        self.advance_milli_em(face, ch) as f32 * size_pt / 1000.0
    }
}

/// Hangul syllables and jamo, CJK ideographs, CJK symbols and punctuation, enclosed
/// CJK letters (㉮, ①), full-width forms: the characters Korean typesetting takes from the
/// Hangul font.
pub fn is_hangul_or_cjk(ch: char) -> bool {
    matches!(ch as u32,
        0x1100..=0x11FF      // Hangul Jamo
        | 0x2460..=0x24FF    // Enclosed alphanumerics (①)
        | 0x2E80..=0x2FDF    // CJK radicals
        | 0x3000..=0x303F    // CJK symbols and punctuation
        | 0x3130..=0x318F    // Hangul compatibility jamo
        | 0x3200..=0x33FF    // Enclosed CJK letters (㉮), CJK compatibility
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xA960..=0xA97F    // Hangul Jamo extended-A
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xD7B0..=0xD7FF    // Hangul Jamo extended-B
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xFF00..=0xFFEF // Half-width and full-width forms
    )
}

/// Whether `ch` is a Hangul syllable or jamo: a character inside a Korean word, which is
/// never split across lines.
pub fn is_hangul(ch: char) -> bool {
    matches!(ch as u32, 0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7FF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kazakh_letters_go_to_noto_and_hangul_to_nanum() {
        let fonts = Fonts::embedded();
        for ch in "ӘҒҚҢӨҰҮҺІәғқңөұүһі".chars() {
            assert_eq!(fonts.face_for(ch, false), Some(Face::LatinRegular), "{ch}");
            assert_eq!(fonts.face_for(ch, true), Some(Face::LatinBold), "{ch}");
        }
        for ch in "수신제목끝".chars() {
            assert_eq!(fonts.face_for(ch, false), Some(Face::HangulRegular), "{ch}");
        }
        // Geometric and enclosed symbols used in 공문 fall back to whichever font has them.
        for ch in "○□①㉮·―".chars() {
            assert!(fonts.face_for(ch, false).is_some(), "{ch} is not covered");
        }
        assert_eq!(fonts.face_for('😀', false), None);
        assert_eq!(fonts.face_for('ཀ', false), None);
    }

    #[test]
    fn advances_are_positive_for_covered_letters() {
        let fonts = Fonts::embedded();
        assert!(fonts.advance_milli_em(Face::HangulRegular, '가') > 800);
        assert!(fonts.advance_milli_em(Face::LatinRegular, 'Ә') > 400);
        assert!(fonts.advance_milli_em(Face::LatinRegular, ' ') > 150);
    }
}
