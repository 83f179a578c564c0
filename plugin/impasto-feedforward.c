/* impasto:feedforward — style transfer with a pretrained model, one pass.
 * Arbitrary-style models (AdaIN) take their style on the aux pad or from
 * style-path; other models ignore both.
 *
 * Whole-image: the model's normalisation looks at the whole picture, so
 * the op asks for all of its input; the core tiles it in bounded memory. */
#include "impasto-config.h"

#include <glib/gi18n-lib.h>

#ifdef GEGL_PROPERTIES

enum_start (impasto_feedforward_colors)
  enum_value (IMPASTO_FEEDFORWARD_COLORS_NONE,      "none",      N_("Take the style's colours"))
  enum_value (IMPASTO_FEEDFORWARD_COLORS_LUMINANCE, "luminance", N_("Keep original colours (luminance transfer)"))
  enum_value (IMPASTO_FEEDFORWARD_COLORS_HISTOGRAM, "histogram", N_("Keep original colours (match style colours)"))
enum_end (ImpastoFeedforwardColors)

property_string (model, _("Style model"), "starry-night")
  description (_("Name of an installed style model (as the Style Transfer dialog lists it), or the path of a model"))

property_file_path (model_dir, _("Model folder"), "")
  description (_("Folder holding the installed models; empty: the default model folder"))

property_double (strength, _("Strength"), 1.0)
  description (_("Blend with the original: 0 keeps the photo, 1 is the full style"))
  value_range (0.0, 1.0)

property_enum (preserve_colors, _("Colours"), ImpastoFeedforwardColors, impasto_feedforward_colors,
               IMPASTO_FEEDFORWARD_COLORS_NONE)
  description (_("Keep the original's colours and transfer only brush work and texture"))

property_double (scale, _("Processing scale"), 1.0)
  description (_("The image is resized by this factor for the model: smaller gives larger brush strokes and is faster"))
  value_range (0.05, 4.0)
  ui_range    (0.25, 2.0)

property_int (tile_size, _("Tile size"), 0)
  description (_("Pixels per tile side for large images; 0 adapts to the free memory"))
  value_range (0, 8192)
  ui_range    (0, 4096)

property_file_path (style_path, _("Style image file"), "")
  description (_("For arbitrary-style models (AdaIN): the painting whose style is used, if nothing is connected to the aux input"))

property_double (alpha, _("Style amount"), 1.0)
  description (_("For arbitrary-style models (AdaIN): 0 keeps the content's features, 1 takes the style's fully"))
  value_range (0.0, 1.0)

property_int (threads, _("Threads"), 0)
  description (_("Processor threads to use; 0 uses every core"))
  value_range (0, 256)

property_pointer (cancel, _("Cancel flag"), NULL)
  description (_("For programs embedding the operation: a gint that, once set to non-zero from another thread, stops the run (the output is then the input)"))

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
}

static gboolean
stylize (GeglOperation       *operation,
         const gfloat        *content,
         GeglBuffer          *aux,
         const GeglRectangle *rect,
         gfloat              *out,
         GError             **error)
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
  if ((aux && gegl_buffer_get_extent (aux)->width > 0) || (o->style_path && *o->style_path))
    {
      /* Arbitrary-style models see the style at 512 pixels (the core's
       * style size); a little more keeps the reduction to the core. */
      styles = impasto_style_set_new (aux, o->style_path, NULL, 1024, error);
      if (!styles)
        return FALSE;
    }

  fill_params (o, core, &params);
  params.style = styles ? impasto_style_set_images (styles) : NULL;  /* the first style */
  status = core->feedforward_run (&params, content, rect->width, rect->height, NULL, out,
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
    "name",        "impasto:feedforward",
    "title",       _("Style Transfer (Pretrained)"),
    "categories",  "artistic",
    "description", _("Repaints the image in the style a pretrained model has learnt, in one pass"),
    NULL);
}

#endif
