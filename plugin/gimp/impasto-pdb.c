#include "impasto-config.h"

#include <glib/gi18n-lib.h>

#include "impasto-parameters.h"
#include "impasto-pdb.h"

/* After run-mode, image and drawable; "style-drawable" is GIMP's own
 * argument (a layer), every other name a parameter key. */
static const gchar *const gatys_keys[] =
{
  "style-drawable", "style-files", "style-weights", "content-weight", "style-weight", "tv-weight",
  "style-scale", "iterations", "size", "preserve-colors", "network", "optimizer", "learning-rate", "init",
  "multiscale", "pooling", "content-layers", "style-layers", "seed", "threads", "full-resolution",
  "refine-iterations",
};

static const gchar *const model_keys[] =
{
  "model", "strength", "preserve-colors", "scale", "tile-size", "threads", "style-drawable", "style-files",
  "alpha",
};

/* Both methods; the method itself first. */
static const gchar *const frames_keys[] =
{
  "method", "consistency", "style-drawable", "style-files", "style-weights", "content-weight", "style-weight",
  "tv-weight", "style-scale", "iterations", "size", "preserve-colors", "network", "optimizer", "learning-rate",
  "init", "multiscale", "pooling", "content-layers", "style-layers", "seed", "threads", "full-resolution",
  "refine-iterations", "model", "strength", "scale", "tile-size", "alpha",
};

static const GimpParamDef leading[] =
{
  { GIMP_PDB_INT32,    "run-mode", "The run mode { RUN-INTERACTIVE (0), RUN-NONINTERACTIVE (1), RUN-WITH-LAST-VALS (2) }" },
  { GIMP_PDB_IMAGE,    "image",    "Input image" },
  { GIMP_PDB_DRAWABLE, "drawable", "Layer to stylise; an Impasto layer is re-rendered in place" },
};

#define STYLE_DRAWABLE_HELP \
  "Layer (of any open image) whose style is transferred, or -1 for none; " \
  "pretrained models use it only if they take any style image (AdaIN)"

static const gchar *const *
keys_of (gint method, gint *n)
{
  if (method == IMPASTO_PDB_FRAMES)
    {
      *n = G_N_ELEMENTS (frames_keys);
      return frames_keys;
    }
  *n = method == IMPASTO_METHOD_MODEL ? G_N_ELEMENTS (model_keys) : G_N_ELEMENTS (gatys_keys);
  return method == IMPASTO_METHOD_MODEL ? model_keys : gatys_keys;
}

/* The row of an argument; NULL for the style layer. */
static const ImpastoParameter *
row_of (const gchar *key)
{
  return !strcmp (key, "consistency") ? impasto_parameter_consistency () : impasto_parameter_find (key);
}

/* "Help (min..max, default d)", "Label { NONE (0), ... }" */
static gchar *
describe (const ImpastoParameter *p)
{
  GString *text = g_string_new (p->help);
  gchar    min[G_ASCII_DTOSTR_BUF_SIZE], max[G_ASCII_DTOSTR_BUF_SIZE], def[G_ASCII_DTOSTR_BUF_SIZE];
  gint     i;

  g_ascii_formatd (min, sizeof min, "%g", p->min);
  g_ascii_formatd (max, sizeof max, "%g", p->max);
  g_ascii_formatd (def, sizeof def, "%g", p->default_value);
  switch (p->type)
    {
    case IMPASTO_TYPE_DOUBLE:
    case IMPASTO_TYPE_INT:
      g_string_append_printf (text, " (%s..%s, default %s)", min, max, def);
      break;
    case IMPASTO_TYPE_BOOL:
      g_string_append_printf (text, " (0 or 1, default %s)", def);
      break;
    case IMPASTO_TYPE_ENUM:
      g_string_append (text, " {");
      for (i = 0; i < p->n_values; i++)
        {
          gchar *name = g_ascii_strup (p->values[i].nick, -1);

          g_string_append_printf (text, "%s %s (%d)", i ? "," : "", name, i);
          g_free (name);
        }
      g_string_append_printf (text, " }, default %s", def);
      break;
    case IMPASTO_TYPE_STRING:
    case IMPASTO_TYPE_PATH:
      g_string_append_printf (text, " (default \"%s\")", p->default_text);
      break;
    }
  return g_string_free (text, FALSE);
}

static GimpPDBArgType
pdb_type (const ImpastoParameter *p)
{
  switch (p->type)
    {
    case IMPASTO_TYPE_DOUBLE:
      return GIMP_PDB_FLOAT;
    case IMPASTO_TYPE_STRING:
    case IMPASTO_TYPE_PATH:
      return GIMP_PDB_STRING;
    default:
      return GIMP_PDB_INT32;
    }
}

gint
impasto_pdb_n_args (gint method)
{
  gint n_keys;

  keys_of (method, &n_keys);
  return G_N_ELEMENTS (leading) + n_keys;
}

GimpParamDef *
impasto_pdb_args (gint method, gint *n_args)
{
  gint                n_keys, i;
  const gchar *const *keys = keys_of (method, &n_keys);
  GimpParamDef       *args = g_new0 (GimpParamDef, G_N_ELEMENTS (leading) + n_keys);

  for (i = 0; i < (gint) G_N_ELEMENTS (leading); i++)
    {
      args[i] = leading[i];
      args[i].name = g_strdup (leading[i].name);
      args[i].description = g_strdup (leading[i].description);
    }
  for (i = 0; i < n_keys; i++)
    {
      GimpParamDef           *arg = &args[G_N_ELEMENTS (leading) + i];
      const ImpastoParameter *p = row_of (keys[i]);

      arg->name = g_strdup (keys[i]);
      if (p)
        {
          arg->type = pdb_type (p);
          arg->description = describe (p);
        }
      else
        {
          arg->type = GIMP_PDB_DRAWABLE;
          arg->description = g_strdup (STYLE_DRAWABLE_HELP);
        }
    }
  *n_args = G_N_ELEMENTS (leading) + n_keys;
  return args;
}

void
impasto_pdb_args_free (GimpParamDef *args, gint n_args)
{
  gint i;

  for (i = 0; i < n_args; i++)
    {
      g_free (args[i].name);
      g_free (args[i].description);
    }
  g_free (args);
}

gboolean
impasto_pdb_read_settings (gint method, const GimpParam *params, ImpastoSettings *s, gdouble *consistency,
                           GError **error)
{
  gint                n_keys, i;
  const gchar *const *keys = keys_of (method, &n_keys);

  impasto_settings_init (s);
  s->method = method;
  for (i = 0; i < n_keys; i++)
    {
      const GimpParam        *arg = &params[G_N_ELEMENTS (leading) + i];
      const ImpastoParameter *p = impasto_parameter_find (keys[i]);

      if (!strcmp (keys[i], "consistency"))
        {
          const ImpastoParameter *c = impasto_parameter_consistency ();

          *consistency = arg->data.d_float;
          if (!(*consistency >= c->min && *consistency <= c->max))
            {
              g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("%s must be between %g and %g."),
                           impasto_parameter_plain_label (c->label), c->min, c->max);
              return FALSE;
            }
        }
      else if (!p)
        s->style_drawable = arg->data.d_drawable;
      else if (p->type == IMPASTO_TYPE_DOUBLE)
        impasto_parameter_set (p, s, arg->data.d_float);
      else if (!p->size)
        impasto_parameter_set (p, s, arg->data.d_int32);
      else if (!impasto_parameter_set_text (p, s, arg->data.d_string ? arg->data.d_string : ""))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NAMETOOLONG, _("%s is too long (at most %d characters)."),
                       impasto_parameter_plain_label (p->label), (gint) p->size - 1);
          return FALSE;
        }
    }
  return TRUE;
}
