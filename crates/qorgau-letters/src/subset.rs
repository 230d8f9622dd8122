//! A small TrueType subsetter for embedding.
//!
//! printpdf's own subsetting (allsorts) re-reads the whole `glyf` table of the 4 MB Hangul
//! font on every render and keeps the hinting instructions, which are half of the glyph
//! bytes and which PDF viewers do not use. Here the table directory and `loca` are read
//! once per process; a subset copies only the used glyphs (and the components of composite
//! glyphs), drops their instructions, renumbers them from 1, and carries a `cmap` for
//! exactly the used characters. printpdf then embeds the result as it is.

use std::collections::BTreeMap;

/// An sfnt whose table directory and glyph offsets have been read.
pub(crate) struct Sfnt {
    bytes: &'static [u8],
    tables: BTreeMap<[u8; 4], (usize, usize)>,
    loca: Vec<usize>,
    num_h_metrics: usize,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

impl Sfnt {
    pub(crate) fn parse(bytes: &'static [u8]) -> Option<Sfnt> {
        let count = usize::from(u16_at(bytes, 4)?);
        let mut tables = BTreeMap::new();
        for i in 0..count {
            let rec = 12 + 16 * i;
            let tag: [u8; 4] = bytes.get(rec..rec + 4)?.try_into().ok()?;
            let offset = u32_at(bytes, rec + 8)? as usize;
            let length = u32_at(bytes, rec + 12)? as usize;
            bytes.get(offset..offset + length)?;
            tables.insert(tag, (offset, length));
        }
        let mut sfnt = Sfnt {
            bytes,
            tables,
            loca: Vec::new(),
            num_h_metrics: 0,
        };
        let head = sfnt.table(b"head")?;
        let long_offsets = u16_at(head, 50)? == 1;
        let num_glyphs = usize::from(u16_at(sfnt.table(b"maxp")?, 4)?);
        let loca = sfnt.table(b"loca")?;
        sfnt.loca = (0..=num_glyphs)
            .map(|i| {
                if long_offsets {
                    u32_at(loca, 4 * i).map(|o| o as usize)
                } else {
                    u16_at(loca, 2 * i).map(|o| usize::from(o) * 2)
                }
            })
            .collect::<Option<_>>()?;
        sfnt.num_h_metrics = usize::from(u16_at(sfnt.table(b"hhea")?, 34)?);
        sfnt.table(b"glyf")?;
        sfnt.table(b"hmtx")?;
        Some(sfnt)
    }

    fn table(&self, tag: &[u8; 4]) -> Option<&'static [u8]> {
        let &(offset, length) = self.tables.get(tag)?;
        self.bytes.get(offset..offset + length)
    }

    fn glyph(&self, gid: u16) -> &'static [u8] {
        let gid = usize::from(gid);
        let glyf = self.table(b"glyf").unwrap_or_default();
        match (self.loca.get(gid), self.loca.get(gid + 1)) {
            (Some(&a), Some(&b)) if a < b => glyf.get(a..b).unwrap_or_default(),
            _ => &[],
        }
    }

    /// Advance width and left side bearing, raw from `hmtx`.
    fn h_metric(&self, gid: u16) -> [u8; 4] {
        let hmtx = self.table(b"hmtx").unwrap_or_default();
        let gid = usize::from(gid);
        let n = self.num_h_metrics.max(1);
        let advance_at = 4 * gid.min(n - 1);
        let lsb_at = if gid < n {
            4 * gid + 2
        } else {
            4 * n + 2 * (gid - n)
        };
        let mut out = [0; 4];
        if let (Some(a), Some(l)) = (
            hmtx.get(advance_at..advance_at + 2),
            hmtx.get(lsb_at..lsb_at + 2),
        ) {
            out[..2].copy_from_slice(a);
            out[2..].copy_from_slice(l);
        }
        out
    }

    /// A font with glyph 0, the glyphs of `chars` (`(char, original gid)`, which must
    /// include the space) and their components, without hinting; and its metrics-only twin:
    /// the same font with every outline empty (same cmap, advances and glyph ids).
    ///
    /// printpdf reads a glyph's advance by decoding its outline, which for a fresh font is
    /// a fifth of a render; given the twin it has nothing to decode. The twin is what
    /// printpdf embeds, and the real subset replaces its bytes in the file afterwards.
    pub(crate) fn subset(&self, chars: &[(char, u16)]) -> Option<Subset> {
        // Old gid -> new gid, in order of first use; .notdef stays 0.
        let mut order: Vec<u16> = vec![0];
        let mut new_id: BTreeMap<u16, u16> = BTreeMap::from([(0, 0)]);
        let mut cmap: BTreeMap<u16, u16> = BTreeMap::new();
        for &(ch, gid) in chars {
            let next = order.len() as u16;
            let id = *new_id.entry(gid).or_insert_with(|| {
                order.push(gid);
                next
            });
            cmap.insert(u16::try_from(u32::from(ch)).ok()?, id);
        }
        let mut glyf = Vec::new();
        let mut loca = Vec::with_capacity(order.len() + 1);
        let mut hmtx = Vec::with_capacity(order.len() * 4);
        let mut i = 0;
        while i < order.len() {
            let old = order[i];
            loca.push(glyf.len() as u32);
            let data = self.glyph(old);
            strip_glyph(data, &mut glyf, |component| {
                let next = order.len() as u16;
                *new_id.entry(component).or_insert_with(|| {
                    order.push(component);
                    next
                })
            })?;
            while glyf.len() % 4 != 0 {
                glyf.push(0);
            }
            hmtx.extend_from_slice(&self.h_metric(old));
            i += 1;
        }
        loca.push(glyf.len() as u32);
        let num_glyphs = u16::try_from(order.len()).ok()?;

        let mut head = self.table(b"head")?.to_vec();
        head.get_mut(8..12)?.fill(0);
        head.get_mut(50..52)?.copy_from_slice(&1u16.to_be_bytes());
        let mut hhea = self.table(b"hhea")?.to_vec();
        hhea.get_mut(34..36)?
            .copy_from_slice(&num_glyphs.to_be_bytes());
        let mut maxp = self.table(b"maxp")?.to_vec();
        maxp.get_mut(4..6)?
            .copy_from_slice(&num_glyphs.to_be_bytes());
        if maxp.len() >= 32 {
            // maxSizeOfInstructions: there are none left.
            maxp[26..28].fill(0);
        }
        let mut post = self.table(b"post")?.get(..32)?.to_vec();
        post[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
        let loca: Vec<u8> = loca.iter().flat_map(|o| o.to_be_bytes()).collect();

        let mut tables: Vec<([u8; 4], Vec<u8>)> = vec![
            (*b"cmap", cmap_format4(&cmap)),
            (*b"glyf", glyf),
            (*b"head", head),
            (*b"hhea", hhea),
            (*b"hmtx", hmtx),
            (*b"loca", loca),
            (*b"maxp", maxp),
            (*b"post", post),
        ];
        if let Some(os2) = self.table(b"OS/2") {
            tables.push((*b"OS/2", os2.to_vec()));
        }
        tables.sort_by_key(|(tag, _)| *tag);
        let font = write_sfnt(&tables);
        for (tag, data) in &mut tables {
            match &*tag {
                b"glyf" => data.clear(),
                b"loca" => data.fill(0),
                _ => {}
            }
        }
        let metrics_only = write_sfnt(&tables);
        Some(Subset { font, metrics_only })
    }
}

/// A subset font and its metrics-only twin (see [`Sfnt::subset`]).
pub(crate) struct Subset {
    pub(crate) font: Vec<u8>,
    pub(crate) metrics_only: Vec<u8>,
}

/// Copies one glyph without its instructions; composite components are renumbered with
/// `remap`, which also queues them for inclusion.
fn strip_glyph(data: &[u8], out: &mut Vec<u8>, mut remap: impl FnMut(u16) -> u16) -> Option<()> {
    if data.is_empty() {
        return Some(());
    }
    let contours = u16_at(data, 0)? as i16;
    if contours >= 0 {
        let n = usize::try_from(contours).ok()?;
        let ins_len_at = 10 + 2 * n;
        let ins_len = usize::from(u16_at(data, ins_len_at)?);
        out.extend_from_slice(data.get(..ins_len_at)?);
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(data.get(ins_len_at + 2 + ins_len..)?);
        return Some(());
    }
    const ARGS_ARE_WORDS: u16 = 0x0001;
    const HAVE_SCALE: u16 = 0x0008;
    const MORE_COMPONENTS: u16 = 0x0020;
    const HAVE_XY_SCALE: u16 = 0x0040;
    const HAVE_2X2: u16 = 0x0080;
    const HAVE_INSTRUCTIONS: u16 = 0x0100;
    out.extend_from_slice(data.get(..10)?);
    let mut at = 10;
    loop {
        let flags = u16_at(data, at)?;
        let component = u16_at(data, at + 2)?;
        let args = if flags & ARGS_ARE_WORDS != 0 { 4 } else { 2 };
        let transform = if flags & HAVE_SCALE != 0 {
            2
        } else if flags & HAVE_XY_SCALE != 0 {
            4
        } else if flags & HAVE_2X2 != 0 {
            8
        } else {
            0
        };
        out.extend_from_slice(&(flags & !HAVE_INSTRUCTIONS).to_be_bytes());
        out.extend_from_slice(&remap(component).to_be_bytes());
        out.extend_from_slice(data.get(at + 4..at + 4 + args + transform)?);
        at += 4 + args + transform;
        if flags & MORE_COMPONENTS == 0 {
            return Some(());
        }
    }
}

/// A format 4 `cmap` (Windows, Unicode BMP) with one segment per character.
fn cmap_format4(map: &BTreeMap<u16, u16>) -> Vec<u8> {
    let mut segments: Vec<(u16, u16)> = map.iter().map(|(&c, &g)| (c, g)).collect();
    if segments.last().is_none_or(|s| s.0 != 0xFFFF) {
        segments.push((0xFFFF, 0));
    }
    let seg_count = segments.len() as u16;
    let search_range = 2 * (1u16 << (15 - seg_count.leading_zeros().min(15)));
    let search_range = search_range.min(2 * seg_count).max(2);
    let entry_selector = (search_range / 2).trailing_zeros() as u16;
    let range_shift = 2 * seg_count - search_range;
    let length = 16 + 8 * segments.len();
    let mut sub = Vec::with_capacity(length);
    for v in [
        4u16,
        length as u16,
        0,
        2 * seg_count,
        search_range,
        entry_selector,
        range_shift,
    ] {
        sub.extend_from_slice(&v.to_be_bytes());
    }
    segments
        .iter()
        .for_each(|s| sub.extend_from_slice(&s.0.to_be_bytes()));
    sub.extend_from_slice(&[0, 0]);
    segments
        .iter()
        .for_each(|s| sub.extend_from_slice(&s.0.to_be_bytes()));
    for &(c, g) in &segments {
        let delta = if c == 0xFFFF && g == 0 {
            1
        } else {
            g.wrapping_sub(c)
        };
        sub.extend_from_slice(&delta.to_be_bytes());
    }
    segments.iter().for_each(|_| sub.extend_from_slice(&[0, 0]));
    let mut cmap = Vec::with_capacity(12 + sub.len());
    for v in [0u16, 1, 3, 1] {
        cmap.extend_from_slice(&v.to_be_bytes());
    }
    cmap.extend_from_slice(&12u32.to_be_bytes());
    cmap.extend(sub);
    cmap
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// Writes an sfnt from tables sorted by tag, with checksums and `head.checkSumAdjustment`.
fn write_sfnt(tables: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let n = tables.len() as u16;
    let power = 1u16 << (15 - n.leading_zeros());
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for v in [
        n,
        power * 16,
        power.trailing_zeros() as u16,
        n * 16 - power * 16,
    ] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(offset);
        }
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in tables {
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}
