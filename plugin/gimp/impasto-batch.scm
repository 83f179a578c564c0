; impasto-batch — stylise every image file matching a pattern into a folder.
;
;   gimp -i -b '(script-fu-impasto-batch "/photos/*.jpg" "/art/painting.jpg" "/out" 2 150 384 0)' -b '(gimp-quit 0)'
;   gimp -i -b '(script-fu-impasto-batch-model "/photos/*.jpg" "wave" "/out" 1.0 1.0 0)' -b '(gimp-quit 0)'
;
; Checks the style and the output folder first (one message, no photo
; touched, when either cannot be used), then writes <out>/<name>-impasto.png
; for each input and one line per file, in order, on standard output
; (plug-in-impasto-batch-say), carrying on past files that cannot be read or
; stylised. The last line counts them: "impasto-batch: N stylised, M failed".
; GIMP 2.10 itself always exits with status 0; tools/impasto-batch wraps
; this and exits non-zero when any file failed.

(define (impasto-batch-basename path)
  (let* ((file (car (last (strbreakup path "/"))))
         (parts (strbreakup file ".")))
    (if (> (length parts) 1)
        (unbreakupstr (butlast parts) ".")
        file)))

(define (impasto-batch-say . parts)
  (plug-in-impasto-batch-say RUN-NONINTERACTIVE
    (apply string-append (map (lambda (p) (if (number? p) (number->string p) p)) parts))))

; Loads `file`, lets `stylise` (image layer -> result layer) work on its
; visible layers merged into one, saves the result, closes the image.
(define (impasto-batch-one file out-dir stylise)
  (let* ((image (car (gimp-file-load RUN-NONINTERACTIVE file file)))
         (out-file (string-append out-dir "/" (impasto-batch-basename file) "-impasto.png")))
    (if (= (car (gimp-image-base-type image)) INDEXED)
        (gimp-image-convert-rgb image))
    (let* ((source (car (gimp-image-merge-visible-layers image CLIP-TO-IMAGE)))
           (result (catch #f (stylise image source))))
      (if result
          (file-png-save-defaults RUN-NONINTERACTIVE image result out-file out-file))
      (gimp-image-delete image)
      (if result out-file #f))))

; `check` is a thunk that fails (a PDB error, whose message GIMP prints) when
; the run cannot start; then no photo is touched.
(define (impasto-batch-run pattern out-dir check stylise)
  (let* ((files (cadr (file-glob pattern 1)))
         (total (length files))
         (index 0)
         (failed 0))
    (impasto-batch-say "impasto-batch: " total " file(s) matching " pattern)
    (if (not (catch #f (begin (check) #t)))
        (begin
          (impasto-batch-say "impasto-batch: cannot start (GIMP's message above says why); 0 stylised, "
                             total " failed")
          #f)
        (begin
          (for-each
            (lambda (file)
              (set! index (+ index 1))
              (let ((written (catch #f (impasto-batch-one file out-dir stylise))))
                (if written
                    (impasto-batch-say "impasto-batch: [" index "/" total "] " file " -> " written)
                    (begin
                      (set! failed (+ failed 1))
                      (impasto-batch-say "impasto-batch: [" index "/" total "] " file
                                         ": FAILED, skipped (GIMP's message above says why)")))))
            files)
          (impasto-batch-say "impasto-batch: " (- total failed) " stylised, " failed " failed")
          (= failed 0)))))

(define (script-fu-impasto-batch pattern style-file out-dir style-weight iterations size preserve-colors)
  (impasto-batch-run pattern out-dir
    (lambda () (plug-in-impasto-batch-check RUN-NONINTERACTIVE style-file out-dir))
    (lambda (image source)
      (car (plug-in-impasto-gatys RUN-NONINTERACTIVE image source -1 style-file ""
                                  1.0 style-weight 0.02 1.0 iterations size preserve-colors
                                  0 0 0.02 0 0 0 "" "" 0 0 1 20)))))

; The model is tried once on a small picture first, so that a missing or
; damaged model is one message, not one per photo.
(define (impasto-batch-check-model model out-dir)
  (plug-in-impasto-batch-check RUN-NONINTERACTIVE "" out-dir)
  (let* ((image (car (gimp-image-new 16 16 RGB)))
         (layer (car (gimp-layer-new image 16 16 RGB-IMAGE "check" 100 LAYER-MODE-NORMAL))))
    (gimp-image-insert-layer image layer 0 0)
    (let ((ok (catch #f (begin (plug-in-impasto-model RUN-NONINTERACTIVE image layer model 1.0 0 1.0 0 0 -1 "" 1.0) #t))))
      (gimp-image-delete image)
      (if (not ok) (error (string-append "The style model \"" model "\" cannot be used"))))))

(define (script-fu-impasto-batch-model pattern model out-dir strength scale preserve-colors)
  (impasto-batch-run pattern out-dir
    (lambda () (impasto-batch-check-model model out-dir))
    (lambda (image source)
      (car (plug-in-impasto-model RUN-NONINTERACTIVE image source model strength preserve-colors scale 0 0 -1 "" 1.0)))))

(script-fu-register "script-fu-impasto-batch"
  "Impasto batch style transfer"
  "Stylise every image file matching a pattern (e.g. /photos/*.jpg) with one style image, writing NAME-impasto.png files into an existing output folder. The style image and the folder are checked before the first photo. One line per file goes to standard output; files that fail are reported and skipped."
  "Impasto authors"
  "Impasto authors"
  "2026"
  ""
  SF-STRING     "Files (pattern)"   "*.jpg"
  SF-FILENAME   "Style image"       ""
  SF-DIRNAME    "Output folder"     ""
  SF-ADJUSTMENT "Style weight"      '(2 0 100 0.1 1 2 0)
  SF-ADJUSTMENT "Iterations"        '(150 1 1000 1 10 0 1)
  SF-ADJUSTMENT "Processing size"   '(384 64 2048 1 64 0 1)
  SF-OPTION     "Colours"           '("Take the style's colours" "Keep original colours (luminance)" "Keep original colours (match style)"))

(script-fu-register "script-fu-impasto-batch-model"
  "Impasto batch style transfer with a pretrained model"
  "Stylise every image file matching a pattern (e.g. /photos/*.jpg) with an installed pretrained style model, writing NAME-impasto.png files into an existing output folder. The model and the folder are checked before the first photo. One line per file goes to standard output; files that fail are reported and skipped."
  "Impasto authors"
  "Impasto authors"
  "2026"
  ""
  SF-STRING     "Files (pattern)"   "*.jpg"
  SF-STRING     "Style model"       "starry-night"
  SF-DIRNAME    "Output folder"     ""
  SF-ADJUSTMENT "Strength"          '(1 0 1 0.05 0.1 2 0)
  SF-ADJUSTMENT "Processing scale"  '(1 0.05 4 0.05 0.25 2 0)
  SF-OPTION     "Colours"           '("Take the style's colours" "Keep original colours (luminance)" "Keep original colours (match style)"))
