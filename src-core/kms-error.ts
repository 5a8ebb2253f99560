/**
 * The one error type of the core. `name` is the AWS exception name (the wire `__type`), so the HTTP
 * endpoint, the CLI and the extension can each render it their own way without string matching.
 */
export class KmsError extends Error {
  /** HTTP status AWS uses for this exception: 400 for client errors, 500 for faults. */
  readonly httpStatus: number;

  constructor(name: KmsErrorName, message: string, options?: { httpStatus?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = name;
    this.httpStatus = options?.httpStatus ?? (FAULTS.has(name) ? 500 : 400);
  }
}

const FAULTS = new Set<string>(['KMSInternalException', 'DependencyTimeoutException', 'KeyUnavailableException']);

/** Exceptions of the KMS model plus the service-wide ones AWS returns outside it. */
export type KmsErrorName =
  | 'AccessDeniedException'
  | 'AlreadyExistsException'
  | 'CloudHsmClusterInUseException'
  | 'CloudHsmClusterInvalidConfigurationException'
  | 'CloudHsmClusterNotActiveException'
  | 'CloudHsmClusterNotFoundException'
  | 'CloudHsmClusterNotRelatedException'
  | 'ConflictException'
  | 'CustomKeyStoreHasCMKsException'
  | 'CustomKeyStoreInvalidStateException'
  | 'CustomKeyStoreNameInUseException'
  | 'CustomKeyStoreNotFoundException'
  | 'DependencyTimeoutException'
  | 'DisabledException'
  | 'DryRunOperationException'
  | 'ExpiredImportTokenException'
  | 'IncompleteSignature'
  | 'IncorrectKeyException'
  | 'IncorrectKeyMaterialException'
  | 'IncorrectTrustAnchorException'
  | 'InvalidAliasNameException'
  | 'InvalidArnException'
  | 'InvalidCiphertextException'
  | 'InvalidGrantIdException'
  | 'InvalidGrantTokenException'
  | 'InvalidImportTokenException'
  | 'InvalidKeyUsageException'
  | 'InvalidMarkerException'
  | 'InvalidSignatureException'
  | 'KMSInternalException'
  | 'KMSInvalidMacException'
  | 'KMSInvalidSignatureException'
  | 'KMSInvalidStateException'
  | 'KeyUnavailableException'
  | 'LimitExceededException'
  | 'MalformedPolicyDocumentException'
  | 'MissingAuthenticationToken'
  | 'NotAuthorizedException'
  | 'NotFoundException'
  | 'SerializationException'
  | 'TagException'
  | 'ThrottlingException'
  | 'UnknownOperationException'
  | 'UnrecognizedClientException'
  | 'UnsupportedOperationException'
  | 'ValidationError'
  | 'ValidationException'
  | 'XksKeyAlreadyInUseException'
  | 'XksKeyInvalidConfigurationException'
  | 'XksKeyNotFoundException'
  | 'XksProxyIncorrectAuthenticationCredentialException'
  | 'XksProxyInvalidConfigurationException'
  | 'XksProxyInvalidResponseException'
  | 'XksProxyUriEndpointInUseException'
  | 'XksProxyUriInUseException'
  | 'XksProxyUriUnreachableException'
  | 'XksProxyVpcEndpointServiceInUseException'
  | 'XksProxyVpcEndpointServiceInvalidConfigurationException'
  | 'XksProxyVpcEndpointServiceNotFoundException';

export function isKmsError(e: unknown): e is KmsError {
  return e instanceof KmsError;
}
