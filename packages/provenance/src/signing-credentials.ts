import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import { X509Certificate } from '@peculiar/x509'
import { CoseAlgorithmIdentifier, type Signer } from '@trustnxt/c2pa-ts/cose'

/** A loaded signing identity: the c2pa-ts signer, plus the chain for whoever needs to show it. */
export interface TSigningCredentials {
  signer: Signer
  /** The signer's certificate first, then its issuers (PEM). */
  chainPem: string
  /** Subject of the signing certificate, for logs and the report. */
  subject: string
}

export class SigningCredentialsError extends Error {
  override name = 'SigningCredentialsError'
}

const CURVES: Record<string, { alg: CoseAlgorithmIdentifier; hash: string }> = {
  prime256v1: { alg: CoseAlgorithmIdentifier.ES256, hash: 'sha256' },
  secp384r1: { alg: CoseAlgorithmIdentifier.ES384, hash: 'sha384' },
  secp521r1: { alg: CoseAlgorithmIdentifier.ES512, hash: 'sha512' },
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

/**
 * Parses a certificate chain and its private key (both PEM) into a signer. Refused, with the
 * reason: no certificate, a key that is not EC P-256/384/521 (the C2PA ECDSA algorithms), a key
 * that does not match the first certificate, a chain of one self-signed certificate (the
 * reference reader refuses a self-signed signer), a certificate outside its validity.
 */
export function readSigningCredentials(input: { chainPem: string; keyPem: string; what?: { chain: string; key: string } }): TSigningCredentials {
  const what = input.what ?? { chain: 'the certificate chain', key: 'the private key' }
  const pems = input.chainPem.match(PEM_CERT) ?? []
  if (pems.length === 0) throw new SigningCredentialsError(`${what.chain} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`)
  let certs: X509Certificate[]
  try {
    certs = pems.map((p) => new X509Certificate(p))
  } catch (e) {
    throw new SigningCredentialsError(`${what.chain} holds a certificate that does not parse: ${(e as Error).message}`)
  }
  const [leaf, ...chain] = certs as [X509Certificate, ...X509Certificate[]]
  if (chain.length === 0 && leaf.subject === leaf.issuer) {
    throw new SigningCredentialsError(`${what.chain} is one self-signed certificate; C2PA readers refuse a self-signed signer: give the signer's certificate and then its CA`)
  }
  const now = new Date()
  if (leaf.notAfter < now || leaf.notBefore > now) {
    throw new SigningCredentialsError(`${what.chain}: the signing certificate is valid from ${leaf.notBefore.toISOString()} to ${leaf.notAfter.toISOString()}, not now`)
  }
  let key: KeyObject
  try {
    key = createPrivateKey(input.keyPem)
  } catch (e) {
    throw new SigningCredentialsError(`${what.key} does not parse as a PEM private key: ${(e as Error).message}`)
  }
  const curve = key.asymmetricKeyType === 'ec' ? key.asymmetricKeyDetails?.namedCurve : undefined
  const algorithm = curve ? CURVES[curve] : undefined
  if (!algorithm) throw new SigningCredentialsError(`${what.key} is ${key.asymmetricKeyType} ${curve ?? ''}; C2PA signing here takes an EC key on P-256, P-384 or P-521`.replace(/\s+;/, ';'))
  // The key must be the certificate's: sign a probe and verify it with the certificate's key.
  const probe = Buffer.from('montage c2pa key check')
  const certKey = createPublicKey(leaf.toString('pem'))
  if (!verify(algorithm.hash, probe, certKey, sign(algorithm.hash, probe, key))) {
    throw new SigningCredentialsError(`${what.key} does not belong to the first certificate of ${what.chain} (${leaf.subject})`)
  }
  const signer: Signer = {
    algorithm: algorithm.alg,
    certificate: leaf,
    chainCertificates: chain,
    // COSE wants ECDSA signatures as r|s (IEEE P1363), not DER.
    sign: async (payload) => new Uint8Array(sign(algorithm.hash, payload, { key, dsaEncoding: 'ieee-p1363' })),
  }
  return { signer, chainPem: certs.map((c) => c.toString('pem')).join('\n') + '\n', subject: leaf.subject }
}
