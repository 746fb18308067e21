;; stats-line: reads the common Web Bridge `Stats N, c:X, d:Y` line where the scanner found it, in the window's memory.
;; Why: these lines are 96 % of the candidate lines of a CMS log, and reading them in JavaScript cost most of
;; `wbguard analyze`'s time (each scan worker ran its first ~20,000 lines in the interpreter at ~3 µs each while V8
;; optimised the reader on a background thread, again in every worker); here they cost ~0.1 µs from the first line.
;; It must read exactly what core/parse/stats-bytes.ts reads (a test holds the two, and the general parser, equal),
;; and answers 0 for anything else, which then goes the JavaScript way.
;; Assembled by `npm run build:wasm` (wabt from npm) into stats-line-module.ts, generated and not committed.
;;
;; statsLine(start, end, slot) reads bytes [start, end) (no newline). `slot` is 512 bytes of this memory kept by
;; one source (adapters/logfiles/stats-line-kernel.ts): what repeats line after line, and the fields read.
;;   +0 i32 length of the kept first token (-1: none)     +4 i32 whether that token is a facility.severity one
;;   +8 i32 length of the kept host (-1: none)            +12 i32 1 when the kept host changed (the caller clears it)
;;   +16..+40 i32 month, day, hour, minute, second, ms, stamp end (from start)
;;   +44 i32, +48 i32 the first token's bounds when the answer is 2   +52 i32 active
;;   +56 f64 connects   +64 f64 disconnects   +128 kept first token (128 bytes)   +256 kept host (128 bytes)
;;   +72 i32 where the message starts, +76 i32 where the line ends without its CR (envelope only)
;;   +80 i32 year, +84 i32 1 when the stamp has a zone, +88 i32 its offset in minutes (ISO stamps: otherStatsLine)
;; Answers 1 (read: the fields are in the slot), 0 (not the common shape), or 2: the first token after the stamp is
;; not the kept one; the caller decides whether it is a facility.severity token, keeps it, and asks again.
;; envelope(start, end, slot) reads the same envelope of any line (a Call Bridge STATS line, an MMP audit line…) and
;; leaves its message to the caller: the general parser's payload reading then runs on the message alone.
;; otherStatsLine(start, end, slot) reads Stats lines of the other shapes: an ISO 8601 stamp, a `<PRI>` before either,
;; an RFC 5424 header.
(module
  (import "env" "memory" (memory 1))

  ;; The value of the last digit run read (digitRun).
  (global $value (mut i64) (i64.const 0))
  ;; The milliseconds of the last fraction read ($fraction).
  (global $ms (mut i32) (i32.const 0))

  ;; The byte at $i of a line ending at $end, or -1 past it.
  (func $byteAt (param $i i32) (param $end i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $i) (local.get $end))
      (then (i32.load8_u (local.get $i)))
      (else (i32.const -1))))

  (func $digitAt (param $i i32) (param $end i32) (result i32)
    (local $c i32)
    (local.set $c (i32.sub (call $byteAt (local.get $i) (local.get $end)) (i32.const 48)))
    (if (result i32) (i32.le_u (local.get $c) (i32.const 9))
      (then (local.get $c))
      (else (i32.const -1))))

  (func $twoDigitsAt (param $i i32) (param $end i32) (result i32)
    (local $a i32) (local $b i32)
    (local.set $a (call $digitAt (local.get $i) (local.get $end)))
    (local.set $b (call $digitAt (i32.add (local.get $i) (i32.const 1)) (local.get $end)))
    (if (result i32) (i32.lt_s (i32.or (local.get $a) (local.get $b)) (i32.const 0))
      (then (i32.const -1))
      (else (i32.add (i32.mul (local.get $a) (i32.const 10)) (local.get $b)))))

  ;; (Loops call no helper per byte: V8 does not inline WebAssembly calls, and a call per byte was most of the time.
  ;; The build now inlines the helpers below into their callers (binaryen: scripts/wasm-source.ts), loops included.)
  (func $skipBlanks (param $i i32) (param $end i32) (result i32)
    (local $c i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $i)))
        (br_if $done (i32.and (i32.ne (local.get $c) (i32.const 32)) (i32.ne (local.get $c) (i32.const 9))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i))

  (func $tokenEnd (param $i i32) (param $end i32) (result i32)
    (local $c i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $i)))
        (br_if $done (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i))

  ;; The month (1–12) of three bytes packed as b0 << 16 | b1 << 8 | b2, 0 when none ("Jan" … "Dec" only).
  (func $month (param $c i32) (result i32)
    (if (i32.eq (local.get $c) (i32.const 0x4A616E)) (then (return (i32.const 1))))
    (if (i32.eq (local.get $c) (i32.const 0x466562)) (then (return (i32.const 2))))
    (if (i32.eq (local.get $c) (i32.const 0x4D6172)) (then (return (i32.const 3))))
    (if (i32.eq (local.get $c) (i32.const 0x417072)) (then (return (i32.const 4))))
    (if (i32.eq (local.get $c) (i32.const 0x4D6179)) (then (return (i32.const 5))))
    (if (i32.eq (local.get $c) (i32.const 0x4A756E)) (then (return (i32.const 6))))
    (if (i32.eq (local.get $c) (i32.const 0x4A756C)) (then (return (i32.const 7))))
    (if (i32.eq (local.get $c) (i32.const 0x417567)) (then (return (i32.const 8))))
    (if (i32.eq (local.get $c) (i32.const 0x536570)) (then (return (i32.const 9))))
    (if (i32.eq (local.get $c) (i32.const 0x4F6374)) (then (return (i32.const 10))))
    (if (i32.eq (local.get $c) (i32.const 0x4E6F76)) (then (return (i32.const 11))))
    (if (i32.eq (local.get $c) (i32.const 0x446563)) (then (return (i32.const 12))))
    (i32.const 0))

  ;; Whether bytes [$from, $to) equal the $len bytes kept at $kept.
  (func $sameBytes (param $kept i32) (param $len i32) (param $from i32) (param $to i32) (result i32)
    (local $i i32)
    (if (i32.ne (local.get $len) (i32.sub (local.get $to) (local.get $from))) (then (return (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (if (i32.ne (i32.load8_u (i32.add (local.get $kept) (local.get $i)))
                    (i32.load8_u (i32.add (local.get $from) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  ;; Copies [$from, $to) to $dest when every byte is ASCII; 0 (and a partial copy) when one is not.
  (func $asciiCopy (param $from i32) (param $to i32) (param $dest i32) (result i32)
    (local $i i32) (local $c i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (i32.add (local.get $from) (local.get $i)) (local.get $to)))
        (local.set $c (i32.load8_u (i32.add (local.get $from) (local.get $i))))
        (if (i32.ge_u (local.get $c) (i32.const 128)) (then (return (i32.const 0))))
        (i32.store8 (i32.add (local.get $dest) (local.get $i)) (local.get $c))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  ;; Reads the decimal digits at $p: answers how many (0: none), their value (first 16 digits) in $value.
  (func $digitRun (param $p i32) (param $end i32) (result i32)
    (local $n i32) (local $d i32) (local $v i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (i32.add (local.get $p) (local.get $n)) (local.get $end)))
        (local.set $d (i32.sub (i32.load8_u (i32.add (local.get $p) (local.get $n))) (i32.const 48)))
        (br_if $done (i32.gt_u (local.get $d) (i32.const 9)))
        (if (i32.lt_u (local.get $n) (i32.const 16))
          (then (local.set $v (i64.add (i64.mul (local.get $v) (i64.const 10)) (i64.extend_i32_u (local.get $d))))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next)))
    (global.set $value (local.get $v))
    (local.get $n))

  ;; Whether the two bytes at $p are $a and $b.
  (func $pairAt (param $p i32) (param $end i32) (param $a i32) (param $b i32) (result i32)
    (i32.and
      (i32.eq (call $byteAt (local.get $p) (local.get $end)) (local.get $a))
      (i32.eq (call $byteAt (i32.add (local.get $p) (i32.const 1)) (local.get $end)) (local.get $b))))

;; The BSD stamp "Mmm dD HH:MM:SS[.fff…]" at $at of the line [$start, $end) (CR already dropped), as bsdStampEnd
  ;; of core/parse/line-bytes.ts reads it: its fields written to the slot (+16…+36, and +40 where it ends, from
  ;; $start); answers where it ends, -1 when there is none.
  (func $bsdStamp (param $at i32) (param $start i32) (param $end i32) (param $slot i32) (result i32)
    (local $p i32) (local $d i32)
    (local $month i32) (local $day i32) (local $hour i32) (local $minute i32) (local $sec i32) (local $ms i32)
    (local $digits i32)
    (if (i32.gt_u (i32.add (local.get $at) (i32.const 3)) (local.get $end)) (then (return (i32.const -1))))
    (local.set $month (call $month
      (i32.or
        (i32.or
          (i32.shl (i32.load8_u (local.get $at)) (i32.const 16))
          (i32.shl (i32.load8_u offset=1 (local.get $at)) (i32.const 8)))
        (i32.load8_u offset=2 (local.get $at)))))
    (if (i32.eqz (local.get $month)) (then (return (i32.const -1))))
    (local.set $p (i32.add (local.get $at) (i32.const 3)))
    (if (i32.ne (call $byteAt (local.get $p) (local.get $end)) (i32.const 32)) (then (return (i32.const -1))))
    (local.set $p (i32.add (local.get $p)
      (select (i32.const 2) (i32.const 1)
        (i32.eq (call $byteAt (i32.add (local.get $p) (i32.const 1)) (local.get $end)) (i32.const 32)))))
    (local.set $day (call $digitAt (local.get $p) (local.get $end)))
    (if (i32.lt_s (local.get $day) (i32.const 0)) (then (return (i32.const -1))))
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (local.set $d (call $digitAt (local.get $p) (local.get $end)))
    (if (i32.ge_s (local.get $d) (i32.const 0))
      (then
        (local.set $day (i32.add (i32.mul (local.get $day) (i32.const 10)) (local.get $d)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))))
    (if (i32.ne (call $byteAt (local.get $p) (local.get $end)) (i32.const 32)) (then (return (i32.const -1))))
    (local.set $hour (call $twoDigitsAt (i32.add (local.get $p) (i32.const 1)) (local.get $end)))
    (local.set $minute
      (select
        (call $twoDigitsAt (i32.add (local.get $p) (i32.const 4)) (local.get $end))
        (i32.const -1)
        (i32.eq (call $byteAt (i32.add (local.get $p) (i32.const 3)) (local.get $end)) (i32.const 58))))
    (local.set $sec
      (select
        (call $twoDigitsAt (i32.add (local.get $p) (i32.const 7)) (local.get $end))
        (i32.const -1)
        (i32.eq (call $byteAt (i32.add (local.get $p) (i32.const 6)) (local.get $end)) (i32.const 58))))
    (if (i32.lt_s (i32.or (i32.or (local.get $hour) (local.get $minute)) (local.get $sec)) (i32.const 0))
      (then (return (i32.const -1))))
    (local.set $p (i32.add (local.get $p) (i32.const 9)))
    ;; Fractions of a second: 1 to 6 digits, milliseconds from the first three.
    (if (i32.eq (call $byteAt (local.get $p) (local.get $end)) (i32.const 46))
      (then
        (local.set $p (call $fraction (i32.add (local.get $p) (i32.const 1)) (local.get $end) (i32.const 6)))
        (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
        (local.set $ms (global.get $ms))))
    (if (i32.lt_u (local.get $p) (local.get $end))
      (then (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 32)) (then (return (i32.const -1))))))
    (if (i32.eqz (call $validClock (local.get $month) (local.get $day) (local.get $hour) (local.get $minute) (local.get $sec)))
      (then (return (i32.const -1))))
    (i32.store offset=16 (local.get $slot) (local.get $month))
    (i32.store offset=20 (local.get $slot) (local.get $day))
    (i32.store offset=24 (local.get $slot) (local.get $hour))
    (i32.store offset=28 (local.get $slot) (local.get $minute))
    (i32.store offset=32 (local.get $slot) (local.get $sec))
    (i32.store offset=36 (local.get $slot) (local.get $ms))
    (i32.store offset=40 (local.get $slot) (i32.sub (local.get $p) (local.get $start)))
    (local.get $p))

  ;; A clock that exists (validClock of core/parse/timestamp.ts): 1, else 0.
  (func $validClock (param $month i32) (param $day i32) (param $hour i32) (param $minute i32) (param $sec i32)
    (result i32)
    (i32.and
      (i32.and
        (i32.and (i32.ge_s (local.get $month) (i32.const 1)) (i32.le_s (local.get $month) (i32.const 12)))
        (i32.and (i32.ge_s (local.get $day) (i32.const 1)) (i32.le_s (local.get $day) (i32.const 31))))
      (i32.and
        (i32.le_s (local.get $hour) (i32.const 23))
        (i32.and (i32.le_s (local.get $minute) (i32.const 59)) (i32.le_s (local.get $sec) (i32.const 60))))))

  ;; The digits of a fraction from $at (1 to $max of them), as fractionEnd of line-bytes.ts: answers where they end
  ;; (-1: none, or too many), their first three as milliseconds in $ms.
  (func $fraction (param $at i32) (param $end i32) (param $max i32) (result i32)
    (local $digits i32) (local $d i32) (local $ms i32)
    (block $done
      (loop $next
        (local.set $d (call $digitAt (i32.add (local.get $at) (local.get $digits)) (local.get $end)))
        (br_if $done (i32.lt_s (local.get $d) (i32.const 0)))
        (if (i32.lt_s (local.get $digits) (i32.const 3))
          (then (local.set $ms (i32.add (i32.mul (local.get $ms) (i32.const 10)) (local.get $d)))))
        (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
        (br $next)))
    (if (i32.or (i32.eqz (local.get $digits)) (i32.gt_s (local.get $digits) (local.get $max)))
      (then (return (i32.const -1))))
    (if (i32.eq (local.get $digits) (i32.const 2)) (then (local.set $ms (i32.mul (local.get $ms) (i32.const 10)))))
    (if (i32.eq (local.get $digits) (i32.const 1)) (then (local.set $ms (i32.mul (local.get $ms) (i32.const 100)))))
    (global.set $ms (local.get $ms))
    (i32.add (local.get $at) (local.get $digits)))

  ;; What follows the stamp, from $p, as parseEnvelope reads it: an optional facility.severity token, the host (kept
  ;; in the slot), up to two tokens for the tag. Answers where the message starts, -1 when the line is not of this
  ;; shape, or -2 when the first token is not the kept one (see statsLine).
  (func $afterStamp (param $p i32) (param $end i32) (param $slot i32) (result i32)
    (local $e i32) (local $q i32) (local $te i32) (local $i i32) (local $messageStart i32)
    (local.set $p (call $skipBlanks (local.get $p) (local.get $end)))
    (local.set $e (call $tokenEnd (local.get $p) (local.get $end)))
    (if (i32.eqz (call $sameBytes
          (i32.add (local.get $slot) (i32.const 128)) (i32.load offset=0 (local.get $slot)) (local.get $p) (local.get $e)))
      (then
        (i32.store offset=44 (local.get $slot) (local.get $p))
        (i32.store offset=48 (local.get $slot) (local.get $e))
        (return (i32.const -2))))
    (if (i32.load offset=4 (local.get $slot))
      (then
        (local.set $p (call $skipBlanks (local.get $e) (local.get $end)))
        (local.set $e (call $tokenEnd (local.get $p) (local.get $end)))))
    (if (i32.eq (local.get $e) (local.get $p)) (then (return (i32.const -1))))
    (if (i32.eqz (call $keepHost (local.get $p) (local.get $e) (local.get $slot))) (then (return (i32.const -1))))
    (local.set $p (call $skipBlanks (local.get $e) (local.get $end)))
    (local.set $messageStart (local.get $p))
    (local.set $q (local.get $p))
    (block $tagDone
      (loop $tagNext
        (br_if $tagDone (i32.ge_s (local.get $i) (i32.const 2)))
        (br_if $tagDone (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $te (call $tokenEnd (local.get $q) (local.get $end)))
        (if (i32.gt_s (i32.sub (local.get $te) (local.get $q)) (i32.const 1))
          (then
            (if (i32.eq (i32.load8_u (i32.sub (local.get $te) (i32.const 1))) (i32.const 58))
              (then
                (local.set $messageStart (call $skipBlanks (local.get $te) (local.get $end)))
                (br $tagDone)))))
        (local.set $q (call $skipBlanks (local.get $te) (local.get $end)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tagNext)))
    (local.get $messageStart))

  ;; The host token [$p, $e): kept in the slot (+256, length at +8, +12 set when it changed); 0 when it cannot be
  ;; (longer than 128 bytes, or not ASCII: the JavaScript reader then decides).
  (func $keepHost (param $p i32) (param $e i32) (param $slot i32) (result i32)
    (if (call $sameBytes
          (i32.add (local.get $slot) (i32.const 256)) (i32.load offset=8 (local.get $slot)) (local.get $p) (local.get $e))
      (then (return (i32.const 1))))
    (if (i32.gt_u (i32.sub (local.get $e) (local.get $p)) (i32.const 128)) (then (return (i32.const 0))))
    (if (i32.eqz (call $asciiCopy (local.get $p) (local.get $e) (i32.add (local.get $slot) (i32.const 256))))
      (then
        ;; Part of the kept host was overwritten: keep none.
        (i32.store offset=8 (local.get $slot) (i32.const -1))
        (return (i32.const 0))))
    (i32.store offset=8 (local.get $slot) (i32.sub (local.get $e) (local.get $p)))
    (i32.store offset=12 (local.get $slot) (i32.const 1))
    (i32.const 1))

  ;; Reads the envelope of [start, end) (CR already dropped): the BSD stamp (into the slot), then what follows it.
  ;; Answers where the message starts, -1 when the line is not of this shape, or -2 (see $afterStamp).
  (func $envelope (param $start i32) (param $end i32) (param $slot i32) (result i32)
    (local $p i32)
    ;; Longer lines go the general way (as in stats-bytes.ts).
    (if (i32.gt_u (i32.sub (local.get $end) (local.get $start)) (i32.const 4096)) (then (return (i32.const -1))))
    (local.set $p (call $bsdStamp (local.get $start) (local.get $start) (local.get $end) (local.get $slot)))
    (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
    (call $afterStamp (local.get $p) (local.get $end) (local.get $slot)))

  ;; A CR before the newline is not part of the line: where the line ends without it.
  (func $lineEnd (param $start i32) (param $end i32) (result i32)
    (if (i32.gt_u (local.get $end) (local.get $start))
      (then
        (if (i32.eq (i32.load8_u (i32.sub (local.get $end) (i32.const 1))) (i32.const 13))
          (then (return (i32.sub (local.get $end) (i32.const 1)))))))
    (local.get $end))

  ;; envelope(start, end, slot): the envelope of any line of this shape, for the caller to read its message
  ;; (+72 i32: where the message starts; +76 i32: where the line ends, CR dropped). Answers as statsLine does.
  (func (export "envelope") (param $start i32) (param $end i32) (param $slot i32) (result i32)
    (local $m i32)
    (local.set $end (call $lineEnd (local.get $start) (local.get $end)))
    (local.set $m (call $envelope (local.get $start) (local.get $end) (local.get $slot)))
    (if (i32.eq (local.get $m) (i32.const -2)) (then (return (i32.const 2))))
    (if (i32.lt_s (local.get $m) (i32.const 0)) (then (return (i32.const 0))))
    (call $keepMessage (local.get $m) (local.get $end) (local.get $slot))
    (i32.const 1))

  ;; The message [$m, $end) of the line just read, for the caller (+72: where it starts; +76: where the line ends).
  (func $keepMessage (param $m i32) (param $end i32) (param $slot i32)
    (i32.store offset=72 (local.get $slot) (local.get $m))
    (i32.store offset=76 (local.get $slot) (local.get $end)))

  (func (export "statsLine") (param $start i32) (param $end i32) (param $slot i32) (result i32)
    (local $messageStart i32)
    (local.set $end (call $lineEnd (local.get $start) (local.get $end)))
    (local.set $messageStart (call $envelope (local.get $start) (local.get $end) (local.get $slot)))
    (if (i32.eq (local.get $messageStart) (i32.const -2)) (then (return (i32.const 2))))
    (if (i32.lt_s (local.get $messageStart) (i32.const 0)) (then (return (i32.const 0))))
    (call $statsPayload (local.get $messageStart) (local.get $end) (local.get $slot)))

  ;; Where a `<PRI>` the general parser accepts ends (priEnd of line-bytes.ts): $start without one, -1 for one it
  ;; refuses (no digit, more than three, above 191, or no `>`).
  (func $priEnd (param $start i32) (param $end i32) (result i32)
    (local $p i32) (local $pri i32) (local $c i32) (local $d i32)
    (if (i32.ne (call $byteAt (local.get $start) (local.get $end)) (i32.const 60)) (then (return (local.get $start))))
    (local.set $p (i32.add (local.get $start) (i32.const 1)))
    (block $none
      (loop $next
        (br_if $none (i32.ge_u (local.get $p) (local.get $end)))
        (br_if $none (i32.gt_u (local.get $p) (i32.add (local.get $start) (i32.const 4))))
        (local.set $c (i32.load8_u (local.get $p)))
        (if (i32.eq (local.get $c) (i32.const 62))
          (then
            (return
              (select
                (i32.add (local.get $p) (i32.const 1))
                (i32.const -1)
                (i32.and
                  (i32.gt_u (local.get $p) (i32.add (local.get $start) (i32.const 1)))
                  (i32.le_s (local.get $pri) (i32.const 191)))))))
        (local.set $d (i32.sub (local.get $c) (i32.const 48)))
        (if (i32.gt_u (local.get $d) (i32.const 9)) (then (return (i32.const -1))))
        (local.set $pri (i32.add (i32.mul (local.get $pri) (i32.const 10)) (local.get $d)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (i32.const -1))

  ;; Whether an RFC 5424 version starts at $p, as rfc5424Version of stats-bytes.ts answers: 1 'yes', 2 'unsure' (a
  ;; byte beyond ASCII after it: left to the JavaScript reader), 0 'no'.
  (func $rfc5424Version (param $p i32) (param $end i32) (result i32)
    (local $q i32) (local $next i32)
    (if (i32.lt_s (call $digitAt (local.get $p) (local.get $end)) (i32.const 1)) (then (return (i32.const 0))))
    (local.set $q
      (select
        (i32.add (local.get $p) (i32.const 2))
        (i32.add (local.get $p) (i32.const 1))
        (i32.ge_s (call $digitAt (i32.add (local.get $p) (i32.const 1)) (local.get $end)) (i32.const 0))))
    (if (i32.ne (call $byteAt (local.get $q) (local.get $end)) (i32.const 32)) (then (return (i32.const 0))))
    (local.set $next (call $byteAt (i32.add (local.get $q) (i32.const 1)) (local.get $end)))
    (if (i32.ge_s (local.get $next) (i32.const 128)) (then (return (i32.const 2))))
    (i32.eqz
      (i32.or
        (i32.or (i32.lt_s (local.get $next) (i32.const 0)) (i32.eq (local.get $next) (i32.const 32)))
        (i32.and (i32.ge_s (local.get $next) (i32.const 9)) (i32.le_s (local.get $next) (i32.const 13))))))

  ;; The ISO 8601 stamp at $p, as isoStampEnd of line-bytes.ts reads it: `YYYY-MM-DD[T ]hh:mm:ss([.,]f{1,9})?
  ;; (Z|±hh:?mm)?` then a space or the end, a clock that exists. Its fields go to the slot (+80 year, +16…+36 month
  ;; to milliseconds, +84 1 when it has a zone, +88 the zone's offset in minutes): the caller makes the instant (a
  ;; zone-less stamp is read in the source's time zone). Answers where it ends, -1 when there is none.
  (func $isoStamp (param $p i32) (param $end i32) (param $slot i32) (result i32)
    (local $century i32) (local $yearOfCentury i32) (local $separator i32)
    (local $month i32) (local $day i32) (local $hour i32) (local $minute i32) (local $sec i32) (local $ms i32)
    (local $q i32) (local $mark i32) (local $zone i32) (local $hasZone i32) (local $offset i32)
    (local $hours i32) (local $minutes i32) (local $colon i32)
    (local.set $century (call $twoDigitsAt (local.get $p) (local.get $end)))
    (local.set $yearOfCentury (call $twoDigitsAt (i32.add (local.get $p) (i32.const 2)) (local.get $end)))
    (if (i32.or
          (i32.or
            (i32.lt_s (i32.or (local.get $century) (local.get $yearOfCentury)) (i32.const 0))
            (i32.ne (call $byteAt (i32.add (local.get $p) (i32.const 4)) (local.get $end)) (i32.const 45)))
          (i32.or
            (i32.ne (call $byteAt (i32.add (local.get $p) (i32.const 7)) (local.get $end)) (i32.const 45))
            (i32.or
              (i32.ne (call $byteAt (i32.add (local.get $p) (i32.const 13)) (local.get $end)) (i32.const 58))
              (i32.ne (call $byteAt (i32.add (local.get $p) (i32.const 16)) (local.get $end)) (i32.const 58)))))
      (then (return (i32.const -1))))
    (local.set $separator (call $byteAt (i32.add (local.get $p) (i32.const 10)) (local.get $end)))
    (local.set $month (call $twoDigitsAt (i32.add (local.get $p) (i32.const 5)) (local.get $end)))
    (local.set $day (call $twoDigitsAt (i32.add (local.get $p) (i32.const 8)) (local.get $end)))
    (local.set $hour (call $twoDigitsAt (i32.add (local.get $p) (i32.const 11)) (local.get $end)))
    (local.set $minute (call $twoDigitsAt (i32.add (local.get $p) (i32.const 14)) (local.get $end)))
    (local.set $sec (call $twoDigitsAt (i32.add (local.get $p) (i32.const 17)) (local.get $end)))
    (if (i32.or
          (i32.and (i32.ne (local.get $separator) (i32.const 84)) (i32.ne (local.get $separator) (i32.const 32)))
          (i32.lt_s
            (i32.or (i32.or (local.get $month) (local.get $day)) (i32.or (i32.or (local.get $hour) (local.get $minute)) (local.get $sec)))
            (i32.const 0)))
      (then (return (i32.const -1))))
    (local.set $q (i32.add (local.get $p) (i32.const 19)))
    (local.set $mark (call $byteAt (local.get $q) (local.get $end)))
    (if (i32.or (i32.eq (local.get $mark) (i32.const 46)) (i32.eq (local.get $mark) (i32.const 44)))
      (then
        (local.set $q (call $fraction (i32.add (local.get $q) (i32.const 1)) (local.get $end) (i32.const 9)))
        (if (i32.lt_s (local.get $q) (i32.const 0)) (then (return (i32.const -1))))
        (local.set $ms (global.get $ms))))
    (local.set $zone (call $byteAt (local.get $q) (local.get $end)))
    (if (i32.eq (local.get $zone) (i32.const 90))
      (then
        (local.set $hasZone (i32.const 1))
        (local.set $q (i32.add (local.get $q) (i32.const 1))))
      (else
        (if (i32.or (i32.eq (local.get $zone) (i32.const 43)) (i32.eq (local.get $zone) (i32.const 45)))
          (then
            (local.set $hours (call $twoDigitsAt (i32.add (local.get $q) (i32.const 1)) (local.get $end)))
            (local.set $colon
              (i32.eq (call $byteAt (i32.add (local.get $q) (i32.const 3)) (local.get $end)) (i32.const 58)))
            (local.set $minutes
              (call $twoDigitsAt (i32.add (i32.add (local.get $q) (i32.const 3)) (local.get $colon)) (local.get $end)))
            (if (i32.lt_s (i32.or (local.get $hours) (local.get $minutes)) (i32.const 0)) (then (return (i32.const -1))))
            (local.set $offset (i32.add (i32.mul (local.get $hours) (i32.const 60)) (local.get $minutes)))
            (if (i32.eq (local.get $zone) (i32.const 45)) (then (local.set $offset (i32.sub (i32.const 0) (local.get $offset)))))
            (local.set $hasZone (i32.const 1))
            (local.set $q (i32.add (local.get $q) (i32.add (i32.const 5) (local.get $colon))))))))
    (if (i32.lt_u (local.get $q) (local.get $end))
      (then (if (i32.ne (i32.load8_u (local.get $q)) (i32.const 32)) (then (return (i32.const -1))))))
    (if (i32.eqz (call $validClock (local.get $month) (local.get $day) (local.get $hour) (local.get $minute) (local.get $sec)))
      (then (return (i32.const -1))))
    (i32.store offset=80 (local.get $slot)
      (i32.add (i32.mul (local.get $century) (i32.const 100)) (local.get $yearOfCentury)))
    (i32.store offset=16 (local.get $slot) (local.get $month))
    (i32.store offset=20 (local.get $slot) (local.get $day))
    (i32.store offset=24 (local.get $slot) (local.get $hour))
    (i32.store offset=28 (local.get $slot) (local.get $minute))
    (i32.store offset=32 (local.get $slot) (local.get $sec))
    (i32.store offset=36 (local.get $slot) (local.get $ms))
    (i32.store offset=84 (local.get $slot) (local.get $hasZone))
    (i32.store offset=88 (local.get $slot) (local.get $offset))
    (local.get $q))

  ;; An RFC 5424 Stats line after its `<PRI>` (from $p), as #readRfc5424 of stats-bytes.ts reads it: six tokens
  ;; (version, stamp, host, app, procid, msgid), the stamp an ISO one the whole token long, a host that is not `-`,
  ;; structured data `-`, then the payload. Answers 3 (fields as $isoStamp leaves them), 5 (another payload:
  ;; $otherMessage) or 0.
  (func $rfc5424 (param $p i32) (param $end i32) (param $slot i32) (result i32)
    (local $i i32) (local $e i32) (local $stampAt i32) (local $stampEnd i32) (local $hostAt i32) (local $hostEnd i32)
    (block $done
      (loop $token
        (br_if $done (i32.ge_s (local.get $i) (i32.const 6)))
        (local.set $p (call $skipBlanks (local.get $p) (local.get $end)))
        (local.set $e (call $tokenEnd (local.get $p) (local.get $end)))
        (if (i32.eq (local.get $e) (local.get $p)) (then (return (i32.const 0))))
        (if (i32.eq (local.get $i) (i32.const 1))
          (then
            (local.set $stampAt (local.get $p))
            (local.set $stampEnd (local.get $e))))
        (if (i32.eq (local.get $i) (i32.const 2))
          (then
            (local.set $hostAt (local.get $p))
            (local.set $hostEnd (local.get $e))))
        (local.set $p (local.get $e))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $token)))
    (if (i32.ne (call $isoStamp (local.get $stampAt) (local.get $stampEnd) (local.get $slot)) (local.get $stampEnd))
      (then (return (i32.const 0))))
    ;; A nil host makes a record without a host: the general way says what that is.
    (if (i32.and
          (i32.eq (i32.sub (local.get $hostEnd) (local.get $hostAt)) (i32.const 1))
          (i32.eq (i32.load8_u (local.get $hostAt)) (i32.const 45)))
      (then (return (i32.const 0))))
    (if (i32.eqz (call $keepHost (local.get $hostAt) (local.get $hostEnd) (local.get $slot))) (then (return (i32.const 0))))
    (local.set $p (call $skipBlanks (local.get $p) (local.get $end)))
    (if (i32.ne (call $byteAt (local.get $p) (local.get $end)) (i32.const 45)) (then (return (i32.const 0))))
    (local.set $p (call $skipBlanks (i32.add (local.get $p) (i32.const 1)) (local.get $end)))
    (if (call $statsPayload (local.get $p) (local.get $end) (local.get $slot)) (then (return (i32.const 3))))
    ;; Not a Stats payload: the message is the caller's, unless it starts with a byte order mark, which the general
    ;; parser drops from an RFC 5424 message (left to it).
    (if (i32.and
          (i32.eq (call $byteAt (local.get $p) (local.get $end)) (i32.const 0xEF))
          (i32.and
            (i32.eq (call $byteAt (i32.add (local.get $p) (i32.const 1)) (local.get $end)) (i32.const 0xBB))
            (i32.eq (call $byteAt (i32.add (local.get $p) (i32.const 2)) (local.get $end)) (i32.const 0xBF))))
      (then (return (i32.const 0))))
    (call $otherMessage (local.get $p) (local.get $end) (local.get $slot) (i32.const 1)))

  ;; A line of another shape whose envelope was read but whose payload is not a Stats one: its message [$m, $end)
  ;; goes to the slot (+72, +76) for the caller's general payload reading. Answers 5 after an ISO 8601 stamp (fields
  ;; as 3), 4 after a BSD one (fields as 1).
  (func $otherMessage (param $m i32) (param $end i32) (param $slot i32) (param $iso i32) (result i32)
    (call $keepMessage (local.get $m) (local.get $end) (local.get $slot))
    (select (i32.const 5) (i32.const 4) (local.get $iso)))

  ;; otherStatsLine(start, end, slot): a Stats line of another shape, as readOtherShape of stats-bytes.ts reads it: an
  ;; ISO 8601 stamp (after an optional `<PRI>` and blanks), a BSD stamp after a `<PRI>`, or an RFC 5424 header.
  ;; Answers 3 (an ISO stamp: its fields in the slot, see $isoStamp), 1 (a BSD stamp, as statsLine), 2 (as
  ;; statsLine), 5 or 4: the envelope of such a line (after an ISO or a BSD stamp, fields as for 3 or 1) whose
  ;; payload is not a Stats one, its message at +72 to +76 as `envelope` leaves it (a Call Bridge STATS line…), or
  ;; 0: not such a line, or one left to the JavaScript reader (a host of over 128 bytes, a byte beyond ASCII after an
  ;; RFC 5424 version, a byte order mark before an RFC 5424 message). Why: with these shapes (rsyslog's and
  ;; syslog-ng's ISO file templates, a `<PRI>` kept by the receiver) the JavaScript reader cost every scan worker
  ;; its warm-up again, and ~0.5 µs a line after it.
  (func (export "otherStatsLine") (param $start i32) (param $end i32) (param $slot i32) (result i32)
    (local $afterPri i32) (local $p i32) (local $q i32) (local $m i32) (local $iso i32) (local $version i32)
    (local.set $end (call $lineEnd (local.get $start) (local.get $end)))
    (if (i32.gt_u (i32.sub (local.get $end) (local.get $start)) (i32.const 4096)) (then (return (i32.const 0))))
    (local.set $afterPri (call $priEnd (local.get $start) (local.get $end)))
    (if (i32.lt_s (local.get $afterPri) (i32.const 0)) (then (return (i32.const 0))))
    (if (i32.gt_u (local.get $afterPri) (local.get $start))
      (then
        (local.set $version (call $rfc5424Version (local.get $afterPri) (local.get $end)))
        (if (i32.eq (local.get $version) (i32.const 1))
          (then (return (call $rfc5424 (local.get $afterPri) (local.get $end) (local.get $slot)))))
        (if (i32.eq (local.get $version) (i32.const 2)) (then (return (i32.const 0))))))
    (local.set $p (call $skipBlanks (local.get $afterPri) (local.get $end)))
    (if (i32.ge_s (call $digitAt (local.get $p) (local.get $end)) (i32.const 0))
      (then
        (local.set $q (call $isoStamp (local.get $p) (local.get $end) (local.get $slot)))
        (local.set $iso (i32.const 1)))
      (else
        ;; Without a `<PRI>`, statsLine has answered for a BSD stamp.
        (if (i32.eq (local.get $afterPri) (local.get $start)) (then (return (i32.const 0))))
        (local.set $q (call $bsdStamp (local.get $p) (local.get $start) (local.get $end) (local.get $slot)))))
    (if (i32.lt_s (local.get $q) (i32.const 0)) (then (return (i32.const 0))))
    (local.set $m (call $afterStamp (local.get $q) (local.get $end) (local.get $slot)))
    (if (i32.eq (local.get $m) (i32.const -2)) (then (return (i32.const 2))))
    (if (i32.lt_s (local.get $m) (i32.const 0)) (then (return (i32.const 0))))
    (if (i32.eqz (call $statsPayload (local.get $m) (local.get $end) (local.get $slot)))
      (then (return (call $otherMessage (local.get $m) (local.get $end) (local.get $slot) (local.get $iso)))))
    (select (i32.const 3) (i32.const 1) (local.get $iso)))

  ;; The payload from $messageStart, as parsePayload reads it: no "STATS:" in the message, and its first "Stats" in
  ;; the strict form. Its counts go to the slot; answers 1, or 0 when it is not such a payload.
  (func $statsPayload (param $messageStart i32) (param $end i32) (param $slot i32) (result i32)
    (local $p i32) (local $i i32) (local $b i32) (local $stats i32) (local $n i32) (local $active i32)
    (local.set $stats (i32.const -1))
    (local.set $i (local.get $messageStart))
    (block $scanDone
      (loop $scanNext
        (br_if $scanDone (i32.gt_u (i32.add (local.get $i) (i32.const 5)) (local.get $end)))
        (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 83))
          (then
            (local.set $b (i32.load8_u offset=1 (local.get $i)))
            (if (i32.and
                  (i32.and (i32.eq (local.get $b) (i32.const 84)) (i32.eq (i32.load8_u offset=2 (local.get $i)) (i32.const 65)))
                  (i32.and
                    (i32.and (i32.eq (i32.load8_u offset=3 (local.get $i)) (i32.const 84)) (i32.eq (i32.load8_u offset=4 (local.get $i)) (i32.const 83)))
                    (i32.eq (call $byteAt (i32.add (local.get $i) (i32.const 5)) (local.get $end)) (i32.const 58))))
              (then (return (i32.const 0))))
            (if (i32.and
                  (i32.and (i32.lt_s (local.get $stats) (i32.const 0)) (i32.eq (local.get $b) (i32.const 116)))
                  (i32.and
                    (i32.eq (i32.load8_u offset=2 (local.get $i)) (i32.const 97))
                    (i32.and (i32.eq (i32.load8_u offset=3 (local.get $i)) (i32.const 116)) (i32.eq (i32.load8_u offset=4 (local.get $i)) (i32.const 115)))))
              (then (local.set $stats (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scanNext)))
    (if (i32.lt_s (local.get $stats) (i32.const 0)) (then (return (i32.const 0))))
    (if (i32.ne (call $byteAt (i32.add (local.get $stats) (i32.const 5)) (local.get $end)) (i32.const 32))
      (then (return (i32.const 0))))
    ;; "N, c:X, d:Y": N of 1 to 12 digits and at most 100,000; X and Y of 1 to 15 digits.
    (local.set $p (i32.add (local.get $stats) (i32.const 6)))
    (local.set $n (call $digitRun (local.get $p) (local.get $end)))
    (if (i32.or (i32.eqz (local.get $n)) (i32.gt_s (local.get $n) (i32.const 12))) (then (return (i32.const 0))))
    (if (i64.gt_u (global.get $value) (i64.const 100000)) (then (return (i32.const 0))))
    (local.set $active (i32.wrap_i64 (global.get $value)))
    (local.set $p (i32.add (local.get $p) (local.get $n)))
    (if (i32.eqz (call $pairAt (local.get $p) (local.get $end) (i32.const 44) (i32.const 32))) (then (return (i32.const 0))))
    (local.set $p (i32.add (local.get $p) (i32.const 2)))
    (if (i32.eqz (call $pairAt (local.get $p) (local.get $end) (i32.const 99) (i32.const 58))) (then (return (i32.const 0))))
    (local.set $p (i32.add (local.get $p) (i32.const 2)))
    (local.set $n (call $digitRun (local.get $p) (local.get $end)))
    (if (i32.or (i32.eqz (local.get $n)) (i32.gt_s (local.get $n) (i32.const 15))) (then (return (i32.const 0))))
    (f64.store offset=56 (local.get $slot) (f64.convert_i64_u (global.get $value)))
    (local.set $p (i32.add (local.get $p) (local.get $n)))
    (if (i32.eqz (call $pairAt (local.get $p) (local.get $end) (i32.const 44) (i32.const 32))) (then (return (i32.const 0))))
    (local.set $p (i32.add (local.get $p) (i32.const 2)))
    (if (i32.eqz (call $pairAt (local.get $p) (local.get $end) (i32.const 100) (i32.const 58))) (then (return (i32.const 0))))
    (local.set $p (i32.add (local.get $p) (i32.const 2)))
    (local.set $n (call $digitRun (local.get $p) (local.get $end)))
    (if (i32.or (i32.eqz (local.get $n)) (i32.gt_s (local.get $n) (i32.const 15))) (then (return (i32.const 0))))
    (f64.store offset=64 (local.get $slot) (f64.convert_i64_u (global.get $value)))

    (i32.store offset=52 (local.get $slot) (local.get $active))
    (i32.const 1)))
