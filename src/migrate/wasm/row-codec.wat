;; The copy's per-row work on raw bytes: read a text-protocol row, CRC it as the server's
;; rowCrcExpr does, and write it in LOAD DATA's tab-separated format. Loops over bytes run 4-5x
;; faster here than over a Buffer in JavaScript, and a copy reads every byte of the source.
;; Built into row-codec.wasm.ts by `npm run build:wasm`; row-codec.ts owns the memory layout:
;;   0     escapes: byte -> the letter after the backslash in LOAD DATA's format, 0 = as is
;;   256   CRC-32 tables for slicing-by-8 (zlib's CRC, reflected 0xEDB88320): 8 x 256 x i32;
;;         the first is the byte-at-a-time table
;;   8448  one byte per column: 1 when the column is nullable (its NULL bitmap bit is checksummed)
;;   16384 column starts (i32, absolute addresses; -1 = NULL), 4096 columns at most
;;   32768 column ends (i32)
;;   49152 the CRC of the row read last (i32)
;;   65536 and on: the TSV output, then the row read (row-codec.ts places them and grows memory)
(module
  (memory (export "memory") 2)


  ;; One CRC step over byte $b.
  (func $step (param $r i32) (param $b i32) (result i32)
    (i32.xor
      (i32.load offset=256 (i32.shl (i32.and (i32.xor (local.get $r) (local.get $b)) (i32.const 255)) (i32.const 2)))
      (i32.shr_u (local.get $r) (i32.const 8))))

  ;; Read the row at [$at, $at + $len): one length-encoded string, or 0xFB for NULL, per column.
  ;; Fills the starts and ends; returns 0, or -1 when the bytes are not a row of $cols columns.
  (func $parse (param $at i32) (param $len i32) (param $cols i32) (result i32)
    (local $p i32) (local $end i32) (local $i i32) (local $b i32) (local $n i32) (local $slot i32)
    (local.set $p (local.get $at))
    (local.set $end (i32.add (local.get $at) (local.get $len)))
    (block $bad
      (block $read
        (loop $column
          (br_if $read (i32.ge_u (local.get $i) (local.get $cols)))
          (br_if $bad (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $slot (i32.shl (local.get $i) (i32.const 2)))
          (local.set $b (i32.load8_u (local.get $p)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (if (i32.eq (local.get $b) (i32.const 0xfb))
            (then
              (i32.store offset=16384 (local.get $slot) (i32.const -1))
              (i32.store offset=32768 (local.get $slot) (i32.const -1))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $column)))
          (if (i32.lt_u (local.get $b) (i32.const 0xfb))
            (then (local.set $n (local.get $b)))
            (else
              (if (i32.eq (local.get $b) (i32.const 0xfc))
                (then
                  (local.set $n (i32.load16_u (local.get $p)))
                  (local.set $p (i32.add (local.get $p) (i32.const 2))))
                (else
                  (if (i32.eq (local.get $b) (i32.const 0xfd))
                    (then
                      (local.set $n (i32.or (i32.load16_u (local.get $p))
                        (i32.shl (i32.load8_u offset=2 (local.get $p)) (i32.const 16))))
                      (local.set $p (i32.add (local.get $p) (i32.const 3))))
                    (else
                      (br_if $bad (i32.ne (local.get $b) (i32.const 0xfe)))
                      ;; 8 bytes; a value that fits in a row here has its upper 4 bytes 0
                      (br_if $bad (i32.ne (i32.load offset=4 (local.get $p)) (i32.const 0)))
                      (local.set $n (i32.load (local.get $p)))
                      (local.set $p (i32.add (local.get $p) (i32.const 8)))))))))
          (br_if $bad (i32.gt_u (local.get $n) (i32.sub (local.get $end) (local.get $p))))
          (i32.store offset=16384 (local.get $slot) (local.get $p))
          (local.set $p (i32.add (local.get $p) (local.get $n)))
          (i32.store offset=32768 (local.get $slot) (local.get $p))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $column)))
      (br_if $bad (i32.ne (local.get $p) (local.get $end)))
      (return (i32.const 0)))
    (i32.const -1))

  ;; CRC32(CONCAT_WS('#', values…, bitmap)) of the row read last: NULLs skipped, then one '0'/'1'
  ;; per nullable column when $nullable is set (see checksum.ts).
  (func $crc (param $cols i32) (param $nullable i32) (result i32)
    (local $r i32) (local $first i32) (local $i i32) (local $j i32) (local $e i32) (local $slot i32)
    (local $one i32) (local $two i32)
    (local.set $r (i32.const -1))
    (local.set $first (i32.const 1))
    (block $values
      (loop $column
        (br_if $values (i32.ge_u (local.get $i) (local.get $cols)))
        (local.set $slot (i32.shl (local.get $i) (i32.const 2)))
        (local.set $j (i32.load offset=16384 (local.get $slot)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $column (i32.eq (local.get $j) (i32.const -1)))
        (if (i32.eqz (local.get $first)) (then (local.set $r (call $step (local.get $r) (i32.const 0x23)))))
        (local.set $first (i32.const 0))
        (local.set $e (i32.load offset=32768 (local.get $slot)))
        ;; eight bytes a step (slicing-by-8: eight tables, independent loads), then byte by byte
        (block $words
          (loop $word
            (br_if $words (i32.lt_u (i32.sub (local.get $e) (local.get $j)) (i32.const 8)))
            (local.set $one (i32.xor (i32.load (local.get $j)) (local.get $r)))
            (local.set $two (i32.load offset=4 (local.get $j)))
            (local.set $r (i32.xor (i32.xor (i32.xor (i32.xor (i32.xor (i32.xor (i32.xor (i32.load offset=7424 (i32.shl (i32.and (local.get $one) (i32.const 255)) (i32.const 2)))
                (i32.load offset=6400 (i32.shl (i32.and (i32.shr_u (local.get $one) (i32.const 8)) (i32.const 255)) (i32.const 2))))
                (i32.load offset=5376 (i32.shl (i32.and (i32.shr_u (local.get $one) (i32.const 16)) (i32.const 255)) (i32.const 2))))
                (i32.load offset=4352 (i32.shl (i32.shr_u (local.get $one) (i32.const 24)) (i32.const 2))))
                (i32.load offset=3328 (i32.shl (i32.and (local.get $two) (i32.const 255)) (i32.const 2))))
                (i32.load offset=2304 (i32.shl (i32.and (i32.shr_u (local.get $two) (i32.const 8)) (i32.const 255)) (i32.const 2))))
                (i32.load offset=1280 (i32.shl (i32.and (i32.shr_u (local.get $two) (i32.const 16)) (i32.const 255)) (i32.const 2))))
                (i32.load offset=256 (i32.shl (i32.shr_u (local.get $two) (i32.const 24)) (i32.const 2)))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $word)))
        (block $bytes
          (loop $byte
            (br_if $bytes (i32.ge_u (local.get $j) (local.get $e)))
            ;; the step, inlined: a call per byte cost more than the step
            (local.set $r (i32.xor
              (i32.load offset=256 (i32.shl (i32.and (i32.xor (local.get $r) (i32.load8_u (local.get $j))) (i32.const 255)) (i32.const 2)))
              (i32.shr_u (local.get $r) (i32.const 8))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $byte)))
        (br $column)))
    (if (local.get $nullable)
      (then
        (if (i32.eqz (local.get $first)) (then (local.set $r (call $step (local.get $r) (i32.const 0x23)))))
        (local.set $i (i32.const 0))
        (block $bits
          (loop $bit
            (br_if $bits (i32.ge_u (local.get $i) (local.get $cols)))
            (if (i32.load8_u offset=8448 (local.get $i))
              (then
                (local.set $r (call $step (local.get $r)
                  (select (i32.const 0x31) (i32.const 0x30)
                    (i32.eq (i32.load offset=16384 (i32.shl (local.get $i) (i32.const 2))) (i32.const -1)))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $bit)))))
    (i32.xor (local.get $r) (i32.const -1)))

  ;; Write the row read last at $out as one TSV line: \N for NULL, \0 \t \n \r \\ escaped, tabs
  ;; between values, a newline at the end. Returns where the line ends.
  (func $tsv (param $cols i32) (param $out i32) (result i32)
    (local $i i32) (local $j i32) (local $e i32) (local $c i32) (local $x i32) (local $slot i32) (local $stop i32)
    (local $v v128) (local $nul v128) (local $tab v128) (local $lf v128) (local $cr v128) (local $bsl v128)
    (local.set $nul (i8x16.splat (i32.const 0x00)))
    (local.set $tab (i8x16.splat (i32.const 0x09)))
    (local.set $lf (i8x16.splat (i32.const 0x0a)))
    (local.set $cr (i8x16.splat (i32.const 0x0d)))
    (local.set $bsl (i8x16.splat (i32.const 0x5c)))
    (block $line
      (loop $column
        (br_if $line (i32.ge_u (local.get $i) (local.get $cols)))
        (local.set $slot (i32.shl (local.get $i) (i32.const 2)))
        (local.set $j (i32.load offset=16384 (local.get $slot)))
        (if (i32.eq (local.get $j) (i32.const -1))
          (then
            (i32.store16 (local.get $out) (i32.const 0x4e5c))
            (local.set $out (i32.add (local.get $out) (i32.const 2))))
          (else
            (local.set $e (i32.load offset=32768 (local.get $slot)))
            (block $bytes
              (loop $block
                (br_if $bytes (i32.ge_u (local.get $j) (local.get $e)))
                ;; 16 bytes at once (SIMD): copied as they are when none needs escaping, the usual
                ;; case; otherwise they, or the last fewer than 16, go byte by byte
                (local.set $stop (local.get $e))
                (if (i32.ge_u (i32.sub (local.get $e) (local.get $j)) (i32.const 16))
                  (then
                    (local.set $v (v128.load (local.get $j)))
                    (if (i32.eqz (v128.any_true
                          (v128.or
                            (v128.or (i8x16.eq (local.get $v) (local.get $nul)) (i8x16.eq (local.get $v) (local.get $tab)))
                            (v128.or
                              (v128.or (i8x16.eq (local.get $v) (local.get $lf)) (i8x16.eq (local.get $v) (local.get $cr)))
                              (i8x16.eq (local.get $v) (local.get $bsl))))))
                      (then
                        (v128.store (local.get $out) (local.get $v))
                        (local.set $out (i32.add (local.get $out) (i32.const 16)))
                        (local.set $j (i32.add (local.get $j) (i32.const 16)))
                        (br $block)))
                    (local.set $stop (i32.add (local.get $j) (i32.const 16)))))
                (block $slow
                  (loop $byte
                    (br_if $slow (i32.ge_u (local.get $j) (local.get $stop)))
                    (local.set $c (i32.load8_u (local.get $j)))
                    (local.set $x (i32.load8_u (local.get $c)))
                    (if (i32.eqz (local.get $x))
                      (then
                        (i32.store8 (local.get $out) (local.get $c))
                        (local.set $out (i32.add (local.get $out) (i32.const 1))))
                      (else
                        (i32.store16 (local.get $out) (i32.or (i32.const 0x5c) (i32.shl (local.get $x) (i32.const 8))))
                        (local.set $out (i32.add (local.get $out) (i32.const 2)))))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))
                    (br $byte)))
                (br $block)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (i32.store8 (local.get $out)
          (select (i32.const 0x0a) (i32.const 0x09) (i32.eq (local.get $i) (local.get $cols))))
        (local.set $out (i32.add (local.get $out) (i32.const 1)))
        (br $column)))
    (local.get $out))
;; Read the row at [$at, $at + $len), keep its CRC at 49152, and with $out (not 0) write its TSV
  ;; line there. Returns where the line ends (0 without $out), or -1 when the bytes are not a row of
  ;; $cols columns. One call a row: a call from JavaScript costs more than a short row's work.
  (func (export "row") (param $at i32) (param $len i32) (param $cols i32) (param $nullable i32) (param $out i32)
    (result i32)
    (if (i32.ne (call $parse (local.get $at) (local.get $len) (local.get $cols)) (i32.const 0))
      (then (return (i32.const -1))))
    (i32.store (i32.const 49152) (call $crc (local.get $cols) (local.get $nullable)))
    (if (i32.eqz (local.get $out)) (then (return (i32.const 0))))
    (call $tsv (local.get $cols) (local.get $out)))
)
