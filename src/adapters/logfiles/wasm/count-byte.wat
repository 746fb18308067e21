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
    (local.get $total))

  ;; saysAny(start, end, words): 1 when one of the words lies in [start, end), else 0. `words` is a table the
  ;; caller wrote (adapters/logfiles/byte-window.ts): 256 bytes, for each byte made small letter (A–Z → a–z) a bit
  ;; mask of the words starting with it, then per word (at most 8): i32 length (0: no word), i32 1 when matched as
  ;; it is (else in any ASCII case, as a regular expression's i flag without u equates), 64 bytes (small letters
  ;; unless exact); then per word 32 bytes: its first byte and its last byte, made small letters, 16 times each;
  ;; then linesWith's 256 bytes (below). Why: a line the scanner found must sometimes be asked whether it holds a
  ;; word (a level word, a refusal's wording); looking here costs a fraction of a JavaScript byte loop, and the line
  ;; is never decoded.
  ;; 16 positions at a time: a position is looked at closely only where some word's first and last bytes (both
  ;; made small letters) are there; loads may reach past `end` (the caller's memory goes on), never a match.
  (func (export "saysAny") (param $p i32) (param $end i32) (param $words i32) (result i32)
    (local $stop i32) (local $v v128) (local $at v128) (local $hits v128) (local $k i32) (local $w i32)
    (local $len i32) (local $a v128) (local $z v128)
    (local.set $a (i8x16.splat (i32.const 65)))
    (local.set $z (i8x16.splat (i32.const 26)))
    (block $none
      (loop $block
        (br_if $none (i32.ge_u (local.get $p) (local.get $end)))
        ;; Lanes of the 16 positions at $p where some word's first and last bytes (made small letters) are: folding
        ;; written out (V8 does not inline WebAssembly calls), lanes where v − 65 < 26 gain 0x20. Loads may reach
        ;; past `end` (the caller's memory goes on); the close look rules such positions out.
        (local.set $v (v128.load (local.get $p)))
        (local.set $at
          (v128.or (local.get $v)
            (v128.and (i8x16.lt_u (i8x16.sub (local.get $v) (local.get $a)) (local.get $z)) (i8x16.splat (i32.const 32)))))
        (local.set $hits (v128.const i64x2 0 0))
        (local.set $k (i32.const 0))
        (loop $word
          (local.set $w (i32.add (i32.add (local.get $words) (i32.const 256)) (i32.mul (local.get $k) (i32.const 72))))
          (local.set $len (i32.load (local.get $w)))
          (if (local.get $len)
            (then
              (local.set $v (v128.load (i32.sub (i32.add (local.get $p) (local.get $len)) (i32.const 1))))
              (local.set $w (i32.add (i32.add (local.get $words) (i32.const 832)) (i32.shl (local.get $k) (i32.const 5))))
              (local.set $hits
                (v128.or (local.get $hits)
                  (v128.and
                    (i8x16.eq (local.get $at) (v128.load (local.get $w)))
                    (i8x16.eq
                      (v128.or (local.get $v)
                        (v128.and
                          (i8x16.lt_u (i8x16.sub (local.get $v) (local.get $a)) (local.get $z))
                          (i8x16.splat (i32.const 32))))
                      (v128.load offset=16 (local.get $w))))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $word (i32.lt_u (local.get $k) (i32.const 8))))
        (if (v128.any_true (local.get $hits))
          (then
            (local.set $stop (i32.add (local.get $p) (i32.const 16)))
            (if (i32.gt_u (local.get $stop) (local.get $end))
              (then (local.set $stop (local.get $end))))
            (if (i32.ge_s (call $scalar (local.get $p) (local.get $stop) (local.get $end) (local.get $words)) (i32.const 0))
              (then (return (i32.const 1))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $block)))
    (i32.const 0))

  ;; linesWith(start, end, words, out, max): the lines of [start, end) (whole lines: it ends with a newline) holding
  ;; one of the words (the table saysAny reads), in order, as pairs of i32 (line start, offset of its newline) written
  ;; at `out`; returns how many, at most `max` (the caller goes on after the last line when it is `max`). Why: the
  ;; scanner looks for what a join refusal says (its wordings' shared parts, in any case) over every byte of the input,
  ;; and only a line holding one is looked at again; one call per read window, not calls out of JavaScript per line.
  ;; Only the table's first two words are looked for (the caller looks for more two at a time: two passes of this loop
  ;; took 0.19–0.21 s/GB where one loop for four took 0.25–0.29, the 2 GB mix); per word the table's last 256 bytes
  ;; hold 64: its first and its last byte 16 times each (small letters unless exact), then the same two as masks OR-ed
  ;; into the input first (0x20 for a letter of a word in any case: b | 0x20 equals a small letter only for it and its
  ;; capital; 0 otherwise). Held in locals, nothing called per block: this runs over every byte of the input.
  (func (export "linesWith") (param $p i32) (param $end i32) (param $words i32) (param $out i32) (param $max i32)
    (result i32)
    (local $start i32) (local $q i32) (local $count i32) (local $len0 i32) (local $len1 i32)
    (local $f0 v128) (local $l0 v128) (local $a0 v128) (local $b0 v128)
    (local $f1 v128) (local $l1 v128) (local $a1 v128) (local $b1 v128)
    (local $v v128)
    (local.set $len0 (i32.load offset=256 (local.get $words)))
    (local.set $f0 (v128.load offset=1088 (local.get $words)))
    (local.set $l0 (v128.load offset=1104 (local.get $words)))
    (local.set $a0 (v128.load offset=1120 (local.get $words)))
    (local.set $b0 (v128.load offset=1136 (local.get $words)))
    (local.set $len1 (i32.load offset=328 (local.get $words)))
    (local.set $f1 (v128.load offset=1152 (local.get $words)))
    (local.set $l1 (v128.load offset=1168 (local.get $words)))
    (local.set $a1 (v128.load offset=1184 (local.get $words)))
    (local.set $b1 (v128.load offset=1200 (local.get $words)))
    (if (i32.eqz (local.get $len0))
      (then (return (i32.const 0))))
    ;; One word: looked for twice (the same vectors), which costs nothing more than a loop of its own.
    (if (i32.eqz (local.get $len1))
      (then
        (local.set $len1 (local.get $len0))
        (local.set $f1 (local.get $f0))
        (local.set $l1 (local.get $l0))
        (local.set $a1 (local.get $a0))
        (local.set $b1 (local.get $b0))))
    (local.set $start (local.get $p))
    (block $done2
      (loop $block2
        ;; 32 positions per test while none can start a word (nearly always): 0.09 against 0.125 s/GB for 16 (the
        ;; 2 GB mix, one thread). 64 per test, or 32 with four words, was slower: the words' 16 or more vectors no
        ;; longer stay in registers. A block that may hold a word is looked at 16 positions at a time below.
        (block $slow2
          (loop $fast2
            (br_if $slow2 (i32.gt_u (i32.add (local.get $p) (i32.const 32)) (local.get $end)))
            (br_if $slow2
              (v128.any_true
                (v128.or
                  (v128.or
                  (v128.and
                    (i8x16.eq (v128.or (v128.load (local.get $p)) (local.get $a0)) (local.get $f0))
                    (i8x16.eq
                      (v128.or (v128.load (i32.sub (i32.add (local.get $p) (local.get $len0)) (i32.const 1)))
                        (local.get $b0))
                      (local.get $l0)))
                  (v128.and
                    (i8x16.eq (v128.or (v128.load (local.get $p)) (local.get $a1)) (local.get $f1))
                    (i8x16.eq
                      (v128.or (v128.load (i32.sub (i32.add (local.get $p) (local.get $len1)) (i32.const 1)))
                        (local.get $b1))
                      (local.get $l1))))
                  (v128.or
                  (v128.and
                    (i8x16.eq (v128.or (v128.load offset=16 (local.get $p)) (local.get $a0)) (local.get $f0))
                    (i8x16.eq
                      (v128.or (v128.load offset=16 (i32.sub (i32.add (local.get $p) (local.get $len0)) (i32.const 1)))
                        (local.get $b0))
                      (local.get $l0)))
                  (v128.and
                    (i8x16.eq (v128.or (v128.load offset=16 (local.get $p)) (local.get $a1)) (local.get $f1))
                    (i8x16.eq
                      (v128.or (v128.load offset=16 (i32.sub (i32.add (local.get $p) (local.get $len1)) (i32.const 1)))
                        (local.get $b1))
                      (local.get $l1)))))))
            (local.set $p (i32.add (local.get $p) (i32.const 32)))
            (br $fast2)))
        (br_if $done2 (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v (v128.load (local.get $p)))
        (if (v128.any_true
              (v128.or
              (v128.and
                (i8x16.eq (v128.or (local.get $v) (local.get $a0)) (local.get $f0))
                (i8x16.eq
                  (v128.or (v128.load (i32.sub (i32.add (local.get $p) (local.get $len0)) (i32.const 1))) (local.get $b0))
                  (local.get $l0)))
              (v128.and
                (i8x16.eq (v128.or (local.get $v) (local.get $a1)) (local.get $f1))
                (i8x16.eq
                  (v128.or (v128.load (i32.sub (i32.add (local.get $p) (local.get $len1)) (i32.const 1))) (local.get $b1))
                  (local.get $l1)))))
          (then
            (local.set $q (call $wordIn (local.get $p) (local.get $end) (local.get $words)))
            (if (i32.ge_s (local.get $q) (i32.const 0))
              (then
                (local.set $p (call $emitLine (local.get $q) (local.get $start) (local.get $end)
                  (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 3)))))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))
                (br_if $done2 (i32.ge_u (local.get $count) (local.get $max)))
                (br $block2)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $block2)))
    (local.get $count))

  ;; Where a word starts in the 16 positions from `p` (a block linesWith found a hit in), -1 when none does.
  (func $wordIn (param $p i32) (param $end i32) (param $words i32) (result i32)
    (local $stop i32)
    (local.set $stop (i32.add (local.get $p) (i32.const 16)))
    (if (i32.gt_u (local.get $stop) (local.get $end))
      (then (local.set $stop (local.get $end))))
    (call $scalar (local.get $p) (local.get $stop) (local.get $end) (local.get $words)))

  ;; Writes the bounds of the line holding position `q` of [start, end) at `at` (line start, offset of its newline)
  ;; and returns where the next line starts. Both ends are looked for 16 bytes at a time (byte by byte near `start`
  ;; and `end`): where nearly every line holds a word (a file of Stats lines only) this runs for every line, and a
  ;; byte at a time it cost ~120 steps a line.
  (func $emitLine (param $q i32) (param $start i32) (param $end i32) (param $at i32) (result i32)
    (local $ls i32) (local $le i32) (local $m i32) (local $nl v128)
    (local.set $nl (i8x16.splat (i32.const 10)))
    (local.set $ls (local.get $q))
    (block $atStart
      (loop $back16
        (br_if $atStart (i32.lt_u (i32.sub (local.get $ls) (local.get $start)) (i32.const 16)))
        (local.set $m
          (i8x16.bitmask (i8x16.eq (v128.load (i32.sub (local.get $ls) (i32.const 16))) (local.get $nl))))
        (if (local.get $m)
          (then
            ;; The last newline of the 16 bytes before `ls` (bit i is byte ls − 16 + i; the highest is 31 − clz):
            ;; the line starts just after it, at ls + 16 − clz.
            (local.set $ls (i32.sub (i32.add (local.get $ls) (i32.const 16)) (i32.clz (local.get $m))))
            (br $atStart)))
        (local.set $ls (i32.sub (local.get $ls) (i32.const 16)))
        (br $back16)))
    (block $atStart1
      (loop $back
        (br_if $atStart1 (i32.le_u (local.get $ls) (local.get $start)))
        (br_if $atStart1 (i32.eq (i32.load8_u (i32.sub (local.get $ls) (i32.const 1))) (i32.const 10)))
        (local.set $ls (i32.sub (local.get $ls) (i32.const 1)))
        (br $back)))
    (local.set $le (local.get $q))
    (block $atEnd
      (loop $forth16
        (br_if $atEnd (i32.gt_u (i32.add (local.get $le) (i32.const 16)) (local.get $end)))
        (local.set $m (i8x16.bitmask (i8x16.eq (v128.load (local.get $le)) (local.get $nl))))
        (if (local.get $m)
          (then
            (local.set $le (i32.add (local.get $le) (i32.ctz (local.get $m))))
            (br $atEnd)))
        (local.set $le (i32.add (local.get $le) (i32.const 16)))
        (br $forth16)))
    (block $atEnd1
      (loop $forth
        (br_if $atEnd1 (i32.ge_u (local.get $le) (local.get $end)))
        (br_if $atEnd1 (i32.eq (i32.load8_u (local.get $le)) (i32.const 10)))
        (local.set $le (i32.add (local.get $le) (i32.const 1)))
        (br $forth)))
    (i32.store (local.get $at) (local.get $ls))
    (i32.store offset=4 (local.get $at) (local.get $le))
    (i32.add (local.get $le) (i32.const 1)))

  ;; The first of the positions [p, stop) where a word starts and ends by `end` (-1: none): byte by byte.
  (func $scalar (param $p i32) (param $stop i32) (param $end i32) (param $words i32) (result i32)
    (local $c i32) (local $mask i32) (local $k i32) (local $w i32) (local $len i32) (local $exact i32) (local $j i32)
    (local $b i32)
    (block $none
      (loop $byte
        (br_if $none (i32.ge_u (local.get $p) (local.get $stop)))
        (local.set $c (i32.load8_u (local.get $p)))
        (if (i32.lt_u (i32.sub (local.get $c) (i32.const 65)) (i32.const 26))
          (then (local.set $c (i32.or (local.get $c) (i32.const 32)))))
        (local.set $mask (i32.load8_u (i32.add (local.get $words) (local.get $c))))
        (if (local.get $mask)
          (then
            (local.set $k (i32.const 0))
            (loop $word
              (if (i32.and (local.get $mask) (i32.shl (i32.const 1) (local.get $k)))
                (then
                  (local.set $w (i32.add (i32.add (local.get $words) (i32.const 256)) (i32.mul (local.get $k) (i32.const 72))))
                  (local.set $len (i32.load (local.get $w)))
                  (local.set $exact (i32.load offset=4 (local.get $w)))
                  (if (i32.le_u (i32.add (local.get $p) (local.get $len)) (local.get $end))
                    (then
                      (local.set $j (i32.const 0))
                      (block $differs
                        (loop $same
                          (br_if $differs (i32.ge_u (local.get $j) (local.get $len)))
                          (local.set $b (i32.load8_u (i32.add (local.get $p) (local.get $j))))
                          (if (i32.eqz (local.get $exact))
                            (then
                              (if (i32.lt_u (i32.sub (local.get $b) (i32.const 65)) (i32.const 26))
                                (then (local.set $b (i32.or (local.get $b) (i32.const 32)))))))
                          (br_if $differs
                            (i32.ne (local.get $b) (i32.load8_u offset=8 (i32.add (local.get $w) (local.get $j)))))
                          (local.set $j (i32.add (local.get $j) (i32.const 1)))
                          (br $same)))
                      (if (i32.ge_u (local.get $j) (local.get $len))
                        (then (return (local.get $p))))))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $word (i32.lt_u (local.get $k) (i32.const 8))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $byte)))
    (i32.const -1)))
