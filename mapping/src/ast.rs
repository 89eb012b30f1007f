//! The syntax tree of a mapping body. Free of pest types; spans are byte
//! offsets into the body text.

/// A byte range in the body text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
}

/// A mapping body: its items in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    pub items: Vec<Item>,
}

/// A user-defined function: `fn name(a, b) { let x = ...  expr }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub name: String,
    pub params: Vec<String>,
    /// The body: an expression, possibly a block with `let`s.
    pub body: Expr,
}

/// A top-level item.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `let name = expr`
    Let {
        name: String,
        name_span: Span,
        value: Expr,
    },
    /// `field.path = expr`
    Assign {
        target: Vec<String>,
        target_span: Span,
        value: Expr,
    },
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// A piece of an interpolated string.
#[derive(Clone, Debug, PartialEq)]
pub enum StrPart {
    Text(String),
    Expr(Expr),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    /// `??`: the right side when the left is null.
    Coalesce,
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

/// A `match` arm: one or more literal patterns (or `_`) and a result.
#[derive(Clone, Debug, PartialEq)]
pub struct Arm {
    pub patterns: Vec<Pattern>,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Pattern {
    Wildcard(Span),
    Literal(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Integer(i64),
    /// An exact decimal literal, with the scale written (`19.99`).
    Decimal(rust_decimal::Decimal),
    /// A float literal with an exponent (`1e-3`).
    Float(f64),
    Str(Vec<StrPart>),
    Array(Vec<Expr>),
    Object(Vec<(String, Span, Expr)>),
    /// A name: `source`, `current`, a `let` binding or a lambda parameter.
    Var(String),
    Field(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
    Call {
        name: String,
        args: Vec<Expr>,
    },
    Method {
        receiver: Box<Expr>,
        name: String,
        /// Where the method's name is written.
        name_span: Span,
        args: Vec<Expr>,
    },
    Lambda {
        params: Vec<String>,
        body: Box<Expr>,
    },
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Option<Box<Expr>>,
    },
    /// `{ let a = x  expr }` inside `if` branches.
    Block {
        lets: Vec<(String, Expr)>,
        value: Box<Expr>,
    },
    Match {
        subject: Box<Expr>,
        arms: Vec<Arm>,
    },
    /// `expr?`: a failure goes to the dead-letter queue with the mapping's error.
    Try(Box<Expr>),
}
