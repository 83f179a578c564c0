#include "impasto-config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "impasto-models.h"
#include "impasto-parameters.h"
#include "impasto-render.h"
#include "impasto-core-loader.h"

#define IMPASTO_RENDER_ERROR (g_quark_from_static_string ("impasto-render-error"))

/* Progress in GIMP's status bar, with the time left once the pace is
 * known (a full-resolution run on a large photo takes minutes). The pace
 * is taken from the first report on: loading LibTorch and the network
 * before it says nothing about the rest. */
typedef struct
{
  gint    frame, frames;  /* of an animation: this frame's share of the bar */
  GTimer *timer;
  gdouble last_text;   /* seconds at the last text update */
  gchar  *stage;       /* what the operation said it is doing, or NULL */
  gdouble first_time;  /* seconds and fraction at the first report, once it came */
  gdouble first_fraction;
  gboolean started;
} GimpProgress;

static void
report_to_gimp (gdouble fraction, const gchar *text, gpointer data)
{
  GimpProgress *p = data;
  gdouble       elapsed = g_timer_elapsed (p->timer, NULL);
  gdouble       done, spent;

  if (text && p->frames > 1)
    {
      g_free (p->stage);
      p->stage = g_strdup_printf (_("Frame %d of %d: %s"), p->frame + 1, p->frames, text);
      gimp_progress_set_text (p->stage);
      return;
    }
  if (text)
    {
      g_free (p->stage);
      p->stage = g_strdup (text);
      gimp_progress_set_text (text);
      return;
    }
  if (p->frames > 1)
    fraction = (p->frame + fraction) / p->frames;
  gimp_progress_update (fraction);
  if (!p->started)
    {
      p->started        = TRUE;
      p->first_time     = elapsed;
      p->first_fraction = fraction;
      return;
    }
  done  = fraction - p->first_fraction;
  spent = elapsed - p->first_time;
  if (done > 0.02 && fraction < 1.0 && spent > 3.0 && elapsed - p->last_text >= 1.0)
    {
      gint         left = (gint) (spent * (1.0 - fraction) / done + 0.5);
      const gchar *doing = p->stage ? p->stage : _("Style transfer");
      gchar       *message = left >= 90 ? g_strdup_printf (_("%s: about %d min left"), doing, (left + 30) / 60)
                                        : g_strdup_printf (_("%s: about %d s left"), doing, MAX (1, left));

      gimp_progress_set_text (message);
      g_free (message);
      p->last_text = elapsed;
    }
}

/* Refuses a job too large for memory before the graph runs: a refused op
 * passes its input through, and copying a layer too large for memory into
 * the result would be the very cost being refused. */
static void
gatys_params_for (const ImpastoCore *core, const ImpastoSettings *s, ImpastoGatysParams *p)
{
  core->gatys_params_init (p);
  p->network           = impasto_parameter_find ("network")->values[s->network].nick;
  p->size              = s->size;
  p->iterations        = s->iterations;
  p->optimizer         = s->optimizer;
  p->style_scale       = s->style_scale;
  p->full_resolution   = s->full_resolution;
  p->refine_iterations = s->refine_iterations;
  p->threads           = s->threads;
}

gdouble
impasto_render_seconds (const ImpastoSettings *s, gint width, gint height)
{
  const ImpastoCore  *core = s->method == IMPASTO_METHOD_GATYS ? impasto_core_get (NULL) : NULL;
  ImpastoGatysParams  p;

  if (!core)
    return 0.0;
  gatys_params_for (core, s, &p);
  return core->gatys_seconds (&p, width, height);
}

static gboolean
fits_in_memory (gint width, gint height, const ImpastoSettings *s, gboolean frames, GError **error)
{
  const ImpastoCore *core = impasto_core_get (error);
  gdouble            bytes;
  /* Non-NULL: the core counts what following the motion adds. */
  const gfloat       one_pixel[4] = { 0 };
  const gfloat      *previous = frames ? one_pixel : NULL;

  if (!core)
    return FALSE;
  if (s->method == IMPASTO_METHOD_MODEL)
    {
      ImpastoFeedForwardParams p;

      core->feedforward_params_init (&p);
      p.model     = s->model;
      p.scale     = s->scale;
      p.tile_size = s->tile_size;
      p.previous_frame = p.previous_result = previous;
      bytes = core->feedforward_memory (&p, width, height, FALSE);
    }
  else
    {
      ImpastoGatysParams p;

      gatys_params_for (core, s, &p);
      p.previous_frame = p.previous_result = previous;
      bytes = core->gatys_memory (&p, width, height, NULL, 0, FALSE);
    }
  return impasto_core_check_memory (core, bytes, width, height, error);
}

GeglBuffer *
impasto_render (gint32 source, const ImpastoSettings *s, GError **error)
{
  GeglBuffer  *input, *style, *result;
  GimpProgress progress = { 0, 1, NULL, 0.0, NULL, 0.0, 0.0, FALSE };

  if (!fits_in_memory (gimp_drawable_width (source), gimp_drawable_height (source), s, FALSE, error))
    return NULL;
  input = gimp_drawable_get_buffer (source);
  style = s->style_drawable > 0 ? gimp_drawable_get_buffer (s->style_drawable) : NULL;
  progress.timer = g_timer_new ();
  result = impasto_render_buffers (input, style, s, NULL, report_to_gimp, &progress, error);
  g_timer_destroy (progress.timer);
  g_free (progress.stage);

  g_object_unref (input);
  g_clear_object (&style);
  return result;
}

GeglBuffer *
impasto_render_frame_buffer (GeglBuffer                 *input,
                             const ImpastoSettings      *s,
                             const ImpastoPreviousFrame *previous,
                             gint                        index,
                             gint                        count,
                             GError                    **error)
{
  const GeglRectangle *e = gegl_buffer_get_extent (input);
  GimpProgress         progress = { index, count, NULL, 0.0, NULL, 0.0, 0.0, FALSE };
  GeglBuffer          *style, *result;

  if (!fits_in_memory (e->width, e->height, s, TRUE, error))
    return NULL;
  progress.stage = g_strdup_printf (_("Frame %d of %d"), index + 1, count);
  gimp_progress_set_text (progress.stage);
  style = s->style_drawable > 0 ? gimp_drawable_get_buffer (s->style_drawable) : NULL;
  progress.timer = g_timer_new ();
  result = impasto_render_frame (input, style, s, previous, NULL, report_to_gimp, &progress, error);
  g_timer_destroy (progress.timer);
  g_free (progress.stage);
  g_clear_object (&style);
  return result;
}

static gboolean
write_pixels (gint32 drawable, GeglBuffer *result, gboolean shadow)
{
  GeglBuffer *dest = shadow ? gimp_drawable_get_shadow_buffer (drawable) : gimp_drawable_get_buffer (drawable);

  gegl_buffer_copy (result, NULL, GEGL_ABYSS_NONE, dest, NULL);
  g_object_unref (dest);  /* flushes the tiles to GIMP */
  if (shadow)
    gimp_drawable_merge_shadow (drawable, TRUE);
  return gimp_drawable_update (drawable, 0, 0, gimp_drawable_width (drawable), gimp_drawable_height (drawable));
}

/* Attached only while `layer` is not in an image: GIMP 2.10's
 * gimp_item_parasite_attach ends an undo group it never started when an
 * undoable parasite is attached to an attached item without an undo push,
 * which every Undo and Redo of such a step does ("group_count > 0"
 * CRITICAL). A parasite a layer already has when it is inserted simply
 * travels with the layer through Undo and Redo. */
static gboolean
store_settings (gint32 layer, const ImpastoSettings *s, const ImpastoLinks *links)
{
  gchar        *text = impasto_settings_serialize (s, links);
  GimpParasite *parasite = gimp_parasite_new (IMPASTO_PARASITE_NAME,
                                              GIMP_PARASITE_PERSISTENT | GIMP_PARASITE_UNDOABLE,
                                              strlen (text) + 1, text);
  gboolean      ok = gimp_item_attach_parasite (layer, parasite);

  gimp_parasite_free (parasite);
  g_free (text);
  return ok;
}

/* An installed model by the name its card gives ("The Great Wave
 * (Hokusai)"), not its folder name; a model given by path by its file. */
static gchar *
model_label (const gchar *model)
{
  GList *models = impasto_list_models (), *l;
  gchar *label  = NULL;

  for (l = models; l && !label; l = l->next)
    {
      const ImpastoModelInfo *m = l->data;

      if (!g_strcmp0 (m->name, model) || !g_strcmp0 (m->path, model))
        label = g_strdup (m->display_name);
    }
  impasto_model_list_free (models);
  return label ? label : g_path_get_basename (model);
}

static gchar *
style_label (const ImpastoSettings *s)
{
  gchar **files = g_strsplit (s->style_path, G_SEARCHPATH_SEPARATOR_S, -1);
  gint    n     = (s->style_drawable > 0) + (gint) g_strv_length (files);
  gchar  *label;

  if (s->method == IMPASTO_METHOD_MODEL)
    label = model_label (s->model);
  else if (n > 1)
    label = g_strdup_printf (_("%d styles"), n);
  else if (s->style_drawable > 0)
    {
      /* A lone layer ("Background") says less than its image's file name. */
      gint32  style_image = gimp_item_get_image (s->style_drawable);
      gint    n_layers    = 0;
      gchar  *file        = gimp_image_get_filename (style_image);

      g_free (gimp_image_get_layers (style_image, &n_layers));
      label = (file && n_layers == 1) ? g_path_get_basename (file) : gimp_item_get_name (s->style_drawable);
      g_free (file);
    }
  else
    label = g_path_get_basename (files[0]);
  g_strfreev (files);
  return label;
}

gint32
impasto_add_result_layer (gint32                 image,
                          gint32                 source,
                          GeglBuffer            *result,
                          const ImpastoSettings *s,
                          const ImpastoLinks    *links,
                          GError               **error)
{
  gchar  *source_name = gimp_item_get_name (source);
  gchar  *style       = style_label (s);
  gchar  *name        = g_strdup_printf (_("%s (Impasto: %s)"), source_name, style);
  gint    ox, oy;
  gint32  layer;

  gimp_drawable_offsets (source, &ox, &oy);
  gimp_image_undo_group_start (image);
  layer = gimp_layer_new (image, name, gimp_drawable_width (source), gimp_drawable_height (source),
                          gimp_drawable_type (source), 100.0, GIMP_LAYER_MODE_NORMAL);
  if (layer > 0 && store_settings (layer, s, links) &&
      gimp_image_insert_layer (image, layer, gimp_item_get_parent (source),
                               gimp_image_get_item_position (image, source)))
    {
      gimp_layer_set_offsets (layer, ox, oy);
      write_pixels (layer, result, FALSE);
      if (!gimp_selection_is_empty (image))
        gimp_layer_add_mask (layer, gimp_layer_create_mask (layer, GIMP_ADD_MASK_SELECTION));
    }
  else
    {
      g_set_error_literal (error, IMPASTO_RENDER_ERROR, 0, _("Could not add the result layer to the image."));
      layer = -1;
    }
  gimp_image_undo_group_end (image);

  g_free (name);
  g_free (style);
  g_free (source_name);
  return layer;
}

gint32
impasto_update_result_layer (gint32                 image,
                             gint32                 layer,
                             GeglBuffer            *result,
                             const ImpastoSettings *s,
                             const ImpastoLinks    *links,
                             GError               **error)
{
  const GeglRectangle *r = gegl_buffer_get_extent (result);
  gint32               copy;
  gint                 tattoo;
  gchar               *name;

  if (r->width != gimp_drawable_width (layer) || r->height != gimp_drawable_height (layer))
    {
      g_set_error_literal (error, IMPASTO_RENDER_ERROR, 0,
                           _("The source layer no longer has the size of the Impasto layer; run Impasto on it anew."));
      return -1;
    }
  /* A copy with the new settings takes the layer's place (see
   * store_settings): its mask, mode and opacity come along, and its name
   * and tattoo, so that links to the layer still find it. */
  tattoo = gimp_item_get_tattoo (layer);
  name   = gimp_item_get_name (layer);
  gimp_image_undo_group_start (image);
  copy = gimp_layer_copy (layer);
  if (copy > 0 && store_settings (copy, s, links) &&
      gimp_image_insert_layer (image, copy, gimp_item_get_parent (layer), gimp_image_get_item_position (image, layer)))
    {
      write_pixels (copy, result, FALSE);
      gimp_image_remove_layer (image, layer);
      /* Set once the layer is gone: names and tattoos are unique. */
      gimp_item_set_name (copy, name);
      gimp_item_set_tattoo (copy, tattoo);
    }
  else
    {
      g_set_error_literal (error, IMPASTO_RENDER_ERROR, 0, _("Could not add the result layer to the image."));
      copy = -1;
    }
  gimp_image_undo_group_end (image);
  g_free (name);
  return copy;
}

gboolean
impasto_read_layer_settings (gint32 layer, ImpastoSettings *s, ImpastoLinks *links, GError **error)
{
  GimpParasite *parasite = gimp_item_get_parasite (layer, IMPASTO_PARASITE_NAME);
  gboolean      ok;

  if (!parasite)
    return FALSE;
  impasto_settings_init (s);
  ok = impasto_settings_parse (gimp_parasite_data (parasite), gimp_parasite_data_size (parasite), s, links, error);
  gimp_parasite_free (parasite);
  return ok;
}

void
impasto_links_for (gint32 image, gint32 source, gint32 style_drawable, ImpastoLinks *links)
{
  memset (links, 0, sizeof (*links));
  links->source_tattoo = gimp_item_get_tattoo (source);
  if (style_drawable > 0 && gimp_item_is_valid (style_drawable))
    {
      gint32 style_image = gimp_item_get_image (style_drawable);

      links->style_tattoo = gimp_item_get_tattoo (style_drawable);
      if (style_image != image)
        {
          gchar *file = gimp_image_get_filename (style_image);

          if (file)
            g_strlcpy (links->style_image, file, sizeof (links->style_image));
          g_free (file);
        }
    }
}

static gint32
find_style_layer (gint32 image, const ImpastoLinks *links)
{
  gint   *images, n, i;
  gint32  found = -1;

  if (!links->style_image[0])
    return gimp_image_get_layer_by_tattoo (image, links->style_tattoo);
  images = gimp_image_list (&n);
  for (i = 0; i < n && found <= 0; i++)
    {
      gchar *file = gimp_image_get_filename (images[i]);

      if (file && !strcmp (file, links->style_image))
        found = gimp_image_get_layer_by_tattoo (images[i], links->style_tattoo);
      g_free (file);
    }
  g_free (images);
  return found;
}

gboolean
impasto_resolve_links (gint32 image, const ImpastoLinks *links, gint32 *source, gint32 *style_drawable,
                       GError **error)
{
  *source = links->source_tattoo ? gimp_image_get_layer_by_tattoo (image, links->source_tattoo) : -1;
  if (*source <= 0)
    {
      g_set_error_literal (error, IMPASTO_RENDER_ERROR, 0,
                           _("The layer this Impasto layer was made from no longer exists."));
      return FALSE;
    }
  *style_drawable = -1;
  if (links->style_tattoo)
    {
      *style_drawable = find_style_layer (image, links);
      if (*style_drawable <= 0)
        {
          if (links->style_image[0])
            g_set_error (error, IMPASTO_RENDER_ERROR, 0,
                         _("The style layer is not open: open \"%s\" or choose another style."), links->style_image);
          else
            g_set_error_literal (error, IMPASTO_RENDER_ERROR, 0, _("The style layer no longer exists."));
          return FALSE;
        }
    }
  return TRUE;
}
