/* Every option of an Impasto run as one plain struct: what the PDB shim
 * fills from its arguments, what is kept as last values, and what is stored
 * on the result layer (as a versioned parasite) so it can be re-rendered.
 * No GIMP calls here, so a GIMP 3 front end can share it. */
#ifndef IMPASTO_SETTINGS_H
#define IMPASTO_SETTINGS_H

#include <glib.h>

#include "impasto/parameters.h"

G_BEGIN_DECLS

#define IMPASTO_PARASITE_NAME    "impasto-settings"
/* 2: enumerations stored by nick (1: by number, but network and method). */
#define IMPASTO_PARASITE_VERSION 2

/* A field per row of IMPASTO_SETTINGS_PARAMETERS (impasto/parameters.h),
 * named as the row: numbers and switches as gint or gdouble, texts as
 * fixed buffers, so the struct is pointer-free and stored as is with
 * gimp_set_data(). */
#define IMPASTO_SETTINGS_FIELD_DOUBLE(id, size) gdouble id;
#define IMPASTO_SETTINGS_FIELD_INT(id, size)    gint    id;
#define IMPASTO_SETTINGS_FIELD_BOOL(id, size)   gint    id;
#define IMPASTO_SETTINGS_FIELD_ENUM(id, size)   gint    id;
#define IMPASTO_SETTINGS_FIELD_STRING(id, size) gchar   id[size];
#define IMPASTO_SETTINGS_FIELD_PATH(id, size)   gchar   id[size];
#define IMPASTO_SETTINGS_FIELD_(TYPE, id, key, label, help, def, min, max, umin, umax, step, digits, log, extra) \
  IMPASTO_SETTINGS_FIELD_##TYPE (id, extra)

typedef struct
{
  IMPASTO_SETTINGS_PARAMETERS (IMPASTO_SETTINGS_FIELD_)
  gint32 style_drawable;           /* GIMP's style layer, -1: none (run time only, never stored) */
} ImpastoSettings;

/* Where the inputs of a result layer came from, for re-rendering. */
typedef struct
{
  guint  source_tattoo;
  guint  style_tattoo;             /* 0: no style layer */
  gchar  style_image[4096];        /* file of the image holding the style layer, "" if unsaved */
} ImpastoLinks;

void      impasto_settings_init     (ImpastoSettings       *settings);
/* Range checks (impasto/parameters.h) with translated messages. */
gboolean  impasto_settings_validate (const ImpastoSettings *settings,
                                     GError               **error);
/* Quality presets of the optimisation: iterations, processing size and
 * whether the result is refined up to the layer's own pixels. */
typedef enum { IMPASTO_QUALITY_DRAFT, IMPASTO_QUALITY_BALANCED, IMPASTO_QUALITY_FINE, IMPASTO_QUALITY_CUSTOM } ImpastoQuality;
void           impasto_quality_values (ImpastoQuality quality, gint *iterations, gint *size,
                                       gboolean *full_resolution);
ImpastoQuality impasto_quality_of     (gint iterations, gint size, gboolean full_resolution);

/* What the dialog's preview renders: the optimisation at the Draft preset's iterations and
 * at most preview_size pixels, everything else as given. */
void      impasto_settings_draft    (const ImpastoSettings *settings,
                                     gint                   preview_size,
                                     ImpastoSettings       *draft);

/* "impasto-settings 2\nkey=value\n..." */
gchar    *impasto_settings_serialize (const ImpastoSettings *settings,
                                      const ImpastoLinks    *links);
/* Parses what serialize wrote. Unknown keys are ignored; a newer format
 * version or a malformed value is an error. settings keeps defaults for
 * keys that are absent. */
gboolean  impasto_settings_parse     (const gchar           *text,
                                      gsize                  length,
                                      ImpastoSettings       *settings,
                                      ImpastoLinks          *links,
                                      GError               **error);

G_END_DECLS

#endif
