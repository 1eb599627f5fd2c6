//! Expressions: typing each one and lowering it to IR, names and fields,
//! `is` tests, presence narrowing, `if` and lists.

use std::sync::Arc;

use super::{ir, path, Checker, Env};
use crate::diag::codes;
use crate::ir::ExprKind as K;
use crate::source::Span;
use crate::suggest::suggest;
use crate::syntax::ast::{self, BinOp, ExprKind, IsTest, UnOp};
use crate::syntax::lexicon;

/// Whether a word after `is` (or a name) stands for the missing value:
/// `none`, or `null` and its kin from other languages.
pub(super) fn stands_for_none(word: &str) -> bool {
    word == "none"
        || lexicon::FOREIGN_VALUES
            .iter()
            .any(|(w, v)| *w == word && *v == "none")
}
use crate::types::Ty;
use crate::value::Value;

impl<'a> Checker<'a> {
    /// Paths known present when `e` evaluates to `when`. Looks through
    /// computed values (`let reassociated = x is present and …`).
    pub(super) fn presence(&self, e: &ast::Expr, when: bool) -> Vec<String> {
        self.presence_at(e, when, 0)
    }

    pub(super) fn presence_at(&self, e: &ast::Expr, when: bool, depth: usize) -> Vec<String> {
        if depth > 32 {
            return Vec::new();
        }
        match &e.kind {
            ExprKind::Is {
                subject,
                negated,
                test: IsTest::Present,
            } if when != *negated => path(subject).into_iter().collect(),
            ExprKind::Is {
                subject,
                negated,
                test: IsTest::Absent,
            } if when == *negated => path(subject).into_iter().collect(),
            // `x is some_variant` is only true when x is there.
            ExprKind::Is {
                subject,
                negated: false,
                test: IsTest::Variant(_),
            } if when => path(subject).into_iter().collect(),
            // `x is not none`, `x != none`: reported, read as meant.
            ExprKind::Is {
                subject,
                negated,
                test: IsTest::Variant(_),
            } if self.presence_slips.contains(&e.span) && when == *negated => {
                path(subject).into_iter().collect()
            }
            ExprKind::Binary(op @ (BinOp::Eq | BinOp::Ne), a, b)
                if self.presence_slips.contains(&e.span) && when == (*op == BinOp::Ne) =>
            {
                let value = if matches!(a.kind, ExprKind::None) {
                    b
                } else {
                    a
                };
                path(value).into_iter().collect()
            }
            ExprKind::Unary(UnOp::Not, inner) => self.presence_at(inner, !when, depth + 1),
            ExprKind::Binary(BinOp::And, a, b) if when => {
                let mut v = self.presence_at(a, true, depth + 1);
                v.extend(self.presence_at(b, true, depth + 1));
                v
            }
            ExprKind::Binary(BinOp::Or, a, b) if !when => {
                let mut v = self.presence_at(a, false, depth + 1);
                v.extend(self.presence_at(b, false, depth + 1));
                v
            }
            ExprKind::Name(n) => match self
                .names
                .let_index
                .get(n)
                .and_then(|&i| self.names.lets.get(i))
            {
                Some(l) => self.presence_at(l.expr, when, depth + 1),
                None => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    /// The presence test meant by an optional value that is not a bool,
    /// where true or false is needed (`when basket.coupon`), as a help:
    /// `basket.coupon is present`, or `is absent` where it is negated
    /// (`absent`). `None` for any other type.
    pub(super) fn presence_meant(&self, ty: &Ty, e: &ast::Expr, absent: bool) -> Option<String> {
        let Ty::Optional(inner) = ty else {
            return None;
        };
        if matches!(**inner, Ty::Bool | Ty::Any) {
            return None;
        }
        let src = match path(e) {
            Some(p) => p,
            None => format!("({})", self.src(e.span)),
        };
        Some(if absent {
            format!("to test whether it is missing, write `{src} is absent`")
        } else {
            format!("to test whether it is there, write `{src} is present`")
        })
    }

    /// Requires a present value: reports an optional used unchecked.
    pub(super) fn need(&mut self, ty: &Ty, e: &ast::Expr) -> Ty {
        if let Ty::Optional(inner) = ty {
            if matches!(**inner, Ty::Any) {
                let d = self
                    .diag(codes::CHECK_OPTIONAL_UNCHECKED, "`none` stands for a missing value and cannot be used here", e.span, "no value")
                    .help("to test whether a value is missing, write `x is absent`; `none` is for the branch of an `if` or an output that has no value");
                self.error(d);
            } else {
                let src = self.src(e.span).to_string();
                let d = self
                    .diag(codes::CHECK_OPTIONAL_UNCHECKED, format!("`{src}` may be absent, and is used here as if it were always there"), e.span, format!("{ty}"))
                    .help(format!("test it first (`{src} is present and …`) or give a default (`{src} otherwise …`)"));
                self.error(d);
            }
            return (**inner).clone();
        }
        ty.clone()
    }

    pub(super) fn expr(&mut self, e: &ast::Expr, env: &Env) -> (ir::Expr, Ty) {
        if self.nesting.expr >= self.nesting.max {
            // Computed values that read computed values: each alone is
            // shallow, the chain is not. Refuse rather than overflow.
            self.depth_exceeded(e.span);
            return (self.exprs.ir(K::Const(Value::Absent), e.span), Ty::Any);
        }
        self.nesting.expr += 1;
        self.nesting.max_seen = self.nesting.max_seen.max(self.nesting.expr);
        let r = self.expr_unguarded(e, env);
        self.nesting.expr -= 1;
        r
    }

    pub(super) fn expr_unguarded(&mut self, e: &ast::Expr, env: &Env) -> (ir::Expr, Ty) {
        let span = e.span;
        let (kind, ty) = match &e.kind {
            ExprKind::Bool(b) => (K::Const(Value::Bool(*b)), Ty::Bool),
            ExprKind::Int(text) => self.int_literal(text, span),
            ExprKind::Decimal(text) => self.decimal_literal(text, span),
            ExprKind::Str(t) => {
                let tmpl = self.template(t, env);
                match tmpl.parts.as_slice() {
                    [] => (K::Const(Value::Str(Arc::from(""))), Ty::Str),
                    [ir::Part::Text(s)] => (K::Const(Value::Str(s.clone())), Ty::Str),
                    _ => (K::Interp(tmpl), Ty::Str),
                }
            }
            ExprKind::None => (K::Const(Value::Absent), Ty::Any.optional()),
            ExprKind::Name(n) => self.name(e, n, span, env),
            ExprKind::Field(inner, f) => self.field(e, inner, f, env),
            ExprKind::Call(name, args) => self.call(name, args, span, env),
            ExprKind::List(items) => self.list(items, env),
            ExprKind::Unary(op, inner) => self.unary(*op, inner, env),
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, env),
            ExprKind::Is {
                subject,
                negated,
                test,
            } => self.is(subject, *negated, test, span, env),
            ExprKind::If(c, t, f) => self.if_else(c, t, f, env),
            ExprKind::Quant {
                kind,
                var,
                list,
                body,
            } => self.quant(*kind, var, list, body.as_deref(), span, env),
        };
        (self.exprs.ir(kind, span), ty)
    }

    /// `[a, b, …]`: elements of one type.
    fn list(&mut self, items: &[ast::Expr], env: &Env) -> (K, Ty) {
        let mut xs = Vec::new();
        let mut ty = Ty::Any;
        for item in items {
            let (x, t) = self.expr(item, env);
            let t = self.need(&t, item);
            match ty.unify(&t) {
                Some(u) => ty = u,
                None => {
                    self.mismatch(format!("a list holds values of one type, but this is {t:#} among values of type {ty}"), item.span, format!("{t}"), "make every element the same type");
                }
            }
            xs.push(x);
        }
        // `[]` is a constant: built once, not at every evaluation.
        let kind = if xs.is_empty() {
            K::Const(Value::List(Arc::from(Vec::new())))
        } else {
            K::List(xs)
        };
        (kind, Ty::List(Box::new(ty)))
    }

    /// `not x` and `-x`.
    fn unary(&mut self, op: UnOp, inner: &ast::Expr, env: &Env) -> (K, Ty) {
        let (x, t) = self.expr(inner, env);
        if let (UnOp::Not, Some(help)) = (op, self.presence_meant(&t, inner, true)) {
            self.mismatch(
                format!("`not` needs true or false, but this is {t:#}"),
                inner.span,
                format!("{t}"),
                &help,
            );
            return (K::Not(Box::new(x)), Ty::Bool);
        }
        let t = self.need(&t, inner);
        match op {
            UnOp::Not => {
                if !matches!(t, Ty::Bool | Ty::Any) {
                    self.mismatch(
                        format!("`not` needs true or false, but this is {t:#}"),
                        inner.span,
                        format!("{t}"),
                        "compare the value first, for example `not (x > 0)`",
                    );
                }
                (K::Not(Box::new(x)), Ty::Bool)
            }
            UnOp::Neg => {
                if !t.is_number() {
                    self.mismatch(
                        format!("`-` needs a number, but this is {t:#}"),
                        inner.span,
                        format!("{t}"),
                        "only numbers can be negated",
                    );
                }
                (K::Neg(Box::new(x)), t)
            }
        }
    }

    /// `if c then t else f`: each branch sees what `c` proves present.
    fn if_else(&mut self, c: &ast::Expr, t: &ast::Expr, f: &ast::Expr, env: &Env) -> (K, Ty) {
        let (cx, cty) = self.expr(c, env);
        self.need_condition(&cty, c);
        let (tx, tty) = self.expr(t, &env.with_present(self.presence(c, true)));
        let (fx, fty) = self.expr(f, &env.with_present(self.presence(c, false)));
        let ty = match tty.unify(&fty) {
            Some(u) => u,
            None => {
                let d = self
                    .diag(
                        codes::CHECK_TYPE_MISMATCH,
                        format!("the two branches of `if` give different types: {tty} and {fty}"),
                        t.span,
                        format!("{tty}"),
                    )
                    .label(self.report.sources, f.span, format!("{fty}"))
                    .help("make both branches give the same type of value");
                self.error(d);
                Ty::Any
            }
        };
        (K::If(Box::new(cx), Box::new(tx), Box::new(fx)), ty)
    }

    pub(super) fn visible_names(&self, env: &Env) -> Vec<String> {
        let mut v: Vec<String> = env.locals.iter().map(|(n, _)| n.to_string()).collect();
        v.extend(self.names.let_index.keys().map(|k| k.to_string()));
        v.extend(self.names.roots.fields.iter().map(|f| f.name.to_string()));
        // The value being defined is no candidate for its own use.
        if let Some(&current) = self.names.let_stack.last() {
            if let Some(l) = self.names.lets.get(current) {
                let own = l.name.node.to_string();
                v.retain(|n| *n != own);
            }
        }
        v
    }

    /// `ty` without its `optional` where `e` is known to be present. The
    /// access path is spelled out only for an optional value.
    pub(super) fn narrow(&self, ty: Ty, e: &ast::Expr, env: &Env) -> Ty {
        if !ty.is_optional() || env.present.is_empty() {
            return ty;
        }
        match path(e) {
            Some(p) if env.present.contains(&p) => ty.required().clone(),
            _ => ty,
        }
    }

    pub(super) fn name(
        &mut self,
        whole: &ast::Expr,
        n: &Arc<str>,
        span: Span,
        env: &Env,
    ) -> (K, Ty) {
        if let Some(slot) = env.locals.iter().rposition(|(l, _)| l == n) {
            let ty = env.locals.get(slot).map_or(Ty::Any, |(_, t)| t.clone());
            return (K::Local(slot), self.narrow(ty, whole, env));
        }
        if &**n == "allowed" {
            if self.reads.flags.allowed.is_none() {
                self.reads.flags.allowed = Some(span);
            }
            return (K::Allowed, Ty::Bool);
        }
        if let Some(&i) = self.names.let_index.get(n) {
            let ty = self.let_type(i, Some(span));
            return (K::Let(i), self.narrow(ty, whole, env));
        }
        if let Some((i, root)) = self.names.roots.field(n) {
            let ty = root.ty.clone();
            self.reads
                .fields
                .insert((Arc::as_ptr(&self.names.roots) as usize, i));
            self.reads.flags.facts = true;
            return (K::Root(i), self.narrow(ty, whole, env));
        }
        if self.names.unparsed.contains(n) {
            // Declared by an item with a syntax error, already reported.
            return (K::Const(Value::Absent), Ty::Any);
        }
        if let Some(&declared) = self.names.outputs.get(n) {
            let d = self
                .diag(
                    codes::CHECK_UNKNOWN_NAME,
                    format!("`{n}` is an output, and an output cannot be read"),
                    span,
                    "an output, not a value",
                )
                .label(self.report.sources, declared, "declared as an output here")
                .help(format!(
                    "compute the value once with `let`, for example `let {n}_value = …`, read `{n}_value` here and write `output {n} = {n}_value`"
                ));
            self.error(d);
            return (K::Const(Value::Absent), Ty::Any);
        }
        self.echoes.unknown.push(n.clone());
        let names = self.visible_names(env);
        let help = match lexicon::FOREIGN_VALUES.iter().find(|(w, _)| **w == **n) {
            Some((_, "none")) => "did you mean `none`? It is the missing value; to test for it, write `x is absent` (or `x is present`)".to_string(),
            Some((_, value)) => format!("did you mean `{value}`?"),
            None => self.did_you_mean(n, names.iter().map(String::as_str).collect()),
        };
        let d = self
            .diag(
                codes::CHECK_UNKNOWN_NAME,
                format!("unknown name `{n}`"),
                span,
                "not declared",
            )
            .help(help);
        self.error(d);
        (K::Const(Value::Absent), Ty::Any)
    }

    pub(super) fn field(
        &mut self,
        whole: &ast::Expr,
        inner: &ast::Expr,
        f: &ast::Ident,
        env: &Env,
    ) -> (K, Ty) {
        let (x, ty) = self.expr(inner, env);
        let optional = ty.is_optional();
        let result = match ty.required() {
            Ty::Record(r) => match r.field(&f.node) {
                Some((i, field)) => {
                    self.reads.fields.insert((Arc::as_ptr(r) as usize, i));
                    let t = if optional {
                        field.ty.clone().optional()
                    } else {
                        field.ty.clone()
                    };
                    return (K::Field(Box::new(x), i), self.narrow(t, whole, env));
                }
                None => {
                    self.echoes.unknown.push(f.node.clone());
                    let help =
                        self.did_you_mean(&f.node, r.fields.iter().map(|f| &*f.name).collect());
                    let owner = self.src(inner.span).to_string();
                    let d = self
                        .diag(
                            codes::CHECK_UNKNOWN_FIELD,
                            format!("`{owner}` has no field `{}`", f.node),
                            f.span,
                            "unknown field",
                        )
                        .help(help);
                    self.error(d);
                    Ty::Any
                }
            },
            Ty::Any => Ty::Any,
            other => {
                let owner = self.src(inner.span).to_string();
                self.mismatch(
                    format!("`{owner}` is {other:#}, which has no fields"),
                    f.span,
                    "no such field".into(),
                    "only records (schemas and `{ … }` types) have fields",
                )
            }
        };
        (K::Const(Value::Absent), result)
    }

    /// `x is VARIANT` on an enum, or a bare variant name in `==`/`in`.
    pub(super) fn variant(&mut self, ty: &Ty, v: &ast::Ident) -> Option<Value> {
        match ty {
            Ty::Enum(en) => match en.variants.iter().find(|x| ***x == *v.node) {
                Some(x) => Some(Value::Enum(x.clone())),
                None => {
                    let help =
                        self.did_you_mean(&v.node, en.variants.iter().map(|x| &**x).collect());
                    let d = self
                        .diag(
                            codes::CHECK_UNKNOWN_VARIANT,
                            format!("`{}` is not a variant of `{ty}`", v.node),
                            v.span,
                            "unknown variant",
                        )
                        .help(help);
                    self.error(d);
                    None
                }
            },
            _ => None,
        }
    }

    pub(super) fn is(
        &mut self,
        subject: &ast::Expr,
        negated: bool,
        test: &IsTest,
        span: Span,
        env: &Env,
    ) -> (K, Ty) {
        let (x, ty) = self.expr(subject, env);
        match test {
            IsTest::Present | IsTest::Absent => {
                let present = matches!(test, IsTest::Present) != negated;
                (K::IsPresent(Box::new(x), present), Ty::Bool)
            }
            IsTest::Variant(v) => {
                // An optional enum may be tested directly: absent is no variant.
                let t = ty.required().clone();
                let variants: &[Arc<str>] = match &t {
                    Ty::Enum(en) => &en.variants,
                    _ => &[],
                };
                let known = variants.iter().any(|x| **x == *v.node);
                if !known && stands_for_none(&v.node) && !matches!(t, Ty::Any) {
                    let written = format!("is {}{}", if negated { "not " } else { "" }, v.node);
                    self.presence_slip(subject, span, negated, &written);
                    return (K::IsPresent(Box::new(x), negated), Ty::Bool);
                }
                let test_word = suggest(&v.node, ["present", "absent"]).filter(|_| {
                    !known && suggest(&v.node, variants.iter().map(|x| &**x)).is_none()
                });
                let value = match (&t, test_word) {
                    (Ty::Any, _) => None,
                    (_, Some(word)) => {
                        let d = self
                            .diag(
                                codes::CHECK_UNKNOWN_NAME,
                                format!("`is` cannot test `{}`", v.node),
                                v.span,
                                "unknown test",
                            )
                            .help(format!(
                                "did you mean `is {word}`? `is` tests `present`, `absent` or a variant of an enum"
                            ));
                        self.error(d);
                        None
                    }
                    (Ty::Enum(_), None) => self.variant(&t, v),
                    (other, None) => {
                        let src = self.src(subject.span).to_string();
                        let help = match (&other, &*v.node) {
                            (Ty::List(_), "empty") => {
                                format!("a list is empty when `length({src}) == 0`")
                            }
                            (Ty::Str, "empty") => format!("a text is empty when `{src} == \"\"`"),
                            _ => "`is` tests `present`, `absent` or a variant of an enum; use `==` to compare other values".to_string(),
                        };
                        self.mismatch(
                            format!("`is {}` tests an enum, but `{src}` is {other:#}", v.node),
                            subject.span,
                            format!("{other}"),
                            &help,
                        );
                        None
                    }
                };
                (
                    K::IsVariant(Box::new(x), value.unwrap_or(Value::Absent), negated),
                    Ty::Bool,
                )
            }
        }
    }

    /// Reports a presence test written with `none` (`written`: `!= none`,
    /// `is not none`, …) on `subject`, over `span`: `present` says whether
    /// it meant `is present`. It is then read as that test.
    pub(super) fn presence_slip(
        &mut self,
        subject: &ast::Expr,
        span: Span,
        present: bool,
        written: &str,
    ) {
        let src = self.src(subject.span).to_string();
        let (test, what) = if present {
            ("is present", "that a value is there")
        } else {
            ("is absent", "that a value is missing")
        };
        let d = self
            .diag(
                codes::CHECK_OPTIONAL_UNCHECKED,
                format!(
                    "`{written}` does not test {what}: `{}` is not a value",
                    written.rsplit(' ').next().unwrap_or("none")
                ),
                span,
                "not a presence test",
            )
            .help(format!("write `{src} {test}`"));
        self.error(d);
        self.presence_slips.insert(span);
    }

    /// Whether a bare name resolves to something other than an enum variant.
    pub(super) fn resolves(&self, n: &str, env: &Env) -> bool {
        env.locals.iter().any(|(l, _)| &**l == n)
            || n == "allowed"
            || self.names.let_index.contains_key(n)
            || self.names.roots.field(n).is_some()
    }

    /// Checks `e` where an enum of type `want` is expected: bare variant names
    /// are accepted as values.
    pub(super) fn expr_expecting(&mut self, e: &ast::Expr, want: &Ty, env: &Env) -> (ir::Expr, Ty) {
        if let (ExprKind::Name(n), Ty::Enum(_)) = (&e.kind, want) {
            if !self.resolves(n, env) {
                let ident = ast::Ident::new(n.clone(), e.span);
                let v = self.variant(want, &ident).unwrap_or(Value::Absent);
                return (self.exprs.ir(K::Const(v), e.span), want.clone());
            }
        }
        if let (ExprKind::List(items), Ty::Enum(_)) = (&e.kind, want) {
            // Variants written as texts, reported once for the list and
            // then read as the variants they name.
            let quoted: Vec<(&ast::Expr, &str)> = items
                .iter()
                .filter_map(|item| Some((item, super::literals::plain_text(item)?)))
                .filter(|(_, t)| {
                    t.chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                        && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
                .collect();
            if let (Some(((first, _), rest)), Ty::Enum(en)) = (quoted.split_first(), want) {
                let is_variant = |t: &str| en.variants.iter().any(|v| **v == *t);
                let mut strays: Vec<String> = Vec::new();
                let written: Vec<String> = items
                    .iter()
                    .filter_map(|item| {
                        let Some((_, t)) = quoted.iter().find(|(q, _)| std::ptr::eq(*q, item))
                        else {
                            return Some(self.src(item.span).to_string());
                        };
                        if is_variant(t) {
                            return Some(t.to_string());
                        }
                        match suggest(t, en.variants.iter().map(|v| &**v)) {
                            Some(near) => {
                                strays.push(format!("`{near}` for `{t}`"));
                                Some(near)
                            }
                            None => {
                                strays.push(format!("no `{t}`: it is not a variant"));
                                None
                            }
                        }
                    })
                    .collect();
                let d = rest.iter().fold(
                    self.diag(
                        codes::CHECK_TYPE_MISMATCH,
                        format!("the variants of `{want}` are written without quotes"),
                        first.span,
                        "a text, not a variant",
                    ),
                    |d, (q, _)| d.label(self.report.sources, q.span, "a text"),
                );
                let mut help = format!("write `[{}]`", written.join(", "));
                if !strays.is_empty() {
                    help.push_str(&format!(" ({})", strays.join("; ")));
                }
                self.error(d.help(help));
            }
            let mut xs = Vec::new();
            for item in items {
                if quoted.iter().any(|(q, _)| std::ptr::eq(*q, item)) {
                    // Reported above.
                    xs.push(self.exprs.ir(K::Const(Value::Absent), item.span));
                    continue;
                }
                let (x, t) = self.expr_expecting(item, want, env);
                let t = self.need(&t, item);
                if t.unify(want).is_none() {
                    self.mismatch(
                        format!("this list holds values of `{want}`, but this is {t:#}"),
                        item.span,
                        format!("{t}"),
                        "make every element the same type",
                    );
                }
                xs.push(x);
            }
            return (
                self.exprs.ir(K::List(xs), e.span),
                Ty::List(Box::new(want.clone())),
            );
        }
        self.expr(e, env)
    }
}
