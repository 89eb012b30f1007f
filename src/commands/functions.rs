//! `weft functions`: the mapping language's functions.

use weft_mapping::functions::{markdown, ALL};

pub fn run(as_markdown: bool) -> i32 {
    if as_markdown {
        crate::out::print(&markdown());
    } else {
        for f in ALL {
            let fails = if f.fails.is_some() {
                "  (can fail: use ?)"
            } else {
                ""
            };
            crate::out::print(&format!("{}{fails}\n", f.signature));
        }
    }
    0
}
