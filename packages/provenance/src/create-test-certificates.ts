import { webcrypto } from 'node:crypto'
import * as x509 from '@peculiar/x509'

export interface TTestCertificates {
  /** The end-entity certificate followed by the CA that issued it (PEM), as a signer sends its chain. */
  chainPem: string
  /** The end-entity's private key, PKCS#8 PEM. */
  keyPem: string
  /** The test CA alone (PEM): a reader told to trust it reports our manifests as trusted. */
  caPem: string
}

export interface CreateTestCertificatesOptions {
  /** Organisation named in both subjects. */
  organisation?: string
  /** Validity of both certificates, in days from now. */
  days?: number
}

type X509Crypto = Parameters<typeof x509.X509CertificateGenerator.create>[1]
type X509KeyPair = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys']

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const
const SIGN_WITH = { name: 'ECDSA', hash: 'SHA-256' } as const
/** id-kp-documentSigning (RFC 9336): one of the purposes the C2PA trust model accepts for a claim signer. */
const DOCUMENT_SIGNING = '1.3.6.1.5.5.7.3.36'

/**
 * A test CA and an end-entity certificate it issued, both ES256 (P-256). The C2PA reference
 * implementation refuses a self-signed signer and checks the signer's profile: version 3, not a
 * CA, digitalSignature in a key usage extension, an extended key usage naming a C2PA-accepted
 * purpose (emailProtection, documentSigning) and never anyExtendedKeyUsage, key identifiers that
 * link it to its issuer. Only for the local stack and tests: production reads its pair from files.
 */
export async function createTestCertificates(opts: CreateTestCertificatesOptions = {}): Promise<TTestCertificates> {
  // Node's WebCrypto; @peculiar/x509 is typed against the DOM's, which this package does not load.
  const crypto = webcrypto as unknown as X509Crypto
  const organisation = opts.organisation ?? 'Montage local test'
  const notBefore = new Date(Date.now() - 60 * 60 * 1000)
  const notAfter = new Date(Date.now() + (opts.days ?? 365) * 24 * 60 * 60 * 1000)

  const caKeys = (await webcrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as unknown as X509KeyPair
  const ca = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: `CN=${organisation} CA, O=${organisation}`,
      notBefore,
      notAfter,
      keys: caKeys,
      signingAlgorithm: SIGN_WITH,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  )

  const leafKeys = (await webcrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as unknown as X509KeyPair
  const leaf = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: `CN=${organisation} signer, O=${organisation}`,
      issuer: ca.subject,
      notBefore,
      notAfter,
      publicKey: leafKeys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: SIGN_WITH,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.emailProtection, DOCUMENT_SIGNING], false),
        await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(ca, false, crypto),
      ],
    },
    crypto,
  )

  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey as unknown as webcrypto.CryptoKey))
  return {
    chainPem: `${leaf.toString('pem')}\n${ca.toString('pem')}\n`,
    keyPem: x509.PemConverter.encode(pkcs8.buffer, 'PRIVATE KEY') + '\n',
    caPem: `${ca.toString('pem')}\n`,
  }
}

/** A positive 16-byte serial (the top bit clear, so DER needs no sign byte). */
function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16))
  bytes[0] = (bytes[0] ?? 0) & 0x7f
  return Buffer.from(bytes).toString('hex')
}
