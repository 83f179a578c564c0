/* Every option of an Impasto run as one plain struct: what the PDB shim
 * fills from its arguments, what is kept as last values, and what is stored
 * on the result layer (as a versioned parasite) so it can be re-rendered.
 * No GIMP calls here, so a GIMP 3 front end can share it. */
#ifndef IMPASTO_SETTINGS_H
#define IMPASTO_SETTINGS_H

#include <glib.h>

G_BEGIN_DECLS

#define IMPASTO_PARASITE_NAME    "impasto-settings"
#define IMPASTO_PARASITE_VERSION 1

enum { IMPASTO_NETWORK_DARKNET_TINY, IMPASTO_NETWORK_VGG19, IMPASTO_NETWORK_RANDOM, IMPASTO_N_NETWORKS };
enum { IMPASTO_METHOD_GATYS, IMPASTO_METHOD_MODEL };

/* Fixed-size, pointer-free: stored as is with gimp_set_data(). */
typedef struct
{
  gint    method;                  /* IMPASTO_METHOD_*: optimise (Gatys) or a pretrained model */
  /* Pretrained model */
  gchar   model[512];              /* installed model name or path */
  gdouble strength;                /* 0..1, blend with the original */
  gdouble scale;                   /* processing scale 0.05..4 */
  gint    tile_size;               /* 0: automatic */
  gdouble alpha;                   /* arbitrary-style models: style amount 0..1 */
  /* Style inputs: Gatys, and arbitrary-style models (first style only) */
  gint32  style_drawable;          /* -1: none (run time only) */
  gchar   style_files[4096];       /* paths separated by G_SEARCHPATH_SEPARATOR */
  gchar   style_weights[256];      /* "1,0.5": one per style, drawable first */
  /* Gatys */
  gdouble content_weight;
  gdouble style_weight;
  gdouble tv_weight;
  gdouble style_scale;
  gint    iterations;
  gint    size;
  gint    preserve_colors;         /* 0 none, 1 luminance, 2 histogram (both methods) */
  gint    network;                 /* IMPASTO_NETWORK_* */
  gint    optimizer;               /* 0 L-BFGS, 1 Adam */
  gdouble learning_rate;
  gint    init;                    /* 0 content, 1 noise, 2 style */
  gint    multiscale;              /* 0 auto, 1 on, 2 off */
  gint    full_resolution;         /* refine up to the layer's own pixels */
  gint    refine_iterations;       /* steps at the first size above the processing size */
  gint    pooling;                 /* 0 average, 1 max */
  gchar   content_layers[256];
  gchar   style_layers[512];
  gint    seed;
  gint    threads;                 /* 0: every core (both methods) */
} ImpastoSettings;

/* Where the inputs of a result layer came from, for re-rendering. */
typedef struct
{
  guint  source_tattoo;
  guint  style_tattoo;             /* 0: no style layer */
  gchar  style_image[4096];        /* file of the image holding the style layer, "" if unsaved */
} ImpastoLinks;

void      impasto_settings_init     (ImpastoSettings       *settings);
/* Range checks with translated messages; the same ranges as the GEGL op. */
gboolean  impasto_settings_validate (const ImpastoSettings *settings,
                                     GError               **error);
const gchar *impasto_settings_network_name (gint network);
/* What the dialog's preview renders: the optimisation at Draft quality and
 * at most preview_size pixels, everything else as given. */
void      impasto_settings_draft    (const ImpastoSettings *settings,
                                     gint                   preview_size,
                                     ImpastoSettings       *draft);

/* "impasto-settings 1\nkey=value\n..." */
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
