#include "impasto-config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "impasto-preview.h"
#include "impasto-preview-worker.h"
#include "impasto-render.h"

#define STYLE_SIZE        512   /* longest side of a style layer for the preview */
#define PREVIEW_SIZE      400   /* the preview's longer side at the dialog's default size */

struct _ImpastoPreview
{
  GtkWidget            *box, *zoom, *bar, *original;
  gint32                drawable;
  guchar               *shown;         /* the last result, to show again after "Original" */
  gint                  shown_stride;
  gint                  bpp;           /* of the drawable, as the zoom preview shows it */
  gboolean              ready;         /* settings arrived: renders may start */
  ImpastoPreviewWorker *worker;
  gint32                style_id;      /* layer of the cached style copy */
  GeglBuffer           *style;
  ImpastoSettings       last;
  gint                  permille;      /* progress, written by the worker */
  gint64                started;       /* when the current render began */
  guint                 timer;
  guint                 fit_source;    /* fit_to_room, pending */
};

typedef struct
{
  GeglBuffer *content;
  GeglBuffer *style;
} Inputs;

static void
inputs_free (gpointer data)
{
  Inputs *in = data;

  g_clear_object (&in->content);
  g_clear_object (&in->style);
  g_free (in);
}

/* A reduced in-memory copy of a drawable (GIMP's tiles may only be read
 * from the main thread). */
static GeglBuffer *
reduced_copy (gint32 drawable, gint max_side)
{
  GeglBuffer   *source = gimp_drawable_get_buffer (drawable);
  GeglRectangle extent = *gegl_buffer_get_extent (source);
  gdouble       scale = MIN (1.0, (gdouble) max_side / MAX (extent.width, extent.height));
  GeglRectangle small = { 0, 0, MAX (1, (gint) (extent.width * scale)), MAX (1, (gint) (extent.height * scale)) };
  const Babl   *format = babl_format ("R'G'B'A float");
  GeglBuffer   *copy = gegl_buffer_new (&small, format);
  gfloat       *pixels = g_new (gfloat, (gsize) small.width * small.height * 4);

  gegl_buffer_get (source, &small, scale, format, pixels, GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_CLAMP);
  gegl_buffer_set (copy, &small, 0, format, pixels, GEGL_AUTO_ROWSTRIDE);
  g_free (pixels);
  g_object_unref (source);
  return copy;
}

/* The zoom preview's pixel format: what gimp_zoom_preview_get_source gives
 * and gimp_preview_draw_buffer takes. */
static const Babl *
format_for_bpp (gint bpp)
{
  switch (bpp)
    {
    case 1:  return babl_format ("Y' u8");
    case 2:  return babl_format ("Y'A u8");
    case 3:  return babl_format ("R'G'B' u8");
    default: return babl_format ("R'G'B'A u8");
    }
}

static void
say (ImpastoPreview *p, const gchar *text)
{
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (p->bar), 0.0);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (p->bar), text);
  gimp_help_set_help_data (p->bar, text, NULL);
}

/* Worker thread. */
static void
on_render_progress (gdouble fraction, const gchar *text, gpointer data)
{
  ImpastoPreview *p = data;

  if (fraction >= 0.0)
    g_atomic_int_set (&p->permille, (gint) (fraction * 1000));
}

static gpointer
render (const ImpastoSettings *settings, gpointer inputs, gint *cancel, GError **error, gpointer data)
{
  Inputs *in = inputs;

  return impasto_render_buffers (in->content, in->style, settings, cancel, on_render_progress, data, error);
}

/* Large by default and growing with the dialog (fit_to_room). After GimpZoomPreview's own style-set, which asks for
 * GIMP's small default preview size. */
static void
size_preview (GtkWidget *zoom, GtkStyle *previous, ImpastoPreview *p)
{
  gint    w = gimp_drawable_width (p->drawable), h = gimp_drawable_height (p->drawable);
  gdouble f = MIN (1.0, (gdouble) PREVIEW_SIZE / MAX (w, h));

  gtk_widget_set_size_request (GIMP_PREVIEW (zoom)->area, MAX (PREVIEW_SIZE / 2, (gint) (w * f)),
                               MAX (PREVIEW_SIZE / 2, (gint) (h * f)));
}

/* The part of the layer GimpZoomPreview shows at zoom 1: the selection's
 * bounds, or the whole layer. */
static void
shown_extents (ImpastoPreview *p, gint *width, gint *height)
{
  gint x, y;

  if (!gimp_drawable_mask_intersect (p->drawable, &x, &y, width, height))
    {
      *width  = gimp_drawable_width (p->drawable);
      *height = gimp_drawable_height (p->drawable);
    }
}

/* GimpZoomPreview sizes zoom 1 to at most 512 pixels on the long side
 * (its bounds), whatever room the preview has: at the dialog's default
 * size it showed part of the picture, in an enlarged dialog a small
 * picture in the middle. The bounds follow the room instead, so zoom 1
 * is always the whole picture filling the preview. */
static gboolean
fit_to_room (gpointer data)
{
  ImpastoPreview      *p = data;
  GimpPreview         *preview = GIMP_PREVIEW (p->zoom);
  GimpScrolledPreview *scrolled = GIMP_SCROLLED_PREVIEW (p->zoom);
  GtkAllocation        room;
  GtkRequisition       bar;
  gint                 w, h, bw, bh;
  gdouble              s;

  p->fit_source = 0;
  shown_extents (p, &w, &h);
  gtk_widget_get_allocation (preview->table, &room);
  gtk_widget_size_request (scrolled->vscr, &bar);
  room.width -= bar.width + 4;  /* the scroll bar and the frame's border */
  gtk_widget_size_request (scrolled->hscr, &bar);
  room.height -= bar.height + 4;
  if (room.width < 16 || room.height < 16)
    return G_SOURCE_REMOVE;
  s  = MIN ((gdouble) room.width / w, (gdouble) room.height / h);
  bw = MAX (1, (gint) (w * s));
  bh = MAX (1, (gint) (h * s));
  if (bw != preview->xmax - preview->xmin || bh != preview->ymax - preview->ymin)
    {
      gimp_preview_set_bounds (preview, 0, 0, bw, bh);
      /* The preview takes its size from the bounds only when allocated. */
      gtk_widget_queue_resize (preview->area);
    }
  return G_SOURCE_REMOVE;
}

/* After the allocation: new bounds allocate again. */
static void
room_allocated (GtkWidget *table, GtkAllocation *allocation, ImpastoPreview *p)
{
  if (!p->fit_source)
    p->fit_source = g_idle_add (fit_to_room, p);
}

/* The scale at which the preview shows the layer (preview pixels per
 * layer pixel): zoom 1 fits the shown part into the preview's size. */
static gdouble
display_scale (ImpastoPreview *p)
{
  GimpPreview *preview = GIMP_PREVIEW (p->zoom);
  gint         w, h;

  shown_extents (p, &w, &h);
  return gimp_zoom_preview_get_factor (GIMP_ZOOM_PREVIEW (p->zoom)) *
         MIN ((gdouble) preview->width / w, (gdouble) preview->height / h);
}

/* Draws the last result, or the original while "Original" is pressed. */
static void
show (ImpastoPreview *p)
{
  if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (p->original)) || !p->shown)
    gimp_preview_draw (GIMP_PREVIEW (p->zoom));
  else
    gimp_preview_draw_buffer (GIMP_PREVIEW (p->zoom), p->shown, p->shown_stride);
}

static void
original_toggled (GtkToggleButton *button, ImpastoPreview *p)
{
  show (p);
}

/* Main loop. */
static void
done (gpointer result, const GError *error, gpointer data)
{
  ImpastoPreview *p = data;

  if (result)
    {
      GeglBuffer          *buffer = result;
      const GeglRectangle *r = gegl_buffer_get_extent (buffer);
      guchar              *pixels = g_new (guchar, (gsize) r->width * r->height * p->bpp);

      gegl_buffer_get (buffer, r, 1.0, format_for_bpp (p->bpp), pixels, GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
      g_free (p->shown);
      p->shown        = pixels;
      p->shown_stride = r->width * p->bpp;
      show (p);
      gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (p->bar), 1.0);
      gtk_progress_bar_set_text (GTK_PROGRESS_BAR (p->bar),
                                 p->last.method == IMPASTO_METHOD_GATYS ? _("Preview (Draft quality)") : _("Preview"));
      gimp_help_set_help_data (p->bar, NULL, NULL);
    }
  else if (error)
    {
      gimp_preview_draw (GIMP_PREVIEW (p->zoom));  /* the original */
      say (p, error->message);
    }
}

static gboolean
tick (gpointer data)
{
  ImpastoPreview *p = data;
  gdouble         fraction = g_atomic_int_get (&p->permille) / 1000.0;
  gdouble         elapsed = (g_get_monotonic_time () - p->started) / 1e6;
  gchar          *text;

  if (!impasto_preview_worker_busy (p->worker))
    {
      p->timer = 0;
      return G_SOURCE_REMOVE;
    }
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (p->bar), fraction);
  if (fraction > 0.02 && elapsed > 0.5)
    text = g_strdup_printf (_("Rendering the preview: %d %%, about %d s left"),
                            (gint) (fraction * 100), (gint) (elapsed * (1.0 - fraction) / fraction + 0.5));
  else
    text = g_strdup (_("Rendering the preview…"));
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (p->bar), text);
  g_free (text);
  return G_SOURCE_CONTINUE;
}

/* The zoom preview shows a new region or zoom, or the settings changed:
 * render what it shows now. */
static void
invalidated (GimpPreview *preview, ImpastoPreview *p)
{
  const ImpastoSettings *s = &p->last;
  ImpastoSettings        draft;
  Inputs                *in;
  guchar                *source;
  gint                   width, height, bpp;
  gdouble                factor;
  GeglRectangle          rect;

  if (!p->ready)
    return;
  g_clear_pointer (&p->shown, g_free);  /* another region, zoom or setting */
  if (s->method == IMPASTO_METHOD_GATYS && s->style_drawable <= 0 && !s->style_path[0])
    {
      impasto_preview_worker_cancel (p->worker);
      say (p, _("Choose a style layer or file to see the preview"));
      return;
    }
  if (s->style_drawable != p->style_id)
    {
      g_clear_object (&p->style);
      p->style_id = s->style_drawable;
      if (s->style_drawable > 0 && gimp_item_is_valid (s->style_drawable))
        p->style = reduced_copy (s->style_drawable, STYLE_SIZE);
    }
  source = gimp_zoom_preview_get_source (GIMP_ZOOM_PREVIEW (p->zoom), &width, &height, &bpp);
  if (!source)
    return;
  p->bpp = bpp;
  rect = (GeglRectangle) { 0, 0, width, height };
  in = g_new0 (Inputs, 1);
  in->content = gegl_buffer_new (&rect, babl_format ("R'G'B'A float"));
  gegl_buffer_set (in->content, &rect, 0, format_for_bpp (bpp), source, GEGL_AUTO_ROWSTRIDE);
  g_free (source);
  in->style = p->style ? g_object_ref (p->style) : NULL;

  impasto_settings_draft (s, MAX (width, height), &draft);
  /* A pretrained model paints strokes of a fixed size in pixels: at a zoom
   * below 1 the preview sees a reduced picture, so enlarge it back (up to
   * the model's limit) to show the strokes as the final render will.
   */
  factor = display_scale (p);
  if (s->method == IMPASTO_METHOD_MODEL && factor > 0.0)
    draft.scale = CLAMP (s->scale / factor, 0.05, 4.0);

  g_atomic_int_set (&p->permille, 0);
  p->started = g_get_monotonic_time ();
  impasto_preview_worker_submit (p->worker, &draft, in, inputs_free);
  gimp_help_set_help_data (p->bar, NULL, NULL);
  if (!p->timer)
    p->timer = g_timeout_add (150, tick, p);
  tick (p);
}

void
impasto_preview_update (ImpastoPreview *p, const ImpastoSettings *s)
{
  p->last  = *s;
  p->ready = TRUE;
  gimp_preview_invalidate (GIMP_PREVIEW (p->zoom));
}

/* The zoom preview's own Preview check box: off stops the render. */
static void
update_toggled (GimpPreview *preview, GParamSpec *pspec, ImpastoPreview *p)
{
  if (!gimp_preview_get_update (preview))
    {
      impasto_preview_worker_cancel (p->worker);
      say (p, _("Preview off: the original"));
    }
}

ImpastoPreview *
impasto_preview_new (gint32 drawable)
{
  ImpastoPreview *p = g_new0 (ImpastoPreview, 1);
  GtkWidget      *hbox;

  p->bpp = gimp_drawable_bpp (drawable);
  p->box = gtk_vbox_new (FALSE, 6);
  p->zoom = gimp_zoom_preview_new_from_drawable_id (drawable);
  gimp_help_set_help_data (GIMP_PREVIEW (p->zoom)->toggle,
                           _("Show the result while you change settings; zoom in to see it at full size. "
                             "The optimisation previews at Draft quality"), NULL);
  p->drawable = drawable;
  g_signal_connect_after (p->zoom, "style-set", G_CALLBACK (size_preview), p);
  g_signal_connect_after (GIMP_PREVIEW (p->zoom)->table, "size-allocate", G_CALLBACK (room_allocated), p);
  gtk_box_pack_start (GTK_BOX (p->box), p->zoom, TRUE, TRUE, 0);
  hbox = gtk_hbox_new (FALSE, 6);
  p->bar = gtk_progress_bar_new ();
  gtk_progress_bar_set_ellipsize (GTK_PROGRESS_BAR (p->bar), PANGO_ELLIPSIZE_END);
  gtk_box_pack_start (GTK_BOX (hbox), p->bar, TRUE, TRUE, 0);
  p->original = gtk_toggle_button_new_with_mnemonic (_("Ori_ginal"));
  gimp_help_set_help_data (p->original, _("Press to compare: shows your picture as it is, without the style"), NULL);
  g_signal_connect (p->original, "toggled", G_CALLBACK (original_toggled), p);
  gtk_box_pack_start (GTK_BOX (hbox), p->original, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (p->box), hbox, FALSE, FALSE, 0);
  g_signal_connect (p->zoom, "invalidated", G_CALLBACK (invalidated), p);
  g_signal_connect (p->zoom, "notify::update", G_CALLBACK (update_toggled), p);
  gtk_widget_show_all (p->box);
  p->worker = impasto_preview_worker_new (render, done, g_object_unref, p);
  return p;
}

GtkWidget *
impasto_preview_widget (ImpastoPreview *p)
{
  return p->box;
}

void
impasto_preview_free (ImpastoPreview *p)
{
  if (p->fit_source)
    g_source_remove (p->fit_source);
  impasto_preview_worker_free (p->worker);
  if (p->timer)
    g_source_remove (p->timer);
  g_clear_object (&p->style);
  g_free (p->shown);
  g_free (p);
}
