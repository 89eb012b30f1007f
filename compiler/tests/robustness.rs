//! The checker never panics: the example workspace with thousands of random
//! edits (deterministic, seeded) always yields a report.

use std::path::{Path, PathBuf};
use weft_compiler::{check_workspace, CheckOptions};

/// xorshift64*: a small deterministic generator, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn copy_tree(from: &Path, to: &Path, files: &mut Vec<PathBuf>) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target, files);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
            files.push(target);
        }
    }
}

const NASTY: &[&str] = &[
    ":",
    "{",
    "}",
    "[",
    "]",
    "-",
    "&a",
    "*a",
    "!!binary",
    "|",
    ">",
    "'",
    "\"",
    "\n",
    " ",
    "#",
    "@",
    "\t",
    "---\n",
    "~",
    "\u{feff}",
    "é",
    "0x",
    "->",
    "kind: flow\n",
    "{{",
    "\\",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut s = text.to_string();
    for _ in 0..1 + rng.below(3) {
        let mut at = rng.below(s.len() + 1);
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        match rng.below(4) {
            0 => s.insert_str(at, NASTY[rng.below(NASTY.len())]),
            1 => {
                let mut end = (at + rng.below(40)).min(s.len());
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                s.replace_range(at..end, "");
            }
            2 => {
                let lines: Vec<&str> = s.lines().collect();
                if !lines.is_empty() {
                    let l = lines[rng.below(lines.len())].to_string();
                    s.insert_str(at, &format!("\n{l}\n"));
                }
            }
            _ => s.truncate(at),
        }
    }
    s
}

#[test]
fn random_edits_never_panic_the_checker() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    copy_tree(&repo.join("specs/northwind"), tmp.path(), &mut files);
    files.retain(|f| {
        f.extension()
            .is_some_and(|e| e == "yaml" || e == "weft" || e == "json")
    });
    files.sort();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let options = CheckOptions {
        today: "2026-11-23".into(),
    };
    let iterations: usize = std::env::var("WEFT_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    for i in 0..iterations {
        let file = &files[rng.below(files.len())];
        let original = std::fs::read_to_string(file).unwrap();
        let mutated = mutate(&mut rng, &original);
        std::fs::write(file, &mutated).unwrap();
        let result = std::panic::catch_unwind(|| check_workspace(tmp.path(), &options));
        match result {
            Ok(Ok(report)) => {
                // Every finding points inside its file.
                for d in report.diagnostics() {
                    let f = report.compilation.sources.get(d.loc.file);
                    assert!(
                        d.loc.end as usize <= f.text.len(),
                        "span past the end of {}",
                        f.name
                    );
                }
            }
            Ok(Err(e)) => panic!("iteration {i}: {} could not be loaded: {e}", file.display()),
            Err(_) => panic!(
                "iteration {i}: the checker panicked on this content of {}:\n{mutated}",
                file.display()
            ),
        }
        std::fs::write(file, original).unwrap();
    }
}
