#include "impasto-config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "impasto-op-report.h"
#include "impasto-parameters.h"
#include "impasto-run.h"

typedef struct
{
  ImpastoRenderProgress progress;
  gpointer              progress_data;
} Progress;

static void
on_progress (GeglNode *node, gdouble fraction, gpointer data)
{
  Progress *p = data;

  if (p->progress)
    p->progress (fraction, NULL, p->progress_data);
}

static void
on_note (const gchar *text, gpointer data)
{
  Progress *p = data;

  if (p->progress)
    p->progress (-1.0, text, p->progress_data);
}

#define KEY_(TYPE, id, key, ...) key,
static const gchar *const gatys_keys[] = { IMPASTO_GATYS_PARAMETERS (KEY_) };
static const gchar *const feedforward_keys[] = { IMPASTO_FEEDFORWARD_PARAMETERS (KEY_) };
#undef KEY_

/* Every property of the op that the settings hold; the rest (model
 * folder, device, ...) keep the op's defaults. */
static void
set_properties (GeglNode *op, const ImpastoSettings *s, const gchar *const *keys, gsize n_keys)
{
  gsize i;

  for (i = 0; i < n_keys; i++)
    {
      const ImpastoParameter *p = impasto_parameter_find (keys[i]);
      gchar                  *name;

      if (!p)
        continue;
      name = g_strdelimit (g_strdup (p->id), "_", '-');
      if (p->type == IMPASTO_TYPE_DOUBLE)
        gegl_node_set (op, name, impasto_parameter_get (p, s), NULL);
      else if (p->size)
        gegl_node_set (op, name, impasto_parameter_get_text (p, s), NULL);
      else
        gegl_node_set (op, name, (gint) impasto_parameter_get (p, s), NULL);
      g_free (name);
    }
}

gfloat *
impasto_buffer_pixels (GeglBuffer *buffer)
{
  const GeglRectangle *e    = gegl_buffer_get_extent (buffer);
  gfloat              *rgba = g_new (gfloat, (gsize) e->width * e->height * 4);

  gegl_buffer_get (buffer, e, 1.0, babl_format ("R'G'B'A float"), rgba, GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  return rgba;
}

GeglBuffer *
impasto_render_buffers (GeglBuffer            *input,
                        GeglBuffer            *style,
                        const ImpastoSettings *s,
                        gint                  *cancel,
                        ImpastoRenderProgress  progress,
                        gpointer               progress_data,
                        GError               **error)
{
  return impasto_render_frame (input, style, s, NULL, cancel, progress, progress_data, error);
}

GeglBuffer *
impasto_render_frame (GeglBuffer                 *input,
                      GeglBuffer                 *style,
                      const ImpastoSettings      *s,
                      const ImpastoPreviousFrame *previous,
                      gint                       *cancel,
                      ImpastoRenderProgress       progress,
                      gpointer                    progress_data,
                      GError                    **error)
{
  gboolean        model   = s->method == IMPASTO_METHOD_MODEL;
  const gchar    *op_name = model ? "impasto:feedforward" : "impasto:gatys";
  GeglRectangle   extent  = *gegl_buffer_get_extent (input);
  Progress        p       = { progress, progress_data };
  ImpastoOpReport report  = { NULL, on_note, &p };
  GeglBuffer     *result;
  GeglNode       *graph, *src, *op;

  if (!gegl_has_operation (op_name))
    {
      g_set_error (error, IMPASTO_OP_ERROR, IMPASTO_OP_ERROR_FAILED,
                   _("The GEGL operation %s is not installed; reinstall Impasto."), op_name);
      return NULL;
    }
  graph = gegl_node_new ();
  src   = gegl_node_new_child (graph, "operation", "gegl:buffer-source", "buffer", input, NULL);
  op    = gegl_node_new_child (graph, "operation", op_name, NULL);
  if (model)
    set_properties (op, s, feedforward_keys, G_N_ELEMENTS (feedforward_keys));
  else
    set_properties (op, s, gatys_keys, G_N_ELEMENTS (gatys_keys));
  gegl_node_set (op, "cancel", cancel, "report", &report, NULL);
  if (previous)
    gegl_node_set (op, "previous-frame", previous->frame, "previous-result", previous->result,
                   "consistency", previous->consistency, NULL);
  gegl_node_link (src, op);
  if (style)
    {
      GeglNode *aux = gegl_node_new_child (graph, "operation", "gegl:buffer-source", "buffer", style, NULL);

      gegl_node_connect_to (aux, "output", op, "aux");
    }

  result = gegl_buffer_new (GEGL_RECTANGLE (0, 0, extent.width, extent.height), babl_format ("R'G'B'A float"));
  g_signal_connect (op, "progress", G_CALLBACK (on_progress), &p);
  gegl_node_blit_buffer (op, result, &extent, 0, GEGL_ABYSS_NONE);
  g_object_unref (graph);

  /* A failed op passed its input through: never hand that on as a result. */
  if (report.error || (cancel && g_atomic_int_get (cancel)))
    {
      if (report.error && !g_error_matches (report.error, IMPASTO_OP_ERROR, IMPASTO_OP_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&report.error));
      g_clear_error (&report.error);
      g_object_unref (result);
      return NULL;
    }
  return result;
}
