/**
 * How an operation is declared. Handlers get the decoded, model-validated input (blobs as bytes,
 * timestamps as Dates, the same shapes as @aws-sdk/client-kms) and return the output shape.
 */
import type { OperationContext } from './context';

export interface OperationDefinition {
  /**
   * Whether the call changes the keyring, so it runs inside a store transaction. A function when it
   * depends on the input (e.g. Encrypt with `alias/aws/s3` creates the AWS managed key on first use).
   */
  mutates: boolean | ((input: never) => boolean);
  handler(input: never, ctx: OperationContext): unknown;
}

export function defineOperation<I, O>(
  mutates: boolean | ((input: I) => boolean),
  handler: (input: I, ctx: OperationContext) => O | Promise<O>,
): OperationDefinition {
  return { mutates: mutates as OperationDefinition['mutates'], handler: handler as OperationDefinition['handler'] };
}

export function mutatesFor(definition: OperationDefinition, input: Record<string, unknown>): boolean {
  return typeof definition.mutates === 'function' ? definition.mutates(input as never) : definition.mutates;
}
