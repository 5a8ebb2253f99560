/**
 * The policy as meaning, built from the position tree: statements, principals, actions, resources and
 * conditions, each still holding its node so checks can point at it and the evaluator can run on it.
 * Tolerant: a malformed element is left out here and reported by the checks.
 */
import { parseOperator, type ParsedOperator } from './data';
import { getProp, parseJson, type PNode, type PProp } from './tree';

export interface ValueRef {
  value: string;
  node: PNode;
}

export interface PrincipalRef {
  /** `AWS`, `Service`, `Federated`, `CanonicalUser` or `*` for the bare `"Principal": "*"`. */
  type: string;
  value: string;
  node: PNode;
}

export interface ConditionRef {
  operator: string;
  operatorKeyOffset: number;
  operatorKeyLength: number;
  parsed?: ParsedOperator;
  key: string;
  keyOffset: number;
  keyLength: number;
  /** Scalars as strings (JSON true → "true"); dynamic values are left out and flagged. */
  values: ValueRef[];
  valueNode: PNode;
  hasDynamic: boolean;
}

export interface StatementModel {
  index: number;
  /** A branch of a CloudFormation Fn::If: it may not be in the deployed policy, so it is not compared with others. */
  conditional?: boolean;
  node: PNode;
  sid?: ValueRef;
  effect?: 'Allow' | 'Deny';
  effectNode?: PNode;
  principalProp?: PProp;
  notPrincipal: boolean;
  principals: PrincipalRef[];
  /** Some principal is a CloudFormation intrinsic: who it is is known only at deploy time. */
  principalDynamic: boolean;
  actionProp?: PProp;
  notAction: boolean;
  actions: ValueRef[];
  actionDynamic: boolean;
  resourceProp?: PProp;
  notResource: boolean;
  resources: ValueRef[];
  resourceDynamic: boolean;
  conditionProp?: PProp;
  conditions: ConditionRef[];
}

export interface PolicyModel {
  root: PNode;
  version?: string;
  versionNode?: PNode;
  statementProp?: PProp;
  statements: StatementModel[];
  /** Statement entries that are intrinsics (e.g. Fn::If), skipped by evaluation. */
  dynamicStatements: number;
}

function scalarText(node: PNode): string | undefined {
  if (node.kind === 'string') return node.value;
  if (node.kind === 'number' || node.kind === 'boolean') return String(node.value);
  return undefined;
}

function collectStrings(node: PNode | undefined): { refs: ValueRef[]; dynamic: boolean } {
  const refs: ValueRef[] = [];
  let dynamic = false;
  const items = !node ? [] : node.kind === 'array' ? node.items : [node];
  for (const n of items) {
    if (n.kind === 'string') refs.push({ value: n.value, node: n });
    else if (n.kind === 'dynamic') dynamic = true;
  }
  return { refs, dynamic };
}

function buildStatement(node: PNode, index: number): StatementModel {
  const sidProp = getProp(node, 'Sid');
  const effectProp = getProp(node, 'Effect');
  const principalProp = getProp(node, 'Principal') ?? getProp(node, 'NotPrincipal');
  const actionProp = getProp(node, 'Action') ?? getProp(node, 'NotAction');
  const resourceProp = getProp(node, 'Resource') ?? getProp(node, 'NotResource');
  const conditionProp = getProp(node, 'Condition');

  const effectValue = effectProp?.value.kind === 'string' ? effectProp.value.value : undefined;
  const principals: PrincipalRef[] = [];
  let principalDynamic = false;
  const pv = principalProp?.value;
  if (pv?.kind === 'string') principals.push({ type: '*', value: pv.value, node: pv });
  else if (pv?.kind === 'dynamic') principalDynamic = true;
  else if (pv?.kind === 'object') {
    for (const p of pv.props) {
      const { refs, dynamic } = collectStrings(p.value);
      if (dynamic || p.value.kind === 'dynamic') principalDynamic = true;
      for (const r of refs) principals.push({ type: p.key, value: r.value, node: r.node });
    }
  }
  const actions = collectStrings(actionProp?.value);
  const resources = collectStrings(resourceProp?.value);

  const conditions: ConditionRef[] = [];
  const cv = conditionProp?.value;
  if (cv?.kind === 'object') {
    for (const op of cv.props) {
      if (op.value.kind !== 'object') continue;
      for (const k of op.value.props) {
        const values: ValueRef[] = [];
        let hasDynamic = k.value.kind === 'dynamic';
        const items = k.value.kind === 'array' ? k.value.items : [k.value];
        for (const item of items) {
          const t = scalarText(item);
          if (t !== undefined) values.push({ value: t, node: item });
          else if (item.kind === 'dynamic') hasDynamic = true;
        }
        conditions.push({
          operator: op.key,
          operatorKeyOffset: op.keyOffset,
          operatorKeyLength: op.keyLength,
          parsed: parseOperator(op.key),
          key: k.key,
          keyOffset: k.keyOffset,
          keyLength: k.keyLength,
          values,
          valueNode: k.value,
          hasDynamic,
        });
      }
    }
  }

  return {
    index,
    node,
    sid: sidProp?.value.kind === 'string' ? { value: sidProp.value.value, node: sidProp.value } : undefined,
    effect: effectValue === 'Allow' || effectValue === 'Deny' ? effectValue : undefined,
    effectNode: effectProp?.value,
    principalProp,
    notPrincipal: principalProp?.key === 'NotPrincipal',
    principals,
    principalDynamic,
    actionProp,
    notAction: actionProp?.key === 'NotAction',
    actions: actions.refs,
    actionDynamic: actions.dynamic,
    resourceProp,
    notResource: resourceProp?.key === 'NotResource',
    resources: resources.refs,
    resourceDynamic: resources.dynamic,
    conditionProp,
    conditions,
  };
}

/** Builds the model from a position tree (any shape; non-objects give an empty model). */
export function buildModel(root: PNode): PolicyModel {
  const versionNode = getProp(root, 'Version')?.value;
  const statementProp = getProp(root, 'Statement');
  const sv = statementProp?.value;
  const entries = !sv ? [] : sv.kind === 'array' ? sv.items : [sv];
  const statements: StatementModel[] = [];
  let dynamicStatements = 0;
  entries.forEach((n, i) => {
    if (n.kind === 'object') statements.push(buildStatement(n, i));
    else if (n.kind === 'dynamic') {
      dynamicStatements++;
      // Both branches of an Fn::If are checked (AWS::NoValue and other intrinsics are not statements).
      for (const b of n.branches ?? []) if (b.kind === 'object') statements.push({ ...buildStatement(b, i), conditional: true });
    }
  });
  return {
    root,
    version: versionNode?.kind === 'string' ? versionNode.value : undefined,
    versionNode,
    statementProp,
    statements,
    dynamicStatements,
  };
}

/** Parses policy text into a model; undefined when the text is not valid JSON. */
export function parsePolicy(text: string): PolicyModel | undefined {
  const { root, problems } = parseJson(text);
  if (!root || problems.length) return undefined;
  return buildModel(root);
}
