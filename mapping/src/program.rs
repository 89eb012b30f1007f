//! The executable form of a mapping, compiled once from the syntax tree:
//! names are resolved to places (a slot in the evaluator's frame, or a
//! lookup table) instead of being looked up by name on every read; field
//! names are prepared as [`Text`] with the place the projected payload keeps
//! them at; object literals know their keys (a repeated key already merged);
//! calls are resolved to the function that runs them.
//!
//! Compiling never fails: what would fail at run time (an unknown name or
//! function, a lambda where a value is expected) becomes a node that fails
//! with the same message when, and only when, it is evaluated.

use crate::ast::{BinaryOp, Body, Expr, ExprKind, Function, Item, Pattern, Span, StrPart, UnaryOp};
use crate::value::{Coerce, Text, Value};

/// Where a name's value is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Var {
    /// A slot of the frame: the run's inputs, `let`s, lambda and function parameters.
    Local(u32),
    /// A lookup table of the workspace.
    Global(u32),
}

/// A field name, with the position the projected payload keeps it at
/// (`u32::MAX` when unknown); the position is only a first guess, checked
/// against the name.
#[derive(Clone, Debug)]
pub(crate) struct Name {
    /// A plain string: read on every lookup, where `Text`'s inline layout
    /// costs a few branches to decode.
    pub text: Box<str>,
    pub hint: u32,
}

/// A piece of an interpolated string.
#[derive(Clone, Debug)]
pub(crate) enum Part {
    Text(String),
    Node(Node),
}

/// A collection function taking a lambda.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Coll {
    Map,
    Filter,
    Any,
    All,
    FlatMap,
    SortBy,
    GroupBy,
}

impl Coll {
    fn of(name: &str) -> Option<Coll> {
        Some(match name {
            "map" => Coll::Map,
            "filter" => Coll::Filter,
            "any" => Coll::Any,
            "all" => Coll::All,
            "flat_map" => Coll::FlatMap,
            "sort_by" => Coll::SortBy,
            "group_by" => Coll::GroupBy,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Coll::Map => "map",
            Coll::Filter => "filter",
            Coll::Any => "any",
            Coll::All => "all",
            Coll::FlatMap => "flat_map",
            Coll::SortBy => "sort_by",
            Coll::GroupBy => "group_by",
        }
    }
}

/// The function argument of a collection function.
#[derive(Clone, Debug)]
pub(crate) enum Lambda {
    /// `x -> body`: the item goes to `param` (no slot: a lambda without parameters).
    Fn { param: Option<u32>, body: Box<Node> },
    /// Not a lambda: fails (at its span) when there is an item to call it on.
    Not(Span),
    /// No second argument at all.
    Missing,
}

/// How a failure's reason is made.
#[derive(Clone, Debug)]
pub(crate) enum Reason {
    /// An interpolated string, nulls shown as `null`.
    Parts(Vec<Part>),
    Node(Box<Node>),
    Default,
}

/// A plain function of the standard library.
pub(crate) type PlainFn = fn(&[&Value]) -> Result<Value, String>;

/// An executable expression with the span it came from.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub op: Op,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub(crate) enum Op {
    Const(Value),
    Str(Vec<Part>),
    Array(Vec<Node>),
    /// An object literal: its distinct keys in order, and each written value
    /// with the key it goes to (a repeated key keeps its first place).
    Object {
        keys: Vec<Text>,
        values: Vec<(u32, Node)>,
        /// Each key as JSON text with its colon (`"sku":`), for writing.
        written: Vec<String>,
    },
    Var(Var),
    /// Fields read from a name: `source.customer.id`, `li.price`.
    Path(Var, Vec<Name>),
    /// A field of a computed value.
    Field(Box<Node>, Name),
    Index(Box<Node>, Box<Node>),
    Plain {
        run: PlainFn,
        args: Vec<Node>,
    },
    /// A user function (index into [`Program::routines`]).
    User {
        routine: u32,
        args: Vec<Node>,
    },
    Collection {
        coll: Coll,
        /// `None`: called without arguments (null).
        list: Option<Box<Node>>,
        lambda: Lambda,
    },
    Fail(Reason),
    /// Fails with this message when evaluated (an unknown name or function).
    Error(String),
    Unary(UnaryOp, Box<Node>),
    Binary(BinaryOp, Box<Node>, Box<Node>),
    If {
        cond: Box<Node>,
        then: Box<Node>,
        otherwise: Option<Box<Node>>,
    },
    Block {
        lets: Vec<(u32, Node)>,
        value: Box<Node>,
    },
    /// Arms of patterns (`None`: `_`) and their value.
    Match {
        subject: Box<Node>,
        arms: Vec<(Vec<Option<Node>>, Node)>,
    },
    Try(Box<Node>),
}

/// One item of a body.
#[derive(Clone, Debug)]
pub(crate) enum Step {
    Let(u32, Node),
    /// A field path, its first name written as JSON (`"id":`), the value.
    Assign(Vec<Text>, String, Node),
}

/// A key as JSON text followed by its colon.
fn written_key(key: &str) -> String {
    let mut s = String::with_capacity(key.len() + 3);
    crate::json_write::string(&mut s, key);
    s.push(':');
    s
}

/// A user function compiled for a number of arguments: its parameters are
/// the first slots of its own frame.
#[derive(Clone, Debug)]
pub(crate) struct Routine {
    pub name: String,
    /// Parameters bound (the call's arguments past them are not evaluated).
    pub params: usize,
    pub body: Node,
    pub frame: usize,
}

/// A compiled body, or a compiled expression (`result`).
#[derive(Clone, Debug)]
pub(crate) struct Program {
    /// Slots holding the run's inputs (`source`, `current`), in order.
    pub inputs: usize,
    pub steps: Vec<Step>,
    pub result: Option<Node>,
    pub frame: usize,
    pub routines: Vec<Routine>,
    /// Every item assigns a different top-level field: the output can be
    /// written as the items run.
    pub flat: bool,
}

impl Program {
    /// Compiles a body run with `inputs` (names and the layout they are read
    /// with, when known) in slots 0, 1, ...
    pub(crate) fn body<'c>(
        body: &'c Body,
        inputs: &[(&'c str, Option<&'c Coerce>)],
        globals: &'c [(String, Value)],
        functions: &'c [Function],
    ) -> Program {
        let mut c = Compiler::new(inputs, globals, functions);
        let steps = body
            .items
            .iter()
            .map(|item| match item {
                Item::Let { name, value, .. } => {
                    let layout = c.layout_of(value);
                    let node = c.expr(value);
                    let slot = c.bind(name, layout);
                    Step::Let(slot, node)
                }
                Item::Assign { target, value, .. } => Step::Assign(
                    target.iter().map(|t| Text::from(t.as_str())).collect(),
                    written_key(&target[0]),
                    c.expr(value),
                ),
            })
            .collect();
        c.finish(steps, None, inputs.len())
    }

    /// Compiles one expression over `inputs`.
    pub(crate) fn expr<'c>(
        e: &'c Expr,
        inputs: &[(&'c str, Option<&'c Coerce>)],
        globals: &'c [(String, Value)],
        functions: &'c [Function],
    ) -> Program {
        let mut c = Compiler::new(inputs, globals, functions);
        let node = c.expr(e);
        c.finish(Vec::new(), Some(node), inputs.len())
    }
}

/// Names in scope, innermost last, with the layout each is read with when
/// known (for field position hints).
struct Compiler<'c> {
    scope: Vec<(&'c str, Var, Option<&'c Coerce>)>,
    next: u32,
    max: u32,
    globals: usize,
    functions: &'c [Function],
    /// Routines by (function, parameters bound); a slot is reserved before
    /// its body is compiled, so recursion terminates.
    routines: Vec<(usize, usize, Option<Routine>)>,
}

impl<'c> Compiler<'c> {
    fn new(
        inputs: &[(&'c str, Option<&'c Coerce>)],
        globals: &'c [(String, Value)],
        functions: &'c [Function],
    ) -> Compiler<'c> {
        let mut c = Compiler {
            scope: Vec::new(),
            next: 0,
            max: 0,
            globals: globals.len(),
            functions,
            routines: Vec::new(),
        };
        c.scope = globals
            .iter()
            .enumerate()
            .map(|(i, (n, _))| (n.as_str(), Var::Global(i as u32), None))
            .collect();
        for (name, layout) in inputs {
            c.bind(name, *layout);
        }
        c
    }

    fn finish(self, steps: Vec<Step>, result: Option<Node>, inputs: usize) -> Program {
        let mut fields: Vec<&Text> = Vec::new();
        let flat = steps.iter().all(|s| match s {
            Step::Let(..) => true,
            Step::Assign(target, ..) if target.len() == 1 && !fields.contains(&&target[0]) => {
                fields.push(&target[0]);
                true
            }
            Step::Assign(..) => false,
        });
        Program {
            flat,
            inputs,
            steps,
            result,
            frame: self.max as usize,
            routines: self
                .routines
                .into_iter()
                .map(|(_, _, r)| r.expect("every routine is compiled"))
                .collect(),
        }
    }

    /// A new slot for `name`, in scope from now on.
    fn bind(&mut self, name: &'c str, layout: Option<&'c Coerce>) -> u32 {
        let slot = self.next;
        self.next += 1;
        self.max = self.max.max(self.next);
        self.scope.push((name, Var::Local(slot), layout));
        slot
    }

    /// Ends the scope of names bound since `mark` (their slots are reused).
    fn unbind(&mut self, mark: (usize, u32)) {
        self.scope.truncate(mark.0);
        self.next = mark.1;
    }

    fn mark(&self) -> (usize, u32) {
        (self.scope.len(), self.next)
    }

    fn lookup(&self, name: &str) -> Option<(Var, Option<&'c Coerce>)> {
        self.scope
            .iter()
            .rev()
            .find(|(n, ..)| *n == name)
            .map(|(_, v, l)| (*v, *l))
    }

    /// The layout a path expression is read with, when known.
    fn layout_of(&self, e: &Expr) -> Option<&'c Coerce> {
        match &e.kind {
            ExprKind::Var(n) => self.lookup(n)?.1,
            ExprKind::Field(b, f) => match self.layout_of(b)? {
                Coerce::Record(fields) | Coerce::Object(fields) => {
                    fields.iter().find(|(n, _)| n == f).map(|(_, c)| c)
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// A field name with its place in `layout` (a projected record keeps
    /// every field it reads at a fixed place).
    fn name(layout: Option<&Coerce>, field: &str) -> Name {
        let hint = match layout {
            Some(Coerce::Record(fields)) => fields
                .iter()
                .position(|(n, _)| n == field)
                .map_or(u32::MAX, |i| i as u32),
            _ => u32::MAX,
        };
        Name {
            text: field.into(),
            hint,
        }
    }

    fn node(op: Op, span: Span) -> Node {
        Node { op, span }
    }

    fn boxed(&mut self, e: &'c Expr) -> Box<Node> {
        Box::new(self.expr(e))
    }

    fn expr(&mut self, e: &'c Expr) -> Node {
        let op = match &e.kind {
            ExprKind::Null => Op::Const(Value::Null),
            ExprKind::Bool(b) => Op::Const(Value::Bool(*b)),
            ExprKind::Integer(i) => Op::Const(Value::Int(*i)),
            ExprKind::Decimal(d) => Op::Const(Value::Dec(*d)),
            ExprKind::Float(f) => Op::Const(Value::Float(*f)),
            ExprKind::Str(parts) => Op::Str(self.parts(parts)),
            ExprKind::Array(items) => Op::Array(items.iter().map(|i| self.expr(i)).collect()),
            ExprKind::Object(entries) => {
                let mut keys: Vec<Text> = Vec::with_capacity(entries.len());
                let mut values = Vec::with_capacity(entries.len());
                for (k, _, v) in entries {
                    let at = match keys.iter().position(|n| n == k) {
                        Some(i) => i,
                        None => {
                            keys.push(k.as_str().into());
                            keys.len() - 1
                        }
                    };
                    values.push((at as u32, self.expr(v)));
                }
                let written = keys.iter().map(|k| written_key(k)).collect();
                Op::Object {
                    keys,
                    values,
                    written,
                }
            }
            ExprKind::Var(n) => match self.lookup(n) {
                Some((v, _)) => Op::Var(v),
                None => Op::Error(format!("unknown name `{n}`")),
            },
            ExprKind::Field(b, f) => match self.path(e) {
                Some((var, names)) => Op::Path(var, names),
                None => {
                    let layout = self.layout_of(b);
                    Op::Field(self.boxed(b), Self::name(layout, f))
                }
            },
            ExprKind::Index(b, i) => Op::Index(self.boxed(b), self.boxed(i)),
            ExprKind::Call { name, args } => return self.call(e, name, None, args),
            ExprKind::Method {
                receiver,
                name,
                args,
                ..
            } => return self.call(e, name, Some(receiver), args),
            ExprKind::Lambda { .. } => {
                Op::Error("a lambda can only be passed to a collection function".into())
            }
            ExprKind::Unary(op, x) => Op::Unary(*op, self.boxed(x)),
            ExprKind::Binary(op, a, b) => Op::Binary(*op, self.boxed(a), self.boxed(b)),
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => Op::If {
                cond: self.boxed(cond),
                then: self.boxed(then),
                otherwise: otherwise.as_ref().map(|o| self.boxed(o)),
            },
            ExprKind::Block { lets, value } => {
                let mark = self.mark();
                let lets = lets
                    .iter()
                    .map(|(n, v)| {
                        let layout = self.layout_of(v);
                        let node = self.expr(v);
                        (self.bind(n, layout), node)
                    })
                    .collect();
                let value = self.boxed(value);
                self.unbind(mark);
                Op::Block { lets, value }
            }
            ExprKind::Match { subject, arms } => Op::Match {
                subject: self.boxed(subject),
                arms: arms
                    .iter()
                    .map(|arm| {
                        let patterns = arm
                            .patterns
                            .iter()
                            .map(|p| match p {
                                Pattern::Wildcard(_) => None,
                                Pattern::Literal(lit) => Some(self.expr(lit)),
                            })
                            .collect();
                        (patterns, self.expr(&arm.value))
                    })
                    .collect(),
            },
            ExprKind::Try(x) => Op::Try(self.boxed(x)),
        };
        Self::node(op, e.span)
    }

    /// A chain of fields from a name in scope, with position hints.
    fn path(&self, e: &Expr) -> Option<(Var, Vec<Name>)> {
        match &e.kind {
            ExprKind::Var(n) => Some((self.lookup(n)?.0, Vec::new())),
            ExprKind::Field(b, f) => {
                let (var, mut names) = self.path(b)?;
                names.push(Self::name(self.layout_of(b), f));
                Some((var, names))
            }
            _ => None,
        }
    }

    fn parts(&mut self, parts: &'c [StrPart]) -> Vec<Part> {
        parts
            .iter()
            .map(|p| match p {
                StrPart::Text(t) => Part::Text(t.clone()),
                StrPart::Expr(x) => Part::Node(self.expr(x)),
            })
            .collect()
    }

    /// A call, resolved as the evaluator always did: `fail`, then the
    /// collection functions, then user functions, then the standard ones.
    fn call(
        &mut self,
        e: &'c Expr,
        name: &str,
        receiver: Option<&'c Expr>,
        args: &'c [Expr],
    ) -> Node {
        let args: Vec<&'c Expr> = receiver.into_iter().chain(args).collect();
        let op = if name == "fail" {
            Op::Fail(match args.first() {
                Some(Expr {
                    kind: ExprKind::Str(parts),
                    ..
                }) => Reason::Parts(self.parts(parts)),
                Some(a) => Reason::Node(self.boxed(a)),
                None => Reason::Default,
            })
        } else if let Some(coll) = Coll::of(name) {
            self.collection(coll, &args)
        } else if let Some(f) = self.functions.iter().position(|f| f.name == name) {
            let params = self.functions[f].params.len().min(args.len());
            let routine = self.routine(f, params);
            Op::User {
                routine,
                args: args[..params].iter().map(|a| self.expr(a)).collect(),
            }
        } else {
            match crate::functions::find(name) {
                None => Op::Error(format!("unknown function `{name}`")),
                Some(function) => match function.run {
                    crate::functions::Run::Plain(run) => Op::Plain {
                        run,
                        args: args.iter().map(|a| self.expr(a)).collect(),
                    },
                    crate::functions::Run::Special => {
                        Op::Error(format!("`{name}` cannot be called this way"))
                    }
                },
            }
        };
        Self::node(op, e.span)
    }

    fn collection(&mut self, coll: Coll, args: &[&'c Expr]) -> Op {
        let Some(list) = args.first() else {
            return Op::Collection {
                coll,
                list: None,
                lambda: Lambda::Missing,
            };
        };
        let item_layout = match self.layout_of(list) {
            Some(Coerce::Array(item)) => Some(item.as_ref()),
            _ => None,
        };
        let list = self.boxed(list);
        let lambda = match args.get(1) {
            None => Lambda::Missing,
            Some(Expr {
                kind: ExprKind::Lambda { params, body },
                ..
            }) => {
                let mark = self.mark();
                // Only the first parameter is bound (as the evaluator always did).
                let param = params.first().map(|p| self.bind(p, item_layout));
                let body = self.boxed(body);
                self.unbind(mark);
                Lambda::Fn { param, body }
            }
            Some(f) => Lambda::Not(f.span),
        };
        Op::Collection {
            coll,
            list: Some(list),
            lambda,
        }
    }

    /// The routine of function `f` with its first `params` parameters bound;
    /// the function sees the lookup tables and its parameters, nothing else.
    fn routine(&mut self, f: usize, params: usize) -> u32 {
        if let Some(i) = self
            .routines
            .iter()
            .position(|(g, p, _)| *g == f && *p == params)
        {
            return i as u32;
        }
        let index = self.routines.len();
        self.routines.push((f, params, None));
        let function = &self.functions[f];
        let saved_scope = self.scope.split_off(self.globals);
        let saved = (self.next, self.max);
        (self.next, self.max) = (0, 0);
        for p in &function.params[..params] {
            self.bind(p, None);
        }
        let body = self.expr(&function.body);
        let frame = self.max as usize;
        self.scope.truncate(self.globals);
        self.scope.extend(saved_scope);
        (self.next, self.max) = saved;
        self.routines[index].2 = Some(Routine {
            name: function.name.clone(),
            params,
            body,
            frame,
        });
        index as u32
    }
}
