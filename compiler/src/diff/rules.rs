//! The rules of `weft diff` beyond single-schema changes (those come from
//! `weft_compat::RULES`): contracts as a whole, versions, flows, systems,
//! policies, ownership, mapping lineage and approvals. Ids never change meaning.

/// One rule.
pub struct DiffRule {
    pub id: &'static str,
    /// `error`, `warning` or `info` (contract changes: see their verdicts).
    pub severity: &'static str,
    pub summary: &'static str,
}

const fn rule(id: &'static str, severity: &'static str, summary: &'static str) -> DiffRule {
    DiffRule {
        id,
        severity,
        summary,
    }
}

/// Every rule `weft diff` reports besides the schema changes.
pub const DIFF_RULES: &[DiffRule] = &[
    rule("contract-added", "info", "A new contract."),
    rule("contract-major-added", "info", "A new major of a contract, published alongside the existing ones: nothing breaks."),
    rule("contract-removed", "error", "A contract (a name and major) is gone without a newer major replacing it; error when a flow or mapping used it, info otherwise."),
    rule("schema-not-comparable", "warning", "One of the two schemas cannot be compared (for example an unresolvable `$ref`); compatibility is unknown."),
    rule("property-removed-after-sunset", "info", "A deprecated property removed within its major after its `sunset:` date: removal on schedule, not a break of the version."),
    rule("version-not-increased", "error", "The contract's accepted documents changed but its version did not go up. Cannot be approved: raise the version."),
    rule("version-major-required", "error", "A change breaks documents in a direction (backward or forward) but the major version stayed the same. Cannot be approved: publish a new major (alongside the old one while consumers move) or undo the change."),
    rule("version-minor-required", "error", "The accepted documents changed compatibly but only the patch version went up; additions need a new minor. Cannot be approved."),
    rule("flow-added", "info", "A new flow."),
    rule("flow-removed", "warning", "A flow is gone: its trigger no longer delivers anywhere."),
    rule("flow-trigger-changed", "warning", "A flow's trigger (system, topic, endpoint, schedule, cursor) changed."),
    rule("flow-idempotency-key-changed", "error", "A flow's idempotency key changed: messages received before are no longer recognised as duplicates, so a re-sent one is delivered twice."),
    rule("flow-ordering-key-changed", "warning", "A flow's ordering key changed: order across the change is not guaranteed."),
    rule("flow-endpoint-changed", "warning", "A flow delivers to other endpoints than before."),
    rule("flow-policy-changed", "warning", "A delivery of a flow runs under another policy; weakening is reported by the policy rules too."),
    rule("policy-added", "info", "A new policy."),
    rule("policy-removed", "warning", "A policy is gone."),
    rule("policy-retries-reduced", "error", "Fewer delivery attempts than before (for a policy, or for a delivery that changed policy): failures that used to recover now fail."),
    rule("policy-dead-letter-disabled", "error", "Failed deliveries no longer go to the dead-letter queue: they are dropped after the last attempt."),
    rule("policy-timeout-shortened", "warning", "Each attempt times out sooner than before."),
    rule("system-added", "info", "A new system."),
    rule("system-removed", "warning", "A system is gone."),
    rule("system-base-url-changed", "warning", "A system's base URL (or the secret reference holding it) changed."),
    rule("system-auth-changed", "warning", "How requests to a system authenticate changed; the runtime needs the new credentials first."),
    rule("ownership-record-changed", "warning", "The system of record of a domain changed (or a domain gained or lost one)."),
    rule("field-ownership-changed", "warning", "The system of record of a field changed."),
    rule("mapping-added", "info", "A new mapping."),
    rule("mapping-removed", "info", "A mapping is gone (flows that used it fail `weft check`)."),
    rule("mapping-lineage-changed", "warning", "A mapping's target field is computed from other source fields than before."),
    rule("approval-expired", "warning", "An approval in `weft-approvals.yaml` names a change but its expiry date has passed: it approves nothing."),
    rule("approval-unused", "info", "An approval in `weft-approvals.yaml` names no change of this diff."),
];
