/* impasto:feedforward — style transfer with a pretrained model, one pass.
 * Arbitrary-style models (AdaIN) take their style on the aux pad or from
 * style-path; other models ignore both.
 *
 * Whole-image: the model's normalisation looks at the whole picture, so
 * the op asks for all of its input; the core tiles it in bounded memory. */
#include "impasto-config.h"

#include <glib/gi18n-lib.h>

#include "impasto/parameters.h"
#include "impasto-parameters.h"

#ifdef GEGL_PROPERTIES

#define IMPASTO_OP_PARAMETERS IMPASTO_FEEDFORWARD_PARAMETERS
#define IMPASTO_OP_ENUMS(E)   E (COLORS)
#include "impasto-op-properties.h"

#else

#define GEGL_OP_COMPOSER
#define GEGL_OP_BUNDLE
#define GEGL_OP_NAME     impasto_feedforward
#define GEGL_OP_C_SOURCE impasto-feedforward.c

#include "gegl-op.h"
#include "impasto-core-loader.h"
#include "impasto-op-common.h"
#include "impasto-style-source.h"

/* The properties as core parameters (the style image is the caller's). */
static void
fill_params (GeglProperties *o, const ImpastoCore *core, ImpastoFeedForwardParams *p)
{
  core->feedforward_params_init (p);
  p->model           = o->model;
  p->model_dir       = o->model_dir;
  p->strength        = o->strength;
  p->preserve_colors = o->preserve_colors;
  p->scale           = o->scale;
  p->tile_size       = o->tile_size;
  p->threads         = o->threads;
  p->alpha           = o->alpha;
  p->consistency     = o->consistency;
  p->previous_frame  = o->previous_frame;
  p->previous_result = o->previous_result;
}

static gboolean
stylize (GeglOperation *operation, const ImpastoOpJob *job, GError **error)
{
  GeglProperties          *o = GEGL_PROPERTIES (operation);
  const ImpastoCore       *core;
  ImpastoFeedForwardParams params;
  ImpastoStyleSet         *styles = NULL;
  gchar                   *message = NULL;
  gint                     status;

  core = impasto_core_get (error);
  if (!core)
    return FALSE;
  if ((job->aux && gegl_buffer_get_extent (job->aux)->width > 0) || (o->style_path && *o->style_path))
    {
      /* Arbitrary-style models see the style at 512 pixels (the core's
       * style size); a little more keeps the reduction to the core. */
      styles = impasto_style_set_new (job->aux, o->style_path, NULL, 1024, error);
      if (!styles)
        return FALSE;
    }

  fill_params (o, core, &params);
  params.style = styles ? impasto_style_set_images (styles) : NULL;  /* the first style */
  status = core->feedforward_run (&params, job->content, job->rect.width, job->rect.height, NULL, job->out,
                                  impasto_op_report_progress, operation, &message);
  impasto_style_set_free (styles);
  return impasto_op_core_result (core, status, message, error);
}

static gdouble
memory_needed (GeglOperation *operation, const ImpastoCore *core, GeglBuffer *aux, const GeglRectangle *rect)
{
  ImpastoFeedForwardParams params;

  fill_params (GEGL_PROPERTIES (operation), core, &params);
  return core->feedforward_memory (&params, rect->width, rect->height, FALSE);
}

static void
gegl_op_class_init (GeglOpClass *klass)
{
  impasto_op_class_setup (GEGL_OPERATION_CLASS (klass), stylize, memory_needed, "impasto:feedforward",
                          _("Style Transfer (Pretrained)"),
                          _("Repaints the image in the style a pretrained model has learnt, in one pass"));
}

#endif
