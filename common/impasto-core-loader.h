/* Loads the Impasto core (and with it LibTorch) on first use. GIMP 2.10
 * loads every GEGL module at start-up, so the module itself must stay small
 * and link nothing heavy. */
#ifndef IMPASTO_CORE_LOADER_H
#define IMPASTO_CORE_LOADER_H

#include <gio/gio.h>

#include "impasto/impasto.h"

G_BEGIN_DECLS

typedef struct
{
  void (*gatys_params_init) (ImpastoGatysParams *params);
  int  (*gatys_run)         (const ImpastoGatysParams *params,
                             const float *content_rgba, int width, int height,
                             const ImpastoStyleImage *styles, int n_styles,
                             const float *mask, float *out_rgba,
                             ImpastoProgressFunc progress, void *user_data,
                             int *used_fallback, char **error_message);
  void (*feedforward_params_init) (ImpastoFeedForwardParams *params);
  int  (*feedforward_run)   (const ImpastoFeedForwardParams *params,
                             const float *content_rgba, int width, int height,
                             const float *mask, float *out_rgba,
                             ImpastoProgressFunc progress, void *user_data,
                             char **error_message);
  double (*feedforward_memory) (const ImpastoFeedForwardParams *params, int width, int height, int has_mask);
  double (*gatys_memory)    (const ImpastoGatysParams *params, int width, int height,
                             const ImpastoStyleImage *styles, int n_styles, int has_mask);
  double (*available_memory) (void);
  double (*gatys_seconds)   (const ImpastoGatysParams *params, int width, int height);
  void (*free)              (void *pointer);
} ImpastoCore;

/* The loaded core, or NULL with *error set (translated message). Looks at
 * $IMPASTO_CORE_LIBRARY first, then the installed location. Thread-safe. */
const ImpastoCore *impasto_core_get (GError **error);

/* FALSE with a translated *error (the size, what is needed and available,
 * and what to change) when a run on a width x height image whose core part
 * needs core_bytes (impasto_*_memory) does not fit in memory together with
 * the caller's input and output pictures (R'G'B'A float). */
gboolean impasto_core_check_memory (const ImpastoCore *core,
                                    gdouble            core_bytes,
                                    gint               width,
                                    gint               height,
                                    GError           **error);

G_END_DECLS

#endif
