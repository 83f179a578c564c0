/* Runs preview renders in one background thread so the dialog never
 * blocks: a new request supersedes the one running (which is told to stop
 * through its cancel flag) and any waiting one; at most one render runs at a
 * time; only the result of the latest request is delivered, in the main
 * loop. Plain GLib, so it is tested without GIMP or a display. */
#ifndef IMPASTO_PREVIEW_WORKER_H
#define IMPASTO_PREVIEW_WORKER_H

#include <glib.h>

#include "impasto-settings.h"

G_BEGIN_DECLS

/* Runs in the worker thread. Checks *cancel (g_atomic_int_get) as often as
 * it can and stops when it is set. Returns the result, or NULL when
 * cancelled or failed (then *error may say why). */
typedef gpointer (*ImpastoPreviewRender)  (const ImpastoSettings *settings,
                                           gpointer               inputs,
                                           gint                  *cancel,
                                           GError               **error,
                                           gpointer               data);
/* Runs in the main loop with the result of the latest request (result NULL
 * and error set when it failed). Not called for superseded requests. */
typedef void     (*ImpastoPreviewDone)    (gpointer               result,
                                           const GError          *error,
                                           gpointer               data);

typedef struct _ImpastoPreviewWorker ImpastoPreviewWorker;

ImpastoPreviewWorker *impasto_preview_worker_new    (ImpastoPreviewRender  render,
                                                     ImpastoPreviewDone    done,
                                                     GDestroyNotify        free_result,
                                                     gpointer              data);
/* Asks for a render of `settings`, superseding everything asked before.
 * `inputs` (may be NULL) goes to the render with them (for what the render
 * may not fetch itself, such as pixels read in the main thread); the worker
 * frees it with free_inputs when the render is done or superseded. */
void                  impasto_preview_worker_submit (ImpastoPreviewWorker *worker,
                                                     const ImpastoSettings *settings,
                                                     gpointer              inputs,
                                                     GDestroyNotify        free_inputs);
/* Stops the running render and drops any waiting one. */
void                  impasto_preview_worker_cancel (ImpastoPreviewWorker *worker);
/* TRUE while a render runs or waits. */
gboolean              impasto_preview_worker_busy   (ImpastoPreviewWorker *worker);
/* Cancels, waits for the thread to end, and frees. */
void                  impasto_preview_worker_free   (ImpastoPreviewWorker *worker);

G_END_DECLS

#endif
