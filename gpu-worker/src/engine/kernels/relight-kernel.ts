import { compileWat, roundToI32x4 } from './wasm-kernels'

/**
 * The relight of rgb24 frames as one fused pass, our own SIMD code:
 *
 *   out = saturate_u8(nearest(frame · gain + lift)),  gain = A + B · facing(x, y)
 *
 * per channel, where facing = clamp(u0 + x · ux + y · uy, 0, 1) is how much a pixel faces the key
 * light (see relightMaps, which spells out the same field as full-size maps). The kernel works the
 * field out as it goes, so a frame costs one read and one write of its bytes and nothing else.
 * Rounding is to nearest with ties to even, as the ONNX graph's QuantizeLinear.
 *
 * Called as relight(src, dst, width, height, u0, ux, uy, Ar, Ag, Ab, Br, Bg, Bb, Lr, Lg, Lb).
 */
export const relightModule = () => compileWat('relight', RELIGHT_WAT)

const CHANNELS = ['r', 'g', 'b'] as const

/** A vector of a per-channel parameter for lanes starting at channel `first`: [r g b r], [g b r g] or [b r g b]. */
function channelVector(name: string, first: number): string {
  const lane = (i: number) => `(local.get $${name}${CHANNELS[(first + i) % 3]})`
  return `(f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat ${lane(0)}) ${lane(1)}) ${lane(2)})`
}

/** Byte lanes of an i8x16.shuffle taking the f32 lanes `lanes` of its first operand. */
const f32Lanes = (lanes: number[]) => lanes.flatMap((l) => [0, 1, 2, 3].map((b) => 4 * l + b)).join(' ')

/**
 * One block of 16 pixels (48 bytes): the four pixels' facing vectors F0..F3, then for each value
 * vector j (four bytes of the block, channels starting at t = j mod 3) its facing per value, its gain
 * and its light, narrowed back to bytes with saturation.
 */
function block(): string {
  const out: string[] = []
  for (let m = 0; m < 4; m++) {
    out.push(`(local.set $f${m} (f32x4.pmin $one (f32x4.pmax $zero (f32x4.add (local.get $row)
        (f32x4.mul (f32x4.convert_i32x4_s (i32x4.add (local.get $xs) (i32x4.splat (i32.const ${4 * m})))) (local.get $ux4))))))`.replaceAll('$one', '(local.get $one)').replaceAll('$zero', '(local.get $zero)'))
  }
  // Which four pixels' facing each value vector's lanes take, by t: values 4t..4t+3 of 12.
  const spread = [[0, 0, 0, 1], [1, 1, 2, 2], [2, 3, 3, 3]]
  for (let k = 0; k < 3; k++) {
    const lit = [0, 1, 2, 3].map((q) => {
      const j = 4 * k + q
      const m = Math.floor(j / 3)
      const t = j % 3
      const half = q < 2 ? 'low' : 'high'
      const quarter = q % 2 === 0 ? 'low' : 'high'
      const facing = `(i8x16.shuffle ${f32Lanes(spread[t]!)} (local.get $f${m}) (local.get $f${m}))`
      return roundToI32x4(`(f32x4.add
          (f32x4.mul
            (f32x4.convert_i32x4_s (i32x4.extend_${quarter}_i16x8_u (i16x8.extend_${half}_i8x16_u (local.get $v))))
            (f32x4.add (local.get $a${t}) (f32x4.mul (local.get $b${t}) ${facing})))
          (local.get $l${t}))`)
    })
    out.push(`(local.set $v (v128.load offset=${16 * k} (local.get $src)))`)
    out.push(`(v128.store offset=${16 * k} (local.get $dst) (i8x16.narrow_i16x8_u
        (i16x8.narrow_i32x4_s ${lit[0]} ${lit[1]})
        (i16x8.narrow_i32x4_s ${lit[2]} ${lit[3]})))`)
  }
  return out.join('\n')
}

/** The scalar form of a parameter for the tail's channel $c. */
const byChannel = (name: string) =>
  `(select (local.get $${name}r) (select (local.get $${name}g) (local.get $${name}b) (i32.eq (local.get $c) (i32.const 1))) (i32.eqz (local.get $c)))`

const RELIGHT_WAT = `
(module
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "relight") (param $src i32) (param $dst i32) (param $width i32) (param $height i32)
        (param $u0 f32) (param $ux f32) (param $uy f32)
        (param $Ar f32) (param $Ag f32) (param $Ab f32) (param $Br f32) (param $Bg f32) (param $Bb f32)
        (param $Lr f32) (param $Lg f32) (param $Lb f32)
    (local $y i32) (local $x i32) (local $c i32) (local $q i32) (local $rowBase f32) (local $facing f32)
    (local $row v128) (local $ux4 v128) (local $xs v128) (local $one v128) (local $zero v128) (local $v v128)
    (local $f0 v128) (local $f1 v128) (local $f2 v128) (local $f3 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $b0 v128) (local $b1 v128) (local $b2 v128)
    (local $l0 v128) (local $l1 v128) (local $l2 v128)
    ${[0, 1, 2].map((t) => `(local.set $a${t} ${channelVector('A', t)})
    (local.set $b${t} ${channelVector('B', t)})
    (local.set $l${t} ${channelVector('L', t)})`).join('\n    ')}
    (local.set $ux4 (f32x4.splat (local.get $ux)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $zero (f32x4.splat (f32.const 0)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $y) (local.get $height)))
        (local.set $rowBase (f32.add (local.get $u0) (f32.mul (f32.convert_i32_u (local.get $y)) (local.get $uy))))
        (local.set $row (f32x4.splat (local.get $rowBase)))
        (local.set $xs (v128.const i32x4 0 1 2 3))
        (local.set $x (i32.const 0))
        ;; whole blocks of 16 pixels
        (block $blocks_done
          (loop $blocks
            (br_if $blocks_done (i32.gt_u (i32.add (local.get $x) (i32.const 16)) (local.get $width)))
            ${block()}
            (local.set $xs (i32x4.add (local.get $xs) (i32x4.splat (i32.const 16))))
            (local.set $x (i32.add (local.get $x) (i32.const 16)))
            (local.set $src (i32.add (local.get $src) (i32.const 48)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 48)))
            (br $blocks)))
        ;; the row's last width mod 16 pixels, a value at a time
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $x) (local.get $width)))
            (local.set $facing (f32.min (f32.const 1) (f32.max (f32.const 0)
              (f32.add (local.get $rowBase) (f32.mul (f32.convert_i32_s (local.get $x)) (local.get $ux))))))
            (local.set $c (i32.const 0))
            (loop $channels
              (local.set $q (i32.trunc_sat_f32_s (f32.nearest (f32.add
                (f32.mul (f32.convert_i32_u (i32.load8_u (local.get $src)))
                         (f32.add ${byChannel('A')} (f32.mul ${byChannel('B')} (local.get $facing))))
                ${byChannel('L')}))))
              (i32.store8 (local.get $dst)
                (select (i32.const 0) (select (i32.const 255) (local.get $q) (i32.gt_s (local.get $q) (i32.const 255))) (i32.lt_s (local.get $q) (i32.const 0))))
              (local.set $src (i32.add (local.get $src) (i32.const 1)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
              (local.set $c (i32.add (local.get $c) (i32.const 1)))
              (br_if $channels (i32.lt_u (local.get $c) (i32.const 3))))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $tail)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $rows)))))
`
