/* Runs Impasto's GEGL operation on a GIMP drawable and puts the result in
 * the image: a new layer above the source, or the pixels of an existing
 * Impasto layer. The image is touched only once the result is complete, in
 * one undo group. */
#ifndef IMPASTO_RENDER_H
#define IMPASTO_RENDER_H

#include <gegl.h>
#include <libgimp/gimp.h>

#include "impasto-run.h"
#include "impasto-settings.h"

G_BEGIN_DECLS

/* Stylises `source` with the settings' method into a new buffer of its
 * size (origin 0, 0). Shows progress in GIMP. NULL with a translated
 * *error on failure. */
GeglBuffer *impasto_render (gint32                 source,
                            const ImpastoSettings *settings,
                            GError               **error);

/* impasto_render for frame `index` (0-based) of `count` of an animation:
 * `input` is the frame (R'G'B'A float, any origin), previous the frame
 * before and its result (NULL for the first). GIMP's progress bar covers
 * the whole animation and names the frame. */
GeglBuffer *impasto_render_frame_buffer (GeglBuffer                 *input,
                                         const ImpastoSettings      *settings,
                                         const ImpastoPreviousFrame *previous,
                                         gint                        index,
                                         gint                        count,
                                         GError                    **error);

/* Rough seconds impasto_render takes on a width x height layer (the
 * optimisation; 0 for pretrained models or when the core is missing). */
gdouble     impasto_render_seconds (const ImpastoSettings *settings,
                                    gint                   width,
                                    gint                   height);

/* Adds `result` as a new layer directly above `source`, masked by the
 * selection if there is one, with the settings stored on it. */
gint32      impasto_add_result_layer (gint32                 image,
                                      gint32                 source,
                                      GeglBuffer            *result,
                                      const ImpastoSettings *settings,
                                      const ImpastoLinks    *links,
                                      GError               **error);

/* Re-renders an existing Impasto layer: a copy with the new pixels and
 * settings takes its place (same position, name, mask and tattoo), in one
 * undo group. Returns the new layer, or -1 with *error. */
gint32      impasto_update_result_layer (gint32                 image,
                                         gint32                 layer,
                                         GeglBuffer            *result,
                                         const ImpastoSettings *settings,
                                         const ImpastoLinks    *links,
                                         GError               **error);

/* Reads the settings stored on an Impasto layer. FALSE without *error when
 * the layer has none; FALSE with *error when they are damaged. */
gboolean    impasto_read_layer_settings (gint32           layer,
                                         ImpastoSettings *settings,
                                         ImpastoLinks    *links,
                                         GError         **error);

/* The links to store for a run on `source` with the given style layer. */
void        impasto_links_for (gint32        image,
                               gint32        source,
                               gint32        style_drawable,
                               ImpastoLinks *links);

/* Finds the source and style layer of an Impasto layer again. */
gboolean    impasto_resolve_links (gint32              image,
                                   const ImpastoLinks *links,
                                   gint32             *source,
                                   gint32             *style_drawable,
                                   GError            **error);

G_END_DECLS

#endif
