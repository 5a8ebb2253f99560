/**
 * How an operation is declared. Handlers get the decoded, model-validated input (blobs as bytes,
 * timestamps as Dates, the same shapes as @aws-sdk/client-kms) and return the output shape; both
 * types are generated from the KMS model (`npm run gen:model`), so a member the model lacks fails to compile.
 */
import type { OperationContext } from './operation-context';
import type { OperationInputs, OperationName, OperationOutputs } from './model/operations';
import { operationShape } from './model/shapes';

export type { OperationName } from './model/operations';
export type OperationInput<Op extends OperationName> = OperationInputs[Op];
export type OperationOutput<Op extends OperationName> = OperationOutputs[Op];

export interface OperationDefinition<Op extends OperationName> {
  readonly name: Op;
  /**
   * Whether the call changes the keyring, so it runs inside a store transaction. A function when it
   * depends on the input (e.g. Encrypt with `alias/aws/s3` creates the AWS managed key on first use).
   */
  readonly mutates: boolean | ((input: OperationInput<Op>) => boolean);
  handler(input: OperationInput<Op>, ctx: OperationContext): OperationOutput<Op> | Promise<OperationOutput<Op>>;
}

/** Every operation of the model with its definition: a missing operation or a definition under the wrong name fails to compile. */
export type OperationTable = { readonly [Op in OperationName]: OperationDefinition<Op> };

type Handler<Op extends OperationName> = (input: OperationInput<Op>, ctx: OperationContext) => OperationOutput<Op> | Promise<OperationOutput<Op>>;
type KeysOfUnion<T> = T extends unknown ? keyof T : never;
/**
 * Names the members a handler returns that the model's output lacks: TypeScript does not check a
 * returned object literal for extra members by itself, so a misspelled member would compile.
 */
type ModelMembersOnly<H extends (...args: never[]) => unknown, O> =
  [Exclude<KeysOfUnion<Awaited<ReturnType<H>>>, keyof O>] extends [never] ? unknown : { 'members the model output lacks': Exclude<KeysOfUnion<Awaited<ReturnType<H>>>, keyof O> };

export function defineOperation<Op extends OperationName, H extends Handler<Op>>(
  name: Op,
  mutates: boolean | ((input: OperationInput<Op>) => boolean),
  handler: H & ModelMembersOnly<H, OperationOutput<Op>>,
): OperationDefinition<Op> {
  return { name, mutates, handler };
}

export function isOperationName(name: string): name is OperationName {
  return operationShape(name) !== undefined;
}

/**
 * A definition bound to its request, as the wire codec decoded it. The codec validated the request
 * against the same model the input types are generated from: this is the one place that says so.
 */
export function bindOperation<Op extends OperationName>(definition: OperationDefinition<Op>, request: object) {
  const input = request as OperationInput<Op>;
  return {
    mutates: typeof definition.mutates === 'function' ? definition.mutates(input) : definition.mutates,
    run: (ctx: OperationContext) => definition.handler(input, ctx),
  };
}
