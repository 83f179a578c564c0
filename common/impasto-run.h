/* Runs Impasto's GEGL operation for a settings struct on in-memory
 * buffers: the op of the settings' method, every property from the
 * settings (impasto/parameters.h), the failure reason through the op's
 * report (impasto-op-report.h). No GIMP call, so it can run in a worker
 * thread (the dialog's preview) and in any front end. */
#ifndef IMPASTO_RUN_H
#define IMPASTO_RUN_H

#include <gegl.h>

#include "impasto-settings.h"

G_BEGIN_DECLS

/* Progress of a render: fraction in 0..1, or a message (fraction < 0). */
typedef void (*ImpastoRenderProgress) (gdouble      fraction,
                                       const gchar *text,
                                       gpointer     data);

/* Stylises input into a new buffer of its size; style (may be NULL) goes
 * to the op's aux input; cancel (may be
 * NULL) stops the run when set; progress is called from the running thread.
 * NULL when cancelled (no *error) or failed. */
GeglBuffer *impasto_render_buffers (GeglBuffer            *input,
                                    GeglBuffer            *style,
                                    const ImpastoSettings *settings,
                                    gint                  *cancel,
                                    ImpastoRenderProgress  progress,
                                    gpointer               progress_data,
                                    GError               **error);

/* The animation frame before the one being rendered (impasto/temporal.h):
 * its original and its result, R'G'B'A float pixels of the input's size,
 * and how closely the new frame keeps that result where the picture moved
 * (the "consistency" row, 0..1). */
typedef struct
{
  const gfloat *frame;
  const gfloat *result;
  gdouble       consistency;
} ImpastoPreviousFrame;

/* The whole of buffer as g_malloc'ed R'G'B'A float pixels: what
 * ImpastoPreviousFrame keeps of a frame and its result. */
gfloat     *impasto_buffer_pixels  (GeglBuffer                 *buffer);

/* impasto_render_buffers for one frame of an animation; previous NULL for
 * the first. */
GeglBuffer *impasto_render_frame   (GeglBuffer                 *input,
                                    GeglBuffer                 *style,
                                    const ImpastoSettings      *settings,
                                    const ImpastoPreviousFrame *previous,
                                    gint                       *cancel,
                                    ImpastoRenderProgress       progress,
                                    gpointer                    progress_data,
                                    GError                    **error);

G_END_DECLS

#endif
