; The bad-input matrix in a real GIMP 2.10 (batch mode): each case writes
; "<case> ok|error" and the image's layer count to bad-input.txt, and
; test_gimp.py checks that a refusal changed nothing.

(define (impasto-bad-input-run work style)
  (let* ((out (open-output-file (string-append work "/bad-input.txt")))
         (say (lambda parts (for-each (lambda (p) (display p out)) parts) (newline out)))
         (outcome (lambda (thunk) (if (catch #f (begin (thunk) #t)) "ok" "error")))
         (layer-count (lambda (image) (car (gimp-image-get-layers image))))
         ; Gatys on the weights-free network: no model files needed.
         (gatys (lambda (image drawable style-drawable . args)
                  (let ((a (if (null? args)
                               (list 1.0 2.0 0.02 1.0 4 32 0 2 0 0.02 0 0 0 "" "" 3 2 0 20)
                               (car args))))
                    (apply plug-in-impasto-gatys
                           (append (list RUN-NONINTERACTIVE image drawable style-drawable
                                         (if (= style-drawable -1) style "") "")
                                   a)))))
         (model (lambda (image drawable . args)
                  (let ((a (if (null? args) (list 1.0 0 1.0 0 2 -1 "" 1.0) (car args))))
                    (apply plug-in-impasto-model
                           (append (list RUN-NONINTERACTIVE image drawable "starry-night") a)))))
         (new-image (lambda (w h type)
                      (let* ((image (car (gimp-image-new w h type)))
                             (layer (car (gimp-layer-new image w h
                                                         (if (= type GRAY) GRAYA-IMAGE RGBA-IMAGE)
                                                         "layer" 100 LAYER-MODE-NORMAL))))
                        (gimp-image-insert-layer image layer 0 0)
                        (gimp-drawable-fill layer FILL-WHITE)
                        (list image layer)))))

    ; A 1 x 1 layer is stylised like any other.
    (let* ((il (new-image 1 1 RGB)) (image (car il)) (layer (cadr il)))
      (say "one-pixel " (outcome (lambda () (gatys image layer -1))))
      (say "one-pixel-layers " (layer-count image))
      (say "one-pixel-size " (car (gimp-drawable-width (aref (cadr (gimp-image-get-layers image)) 0)))))

    ; A 30 000 x 30 000 layer: refused before any work, nothing added.
    (let* ((image (car (gimp-image-new 30000 30000 RGB)))
           (layer (car (gimp-layer-new image 30000 30000 RGBA-IMAGE "huge" 100 LAYER-MODE-NORMAL))))
      (gimp-image-insert-layer image layer 0 0)
      (say "huge-model " (outcome (lambda () (model image layer))))
      (say "huge-gatys " (outcome (lambda () (gatys image layer -1))))
      (say "huge-layers " (layer-count image))
      (gimp-image-delete image))

    ; 16-bit and float images with alpha keep their precision; the style may
    ; come from a grey image of another size.
    (let* ((il (new-image 40 30 RGB)) (image (car il)) (layer (cadr il))
           (grey (new-image 50 90 GRAY)))
      (gimp-image-convert-precision image PRECISION-U16-GAMMA)
      (say "u16 " (outcome (lambda () (gatys image layer (cadr grey)))))
      (say "u16-layers " (layer-count image))
      (say "u16-precision " (car (gimp-image-get-precision image)))
      (gimp-image-convert-precision image PRECISION-FLOAT-LINEAR)
      (say "float " (outcome (lambda () (gatys image layer (cadr grey)))))
      (say "float-layers " (layer-count image))
      (say "float-alpha " (car (gimp-drawable-has-alpha (aref (cadr (gimp-image-get-layers image)) 0)))))

    ; A style file that is not an image: refused, nothing added.
    (let* ((il (new-image 20 20 RGB)) (image (car il)) (layer (cadr il))
           (fake (string-append work "/not-an-image.png")))
      (let ((p (open-output-file fake))) (display "this is text, not a PNG" p) (close-output-port p))
      (say "unreadable-style "
           (outcome (lambda () (plug-in-impasto-gatys RUN-NONINTERACTIVE image layer -1 fake ""
                                                      1.0 2.0 0.02 1.0 4 32 0 2 0 0.02 0 0 0 "" "" 3 2 0 20))))
      (say "unreadable-style-layers " (layer-count image)))

    ; Style files that decoders choke on (test_gimp.py writes them): a text
    ; file named .jpg once ended the plug-in through libjpeg's exit().
    (for-each
      (lambda (name)
        (let* ((il (new-image 20 20 RGB)) (image (car il)) (layer (cadr il)))
          (say "bad-style-file-" name " "
               (outcome (lambda () (plug-in-impasto-gatys RUN-NONINTERACTIVE image layer -1
                                                          (string-append work "/" name) ""
                                                          1.0 2.0 0.02 1.0 4 32 0 2 0 0.02 0 0 0 "" "" 3 2 0 20))))
          (say "bad-style-file-" name "-layers " (layer-count image))))
      (list "notes.jpg" "empty.png" "truncated.png" "huge.png"))

    ; A layer mask is active (GIMP leaves a masked result's mask active): the
    ; layer that owns it is stylised. A channel is refused, nothing added.
    (let* ((il (new-image 20 20 RGB)) (image (car il)) (layer (cadr il))
           (mask (car (gimp-layer-create-mask layer ADD-MASK-WHITE))))
      (gimp-layer-add-mask layer mask)
      (say "mask-active " (outcome (lambda () (gatys image mask -1))))
      (say "mask-active-layers " (layer-count image))
      (say "mask-active-owner-position " (car (gimp-image-get-item-position image layer)))
      (let ((channel (car (gimp-channel-new image 20 20 "channel" 50 '(0 0 0)))))
        (gimp-image-insert-channel image channel 0 0)
        (say "channel-active " (outcome (lambda () (gatys image channel -1))))
        (say "channel-active-layers " (layer-count image))))

    ; A selection outside the layer: refused, nothing added.
    (let* ((image (car (gimp-image-new 200 200 RGB)))
           (layer (car (gimp-layer-new image 40 30 RGBA-IMAGE "small" 100 LAYER-MODE-NORMAL))))
      (gimp-image-insert-layer image layer 0 0)
      (gimp-drawable-fill layer FILL-WHITE)
      (gimp-image-select-rectangle image CHANNEL-OP-REPLACE 150 150 20 20)
      (say "selection-outside " (outcome (lambda () (gatys image layer -1))))
      (say "selection-outside-layers " (layer-count image)))

    ; Every numeric PDB argument out of range is a PDB error.
    (let* ((il (new-image 20 20 RGB)) (image (car il)) (layer (cadr il))
           (ok (list 1.0 2.0 0.02 1.0 4 32 0 2 0 0.02 0 0 0 "" "" 3 2 0 20))
           (with (lambda (lst i v) (let loop ((l lst) (k 0))
                                     (if (null? l) '()
                                         (cons (if (= k i) v (car l)) (loop (cdr l) (+ k 1)))))))
           (bad-gatys (list (cons 0 -1.0) (cons 0 2000.0) (cons 1 -1.0) (cons 1 1e6) (cons 2 -1.0) (cons 2 1000.0)
                            (cons 3 0.0) (cons 3 9.0) (cons 4 0) (cons 4 200000) (cons 5 8) (cons 5 9000)
                            (cons 6 -1) (cons 6 3) (cons 7 -1) (cons 7 3) (cons 8 -1) (cons 8 2)
                            (cons 9 0.0) (cons 9 11.0) (cons 10 -1) (cons 10 3) (cons 11 -1) (cons 11 3)
                            (cons 12 -1) (cons 12 2) (cons 15 -1) (cons 16 -1) (cons 16 257)
                            (cons 17 -1) (cons 17 2) (cons 18 0) (cons 18 1001)))
           (mok (list 1.0 0 1.0 0 2 -1 "" 1.0))
           (bad-model (list (cons 0 -0.1) (cons 0 1.1) (cons 1 -1) (cons 1 3) (cons 2 0.01) (cons 2 5.0)
                            (cons 3 -1) (cons 3 9000) (cons 4 -1) (cons 4 257) (cons 7 -0.1) (cons 7 1.1)))
           (accepted 0))
      (for-each (lambda (b) (if (equal? (outcome (lambda () (gatys image layer -1 (with ok (car b) (cdr b))))) "ok")
                                (begin (set! accepted (+ accepted 1)) (say "accepted-gatys-arg " (car b) " " (cdr b)))))
                bad-gatys)
      (for-each (lambda (b) (if (equal? (outcome (lambda () (model image layer (with mok (car b) (cdr b))))) "ok")
                                (begin (set! accepted (+ accepted 1)) (say "accepted-model-arg " (car b) " " (cdr b)))))
                bad-model)
      (say "bad-args-tried " (+ (length bad-gatys) (length bad-model)))
      (say "bad-args-accepted " accepted)
      (say "bad-args-layers " (layer-count image)))

    ; Damaged and future-version settings on an Impasto layer.
    (let* ((il (new-image 20 20 RGB)) (image (car il)) (layer (cadr il)))
      (gimp-item-attach-parasite layer (list "impasto-settings" 1 "impasto-settings 1\nstrength=lots\n"))
      (say "corrupt-parasite " (outcome (lambda () (plug-in-impasto-rerender RUN-NONINTERACTIVE image layer))))
      (gimp-item-attach-parasite layer (list "impasto-settings" 1 "impasto-settings 99\nmethod=gatys\n"))
      (say "future-parasite " (outcome (lambda () (plug-in-impasto-rerender RUN-NONINTERACTIVE image layer))))
      (say "parasite-layers " (layer-count image)))
    (close-output-port out)))
