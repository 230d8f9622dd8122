//! Qorgau's letter engine: a pure function from a [`Document`] to PDF bytes.
//!
//! - [`Fonts::embedded`]: NanumMyeongjo (Hangul) and Noto Serif (Latin, Cyrillic with every
//!   Kazakh letter), regular and bold, compiled into the binary and parsed once per process.
//! - [`layout_paragraph`]: this crate's own line breaking. Korean words are never split;
//!   Hangul breaks only at spaces, as Korean official documents do.
//! - [`render`]: checks every character against the fonts first ([`RenderError`] names the
//!   character and the field it came from), paginates on A4 with Korean official margins,
//!   numbers pages, marks drafts, embeds subset fonts, and gives the same bytes for the same
//!   document.
//!
//! - [`TemplateSet`]: letter templates as TOML data (`assets/letters/`, embedded, plus an
//!   optional user directory), validated at load, filled from a [`LetterContext`] into a
//!   [`Document`].
//!
//! No I/O (besides reading a user template directory when asked), no clock, no randomness:
//! registry and storage live elsewhere.

mod amount;
mod context;
mod fill;
mod fonts;
mod layout;
mod model;
mod particle;
mod render;
mod romanize;
mod sample;
mod subset;
mod template;

pub use context::{COMPUTED_KEYS, CONTEXT_KEYS, LetterContext, is_known_key};
pub use fill::{FillError, FillOptions};
pub use fonts::{Face, Fonts, is_hangul, is_hangul_or_cjk};
pub use layout::{Chunk, ITEM_LEVEL_INDENT_MM, Line, layout_paragraph};
pub use model::{
    Align, BarChart, Block, DocMeta, Document, LetterDate, Letterhead, LetterheadLine, Paragraph,
    Run, Table, Text,
};
pub use render::{BODY_PT, LINE_HEIGHT, MARGINS_MM, check_coverage, render};
pub use romanize::{romanize_address, romanize_name, romanize_word};
pub use sample::{sample_bilingual_letter, sample_context, sample_context_for, sample_long_letter};
pub use template::{
    Form, NO_SENSITIVE_RECIPIENTS, OPT_IN_KEYS, RECIPIENT_KINDS, SENSITIVE_KEYS, Template,
    TemplateError, TemplateInfo, TemplateSet, TemplateSource, recipient_kind,
};

/// The number of pages of a PDF, `None` when it does not parse.
pub fn page_count(pdf: &[u8]) -> Option<usize> {
    lopdf::Document::load_mem(pdf)
        .ok()
        .map(|d| d.get_pages().len())
}

/// Why a document could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// No embedded font has a glyph for `ch` (an emoji, a Tibetan letter, a control
    /// character). Rendering it would draw an empty box and lose it from the text layer.
    #[error("no embedded font has the character {ch:?} ({codepoint}){}", in_field(.field))]
    UncoveredCharacter {
        /// The character.
        ch: char,
        /// Its code point, `U+XXXX`.
        codepoint: String,
        /// The template field the text came from, when known.
        field: Option<String>,
    },
    /// printpdf or lopdf failed to build the file (not expected for valid input).
    #[error("PDF output failed: {0}")]
    Pdf(String),
}

impl RenderError {
    pub(crate) fn uncovered(ch: char, field: Option<&str>) -> Self {
        RenderError::UncoveredCharacter {
            ch,
            codepoint: format!("U+{:04X}", ch as u32),
            field: field.map(str::to_owned),
        }
    }
}

fn in_field(field: &Option<String>) -> String {
    field
        .as_deref()
        .map(|f| format!(" in field `{f}`"))
        .unwrap_or_default()
}
