/**
 * Errors as the user reads them: the cause first, in one sentence naming the file and the key, then what
 * fixes it, with the command that does it as a button. Never an exception class name or an encoded URI.
 * Free of `vscode`, so sources that run outside the extension host (and their tests) describe failures alike.
 */
import { scanIdentifiers } from '../src-core/ids/scan';

/** A button under the message: a `kmsWorkbench.*` command (or a VS Code one) and its arguments. */
export interface ErrorAction {
  title: string;
  command: string;
  args?: unknown[];
}

export interface Explanation {
  message: string;
  /** "Do this first" problems (a disabled key, nothing selected) are warnings; failures are errors. */
  severity: 'error' | 'warning';
  actions: ErrorAction[];
}

/** A problem the user can fix (wrong selection, no key picked); shown as a warning, without a stack in the log. */
export class UserError extends Error {
  override name = 'UserError';
  constructor(message: string, readonly actions: ErrorAction[] = []) {
    super(message);
  }
}

export const CREATE_KEY_ACTION: ErrorAction = { title: 'Create Key…', command: 'kmsWorkbench.createKey' };

/** What the failed call was about, so the sentence can name it. */
export interface ErrorSubject {
  /** The file or text acted on, e.g. `notes.txt.encrypted`. */
  file?: string;
  /** The key acted on (ARN or ID), when the caller knows it; else it is read from the service's message. */
  key?: string;
  /** What the user calls that key (an alias), by ARN or ID. */
  keyLabel?: (key: string) => string | undefined;
}

/** Attaches the file a command worked on to its failure, for `explainError`. */
export function aboutFile<T>(file: string, work: Promise<T>): Promise<T> {
  return work.catch((error: unknown) => {
    if (error instanceof Error) (error as { file?: string }).file ??= file;
    throw error;
  });
}

interface Context {
  /** "Cannot decrypt notes.txt.encrypted: " or "" */
  lead: string;
  /** "key alias/app", "its key", … */
  key: string;
  keyArn: string | undefined;
  service: string;
}

interface Advice {
  cause: (c: Context) => string;
  fix: string;
  severity?: 'warning';
  /** Buttons; those naming a key get its ARN as their argument. */
  actions?: (c: Context) => ErrorAction[];
}

const keyAction = (title: string, command: string) => (c: Context): ErrorAction[] => (c.keyArn ? [{ title, command, args: [c.keyArn] }] : []);
const SESSION_EXPIRED: Advice = {
  cause: () => 'your AWS session expired',
  fix: 'Sign in again (e.g. `aws sso login --profile …`) and refresh the view.',
};
const unreachable: Advice = {
  cause: () => 'KMS did not answer',
  fix: 'Check the network, a proxy, or the endpoint of this connection.',
};
const state = (c: Context) => /\bis ([a-z ]+)\.?$/.exec(c.service)?.[1];
const invalidInput = (what: string): Advice => ({ cause: (c) => `${what}: ${c.service}`, fix: 'Correct it and try again.' });
const customKeyStore: Advice = {
  cause: (c) => `${c.key} lives in a custom key store that cannot serve it now (${c.service})`,
  fix: 'Connect the key store (AWS console → Custom key stores) or ask its administrator.',
};

/**
 * Every exception the extension can meet: the errors the KMS model declares for the operations it calls,
 * and the SDK's credential, signature, throttling and network failures. A unit test holds the list to the model.
 */
export const ADVICE: Record<string, Advice> = {
  KMSInvalidStateException: {
    cause: (c) => {
      const s = state(c);
      return s ? `${c.key} is ${s}` : `${c.key} is not in a state that allows this (${c.service})`;
    },
    fix: 'Check its state in the Keyring view.',
    severity: 'warning',
  },
  DisabledException: {
    cause: (c) => `${c.key} is disabled`,
    fix: 'Enable it to use it again.',
    severity: 'warning',
    actions: keyAction('Enable Key', 'kmsWorkbench.enableKey'),
  },
  NotFoundException: {
    cause: (c) => `${c.keyArn ? c.key : 'the key or alias'} does not exist in this account and Region`,
    fix: 'Refresh the Keyring view, check the connection\'s Region, or create a key.',
    actions: () => [CREATE_KEY_ACTION],
  },
  AccessDeniedException: {
    cause: (c) => `you are not allowed to do this${c.keyArn ? ` with ${c.key}` : ''}: ${c.service}`,
    fix: 'The key policy (or an IAM policy or grant) must allow the action for your identity; or use another profile.',
    actions: keyAction('Open Key Policy', 'kmsWorkbench.editKeyPolicy'),
  },
  InvalidCiphertextException: {
    cause: (c) => `${c.lead ? 'the data' : 'this'} is not a ciphertext KMS can decrypt here (damaged, or made in another account or Region)`,
    fix: 'Check that the file is whole and that the connection is the one it was encrypted with.',
  },
  IncorrectKeyException: {
    cause: () => 'the ciphertext was encrypted under a different key than the one given',
    fix: 'Decrypt without naming a key, or name the key it was encrypted with.',
  },
  InvalidKeyUsageException: {
    cause: (c) => `${c.key} cannot be used for this (${c.service})`,
    fix: 'Pick a key whose usage fits: ENCRYPT_DECRYPT to encrypt, SIGN_VERIFY to sign, GENERATE_VERIFY_MAC for MACs.',
    actions: () => [CREATE_KEY_ACTION],
  },
  KMSInvalidSignatureException: {
    cause: () => 'the signature does not match the file',
    fix: 'The file changed since it was signed, or it was signed with another key or algorithm.',
    severity: 'warning',
  },
  KMSInvalidMacException: {
    cause: () => 'the MAC does not match the message',
    fix: 'The message changed since its MAC was made, or another key or algorithm made it.',
    severity: 'warning',
  },
  AlreadyExistsException: {
    cause: (c) => `that name is taken (${c.service})`,
    fix: 'Choose another name, or update the existing alias to point here.',
  },
  InvalidAliasNameException: invalidInput('the alias name is not valid'),
  InvalidArnException: invalidInput('the key ARN is not valid'),
  InvalidGrantIdException: invalidInput('the grant ID is not valid'),
  InvalidGrantTokenException: invalidInput('the grant token is not valid'),
  InvalidMarkerException: { cause: () => 'the list changed while it was paged', fix: 'Refresh the view.' },
  MalformedPolicyDocumentException: {
    cause: (c) => `KMS refused the key policy: ${c.service}`,
    fix: 'Fix the policy (the editor\'s diagnostics show where) and save again.',
  },
  TagException: invalidInput('the tags are not valid'),
  ValidationException: invalidInput('KMS refused the request'),
  LimitExceededException: {
    cause: (c) => `an account or key limit is reached: ${c.service}`,
    fix: 'Delete what is unused (keys, aliases, grants) or ask AWS for a higher quota.',
  },
  UnsupportedOperationException: {
    cause: (c) => `${c.keyArn ? c.key : 'this key'} does not support this: ${c.service}`,
    fix: 'Use a key of a kind that does (e.g. rotation is for symmetric keys with KMS-made material).',
  },
  ExpiredImportTokenException: {
    cause: () => 'the import token expired',
    fix: 'Run Import Key Material again: it downloads new parameters and wraps the material again.',
    actions: keyAction('Import Key Material', 'kmsWorkbench.importMaterial'),
  },
  InvalidImportTokenException: {
    cause: () => 'the import token does not belong to this key or wrapping key',
    fix: 'Run Import Key Material again, so token and wrapped material come from one download.',
    actions: keyAction('Import Key Material', 'kmsWorkbench.importMaterial'),
  },
  IncorrectKeyMaterialException: {
    cause: (c) => `the key material cannot go into ${c.key}: ${c.service}`,
    fix: 'Material imported again must be the same as before; a new key takes any valid material.',
  },
  ConflictException: { cause: (c) => `another change to ${c.key} is in progress`, fix: 'Wait a moment and try again.' },
  DependencyTimeoutException: { cause: () => 'KMS timed out waiting for a service it depends on', fix: 'Try again in a moment.' },
  KMSInternalException: { cause: (c) => `KMS failed internally (${c.service})`, fix: 'Try again; if it persists, look at the log.' },
  DryRunOperationException: { cause: () => 'the request was a dry run: nothing was changed', fix: 'Run it without DryRun to apply it.', severity: 'warning' },
  KeyUnavailableException: customKeyStore,
  CustomKeyStoreInvalidStateException: customKeyStore,
  CustomKeyStoreNotFoundException: customKeyStore,
  CloudHsmClusterInvalidConfigurationException: customKeyStore,
  XksKeyAlreadyInUseException: customKeyStore,
  XksKeyInvalidConfigurationException: customKeyStore,
  XksKeyNotFoundException: customKeyStore,
  ThrottlingException: { cause: () => 'KMS is throttling this account', fix: 'Wait a few seconds and try again.' },
  ExpiredTokenException: SESSION_EXPIRED,
  ExpiredToken: SESSION_EXPIRED,
  CredentialsProviderError: {
    cause: () => 'no AWS credentials were found for this connection',
    fix: 'Set its `profile` in kmsWorkbench.aws.connections, or sign in with the AWS CLI.',
    actions: () => [{ title: 'Open Settings', command: 'workbench.action.openSettings', args: ['kmsWorkbench.aws.connections'] }],
  },
  UnrecognizedClientException: {
    cause: () => 'AWS does not recognise these credentials',
    fix: 'Check the profile of this connection, or its endpoint.',
    actions: () => [{ title: 'Open Settings', command: 'workbench.action.openSettings', args: ['kmsWorkbench.aws.connections'] }],
  },
  InvalidSignatureException: {
    cause: () => 'AWS refused the request signature',
    fix: 'Check the clock of this machine and the secret key of the profile.',
  },
  TimeoutError: unreachable,
};

/** The states KMSInvalidStateException names, each with its own fix. */
const STATE_ADVICE: Record<string, Pick<Advice, 'fix' | 'actions'>> = {
  'pending deletion': { fix: 'Cancel its deletion to use it again.', actions: keyAction('Cancel Key Deletion', 'kmsWorkbench.cancelDeletion') },
  'pending import': { fix: 'Import its key material first.', actions: keyAction('Import Key Material', 'kmsWorkbench.importMaterial') },
};

function firstKeyArn(text: string): string | undefined {
  return scanIdentifiers(text).find((m) => m.kind === 'keyArn')?.text;
}

/** The cause, the fix and the buttons for one failure of `action` (a command title). */
export function explainError(error: unknown, action: string, subject: ErrorSubject = {}): Explanation {
  if (error instanceof UserError) return { message: error.message, severity: 'warning', actions: error.actions };
  if (!(error instanceof Error)) return { message: `${action} failed: ${String(error)}`, severity: 'error', actions: [] };
  const file = subject.file ?? (error as { file?: string }).file;
  // A file-format error that carries the KMS failure behind it (same name) is explained by that failure.
  const inner = (error as { cause?: unknown }).cause;
  if (inner instanceof Error && inner.name === error.name) return explainError(inner, action, { ...subject, ...(file ? { file } : {}) });
  const service = error.message.trim().replace(/\.$/, '');
  const keyArn = subject.key ?? firstKeyArn(error.message);
  const label = keyArn && subject.keyLabel?.(keyArn);
  const c: Context = {
    lead: file ? `Cannot ${verbOf(action)} ${file}: ` : '',
    key: keyArn ? `the key ${label && label !== keyArn ? `${label} (${keyArn})` : keyArn}` : 'the key',
    keyArn,
    service,
  };
  const own = (error as { nextStep?: unknown }).nextStep;
  const advice = ADVICE[error.name] ?? (isUnreachable(error) ? unreachable : undefined);
  if (!advice) return { message: `${c.lead || `${action} failed: `}${service}.${typeof own === 'string' ? ` ${own}` : ''}`, severity: 'error', actions: [] };
  const byState = error.name === 'KMSInvalidStateException' ? STATE_ADVICE[state(c) ?? ''] : undefined;
  const fix = typeof own === 'string' ? own : (byState ?? advice).fix;
  const actions = (byState ?? advice).actions?.(c) ?? [];
  const cause = advice.cause(c);
  const sentence = c.lead ? `${c.lead}${cause}.` : `${action} failed: ${cause}.`;
  return { message: `${sentence} ${fix}`, severity: advice.severity ?? 'error', actions };
}

/** "Open Decrypted (Read-Only)" reads as "Cannot decrypt notes.txt.encrypted"; other titles read as their verb. */
function verbOf(action: string): string {
  return action.startsWith('Open Decrypted') ? 'decrypt' : action.split(' ')[0].toLowerCase();
}

/**
 * One line for tree rows, the audit panel and logs: the AWS exception name, the service's message (it never
 * contains plaintext: the core guarantees it, AWS too) and the fix. An error may carry its own `nextStep`
 * where the table's KMS advice would mislead (e.g. a CloudTrail permission).
 */
export function describeError(error: unknown): string {
  if (error instanceof UserError) return error.message;
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    const own = (error as { nextStep?: unknown }).nextStep;
    const next = typeof own === 'string' ? own : nextStep(ADVICE[error.name] ?? (isUnreachable(error) ? unreachable : undefined));
    return `${name}${error.message}${next ? ` ${next}` : ''}`;
  }
  return String(error);
}

/** "AWS does not recognise these credentials: check the profile…": the cause where it needs no context, then the fix. */
function nextStep(advice: Advice | undefined): string | undefined {
  if (!advice) return undefined;
  const cause = advice.cause({ lead: '', key: 'the key', keyArn: undefined, service: '' });
  if (/(: |\(\))$/.test(cause)) return advice.fix; // it quotes the service's message, already on the line
  return `${cause[0].toUpperCase()}${cause.slice(1)}: ${advice.fix[0].toLowerCase()}${advice.fix.slice(1)}`;
}

/** A network failure that never reached the service (no such host, refused, timed out). */
export function isUnreachable(error: Error): boolean {
  return /ENOTFOUND|ECONNREFUSED|ETIMEDOUT/.test(error.message);
}
