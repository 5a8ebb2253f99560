/**
 * Actions and conditions that can never work on the key the policy belongs to, when its spec, usage,
 * origin or multi-Region setting is known (from a CloudFormation resource or the keyring).
 */
import type { CheckContext } from './context';
import { canonicalAction, KMS_ACTIONS } from './data';
import { spanOf } from './findings';

export function checkKeyType(ctx: CheckContext): void {
  const key = ctx.options.key;
  if (!key) return;
  for (const st of ctx.model.statements) {
    if (st.notAction) continue;
    for (const a of st.actions) {
      const name = /^kms:/i.test(a.value) ? canonicalAction(a.value.slice(4)) : undefined;
      const info = name ? KMS_ACTIONS[name] : undefined;
      if (!info) continue;
      let why: string | undefined;
      if (key.spec && info.keySpecs && !info.keySpecs.includes(key.spec as never)) why = `a ${key.spec} key`;
      else if (key.usage && info.keyUsages && !info.keyUsages.includes(key.usage as never)) why = `a ${key.usage} key`;
      else if (info.needs === 'external-origin' && key.origin && key.origin !== 'EXTERNAL') why = `a key whose material KMS generated (Origin ${key.origin})`;
      else if (info.needs === 'multi-region' && key.multiRegion === false) why = 'a single-Region key';
      if (why) ctx.findings.add('action-not-for-key', 'warning', `kms:${name} can never succeed on ${why}; remove it or fix the key's properties.`, spanOf(a.node));
    }
    if (key.spec && key.spec !== 'SYMMETRIC_DEFAULT') {
      for (const c of st.conditions) {
        if (/^kms:EncryptionContext(Keys|:)/i.test(c.key)) {
          ctx.findings.add('encryption-context-not-for-key', 'warning', `${key.spec} keys take no encryption context, so ${c.key} is never in their requests.`, { offset: c.keyOffset, length: c.keyLength });
        }
      }
    }
  }
}
