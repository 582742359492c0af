import { validateRecord } from '@montage/board'

/** A shot record that passes the board's schema (tests that must not depend on what the server lets through). */
export function validShot(id: string, i: number, prompt = `A lighthouse keeper climbs the stairs at dusk, take ${i}.`, title = `Shot ${i}`): never {
  return validateRecord({
    id, typeName: 'shape', type: 'shot', x: (i % 40) * 400, y: Math.floor(i / 40) * 340, rotation: 0, index: indexKey(i), parentId: 'page:page', isLocked: false, opacity: 1, meta: {},
    props: { w: 360, h: 300, title, prompt, model: 'previz', duration: 5, aspectRatio: '16:9', cameraMove: 'push_in', referenceIds: [] },
  } as never) as never
}

/** A valid fractional index key per number: `a1` then base-61 digits that never end in 0. */
export function indexKey(i: number): string {
  const digits = '123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
  let out = ''
  for (let n = i; ; n = Math.floor(n / digits.length)) {
    out = digits[n % digits.length] + out
    if (n < digits.length) break
  }
  return `a1${out}`
}
