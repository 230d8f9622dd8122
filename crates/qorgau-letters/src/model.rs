//! The document model: what a Korean 공문 or a note verbale is made of, before layout.
//!
//! Every piece of text can name the template field it was filled from (`source_field`), so
//! a character no embedded font covers is reported against that field.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A letter ready to render. Rendering is a pure function of this value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// PDF metadata; also the source of the file's fixed id and dates.
    pub meta: DocMeta,
    /// A draft carries a diagonal "DRAFT / 초안" mark on every page.
    pub draft: bool,
    /// Printed centred at the top of page 1, followed by a double rule.
    pub letterhead: Option<Letterhead>,
    /// The content, top to bottom.
    pub blocks: Vec<Block>,
}

/// PDF metadata. Nothing in the output depends on the clock or on chance: the file id is
/// `document_id` and both the creation and modification dates are `date`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocMeta {
    /// Document title (PDF `/Title`).
    pub title: String,
    /// Issuing mission or person (PDF `/Author`).
    pub author: String,
    /// The PDF file identifier (trailer `/ID`); derive it from the letter, e.g. the first
    /// 16 bytes of a hash of its registry number, so a re-render is byte-identical.
    pub document_id: [u8; 16],
    /// The letter's date, used as the PDF creation and modification date (00:00 UTC).
    pub date: LetterDate,
}

/// A calendar date as written on a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LetterDate {
    /// Year, e.g. 2026.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month, 1–31.
    pub day: u8,
}

impl LetterDate {
    /// A date; months and days out of range are clamped when converted for the PDF.
    pub fn new(year: i32, month: u8, day: u8) -> Self {
        Self { year, month, day }
    }

    /// Days since 1970-01-01 (proleptic Gregorian), for the PDF timestamps.
    pub(crate) fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let m = i64::from(self.month.clamp(1, 12));
        let d = i64::from(self.day.clamp(1, 31));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

/// The Korean official form, `2026. 11. 21.` (행정업무규정: full stops replace 년 월 일).
impl fmt::Display for LetterDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}. {}. {}.", self.year, self.month, self.day)
    }
}

/// A piece of text and the template field it came from.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Text {
    /// The characters. `\n` forces a line break; other control characters are refused.
    pub text: String,
    /// The field this text was filled from, named in coverage errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_field: Option<String>,
}

impl Text {
    /// Literal text that did not come from a field.
    pub fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            source_field: None,
        }
    }

    /// Text filled from `field`.
    pub fn field(text: impl Into<String>, field: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            source_field: Some(field.into()),
        }
    }
}

/// A stretch of text in one weight inside a paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Run {
    /// The characters. `\n` forces a line break.
    pub text: String,
    /// Bold weight.
    #[serde(default)]
    pub bold: bool,
    /// The field this text was filled from, named in coverage errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_field: Option<String>,
}

impl Run {
    /// Regular-weight literal text.
    pub fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            bold: false,
            source_field: None,
        }
    }

    /// Bold literal text.
    pub fn bold(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            bold: true,
            source_field: None,
        }
    }

    /// Regular-weight text filled from `field`.
    pub fn field(text: impl Into<String>, field: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            bold: false,
            source_field: Some(field.into()),
        }
    }
}

impl From<Text> for Run {
    fn from(t: Text) -> Self {
        Self {
            text: t.text,
            bold: false,
            source_field: t.source_field,
        }
    }
}

/// Horizontal alignment of a paragraph's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Align {
    /// Both edges flush: extra space goes into the word spaces of every line but the last
    /// (and but a line ended by `\n`).
    #[default]
    Justify,
    /// Ragged right.
    Left,
    /// Centred.
    Center,
    /// Ragged left (dates, reference numbers at the top right of a note verbale).
    Right,
}

/// The centred heading block at the top of page 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letterhead {
    /// Lines top to bottom: usually the mission's name in Kazakh, Korean and English
    /// (emphasised), then address and telephone (not emphasised).
    pub lines: Vec<LetterheadLine>,
}

/// One centred letterhead line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterheadLine {
    /// The text.
    pub text: Text,
    /// Bold and larger (the mission's name) rather than small (address, phones).
    pub emphasis: bool,
}

/// A block of content. Vertical distances are in millimetres.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Block {
    /// A centred bold title, larger than body text (e.g. "구 술 서", "NOTE VERBALE").
    Heading {
        /// The title text.
        text: Text,
    },
    /// Body text. With a `marker` it is a hierarchical item (`1.`, `가.`, `1)`, `가)` …):
    /// the marker hangs at `indent_left_mm` and every line of the text starts one space
    /// after the marker.
    Paragraph(Paragraph),
    /// A label and its value, e.g. `수신  ○○지방고용노동청장` or `제목  …`: the value's
    /// lines all start two spaces after the label.
    Labelled {
        /// The label (`수신`, `(경유)`, `제목`, `To`, `Subject`).
        label: Text,
        /// The value.
        value: Vec<Run>,
        /// Label and value in bold (a 제목 line often is).
        #[serde(default)]
        bold: bool,
    },
    /// A label and a list of values, one per line, each line starting two spaces after the
    /// label: `붙임  1. 진정서 사본 1부.` / `      2. 동의서 1부.  끝.`.
    List {
        /// The label (`붙임`, `Enclosures:`).
        label: Text,
        /// The entries, top to bottom.
        items: Vec<Vec<Run>>,
    },
    /// A full-width horizontal line (between 두문 and 본문, above 결문).
    Rule,
    /// Vertical space, in millimetres. Dropped at the top of a page.
    Spacer(f32),
    /// Continue on a new page.
    PageBreak,
    /// Right-aligned lines kept together on one page: the issuer (발신명의), the consul's
    /// name and title, "(seal)". The first line is bold.
    Signature {
        /// Lines top to bottom.
        lines: Vec<Text>,
    },
    /// A table of figures (reports): a bold header row and rows of cells, ruled between rows.
    /// Columns share the content width in proportion to `widths`; columns marked `numeric`
    /// are right-aligned. A row never splits across pages.
    Table(Table),
    /// A horizontal bar chart drawn as vectors: one bar per label, lengths in proportion to
    /// the largest value, each value printed after its bar.
    BarChart(BarChart),
}

/// See [`Block::Table`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub widths: Vec<f32>,
    pub numeric: Vec<bool>,
    pub header: Vec<Text>,
    pub rows: Vec<Vec<Text>>,
}

/// See [`Block::BarChart`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BarChart {
    /// Printed in bold above the bars.
    pub title: Text,
    /// Label and value of each bar, top to bottom.
    pub bars: Vec<(Text, f64)>,
    /// How each value is printed after its bar (`12`, `₩3,500,000`).
    pub value_labels: Vec<Text>,
}

/// Body text with its indents and spacing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paragraph {
    /// The text in runs of one weight each.
    pub runs: Vec<Run>,
    /// Alignment of the lines.
    #[serde(default)]
    pub align: Align,
    /// Hanging item marker such as `1.`, `가.`, `1)`; `None` for running text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<Text>,
    /// Indent of the whole paragraph (of the marker, if any) from the left margin, in mm.
    /// For 공문 items each level below `1.` adds two characters (2타).
    #[serde(default)]
    pub indent_left_mm: f32,
    /// Extra indent of the first line, in mm (ignored when there is a marker).
    #[serde(default)]
    pub indent_first_mm: f32,
    /// Space above, in mm (dropped at the top of a page).
    #[serde(default)]
    pub space_before_mm: f32,
    /// Space below, in mm.
    #[serde(default)]
    pub space_after_mm: f32,
}

impl Paragraph {
    /// A justified paragraph of `runs` with no indent and 2 mm below.
    pub fn new(runs: Vec<Run>) -> Self {
        Self {
            runs,
            align: Align::Justify,
            marker: None,
            indent_left_mm: 0.0,
            indent_first_mm: 0.0,
            space_before_mm: 0.0,
            space_after_mm: 2.0,
        }
    }

    /// The same paragraph with another alignment.
    pub fn aligned(mut self, align: Align) -> Self {
        self.align = align;
        self
    }

    /// The same paragraph as a hierarchical item with `marker`, indented `level` steps of
    /// two Hangul characters (level 0 starts at the margin, as since 2017).
    pub fn item(mut self, marker: impl Into<String>, level: u8) -> Self {
        self.marker = Some(Text::plain(marker));
        self.indent_left_mm = f32::from(level) * crate::layout::ITEM_LEVEL_INDENT_MM;
        self
    }
}
