/* Plain C entry points of the Impasto core, for front ends that load the
 * core at run time (the GEGL module must not link LibTorch: GIMP loads every
 * GEGL module at start-up). No C++ exception crosses this boundary. */
#ifndef IMPASTO_C_API_H
#define IMPASTO_C_API_H

#ifdef __cplusplus
extern "C" {
#endif

#define IMPASTO_C_API_VERSION 4

/* The values of ImpastoGatysParams.optimizer / init / preserve_colors /
 * multiscale (IMPASTO_OPTIMIZER_LBFGS, ...) and every default and range
 * are in parameters.h. */
#include "impasto/parameters.h"

/* A Gatys run moved to the next size (stage 0-based, of stages): the
 * picture's long side in pixels there, and whether that size refines the
 * result with the photo's own detail (above the processing size). Given
 * the progress function's user_data. */
typedef void (*ImpastoStageFunc) (int stage, int stages, int long_side, int refining, void *user_data);

typedef struct {
  int api_version;          /* IMPASTO_C_API_VERSION */
  const char *network;      /* "darknet-tiny", "vgg19", "random" */
  const char *model_dir;    /* NULL or "": default model directory */
  int allow_fallback;       /* use the weights-free network if files are missing */
  int average_pooling;      /* 1: average pooling (default), 0: max */
  const char *content_layers; /* "name,name" or NULL for defaults */
  const char *style_layers;   /* "name:weight,name:weight" or NULL */
  double content_weight, style_weight, tv_weight;
  double style_scale;
  int init, optimizer, iterations;
  double learning_rate;
  int size, multiscale, preserve_colors;
  int full_resolution;      /* refine up to the image's own pixels */
  int refine_iterations;    /* steps at the first refinement level */
  unsigned long long seed;
  int threads;
  const char *device;       /* NULL: "cpu" */
  ImpastoStageFunc stage;   /* NULL: not told */
  /* Animation frames (impasto/temporal.h): the frame before this one and
   * its result, RGBA of this image's size, or NULL (a still picture); how
   * closely this frame keeps that result where the motion is reliable. */
  const float *previous_frame;
  const float *previous_result;
  double consistency;
} ImpastoGatysParams;

/* An RGBA float image, rows packed, values in [0, 1]. */
typedef struct {
  const float *rgba;
  int width, height;
  double weight;            /* style blend weight */
} ImpastoStyleImage;

/* Return 0 to cancel. */
typedef int (*ImpastoProgressFunc) (double fraction, double loss, void *user_data);

/* Fills params with the core's defaults. */
void impasto_gatys_params_init (ImpastoGatysParams *params);

/* Stylises content_rgba (width x height) into out_rgba (same size; may not
 * alias). mask: NULL or width x height floats. Returns 0 on success, 1 when
 * cancelled, -1 on error; on non-zero *error_message (if not NULL) receives a
 * message to release with impasto_free. *used_fallback is set when the
 * weights-free network ran. */
int impasto_gatys_run (const ImpastoGatysParams *params,
                       const float *content_rgba, int width, int height,
                       const ImpastoStyleImage *styles, int n_styles,
                       const float *mask, float *out_rgba,
                       ImpastoProgressFunc progress, void *user_data,
                       int *used_fallback, char **error_message);

/* Pretrained feed-forward models (one pass, tiled). */
typedef struct {
  int api_version;          /* IMPASTO_C_API_VERSION */
  const char *model;        /* a name in the model folder, or a path */
  const char *model_dir;    /* NULL or "": default model directory */
  double strength;          /* 0..1 */
  int preserve_colors;      /* IMPASTO_COLORS_* */
  double scale;             /* processing scale, 0.05..4 */
  int tile_size;            /* 0: automatic */
  int threads;
  const char *device;       /* NULL: "cpu" */
  /* Arbitrary-style models (AdaIN) only. */
  const ImpastoStyleImage *style;   /* NULL: none */
  double alpha;             /* content-style trade-off, 0..1 */
  /* Animation frames: as in ImpastoGatysParams. */
  const float *previous_frame;
  const float *previous_result;
  double consistency;
} ImpastoFeedForwardParams;

void impasto_feedforward_params_init (ImpastoFeedForwardParams *params);

/* Same conventions as impasto_gatys_run. */
int impasto_feedforward_run (const ImpastoFeedForwardParams *params,
                             const float *content_rgba, int width, int height,
                             const float *mask, float *out_rgba,
                             ImpastoProgressFunc progress, void *user_data,
                             char **error_message);

/* Memory, in bytes, that a run with these parameters on a width x height
 * image would need inside the core (its copies of the inputs included, not
 * the caller's buffers), and what this process can still allocate. The run
 * functions refuse a job that does not fit; front ends call these first to
 * say so in their own words, counting their own buffers too. */
double impasto_feedforward_memory (const ImpastoFeedForwardParams *params, int width, int height, int has_mask);
double impasto_gatys_memory (const ImpastoGatysParams *params, int width, int height,
                             const ImpastoStyleImage *styles, int n_styles, int has_mask);
double impasto_available_memory (void);
/* Rough seconds a Gatys run on a width x height image takes on this
 * machine, for telling the user what a setting costs. */
double impasto_gatys_seconds (const ImpastoGatysParams *params, int width, int height);

void impasto_free (void *pointer);

#ifdef __cplusplus
}
#endif

#endif
