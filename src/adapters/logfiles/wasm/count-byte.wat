;; count-byte: counts the occurrences of one byte value in a range of linear memory, 16 bytes at a time (WASM SIMD).
;; Why: `wbguard analyze` must count every line of gigabytes of logs; calling Buffer.indexOf once per line costs
;; about as much as reading the file, while this loop runs at memory speed (docs/benchmarks.md).
;; Assembled by `npm run build:wasm` (wabt from npm; run by `npm ci` and `npm run build`) into count-byte-module.ts,
;; which is generated and not committed; a test checks the two agree.
(module
  ;; The memory is the caller's (its size is the caller's business): the bytes to count are read straight into it.
  (import "env" "memory" (memory 1))

  ;; Sum of the 16 unsigned byte lanes of $v.
  (func $sumLanes (param $v v128) (result i32)
    (local $w v128)
    (local.set $w (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $v))))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $w)) (i32x4.extract_lane 1 (local.get $w)))
      (i32.add (i32x4.extract_lane 2 (local.get $w)) (i32x4.extract_lane 3 (local.get $w)))))

  ;; countByte(start, length, byte): how many bytes in [start, start + length) equal `byte`.
  (func (export "countByte") (param $p i32) (param $len i32) (param $byte i32) (result i32)
    (local $needle v128) (local $stop i32) (local $blocksEnd i32) (local $flushAt i32) (local $total i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $needle (i8x16.splat (local.get $byte)))
    (local.set $stop (i32.add (local.get $p) (local.get $len)))
    ;; Whole 64-byte blocks first, four vectors per turn.
    (local.set $blocksEnd (i32.add (local.get $p) (i32.and (local.get $len) (i32.const -64))))
    (block $blocksDone
      (loop $flush
        (br_if $blocksDone (i32.ge_u (local.get $p) (local.get $blocksEnd)))
        ;; Each byte lane of an accumulator gains at most 1 per turn: flush to $total every 255 turns, before it wraps.
        (local.set $flushAt (i32.add (local.get $p) (i32.const 16320)))
        (if (i32.gt_u (local.get $flushAt) (local.get $blocksEnd))
          (then (local.set $flushAt (local.get $blocksEnd))))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0))
        (local.set $a3 (v128.const i64x2 0 0))
        (loop $turn
          ;; i8x16.eq gives -1 in equal lanes, so subtracting it adds 1.
          (local.set $a0 (i8x16.sub (local.get $a0) (i8x16.eq (v128.load offset=0 (local.get $p)) (local.get $needle))))
          (local.set $a1 (i8x16.sub (local.get $a1) (i8x16.eq (v128.load offset=16 (local.get $p)) (local.get $needle))))
          (local.set $a2 (i8x16.sub (local.get $a2) (i8x16.eq (v128.load offset=32 (local.get $p)) (local.get $needle))))
          (local.set $a3 (i8x16.sub (local.get $a3) (i8x16.eq (v128.load offset=48 (local.get $p)) (local.get $needle))))
          (local.set $p (i32.add (local.get $p) (i32.const 64)))
          (br_if $turn (i32.lt_u (local.get $p) (local.get $flushAt))))
        (local.set $total
          (i32.add (local.get $total)
            (i32.add
              (i32.add (call $sumLanes (local.get $a0)) (call $sumLanes (local.get $a1)))
              (i32.add (call $sumLanes (local.get $a2)) (call $sumLanes (local.get $a3))))))
        (br $flush)))
    ;; The last 0–63 bytes one at a time.
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $p) (local.get $stop)))
        (if (i32.eq (i32.load8_u (local.get $p)) (local.get $byte))
          (then (local.set $total (i32.add (local.get $total) (i32.const 1)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $tail)))
    (local.get $total)))
