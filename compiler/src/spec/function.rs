//! User-defined functions of the mapping language, from `.weft` files:
//! `fn name(a, b) { let x = ...  expression }`.

use crate::source::Spanned;
use crate::spec::Meta;

#[derive(Clone, Debug)]
pub struct UserFunction {
    pub meta: Meta,
    pub params: Vec<Spanned<String>>,
    /// The body text and where it stands.
    pub body: Spanned<String>,
}
