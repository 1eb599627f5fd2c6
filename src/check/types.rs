//! Type expressions: named types (and their cycles) and their lowering
//! into [`Ty`].

use std::sync::Arc;

use super::Checker;
use crate::diag::codes;
use crate::suggest::suggest;
use crate::syntax::{ast, lexicon};
use crate::types::{EnumTy, FieldTy, RecordTy, Ty};

impl<'a> Checker<'a> {
    pub(super) fn named_type(&mut self, n: &ast::Ident) -> Ty {
        if let Some(t) = self.types.resolved.get(&n.node) {
            return t.clone();
        }
        let Some(decl) = self.types.decls.get(&n.node).copied() else {
            if self.names.unparsed.contains(&n.node) {
                // Declared by an item with a syntax error, already reported.
                return Ty::Any;
            }
            let mut candidates: Vec<&str> = self.types.decls.keys().map(|k| &**k).collect();
            candidates.extend(lexicon::PRIM_TYPES.iter().map(|(w, _)| *w));
            let help = match suggest(&n.node, candidates) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "use {}, or declare it with `type name = …`",
                    lexicon::prim_list()
                ),
            };
            let d = self
                .diag(
                    codes::CHECK_UNKNOWN_TYPE,
                    format!("unknown type `{}`", n.node),
                    n.span,
                    "not a type",
                )
                .help(help);
            self.error(d);
            return Ty::Any;
        };
        if self.types.resolving.contains(&n.node) {
            let d = self
                .diag(
                    codes::CHECK_RECURSIVE_TYPE,
                    format!("type `{}` is defined in terms of itself", n.node),
                    n.span,
                    "refers back to itself",
                )
                .help("a type cannot contain itself; describe the data without the loop");
            self.error(d);
            return Ty::Any;
        }
        self.types.resolving.push(n.node.clone());
        let t = self.lower_type(decl);
        self.types.resolving.pop();
        self.types.resolved.insert(n.node.clone(), t.clone());
        t
    }

    pub(super) fn lower_type(&mut self, t: &ast::TypeExpr) -> Ty {
        if self.nesting.types >= self.nesting.max {
            if !self.nesting.too_deep {
                self.nesting.too_deep = true;
                let d = self
                    .diag(
                        codes::LIMIT_DEPTH,
                        format!(
                            "this type nests more than {} levels deep, counting the named types it uses",
                            self.nesting.max
                        ),
                        t.span(),
                        "nested too deeply",
                    )
                    .help("describe the data with fewer levels of lists, records and named types, or raise the limit (`--max-depth`) for a package you trust");
                self.error(d);
            }
            return Ty::Any;
        }
        self.nesting.types += 1;
        let ty = self.lower_type_node(t);
        self.nesting.types -= 1;
        ty
    }

    pub(super) fn lower_type_node(&mut self, t: &ast::TypeExpr) -> Ty {
        match t {
            ast::TypeExpr::Prim(p) => match p.node {
                ast::Prim::Bool => Ty::Bool,
                ast::Prim::Int => Ty::Int,
                ast::Prim::Decimal => Ty::Decimal,
                ast::Prim::String => Ty::Str,
                ast::Prim::Date => Ty::Date,
                ast::Prim::DateTime => Ty::DateTime,
            },
            ast::TypeExpr::Optional(inner, _) => self.lower_type(inner).optional(),
            ast::TypeExpr::List(inner, _) => Ty::List(Box::new(self.lower_type(inner))),
            ast::TypeExpr::Enum(variants, _) => {
                let mut names: Vec<Arc<str>> = Vec::new();
                for v in variants {
                    if crate::syntax::lexicon::is_keyword(&v.node) {
                        self.reserved_variant(v);
                    }
                    if let Some(i) = names.iter().position(|n| *n == v.node) {
                        let first = variants.get(i).map_or(v.span, |f| f.span);
                        self.duplicate("variant", v, first);
                    } else {
                        names.push(v.node.clone());
                    }
                }
                Ty::Enum(Arc::new(EnumTy { variants: names }))
            }
            ast::TypeExpr::Record(fields, _) => {
                let mut out: Vec<FieldTy> = Vec::new();
                for (n, ft) in fields {
                    if let Some(first) = out.iter().find(|f| f.name == n.node).map(|f| f.span) {
                        self.duplicate("field", n, first);
                        continue;
                    }
                    let ty = self.lower_type(ft);
                    out.push(FieldTy {
                        name: n.node.clone(),
                        ty,
                        span: n.span,
                    });
                }
                Ty::Record(Arc::new(RecordTy { fields: out }))
            }
            ast::TypeExpr::Named(n) => self.named_type(n),
        }
    }
}
