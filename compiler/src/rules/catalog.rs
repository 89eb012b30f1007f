//! Every rule weft knows, with its documentation. Ids and codes are stable:
//! never renumber or rename one; retire it instead.

use super::{Category, Rule};
use crate::diagnostic::Severity::{Error, Warning};

pub static UNREADABLE_FILE: Rule = Rule {
    id: "unreadable-file",
    code: "WF001",
    category: Category::Syntax,
    default_severity: Error,
    configurable: false,
    summary: "A spec file could not be read (permissions, not UTF-8, a broken link).",
    why: "weft cannot check what it cannot read; a silently skipped file would hide its flows from review.",
    fix: "Make the file readable and UTF-8 encoded, or exclude it in `weft.yaml` (`exclude: [glob]`).",
    example: "(a file saved as UTF-16)",
};

pub static YAML_SYNTAX: Rule = Rule {
    id: "yaml-syntax",
    code: "WF002",
    category: Category::Syntax,
    default_severity: Error,
    configurable: false,
    summary: "The file is not valid YAML.",
    why: "Nothing in a file that does not parse can be checked.",
    fix: "Fix the YAML at the position shown: usually indentation, an unclosed bracket or quote, or a `:` inside an unquoted value.",
    example: "fields: { id: { type: string }\n",
};

pub static DUPLICATE_KEY: Rule = Rule {
    id: "duplicate-key",
    code: "WF003",
    category: Category::Syntax,
    default_severity: Error,
    configurable: false,
    summary: "A mapping holds the same key twice.",
    why: "YAML parsers disagree on which value wins; weft refuses to guess.",
    fix: "Keep one of the two entries (both locations are shown).",
    example: "name: Order\nname: Orders\n",
};

pub static INPUT_LIMIT: Rule = Rule {
    id: "input-limit",
    code: "WF004",
    category: Category::Syntax,
    default_severity: Error,
    configurable: false,
    summary: "A file exceeds a safety limit (size, nesting depth, or alias expansion).",
    why: "Limits keep a hostile or runaway file (a \"billion laughs\" alias bomb, say) from exhausting CI machines.",
    fix: "Split the file, flatten deep nesting, or stop using anchors/aliases to multiply content.",
    example: "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n# ... and so on\n",
};

pub static UNKNOWN_KIND: Rule = Rule {
    id: "unknown-kind",
    code: "WF005",
    category: Category::Syntax,
    default_severity: Error,
    configurable: false,
    summary: "A document has no `kind:`, or a kind weft does not know.",
    why: "The kind decides how a document is read; without it the document cannot be checked.",
    fix: "Add `kind:` with one of contract, system, ownership, policy, flow, mapping, test. JSON Schema files referenced by a contract's `$ref` are not specs and are skipped automatically.",
    example: "name: Order\nversion: 1.0.0\n",
};

pub static MAPPING_SYNTAX: Rule = Rule {
    id: "mapping-syntax",
    code: "WF006",
    category: Category::Syntax,
    default_severity: Error,
    configurable: false,
    summary: "A mapping is not valid mapping-language syntax: its `.weft` header (`mapping NAME: Source@N -> Target@N { ... }`) or a line of its body.",
    why: "A mapping that does not parse cannot be checked against its contracts or run; every broken line is reported at once.",
    fix: "Write each mapping as `mapping NAME: Source@MAJOR -> Target@MAJOR { ... }` and each body line as `target_field = expression` or `let name = expression`; the message says what was expected where.",
    example: "mapping to_order shopify.Order@1 -> Order@1 {\n",
};

pub static INVALID_SPEC: Rule = Rule {
    id: "invalid-spec",
    code: "WF101",
    category: Category::Structure,
    default_severity: Error,
    configurable: false,
    summary: "A document does not have the structure of its kind (unknown key, wrong type, missing key).",
    why: "A misspelt key would otherwise be ignored silently, and the setting it was meant to hold would not apply.",
    fix: "Follow the hint; `docs/specs.md` and `schemas/weft-spec.schema.json` describe every kind.",
    example: "kind: policy\nname: p\nretries: 3\n",
};

pub static INVALID_VERSION: Rule = Rule {
    id: "invalid-version",
    code: "WF102",
    category: Category::Structure,
    default_severity: Error,
    configurable: false,
    summary: "A version is not a semantic version, or a reference does not pin a major version.",
    why: "`weft diff` decides whether a change is breaking by comparing semantic versions; references pin a major so a breaking change never reaches a consumer unannounced.",
    fix: "Write versions as MAJOR.MINOR.PATCH (`2.1.0`, quoted or not) and references as `Name@MAJOR` (`Order@2`).",
    example: "kind: contract\nname: Order\nversion: \"2.1\"\n",
};

pub static INVALID_CONTRACT: Rule = Rule {
    id: "invalid-contract",
    code: "WF103",
    category: Category::Structure,
    default_severity: Error,
    configurable: false,
    summary: "A contract's fields or JSON Schema are not valid (bad schema, unreadable `$ref` file, a keyword on the wrong type).",
    why: "The contract is what the runtime validates payloads against; an invalid one would accept or reject the wrong documents.",
    fix: "Fix the schema or field at the location shown; for JSON Schema, check it against the draft named in `$schema` (2020-12 by default).",
    example: "fields:\n  sku: { type: string, minimum: 1 }\n",
};

pub static INVALID_SETTING: Rule = Rule {
    id: "invalid-setting",
    code: "WF104",
    category: Category::Structure,
    default_severity: Error,
    configurable: false,
    summary: "A setting has a value that cannot work (backoff max below initial, an unknown rule id in `lint:`, a cron expression with the wrong number of fields).",
    why: "Such settings would be ignored or misbehave at run time, far from where they were written.",
    fix: "Follow the hint to give the setting a value in range.",
    example: "retry:\n  backoff: { initial: 10s, max: 1s }\n",
};

pub static UNKNOWN_REFERENCE: Rule = Rule {
    id: "unknown-reference",
    code: "WF201",
    category: Category::Resolution,
    default_severity: Error,
    configurable: false,
    summary: "A reference names a contract, system, endpoint, policy or mapping that does not exist.",
    why: "A flow with a dangling reference cannot be planned or run.",
    fix: "Correct the name (a close match is suggested) or add the missing spec; contracts are referenced as `Name@MAJOR` and endpoints as `system.endpoint`.",
    example: "deliver: erp.create_salesorder\n",
};

pub static DUPLICATE_NAME: Rule = Rule {
    id: "duplicate-name",
    code: "WF202",
    category: Category::Resolution,
    default_severity: Error,
    configurable: false,
    summary: "Two specs of the same kind have the same name (for contracts: the same name and major version).",
    why: "References would be ambiguous.",
    fix: "Rename one of them, or delete the copy (both locations are shown). Two majors of a contract may live side by side; two versions with the same major may not.",
    example: "kind: policy\nname: erp-posting\n---\nkind: policy\nname: erp-posting\n",
};

pub static IMPORT_CYCLE: Rule = Rule {
    id: "import-cycle",
    code: "WF203",
    category: Category::Resolution,
    default_severity: Error,
    configurable: false,
    summary: "Packages import each other in a cycle.",
    why: "A cycle has no well-defined load order and usually means a package boundary is in the wrong place.",
    fix: "Move what both packages need into a third package that both import.",
    example: "# a/weft.yaml imports ../b, and b/weft.yaml imports ../a\n",
};

pub static UNKNOWN_IMPORT: Rule = Rule {
    id: "unknown-import",
    code: "WF204",
    category: Category::Resolution,
    default_severity: Error,
    configurable: false,
    summary: "An import names a standard-library package or folder that does not exist.",
    why: "Specs that rely on the import would not resolve.",
    fix: "Use a package listed by the hint (`std/distribution@1`), or a path to a folder holding a `weft.yaml`.",
    example: "imports:\n  - std/distributon@1\n",
};

pub static STEP_CONTRACT_MISMATCH: Rule = Rule {
    id: "step-contract-mismatch",
    code: "WF205",
    category: Category::Resolution,
    default_severity: Error,
    configurable: false,
    summary: "A flow step receives a different contract than it expects (a mapping's source, an endpoint's body, the trigger's payload).",
    why: "The payload would fail validation or mapping on every message at run time.",
    fix: "Insert or change a `map` step so the contract at that point is the one the step expects, or fix the flow's `source`.",
    example: "source: shopify.Order@1\nsteps:\n  - deliver: erp.create_sales_order   # expects erp.SalesOrder@3\n",
};

pub static UNKNOWN_FIELD: Rule = Rule {
    id: "unknown-field",
    code: "WF206",
    category: Category::Resolution,
    default_severity: Error,
    configurable: false,
    summary: "A path such as `source.customer.id` (in a key expression or an ownership rule) names a field the contract does not have.",
    why: "The key would be empty for every message: idempotency and ordering would silently stop working.",
    fix: "Use a field of the contract (a close match is suggested).",
    example: "idempotency_key: source.order_id   # the contract has `id`\n",
};

pub static CONNECTOR_MISMATCH: Rule = Rule {
    id: "connector-mismatch",
    code: "WF207",
    category: Category::Resolution,
    default_severity: Error,
    configurable: false,
    summary: "A system section or a trigger does not match the system's declared connectors (a webhook trigger on a system without `webhook`, `files:` without `file`).",
    why: "The runtime starts listeners, pollers and file watchers from the connectors; a mismatch means a flow that never receives anything.",
    fix: "Add the connector to the system's `connector:` list, or use a trigger that matches it.",
    example: "kind: system\nname: erp\nconnector: http\nwebhook: { topics: {} }\n",
};

pub static RECORD_OVERWRITE: Rule = Rule {
    id: "record-overwrite",
    code: "WF301",
    category: Category::Ownership,
    default_severity: Error,
    configurable: false,
    summary: "A flow writes a domain (or an owned field) into its system of record from a source that is neither the record nor an allowed originator.",
    why: "The authoritative copy would be overwritten by a non-authoritative one: the classic cause of oversold stock and wrong prices.",
    fix: "Reverse the flow's direction, deliver to a non-record system, or (if the source really may create records) add it to the domain's `originators`. Originators may create records (a `POST` endpoint) carrying owned fields; updating an owned field (`PUT`/`PATCH`) from another system is always reported.",
    example: "# ownership: inventory: { record: wms }\nkind: flow\ndomain: inventory\ntrigger: { webhook: { system: shopify, topic: inventory } }\nsteps: [ { deliver: wms.set_stock } ]\n",
};

pub static CONFLICTING_WRITERS: Rule = Rule {
    id: "conflicting-writers",
    code: "WF302",
    category: Category::Ownership,
    default_severity: Error,
    configurable: false,
    summary: "Two flows write the same field into the same system from different sources.",
    why: "The last writer wins at random; values flap between sources and nobody can say which is right.",
    fix: "Pick one source for the field (declare it in `ownership.fields`), and make the other flow not write it.",
    example: "# flow a: erp -> shopify.update_price; flow b: wms -> shopify.update_price\n",
};

pub static FLOW_MISSING_IDEMPOTENCY_KEY: Rule = Rule {
    id: "flow-missing-idempotency-key",
    code: "WF401",
    category: Category::Lint,
    default_severity: Warning,
    configurable: true,
    summary: "A flow has no `idempotency_key`.",
    why: "Without a key, a retried or re-sent message can create a second order, shipment or invoice in the target system.",
    fix: "Add `idempotency_key:` with a path that identifies the business object, e.g. `source.id`.",
    example: "kind: flow\nname: orders-to-erp\n# no idempotency_key\n",
};

pub static FLOW_MISSING_POLICY: Rule = Rule {
    id: "flow-missing-policy",
    code: "WF402",
    category: Category::Lint,
    default_severity: Warning,
    configurable: true,
    summary: "A flow that delivers has no `policy` (neither on the flow nor on every deliver step).",
    why: "Without a policy, timeouts, retries and dead-lettering fall back to defaults nobody reviewed.",
    fix: "Add `policy: NAME` to the flow (for example one of the standard library's `std-*` policies).",
    example: "kind: flow\nsteps:\n  - deliver: erp.create_sales_order\n",
};

pub static DELIVERY_WITHOUT_RETRY: Rule = Rule {
    id: "delivery-without-retry",
    code: "WF403",
    category: Category::Lint,
    default_severity: Warning,
    configurable: true,
    summary: "A deliver step's policy has no `retry` or does not dead-letter failures.",
    why: "Transient errors (timeouts, 429, 5xx) then lose messages, or failures disappear without a trace: nothing may fail silently.",
    fix: "Give the policy a `retry:` section and `dead_letter: true`.",
    example: "kind: policy\nname: fire-and-forget\ntimeout: 5s\n",
};

pub static CONTRACT_MISSING_OWNER: Rule = Rule {
    id: "contract-missing-owner",
    code: "WF404",
    category: Category::Lint,
    default_severity: Warning,
    configurable: true,
    summary: "A contract has no `owner`.",
    why: "Breaking changes need someone to approve them and consumers need someone to ask.",
    fix: "Add `owner:` naming the team responsible for the contract.",
    example: "kind: contract\nname: Order\nversion: 1.0.0\n",
};

pub static UNPINNED_CONTRACT_REFERENCE: Rule = Rule {
    id: "unpinned-contract-reference",
    code: "WF405",
    category: Category::Lint,
    default_severity: Warning,
    configurable: true,
    summary: "A contract reference does not pin a major version (`Order` instead of `Order@2`).",
    why: "An unpinned reference follows the newest major, so publishing a breaking version silently changes every flow that uses it.",
    fix: "Pin the major version: `Order@2`.",
    example: "source: Order\n",
};

pub static LITERAL_SECRET: Rule = Rule {
    id: "literal-secret",
    code: "WF406",
    category: Category::Lint,
    default_severity: Error,
    // Never a warning, never suppressed: a plan must not carry a secret.
    configurable: false,
    summary: "A secret (token, password, signing key) is written as a literal value in a spec.",
    why: "Specs live in git: a literal secret is leaked to everyone with read access and stays in history forever. weft never repeats the value, but you must rotate it.",
    fix: "Reference it instead: `{ env: NAME }` or `{ file: PATH }`; then rotate the exposed secret.",
    example: "auth:\n  bearer: sk_live_abc123\n",
};

pub static DEPRECATED_FIELD_PAST_SUNSET: Rule = Rule {
    id: "deprecated-field-past-sunset",
    code: "WF407",
    category: Category::Lint,
    default_severity: Error,
    configurable: true,
    summary: "A field (or contract) whose sunset date has passed is still used.",
    why: "A sunset date is a promise to consumers that the field goes away; using it after that keeps the promise from being kept.",
    fix: "Stop using the field (or remove it in a new major version); if the date must move, change `sunset:` with the owner's agreement.",
    example: "legacy_code: { type: string, deprecated: { since: 2.1.0, sunset: 2020-01-01 } }\n",
};

pub static UNUSED_CONTRACT: Rule = Rule {
    id: "unused-contract",
    code: "WF408",
    category: Category::Lint,
    default_severity: Warning,
    configurable: true,
    summary: "A contract of the workspace is not referenced by any flow, system, mapping or other contract.",
    why: "Unused contracts drift from reality and mislead reviewers.",
    fix: "Use it or delete it.",
    example: "kind: contract\nname: Forgotten\nversion: 1.0.0\n",
};

pub static UNUSED_SYSTEM: Rule = Rule {
    id: "unused-system",
    code: "WF409",
    category: Category::Lint,
    default_severity: Warning,
    configurable: true,
    summary: "A system of the workspace is not used by any flow.",
    why: "An unused system still declares hosts and credentials the runtime will be allowed to reach.",
    fix: "Use it in a flow or delete it.",
    example: "kind: system\nname: old-erp\n",
};

pub static UNUSED_POLICY: Rule = Rule {
    id: "unused-policy",
    code: "WF410",
    category: Category::Lint,
    default_severity: Warning,
    configurable: true,
    summary: "A policy of the workspace is not used by any flow or deliver step.",
    why: "Reviewers may believe it protects a flow that does not use it.",
    fix: "Reference it from a flow (`policy: NAME`) or delete it.",
    example: "kind: policy\nname: unused\n",
};

pub static INVALID_SUPPRESSION: Rule = Rule {
    id: "invalid-suppression",
    code: "WF411",
    category: Category::Lint,
    default_severity: Error,
    configurable: false,
    summary: "A `# weft:allow` comment has no reason, names an unknown rule, or names a rule that cannot be suppressed.",
    why: "Suppressions are recorded decisions; without a reason nobody can review them later.",
    fix: "Write `# weft:allow RULE-ID -- REASON` with a lint rule id.",
    example: "base_url: http://erp.local  # weft:allow literal-secret\n",
};

pub static UNUSED_SUPPRESSION: Rule = Rule {
    id: "unused-suppression",
    code: "WF412",
    category: Category::Lint,
    default_severity: Warning,
    configurable: true,
    summary: "A `# weft:allow` comment suppresses nothing.",
    why: "Stale suppressions hide future findings on that line.",
    fix: "Delete the comment.",
    example: "owner: team  # weft:allow contract-missing-owner -- legacy\n",
};

pub static MAPPING_UNKNOWN_FIELD: Rule = Rule {
    id: "mapping-unknown-field",
    code: "WF501",
    category: Category::Mapping,
    default_severity: Error,
    configurable: false,
    summary: "A mapping reads a source field, or assigns a target field, that the contract does not have (or uses an undefined name).",
    why: "A misspelt or renamed field reads null or writes nothing, silently: the classic integration incident.",
    fix: "Use the field the contract defines (a close match is suggested), or update the contract.",
    example: "mapping a: Shop@1 -> Order@1 {\n  id = source.order_idd\n}\n",
};

pub static MAPPING_TYPE_MISMATCH: Rule = Rule {
    id: "mapping-type-mismatch",
    code: "WF502",
    category: Category::Mapping,
    default_severity: Error,
    configurable: false,
    summary: "A value's type does not fit where it goes (a target field, a function argument).",
    why: "The payload would be rejected by the target's contract, or the mapping would fail, on every message.",
    fix: "Convert explicitly (`parse_datetime(x)?`, `decimal(x)?`, `string(x)`), or map values with `match`.",
    example: "placed_at = source.created_at   # a string into a datetime\n",
};

pub static MAPPING_NULLABLE_TO_REQUIRED: Rule = Rule {
    id: "mapping-nullable-to-required",
    code: "WF503",
    category: Category::Mapping,
    default_severity: Error,
    configurable: false,
    summary: "A value that may be null (an optional or nullable source field) is assigned to a required target field without a default.",
    why: "The first message without that field would produce an invalid payload.",
    fix: "Give a default (`?? value`) or fail explicitly (`?? fail(\"reason\")`).",
    example: "customer_id = source.customer.id   # customer is optional\n",
};

pub static MAPPING_UNHANDLED_FAILURE: Rule = Rule {
    id: "mapping-unhandled-failure",
    code: "WF504",
    category: Category::Mapping,
    default_severity: Error,
    configurable: false,
    summary: "A function that can fail (parsing a date or a decimal, say) is called without `?`.",
    why:
        "A failure must go to the dead-letter queue with a reason, never vanish or crash the flow.",
    fix: "Add `?` after the call: `decimal(source.total)?`.",
    example: "total = decimal(source.total_price)\n",
};

pub static MAPPING_MISSING_FIELD: Rule = Rule {
    id: "mapping-missing-field",
    code: "WF505",
    category: Category::Mapping,
    default_severity: Error,
    configurable: false,
    summary: "A required target field is never assigned (or an object literal lacks a required field).",
    why: "Every message would produce a payload the target contract rejects.",
    fix: "Assign the field: `field = expression`.",
    example: "mapping a: Shop@1 -> Order@1 {\n  id = source.id\n  # customer_id is required but not assigned\n}\n",
};

pub static MAPPING_ENUM_VALUE: Rule = Rule {
    id: "mapping-enum-value",
    code: "WF506",
    category: Category::Mapping,
    default_severity: Error,
    configurable: false,
    summary: "A value the target enum does not allow is assigned (or a match arm tests a value the enum never has).",
    why: "The target system would reject the message, or the arm is dead code hiding a typo.",
    fix: "Use one of the enum's values (listed in the hint), or map with `match`.",
    example: "status = \"complete\"   # allowed: pending, confirmed, held\n",
};

pub static MAPPING_MATCH_NOT_EXHAUSTIVE: Rule = Rule {
    id: "mapping-match-not-exhaustive",
    code: "WF507",
    category: Category::Mapping,
    default_severity: Error,
    configurable: false,
    summary: "A `match` over an enum (or a boolean) does not cover every value and has no `_` arm.",
    why: "A value added to the enum later (or one forgotten now) would fail at run time.",
    fix: "Add arms for the missing values (listed), or a `_ => ...` arm.",
    example: "status = match source.state { \"paid\" => \"confirmed\" }\n",
};

pub static MAPPING_DECIMAL_FLOAT: Rule = Rule {
    id: "mapping-decimal-float",
    code: "WF508",
    category: Category::Mapping,
    default_severity: Error,
    configurable: false,
    summary: "Exact decimals (money, quantities) and binary floats are mixed.",
    why: "Money that passes through a float picks up rounding errors (0.1 + 0.2 ≠ 0.3) that reconciliations then chase.",
    fix: "Keep money decimal: parse with `decimal(x)?`; convert to float only explicitly with `float(x)`.",
    example: "total = source.amount_float   # the target is decimal\n",
};

pub static MAPPING_UNKNOWN_FUNCTION: Rule = Rule {
    id: "mapping-unknown-function",
    code: "WF509",
    category: Category::Mapping,
    default_severity: Error,
    configurable: false,
    summary: "A mapping calls a function that does not exist.",
    why: "The mapping cannot run.",
    fix: "Use a function of the mapping language (a close match is suggested).",
    example: "total = decimel(source.total)?\n",
};

pub static MAPPING_UNREACHABLE_FALLBACK: Rule = Rule {
    id: "mapping-unreachable-fallback",
    code: "WF510",
    category: Category::Mapping,
    default_severity: Warning,
    configurable: true,
    summary: "A `??` fallback can never fire because the value on its left is never null.",
    why: "Usually harmless (a defensive default after the contract was tightened), but it can hide a misunderstanding of the data.",
    fix: "Remove the `?? ...`, or keep it and suppress the warning if the contract may loosen again.",
    example: "id = source.id ?? \"unknown\"   # id is required\n",
};

pub static MAPPING_INCOMPLETE_TABLE: Rule = Rule {
    id: "mapping-incomplete-table",
    code: "WF511",
    category: Category::Mapping,
    default_severity: Error,
    configurable: false,
    summary: "A lookup table is read with a key of an enum type, and some of the enum's values have no entry.",
    why: "A message carrying a value without an entry would get nothing (null) where the table was meant to translate it.",
    fix: "Add the missing entries to the table (they are listed), or handle a missing entry with `?? ...`.",
    example: "# table warehouse_names has DAL and ATL; source.warehouse is enum [DAL, ATL, RNO]\nname = lookup(warehouse_names, source.warehouse)\n",
};

/// Every rule, in documentation order.
pub static ALL: &[&Rule] = &[
    &UNREADABLE_FILE,
    &YAML_SYNTAX,
    &DUPLICATE_KEY,
    &INPUT_LIMIT,
    &UNKNOWN_KIND,
    &MAPPING_SYNTAX,
    &INVALID_SPEC,
    &INVALID_VERSION,
    &INVALID_CONTRACT,
    &INVALID_SETTING,
    &UNKNOWN_REFERENCE,
    &DUPLICATE_NAME,
    &IMPORT_CYCLE,
    &UNKNOWN_IMPORT,
    &STEP_CONTRACT_MISMATCH,
    &UNKNOWN_FIELD,
    &CONNECTOR_MISMATCH,
    &RECORD_OVERWRITE,
    &CONFLICTING_WRITERS,
    &FLOW_MISSING_IDEMPOTENCY_KEY,
    &FLOW_MISSING_POLICY,
    &DELIVERY_WITHOUT_RETRY,
    &CONTRACT_MISSING_OWNER,
    &UNPINNED_CONTRACT_REFERENCE,
    &LITERAL_SECRET,
    &DEPRECATED_FIELD_PAST_SUNSET,
    &UNUSED_CONTRACT,
    &UNUSED_SYSTEM,
    &UNUSED_POLICY,
    &INVALID_SUPPRESSION,
    &UNUSED_SUPPRESSION,
    &MAPPING_UNKNOWN_FIELD,
    &MAPPING_TYPE_MISMATCH,
    &MAPPING_NULLABLE_TO_REQUIRED,
    &MAPPING_UNHANDLED_FAILURE,
    &MAPPING_MISSING_FIELD,
    &MAPPING_ENUM_VALUE,
    &MAPPING_MATCH_NOT_EXHAUSTIVE,
    &MAPPING_DECIMAL_FLOAT,
    &MAPPING_UNKNOWN_FUNCTION,
    &MAPPING_UNREACHABLE_FALLBACK,
    &MAPPING_INCOMPLETE_TABLE,
];
