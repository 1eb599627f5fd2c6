//! Lowering to IR: the parts of a package the checker compiled, and their
//! assembly into the [`ir::Program`] the evaluator runs.

use std::sync::Arc;

use crate::ir;
use crate::limits::Limits;
use crate::source::Sources;
use crate::types::RecordTy;

/// The compiled parts of a package, as the checker's items give them.
pub(super) struct Lowered {
    /// The package name.
    pub(super) name: Arc<str>,
    /// The schema roots, as one record.
    pub(super) schema: Arc<RecordTy>,
    /// How a request is identified, if it is.
    pub(super) identifier: Identifier,
    /// The computed values, by index.
    pub(super) lets: Vec<ir::Let>,
    /// The deny rules, in declaration order.
    pub(super) denies: Vec<ir::Rule>,
    /// The note rules, in declaration order.
    pub(super) notes: Vec<ir::Rule>,
    /// The outputs, in declaration order.
    pub(super) outputs: Vec<ir::Output>,
}

/// The compiled `requests are identified by …` line.
#[derive(Default)]
pub(super) struct Identifier {
    /// The expression that reads the identifier, if it checked.
    pub(super) expr: Option<ir::Expr>,
    /// The field names of its path, as written.
    pub(super) path: Vec<Arc<str>>,
}

/// The compiled rules of a package, by effect.
#[derive(Default)]
pub(super) struct Rules {
    /// The deny rules, in declaration order.
    pub(super) denies: Vec<ir::Rule>,
    /// The note rules, in declaration order.
    pub(super) notes: Vec<ir::Rule>,
}

impl Lowered {
    /// The program these parts make, with `guard_count` memo slots.
    pub(super) fn program(
        self,
        sources: Sources,
        guard_count: usize,
        limits: Limits,
    ) -> ir::Program {
        let output_decls = self
            .outputs
            .iter()
            .map(|o| crate::ir::OutputDecl {
                name: o.name.clone(),
                ty: o.ty.clone(),
            })
            .collect();
        ir::Program {
            sources,
            name: self.name,
            schema: self.schema,
            identifier: self.identifier.expr,
            identifier_path: self.identifier.path,
            lets: self.lets,
            denies: self.denies,
            notes: self.notes,
            outputs: self.outputs,
            output_decls,
            guard_count,
            limits,
            shown: std::sync::OnceLock::new(),
        }
    }
}
