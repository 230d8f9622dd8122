//! Pagination and PDF output.
//!
//! Page geometry follows the margins the 행정업무운영 편람 gives for Korean official documents
//! (A4; top 30 mm, bottom 15 mm, left 20 mm, right 15 mm). Positions are absolute: every
//! line is its own text object placed with a text matrix.

use std::collections::BTreeSet;

use printpdf::{
    Color, FontEmbeddingMode, FontId, Greyscale, Line as PdfLine, LinePoint, Mm, Op, PaintMode,
    ParsedFont, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfParseErrorSeverity,
    PdfSaveOptions, Point, Polygon, PolygonRing, PrintpdfFontMeta, Pt, Rgb, TextItem, TextMatrix,
    WindingOrder,
};

use crate::RenderError;
use crate::fonts::{Face, Fonts};
use crate::layout::{Line, MM_PER_PT, layout_paragraph};
use crate::model::{Align, BarChart, Block, Document, Letterhead, Paragraph, Run, Table, Text};
use crate::subset::Subset;

/// Body text size in points.
pub const BODY_PT: f32 = 11.5;
/// Line height as a multiple of the font size.
pub const LINE_HEIGHT: f32 = 1.6;
const HEADING_PT: f32 = 16.0;
const LETTERHEAD_EMPHASIS_PT: f32 = 13.0;
const LETTERHEAD_PT: f32 = 9.0;
const LETTERHEAD_LINE_HEIGHT: f32 = 1.45;
const FOOTER_PT: f32 = 9.0;
/// Text size in tables and charts.
const TABLE_PT: f32 = 9.5;
/// Bar fills (RGB 0–1): a blue, a teal and a slate that stay apart in greyscale print.
const BAR_COLOURS: [(f32, f32, f32); 3] =
    [(0.16, 0.38, 0.62), (0.18, 0.55, 0.52), (0.40, 0.44, 0.50)];
const WATERMARK_PT: f32 = 66.0;
const WATERMARK_TEXT: &str = "DRAFT / 초안";
const WATERMARK_GREY: f32 = 0.84;

const PAGE_WIDTH_MM: f32 = 210.0;
const PAGE_HEIGHT_MM: f32 = 297.0;
/// Margins in mm: top, bottom, left, right.
pub const MARGINS_MM: [f32; 4] = [30.0, 15.0, 20.0, 15.0];
/// Baseline of the page number, from the bottom edge.
const FOOTER_BASELINE_MM: f32 = 8.0;

fn pt(mm: f32) -> f32 {
    mm / MM_PER_PT
}

fn page_width() -> f32 {
    pt(PAGE_WIDTH_MM)
}

fn page_height() -> f32 {
    pt(PAGE_HEIGHT_MM)
}

fn left() -> f32 {
    pt(MARGINS_MM[2])
}

fn content_width() -> f32 {
    pt(PAGE_WIDTH_MM - MARGINS_MM[2] - MARGINS_MM[3])
}

/// Renders `doc` to PDF bytes. Every character is checked against the fonts first; the
/// same document always gives the same bytes.
pub fn render(doc: &Document, fonts: &Fonts) -> Result<Vec<u8>, RenderError> {
    check_coverage(doc, fonts)?;
    let ids = font_ids(&doc.meta.document_id);
    let mut composer = Composer::new(fonts, ids.clone());
    if let Some(letterhead) = &doc.letterhead {
        composer.letterhead(letterhead)?;
    }
    for (i, block) in doc.blocks.iter().enumerate() {
        if matches!(block, Block::Signature { .. }) {
            let closing = closing_from(&doc.blocks[i..]);
            composer.keep_together(closing, ids.clone())?;
        }
        composer.block(block)?;
    }
    let (pages, chars) = composer.finish(doc.draft)?;
    serialize(doc, fonts, ids, pages, chars)
}

/// The closing that starts at `blocks[0]` (a signature): the blocks after it that a 결문
/// is made of (시행/접수 and 담당 lines, rules, the left-aligned foot lines), up to the
/// first block of another kind (a page break, a heading, the next page's text).
fn closing_from(blocks: &[Block]) -> &[Block] {
    let end = blocks
        .iter()
        .skip(1)
        .position(|b| {
            !matches!(
                b,
                Block::Rule
                    | Block::Spacer(_)
                    | Block::Labelled { .. }
                    | Block::Paragraph(Paragraph {
                        marker: None,
                        align: Align::Left,
                        ..
                    })
            )
        })
        .map_or(blocks.len(), |p| p + 1);
    &blocks[..end]
}

/// Checks that every character of `doc` is covered by an embedded font, in document
/// order, and names the first one that is not with the field it came from.
pub fn check_coverage(doc: &Document, fonts: &Fonts) -> Result<(), RenderError> {
    let check = |text: &str, bold: bool, field: Option<&str>| -> Result<(), RenderError> {
        for ch in text.chars() {
            if matches!(ch, '\n' | '\t' | ' ') {
                continue;
            }
            if ch.is_control() || fonts.face_for(ch, bold).is_none() {
                return Err(RenderError::uncovered(ch, field));
            }
        }
        Ok(())
    };
    let check_text = |t: &Text, bold| check(&t.text, bold, t.source_field.as_deref());
    let check_runs = |runs: &[Run], bold: bool| {
        runs.iter()
            .try_for_each(|r| check(&r.text, r.bold || bold, r.source_field.as_deref()))
    };
    if let Some(letterhead) = &doc.letterhead {
        for line in &letterhead.lines {
            check_text(&line.text, line.emphasis)?;
        }
    }
    for block in &doc.blocks {
        match block {
            Block::Heading { text } => check_text(text, true)?,
            Block::Paragraph(p) => {
                if let Some(marker) = &p.marker {
                    check_text(marker, false)?;
                }
                check_runs(&p.runs, false)?;
            }
            Block::Labelled { label, value, bold } => {
                check_text(label, *bold)?;
                check_runs(value, *bold)?;
            }
            Block::List { label, items } => {
                check_text(label, false)?;
                for item in items {
                    check_runs(item, false)?;
                }
            }
            Block::Signature { lines } => {
                for (i, line) in lines.iter().enumerate() {
                    check_text(line, i == 0)?;
                }
            }
            Block::Table(t) => {
                for cell in &t.header {
                    check_text(cell, true)?;
                }
                for cell in t.rows.iter().flatten() {
                    check_text(cell, false)?;
                }
            }
            Block::BarChart(c) => {
                check_text(&c.title, true)?;
                for (label, _) in &c.bars {
                    check_text(label, false)?;
                }
                for value in &c.value_labels {
                    check_text(value, false)?;
                }
            }
            Block::Rule | Block::Spacer(_) | Block::PageBreak => {}
        }
    }
    Ok(())
}

/// The most a justified line stretches each space, in em; beyond it the line is set left.
const MAX_JUSTIFY_STRETCH_EM: f32 = 0.6;

/// The characters drawn in each face, indexed by [`Face::index`].
type CharsPerFace = [BTreeSet<char>; 4];

/// Places blocks on pages, top to bottom. `y` is measured from the top edge, in points.
struct Composer<'f> {
    fonts: &'f Fonts,
    painter: Painter,
    pages: Vec<Vec<Op>>,
    y: f32,
    /// Nothing placed on the current page yet: vertical space is dropped here.
    at_top: bool,
}

impl<'f> Composer<'f> {
    fn new(fonts: &'f Fonts, font_ids: [FontId; 4]) -> Self {
        Self {
            fonts,
            painter: Painter {
                font_ids,
                chars: Default::default(),
            },
            pages: vec![Vec::with_capacity(512)],
            y: pt(MARGINS_MM[0]),
            at_top: true,
        }
    }

    fn bottom(&self) -> f32 {
        page_height() - pt(MARGINS_MM[1])
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::with_capacity(512));
        self.y = pt(MARGINS_MM[0]);
        self.at_top = true;
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        current_page(&mut self.pages)
    }

    fn space(&mut self, mm: f32) {
        if !self.at_top {
            self.y += pt(mm);
        }
    }

    /// Starts a new page unless `height` points still fit on this one.
    fn ensure(&mut self, height: f32) {
        if !self.at_top && self.y + height > self.bottom() + 0.01 {
            self.new_page();
        }
    }

    /// Starts a new page unless `blocks` fit on this one whole, so a letter's closing (the
    /// 결문: sender, 시행/접수, 담당, the foot lines) never breaks across pages. A group
    /// taller than a page is placed as it comes.
    fn keep_together(&mut self, blocks: &[Block], ids: [FontId; 4]) -> Result<(), RenderError> {
        let mut trial = Composer::new(self.fonts, ids);
        trial.at_top = false;
        let start = trial.y;
        for block in blocks {
            trial.block(block)?;
        }
        if trial.pages.len() == 1 {
            self.ensure(trial.y - start);
        }
        Ok(())
    }

    fn lines_fitting(&self, line_height: f32) -> usize {
        ((self.bottom() + 0.01 - self.y) / line_height).max(0.0) as usize
    }

    fn block(&mut self, block: &Block) -> Result<(), RenderError> {
        match block {
            Block::Heading { text } => {
                self.space(3.0);
                let runs = [Run {
                    text: text.text.clone(),
                    bold: true,
                    source_field: text.source_field.clone(),
                }];
                let lines = layout_paragraph(
                    &runs,
                    self.fonts,
                    HEADING_PT,
                    content_width(),
                    content_width(),
                )?;
                self.place_lines(&lines, HEADING_PT, 1.4, Align::Center, left(), left(), None);
                self.space(4.0);
            }
            Block::Paragraph(p) => self.paragraph(p)?,
            Block::Labelled { label, value, bold } => self.labelled(label, value, *bold)?,
            Block::List { label, items } => self.list(label, items)?,
            Block::Rule => {
                self.space(1.5);
                self.ensure(pt(1.5));
                let y = self.y;
                self.rule(y, 0.6);
                self.at_top = false;
                self.y += pt(2.5);
            }
            Block::Spacer(mm) => self.space(*mm),
            Block::PageBreak => {
                if !self.at_top {
                    self.new_page();
                }
            }
            Block::Signature { lines } => self.signature(lines)?,
            Block::Table(t) => self.table(t)?,
            Block::BarChart(c) => self.bar_chart(c)?,
        }
        Ok(())
    }

    /// One line of `text` laid out in `width` at `size`.
    fn cell_lines(
        &self,
        text: &Text,
        bold: bool,
        size: f32,
        width: f32,
    ) -> Result<Vec<Line>, RenderError> {
        let runs = [Run {
            text: text.text.clone(),
            bold,
            source_field: text.source_field.clone(),
        }];
        layout_paragraph(&runs, self.fonts, size, width, width)
    }

    fn table(&mut self, t: &Table) -> Result<(), RenderError> {
        self.space(2.0);
        let total: f32 = t.widths.iter().sum::<f32>().max(f32::EPSILON);
        let widths: Vec<f32> = t
            .widths
            .iter()
            .map(|w| w / total * content_width())
            .collect();
        let pad = pt(1.2);
        let line_height = TABLE_PT * 1.35;
        let rows = std::iter::once((&t.header, true)).chain(t.rows.iter().map(|r| (r, false)));
        for (row, bold) in rows {
            let mut laid = Vec::with_capacity(row.len());
            for (i, cell) in row.iter().enumerate() {
                let w = widths.get(i).copied().unwrap_or(0.0) - 2.0 * pad;
                laid.push(self.cell_lines(cell, bold, TABLE_PT, w.max(1.0))?);
            }
            let height = laid.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * line_height
                + 2.0 * pad;
            self.ensure(height);
            let top = self.y;
            let mut x = left();
            for (i, lines) in laid.iter().enumerate() {
                let w = widths.get(i).copied().unwrap_or(0.0);
                let align = if t.numeric.get(i).copied().unwrap_or(false) {
                    Align::Right
                } else {
                    Align::Left
                };
                for (k, line) in lines.iter().enumerate() {
                    let baseline =
                        top + pad + k as f32 * line_height + line_height / 2.0 + 0.34 * TABLE_PT;
                    let ops = current_page(&mut self.pages);
                    self.painter
                        .line(ops, line, x + pad, baseline, TABLE_PT, w - 2.0 * pad, align);
                }
                x += w;
            }
            self.y = top + height;
            self.at_top = false;
            let y = self.y;
            self.rule(y, if bold { 0.8 } else { 0.3 });
        }
        self.y += pt(3.0);
        Ok(())
    }

    fn bar_chart(&mut self, c: &BarChart) -> Result<(), RenderError> {
        self.space(3.0);
        let title = self.cell_lines(&c.title, true, BODY_PT, content_width())?;
        let bar_height = pt(4.2);
        let gap = pt(1.6);
        let height =
            title.len() as f32 * BODY_PT * LINE_HEIGHT + c.bars.len() as f32 * (bar_height + gap);
        // A chart stays on one page when it fits on one.
        self.ensure(height.min(self.bottom() - pt(MARGINS_MM[0])));
        self.place_lines(
            &title,
            BODY_PT,
            LINE_HEIGHT,
            Align::Left,
            left(),
            left(),
            None,
        );
        let label_width = content_width() * 0.34;
        let value_width = content_width() * 0.16;
        let bar_x = left() + label_width + pt(2.0);
        let bar_max = content_width() - label_width - value_width - pt(4.0);
        let max = c.bars.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max);
        for (i, (label, value)) in c.bars.iter().enumerate() {
            self.ensure(bar_height + gap);
            let top = self.y;
            let baseline = top + bar_height / 2.0 + 0.34 * TABLE_PT;
            if let Some(line) = self
                .cell_lines(label, false, TABLE_PT, label_width)?
                .first()
            {
                let ops = current_page(&mut self.pages);
                self.painter.line(
                    ops,
                    line,
                    left(),
                    baseline,
                    TABLE_PT,
                    label_width,
                    Align::Right,
                );
            }
            let length = if max > 0.0 {
                (value / max) as f32 * bar_max
            } else {
                0.0
            };
            let (x0, x1) = (bar_x, bar_x + length.max(0.0));
            let (y0, y1) = (page_height() - top, page_height() - top - bar_height);
            let point = |x: f32, y: f32| LinePoint {
                p: Point { x: Pt(x), y: Pt(y) },
                bezier: false,
            };
            let polygon = Polygon {
                rings: vec![PolygonRing {
                    points: vec![point(x0, y0), point(x1, y0), point(x1, y1), point(x0, y1)],
                }],
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            };
            let shade = BAR_COLOURS[i % BAR_COLOURS.len()];
            self.ops().extend([
                Op::SaveGraphicsState,
                Op::SetFillColor {
                    col: Color::Rgb(Rgb {
                        r: shade.0,
                        g: shade.1,
                        b: shade.2,
                        icc_profile: None,
                    }),
                },
                Op::DrawPolygon { polygon },
                Op::RestoreGraphicsState,
            ]);
            if let Some(text) = c.value_labels.get(i)
                && let Some(line) = self.cell_lines(text, false, TABLE_PT, value_width)?.first()
            {
                let ops = current_page(&mut self.pages);
                self.painter.line(
                    ops,
                    line,
                    x1 + pt(1.5),
                    baseline,
                    TABLE_PT,
                    value_width,
                    Align::Left,
                );
            }
            self.y = top + bar_height + gap;
            self.at_top = false;
        }
        self.y += pt(2.0);
        Ok(())
    }

    fn letterhead(&mut self, letterhead: &Letterhead) -> Result<(), RenderError> {
        for line in &letterhead.lines {
            let size = if line.emphasis {
                LETTERHEAD_EMPHASIS_PT
            } else {
                LETTERHEAD_PT
            };
            let runs = [Run {
                text: line.text.text.clone(),
                bold: line.emphasis,
                source_field: line.text.source_field.clone(),
            }];
            let lines =
                layout_paragraph(&runs, self.fonts, size, content_width(), content_width())?;
            self.place_lines(
                &lines,
                size,
                LETTERHEAD_LINE_HEIGHT,
                Align::Center,
                left(),
                left(),
                None,
            );
        }
        self.y += pt(1.5);
        let y = self.y;
        self.rule(y, 1.2);
        self.rule(y + pt(0.9), 0.4);
        self.at_top = false;
        self.y += pt(7.0);
        Ok(())
    }

    fn paragraph(&mut self, p: &Paragraph) -> Result<(), RenderError> {
        self.space(p.space_before_mm);
        let indent = pt(p.indent_left_mm);
        let (marker, first_x, rest_x) = match &p.marker {
            Some(marker) => {
                let runs = [Run {
                    text: marker.text.clone(),
                    bold: false,
                    source_field: marker.source_field.clone(),
                }];
                let lines =
                    layout_paragraph(&runs, self.fonts, BODY_PT, content_width(), f32::MAX)?;
                let width = lines.first().map_or(0.0, |l| l.width_pt);
                let gap = self.fonts.advance_pt(Face::HangulRegular, ' ', BODY_PT);
                let text_x = left() + indent + width + gap;
                (lines.into_iter().next(), text_x, text_x)
            }
            None => (
                None,
                left() + indent + pt(p.indent_first_mm),
                left() + indent,
            ),
        };
        let right = left() + content_width();
        let lines = layout_paragraph(
            &p.runs,
            self.fonts,
            BODY_PT,
            right - first_x,
            right - rest_x,
        )?;
        let marker = marker.map(|m| (m, left() + indent));
        self.place_lines(
            &lines,
            BODY_PT,
            LINE_HEIGHT,
            p.align,
            first_x,
            rest_x,
            marker,
        );
        self.y += pt(p.space_after_mm);
        Ok(())
    }

    fn list(&mut self, label: &Text, items: &[Vec<Run>]) -> Result<(), RenderError> {
        let label_runs = [Run {
            text: label.text.clone(),
            bold: false,
            source_field: label.source_field.clone(),
        }];
        let label_lines = layout_paragraph(&label_runs, self.fonts, BODY_PT, f32::MAX, f32::MAX)?;
        let label_width = label_lines.first().map_or(0.0, |l| l.width_pt);
        let gap = 2.0 * self.fonts.advance_pt(Face::HangulRegular, ' ', BODY_PT);
        let value_x = left() + label_width + gap;
        let width = left() + content_width() - value_x;
        let mut marker = label_lines.into_iter().next().map(|l| (l, left()));
        for item in items {
            let lines = layout_paragraph(item, self.fonts, BODY_PT, width, width)?;
            self.place_lines(
                &lines,
                BODY_PT,
                LINE_HEIGHT,
                Align::Left,
                value_x,
                value_x,
                marker.take(),
            );
        }
        self.y += pt(1.0);
        Ok(())
    }

    fn labelled(&mut self, label: &Text, value: &[Run], bold: bool) -> Result<(), RenderError> {
        let label_runs = [Run {
            text: label.text.clone(),
            bold,
            source_field: label.source_field.clone(),
        }];
        let label_lines = layout_paragraph(&label_runs, self.fonts, BODY_PT, f32::MAX, f32::MAX)?;
        let label_width = label_lines.first().map_or(0.0, |l| l.width_pt);
        let gap = 2.0 * self.fonts.advance_pt(Face::HangulRegular, ' ', BODY_PT);
        let value_x = left() + label_width + gap;
        let value: Vec<Run> = value
            .iter()
            .map(|r| Run {
                bold: r.bold || bold,
                ..r.clone()
            })
            .collect();
        let width = left() + content_width() - value_x;
        let lines = layout_paragraph(&value, self.fonts, BODY_PT, width, width)?;
        let marker = label_lines.into_iter().next().map(|l| (l, left()));
        self.place_lines(
            &lines,
            BODY_PT,
            LINE_HEIGHT,
            Align::Left,
            value_x,
            value_x,
            marker,
        );
        self.y += pt(1.0);
        Ok(())
    }

    fn signature(&mut self, lines: &[Text]) -> Result<(), RenderError> {
        self.space(10.0);
        let mut laid = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let runs = [Run {
                text: line.text.clone(),
                bold: i == 0,
                source_field: line.source_field.clone(),
            }];
            laid.extend(layout_paragraph(
                &runs,
                self.fonts,
                BODY_PT,
                content_width(),
                content_width(),
            )?);
        }
        // Kept together: a signature never starts at the foot of one page and ends on the next.
        self.ensure(laid.len() as f32 * BODY_PT * LINE_HEIGHT);
        self.place_lines(
            &laid,
            BODY_PT,
            LINE_HEIGHT,
            Align::Right,
            left(),
            left(),
            None,
        );
        Ok(())
    }

    /// Places lines top to bottom, moving to a new page when one does not fit, without
    /// leaving the first line of a paragraph alone at the foot of a page or its last line
    /// alone at the top of the next. `marker` is drawn at its x on the first line's baseline.
    #[allow(clippy::too_many_arguments)]
    fn place_lines(
        &mut self,
        lines: &[Line],
        size: f32,
        line_height_factor: f32,
        align: Align,
        first_x: f32,
        rest_x: f32,
        marker: Option<(Line, f32)>,
    ) {
        let line_height = size * line_height_factor;
        let right = left() + content_width();
        let n = lines.len();
        for (i, line) in lines.iter().enumerate() {
            let fitting = self.lines_fitting(line_height);
            let orphan = i == 0 && n >= 2 && fitting == 1;
            let widow = n >= 3 && i == n - 2 && fitting == 1;
            if !self.at_top && (fitting == 0 || orphan || widow) {
                self.new_page();
            }
            let baseline = self.y + line_height / 2.0 + 0.34 * size;
            let x = if i == 0 { first_x } else { rest_x };
            let ops = current_page(&mut self.pages);
            if i == 0
                && let Some((m, mx)) = &marker
            {
                self.painter
                    .line(ops, m, *mx, baseline, size, f32::MAX, Align::Left);
            }
            self.painter
                .line(ops, line, x, baseline, size, right - x, align);
            self.y += line_height;
            self.at_top = false;
        }
    }

    /// A full-width horizontal line at `y` (from the top edge), `thickness` points.
    fn rule(&mut self, y: f32, thickness: f32) {
        let y = page_height() - y;
        let point = |x: f32| LinePoint {
            p: Point { x: Pt(x), y: Pt(y) },
            bezier: false,
        };
        let line = PdfLine {
            points: vec![point(left()), point(left() + content_width())],
            is_closed: false,
        };
        self.ops().extend([
            Op::SaveGraphicsState,
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine { line },
            Op::RestoreGraphicsState,
        ]);
    }

    /// Adds page numbers (when there is more than one page) and the draft mark.
    fn finish(mut self, draft: bool) -> Result<(Vec<Vec<Op>>, CharsPerFace), RenderError> {
        if self.pages.len() > 1 && self.at_top && self.ops().is_empty() {
            self.pages.pop();
        }
        let count = self.pages.len();
        let watermark = if draft {
            let mark = [Run::bold(WATERMARK_TEXT)];
            layout_paragraph(&mark, self.fonts, WATERMARK_PT, f32::MAX, f32::MAX)?
                .into_iter()
                .next()
        } else {
            None
        };
        let mut pages = std::mem::take(&mut self.pages);
        for (i, page) in pages.iter_mut().enumerate() {
            let mut ops = Vec::with_capacity(page.len() + 32);
            if let Some(mark) = &watermark {
                self.painter.watermark(&mut ops, mark);
            }
            ops.append(page);
            if count > 1 {
                let number = [Run::plain(format!("- {} -", i + 1))];
                let line = layout_paragraph(&number, self.fonts, FOOTER_PT, f32::MAX, f32::MAX)?;
                let baseline = page_height() - pt(FOOTER_BASELINE_MM);
                for l in &line {
                    let (x, w) = (left(), content_width());
                    self.painter
                        .line(&mut ops, l, x, baseline, FOOTER_PT, w, Align::Center);
                }
            }
            *page = ops;
        }
        Ok((pages, self.painter.chars))
    }
}

fn current_page(pages: &mut [Vec<Op>]) -> &mut Vec<Op> {
    pages.last_mut().expect("there is always a page")
}

/// Turns laid-out lines into text operations, and records which faces it used.
struct Painter {
    font_ids: [FontId; 4],
    /// The characters drawn in each face: what its embedded subset must contain.
    chars: CharsPerFace,
}

impl Painter {
    /// Draws one line as its own text object; `baseline` is measured from the top edge.
    #[allow(clippy::too_many_arguments)]
    fn line(
        &mut self,
        out: &mut Vec<Op>,
        line: &Line,
        x: f32,
        baseline: f32,
        size: f32,
        avail: f32,
        align: Align,
    ) {
        if line.chunks.is_empty() {
            return;
        }
        let slack = (avail - line.width_pt).max(0.0);
        let spaces = line.stretchable_spaces();
        let (mut pen, extra) = match align {
            // A line broken early by a long unbreakable word (a name with its Hangul form in
            // parentheses) would be stretched into gaps wider than a word: set it left.
            Align::Justify
                if !line.ends_paragraph
                    && spaces > 0
                    && slack / spaces as f32 <= MAX_JUSTIFY_STRETCH_EM * size =>
            {
                (x, slack / spaces as f32)
            }
            Align::Justify | Align::Left => (x, 0.0),
            Align::Center => (x + slack / 2.0, 0.0),
            Align::Right => (x + slack, 0.0),
        };
        let y = page_height() - baseline;
        let mut ops = Vec::with_capacity(line.chunks.len() * 2 + 4);
        ops.push(Op::StartTextSection);
        let mut current: Option<Face> = None;
        let mut items: Vec<TextItem> = Vec::new();
        // Trailing spaces are never drawn.
        let last_visible = line.chunks.iter().rposition(|c| !c.is_space).unwrap_or(0);
        for chunk in &line.chunks[..=last_visible] {
            if current != Some(chunk.face) {
                if !items.is_empty() {
                    ops.push(Op::ShowText {
                        items: std::mem::take(&mut items),
                    });
                }
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(self.font_ids[chunk.face.index()].clone()),
                    size: Pt(size),
                });
                ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(Pt(pen), Pt(y)),
                });
                current = Some(chunk.face);
            }
            self.chars[chunk.face.index()].extend(chunk.text.chars());
            items.push(TextItem::Text(chunk.text.clone()));
            pen += chunk.width_pt;
            if chunk.is_space && extra > 0.0 {
                let room = extra * chunk.text.chars().count() as f32;
                items.push(TextItem::Offset(-room * 1000.0 / size));
                pen += room;
            }
        }
        if !items.is_empty() {
            ops.push(Op::ShowText { items });
        }
        ops.push(Op::EndTextSection);
        out.extend(ops);
    }

    /// The draft mark: light grey text along the page's diagonal, under the content.
    fn watermark(&mut self, ops: &mut Vec<Op>, mark: &Line) {
        let (w, h) = (page_width(), page_height());
        let angle = h.atan2(w);
        let (sin, cos) = angle.sin_cos();
        // Centre the line on the page: back off half its length along the baseline and
        // drop the baseline by about half the capital height.
        let drop = 0.35 * WATERMARK_PT;
        let mut x = w / 2.0 - cos * mark.width_pt / 2.0 + sin * drop;
        let mut y = h / 2.0 - sin * mark.width_pt / 2.0 - cos * drop;
        ops.push(Op::SaveGraphicsState);
        ops.push(Op::SetFillColor {
            col: Color::Greyscale(Greyscale::new(WATERMARK_GREY, None)),
        });
        ops.push(Op::StartTextSection);
        for chunk in &mark.chunks {
            self.chars[chunk.face.index()].extend(chunk.text.chars());
            ops.push(Op::SetFont {
                font: PdfFontHandle::External(self.font_ids[chunk.face.index()].clone()),
                size: Pt(WATERMARK_PT),
            });
            ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Raw([cos, sin, -sin, cos, x, y]),
            });
            ops.push(Op::ShowText {
                items: vec![TextItem::Text(chunk.text.clone())],
            });
            x += cos * chunk.width_pt;
            y += sin * chunk.width_pt;
        }
        ops.push(Op::EndTextSection);
        ops.push(Op::RestoreGraphicsState);
    }
}

/// Resource names of the four faces for one document. The first six letters double as the
/// subset tag (`ABCDEF+NanumMyeongjo`), so they are upper-case letters, and derived from the
/// document id: fixed for a document, different between documents.
fn font_ids(document_id: &[u8; 16]) -> [FontId; 4] {
    std::array::from_fn(|i| {
        // FNV-1a over the id and the face number.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in document_id.iter().chain(std::iter::once(&(i as u8))) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        let tag: String = (0..6)
            .map(|k| char::from(b'A' + ((hash >> (k * 8)) % 26) as u8))
            .collect();
        FontId(tag)
    })
}

/// Builds the PDF with fixed ids and dates and serialises it.
fn serialize(
    doc: &Document,
    fonts: &Fonts,
    font_ids: [FontId; 4],
    pages: Vec<Vec<Op>>,
    chars: CharsPerFace,
) -> Result<Vec<u8>, RenderError> {
    let mut pdf = PdfDocument::new(&doc.meta.title);
    let date =
        printpdf::OffsetDateTime::from_unix_timestamp(doc.meta.date.days_since_epoch() * 86_400)
            .map_err(|e| RenderError::Pdf(e.to_string()))?;
    let info = &mut pdf.metadata.info;
    info.author = doc.meta.author.clone();
    info.creator = "Qorgau".into();
    info.producer = "qorgau-letters (printpdf 0.12)".into();
    info.identifier = hex(&doc.meta.document_id);
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;
    // Font programs to put in place of their metrics-only twins once printpdf is done.
    let mut programs: Vec<Subset> = Vec::new();
    for (i, face) in Face::ALL.into_iter().enumerate() {
        if !chars[i].is_empty() {
            let font = match embedded_subset(fonts, face, &chars[i], &font_ids[i]) {
                Some((font, subset)) => {
                    programs.push(subset);
                    font
                }
                None => PdfFont::new(fonts.parsed(face).clone()),
            };
            pdf.resources.fonts.map.insert(font_ids[i].clone(), font);
        }
    }
    pdf.pages = pages
        .into_iter()
        .map(|ops| PdfPage::new(Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM), ops))
        .collect();
    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = pdf.to_lopdf_document(&opts, &mut warnings);
    if let Some(w) = warnings
        .iter()
        .find(|w| w.severity == PdfParseErrorSeverity::Error)
    {
        return Err(RenderError::Pdf(w.msg.clone()));
    }
    // printpdf writes a random file id; the id of a letter is fixed.
    let id = lopdf::Object::String(
        doc.meta.document_id.to_vec(),
        lopdf::StringFormat::Hexadecimal,
    );
    lo.trailer
        .set("ID", lopdf::Object::Array(vec![id.clone(), id]));
    drop_pdfx_marker(&mut lo);
    put_font_programs(&mut lo, programs)?;
    compress_streams(&mut lo);
    let mut bytes = Vec::with_capacity(96 * 1024);
    lo.save_to(&mut bytes)
        .map_err(|e| RenderError::Pdf(e.to_string()))?;
    Ok(bytes)
}

/// The subset of `face` with `chars`, ready to embed as it is, named `TAG+Name` as subsets
/// are: printpdf gets its metrics-only twin, and the subset itself to put in its place.
/// `None` if this crate's subsetter cannot handle the face; printpdf subsets it then.
fn embedded_subset(
    fonts: &Fonts,
    face: Face,
    chars: &BTreeSet<char>,
    id: &FontId,
) -> Option<(PdfFont, Subset)> {
    let original = fonts.parsed(face);
    let mapping: Vec<(char, u16)> = chars
        .iter()
        .chain(std::iter::once(&' '))
        .filter_map(|&ch| Some((ch, fonts.glyph(face, ch)?.0)))
        .collect();
    let subset = fonts.sfnt(face)?.subset(&mapping)?;
    let mut warnings = Vec::new();
    let mut parsed = ParsedFont::from_bytes(&subset.metrics_only, 0, &mut warnings)?;
    let name = original
        .font_name
        .clone()
        .unwrap_or_else(|| format!("{face:?}"));
    parsed.font_name = Some(format!("{}+{name}", id.0));
    let meta = PrintpdfFontMeta {
        embedding_mode: FontEmbeddingMode::Full,
        requires_subsetting: false,
        ..PrintpdfFontMeta::default()
    };
    Some((PdfFont::with_meta(parsed, meta), subset))
}

/// Replaces each embedded metrics-only twin with its real font program. Every twin must be
/// found exactly once: a letter whose glyphs had no outlines would print blank.
fn put_font_programs(lo: &mut lopdf::Document, programs: Vec<Subset>) -> Result<(), RenderError> {
    for program in programs {
        let mut found = 0;
        for object in lo.objects.values_mut() {
            if let lopdf::Object::Stream(stream) = object
                && stream.content == program.metrics_only
            {
                stream.dict.set("Length1", program.font.len() as i64);
                stream.set_content(program.font.clone());
                found += 1;
            }
        }
        if found != 1 {
            return Err(RenderError::Pdf(format!(
                "expected one embedded font program to replace, found {found}"
            )));
        }
    }
    Ok(())
}

/// printpdf writes an empty `/GTS_PDFXVersion` into the info dictionary, which makes readers
/// report the file as PDF/X. It is not.
fn drop_pdfx_marker(lo: &mut lopdf::Document) {
    let info = lo
        .trailer
        .get(b"Info")
        .and_then(lopdf::Object::as_reference)
        .ok();
    if let Some(Ok(lopdf::Object::Dictionary(dict))) = info.map(|id| lo.get_object_mut(id)) {
        dict.remove(b"GTS_PDFXVersion");
    }
}

/// Deflates every stream. lopdf's own `compress` uses the slowest level, which took half of
/// the render time. With hinting stripped from the subsets the fastest level is enough: a
/// one-page letter is about 56 KB with zlib-rs's level 1. (A 4 KB window instead of 32 KB
/// made files 7% larger and saved nothing: resetting clears the hash table either way.)
fn compress_streams(lo: &mut lopdf::Document) {
    const LEVEL: u32 = 1;
    // One compressor for every stream, reset between them: creating one per stream cost a
    // tenth of a render with miniz_oxide.
    let mut deflate = flate2::Compress::new(flate2::Compression::new(LEVEL), true);
    for object in lo.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        deflate.reset();
        if let Some(compressed) = deflate_all(&mut deflate, &stream.content)
            && compressed.len() + 19 < stream.content.len()
        {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(compressed);
        }
    }
}

/// Deflates `input` whole (zlib format) with a freshly reset compressor.
fn deflate_all(deflate: &mut flate2::Compress, input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() / 2 + 64);
    loop {
        let consumed = usize::try_from(deflate.total_in()).ok()?;
        let status = deflate
            .compress_vec(&input[consumed..], &mut out, flate2::FlushCompress::Finish)
            .ok()?;
        match status {
            flate2::Status::StreamEnd => return Some(out),
            flate2::Status::Ok | flate2::Status::BufError => {
                out.reserve(out.capacity().max(1024));
            }
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_face_is_subset_by_this_crate_with_the_original_advances() {
        let fonts = Fonts::embedded();
        let chars: BTreeSet<char> = "가힣 Әә Ққ Ұұ Іі Ёё Ab1.-(".chars().collect();
        let id = FontId("ABCDEF".into());
        for face in Face::ALL {
            let covered: BTreeSet<char> = chars
                .iter()
                .copied()
                .filter(|&c| fonts.covers(face, c))
                .collect();
            let (font, subset) = embedded_subset(fonts, face, &covered, &id)
                .unwrap_or_else(|| panic!("{face:?} fell back to printpdf's subsetting"));
            let parsed = &font.parsed_font;
            // The real program has the twin's glyphs, with outlines.
            let real = ParsedFont::from_bytes(&subset.font, 0, &mut Vec::new()).expect("parses");
            assert_eq!(real.num_glyphs, parsed.num_glyphs);
            assert!(subset.font.len() > subset.metrics_only.len() + 1000);
            assert!(
                parsed
                    .font_name
                    .as_deref()
                    .is_some_and(|n| n.starts_with("ABCDEF+"))
            );
            assert!(usize::from(parsed.num_glyphs) <= covered.len() + 8);
            let original = fonts.parsed(face);
            for &ch in &covered {
                let new = parsed
                    .lookup_glyph_index(ch as u32)
                    .expect("mapped in the subset");
                let old = original.lookup_glyph_index(ch as u32).expect("mapped");
                assert_eq!(
                    parsed.get_horizontal_advance(new),
                    original.get_horizontal_advance(old),
                    "{face:?} {ch:?}"
                );
                assert_eq!(real.lookup_glyph_index(ch as u32), Some(new));
                assert_eq!(
                    real.get_horizontal_advance(new),
                    original.get_horizontal_advance(old)
                );
            }
        }
    }
}
