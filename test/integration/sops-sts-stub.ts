/**
 * A loopback STS that answers AssumeRole as AWS does (Query protocol, XML), for the sops `role`
 * tests: each role it knows gets fixed temporary credentials, any other is AccessDenied. It records
 * every request (the role, the session name, and the access key and Region of its signature).
 */
import { createServer } from 'node:http';
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { sdkClient, serve, type Served } from './serve';

export interface AssumeRoleCall {
  roleArn: string;
  sessionName: string;
  /** From the SigV4 Authorization header's credential scope. */
  accessKeyId: string;
  region: string;
}

export interface StsStub {
  url: string;
  calls: AssumeRoleCall[];
  close(): Promise<void>;
}

export interface StubRole {
  accessKeyId: string;
  secretAccessKey: string;
  /** How long the credentials live (default one hour). */
  lifetimeMs?: number;
}

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

function credentialsXml(roleArn: string, sessionName: string, role: StubRole): string {
  const expiration = new Date(Date.now() + (role.lifetimeMs ?? 3_600_000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const assumed = roleArn.replace(/^arn:aws:iam::(\d+):role\/(.*)$/, `arn:aws:sts::$1:assumed-role/$2/${sessionName}`);
  return `<AssumeRoleResponse xmlns="${NS}">
  <AssumeRoleResult>
    <AssumedRoleUser><Arn>${assumed}</Arn><AssumedRoleId>AROASTUB:${sessionName}</AssumedRoleId></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${role.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${role.secretAccessKey}</SecretAccessKey>
      <SessionToken>stub-session-token-${role.accessKeyId}</SessionToken>
      <Expiration>${expiration}</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
}

function deniedXml(accessKeyId: string, roleArn: string): string {
  return `<ErrorResponse xmlns="${NS}">
  <Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::111122223333:user/${accessKeyId} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}</Message></Error>
  <RequestId>00000000-0000-0000-0000-000000000001</RequestId>
</ErrorResponse>`;
}

export async function startStsStub(roles: Record<string, StubRole>): Promise<StsStub> {
  const calls: AssumeRoleCall[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/sts\//.exec(req.headers.authorization ?? '');
      const call = { roleArn: form.get('RoleArn') ?? '', sessionName: form.get('RoleSessionName') ?? '', accessKeyId: scope?.[1] ?? '', region: scope?.[2] ?? '' };
      calls.push(call);
      const role = form.get('Action') === 'AssumeRole' ? roles[call.roleArn] : undefined;
      res.writeHead(role ? 200 : 403, { 'content-type': 'text/xml' });
      res.end(role ? credentialsXml(call.roleArn, call.sessionName, role) : deniedXml(call.accessKeyId, call.roleArn));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export const SOPS_ROLE = 'arn:aws:iam::111122223333:role/sops-ops';
const ROLE_KEY = { accessKeyId: 'ASIASOPSROLE', secretAccessKey: 'role-secret' };

/**
 * The STS stub giving SOPS_ROLE its credentials, and `kmsw serve` knowing only those (so a KMS call
 * signed with the caller's own credentials is refused), with a key in eu-west-1 created as the role.
 */
export async function startRoleFixture(t: { after(fn: () => unknown): void }, dir: string): Promise<{ sts: StsStub; served: Served; arn: string }> {
  const sts = await startStsStub({ [SOPS_ROLE]: ROLE_KEY });
  t.after(() => sts.close());
  await writeFile(join(dir, 'credentials.json'), JSON.stringify([{ ...ROLE_KEY, principal: SOPS_ROLE }]));
  const served = await serve(['--in-memory', '--credentials', join(dir, 'credentials.json')]);
  t.after(() => served.stop());
  const eu = sdkClient(served.url, { ...ROLE_KEY, region: 'eu-west-1' });
  try {
    return { sts, served, arn: (await eu.send(new CreateKeyCommand({}))).KeyMetadata!.Arn! };
  } finally {
    eu.destroy();
  }
}
