/* The rows of core/include/impasto/parameters.h as data, for front ends
 * that walk them at run time: the settings' defaults, validation and
 * parasite, the PDB arguments and the dialog's widgets. Only the
 * parameters a plug-in stores (IMPASTO_SETTINGS_PARAMETERS) are here; each
 * knows where its value lives in ImpastoSettings. */
#ifndef IMPASTO_PARAMETERS_RUNTIME_H
#define IMPASTO_PARAMETERS_RUNTIME_H

#include <glib.h>

#include "impasto/parameters.h"

G_BEGIN_DECLS

typedef enum
{
  IMPASTO_TYPE_DOUBLE,
  IMPASTO_TYPE_INT,
  IMPASTO_TYPE_BOOL,
  IMPASTO_TYPE_ENUM,
  IMPASTO_TYPE_STRING,
  IMPASTO_TYPE_PATH
} ImpastoParameterType;

typedef struct
{
  const gchar *nick;             /* stored in parasites and accepted by GEGL */
  const gchar *label;            /* untranslated */
} ImpastoEnumValue;

typedef struct
{
  ImpastoParameterType    type;
  const gchar            *id;          /* content_weight */
  const gchar            *key;         /* content-weight: parasite key, PDB argument */
  const gchar            *label;       /* untranslated, with a mnemonic */
  const gchar            *help;        /* untranslated */
  gdouble                 default_value;
  const gchar            *default_text; /* STRING and PATH */
  gdouble                 min, max;    /* ENUM: 0 .. n_values - 1 */
  gdouble                 ui_min, ui_max, step;
  gint                    digits;
  gboolean                logarithmic;
  const ImpastoEnumValue *values;      /* ENUM */
  gint                    n_values;
  gsize                   offset;      /* of the value in ImpastoSettings */
  gsize                   size;        /* STRING and PATH: buffer size */
} ImpastoParameter;

/* Every stored parameter, in IMPASTO_SETTINGS_PARAMETERS order. */
const ImpastoParameter *impasto_parameters           (guint                  *n);
/* The parameter with this key ("content-weight"), or NULL. */
const ImpastoParameter *impasto_parameter_find       (const gchar            *key);

/* The frame consistency of animation runs: a row no setting holds (the
 * front ends that stylise frames keep it beside the settings). */
const ImpastoParameter *impasto_parameter_consistency (void);

/* The label translated, without its mnemonic ("Content weight"): GEGL's
 * property nicks and error messages. Interned: never freed. */
const gchar            *impasto_parameter_plain_label (const gchar           *label);

/* Its value in a settings struct, as a double (numbers, booleans, enums)
 * or a string (STRING, PATH); and setting it. */
gdouble                 impasto_parameter_get        (const ImpastoParameter *p,
                                                      gconstpointer           settings);
void                    impasto_parameter_set        (const ImpastoParameter *p,
                                                      gpointer                settings,
                                                      gdouble                 value);
const gchar            *impasto_parameter_get_text   (const ImpastoParameter *p,
                                                      gconstpointer           settings);
/* FALSE when the text does not fit (the value is then unchanged). */
gboolean                impasto_parameter_set_text   (const ImpastoParameter *p,
                                                      gpointer                settings,
                                                      const gchar            *text);

/* An enum value by nick: its index, or -1. */
gint                    impasto_parameter_enum_index (const ImpastoParameter *p,
                                                      const gchar            *nick);

G_END_DECLS

#endif
