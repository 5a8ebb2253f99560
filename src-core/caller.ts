/**
 * Who makes a KMS request. A leaf module: the engine, the policy evaluator, the audit events and the
 * hosts all name the caller, and none of them should have to import another to do so.
 */

/** The principal making a request, as the HTTP endpoint or an in-process host established it. */
export interface Caller {
  accountId: string;
  region: string;
  /** IAM principal ARN, e.g. arn:aws:iam::123456789012:root or …:user/alice. */
  principal: string;
  accessKeyId?: string;
  sourceIp?: string;
  userAgent?: string;
  /** Set when an AWS service calls on the user's behalf (kms:ViaService). */
  viaService?: string;
}
