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
    /// The kind of recipient ([`RECIPIENT_KINDS`](crate::RECIPIENT_KINDS)) the letter goes
    /// to: which sensitive fields it may print ([`Template::may_print`]). `None`: only what
    /// every recipient of the template may see.
    pub recipient: Option<&'static str>,
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
    /// The [`SENSITIVE_KEYS`](crate::SENSITIVE_KEYS) this template prints to `recipient`:
    /// what its `[sensitive]` table lists for that kind; for an unknown or unnamed
    /// recipient, what every recipient kind of the template may see; for an employer,
    /// nothing.
    pub fn may_print(&self, recipient: Option<&str>) -> Vec<&str> {
        let listed = |kind: &str| -> Vec<&str> {
            if crate::template::NO_SENSITIVE_RECIPIENTS.contains(&kind) {
                return Vec::new();
            }
            self.info
                .sensitive
                .get(kind)
                .map(|f| f.iter().map(String::as_str).collect())
                .unwrap_or_default()
        };
        match recipient {
            Some(kind) if self.info.recipients.iter().any(|r| r == kind) => listed(kind),
            _ => {
                let mut common: Option<Vec<&str>> = None;
                for kind in &self.info.recipients {
                    let these = listed(kind);
                    common = Some(match common {
                        None => these,
                        Some(c) => c.into_iter().filter(|f| these.contains(f)).collect(),
                    });
                }
                common.unwrap_or_default()
            }
        }
    }

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
        let ctx = self.effective_context(ctx, options);
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
        let ctx = self.effective_context(ctx, options);
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
        let mut numbers = Numbering::default();
        let mut lists = OpenLists::default();
        for block in self.blocks.iter().filter(|b| applies(b, &ctx)) {
            if let Some(b) = fill_block(block, &ctx, &mut blocks, &mut numbers) {
                lists.before_push(block, &mut blocks);
                blocks.push(b);
            }
        }
        lists.close_all(&mut blocks);

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

impl Template {
    /// The context as the template sees it: no number on a draft, no sensitive field the
    /// recipient may not see, the computed keys added.
    fn effective_context(&self, ctx: &LetterContext, options: &FillOptions) -> LetterContext {
        let mut ctx = ctx.clone();
        let allowed = self.may_print(options.recipient);
        for key in crate::template::SENSITIVE_KEYS {
            if !allowed.contains(key) {
                ctx.remove(key);
            }
        }
        computed_context(ctx, options)
    }
}

/// `ctx` with the computed keys added, and no number on a draft.
fn computed_context(mut ctx: LetterContext, options: &FillOptions) -> LetterContext {
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
    let hangul = ctx.get("worker.hangul_name").map(str::to_owned);
    // Korean officials know a foreigner by the passport's Latin name (on the ARC and in
    // their systems); the Hangul transcription follows when recorded. Cyrillic only when
    // nothing else is known.
    let ko = match (&latin, &hangul, &cyrillic) {
        (Some(l), Some(h), _) => format!("{l}({h})"),
        (Some(l), None, _) => l.clone(),
        (None, Some(h), _) => h.clone(),
        (None, None, Some(c)) => c.clone(),
        (None, None, None) => String::new(),
    };
    let en = match (&latin, &cyrillic) {
        (Some(l), Some(c)) => format!("{l} ({c})"),
        (Some(one), None) | (None, Some(one)) => one.clone(),
        (None, None) => String::new(),
    };
    let consulate = ctx
        .get("mission.name_ko")
        .is_some_and(|n| n.contains("총영사관"))
        || ctx
            .get("mission.name_en")
            .is_some_and(|n| n.contains("Consulate"));
    let known = ctx.has("mission.name_ko") || ctx.has("mission.name_en");
    let (self_ko, self_en, self_en_start) = match (known, consulate) {
        (false, _) => ("", "", ""),
        (true, true) => (
            "우리 총영사관",
            "the Consulate General",
            "The Consulate General",
        ),
        (true, false) => ("우리 대사관", "the Embassy", "The Embassy"),
    };
    ctx.set("mission.self_ko", self_ko)
        .set("mission.self_en", self_en)
        .set("mission.self_en_start", self_en_start);
    ctx.set("worker.names_ko", ko);
    ctx.set("worker.names_en", en);
    for (from, to) in [
        ("case.amount_claimed_krw", "case.amount_claimed_ko"),
        ("case.amount_recovered_krw", "case.amount_recovered_ko"),
    ] {
        let words = ctx.get(from).and_then(crate::amount::korean_amount);
        ctx.set(to, words.unwrap_or_default());
    }
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
        keep_dates_together(v)
    }
}

/// Korean dates inside free text (`2026. 6. 1.부터`) get no-break spaces too: a space after
/// a full stop that follows digits and precedes a digit joins the date's parts.
fn keep_dates_together(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let joins = c == ' '
            && i >= 2
            && chars[i - 1] == '.'
            && chars[i - 2].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        out.push(if joins { '\u{a0}' } else { c });
    }
    out
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
            Piece::Particle(particle) => {
                // Agrees with the text just before it (`{field:은}`, or `…(전화 …){:으로}`
                // after a parenthesis); stays in that run.
                let before: String = out.iter().map(|r| r.text.as_str()).collect();
                if let Some(last) = out.last_mut() {
                    last.text.push_str(particle.after(&before));
                }
                continue;
            }
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

/// Item counters per level, reset below a new item, at a page break (the English page
/// starts again at 1.) and at a heading.
#[derive(Default)]
struct Numbering {
    counts: [usize; 8],
}

impl Numbering {
    fn next(&mut self, level: u8, korean: bool) -> String {
        let level = usize::from(level.min(7));
        self.counts[level] += 1;
        self.counts[level + 1..].iter_mut().for_each(|c| *c = 0);
        marker(level, self.counts[level], korean)
    }

    fn reset(&mut self) {
        self.counts = [0; 8];
    }
}

/// The 공문 item marker of the `n`th item (from 1) at `level`: 1. 가. 1) 가) (1) (가) ① ㉮
/// (after 하 comes 거, 너 …); English items 1. a) (i) (a).
pub(crate) fn marker(level: usize, n: usize, korean: bool) -> String {
    const GANADA: [char; 14] = [
        '가', '나', '다', '라', '마', '바', '사', '아', '자', '차', '카', '타', '파', '하',
    ];
    let hangul = |n: usize| {
        let i = (n - 1) % GANADA.len();
        let round = (n - 1) / GANADA.len();
        // 가 → 거 → 고 …: the same consonant with the vowels ㅏ ㅓ ㅗ ㅜ.
        let vowel_step = [0u32, 4, 8, 13][round.min(3)] * 28;
        char::from_u32(GANADA[i] as u32 + vowel_step).unwrap_or(GANADA[i])
    };
    let latin = |n: usize| char::from(b'a' + ((n - 1) % 26) as u8);
    if korean {
        match level {
            0 => format!("{n}."),
            1 => format!("{}.", hangul(n)),
            2 => format!("{n})"),
            3 => format!("{})", hangul(n)),
            4 => format!("({n})"),
            5 => format!("({})", hangul(n)),
            6 => {
                char::from_u32(0x2460 + (n as u32 - 1).min(19)).map_or(n.to_string(), String::from)
            }
            _ => {
                char::from_u32(0x326E + (n as u32 - 1).min(13)).map_or(n.to_string(), String::from)
            }
        }
    } else {
        match level {
            0 => format!("{n}."),
            1 => format!("{})", latin(n)),
            2 => format!("({})", roman(n)),
            _ => format!("({})", latin(n)),
        }
    }
}

/// The last item printed at each level of the lists still open, so the item that ends a
/// list ends with a full stop. English items of a run read "…;" each, and which of them comes
/// last depends on the optional items the case leaves out, so a template cannot write it.
#[derive(Default)]
struct OpenLists {
    /// (level, index in the blocks) of the latest item of each open level, lowest first.
    last_items: Vec<(u8, usize)>,
}

impl OpenLists {
    /// Called before `block`'s filled form is pushed at index `blocks.len()`.
    fn before_push(&mut self, block: &TBlock, blocks: &mut [Block]) {
        let TKind::Item { level, .. } = &block.kind else {
            if !matches!(block.kind, TKind::Spacer(_) | TKind::End) {
                self.close_all(blocks);
            }
            return;
        };
        while let Some(&(open, index)) = self.last_items.last() {
            if open < *level {
                break;
            }
            self.last_items.pop();
            if open > *level {
                end_with_full_stop(&mut blocks[index]);
            }
        }
        self.last_items.push((*level, blocks.len()));
    }

    fn close_all(&mut self, blocks: &mut [Block]) {
        for (_, index) in self.last_items.drain(..) {
            end_with_full_stop(&mut blocks[index]);
        }
    }
}

/// `…;` becomes `….`; any other ending is the template's own and stays.
fn end_with_full_stop(block: &mut Block) {
    let Block::Paragraph(p) = block else { return };
    let Some(last) = p.runs.iter_mut().rev().find(|r| !r.text.trim().is_empty()) else {
        return;
    };
    let trimmed = last.text.trim_end();
    if let Some(head) = trimmed.strip_suffix(';') {
        last.text = format!("{head}.");
    }
}

fn roman(n: usize) -> String {
    const R: [&str; 10] = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"];
    R.get(n - 1).map_or(n.to_string(), |r| (*r).to_owned())
}

fn fill_block(
    block: &TBlock,
    ctx: &LetterContext,
    done: &mut [Block],
    numbers: &mut Numbering,
) -> Option<Block> {
    let indent = |level: u8| f32::from(level) * crate::layout::ITEM_LEVEL_INDENT_MM;
    Some(match &block.kind {
        TKind::Heading(text) => {
            // A heading starts a new document section (the Russian half of a form): its
            // items are numbered from 1 again.
            numbers.reset();
            Block::Heading {
                text: single_text(&runs(text, ctx, true)),
            }
        }
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
            level,
            text,
            space_after,
            korean,
        } => {
            let text = runs(text, ctx, false);
            if text.is_empty() {
                return None;
            }
            Block::Paragraph(Paragraph {
                space_after_mm: *space_after,
                ..Paragraph::new(text).item(numbers.next(*level, *korean), *level)
            })
        }
        TKind::Enclosures { label, items } => {
            let mut entries: Vec<Vec<Run>> = Vec::new();
            for item in items {
                let item = runs(item, ctx, false);
                let text: String = item.iter().map(|r| r.text.as_str()).collect();
                let field = item.iter().find_map(|r| r.source_field.clone());
                for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    entries.push(vec![Run {
                        text: line.to_owned(),
                        bold: false,
                        source_field: field.clone(),
                    }]);
                }
            }
            if entries.is_empty() {
                return None;
            }
            if entries.len() > 1 {
                for (i, entry) in entries.iter_mut().enumerate() {
                    entry.insert(0, Run::plain(format!("{}. ", i + 1)));
                }
            }
            Block::List {
                label: Text::plain(label.clone()),
                items: entries,
            }
        }
        TKind::Labelled { label, text, bold } => Block::Labelled {
            label: Text::plain(label.clone()),
            value: runs(text, ctx, false),
            bold: *bold,
        },
        TKind::Rule => Block::Rule,
        TKind::Spacer(mm) => Block::Spacer(*mm),
        TKind::PageBreak => {
            numbers.reset();
            Block::PageBreak
        }
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
                Some(Block::List { items, .. }) => items.last_mut(),
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
