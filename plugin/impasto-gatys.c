/* impasto:gatys — optimisation-based neural style transfer (Gatys et al.).
 *
 * The style comes from the aux pad (in GIMP: a layer) and/or from
 * style-path. The whole input is processed at once: the output depends on
 * every input pixel, so the op asks for the full input and caches it. */
#include "impasto-config.h"

#include <glib/gi18n-lib.h>

#include "impasto/parameters.h"
#include "impasto-parameters.h"

#ifdef GEGL_PROPERTIES

#define IMPASTO_OP_PARAMETERS IMPASTO_GATYS_PARAMETERS
#define IMPASTO_OP_ENUMS(E)   E (COLORS) E (NETWORK) E (OPTIMIZER) E (INIT) E (MULTISCALE) E (POOLING)
#include "impasto-op-properties.h"

#else

#define GEGL_OP_COMPOSER
#define GEGL_OP_BUNDLE
#define GEGL_OP_NAME     impasto_gatys
#define GEGL_OP_C_SOURCE impasto-gatys.c

#include "gegl-op.h"
#include <math.h>
#include "impasto-core-loader.h"
#include "impasto-op-common.h"
#include "impasto-style-source.h"

static void
fill_params (GeglProperties *o, ImpastoGatysParams *p)
{
  p->network         = impasto_parameter_find ("network")->values[o->network].nick;
  p->model_dir       = o->model_dir;
  p->allow_fallback  = o->allow_fallback;
  p->average_pooling = (gint) o->pooling == IMPASTO_POOLING_AVERAGE;
  p->device          = o->device;
  p->content_layers  = (o->content_layers && *o->content_layers) ? o->content_layers : NULL;
  p->style_layers    = (o->style_layers && *o->style_layers) ? o->style_layers : NULL;
  p->content_weight  = o->content_weight;
  p->style_weight    = o->style_weight;
  p->tv_weight       = o->tv_weight;
  p->style_scale     = o->style_scale;
  p->init            = o->init;
  p->optimizer       = o->optimizer;
  p->iterations      = o->iterations;
  p->learning_rate   = o->learning_rate;
  p->size            = o->size;
  p->multiscale      = o->multiscale;
  p->preserve_colors = o->preserve_colors;
  p->full_resolution = o->full_resolution;
  p->refine_iterations = o->refine_iterations;
  p->seed            = (unsigned long long) o->seed;
  p->threads         = o->threads;
  p->consistency     = o->consistency;
  p->previous_frame  = o->previous_frame;
  p->previous_result = o->previous_result;
}

/* Longest side at which the core can use a style image for this job: the
 * processing size times the detail size, and when refining up to the
 * image's own pixels, no more pixels than the image has. */
static gint
style_side (GeglProperties *o, const GeglRectangle *rect)
{
  gdouble side = ceil (o->size * o->style_scale);

  if (o->full_resolution)
    side = MAX (side, MAX (rect->width, rect->height));
  return (gint) side;
}

/* Each new size of a run, in words, as a note (impasto-op-report.h):
 * GEGL's progress signal carries only a fraction, and a full-resolution
 * run on a large photo spends minutes at its last sizes. */
static void
report_stage (int stage, int stages, int long_side, int refining, void *operation)
{
  gchar *text = refining ? g_strdup_printf (_("Refining at %d px (size %d of %d)"), long_side, stage + 1, stages)
                         : g_strdup_printf (_("Painting at %d px (size %d of %d)"), long_side, stage + 1, stages);

  impasto_op_note (operation, G_LOG_LEVEL_INFO, text);
  g_free (text);
}

static gboolean
stylize (GeglOperation *operation, const ImpastoOpJob *job, GError **error)
{
  GeglProperties     *o = GEGL_PROPERTIES (operation);
  const ImpastoCore  *core;
  ImpastoStyleSet    *styles;
  ImpastoGatysParams  params;
  gchar              *message = NULL;
  gint                used_fallback = 0;
  gint                status;

  core = impasto_core_get (error);
  if (!core)
    return FALSE;
  styles = impasto_style_set_new (job->aux, o->style_path, o->style_weights, style_side (o, &job->rect), error);
  if (!styles)
    return FALSE;

  core->gatys_params_init (&params);
  fill_params (o, &params);
  params.stage = report_stage;
  status = core->gatys_run (&params, job->content, job->rect.width, job->rect.height,
                            impasto_style_set_images (styles), impasto_style_set_count (styles),
                            NULL, job->out, impasto_op_report_progress, operation, &used_fallback, &message);
  impasto_style_set_free (styles);

  if (!impasto_op_core_result (core, status, message, error))
    return FALSE;
  /* Say so when the fallback replaced a network the user asked for. */
  if (used_fallback && (gint) o->network != IMPASTO_NETWORK_RANDOM)
    impasto_op_note (operation, G_LOG_LEVEL_MESSAGE,
                     _("Impasto used the weights-free fallback network: expect a weaker style. "
                       "Install Tiny Darknet (Download… in the Style Transfer dialog, or models/fetch "
                       "darknet-tiny) for much better results."));
  return TRUE;
}

static gdouble
memory_needed (GeglOperation *operation, const ImpastoCore *core, GeglBuffer *aux, const GeglRectangle *rect)
{
  GeglProperties     *o = GEGL_PROPERTIES (operation);
  ImpastoGatysParams  params;
  ImpastoStyleImage   style = { NULL, 0, 0, 1.0 };
  gdouble             side  = style_side (o, rect);

  core->gatys_params_init (&params);
  fill_params (o, &params);
  params.stage = report_stage;
  if (aux && !gegl_rectangle_is_empty (gegl_buffer_get_extent (aux)))
    {
      const GeglRectangle *e = gegl_buffer_get_extent (aux);
      gdouble              f = MIN (1.0, side / MAX (e->width, e->height));

      style.width  = MAX (1, (gint) (e->width * f));
      style.height = MAX (1, (gint) (e->height * f));
    }
  return core->gatys_memory (&params, rect->width, rect->height, &style, style.width > 0, FALSE);
}

static void
gegl_op_class_init (GeglOpClass *klass)
{
  impasto_op_class_setup (GEGL_OPERATION_CLASS (klass), stylize, memory_needed, "impasto:gatys",
                          _("Style Transfer (Optimisation)"),
                          _("Repaints the image in the style of another image by neural style transfer "
                            "(Gatys et al.): connect the style to the aux input or give style-path"));
}

#endif
