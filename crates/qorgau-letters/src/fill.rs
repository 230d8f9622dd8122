//! Filling a template from a [`LetterContext`]: the step from data to a [`Document`].

use crate::context::{KOREAN_DATE_KEYS, LetterContext};
use crate::model::{
    Align, Block, DocMeta, Document, LetterDate, Letterhead, LetterheadLine, Paragraph, Run, Text,
};
use crate::template::{Piece, TBlock, TKind, Template, TemplateSet};

/// How to fill a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FillOptions {
    /// A draft: `letter.number` is not required and not shown, and the PDF carries the
    /// DRAFT mark.
    pub draft: bool,
    /// The PDF file id (see [`DocMeta::document_id`]).
    pub document_id: [u8; 16],
    /// The letter's date: the PDF's dates and `letter.date_numeric`.
    pub date: LetterDate,
}

/// Why a template could not be filled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FillError {
    /// Required fields are empty; all of them are listed, in the template's order.
    #[error("template {template}: missing required fields: {}", fields.join(", "))]
    Missing {
        /// Template name.
        template: String,
        /// The empty fields.
        fields: Vec<String>,
    },
    /// No template has this name.
    #[error("no letter template called `{name}`")]
    UnknownTemplate {
        /// The name asked for.
        name: String,
    },
}

/// The 공문 end mark, set two spaces after the last text.
const END_MARK: &str = "끝.";

impl TemplateSet {
    /// Fills template `name` from `ctx`. Every required field must be set (on a draft,
    /// `letter.number` is not required, and is left out even if set).
    pub fn fill(
        &self,
        name: &str,
        ctx: &LetterContext,
        options: &FillOptions,
    ) -> Result<Document, FillError> {
        let template = self.get(name).ok_or_else(|| FillError::UnknownTemplate {
            name: name.to_owned(),
        })?;
        template.fill(ctx, options)
    }
}

impl Template {
    /// Every caller key this template can use: its required and optional keys, and the keys
    /// its computed keys are made from. What a registry must keep to render it again.
    pub fn data_keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = Vec::new();
        for key in self.info.required.iter().chain(&self.info.optional) {
            keys.push(key);
            keys.extend(crate::context::computed_from(key));
        }
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// The required fields `ctx` leaves empty, in the template's order (on a draft,
    /// `letter.number` is not required). Computed keys count as set when their sources are.
    pub fn missing_fields(&self, ctx: &LetterContext, options: &FillOptions) -> Vec<String> {
        let ctx = effective_context(ctx, options);
        self.missing_in(&ctx, options)
    }

    fn missing_in(&self, ctx: &LetterContext, options: &FillOptions) -> Vec<String> {
        self.info
            .required
            .iter()
            .filter(|f| !(options.draft && f.as_str() == "letter.number"))
            .filter(|f| !ctx.has(f))
            .cloned()
            .collect()
    }

    /// Fills this template from `ctx`; see [`TemplateSet::fill`].
    pub fn fill(&self, ctx: &LetterContext, options: &FillOptions) -> Result<Document, FillError> {
        let ctx = effective_context(ctx, options);
        let missing = self.missing_in(&ctx, options);
        if !missing.is_empty() {
            return Err(FillError::Missing {
                template: self.info.name.clone(),
                fields: missing,
            });
        }

        let letterhead = (!self.letterhead.is_empty()).then(|| Letterhead {
            lines: self
                .letterhead
                .iter()
                .filter(|l| l.when.iter().all(|f| ctx.has(f)))
                .map(|l| LetterheadLine {
                    text: single_text(&runs(&l.text, &ctx, false)),
                    emphasis: l.emphasis,
                })
                .collect(),
        });

        let mut blocks: Vec<Block> = Vec::new();
        for block in self.blocks.iter().filter(|b| applies(b, &ctx)) {
            if let Some(b) = fill_block(block, &ctx, &mut blocks) {
                blocks.push(b);
            }
        }

        let title = format!("{} / {}", self.info.title_ko, self.info.title_en);
        let author = ["mission.name_en", "mission.name_ko", "mission.name_kk"]
            .iter()
            .find_map(|k| ctx.get(k))
            .unwrap_or_default()
            .to_owned();
        Ok(Document {
            meta: DocMeta {
                title,
                author,
                document_id: options.document_id,
                date: options.date,
            },
            draft: options.draft,
            letterhead,
            blocks,
        })
    }
}

/// The context as the template sees it: no number on a draft, the computed keys added.
fn effective_context(ctx: &LetterContext, options: &FillOptions) -> LetterContext {
    let mut ctx = ctx.clone();
    if options.draft {
        ctx.remove("letter.number");
    }
    let d = options.date;
    ctx.set(
        "letter.date_numeric",
        format!("{:02}.{:02}.{}", d.day, d.month, d.year),
    );
    let cyrillic = ctx.get("worker.name_cyrillic").map(str::to_owned);
    let latin = ctx.get("worker.latin_name").map(str::to_owned);
    let (ko, en) = match (cyrillic, latin) {
        (Some(c), Some(l)) => (format!("{c}({l})"), format!("{l} ({c})")),
        (Some(one), None) | (None, Some(one)) => (one.clone(), one),
        (None, None) => (String::new(), String::new()),
    };
    ctx.set("worker.names_ko", ko);
    ctx.set("worker.names_en", en);
    ctx
}

fn applies(block: &TBlock, ctx: &LetterContext) -> bool {
    block.when.iter().all(|f| ctx.has(f)) && !block.unless.as_deref().is_some_and(|f| ctx.has(f))
}

/// A field's value as printed: Korean dates get no-break spaces so `2026. 11. 21.` stays
/// on one line.
fn value(ctx: &LetterContext, key: &str) -> String {
    let v = ctx.get(key).unwrap_or_default().trim();
    if KOREAN_DATE_KEYS.contains(&key) {
        v.replace(' ', "\u{a0}")
    } else {
        v.to_owned()
    }
}

fn runs(pieces: &[Piece], ctx: &LetterContext, bold: bool) -> Vec<Run> {
    let mut flat: Vec<&Piece> = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Cond(key, inner) => {
                if ctx.has(key) {
                    flat.extend(inner);
                }
            }
            other => flat.push(other),
        }
    }
    let mut out: Vec<Run> = Vec::new();
    for piece in flat {
        let run = match piece {
            Piece::Cond(..) => continue,
            Piece::Lit(s) => Run {
                text: s.clone(),
                bold,
                source_field: None,
            },
            Piece::Field(key) => Run {
                text: value(ctx, key),
                bold,
                source_field: Some(key.clone()),
            },
        };
        if run.text.is_empty() {
            continue;
        }
        // Adjacent literal runs merge; field runs stay separate so errors name them.
        match out.last_mut() {
            Some(last)
                if last.source_field.is_none()
                    && run.source_field.is_none()
                    && last.bold == run.bold =>
            {
                last.text.push_str(&run.text);
            }
            _ => out.push(run),
        }
    }
    out
}

/// One [`Text`] from runs (letterhead and signature lines hold a single text): it names the
/// fields it holds, comma-separated when there are several.
fn single_text(runs: &[Run]) -> Text {
    let fields: Vec<&str> = runs
        .iter()
        .filter_map(|r| r.source_field.as_deref())
        .collect();
    Text {
        text: runs.iter().map(|r| r.text.as_str()).collect(),
        source_field: (!fields.is_empty()).then(|| fields.join(", ")),
    }
}

fn fill_block(block: &TBlock, ctx: &LetterContext, done: &mut [Block]) -> Option<Block> {
    let indent = |level: u8| f32::from(level) * crate::layout::ITEM_LEVEL_INDENT_MM;
    Some(match &block.kind {
        TKind::Heading(text) => Block::Heading {
            text: single_text(&runs(text, ctx, true)),
        },
        TKind::Para {
            text,
            align,
            level,
            bold,
            space_before,
            space_after,
        } => Block::Paragraph(Paragraph {
            runs: runs(text, ctx, *bold),
            align: *align,
            marker: None,
            indent_left_mm: indent(*level),
            indent_first_mm: 0.0,
            space_before_mm: *space_before,
            space_after_mm: *space_after,
        }),
        TKind::Item {
            marker,
            level,
            text,
            space_after,
        } => Block::Paragraph(Paragraph {
            space_after_mm: *space_after,
            ..Paragraph::new(runs(text, ctx, false)).item(marker.clone(), *level)
        }),
        TKind::Labelled { label, text, bold } => Block::Labelled {
            label: Text::plain(label.clone()),
            value: runs(text, ctx, false),
            bold: *bold,
        },
        TKind::Rule => Block::Rule,
        TKind::Spacer(mm) => Block::Spacer(*mm),
        TKind::PageBreak => Block::PageBreak,
        TKind::Signature(lines) => Block::Signature {
            lines: lines
                .iter()
                .map(|l| single_text(&runs(l, ctx, false)))
                .collect(),
        },
        TKind::End => {
            // Two spaces after the last text before the mark (rules and spacers skipped).
            let last = done
                .iter_mut()
                .rev()
                .find(|b| !matches!(b, Block::Rule | Block::Spacer(_) | Block::PageBreak));
            let target = match last {
                Some(Block::Paragraph(p)) if !p.runs.is_empty() => Some(&mut p.runs),
                Some(Block::Labelled { value, .. }) if !value.is_empty() => Some(value),
                _ => None,
            };
            match target {
                Some(runs) => {
                    runs.push(Run::plain(format!("  {END_MARK}")));
                    return None;
                }
                None => Block::Paragraph(
                    Paragraph::new(vec![Run::plain(END_MARK)]).aligned(Align::Left),
                ),
            }
        }
    })
}
