/**
 * Starts the real `kmsw serve` as a child process on a free loopback port and hands out clients
 * for it: the JS SDK, signed raw HTTP requests, the AWS CLI and boto3.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest, type Agent } from 'node:http';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { NodeHttpHandler } from '@smithy/node-http-handler';

const ROOT = join(import.meta.dirname, '..', '..');
export const MAIN = join(ROOT, 'src-node', 'cli', 'main.ts');

export interface Served {
  url: string;
  process: ChildProcess;
  /** Everything the server wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** Sends a signal and resolves to the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `kmsw <args>` to completion. */
export function kmsw(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export async function serve(args: string[] = ['--in-memory'], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--port', '0', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`kmsw serve exited with ${code} before listening:\n${stderr}`)));
  });
  const exited = once(child, 'exit') as Promise<[number | null]>;
  return {
    url,
    process: child,
    stderr: () => stderr,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const [code] = await exited;
      return code;
    },
  };
}

/** `agent`: the client's own connection pool (e.g. one keep-alive connection), instead of the SDK's default. */
export function sdkClient(url: string, options: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string; region?: string; agent?: Agent } = {}): KMSClient {
  return new KMSClient({
    endpoint: url,
    region: options.region ?? 'us-east-1',
    credentials: { accessKeyId: options.accessKeyId ?? 'test', secretAccessKey: options.secretAccessKey ?? 'test', sessionToken: options.sessionToken },
    maxAttempts: 1,
    ...(options.agent ? { requestHandler: new NodeHttpHandler({ httpAgent: options.agent }) } : {}),
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request to the endpoint (no SDK in between), for protocol and error-shape tests. */
export function raw(url: string, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(options.path ?? '/', url), { method: options.method ?? 'POST', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Headers of a well-formed (not verifiable) SigV4 request for `operation`. */
export function signedHeaders(operation: string, accessKeyId = 'test', region = 'us-east-1', date = new Date()): Record<string, string> {
  // Dated now: the endpoint, as AWS, refuses signatures more than 15 minutes off.
  const amzDate = date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `TrentService.${operation}`,
    'x-amz-date': amzDate,
    authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${amzDate.slice(0, 8)}/${region}/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
  };
}

/** The environment the AWS CLI and boto3 need to talk to the endpoint and nothing else. */
export function awsEnv(region = 'us-east-1', accessKeyId = 'test'): NodeJS.ProcessEnv {
  return {
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: region,
    AWS_REGION: region,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** Debian's AWS CLI v2; an `aws` earlier on PATH may be the Python CLI v1. */
const AWS_CLI = '/usr/bin/aws';

/** Runs `aws kms <args> --endpoint-url URL --output json`; resolves to parsed output or the error text. */
export function awsCli(url: string, args: string[], env: NodeJS.ProcessEnv = awsEnv()): { status: number | null; json?: Record<string, unknown>; stderr: string } {
  const r = spawnSync(AWS_CLI, ['kms', ...args, '--endpoint-url', url, '--output', 'json'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, encoding: 'utf8' });
  const out = r.stdout.trim();
  return { status: r.status, json: out ? (JSON.parse(out) as Record<string, unknown>) : undefined, stderr: r.stderr };
}

export function hasAwsCli(): boolean {
  return spawnSync(AWS_CLI, ['--version'], { encoding: 'utf8' }).status === 0;
}

/** Runs a Python script with boto3 pointed at the endpoint; its stdout is parsed as JSON. */
export function boto3(url: string, script: string, env: NodeJS.ProcessEnv = awsEnv()): { status: number | null; json?: unknown; stderr: string } {
  const prelude = `import boto3, json, base64, sys\nkms = boto3.client('kms', endpoint_url=${JSON.stringify(url)})\n`;
  const r = spawnSync('python3', ['-c', prelude + script], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, encoding: 'utf8' });
  const out = r.stdout.trim();
  return { status: r.status, json: out ? JSON.parse(out) : undefined, stderr: r.stderr };
}

export function hasBoto3(): boolean {
  return spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8' }).status === 0;
}
