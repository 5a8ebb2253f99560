/**
 * The local KMS as one call: decode and validate a request, run its handler against the keyring
 * (inside a store transaction when it changes anything), record a CloudTrail event, encode the
 * response. The HTTP endpoint and the in-process SDK handler both call `KmsService.call`.
 */
import { KmsError } from '../kms-error';
import type { AuditSink, Clock, KeyringStore, Logger, Random } from '../ports';
import { silentLogger } from '../ports';
import type { AuditHead } from '../audit/chain';
import { toCloudTrailEvent, toServiceEvent, type CloudTrailEvent } from '../audit/event';
import { uuid } from '../ids/random-ids';
import type { Authorizer, Caller, ConditionValues, OperationContext } from './operation-context';
import { advanceLifecycle } from './lifecycle';
import { operations } from './ops';
import { bindOperation, isOperationName, type OperationName } from './operation';
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
  /** IDs of outbox events this process has appended to the log, so settling them needs no look at the log. */
  private readonly delivered = new Set<string>();
  /** The log's head after this process's last delivery: the anchor recorded when the outbox is next settled. */
  private deliveredHead: AuditHead | undefined;

  constructor(private readonly options: KmsServiceOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /** The keyring's time: the wall clock plus the simulated offset (`kmsw clock advance`). */
  async now(): Promise<number> {
    const state = await this.options.store.read();
    return this.options.clock.now() + state.clockOffsetMs;
  }

  /**
   * Moves the keyring's simulated clock forward and applies whatever became due. The move is audited
   * as an AdvanceClock call by `caller` (a KMS Workbench event: AWS has no such call), followed by the
   * service events of what fell due.
   */
  async advanceClock(ms: number, caller: Caller): Promise<number> {
    if (!Number.isFinite(ms) || ms < 0) throw new KmsError('ValidationException', 'The clock can only move forward.');
    const { now, committed, after } = await this.options.store.transact(async (state) => {
      await this.settleOutbox(state);
      const after = this.reachedHead(state);
      const before = this.options.clock.now() + state.clockOffsetMs;
      state.clockOffsetMs += ms;
      const now = this.options.clock.now() + state.clockOffsetMs;
      const eventId = uuid(this.options.random);
      // Not a KMS operation, so not in the model the redaction reads: its parameters are set here (they hold nothing secret).
      const event = toCloudTrailEvent({ operation: 'AdvanceClock', caller, time: before, requestId: eventId, eventId, readOnly: false, input: {}, resources: [] });
      event.requestParameters = { advanceBySeconds: Math.round(ms / 1000) };
      event.responseElements = { keyringTime: new Date(now).toISOString(), clockOffsetSeconds: Math.round(state.clockOffsetMs / 1000) };
      this.audited(state, event);
      this.applyLifecycle(state, now);
      return { now, committed: state.auditOutbox ?? [], after };
    });
    await this.deliver(committed, after);
    return now;
  }

  /** Applies the clock-driven changes due at `now`, each audited as the service event CloudTrail records for it. */
  private applyLifecycle(state: KeyringState, now: number): void {
    advanceLifecycle(state, this.options.store.index(state), now, this.options.random, (change) => {
      const eventId = uuid(this.options.random);
      // AWS's automatic RotateKey event says what rotated and how.
      const serviceEventDetails = change.eventName === 'RotateKey' ? { rotationType: 'AUTOMATIC', keyId: change.key.keyId } : undefined;
      this.audited(state, toServiceEvent({ eventName: change.eventName, accountId: change.key.accountId, region: change.key.region, time: change.at, eventId, keyArn: change.key.arn, serviceEventDetails }));
    });
  }

  /** Commits an event with the transaction's change (the keyring's audit outbox), when there is an audit log. */
  private audited(state: KeyringState, event: CloudTrailEvent): void {
    if (this.options.audit) (state.auditOutbox ??= []).push(event);
  }

  async call(operation: string, body: unknown, caller: Caller): Promise<KmsCallResult> {
    const requestId = uuid(this.options.random);
    const eventId = uuid(this.options.random);
    const resources = new Set<string>();
    let input: Record<string, unknown> = {};
    let time = this.options.clock.now();
    let readOnly = true;
    try {
      if (!isOperationName(operation)) throw new KmsError('UnknownOperationException', `Unknown operation ${operation}`);
      input = decodeRequest(operation, body);
      const handle = served(operation, input);
      const run = (state: KeyringState) => {
        time = this.options.clock.now() + state.clockOffsetMs;
        return handle.run(this.context(state, caller, time, requestId, eventId, resources));
      };
      const eventOf = (output: unknown) => {
        // A call that made a key (CreateKey, ReplicateKey) names it among the event's resources, as CloudTrail does.
        const made = output as { KeyMetadata?: { Arn?: string }; ReplicaKeyMetadata?: { Arn?: string } } | undefined;
        for (const arn of [made?.KeyMetadata?.Arn, made?.ReplicaKeyMetadata?.Arn]) if (arn) resources.add(arn);
        return toCloudTrailEvent({ operation, caller, time, requestId, eventId, readOnly, input, output: output as Record<string, unknown>, resources: [...resources] });
      };
      const mutates = handle.mutates;
      readOnly = !mutates;
      const state = await this.options.store.read();
      if (mutates || this.isLifecycleDue(state)) {
        // The event is committed in the same transaction as the change (the keyring's audit outbox), then
        // delivered to the log: from here on the change is done, whatever happens to the log.
        const { output, committed, after } = await this.options.store.transact(async (latest) => {
          await this.settleOutbox(latest);
          const after = this.reachedHead(latest);
          if (this.isLifecycleDue(latest)) this.applyLifecycle(latest, this.options.clock.now() + latest.clockOffsetMs);
          try {
            const result = await run(latest);
            this.audited(latest, eventOf(result));
            return { output: result, committed: latest.auditOutbox ?? [], after };
          } finally {
            this.nextEvent.delete(latest);
          }
        });
        await this.deliver(committed, after);
        return { requestId, output: (encodeResponse(output ?? {}) ?? {}) as Record<string, unknown> };
      }
      const output = await run(state);
      const encoded = (encodeResponse(output ?? {}) ?? {}) as Record<string, unknown>;
      // Nothing was committed: a read whose event cannot be recorded fails, so no call goes unaudited.
      await this.options.audit?.append(eventOf(output));
      return { requestId, output: encoded };
    } catch (e) {
      const error = e instanceof KmsError ? e : this.internalError(e);
      await this.options.audit
        ?.append(toCloudTrailEvent({ operation, caller, time, requestId, eventId, readOnly, input, error: { name: error.name, message: error.message }, resources: [...resources] }))
        // The caller needs the call's own error; the log's failure is the operator's to see.
        .catch((appendError: unknown) => this.logger.warn(`could not record the failed ${operation} call in the audit log: ${describe(appendError)}`));
      (error as KmsCallError).requestId = requestId;
      throw error;
    }
  }

  /** Inside a transaction, after settling the outbox: a head the log reached before this transaction's events exist, so they can only come after it. */
  private reachedHead(state: KeyringState): AuditHead | undefined {
    const [a, b] = [this.deliveredHead, state.auditAnchor];
    return (a?.seq ?? -1) >= (b?.seq ?? -1) ? a : b;
  }

  /**
   * Delivers committed events to the log after their transaction. A failure is only logged: the
   * change is committed and its event waits in the keyring's outbox for the next transaction or open.
   */
  private async deliver(committed: CloudTrailEvent[], after: AuditHead | undefined): Promise<void> {
    const audit = this.options.audit;
    const waiting = committed.filter((e) => !this.delivered.has(e.eventID));
    if (!audit || waiting.length === 0) return;
    try {
      this.deliveredHead = (await audit.appendMissing(waiting, after)) ?? undefined;
      for (const e of waiting) this.delivered.add(e.eventID);
    } catch (e) {
      this.logger.warn(`the change is saved with its audit event, which will be added to the audit log on the next change or start: ${describe(e)}`);
    }
  }

  /**
   * Inside a transaction: makes sure the events earlier transactions committed are in the log
   * (appending those a crash or a failed append kept out of it) and empties the outbox. If the log
   * still cannot take them, they stay in the outbox, committed, for the next attempt.
   */
  private async settleOutbox(state: KeyringState): Promise<void> {
    const outbox = state.auditOutbox;
    if (!outbox?.length) return;
    const unknown = outbox.filter((e) => !this.delivered.has(e.eventID));
    let head = this.deliveredHead;
    if (unknown.length > 0) {
      try {
        // The anchor was recorded when the outbox was last emptied, before any of these events was committed.
        head = (await this.options.audit?.appendMissing(unknown, state.auditAnchor)) ?? undefined;
      } catch (e) {
        this.logger.warn(`${outbox.length} committed audit event(s) still wait for the audit log: ${describe(e)}`);
        return;
      }
    }
    for (const e of outbox) this.delivered.delete(e.eventID);
    delete state.auditOutbox;
    // The chain's anchor moves forward only: a head older than the recorded one is another process's earlier view.
    if (head && head.seq > (state.auditAnchor?.seq ?? 0)) state.auditAnchor = head;
  }

  /** Delivers events a killed process committed but never appended; hosts call it when they open the keyring. */
  async deliverCommittedEvents(): Promise<void> {
    if (!(await this.options.store.read()).auditOutbox?.length) return;
    await this.options.store.transact((state) => this.settleOutbox(state));
  }

  private isLifecycleDue(state: KeyringState): boolean {
    if (!this.nextEvent.has(state)) this.nextEvent.set(state, this.options.store.index(state).nextLifecycleEventAt());
    const due = this.nextEvent.get(state);
    return due !== undefined && due <= this.options.clock.now() + state.clockOffsetMs;
  }

  private context(state: KeyringState, caller: Caller, now: number, requestId: string, eventId: string, resources: Set<string>): OperationContext {
    const { authorizer, random, store } = this.options;
    return {
      state,
      index: store.index(state),
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
        store.markDirty(state);
      },
    };
  }

  private internalError(e: unknown): KmsError {
    // An unexpected failure is a bug: log it (no request data, which may hold plaintext) and answer as AWS does.
    this.logger.error(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return new KmsError('KMSInternalException', 'An internal error occurred.', { cause: e });
  }

}

/** The served definition of an operation, bound to its decoded request. */
function served<Op extends OperationName>(name: Op, input: Record<string, unknown>) {
  return bindOperation(operations[name], input);
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
