fn main() {
    let args: Vec<String> = std::env::args().collect();
    let old: serde_json::Value = serde_json::from_str(&args[1]).unwrap();
    let new: serde_json::Value = serde_json::from_str(&args[2]).unwrap();
    let p = if args.len() > 3 {
        weft_compat::Profile::Lenient
    } else {
        weft_compat::Profile::Strict
    };
    let c = weft_compat::compare(&old, &new, p);
    println!("{c:#?}");
}
