// Every line the PKI commands print, in one place. "seen" wordings come from
// ../shared/asa-reference (facts section in brackets); "assumed" ones were not found in any
// source and are listed in sim/README.md ("PKI commands" / "Assumed wordings").

// --- seen -------------------------------------------------------------------------------

/** [7] After the command, before the paste (preceded by a blank line). */
export const PKCS12_PASTE_PROMPT = ['Enter the base 64 encoded pkcs12.', 'End with the word "quit" on a line by itself:'];
/** [7] Asked after `quit` when a key pair named like the trustpoint exists. */
export const pkcs12ReplaceWarning = (tp: string): string[] => [
  `% You already have RSA or ECDSA keys named ${tp}.`,
  '% If you replace them, all device certs issued using these keys',
  '% will be removed.',
];
export const PKCS12_REPLACE_QUESTION = '% Do you really want to replace them? [yes/no]: ';
/** [7][8] The top CA certificate of the chain is not self-signed. */
export const subordinateCa = (tp: string): string => `Trustpoint '${tp}' is a subordinate CA and holds a non self-signed certificate.`;
export const CA_ACCEPTED = 'Trustpoint CA certificate accepted.';
export const PKCS12_IMPORTED = 'INFO: Import PKCS12 operation completed successfully';
/** [7] ASDM-channel capture, 2021; printed when the trustpoint has no explicit validation-usage. */
export const VALIDATION_USAGE_WARNING = [
  'WARNING: CA certificates can be used to validate VPN connections,',
  'by default.  Please adjust the validation-usage of this',
  'trustpoint to limit the validation scope, if necessary.',
];
/** [7] ASDM-channel capture: the imported key equals an existing key pair. */
export const identicalPublicKey = (other: string): string => `WARNING: Identical public key already exists as ${other}`;

/** [8] `crypto ca authenticate` (no trailing colon, unlike the PKCS12 prompt). */
export const CA_PASTE_PROMPT = ['Enter the base 64 encoded CA certificate.', 'End with the word "quit" on a line by itself'];
export const CERTIFICATE_ATTRIBUTES = 'INFO: Certificate has the following attributes:';
export const fingerprintLine = (md5Hex: string): string => `Fingerprint:     ${(md5Hex.match(/.{8}/g) ?? []).join(' ')}`;
export const ACCEPT_QUESTION = 'Do you accept this certificate? [yes/no]: ';
export const CA_IMPORTED = '% Certificate successfully imported';

/** [8] `crypto ca import <tp> certificate`. */
export const fqdnNotice = (fqdn: string): string => `% The fully-qualified domain name in the certificate will be: ${fqdn}`;
export const ipAddressNotice = (ip: string): string => `% The IP address in the certificate is ${ip}`;
export const IDENTITY_PASTE_PROMPT = ['Enter the base 64 encoded certificate.', 'End with the word "quit" on a line by itself'];
export const IDENTITY_IMPORTED = 'INFO: Certificate successfully imported';
/** [8] The CA-import failure seen on 9.1.x; used for a certificate that cannot be read. */
export const SAVE_CERTIFICATE_FAILED = '% Error in saving certificate: status = FAIL';

/** [9] */
export const EXPORT_HEADER = 'Exported pkcs12 follows:';
/** [9] The quoted text of crypto-ca-export-error-01 (the `ERROR: ` prefix is assumed). */
export const EXPORT_MISSING = 'ERROR: a required certificate or keypair was not found export certificate';

/** [10] */
export const keyNameInfo = (name: string): string => `INFO: The name for the keys will be: ${name}`;
export const KEYGEN_BEGIN = 'Keypair generation process begin. Please wait...';
export const keypairExists = (kind: 'rsa' | 'ecdsa', name: string): string => `WARNING: You have a ${kind === 'rsa' ? 'RSA' : 'ECDSA'} keypair already defined named ${name}.`;
export const KEY_REPLACE_QUESTION = 'Do you really want to replace them? [yes/no]: ';
export const keygenDeclined = (kind: 'rsa' | 'ecdsa', name: string): string => `ERROR: Failed to create new ${kind === 'rsa' ? 'RSA' : 'ECDSA'} keys named ${name}`;

/** [11] `no crypto ca trustpoint` on an enrolled trustpoint (note the trailing space). */
export const REMOVE_ENROLLED_WARNING = ['WARNING: Removing an enrolled trustpoint will destroy all ', 'certificates received from the related Certificate Authority.'];
export const REVOKE_REMINDER = 'INFO: Be sure to ask the CA administrator to revoke your certificates.';
/** [7][11] */
export const unknownTrustpoint = (tp: string): string => `ERROR: CA trustpoint '${tp}' is not known.`;

// --- assumed (not found in any source) ----------------------------------------------------

export const REMOVE_QUESTION = 'Are you sure you want to do this? [yes/no]: ';
export const trustpointInUse = (tp: string, use: string): string => `ERROR: Removing trustpoint ${tp} not allowed, it is being used by "${use}".`;

export const PKCS12_FAILED = 'ERROR: Import PKCS12 operation failed';
export const PKCS12_BAD_PASSPHRASE = 'ERROR: Failed to decrypt the pkcs12 data: the passphrase is incorrect.';
export const PKCS12_BAD_DATA = 'ERROR: Failed to parse the pkcs12 data: not a valid base64-encoded PKCS12.';
export const PKCS12_UNSUPPORTED_ENCRYPTION = 'ERROR: Unsupported pkcs12 encryption algorithm (PBES2/AES); export it with 3DES (openssl pkcs12 -legacy).';
export const pkcs12KeysNotReplaced = (tp: string): string => `ERROR: Keys named ${tp} were not replaced.`;

export const notTerminalEnrollment = (tp: string): string => `ERROR: Trustpoint ${tp} is not configured for terminal enrollment (enrollment terminal).`;
export const alreadyAuthenticated = (tp: string): string => `ERROR: Trustpoint ${tp} is already authenticated.`;
export const CA_NOT_ACCEPTED = '% Certificate not accepted.';
export const NOT_A_CA_CERTIFICATE = 'ERROR: The certificate is not a CA certificate.';
export const notAuthenticated = (tp: string): string => `ERROR: Trustpoint ${tp} is not authenticated: authenticate its CA certificate first.`;
export const keypairMissing = (tp: string, kp: string): string => `ERROR: The keypair ${kp} of trustpoint ${tp} was not found.`;
export const identityKeyMismatch = (kp: string): string => `ERROR: The certificate's public key does not match the keypair ${kp}.`;
export const notIssuedByTrustpointCa = (tp: string): string => `ERROR: The certificate was not issued by the CA of trustpoint ${tp}.`;

export const notEnrolled = (tp: string): string => `ERROR: Trustpoint ${tp} has no enrolled identity certificate.`;
export const unknownInterface = (nameif: string): string => `ERROR: Interface ${nameif} does not exist.`;
export const noSuchSslBinding = (tp: string, nameif: string | undefined): string =>
  `ERROR: No ssl trust-point ${tp}${nameif === undefined ? '' : ` ${nameif}`} is configured.`;
export const noSuchIkev2Trustpoint = (tp: string): string => `ERROR: Trustpoint ${tp} is not an IKEv2 remote-access trustpoint.`;

export const invalidModulus = (bits: string): string => `ERROR: Invalid modulus size ${bits}: use 1024, 2048, 3072 or 4096.`;
export const invalidCurve = (bits: string): string => `ERROR: Invalid elliptic curve ${bits}: use 256 or 384.`;
export const zeroizeWarning = (kind: 'rsa' | 'ecdsa', name: string | undefined): string[] => [
  name === undefined ? `WARNING: All ${kind === 'rsa' ? 'RSA' : 'ECDSA'} keys will be removed.` : `WARNING: The ${kind === 'rsa' ? 'RSA' : 'ECDSA'} keys named ${name} will be removed.`,
  'WARNING: All device digital certificates issued using these keys will also be removed.',
];
export const ZEROIZE_QUESTION = 'Do you really want to remove these keys? [yes/no]: ';
export const noSuchKey = (kind: 'rsa' | 'ecdsa', name: string | undefined): string =>
  name === undefined ? `ERROR: No ${kind === 'rsa' ? 'RSA' : 'ECDSA'} keys exist.` : `ERROR: No ${kind === 'rsa' ? 'RSA' : 'ECDSA'} keys named ${name} exist.`;
export const keyKindMismatch = (name: string, existing: 'rsa' | 'ecdsa'): string =>
  `ERROR: A ${existing === 'rsa' ? 'RSA' : 'ECDSA'} keypair named ${name} already exists; zeroize it first.`;

/** [11] Removing a CA certificate from a chain (a Cisco document reflowed the text; shown here as one line). */
export const CA_DISASSOCIATE_WARNING =
  'WARNING: The CA certificate will be disassociated from this trustpoint and will be removed if it is not associated with any other trustpoint. Any other certificates issued by this CA and associated with this trustpoint will also be removed.';
// assumed:
export const REMOVE_CERTIFICATE_QUESTION = 'Do you really want to remove this certificate? [yes/no]: ';
export const noSuchCertificate = (serial: string, tp: string): string => `ERROR: No certificate with serial number ${serial} in trustpoint ${tp}.`;
