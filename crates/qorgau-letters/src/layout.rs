//! Line breaking: per-character font choice, measurement with the fonts' advances, and
//! breaks only where Korean official documents allow them.
//!
//! Break opportunities are spaces, and the point after a hyphen inside a Latin or Cyrillic
//! word. Korean words are never split: Hangul breaks only at spaces, as 공문 do
//! (the `word-break: keep-all` rule). The one exception is a single word wider than the
//! whole line, which is split between characters because nothing else can fit it.

use crate::RenderError;
use crate::fonts::{Face, Fonts, is_hangul};
use crate::model::Run;

/// One indentation level of hierarchical items (`1.` → `가.` → `1)`): two Hangul characters
/// at body size (2타), in millimetres.
pub const ITEM_LEVEL_INDENT_MM: f32 = 2.0 * crate::render::BODY_PT * MM_PER_PT;

pub(crate) const MM_PER_PT: f32 = 25.4 / 72.0;

/// A laid-out line: chunks of text in one face each, at their natural widths.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Chunks left to right. Space chunks are where justification adds room.
    pub chunks: Vec<Chunk>,
    /// Natural width of the line in points, trailing spaces excluded.
    pub width_pt: f32,
    /// The last line of the paragraph, or a line ended by `\n`: never justified.
    pub ends_paragraph: bool,
}

impl Line {
    /// The line's characters, as a reader would extract them.
    pub fn text(&self) -> String {
        self.chunks.iter().map(|c| c.text.as_str()).collect()
    }

    /// Number of space characters between words, the places justification stretches.
    pub fn stretchable_spaces(&self) -> usize {
        self.chunks
            .iter()
            .filter(|c| c.is_space)
            .map(|c| c.text.chars().count())
            .sum()
    }
}

/// Consecutive characters of one line in one face.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    /// The characters.
    pub text: String,
    /// The face they are set in.
    pub face: Face,
    /// Natural width in points.
    pub width_pt: f32,
    /// Whether these are inter-word spaces.
    pub is_space: bool,
}

/// A measured character.
#[derive(Debug, Clone, Copy)]
struct Glyph {
    ch: char,
    face: Face,
    width: f32,
}

/// What follows a segment: where a line may end.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Glue {
    /// Spaces: glyphs `[start, end)` of the paragraph, dropped at a line break.
    Spaces(usize, usize),
    /// A break after a hyphen, with nothing in between.
    Hyphen,
    /// `\n`: the line must end here.
    Hard,
    /// End of the paragraph.
    End,
}

/// An unbreakable stretch of glyphs `[start, end)` and what follows it.
#[derive(Debug, Clone, Copy)]
struct Segment {
    start: usize,
    end: usize,
    width: f32,
    glue: Glue,
}

/// Breaks `runs` into lines: the first at most `first_width_pt` wide, the rest at most
/// `width_pt`. Every character is checked against the embedded fonts first.
pub fn layout_paragraph(
    runs: &[Run],
    fonts: &Fonts,
    size_pt: f32,
    first_width_pt: f32,
    width_pt: f32,
) -> Result<Vec<Line>, RenderError> {
    let glyphs = shape(runs, fonts, size_pt)?;
    let segments = segment(&glyphs);
    Ok(break_lines(&glyphs, &segments, first_width_pt, width_pt))
}

/// Chooses a face for every character and measures it. Spaces take the face of the
/// character before them (so a space inside Korean text has Nanum's width).
fn shape(runs: &[Run], fonts: &Fonts, size_pt: f32) -> Result<Vec<Glyph>, RenderError> {
    let mut glyphs = Vec::with_capacity(runs.iter().map(|r| r.text.len()).sum());
    for run in runs {
        let mut last_face = None;
        let mut pending_spaces = Vec::new();
        for ch in run.text.chars() {
            let ch = if ch == '\t' { ' ' } else { ch };
            if ch == '\n' {
                glyphs.push(Glyph {
                    ch,
                    face: last_face.unwrap_or(latin(run.bold)),
                    width: 0.0,
                });
                continue;
            }
            if ch == ' ' {
                if last_face.is_none() {
                    pending_spaces.push(glyphs.len());
                }
                glyphs.push(space(fonts, last_face.unwrap_or(latin(run.bold)), size_pt));
                continue;
            }
            let face = fonts
                .face_for(ch, run.bold)
                .filter(|_| !ch.is_control())
                .ok_or_else(|| RenderError::uncovered(ch, run.source_field.as_deref()))?;
            // Leading spaces of a run take the face of its first character.
            for i in pending_spaces.drain(..) {
                glyphs[i] = space(fonts, face, size_pt);
            }
            last_face = Some(face);
            glyphs.push(Glyph {
                ch,
                face,
                width: fonts.advance_pt(face, ch, size_pt),
            });
        }
    }
    Ok(glyphs)
}

fn latin(bold: bool) -> Face {
    if bold {
        Face::LatinBold
    } else {
        Face::LatinRegular
    }
}

fn space(fonts: &Fonts, face: Face, size_pt: f32) -> Glyph {
    Glyph {
        ch: ' ',
        face,
        width: fonts.advance_pt(face, ' ', size_pt),
    }
}

/// Splits the glyphs into unbreakable segments.
fn segment(glyphs: &[Glyph]) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut start = 0;
    let mut width = 0.0;
    let mut i = 0;
    while i < glyphs.len() {
        let g = glyphs[i];
        match g.ch {
            ' ' => {
                let spaces_start = i;
                while i < glyphs.len() && glyphs[i].ch == ' ' {
                    i += 1;
                }
                segments.push(Segment {
                    start,
                    end: spaces_start,
                    width,
                    glue: Glue::Spaces(spaces_start, i),
                });
                start = i;
                width = 0.0;
                continue;
            }
            '\n' => {
                segments.push(Segment {
                    start,
                    end: i,
                    width,
                    glue: Glue::Hard,
                });
                start = i + 1;
                width = 0.0;
            }
            _ => {
                width += g.width;
                if is_hyphen_break(glyphs, i) {
                    segments.push(Segment {
                        start,
                        end: i + 1,
                        width,
                        glue: Glue::Hyphen,
                    });
                    start = i + 1;
                    width = 0.0;
                }
            }
        }
        i += 1;
    }
    segments.push(Segment {
        start,
        end: glyphs.len(),
        width,
        glue: Glue::End,
    });
    segments
}

/// A line may end after a hyphen between two letters of a Latin or Cyrillic word
/// ("Ust-Kamenogorsk", "Усть-Каменогорск"), never inside Hangul.
fn is_hyphen_break(glyphs: &[Glyph], i: usize) -> bool {
    if !matches!(glyphs[i].ch, '-' | '\u{2010}') || i == 0 || i + 1 >= glyphs.len() {
        return false;
    }
    let alphabetic_non_hangul = |c: char| c.is_alphabetic() && !is_hangul(c);
    alphabetic_non_hangul(glyphs[i - 1].ch) && alphabetic_non_hangul(glyphs[i + 1].ch)
}

/// Greedy first-fit line breaking over the segments.
fn break_lines(glyphs: &[Glyph], segments: &[Segment], first_width: f32, width: f32) -> Vec<Line> {
    // Measurement noise must not push a line that fits exactly onto the next one.
    const EPSILON: f32 = 0.01;
    let mut lines = Vec::new();
    let mut builder = LineBuilder::default();
    let avail = |lines: &Vec<Line>| if lines.is_empty() { first_width } else { width };

    for seg in segments {
        let glue_width = builder.pending_glue_width(glyphs);
        let fits =
            builder.is_empty() || builder.width + glue_width + seg.width <= avail(&lines) + EPSILON;
        if !fits {
            lines.push(builder.finish(glyphs, false));
        }
        if builder.is_empty() && seg.width > avail(&lines) + EPSILON {
            // A word wider than the whole line: the only case split between characters.
            let mut pos = seg.start;
            while pos < seg.end {
                let mut end = pos;
                let mut w = 0.0;
                while end < seg.end && (end == pos || w + glyphs[end].width <= avail(&lines)) {
                    w += glyphs[end].width;
                    end += 1;
                }
                builder.push_glyphs(glyphs, pos, end, w);
                if end < seg.end {
                    lines.push(builder.finish(glyphs, false));
                }
                pos = end;
            }
        } else {
            builder.push_glyphs(glyphs, seg.start, seg.end, seg.width);
        }
        match seg.glue {
            Glue::Spaces(a, b) => builder.pending_glue = Some((a, b)),
            Glue::Hyphen => {}
            Glue::Hard => lines.push(builder.finish(glyphs, true)),
            Glue::End => {
                if !builder.is_empty() || lines.is_empty() {
                    lines.push(builder.finish(glyphs, true));
                } else if let Some(last) = lines.last_mut() {
                    last.ends_paragraph = true;
                }
            }
        }
    }
    lines
}

/// Accumulates one line's glyphs; spaces between segments are added only when a segment
/// follows them on the same line.
#[derive(Debug, Default)]
struct LineBuilder {
    glyph_ranges: Vec<(usize, usize)>,
    width: f32,
    /// Spaces after the last segment, added only if another segment joins this line.
    pending_glue: Option<(usize, usize)>,
    has_content: bool,
}

impl LineBuilder {
    fn is_empty(&self) -> bool {
        !self.has_content
    }

    fn pending_glue_width(&self, glyphs: &[Glyph]) -> f32 {
        match self.pending_glue {
            Some((a, b)) if self.has_content => glyphs[a..b].iter().map(|g| g.width).sum(),
            _ => 0.0,
        }
    }

    fn push_glyphs(&mut self, glyphs: &[Glyph], start: usize, end: usize, width: f32) {
        if let Some((a, b)) = self.pending_glue.take()
            && self.has_content
        {
            self.width += glyphs[a..b].iter().map(|g| g.width).sum::<f32>();
            self.glyph_ranges.push((a, b));
        }
        if start < end {
            self.glyph_ranges.push((start, end));
            self.width += width;
            self.has_content = true;
        }
    }

    fn finish(&mut self, glyphs: &[Glyph], ends_paragraph: bool) -> Line {
        let mut chunks: Vec<Chunk> = Vec::new();
        for &(a, b) in &self.glyph_ranges {
            for g in &glyphs[a..b] {
                let is_space = g.ch == ' ';
                match chunks.last_mut() {
                    Some(c) if c.face == g.face && c.is_space == is_space => {
                        c.text.push(g.ch);
                        c.width_pt += g.width;
                    }
                    _ => chunks.push(Chunk {
                        text: g.ch.to_string(),
                        face: g.face,
                        width_pt: g.width,
                        is_space,
                    }),
                }
            }
        }
        let line = Line {
            chunks,
            width_pt: self.width,
            ends_paragraph,
        };
        *self = LineBuilder::default();
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, width_pt: f32) -> Vec<Line> {
        layout_paragraph(
            &[Run::plain(text)],
            Fonts::embedded(),
            12.0,
            width_pt,
            width_pt,
        )
        .unwrap()
    }

    #[test]
    fn breaks_only_at_spaces_and_drops_the_space_at_the_break() {
        let ls = lines("가나다 라마바 사아자", 12.0 * 7.5);
        let texts: Vec<String> = ls.iter().map(Line::text).collect();
        assert_eq!(texts, ["가나다 라마바", "사아자"]);
        assert!(!ls[0].ends_paragraph && ls[1].ends_paragraph);
    }

    #[test]
    fn breaks_after_a_hyphen_in_cyrillic_words() {
        let ls = lines("Өскемен Усть-Каменогорск", 150.0);
        let texts: Vec<String> = ls.iter().map(Line::text).collect();
        assert_eq!(texts, ["Өскемен Усть-", "Каменогорск"]);
    }

    #[test]
    fn splits_only_a_word_wider_than_the_line() {
        let ls = lines("가나다라마바사아자차카타파하", 12.0 * 5.5);
        assert!(ls.len() >= 3, "{ls:?}");
        assert!(ls.iter().all(|l| l.width_pt <= 12.0 * 5.5 + 0.01));
    }

    #[test]
    fn newline_forces_an_unjustified_line() {
        let ls = lines("서울특별시 중구\n세종대로 110", 400.0);
        assert_eq!(ls.len(), 2);
        assert!(ls[0].ends_paragraph);
        assert_eq!(ls[1].text(), "세종대로 110");
    }

    #[test]
    fn uncovered_character_names_its_field() {
        let err = layout_paragraph(
            &[Run::field("Name ༀ", "worker.name")],
            Fonts::embedded(),
            12.0,
            100.0,
            100.0,
        )
        .unwrap_err();
        assert_eq!(
            err,
            RenderError::UncoveredCharacter {
                ch: 'ༀ',
                codepoint: "U+0F00".into(),
                field: Some("worker.name".into())
            }
        );
    }
}
