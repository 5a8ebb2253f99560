/**
 * The local KMS as one call: decode and validate a request, run its handler against the keyring
 * (inside a store transaction when it changes anything), record a CloudTrail event, encode the
 * response. The HTTP endpoint and the in-process SDK handler both call `KmsService.call`.
 */
import { KmsError } from '../errors';
import type { AuditSink, Clock, KeyringStore, Logger, Random } from '../ports';
import { silentLogger } from '../ports';
import { toCloudTrailEvent } from '../audit/event';
import { uuid } from '../ids/random-ids';
import type { Authorizer, Caller, ConditionValues, OperationContext } from './context';
import { advanceLifecycle, nextLifecycleEventAt } from './lifecycle';
import { operations } from './ops';
import { mutatesFor, type OperationDefinition } from './operation';
import type { KeyRecord, KeyringState } from './state';
import { decodeRequest, encodeResponse } from './wire';

export interface KmsServiceOptions {
  store: KeyringStore;
  clock: Clock;
  random: Random;
  authorizer: Authorizer;
  audit?: AuditSink;
  logger?: Logger;
}

export interface KmsCallResult {
  requestId: string;
  /** The wire JSON body of the response. */
  output: Record<string, unknown>;
}

/** A KmsError that also carries the request ID, for the `x-amzn-RequestId` header. */
export interface KmsCallError extends KmsError {
  requestId?: string;
}

export class KmsService {
  private readonly logger: Logger;
  /** When the next clock-driven change (rotation, deletion, expiry) is due, per state snapshot. */
  private readonly nextEvent = new WeakMap<KeyringState, number | undefined>();

  constructor(private readonly options: KmsServiceOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /** The keyring's time: the wall clock plus the simulated offset (`kmsw clock advance`). */
  async now(): Promise<number> {
    const state = await this.options.store.read();
    return this.options.clock.now() + state.clockOffsetMs;
  }

  /** Moves the keyring's simulated clock forward and applies whatever became due. */
  async advanceClock(ms: number): Promise<number> {
    if (!Number.isFinite(ms) || ms < 0) throw new KmsError('ValidationException', 'The clock can only move forward.');
    return this.options.store.transact((state) => {
      state.clockOffsetMs += ms;
      const now = this.options.clock.now() + state.clockOffsetMs;
      advanceLifecycle(state, now, this.options.random);
      return now;
    });
  }

  async call(operation: string, body: unknown, caller: Caller): Promise<KmsCallResult> {
    const requestId = uuid(this.options.random);
    const eventId = uuid(this.options.random);
    const resources = new Set<string>();
    let input: Record<string, unknown> = {};
    const definition: OperationDefinition | undefined = Object.prototype.hasOwnProperty.call(operations, operation) ? operations[operation] : undefined;
    let time = this.options.clock.now();
    let readOnly = true;
    try {
      if (!definition) throw new KmsError('UnknownOperationException', `Unknown operation ${operation}`);
      input = decodeRequest(operation, body);
      const run = (state: KeyringState) => {
        time = this.options.clock.now() + state.clockOffsetMs;
        return definition.handler(input as never, this.context(state, caller, time, requestId, eventId, resources));
      };
      const mutates = mutatesFor(definition, input);
      readOnly = !mutates;
      const state = await this.options.store.read();
      let output: unknown;
      if (mutates || this.isLifecycleDue(state)) {
        output = await this.options.store.transact(async (latest) => {
          // Walking every key is the cost of a write on a large keyring: do it only when something fell due.
          if (this.isLifecycleDue(latest)) advanceLifecycle(latest, this.options.clock.now() + latest.clockOffsetMs, this.options.random);
          try {
            return await run(latest);
          } finally {
            this.nextEvent.delete(latest);
          }
        });
      } else {
        output = await run(state);
      }
      // A call that made a key (CreateKey, ReplicateKey) names it among the event's resources, as CloudTrail does.
      const made = (output as { KeyMetadata?: { Arn?: string }; ReplicaKeyMetadata?: { Arn?: string } } | undefined);
      for (const arn of [made?.KeyMetadata?.Arn, made?.ReplicaKeyMetadata?.Arn]) if (arn) resources.add(arn);
      const encoded = (encodeResponse(output ?? {}) ?? {}) as Record<string, unknown>;
      await this.record({ operation, caller, time, requestId, eventId, readOnly, input, output: output as Record<string, unknown>, resources: [...resources] });
      return { requestId, output: encoded };
    } catch (e) {
      const error = e instanceof KmsError ? e : this.internalError(e);
      await this.record({ operation, caller, time, requestId, eventId, readOnly, input, error: { name: error.name, message: error.message }, resources: [...resources] });
      (error as KmsCallError).requestId = requestId;
      throw error;
    }
  }

  private isLifecycleDue(state: KeyringState): boolean {
    if (!this.nextEvent.has(state)) this.nextEvent.set(state, nextLifecycleEventAt(state));
    const due = this.nextEvent.get(state);
    return due !== undefined && due <= this.options.clock.now() + state.clockOffsetMs;
  }

  private context(state: KeyringState, caller: Caller, now: number, requestId: string, eventId: string, resources: Set<string>): OperationContext {
    const { authorizer, random, store } = this.options;
    return {
      state,
      caller,
      now,
      random,
      logger: this.logger,
      requestId,
      eventId,
      authorize(action: string, key?: KeyRecord, conditions: ConditionValues = {}, grantTokens?: string[]) {
        if (key) resources.add(key.arn);
        const decision = authorizer.authorize({ caller, action, key, conditions, grantTokens });
        if (decision.allowed) return;
        const why = decision.reason === 'explicit-deny' ? 'with an explicit deny in a resource-based policy' : `because no resource-based policy allows the ${action} action`;
        throw new KmsError('AccessDeniedException', `User: ${caller.principal} is not authorized to perform: ${action} on resource: ${key?.arn ?? '*'} ${why}`);
      },
      noteUsage(key: KeyRecord, op: string) {
        (key.lastUsage ??= {})[op] = { at: now, operation: op, eventId, requestId };
        store.markDirty();
      },
    };
  }

  private internalError(e: unknown): KmsError {
    // An unexpected failure is a bug: log it (no request data, which may hold plaintext) and answer as AWS does.
    this.logger.error(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return new KmsError('KMSInternalException', 'An internal error occurred.', { cause: e });
  }

  private async record(call: Parameters<typeof toCloudTrailEvent>[0]): Promise<void> {
    if (!this.options.audit) return;
    await this.options.audit.append(toCloudTrailEvent(call));
  }
}
