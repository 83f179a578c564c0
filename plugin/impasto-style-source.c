#include "impasto-config.h"

#include <math.h>
#include <stdlib.h>
#include <glib/gi18n-lib.h>

#include "impasto-style-file.h"
#include "impasto-style-source.h"

struct _ImpastoStyleSet
{
  GArray *images;   /* ImpastoStyleImage, rgba owned */
  gint    max_side;
};

static gboolean
add_buffer (ImpastoStyleSet *set, GeglBuffer *buffer, const gchar *what, GError **error)
{
  const GeglRectangle *extent = gegl_buffer_get_extent (buffer);
  ImpastoStyleImage    image  = { 0 };
  GeglRectangle        read;
  gdouble              scale;
  gfloat              *pixels;

  if (extent->width <= 0 || extent->height <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The style image %s is empty."), what);
      return FALSE;
    }
  /* gegl_buffer_get's scale reads a reduced copy straight from the buffer;
   * its rectangle is in scaled coordinates. */
  scale = MIN (1.0, (gdouble) set->max_side / MAX (extent->width, extent->height));
  read.x      = (gint) floor (extent->x * scale);
  read.y      = (gint) floor (extent->y * scale);
  read.width  = MAX (1, (gint) floor (extent->width * scale));
  read.height = MAX (1, (gint) floor (extent->height * scale));
  pixels = g_try_malloc ((gsize) read.width * read.height * 4 * sizeof (gfloat));
  if (!pixels)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   _("Not enough memory to read the style image %s."), what);
      return FALSE;
    }
  gegl_buffer_get (buffer, &read, scale, babl_format ("R'G'B'A float"),
                   pixels, GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_CLAMP);
  image.rgba   = pixels;
  image.width  = read.width;
  image.height = read.height;
  image.weight = 1.0;
  g_array_append_val (set->images, image);
  return TRUE;
}

static gboolean
add_file (ImpastoStyleSet *set, const gchar *path, GError **error)
{
  ImpastoStyleImage image = { 0 };

  /* Not gegl:load: see impasto-style-file.h. */
  image.rgba = impasto_style_file_read (path, set->max_side, &image.width, &image.height, error);
  if (!image.rgba)
    return FALSE;
  image.weight = 1.0;
  g_array_append_val (set->images, image);
  return TRUE;
}

static gboolean
apply_weights (ImpastoStyleSet *set, const gchar *weights, GError **error)
{
  gchar  **items;
  guint    n, i;
  gboolean ok = TRUE;

  if (!weights || !*weights)
    return TRUE;
  items = g_strsplit (weights, ",", -1);
  n = g_strv_length (items);
  if (n != set->images->len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%u style blend weights were given for %u style images."), n, set->images->len);
      ok = FALSE;
    }
  for (i = 0; ok && i < n; i++)
    {
      gchar  *end = NULL;
      gdouble w   = g_ascii_strtod (g_strstrip (items[i]), &end);

      if (end == items[i] || *end != '\0' || !(w >= 0.0) || w > 1e6)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("The style blend weight \"%s\" is not a number between 0 and 1000000."), items[i]);
          ok = FALSE;
        }
      else
        {
          g_array_index (set->images, ImpastoStyleImage, i).weight = w;
        }
    }
  g_strfreev (items);
  return ok;
}

ImpastoStyleSet *
impasto_style_set_new (GeglBuffer  *aux,
                       const gchar *paths,
                       const gchar *weights,
                       gint         max_side,
                       GError     **error)
{
  ImpastoStyleSet *set = g_new0 (ImpastoStyleSet, 1);
  gboolean         ok  = TRUE;

  set->images   = g_array_new (FALSE, TRUE, sizeof (ImpastoStyleImage));
  set->max_side = MAX (16, max_side);

  if (aux && gegl_buffer_get_extent (aux)->width > 0 && gegl_buffer_get_extent (aux)->height > 0)
    ok = add_buffer (set, aux, _("on the aux input"), error);

  if (ok && paths && *paths)
    {
      gchar **files = g_strsplit (paths, G_SEARCHPATH_SEPARATOR_S, -1);
      gint    i;

      for (i = 0; ok && files[i]; i++)
        if (*files[i])
          ok = add_file (set, files[i], error);
      g_strfreev (files);
    }

  if (ok && set->images->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("No style image: connect one to the aux input or set style-path."));
      ok = FALSE;
    }
  if (ok)
    ok = apply_weights (set, weights, error);
  if (!ok)
    {
      impasto_style_set_free (set);
      return NULL;
    }
  return set;
}

const ImpastoStyleImage *
impasto_style_set_images (ImpastoStyleSet *set)
{
  return (const ImpastoStyleImage *) set->images->data;
}

gint
impasto_style_set_count (ImpastoStyleSet *set)
{
  return (gint) set->images->len;
}

void
impasto_style_set_free (ImpastoStyleSet *set)
{
  guint i;

  if (!set)
    return;
  for (i = 0; i < set->images->len; i++)
    g_free ((gpointer) g_array_index (set->images, ImpastoStyleImage, i).rgba);
  g_array_free (set->images, TRUE);
  g_free (set);
}
