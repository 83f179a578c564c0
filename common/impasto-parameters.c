#include "impasto-config.h"

#include <stddef.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "impasto-parameters.h"
#include "impasto-settings.h"

#define ENUM_VALUE(family, NAME, nick, label) { nick, label },
#define ENUM_TABLE(family) static const ImpastoEnumValue family##_values[] = { IMPASTO_ENUM_##family (ENUM_VALUE) };
ENUM_TABLE (METHOD)
ENUM_TABLE (COLORS)
ENUM_TABLE (NETWORK)
ENUM_TABLE (OPTIMIZER)
ENUM_TABLE (INIT)
ENUM_TABLE (MULTISCALE)
ENUM_TABLE (POOLING)

/* One initialiser per row type; the columns a type does not use are 0. */
#define COMMON_(TYPE, id, key, label, help) \
  IMPASTO_TYPE_##TYPE, #id, key, label, help
#define ROW_NUMBER_(TYPE, id, key, label, help, def, min, max, umin, umax, step, digits, log, extra) \
  { COMMON_ (TYPE, id, key, label, help), def, NULL, min, max, umin, umax, step, digits, log, NULL, 0, \
    offsetof (ImpastoSettings, id), 0 },
#define ROW_TEXT_(TYPE, id, key, label, help, def, extra) \
  { COMMON_ (TYPE, id, key, label, help), 0, def, 0, 0, 0, 0, 0, 0, FALSE, NULL, 0, \
    offsetof (ImpastoSettings, id), extra },

#define ROW_DOUBLE(...) ROW_NUMBER_ (DOUBLE, __VA_ARGS__)
#define ROW_INT(...)    ROW_NUMBER_ (INT, __VA_ARGS__)
#define ROW_BOOL(...)   ROW_NUMBER_ (BOOL, __VA_ARGS__)
#define ROW_ENUM(id, key, label, help, def, min, max, umin, umax, step, digits, log, extra) \
  { COMMON_ (ENUM, id, key, label, help), def, NULL, 0, G_N_ELEMENTS (extra##_values) - 1, 0, 0, 0, 0, FALSE, \
    extra##_values, G_N_ELEMENTS (extra##_values), offsetof (ImpastoSettings, id), 0 },
#define ROW_STRING(id, key, label, help, def, min, max, umin, umax, step, digits, log, extra) \
  ROW_TEXT_ (STRING, id, key, label, help, def, extra)
#define ROW_PATH(id, key, label, help, def, min, max, umin, umax, step, digits, log, extra) \
  ROW_TEXT_ (PATH, id, key, label, help, def, extra)
#define ROW(TYPE, ...) ROW_##TYPE (__VA_ARGS__)

static const ImpastoParameter parameters[] = { IMPASTO_SETTINGS_PARAMETERS (ROW) };

/* A number row that no setting holds (offset 0). */
#define ROW_UNSTORED_(TYPE, id, key, label, help, def, min, max, umin, umax, step, digits, log, extra) \
  { COMMON_ (TYPE, id, key, label, help), def, NULL, min, max, umin, umax, step, digits, log, NULL, 0, 0, 0 }
static const ImpastoParameter consistency = IMPASTO_PARAMETER_CONSISTENCY (ROW_UNSTORED_);

const ImpastoParameter *
impasto_parameter_consistency (void)
{
  return &consistency;
}

const ImpastoParameter *
impasto_parameters (guint *n)
{
  *n = G_N_ELEMENTS (parameters);
  return parameters;
}

const ImpastoParameter *
impasto_parameter_find (const gchar *key)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (parameters); i++)
    if (!g_strcmp0 (parameters[i].key, key))
      return &parameters[i];
  return NULL;
}

/* "_Content weight" -> "Content weight"; "内容权重(_C)" -> "内容权重"
 * (the CJK convention puts the mnemonic in brackets at the end). */
const gchar *
impasto_parameter_plain_label (const gchar *label)
{
  const gchar *translated = _(label);
  GString     *plain = g_string_new (NULL);
  const gchar *interned;
  const gchar *p;

  for (p = translated; *p; p++)
    {
      if (p[0] == '(' && p[1] == '_' && p[2] && p[3] == ')')
        {
          p += 3;
          continue;
        }
      if (p[0] == '_' && p[1] != '_')
        continue;
      g_string_append_c (plain, *p);
    }
  interned = g_intern_string (g_strchomp (plain->str));
  g_string_free (plain, TRUE);
  return interned;
}

static gpointer
field (const ImpastoParameter *p, gconstpointer settings)
{
  return (guint8 *) settings + p->offset;
}

gdouble
impasto_parameter_get (const ImpastoParameter *p, gconstpointer settings)
{
  switch (p->type)
    {
    case IMPASTO_TYPE_DOUBLE:
      return *(const gdouble *) field (p, settings);
    case IMPASTO_TYPE_INT:
    case IMPASTO_TYPE_BOOL:
    case IMPASTO_TYPE_ENUM:
      return *(const gint *) field (p, settings);
    default:
      return 0.0;
    }
}

void
impasto_parameter_set (const ImpastoParameter *p, gpointer settings, gdouble value)
{
  switch (p->type)
    {
    case IMPASTO_TYPE_DOUBLE:
      *(gdouble *) field (p, settings) = value;
      break;
    case IMPASTO_TYPE_INT:
    case IMPASTO_TYPE_BOOL:
    case IMPASTO_TYPE_ENUM:
      *(gint *) field (p, settings) = (gint) value;
      break;
    default:
      break;
    }
}

const gchar *
impasto_parameter_get_text (const ImpastoParameter *p, gconstpointer settings)
{
  return p->size ? (const gchar *) field (p, settings) : NULL;
}

gboolean
impasto_parameter_set_text (const ImpastoParameter *p, gpointer settings, const gchar *text)
{
  gchar *dest = field (p, settings);

  if (!p->size || strlen (text ? text : "") >= p->size)
    return FALSE;
  /* Nothing of an earlier value may linger after the terminator: the
   * struct is stored as is (last values) and compared byte for byte. */
  memset (dest, 0, p->size);
  g_strlcpy (dest, text ? text : "", p->size);
  return TRUE;
}

gint
impasto_parameter_enum_index (const ImpastoParameter *p, const gchar *nick)
{
  gint i;

  for (i = 0; i < p->n_values; i++)
    if (!g_strcmp0 (p->values[i].nick, nick))
      return i;
  return -1;
}
