// The PKI core: keys, CSRs, certificate inspection, the local CA, passphrases.
export * from './pem.js';
export * from './keys.js';
export * from './subject.js';
export * from './csr.js';
export * from './certificate-info.js';
export * from './local-ca.js';
export * from './passphrase.js';
export * from './pkcs12.js';
export * from './asa-paste.js';
