//! Maps a position inside a scalar's value back to its file: the value of a
//! quoted scalar starts after the quote, and a block scalar (`body: |`) lost
//! the indentation of every line. Used wherever a finding points inside a
//! value: mapping bodies, flow conditions and keys, secrets inside URLs.

use crate::source::{FileId, Loc, SourceMap, Spanned};

/// Offsets in a scalar's value to offsets in its file.
#[derive(Debug)]
pub struct ValueMap {
    pub file: FileId,
    /// `(offset in the value, offset in the file)` at the start of each value line.
    lines: Vec<(usize, usize)>,
    file_len: usize,
}

impl ValueMap {
    /// The map of a spanned value read from a loaded file.
    pub fn of(sources: &SourceMap, value: &Spanned<String>) -> ValueMap {
        ValueMap::new(&sources.get(value.loc.file).text, value.loc, &value.value)
    }

    /// `loc` is where the scalar (or a `.weft` body) stands in `file`; `value` is its text.
    pub fn new(file: &str, loc: Loc, value: &str) -> ValueMap {
        let raw = file.get(loc.range()).unwrap_or_default();
        let start = loc.start as usize;
        let identity = |at: usize| ValueMap {
            file: loc.file,
            lines: vec![(0, at)],
            file_len: file.len(),
        };
        if raw == value {
            return identity(start);
        }
        match raw.chars().next() {
            // Quoted: the value starts after the quote (escapes are not re-counted).
            Some('"' | '\'') => identity(start + 1),
            _ => {
                // A block scalar: its span starts at the first content character, and
                // every line lost the indentation of that column.
                let line_start = file[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
                let indent = start - line_start;
                let mut file_pos = line_start;
                let mut lines = Vec::new();
                let mut value_pos = 0;
                for line in value.split_inclusive('\n') {
                    let file_line = &file[file_pos.min(file.len())..];
                    let file_line_len = file_line.find('\n').unwrap_or(file_line.len());
                    lines.push((value_pos, file_pos + indent.min(file_line_len)));
                    value_pos += line.len();
                    file_pos += file_line_len + 1;
                }
                ValueMap {
                    file: loc.file,
                    lines,
                    file_len: file.len(),
                }
            }
        }
    }

    /// The file offset of a value offset.
    pub fn file_offset(&self, value_offset: usize) -> usize {
        let i = self
            .lines
            .partition_point(|(v, _)| *v <= value_offset)
            .saturating_sub(1);
        let (v, f) = self.lines.get(i).copied().unwrap_or((0, 0));
        (f + value_offset - v).min(self.file_len)
    }

    /// The file location of the value range `start..end`.
    pub fn loc(&self, start: u32, end: u32) -> Loc {
        Loc::new(
            self.file,
            self.file_offset(start as usize),
            self.file_offset(end as usize),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_scalar_offsets_follow_indentation() {
        let file = "kind: mapping\nbody: |\n  id = 1\n  total = x +\n";
        let value = "id = 1\ntotal = x +\n";
        // saphyr's span of a block scalar starts at its first content character.
        let start = file.find("id").unwrap();
        let map = ValueMap::new(file, Loc::new(FileId(0), start, file.len()), value);
        let at = value.find("x +").unwrap();
        assert_eq!(&file[map.file_offset(at)..map.file_offset(at) + 3], "x +");
    }

    #[test]
    fn quoted_values_start_after_the_quote() {
        let file = "when: \"current.total > 10\"\n";
        let start = file.find('"').unwrap();
        let map = ValueMap::new(
            file,
            Loc::new(FileId(0), start, file.len() - 1),
            "current.total > 10",
        );
        assert_eq!(&file[map.loc(8, 13).range()], "total");
    }
}
