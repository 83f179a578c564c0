#include "impasto-config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "impasto-model-download.h"
#include "impasto-models.h"

/* The fetch program's exit statuses (models/fetch). */
#define FETCH_UNREACHABLE 3
#define ENV_NOT_FOUND     127

G_DEFINE_QUARK (impasto-download-error-quark, impasto_download_error)

typedef struct
{
  gchar                  *name;
  GSubprocess            *process;
  GDataInputStream       *output;
  GCancellable           *cancellable;
  gulong                  cancel_handler;
  ImpastoDownloadProgress progress;
  ImpastoDownloadDone     done;
  gpointer                data;
  gchar                  *complaint;   /* fetch's last "impasto fetch: ..." line */
} Download;

static void
download_free (Download *dl)
{
  if (dl->cancel_handler)
    g_cancellable_disconnect (dl->cancellable, dl->cancel_handler);
  g_clear_object (&dl->cancellable);
  g_clear_object (&dl->output);
  g_clear_object (&dl->process);
  g_free (dl->complaint);
  g_free (dl->name);
  g_free (dl);
}

static void
finish (Download *dl, const GError *error)
{
  dl->done (error, dl->data);
  download_free (dl);
}

static void
exited (GObject *source, GAsyncResult *result, gpointer data)
{
  Download *dl = data;
  GError   *error = NULL;
  gint      status;

  g_subprocess_wait_finish (dl->process, result, NULL);
  status = g_subprocess_get_if_exited (dl->process) ? g_subprocess_get_exit_status (dl->process) : -1;
  if (g_cancellable_is_cancelled (dl->cancellable))
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The download was stopped; nothing was installed."));
  else if (status == FETCH_UNREACHABLE)
    error = g_error_new (IMPASTO_DOWNLOAD_ERROR, IMPASTO_DOWNLOAD_OFFLINE,
                         _("This computer cannot reach the download site, so nothing was installed: it may "
                           "be offline. Where the style is installed on another computer, copy its folder "
                           "“%s” from there and choose Add model…."), dl->name);
  else if (status == ENV_NOT_FOUND)
    error = g_error_new_literal (IMPASTO_DOWNLOAD_ERROR, IMPASTO_DOWNLOAD_NO_PYTHON,
                                 _("Downloading needs Python 3 (the python3 package), which is not installed."));
  else if (status != 0)
    error = g_error_new (IMPASTO_DOWNLOAD_ERROR, IMPASTO_DOWNLOAD_FAILED,
                         _("The download failed and nothing was installed: %s"),
                         dl->complaint ? dl->complaint : _("the download program stopped"));
  finish (dl, error);
  g_clear_error (&error);
}

static void read_next_line (Download *dl);

/* Lines of fetch's output (stderr merged): "progress DONE TOTAL", file
 * names, and "impasto fetch: NAME: why" when it fails. */
static void
got_line (GObject *source, GAsyncResult *result, gpointer data)
{
  Download *dl = data;
  gchar    *line = g_data_input_stream_read_line_finish_utf8 (dl->output, result, NULL, NULL);
  guint     done, total;

  if (!line)  /* end of output, or an error reading it: the exit status tells */
    {
      g_subprocess_wait_async (dl->process, NULL, exited, dl);
      return;
    }
  if (sscanf (line, "progress %u %u", &done, &total) == 2 && total > 0)
    dl->progress (CLAMP ((gdouble) done / total, 0.0, 1.0), dl->data);
  else if (g_str_has_prefix (line, "impasto fetch: "))
    {
      const gchar *why = line + strlen ("impasto fetch: ");

      /* "NAME: " is the style the user chose; the rest says why. */
      if (g_str_has_prefix (why, dl->name) && !strncmp (why + strlen (dl->name), ": ", 2))
        why += strlen (dl->name) + 2;
      g_free (dl->complaint);
      dl->complaint = g_strdup (why);
    }
  g_free (line);
  read_next_line (dl);
}

static void
read_next_line (Download *dl)
{
  /* Never cancelled itself: the end of the output always arrives, after
   * SIGTERM too, and leads to the exit status. */
  g_data_input_stream_read_line_async (dl->output, G_PRIORITY_DEFAULT, NULL, got_line, dl);
}

static void
cancelled (GCancellable *cancellable, gpointer data)
{
  Download *dl = data;

  /* fetch removes its partial download on SIGTERM. */
  g_subprocess_send_signal (dl->process, SIGTERM);
}

void
impasto_model_download (const gchar            *name,
                        GCancellable           *cancellable,
                        ImpastoDownloadProgress progress,
                        ImpastoDownloadDone     done,
                        gpointer                data)
{
  Download    *dl = g_new0 (Download, 1);
  gchar       *catalogue = impasto_catalogue_dir ();
  gchar       *fetch = g_build_filename (catalogue, "fetch", NULL);
  gchar       *models = impasto_user_model_dir ();
  const gchar *mirror = g_getenv ("IMPASTO_FETCH_MIRROR");
  GPtrArray   *argv = g_ptr_array_new ();
  GError      *error = NULL;

  dl->name        = g_strdup (name);
  dl->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  dl->progress    = progress;
  dl->done        = done;
  dl->data        = data;

  g_ptr_array_add (argv, fetch);
  g_ptr_array_add (argv, "--progress");
  g_ptr_array_add (argv, "--model-dir");
  g_ptr_array_add (argv, models);
  if (mirror && *mirror)
    {
      g_ptr_array_add (argv, "--mirror");
      g_ptr_array_add (argv, (gpointer) mirror);
    }
  g_ptr_array_add (argv, "--");
  g_ptr_array_add (argv, dl->name);
  g_ptr_array_add (argv, NULL);
  dl->process = g_subprocess_newv ((const gchar * const *) argv->pdata,
                                   G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_ptr_array_free (argv, TRUE);
  g_free (models);
  g_free (fetch);
  g_free (catalogue);
  if (!dl->process)
    {
      GError *why = g_error_new (IMPASTO_DOWNLOAD_ERROR, IMPASTO_DOWNLOAD_FAILED,
                                 _("Cannot start the download program: %s"), error->message);

      g_error_free (error);
      finish (dl, why);
      g_error_free (why);
      return;
    }
  dl->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (dl->process));
  dl->cancel_handler = g_cancellable_connect (dl->cancellable, G_CALLBACK (cancelled), dl, NULL);
  read_next_line (dl);
}
