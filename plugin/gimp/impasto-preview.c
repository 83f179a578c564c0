#include "impasto-config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "impasto-preview.h"
#include "impasto-preview-worker.h"
#include "impasto-render.h"

#define PREVIEW_SIZE      256   /* longest side of the preview, pixels */
#define STYLE_SIZE        512   /* longest side of a style layer for the preview */
#define DRAFT_ITERATIONS  40

struct _ImpastoPreview
{
  GeglBuffer           *content;       /* reduced copy of the layer, in memory */
  GtkWidget            *box, *area, *bar, *toggle;
  ImpastoPreviewWorker *worker;
  gint32                style_id;      /* layer of the cached style copy */
  GeglBuffer           *style;
  GeglBuffer           *shown;         /* what the area shows (content or a result) */
  ImpastoSettings       last;
  gint                  permille;      /* progress, written by the worker */
  gint64                started;       /* when the current render began */
  guint                 timer;
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

static void
draw (ImpastoPreview *p)
{
  const GeglRectangle *r = gegl_buffer_get_extent (p->shown);
  guchar              *rgba = g_new (guchar, (gsize) r->width * r->height * 4);

  gegl_buffer_get (p->shown, r, 1.0, babl_format ("R'G'B'A u8"), rgba, GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  gimp_preview_area_draw (GIMP_PREVIEW_AREA (p->area), 0, 0, r->width, r->height, GIMP_RGBA_IMAGE, rgba, r->width * 4);
  g_free (rgba);
}

static void
show (ImpastoPreview *p, GeglBuffer *buffer)
{
  g_object_ref (buffer);
  g_clear_object (&p->shown);
  p->shown = buffer;
  draw (p);
}

/* GimpPreviewArea keeps its pixels only once it has a size: draw again then. */
static void
area_allocated (GtkWidget *area, GtkAllocation *allocation, ImpastoPreview *p)
{
  if (p->shown)
    draw (p);
}

static void
say (ImpastoPreview *p, const gchar *text)
{
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (p->bar), 0.0);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (p->bar), text);
  gimp_help_set_help_data (p->bar, text, NULL);
}

void
impasto_preview_settings (const ImpastoSettings *s, gint preview_size, ImpastoSettings *draft)
{
  *draft = *s;
  draft->iterations = MIN (s->iterations, DRAFT_ITERATIONS);
  draft->size       = MAX (16, MIN (s->size, preview_size));
  draft->tile_size  = 0;
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

/* Main loop. */
static void
done (gpointer result, const GError *error, gpointer data)
{
  ImpastoPreview *p = data;

  if (result)
    {
      show (p, result);
      gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (p->bar), 1.0);
      gtk_progress_bar_set_text (GTK_PROGRESS_BAR (p->bar),
                                 p->last.method == IMPASTO_METHOD_GATYS ? _("Preview (Draft quality)") : _("Preview"));
    }
  else if (error)
    {
      show (p, p->content);
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

void
impasto_preview_update (ImpastoPreview *p, const ImpastoSettings *s)
{
  ImpastoSettings draft;
  Inputs         *in;

  p->last = *s;
  if (!gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (p->toggle)))
    return;
  if (s->method == IMPASTO_METHOD_GATYS && s->style_drawable <= 0 && !s->style_files[0])
    {
      impasto_preview_worker_cancel (p->worker);
      show (p, p->content);
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
  impasto_preview_settings (s, PREVIEW_SIZE, &draft);
  in = g_new0 (Inputs, 1);
  in->content = g_object_ref (p->content);
  in->style   = p->style ? g_object_ref (p->style) : NULL;
  g_atomic_int_set (&p->permille, 0);
  p->started = g_get_monotonic_time ();
  impasto_preview_worker_submit (p->worker, &draft, in, inputs_free);
  gimp_help_set_help_data (p->bar, NULL, NULL);
  if (!p->timer)
    p->timer = g_timeout_add (150, tick, p);
  tick (p);
}

static void
toggled (GtkToggleButton *button, ImpastoPreview *p)
{
  if (gtk_toggle_button_get_active (button))
    {
      impasto_preview_update (p, &p->last);
    }
  else
    {
      impasto_preview_worker_cancel (p->worker);
      show (p, p->content);
      say (p, _("Preview off: the original"));
    }
}

ImpastoPreview *
impasto_preview_new (gint32 drawable)
{
  ImpastoPreview      *p = g_new0 (ImpastoPreview, 1);
  const GeglRectangle *r;

  p->content = reduced_copy (drawable, PREVIEW_SIZE);
  r = gegl_buffer_get_extent (p->content);
  p->box = gtk_vbox_new (FALSE, 6);
  p->area = gimp_preview_area_new ();
  gtk_widget_set_size_request (p->area, r->width, r->height);
  gtk_box_pack_start (GTK_BOX (p->box), p->area, FALSE, FALSE, 0);
  p->bar = gtk_progress_bar_new ();
  gtk_progress_bar_set_ellipsize (GTK_PROGRESS_BAR (p->bar), PANGO_ELLIPSIZE_END);
  gtk_widget_set_size_request (p->bar, r->width, -1);
  gtk_box_pack_start (GTK_BOX (p->box), p->bar, FALSE, FALSE, 0);
  p->toggle = gtk_check_button_new_with_mnemonic (_("Previe_w"));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (p->toggle), TRUE);
  gimp_help_set_help_data (p->toggle, _("Show the result on a reduced copy of the layer while you change settings; "
                                        "the optimisation previews at Draft quality"), NULL);
  g_signal_connect (p->toggle, "toggled", G_CALLBACK (toggled), p);
  gtk_box_pack_start (GTK_BOX (p->box), p->toggle, FALSE, FALSE, 0);
  g_signal_connect_after (p->area, "size-allocate", G_CALLBACK (area_allocated), p);
  gtk_widget_show_all (p->box);
  show (p, p->content);
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
  impasto_preview_worker_free (p->worker);
  if (p->timer)
    g_source_remove (p->timer);
  g_clear_object (&p->content);
  g_clear_object (&p->style);
  g_clear_object (&p->shown);
  g_free (p);
}
