/* What Impasto's GEGL operations share: both are whole-image composers
 * (input, optional style on aux, output) that read the input once as
 * R'G'B'A float, run the core, and pass the input through unchanged when
 * anything fails, saying why in a warning of the "impasto" log domain. */
#ifndef IMPASTO_OP_COMMON_H
#define IMPASTO_OP_COMMON_H

#include <gegl.h>
#include <gegl-plugin.h>

#include "impasto-core-loader.h"

G_BEGIN_DECLS

/* content: rect's pixels, R'G'B'A float; out: the same size, to fill. */
typedef gboolean (*ImpastoOpStylize) (GeglOperation       *operation,
                                      const gfloat        *content,
                                      GeglBuffer          *aux,
                                      const GeglRectangle *rect,
                                      gfloat              *out,
                                      GError             **error);

/* Bytes the core will need for a run on rect (see impasto_*_memory). */
typedef gdouble  (*ImpastoOpMemory)  (GeglOperation       *operation,
                                      const ImpastoCore   *core,
                                      GeglBuffer          *aux,
                                      const GeglRectangle *rect);

/* Sets prepare, bounding box, required and cached regions (the whole
 * input: every output pixel depends on every input pixel), not threaded. */
void     impasto_op_class_setup     (GeglOperationClass *klass);

/* A GeglOperationClass::process. */
typedef gboolean (*ImpastoOpContextProcess) (GeglOperation        *operation,
                                             GeglOperationContext *context,
                                             const gchar          *output_pad,
                                             const GeglRectangle  *roi,
                                             gint                  level);

/* The ops' GeglOperationClass::process: refuses a run that would not fit
 * in memory before anything is allocated (the output is then the input
 * buffer itself, with a warning that says what to change), else chains to
 * the composer's process. */
gboolean impasto_op_process_checked (GeglOperation          *operation,
                                     GeglOperationContext   *context,
                                     const gchar            *output_pad,
                                     const GeglRectangle    *roi,
                                     gint                    level,
                                     ImpastoOpMemory         memory,
                                     ImpastoOpContextProcess composer_process);

/* The composer's process: reads the input, stylises, writes the output;
 * on failure the output is a copy of the input. */
gboolean impasto_op_process         (GeglOperation      *operation,
                                     GeglBuffer         *input,
                                     GeglBuffer         *aux,
                                     GeglBuffer         *output,
                                     ImpastoOpStylize    stylize);

/* Turns a core call's status (0 done, 1 cancelled, -1 failed) and message
 * into a GError, translating the message when the catalogue has it; frees
 * the message. TRUE when the call succeeded. */
gboolean impasto_op_core_result     (const ImpastoCore  *core,
                                     gint                status,
                                     gchar              *message,
                                     GError            **error);

/* An ImpastoProgressFunc forwarding to gegl_operation_progress; it cancels
 * the run when the op's "cancel" flag is set. */
int      impasto_op_report_progress (double              fraction,
                                     double              loss,
                                     void               *operation);

G_END_DECLS

#endif
