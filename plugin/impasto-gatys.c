/* impasto:gatys — optimisation-based neural style transfer (Gatys et al.).
 *
 * The style comes from the aux pad (in GIMP: a layer) and/or from
 * style-path. The whole input is processed at once: the output depends on
 * every input pixel, so the op asks for the full input and caches it. */
#include "impasto-config.h"

#include <glib/gi18n-lib.h>

#ifdef GEGL_PROPERTIES

enum_start (impasto_gatys_network)
  enum_value (IMPASTO_GATYS_NETWORK_DARKNET_TINY, "darknet-tiny", N_("Tiny Darknet"))
  enum_value (IMPASTO_GATYS_NETWORK_VGG19,        "vgg19",        N_("VGG-19"))
  enum_value (IMPASTO_GATYS_NETWORK_RANDOM,       "random",       N_("Weights-free (lower quality)"))
enum_end (ImpastoGatysNetwork)

enum_start (impasto_gatys_optimizer)
  enum_value (IMPASTO_GATYS_OPTIMIZER_LBFGS, "lbfgs", N_("L-BFGS"))
  enum_value (IMPASTO_GATYS_OPTIMIZER_ADAM,  "adam",  N_("Adam"))
enum_end (ImpastoGatysOptimizer)

enum_start (impasto_gatys_init)
  enum_value (IMPASTO_GATYS_INIT_CONTENT, "content", N_("Content image"))
  enum_value (IMPASTO_GATYS_INIT_NOISE,   "noise",   N_("Noise"))
  enum_value (IMPASTO_GATYS_INIT_STYLE,   "style",   N_("Style image"))
enum_end (ImpastoGatysInit)

enum_start (impasto_gatys_colors)
  enum_value (IMPASTO_GATYS_COLORS_NONE,      "none",      N_("Take the style's colours"))
  enum_value (IMPASTO_GATYS_COLORS_LUMINANCE, "luminance", N_("Keep original colours (luminance transfer)"))
  enum_value (IMPASTO_GATYS_COLORS_HISTOGRAM, "histogram", N_("Keep original colours (match style colours)"))
enum_end (ImpastoGatysColors)

enum_start (impasto_gatys_pooling)
  enum_value (IMPASTO_GATYS_POOLING_AVERAGE, "average", N_("Average (smoother)"))
  enum_value (IMPASTO_GATYS_POOLING_MAX,     "max",     N_("Maximum (as trained)"))
enum_end (ImpastoGatysPooling)

enum_start (impasto_gatys_multiscale)
  enum_value (IMPASTO_GATYS_MULTISCALE_AUTO, "auto", N_("Automatic"))
  enum_value (IMPASTO_GATYS_MULTISCALE_ON,   "on",   N_("Coarse to fine"))
  enum_value (IMPASTO_GATYS_MULTISCALE_OFF,  "off",  N_("Single scale"))
enum_end (ImpastoGatysMultiscale)

property_file_path (style_path, _("Style image file"), "")
  description (_("Painting whose style is transferred, used in addition to the image on the aux input. "
                 "Separate several files with ':'"))

property_string (style_weights, _("Style blend weights"), "")
  description (_("Comma-separated blend weight of each style (aux first, then files); empty: equal weights"))

property_double (content_weight, _("Content weight"), 1.0)
  description (_("How strongly the result keeps the shapes of the original"))
  value_range (0.0, 1000.0)
  ui_range    (0.0, 10.0)

property_double (style_weight, _("Style weight"), 2.0)
  description (_("How strongly the result takes the textures and colours of the style"))
  value_range (0.0, 100000.0)
  ui_range    (0.0, 100.0)
  ui_gamma    (3.0)

property_double (tv_weight, _("Smoothness"), 0.02)
  description (_("Total-variation weight: higher values give smoother, less noisy results"))
  value_range (0.0, 100.0)
  ui_range    (0.0, 1.0)
  ui_gamma    (3.0)

property_double (style_scale, _("Detail size"), 1.0)
  description (_("Size of the style image relative to the processing size: larger gives bigger brush strokes"))
  value_range (0.05, 8.0)
  ui_range    (0.25, 4.0)

property_int (iterations, _("Iterations"), 150)
  description (_("Optimisation steps; more gives a stronger, cleaner result and takes longer"))
  value_range (1, 100000)
  ui_range    (10, 1000)

property_int (size, _("Processing size"), 384)
  description (_("Longest side, in pixels, at which the look is decided; larger images are then refined up to their own pixels (Full resolution) or enlarged"))
  value_range (16, 8192)
  ui_range    (64, 2048)

property_boolean (full_resolution, _("Full resolution"), TRUE)
  /* xgettext:no-c-format */
  description (_("Refine the result up to the image's own pixels; off: compute at the processing size and enlarge (much faster, blurred at 100% zoom)"))

property_int (refine_iterations, _("Refinement steps"), 20)
  description (_("Optimisation steps at the first size above the processing size; each larger size takes fewer"))
  value_range (1, 1000)
  ui_range    (2, 100)

property_enum (preserve_colors, _("Colours"), ImpastoGatysColors, impasto_gatys_colors, IMPASTO_GATYS_COLORS_NONE)
  description (_("Keep the original's colours and transfer only brush work and texture"))

property_enum (network, _("Network"), ImpastoGatysNetwork, impasto_gatys_network, IMPASTO_GATYS_NETWORK_DARKNET_TINY)
  description (_("Pretrained network that measures content and style"))

property_boolean (allow_fallback, _("Fall back to the weights-free network"), TRUE)
  description (_("When the network's files are not installed, use the weights-free network instead of failing"))

property_file_path (model_dir, _("Model folder"), "")
  description (_("Folder holding the network files; empty: the default model folder"))

property_enum (optimizer, _("Optimiser"), ImpastoGatysOptimizer, impasto_gatys_optimizer, IMPASTO_GATYS_OPTIMIZER_LBFGS)
  description (_("L-BFGS converges in fewer steps; Adam uses less memory"))

property_double (learning_rate, _("Adam step size"), 0.02)
  description (_("Step size of the Adam optimiser"))
  value_range (0.0001, 10.0)
  ui_range    (0.001, 0.2)

property_enum (init, _("Start from"), ImpastoGatysInit, impasto_gatys_init, IMPASTO_GATYS_INIT_CONTENT)
  description (_("Image the optimisation starts from"))

property_enum (multiscale, _("Coarse to fine"), ImpastoGatysMultiscale, impasto_gatys_multiscale, IMPASTO_GATYS_MULTISCALE_AUTO)
  description (_("Optimise at a lower resolution first, then refine; automatic above 256 pixels"))

property_string (content_layers, _("Content layers"), "")
  description (_("Comma-separated network layers for the content loss; empty: the network's defaults"))

property_string (style_layers, _("Style layers"), "")
  description (_("Comma-separated network layers for the style loss, each optionally name:weight; empty: defaults"))

property_enum (pooling, _("Pooling"), ImpastoGatysPooling, impasto_gatys_pooling, IMPASTO_GATYS_POOLING_AVERAGE)
  description (_("How the network shrinks its feature maps; average pooling gives smoother, cleaner results"))

property_string (device, _("Device"), "cpu")
  description (_("Where to compute: cpu, or cuda:0 with a CUDA build of LibTorch"))

property_int (seed, _("Random seed"), 0)
  description (_("Same seed and settings give the same result on one machine"))
  value_range (0, G_MAXINT)

property_int (threads, _("Threads"), 0)
  description (_("Processor threads to use; 0 uses every core"))
  value_range (0, 256)

property_pointer (cancel, _("Cancel flag"), NULL)
  description (_("For programs embedding the operation: a gint that, once set to non-zero from another thread, stops the run (the output is then the input)"))

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
  static const char *networks[] = { "darknet-tiny", "vgg19", "random" };

  p->network         = networks[o->network];
  p->model_dir       = o->model_dir;
  p->allow_fallback  = o->allow_fallback;
  p->average_pooling = o->pooling == IMPASTO_GATYS_POOLING_AVERAGE;
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

/* Each new size of a run, in words, as an informational message in the
 * "impasto" log domain: GEGL's progress signal carries only a fraction,
 * and a full-resolution run on a large photo spends minutes at its last
 * sizes. GIMP's plug-in shows it in the status bar; the gegl program
 * prints no informational messages. */
static void
report_stage (int stage, int stages, int long_side, int refining, void *operation)
{
  if (refining)
    g_info (_("Refining at %d px (size %d of %d)"), long_side, stage + 1, stages);
  else
    g_info (_("Painting at %d px (size %d of %d)"), long_side, stage + 1, stages);
}

static gboolean
stylize (GeglOperation       *operation,
         const gfloat        *content,
         GeglBuffer          *aux,
         const GeglRectangle *rect,
         gfloat              *out,
         GError             **error)
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
  styles = impasto_style_set_new (aux, o->style_path, o->style_weights, style_side (o, rect), error);
  if (!styles)
    return FALSE;

  core->gatys_params_init (&params);
  fill_params (o, &params);
  params.stage = report_stage;
  status = core->gatys_run (&params, content, rect->width, rect->height,
                            impasto_style_set_images (styles), impasto_style_set_count (styles),
                            NULL, out, impasto_op_report_progress, operation, &used_fallback, &message);
  impasto_style_set_free (styles);

  if (!impasto_op_core_result (core, status, message, error))
    return FALSE;
  /* Say so when the fallback replaced a network the user asked for. */
  if (used_fallback && o->network != IMPASTO_GATYS_NETWORK_RANDOM)
    g_message (_("Impasto used the weights-free fallback network: expect a weaker style. "
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

static gboolean
process (GeglOperation       *operation,
         GeglBuffer          *input,
         GeglBuffer          *aux,
         GeglBuffer          *output,
         const GeglRectangle *result,
         gint                 level)
{
  return impasto_op_process (operation, input, aux, output, stylize);
}

static ImpastoOpContextProcess composer_process;

static gboolean
process_checked (GeglOperation        *operation,
                 GeglOperationContext *context,
                 const gchar          *output_pad,
                 const GeglRectangle  *roi,
                 gint                  level)
{
  return impasto_op_process_checked (operation, context, output_pad, roi, level, memory_needed, composer_process);
}

static void
gegl_op_class_init (GeglOpClass *klass)
{
  GeglOperationClass         *operation_class = GEGL_OPERATION_CLASS (klass);
  GeglOperationComposerClass *composer_class  = GEGL_OPERATION_COMPOSER_CLASS (klass);

  impasto_op_class_setup (operation_class);
  composer_class->process = process;
  composer_process         = operation_class->process;
  operation_class->process = process_checked;

  gegl_operation_class_set_keys (operation_class,
    "name",           "impasto:gatys",
    "title",          _("Style Transfer (Optimisation)"),
    "categories",     "artistic",
    "description",    _("Repaints the image in the style of another image by neural style transfer "
                        "(Gatys et al.): connect the style to the aux input or give style-path"),
    NULL);
}

#endif
