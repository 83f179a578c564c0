/* Every parameter of an Impasto run, described once.
 *
 * The GEGL properties of impasto:gatys and impasto:feedforward, the C API's
 * defaults, the plug-in's settings (struct, validation, parasite), the PDB
 * arguments and the dialog's widgets are all expanded from these rows, so a
 * default or a range is changed here and nowhere else
 * (tests/common/test_parameters.c checks that the expansions agree).
 *
 * A row is X (TYPE, id, key, label, help, default, min, max, ui_min, ui_max,
 * step, digits, logarithmic, extra):
 *   TYPE     DOUBLE, INT, BOOL, ENUM, STRING, PATH (a file path) or POINTER
 *            (for programs embedding an op; no setting, no PDB argument);
 *   id       the C name: GEGL property (GEGL shows it with '-' for '_') and
 *            settings field;
 *   key      the settings key in a layer's parasite and the PDB argument;
 *   label    with a mnemonic for the dialog (GEGL shows it without);
 *   ui_*     the slider's range (values outside it can still be typed up to
 *            min..max), step, digits and whether the slider is logarithmic;
 *   extra    ENUM: its values' family (IMPASTO_ENUM_<family> below);
 *            STRING, PATH: the settings' buffer size.
 * Texts are English, marked for gettext; front ends translate them.
 * Plain C preprocessor: no dependency, usable from C and C++. */
#ifndef IMPASTO_PARAMETERS_H
#define IMPASTO_PARAMETERS_H

#include <limits.h>

#ifndef IMPASTO_N_
#define IMPASTO_N_(text) text
#endif

/* ---- enumerations: V (family, NAME, nick, label), in value order ---------- */

#define IMPASTO_ENUM_METHOD(V) \
  V (METHOD, GATYS, "gatys", IMPASTO_N_("Optimisation")) \
  V (METHOD, MODEL, "model", IMPASTO_N_("Pretrained model"))

#define IMPASTO_ENUM_COLORS(V) \
  V (COLORS, NONE,      "none",      IMPASTO_N_("From the style")) \
  V (COLORS, LUMINANCE, "luminance", IMPASTO_N_("Keep the original colours")) \
  V (COLORS, HISTOGRAM, "histogram", IMPASTO_N_("Match the original's colour balance"))

#define IMPASTO_ENUM_NETWORK(V) \
  V (NETWORK, DARKNET_TINY, "darknet-tiny", IMPASTO_N_("Tiny Darknet (recommended)")) \
  V (NETWORK, VGG19,        "vgg19",        IMPASTO_N_("VGG-19 (slower)")) \
  V (NETWORK, RANDOM,       "random",       IMPASTO_N_("Weights-free (no download, weaker)"))

#define IMPASTO_ENUM_OPTIMIZER(V) \
  V (OPTIMIZER, LBFGS, "lbfgs", IMPASTO_N_("L-BFGS")) \
  V (OPTIMIZER, ADAM,  "adam",  IMPASTO_N_("Adam"))

#define IMPASTO_ENUM_INIT(V) \
  V (INIT, CONTENT, "content", IMPASTO_N_("The original")) \
  V (INIT, NOISE,   "noise",   IMPASTO_N_("Noise")) \
  V (INIT, STYLE,   "style",   IMPASTO_N_("The style image"))

#define IMPASTO_ENUM_MULTISCALE(V) \
  V (MULTISCALE, AUTO, "auto", IMPASTO_N_("Automatic")) \
  V (MULTISCALE, ON,   "on",   IMPASTO_N_("Coarse to fine")) \
  V (MULTISCALE, OFF,  "off",  IMPASTO_N_("Single scale"))

#define IMPASTO_ENUM_POOLING(V) \
  V (POOLING, AVERAGE, "average", IMPASTO_N_("Average (smoother)")) \
  V (POOLING, MAX,     "max",     IMPASTO_N_("Maximum (as trained)"))

/* The C constants, IMPASTO_COLORS_NONE = 0, ... */
#define IMPASTO_ENUM_CONSTANT_(family, NAME, nick, label) IMPASTO_##family##_##NAME,
enum { IMPASTO_ENUM_METHOD (IMPASTO_ENUM_CONSTANT_) IMPASTO_N_METHODS };
enum { IMPASTO_ENUM_COLORS (IMPASTO_ENUM_CONSTANT_) IMPASTO_N_COLORS };
enum { IMPASTO_ENUM_NETWORK (IMPASTO_ENUM_CONSTANT_) IMPASTO_N_NETWORKS };
enum { IMPASTO_ENUM_OPTIMIZER (IMPASTO_ENUM_CONSTANT_) IMPASTO_N_OPTIMIZERS };
enum { IMPASTO_ENUM_INIT (IMPASTO_ENUM_CONSTANT_) IMPASTO_N_INITS };
enum { IMPASTO_ENUM_MULTISCALE (IMPASTO_ENUM_CONSTANT_) IMPASTO_N_MULTISCALES };
enum { IMPASTO_ENUM_POOLING (IMPASTO_ENUM_CONSTANT_) IMPASTO_N_POOLINGS };

/* ---- the parameters, one row each ------------------------------------------ */

#define IMPASTO_PARAMETER_METHOD(X) \
  X (ENUM, method, "method", IMPASTO_N_("Method"), \
     IMPASTO_N_("Optimise the picture against the painting, or run a pretrained style model"), \
     IMPASTO_METHOD_GATYS, 0, 0, 0, 0, 0, 0, 0, METHOD)

/* Style inputs (optimisation; arbitrary-style models use the first). */
#define IMPASTO_PARAMETER_STYLE_PATH(X) \
  X (PATH, style_path, "style-files", IMPASTO_N_("Style image file"), \
     IMPASTO_N_("Painting whose style is transferred, used in addition to the image on the aux input. " \
                "Separate several files with ':'"), \
     "", 0, 0, 0, 0, 0, 0, 0, 4096)
#define IMPASTO_PARAMETER_STYLE_WEIGHTS(X) \
  X (STRING, style_weights, "style-weights", IMPASTO_N_("Style blend weights"), \
     IMPASTO_N_("Comma-separated blend weight of each style (aux first, then files); empty: equal weights"), \
     "", 0, 0, 0, 0, 0, 0, 0, 256)

/* The optimisation (Gatys et al.). */
#define IMPASTO_PARAMETER_CONTENT_WEIGHT(X) \
  X (DOUBLE, content_weight, "content-weight", IMPASTO_N_("Content _weight"), \
     IMPASTO_N_("How closely the result keeps the shapes of your picture"), \
     1.0, 0.0, 1000.0, 0.01, 100.0, 0.01, 2, 1, 0)
#define IMPASTO_PARAMETER_STYLE_WEIGHT(X) \
  X (DOUBLE, style_weight, "style-weight", IMPASTO_N_("St_yle weight"), \
     IMPASTO_N_("How strongly the brushwork and textures of the style are painted in"), \
     2.0, 0.0, 100000.0, 0.01, 1000.0, 0.01, 2, 1, 0)
#define IMPASTO_PARAMETER_TV_WEIGHT(X) \
  X (DOUBLE, tv_weight, "tv-weight", IMPASTO_N_("S_moothness"), \
     IMPASTO_N_("Higher values remove speckles and grain; too high gives a blurry result"), \
     0.02, 0.0, 100.0, 0.0001, 10.0, 0.001, 4, 1, 0)
#define IMPASTO_PARAMETER_STYLE_SCALE(X) \
  X (DOUBLE, style_scale, "style-scale", IMPASTO_N_("_Detail size"), \
     IMPASTO_N_("Above 1 paints larger brush strokes and motifs, below 1 finer ones"), \
     1.0, 0.05, 8.0, 0.05, 8.0, 0.05, 2, 1, 0)
#define IMPASTO_PARAMETER_ITERATIONS(X) \
  X (INT, iterations, "iterations", IMPASTO_N_("_Iterations"), \
     IMPASTO_N_("Optimisation steps; more refine the result and take longer"), \
     150, 1, 100000, 1, 2000, 1, 0, 1, 0)
#define IMPASTO_PARAMETER_SIZE(X) \
  X (INT, size, "size", IMPASTO_N_("Processing si_ze"), \
     IMPASTO_N_("Longest side, in pixels, at which the look is decided; larger layers are then refined up to their own pixels, or enlarged"), \
     384, 16, 8192, 64, 2048, 16, 0, 1, 0)
#define IMPASTO_PARAMETER_FULL_RESOLUTION(X) \
  X (BOOL, full_resolution, "full-resolution", IMPASTO_N_("Full r_esolution"), \
     /* xgettext:no-c-format */ \
     IMPASTO_N_("Refines the result up to the layer's own pixels: crisp at 100% zoom, takes minutes on large photos. " \
                "Off: painted at the processing size and enlarged"), \
     1, 0, 1, 0, 1, 0, 0, 0, 0)
#define IMPASTO_PARAMETER_REFINE_ITERATIONS(X) \
  X (INT, refine_iterations, "refine-iterations", IMPASTO_N_("Re_finement steps"), \
     IMPASTO_N_("Optimisation steps at the first size above the processing size; each larger size takes fewer"), \
     20, 1, 1000, 2, 100, 1, 0, 0, 0)
#define IMPASTO_PARAMETER_NETWORK(X) \
  X (ENUM, network, "network", IMPASTO_N_("Networ_k"), \
     IMPASTO_N_("The network that measures content and style"), \
     IMPASTO_NETWORK_DARKNET_TINY, 0, 0, 0, 0, 0, 0, 0, NETWORK)
#define IMPASTO_PARAMETER_ALLOW_FALLBACK(X) \
  X (BOOL, allow_fallback, "allow-fallback", IMPASTO_N_("Fall back to the weights-free network"), \
     IMPASTO_N_("When the network's files are not installed, use the weights-free network instead of failing"), \
     1, 0, 1, 0, 1, 0, 0, 0, 0)
#define IMPASTO_PARAMETER_OPTIMIZER(X) \
  X (ENUM, optimizer, "optimizer", IMPASTO_N_("_Optimiser"), \
     IMPASTO_N_("L-BFGS converges in fewer steps; Adam is steadier with high style weights"), \
     IMPASTO_OPTIMIZER_LBFGS, 0, 0, 0, 0, 0, 0, 0, OPTIMIZER)
#define IMPASTO_PARAMETER_LEARNING_RATE(X) \
  X (DOUBLE, learning_rate, "learning-rate", IMPASTO_N_("Adam step si_ze"), \
     IMPASTO_N_("Step size of the Adam optimiser"), \
     0.02, 0.0001, 10.0, 0.001, 0.2, 0.001, 3, 1, 0)
#define IMPASTO_PARAMETER_INIT(X) \
  X (ENUM, init, "init", IMPASTO_N_("Start _from"), \
     IMPASTO_N_("The picture the optimisation starts from"), \
     IMPASTO_INIT_CONTENT, 0, 0, 0, 0, 0, 0, 0, INIT)
#define IMPASTO_PARAMETER_MULTISCALE(X) \
  X (ENUM, multiscale, "multiscale", IMPASTO_N_("Coarse to fine"), \
     IMPASTO_N_("Optimise at a lower resolution first, then refine; automatic above 256 pixels"), \
     IMPASTO_MULTISCALE_AUTO, 0, 0, 0, 0, 0, 0, 0, MULTISCALE)
#define IMPASTO_PARAMETER_POOLING(X) \
  X (ENUM, pooling, "pooling", IMPASTO_N_("Pooling"), \
     IMPASTO_N_("How the network shrinks its feature maps; average pooling gives smoother, cleaner results"), \
     IMPASTO_POOLING_AVERAGE, 0, 0, 0, 0, 0, 0, 0, POOLING)
#define IMPASTO_PARAMETER_CONTENT_LAYERS(X) \
  X (STRING, content_layers, "content-layers", IMPASTO_N_("Content layers"), \
     IMPASTO_N_("Comma-separated network layers for the content loss; empty: the network's defaults"), \
     "", 0, 0, 0, 0, 0, 0, 0, 256)
#define IMPASTO_PARAMETER_STYLE_LAYERS(X) \
  X (STRING, style_layers, "style-layers", IMPASTO_N_("Style layers"), \
     IMPASTO_N_("Comma-separated network layers for the style loss, each optionally name:weight; empty: defaults"), \
     "", 0, 0, 0, 0, 0, 0, 0, 512)
#define IMPASTO_PARAMETER_SEED(X) \
  X (INT, seed, "seed", IMPASTO_N_("R_andom seed"), \
     IMPASTO_N_("The same seed and settings give the same picture; New Seed tries another"), \
     0, 0, INT_MAX, 0, INT_MAX, 1, 0, 0, 0)

/* Pretrained models. */
#define IMPASTO_PARAMETER_MODEL(X) \
  X (STRING, model, "model", IMPASTO_N_("Style model"), \
     IMPASTO_N_("Name of an installed style model (as the Style Transfer dialog lists it), or the path of a model"), \
     "starry-night", 0, 0, 0, 0, 0, 0, 0, 512)
#define IMPASTO_PARAMETER_STRENGTH(X) \
  X (DOUBLE, strength, "strength", IMPASTO_N_("Stre_ngth"), \
     IMPASTO_N_("Blend with the original: 0 keeps your picture, 1 is the full style"), \
     1.0, 0.0, 1.0, 0.0, 1.0, 0.01, 2, 0, 0)
#define IMPASTO_PARAMETER_SCALE(X) \
  X (DOUBLE, scale, "scale", IMPASTO_N_("Processing sca_le"), \
     IMPASTO_N_("The picture is scaled by this before stylising: below 1 gives larger brush strokes and runs faster"), \
     1.0, 0.05, 4.0, 0.05, 4.0, 0.05, 2, 1, 0)
#define IMPASTO_PARAMETER_TILE_SIZE(X) \
  X (INT, tile_size, "tile-size", IMPASTO_N_("T_ile size"), \
     IMPASTO_N_("Pixels per tile side; 0 chooses from the free memory. Smaller tiles use less memory"), \
     0, 0, 8192, 0, 4096, 64, 0, 0, 0)
#define IMPASTO_PARAMETER_ALPHA(X) \
  X (DOUBLE, alpha, "alpha", IMPASTO_N_("Style a_mount"), \
     IMPASTO_N_("Only for models that take any style image (AdaIN): how far to move towards the style"), \
     1.0, 0.0, 1.0, 0.0, 1.0, 0.01, 2, 0, 0)

/* Both methods. */
#define IMPASTO_PARAMETER_CONSISTENCY(X) \
  X (DOUBLE, consistency, "consistency", IMPASTO_N_("Frame _consistency"), \
     IMPASTO_N_("Animation frames only: how closely each frame keeps the brushwork of the frame before where the picture moved; 0 stylises every frame on its own"), \
     0.7, 0.0, 1.0, 0.0, 1.0, 0.05, 2, 0, 0)
#define IMPASTO_PARAMETER_PREVIOUS_FRAME(X) \
  X (POINTER, previous_frame, "previous-frame", IMPASTO_N_("Previous frame"), \
     IMPASTO_N_("For programs embedding the operation: the animation frame before this one, R'G'B'A float pixels of the input's size, or NULL"), \
     0, 0, 0, 0, 0, 0, 0, 0, 0)
#define IMPASTO_PARAMETER_PREVIOUS_RESULT(X) \
  X (POINTER, previous_result, "previous-result", IMPASTO_N_("Previous result"), \
     IMPASTO_N_("For programs embedding the operation: the stylised frame before this one, R'G'B'A float pixels of the input's size, or NULL"), \
     0, 0, 0, 0, 0, 0, 0, 0, 0)
#define IMPASTO_PARAMETER_PRESERVE_COLORS(X) \
  X (ENUM, preserve_colors, "preserve-colors", IMPASTO_N_("Colo_urs"), \
     IMPASTO_N_("Keep the painting's colours, or keep your picture's colours and take only the brushwork"), \
     IMPASTO_COLORS_NONE, 0, 0, 0, 0, 0, 0, 0, COLORS)
#define IMPASTO_PARAMETER_THREADS(X) \
  X (INT, threads, "threads", IMPASTO_N_("Thr_eads"), \
     IMPASTO_N_("Processor threads to use; 0 uses every core"), \
     0, 0, 256, 0, 64, 1, 0, 0, 0)
#define IMPASTO_PARAMETER_MODEL_DIR(X) \
  X (PATH, model_dir, "model-dir", IMPASTO_N_("Model folder"), \
     IMPASTO_N_("Folder holding the installed models and networks; empty: the default model folder"), \
     "", 0, 0, 0, 0, 0, 0, 0, 4096)
#define IMPASTO_PARAMETER_DEVICE(X) \
  X (STRING, device, "device", IMPASTO_N_("Device"), \
     IMPASTO_N_("Where to compute: cpu, or cuda:0 with a CUDA build of LibTorch"), \
     "cpu", 0, 0, 0, 0, 0, 0, 0, 64)
#define IMPASTO_PARAMETER_CANCEL(X) \
  X (POINTER, cancel, "cancel", IMPASTO_N_("Cancel flag"), \
     IMPASTO_N_("For programs embedding the operation: a gint that, once set to non-zero from another thread, stops the run (the output is then the input)"), \
     0, 0, 0, 0, 0, 0, 0, 0, 0)
#define IMPASTO_PARAMETER_REPORT(X) \
  X (POINTER, report, "report", IMPASTO_N_("Run report"), \
     IMPASTO_N_("For programs embedding the operation: an ImpastoOpReport that receives why a run failed and what it is doing, instead of the log"), \
     0, 0, 0, 0, 0, 0, 0, 0, 0)

/* ---- which parameters each front end has ------------------------------------ */

/* impasto:gatys, in the order GEGL lists its properties. */
#define IMPASTO_GATYS_PARAMETERS(X) \
  IMPASTO_PARAMETER_STYLE_PATH (X) \
  IMPASTO_PARAMETER_STYLE_WEIGHTS (X) \
  IMPASTO_PARAMETER_CONTENT_WEIGHT (X) \
  IMPASTO_PARAMETER_STYLE_WEIGHT (X) \
  IMPASTO_PARAMETER_TV_WEIGHT (X) \
  IMPASTO_PARAMETER_STYLE_SCALE (X) \
  IMPASTO_PARAMETER_ITERATIONS (X) \
  IMPASTO_PARAMETER_SIZE (X) \
  IMPASTO_PARAMETER_FULL_RESOLUTION (X) \
  IMPASTO_PARAMETER_REFINE_ITERATIONS (X) \
  IMPASTO_PARAMETER_PRESERVE_COLORS (X) \
  IMPASTO_PARAMETER_NETWORK (X) \
  IMPASTO_PARAMETER_ALLOW_FALLBACK (X) \
  IMPASTO_PARAMETER_MODEL_DIR (X) \
  IMPASTO_PARAMETER_OPTIMIZER (X) \
  IMPASTO_PARAMETER_LEARNING_RATE (X) \
  IMPASTO_PARAMETER_INIT (X) \
  IMPASTO_PARAMETER_MULTISCALE (X) \
  IMPASTO_PARAMETER_CONTENT_LAYERS (X) \
  IMPASTO_PARAMETER_STYLE_LAYERS (X) \
  IMPASTO_PARAMETER_POOLING (X) \
  IMPASTO_PARAMETER_DEVICE (X) \
  IMPASTO_PARAMETER_SEED (X) \
  IMPASTO_PARAMETER_THREADS (X) \
  IMPASTO_PARAMETER_CONSISTENCY (X) \
  IMPASTO_PARAMETER_PREVIOUS_FRAME (X) \
  IMPASTO_PARAMETER_PREVIOUS_RESULT (X) \
  IMPASTO_PARAMETER_CANCEL (X) \
  IMPASTO_PARAMETER_REPORT (X)

/* impasto:feedforward. */
#define IMPASTO_FEEDFORWARD_PARAMETERS(X) \
  IMPASTO_PARAMETER_MODEL (X) \
  IMPASTO_PARAMETER_MODEL_DIR (X) \
  IMPASTO_PARAMETER_STRENGTH (X) \
  IMPASTO_PARAMETER_PRESERVE_COLORS (X) \
  IMPASTO_PARAMETER_SCALE (X) \
  IMPASTO_PARAMETER_TILE_SIZE (X) \
  IMPASTO_PARAMETER_STYLE_PATH (X) \
  IMPASTO_PARAMETER_ALPHA (X) \
  IMPASTO_PARAMETER_THREADS (X) \
  IMPASTO_PARAMETER_CONSISTENCY (X) \
  IMPASTO_PARAMETER_PREVIOUS_FRAME (X) \
  IMPASTO_PARAMETER_PREVIOUS_RESULT (X) \
  IMPASTO_PARAMETER_CANCEL (X) \
  IMPASTO_PARAMETER_REPORT (X)

/* What a plug-in stores of a run (settings, last values, a layer's
 * parasite): both methods' parameters but the op-only plumbing (model
 * folder, fallback, device, pointers), which keep their defaults. */
#define IMPASTO_SETTINGS_PARAMETERS(X) \
  IMPASTO_PARAMETER_METHOD (X) \
  IMPASTO_PARAMETER_MODEL (X) \
  IMPASTO_PARAMETER_STRENGTH (X) \
  IMPASTO_PARAMETER_SCALE (X) \
  IMPASTO_PARAMETER_TILE_SIZE (X) \
  IMPASTO_PARAMETER_ALPHA (X) \
  IMPASTO_PARAMETER_STYLE_PATH (X) \
  IMPASTO_PARAMETER_STYLE_WEIGHTS (X) \
  IMPASTO_PARAMETER_CONTENT_WEIGHT (X) \
  IMPASTO_PARAMETER_STYLE_WEIGHT (X) \
  IMPASTO_PARAMETER_TV_WEIGHT (X) \
  IMPASTO_PARAMETER_STYLE_SCALE (X) \
  IMPASTO_PARAMETER_ITERATIONS (X) \
  IMPASTO_PARAMETER_SIZE (X) \
  IMPASTO_PARAMETER_PRESERVE_COLORS (X) \
  IMPASTO_PARAMETER_NETWORK (X) \
  IMPASTO_PARAMETER_OPTIMIZER (X) \
  IMPASTO_PARAMETER_LEARNING_RATE (X) \
  IMPASTO_PARAMETER_INIT (X) \
  IMPASTO_PARAMETER_MULTISCALE (X) \
  IMPASTO_PARAMETER_FULL_RESOLUTION (X) \
  IMPASTO_PARAMETER_REFINE_ITERATIONS (X) \
  IMPASTO_PARAMETER_POOLING (X) \
  IMPASTO_PARAMETER_CONTENT_LAYERS (X) \
  IMPASTO_PARAMETER_STYLE_LAYERS (X) \
  IMPASTO_PARAMETER_SEED (X) \
  IMPASTO_PARAMETER_THREADS (X)

/* One column of one row: IMPASTO_PARAMETER_DEFAULT (IMPASTO_PARAMETER_SIZE). */
#define IMPASTO_PARAMETER_DEFAULT_(TYPE, id, key, label, help, def, ...) def
#define IMPASTO_PARAMETER_DEFAULT(row) row (IMPASTO_PARAMETER_DEFAULT_)
#define IMPASTO_PARAMETER_KEY_(TYPE, id, key, ...) key
#define IMPASTO_PARAMETER_KEY(row) row (IMPASTO_PARAMETER_KEY_)

#endif
