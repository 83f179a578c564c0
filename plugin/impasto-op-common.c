#include "impasto-config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "impasto-op-common.h"

static GeglRectangle
pad_box (GeglOperation *operation, const gchar *pad)
{
  const GeglRectangle *rect = gegl_operation_source_get_bounding_box (operation, pad);

  return rect ? *rect : *GEGL_RECTANGLE (0, 0, 0, 0);
}

static GeglRectangle
get_bounding_box (GeglOperation *operation)
{
  return pad_box (operation, "input");
}

static GeglRectangle
get_required_for_output (GeglOperation *operation, const gchar *input_pad, const GeglRectangle *roi)
{
  return pad_box (operation, input_pad);
}

static GeglRectangle
get_cached_region (GeglOperation *operation, const GeglRectangle *roi)
{
  return pad_box (operation, "input");
}

static gboolean
in_gegl_program (void)
{
  return g_strcmp0 (g_get_prgname (), "gegl") == 0;
}

/* The gegl program's node keeps no cache (prepare): the last result,
 * kept on the operation for the chunks gegl:save asks for after the first.
 * Plain memory, so GEGL's leak check at exit has nothing to report. */
typedef struct
{
  GeglRectangle rect;
  gfloat       *rgba;
} KeptResult;

#define KEPT_RESULT_KEY "impasto-kept-result"

static void
kept_result_free (gpointer data)
{
  KeptResult *kept = data;

  g_free (kept->rgba);
  g_free (kept);
}

/* GEGL's tile cache (512 MB by default) is smaller than a 24 MP picture's
 * float input and output; the gegl program then swaps them to disk and
 * GEGL 0.4.42 ends with "tile-backend-swap" warnings. Inside that
 * one-shot program, let the cache hold them. */
static void
make_room_in_tile_cache (GeglOperation *operation)
{
  GeglRectangle rect   = pad_box (operation, "input");
  guint64       needed = (guint64) rect.width * rect.height * 4 * sizeof (gfloat) * 3;
  guint64       cache  = 0;

  g_object_get (gegl_config (), "tile-cache-size", &cache, NULL);
  if (cache < needed)
    g_object_set (gegl_config (), "tile-cache-size", needed, NULL);
}

static void
prepare (GeglOperation *operation)
{
  const Babl *format = babl_format ("R'G'B'A float");

  gegl_operation_set_format (operation, "input",  format);
  gegl_operation_set_format (operation, "aux",    format);
  gegl_operation_set_format (operation, "output", format);

  /* GEGL's own `gegl` program (0.4.42) never frees the nodes of a chain
   * given after "--" on an image file, so a whole-image op's node cache
   * outlives gegl_exit: "GeglBuffers leaked" (GEGL's whole-image ops
   * print it too; docs/gegl-cli-leak.md). There every output goes through
   * gegl:save, which asks for large images in chunks; the op keeps its
   * result as plain memory for the later chunks (process_with), so
   * it still runs once. Every other host keeps the node's cache. */
  if (operation->node && in_gegl_program ())
    {
      GeglCachePolicy policy;

      g_object_get (operation->node, "cache-policy", &policy, NULL);
      if (policy != GEGL_CACHE_POLICY_NEVER)
        g_object_set (operation->node, "cache-policy", GEGL_CACHE_POLICY_NEVER, NULL);
      make_room_in_tile_cache (operation);
    }
}

int
impasto_op_report_progress (double fraction, double loss, void *operation)
{
  gint *cancel = NULL;

  gegl_operation_progress (GEGL_OPERATION (operation), fraction, _("Style transfer"));
  g_object_get (operation, "cancel", &cancel, NULL);
  return !(cancel && g_atomic_int_get (cancel));
}

static ImpastoOpReport *
report_of (GeglOperation *operation)
{
  ImpastoOpReport *report = NULL;

  g_object_get (operation, "report", &report, NULL);
  return report;
}

void
impasto_op_fail (GeglOperation *operation, gint code, GError *error)
{
  ImpastoOpReport *report = report_of (operation);

  if (error->domain != IMPASTO_OP_ERROR || error->code != code)
    {
      GError *typed = g_error_new_literal (IMPASTO_OP_ERROR, code, error->message);

      g_error_free (error);
      error = typed;
    }
  if (report)
    {
      if (!report->error)
        report->error = g_steal_pointer (&error);
    }
  else if (code != IMPASTO_OP_ERROR_CANCELLED)
    {
      /* A cancelled run was asked for, so it is not worth a warning. */
      g_warning ("%s: %s", gegl_operation_get_name (operation), error->message);
    }
  g_clear_error (&error);
}

void
impasto_op_note (GeglOperation *operation, GLogLevelFlags level, const gchar *text)
{
  ImpastoOpReport *report = report_of (operation);

  if (!report)
    g_log (G_LOG_DOMAIN, level, "%s", text);
  else if (report->note)
    report->note (text, report->note_data);
}

/* Refuses, before anything is allocated, a run that would not fit in
 * memory: the core's estimate plus this op's two picture buffers. */
static gboolean
check_memory (GeglOperation *operation, GeglBuffer *aux, const GeglRectangle *rect, ImpastoOpMemory memory,
              GError **error)
{
  const ImpastoCore *core = impasto_core_get (error);

  return core && impasto_core_check_memory (core, memory (operation, core, aux, rect), rect->width, rect->height, error);
}

static gboolean
process_checked_with (GeglOperation          *operation,
                      GeglOperationContext   *context,
                      const gchar            *output_pad,
                      const GeglRectangle    *roi,
                      gint                    level,
                      ImpastoOpMemory         memory,
                      ImpastoOpContextProcess composer_process)
{
  GeglBuffer   *input = GEGL_BUFFER (gegl_operation_context_get_object (context, "input"));
  GeglBuffer   *aux   = GEGL_BUFFER (gegl_operation_context_get_object (context, "aux"));
  GeglRectangle rect  = pad_box (operation, "input");
  GError       *error = NULL;

  if (!input || gegl_rectangle_is_empty (&rect) || check_memory (operation, aux, &rect, memory, &error))
    return composer_process (operation, context, output_pad, roi, level);
  /* Refused: the output is the input itself, not a copy (a copy of a
   * layer too large for memory would be the very cost being refused). */
  impasto_op_fail (operation, IMPASTO_OP_ERROR_MEMORY, error);
  gegl_operation_context_take_object (context, output_pad, G_OBJECT (g_object_ref (input)));
  return TRUE;
}

static gboolean
process_with (GeglOperation   *operation,
              GeglBuffer      *input,
              GeglBuffer      *aux,
              GeglBuffer      *output,
              ImpastoOpStylize stylize)
{
  GeglRectangle rect   = pad_box (operation, "input");
  const Babl   *format = babl_format ("R'G'B'A float");
  gsize         size   = (gsize) rect.width * rect.height * 4 * sizeof (gfloat);
  GError       *error  = NULL;
  gfloat       *content, *out;

  KeptResult   *kept   = g_object_get_data (G_OBJECT (operation), KEPT_RESULT_KEY);

  if (gegl_rectangle_is_empty (&rect))
    return TRUE;
  if (kept && gegl_rectangle_equal (&kept->rect, &rect))
    {
      gegl_buffer_set (output, &rect, 0, format, kept->rgba, GEGL_AUTO_ROWSTRIDE);
      return TRUE;
    }
  content = g_try_malloc (size);
  out     = g_try_malloc (size);
  if (!content || !out)
    g_set_error (&error, IMPASTO_OP_ERROR, IMPASTO_OP_ERROR_MEMORY,
                 _("Not enough memory to read a %d x %d image."), rect.width, rect.height);
  else
    {
      gegl_buffer_get (input, &rect, 1.0, format, content, GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_CLAMP);
      const ImpastoOpJob job = { content, aux, rect, out };

      if (stylize (operation, &job, &error))
        {
          gegl_buffer_set (output, &rect, 0, format, out, GEGL_AUTO_ROWSTRIDE);
          if (in_gegl_program ())
            {
              kept = g_new (KeptResult, 1);
              kept->rect = rect;
              kept->rgba = g_steal_pointer (&out);
              g_object_set_data_full (G_OBJECT (operation), KEPT_RESULT_KEY, kept, kept_result_free);
            }
        }
    }
  if (error)
    {
      gint code = error->domain == IMPASTO_OP_ERROR ? error->code : IMPASTO_OP_ERROR_FAILED;

      /* Never leave half an image: on failure the output is the input. */
      impasto_op_fail (operation, code, g_steal_pointer (&error));
      gegl_buffer_copy (input, &rect, GEGL_ABYSS_NONE, output, &rect);
    }
  g_free (content);
  g_free (out);
  return TRUE;
}

gboolean
impasto_op_core_result (const ImpastoCore *core, gint status, gchar *message, GError **error)
{
  if (status != 0)
    /* Core messages are English sentences; translate them when we can. */
    g_set_error_literal (error, IMPASTO_OP_ERROR, status > 0 ? IMPASTO_OP_ERROR_CANCELLED : IMPASTO_OP_ERROR_FAILED,
                         message ? _(message) : _("Style transfer failed."));
  core->free (message);
  return status == 0;
}

/* What differs between the ops, kept with each op's type. */
typedef struct
{
  ImpastoOpStylize        stylize;
  ImpastoOpMemory         memory;
  ImpastoOpContextProcess composer_process;   /* GeglOperationComposer's */
} OpCalls;

static const OpCalls *
calls_of (GeglOperation *operation)
{
  return g_type_get_qdata (G_OBJECT_TYPE (operation), g_quark_from_static_string ("impasto-op-calls"));
}

static gboolean
composer_process (GeglOperation       *operation,
                  GeglBuffer          *input,
                  GeglBuffer          *aux,
                  GeglBuffer          *output,
                  const GeglRectangle *result,
                  gint                 level)
{
  return process_with (operation, input, aux, output, calls_of (operation)->stylize);
}

static gboolean
process_checked (GeglOperation        *operation,
                 GeglOperationContext *context,
                 const gchar          *output_pad,
                 const GeglRectangle  *roi,
                 gint                  level)
{
  const OpCalls *calls = calls_of (operation);

  return process_checked_with (operation, context, output_pad, roi, level, calls->memory, calls->composer_process);
}

void
impasto_op_class_setup (GeglOperationClass *klass,
                        ImpastoOpStylize    stylize,
                        ImpastoOpMemory     memory,
                        const gchar        *name,
                        const gchar        *title,
                        const gchar        *description)
{
  /* Lives as long as the type: GEGL never unloads its modules. */
  OpCalls *calls = g_new0 (OpCalls, 1);

  klass->prepare                 = prepare;
  klass->get_bounding_box        = get_bounding_box;
  klass->get_required_for_output = get_required_for_output;
  klass->get_cached_region       = get_cached_region;
  klass->threaded                = FALSE;

  calls->stylize          = stylize;
  calls->memory           = memory;
  calls->composer_process = klass->process;
  GEGL_OPERATION_COMPOSER_CLASS (klass)->process = composer_process;
  klass->process = process_checked;
  g_type_set_qdata (G_TYPE_FROM_CLASS (klass), g_quark_from_static_string ("impasto-op-calls"), calls);

  gegl_operation_class_set_keys (klass,
                                 "name",        name,
                                 "title",       title,
                                 "categories",  "artistic",
                                 "description", description,
                                 NULL);
}
