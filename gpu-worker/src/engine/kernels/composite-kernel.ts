import { compileWat, roundToI32x4 } from './wasm-kernels'

/**
 * The composite of an RGBA foreground over an RGB plate, our own SIMD code, four pixels a step:
 *
 *   key:   alpha = fgAlpha / 255 × (chroma key: clamp(|CbCr − key| · keyA + keyB, 0, 1))
 *          sums Σ colour · alpha and Σ alpha over the frame
 *   plate: Σ colour over the frame (in integers)
 *   gain:  per channel, clamp(1 + match · ((mean(plate) + 1) / (mean(fg under alpha) + 1) − 1), 0.5, 2)
 *   over:  out = plate · (1 − alpha) + (fg · alpha) · gain, rounded to nearest (ties to even)
 *
 * in the same float32 operations, in the same order, as the ONNX graphs (composite-nodes.ts), so
 * the two agree to a level. A frame is two passes: the sums (a new foreground's key with them),
 * then the over. The keyed alpha plane and the foreground's sums stay in the scratch region, so a
 * still foreground is keyed once (`rekey` 0 on later frames). Working the alpha out again in the
 * over instead of storing it was tried: slower (~4.5 against ~3.2 ms a 720p frame).
 *
 * Called as composite(fg, bg, dst, rekey, pixels, chroma, keyCb, keyCr, keyA, keyB, match), with
 * scratch at address 0: sums (f64) at 0..56, the alpha plane (f32 a pixel) from SCRATCH_ALPHA.
 * `pixels` must be a multiple of 4 (frames have even sides).
 */
export const compositeModule = () => compileWat('composite', COMPOSITE_WAT)


export const SCRATCH_ALPHA = 64
export const compositeScratchBytes = (pixels: number) => SCRATCH_ALPHA + pixels * 4

/** Pixels summed in float32 lanes before being added to the float64 totals (exact to ~0.01 at 255 a value). */
const CHUNK_BYTES_RGBA = 1024 * 4

/** R, G or B of four RGBA pixels (`v`) as f32x4. */
const rgbaChannel = (c: number) =>
  c === 0
    ? '(f32x4.convert_i32x4_s (v128.and (local.get $v) (local.get $mask)))'
    : `(f32x4.convert_i32x4_s (v128.and (i32x4.shr_u (local.get $v) (i32.const ${8 * c})) (local.get $mask)))`

/** R, G or B of four RGB pixels (the first 12 bytes of `w`) as f32x4. */
const rgbChannel = (c: number) =>
  `(f32x4.convert_i32x4_s (i8x16.swizzle (local.get $w) (v128.const i8x16 ${[0, 1, 2, 3].map((p) => `${3 * p + c} 128 128 128`).join(' ')})))`

/** f32x4 lanes summed into a float64. */
const lanesToF64 = (v: string) => `(f64.add (f64.add (f64.promote_f32 (f32x4.extract_lane 0 (local.get ${v}))) (f64.promote_f32 (f32x4.extract_lane 1 (local.get ${v}))))
    (f64.add (f64.promote_f32 (f32x4.extract_lane 2 (local.get ${v}))) (f64.promote_f32 (f32x4.extract_lane 3 (local.get ${v})))))`

/**
 * A loop of `body` (which moves `$pointer` on) from `$pointer` to `$end`, in chunks of `chunkBytes`:
 * each float sum's f32x4 lanes (`$s…`) restart at every chunk, and are added to its float64 total
 * (`$t…`) at the chunk's end, so no lane ever sums more than a chunk. With `plate`, so do the
 * plate's exact integer sums (`$sp`, lanes R G B, into `$tpr`, `$tpg`, `$tpb`).
 */
function chunkedSums(pointer: string, chunkBytes: number, sums: string[], plate: boolean, body: string): string {
  const plateLanes = ['r', 'g', 'b'].map((c, lane) => `(local.set $tp${c} (f64.add (local.get $tp${c}) (f64.convert_i32_u (i32x4.extract_lane ${lane} (local.get $sp)))))`)
  return `(block $done
      (loop $chunks
        (br_if $done (i32.ge_u (local.get ${pointer}) (local.get $end)))
        (local.set $chunkEnd (i32.add (local.get ${pointer}) (i32.const ${chunkBytes})))
        (if (i32.gt_u (local.get $chunkEnd) (local.get $end)) (then (local.set $chunkEnd (local.get $end))))
        ${sums.map((x) => `(local.set $s${x} (v128.const f32x4 0 0 0 0))`).join('\n        ')}
        ${plate ? '(local.set $sp (v128.const i32x4 0 0 0 0))' : ''}
        (block $chunk_done
          (loop $quads
            (br_if $chunk_done (i32.ge_u (local.get ${pointer}) (local.get $chunkEnd)))
            ${body.trim()}
            (br $quads)))
        ${sums.map((x) => `(local.set $t${x} (f64.add (local.get $t${x}) ${lanesToF64(`$s${x}`)}))`).join('\n        ')}
        ${plate ? plateLanes.join('\n        ') : ''}
        (br $chunks)))`
}

const f32x4 = (value: string) => `(v128.const f32x4 ${value} ${value} ${value} ${value})`

/** Every local the shared parts below set, declared once per function that uses them. */
const LOCALS = `(local $end i32) (local $chunkEnd i32) (local $alphaAt i32)
    (local $v v128) (local $w v128) (local $mask v128) (local $r v128) (local $g v128) (local $b v128) (local $a v128)
    (local $cb v128) (local $cr v128) (local $keyCb4 v128) (local $keyCr4 v128) (local $keyA4 v128) (local $keyB4 v128)
    (local $sr v128) (local $sg v128) (local $sb v128) (local $sa v128) (local $sp v128)
    (local $tr f64) (local $tg f64) (local $tb f64) (local $ta f64) (local $tpr f64) (local $tpg f64) (local $tpb f64)
    (local $clear v128) (local $qr v128) (local $qg v128) (local $qb v128) (local $packed v128) (local $gr4 v128) (local $gg4 v128) (local $gb4 v128)`

const SETUP = `(local.set $mask (v128.const i32x4 255 255 255 255))
    (local.set $keyCb4 (f32x4.splat (local.get $keyCb)))
    (local.set $keyCr4 (f32x4.splat (local.get $keyCr)))
    (local.set $keyA4 (f32x4.splat (local.get $keyA)))
    (local.set $keyB4 (f32x4.splat (local.get $keyB)))
    (local.set $alphaAt (i32.const ${SCRATCH_ALPHA}))
    (local.set $end (i32.add (local.get $fg) (i32.shl (local.get $pixels) (i32.const 2))))`

/** Four foreground pixels ($v) as $r, $g, $b and their keyed alpha $a. */
const KEY_QUAD = `(local.set $r ${rgbaChannel(0)})
        (local.set $g ${rgbaChannel(1)})
        (local.set $b ${rgbaChannel(2)})
        (local.set $a (f32x4.mul (f32x4.convert_i32x4_s (i32x4.shr_u (local.get $v) (i32.const 24))) ${f32x4('0.00392156862745098')}))
        (if (local.get $chroma)
          (then
            (local.set $cb (f32x4.sub (f32x4.add (f32x4.add
              (f32x4.mul (local.get $r) ${f32x4('-0.168736')}) (f32x4.mul (local.get $g) ${f32x4('-0.331264')}))
              (f32x4.mul (local.get $b) ${f32x4('0.5')})) (local.get $keyCb4)))
            (local.set $cr (f32x4.sub (f32x4.add (f32x4.add
              (f32x4.mul (local.get $r) ${f32x4('0.5')}) (f32x4.mul (local.get $g) ${f32x4('-0.418688')}))
              (f32x4.mul (local.get $b) ${f32x4('-0.081312')})) (local.get $keyCr4)))
            (local.set $a (f32x4.mul (local.get $a)
              (f32x4.pmin ${f32x4('1')} (f32x4.pmax ${f32x4('0')} (f32x4.add
                (f32x4.mul
                  (f32x4.sqrt (f32x4.add (f32x4.mul (local.get $cb) (local.get $cb)) (f32x4.mul (local.get $cr) (local.get $cr))))
                  (local.get $keyA4))
                (local.get $keyB4))))))))`

/** The foreground's sums under the quad's alpha. */
const FG_SUMS = `(local.set $sr (f32x4.add (local.get $sr) (f32x4.mul (local.get $r) (local.get $a))))
        (local.set $sg (f32x4.add (local.get $sg) (f32x4.mul (local.get $g) (local.get $a))))
        (local.set $sb (f32x4.add (local.get $sb) (f32x4.mul (local.get $b) (local.get $a))))
        (local.set $sa (f32x4.add (local.get $sa) (local.get $a)))`

/**
 * The plate's sums over four plate pixels ($w), in integers (exact): the bytes gathered as
 * R0..R3 G0..G3 B0..B3, then added in pairs twice, to [R, G, B, 0].
 */
const PLATE_SUMS = `(local.set $sp (i32x4.add (local.get $sp) (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u
          (i8x16.swizzle (local.get $w) (v128.const i8x16 0 3 6 9 1 4 7 10 2 5 8 11 128 128 128 128))))))`

const STORE_FG_SUMS = `(f64.store (i32.const 0) (local.get $tr))
    (f64.store (i32.const 8) (local.get $tg))
    (f64.store (i32.const 16) (local.get $tb))
    (f64.store (i32.const 24) (local.get $ta))`

const STORE_PLATE_SUMS = `(f64.store (i32.const 32) (local.get $tpr))
    (f64.store (i32.const 40) (local.get $tpg))
    (f64.store (i32.const 48) (local.get $tpb))`

/**
 * The over of four pixels: plate $w, foreground $v, alpha $a; written to $dst. Four clear pixels
 * (alpha +0: the plate, exactly) are the plate's bytes as they are.
 */
const OVER_QUAD = `(if (v128.any_true (local.get $a))
          (then
            (local.set $clear (f32x4.sub ${f32x4('1')} (local.get $a)))
            ${[0, 1, 2].map((c) => `(local.set $q${'rgb'[c]} ${roundToI32x4(`(f32x4.add
              (f32x4.mul ${rgbChannel(c)} (local.get $clear))
              (f32x4.mul (f32x4.mul ${rgbaChannel(c)} (local.get $a)) (local.get $g${'rgb'[c]}4)))`)})`).join('\n            ')}
            ;; [R0..R3 G0..G3 B0..B3] as saturated bytes, then interleaved to R0 G0 B0 R1 … B3
            (local.set $packed (i8x16.narrow_i16x8_u (i16x8.narrow_i32x4_s (local.get $qr) (local.get $qg)) (i16x8.narrow_i32x4_s (local.get $qb) (local.get $qb))))
            (local.set $packed (i8x16.shuffle 0 4 8 1 5 9 2 6 10 3 7 11 0 0 0 0 (local.get $packed) (local.get $packed))))
          (else (local.set $packed (local.get $w))))
        (v128.store64_lane 0 (local.get $dst) (local.get $packed))
        (v128.store32_lane offset=8 2 (local.get $dst) (local.get $packed))`

/** On to the next four pixels of the foreground, the plate and the alpha plane. */
const STEP = `(local.set $fg (i32.add (local.get $fg) (i32.const 16)))
        (local.set $bg (i32.add (local.get $bg) (i32.const 12)))
        (local.set $alphaAt (i32.add (local.get $alphaAt) (i32.const 16)))`

const KEY_PARAMS = '(param $chroma i32) (param $keyCb f32) (param $keyCr f32) (param $keyA f32) (param $keyB f32)'

const COMPOSITE_WAT = `
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; A new foreground, in one pass with the plate's sums: its alpha plane (at SCRATCH_ALPHA) and
  ;; sums (Σ R·α, Σ G·α, Σ B·α, Σ α at 0, 8, 16, 24), the plate's (Σ R, Σ G, Σ B at 32, 40, 48).
  (func $key (param $fg i32) (param $bg i32) (param $pixels i32) ${KEY_PARAMS}
    ${LOCALS}
    ${SETUP}
    ${chunkedSums('$fg', CHUNK_BYTES_RGBA, ['r', 'g', 'b', 'a'], true, `
        (local.set $v (v128.load (local.get $fg)))
        ;; Four clear foreground pixels key to alpha +0 and add nothing to the sums.
        (if (v128.any_true (v128.and (local.get $v) (v128.const i32x4 0xff000000 0xff000000 0xff000000 0xff000000)))
          (then
            ${KEY_QUAD}
            ${FG_SUMS})
          (else (local.set $a (v128.const f32x4 0 0 0 0))))
        (v128.store (local.get $alphaAt) (local.get $a))
        (local.set $w (v128.load (local.get $bg)))
        ${PLATE_SUMS}
        ${STEP}
`)}
    ${STORE_FG_SUMS}
    ${STORE_PLATE_SUMS})

  ;; A kept foreground's frame: the plate's sums only.
  (func $plateSums (param $bg i32) (param $pixels i32)
    ${LOCALS}
    (local.set $end (i32.add (local.get $bg) (i32.mul (local.get $pixels) (i32.const 3))))
    ${chunkedSums('$bg', (CHUNK_BYTES_RGBA / 4) * 3, [], true, `
        (local.set $w (v128.load (local.get $bg)))
        ${PLATE_SUMS}
        (local.set $bg (i32.add (local.get $bg) (i32.const 12)))
`)}
    ${STORE_PLATE_SUMS})

  ;; a channel's colour-match gain from the sums
  (func $gain (param $fgSum f64) (param $plateSum f64) (param $alphaSum f32) (param $pixels i32) (param $match f32) (result f32)
    (local $meanBg f32) (local $meanFg f32)
    (local.set $meanBg (f32.demote_f64 (f64.div (local.get $plateSum) (f64.convert_i32_u (local.get $pixels)))))
    (local.set $meanFg (f32.div (f32.demote_f64 (local.get $fgSum)) (f32.add (local.get $alphaSum) (f32.const 0.001))))
    (f32.min (f32.const 2) (f32.max (f32.const 0.5) (f32.add (f32.const 1)
      (f32.mul (f32.sub (f32.div (f32.add (local.get $meanBg) (f32.const 1)) (f32.add (local.get $meanFg) (f32.const 1))) (f32.const 1)) (local.get $match))))))

  (func $over (param $fg i32) (param $bg i32) (param $dst i32) (param $pixels i32) (param $gr f32) (param $gg f32) (param $gb f32)
    ${LOCALS}
    (local.set $mask (v128.const i32x4 255 255 255 255))
    (local.set $alphaAt (i32.const ${SCRATCH_ALPHA}))
    (local.set $end (i32.add (local.get $fg) (i32.shl (local.get $pixels) (i32.const 2))))
    (local.set $gr4 (f32x4.splat (local.get $gr)))
    (local.set $gg4 (f32x4.splat (local.get $gg)))
    (local.set $gb4 (f32x4.splat (local.get $gb)))
    (block $done
      (loop $quads
        (br_if $done (i32.ge_u (local.get $fg) (local.get $end)))
        (local.set $v (v128.load (local.get $fg)))
        (local.set $w (v128.load (local.get $bg)))
        (local.set $a (v128.load (local.get $alphaAt)))
        ${OVER_QUAD}
        ${STEP}
        (local.set $dst (i32.add (local.get $dst) (i32.const 12)))
        (br $quads))))

  (func (export "composite") (param $fg i32) (param $bg i32) (param $dst i32) (param $rekey i32)
        (param $pixels i32) ${KEY_PARAMS} (param $match f32)
    (local $alphaSum f32)
    (if (local.get $rekey)
      (then (call $key (local.get $fg) (local.get $bg) (local.get $pixels)
        (local.get $chroma) (local.get $keyCb) (local.get $keyCr) (local.get $keyA) (local.get $keyB)))
      (else (call $plateSums (local.get $bg) (local.get $pixels))))
    (local.set $alphaSum (f32.demote_f64 (f64.load (i32.const 24))))
    (call $over (local.get $fg) (local.get $bg) (local.get $dst) (local.get $pixels)
      (call $gain (f64.load (i32.const 0)) (f64.load (i32.const 32)) (local.get $alphaSum) (local.get $pixels) (local.get $match))
      (call $gain (f64.load (i32.const 8)) (f64.load (i32.const 40)) (local.get $alphaSum) (local.get $pixels) (local.get $match))
      (call $gain (f64.load (i32.const 16)) (f64.load (i32.const 48)) (local.get $alphaSum) (local.get $pixels) (local.get $match)))))
`
