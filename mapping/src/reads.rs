//! Which parts of the payload a mapping reads, found from its syntax alone,
//! so the payload can be read projected: fields the mapping never touches are
//! skipped while parsing instead of being built and then ignored.
//!
//! The analysis is conservative. A path is followed through `let` bindings,
//! indexing with a literal, and lambda parameters of `map`, `any`, `all` and
//! `flat_map` over a list in the payload; any other use of a value (passing it
//! to a function, returning it whole, indexing it with a computed key) needs
//! all of it.

use crate::ast::*;
use crate::value::Coerce;
use std::collections::BTreeMap;

/// What is needed of a value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Need {
    /// All of it.
    whole: bool,
    /// Of an object: these fields.
    fields: BTreeMap<String, Need>,
    /// Of a list: this much of each item.
    items: Option<Box<Need>>,
}

#[derive(Clone, Debug)]
enum Step {
    Field(String),
    Items,
}

impl Need {
    fn mark(&mut self, path: &[Step]) {
        if self.whole {
            return;
        }
        match path.split_first() {
            None => {
                *self = Need {
                    whole: true,
                    ..Need::default()
                }
            }
            Some((Step::Field(f), rest)) => self.fields.entry(f.clone()).or_default().mark(rest),
            Some((Step::Items, rest)) => self.items.get_or_insert_with(Default::default).mark(rest),
        }
    }

    /// Makes sure the path is kept, without needing all of its end (a list
    /// walked by a lambda that reads nothing of its items still has a length).
    fn touch(&mut self, path: &[Step]) {
        if self.whole {
            return;
        }
        match path.split_first() {
            None => {}
            Some((Step::Field(f), rest)) => self.fields.entry(f.clone()).or_default().touch(rest),
            Some((Step::Items, rest)) => {
                self.items.get_or_insert_with(Default::default).touch(rest)
            }
        }
    }

    /// `coerce` narrowed to what is needed.
    pub fn project(&self, coerce: &Coerce) -> Coerce {
        if self.whole {
            return coerce.clone();
        }
        match (&self.items, self.fields.is_empty()) {
            // The value is treated both as a list and as an object: keep it all.
            (Some(_), false) => coerce.clone(),
            (Some(items), true) => {
                let item = match coerce {
                    Coerce::Array(i) => i.as_ref(),
                    _ => &Coerce::Keep,
                };
                Coerce::Array(Box::new(items.project(item)))
            }
            (None, _) => match coerce {
                Coerce::Keep | Coerce::Object(_) | Coerce::Record(_) => Coerce::Record(
                    self.fields
                        .iter()
                        .map(|(name, need)| {
                            let inner = match coerce {
                                Coerce::Object(f) | Coerce::Record(f) => f
                                    .iter()
                                    .find(|(n, _)| n == name)
                                    .map_or(&Coerce::Keep, |(_, c)| c),
                                _ => &Coerce::Keep,
                            };
                            (name.clone(), need.project(inner))
                        })
                        .collect(),
                ),
                scalar_or_list => scalar_or_list.clone(),
            },
        }
    }
}

/// The layout to read a body's payloads with: the source contract's layout
/// narrowed to what the body reads.
pub fn read_layout(body: &Body, source: &Coerce) -> Coerce {
    source_need(body).project(source)
}

/// What `body` reads of `source` (user functions see only their arguments).
pub fn source_need(body: &Body) -> Need {
    let mut r = Reads {
        scope: vec![("source", Some(Vec::new()))],
        need: Need::default(),
    };
    for item in &body.items {
        match item {
            Item::Let { name, value, .. } => {
                let bound = r.bind(value);
                r.scope.push((name, bound));
            }
            Item::Assign { value, .. } => r.visit(value),
        }
    }
    r.need
}

struct Reads<'a> {
    /// Names in scope and the payload path each stands for, if any.
    scope: Vec<(&'a str, Option<Vec<Step>>)>,
    need: Need,
}

impl<'a> Reads<'a> {
    fn path_of(&self, e: &Expr) -> Option<Vec<Step>> {
        match &e.kind {
            ExprKind::Var(n) => self
                .scope
                .iter()
                .rev()
                .find(|(s, _)| s == n)
                .and_then(|(_, p)| p.clone()),
            ExprKind::Field(b, f) => {
                let mut p = self.path_of(b)?;
                p.push(Step::Field(f.clone()));
                Some(p)
            }
            ExprKind::Index(b, i) => {
                let step = match &i.kind {
                    ExprKind::Integer(_) => Step::Items,
                    ExprKind::Str(parts) => match parts.as_slice() {
                        [StrPart::Text(k)] => Step::Field(k.clone()),
                        [] => Step::Field(String::new()),
                        _ => return None,
                    },
                    _ => return None,
                };
                let mut p = self.path_of(b)?;
                p.push(step);
                Some(p)
            }
            _ => None,
        }
    }

    /// A `let`: a path is remembered, not read yet; anything else is visited.
    fn bind(&mut self, value: &'a Expr) -> Option<Vec<Step>> {
        let p = self.path_of(value);
        if p.is_none() {
            self.visit(value);
        }
        p
    }

    fn visit(&mut self, e: &'a Expr) {
        if let Some(p) = self.path_of(e) {
            self.need.mark(&p);
            return;
        }
        let (name, receiver, args): (&str, Option<&'a Expr>, &'a [Expr]) = match &e.kind {
            ExprKind::Call { name, args } => (name, None, args),
            ExprKind::Method {
                receiver,
                name,
                args,
                ..
            } => (name, Some(receiver), args),
            ExprKind::Block { lets, value } => {
                let depth = self.scope.len();
                for (n, v) in lets {
                    let bound = self.bind(v);
                    self.scope.push((n, bound));
                }
                self.visit(value);
                self.scope.truncate(depth);
                return;
            }
            ExprKind::Lambda { params, body } => {
                self.lambda(params, None, body);
                return;
            }
            _ => {
                for c in crate::parse::children(e) {
                    self.visit(c);
                }
                return;
            }
        };
        let all: Vec<&'a Expr> = receiver.into_iter().chain(args).collect();
        let list = all.first().and_then(|l| self.path_of(l));
        let lambda = all.get(1).and_then(|f| match &f.kind {
            ExprKind::Lambda { params, body } => Some((params, body)),
            _ => None,
        });
        match (list, lambda) {
            (Some(list), Some((params, body))) if is_walk(name) => {
                // Only what the lambda reads of each item.
                let mut item = list;
                item.push(Step::Items);
                self.need.touch(&item);
                self.lambda(params, Some(item), body);
                for a in &all[2..] {
                    self.visit(a);
                }
            }
            _ => {
                for a in all {
                    self.visit(a);
                }
            }
        }
    }

    fn lambda(&mut self, params: &'a [String], item: Option<Vec<Step>>, body: &'a Expr) {
        let depth = self.scope.len();
        for p in params {
            self.scope.push((p, item.clone()));
        }
        self.visit(body);
        self.scope.truncate(depth);
    }
}

/// Collection functions whose result holds only what their lambda returns
/// (not the items themselves).
fn is_walk(name: &str) -> bool {
    matches!(name, "map" | "any" | "all" | "flat_map")
}
