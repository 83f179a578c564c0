#include "impasto-config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "impasto-parameters.h"
#include "impasto-settings.h"

#define IMPASTO_SETTINGS_ERROR (g_quark_from_static_string ("impasto-settings-error"))

void
impasto_quality_values (ImpastoQuality quality, gint *iterations, gint *size, gboolean *full_resolution)
{
  /* Draft stops at the processing size: the quick look, enlarged. */
  static const gint values[][3] = { { 60, 256, FALSE }, { 150, 384, TRUE }, { 300, 512, TRUE } };

  if (quality > IMPASTO_QUALITY_FINE)
    return;
  *iterations      = values[quality][0];
  *size            = values[quality][1];
  *full_resolution = values[quality][2];
}

ImpastoQuality
impasto_quality_of (gint iterations, gint size, gboolean full_resolution)
{
  ImpastoQuality q;

  for (q = IMPASTO_QUALITY_DRAFT; q <= IMPASTO_QUALITY_FINE; q++)
    {
      gint     it, sz;
      gboolean full;

      impasto_quality_values (q, &it, &sz, &full);
      if (it == iterations && sz == size && !full == !full_resolution)
        return q;
    }
  return IMPASTO_QUALITY_CUSTOM;
}

void
impasto_settings_draft (const ImpastoSettings *s, gint preview_size, ImpastoSettings *draft)
{
  gint     iterations, size;
  gboolean full;

  impasto_quality_values (IMPASTO_QUALITY_DRAFT, &iterations, &size, &full);
  *draft = *s;
  draft->iterations = MIN (s->iterations, iterations);
  draft->size       = MAX (16, MIN (s->size, preview_size));
  /* The preview is no larger than the processing size: nothing to refine. */
  draft->full_resolution = FALSE;
  draft->tile_size  = 0;
}

void
impasto_settings_init (ImpastoSettings *s)
{
  const ImpastoParameter *p;
  guint                   n, i;

  memset (s, 0, sizeof (*s));
  for (p = impasto_parameters (&n), i = 0; i < n; i++)
    {
      if (p[i].size)
        impasto_parameter_set_text (&p[i], s, p[i].default_text);
      else
        impasto_parameter_set (&p[i], s, p[i].default_value);
    }
  s->style_drawable = -1;
}

static gboolean
check_range (const ImpastoParameter *p, gdouble value, GError **error)
{
  if (value >= p->min && value <= p->max)
    return TRUE;
  if (p->type == IMPASTO_TYPE_DOUBLE)
    g_set_error (error, IMPASTO_SETTINGS_ERROR, 0, _("%s must be between %g and %g (got %g)."),
                 impasto_parameter_plain_label (p->label), p->min, p->max, value);
  else
    g_set_error (error, IMPASTO_SETTINGS_ERROR, 0, _("%s must be between %d and %d (got %d)."),
                 impasto_parameter_plain_label (p->label), (gint) p->min, (gint) p->max, (gint) value);
  return FALSE;
}

gboolean
impasto_settings_validate (const ImpastoSettings *s, GError **error)
{
  const ImpastoParameter *p;
  guint                   n, i;

  for (p = impasto_parameters (&n), i = 0; i < n; i++)
    if (!p[i].size && !check_range (&p[i], impasto_parameter_get (&p[i], s), error))
      return FALSE;
  if (s->method == IMPASTO_METHOD_MODEL && !s->model[0])
    {
      g_set_error_literal (error, IMPASTO_SETTINGS_ERROR, 0, _("Choose a style model."));
      return FALSE;
    }
  return TRUE;
}

/* key=value lines: numbers in the C locale, enumerations by nick, texts
 * escaped with g_strescape. */
gchar *
impasto_settings_serialize (const ImpastoSettings *s, const ImpastoLinks *links)
{
  GString                *out = g_string_new (NULL);
  gchar                   num[G_ASCII_DTOSTR_BUF_SIZE];
  const ImpastoParameter *p;
  guint                   n, i;
  gchar                  *esc;

  g_string_append_printf (out, IMPASTO_PARASITE_NAME " %d\n", IMPASTO_PARASITE_VERSION);
  g_string_append_printf (out, "impasto-version=%s\n", IMPASTO_VERSION);
  g_string_append_printf (out, "source-tattoo=%u\n", links->source_tattoo);
  g_string_append_printf (out, "style-tattoo=%u\n", links->style_tattoo);
  esc = g_strescape (links->style_image, NULL);
  g_string_append_printf (out, "style-image=%s\n", esc);
  g_free (esc);
  for (p = impasto_parameters (&n), i = 0; i < n; i++)
    {
      gdouble v = impasto_parameter_get (&p[i], s);

      g_string_append_printf (out, "%s=", p[i].key);
      switch (p[i].type)
        {
        case IMPASTO_TYPE_DOUBLE:
          g_string_append (out, g_ascii_dtostr (num, sizeof num, v));
          break;
        case IMPASTO_TYPE_INT:
        case IMPASTO_TYPE_BOOL:
          g_string_append_printf (out, "%d", (gint) v);
          break;
        case IMPASTO_TYPE_ENUM:
          g_string_append (out, p[i].values[CLAMP ((gint) v, 0, p[i].n_values - 1)].nick);
          break;
        case IMPASTO_TYPE_STRING:
        case IMPASTO_TYPE_PATH:
          esc = g_strescape (impasto_parameter_get_text (&p[i], s), NULL);
          g_string_append (out, esc);
          g_free (esc);
          break;
        }
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

static gboolean
parse_double (const gchar *value, gdouble *out)
{
  gchar *end = NULL;

  *out = g_ascii_strtod (value, &end);
  return end != value && *end == '\0';
}

static gboolean
parse_int (const gchar *value, gint64 min, gint64 max, gint64 *out)
{
  return g_ascii_string_to_signed (value, 10, min, max, out, NULL);
}

static gboolean
copy_string (const gchar *escaped, gchar *dest, gsize size)
{
  gchar   *raw = g_strcompress (escaped);
  gboolean ok  = strlen (raw) < size;

  if (ok)
    {
      /* Nothing of an earlier value (a key given twice) may linger after
       * the terminator: the struct is compared byte for byte. */
      memset (dest, 0, size);
      g_strlcpy (dest, raw, size);
    }
  g_free (raw);
  return ok;
}

/* One stored value into its field. Enumerations are read by nick, or by
 * number as format 1 stored most of them. */
static gboolean
parse_value (const ImpastoParameter *p, const gchar *value, ImpastoSettings *s)
{
  gdouble d;
  gint64  v;
  gchar  *raw;
  gboolean ok;

  switch (p->type)
    {
    case IMPASTO_TYPE_DOUBLE:
      ok = parse_double (value, &d);
      break;
    case IMPASTO_TYPE_INT:
    case IMPASTO_TYPE_BOOL:
      ok = parse_int (value, G_MININT, G_MAXINT, &v);
      d = v;
      break;
    case IMPASTO_TYPE_ENUM:
      d = impasto_parameter_enum_index (p, value);
      ok = d >= 0 || (parse_int (value, G_MININT, G_MAXINT, &v) && ((d = v), TRUE));
      break;
    default:
      raw = g_strcompress (value);
      ok  = impasto_parameter_set_text (p, s, raw);
      g_free (raw);
      return ok;
    }
  if (ok)
    impasto_parameter_set (p, s, d);
  return ok;
}

gboolean
impasto_settings_parse (const gchar     *text,
                        gsize            length,
                        ImpastoSettings *s,
                        ImpastoLinks    *links,
                        GError         **error)
{
  gchar   *copy = g_strndup (text, length);
  gchar  **lines = g_strsplit (copy, "\n", -1);
  gint64   version = 0, v;
  gboolean ok = TRUE;
  gint     i;

  memset (links, 0, sizeof (*links));
  if (!lines[0] || !g_str_has_prefix (lines[0], IMPASTO_PARASITE_NAME " ") ||
      !parse_int (lines[0] + strlen (IMPASTO_PARASITE_NAME " "), 1, G_MAXINT, &version))
    {
      g_set_error_literal (error, IMPASTO_SETTINGS_ERROR, 0,
                           _("The Impasto settings stored on this layer are damaged."));
      ok = FALSE;
    }
  else if (version > IMPASTO_PARASITE_VERSION)
    {
      g_set_error (error, IMPASTO_SETTINGS_ERROR, 0,
                   _("This layer was made by a newer Impasto (settings format %d); update Impasto to re-render it."),
                   (gint) version);
      ok = FALSE;
    }

  for (i = 1; ok && lines[i]; i++)
    {
      gchar                  *eq = strchr (lines[i], '=');
      const ImpastoParameter *p;
      const gchar            *key, *value;

      if (!eq)
        continue;
      *eq = '\0';
      key = lines[i];
      value = eq + 1;

      if (!strcmp (key, "source-tattoo"))
        ok = parse_int (value, 0, G_MAXUINT32, &v) && ((links->source_tattoo = (guint) v), TRUE);
      else if (!strcmp (key, "style-tattoo"))
        ok = parse_int (value, 0, G_MAXUINT32, &v) && ((links->style_tattoo = (guint) v), TRUE);
      else if (!strcmp (key, "style-image"))
        ok = copy_string (value, links->style_image, sizeof links->style_image);
      else if ((p = impasto_parameter_find (key)))
        ok = parse_value (p, value, s);
      if (!ok)
        g_set_error (error, IMPASTO_SETTINGS_ERROR, 0,
                     _("The Impasto settings stored on this layer are damaged (%s)."), key);
    }
  /* Values that parse but are out of range are damage too. */
  if (ok && !impasto_settings_validate (s, error))
    ok = FALSE;

  g_strfreev (lines);
  g_free (copy);
  return ok;
}
