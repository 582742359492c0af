import { describe, expect, it } from 'vitest'
import { CURRENT_SCRYPT_PARAMS, createPasswordHasher, parseScryptHash } from '../src'

describe('password hashing', () => {
  const hasher = createPasswordHasher()

  it('stores scrypt with its parameters and salt beside the hash, and checks only the right password', async () => {
    const stored = await hasher.hash('correct horse battery')
    expect(stored).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
    expect(parseScryptHash(stored)?.params).toEqual(CURRENT_SCRYPT_PARAMS)
    // A fresh salt each time: the same password never gives the same string.
    expect(await hasher.hash('correct horse battery')).not.toBe(stored)
    expect(await hasher.check('correct horse battery', stored)).toEqual({ ok: true, needsRehash: false })
    expect(await hasher.check('correct horse batterY', stored)).toEqual({ ok: false, needsRehash: false })
    expect(await hasher.check('', stored)).toEqual({ ok: false, needsRehash: false })
  })

  it('answers an unknown account (no stored hash) and a corrupt hash as a wrong password', async () => {
    expect(await hasher.check('anything at all', null)).toEqual({ ok: false, needsRehash: false })
    expect(await hasher.check('anything at all', 'plain-text-password')).toEqual({ ok: false, needsRehash: false })
    // Parameters beyond the limits are refused before any work (a corrupt row cannot ask for gigabytes).
    expect(parseScryptHash('$scrypt$ln=30,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g')).toBeNull()
  })

  it('keeps verifying a hash made with older, weaker parameters and asks for a rehash', async () => {
    const old = createPasswordHasher({ params: { ln: 14, r: 8, p: 1 } })
    const stored = await old.hash('an older password')
    expect(stored.startsWith('$scrypt$ln=14,r=8,p=1$')).toBe(true)
    expect(await hasher.check('an older password', stored)).toEqual({ ok: true, needsRehash: true })
    expect(await hasher.check('not the password', stored)).toEqual({ ok: false, needsRehash: false })
  })

  it('runs at most `concurrency` KDFs at once and finishes every request', async () => {
    const limited = createPasswordHasher({ params: { ln: 12, r: 8, p: 1 }, concurrency: 1 })
    const hashes = await Promise.all(['one password', 'two password', 'three password'].map((p) => limited.hash(p)))
    expect(new Set(hashes).size).toBe(3)
    expect((await limited.check('two password', hashes[1]!)).ok).toBe(true)
  })
})
