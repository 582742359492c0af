const SHA256 = /^[a-f0-9]{64}$/

/** A name that is not a sha256 is refused before any path or key is built from it. */
export function assertSha256(sha256: string): void {
  if (!SHA256.test(sha256)) throw new Error(`Not a sha256: ${sha256}`)
}
