#include "impasto-config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "impasto-settings.h"

#define IMPASTO_SETTINGS_ERROR (g_quark_from_static_string ("impasto-settings-error"))

#define DRAFT_ITERATIONS 40

void
impasto_settings_draft (const ImpastoSettings *s, gint preview_size, ImpastoSettings *draft)
{
  *draft = *s;
  draft->iterations = MIN (s->iterations, DRAFT_ITERATIONS);
  draft->size       = MAX (16, MIN (s->size, preview_size));
  /* The preview is no larger than the processing size: nothing to refine. */
  draft->full_resolution = FALSE;
  draft->tile_size  = 0;
}

void
impasto_settings_init (ImpastoSettings *s)
{
  memset (s, 0, sizeof (*s));
  s->style_drawable  = -1;
  s->content_weight  = 1.0;
  s->style_weight    = 2.0;
  s->tv_weight       = 0.02;
  s->style_scale     = 1.0;
  s->iterations      = 150;
  s->size            = 384;
  s->network         = IMPASTO_NETWORK_DARKNET_TINY;
  s->learning_rate   = 0.02;
  s->full_resolution = TRUE;
  s->refine_iterations = 20;
  g_strlcpy (s->model, "starry-night", sizeof (s->model));
  s->strength        = 1.0;
  s->scale           = 1.0;
  s->alpha           = 1.0;
}

const gchar *
impasto_settings_network_name (gint network)
{
  static const gchar *names[] = { "darknet-tiny", "vgg19", "random" };

  return network >= 0 && network < IMPASTO_N_NETWORKS ? names[network] : "darknet-tiny";
}

static gboolean
check_double (gdouble value, gdouble min, gdouble max, const gchar *name, GError **error)
{
  if (value >= min && value <= max)
    return TRUE;
  g_set_error (error, IMPASTO_SETTINGS_ERROR, 0,
               _("%s must be between %g and %g (got %g)."), name, min, max, value);
  return FALSE;
}

static gboolean
check_int (gint value, gint min, gint max, const gchar *name, GError **error)
{
  if (value >= min && value <= max)
    return TRUE;
  g_set_error (error, IMPASTO_SETTINGS_ERROR, 0,
               _("%s must be between %d and %d (got %d)."), name, min, max, value);
  return FALSE;
}

gboolean
impasto_settings_validate (const ImpastoSettings *s, GError **error)
{
  if (s->method == IMPASTO_METHOD_MODEL)
    {
      if (!s->model[0])
        {
          g_set_error_literal (error, IMPASTO_SETTINGS_ERROR, 0, _("Choose a style model."));
          return FALSE;
        }
      return check_double (s->strength, 0.0, 1.0,  _("The strength"), error) &&
             check_double (s->scale,    0.05, 4.0, _("The processing scale"), error) &&
             check_double (s->alpha,    0.0, 1.0,  _("The style amount"), error) &&
             check_int (s->tile_size,   0, 8192,   _("The tile size"), error) &&
             check_int (s->preserve_colors, 0, 2,  _("The colour mode"), error) &&
             check_int (s->threads,     0, 256,    _("The thread count"), error);
    }
  return check_int (s->method, 0, 1, _("The method"), error) &&
         check_double (s->content_weight, 0.0, 1000.0,  _("The content weight"), error) &&
         check_double (s->style_weight,   0.0, 100000.0, _("The style weight"), error) &&
         check_double (s->tv_weight,      0.0, 100.0,   _("The smoothness"), error) &&
         check_double (s->style_scale,    0.05, 8.0,    _("The detail size"), error) &&
         check_double (s->learning_rate,  0.0001, 10.0, _("The Adam step size"), error) &&
         check_int (s->iterations,      1, 100000, _("The number of iterations"), error) &&
         check_int (s->size,            16, 8192,  _("The processing size"), error) &&
         check_int (s->preserve_colors, 0, 2,      _("The colour mode"), error) &&
         check_int (s->network,         0, IMPASTO_N_NETWORKS - 1, _("The network"), error) &&
         check_int (s->optimizer,       0, 1,      _("The optimiser"), error) &&
         check_int (s->init,            0, 2,      _("The starting image"), error) &&
         check_int (s->multiscale,      0, 2,      _("The coarse-to-fine mode"), error) &&
         check_int (s->full_resolution, 0, 1,      _("Full resolution"), error) &&
         check_int (s->refine_iterations, 1, 1000, _("The number of refinement steps"), error) &&
         check_int (s->pooling,         0, 1,      _("The pooling mode"), error) &&
         check_int (s->seed,            0, G_MAXINT, _("The random seed"), error) &&
         check_int (s->threads,         0, 256,    _("The thread count"), error);
}

/* key=value lines; strings are escaped with g_strescape. */
gchar *
impasto_settings_serialize (const ImpastoSettings *s, const ImpastoLinks *links)
{
  GString *out = g_string_new (NULL);
  gchar    num[G_ASCII_DTOSTR_BUF_SIZE];
  gchar   *esc;

#define PUT_D(key, v) g_string_append_printf (out, key "=%s\n", g_ascii_dtostr (num, sizeof num, v))
#define PUT_I(key, v) g_string_append_printf (out, key "=%d\n", (gint) (v))
#define PUT_S(key, v) (esc = g_strescape (v, NULL), g_string_append_printf (out, key "=%s\n", esc), g_free (esc))

  g_string_append_printf (out, IMPASTO_PARASITE_NAME " %d\n", IMPASTO_PARASITE_VERSION);
  PUT_S ("impasto-version", IMPASTO_VERSION);
  PUT_S ("method", s->method == IMPASTO_METHOD_MODEL ? "model" : "gatys");
  PUT_S ("model", s->model);
  PUT_D ("strength", s->strength);
  PUT_D ("scale", s->scale);
  PUT_I ("tile-size", s->tile_size);
  PUT_D ("alpha", s->alpha);
  g_string_append_printf (out, "source-tattoo=%u\n", links->source_tattoo);
  g_string_append_printf (out, "style-tattoo=%u\n", links->style_tattoo);
  PUT_S ("style-image", links->style_image);
  PUT_S ("style-files", s->style_files);
  PUT_S ("style-weights", s->style_weights);
  PUT_D ("content-weight", s->content_weight);
  PUT_D ("style-weight", s->style_weight);
  PUT_D ("tv-weight", s->tv_weight);
  PUT_D ("style-scale", s->style_scale);
  PUT_I ("iterations", s->iterations);
  PUT_I ("size", s->size);
  PUT_I ("preserve-colors", s->preserve_colors);
  PUT_S ("network", impasto_settings_network_name (s->network));
  PUT_I ("optimizer", s->optimizer);
  PUT_D ("learning-rate", s->learning_rate);
  PUT_I ("init", s->init);
  PUT_I ("multiscale", s->multiscale);
  PUT_I ("full-resolution", s->full_resolution);
  PUT_I ("refine-iterations", s->refine_iterations);
  PUT_I ("pooling", s->pooling);
  PUT_S ("content-layers", s->content_layers);
  PUT_S ("style-layers", s->style_layers);
  PUT_I ("seed", s->seed);
  PUT_I ("threads", s->threads);
#undef PUT_D
#undef PUT_I
#undef PUT_S
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
      /* Nothing of an earlier value may linger after the terminator: the
       * struct is stored as is (last values) and compared byte for byte. */
      memset (dest, 0, size);
      g_strlcpy (dest, raw, size);
    }
  g_free (raw);
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
      gchar       *eq = strchr (lines[i], '=');
      const gchar *key, *value;
      gdouble      d;

      if (!eq)
        continue;
      *eq = '\0';
      key = lines[i];
      value = eq + 1;

#define D(name, field) else if (!strcmp (key, name)) ok = parse_double (value, &d) && ((s->field = d), TRUE)
#define I(name, field, lo, hi) else if (!strcmp (key, name)) ok = parse_int (value, lo, hi, &v) && ((s->field = (gint) v), TRUE)
#define S(name, dest) else if (!strcmp (key, name)) ok = copy_string (value, dest, sizeof (dest))
      if (!strcmp (key, "method"))
        {
          ok = !strcmp (value, "gatys") || !strcmp (value, "model");
          s->method = !strcmp (value, "model") ? IMPASTO_METHOD_MODEL : IMPASTO_METHOD_GATYS;
        }
      else if (!strcmp (key, "network"))
        {
          gint n;
          ok = FALSE;
          for (n = 0; n < IMPASTO_N_NETWORKS; n++)
            if (!strcmp (value, impasto_settings_network_name (n)))
              {
                s->network = n;
                ok = TRUE;
              }
        }
      else if (!strcmp (key, "source-tattoo"))
        ok = parse_int (value, 0, G_MAXUINT32, &v) && ((links->source_tattoo = (guint) v), TRUE);
      else if (!strcmp (key, "style-tattoo"))
        ok = parse_int (value, 0, G_MAXUINT32, &v) && ((links->style_tattoo = (guint) v), TRUE);
      S ("style-image", links->style_image);
      S ("model", s->model);
      D ("strength", strength);
      D ("scale", scale);
      I ("tile-size", tile_size, G_MININT, G_MAXINT);
      D ("alpha", alpha);
      S ("style-files", s->style_files);
      S ("style-weights", s->style_weights);
      D ("content-weight", content_weight);
      D ("style-weight", style_weight);
      D ("tv-weight", tv_weight);
      D ("style-scale", style_scale);
      I ("iterations", iterations, G_MININT, G_MAXINT);
      I ("size", size, G_MININT, G_MAXINT);
      I ("preserve-colors", preserve_colors, G_MININT, G_MAXINT);
      I ("optimizer", optimizer, G_MININT, G_MAXINT);
      D ("learning-rate", learning_rate);
      I ("init", init, G_MININT, G_MAXINT);
      I ("multiscale", multiscale, G_MININT, G_MAXINT);
      I ("full-resolution", full_resolution, G_MININT, G_MAXINT);
      I ("refine-iterations", refine_iterations, G_MININT, G_MAXINT);
      I ("pooling", pooling, G_MININT, G_MAXINT);
      S ("content-layers", s->content_layers);
      S ("style-layers", s->style_layers);
      I ("seed", seed, G_MININT, G_MAXINT);
      I ("threads", threads, G_MININT, G_MAXINT);
#undef D
#undef I
#undef S
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
