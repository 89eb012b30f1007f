//! Source files, byte spans and line/column lookup.
//!
//! Every diagnostic points into a [`SourceFile`] by byte range; line and column
//! numbers are derived on demand so spans stay small and exact.

use std::path::PathBuf;

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range inside one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Loc {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Loc {
    /// A location covering `start..end` of `file`.
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Loc {
            file,
            start: start as u32,
            end: end.max(start) as u32,
        }
    }

    /// The smallest location covering both (same file assumed).
    pub fn join(self, other: Loc) -> Loc {
        Loc {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A value together with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub loc: Loc,
}

impl<T> Spanned<T> {
    pub fn new(value: T, loc: Loc) -> Self {
        Spanned { value, loc }
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// Where a file came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A file of the workspace being checked.
    Workspace,
    /// A file of an imported package (standard library or local path).
    Import(String),
}

impl Origin {
    /// `workspace`, or the imported package as written (`std/distribution@1`).
    pub fn name(&self) -> &str {
        match self {
            Origin::Workspace => "workspace",
            Origin::Import(p) => p,
        }
    }
}

/// One loaded file: its display path, text, and line index.
#[derive(Debug)]
pub struct SourceFile {
    /// Path shown to users: relative to the workspace root, `/`-separated
    /// (`std/distribution@1/...` for standard-library files).
    pub name: String,
    /// Where the file is on disk, if it is on disk.
    pub disk_path: Option<PathBuf>,
    pub text: String,
    pub origin: Origin,
    line_starts: Vec<u32>,
    /// Byte ranges that hold secrets: masked whenever the text is shown.
    redactions: std::sync::Mutex<Vec<std::ops::Range<usize>>>,
}

impl SourceFile {
    pub fn new(name: String, disk_path: Option<PathBuf>, text: String, origin: Origin) -> Self {
        let mut line_starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
            }
        }
        SourceFile {
            name,
            disk_path,
            text,
            origin,
            line_starts,
            redactions: Default::default(),
        }
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line] as usize;
        let col = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(offset - start);
        (line + 1, col + 1)
    }

    /// Byte offset of the start of a 1-based line.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts
            .get(line.checked_sub(1)?)
            .map(|&o| o as usize)
    }

    /// The text of a 1-based line, without its newline.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(start) = self.line_start(line) else {
            return "";
        };
        let end = self
            .line_start(line + 1)
            .unwrap_or(self.text.len())
            .min(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    pub fn is_workspace(&self) -> bool {
        self.origin == Origin::Workspace
    }

    /// Marks a byte range as secret: it is masked in every rendering.
    pub fn redact(&self, range: std::ops::Range<usize>) {
        self.redactions.lock().expect("redactions lock").push(range);
    }

    /// The text with every secret range replaced by `*` (same byte length, so spans stay valid).
    pub fn redacted_text(&self) -> String {
        let redactions = self.redactions.lock().expect("redactions lock");
        if redactions.is_empty() {
            return self.text.clone();
        }
        let mut bytes = self.text.clone().into_bytes();
        for r in redactions.iter() {
            let end = r.end.min(bytes.len());
            for b in &mut bytes[r.start.min(end)..end] {
                // Keep UTF-8 valid: continuation bytes become '*' as well, which is ASCII.
                *b = b'*';
            }
        }
        String::from_utf8(bytes).unwrap_or_default()
    }
}

/// All files of one compilation, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The file with this display name, if loaded.
    pub fn find(&self, name: &str) -> Option<FileId> {
        self.files().find(|(_, f)| f.name == name).map(|(id, _)| id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let f = SourceFile::new("a".into(), None, "ab\nçé: x\n".into(), Origin::Workspace);
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        // "çé" is 4 bytes; ':' is at byte 7, the third character of line 2.
        assert_eq!(f.line_col(7), (2, 3));
        assert_eq!(f.line_text(2), "çé: x");
    }

    #[test]
    fn redaction_keeps_length_and_masks() {
        let f = SourceFile::new(
            "a".into(),
            None,
            "token: abc123\n".into(),
            Origin::Workspace,
        );
        f.redact(7..13);
        assert_eq!(f.redacted_text(), "token: ******\n");
    }
}
