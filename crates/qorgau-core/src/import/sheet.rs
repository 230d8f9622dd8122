//! Reading a sheet: the first worksheet of an XLSX, XLSM, XLSB, XLS or ODS workbook (calamine),
//! or a CSV file in UTF-8, UTF-8 with a byte-order mark or Windows-1251 (the encoding Excel
//! writes "CSV" in on Russian-language Windows), with `,`, `;` or tab between fields.

use crate::error::{CoreError, ErrorCode};
use calamine::{Data, Reader};
use std::io::Cursor;

/// One cell as the sheet holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A date (or date and time) as an Excel serial day number (1900 date system).
    Date(f64),
    /// A date written by the workbook as ISO 8601 text (ODS).
    IsoDate(String),
    Bool(bool),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) | Cell::IsoDate(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text: numbers without a trailing `.0` (an IIN or a phone typed into a
    /// number cell), dates as their serial.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) | Cell::IsoDate(t) => t.trim().to_string(),
            Cell::Number(n) | Cell::Date(n) => number_text(*n),
            Cell::Bool(b) => b.to_string(),
        }
    }
}

pub(crate) fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// A sheet's non-empty rows with the row number a person sees in the spreadsheet (1-based;
/// the first row read is the header).
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub header: Vec<String>,
    pub header_row: u32,
    pub rows: Vec<(u32, Vec<Cell>)>,
}

/// The formats read, by file name extension.
pub const EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xlsb", "xls", "ods", "csv", "txt", "tsv"];

fn unsupported(name: &str) -> CoreError {
    CoreError::new(
        ErrorCode::Invalid,
        format!(
            "file {name:?}: not a spreadsheet this import reads (use {})",
            EXTENSIONS.join(", ")
        ),
    )
}

/// Reads the first worksheet of `bytes`, a file called `name` (its extension says the format).
pub fn read_sheet(name: &str, bytes: &[u8]) -> Result<Sheet, CoreError> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" | "tsv" => read_csv(name, bytes),
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => read_workbook(name, bytes),
        _ => Err(unsupported(name)),
    }
}

fn read_workbook(name: &str, bytes: &[u8]) -> Result<Sheet, CoreError> {
    let bad = |e: calamine::Error| {
        CoreError::new(
            ErrorCode::Invalid,
            format!("file {name:?} cannot be read as a spreadsheet: {e}"),
        )
    };
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(bad)?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| CoreError::new(ErrorCode::Invalid, format!("file {name:?} has no sheet")))?
        .map_err(bad)?;
    let first_row = range.start().map(|(r, _)| r).unwrap_or(0);
    // Columns left of the used range are empty; keep positions as the sheet numbers them so a
    // mapping by column stays meaningful.
    let first_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
    let mut rows = range.rows().enumerate().map(|(i, row)| {
        let mut cells = vec![Cell::Empty; first_col];
        cells.extend(row.iter().map(cell_of));
        (first_row + i as u32 + 1, cells)
    });
    let mut sheet = Sheet::default();
    // The header is the first row with anything in it.
    for (number, cells) in rows.by_ref() {
        if cells.iter().any(|c| !c.is_empty()) {
            sheet.header = cells.iter().map(Cell::text).collect();
            sheet.header_row = number;
            break;
        }
    }
    sheet.rows = rows
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
        .collect();
    Ok(sheet)
}

fn cell_of(data: &Data) -> Cell {
    match data {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(d) => Cell::Date(d.as_f64()),
        Data::DateTimeIso(s) => Cell::IsoDate(s.clone()),
        Data::DurationIso(s) => Cell::Text(s.clone()),
    }
}

/// Decodes CSV bytes: UTF-8 (a byte-order mark is dropped), else Windows-1251.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1251
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// The field separator: whichever of `;`, tab and `,` the header line has most of (Excel
/// writes `;` where the decimal separator is a comma, as in Russian and Kazakh settings).
fn delimiter(text: &str) -> u8 {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|&d| (line.bytes().filter(|&b| b == d).count(), d == b','))
        .unwrap_or(b',')
}

fn read_csv(name: &str, bytes: &[u8]) -> Result<Sheet, CoreError> {
    let text = decode_text(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(&text))
        .from_reader(text.as_bytes());
    let mut sheet = Sheet::default();
    let (mut line_count, mut counted) = (0u32, 0usize);
    let bytecount = |b: &[u8]| b.iter().filter(|&&c| c == b'\n').count() as u32;
    for record in reader.records() {
        let record = record.map_err(|e| {
            CoreError::new(
                ErrorCode::Invalid,
                format!("file {name:?} is not valid CSV: {e}"),
            )
        })?;
        // The reader's position is where it started reading, before any blank lines it
        // skipped: count the line of the record's first character.
        let mut start = record.position().map(|p| p.byte() as usize).unwrap_or(0);
        while matches!(text.as_bytes().get(start), Some(b'\n' | b'\r')) {
            start += 1;
        }
        line_count += bytecount(&text.as_bytes()[counted..start]);
        counted = start;
        let number = line_count + 1;
        let cells: Vec<Cell> = record
            .iter()
            .map(|f| {
                if f.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(f.to_string())
                }
            })
            .collect();
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        if sheet.header.is_empty() {
            sheet.header = cells.iter().map(Cell::text).collect();
            sheet.header_row = number;
        } else {
            sheet.rows.push((number, cells));
        }
    }
    Ok(sheet)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_three_encodings_reads_the_same() {
        let utf8 = "Фамилия;Имя\nЦой;Нурлан\n";
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(utf8.as_bytes());
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(utf8);
        for bytes in [utf8.as_bytes(), &bom, &cp1251] {
            let sheet = read_sheet("w.csv", bytes).unwrap();
            assert_eq!(sheet.header, ["Фамилия", "Имя"]);
            assert_eq!(sheet.header_row, 1);
            assert_eq!(
                sheet.rows,
                vec![(
                    2,
                    vec![Cell::Text("Цой".into()), Cell::Text("Нурлан".into())]
                )]
            );
        }
    }

    #[test]
    fn csv_rows_keep_the_line_a_person_sees() {
        let sheet = read_sheet("w.csv", b"a,b\n\n1,2\n,\n3,4\n").unwrap();
        let numbers: Vec<u32> = sheet.rows.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, [3, 5]);
    }

    #[test]
    fn unknown_extension_is_refused_by_name() {
        let e = read_sheet("w.pdf", b"x").unwrap_err();
        assert!(e.message.contains("w.pdf"), "{}", e.message);
    }
}
