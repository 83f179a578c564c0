/* Downloads a catalogue style into the user's model folder by running the
 * catalogue's own fetch program (the one models/fetch is), which checks
 * every file's sha256 and installs nothing unless all of it arrived. Plain
 * GIO: the dialog shows the progress, any front end could. */
#ifndef IMPASTO_MODEL_DOWNLOAD_H
#define IMPASTO_MODEL_DOWNLOAD_H

#include <gio/gio.h>

G_BEGIN_DECLS

#define IMPASTO_DOWNLOAD_ERROR (impasto_download_error_quark ())
typedef enum
{
  IMPASTO_DOWNLOAD_OFFLINE,    /* the site cannot be reached */
  IMPASTO_DOWNLOAD_NO_PYTHON,  /* the fetch program cannot start */
  IMPASTO_DOWNLOAD_FAILED      /* a bad or incomplete file, a full disk... */
} ImpastoDownloadError;
GQuark impasto_download_error_quark (void);

typedef void (*ImpastoDownloadProgress) (gdouble fraction, gpointer data);
/* error is NULL on success; cancelled downloads end with
 * G_IO_ERROR_CANCELLED. */
typedef void (*ImpastoDownloadDone)     (const GError *error, gpointer data);

/* Starts downloading the catalogue entry `name` (impasto_list_downloadable)
 * into impasto_user_model_dir(). $IMPASTO_FETCH_MIRROR, when set, is
 * passed on as the mirror (a folder or URL laid out as <mirror>/<name>/).
 * Both callbacks run in the thread-default main context; done is called
 * exactly once. Cancelling stops the download and installs nothing. */
void   impasto_model_download (const gchar            *name,
                               GCancellable           *cancellable,
                               ImpastoDownloadProgress progress,
                               ImpastoDownloadDone     done,
                               gpointer                data);

G_END_DECLS

#endif
