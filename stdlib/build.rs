//! Rebuild the embedded standard library whenever its files change.
fn main() {
    println!("cargo:rerun-if-changed=packages");
    println!("cargo:rerun-if-changed=templates");
}
