; Drives Impasto in a real GIMP 2.10 (batch mode) and writes what it sees to
; results.txt and PNG exports in the work folder; test_gimp.py checks them.
; Small images and few iterations keep it fast.

(define (impasto-test-run work style model)
  (let* ((out (open-output-file (string-append work "/results.txt")))
         (say (lambda parts (for-each (lambda (p) (display p out)) parts) (newline out)))
         (export (lambda (image layer name)
                   (file-png-save RUN-NONINTERACTIVE image layer (string-append work "/" name ".png")
                                  name 0 9 0 0 0 0 0)))
         (gatys (lambda (image drawable style-drawable style-files style-weight)
                  (car (plug-in-impasto-gatys RUN-NONINTERACTIVE image drawable style-drawable style-files ""
                                              1.0 style-weight 0.02 1.0 6 64 0 0 0 0.02 0 0 0 "" "" 3 2 1 20))))
         (layer-count (lambda (image) (car (gimp-image-get-layers image))))
         ; Where a layer stands and what it is called: a re-render keeps both.
         (place (lambda (image layer)
                  (list (car (gimp-image-get-item-position image layer)) (car (gimp-item-get-name layer))
                        (car (gimp-item-get-tattoo layer))))))

    ; 1. A new layer above the source, source untouched, settings stored.
    (let* ((image (car (gimp-file-load RUN-NONINTERACTIVE (string-append work "/content.png") "content.png")))
           (source (car (gimp-image-get-active-layer image))))
      (gimp-layer-set-offsets source 5 7)
      (export image source "source-before")
      (let ((result (gatys image source -1 style 2.0)))
        (say "new-layer " result)
        (say "layers " (layer-count image))
        (say "name " (car (gimp-item-get-name result)))
        (say "position-result " (car (gimp-image-get-item-position image result)))
        (say "position-source " (car (gimp-image-get-item-position image source)))
        (say "size " (car (gimp-drawable-width result)) " " (car (gimp-drawable-height result)))
        (say "source-size " (car (gimp-drawable-width source)) " " (car (gimp-drawable-height source)))
        (say "offsets " (car (gimp-drawable-offsets result)) " " (cadr (gimp-drawable-offsets result)))
        (say "mask-without-selection " (car (gimp-layer-get-mask result)))
        (export image source "source-after")
        (export image result "result")
        (let ((p (open-output-file (string-append work "/parasite.txt"))))
          (display (caddr (car (gimp-item-get-parasite result "impasto-settings"))) p)
          (close-output-port p))

        ; 2. Running Impasto on the Impasto layer re-renders it in its place:
        ;    a layer with its name, position and tattoo replaces it.
        (let* ((before (place image result)) (again (gatys image result -1 style 40.0)))
          (say "rerender-in-place " (if (equal? before (place image again)) "#t" "#f"))
          (say "rerender-layers " (layer-count image))
          (set! result again)
          (export image result "result-rerendered")
          (let ((p (open-output-file (string-append work "/parasite-rerendered.txt"))))
            (display (caddr (car (gimp-item-get-parasite result "impasto-settings"))) p)
            (close-output-port p)))

        ; 3. plug-in-impasto-rerender with the stored settings.
        (let* ((before (place image result)) (again (car (plug-in-impasto-rerender RUN-NONINTERACTIVE image result))))
          (say "rerender-proc-in-place " (if (equal? before (place image again)) "#t" "#f"))
          (set! result again))
        (say "rerender-proc-layers " (layer-count image))

        ; 4. Bad arguments: a PDB error, nothing added.
        (say "bad-weight " (if (catch #f (gatys image source -1 style -5.0)) "accepted" "error"))
        (say "bad-style " (if (catch #f (gatys image source -1 "/nonexistent/painting.jpg" 2.0)) "accepted" "error"))
        (say "no-style " (if (catch #f (gatys image source -1 "" 2.0)) "accepted" "error"))
        (say "bad-iterations "
             (if (catch #f (plug-in-impasto-gatys RUN-NONINTERACTIVE image source -1 style ""
                                                  1.0 2.0 0.02 1.0 0 64 0 0 0 0.02 0 0 0 "" "" 0 2 0 20))
                 "accepted" "error"))
        (say "rerender-plain-layer "
             (if (catch #f (plug-in-impasto-rerender RUN-NONINTERACTIVE image source)) "accepted" "error"))
        (say "after-errors-layers " (layer-count image))
        (export image source "source-after-errors"))

      ; 5. A style layer from another image, and the selection as a mask.
      (let* ((style-image (car (gimp-file-load RUN-NONINTERACTIVE style "style.png")))
             (style-layer (car (gimp-image-get-active-layer style-image))))
        (gimp-image-select-rectangle image CHANNEL-OP-REPLACE 10 10 30 20)
        (let ((masked (gatys image source style-layer "" 2.0)))
          (say "masked-name " (car (gimp-item-get-name masked)))
          (say "masked-mask " (if (> (car (gimp-layer-get-mask masked)) 0) "yes" "no"))
          (export image (car (gimp-layer-get-mask masked)) "mask"))
        (gimp-selection-none image)
        ; 6. A closed style image: a clear error.
        (gimp-image-delete style-image)
        (say "closed-style " (if (catch #f (gatys image source style-layer "" 2.0)) "accepted" "error"))))

    ; 7. Grey images are handled; indexed ones are refused.
    (let* ((image (car (gimp-file-load RUN-NONINTERACTIVE (string-append work "/grey.png") "grey.png")))
           (source (car (gimp-image-get-active-layer image)))
           (result (catch #f (gatys image source -1 style 2.0))))
      (say "grey " (if result "ok" "error"))
      (if result (say "grey-type " (car (gimp-drawable-is-gray result)))))
    (let* ((image (car (gimp-file-load RUN-NONINTERACTIVE (string-append work "/content.png") "content.png")))
           (source (car (gimp-image-get-active-layer image))))
      (gimp-image-convert-indexed image CONVERT-DITHER-NONE CONVERT-PALETTE-GENERATE 16 FALSE FALSE "")
      (say "indexed " (if (catch #f (gatys image source -1 style 2.0)) "accepted" "error"))
      (say "indexed-layers " (layer-count image)))

    ; 8. RUN-WITH-LAST-VALS ignores the arguments and uses the last run's settings
    ;    (the grey run above: style weight 2, 6 iterations, seed 3).
    (let* ((image (car (gimp-file-load RUN-NONINTERACTIVE (string-append work "/content.png") "content.png")))
           (source (car (gimp-image-get-active-layer image)))
           (result (car (plug-in-impasto-gatys RUN-WITH-LAST-VALS image source -1 "" ""
                                               -5.0 -5.0 -5.0 -5.0 0 0 9 9 9 -5.0 9 9 9 "" "" -5 -5 -5 -5))))
      (let ((p (open-output-file (string-append work "/parasite-last-values.txt"))))
        (display (caddr (car (gimp-item-get-parasite result "impasto-settings"))) p)
        (close-output-port p))

      ; 9. The settings survive saving as XCF and loading again, and the
      ;    reloaded layer re-renders from its source.
      (let ((xcf (string-append work "/saved.xcf")))
        (gimp-xcf-save 0 image result xcf xcf)
        (gimp-image-delete image)
        (let* ((loaded (car (gimp-file-load RUN-NONINTERACTIVE xcf xcf)))
               (top (aref (cadr (gimp-image-get-layers loaded)) 0)))
          (say "xcf-layers " (car (gimp-image-get-layers loaded)))
          (say "xcf-parasite " (if (null? (car (gimp-item-get-parasite top "impasto-settings"))) "missing" "present"))
          (say "xcf-rerender " (if (catch #f (plug-in-impasto-rerender RUN-NONINTERACTIVE loaded top)) "ok" "error"))
          (say "xcf-rerender-layers " (car (gimp-image-get-layers loaded))))))

    ; 10. A pretrained model (skipped when no model is available).
    (if (not (string=? model ""))
        (let* ((image (car (gimp-file-load RUN-NONINTERACTIVE (string-append work "/content.png") "content.png")))
               (source (car (gimp-image-get-active-layer image)))
               (result (car (plug-in-impasto-model RUN-NONINTERACTIVE image source model 1.0 0 1.0 0 2 -1 "" 1.0))))
          (say "model-layers " (car (gimp-image-get-layers image)))
          (say "model-name " (car (gimp-item-get-name result)))
          (export image source "model-source-after")
          (export image result "model-result")
          (let ((p (open-output-file (string-append work "/parasite-model.txt"))))
            (display (caddr (car (gimp-item-get-parasite result "impasto-settings"))) p)
            (close-output-port p))
          ; Re-render in place with another strength, then with the stored settings.
          (let* ((before (place image result))
                 (again (car (plug-in-impasto-model RUN-NONINTERACTIVE image result model 0.5 0 1.0 0 2 -1 "" 1.0))))
            (say "model-rerender-layer " (if (equal? before (place image again)) "#t" "#f"))
            (set! result again))
          (export image result "model-result-half")
          (let* ((before (place image result)) (again (car (plug-in-impasto-rerender RUN-NONINTERACTIVE image result))))
            (say "model-rerender-proc " (if (equal? before (place image again)) "#t" "#f"))
            (set! result again))
          (say "model-final-layers " (car (gimp-image-get-layers image)))
          (say "model-missing " (if (catch #f (plug-in-impasto-model RUN-NONINTERACTIVE image source "no-such-model" 1.0 0 1.0 0 2 -1 "" 1.0)) "accepted" "error"))
          (say "model-bad-strength " (if (catch #f (plug-in-impasto-model RUN-NONINTERACTIVE image source model 1.5 0 1.0 0 2 -1 "" 1.0)) "accepted" "error"))))

    (say "done")
    (close-output-port out)))
